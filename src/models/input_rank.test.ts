import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;
const rows = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);

test("a model adds a missing trailing axis of 1 or drops an extra one, as Keras' Functional._adjust_input_rank", async () => {
  tf.random.setSeed(2);
  // One feature: x of shape (6,) on Input([1]) is read as (6, 1), for fit and predict.
  const m = new models.Sequential([layers.Input({ shape: [1] }), layers.Dense(1)]);
  m.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.constant([1, 2, 3, 4, 5, 6]);
  const y = tf.constant([3, 5, 7, 9, 11, 13]);
  const h = await m.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
  assert.equal(h.history.loss.length, 1);
  assert.deepEqual(rows(m.predict(x)), rows(m.predict(x.reshape([6, 1]))));
  // A trailing axis of 1 too many: (4, 3, 1) on Input([3]) is read as (4, 3).
  const i = layers.Input({ shape: [3] });
  const f = new models.Model({ inputs: i, outputs: layers.Dense(2)(i) });
  const x3 = tf.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 0, 1]]);
  assert.deepEqual(rows(f.predict(x3.reshape([4, 3, 1]))), rows(f.predict(x3)));
  // Other rank or size differences are refused, naming the model's input and both shapes.
  assert.throws(() => f.predict(tf.ones([4, 3, 2])), /Model \w+: input "\w+" expects shape \(None, 3\) but got \(4, 3, 2\)/);
  assert.throws(() => f.predict(tf.ones([4, 5])), /expects shape \(None, 3\) but got \(4, 5\)/);
  const two = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  assert.throws(() => two.predict(tf.ones([6])), /Sequential \w+: expects shape \(None, 2\) but got \(6,\)/);
});

test("a model runs on any batch size, whatever batch it was built on or declared (Keras' input spec leaves the batch out)", () => {
  tf.random.setSeed(3);
  const lazy = new models.Sequential([layers.Dense(4), layers.Dense(1)]);
  lazy.apply(tf.zeros([2, 5]));
  assert.deepEqual((lazy.apply(tf.zeros([3, 5])) as tf.Tensor).shape, [3, 1]);
  assert.deepEqual(lazy.predict(tf.zeros([7, 5])).shape, [7, 1]);
  const i = layers.Input({ shape: [3], batchSize: 2 });
  const f = new models.Model({ inputs: i, outputs: layers.Dense(1)(i) });
  assert.deepEqual(f.predict(tf.zeros([5, 3])).shape, [5, 1]);
});

test("a model converts its inputs to its Inputs' dtypes when called directly, as Keras' Functional does (uint8 pixels to float32)", () => {
  tf.random.setSeed(3);
  const pixels = tf.constant([[0, 128, 255], [7, 8, 9]], "uint8");
  const asFloat = tf.cast(pixels, "float32");
  const i = layers.Input({ shape: [3] });
  const f = new models.Model({ inputs: i, outputs: layers.Dense(2)(i) });
  assert.deepEqual(rows(f(pixels) as tf.Tensor), rows(f(asFloat) as tf.Tensor));
  assert.equal((f(pixels) as tf.Tensor).dtype, "float32");
  const s = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]);
  assert.deepEqual(rows(s(pixels)), rows(s(asFloat)));
  // An int32 Input (token ids) takes float ids as int32 (Keras' convert_to_tensor(x, dtype="int32")).
  const ids = layers.Input({ shape: [2], dtype: "int32" });
  const emb = new models.Model({ inputs: ids, outputs: layers.Embedding(5, 1, { embeddingsInitializer: "ones" })(ids) });
  assert.deepEqual([...(emb(tf.constant([[1, 4]], "float32")) as tf.Tensor).shape], [1, 2, 1]);
});
