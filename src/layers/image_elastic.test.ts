import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { assertKerasConfigLoads, fitSaveLoad, vals, train, infer, nchw, numbered } from "../testing/image_layers.js";
import { forceDraws } from "../testing/forced_draws.js";
import { RandomElasticTransform } from "./image_elastic.js";

const { layers, models } = tf;

test("RandomElasticTransform: Keras' defaults and config keys; a Keras 3.15 config loads", () => {
  const e = new RandomElasticTransform();
  assert.deepEqual([e.factor, e.scale, e.interpolation, e.fillMode, e.fillValue, e.valueRange, e.dataFormat, e.seed], [[0, 1], [0, 1], "bilinear", "reflect", 0, [0, 255], "channels_last", null]);
  const c = layers.RandomElasticTransform(0.4, { scale: [0.2, 0.6], interpolation: "nearest", fillMode: "mirror", fillValue: 2, valueRange: [0, 1], seed: 1 }).getConfig();
  assert.deepEqual(Object.keys(c).sort(), ["data_format", "dtype", "factor", "fill_mode", "fill_value", "interpolation", "name", "scale", "seed", "trainable", "value_range"]);
  assert.deepEqual([c.factor, c.scale, c.interpolation, c.fill_mode, c.fill_value, c.value_range, c.seed], [[0, 0.4], [0.2, 0.6], "nearest", "mirror", 2, [0, 1], 1]);
  assert.deepEqual((RandomElasticTransform.fromConfig(c) as RandomElasticTransform).getConfig(), c);
  // As Keras 3.15's get_config writes it (tuples as lists).
  const own = { factor: [0.0, 1.0], scale: [0.0, 0.5], interpolation: "bilinear", fill_mode: "reflect", fill_value: 0.0, value_range: [0, 255], seed: null };
  assert.ok(assertKerasConfigLoads("RandomElasticTransform", own) instanceof RandomElasticTransform);
});

// Keras 3.15's RandomElasticTransform with the draws given, on 3 images [8, 12, c] holding v = 100 b + 10 y + x
// (and 200 - v as a second channel where c = 2): probabilities [0.9, 0.4, 0.7], thresholds [0.2, 0.8, 0.1]
// (images 0 and 2 distorted, 1 kept), strength d, then the standard normals 1.6 sin(1.7 i + 0.3), i < 2 * 3 * 8 * 12
// (the x field's [3, 8, 12], then the y field's). The numpy reference follows Keras' numpy backend: alpha =
// 12 * 0.1 d, sigma = 8 * 0.05 d (float32), kernel int(6 sigma) | 1; dx = gaussian_blur(normals * sigma)
// (np.outer of the normalized 1-D kernels exp(-t^2 / 2 sigma^2), zero padding, scipy.signal.convolve2d), dy the
// same; each channel is sampled at (y + alpha dy, x + alpha dx) by scipy.ndimage.map_coordinates (order 1 or 0)
// on the image padded as Keras' map_coordinates pads it for the fill mode; np.where(apply, out, images);
// np.clip to value_range [0, 250].
const PROBABILITIES = [0.9, 0.4, 0.7, 0.2, 0.8, 0.1];
const NORMALS = Array.from({ length: 2 * 3 * 8 * 12 }, (_, i) => 1.6 * Math.sin(1.7 * i + 0.3));

function numberedPairs(): tf.Tensor {
  const x = numbered(3, 8, 12);
  return tf.concat([x, tf.sub(200, x)], 3);
}

