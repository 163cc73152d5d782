/**
 * lamina side of the lockstep check (see lockstep_keras.py): loads Keras' initial model, takes the
 * same training steps on the same batches, and compares each step's loss, each epoch's validation
 * accuracy and loss, and the final validation predictions with Keras', twice: with lamina's
 * cross-entropy (from the softmax's logits, as Keras' TensorFlow backend) and with the
 * cross-entropy of clipped probabilities Keras' torch and jax backends compute.
 *   npx tsx test/interop/lockstep_lamina.ts <dir>
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "../../src/index.js";
import { readNpy } from "../../src/data/npy.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: npx tsx test/interop/lockstep_lamina.ts <dir written by lockstep_keras.py>");
const keras = JSON.parse(readFileSync(join(dir, "keras.json"), "utf8")) as { losses: number[]; val_pred: number[][]; val_acc: number[]; val_loss: number[] };
const xtr = readNpy(join(dir, "xtr.npy")), ytr = readNpy(join(dir, "ytr.npy"));
const xv = readNpy(join(dir, "xv.npy")), yv = readNpy(join(dir, "yv.npy"));
const perms = readNpy(join(dir, "perms.npy"));
const [epochs, rowsPerEpoch] = perms.shape;
const steps = rowsPerEpoch / 256;
const rows = perms.dataSync() as Int32Array;
const xvHead = tf.slice(xv, [0, 0, 0, 0], [keras.val_pred.length, -1, -1, -1]);

type LossInput = Parameters<typeof tf.log>[0];
const clippedCrossentropy = (yTrue: LossInput, yPred: LossInput): tf.Tensor => {
  const probabilities = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
  const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), "int32"), probabilities.shape[probabilities.shape.length - 1]);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.log(probabilities)), -1));
};
const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;

for (const clipped of [false, true]) {
  const label = clipped ? "clipped probabilities" : "lamina's cross-entropy";
  const model = await tf.models.loadModel(join(dir, "initial.keras"));
  if (clipped) model.compile({ loss: clippedCrossentropy, optimizer: tf.optimizers.SGD({ learningRate: 1e-3 }), metrics: ["accuracy"] });
  const losses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < steps; i++) {
      const batch = tf.constant(rows.subarray(e * rowsPerEpoch + i * 256, e * rowsPerEpoch + (i + 1) * 256), [256], "int32");
      model.resetMetrics(); // trainOnBatch keeps running means, as Keras' train_on_batch does: this step's loss alone
      const l = model.trainOnBatch(tf.gather(xtr, batch), tf.gather(ytr, batch));
      losses.push(Array.isArray(l) ? l[0] : l);
    }
    const [valLoss, valAcc] = (await model.evaluate(xv, yv, { batchSize: 256, verbose: 0 })) as number[];
    const ours = losses.slice(-steps), theirs = keras.losses.slice(e * steps, (e + 1) * steps);
    console.log(`${label}, epoch ${e + 1}: mean loss ${mean(ours).toFixed(5)} (Keras ${mean(theirs).toFixed(5)}), val_accuracy ${valAcc.toFixed(4)} (Keras ${keras.val_acc[e].toFixed(4)}), val_loss ${valLoss.toFixed(4)} (Keras ${keras.val_loss[e].toFixed(4)})`);
  }
  const pv = model.predict(xvHead).arraySync() as number[][];
  let maxDiff = 0;
  pv.forEach((r, i) => r.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - keras.val_pred[i][j])); }));
  const rel = losses.map((l, i) => Math.abs(l - keras.losses[i]) / Math.abs(keras.losses[i]));
  console.log(`${label}: first loss ${losses[0].toFixed(5)} (Keras ${keras.losses[0].toFixed(5)}), largest relative loss difference over ${losses.length} steps ${Math.max(...rel).toExponential(1)}, validation predictions to ${maxDiff.toExponential(1)}`);
}
