/**
 * fit, evaluate and predict on datasets whose elements are Keras' nested tuples: x an object keyed
 * by Input name ([{ title, body }, y]), y a tensor or an object keyed by output layer name, an
 * optional sample weight, and x alone for predict. Every expected value is worked out by hand from
 * a linear model on the features [title0, title1, body] (the Inputs concatenated in that order).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

const TITLE = [[1, 0], [0, 1]];
const BODY = [[1], [2]];

/** title [2] and body [1] concatenated into one Dense per output name (zero weights). */
function model(outputs: string[], learningRate = 0.1): tf.models.Model {
  const title = layers.Input({ shape: [2], name: "title" }), body = layers.Input({ shape: [1], name: "body" });
  const joined = layers.Concatenate()([title, body]);
  const outs = outputs.map((name) => layers.Dense(1, { name, kernelInitializer: "zeros", biasInitializer: "zeros" })(joined));
  const m = new models.Model({ inputs: [title, body], outputs: outs.length === 1 ? outs[0] : outs });
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate }) });
  return m;
}

const xDict = () => ({ title: tf.constant(TITLE), body: tf.constant(BODY) });
const close = (got: number, want: number): void => assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);

test("fit on [{ title, body }, y] elements feeds each Input by name: one SGD step from zero weights", async () => {
  const m = model(["priority"]);
  const ds = tf.data.Dataset.fromTensorSlices([xDict(), tf.constant([[1], [0]])]).batch(2);
  const h = await m.fit(ds, { epochs: 1, verbose: 0 });
  // Predictions 0: loss mean(y^2) = 0.5; dL/dw = 2/2 * sum((0 - y) x) = -[1, 0, 1], dL/db = -1; w = -0.1 * grad.
  close(h.history.loss[0], 0.5);
  const [kernel, bias] = m.getWeights().map((w) => Array.from(w.dataSync(), Number));
  [0.1, 0, 0.1].forEach((v, i) => close(kernel[i], v));
  close(bias[0], 0.1);
});

test("zip of a dict dataset and a label dataset evaluates; y keyed by output layer name, with a sample weight", async () => {
  const one = model(["priority"]);
  const x = tf.data.Dataset.fromTensorSlices(xDict());
  const y = tf.data.Dataset.fromTensorSlices(tf.constant([[1], [0]]));
  close(await one.evaluate(tf.data.Dataset.zip(x, y).batch(2), { verbose: 0 }) as number, 0.5);
  // Two outputs, zero weights: mean(y1^2) + mean(y2^2) = (1 + 9) / 2 + (4 + 1) / 2 = 7.5;
  // weights [0, 1] over the batch size 2: 9 / 2 + 1 / 2 = 5.
  const two = model(["priority", "dept"]);
  const labels = { dept: tf.constant([[2], [1]]), priority: tf.constant([[1], [3]]) };
  const plain = await two.evaluate(tf.data.Dataset.fromTensorSlices([xDict(), labels]).batch(2), { verbose: 0, returnDict: true });
  close(plain.loss, 7.5);
  const weighted = await two.evaluate(tf.data.Dataset.fromTensorSlices([xDict(), labels, tf.constant([0, 1])]).batch(2), { verbose: 0, returnDict: true });
  close(weighted.loss, 5);
  // A list y is in output order: [priority, dept].
  const listed = await two.evaluate(tf.data.Dataset.fromTensorSlices([xDict(), [labels.priority, labels.dept]]).batch(1), { verbose: 0, returnDict: true });
  close(listed.loss, 7.5);
});

