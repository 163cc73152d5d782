import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { vals, train, infer } from "../testing/image_layers.js";
import { assertAllClose } from "../testing/close.js";
import { scripted } from "../testing/forced_draws.js";
import { RandomInvert, RandomPosterization, Solarization } from "./image_intensity.js";

/*
 * Reference values: numpy (/usr/bin/python3) computing Keras 3.15.1's formulas for Solarization and
 * RandomPosterization (keras/src/layers/preprocessing/image_preprocessing/solarization.py,
 * random_posterization.py):
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
 * # --- intensity.py ---
 * from common import *
 * x = img(); x01 = x / f32(255)
 * # Solarization with given per-image additions and thresholds (on the [0, 255] scale)
 * def solar(x, add, thr, vr):
 *     r = np.clip(to_range(x, vr, (0, 255)) + np.array(add, f32).reshape(-1, 1, 1, 1), 0, 255)
 *     r = np.where(r < np.array(thr, f32).reshape(-1, 1, 1, 1), r, f32(255) - r)
 *     return to_range(r, (0, 255), vr)
 * out("solar", solar(x, [10, 0], [100, 200], (0, 255)))
 * out("solar01", solar(x01, [0, 30], [128, 0], (0, 1)))
 * # RandomPosterization with b bits: cast to uint8, (v >> (8 - b)) << (8 - b)
 * def poster(x, bits, vr):
 *     s = np.uint8(8 - bits)
 *     return to_range(((to_range(x, vr, (0, 255)).astype(np.uint8) >> s) << s).astype(f32), (0, 255), vr)
 * out("post3", poster(x, 3, (0, 255)))
 * out("post5_01", poster(x01, 5, (0, 1)))
 */

const { layers } = tf;
/** The test image, as common.py's img(): [2, 3, 4, 3] with values (53 i + 7) mod 256. */
const img = (): tf.Tensor => tf.constant(Array.from({ length: 72 }, (_, i) => (i * 53 + 7) % 256), [2, 3, 4, 3], "float32");

test("Solarization: clip(x + a, 0, 255), then 255 - x at or above the threshold, per image; a and t drawn from [lower, upper * 255)", () => {
  const x = img();
  const s = scripted(new Solarization({ additionFactor: [0.02, 0.1], thresholdFactor: [0.3, 0.9] }), [10, 0, 100, 200]);
  assertAllClose(train(s, x), [
    17, 70, 132, 79, 26, 26, 79, 123, 70, 17, 35, 88, 114, 61, 8, 44, 97, 105, 52, 0, 53, 149, 96, 43, 0, 62, 140, 87, 34, 18, 71,
    131, 78, 25, 27, 80, 123, 176, 26, 26, 79, 132, 185, 17, 35, 88, 141, 194, 8, 44, 97, 150, 52, 0, 53, 106, 159, 43, 9, 62, 115,
    168, 34, 18, 71, 124, 177, 25, 27, 80, 133, 186
  ], { atol: 1e-4 });
  assert.deepEqual(s.draws, [[2, 0.02, 25.5], [2, 0.3, 229.5]], "additions then thresholds, Keras scaling only the upper ends by 255");
  const s01 = scripted(new Solarization({ valueRange: [0, 1] }), [0, 30, 128, 0]);
  assertAllClose(train(s01, tf.div(x, 255)), [
    0.02745098, 0.2352941, 0.4431373, 0.3490196, 0.1411765, 0.0627451, 0.2705882, 0.4784314, 0.3137255, 0.1058824, 0.09803922,
    0.3058824, 0.4862745, 0.2784314, 0.07058824, 0.1333333, 0.3411765, 0.4509804, 0.2431373, 0.03529412, 0.1686275, 0.3764706,
    0.4156863, 0.2078431, 0, 0.2039216, 0.4117647, 0.3803922, 0.172549, 0.03137255, 0.2392157, 0.4470588, 0.345098, 0.1372549,
    0.06666667, 0.2745098, 0.4, 0.1921569, 0, 0.7803922, 0.572549, 0.3647059, 0.1568628, 0, 0.7450981, 0.5372549, 0.3294118,
    0.1215686, 0, 0.7098039, 0.5019608, 0.2941177, 0.08627451, 0.8823529, 0.6745098, 0.4666667, 0.2588235, 0.05098039, 0.8470588,
    0.6392157, 0.4313726, 0.2235294, 0.01568628, 0.8117647, 0.6039216, 0.3960784, 0.1882353, 0, 0.7764706, 0.5686275, 0.3607843,
    0.1529412
  ], { atol: 1e-6 });
  assert.deepEqual(vals(infer(s01, x)), vals(x), "inference is the identity");
  assert.equal(s01.draws.length, 2, "inference draws nothing");
  // The defaults (no addition, threshold 0) solarize every pixel: 255 - x.
  assertAllClose(train(layers.Solarization(), x), tf.sub(255, x), { atol: 0 });
  const d = layers.Solarization();
  assert.deepEqual([d.additionFactor, d.thresholdFactor, d.valueRange], [[0, 0], [0, 0], [0, 255]]);
  assert.deepEqual(layers.Solarization(0.2, [0.6, 0.4]).thresholdFactor, [0.4, 0.6]);
  assert.throws(() => layers.Solarization(1.2), /Solarization solarization(_\d+)?: additionFactor must be a number in \[0, 1\] or a pair \[lower, upper\] of numbers in \[0, 1\], got 1\.2; e\.g\. layers\.Solarization/);
  assert.throws(() => layers.Solarization(0, [-0.1, 0.5]), /thresholdFactor must be a number in \[0, 1\]/);
});

