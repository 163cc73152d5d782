/**
 * lamina side of the lockstep check (see lockstep_keras.py): loads Keras' initial model, takes the
 * same training steps on the same batches, and compares each step's loss and the final validation
 * predictions with Keras', twice: with lamina's cross-entropy (from the softmax's logits, as Keras'
 * TensorFlow backend) and with the cross-entropy of clipped probabilities Keras' torch and jax
 * backends compute.
 *   npx tsx test/interop/lockstep_lamina.ts <dir>
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "../../src/index.js";
import { readNpy } from "../../src/data/npy.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: npx tsx test/interop/lockstep_lamina.ts <dir written by lockstep_keras.py>");
const keras = JSON.parse(readFileSync(join(dir, "keras.json"), "utf8")) as { losses: number[]; val_pred: number[][]; val_acc: number };
const xb = readNpy(join(dir, "xb.npy")), yb = readNpy(join(dir, "yb.npy"));
const xv = readNpy(join(dir, "xv.npy"));
const [steps, n, h, w, c] = xb.shape;

type LossInput = Parameters<typeof tf.log>[0];
const clippedCrossentropy = (yTrue: LossInput, yPred: LossInput): tf.Tensor => {
  const probabilities = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
  const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), "int32"), probabilities.shape[probabilities.shape.length - 1]);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.log(probabilities)), -1));
};

for (const clipped of [false, true]) {
  const model = await tf.models.loadModel(join(dir, "initial.keras"));
  if (clipped) model.compile({ loss: clippedCrossentropy, optimizer: tf.optimizers.SGD({ learningRate: 1e-3 }), metrics: ["accuracy"] });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const l = model.trainOnBatch(tf.reshape(tf.slice(xb, [i, 0, 0, 0, 0], [1, n, h, w, c]), [n, h, w, c]), tf.reshape(tf.slice(yb, [i, 0], [1, n]), [n]));
    losses.push(Array.isArray(l) ? l[0] : l);
  }
  const pv = model.predict(xv).arraySync() as number[][];
  let maxDiff = 0;
  pv.forEach((r, i) => r.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - keras.val_pred[i][j])); }));
  const rel = losses.map((l, i) => Math.abs(l - keras.losses[i]) / Math.abs(keras.losses[i]));
  console.log(`${clipped ? "clipped probabilities" : "lamina's cross-entropy"}: first loss ${losses[0].toFixed(5)} (Keras ${keras.losses[0].toFixed(5)}), largest relative loss difference over ${losses.length} steps ${Math.max(...rel).toExponential(1)}, validation predictions to ${maxDiff.toExponential(1)}`);
}
