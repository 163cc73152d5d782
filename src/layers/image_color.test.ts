import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { vals, train, infer } from "../testing/image_layers.js";
import { assertAllClose } from "../testing/close.js";
import { scripted } from "../testing/forced_draws.js";
import { RandomHue } from "./image_color.js";

/*
 * Reference values: numpy (/usr/bin/python3) computing Keras 3.15.1's formulas for RandomGrayscale,
 * RandomColorDegeneration, RandomSaturation and RandomHue (keras/src/layers/preprocessing/
 * image_preprocessing/*.py and the numpy backend's rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb):
 *
 * # --- common.py ---
 * import numpy as np, json
 * f32 = np.float32
 * def img(n=2, h=3, w=4, c=3):
 *     return ((np.arange(n * h * w * c) * 53 + 7) % 256).astype(f32).reshape(n, h, w, c)
 * def out(name, a):
 *     print(name, json.dumps([float(f"{v:.7g}") for v in np.asarray(a, np.float64).ravel()]))
 * def to_range(x, a, b):  # Keras' _transform_value_range, float32
 *     if tuple(a) == tuple(b): return x
 *     return ((x - f32(a[0])) / f32(a[1] - a[0])) * f32(b[1] - b[0]) + f32(b[0])
 * # --- color.py ---
 * from common import *
 * x = img(); x01 = x / f32(255)
 * # rgb_to_grayscale as Keras' numpy backend: tensordot with float32 weights, one channel
 * gray = np.tensordot(x, np.array([0.2989, 0.5870, 0.1140], f32), axes=(-1, -1))[..., None].astype(f32)
 * out("gray", np.broadcast_to(gray, x.shape))
 * # RandomColorDegeneration, factor (0.5, 0.5): x + f (gray - x), clipped to value_range
 * out("degen", np.clip(x + f32(0.5) * (gray - x), 0, 255))
 * # rgb_to_hsv / hsv_to_rgb as Keras' numpy backend (dm_pix), float32
 * def rgb_to_hsv(im):
 *     im = np.where(np.abs(im) < np.finfo(f32).eps, f32(0), im).astype(f32)
 *     r, g, b = im[..., 0], im[..., 1], im[..., 2]
 *     v = np.maximum(np.maximum(r, g), b); rng = v - np.minimum(np.minimum(r, g), b)
 *     s = np.where(v > 0, rng / np.where(v > 0, v, f32(1)), f32(0))
 *     norm = f32(1) / (f32(6) * np.where(rng > 0, rng, f32(1)))
 *     h = np.where(v == g, norm * (b - r) + f32(2 / 6), norm * (r - g) + f32(4 / 6))
 *     h = np.where(v == r, norm * (g - b), h)
 *     h = np.where(rng > 0, h, f32(0)) + (h < 0).astype(f32)
 *     return np.stack([h, s, v], -1).astype(f32)
 * def hsv_to_rgb(im):
 *     h, s, v = im[..., 0], im[..., 1], im[..., 2]
 *     dh = np.mod(h, f32(1)) * f32(6)
 *     d = [np.clip(np.abs(dh - f32(3)) - f32(1), 0, 1), np.clip(f32(2) - np.abs(dh - f32(2)), 0, 1), np.clip(f32(2) - np.abs(dh - f32(4)), 0, 1)]
 *     return np.stack([v * ((f32(1) - s) + s * di) for di in d], -1).astype(f32)
 * # RandomSaturation, factor (f, f): s * f / (1 - f + 1e-7), clipped to value_range (not to [0, 1])
 * def saturation(x, f, vr):
 *     ratio = np.full((x.shape[0], 1, 1), f, f32); ratio = ratio / (f32(1) - ratio + f32(1e-7))
 *     hsv = rgb_to_hsv(x)
 *     return hsv_to_rgb(np.stack([hsv[..., 0], np.clip(hsv[..., 1] * ratio, vr[0], vr[1]), hsv[..., 2]], -1))
 * out("sat03_01", saturation(x01, 0.3, (0, 1)))
 * out("sat08_01", saturation(x01, 0.8, (0, 1)))
 * out("sat08_255", saturation(x, 0.8, (0, 255)))
 * # RandomHue with sign draws (0.2 -> +1, 0.7 -> -1) and factor 0.4: deltas +0.2, -0.2
 * def hue(x, deltas, vr):
 *     hsv = rgb_to_hsv(to_range(x, vr, (0, 1)))
 *     h = hsv[..., 0] + np.array(deltas, f32).reshape(-1, 1, 1)
 *     h = np.where(h > 1, h - f32(1), h); h = np.where(h < 0, h + f32(1), h)
 *     return to_range(np.clip(hsv_to_rgb(np.stack([h, hsv[..., 1], hsv[..., 2]], -1)), 0, 1), (0, 1), vr)
 * out("hue", hue(x, [f32(0.4) * f32(0.5), -f32(0.4) * f32(0.5)], (0, 255)))
 */