test("RandomInvert: valueRange[1] - x when a uniform draw falls below a probability drawn from the factor range, per image", () => {
  const x = img();
  assertAllClose(train(layers.RandomInvert([1, 1]), x), tf.sub(255, x), { atol: 0 });
  assertAllClose(train(layers.RandomInvert([1, 1], { valueRange: [0, 1] }), tf.div(x, 255)), tf.sub(1, tf.div(x, 255)), { atol: 0 });
  // As Keras writes it: high - x, not low + high - x.
  assertAllClose(train(layers.RandomInvert([1, 1], { valueRange: [-1, 1] }), tf.constant([-1, 0, 0.5], [1, 1, 3, 1])), [2, 1, 0.5], { atol: 0 });
  assert.deepEqual(vals(train(layers.RandomInvert([0, 0]), x)), vals(x));
  const inv = scripted(new RandomInvert({ factor: [0.2, 0.8] }), [0.5, 0.5, 0.4, 0.6]);
  const y = vals(train(inv, x)), xs = vals(x);
  assert.deepEqual(inv.draws, [[2, 0.2, 0.8], [2, 0, 1]], "probabilities, then thresholds");
  assert.deepEqual(y.slice(0, 36), xs.slice(0, 36).map((v) => 255 - v), "0.4 < 0.5: the first image inverts");
  assert.deepEqual(y.slice(36), xs.slice(36), "0.6 >= 0.5: the second does not");
  assert.deepEqual(vals(infer(layers.RandomInvert(), x)), xs);
  const d = layers.RandomInvert();
  assert.deepEqual([d.factor, d.valueRange], [[0, 1], [0, 255]]);
  assert.deepEqual(layers.RandomInvert(0.5, { valueRange: [255, 0] }).valueRange, [255, 0], "kept unsorted, as Keras keeps it");
  assert.throws(() => layers.RandomInvert(2), /RandomInvert random_invert(_\d+)?: factor must be a number in \[0, 1\] or a pair \[lower, upper\] within it, got 2/);
});

test("RandomPosterization: the top b bits of each 8-bit value, b fixed by an equal pair or drawn as randint(lower, upper)", () => {
  const x = img();
  assertAllClose(train(layers.RandomPosterization([3, 3]), x), [
    0, 32, 96, 160, 192, 0, 64, 96, 160, 224, 0, 64, 128, 160, 224, 32, 64, 128, 192, 224, 32, 96, 128, 192, 224, 32, 96, 128, 192,
    0, 32, 96, 160, 192, 0, 64, 96, 160, 224, 0, 64, 128, 160, 224, 32, 64, 128, 192, 224, 32, 96, 128, 192, 0, 32, 96, 128, 192, 0,
    32, 96, 160, 192, 0, 64, 96, 160, 224, 0, 64, 128, 160
  ], { atol: 0 });
  assertAllClose(train(layers.RandomPosterization([5, 5], { valueRange: [0, 1] }), tf.div(x, 255)), [
    0, 0.2196078, 0.4392157, 0.627451, 0.8470588, 0.0627451, 0.2509804, 0.4705882, 0.6588235, 0.8784314, 0.09411765, 0.282353,
    0.5019608, 0.7215686, 0.9098039, 0.1254902, 0.3137255, 0.5333334, 0.7529412, 0.9411765, 0.1568628, 0.3764706, 0.5647059,
    0.7843137, 0.972549, 0.1882353, 0.4078431, 0.5960785, 0.8156863, 0.03137255, 0.2196078, 0.4392157, 0.627451, 0.8470588,
    0.0627451, 0.2509804, 0.4705882, 0.6901961, 0.8784314, 0.09411765, 0.282353, 0.5019608, 0.7215686, 0.9098039, 0.1254902,
    0.345098, 0.5333334, 0.7529412, 0.9411765, 0.1568628, 0.3764706, 0.5647059, 0.7843137, 0, 0.1882353, 0.4078431, 0.5960785,
    0.8156863, 0.03137255, 0.2196078, 0.4392157, 0.6588235, 0.8470588, 0.0627451, 0.2509804, 0.4705882, 0.6901961, 0.8784314,
    0.09411765, 0.3137255, 0.5019608, 0.7215686
  ], { atol: 1e-7 });
  assert.deepEqual(vals(train(layers.RandomPosterization([8, 8]), x)), vals(x), "8 bits keep integer images");
  assert.deepEqual(vals(infer(layers.RandomPosterization(4), x)), vals(x));
  const p = scripted(new RandomPosterization({ factor: 4 }), [1.5, 3.99]);
  const y = vals(train(p, x)), xs = vals(x);
  assert.deepEqual(p.draws, [[2, 1, 4]], "a number b is [1, b), upper excluded");
  assert.deepEqual(y.slice(0, 36), xs.slice(0, 36).map((v) => v & 0x80), "1 bit");
  assert.deepEqual(y.slice(36), xs.slice(36).map((v) => v & 0xe0), "3 bits");
  assert.deepEqual(layers.RandomPosterization(1).factor, [1, 1]);
  assert.throws(() => layers.RandomPosterization(9), /RandomPosterization random_posterization(_\d+)?: factor must be a number in \[1, 8\]/);
  assert.throws(() => layers.RandomPosterization(2.5), /factor must be an integer in \[1, 8\] \(the bits kept per channel\) or a pair \[lower, upper\] of such integers, got 2\.5/);
  assert.throws(() => new tf.layers.classes.RandomPosterization({}), /RandomPosterization random_posterization(_\d+)?: factor is required/);
});
