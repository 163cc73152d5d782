import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import type { TransformFillMode, TransformInterpolation } from "./image.js";
import { testOnBackend } from "../testing/backends.js";

const row = (values: number[]): tf.Tensor => tf.constant(values, [1, 4, 1], "float32");
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);
const FILL_MODES: TransformFillMode[] = ["reflect", "wrap", "constant", "nearest"];

test("image.transform: whole-pixel translations of a 1x4 image under each fill mode (hand-computed)", () => {
  const x = row([1, 2, 3, 4]);
  // Output x reads input x - 1: the image moves one pixel right.
  const right = [1, 0, -1, 0, 1, 0, 0, 0];
  const wantRight: Record<TransformFillMode, number[]> = { reflect: [1, 1, 2, 3], wrap: [4, 1, 2, 3], constant: [9, 1, 2, 3], nearest: [1, 1, 2, 3] };
  // Output x reads input x + 2: the image moves two pixels left.
  const left2 = [1, 0, 2, 0, 1, 0, 0, 0];
  const wantLeft2: Record<TransformFillMode, number[]> = { reflect: [3, 4, 4, 3], wrap: [3, 4, 1, 2], constant: [3, 4, 9, 9], nearest: [3, 4, 4, 4] };
  for (const fillMode of FILL_MODES) {
    for (const interpolation of ["nearest", "bilinear"] as const) {
      const opts = { fillMode, interpolation, fillValue: 9 };
      assert.deepEqual(values(tf.image.transform(x, right, opts)), wantRight[fillMode], `right ${fillMode} ${interpolation}`);
      assert.deepEqual(values(tf.image.transform(x, left2, opts)), wantLeft2[fillMode], `left 2 ${fillMode} ${interpolation}`);
    }
  }
  // Vertical: a 4x1 column moved down by one.
  const col = tf.constant([1, 2, 3, 4], [4, 1, 1], "float32");
  assert.deepEqual(values(tf.image.transform(col, [1, 0, 0, 0, 1, -1, 0, 0], { fillMode: "wrap" })), [4, 1, 2, 3]);
});

test("image.transform: bilinear at half-pixel offsets (hand-computed)", () => {
  const x = row([1, 2, 3, 4]);
  const half = [1, 0, 0.5, 0, 1, 0, 0, 0];
  const want: Record<TransformFillMode, number[]> = {
    reflect: [1.5, 2.5, 3.5, 4], wrap: [1.5, 2.5, 3.5, 2.5], constant: [1.5, 2.5, 3.5, 2], nearest: [1.5, 2.5, 3.5, 4],
  };
  for (const fillMode of FILL_MODES) assertAllClose(tf.image.transform(x, half, { fillMode }), want[fillMode], { atol: 1e-6, what: fillMode });
  // A quarter pixel in both directions on a 2x2 image (constant 0 outside): weights 9/16, 3/16, 3/16, 1/16.
  const sq = tf.constant([1, 2, 3, 4], [2, 2, 1], "float32");
  const out = tf.image.transform(sq, [1, 0, 0.25, 0, 1, 0.25, 0, 0]);
  assertAllClose(out, [(9 * 1 + 3 * 2 + 3 * 3 + 4) / 16, (9 * 2 + 3 * 4) / 16, (9 * 3 + 3 * 4) / 16, (9 * 4) / 16], { atol: 1e-6 });
});

test("image.transform: a 90 degree rotation of a 3x3 image is numpy's rot90 (counter-clockwise)", () => {
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1], "float32");
  // Keras' rotation matrix for angle pi/2 on a 3x3 image: [cos, -sin, 2, sin, cos, 0, 0, 0].
  const out = tf.image.transform(x, [[0, -1, 2, 1, 0, 0, 0, 0]], { interpolation: "bilinear" });
  assert.deepEqual(out.shape, [1, 3, 3, 1]);
  assert.deepEqual(values(out), [3, 6, 9, 2, 5, 8, 1, 4, 7]);
});

test("image.transform: per-image rows, outputShape, channels, integer images and a zero projection", () => {
  const x = tf.concat([tf.constant([1, 2, 3, 4, 10, 20, 30, 40], [1, 1, 4, 2], "float32"), tf.constant([5, 6, 7, 8, 50, 60, 70, 80], [1, 1, 4, 2], "float32")], 0);
  const out = tf.image.transform(x, [[1, 0, -1, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 0, 0, 0]], { fillMode: "constant", outputShape: [1, 3] });
  assert.deepEqual(out.shape, [2, 1, 3, 2]);
  assert.deepEqual(values(out), [0, 0, 1, 2, 3, 4, 7, 8, 50, 60, 70, 80]);
  const u8 = tf.image.transform(tf.constant([10, 20, 30, 40], [1, 4, 1], "uint8"), [1, 0, 0.5, 0, 1, 0, 0, 0], { fillMode: "nearest" });
  assert.equal(u8.dtype, "uint8");
  assert.deepEqual(Array.from(u8.dataSync() as Uint8Array), [15, 25, 35, 40]);
  // k = c0 x + 1 is 0 at x = 1: that sample is the fill value, as in TF.
  assert.deepEqual(values(tf.image.transform(row([1, 2, 3, 4]), [1, 0, 0, 0, 1, 0, -1, 0], { fillValue: 7, interpolation: "nearest" }))[1], 7);
});

