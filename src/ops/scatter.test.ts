import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps() as Record<string, number[]>;
const f = (v: tf.NestedArray): tf.Tensor => tf.constant(v, "float32");

test("scatterND, tensorScatterUpdate and sliceUpdate match Keras 3.5 (scatter, scatter_update, slice_update)", () => {
  assert.deepEqual(tf.scatterND([[0, 1], [2, 0], [0, 1]], f([1, 2, 3]), [3, 2]).arraySync(), fx["scatter"]);
  assert.deepEqual(tf.scatterND([[1], [0]], f([[1, 2], [3, 4]]), [3, 2]).arraySync(), fx["scatter_rows"]);
  const seven = tf.add(tf.zeros([2, 3]), 7);
  assert.deepEqual(tf.tensorScatterUpdate(seven, [[0, 2], [1, 0]], f([1, 2])).arraySync(), fx["scatter_update"]);
  assert.deepEqual(tf.tensorScatterUpdate(seven, [[0, 2], [0, 2]], f([1, 2])).arraySync(), [[7, 7, 2], [7, 7, 7]]);
  assert.deepEqual(tf.sliceUpdate(tf.zeros([3, 4]), [1, 1], f([[1, 2], [3, 4]])).arraySync(), fx["slice_update"]);
});

test("scatter gradients (finite differences)", () => {
  checkGradients((u) => tf.scatterND([[1], [0], [1]], u, [3, 2]), [randomF64([3, 2], 1)]);
  checkGradients((t, u) => tf.tensorScatterUpdate(t, [[0, 2], [1, 0], [0, 2]], u), [randomF64([2, 3], 2), randomF64([3], 3)]);
  checkGradients((t, u) => tf.sliceUpdate(t, [1, 0], u), [randomF64([3, 4], 4), randomF64([2, 2], 5)]);
});

test("unsortedSegmentSum, segmentMax and multiHot match Keras 3.5", () => {
  const data = f([[1, 5], [2, 2], [3, -1], [4, 0]]);
  const ids = tf.constant([0, 2, 0, 2], "int32");
  assert.deepEqual(tf.unsortedSegmentSum(data, ids, 3).arraySync(), fx["segment_sum"]);
  assert.deepEqual(tf.segmentMax(data, ids, 3).arraySync(), fx["segment_max"]);
  assert.deepEqual(tf.segmentMax(data, ids).shape, [3, 2]);
  // Ids outside [0, numSegments) are dropped.
  assert.deepEqual(tf.unsortedSegmentSum(f([1, 2, 3]), tf.constant([-1, 0, 5], "int32"), 2).arraySync(), [2, 0]);
  assert.deepEqual(tf.segmentMax(tf.constant([3, 1], "int32"), tf.constant([1, 1], "int32"), 3).arraySync(), [-2147483648, 3, -2147483648]);
  assert.deepEqual(tf.multiHot(tf.constant([[0, 2, 2], [1, 3, 0]], "int32"), 4).arraySync(), fx["multi_hot"]);
  assert.deepEqual(tf.multiHot(tf.constant([1, 1], "int32"), 3).arraySync(), [0, 1, 0]);
});

test("segment gradients: sums pass dy back, maxima to the maximum (ties share)", () => {
  const ids = tf.constant([0, 1, 0, 1], "int32");
  checkGradients((x) => tf.unsortedSegmentSum(x, ids, 3), [randomF64([4, 2], 6)]);
  checkGradients((x) => tf.segmentMax(x, ids, 2), [randomF64([4, 2], 7)]);
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.segmentMax(x, ids, 2)))(f([2, 1, 2, 5]));
  assert.deepEqual(g.arraySync(), [0.5, 0, 0.5, 1]);
});

test("scatter and segment ops refuse bad indices with clear errors", () => {
  assert.throws(() => tf.scatterND([[3, 0]], f([1]), [3, 2]), /scatterND: index \[3, 0\] \(row 0 of indices \(1, 2\)\) is out of range for the target \(3, 2\)/);
  assert.throws(() => tf.scatterND([[0]], f([1]), [3, 2]), /scatterND: updates float32 \(1,\) must have shape \(1, 2\)/);
  assert.throws(() => tf.sliceUpdate(tf.zeros([3, 4]), [2, 0], f([[1], [2]])), /sliceUpdate: on axis 0, the block \[2, 4\)/);
  assert.throws(() => tf.unsortedSegmentSum(f([1, 2]), tf.constant([0], "int32"), 1), /unsortedSegmentSum: segmentIds int32 \(1,\) must have the leading axes of data/);
  assert.throws(() => tf.multiHot(tf.constant([[[1]]], "int32"), 3), /multiHot: inputs must be \[k\] or \[batch, k\]/);
});
