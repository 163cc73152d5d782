// config.setMaxEpochs / setMaxStepsPerEpoch (Keras 3's debugging caps): batch counts seen by
// callbacks, rows predicted, and the warnings, against what Keras' trainers and EpochIterator do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as tf from "../index.js";
import { warningsDuring } from "../testing/warnings.js";

const { layers, models, callbacks, config } = tf;

function model(): tf.models.Sequential {
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  m.compile({ loss: "mse", optimizer: "sgd" });
  return m;
}
const x = tf.constant(Array.from({ length: 200 }, (_, i) => (i % 7) / 7), [100, 2]);
const y = tf.constant(Array.from({ length: 100 }, (_, i) => (i % 5) / 5), [100, 1]);

/** Counts the train batches of each epoch and the test batches of each validation. */
function counter(): { train: number[]; test: number[]; cb: tf.callbacks.Callback } {
  const train: number[] = [], testBatches: number[] = [];
  const cb = callbacks.LambdaCallback({
    onEpochBegin: () => { train.push(0); },
    onTrainBatchEnd: () => { train[train.length - 1]++; },
    onTestBegin: () => { testBatches.push(0); },
    onTestBatchEnd: () => { testBatches[testBatches.length - 1]++; },
  });
  return { train, test: testBatches, cb };
}

async function withLimits(epochs: number | null, steps: number | null, f: () => Promise<void>): Promise<void> {
  config.setMaxEpochs(epochs);
  config.setMaxStepsPerEpoch(steps);
  try {
    await f();
  } finally {
    config.setMaxEpochs(null);
    config.setMaxStepsPerEpoch(null);
  }
}

test("setMaxEpochs caps fit's epochs with Keras' warning; a larger cap changes nothing", async () => {
  await withLimits(2, null, async () => {
    assert.equal(config.maxEpochs(), 2);
    let history: tf.callbacks.History | undefined;
    const warnings = await warningsDuring(async () => { history = await model().fit(x, y, { epochs: 5, batchSize: 50, verbose: 0 }); });
    assert.equal(history!.epoch.length, 2);
    assert.ok(warnings.includes("fit: limiting epochs to 2 (config.setMaxEpochs)"), warnings.join("; "));
  });
  await withLimits(9, null, async () => {
    const history = await model().fit(x, y, { epochs: 3, batchSize: 50, verbose: 0 });
    assert.equal(history.epoch.length, 3);
  });
  assert.equal(config.maxEpochs(), null);
});

test("setMaxStepsPerEpoch caps the batches of fit's epochs and of its validation, on tensors and on a dataset", async () => {
  await withLimits(null, 3, async () => {
    const c = counter();
    await model().fit(x, y, { epochs: 2, batchSize: 10, validationData: [x, y], validationBatchSize: 20, verbose: 0, callbacks: [c.cb] });
    assert.deepEqual(c.train, [3, 3]);
    assert.deepEqual(c.test, [3, 3]);
    const d = counter();
    const ds = tf.data.Dataset.fromTensorSlices([x, y]).batch(10);
    await model().fit(ds, { epochs: 2, validationData: ds, verbose: 0, callbacks: [d.cb] });
    assert.deepEqual(d.train, [3, 3]);
    assert.deepEqual(d.test, [3, 3]);
    // A smaller stepsPerEpoch than the cap stays, and so does a dataset with fewer batches than the cap.
    const e = counter();
    await model().fit(x, y, { epochs: 1, batchSize: 10, stepsPerEpoch: 2, verbose: 0, callbacks: [e.cb] });
    assert.deepEqual(e.train, [2]);
    const f = counter();
    await model().fit(tf.data.Dataset.fromTensorSlices([x, y]).batch(50), { epochs: 2, verbose: 0, callbacks: [f.cb] });
    assert.deepEqual(f.train, [2, 2]);
  });
});

test("with tensors and no batchSize the samples spread over the capped steps, as Keras' array adapter (all 100 rows in 3 batches of 34)", async () => {
  const m = model();
  const full = await m.evaluate(x, y, { batchSize: 100, verbose: 0 }) as number;
  await withLimits(null, 3, async () => {
    const c = counter();
    const capped = await m.evaluate(x, y, { verbose: 0, callbacks: [c.cb] }) as number;
    assert.deepEqual(c.test, [3]);
    assert.ok(Math.abs(capped - full) < 1e-6, `${capped} vs ${full}`);
    assert.deepEqual(m.predict(x).shape, [100, 1]);
    // With a batch size, only the first 3 batches are read.
    assert.deepEqual(m.predict(x, { batchSize: 10 }).shape, [30, 1]);
    const first30 = await m.evaluate(tf.slice(x, [0, 0], [30, 2]), tf.slice(y, [0, 0], [30, 1]), { batchSize: 30, verbose: 0 }) as number;
    const warnings = await warningsDuring(async () => {
      const got = await m.evaluate(x, y, { batchSize: 10, verbose: 0 }) as number;
      assert.ok(Math.abs(got - first30) < 1e-6, `${got} vs ${first30}`);
    });
    assert.ok(warnings.includes("evaluate: limiting steps to 3 (config.setMaxStepsPerEpoch)"), warnings.join("; "));
    const ds = tf.data.Dataset.fromTensorSlices(x).batch(10);
    assert.deepEqual((await m.predictAsync(ds)).shape, [30, 1]);
  });
});

test("the caps refuse bad values, 0 and null remove them, and KERAS_MAX_EPOCHS sets one at start", () => {
  assert.throws(() => config.setMaxEpochs(1.5), /config\.setMaxEpochs: the limit must be a whole number >= 1, or null for none, got 1\.5/);
  assert.throws(() => config.setMaxStepsPerEpoch(-2), /config\.setMaxStepsPerEpoch: the limit must be a whole number >= 1/);
  config.setMaxStepsPerEpoch(0);
  assert.equal(config.maxStepsPerEpoch(), null);
  const script = `import { config } from "./src/index.ts"; console.log(JSON.stringify([config.maxEpochs(), config.maxStepsPerEpoch()]));`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { ...process.env, KERAS_MAX_EPOCHS: "4", KERAS_MAX_STEPS_PER_EPOCH: "7" }, encoding: "utf8",
  });
  assert.deepEqual(JSON.parse(out.trim().split("\n").pop()!), [4, 7]);
});
