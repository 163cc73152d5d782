import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";

type Tensor = tf.Tensor;

const f64 = (shape: number[], seed: number): Tensor => tf.random.normal(shape, 0, 1, { dtype: "float64", seed });

// ---------------------------------------------------------------- hand-computed values

test("conv3d SAME with a 2x2x2 ones kernel sums each voxel's back/bottom/right neighbours", () => {
  // x[d, h, w] = 1 + d * 4 + h * 2 + w on a 2x2x2 volume; the window at (d, h, w) covers the
  // cells at or after it, padding at the back/bottom/right.
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2, 1], "float32");
  const y = tf.conv3d(x, tf.ones([2, 2, 2, 1, 1], "float32"), { padding: "same" });
  assert.deepEqual(y.shape, [1, 2, 2, 2, 1]);
  assert.deepEqual([...y.dataSync()], [36, 20, 22, 12, 26, 14, 15, 8]);
});

test("maxPool3d and avgPool3d on a 2x2x2 volume with a 2x2x2 window", () => {
  const x = tf.constant([1, 8, 3, 4, 5, 6, 7, 2], [2, 2, 2, 1], "float32");
  assert.deepEqual([...tf.maxPool3d(x, 2).dataSync()], [8]);
  assert.deepEqual([...tf.avgPool3d(x, 2).dataSync()], [4.5]);
  assert.deepEqual(tf.maxPool3d(x, 2).shape, [1, 1, 1, 1]);
  // SAME with stride 1: the last plane's window holds only real cells of that plane onwards.
  const s = tf.avgPool3d(x, 2, 1, "same");
  assert.deepEqual(s.shape, [2, 2, 2, 1]);
  assert.equal(s.dataSync()[7], 2);
  assert.equal(s.dataSync()[6], (7 + 2) / 2);
});

test("maxPool3d sends each window's gradient to its first maximum", () => {
  const x = tf.constant([3, 3, 1, 3, 0, 0, 0, 0], [1, 2, 2, 2, 1], "float64");
  const [dx] = tf.grads((a: Tensor) => tf.maxPool3d(a, 2))([x]);
  assert.deepEqual([...dx.dataSync()], [1, 0, 0, 0, 0, 0, 0, 0]);
});

// ---------------------------------------------------------------- validation messages

test("the 3-D ops name the op, the shapes and the fix for bad input", () => {
  const x = tf.zeros([1, 4, 4, 4, 2], "float32");
  const w = tf.zeros([3, 3, 3, 2, 3], "float32");
  assert.throws(() => tf.conv3d(tf.zeros([4, 4, 2], "float32"), w), /conv3d: x must have rank 5 \[batch, depth, height, width, channels\].*got shape \(4, 4, 2\)/);
  assert.throws(() => tf.conv3d(x, tf.zeros([3, 3, 2, 3], "float32")), /conv3d: filter must have rank 5 \[kd, kh, kw, inChannels, outChannels\]/);
  assert.throws(() => tf.conv3d(x, tf.zeros([3, 3, 3, 1, 3], "float32")), /conv3d: the filter expects 1 input channels .* x has 2/);
  assert.throws(() => tf.conv3d(x, w, { strides: [1, 2] as unknown as number }), /conv3d: strides must be a number, \[depth, height, width\]/);
  assert.throws(() => tf.conv3d(x, w, { strides: [2, 1, 1, 1, 1] }), /must be \[1, d, h, w, 1\]/);
  assert.throws(() => tf.conv3d(x, w, { padding: "full" as "same" }), /conv3d: padding must be "same" or "valid", got "full"/);
  assert.throws(() => tf.conv3d(x, tf.zeros([5, 3, 3, 2, 3], "float32")), (e: Error) => {
    assert.match(e.message, /^conv3d: the output size would be 0 \(0x2x2\): x \(1, 4, 4, 4, 2\) is too small for kernel 5x3x3 \(dilation 1x1x1\) with strides 1x1x1 and padding "valid"/);
    assert.match(e.message, /use padding "same", a smaller kernel or a larger input/);
    return true;
  });
  assert.throws(() => tf.conv3d(x, tf.zeros([3, 3, 3, 1, 3], "float32"), { groups: 2 }), /groups 2 must divide .* output channels \(3\)/);
  assert.throws(() => tf.conv3d(tf.zeros([1, 4, 4, 4, 2], "int32"), w), /conv3d: x must be float32 or float64/);
  assert.throws(() => tf.maxPool3d(tf.zeros([4, 8], "float32"), 2), /maxPool3d: x must have rank 5/);
  assert.throws(() => tf.avgPool3d(x, 5), /avgPool3d: the output size would be 0 \(0x0x0\): x \(1, 4, 4, 4, 2\) is too small for pool 5x5x5 with strides 5x5x5/);
  assert.throws(() => tf.avgPool3d(x, [2, 2] as unknown as number), /avgPool3d: poolSize must be a number, \[depth, height, width\]/);
});

test("conv3dTranspose checks that outputShape matches x", () => {
  const x = tf.zeros([1, 2, 3, 2, 3], "float32");
  const w = tf.zeros([3, 3, 3, 2, 3], "float32");
  assert.deepEqual(tf.conv3dTranspose(x, w, [1, 4, 6, 4, 2], { strides: 2, padding: "same" }).shape, [1, 4, 6, 4, 2]);
  assert.throws(() => tf.conv3dTranspose(x, w, [1, 6, 6, 4, 2], { strides: 2, padding: "same" }), /corresponds to an input of 3x3x2, but x is 2x3x2/);
  assert.throws(() => tf.conv3dTranspose(x, w, [1, 4, 6, 4, 5], { strides: 2, padding: "same" }), /asks for 5/);
  assert.throws(() => tf.conv3dTranspose(x, tf.zeros([3, 3, 3, 2, 4], "float32"), [1, 4, 6, 4, 2], { strides: 2 }), /has 4 input channels .* x has 3/);
});

