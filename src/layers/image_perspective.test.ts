import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { assertKerasConfigLoads, fitSaveLoad, vals, train, infer, nchw, numbered } from "../testing/image_layers.js";
import { forceDraws } from "../testing/forced_draws.js";
import { RandomPerspective } from "./image_perspective.js";
import { homographyRow } from "../ops/image_warp.js";

const { layers, models } = tf;

test("RandomPerspective: Keras' defaults and config keys; a Keras 3.15 config loads", () => {
  const p = new RandomPerspective();
  assert.deepEqual([p.factor, p.scale, p.interpolation, p.fillValue, p.fillMode, p.dataFormat, p.seed], [[0, 1], 1, "bilinear", 0, "constant", "channels_last", null]);
  const c = layers.RandomPerspective(0.4, { scale: 0.3, interpolation: "nearest", fillValue: 2, seed: 1 }).getConfig();
  assert.deepEqual(Object.keys(c).sort(), ["data_format", "dtype", "factor", "fill_value", "interpolation", "name", "scale", "seed", "trainable"]);
  assert.deepEqual([c.factor, c.scale, c.interpolation, c.fill_value, c.seed], [[0, 0.4], 0.3, "nearest", 2, 1]);
  assert.deepEqual((RandomPerspective.fromConfig(c) as RandomPerspective).getConfig(), c);
  // As Keras 3.15's get_config writes it.
  const own = { factor: [0.0, 1.0], scale: 0.5, interpolation: "bilinear", fill_value: 0.0, seed: null };
  assert.ok(assertKerasConfigLoads("RandomPerspective", own) instanceof RandomPerspective);
});

test("homographyRow maps the end points to the start points (Keras' compute_homography_matrix)", () => {
  // numpy: np.linalg.solve of Keras' 8 x 8 system for start (0,0) (4,0) (0,3) (4,3), end = start + start * shifts[0] below.
  const start: [number, number][] = [[0, 0], [4, 0], [0, 3], [4, 3]];
  const s = [0.1, -0.2, 0.3, 0.05, -0.25, 0.4, 0.2, -0.1];
  const end = start.map(([x, y], k): [number, number] => [x + x * s[2 * k], y + y * s[2 * k + 1]]);
  const h = homographyRow(start, end);
  assertAllClose(h, [0.4716, 0, 0, 0, 0.6288, 0, -0.0744, -0.0285], { atol: 1e-4 });
  for (let k = 0; k < 4; k++) {
    const [x, y] = end[k], d = h[6] * x + h[7] * y + 1;
    assertAllClose([(h[0] * x + h[1] * y + h[2]) / d, (h[3] * x + h[4] * y + h[5]) / d], start[k], { atol: 1e-9 });
  }
});

// Keras 3.15's RandomPerspective with the draws given, on 3 images [4, 5, 2] holding (v, -v), v = 100 b + 10 y + x:
// probabilities [0.8, 0.6, 0.5], thresholds [0.3, 0.5, 0.7] (images 0 and 1 transformed, 2 kept), corner
// factors [3, 4, 2] = SHIFTS. The numpy reference follows Keras' numpy backend: start = [[0,0],[w-1,0],[0,h-1],[w-1,h-1]],
// end = start + start * factors, H = np.linalg.solve(Keras' 8 x 8 system) in float32; the output (x, y) reads
// ((a0 x + a1 y + a2) / k, (a3 x + a4 y + a5) / k), k = a6 x + a7 y + 1, through scipy.ndimage.map_coordinates
// (order 1 or 0) on the image padded with fill_value as Keras pads it; np.where(apply, out, images).
const SHIFTS = [
  0.1, -0.2, 0.3, 0.05, -0.25, 0.4, 0.2, -0.1,
  -0.3, 0.45, 0.15, -0.35, 0.05, 0.25, -0.4, 0.3,
  0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
];
const DRAWS = [0.8, 0.6, 0.5, 0.3, 0.5, 0.7, ...SHIFTS];

function pairs(n: number, h: number, w: number): tf.Tensor {
  const x = numbered(n, h, w);
  return tf.concat([x, tf.neg(x)], 3);
}

