// tf.gatherNd and tf.tensorScatterAdd (TensorFlow's gather_nd / tensor_scatter_nd_add, used by
// keras.io's MoE example) against numpy: the literals come from test/fixtures/make_gather_nd.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";

const params = tf.reshape(tf.range(0, 24, 1, "float32"), [2, 3, 4]);

test("gatherNd picks elements, rows or blocks by leading-axis coordinates (numpy reference)", () => {
  const full = tf.gatherNd(params, tf.constant([[[1, 2, 3], [0, 0, 1]], [[0, 1, 0], [1, 2, 2]]], "int32"));
  assert.deepEqual(full.shape, [2, 2]);
  assert.deepEqual(full.arraySync(), [[23, 1], [4, 22]]);
  assert.deepEqual(tf.gatherNd(params, [[0, 2], [1, 0], [0, 2]]).arraySync(), [[8, 9, 10, 11], [12, 13, 14, 15], [8, 9, 10, 11]]);
  const first = tf.gatherNd(params, [[1], [0]]);
  assert.deepEqual(first.shape, [2, 3, 4]);
  assert.deepEqual(first.arraySync(), [
    [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]],
    [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]],
  ]);
  assert.deepEqual(tf.gatherNd(tf.constant([[1, 2], [3, 4]], "int32"), [[1, 0]]).arraySync(), [3]);
});

test("tensorScatterAdd adds updates at coordinates, repeats adding up (numpy reference)", () => {
  const t = tf.fill([3, 4], 10, "float32");
  const elems = tf.tensorScatterAdd(t, [[0, 1], [2, 3], [0, 1]], tf.constant([1, 2, 3], "float32"));
  assert.deepEqual(elems.arraySync(), [[10, 14, 10, 10], [10, 10, 10, 10], [10, 10, 10, 12]]);
  const rows = tf.tensorScatterAdd(t, [[2], [0], [2]], tf.reshape(tf.range(0, 12, 1, "float32"), [3, 4]));
  assert.deepEqual(rows.arraySync(), [[14, 15, 16, 17], [10, 10, 10, 10], [18, 20, 22, 24]]);
  // The input is left as it was (a new tensor comes back).
  assert.deepEqual((t.arraySync() as number[][])[0], [10, 10, 10, 10]);
});

test("gatherNd and tensorScatterAdd gradients (finite differences)", () => {
  checkGradients((p) => tf.gatherNd(p, [[0, 2], [1, 0], [0, 2]]), [randomF64([2, 3, 4], 1)]);
  checkGradients((t, u) => tf.tensorScatterAdd(t, [[1], [0], [1]], u), [randomF64([3, 2], 2), randomF64([3, 2], 3)]);
});

test("gatherNd and tensorScatterAdd name the op and the shapes at fault", () => {
  assert.throws(() => tf.gatherNd(params, [[2, 0]]), /gatherNd: index \[2, 0\] \(row 0 of indices \(1, 2\)\) is out of range for the target \(2, 3, 4\)/);
  assert.throws(() => tf.gatherNd(params, [[0, 0, 0, 0]]), /gatherNd: the last axis of indices \(1, 4\) \(4\) must be between 1 and the rank/);
  assert.throws(() => tf.tensorScatterAdd(tf.zeros([3, 4]), [[0], [1]], tf.zeros([2, 3])), /tensorScatterAdd: updates float32 \(2, 3\) must have shape \(2, 4\)/);
  assert.throws(() => tf.tensorScatterAdd(tf.zeros([3]), [[0]], tf.constant([1], "int32")), /tensorScatterAdd: updates .* must have the dtype of tensor float32/);
});