const { layers } = tf;
/** The test image, as common.py's img(): [2, 3, 4, 3] with values (53 i + 7) mod 256. */
const img = (): tf.Tensor => tf.constant(Array.from({ length: 72 }, (_, i) => (i * 53 + 7) % 256), [2, 3, 4, 3], "float32");

test("RandomGrayscale: factor 1 turns every image into its luma in every channel, 0 none; per-image draws; 1-channel images unchanged", () => {
  const x = img();
  assertAllClose(train(layers.RandomGrayscale(1), x), [
    50.1943, 50.1943, 50.1943, 179.9944, 179.9944, 179.9944, 112.1881, 112.1881, 112.1881, 91.7162, 91.7162, 91.7162, 174.1819,
    174.1819, 174.1819, 77.1916, 77.1916, 77.1916, 206.9917, 206.9917, 206.9917, 139.1854, 139.1854, 139.1854, 118.7135, 118.7135,
    118.7135, 171.9952, 171.9952, 171.9952, 104.1889, 104.1889, 104.1889, 83.71701, 83.71701, 83.71701, 166.1827, 166.1827, 166.1827,
    69.1924, 69.1924, 69.1924, 198.9925, 198.9925, 198.9925, 131.1862, 131.1862, 131.1862, 110.7143, 110.7143, 110.7143, 163.996,
    163.996, 163.996, 96.1897, 96.1897, 96.1897, 75.7178, 75.7178, 75.7178, 158.1835, 158.1835, 158.1835, 61.1932, 61.1932, 61.1932,
    190.9933, 190.9933, 190.9933, 123.187, 123.187, 123.187
  ], { rtol: 1e-6, atol: 1e-4 });
  assert.deepEqual(vals(train(layers.RandomGrayscale(0), x)), vals(x));
  assert.deepEqual(vals(infer(layers.RandomGrayscale(1), x)), vals(x), "inference is the identity");
  const one = tf.random.uniform([2, 3, 3, 1], 0, 255, { seed: 3 });
  assert.deepEqual(vals(train(layers.RandomGrayscale(1), one)), vals(one));
  // Half the images of a large batch turn gray, each on its own draw.
  const many = tf.random.uniform([200, 1, 1, 3], 0, 255, { seed: 4 });
  const y = vals(train(layers.RandomGrayscale({ seed: 7 }), many));
  const grayCount = Array.from({ length: 200 }, (_, i) => y[3 * i] === y[3 * i + 1] && y[3 * i + 1] === y[3 * i + 2]).filter(Boolean).length;
  assert.ok(grayCount > 70 && grayCount < 130, `${grayCount} of 200 images gray with factor 0.5`);
});

test("RandomGrayscale: default factor 0.5, checks and errors", () => {
  assert.equal(layers.RandomGrayscale().factor, 0.5);
  assert.throws(() => layers.RandomGrayscale(1.5), /RandomGrayscale random_grayscale(_\d+)?: factor must be a number between 0 and 1 \(the probability of turning an image gray\), got 1\.5; e\.g\. layers\.RandomGrayscale\(0\.2\)/);
  assert.throws(() => layers.RandomGrayscale([0.1, 0.2] as unknown as number), /factor must be a number between 0 and 1/);
  assert.throws(() => train(layers.RandomGrayscale(1), tf.zeros([1, 2, 2, 4])), /RandomGrayscale random_grayscale(_\d+)?: expects images with 1 or 3 channels \(RGB, or grayscale\), got 4/);
});