test("RandomPerspective with given draws equals Keras' perspective_transform (bilinear, fill -1; nearest, fill 7)", () => {
  const x = pairs(3, 4, 5);
  const bilinear = new RandomPerspective({ fillValue: -1 });
  const calls = forceDraws(bilinear, { uniforms: [...DRAWS] });
  const labels = tf.constant([1, 2, 3], [3], "int32");
  const out = bilinear({ images: x, labels });
  assert.deepEqual(calls, ["uniform 3 [0, 1)", "uniform 3 [0, 1)", "uniform 24 [-0.5, 0.5)"], "Keras' draws: probabilities, thresholds, [n, 4, 2] corner factors");
  assert.equal(out.labels, labels);
  assertAllClose(out.images, [
    0, 0, 0.5095, -0.5095, 1.1081, -1.1081, 1.8214, -1.8214, 2.6858, -2.6858,
    6.4726, -6.4726, 7.5351, -7.5351, 8.7898, -8.7898, 10.2941, -10.2941, 12.1305, -12.1305,
    13.3362, -13.3362, 15.0215, -15.0215, 17.0226, -17.0226, 19.4374, -19.4374, 22.4090, -22.4090,
    20.6275, -20.6275, 23.0157, -23.0157, 25.8681, -25.8681, 29.3344, -29.3344, 31.0862, -31.2020,
    100, -100, 100.9209, -100.9209, 101.8121, -101.8121, 102.6749, -102.6749, 103.5109, -103.5109,
    104.9250, -104.9250, 105.8804, -105.8804, 106.8008, -106.8008, 107.6882, -107.6882, 108.5442, -108.5442,
    111.4505, -111.4505, 112.4168, -112.4168, 113.3422, -113.3422, 114.2293, -114.2293, 49.9246, -51.0430,
    120.5079, -120.5079, 121.4242, -121.4242, 122.2945, -122.2945, 108.4123, -108.6477, -1, -1,
    200, -200, 201, -201, 202, -202, 203, -203, 204, -204,
    210, -210, 211, -211, 212, -212, 213, -213, 214, -214,
    220, -220, 221, -221, 222, -222, 223, -223, 224, -224,
    230, -230, 231, -231, 232, -232, 233, -233, 234, -234,
  ], { atol: 2e-3 });
  const nearest = new RandomPerspective({ interpolation: "nearest", fillValue: 7, scale: 1 });
  forceDraws(nearest, { uniforms: [...DRAWS] });
  assert.deepEqual(vals(train(nearest, x)), [
    0, 0, 1, -1, 1, -1, 2, -2, 3, -3,
    10, -10, 11, -11, 11, -11, 12, -12, 13, -13,
    10, -10, 11, -11, 21, -21, 22, -22, 23, -23,
    20, -20, 21, -21, 21, -21, 32, -32, 33, -33,
    100, -100, 101, -101, 102, -102, 103, -103, 104, -104,
    100, -100, 101, -101, 102, -102, 103, -103, 104, -104,
    110, -110, 111, -111, 112, -112, 113, -113, 7, 7,
    120, -120, 121, -121, 123, -123, 124, -124, 7, 7,
    200, -200, 201, -201, 202, -202, 203, -203, 204, -204,
    210, -210, 211, -211, 212, -212, 213, -213, 214, -214,
    220, -220, 221, -221, 222, -222, 223, -223, 224, -224,
    230, -230, 231, -231, 232, -232, 233, -233, 234, -234,
  ]);
});

