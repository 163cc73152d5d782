import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { metrics } from "./index.js";

// Keras 3.5's reduce_to_samplewise_values (metrics/reduction_metrics.py) reads the values'
// _keras_mask and, when sample weights are given, multiplies them by it (apply_mask with
// reduction "sum"); without weights the mask is not used.

function masked(): tf.Tensor {
  const v = tf.constant([1, 3, 5, 7], "float32");
  v.kerasMask = tf.constant([true, false, true, true], "bool");
  return v;
}

test("Mean: a mask on the values zeroes their weights", () => {
  const m = new metrics.Mean();
  // weights [1, 1, 2, 0] * mask [1, 0, 1, 1] = [1, 0, 2, 0]: (1 + 10) / 3
  m.updateState(masked(), [1, 1, 2, 0]);
  assert.ok(Math.abs(m.result() - 11 / 3) < 1e-6, `got ${m.result()}`);
});

test("Mean: without sample weights the mask is not used, as in Keras 3.5", () => {
  const m = new metrics.Mean();
  m.updateState(masked());
  assert.equal(m.result(), 4);
});

test("Sum: a mask on the values zeroes their weights", () => {
  const s = new metrics.Sum();
  // 1 * 1 + 5 * 2
  s.updateState(masked(), [1, 1, 2, 0]);
  assert.equal(s.result(), 11);
  const plain = new metrics.Sum();
  plain.updateState(masked());
  assert.equal(plain.result(), 16);
});

test("Mean: a [batch, steps] mask with per-sample weights [batch, 1]", () => {
  const v = tf.constant([[1, 2], [3, 4]], "float32");
  v.kerasMask = tf.constant([[true, false], [true, true]], "bool");
  const m = new metrics.Mean();
  // weights [[2, 0], [1, 1]]: values per sample mean([2, 0]) = 1 and mean([3, 4]) = 3.5 -> 4.5;
  // weights per sample mean([2, 0]) = 1 and mean([1, 1]) = 1 -> 2; result 4.5 / 2
  m.updateState(v, [[2], [1]]);
  assert.equal(m.result(), 2.25);
});
