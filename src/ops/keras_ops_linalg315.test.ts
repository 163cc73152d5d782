/**
 * keras.ops.cholesky_inverse, logdet, matrix_rank, pinv and cdist against torch/numpy
 * (test/fixtures/keras315_arr.json, by make_keras315_arr.py), with finite-difference gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose, type ShapedValues } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/keras315_arr.json", import.meta.url), "utf8")) as Record<string, ShapedValues>;
const L = (): tf.Tensor => tf.constant([[2, 0, 0], [0.5, 1.5, 0], [-1, 0.25, 3]], "float64");

test("choleskyInverse inverts A from its Cholesky factor, lower or upper (torch.cholesky_inverse)", () => {
  assertAllClose(ops.choleskyInverse(L()), fx.cholesky_inverse, { rtol: 1e-12 });
  assertAllClose(ops.linalg.choleskyInverse(tf.transpose(L()), true), fx.cholesky_inverse_upper, { rtol: 1e-12 });
  const batch = tf.stack([L(), tf.mul(L(), 2)]);
  assertAllClose(tf.slice(ops.choleskyInverse(batch), [0, 0, 0], [1, 3, 3]), fx.cholesky_inverse.data, { rtol: 1e-12 });
  assert.throws(() => ops.choleskyInverse(tf.zeros([2, 3])), /must hold square matrices/);
});

test("logdet, matrixRank, pinv and cdist match numpy", () => {
  assertAllClose(ops.logdet(tf.constant([[4, 1, -2], [1, -3, 0.5], [0, 2, 1]], "float64")), fx.logdet, { rtol: 1e-12 });
  const B = tf.constant([[[1, 2], [2, 4]], [[1, 0], [0, 1e-9]]], "float64");
  const r = ops.matrixRank(B);
  assert.equal(r.dtype, "int32");
  assertAllClose(r, fx.matrix_rank);
  assertAllClose(ops.linalg.matrixRank(B, 1e-12), fx.matrix_rank_tol);
  assertAllClose(ops.pinv(tf.constant([[1, -2, 0.5], [3, 0.25, -1]], "float64")), fx.pinv, { rtol: 1e-10 });
  assertAllClose(ops.linalg.pinv(tf.constant([[1, 2], [2, 4], [0.5, 1]], "float64")), fx.pinv_rank1, { rtol: 1e-10 });
  assertAllClose(ops.cdist(tf.constant([[0, 0], [1, 1], [2, -1]], "float32"), tf.constant([[1, 0], [0, 1]], "int32")), fx.cdist, { rtol: 1e-6 });
  assert.throws(() => ops.cdist(tf.zeros([2, 3]), tf.zeros([2, 2])), /ops\.cdist: x \(2, 3\) and y \(2, 2\) must have rank >= 2 and the same last axis/);
});

test("gradients of choleskyInverse, logdet, pinv and cdist (finite differences)", () => {
  const tril = (x: tf.Tensor): tf.Tensor => tf.add(ops.tril(x), tf.mul(tf.eye(3, 3, "float64"), 3));
  checkGradients((x) => ops.choleskyInverse(tril(x)), [randomF64([3, 3], 1, -1, 1)], { rtol: 1e-4 });
  checkGradients((x) => ops.logdet(tf.add(x, tf.mul(tf.eye(3, 3, "float64"), 4))), [randomF64([3, 3], 2, -1, 1)]);
  checkGradients((x) => ops.pinv(x), [randomF64([2, 3], 3)], { rtol: 1e-4 });
  checkGradients((x, y) => ops.cdist(x, y), [randomF64([3, 2], 4), randomF64([2, 2], 5)]);
});
