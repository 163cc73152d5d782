// The keras.ops.image functions Keras 3.11-3.15 added (gaussianBlur, sobelEdges, ssim,
// perspectiveTransform, elasticTransform, extractPatches3d, scaleAndTranslate) against numpy,
// scipy and torch values of Keras 3.15.1's formulas (test/fixtures/image_ops315.json, written by
// test/fixtures/make_image_ops315.py), finite differences and a functional model's .keras round trip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { elasticDisplace } from "./image_warp.js";

type Nested = number[] | Nested[];
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/image_ops315.json", import.meta.url), "utf8")) as Record<string, Nested>;
const t32 = (key: string): tf.Tensor => tf.constant(fx[key] as number[], undefined, "float32");
const t64 = (key: string): tf.Tensor => tf.constant(fx[key] as number[], undefined, "float64");
const close = (got: tf.Tensor, key: string, atol = 1e-5): void => assertAllClose(got, fx[key], { rtol: 0, atol, what: key });
const nchw = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [0, 3, 1, 2]);
const nhwc = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [0, 2, 3, 1]);

test("image.gaussianBlur matches Keras' numpy backend: [x, y] sizes and sigmas, even sizes, channels_first, single images", () => {
  close(tf.image.gaussianBlur(t32("img"), { kernelSize: [3, 5], sigma: [0.8, 1.3] }), "blur_k3x5_s08_13");
  close(tf.image.gaussianBlur(t64("img"), { kernelSize: 4, sigma: 1 }), "blur_k4_s1", 1e-12);
  close(nhwc(tf.image.gaussianBlur(nchw(t32("img")), { kernelSize: [3, 5], sigma: [0.8, 1.3], dataFormat: "channels_first" })), "blur_k3x5_s08_13");
  const single = tf.image.gaussianBlur(tf.slice(t32("img"), [0, 0, 0, 0], [1, -1, -1, -1]).reshape([7, 6, 2]), { kernelSize: [3, 5], sigma: [0.8, 1.3] });
  assert.deepEqual(single.shape, [7, 6, 2]);
  assertAllClose(single, tf.slice(t32("blur_k3x5_s08_13"), [0, 0, 0, 0], [1, -1, -1, -1]).reshape([7, 6, 2]), { atol: 1e-6 });
  // Defaults: a 3 x 3 kernel of sigma 1.
  assertAllClose(tf.image.gaussianBlur(t32("img")), tf.image.gaussianBlur(t32("img"), { kernelSize: [3, 3], sigma: [1, 1] }), { atol: 0 });
  assert.equal(tf.image.gaussianBlur(tf.constant([1, 2, 3, 4], [2, 2, 1], "int32")).dtype, "float32");
  assert.throws(() => tf.image.gaussianBlur(t32("img"), { sigma: 0 }), /image\.gaussianBlur: sigma must be a positive number or a pair \[x, y\] of them, got 0/);
  assert.throws(() => tf.image.gaussianBlur(t32("img"), { kernelSize: [3, 2.5] }), /kernelSize must be a positive integer/);
  assert.throws(() => tf.image.gaussianBlur(tf.zeros([4, 4])), /image\.gaussianBlur: images must be a single image \[height, width, channels\]/);
  checkGradients((x) => tf.image.gaussianBlur(x, { kernelSize: [3, 2], sigma: [0.7, 1.1] }), [tf.slice(t64("img"), [0, 0, 0, 0], [1, 4, 3, 2])]);
});

test("image.sobelEdges matches torch's zero-padded Sobel responses [dy, dx], channels_last and channels_first", () => {
  const edges = tf.image.sobelEdges(t32("img"));
  assert.deepEqual(edges.shape, [2, 7, 6, 2, 2]);
  close(edges, "sobel");
  const cf = tf.image.sobelEdges(nchw(t32("img")), { dataFormat: "channels_first" });
  assert.deepEqual(cf.shape, [2, 2, 7, 6, 2]);
  assertAllClose(tf.transpose(cf, [0, 2, 3, 1, 4]), fx.sobel, { atol: 1e-5 });
  // A vertical step edge: dx is 4 times the step next to it, dy is 0 inside the image.
  const step = tf.concat([tf.zeros([1, 5, 2, 1]), tf.ones([1, 5, 3, 1])], 2);
  const e = tf.image.sobelEdges(step).dataSync();
  assert.equal(e[((2 * 5 + 1) * 1) * 2 + 1], 4);
  assert.equal(e[((2 * 5 + 1) * 1) * 2], 0);
  assert.throws(() => tf.image.sobelEdges(tf.zeros([4, 4, 1])), /image\.sobelEdges: images must be a batch \[batch, height, width, channels\].*got shape \(4, 4, 1\); add a batch axis/);
  checkGradients((x) => tf.image.sobelEdges(x), [tf.slice(t64("img"), [0, 0, 0, 0], [1, 3, 4, 2])]);
});