// ---------------------------------------------------------------- gradients (float64, finite differences)

const gradCases: { name: string; x: number[]; w: number[]; opts: tf.Conv3DOptions }[] = [
  { name: "3x3x3 same s1", x: [1, 3, 4, 3, 2], w: [3, 3, 3, 2, 2], opts: { padding: "same" } },
  { name: "2x2x2 valid s2", x: [2, 4, 3, 5, 1], w: [2, 2, 2, 1, 2], opts: { padding: "valid", strides: 2 } },
  { name: "3x2x3 same strides 2x1x2", x: [1, 4, 3, 4, 1], w: [3, 2, 3, 1, 2], opts: { padding: "same", strides: [2, 1, 2] } },
  { name: "3x3x3 same dilation 2", x: [1, 4, 3, 5, 1], w: [3, 3, 3, 1, 1], opts: { padding: "same", dilations: 2 } },
  { name: "groups 2", x: [1, 3, 3, 2, 4], w: [2, 2, 2, 2, 2], opts: { padding: "same", groups: 2 } },
  { name: "rank-4 input", x: [3, 3, 2, 2], w: [2, 2, 2, 2, 1], opts: { padding: "same" } },
];

for (const c of gradCases) {
  test(`conv3d gradients w.r.t. input and filter: ${c.name}`, () => {
    checkGradients((x, w) => tf.conv3d(x, w, c.opts), [f64(c.x, 10), f64(c.w, 11)]);
  });
}

test("conv3dTranspose gradients (3x3x3 same s2)", () => {
  checkGradients((x, w) => tf.conv3dTranspose(x, w, [1, 3, 4, 3, 1], { strides: 2, padding: "same" }), [f64([1, 2, 2, 2, 2], 30), f64([3, 3, 3, 1, 2], 31)]);
});

test("maxPool3d and avgPool3d gradients (same, strides 1x2x1)", () => {
  checkGradients((x) => tf.maxPool3d(x, [2, 3, 2], [1, 2, 1], "same"), [f64([1, 3, 5, 4, 2], 40)]);
  checkGradients((x) => tf.avgPool3d(x, [2, 3, 2], [1, 2, 1], "same"), [f64([1, 3, 5, 4, 2], 41)]);
});

test("second-order gradients through conv3d and avgPool3d", () => {
  const inputGrad = (x: Tensor, w: Tensor): Tensor => tf.grads((a, b) => {
    const y = tf.avgPool3d(tf.conv3d(a, b, { padding: "same", strides: 2 }), 1);
    return tf.mul(y, y);
  })([x, w])[0];
  checkGradients(inputGrad, [f64([1, 3, 3, 2, 1], 50), f64([2, 2, 2, 1, 2], 51)]);
});

// ---------------------------------------------------------------- PyTorch reference values

interface Flat { shape: number[]; data: number[] }
interface Fixture {
  name: string; op: string; opts?: tf.Conv3DOptions; outputShape?: number[];
  poolSize?: tf.Size3D; strides?: tf.Size3D | null; padding?: "SAME" | "VALID";
  x: Flat; w?: Flat; dy: Flat; y: Flat; dx: Flat; dw?: Flat;
}

const fixtures = JSON.parse(readFileSync(new URL("../../test/fixtures/conv3d.json", import.meta.url), "utf8")) as { cases: Fixture[] };
const f32 = (f: Flat): Tensor => tf.constant(f.data, f.shape, "float32");
const close = { rtol: 1e-4, atol: 1e-5 };

for (const c of fixtures.cases.filter((k) => k.op === "conv3d" || k.op === "conv3dTranspose")) {
  test(`${c.op} matches PyTorch (TF semantics) in float32: ${c.name}`, () => {
    const run = (x: Tensor, w: Tensor): Tensor =>
      c.op === "conv3d" ? tf.conv3d(x, w, c.opts) : tf.conv3dTranspose(x, w, c.outputShape!, c.opts);
    const x = f32(c.x), w = f32(c.w!);
    assertAllClose(run(x, w), c.y, { ...close, what: `${c.name} y` });
    const [dx, dw] = tf.grads(run)([x, w], f32(c.dy));
    assertAllClose(dx, c.dx, { ...close, what: `${c.name} dx` });
    assertAllClose(dw, c.dw!, { ...close, what: `${c.name} dw` });
  });
}

for (const c of fixtures.cases.filter((k) => k.op === "maxPool3d" || k.op === "avgPool3d")) {
  test(`${c.op} matches PyTorch (TF semantics) in float32: ${c.name}`, () => {
    const run = (x: Tensor): Tensor => (c.op === "maxPool3d" ? tf.maxPool3d : tf.avgPool3d)(x, c.poolSize!, c.strides, c.padding);
    const x = f32(c.x);
    assertAllClose(run(x), c.y, { ...close, what: `${c.name} y` });
    const [dx] = tf.grads(run)([x], f32(c.dy));
    assertAllClose(dx, c.dx, { ...close, what: `${c.name} dx` });
  });
}
