import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps();

test("diagonal, diag, trace and tri match Keras 3.5", () => {
  const m = tf.reshape(tf.range(0, 12), [3, 4]);
  const t3 = tf.reshape(tf.range(0, 24), [2, 3, 4]);
  assert.deepEqual(tf.diagonal(m, 1).arraySync(), fx["diagonal_m_1"]);
  assert.deepEqual(tf.diagonal(m, -1).arraySync(), fx["diagonal_m_-1"]);
  assert.deepEqual(tf.diagonal(t3, 0, 1, 2).arraySync(), fx["diagonal_t3_0_1_2"]);
  assert.deepEqual(tf.diagonal(t3, 1, 0, 2).arraySync(), fx["diagonal_t3_1_0_2"]);
  assert.deepEqual(tf.diag([1, 2, 3], 1).arraySync(), fx["diag_v_1"]);
  assert.deepEqual(tf.diag([1, 2], -2).arraySync(), fx["diag_v_-2"]);
  assert.deepEqual(tf.diag(tf.diag([1, 2, 3], 1), 1).arraySync(), [1, 2, 3]);
  assert.deepEqual(tf.trace(t3, 0, 1, 2).arraySync(), fx["trace_t3_0_1_2"]);
  assert.deepEqual(tf.tri(3, 4, 1).arraySync(), fx["tri_3_4_1"]);
  assert.equal(tf.tri(2, 2, 0, "int32").dtype, "int32");
  assert.deepEqual(tf.diagonal(m, 5).shape, [0]);
});

test("diag, diagonal and trace are differentiable (finite differences)", () => {
  const x = randomF64([3, 4], 1);
  checkGradients((a) => tf.diagonal(a, 1), [x]);
  checkGradients((a) => tf.trace(tf.mul(a, a), -1), [x]);
  checkGradients((a) => tf.diag(a, -1), [tf.cast(tf.constant([0.5, -2, 3]), "float64")]);
});

test("diagonal and diag refuse bad arguments with clear errors", () => {
  assert.throws(() => tf.diagonal([1, 2, 3]), /diagonal: x must have at least 2 axes/);
  assert.throws(() => tf.diagonal(tf.zeros([2, 2]), 0, 1, -1), /axis1 and axis2 must differ/);
  assert.throws(() => tf.diag(tf.zeros([2, 2, 2])), /diag: x must be 1-D/);
  assert.throws(() => tf.tri(-1), /tri: n must be a non-negative integer/);
});
