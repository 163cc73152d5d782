import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { vals, train, infer, nchw } from "../testing/image_layers.js";
import { forceDraws } from "../testing/forced_draws.js";
import { RandomGaussianBlur } from "./image_blur.js";

const { layers } = tf;

test("RandomGaussianBlur: Keras' defaults and config keys", () => {
  const b = new RandomGaussianBlur();
  assert.deepEqual([b.factor, b.kernelSize, b.sigma, b.valueRange, b.dataFormat], [[0, 1], [3, 3], [0, 1], [0, 255], "channels_last"]);
  const c = layers.RandomGaussianBlur([1, 1], { kernelSize: [5, 3], sigma: [0.5, 2], valueRange: [0, 1], seed: 5 }).getConfig();
  assert.deepEqual(Object.keys(c).sort(), ["data_format", "dtype", "factor", "kernel_size", "name", "seed", "sigma", "trainable", "value_range"]);
  assert.deepEqual([c.factor, c.kernel_size, c.sigma, c.value_range, c.seed], [[1, 1], [5, 3], [0.5, 2], [0, 1], 5]);
  assert.deepEqual((RandomGaussianBlur.fromConfig(c) as RandomGaussianBlur).getConfig(), c);
  assert.deepEqual(layers.RandomGaussianBlur(0.5, { sigma: 0.3 }).sigma, [0, 0.3]);
});

// Keras 3.15's RandomGaussianBlur (numpy backend's gaussian_blur) with the draws given:
//   x = zeros((3, 5, 4, 2)); x[:, 2, 1, 0] = 200; x[:, 0, 0, 1] = 100; x[1, 4, 3, 1] = 300
//   prob = [0.9, 0.9, 0.3]; thr = [0.2, 0.95, 0.1]; sigma = [0.5, 2.0] + 1e-6; kernel_size = (3, 5)
//   k1(size, s): t = arange(size, f32) - (size - 1) / 2; k = exp(-0.5 (t / s)^2); k / sum(k)
//   kernel = outer(k1(5, sigma[1]), k1(3, sigma[0])); zero padding; scipy.signal.convolve2d(..., "valid")
//   images = clip(where((thr < prob)[:, None, None, None], blurred, x), 0, 255)
test("RandomGaussianBlur with given draws equals Keras' formula: [width, height] kernel, per-image choice, every image clipped", () => {
  const data = new Array<number>(3 * 5 * 4 * 2).fill(0);
  const at = (b: number, y: number, x: number, c: number): number => ((b * 5 + y) * 4 + x) * 2 + c;
  for (let b = 0; b < 3; b++) { data[at(b, 2, 1, 0)] = 200; data[at(b, 0, 0, 1)] = 100; }
  data[at(1, 4, 3, 1)] = 300;
  const images = tf.constant(data, [3, 5, 4, 2], "float32");
  const blur = new RandomGaussianBlur({ kernelSize: [3, 5], sigma: [0.5, 2] });
  const calls = forceDraws(blur, { uniforms: [0.9, 0.9, 0.3, 0.2, 0.95, 0.1, 0.5, 2.0] });
  const blurred = [
    3.24783, 19.7831, 23.9982, 2.67738, 3.24783, 0, 0, 0, 4.72556, 17.4586, 34.9171, 2.36278, 4.72556, 0, 0, 0, 5.35476, 11.9991, 39.5663,
    1.62391, 5.35476, 0, 0, 0, 4.72556, 0, 34.9171, 0, 4.72556, 0, 0, 0, 3.24783, 0, 23.9982, 0, 3.24783, 0, 0, 0,
  ];
  const kept = Array.from({ length: 40 }, (_, i) => (i === 1 ? 100 : i === 18 ? 200 : i === 39 ? 255 : 0));
  const labels = tf.constant([0, 1, 2], [3], "int32");
  const out = blur({ images, labels });
  assertAllClose(out.images, [...blurred, ...kept, ...blurred], { atol: 1e-4 });
  assert.equal(out.labels, labels);
  assert.deepEqual(calls, ["uniform 3 [0, 1)", "uniform 3 [0, 1)", "uniform 2 [0.5, 2)"], "Keras' draws: probabilities and thresholds per image, two sigmas per call");
  // A single image is blurred as a batch of one.
  const one = new RandomGaussianBlur({ kernelSize: [3, 5], sigma: [0.5, 2] });
  forceDraws(one, { uniforms: [1, 0.5, 0.5, 2.0] });
  const single = train(one, tf.slice(images, [0, 0, 0, 0], [1, 5, 4, 2]).reshape([5, 4, 2]));
  assert.deepEqual(single.shape, [5, 4, 2]);
  assertAllClose(single, blurred, { atol: 1e-4 });
});

test("RandomGaussianBlur: inference is the identity; channels_first equals channels_last transposed; seeds repeat, calls differ", () => {
  const x = tf.random.uniform([4, 6, 5, 3], 0, 255, { seed: 2 });
  const b = new RandomGaussianBlur({ seed: 1 });
  const calls = forceDraws(b, {});
  assert.deepEqual(vals(infer(b, x)), vals(x));
  assert.deepEqual(calls, []);
  const args = { factor: [1, 1] as [number, number], kernelSize: 5, sigma: [0.5, 3] as [number, number], seed: 8 };
  const layer = layers.RandomGaussianBlur(args);
  const last = train(layer, x);
  assertAllClose(train(layers.RandomGaussianBlur({ ...args, dataFormat: "channels_first" }), nchw(x)), vals(nchw(last)), { atol: 1e-4 });
  assert.deepEqual(vals(train(layers.RandomGaussianBlur(args), x)), vals(last));
  assert.notDeepEqual(vals(train(layer, x)), vals(last), "each call draws new sigmas");
  // A constant image stays constant inside, away from the zero padding.
  const flat = vals(train(layers.RandomGaussianBlur([1, 1], { seed: 3 }), tf.fill([1, 5, 5, 1], 50)));
  assertAllClose([flat[12]], [50], { atol: 1e-4 });
  assert.ok(flat[0] < 50, "the corner sees the zero padding");
});

test("RandomGaussianBlur refuses bad arguments with errors that name the layer and the fix", () => {
  assert.throws(() => layers.RandomGaussianBlur(1, { kernelSize: 4 }), /RandomGaussianBlur random_gaussian_blur_\d+: kernelSize must be a positive odd integer .*got 4; e\.g\. \{ kernelSize: 3 \}/);
  assert.throws(() => layers.RandomGaussianBlur(1, { kernelSize: [3, 2] }), /kernelSize must be .* got \[3,2\]/);
  assert.throws(() => layers.RandomGaussianBlur(1, { sigma: 2 }), /sigma must be a number in \[0, 1\] .* got 2; e\.g\. \{ sigma: \[0\.5, 2\] \}/);
  assert.throws(() => layers.RandomGaussianBlur(1, { sigma: [-1, 0.5] }), /sigma must be/);
  assert.throws(() => layers.RandomGaussianBlur(-0.5), /factor must be a number in \[0, 1\]/);
  assert.throws(() => layers.RandomGaussianBlur({ kernel_size: 3 } as unknown as tf.layers.RandomGaussianBlurArgs), /kernel_size/);
});