test("RandomElasticTransform with given draws equals Keras' elastic_transform (reflect, constant and mirror fills; bilinear and nearest)", () => {
  const reflect = new RandomElasticTransform({ valueRange: [0, 250] });
  const calls = forceDraws(reflect, { uniforms: [...PROBABILITIES, 0.9], normals: [...NORMALS] });
  const labels = tf.constant([1, 2, 3], [3], "int32");
  const out = reflect({ images: numberedPairs(), labels });
  assert.deepEqual(calls, ["uniform 3 [0, 1)", "uniform 3 [0, 1)", "uniform 1 [0, 1)", "normal 288", "normal 288"], "Keras' draws: probabilities, thresholds, the strength, the x and y fields");
  assert.equal(out.labels, labels);
  // d = 0.9: alpha 1.08, sigma 0.36, kernel 3.
  assertAllClose(out.images, [
    0.1918, 199.8082, 7.2086, 192.7914, 1.6879, 198.3121, 2.5673, 197.4327, 6.3751, 193.6249, 10.3826, 189.6174,
    5.493, 194.507, 6.8071, 193.1929, 12.8993, 187.1007, 12.1506, 187.8494, 9.4306, 190.5694, 11, 189,
    16.1632, 183.8368, 11.2267, 188.7733, 5.8167, 194.1833, 14.3667, 185.6333, 19.8311, 180.1689, 12.1307, 187.8693,
    10.9083, 189.0917, 21.1814, 178.8186, 22.0142, 177.9858, 13.7842, 186.2158, 17.3298, 182.6702, 26.3111, 173.6889,
    21.1817, 178.8183, 14.8001, 185.1999, 22.4488, 177.5512, 29.0842, 170.9158, 21.9833, 178.0167, 19.4354, 180.5645,
    29.4506, 170.5494, 31.6754, 168.3246, 23.3446, 176.6554, 25.5243, 174.4757, 35.551, 164.449, 33.1743, 166.8257,
    24.431, 175.569, 30.521, 169.479, 38.2015, 161.7985, 31.881, 168.119, 28.0868, 171.9132, 37.6428, 162.3572,
    41.2321, 158.7679, 33.0089, 166.9911, 33.7963, 166.2037, 44.0743, 155.9257, 42.8961, 157.1039, 35.209, 164.791,
    38.7273, 161.2726, 47.1804, 152.8196, 41.8036, 158.1964, 36.8702, 163.1298, 45.776, 154.224, 50.6721, 149.3279,
    42.7624, 157.2376, 42.1622, 157.8378, 52.4843, 147.5157, 52.6823, 147.3177, 44.5668, 155.4332, 48.5625, 151.4375,
    56.0697, 143.9303, 51.7306, 148.2694, 45.7905, 154.2095, 53.8695, 146.1304, 59.9855, 140.0145, 52.5881, 147.4119,
    50.6361, 149.3639, 60.7942, 139.2058, 62.3862, 137.6138, 54.0756, 145.9244, 56.8828, 143.1172, 66.1213, 133.8787,
    61.6327, 138.3673, 54.8493, 145.1507, 61.9437, 138.0563, 69.1652, 130.8348, 62.4676, 137.5324, 59.2297, 140.7703,
    69.0193, 130.9807, 71.9922, 128.0078, 63.6942, 136.3058, 65.1173, 134.8827, 75.3063, 124.6937, 73.6417, 126.3583,
    64.5939, 135.4061, 69.8902, 130.1098, 72.5261, 127.4739, 72.5119, 127.4881, 67.925, 132.075, 75.4018, 124.5982,
    76.3491, 123.6509, 73.5174, 126.4826, 73.3516, 126.6484, 79.5491, 120.4509, 80.0808, 119.9192, 75.4752, 124.5248,
    100, 100, 101, 99, 102, 98, 103, 97, 104, 96, 105, 95,
    106, 94, 107, 93, 108, 92, 109, 91, 110, 90, 111, 89,
    110, 90, 111, 89, 112, 88, 113, 87, 114, 86, 115, 85,
    116, 84, 117, 83, 118, 82, 119, 81, 120, 80, 121, 79,
    120, 80, 121, 79, 122, 78, 123, 77, 124, 76, 125, 75,
    126, 74, 127, 73, 128, 72, 129, 71, 130, 70, 131, 69,
    130, 70, 131, 69, 132, 68, 133, 67, 134, 66, 135, 65,
    136, 64, 137, 63, 138, 62, 139, 61, 140, 60, 141, 59,
    140, 60, 141, 59, 142, 58, 143, 57, 144, 56, 145, 55,
    146, 54, 147, 53, 148, 52, 149, 51, 150, 50, 151, 49,
    150, 50, 151, 49, 152, 48, 153, 47, 154, 46, 155, 45,
    156, 44, 157, 43, 158, 42, 159, 41, 160, 40, 161, 39,
    160, 40, 161, 39, 162, 38, 163, 37, 164, 36, 165, 35,
    166, 34, 167, 33, 168, 32, 169, 31, 170, 30, 171, 29,
    170, 30, 171, 29, 172, 28, 173, 27, 174, 26, 175, 25,
    176, 24, 177, 23, 178, 22, 179, 21, 180, 20, 181, 19,
    200.0094, 0, 206.8921, 0, 203.1817, 0, 202.4714, 0, 204.4151, 0, 211.0896, 0,
    205.603, 0, 206.6457, 0, 211.4218, 0, 213.6965, 0, 209.4528, 0, 210.9004, 0,
    215.5519, 0, 213.2001, 0, 205.9578, 0, 212.3569, 0, 220.2079, 0, 214.0434, 0,
    210.0386, 0, 219.4928, 0, 223.319, 0, 215.1365, 0, 215.6766, 0, 225.3546, 0,
    222.9351, 0, 215.2388, 0, 220.4438, 0, 229.1622, 0, 223.9683, 0, 218.846, 0,
    227.6176, 0, 232.7372, 0, 224.904, 0, 224.0606, 0, 234.3688, 0, 234.793, 0,
    225.1381, 0, 228.5654, 0, 237.9789, 0, 233.8939, 0, 227.7908, 0, 235.7062, 0,
    242.0272, 0, 234.7407, 0, 232.555, 0, 242.6624, 0, 244.5013, 0, 236.2468, 0,
    236.8929, 0, 246.6621, 0, 243.7995, 0, 236.8742, 0, 243.779, 0, 250, 0,
    244.6278, 0, 241.1709, 0, 250, 0, 250, 0, 245.8144, 0, 246.8794, 0,
    250, 0, 250, 0, 246.0944, 0, 250, 0, 250, 0, 250, 0,
    249.9169, 0, 250, 0, 250, 0, 250, 0, 250, 0, 250, 0,
    250, 0, 250, 0, 250, 0, 250, 0, 250, 0, 250, 0,
    250, 0, 250, 0, 250, 0, 250, 0, 250, 0, 250, 0,
    250, 0, 250, 0, 250, 0, 250, 0, 250, 0, 250, 0,
    250, 0, 250, 0, 250, 0, 250, 0, 250, 0, 250, 0,
  ], { atol: 2e-3 });
  // d = 0.7: alpha 0.84, sigma 0.28, kernel 1 (no smoothing); fill -5 is then clipped to 0.
  const constant = new RandomElasticTransform({ fillMode: "constant", fillValue: -5, valueRange: [0, 250] });
  forceDraws(constant, { uniforms: [...PROBABILITIES, 0.7], normals: [...NORMALS] });
  assertAllClose(train(constant, numbered(3, 8, 12)), [
    0, 5.0988, 1.6217, 0, 5.4879, 8.5962, 3.446, 3.4965, 11.181, 11.1543, 4.7103, 8.2135,
    14.0432, 11.1496, 7.9183, 13.9022, 17.8492, 13.1059, 12.6388, 19.7602, 20.6499, 15.5569, 18.2374, 13.5075,
    18.3602, 16.9073, 22.2963, 27.0163, 22.6687, 21.3267, 28.2778, 30.0863, 24.9269, 26.7056, 33.6644, 32.3501,
    14.8897, 30.6838, 36.0938, 32.2613, 30.0966, 36.7446, 39.4539, 34.3654, 35.225, 42.3497, 41.9118, 37.1577,
    39.0783, 45.0798, 41.8703, 38.9536, 45.1724, 48.7443, 43.8628, 43.8064, 50.9602, 51.4307, 46.4134, 48.0536,
    53.9748, 51.4823, 47.9009, 53.574, 57.9511, 53.4078, 52.4591, 59.5046, 60.8954, 55.7493, 57.9422, 38.3175,
    56.7451, 56.9398, 61.9628, 67.0698, 62.9884, 61.1909, 67.9931, 70.2955, 65.1577, 66.4369, 73.5028, 72.6604,
    39.8892, 70.3525, 43.3145, 72.5916, 70.0077, 65.9093, 48.6255, 74.6295, 74.9889, 55.8957, 61.7197, 77.2866,
    100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121,
    120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131,
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141,
    140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151,
    150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161,
    160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171,
    170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,
    160.4527, 204.8622, 202.8649, 125.1301, 204.1877, 209.0367, 185.2686, 133.0645, 210.1866, 212.1568, 152.9525, 160.8786,
    213.6143, 212.4523, 208.0114, 212.5755, 218.098, 214.3685, 212.0647, 218.6456, 221.5112, 216.4496, 217.146, 139.4125,
    222.0073, 217.1969, 220.9727, 227.0678, 223.979, 220.9376, 227.0678, 230.7872, 225.9563, 225.7394, 232.8839, 214.2149,
    139.923, 229.3929, 235.9468, 233.5901, 229.9012, 235.4662, 239.9787, 235.5086, 234.4056, 241.4177, 242.9714, 237.8166,
    228.1235, 244.7377, 243.1879, 238.9562, 243.8541, 249.0814, 245.0941, 243.1521, 249.8974, 250, 247.237, 248.353,
    250, 250, 248.1016, 250, 250, 250, 250, 250, 250, 250, 250, 166.4448,
    250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 242.942,
    166.0959, 250, 176.1578, 245.128, 250, 250, 171.1913, 250, 250, 227.4317, 193.7991, 250,
  ], { atol: 2e-3 });
  // d = 1: alpha 1.2, sigma 0.4, kernel 3.
  const mirror = new RandomElasticTransform({ fillMode: "mirror", interpolation: "nearest", valueRange: [0, 250] });
  forceDraws(mirror, { uniforms: [...PROBABILITIES, 1], normals: [...NORMALS] });
  assert.deepEqual(vals(train(mirror, numbered(3, 8, 12))), [
    0, 12, 2, 13, 4, 15, 5, 7, 9, 9, 19, 11,
    21, 11, 1, 13, 24, 14, 6, 18, 18, 8, 20, 30,
    20, 10, 22, 34, 24, 15, 27, 37, 27, 29, 41, 31,
    21, 31, 43, 33, 24, 35, 46, 36, 38, 50, 40, 30,
    40, 52, 42, 32, 44, 55, 45, 37, 49, 49, 39, 51,
    61, 51, 41, 53, 64, 55, 46, 58, 58, 58, 60, 70,
    60, 50, 62, 74, 64, 55, 67, 77, 67, 69, 81, 71,
    61, 71, 63, 73, 63, 75, 66, 76, 68, 80, 80, 70,
    100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121,
    120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131,
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141,
    140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151,
    150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161,
    160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171,
    170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,
    200, 212, 202, 212, 204, 216, 206, 217, 209, 209, 209, 211,
    221, 211, 201, 213, 225, 215, 206, 217, 228, 218, 220, 220,
    220, 210, 222, 234, 224, 214, 226, 237, 227, 219, 231, 231,
    221, 231, 243, 233, 223, 235, 246, 237, 228, 240, 240, 240,
    240, 250, 242, 232, 244, 250, 246, 237, 249, 250, 249, 250,
    250, 250, 241, 250, 250, 250, 245, 250, 250, 250, 250, 250,
    250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250,
    250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250,
  ]);
});

