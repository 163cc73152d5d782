/**
 * Datasets whose elements carry sample weights, as Keras reads a tf.data element
 * (x, y, sample_weight); and Keras' refusal of class_weight together with sample_weight.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

const X = [[0.5, -1], [1.5, 0.25], [-0.75, 2], [0.1, 0.3]];
const Y = [0, 2, 1, 2];
const W = [2, 0, 0.5, 1];
const KERNEL = [[0.3, -0.2, 0.1], [-0.4, 0.5, 0.2]];

function model(): tf.models.Model {
  const m = new models.Sequential([
    layers.Input({ shape: [2] }),
    layers.Dense(3, { activation: "softmax" }),
  ]);
  m.setWeights([tf.constant(KERNEL), tf.zeros([3])]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.5 }), metrics: ["accuracy"] });
  return m;
}

/** -log softmax(x W)[y] for each sample, computed by hand from the weights above (bias 0). */
function perSampleLoss(): number[] {
  return X.map((row, i) => {
    const z = [0, 1, 2].map((j) => row[0] * KERNEL[0][j] + row[1] * KERNEL[1][j]);
    const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    return lse - z[Y[i]];
  });
}

const weighted = (): number => perSampleLoss().reduce((s, l, i) => s + W[i] * l, 0) / X.length;

function dataset(withWeights: boolean): tf.data.Dataset<tf.Tensor[]> {
  const parts = [tf.constant(X), tf.constant(Y, undefined, "int32")];
  if (withWeights) parts.push(tf.constant(W));
  return tf.data.Dataset.fromTensorSlices(parts).batch(4);
}

test("evaluate reads a dataset's [x, y, sampleWeight] elements as Keras reads (x, y, sample_weight): the loss is the weighted sum over the batch size", async () => {
  const m = model();
  const plain = (await m.evaluate(dataset(false), { verbose: 0, returnDict: true })).loss;
  const mean = perSampleLoss().reduce((s, l) => s + l, 0) / X.length;
  assert.ok(Math.abs(plain - mean) < 1e-6, `${plain} vs ${mean}`);
  const got = (await m.evaluate(dataset(true), { verbose: 0, returnDict: true })).loss;
  assert.ok(Math.abs(got - weighted()) < 1e-6, `${got} vs ${weighted()}`);
});

test("fit on a dataset of [x, y, sampleWeight] weighs each sample's loss: all-zero weights leave the weights where they were", async () => {
  const m = model();
  const h = await m.fit(dataset(true), { epochs: 1, verbose: 0 });
  assert.ok(Math.abs(h.history.loss[0] - weighted()) < 1e-6, `${h.history.loss[0]} vs ${weighted()}`);
  const frozen = model();
  const before = frozen.getWeights().map((w) => [...w.dataSync()]);
  const zeros = tf.data.Dataset.fromTensorSlices([tf.constant(X), tf.constant(Y, undefined, "int32"), tf.zeros([4])]).batch(2);
  const hz = await frozen.fit(zeros, { epochs: 2, verbose: 0, validationData: dataset(true) });
  assert.equal(hz.history.loss[1], 0);
  assert.deepEqual(frozen.getWeights().map((w) => [...w.dataSync()]), before);
  // validationData as a dataset weighs its samples too (the weights did not move).
  assert.ok(Math.abs(hz.history.val_loss[0] - weighted()) < 1e-6, `${hz.history.val_loss[0]} vs ${weighted()}`);
});

