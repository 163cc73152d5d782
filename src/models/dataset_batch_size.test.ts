/**
 * batchSize (and validationBatchSize) with a dataset, as Keras 3.15's data adapters treat
 * batch_size for a tf.data.Dataset or a PyDataset: ignored, the dataset's own batches are used.
 * Expected losses and outputs are worked out by hand for a fixed linear model.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, utils } = tf;

const X = [[1, 2], [3, 4], [5, 6], [7, 8]];
const Y = [[1], [1], [1], [1]];

/** Dense(1) with kernel [1, 0], bias 0: predictions 1, 3, 5, 7, squared errors 0, 4, 16, 36, mse 14. */
function model(): tf.models.Model {
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  m.setWeights([tf.constant([[1], [0]]), tf.zeros([1])]);
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0 }) });
  return m;
}

const dataset = () => tf.data.Dataset.fromTensorSlices([tf.constant(X), tf.constant(Y)]).batch(2);

class Pairs extends utils.PyDataset {
  get length(): number { return 2; }
  getItem(k: number): tf.Tensor[] { return [tf.constant(X.slice(2 * k, 2 * k + 2)), tf.constant(Y.slice(2 * k, 2 * k + 2))]; }
}

test("fit ignores batchSize and validationBatchSize with a dataset or a PyDataset, reading the dataset's own batches", async () => {
  for (const data of [dataset(), new Pairs()]) {
    let batches = 0;
    const counter = new tf.callbacks.LambdaCallback({ onTrainBatchEnd: () => { batches++; } });
    const h = await model().fit(data, { epochs: 1, batchSize: 3, validationData: dataset(), validationBatchSize: 3, verbose: 0, callbacks: [counter] });
    assert.equal(batches, 2, "two batches of 2, not batches of 3");
    assert.ok(Math.abs(h.history.loss[0] - 14) < 1e-5, `${h.history.loss[0]}`);
    assert.ok(Math.abs(h.history.val_loss[0] - 14) < 1e-5, `${h.history.val_loss[0]}`);
  }
});

test("evaluate and predict ignore batchSize with a dataset", async () => {
  const m = model();
  assert.ok(Math.abs((await m.evaluate(dataset(), { batchSize: 3, verbose: 0 }) as number) - 14) < 1e-5);
  assert.ok(Math.abs((await m.evaluate(new Pairs(), { batchSize: 3, verbose: 0 }) as number) - 14) < 1e-5);
  assert.deepEqual((await m.predict(dataset(), { batchSize: 3 })).arraySync(), [[1], [3], [5], [7]]);
});
