import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { warningsDuring } from "../testing/warnings.js";

const { layers, models } = tf;

function regressor(learningRate = 0.01): tf.models.Sequential {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]);
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate }) });
  return m;
}

const clean = (): number[][] => [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 0, 1]];

test("fit, evaluate, trainOnBatch and predict refuse NaN and ±Infinity in the data, naming the sample", async () => {
  const m = regressor();
  const x = clean();
  x[2][1] = NaN;
  x[3][0] = NaN;
  const y = tf.zeros([4, 2]);
  await assert.rejects(m.fit(tf.constant(x), y, { verbose: 0 }), /^RangeError: fit: x holds 2 non-finite value\(s\) \(NaN or ±Infinity\), the first \(NaN\) in sample 2; remove those samples/);
  const yInf = tf.constant([[0, 0], [0, 0], [0, 0], [0, -Infinity]]);
  await assert.rejects(m.fit(tf.constant(clean()), yInf, { verbose: 0 }), /fit: y holds 1 non-finite value\(s\) .*the first \(-Infinity\) in sample 3/);
  await assert.rejects(m.fit(tf.constant(clean()), y, { verbose: 0, validationData: [tf.constant(x), y] }), /fit \(validationData\): x holds 2 non-finite/);
  await assert.rejects(m.evaluate(tf.constant(x), y, { verbose: 0 }), /evaluate: x holds 2 non-finite/);
  assert.throws(() => m.trainOnBatch(tf.constant(x), y), /trainOnBatch: x holds 2 non-finite/);
  assert.throws(() => m.predict(tf.constant(x, [4, 3], "float64")), /predict: x holds 2 non-finite value\(s\) .*in sample 2/);
  // The refused calls did not train: the weights are still finite.
  for (const w of m.getWeights()) assert.ok(Array.from(w.dataSync() as Float32Array).every(Number.isFinite));
});

test("large finite values whose sum overflows float32 are not mistaken for non-finite ones", () => {
  const m = regressor();
  const x = tf.fill([4, 3], 3e38); // the sum, 3.6e39, is beyond float32's range
  const out = m.predict(x);
  assert.deepEqual(out.shape, [4, 2]);
});

test("integer labels are accepted without a finiteness scan error", async () => {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const h = await m.fit(tf.constant(clean()), tf.constant([0, 1, 1, 0], [4], "int32"), { verbose: 0 });
  assert.ok(Number.isFinite(h.history.loss[0]));
});

test("a loss that becomes NaN during fit is reported once, with the epoch, the batch and the fix", async () => {
  const m = regressor(1e30);
  const x = tf.constant(clean()), y = tf.ones([4, 2]);
  let history: tf.callbacks.History | null = null;
  const warnings = await warningsDuring(async () => { history = await m.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0, shuffle: false }); });
  const diverged = warnings.filter((w) => w.includes("training diverged"));
  assert.equal(diverged.length, 1, warnings.join("\n"));
  assert.match(diverged[0], /^fit: the loss became (NaN|Infinity) at epoch \d+, batch \d+: training diverged; lower the learning rate \(it is 1e\+30\).*TerminateOnNaN/);
  assert.ok(!Number.isFinite(history!.history.loss[2]), "Keras' behaviour is kept: training goes on and History shows the NaN");
  // A sound run warns nothing.
  const quiet = await warningsDuring(() => regressor(0.001).fit(x, y, { epochs: 2, verbose: 0 }));
  assert.deepEqual(quiet.filter((w) => w.includes("diverged")), []);
});

test("with TerminateOnNaN the loss turning NaN is reported by that callback alone, as Keras prints only its line", async () => {
  // Keras 3.5 (callbacks/terminate_on_nan.py): on_batch_end prints
  // f"Batch {batch}: Invalid loss, terminating training" and sets stop_training; fit adds nothing.
  const m = regressor(1e30);
  const x = tf.constant(clean()), y = tf.ones([4, 2]);
  let out = "";
  tf.callbacks.setOutputWriter({ write: (s) => { out += s; }, isTTY: false });
  let history: tf.callbacks.History | null = null;
  let warnings: string[];
  try {
    warnings = await warningsDuring(async () => {
      history = await m.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0, shuffle: false, callbacks: [tf.callbacks.TerminateOnNaN()] });
    });
  } finally {
    tf.callbacks.setOutputWriter(null);
  }
  assert.deepEqual(warnings.filter((w) => w.includes("diverged")), []);
  assert.match(out, /^Batch \d+: Invalid loss, terminating training\n$/);
  // Stopped after that batch: the epoch ends (Keras' on_epoch_end still runs), no further epoch.
  assert.equal(history!.epoch.length, 1);
});

