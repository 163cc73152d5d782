// A Sequential model started without layers.Input builds on its first batch, from a Dataset as
// from tensors (keras.io's reproducibility recipe fits such a model on a tf.data pipeline).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

test("fit and evaluate on a Dataset build a Sequential model that has no Input yet (hand-computed SGD step)", async () => {
  const model = new tf.models.Sequential([tf.layers.Dense(1, { kernelInitializer: "zeros", biasInitializer: "zeros" })]);
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
  const ds = tf.data.Dataset.fromTensorSlices([tf.constant([[1], [2]], "float32"), tf.constant([[2], [4]], "float32")]).batch(2);
  const history = await model.fit(ds, { epochs: 1, verbose: 0 });
  // w = b = 0: mse = (2^2 + 4^2) / 2 = 10 on the one batch, before the update.
  assert.ok(Math.abs(history.history.loss[0] - 10) < 1e-6, `${history.history.loss[0]}`);
  // dL/dw = mean(2 (0 - y) x) = -10, dL/db = mean(2 (0 - y)) = -6: w = 1, b = 0.6, and the
  // predictions 1.6, 2.6 give mse = (0.4^2 + 1.4^2) / 2 = 1.06.
  const loss = (await model.evaluate(ds, { verbose: 0 })) as number;
  assert.ok(Math.abs(loss - 1.06) < 1e-6, `${loss}`);
  assert.deepEqual(model.inputs[0].shape, [null, 1]);
});

test("predictAsync and evaluate on a Dataset, first of all, build a Sequential model with no Input yet", async () => {
  // kernel 1, bias 0: the predictions are x itself, and evaluate's mse against y = 2x is mean(x^2).
  const x = tf.constant([[1], [2]], "float32");
  const model = new tf.models.Sequential([tf.layers.Dense(1, { kernelInitializer: "ones" })]);
  assert.deepEqual(((await model.predictAsync(tf.data.Dataset.fromTensorSlices(x).batch(2))) as tf.Tensor).arraySync(), [[1], [2]]);
  const other = new tf.models.Sequential([tf.layers.Dense(1, { kernelInitializer: "ones" })]);
  const xy = tf.data.Dataset.fromTensorSlices([x, tf.mul(x, 2)]).batch(2);
  // A dataset of [x, y] elements: predict reads x alone.
  assert.deepEqual(((await other.predictAsync(xy)) as tf.Tensor).arraySync(), [[1], [2]]);
  const third = new tf.models.Sequential([tf.layers.Dense(1, { kernelInitializer: "ones" })]);
  third.compile({ optimizer: "sgd", loss: "mse" });
  assert.ok(Math.abs(((await third.evaluate(xy, { verbose: 0 })) as number) - 2.5) < 1e-6);
});

test("a Dataset of single samples is still refused for a Sequential model with no Input yet", async () => {
  const model = new tf.models.Sequential([tf.layers.Dense(1)]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const ds = tf.data.Dataset.fromTensorSlices([tf.constant([[1], [2]], "float32"), tf.constant([2, 4], "float32")]);
  await assert.rejects(model.fit(ds, { epochs: 1, verbose: 0 }), /not batches; batch it first/);
});
