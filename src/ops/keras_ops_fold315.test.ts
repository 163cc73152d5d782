/**
 * keras.ops.unfold / fold against torch's F.unfold / F.fold, ifft2 and angle against numpy,
 * segment_min / segment_prod against numpy loops (test/fixtures/keras315_arr.json, by
 * make_keras315_arr.py), the [real, imag] pair helpers by hand, and gradients by finite differences.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose, type ShapedValues } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/keras315_arr.json", import.meta.url), "utf8")) as Record<string, ShapedValues & Record<string, ShapedValues>>;
const image = (): tf.Tensor => tf.div(tf.reshape(tf.range(0, 120, 1, "float64"), [2, 2, 5, 6]), 10);

test("unfold and fold match torch's F.unfold and F.fold", () => {
  assertAllClose(ops.unfold(image(), [2, 3], [2, 1], [1, 0], [1, 2]), fx.unfold, { rtol: 1e-12 });
  assertAllClose(ops.unfold(image(), 2, 1, 0, 2), fx.unfold_simple, { rtol: 1e-12 });
  const p = tf.div(tf.reshape(tf.range(0, 240, 1, "float64"), [2, 12, 10]), 7);
  assertAllClose(ops.fold(p, [5, 6], [2, 3], [2, 1], [1, 0], [1, 2]), fx.fold, { rtol: 1e-12 });
  assert.throws(() => ops.unfold(tf.zeros([2, 5, 6]), 2), /ops\.unfold: x must be a 4-D \(N, C, H, W\) image batch, got float32 \(2, 5, 6\)/);
  assert.throws(() => ops.fold(p, [5, 6], 2), /ops\.fold: x \(2, 12, 10\) must be \(N, C \* 4, 20\)/);
});

test("ifft2 and angle match numpy; polar, viewAsComplex and viewAsReal use [real, imag] pairs", () => {
  const re = tf.constant([[1, 2, -1], [0.5, 3, 2]], "float64"), im = tf.constant([[0, -1, 2], [1.5, 0.5, -2]], "float64");
  const [r, i] = ops.ifft2([re, im]);
  assertAllClose(r, fx.ifft2.re, { atol: 1e-12 });
  assertAllClose(i, fx.ifft2.im, { atol: 1e-12 });
  assertAllClose(ops.angle(tf.constant([-2, -0, 0, 3, -0.5], "float32")), fx.angle, { rtol: 1e-6 });
  assert.equal(ops.angle(tf.constant([1, -1], "int32")).dtype, "float32");
  assertAllClose(ops.angle([tf.constant([1, 0], "float64"), tf.constant([1, -2], "float64")]), [Math.PI / 4, -Math.PI / 2]);
  const [pr, pi] = ops.polar(tf.constant([2, 1], "float64"), tf.constant([Math.PI / 2, Math.PI], "float64"));
  assertAllClose(pr, [0, -1], { atol: 1e-15 });
  assertAllClose(pi, [2, 0], { atol: 1e-15 });
  const x = tf.constant([[1, 2], [3, 4]], "float32");
  const [cr, ci] = ops.viewAsComplex(x);
  assert.deepEqual([cr.arraySync(), ci.arraySync()], [[1, 3], [2, 4]]);
  assert.deepEqual(ops.viewAsReal([cr, ci]).arraySync(), x.arraySync());
  assert.throws(() => ops.viewAsComplex(tf.zeros([2, 3])), /ops\.viewAsComplex: x's last axis must hold the real and imaginary parts \(length 2\)/);
});

test("segmentMin and segmentProd match numpy's loops; an empty segment gives +inf and 1", () => {
  const d = tf.constant([[1, 2], [3, -4], [5, 6], [-7, 8], [9, 0.5]], "float32");
  const ids = tf.constant([0, 1, 0, 3, 1], "int32");
  // numpy's +inf of the empty segment 2 is null in the fixture (JSON has no Infinity).
  const got = Array.from(ops.segmentMin(d, ids, 4).dataSync() as Float32Array);
  assert.deepEqual(got.map((v) => (v === Infinity ? null : v)), fx.segment_min.data);
  assertAllClose(ops.segmentProd(d, ids, 4), fx.segment_prod);
  assert.deepEqual(ops.segmentMin(tf.constant([3, 1], "int32"), tf.constant([1, 1], "int32"), 3).arraySync(), [2147483647, 1, 2147483647]);
  assert.deepEqual(ops.segmentProd(tf.constant([3, 2], "int32"), tf.constant([1, 1], "int32")).arraySync(), [1, 6]);
});

test("gradients of unfold, fold, ifft2, polar and the segment reductions (finite differences)", () => {
  checkGradients((x) => ops.unfold(x, [2, 2], 1, 1, [2, 1]), [randomF64([1, 2, 3, 4], 1)]);
  checkGradients((x) => ops.fold(x, [3, 4], 2, 1, 0, 1), [randomF64([1, 8, 6], 2)]);
  checkGradients((a, b) => { const [r, i] = ops.ifft2([a, b]); return tf.add(r, tf.mul(i, 3)); }, [randomF64([2, 3], 3), randomF64([2, 3], 4)]);
  checkGradients((r, a) => { const [x, y] = ops.polar(r, a); return tf.sub(x, tf.mul(y, 2)); }, [randomF64([3], 5), randomF64([3], 6)]);
  const ids = tf.constant([0, 1, 0, 1], "int32");
  checkGradients((x) => ops.segmentMin(x, ids, 2), [randomF64([4, 2], 7)]);
  checkGradients((x) => ops.segmentProd(x, ids, 2), [randomF64([4, 2], 8)]);
});