test("RandomElasticTransform: inference and zero factors are the identity; seeds repeat; single image vs batch; channels_first equals channels_last transposed; clipping", () => {
  const x = numberedPairs();
  assert.deepEqual(vals(infer(layers.RandomElasticTransform(1, { seed: 3 }), x)), vals(x));
  const over = tf.mul(x, 2);
  assert.deepEqual(vals(train(layers.RandomElasticTransform(0, { seed: 2 }), over)), vals(over), "factor 0: nothing drawn, nothing clipped (as Keras)");
  assert.deepEqual(vals(train(layers.RandomElasticTransform(1, { scale: 0, seed: 2 }), over)), vals(over), "scale 0: likewise");
  const kept = new RandomElasticTransform({ factor: [0, 0.5], valueRange: [0, 100] });
  forceDraws(kept, { uniforms: [0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.5], normals: [...NORMALS] });
  assert.deepEqual(vals(train(kept, x)), vals(tf.clipByValue(x, 0, 100)), "images left undistorted are still clipped to valueRange");
  const a = train(layers.RandomElasticTransform([1, 1], { seed: 5 }), x);
  assert.notDeepEqual(vals(a), vals(x));
  assert.deepEqual(vals(train(layers.RandomElasticTransform([1, 1], { seed: 5 }), x)), vals(a), "the same seed repeats the draws");
  assertAllClose(train(layers.RandomElasticTransform([1, 1], { seed: 5, dataFormat: "channels_first" }), nchw(x)), vals(nchw(a)), { atol: 1e-4 });
  const one = new RandomElasticTransform({ factor: [1, 1] });
  const normals = NORMALS.slice(0, 2 * 8 * 12);
  forceDraws(one, { uniforms: [1, 0.5, 0.9, 1, 0.5, 0.9], normals: [...normals, ...normals] });
  const image = tf.slice(x, [1, 0, 0, 0], [1, 8, 12, 2]);
  assert.deepEqual(vals(train(one, image.reshape([8, 12, 2]))), vals(train(one, image)));
  assert.deepEqual(one.computeOutputShape([null, 8, 12, 2]), [null, 8, 12, 2]);
});

