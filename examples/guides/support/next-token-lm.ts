/**
 * The stand-in for KerasHub's Gemma3 in the quantization guide ports: lamina has no KerasHub (and
 * no network to fetch a preset), so they quantize a small next-token model built from Embedding
 * and Dense layers, trained on a toy corpus (token t is followed by 3t + 1 mod vocab) so that
 * greedy generation has something to follow, and handed back uncompiled as a preset loads.
 */
import { statSync } from "node:fs";
import * as tf from "../../../src/index.js";

const { layers, models, ops } = tf;

export const VOCAB = 512;
export const CONTEXT = 8;
/** A prompt that follows the corpus' rule, so a trained model continues it. */
export const PROMPT = [5, 16, 49, 148, 445, 312, 425, 252];

function nextTokenModel(): tf.models.Model {
  const tokens = layers.Input({ shape: [CONTEXT], dtype: "int32", name: "tokens" });
  const embedded = layers.Embedding({ inputDim: VOCAB, outputDim: 64 })(tokens);
  const hidden = layers.Dense({ units: 256, activation: "gelu" })(layers.Flatten()(embedded));
  const logits = layers.Dense({ units: VOCAB, name: "logits" })(hidden);
  return new models.Model({ inputs: tokens, outputs: logits, name: "next_token" });
}

/**
 * Trains the model for a few epochs and returns the trained weights in a fresh, uncompiled copy:
 * a preset's weights file holds the weights alone, while a compiled model's also holds its
 * optimizer's state (as in Keras), which would blur the storage comparison.
 */
export async function trainedNextTokenModel(quick: boolean): Promise<tf.models.Model> {
  const trainer = nextTokenModel();
  trainer.compile({
    optimizer: tf.optimizers.Adam({ learningRate: 3e-3 }),
    loss: tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  });
  const sequences = quick ? 512 : 4096;
  const windows: number[] = [];
  const targets: number[] = [];
  for (let s = 0; s < sequences; s++) {
    let t = Math.floor(tf.random.uniform([], 0, VOCAB).item() as number);
    for (let i = 0; i < CONTEXT; i++) {
      windows.push(t);
      t = (3 * t + 1) % VOCAB;
    }
    targets.push(t);
  }
  await trainer.fit(tf.constant(windows, [sequences, CONTEXT], "int32"), tf.constant(targets, [sequences], "int32"), {
    epochs: quick ? 2 : 8, batchSize: 64, verbose: 0,
  });
  const lm = nextTokenModel();
  lm.setWeights(trainer.getWeights());
  return lm;
}

/** Greedy generation: appends the arg-max token `steps` times, the last CONTEXT tokens as input. */
export function generate(lm: tf.models.Model, prompt: number[], steps: number): number[] {
  const out = [...prompt];
  for (let i = 0; i < steps; i++) {
    const window = tf.constant([out.slice(-CONTEXT)], [1, CONTEXT], "int32");
    const logits = lm.predictOnBatch(window) as tf.Tensor;
    out.push(Number(ops.argmax(logits, -1).item()));
  }
  return out;
}

/** The guides' "Compute storage savings" cell: prints both weight files' sizes and the reduction (%), which it returns. */
export function printStorageSavings(fp32File: string, quantizedFile: string, mode: "INT8" | "INT4"): number {
  const bytesToMib = (n: number): number => n / 1024 ** 2;
  const fp32Size = statSync(fp32File).size;
  const quantizedSize = statSync(quantizedFile).size;
  const reduction = 100 * (1 - quantizedSize / Math.max(fp32Size, 1));
  console.log(`next_token: FP32 file size: ${bytesToMib(fp32Size).toFixed(2)} MiB`);
  console.log(`next_token: ${mode} file size: ${bytesToMib(quantizedSize).toFixed(2)} MiB`);
  console.log(`next_token: Size reduction: ${reduction.toFixed(1)}%`);
  return reduction;
}