test("RandomPerspective: inference and factor 0 are the identity; seeds repeat; single image vs batch; channels_first equals channels_last transposed", () => {
  const x = pairs(3, 6, 7);
  const p = layers.RandomPerspective(1, { seed: 3 });
  assert.deepEqual(vals(infer(p, x)), vals(x));
  assert.deepEqual(vals(train(layers.RandomPerspective(0, { seed: 2 }), x)), vals(x), "probability 0: no image is transformed");
  assertAllClose(train(layers.RandomPerspective([1, 1], { scale: 0, seed: 2 }), x), vals(x), { atol: 1e-4 }); // scale 0 leaves the corners in place
  const a = train(layers.RandomPerspective([1, 1], { seed: 5 }), x);
  assert.notDeepEqual(vals(a), vals(x));
  assert.deepEqual(vals(train(layers.RandomPerspective([1, 1], { seed: 5 }), x)), vals(a), "the same seed repeats the draws");
  assertAllClose(train(layers.RandomPerspective([1, 1], { seed: 5, dataFormat: "channels_first" }), nchw(x)), vals(nchw(a)), { atol: 1e-4 });
  const one = new RandomPerspective({ factor: [1, 1] });
  forceDraws(one, { uniforms: [1, 1, 0.5, ...SHIFTS.slice(8, 16), 1, 0.5, ...SHIFTS.slice(8, 16)] });
  const image = tf.slice(x, [1, 0, 0, 0], [1, 6, 7, 2]);
  assert.deepEqual(vals(train(one, image.reshape([6, 7, 2]))), vals(train(one, image)));
  assert.deepEqual(p.computeOutputShape([null, 6, 7, 2]), [null, 6, 7, 2]);
});

test("RandomPerspective in a functional model and a Sequential round trip through model.save / loadModel", async () => {
  const input = layers.Input({ shape: [6, 6, 3] });
  const fm = new models.Model({ inputs: input, outputs: layers.RandomPerspective(0.5, { seed: 1 }).apply(input) as tf.layers.SymbolicTensor });
  assert.deepEqual(fm.outputs[0].shape, [null, 6, 6, 3]);
  const m = new models.Sequential([
    layers.Input({ shape: [6, 6, 3] }),
    layers.RandomPerspective([0.3, 0.9], { scale: 0.4, interpolation: "nearest", fillValue: 0.5, seed: 4 }),
    layers.Flatten(),
    layers.Dense(2, { activation: "softmax" }),
  ]);
  const x = tf.random.uniform([4, 6, 6, 3], 0, 1, { seed: 1 });
  const y = tf.oneHot(tf.constant([0, 1, 0, 1], [4], "int32"), 2);
  const back = await fitSaveLoad(m, x, y, 2);
  assert.equal(back.layers[0].className, "RandomPerspective");
});

test("RandomPerspective refuses bad arguments with errors that name the layer and the fix", () => {
  assert.throws(() => layers.RandomPerspective(1.5), /RandomPerspective random_perspective_\d+: factor must be a number in \[0, 1\] .*got 1\.5; e\.g\. layers\.RandomPerspective\(0\.5\)/);
  assert.throws(() => layers.RandomPerspective([2, 3]), /factor must be .* got \[2,3\]/);
  assert.throws(() => layers.RandomPerspective(1, { scale: 1.5 }), /RandomPerspective random_perspective_\d+: scale must be a number in \[0, 1\], got 1\.5; e\.g\. layers\.RandomPerspective\(1, \{ scale: 0\.3 \}\)/);
  assert.throws(() => layers.RandomPerspective(1, { scale: -0.1 }), /scale must be a number in \[0, 1\], got -0\.1/);
  assert.throws(() => layers.RandomPerspective(1, { interpolation: "bicubic" as "bilinear" }), /RandomPerspective random_perspective_\d+: interpolation "bicubic" is not supported; use "bilinear" or "nearest"/);
  assert.throws(() => layers.RandomPerspective(1, { fillMode: "reflect" } as tf.layers.RandomPerspectiveArgs), /fillMode/);
  const p = layers.RandomPerspective(1);
  assert.throws(() => p({ images: tf.zeros([1, 4, 4, 1]), bounding_boxes: {} }), /RandomPerspective random_perspective_\d+: bounding boxes .* are not supported/);
  assert.throws(() => p({ images: tf.zeros([1, 4, 4, 1]), segmentation_masks: tf.zeros([1, 4, 4, 1]) }), /RandomPerspective random_perspective_\d+: .*segmentation masks/);
  assert.throws(() => p.apply({ images: tf.zeros([1, 4, 4, 1]) } as unknown as tf.Tensor), /apply takes tensors/);
  assert.throws(() => train(p, tf.zeros([4, 4])), /RandomPerspective random_perspective_\d+/);
});