test("RandomElasticTransform in a functional model and a Sequential round trip through model.save / loadModel", async () => {
  const input = layers.Input({ shape: [6, 6, 3] });
  const fm = new models.Model({ inputs: input, outputs: layers.RandomElasticTransform(0.5, { seed: 1 }).apply(input) as tf.layers.SymbolicTensor });
  assert.deepEqual(fm.outputs[0].shape, [null, 6, 6, 3]);
  const m = new models.Sequential([
    layers.Input({ shape: [8, 8, 3] }),
    layers.RandomElasticTransform([0.3, 0.9], { scale: [0.2, 0.8], fillMode: "wrap", valueRange: [0, 1], seed: 4 }),
    layers.Flatten(),
    layers.Dense(2, { activation: "softmax" }),
  ]);
  const x = tf.random.uniform([4, 8, 8, 3], 0, 1, { seed: 1 });
  const y = tf.oneHot(tf.constant([0, 1, 0, 1], [4], "int32"), 2);
  const back = await fitSaveLoad(m, x, y, 2);
  assert.equal(back.layers[0].className, "RandomElasticTransform");
});

test("RandomElasticTransform refuses bad arguments with errors that name the layer and the fix", () => {
  assert.throws(() => layers.RandomElasticTransform(1.5), /RandomElasticTransform random_elastic_transform_\d+: factor must be a number in \[0, 1\] .*got 1\.5; e\.g\. layers\.RandomElasticTransform\(0\.5\)/);
  assert.throws(() => layers.RandomElasticTransform(1, { scale: 2 }), /RandomElasticTransform random_elastic_transform_\d+: scale must be a number in \[0, 1\] .*got 2; e\.g\. layers\.RandomElasticTransform\(1, \{ scale: 0\.5 \}\)/);
  assert.throws(() => layers.RandomElasticTransform(1, { scale: [2, 3] }), /scale must be .* got \[2,3\]/);
  assert.throws(() => layers.RandomElasticTransform(1, { interpolation: "bicubic" as "bilinear" }), /RandomElasticTransform random_elastic_transform_\d+: interpolation "bicubic" is not supported; use "bilinear" or "nearest"/);
  assert.throws(() => layers.RandomElasticTransform(1, { fillMode: "edge" as "wrap" }), /RandomElasticTransform random_elastic_transform_\d+: fillMode "edge" is not supported; use "reflect", "mirror", "wrap", "nearest" or "constant"/);
  assert.throws(() => layers.RandomElasticTransform(1, { fillValue: Number.NaN }), /fillValue must be a finite number, got NaN/);
  assert.throws(() => layers.RandomElasticTransform(1, { valueRange: [0] as unknown as [number, number] }), /valueRange must be a pair/);
  const e = layers.RandomElasticTransform(1);
  assert.throws(() => e({ images: tf.zeros([1, 4, 4, 1]), bounding_boxes: {} }), /RandomElasticTransform random_elastic_transform_\d+: bounding boxes .* are not supported/);
  assert.throws(() => e({ images: tf.zeros([1, 4, 4, 1]), segmentation_masks: tf.zeros([1, 4, 4, 1]) }), /RandomElasticTransform random_elastic_transform_\d+: .*segmentation masks/);
  assert.throws(() => e.apply({ images: tf.zeros([1, 4, 4, 1]) } as unknown as tf.Tensor), /apply takes tensors/);
  assert.throws(() => train(e, tf.zeros([4, 4])), /RandomElasticTransform random_elastic_transform_\d+/);
});
