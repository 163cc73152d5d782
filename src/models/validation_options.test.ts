/** fit's validationFreq and validationBatchSize, Keras' validation_freq and validation_batch_size. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, callbacks } = tf;

function model(): tf.models.Sequential {
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  m.setWeights([tf.constant([[0.5], [-0.25]]), tf.constant([0.1])]);
  m.compile({ loss: "mse", optimizer: "sgd" });
  return m;
}

const X = tf.constant([[1, 2], [3, 4], [5, 6], [7, 8], [0, 1]]);
const Y = tf.constant([[1], [0], [1], [0], [1]]);

test("validationFreq: an integer validates after every N-th epoch, a list after the epochs it names (1-based), as Keras", async () => {
  const seen: number[] = [];
  const spy = callbacks.LambdaCallback({ onEpochEnd: (epoch, logs) => { if (logs && "val_loss" in logs) seen.push(epoch); } });
  const h = await model().fit(X, Y, { epochs: 5, verbose: 0, validationData: [X, Y], validationFreq: 2, callbacks: [spy] });
  assert.deepEqual(seen, [1, 3]);
  assert.equal(h.history.loss.length, 5);
  assert.equal(h.history.val_loss.length, 2);
  seen.length = 0;
  await model().fit(X, Y, { epochs: 5, verbose: 0, validationSplit: 0.4, validationFreq: [1, 5], callbacks: [spy] });
  assert.deepEqual(seen, [0, 4]);
});

test("validationBatchSize sets the validation batches; a callback counts them", async () => {
  let batches = 0;
  const counter = callbacks.LambdaCallback({ onTestBatchEnd: () => { batches++; } });
  await model().fit(X, Y, { epochs: 1, batchSize: 5, verbose: 0, validationData: [X, Y], validationBatchSize: 2, callbacks: [counter] });
  assert.equal(batches, 3);
  batches = 0;
  await model().fit(X, Y, { epochs: 1, batchSize: 5, verbose: 0, validationData: [X, Y], callbacks: [counter] });
  assert.equal(batches, 1, "default: the training batch size");
});

test("validationFreq and validationBatchSize are checked before training", async () => {
  const m = model();
  const before = m.getWeights().map((w) => [...w.dataSync()]);
  await assert.rejects(m.fit(X, Y, { verbose: 0, validationData: [X, Y], validationFreq: 0 }), /^RangeError: fit: validationFreq must be a whole number >= 1 \(validate every N epochs\) or a list of 1-based epochs, got 0$/);
  await assert.rejects(m.fit(X, Y, { verbose: 0, validationData: [X, Y], validationFreq: [0, 2] }), /^RangeError: fit: validationFreq as a list names the epochs to validate after, 1-based whole numbers, got \[0, ?2\]$/);
  await assert.rejects(m.fit(X, Y, { verbose: 0, validationData: [X, Y], validationBatchSize: 1.5 }), /^RangeError: fit: validationBatchSize must be a positive integer, got 1\.5$/);
  await assert.rejects(m.fit(X, Y, { verbose: 0, validation_freq: 2 } as never), /^TypeError: fit: unknown option validation_freq; lamina spells Keras' validation_freq as validationFreq/);
  assert.deepEqual(m.getWeights().map((w) => [...w.dataSync()]), before);
});