test("a model with two inputs reads [x1, x2, y] and [x1, x2, y, sampleWeight]", async () => {
  const a = layers.Input({ shape: [1] }), b = layers.Input({ shape: [1] });
  const out = layers.Dense(3, { activation: "softmax", useBias: false })(layers.Concatenate()([a, b]));
  const m = new models.Model({ inputs: [a, b], outputs: out });
  m.setWeights([tf.constant(KERNEL)]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const x1 = tf.constant(X.map((r) => [r[0]])), x2 = tf.constant(X.map((r) => [r[1]])), y = tf.constant(Y, undefined, "int32");
  const three = await m.evaluate(tf.data.Dataset.fromTensorSlices([x1, x2, y]).batch(4), { verbose: 0, returnDict: true });
  assert.ok(Math.abs(three.loss - perSampleLoss().reduce((s, l) => s + l, 0) / 4) < 1e-6);
  const four = await m.evaluate(tf.data.Dataset.fromTensorSlices([x1, x2, y, tf.constant(W)]).batch(4), { verbose: 0, returnDict: true });
  assert.ok(Math.abs(four.loss - weighted()) < 1e-6, `${four.loss} vs ${weighted()}`);
  await assert.rejects(m.evaluate(tf.data.Dataset.fromTensorSlices([x1, y]).batch(4), { verbose: 0 }),
    /^TypeError: evaluate: each dataset element must be a batch \[x1, x2, y\] or \[x1, x2, y, sampleWeight\] \(the model takes 2 inputs\), got 2 tensors/);
});

test("predict ignores the labels and sample weights a dataset element carries, as Keras does", async () => {
  const m = model();
  const direct = m.predict(tf.constant(X));
  const fromDs = await m.predict(dataset(true));
  assert.deepEqual([...fromDs.dataSync()], [...direct.dataSync()]);
});

test("a dataset's sample weights are checked as fit's sampleWeight is, and a wrong element size names the forms", async () => {
  const m = model();
  const ds = (w: number[]): tf.data.Dataset<tf.Tensor[]> => tf.data.Dataset.fromTensorSlices([tf.constant(X), tf.constant(Y, undefined, "int32"), tf.constant(w)]).batch(4);
  await assert.rejects(m.fit(ds([1, -1, 1, 1]), { verbose: 0 }), /^RangeError: fit \(dataset batch\): sampleWeight \(the element's last tensor\) holds negative weights \(the lowest is -1, in sample 1\)/);
  await assert.rejects(m.evaluate(ds([1, NaN, 1, 1]), { verbose: 0 }), /^RangeError: evaluate \(dataset batch\): sampleWeight \(the element's last tensor\) holds 1 non-finite value/);
  const four = tf.data.Dataset.fromTensorSlices([tf.constant(X), tf.constant(Y, undefined, "int32"), tf.constant(W), tf.constant(W)]).batch(4);
  await assert.rejects(m.fit(four, { verbose: 0 }), /^TypeError: fit: each dataset element must be a batch \[x, y\] or \[x, y, sampleWeight\] \(the model takes 1 input\), got 4 tensors/);
  await assert.rejects(m.fit(dataset(false), { verbose: 0, sampleWeight: W }), /^TypeError: fit: sampleWeight cannot be combined with a dataset; yield it from the dataset instead, as elements \[x, y, sampleWeight\]$/);
});

test("classWeight together with sample weights is refused, as Keras refuses class_weight with sample_weight", async () => {
  const m = model();
  const before = m.getWeights().map((w) => [...w.dataSync()]);
  const msg = (op: string, where: string): RegExp => new RegExp(`^TypeError: ${op}: classWeight cannot be combined with sample weights \\(${where}\\), as in Keras; multiply each sample's weight by its class's weight and pass sampleWeight alone$`);
  await assert.rejects(m.fit(tf.constant(X), tf.constant(Y, undefined, "int32"), { verbose: 0, sampleWeight: W, classWeight: { 0: 2 } }), msg("fit", "sampleWeight is given"));
  await assert.rejects(m.fit(dataset(true), { verbose: 0, classWeight: { 0: 2 } }), msg("fit", "the dataset yields sample weights"));
  assert.throws(() => m.trainOnBatch(tf.constant(X), tf.constant(Y, undefined, "int32"), { sampleWeight: W, classWeight: { 0: 2 } }), msg("trainOnBatch", "sampleWeight is given"));
  assert.deepEqual(m.getWeights().map((w) => [...w.dataSync()]), before);
  // classWeight alone on a dataset of [x, y] still weighs by class.
  const h = await m.fit(dataset(false), { epochs: 1, verbose: 0, classWeight: { 0: 2, 1: 0.5, 2: 1 } });
  const cw = [2, 0.5, 1];
  const expected = perSampleLoss().reduce((s, l, i) => s + cw[Y[i]] * l, 0) / X.length;
  assert.ok(Math.abs(h.history.loss[0] - expected) < 1e-6, `${h.history.loss[0]} vs ${expected}`);
});

test("a two-output model reads [x, y1, y2] and [x, y1, y2, sampleWeight]: the loss is the sum of the outputs' weighted losses", async () => {
  const input = layers.Input({ shape: [2] });
  const p = layers.Dense(3, { activation: "softmax", useBias: false, name: "p" })(input);
  const q = layers.Dense(1, { useBias: false, name: "q" })(input);
  const m = new models.Model({ inputs: input, outputs: [p, q] });
  m.setWeights([tf.constant(KERNEL), tf.constant([[1], [-2]])]);
  m.compile({ loss: ["sparse_categorical_crossentropy", "mse"], optimizer: "sgd" });
  const target = [1, 0, -1, 2];
  const sq = X.map((r, i) => (r[0] - 2 * r[1] - target[i]) ** 2);
  const parts = [tf.constant(X), tf.constant(Y, undefined, "int32"), tf.constant(target.map((t) => [t]))];
  const plain = await m.evaluate(tf.data.Dataset.fromTensorSlices(parts).batch(4), { verbose: 0, returnDict: true });
  const mean = (v: number[]): number => v.reduce((s, a) => s + a, 0) / v.length;
  assert.ok(Math.abs(plain.q_loss - mean(sq)) < 1e-5, `${plain.q_loss} vs ${mean(sq)}`);
  assert.ok(Math.abs(plain.loss - (mean(perSampleLoss()) + mean(sq))) < 1e-5);
  const weighted = await m.evaluate(tf.data.Dataset.fromTensorSlices([...parts, tf.constant(W)]).batch(4), { verbose: 0, returnDict: true });
  const wq = mean(sq.map((v, i) => v * W[i])), wp = mean(perSampleLoss().map((v, i) => v * W[i]));
  assert.ok(Math.abs(weighted.q_loss - wq) < 1e-5, `${weighted.q_loss} vs ${wq}`);
  assert.ok(Math.abs(weighted.p_loss - wp) < 1e-5, `${weighted.p_loss} vs ${wp}`);
  const h = await m.fit(tf.data.Dataset.fromTensorSlices([...parts, tf.constant(W)]).batch(4), { epochs: 1, verbose: 0 });
  assert.ok(Math.abs(h.history.loss[0] - (wp + wq)) < 1e-5);
  const out = await m.predict<tf.Tensor[]>(tf.data.Dataset.fromTensorSlices(parts).batch(4));
  assert.deepEqual(out.map((t) => t.shape), [[4, 3], [4, 1]]);
  await assert.rejects(m.evaluate(tf.data.Dataset.fromTensorSlices(parts.slice(0, 2)).batch(4), { verbose: 0 }),
    /^TypeError: evaluate: each dataset element must be a batch \[x, y1, y2\] or \[x, y1, y2, sampleWeight\] \(the model takes 1 input and 2 outputs\), got 2 tensors/);
});

test("a dataset of single samples (not batched) and targets given beside a dataset are refused with what to do", async () => {
  const m = model();
  const unbatched = tf.data.Dataset.fromTensorSlices([tf.constant(X), tf.constant(Y, undefined, "int32")]);
  await assert.rejects(m.fit(unbatched, { verbose: 0 }), /^TypeError: fit \(dataset batch\): the dataset yields single samples \(x \(2,\), y \(\)\), not batches; batch it first, e\.g\. dataset\.batch\(32\)$/);
  await assert.rejects(m.evaluate(unbatched, { verbose: 0 }), /^TypeError: evaluate \(dataset batch\): the dataset yields single samples/);
  const oneHot = tf.data.Dataset.fromTensorSlices([tf.constant(X), tf.oneHot(tf.constant(Y, undefined, "int32"), 3)]);
  const cce = model();
  cce.compile({ loss: "categorical_crossentropy", optimizer: "sgd" });
  await assert.rejects(cce.fit(oneHot, { verbose: 0 }), /^TypeError: fit \(dataset batch\): the dataset yields single samples \(x \(2,\), y \(3,\)\), not batches/);
  await assert.rejects(m.fit(dataset(false) as never, tf.constant(Y) as never, { epochs: 1 } as never), /^TypeError: fit: y cannot be given with a dataset, whose elements already hold the targets \(\[x, y\]\); pass the options second: model\.fit\(dataset, \{ epochs: 5 \}\)$/);
  await assert.rejects(m.evaluate(dataset(false) as never, tf.constant(Y) as never), /^TypeError: evaluate: y cannot be given with a dataset, whose elements already hold the targets \(\[x, y\]\); pass the options second: model\.evaluate\(dataset, \{ verbose: 0 \}\)$/);
});

test("fit(dataset, null, options) and evaluate(dataset, undefined, options) read the options, as Keras' fit(dataset, None, epochs=2)", async () => {
  const unweighted = perSampleLoss().reduce((s, l) => s + l, 0) / X.length;
  const m = model();
  const before = await m.evaluate(dataset(false), undefined, { verbose: 0, returnDict: true });
  assert.ok(Math.abs((before as Record<string, number>).loss - unweighted) < 1e-6, `loss ${JSON.stringify(before)} against ${unweighted} by hand`);
  const history = await m.fit(dataset(false), null, { epochs: 2, verbose: 0 });
  assert.equal(history.history.loss.length, 2);
  assert.ok(Math.abs(history.history.loss[0] - unweighted) < 1e-6);
  await assert.rejects(m.fit(dataset(false), null, { epochs: 1, batch_size: 4 } as never), /^TypeError: fit: unknown option batch_size/);
});
