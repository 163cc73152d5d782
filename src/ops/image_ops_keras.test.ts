// keras.ops.image functions against Keras 3.5's torch backend (test/fixtures/image_ops.json, written
// by test/fixtures/make_image_ops.py), hand-computed cases and finite differences.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { testOnBackend } from "../testing/backends.js";

interface Arr { shape: number[]; data: number[] }
type Kw = Record<string, number | string | number[] | null>;
interface Fixture {
  hsv: Record<"rgb" | "rgb_to_hsv" | "rgb_to_hsv_single_cf" | "hsv" | "hsv_to_rgb" | "hsv_to_rgb_cf", Arr>;
  crop_pad_images: Arr;
  crop: { kwargs: Kw; format: "channels_last" | "channels_first"; batched: boolean; out: Arr }[];
  pad: { kwargs: Kw; format: "channels_last" | "channels_first"; batched: boolean; out: Arr }[];
  patches: { images: Arr; cases: { kwargs: Kw; out: Arr; single_cf: Arr }[] };
  affine: { images: Arr; cases: { name: string; transform: number[] | number[][]; fill_mode: tf.image.MapFillMode; interpolation: "bilinear" | "nearest"; fill_value: number; out: Arr; single_cf: Arr }[] };
  map_coordinates: { name: string; input: Arr; coordinates: Arr; order: 0 | 1; fill_mode: tf.image.MapFillMode; fill_value: number; out: Arr }[];
}
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/image_ops.json", import.meta.url), "utf8")) as Fixture;

