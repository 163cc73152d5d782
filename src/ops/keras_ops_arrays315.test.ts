/**
 * Keras 3.15's numpy array ops against numpy (test/fixtures/keras315_arr.json, by
 * make_keras315_arr.py), their gradients by finite differences, and their argument errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose, type ShapedValues } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/keras315_arr.json", import.meta.url), "utf8")) as Record<string, ShapedValues & ShapedValues[] & Record<string, ShapedValues>>;
const A = (): tf.Tensor => tf.reshape(tf.range(0, 24, 1, "float32"), [2, 3, 4]);
const M = (): tf.Tensor => tf.constant([[1, -2, 0.5], [3, 0.25, -1]], "float32");
const V = (): tf.Tensor => tf.constant([0.5, -1.5, 2, 3], "float32");
const eachClose = (got: tf.Tensor[], want: ShapedValues[]): void => {
  assert.equal(got.length, want.length);
  got.forEach((t, i) => assertAllClose(t, want[i], { what: `piece ${i}` }));
};

test("arraySplit, hsplit, vsplit and dsplit split as numpy", () => {
  eachClose(ops.arraySplit(tf.range(0, 10, 1, "int32"), 3), fx.array_split);
  eachClose(ops.arraySplit(A(), 3, 2), fx.array_split_axis1);
  eachClose(ops.hsplit(A(), [1]), fx.hsplit);
  eachClose(ops.vsplit(A(), 2), fx.vsplit);
  eachClose(ops.dsplit(A(), [1, 3]), fx.dsplit);
  assert.throws(() => ops.arraySplit(A(), 0), /ops\.arraySplit: indicesOrSections must be a positive integer/);
  assert.throws(() => ops.dsplit(M(), 2), /ops\.dsplit: x must have at least 3 axes, got float32 \(2, 3\)/);
  assert.throws(() => ops.vsplit(A(), 3), /ops\.split: 3 sections do not divide axis 0 of length 2/);
});

test("dstack, fliplr, flipud and rot90 match numpy", () => {
  assertAllClose(ops.dstack([tf.constant([1, 2], "float32"), tf.constant([3, 4], "int32")]), fx.dstack);
  assertAllClose(ops.dstack([M(), tf.mul(M(), 2)]), fx.dstack2);
  assertAllClose(ops.fliplr(A()), fx.fliplr);
  assertAllClose(ops.flipud(A()), fx.flipud);
  for (const k of [-1, 0, 1, 2, 3, 5]) assertAllClose(ops.rot90(A(), k), fx.rot90[String(k)], { what: `k=${k}` });
  assertAllClose(ops.rot90(A(), 1, [1, 2]), fx.rot90_axes12);
  assertAllClose(ops.rot90(A(), 1, [2, 0]), fx.rot90_axes20);
  assert.throws(() => ops.rot90(A(), 1, [1, 1]), /ops\.rot90: axes must be two different axes/);
  assert.throws(() => ops.fliplr(V()), /ops\.fliplr: x must have at least 2 axes/);
});

test("kron, inner, vander and diagflat match numpy", () => {
  assertAllClose(ops.kron(M(), tf.constant([[1, 10], [100, 1000]], "float32")), fx.kron);
  assertAllClose(ops.kron(V(), M()), fx.kron_ranks);
  assertAllClose(ops.inner(M(), tf.constant([[1, 2, 3], [0.5, -1, 4]], "float32")), fx.inner);
  assertAllClose(ops.inner(A(), tf.range(0, 4, 1, "float32")), fx.inner_3d);
  assertAllClose(ops.vander(V()), fx.vander);
  assertAllClose(ops.vander(V(), 3, true), fx.vander_inc_3);
  const vi = ops.vander(tf.constant([2, 3, -1], "int32"), 4);
  assert.equal(vi.dtype, "int32");
  assertAllClose(vi, fx.vander_int);
  assertAllClose(ops.diagflat(M(), 1), fx.diagflat);
  assertAllClose(ops.diagflat(V(), -2), fx.diagflat_neg);
  assert.throws(() => ops.inner(M(), V()), /ops\.inner: the last axes of x1 \(2, 3\) and x2 \(4,\) must have the same length/);
});

test("emptyLike, unravelIndex and isin match numpy", () => {
  const e = ops.emptyLike(M(), "int32");
  assert.deepEqual([e.shape, e.dtype], [[2, 3], "int32"]);
  const parts = ops.unravelIndex(tf.constant([0, 5, 7, 23], "int32"), [2, 3, 4]);
  parts.forEach((p) => assert.equal(p.dtype, "int32"));
  eachClose(parts, fx.unravel);
  assert.throws(() => ops.unravelIndex(tf.constant([24], "int32"), [2, 3, 4]), /ops\.unravelIndex: index 24 is out of bounds for shape \(2, 3, 4\)/);
  const hit = ops.isin(A(), tf.constant([3, 7, 100, 22], "int32"));
  assert.equal(hit.dtype, "bool");
  assertAllClose(hit, fx.isin);
  assertAllClose(ops.isin(A(), tf.constant([3, 7, 100, 22], "float32"), false, true), fx.isin_invert);
});

test("trapezoid, corrcoef and geomspace match numpy", () => {
  const Y = tf.constant([[1, 2, 4, 7], [0.5, -1, 2, 3]], "float32");
  assertAllClose(ops.trapezoid(Y), fx.trapz);
  assertAllClose(ops.trapezoid(Y, null, 0.5, 0), fx.trapz_dx);
  assertAllClose(ops.trapezoid(Y, tf.constant([0, 0.5, 2, 3.5], "float32")), fx.trapz_x1d);
  assertAllClose(ops.trapezoid(Y, [[0, 1, 2, 3], [0, 0.5, 1.5, 3]]), fx.trapz_x2d);
  assert.equal(ops.trapezoid(tf.constant([1, 2, 3], "int32")).dtype, "float32");
  const C = tf.constant([[1, 2, 4, 7, 3], [0.5, -1, 2, 3, 1], [2, 4, 8, 14, 6]], "float64");
  assertAllClose(ops.corrcoef(C), fx.corrcoef, { atol: 1e-12 });
  assertAllClose(ops.corrcoef(V()), fx.corrcoef_1d);
  assertAllClose(ops.geomspace(1, 1000, 4), fx.geomspace, { rtol: 1e-6 });
  assertAllClose(ops.geomspace(-2, -0.02, 5, false, "float64"), fx.geomspace_neg, { rtol: 1e-12 });
  assertAllClose(ops.geomspace(0.5, 40, 7, true, "float64"), fx.geomspace_frac, { rtol: 1e-12 });
  assert.throws(() => ops.geomspace(-1, 1), /ops\.geomspace: start -1 and stop 1 must have the same sign/);
});

test("view reinterprets bytes as numpy's view", () => {
  assertAllClose(ops.view(tf.constant([1, -2.5, 3.25], "float32"), "int32"), fx.view_f32_i32);
  assertAllClose(ops.view(tf.constant([1, 2, 1065353216], "int32"), "float32"), fx.view_i32_f32, { rtol: 0, atol: 0 });
  assertAllClose(ops.view(tf.constant([[1, -2.5]], "float64"), "int32"), fx.view_f64_i32);
  assertAllClose(ops.view(tf.constant([[258, -1]], "int32"), "uint8"), fx.view_i32_u8);
  assertAllClose(ops.view(tf.constant([1, 2, 0, 0, 255, 255, 255, 255], "uint8"), "int32"), fx.view_u8_i32);
  assert.deepEqual(ops.view(tf.constant([0, 2, 1], "uint8"), "bool").arraySync(), [false, true, true]);
  assert.equal(ops.view(tf.constant([1.5], "float64"), "int64").dtype, "int64");
  assert.throws(() => ops.view(tf.constant([1, 2, 3], "uint8"), "int32"), /ops\.view: cannot view uint8 \(3,\) as int32: its last axis holds 3 bytes, not a multiple of int32's 4/);
});

test("gradients of the differentiable array ops (finite differences)", () => {
  checkGradients((x) => tf.concat(ops.arraySplit(x, 3, 1).map((p, i) => tf.mul(p, i + 1)), 1), [randomF64([2, 5], 1)]);
  checkGradients((x) => ops.rot90(x, 3, [1, 0]), [randomF64([2, 3, 2], 2)]);
  checkGradients((a, b) => ops.kron(a, b), [randomF64([2, 3], 3), randomF64([3], 4)]);
  checkGradients((a, b) => ops.inner(a, b), [randomF64([2, 3], 5), randomF64([4, 3], 6)]);
  checkGradients((x) => ops.vander(x, 4), [randomF64([3], 7)]);
  checkGradients((x) => ops.dstack([x, tf.mul(x, x)]), [randomF64([2, 3], 8)]);
  checkGradients((y) => ops.trapezoid(y, tf.constant([0, 0.5, 2, 3.5], "float64")), [randomF64([2, 4], 9)]);
  checkGradients((x) => ops.corrcoef(x), [randomF64([3, 5], 10)], { rtol: 1e-4 });
  checkGradients((x) => ops.diagflat(x, -1), [randomF64([2, 2], 11)]);
});
