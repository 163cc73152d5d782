import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

test("addN sums a list of tensors element-wise, with the gradient 1 to each (TensorFlow's add_n)", () => {
  const a = tf.constant([1, 2, 3], "float32");
  const b = tf.constant([10, 20, 30], "float32");
  const c = tf.constant([0.5, 0.25, 0.125], "float32");
  assert.deepEqual([...tf.addN([a, b, c]).dataSync()], [11.5, 22.25, 33.125]);
  assert.deepEqual([...tf.addN([a]).dataSync()], [1, 2, 3]);
  // d/da sum(addN([a, a, b])) = 2 per element, d/db = 1 (a appears twice).
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.addN([x, x, y])))([a, b]);
  assert.deepEqual([...ga.dataSync()], [2, 2, 2]);
  assert.deepEqual([...gb.dataSync()], [1, 1, 1]);
  // Scalars, as Python's sum(model.losses) adds them.
  assert.equal(tf.addN([tf.constant(0.25), tf.constant(0.5)]).item(), 0.75);
});

test("addN refuses an empty list and tensors of another shape or dtype, naming them", () => {
  assert.throws(() => tf.addN([]), /addN: expected a non-empty list of tensors.*tf\.zeros\(\[\]\)/);
  assert.throws(() => tf.addN([tf.ones([2]), tf.ones([3])]), /addN: every tensor must have the shape and dtype of the first, \(2,\) float32, but tensor 1 is \(3,\) float32/);
  assert.throws(() => tf.addN([tf.ones([2]), tf.ones([2], "int32")]), /tensor 1 is \(2,\) int32/);
});
