import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/activations.json", import.meta.url), "utf8"));

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

test("batchNormalization by hand", () => {
  const x = tf.constant([1, 3], "float64");
  assert.deepEqual(tf.batchNormalization(x, 2, 1, null, null, 0).arraySync(), [-1, 1]);
  // scale 2, offset 10, variance 4 - eps so that sqrt(variance + eps) = 2
  assert.deepEqual(tf.batchNormalization(x, 2, 3.5, 10, 2, 0.5).arraySync(), [9, 11]);
  // default epsilon is 1e-3 (Keras' BatchNormalization)
  const d = tf.batchNormalization(tf.constant([2], "float64"), 0, 1).dataSync()[0];
  assert.equal(d, 2 / Math.sqrt(1.001));
});

test("batchNormalization matches PyTorch's batch_norm (inference), with and without offset/scale", () => {
  const b = fx.batchnorm;
  const x = tf.constant(b.x, "float64");
  const args = [tf.constant(b.mean, "float64"), tf.constant(b.variance, "float64")] as const;
  const y = tf.batchNormalization(x, args[0], args[1], tf.constant(b.offset, "float64"), tf.constant(b.scale, "float64"), b.epsilon);
  assert.deepEqual(y.shape, [5, 3]);
  assertAllClose(y.dataSync(), flat(b.y), { rtol: 1e-13, atol: 1e-14, what: "with offset and scale" });
  assertAllClose(tf.batchNormalization(x, args[0], args[1], undefined, undefined, b.epsilon).dataSync(), flat(b.y_plain), { rtol: 1e-13, atol: 1e-14, what: "plain" });
  const y32 = tf.batchNormalization(tf.constant(b.x, "float32"), tf.constant(b.mean, "float32"), tf.constant(b.variance, "float32"),
    tf.constant(b.offset, "float32"), tf.constant(b.scale, "float32"), b.epsilon);
  assert.equal(y32.dtype, "float32");
  assertAllClose(y32.dataSync(), flat(b.y), { rtol: 1e-5, atol: 1e-5, what: "float32" });
});

test("batchNormalization broadcasts keepDims-shaped statistics over NHWC and NCHW-like layouts", () => {
  // x [2, 3, 2]: normalize per channel of the middle axis with stats of shape [1, 3, 1]
  const x = tf.constant([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]], "float64");
  const mean = tf.constant([[[4.5], [6.5], [8.5]]], "float64");
  const variance = tf.constant([[[9.25], [9.25], [9.25]]], "float64");
  const y = tf.batchNormalization(x, mean, variance, null, null, 0).dataSync();
  const want = [1, 2, 7, 8].map((v) => (v - 4.5) / Math.sqrt(9.25));
  assertAllClose([y[0], y[1], y[6], y[7]], want, { rtol: 1e-14, atol: 1e-15, what: "channel 0" });
});

test("gradients w.r.t. x, mean, variance, offset and scale (float64, broadcasting)", () => {
  const cases: [number[], number[]][] = [[[5, 3], [3]], [[2, 3, 4], [1, 3, 1]], [[2, 2, 3, 3], [3]], [[3, 1], [1]], [[4], [4]]];
  cases.forEach(([xs, ps], i) => {
    const x = randomF64(xs, 10 * i + 1, -2, 2);
    const mean = randomF64(ps, 10 * i + 2, -2, 2);
    const variance = randomF64(ps, 10 * i + 3, 0.2, 2);
    const offset = randomF64(ps, 10 * i + 4, -2, 2);
    const scale = randomF64(ps, 10 * i + 5, -2, 2);
    checkGradients((a, m, v, o, s) => tf.batchNormalization(a, m, v, o, s, 1e-3), [x, mean, variance, offset, scale]);
    checkGradients((a, m, v) => tf.batchNormalization(a, m, v, null, null, 1e-3), [x, mean, variance]);
  });
});

test("batchNormalization errors name the op and the shapes", () => {
  const x = tf.zeros([4, 3], "float32");
  assert.throws(() => tf.batchNormalization(x, tf.zeros([4], "float32"), tf.ones([3], "float32")),
    /batchNormalization: mean \(4,\) does not broadcast against x \(4, 3\)/);
  assert.throws(() => tf.batchNormalization(x, tf.zeros([3], "float64"), tf.ones([3], "float32")),
    /batchNormalization: mean is float64 \(3,\) but x is float32/);
  assert.throws(() => tf.batchNormalization(tf.zeros([2], "int32"), 0, 1), /batchNormalization: x must be float32 or float64/);
  assert.throws(() => tf.batchNormalization(x, 0, 1, null, null, -1), /varianceEpsilon must be a non-negative number/);
});