test("image.transform: a coordinate far outside the image reads the fill, not a pixel its 32-bit wrap would land on", () => {
  const x = row([1, 2, 3, 4]);
  // 2^32 + 1 wraps to 1 as an int32: the sample must still be outside.
  const far = tf.constant([1, 0, 2 ** 32 + 1, 0, 1, 0, 0, 0], [8], "float64");
  assert.deepEqual(values(tf.image.transform(x, far, { fillMode: "constant", fillValue: 9, interpolation: "nearest" })), [9, 9, 9, 9]);
  // Periodic modes follow the true position: 2^32 + 1 = 1 (mod 4), reflected: 2^32 + 1 = 1 (mod 8).
  assert.deepEqual(values(tf.image.transform(x, far, { fillMode: "wrap", interpolation: "nearest" })), [2, 3, 4, 1]);
  assert.deepEqual(values(tf.image.transform(x, far, { fillMode: "reflect", interpolation: "nearest" })), [2, 3, 4, 4]);
});

test("image.transform rejects bad arguments with clear messages", () => {
  const x = tf.ones([2, 3, 3, 1]);
  assert.throws(() => tf.image.transform(tf.ones([3, 3]), [1, 0, 0, 0, 1, 0, 0, 0]), /image.transform: images must be/);
  assert.throws(() => tf.image.transform(x, [1, 0, 0, 0, 1, 0]), /transforms must be numbers of shape \[8\], \[1, 8\] or \[2, 8\]/);
  assert.throws(() => tf.image.transform(x, tf.ones([3, 8])), /\[2, 8\]/);
  assert.throws(() => tf.image.transform(x, tf.ones([8]), { fillMode: "mirror" as TransformFillMode }), /fillMode "mirror" is not supported; use "reflect", "wrap", "constant" or "nearest"/);
  assert.throws(() => tf.image.transform(x, tf.ones([8]), { interpolation: "bicubic" as TransformInterpolation }), /interpolation "bicubic" is not supported/);
  assert.throws(() => tf.image.transform(x, tf.ones([8]), { outputShape: [0, 2] }), /outputShape must be two positive integers/);
});

test("image.flipLeftRight and flipUpDown reverse the width and height axes", () => {
  const x = tf.constant([1, 2, 3, 4, 5, 6], [2, 3, 1], "float32");
  assert.deepEqual(values(tf.image.flipLeftRight(x)), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(values(tf.image.flipUpDown(x)), [4, 5, 6, 1, 2, 3]);
  const b = tf.reshape(x, [1, 2, 3, 1]);
  assert.deepEqual(values(tf.image.flipLeftRight(b)), [3, 2, 1, 6, 5, 4]);
  assert.throws(() => tf.image.flipUpDown(tf.ones([2, 2])), /image.flipUpDown: images must be/);
});

test("image.transform is differentiable with respect to the images (not the transforms)", () => {
  const x = tf.random.normal([2, 4, 5, 2], 0, 1, { dtype: "float64", seed: 3 });
  for (const fillMode of FILL_MODES) {
    const t = tf.constant([[0.9, 0.2, 0.37, -0.15, 1.1, -0.61, 0.01, 0.02], [1, 0, 1.3, 0, 1, -0.7, 0, 0]], [2, 8], "float64");
    checkGradients((im) => tf.image.transform(im, t, { fillMode, fillValue: 0.5 }), [x]);
    checkGradients((im) => tf.image.transform(im, t, { fillMode, interpolation: "nearest", outputShape: [3, 6] }), [x]);
  }
  const t = tf.variable(tf.constant([1, 0, 0, 0, 1, 0, 0, 0], [8], "float64"));
  assert.throws(() => tf.grad((tt: tf.Tensor) => tf.sum(tf.image.transform(x, tt)))(t), /not differentiable with respect to transforms/);
});

interface Fixture {
  images_shape: number[];
  images: number[];
  cases: { name: string; transforms: number[][]; fill_mode: TransformFillMode; interpolation: TransformInterpolation; fill_value: number; output_shape: [number, number]; expected: number[] }[];
}
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/image_transform.json", import.meta.url), "utf8")) as Fixture;

for (const name of ["js", "native"]) {
  testOnBackend(name, `image.transform matches scipy.ndimage.map_coordinates (test/fixtures/image_transform.json) on the ${name} backend`, () => {
    for (const dtype of ["float32", "float64"] as const) {
      const images = tf.constant(fx.images, fx.images_shape, dtype);
      for (const c of fx.cases) {
        // Transforms in the images' dtype (a plain array would become float32, as TF's transforms are).
        const rows = tf.constant(c.transforms.flat(), [c.transforms.length, 8], dtype);
        const out = tf.image.transform(images, rows, { fillMode: c.fill_mode, interpolation: c.interpolation, fillValue: c.fill_value, outputShape: c.output_shape });
        assert.equal(out.dtype, dtype);
        assertAllClose(out, c.expected, { rtol: 0, atol: dtype === "float32" ? 2e-5 : 1e-10, what: `${c.name} ${dtype}` });
      }
    }
  });
}