test("sparse labels outside [0, classes) or fractional are refused before any step, naming the call", async () => {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(3, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const before = m.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
  const x = tf.constant(clean());
  await assert.rejects(m.fit(x, tf.constant([0, 1, 3, 2]), { verbose: 0 }),
    /^RangeError: fit: sparse_categorical_crossentropy needs integer labels in \[0, 3\) for a model with 3 outputs, but the labels range over \[0, 3\]/);
  await assert.rejects(m.evaluate(x, tf.constant([0, -1, 2, 2]), { verbose: 0 }), /^RangeError: evaluate: .*range over \[-1, 2\]/);
  // Min and max are whole numbers here: only a scan of every label finds the 1.5 in sample 2.
  await assert.rejects(m.fit(x, tf.constant([0, 2, 1.5, 0.25]), { verbose: 0 }),
    /^RangeError: fit: sparse_categorical_crossentropy needs integer class labels, but y holds 2 fractional value\(s\), the first \(1\.5\) in sample 2; labels are class indices 0\.\.2/);
  await assert.rejects(m.fit(x, tf.constant([0, 1, 1, 0]), { verbose: 0, validationData: [x, tf.constant([0, 2, 0.5, 0])] }),
    /^RangeError: fit \(validationData\): .*fractional value\(s\), the first \(0\.5\) in sample 2/);
  assert.deepEqual(m.getWeights().map((w) => Array.from(w.dataSync() as Float32Array)), before, "no refused call trained");
  // Whole numbers stored as floats are labels like any other.
  const h = await m.fit(x, tf.constant([0, 2, 1, 0], [4], "float32"), { verbose: 0 });
  assert.ok(Number.isFinite(h.history.loss[0]));
});

test("fit, evaluate and trainOnBatch refuse data with no samples instead of reporting a loss of 0", async () => {
  const m = regressor();
  await assert.rejects(m.fit(tf.zeros([0, 3]), tf.zeros([0, 2]), { verbose: 0 }), /^RangeError: fit: x has no samples \(\(0, 3\)\); pass at least one sample/);
  await assert.rejects(m.evaluate(tf.zeros([0, 3]), tf.zeros([0, 2]), { verbose: 0 }), /^RangeError: evaluate: x has no samples/);
  await assert.rejects(m.fit(tf.constant(clean()), tf.zeros([4, 2]), { verbose: 0, validationData: [tf.zeros([0, 3]), tf.zeros([0, 2])] }),
    /^RangeError: fit \(validationData\): x has no samples/);
  assert.throws(() => m.trainOnBatch(tf.zeros([0, 3]), tf.zeros([0, 2])), /^RangeError: trainOnBatch: x has no samples/);
});

test("binary cross-entropy labels outside [0, 1] are refused before any step; soft targets pass", async () => {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid" })]);
  m.compile({ loss: "binary_crossentropy", optimizer: "sgd", metrics: ["accuracy"] });
  const x = tf.constant(clean());
  await assert.rejects(m.fit(x, tf.constant([[0], [1], [2], [1]]), { verbose: 0 }),
    /^RangeError: fit: binary_crossentropy needs labels in \[0, 1\] \(classes 0 and 1, or soft targets\), but the labels range over \[0, 2\]; for more than two classes use loss "sparse_categorical_crossentropy"/);
  await assert.rejects(m.evaluate(x, tf.constant([[0], [-1], [1], [1]]), { verbose: 0 }), /^RangeError: evaluate: binary_crossentropy needs labels in \[0, 1\].*\[-1, 1\]/);
  const h = await m.fit(x, tf.constant([[0], [0.25], [1], [0.9]]), { verbose: 0 });
  assert.ok(Number.isFinite(h.history.loss[0]));
});

test("a validationSplit that leaves no training or no validation sample is refused, as Keras does", async () => {
  const m = regressor();
  await assert.rejects(m.fit(tf.constant([[1, 2, 3]]), tf.zeros([1, 2]), { verbose: 0, validationSplit: 0.5 }),
    /^RangeError: fit: validationSplit 0\.5 of 1 sample\(s\) leaves 0 for training and 1 for validation; each part needs at least one sample/);
  // floor(4 * 0.9) = 3 for training, 1 for validation: accepted.
  const h = await m.fit(tf.constant(clean()), tf.zeros([4, 2]), { verbose: 0, validationSplit: 0.1 });
  assert.deepEqual(Object.keys(h.history).sort(), ["loss", "val_loss"]);
});

test("y that would broadcast against the output in an element-by-element loss is refused; Keras' rank alignment passes", async () => {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1)]);
  m.compile({ loss: "mse", optimizer: "sgd" });
  const x = tf.constant(clean());
  await assert.rejects(m.fit(x, tf.zeros([4, 2]), { verbose: 0 }),
    /^RangeError: fit: y has shape \(4, 2\) but the model's output is \(None, 1\): mean_squared_error compares them element by element, so they would broadcast into a wrong loss; give y the output's shape per sample, or make the last layer output 2 value\(s\)/);
  // [n] against [n, 1] and [n, 1] against [n, 1]: Keras' squeeze_or_expand_to_same_rank lines them up.
  for (const y of [tf.zeros([4]), tf.zeros([4, 1])]) assert.ok(Number.isFinite((await m.fit(x, y, { verbose: 0 })).history.loss[0]));
  // Aliases and loss objects are recognised by the function they compute.
  const b = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid" })]);
  b.compile({ loss: "bce", optimizer: "sgd" });
  await assert.rejects(b.fit(x, tf.constant([[0], [1], [2], [1]]), { verbose: 0 }), /^RangeError: fit: binary_crossentropy needs labels in \[0, 1\]/);
  b.compile({ loss: tf.losses.MeanAbsoluteError({ name: "l1" }), optimizer: "sgd" });
  await assert.rejects(b.fit(x, tf.zeros([4, 3]), { verbose: 0 }), /mean_absolute_error compares them element by element/);
});