test("x as a list in input order, a PyDataset of [{ title, body }, y] batches, and single samples refused", async () => {
  const m = model(["priority"]);
  const listed = tf.data.Dataset.fromTensorSlices([[tf.constant(TITLE), tf.constant(BODY)], tf.constant([[1], [0]])]).batch(2);
  close(await m.evaluate(listed, { verbose: 0 }) as number, 0.5);
  class Keyed extends tf.utils.PyDataset {
    get length(): number { return 1; }
    getItem(): tf.utils.PyDatasetBatch { return [xDict(), tf.constant([[1], [0]])]; }
  }
  close(await m.evaluate(new Keyed(), { verbose: 0 }) as number, 0.5);
  class Wrong extends tf.utils.PyDataset {
    get length(): number { return 1; }
    getItem(): tf.utils.PyDatasetBatch { return [{ title: tf.constant(TITLE), body: [1, 2] as never }, tf.constant([[1], [0]])]; }
  }
  await assert.rejects(m.evaluate(new Wrong(), { verbose: 0 }), /^TypeError: utils\.PyDataset: Wrong\.getItem\(0\) returned a list in entry 0; it must return one batch/);
  const unbatched = tf.data.Dataset.fromTensorSlices([xDict(), tf.constant([[1], [0]])]);
  await assert.rejects(m.fit(unbatched, { verbose: 0 }), /^TypeError: fit \(dataset batch\): the dataset yields single samples .*; batch it first, e\.g\. dataset\.batch\(32\)$/);
});

test("predict reads a dataset of x dicts alone, or the x of [x, y] elements", async () => {
  const m = model(["priority"]);
  m.setWeights([tf.constant([[1], [2], [3]]), tf.constant([0.5])]);
  // [1, 0, 1]: 1 + 3 + 0.5 = 4.5; [0, 1, 2]: 2 + 6 + 0.5 = 8.5.
  const alone = await m.predict(tf.data.Dataset.fromTensorSlices(xDict()).batch(1));
  assert.deepEqual(alone.arraySync(), [[4.5], [8.5]]);
  const paired = await m.predict(tf.data.Dataset.fromTensorSlices([xDict(), tf.constant([[0], [0]])]).batch(2));
  assert.deepEqual(paired.arraySync(), [[4.5], [8.5]]);
  const validated = await m.fit(tf.data.Dataset.fromTensorSlices([xDict(), tf.constant([[4.5], [8.5]])]).batch(2), {
    epochs: 1, verbose: 0, validationData: tf.data.Dataset.fromTensorSlices([xDict(), tf.constant([[4.5], [8.5]])]).batch(2),
  });
  close(validated.history.loss[0], 0);
  close(validated.history.val_loss[0], 0);
});

test("dataset elements keyed wrongly, lacking y or nested too deep are errors naming the fix", async () => {
  const m = model(["priority"]);
  const wrongKeys = tf.data.Dataset.fromTensorSlices([{ title: tf.constant(TITLE), text: tf.constant(BODY) }, tf.constant([[1], [0]])]).batch(2);
  await assert.rejects(m.fit(wrongKeys, { verbose: 0 }), /^RangeError: fit \(dataset batch\): x is keyed by "title", "text" but the model's inputs are named "title", "body" \(missing "body"\)/);
  await assert.rejects(m.fit(tf.data.Dataset.fromTensorSlices(xDict()).batch(2), { verbose: 0 }), /^TypeError: fit: each dataset element must be \[x, y\] or \[x, y, sampleWeight\], where x and y are tensors, lists of them or objects keyed by input and output name \(e\.g\. \[\{ title, body \}, y\]\); got an object \(x alone\)$/);
  const deep = tf.data.Dataset.fromTensorSlices([{ title: [tf.constant(TITLE)], body: tf.constant(BODY) }, tf.constant([[1], [0]])]).batch(2);
  await assert.rejects(m.evaluate(deep, { verbose: 0 }), /^TypeError: evaluate: the dataset element's x nests deeper than a list or an object of tensors/);
  const badY = tf.data.Dataset.fromTensorSlices([xDict(), { dept: tf.constant([[1], [0]]) }]).batch(2);
  await assert.rejects(m.evaluate(badY, { verbose: 0 }), /evaluate \(dataset batch\): y has labels for "dept", which is not an output of the model; its outputs are named "priority"/);
});