test("image.ssim matches Wang et al.'s windowed formula as Keras computes it, and is 1 for equal images", () => {
  close(tf.image.ssim(t32("img"), t32("img2"), { filterSize: 3 }), "ssim_f3");
  close(tf.image.ssim(t64("img"), t64("img2"), { maxVal: 2, filterSize: 5, filterSigma: 0.9, k1: 0.02, k2: 0.05 }), "ssim_f5_max2", 1e-12);
  close(tf.image.ssim(nchw(t32("img")), nchw(t32("img2")), { filterSize: 3, dataFormat: "channels_first" }), "ssim_f3");
  const one = tf.image.ssim(t32("img").slice([1, 0, 0, 0], [1, -1, -1, -1]).reshape([7, 6, 2]), t32("img").slice([1, 0, 0, 0], [1, -1, -1, -1]).reshape([7, 6, 2]), { filterSize: 5 });
  assert.deepEqual(one.shape, []);
  assert.ok(Math.abs(Number(one.dataSync()[0]) - 1) < 1e-6);
  assert.throws(() => tf.image.ssim(t32("img"), t32("img").slice([0, 0, 0, 0], [1, -1, -1, -1])), /image\.ssim: image1 \(2, 7, 6, 2\) and image2 \(1, 7, 6, 2\) must have the same shape/);
  assert.throws(() => tf.image.ssim(t32("img"), t32("img2")), /image\.ssim: the images' 7 x 6 pixels are smaller than the 11 x 11 filter; use a smaller filterSize/);
  assert.throws(() => tf.image.ssim(t32("img"), t32("img2"), { filterSize: 4 }), /filterSize must be a positive odd integer, got 4/);
  checkGradients((a) => tf.image.ssim(a, tf.slice(t64("img2"), [0, 0, 0, 0], [1, 4, 4, 1]), { filterSize: 3 }), [tf.slice(t64("img"), [0, 0, 0, 0], [1, 4, 4, 1])]);
});

test("image.perspectiveTransform matches the numpy backend's homography and map_coordinates sampling", () => {
  close(tf.image.perspectiveTransform(t32("img"), fx.starts as number[][][], fx.ends as number[][][]), "perspective_bilinear_fill0", 1e-4);
  const one = tf.image.perspectiveTransform(t32("img"), tf.constant((fx.starts as number[][][])[0]), tf.constant((fx.ends as number[][][])[0]), { interpolation: "nearest", fillValue: 2 });
  close(one, "perspective_nearest_fill2", 1e-4);
  const cf = tf.image.perspectiveTransform(nchw(t32("img")), fx.starts as number[][][], fx.ends as number[][][], { dataFormat: "channels_first" });
  assertAllClose(nhwc(cf), fx.perspective_bilinear_fill0, { atol: 1e-4 });
  // Equal start and end points leave the images as they are.
  const corners = [[0, 0], [5, 0], [0, 6], [5, 6]];
  assertAllClose(tf.image.perspectiveTransform(t32("img"), corners, corners), t32("img"), { atol: 1e-6 });
  assert.throws(() => tf.image.perspectiveTransform(t32("img"), [[0, 0], [1, 0], [0, 1]], corners), /startPoints must have shape \[4, 2\].*got \(3, 2\)/);
  assert.throws(() => tf.image.perspectiveTransform(t32("img"), [corners, corners, corners], [corners, corners, corners]), /3 point sets for 2 image\(s\)/);
  assert.throws(() => tf.image.perspectiveTransform(t32("img"), corners, [corners, corners]), /startPoints \(4, 2\) and endPoints \(2, 4, 2\) must have the same shape/);
});

test("the elastic displacement matches the numpy backend's blurred fields and map_coordinates for given normals", () => {
  const displace = (key: string, alpha: number, sigma: number, interpolation: "bilinear" | "nearest", fillMode: tf.image.MapFillMode): void =>
    close(elasticDisplace(t32("img"), t32("nx"), t32("ny"), { alpha, sigma, interpolation, fillMode, fillValue: 0 }), key, 1e-4);
  displace("elastic_a3_s07_reflect", 3, 0.7, "bilinear", "reflect");
  displace("elastic_a2_s05_constant_nearest", 2, 0.5, "nearest", "constant");
});

test("image.elasticTransform draws its two fields from one seeded generator and displaces every image", () => {
  const x = t32("img");
  const a = tf.image.elasticTransform(x, { alpha: 3, sigma: 0.7, seed: 7 });
  assert.deepEqual(a.shape, [2, 7, 6, 2]);
  assertAllClose(tf.image.elasticTransform(x, { alpha: 3, sigma: 0.7, seed: 7 }), a, { atol: 0 });
  const g = new tf.random.RandomGenerator(7);
  const field = (): tf.Tensor => tf.constant(Array.from({ length: 2 * 7 * 6 }, () => g.nextNormal()), [2, 7, 6, 1], "float32");
  const nx = field(), ny = field();
  assertAllClose(a, elasticDisplace(x, nx, ny, { alpha: 3, sigma: 0.7, interpolation: "bilinear", fillMode: "reflect", fillValue: 0 }), { atol: 1e-6 });
  // alpha 0 moves nothing; channels_first gives the channels_last result transposed.
  assertAllClose(tf.image.elasticTransform(x, { alpha: 0, seed: 1 }), x, { atol: 1e-6 });
  assertAllClose(nhwc(tf.image.elasticTransform(nchw(x), { alpha: 3, sigma: 0.7, seed: 7, dataFormat: "channels_first" })), a, { atol: 1e-6 });
  assert.throws(() => tf.image.elasticTransform(x, { fillMode: "edge" as tf.image.MapFillMode }), /image\.elasticTransform: fillMode "edge" is not supported/);
  assert.throws(() => tf.image.elasticTransform(x, { sigma: -1 }), /sigma must be >= 0/);
});

test("image.extractPatches3d matches explicit patch loops: strides, dilation, channels_first, single volumes", () => {
  const vol = t32("vol");
  close(tf.image.extractPatches3d(vol, 2), "patches3d_k2_s2", 1e-7);
  close(tf.image.extractPatches3d(vol, [2, 2, 3], { strides: [1, 2, 1], dilationRate: [2, 1, 1] }), "patches3d_k2_s1_d2", 1e-7);
  const cf = tf.image.extractPatches3d(tf.transpose(vol, [0, 4, 1, 2, 3]), 2, { dataFormat: "channels_first" });
  assertAllClose(tf.transpose(cf, [0, 2, 3, 4, 1]), fx.patches3d_k2_s2, { atol: 1e-7 });
  const single = tf.image.extractPatches3d(tf.slice(vol, [0, 0, 0, 0, 0], [1, -1, -1, -1, -1]).reshape([4, 5, 6, 2]), 2);
  assert.deepEqual(single.shape, [2, 2, 3, 16]);
  const same = tf.image.extractPatches3d(vol, 3, { padding: "same" });
  assert.deepEqual(same.shape, [2, 2, 2, 2, 54]);
  assert.throws(() => tf.image.extractPatches3d(vol, [2, 2] as unknown as [number, number, number]), /image\.extractPatches3d: size must be a positive integer or three of them \[depth, rows, cols\], got \[2,2\]/);
  assert.throws(() => tf.image.extractPatches3d(tf.zeros([4, 4, 4]), 2), /volumes must be a single volume/);
  checkGradients((v) => tf.image.extractPatches3d(v, [2, 1, 2], { strides: 1 }), [tf.slice(tf.cast(vol, "float64"), [0, 0, 0, 0, 0], [1, 3, 2, 3, 1])]);
});

test("image.scaleAndTranslate matches Keras' weight matrices (the docstring's example, cubic with translation, lanczos with and without antialiasing) and torch's antialiased bilinear", () => {
  close(tf.image.scaleAndTranslate(tf.range(0, 9, 1, "float32").reshape([3, 3]), [5, 5], [2, 2], [-0.5, -0.5], [0, 1], "linear"), "st_doc_linear", 1e-6);
  close(tf.image.scaleAndTranslate(t32("img"), [2, 9, 4, 2], tf.constant([1.3, 0.7]), tf.constant([0.4, -0.6]), [1, 2], "cubic"), "st_cubic_translate");
  close(tf.image.scaleAndTranslate(t32("img"), [2, 4, 4, 2], [4 / 7, 4 / 6], [0, 0], [1, 2], "lanczos3", { antialias: false }), "st_lanczos3_noaa");
  close(tf.image.scaleAndTranslate(t32("img"), [2, 3, 9, 2], [3 / 7, 1.5], [0, 0], [-3, -2], "lanczos5"), "st_lanczos5_aa");
  close(tf.image.scaleAndTranslate(t32("img"), [2, 3, 4, 2], [3 / 7, 4 / 6], [0, 0], [1, 2], "bilinear"), "st_linear_down_torch");
  // Integer images are resampled in float32, rounded and clipped to their own range.
  const ints = tf.image.scaleAndTranslate(tf.constant([0, 10, 20], [3], "int32"), [5], [5 / 3], [0], [0], "linear");
  assert.equal(ints.dtype, "int32");
  assert.deepEqual(Array.from(ints.dataSync() as Int32Array), [0, 4, 10, 16, 20]);
  assert.throws(() => tf.image.scaleAndTranslate(t32("img"), [2, 3, 4, 2], [1, 1], [0, 0], [1, 2], "area" as unknown as tf.image.ScaleAndTranslateMethod), /method "area" is not supported; use one of "linear"/);
  assert.throws(() => tf.image.scaleAndTranslate(t32("img"), [2, 3, 4, 3], [1, 1], [0, 0], [1, 2], "linear"), /axis 3 is not in spatialDims \[1,2\], so outputShape\[3\] must keep its size 2, got 3/);
  assert.throws(() => tf.image.scaleAndTranslate(t32("img"), [2, 3, 4, 2], [1], [0, 0], [1, 2], "linear"), /scale must hold 2 finite numbers/);
  checkGradients((x) => tf.image.scaleAndTranslate(x, [2, 3], [0.7, 1.2], [0.1, -0.2], [0, 1], "cubic"), [tf.constant([0.3, -0.2, 0.9, 0.4, 0.1, -0.5, 0.7, 0.2, -0.1], [3, 3], "float64")]);
});

test("a functional model using the new image ops records Keras' operations and round-trips through .keras", async () => {
  tf.layers.clearSession();
  const img = tf.layers.Input({ shape: [7, 6, 2], name: "img" });
  const img2 = tf.layers.Input({ shape: [7, 6, 2], name: "img2" });
  const vol = tf.layers.Input({ shape: [4, 5, 6, 2], name: "vol" });
  const outputs = [
    tf.image.gaussianBlur(img, { kernelSize: [3, 5], sigma: [0.8, 1.3] }), tf.image.sobelEdges(img), tf.image.ssim(img, img2, { filterSize: 3 }),
    tf.image.extractPatches3d(vol, 2), tf.image.perspectiveTransform(img, tf.constant([[0, 0], [5, 0], [0, 6], [5, 6]]), tf.constant([[0.5, 0.3], [4.6, -0.4], [0.2, 6.3], [5.4, 5.5]])),
    tf.image.scaleAndTranslate(img, [null, 9, 4, 2], tf.constant([1.3, 0.7]), tf.constant([0.4, -0.6]), [1, 2], "cubic"),
  ];
  const model = new tf.models.Model({ inputs: [img, img2, vol], outputs });
  const config = JSON.parse(model.toJSON()).config as { layers: { class_name: string; module: string; config: Record<string, unknown> }[] };
  const entry = (name: string) => config.layers.find((l) => l.class_name === name)!;
  assert.deepEqual(entry("GaussianBlur").config, { kernel_size: [3, 5], sigma: [0.8, 1.3], data_format: null });
  assert.equal(entry("SSIM").module, "keras.src.ops.image");
  assert.deepEqual(entry("ExtractPatches").config.size, [2, 2, 2]);
  const x = [t32("img"), t32("img2"), t32("vol")];
  const want = model.predict(x) as tf.Tensor[];
  close(want[0], "blur_k3x5_s08_13");
  close(want[1], "sobel");
  close(want[2], "ssim_f3");
  close(want[3], "patches3d_k2_s2", 1e-7);
  close(want[5], "st_cubic_translate");
  const dir = mkdtempSync(join(tmpdir(), "lamina-image315-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"));
    (back.predict(x) as tf.Tensor[]).forEach((got, i) => assertAllClose(got, want[i], { atol: 1e-6, what: `output ${i}` }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