test("RandomColorDegeneration: x + f (gray - x) clipped to valueRange; a number f draws from [-f, f] as Keras' code does", () => {
  const x = img();
  assertAllClose(train(layers.RandomColorDegeneration([0.5, 0.5]), x), [
    28.59715, 55.09715, 81.59715, 172.9972, 199.4972, 97.99721, 90.59405, 117.094, 143.5941, 159.8581, 58.3581, 84.8581, 152.591,
    179.091, 205.591, 55.5958, 82.0958, 108.5958, 199.9958, 226.4958, 124.9958, 117.5927, 144.0927, 170.5927, 186.8568, 85.35675,
    111.8568, 164.9976, 191.4976, 89.9976, 82.59445, 109.0945, 135.5945, 151.8585, 50.35851, 76.85851, 144.5914, 171.0914, 197.5914,
    47.5962, 74.0962, 100.5962, 191.9962, 218.4962, 116.9963, 109.5931, 136.0931, 162.5931, 178.8571, 77.35715, 103.8571, 156.998,
    183.498, 81.998, 74.59485, 101.0948, 127.5948, 143.8589, 42.3589, 68.8589, 136.5918, 163.0918, 189.5918, 39.5966, 66.0966,
    92.5966, 183.9966, 210.4966, 108.9967, 101.5935, 128.0935, 154.5935
  ], { rtol: 1e-6, atol: 1e-4 });
  assert.deepEqual(vals(train(layers.RandomColorDegeneration([0, 0]), x)), vals(x));
  assert.deepEqual(vals(infer(layers.RandomColorDegeneration(0.5), x)), vals(x));
  assert.deepEqual(layers.RandomColorDegeneration(0.3).factor, [-0.3, 0.3]);
  const y = vals(train(layers.RandomColorDegeneration(1, { seed: 2 }), x));
  assert.ok(y.every((v) => v >= 0 && v <= 255), "clipped to [0, 255]");
  assert.throws(() => layers.RandomColorDegeneration(1.5), /RandomColorDegeneration random_color_degeneration(_\d+)?: factor must be a number in \[-1, 1\] or a pair \[lower, upper\] within it, got 1\.5/);
  assert.throws(() => new tf.layers.classes.RandomColorDegeneration({}), /factor is required \(Keras has no default\)/);
});

