/**
 * evaluate's steps and fit's validationSteps beyond a dataset's batches: Keras' epoch iterator
 * warns "Your input ran out of data; interrupting ..." and evaluates the batches there are. The
 * expected losses are mean squared errors of a fixed Dense(1), by hand.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, utils } = tf;

// 6 samples of 2 features: 3 batches of 2.
const X = [[0.5, -1], [1.5, 0.25], [-0.75, 2], [0.1, 0.3], [1, 1], [-0.2, 0.6]];
const Y = [1, -0.5, 2, 0.25, 0.75, -1];
const W = [0.3, -0.2], B = 0.1;

/** The mean squared error of y = x·W + B over the samples, by hand. */
function handMse(rows: number[]): number {
  return rows.reduce((s, i) => s + (X[i][0] * W[0] + X[i][1] * W[1] + B - Y[i]) ** 2, 0) / rows.length;
}

function model(): tf.models.Model {
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  m.setWeights([tf.constant([[W[0]], [W[1]]]), tf.constant([B])]);
  // learningRate 0: fit leaves the weights as they are, so validation losses are the hand ones.
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0 }) });
  return m;
}

const dataset = (): tf.data.Dataset<tf.data.Element> => tf.data.Dataset.fromTensorSlices([tf.constant(X), tf.constant(Y.map((y) => [y]))]).batch(2);

class ThreeBatches extends utils.PyDataset {
  get length(): number { return 3; }
  getItem(k: number): tf.Tensor[] {
    return [tf.constant(X.slice(2 * k, 2 * k + 2)), tf.constant(Y.slice(2 * k, 2 * k + 2).map((y) => [y]))];
  }
}

async function warningsOf(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => { warnings.push(w.message); };
  process.on("warning", onWarning);
  try {
    await run();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  return warnings.filter((m) => /ran out of data/.test(m));
}

function testBatchCounter(): { cb: tf.callbacks.Callback; perRun: number[] } {
  const perRun: number[] = [];
  const cb = tf.callbacks.LambdaCallback({ onTestBegin: () => { perRun.push(0); }, onTestBatchEnd: () => { perRun[perRun.length - 1]++; } });
  return { cb, perRun };
}

const ALL = handMse([0, 1, 2, 3, 4, 5]);

test("evaluate(dataset, { steps }) beyond the dataset's batches warns once (Keras) and evaluates all of them", async () => {
  const m = model();
  let loss = NaN;
  const warned = await warningsOf(async () => { loss = await m.evaluate(dataset(), { steps: 5, verbose: 0 }) as number; });
  assert.deepEqual(warned.length, 1, warned.join("\n"));
  assert.match(warned[0], /^evaluate: your input ran out of data after 3 of steps 5 batches; interrupting epoch, as Keras does\. Make sure that your data can generate at least steps batches/);
  assert.ok(Math.abs(loss - ALL) < 1e-6, `${loss} vs ${ALL}`);
  // Exactly as many steps as batches, or fewer: no warning; 2 steps read the first 4 samples.
  assert.deepEqual(await warningsOf(() => m.evaluate(dataset(), { steps: 3, verbose: 0 })), []);
  let two = NaN;
  assert.deepEqual(await warningsOf(async () => { two = await m.evaluate(dataset(), { steps: 2, verbose: 0 }) as number; }), []);
  assert.ok(Math.abs(two - handMse([0, 1, 2, 3])) < 1e-6);
  // Each evaluate is its own call: each warns.
  assert.equal((await warningsOf(async () => { await m.evaluate(dataset(), { steps: 4, verbose: 0 }); await m.evaluate(dataset(), { steps: 4, verbose: 0 }); })).length, 2);
});

test("evaluate(PyDataset, { steps }) beyond its length warns once and evaluates its batches", async () => {
  const m = model();
  const counted = testBatchCounter();
  let loss = NaN;
  const warned = await warningsOf(async () => { loss = await m.evaluate(new ThreeBatches(), { steps: 4, verbose: 0, callbacks: [counted.cb] }) as number; });
  assert.equal(warned.length, 1, warned.join("\n"));
  assert.match(warned[0], /^evaluate: your input ran out of data after 3 of steps 4 batches/);
  assert.deepEqual(counted.perRun, [3]);
  assert.ok(Math.abs(loss - ALL) < 1e-6, `${loss} vs ${ALL}`);
});

test("fit's validationSteps beyond the validation dataset's batches warns once per fit, each validation reading the batches there are", async () => {
  for (const [what, validationData] of [["dataset", dataset()], ["PyDataset", new ThreeBatches()]] as const) {
    const m = model();
    const counted = testBatchCounter();
    let history: tf.callbacks.History | null = null;
    const warned = await warningsOf(async () => {
      history = await m.fit(tf.constant(X), tf.constant(Y.map((y) => [y])), { epochs: 3, batchSize: 6, verbose: 0, validationData, validationSteps: 5, callbacks: [counted.cb] });
    });
    assert.equal(warned.length, 1, `${what}: ${warned.join("\n")}`);
    assert.match(warned[0], /^fit: your input ran out of data after 3 of validationSteps 5 batches; interrupting epoch, as Keras does \(validation; said once per fit\)/);
    assert.deepEqual(counted.perRun, [3, 3, 3], what);
    history!.history.val_loss.forEach((v) => assert.ok(Math.abs(v - ALL) < 1e-6, `${what}: ${v} vs ${ALL}`));
    // validationSteps within the batches: no warning.
    assert.deepEqual(await warningsOf(() => m.fit(tf.constant(X), tf.constant(Y.map((y) => [y])), { epochs: 2, batchSize: 6, verbose: 0, validationData, validationSteps: 3 })), [], what);
  }
});

test("predict(dataset, { steps }) beyond the dataset's batches warns once too (Keras' predict reads through the same epoch iterator) and predicts every sample", async () => {
  const m = model();
  const want = X.map((r) => r[0] * W[0] + r[1] * W[1] + B);
  for (const data of [dataset(), new ThreeBatches()]) {
    let out: tf.Tensor | null = null;
    const warned = await warningsOf(async () => { out = await m.predict<tf.Tensor>(data, { steps: 4 }); });
    assert.equal(warned.length, 1, warned.join("\n"));
    assert.match(warned[0], /^predict: your input ran out of data after 3 of steps 4 batches/);
    Array.from(out!.dataSync(), Number).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${v} vs ${want[i]}`));
    assert.deepEqual(await warningsOf(() => m.predict(data, { steps: 3 })), []);
  }
});