const t64 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float64");
const camel = (kw: Kw): Record<string, unknown> =>
  Object.fromEntries(Object.entries(kw).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
const close = (got: tf.Tensor, want: Arr, what: string, atol = 1e-12): void => assertAllClose(got, tf.constant(want.data, want.shape, "float64"), { rtol: 0, atol, what });

test("image.rgbToHsv and hsvToRgb match Keras 3.5 (greys, black, primaries, channel ties, hue outside [0, 1])", () => {
  const h = fx.hsv;
  close(tf.image.rgbToHsv(t64(h.rgb)), h.rgb_to_hsv, "rgb_to_hsv");
  const single = tf.transpose(tf.slice(t64(h.rgb), [1, 0, 0, 0], [1, -1, -1, -1]).reshape(h.rgb.shape.slice(1)), [2, 0, 1]);
  close(tf.image.rgbToHsv(single, { dataFormat: "channels_first" }), h.rgb_to_hsv_single_cf, "rgb_to_hsv single channels_first");
  close(tf.image.hsvToRgb(t64(h.hsv)), h.hsv_to_rgb, "hsv_to_rgb");
  close(tf.image.hsvToRgb(tf.transpose(t64(h.hsv), [0, 3, 1, 2]), { dataFormat: "channels_first" }), h.hsv_to_rgb_cf, "hsv_to_rgb channels_first");
  const f32 = tf.image.rgbToHsv(tf.cast(t64(h.rgb), "float32"));
  assert.equal(f32.dtype, "float32");
  close(f32, h.rgb_to_hsv, "rgb_to_hsv float32", 2e-6);
  // Round trip on pixels inside [0, 1].
  assertAllClose(tf.image.hsvToRgb(tf.image.rgbToHsv(t64(h.rgb))), t64(h.rgb), { rtol: 0, atol: 1e-12 });
});

test("image.rgbToHsv / hsvToRgb: hand values, errors and gradients", () => {
  // Orange (1, 0.5, 0): hue 1/12, saturation 1, value 1.
  assertAllClose(tf.image.rgbToHsv(tf.constant([1, 0.5, 0], [1, 1, 3], "float64")), [1 / 12, 1, 1], { atol: 1e-15 });
  assert.throws(() => tf.image.rgbToHsv(tf.ones([2, 2, 3], "int32")), /image.rgbToHsv: images must be float32 or float64/);
  assert.throws(() => tf.image.hsvToRgb(tf.ones([2, 2, 4])), /image.hsvToRgb: images must have 3 channels on axis 2 \(channels_last\), got shape \(2, 2, 4\)/);
  assert.throws(() => tf.image.rgbToHsv(tf.ones([2, 3])), /single image \[height, width, channels\] or \[batch, height, width, channels\]/);
  assert.throws(() => tf.image.rgbToHsv(tf.ones([2, 2, 3]), { dataFormat: "nchw" as never }), /dataFormat must be "channels_last"/);
  // Generic pixels (no ties between channels, away from hue 0).
  const rgb = tf.constant([0.3, 0.1, 0.2, 0.1, 0.6, 0.35, 0.2, 0.4, 0.9, 0.8, 0.55, 0.1], [2, 2, 3], "float64");
  checkGradients((x) => tf.image.rgbToHsv(x), [rgb]);
  const hsv = tf.constant([0.1, 0.5, 0.7, 0.45, 0.3, 0.9, 0.62, 0.8, 0.4, 0.9, 0.2, 0.6], [1, 2, 2, 3], "float64");
  checkGradients((x) => tf.image.hsvToRgb(x), [hsv]);
  checkGradients((x) => tf.image.hsvToRgb(x, { dataFormat: "channels_first" }), [tf.transpose(hsv, [0, 3, 1, 2])]);
});

test("image.cropImages and padImages match Keras 3.5 (every way of giving two of three, channels_first, single images)", () => {
  const img = t64(fx.crop_pad_images);
  const pick = (batched: boolean, format: string, b: number): tf.Tensor => {
    if (batched) return format === "channels_first" ? tf.transpose(img, [0, 3, 1, 2]) : img;
    const one = tf.reshape(tf.slice(img, [b, 0, 0, 0], [1, -1, -1, -1]), img.shape.slice(1));
    return format === "channels_first" ? tf.transpose(one, [2, 0, 1]) : one;
  };
  for (const c of fx.crop) {
    close(tf.image.cropImages(pick(c.batched, c.format, 0), { ...camel(c.kwargs), dataFormat: c.format }), c.out, `crop ${JSON.stringify(c.kwargs)} ${c.format}`);
  }
  for (const c of fx.pad) {
    close(tf.image.padImages(pick(c.batched, c.format, 1), { ...camel(c.kwargs), dataFormat: c.format }), c.out, `pad ${JSON.stringify(c.kwargs)} ${c.format}`);
  }
});

test("image.cropImages and padImages: Keras' argument rules as clear errors; gradients", () => {
  const x = tf.ones([4, 5, 2]);
  assert.throws(() => tf.image.cropImages(x, { topCropping: 1, leftCropping: 1, rightCropping: 1 }), /give exactly two of topCropping, bottomCropping, targetHeight \(the third is inferred\), got topCropping=1, bottomCropping=null, targetHeight=null/);
  assert.throws(() => tf.image.cropImages(x, { topCropping: 1, bottomCropping: 1, targetHeight: 2, leftCropping: 0, rightCropping: 0 }), /give exactly two of topCropping/);
  assert.throws(() => tf.image.cropImages(x, { topCropping: 3, targetHeight: 2, leftCropping: 0, rightCropping: 0 }), /do not fit in an image of 4 .*start 3, size 2/);
  assert.throws(() => tf.image.cropImages(x, { topCropping: 0, bottomCropping: 0, leftCropping: 3, rightCropping: 3 }), /leftCropping, rightCropping, targetWidth do not fit in an image of 5/);
  assert.throws(() => tf.image.cropImages(x, { topCropping: -1, bottomCropping: 0, leftCropping: 0, rightCropping: 0 }), /topCropping must be a whole number >= 0, got -1/);
  assert.throws(() => tf.image.cropImages(x, { top_cropping: 1 } as never), /unknown option top_cropping; lamina spells Keras' top_cropping as topCropping/);
  assert.throws(() => tf.image.padImages(x, { topPadding: 1, leftPadding: 1, targetHeight: 4, targetWidth: 8 }), /padImages: topPadding, bottomPadding, targetHeight leave 1 before and -1 after an image of 4/);
  assert.throws(() => tf.image.padImages(x, { topPadding: 1, bottomPadding: 1, leftPadding: 0 }), /give exactly two of leftPadding, rightPadding, targetWidth/);
  assert.throws(() => tf.image.padImages(tf.ones([5, 2]), { topPadding: 1, bottomPadding: 1, leftPadding: 0, rightPadding: 0 }), /images must be a single image/);
  // Zero-height crops are allowed, as Keras' target_height >= 0.
  assert.deepEqual(tf.image.cropImages(x, { topCropping: 2, targetHeight: 0, leftCropping: 0, rightCropping: 0 }).shape, [0, 5, 2]);
  const g = tf.random.normal([2, 4, 5, 2], 0, 1, { dtype: "float64", seed: 5 });
  checkGradients((t) => tf.image.cropImages(t, { topCropping: 1, bottomCropping: 1, leftCropping: 2, targetWidth: 2 }), [g]);
  checkGradients((t) => tf.image.padImages(t, { topPadding: 1, targetHeight: 6, leftPadding: 0, rightPadding: 2, dataFormat: "channels_first" }), [g]);
});

test("image.extractPatches matches Keras 3.5 (strides, dilation, same padding, channels_first single image)", () => {
  const images = t64(fx.patches.images);
  const single = tf.transpose(tf.reshape(tf.slice(images, [1, 0, 0, 0], [1, -1, -1, -1]), images.shape.slice(1)), [2, 0, 1]);
  for (const c of fx.patches.cases) {
    const { size, ...rest } = camel(c.kwargs);
    const opts = rest as tf.image.ExtractPatchesOptions;
    close(tf.image.extractPatches(images, size as number, opts), c.out, `patches ${JSON.stringify(c.kwargs)}`);
    close(tf.image.extractPatches(single, size as number, { ...opts, dataFormat: "channels_first" }), c.single_cf, `patches ${JSON.stringify(c.kwargs)} single channels_first`);
  }
});

test("image.extractPatches: hand layout, errors, gradient", () => {
  // A 3x4 one-channel image, 2x2 patches, strides 1x2: [patchRow, patchCol] order in the last axis.
  const x = tf.reshape(tf.range(12, undefined, 1, "float32"), [3, 4, 1]);
  const p = tf.image.extractPatches(x, 2, { strides: [1, 2] });
  assert.deepEqual(p.shape, [2, 2, 4]);
  assert.deepEqual(Array.from(p.dataSync() as Float32Array), [0, 1, 4, 5, 2, 3, 6, 7, 4, 5, 8, 9, 6, 7, 10, 11]);
  const ints = tf.image.extractPatches(tf.reshape(tf.range(12, undefined, 1, "int32"), [1, 3, 4, 1]), [3, 1], { strides: [1, 3] });
  assert.equal(ints.dtype, "int32");
  assert.deepEqual(Array.from(ints.dataSync() as Int32Array), [0, 4, 8, 3, 7, 11]);
  assert.throws(() => tf.image.extractPatches(x, [4, 2]), /a patch spans 4 rows \(size 4, dilation 1\) but the image has 3; use padding "same"/);
  assert.throws(() => tf.image.extractPatches(x, [2, 2], { padding: "full" as never }), /padding must be "valid" or "same"/);
  assert.throws(() => tf.image.extractPatches(x, [2, 0]), /size must be a positive integer or two of them/);
  assert.throws(() => tf.image.extractPatches(x, 2, { dilation_rate: 2 } as never), /lamina spells Keras' dilation_rate as dilationRate/);
  const g = tf.random.normal([1, 5, 6, 2], 0, 1, { dtype: "float64", seed: 9 });
  checkGradients((t) => tf.image.extractPatches(t, [2, 3], { strides: 1, dilationRate: [2, 1], padding: "same" }), [g]);
});

test("image.affineTransform matches Keras 3.5 (every fill mode incl. mirror, both interpolations, per-image rows, channels_first)", () => {
  const images = t64(fx.affine.images);
  const first = tf.transpose(tf.reshape(tf.slice(images, [0, 0, 0, 0], [1, -1, -1, -1]), images.shape.slice(1)), [2, 0, 1]);
  for (const c of fx.affine.cases) {
    const opts = { fillMode: c.fill_mode, interpolation: c.interpolation, fillValue: c.fill_value };
    const t = tf.constant(c.transform.flat(), Array.isArray(c.transform[0]) ? [c.transform.length, 8] : [8], "float64");
    const what = `${c.name}/${c.fill_mode}/${c.interpolation}`;
    close(tf.image.affineTransform(images, t, opts), c.out, what, 1e-9);
    const row = t.rank === 2 ? tf.reshape(tf.slice(t, [0, 0], [1, 8]), [8]) : t;
    close(tf.image.affineTransform(first, row, { ...opts, dataFormat: "channels_first" }), c.single_cf, `${what} single channels_first`, 1e-9);
  }
});

test("image.affineTransform: errors name affineTransform; differentiable in the images for every fill mode", () => {
  const x = tf.random.normal([2, 4, 5, 2], 0, 1, { dtype: "float64", seed: 4 });
  const t = tf.constant([[0.9, 0.2, 0.37, -0.15, 1.1, -0.61, 0, 0], [1, 0, 1.3, 0, 1, -0.7, 0, 0]], [2, 8], "float64");
  for (const fillMode of ["constant", "nearest", "wrap", "mirror", "reflect"] as const) {
    checkGradients((im) => tf.image.affineTransform(im, t, { fillMode, fillValue: 0.5 }), [x]);
  }
  checkGradients((im) => tf.image.affineTransform(im, t, { fillMode: "mirror", interpolation: "nearest", dataFormat: "channels_first" }), [tf.transpose(x, [0, 3, 1, 2])]);
  assert.throws(() => tf.image.affineTransform(x, tf.ones([3, 8])), /image.affineTransform: transforms must be numbers of shape \[8\], \[1, 8\] or \[2, 8\]/);
  assert.throws(() => tf.image.affineTransform(x, tf.ones([3, 8]), { fillMode: "mirror" }), /image.affineTransform: transforms must be numbers of shape/);
  assert.throws(() => tf.image.affineTransform(x, tf.ones([8]), { fillMode: "grid-wrap" as never }), /image.affineTransform: fillMode "grid-wrap" is not supported; use "constant", "nearest", "wrap", "mirror" or "reflect"/);
  assert.throws(() => tf.image.affineTransform(x, tf.ones([8]), { interpolation: "bicubic" as never }), /image.affineTransform: interpolation "bicubic" is not supported/);
  assert.throws(() => tf.image.affineTransform(tf.ones([4, 5]), tf.ones([8])), /image.affineTransform: images must be a single image/);
});

test("image.mapCoordinates matches Keras 3.5 (1-D, 2-D, 3-D inputs; orders 0 and 1; every fill mode; integer inputs)", () => {
  for (const c of fx.map_coordinates) {
    const intCase = c.name === "int";
    const input = intCase ? tf.constant(c.input.data, c.input.shape, "int32") : t64(c.input);
    const coords = intCase ? tf.constant(c.coordinates.data, c.coordinates.shape, "int32") : t64(c.coordinates);
    const out = tf.image.mapCoordinates(input, coords, c.order, { fillMode: c.fill_mode, fillValue: c.fill_value });
    assert.equal(out.dtype, input.dtype);
    close(out, c.out, `${c.name} order ${c.order} ${c.fill_mode}`, 1e-12);
  }
});

test("image.mapCoordinates: hand values, array-of-tensors coordinates, errors, gradients", () => {
  const x = tf.constant([1, 2, 3, 4], [4], "float32");
  const at = (pos: number[], fillMode: tf.image.MapFillMode, order: 0 | 1 = 0): number[] =>
    Array.from(tf.image.mapCoordinates(x, [tf.constant(pos, [pos.length], "float32")], order, { fillMode, fillValue: 9 }).dataSync() as Float32Array);
  const pos = [-3, -2, -1, 4, 5, 6];
  assert.deepEqual(at(pos, "constant"), [9, 9, 9, 9, 9, 9]);
  assert.deepEqual(at(pos, "nearest"), [1, 1, 1, 4, 4, 4]);
  assert.deepEqual(at(pos, "wrap"), [2, 3, 4, 1, 2, 3]);
  assert.deepEqual(at(pos, "mirror"), [4, 3, 2, 3, 2, 1]);
  assert.deepEqual(at(pos, "reflect"), [3, 2, 1, 4, 3, 2]);
  // Halves round to even as torch.round; linear between neighbours, each outside neighbour read as the fill.
  assert.deepEqual(at([0.5, 1.5, 2.5], "nearest"), [1, 3, 3]);
  assert.deepEqual(at([0.25, -0.5, 3.5], "constant", 1), [1.25, 0.5 * 9 + 0.5 * 1, 0.5 * 4 + 0.5 * 9]);
  assert.throws(() => tf.image.mapCoordinates(x, tf.ones([2, 3]), 1), /coordinates must be \[1, \.\.\.points\], one row of positions per axis of inputs \(4,\), got shape \(2, 3\)/);
  assert.throws(() => tf.image.mapCoordinates(x, tf.ones([1, 3]), 3 as never), /order must be 0 \(nearest\) or 1 \(linear\), got 3/);
  assert.throws(() => tf.image.mapCoordinates(x, tf.ones([1, 3]), 1, { fillMode: "grid-constant" as never }), /fillMode "grid-constant" is not supported/);
  assert.throws(() => tf.image.mapCoordinates(x, tf.constant([NaN], [1, 1]), 1), /coordinates must be finite, got NaN/);
  assert.throws(() => tf.image.mapCoordinates(x, tf.ones([1, 3]), 1, { fill_value: 2 } as never), /lamina spells Keras' fill_value as fillValue/);
  const input = tf.random.normal([3, 4, 2], 0, 1, { dtype: "float64", seed: 2 });
  const coords = tf.constant([
    [0.3, -1.2, 2.7, 1.1, 3.6], [0.4, 2.2, 4.3, -0.6, 1.5], [0.2, 1.7, 0.9, -0.3, 1.4],
  ], [3, 5], "float64");
  for (const fillMode of ["constant", "nearest", "wrap", "mirror", "reflect"] as const) {
    checkGradients((t) => tf.image.mapCoordinates(t, coords, 1, { fillMode, fillValue: 0.5 }), [input]);
    checkGradients((t) => tf.image.mapCoordinates(t, coords, 0, { fillMode }), [input]);
    // Order 1 is also differentiable in the coordinates (away from whole numbers), as in torch.
    checkGradients((c) => tf.image.mapCoordinates(input, c, 1, { fillMode, fillValue: 0.5 }), [coords]);
  }
});

for (const name of ["js", "native"]) {
  testOnBackend(name, `image.extractPatches, cropImages and affineTransform agree with Keras on the ${name} backend (float32)`, () => {
    const images = tf.cast(t64(fx.affine.images), "float32");
    for (const c of fx.affine.cases.filter((k) => k.name === "rotate")) {
      const t = tf.constant(c.transform.flat(), [8], "float32");
      close(tf.image.affineTransform(images, t, { fillMode: c.fill_mode, interpolation: c.interpolation, fillValue: c.fill_value }), c.out, `${c.fill_mode}/${c.interpolation}`, 2e-5);
    }
    const c = fx.patches.cases[2];
    const { size, ...rest } = camel(c.kwargs);
    close(tf.image.extractPatches(tf.cast(t64(fx.patches.images), "float32"), size as number, rest), c.out, "patches float32", 1e-6);
  });
}
