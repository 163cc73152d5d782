/**
 * Grouped conv2d (opts.groups) against PyTorch's F.conv2d(groups=...) (test/fixtures/conv_groups.json,
 * by make_conv_groups.py), against finite differences in float64, and its error messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { fusedConv2d } from "./fused.js";

interface Flat { shape: number[]; data: number[] }
interface OpCase {
  name: string; groups: number; strides: [number, number]; dilations: [number, number]; padding: "same" | "valid";
  x: Flat; w: Flat; dy: Flat; y: Flat; dx: Flat; dw: Flat;
}
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/conv_groups.json", import.meta.url), "utf8")) as { ops: OpCase[] };
const f32 = (f: Flat): tf.Tensor => tf.constant(f.data, f.shape, "float32");
const f64 = (shape: number[], seed: number): tf.Tensor => tf.random.normal(shape, 0, 1, { dtype: "float64", seed });

for (const c of fixture.ops) {
  test(`grouped conv2d matches torch F.conv2d(groups=${c.groups}) with its gradients: ${c.name}`, () => {
    const opts: tf.Conv2DOptions = { groups: c.groups, strides: c.strides, dilations: c.dilations, padding: c.padding };
    const run = (x: tf.Tensor, w: tf.Tensor): tf.Tensor => tf.conv2d(x, w, opts);
    const x = f32(c.x), w = f32(c.w);
    assertAllClose(run(x, w), c.y, { rtol: 1e-4, atol: 1e-5, what: `${c.name} y` });
    const [dx, dw] = tf.grads(run)([x, w], f32(c.dy));
    assertAllClose(dx, c.dx, { rtol: 1e-4, atol: 1e-5, what: `${c.name} dx` });
    assertAllClose(dw, c.dw, { rtol: 1e-4, atol: 1e-5, what: `${c.name} dw` });
  });
}

const gradCases: { name: string; x: number[]; w: number[]; opts: tf.Conv2DOptions }[] = [
  { name: "groups 2, 3x3 same", x: [1, 4, 5, 4], w: [3, 3, 2, 4], opts: { groups: 2, padding: "same" } },
  { name: "groups 3, 2x2 valid stride 2", x: [2, 5, 4, 3], w: [2, 2, 1, 6], opts: { groups: 3, strides: 2 } },
  { name: "groups 2, pointwise", x: [1, 3, 3, 4], w: [1, 1, 2, 2], opts: { groups: 2 } },
  { name: "groups 2, dilation 2, rank-3 input", x: [5, 5, 6], w: [3, 3, 3, 4], opts: { groups: 2, dilations: 2, padding: "same" } },
];

for (const c of gradCases) {
  test(`grouped conv2d gradients against finite differences: ${c.name}`, () => {
    checkGradients((x, w) => tf.conv2d(x, w, c.opts), [f64(c.x, 50), f64(c.w, 51)]);
  });
}

test("grouped fusedConv2d (bias and relu in one kernel, as the layers call it): gradients against finite differences", () => {
  const opts: tf.Conv2DOptions = { groups: 2, padding: "same" };
  checkGradients((x, w, b) => fusedConv2d(x, w, b, opts, "relu"), [f64([1, 4, 4, 4], 60), f64([3, 3, 2, 6], 61), f64([6], 62)]);
  // The data's gradient left out: the filter's and the bias' from one kernel.
  const x = f64([2, 4, 4, 4], 63);
  checkGradients((w, b) => fusedConv2d(x, w, b, opts, "relu"), [f64([3, 3, 2, 6], 64), f64([6], 65)]);
});

test("grouped conv2d refuses group counts that do not divide the channels, and filters of the wrong depth", () => {
  const x = tf.zeros([1, 4, 4, 6]);
  assert.throws(() => tf.conv2d(x, tf.zeros([3, 3, 1, 4]), { groups: 4 }),
    /^RangeError: conv2d: groups 4 must divide both the input channels \(6\) and the output channels \(4\); choose a common divisor of 6 and 4/);
  assert.throws(() => tf.conv2d(x, tf.zeros([3, 3, 2, 3]), { groups: 2 }), /groups 2 must divide both the input channels \(6\) and the output channels \(3\)/);
  assert.throws(() => tf.conv2d(x, tf.zeros([3, 3, 2, 4]), { groups: 2 }),
    /conv2d: with groups 2 the filter must have 3 input channels \(x's 6 \/ groups 2\), got filter shape \(3, 3, 2, 4\)/);
  assert.throws(() => tf.conv2d(x, tf.zeros([3, 3, 6, 4]), { groups: 0 }), /conv2d: groups must be a positive integer, got 0/);
  assert.throws(() => tf.conv2d(x, tf.zeros([3, 3, 6, 4]), { groups: 1.5 }), /groups must be a positive integer, got 1.5/);
  assert.throws(() => tf.depthwiseConv2d(x, tf.zeros([3, 3, 6, 1]), { groups: 2 }), /depthwiseConv2d: groups 2 does not apply/);
  assert.throws(() => tf.conv2dTranspose(tf.zeros([1, 2, 2, 4]), tf.zeros([3, 3, 6, 4]), [1, 4, 4, 6], { groups: 2 }),
    /conv2dTranspose: groups 2 is not supported/);
});
