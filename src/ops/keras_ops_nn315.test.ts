/**
 * The keras.ops members Keras 3.6-3.15 added (keras_ops_nn315.ts) against PyTorch / NumPy references
 * (test/fixtures/k315_nn.json, by make_k315_nn.py), their gradients against finite differences, and
 * their argument checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";

type Nested = readonly (number | Nested)[];
interface Fixture {
  unary: Record<string, number[]>;
  glu: { x: Nested; axis1: Nested; x2: Nested; last: Nested };
  sparsemax: { x: Nested; last: Nested; axis0: Nested };
  layer_norm: Record<string, Nested>;
  rms_norm: Record<string, Nested>;
  attention: Record<string, Nested>;
  depth_space: Record<string, Nested>;
}
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/k315_nn.json", import.meta.url), "utf8")) as Fixture;
const f64 = (v: Nested): tf.Tensor => tf.constant(v as number[], undefined, "float64");
const f32 = (v: Nested): tf.Tensor => tf.constant(v as number[], undefined, "float32");

test("the elementwise activations match torch (celu, hardshrink, hardtanh, softshrink, tanhshrink, threshold, logsigmoid) and Keras' formulas", () => {
  const u = fx.unary;
  const x = f64(u.x);
  const cases: [string, tf.Tensor][] = [
    ["celu_1", ops.celu(x)], ["celu_0.5", ops.celu(x, 0.5)],
    ["hard_shrink_0.5", ops.hardShrink(x)], ["hard_shrink_1.2", ops.hardShrink(x, 1.2)], ["hard_tanh", ops.hardTanh(x)],
    ["soft_shrink_0.5", ops.softShrink(x)], ["soft_shrink_0.3", ops.softShrink(x, 0.3)], ["tanh_shrink", ops.tanhShrink(x)],
    ["threshold_0.3_-2", ops.threshold(x, 0.3, -2)], ["log_sigmoid", ops.logSigmoid(x)],
    ["sparse_plus", ops.sparsePlus(x)], ["sparse_sigmoid", ops.sparseSigmoid(x)],
    ["squareplus_4", ops.squareplus(x)], ["squareplus_0.5", ops.squareplus(x, 0.5)],
  ];
  for (const [name, got] of cases) {
    assert.equal(got.dtype, "float64", name);
    assertAllClose(got, u[name], { rtol: 1e-12, atol: 1e-14, what: name });
  }
  // float32 stays float32 (Keras keeps x's dtype).
  const y = ops.celu(f32(u.x));
  assert.equal(y.dtype, "float32");
  assertAllClose(y, u.celu_1, { rtol: 1e-6, atol: 1e-7 });
  // Keras' docstring examples.
  assertAllClose(ops.sparseSigmoid(f32([-6, 1, 0, 1, 6])), [0, 1, 0.5, 1, 1]);
  assertAllClose(ops.squareplus(f32([-1, 0, 1])), [0.618034, 1, 1.618034], { rtol: 1e-6 });
});

test("glu halves the given axis (torch's F.glu), and refuses an odd one", () => {
  assertAllClose(ops.glu(f64(fx.glu.x), 1), fx.glu.axis1, { rtol: 1e-12 });
  assert.deepEqual(ops.glu(f64(fx.glu.x), 1).shape, [2, 3, 3]);
  assertAllClose(ops.glu(f64(fx.glu.x2)), fx.glu.last, { rtol: 1e-12 });
  assert.throws(() => ops.glu(f64(fx.glu.x)), /ops\.glu: axis -1 of x \(2, 6, 3\) has odd size 3/);
});

test("sparsemax projects onto the simplex along an axis (the textbook algorithm), rows summing to 1", () => {
  const x = f64(fx.sparsemax.x);
  const y = ops.sparsemax(x);
  assertAllClose(y, fx.sparsemax.last, { rtol: 1e-12, atol: 1e-14 });
  assertAllClose(tf.sum(y, -1), [1, 1, 1], { rtol: 1e-12 });
  assertAllClose(ops.sparsemax(x, 0), fx.sparsemax.axis0, { rtol: 1e-12, atol: 1e-14 });
  // Keras' test case: one winner takes all.
  assertAllClose(ops.sparsemax(f32([-0.5, 0, 1, 2, 3])), [0, 0, 0, 0, 1]);
  assert.throws(() => ops.sparsemax(x, 2), /sparsemax/);
});

test("gradients of the activations match finite differences (points kept away from the kinks)", () => {
  const x = randomF64([2, 7], 11, -3, 3, [-1.2, -1, -0.5, -0.3, 0, 0.3, 0.5, 1, 1.2]);
  const fns: [string, (t: tf.Tensor) => tf.Tensor][] = [
    ["celu", (t) => ops.celu(t, 0.7)], ["hardShrink", (t) => ops.hardShrink(t)], ["hardTanh", (t) => ops.hardTanh(t)],
    ["softShrink", (t) => ops.softShrink(t, 0.3)], ["sparsePlus", (t) => ops.sparsePlus(t)], ["sparseSigmoid", (t) => ops.sparseSigmoid(t)],
    ["squareplus", (t) => ops.squareplus(t, 2)], ["tanhShrink", (t) => ops.tanhShrink(t)], ["threshold", (t) => ops.threshold(t, 0.3, 5)],
    ["glu", (t) => ops.glu(t, 0)], ["sparsemax", (t) => ops.sparsemax(t, -1)], ["sparsemax axis 0", (t) => ops.sparsemax(t, 0)],
  ];
  for (const [name, f] of fns) {
    try {
      checkGradients(f, [x]);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
});

test("the activations refuse integer inputs and bad parameters, naming the op", () => {
  assert.throws(() => ops.celu(tf.constant([1, 2], undefined, "int32")), /ops\.celu: x must be float32 or float64, got int32/);
  assert.throws(() => ops.celu(f32([1]), 0), /ops\.celu: alpha must not be 0/);
  assert.throws(() => ops.squareplus(f32([1]), -1), /ops\.squareplus: b must be >= 0/);
  assert.throws(() => ops.hardShrink(f32([1]), Number.NaN), /ops\.hardShrink: threshold must be a finite number/);
});

test("layerNormalization matches torch's layer_norm (last axis, two axes) and Keras' formulas (inner axis, rmsScaling)", () => {
  const l = fx.layer_norm;
  const x = f64(l.x);
  assertAllClose(ops.layerNormalization(x, f64(l.gamma), f64(l.beta), -1, 1e-3), l.last, { rtol: 1e-10, atol: 1e-12 });
  assertAllClose(ops.layerNormalization(x), l.last_plain, { rtol: 1e-10, atol: 1e-12 });
  assertAllClose(ops.layerNormalization(x, f64(l.gamma34), f64(l.beta34), [-1, 1], 1e-3), l.last_two, { rtol: 1e-10, atol: 1e-12 });
  assertAllClose(ops.layerNormalization(x, f64(l.gamma3), null, 1, 1e-3), l.middle, { rtol: 1e-10, atol: 1e-12 });
  assertAllClose(ops.layerNormalization(x, f64(l.gamma), f64(l.beta), -1, 1e-3, { rmsScaling: true }), l.rms_scaling, { rtol: 1e-10, atol: 1e-12 });
  // Computed in float32 and cast back for ints, as Keras does.
  assert.equal(ops.layerNormalization(tf.constant([[1, 2, 3]], undefined, "int32")).dtype, "int32");
  assert.throws(() => ops.layerNormalization(x, f64([1, 2, 3, 4, 5])), /gamma \(5,\) does not fit the normalized axes \[2\] of x \(2, 3, 4\)/);
  assert.throws(() => ops.layerNormalization(x, null, null, 1, f64([1]) as unknown as number), /epsilon must be a non-negative number/);
});

test("rmsNormalization matches Keras' formula x * rsqrt(mean(x^2) + eps) * scale", () => {
  const r = fx.rms_norm;
  const x = f64(r.x);
  assertAllClose(ops.rmsNormalization(x, f64(r.scale), -1, 1e-6), r.last, { rtol: 1e-10, atol: 1e-12 });
  assertAllClose(ops.rmsNormalization(x), r.last_plain, { rtol: 1e-10, atol: 1e-12 });
  assertAllClose(ops.rmsNormalization(x, null, [2, 1], 1e-5), r.last_two, { rtol: 1e-10, atol: 1e-12 });
  // A scalar is one element: x / sqrt(x^2 + eps).
  const s = ops.rmsNormalization(tf.constant(-3, [], "float64"), null, -1, 0);
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), -1);
});

test("normalization gradients with respect to x, gamma, beta and scale match finite differences", () => {
  const x = randomF64([2, 3, 4], 5);
  const g = randomF64([4], 6);
  const b = randomF64([4], 7);
  checkGradients((t, gg, bb) => ops.layerNormalization(t, gg, bb, -1, 1e-3), [x, g, b]);
  checkGradients((t, gg) => ops.layerNormalization(t, gg, null, [1, 2], 1e-3, { rmsScaling: true }), [x, randomF64([3, 4], 8)]);
  checkGradients((t, s) => ops.rmsNormalization(t, s, -1, 1e-6), [x, g]);
});

test("dotProductAttention matches numpy's softmax(QK^T * scale + bias, masked) V, causal and grouped-query forms", () => {
  const a = fx.attention;
  const [q, k, v] = [f64(a.q), f64(a.k), f64(a.v)];
  const mask = tf.cast(tf.constant(a.mask as number[], undefined, "int32"), "bool");
  const tol = { rtol: 1e-10, atol: 1e-12 };
  assertAllClose(ops.dotProductAttention(q, k, v), a.plain, tol);
  assertAllClose(ops.dotProductAttention(q, k, v, f64(a.bias), null, 0.3), a.bias_scale, tol);
  assertAllClose(ops.dotProductAttention(q, k, v, null, mask, null, true), a.mask_causal, tol);
  assertAllClose(ops.dotProductAttention(q, k, v, null, null, null, true), a.causal, tol);
  assertAllClose(ops.dotProductAttention(q, f64(a.kg), f64(a.vg)), a.gqa, tol);
  assertAllClose(ops.dotProductAttention(f32(a.q), f32(a.k), f32(a.v)), a.plain, { rtol: 1e-5, atol: 1e-6 });
});

test("dotProductAttention: gradients to query, key, value and bias; Keras' refusals", () => {
  const q = randomF64([1, 2, 2, 3], 1);
  const k = randomF64([1, 3, 1, 3], 2);
  const v = randomF64([1, 3, 1, 3], 3);
  const bias = randomF64([1, 2, 2, 3], 4);
  checkGradients((a, b, c, d) => ops.dotProductAttention(a, b, c, d, null, null, true), [q, k, v, bias]);
  assert.throws(() => ops.dotProductAttention(q, k, v, null, null, null, false, true), /flashAttention=true is not supported/);
  assert.throws(() => ops.dotProductAttention(q, k, v, null, null, null, false, null, 50), /attnLogitsSoftCap=50 is not supported.*JAX with a TPU/);
  assert.throws(() => ops.dotProductAttention(tf.reshape(q, [2, 2, 3]), k, v), /must be 4-D/);
  assert.throws(() => ops.dotProductAttention(randomF64([1, 2, 3, 3], 1), randomF64([1, 3, 2, 3], 1), randomF64([1, 3, 2, 3], 1)), /3 heads must be a multiple of key's and value's 2 heads/);
  assert.throws(() => ops.dotProductAttention(q, k, v, randomF64([2, 2, 3], 1).reshape([1, 2, 2, 3]).reshape([1, 1, 4, 3])), /bias \(1, 1, 4, 3\) does not broadcast to the logits' shape \(1, 2, 2, 3\)/);
});

test("depthToSpace and spaceToDepth match torch's pixel_shuffle / pixel_unshuffle (channels_first) and TF's layout (channels_last), and invert each other", () => {
  const d = fx.depth_space;
  assertAllClose(ops.depthToSpace(f64(d.nchw), 2, "channels_first"), d.d2s_first);
  assertAllClose(ops.spaceToDepth(tf.reshape(tf.range(0, 96, 1, "float64"), [2, 2, 4, 6]), 2, "channels_first"), d.s2d_first);
  const nhwc = f64(d.nhwc);
  const up = ops.depthToSpace(nhwc, 2);
  assertAllClose(up, d.d2s_last);
  assertAllClose(ops.spaceToDepth(up, 2), nhwc);
  checkGradients((t) => ops.depthToSpace(t, 2), [randomF64([1, 1, 2, 8], 3)]);
  assert.throws(() => ops.depthToSpace(nhwc, 1), /blockSize must be an integer >= 2, got 1/);
  assert.throws(() => ops.depthToSpace(nhwc, 3), /the 8 channels of x \(1, 2, 3, 8\) must be divisible by blockSize\^2 = 9/);
  assert.throws(() => ops.spaceToDepth(nhwc, 2), /height 2 and width 3 .* must be divisible by blockSize 2/);
  assert.throws(() => ops.depthToSpace(tf.reshape(nhwc, [6, 8]), 2), /must be 4-D/);
});

test("saturateCast clips to the target's range before casting (Keras' bounds nudged toward zero in x's dtype)", () => {
  const x = f32([-1, 0.5, 254.6, 256, Infinity, -Infinity]);
  assert.deepEqual([...ops.saturateCast(x, "uint8").dataSync()], [0, 0, 254, 255, 255, 0]);
  // float32 cannot hold 2^31 - 1: its bound is the float32 below 2^31, 2147483520.
  assert.deepEqual([...ops.saturateCast(f32([3e9, -3e9]), "int32").dataSync()], [2147483520, -2147483648]);
  assert.deepEqual([...ops.saturateCast(tf.constant([-5, 7, 300], undefined, "int32"), "uint8").dataSync()], [0, 7, 255]);
  assert.deepEqual([...ops.saturateCast(tf.constant([1e300, -1e300, 2], undefined, "float64"), "float32").dataSync()], [3.4028234663852886e38, -3.4028234663852886e38, 2]);
  assert.deepEqual([...ops.saturateCast(f32([Infinity]), "float32").dataSync()], [3.4028234663852886e38]);
  assert.deepEqual([...ops.saturateCast(tf.constant([-2, 0, 3], undefined, "int32"), "bool").dataSync()], [0, 0, 1]);
  // numpy: nextafter(float64(2^63), 0) = 9223372036854774784, the largest float64 below int64's limit.
  assert.deepEqual([...ops.saturateCast(tf.constant([1e19, -1e19, 5], undefined, "float64"), "int64").dataSync()], [9223372036854774784n, -9223372036854775808n, 5n]);
  assert.deepEqual([...ops.saturateCast(tf.constant([3e9, -3e9, 5], undefined, "int64"), "int32").dataSync()], [2147483647, -2147483648, 5]);
  assert.throws(() => ops.saturateCast(x, "float16" as tf.DType), /ops\.saturateCast: unknown dtype "float16"/);
});

test("the new ops on symbolic tensors give Keras' output shapes", () => {
  const x = tf.layers.Input({ shape: [4, 6] });
  assert.deepEqual(ops.glu(x).shape, [null, 4, 3]);
  assert.deepEqual(ops.celu(x).shape, [null, 4, 6]);
  assert.deepEqual(ops.sparsemax(x, 1).shape, [null, 4, 6]);
  assert.deepEqual(ops.rmsNormalization(x).shape, [null, 4, 6]);
  const img = tf.layers.Input({ shape: [2, 3, 8] });
  assert.deepEqual(ops.depthToSpace(img, 2).shape, [null, 4, 6, 2]);
  assert.deepEqual(ops.saturateCast(img, "uint8").dtype, "uint8");
  const q = tf.layers.Input({ shape: [3, 4, 5] });
  const kv = tf.layers.Input({ shape: [6, 2, 5] });
  assert.deepEqual(ops.dotProductAttention(q, kv, kv).shape, [null, 3, 4, 5]);
  assert.throws(() => ops.depthToSpace(img, 1), /blockSize must be an integer >= 2/);
});