test("RandomSaturation: the HSV saturation times f / (1 - f + 1e-7), clipped to valueRange (Keras 3.15.1), back to RGB", () => {
  const x = img(), x01 = tf.div(x, 255);
  assertAllClose(train(layers.RandomSaturation([0.3, 0.3], { valueRange: [0, 1] }), x01), [
    0.264986, 0.3540616, 0.4431373, 0.7697479, 0.8588235, 0.5176471, 0.5081233, 0.5971988, 0.6862745, 0.8941177, 0.5529412,
    0.6420168, 0.7512606, 0.8403361, 0.9294118, 0.3708684, 0.459944, 0.5490196, 0.8756303, 0.9647059, 0.6235294, 0.6140056,
    0.7030812, 0.7921569, 1, 0.6588236, 0.7478992, 0.7383754, 0.827451, 0.4862746, 0.4767507, 0.5658263, 0.654902, 0.8627451,
    0.5215687, 0.6106442, 0.719888, 0.8089636, 0.8980392, 0.3394958, 0.4285714, 0.5176471, 0.8442577, 0.9333333, 0.5921569,
    0.5826331, 0.6717086, 0.7607843, 0.9686275, 0.627451, 0.7165266, 0.7070028, 0.7960784, 0.454902, 0.4453782, 0.5344537, 0.6235294,
    0.8313726, 0.4901961, 0.5792717, 0.6885154, 0.777591, 0.8666667, 0.3081233, 0.3971989, 0.4862745, 0.8128851, 0.9019608,
    0.5607843, 0.5512606, 0.6403362, 0.7294118
  ], { rtol: 1e-5, atol: 1e-6 });
  assertAllClose(train(layers.RandomSaturation([0.8, 0.8], { valueRange: [0, 1] }), x01), [
    0, 0.2215685, 0.4431373, 0.6345986, 0.8588235, 0, 0, 0.3431371, 0.6862745, 0.8941177, 0, 0.2334395, 0, 0.4647057, 0.9294118, 0,
    0.2745097, 0.5490196, 0.7128367, 0.9647059, 0, 0, 0.3960783, 0.7921569, 1, 0, 0.2610836, 0.6114169, 0.827451, 0, 0, 0.3274508,
    0.654902, 0.8627451, 0, 0.2252486, 0, 0.4490194, 0.8980392, 0, 0.2588234, 0.5176471, 0.6896551, 0.9333333, 0, 0, 0.380392,
    0.7607843, 0.9686275, 0, 0.2528927, 0.5882352, 0.7960784, 0, 0, 0.3117646, 0.6235294, 0.8313726, 0, 0.2170577, 0, 0.4333331,
    0.8666667, 0, 0.2431371, 0.4862745, 0.6664734, 0.9019608, 0, 0, 0.3647057, 0.7294118
  ], { rtol: 1e-5, atol: 1e-6 });
  // With [0, 255] Keras clips the saturation to [0, 255], so a ratio of 4 gives saturations above 1.
  assertAllClose(train(layers.RandomSaturation([0.8, 0.8]), x), [
    -310.9998, -99.00001, 113, 7.000026, 219, -592.9997, -248.9998, -37.00001, 175, 228, -583.9997, -371.9999, -186.9998, 24.99999,
    237, -283.9998, -72.00002, 140, 34.00003, 246, -565.9996, -221.9998, -10.00001, 202, 255, -556.9996, -344.9998, -0.999989, 211,
    -600.9996, -256.9998, -45.00001, 167, 220, -591.9997, -379.9999, -194.9998, 16.99998, 229, -291.9998, -80, 132, 26.00004, 238,
    -573.9996, -229.9998, -17.99999, 194, 247, -564.9996, -352.9998, -8.999983, 203, -608.9996, -264.9998, -53.00001, 159, 212,
    -599.9996, -387.9999, -202.9998, 8.999987, 221, -299.9998, -88.00002, 124, 18.00001, 230, -581.9997, -237.9998, -26.00002, 186
  ], { rtol: 1e-5, atol: 1e-3 });
  assertAllClose(train(layers.RandomSaturation([0.5, 0.5], { valueRange: [0, 1] }), x01), x01, { atol: 1e-6 });
  const gray = vals(train(layers.RandomSaturation([0, 0], { valueRange: [0, 1] }), x01));
  for (let i = 0; i < gray.length; i += 3) assert.ok(gray[i] === gray[i + 1] && gray[i + 1] === gray[i + 2], "factor 0: gray");
  assert.deepEqual(vals(infer(layers.RandomSaturation(0.5), x)), vals(x));
  assert.deepEqual(layers.RandomSaturation(0.2).factor, [-0.2, 0.2]);
  assert.throws(() => train(layers.RandomSaturation(0.2), tf.zeros([2, 2, 1])), /RandomSaturation random_saturation(_\d+)?: expects images with 3 channels \(RGB\), got 1/);
  assert.throws(() => layers.RandomSaturation(0.2, { valueRange: [0, 1, 2] as unknown as [number, number] }), /valueRange must be a pair \[low, high\] of numbers \(the images' pixel range\), got \[0,1,2\]; e\.g\. \[0, 255\] or \[0, 1\]/);
});

test("RandomHue: hue shifted by sign * f / 2 per image (signs drawn first), wrapped, on the image scaled to [0, 1]", () => {
  const x = img();
  const hue = scripted(new RandomHue({ factor: 0.4 }), [0.2, 0.7, 0.4, 0.4]);
  assertAllClose(train(hue, x), [
    81.20004, 6.999996, 113, 16, 219, 109.6, 143.2, 69, 175, 228, 215.6, 25, 205.2, 131, 237, 108.2, 33.99999, 140, 43, 246, 136.6,
    170.2, 95.99999, 202, 255, 242.6, 52, 8, 211, 101.6, 135.2, 61, 167, 220, 207.6, 17, 123, 229, 154.8, 26, 132, 57.80003, 238,
    47.4, 34.99999, 88.00001, 194, 119.8, 153.4001, 44, 247, 203, 12.40001, 0, 53, 159, 84.80002, 118.4001, 8.999996, 212, 115, 221,
    146.8, 18, 124, 49.80002, 230, 39.40001, 27, 80, 186, 111.8
  ], { rtol: 1e-5, atol: 1e-3 });
  assert.deepEqual(hue.draws, [[2, 0, 1], [2, 0, 0.4]], "signs, then factors from [0, f], one per image");
  assert.deepEqual(vals(infer(hue, x)), vals(x));
  assert.equal(hue.draws.length, 2, "inference draws nothing");
  // A hue shift keeps each pixel's value (max) and saturation; the output stays in valueRange.
  const y = train(layers.RandomHue([0.3, 0.9], { valueRange: [0, 1], seed: 5 }), tf.div(x, 255));
  assertAllClose(tf.max(y, -1), tf.max(tf.div(x, 255), -1), { atol: 1e-6 });
  assert.ok(vals(y).every((v) => v >= 0 && v <= 1));
  assert.deepEqual(layers.RandomHue(0.2).factor, [0, 0.2]);
  assert.throws(() => layers.RandomHue(-0.2), /RandomHue random_hue(_\d+)?: factor must be a number in \[0, 1\] or a pair \[lower, upper\] within it, got -0\.2; e\.g\. layers\.RandomHue\(0\.2\)/);
});
