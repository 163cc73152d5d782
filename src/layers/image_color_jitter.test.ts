import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { vals, train, infer } from "../testing/image_layers.js";
import { assertAllClose } from "../testing/close.js";

/*
 * Reference values: numpy (/usr/bin/python3) computing Keras 3.15.1's RandomColorJitter
 * (keras/src/layers/preprocessing/image_preprocessing/random_color_jitter.py, which runs Keras
 * 3.15.1's RandomBrightness, RandomContrast, RandomSaturation and RandomHue in turn):
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
 * # --- jitter.py ---
 * from common import *
 * from color import saturation, hue
 * x01 = img() / f32(255)
 * # RandomColorJitter, value_range (0, 1): brightness +0.1 (factor (0.1, 0.1)), contrast 1.2 (factor
 * # (-0.2, 0.2): [1 - lower, 1 + upper]), saturation factor 0.6, hue 0, each clipped as its layer does
 * y = np.clip(x01 + f32(0.1) * f32(1 - 0), 0, 1)
 * m = y.mean(axis=1, keepdims=True).mean(axis=2, keepdims=True)
 * y = np.clip((y - m) * f32(1.2) + m, 0, 1).astype(f32)
 * out("jitter", hue(saturation(y, 0.6, (0, 1)), [0, 0], (0, 1)))
 */

const { layers } = tf;
/** The test image, as common.py's img(): [2, 3, 4, 3] with values (53 i + 7) mod 256. */
const img = (): tf.Tensor => tf.constant(Array.from({ length: 72 }, (_, i) => (i * 53 + 7) % 256), [2, 3, 4, 3], "float32");

test("RandomColorJitter runs brightness, contrast (Keras 3.15.1's, per image, clipped to valueRange), saturation and hue in turn", () => {
  const x01 = tf.div(img(), 255);
  const jitter = layers.RandomColorJitter([0, 1], { brightnessFactor: [0.1, 0.1], contrastFactor: [-0.2, 0.2], saturationFactor: [0.6, 0.6], hueFactor: [0, 0] });
  assertAllClose(train(jitter, x01), [
    0, 0.271879, 0.5437582, 0.7557735, 1, 0, 0.06316993, 0.4493463, 0.8355229, 1, 0, 0.2930913, 0.4185786, 0.804755, 1, 0, 0.3354084,
    0.670817, 0.878, 1, 0, 0.1902289, 0.5764052, 0.9625818, 1, 0, 0.3426557, 0.7259526, 0.9968954, 0, 0.025523, 0.4116992, 0.7978759,
    1, 0, 0.2810459, 0.3754413, 0.7365688, 1, 0, 0.3021987, 0.6253595, 0.8500707, 1, 0, 0.1698203, 0.5309474, 0.9171243, 1, 0,
    0.3231072, 0.709623, 0.951438, 0, 0.005114513, 0.3662415, 0.7524183, 1, 0, 0.2677588, 0.3189707, 0.6800977, 1, 0, 0.2840061,
    0.5877124, 0.8132336, 1, 0, 0.1321733, 0.4933003, 0.8794771
  ], { rtol: 1e-5, atol: 1e-6 });
  assert.deepEqual(vals(infer(jitter, x01)), vals(x01), "inference is the identity");
  assert.deepEqual(vals(train(layers.RandomColorJitter(), x01)), vals(x01), "no factors: nothing changes");
  // Each part alone equals its own layer with the same fixed factor.
  const x = img();
  assertAllClose(train(layers.RandomColorJitter({ brightnessFactor: [0.2, 0.2] }), x), train(layers.RandomBrightness([0.2, 0.2]), x), { atol: 0 });
  assertAllClose(train(layers.RandomColorJitter({ saturationFactor: [0.3, 0.3] }), x), train(layers.RandomSaturation([0.3, 0.3]), x), { atol: 0 });
  // Keras 3.15.1's contrast: a number f gives factors in [1, 1 + f], one per image.
  const contrast = vals(train(layers.RandomColorJitter({ contrastFactor: 0.5, seed: 3 }), tf.constant([100, 110, 100, 110], [2, 1, 2, 1])));
  const spread = [contrast[1] - contrast[0], contrast[3] - contrast[2]];
  assert.ok(spread.every((d) => d >= 10 && d <= 15), `contrast only grows: ${spread}`);
  assert.notEqual(spread[0], spread[1], "each image draws its own contrast");
});

test("RandomColorJitter: seeded runs repeat, hue shifts keep values, bad factors name the jitter and the part", () => {
  const x = tf.random.uniform([4, 5, 5, 3], 0, 255, { seed: 2 });
  const make = (): tf.layers.Layer => layers.RandomColorJitter({ brightnessFactor: 0.2, contrastFactor: 0.3, saturationFactor: [0.3, 0.7], hueFactor: 0.2, seed: 11 });
  const a = make(), b = make();
  assert.deepEqual(vals(train(a, x)), vals(train(b, x)));
  assert.deepEqual(vals(train(a, x)), vals(train(b, x)), "the second calls repeat too");
  assert.notDeepEqual(vals(train(a, x)), vals(train(make(), x)), "the stream moves on between calls");
  const y = vals(train(make(), x));
  assert.ok(y.every((v) => v >= 0 && v <= 255));
  assert.throws(() => layers.RandomColorJitter({ brightnessFactor: 2 }), /RandomColorJitter random_color_jitter(_\d+)?: brightnessFactor: RandomBrightness random_brightness(_\d+)?: factor must be a number in \[-1, 1\]/);
  assert.throws(() => layers.RandomColorJitter({ hueFactor: -1 }), /RandomColorJitter random_color_jitter(_\d+)?: hueFactor: RandomHue random_hue(_\d+)?: factor must be a number in \[0, 1\]/);
  assert.throws(() => layers.RandomColorJitter({ contrastFactor: 1.5 }), /RandomColorJitter random_color_jitter(_\d+)?: contrastFactor must be a number in \[0, 1\] or a pair/);
  assert.throws(() => layers.RandomColorJitter({ saturationFactor: "high" as unknown as number }), /saturationFactor must be a number, a pair \[lower, upper\] or null, got "high"/);
  assert.throws(() => train(layers.RandomColorJitter({ hueFactor: 0.1 }), tf.zeros([2, 2, 2, 1])), /expects images with 3 channels/);
  assert.deepEqual(vals(train(layers.RandomColorJitter({ brightnessFactor: [0.1, 0.1] }), tf.zeros([1, 1, 2, 1]))), [25.5, 25.5], "brightness alone takes any channel count");
});
