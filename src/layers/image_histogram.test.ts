import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { vals, train, infer } from "../testing/image_layers.js";
import { assertAllClose } from "../testing/close.js";

/*
 * Reference values: numpy (/usr/bin/python3) computing Keras 3.15.1's formulas for AutoContrast and
 * Equalization (keras/src/layers/preprocessing/image_preprocessing/auto_contrast.py, equalization.py):
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
 * # --- histogram.py ---
 * from common import *
 * # AutoContrast: per image and channel, (x - low) * 255 / (high - low) on the [0, 255] scale, clipped;
 * # NaN (a flat channel's 0 / 0) gives the input back
 * def autocontrast(x, vr):
 *     im = to_range(x, vr, (0, 255))
 *     low = im.min(axis=(1, 2), keepdims=True); high = im.max(axis=(1, 2), keepdims=True)
 *     with np.errstate(divide="ignore", invalid="ignore"):
 *         scale = f32(255) / (high - low)
 *         r = to_range(np.clip(im * scale + (-low * scale), 0, 255), (0, 255), vr)
 *     return np.where(np.isnan(r), x, r)
 * xa = (img() * f32(0.5) + f32(20)).astype(f32)
 * xa[1, :, :, 2] = 77  # a flat channel
 * out("ac_in", xa); out("ac255", autocontrast(xa, (0, 255)))
 * out("ac01", autocontrast(xa / f32(255), (0, 1)))
 * # Equalization: one histogram per channel over the whole batch
 * def equalize(x, vr, bins):
 *     lo, hi = vr; res = []
 *     for c in range(x.shape[-1]):
 *         scale = 255 / (hi - lo)
 *         ch = (x[..., c] * f32(scale) + f32(0 - lo * scale)).astype(f32)
 *         idx = np.clip(((ch - f32(0)) * f32(bins - 1) / f32(255)).astype(np.int32), 0, bins - 1)
 *         hist = np.bincount(idx.ravel(), minlength=bins).astype(np.int32)
 *         if np.count_nonzero(hist) <= 1:
 *             eq = ch.astype(np.float64)
 *         else:
 *             cdf = np.cumsum(hist).astype(np.int32); cmin = cdf[np.nonzero(cdf)[0][0]]
 *             den = cdf[-1] - cmin; den = 1 if den == 0 else den
 *             lut = np.clip(np.round(((cdf - cmin) * 255) / den), 0, 255)
 *             eq = lut[np.clip((ch / f32(255.0)) * f32(bins - 1), 0, bins - 1).astype(np.int32)]
 *         res.append(eq * ((hi - lo) / 255) + lo)
 *     return np.stack(res, -1).astype(f32)
 * xe = ((np.arange(72) * 37 + 11) % 97).astype(f32).reshape(2, 3, 4, 3)
 * xe[..., 1] = 40  # one occupied bin: left as it is
 * out("eq_in", xe); out("eq", equalize(xe, (0, 255), 256))
 * out("eq_single", equalize(xe[1:], (0, 255), 256))
 * out("eq01_16", equalize(xe / f32(255), (0, 1), 16))
 */

const { layers } = tf;
/** histogram.py's xa: common.py's img() * 0.5 + 20, with the second image's last channel flat at 77. */
const contrastInput = (): tf.Tensor => {
  const v = Array.from({ length: 72 }, (_, i) => (((i * 53 + 7) % 256) * 0.5 + 20));
  for (let i = 38; i < 72; i += 3) v[i] = 77;
  return tf.constant(v, [2, 3, 4, 3], "float32");
};
/** histogram.py's xe: (37 i + 11) mod 97, the middle channel flat at 40. */
const equalizationInput = (): tf.Tensor => tf.constant(Array.from({ length: 72 }, (_, i) => (i % 3 === 1 ? 40 : (i * 37 + 11) % 97)), [2, 3, 4, 3], "float32");

test("AutoContrast stretches each image's channels to the value range, in training and inference alike; a flat channel is left as it is", () => {
  const x = contrastInput();
  assertAllClose(x, [
    23.5, 50, 76.5, 103, 129.5, 28, 54.5, 81, 107.5, 134, 32.5, 59, 85.5, 112, 138.5, 37, 63.5, 90, 116.5, 143, 41.5, 68, 94.5, 121,
    147.5, 46, 72.5, 99, 125.5, 24, 50.5, 77, 103.5, 130, 28.5, 55, 81.5, 108, 77, 33, 59.5, 77, 112.5, 139, 77, 64, 90.5, 77, 143.5,
    42, 77, 95, 121.5, 77, 46.5, 73, 77, 126, 24.5, 77, 77.5, 104, 77, 29, 55.5, 77, 108.5, 135, 77, 60, 86.5, 77
  ], { atol: 0 });
  const ac = layers.AutoContrast();
  assertAllClose(infer(ac, x), [
    0, 47.88209, 116.9214, 163.4879, 224.9345, 8.908298, 63.75, 116.9214, 185.9607, 227.2379, 8.908298, 77.94759, 127.5, 185.9607,
    255, 27.7621, 77.94759, 146.9869, 191.25, 255, 38.9738, 91.51208, 146.9869, 216.0262, 255, 38.9738, 108.0131, 155.2621, 216.0262,
    0, 55.5242, 108.0131, 177.0524, 219.0121, 0, 69.03929, 116.9214, 185.9607, 77, 8.908295, 77.94759, 77, 185.9607, 255, 77,
    77.94759, 146.9869, 77, 255, 38.9738, 77, 146.9869, 216.0262, 77, 38.97379, 108.0131, 77, 216.0262, 0, 77, 108.0131, 177.0524,
    77, 0, 69.0393, 77, 177.0524, 246.0917, 77, 69.0393, 138.0786, 77
  ], { rtol: 1e-6, atol: 1e-4 });
  assertAllClose(train(ac, x), infer(ac, x), { atol: 0 });
  assertAllClose(infer(layers.AutoContrast([0, 1]), tf.div(x, 255)), [
    0, 0.1877729, 0.4585153, 0.641129, 0.882096, 0.0349345, 0.25, 0.4585153, 0.7292576, 0.891129, 0.0349345, 0.3056768, 0.5,
    0.7292576, 0.9999999, 0.108871, 0.3056768, 0.5764192, 0.7499999, 0.9999999, 0.1528384, 0.3588709, 0.5764192, 0.8471616,
    0.9999999, 0.1528384, 0.4235808, 0.6088709, 0.8471615, 0, 0.217742, 0.4235808, 0.6943231, 0.858871, 0, 0.2707423, 0.4585153,
    0.7292576, 0.3019608, 0.03493449, 0.3056768, 0.3019608, 0.7292576, 0.9999999, 0.3019608, 0.3056768, 0.5764192, 0.3019608, 1,
    0.1528384, 0.3019608, 0.5764191, 0.8471615, 0.3019608, 0.1528384, 0.4235808, 0.3019608, 0.8471615, 0, 0.3019608, 0.4235808,
    0.6943231, 0.3019608, 0, 0.2707424, 0.3019608, 0.6943231, 0.9650654, 0.3019608, 0.2707424, 0.5414847, 0.3019608
  ], { rtol: 1e-6, atol: 1e-6 });
  assert.deepEqual(vals(tf.slice(infer(ac, x), [1, 0, 0, 2], [1, 3, 4, 1])), Array(12).fill(77));
  // Per image: the extremes of each image, not of the batch, reach 0 and 255.
  const single = infer(ac, tf.slice(x, [0, 0, 0, 0], [1, 3, 4, 3]).reshape([3, 4, 3]));
  assertAllClose(single, vals(infer(ac, x)).slice(0, 36), { atol: 0 });
  assert.deepEqual(ac.valueRange, [0, 255]);
  assert.deepEqual(layers.AutoContrast([1, 0]).valueRange, [0, 1], "sorted, as Keras' _set_value_range");
  assert.throws(() => layers.AutoContrast(5 as unknown as [number, number]), /AutoContrast auto_contrast(_\d+)?: valueRange must be a pair \[low, high\] of numbers/);
});

test("Equalization maps each channel through its histogram's CDF, one histogram per channel over the whole batch (Keras 3.15.1)", () => {
  const x = equalizationInput();
  assertAllClose(x, [
    11, 40, 85, 25, 40, 2, 39, 40, 16, 53, 40, 30, 67, 40, 44, 81, 40, 58, 95, 40, 72, 12, 40, 86, 26, 40, 3, 40, 40, 17, 54, 40, 31,
    68, 40, 45, 82, 40, 59, 96, 40, 73, 13, 40, 87, 27, 40, 4, 41, 40, 18, 55, 40, 32, 69, 40, 46, 83, 40, 60, 0, 40, 74, 14, 40, 88,
    28, 40, 5, 42, 40, 19
  ], { atol: 0 });
  const eq = layers.Equalization();
  assertAllClose(train(eq, x), [
    11, 40, 222, 55, 40, 0, 100, 40, 44, 144, 40, 89, 177, 40, 122, 211, 40, 155, 244, 40, 188, 22, 40, 233, 67, 40, 11, 111, 40, 55,
    155, 40, 100, 188, 40, 133, 222, 40, 166, 255, 40, 200, 33, 40, 244, 78, 40, 22, 122, 40, 67, 166, 40, 111, 200, 40, 144, 233,
    40, 177, 0, 40, 211, 44, 40, 255, 89, 40, 33, 133, 40, 78
  ], { atol: 0 });
  // One image alone has its own histogram, so its result differs from its slice of the batch's.
  const second = tf.slice(x, [1, 0, 0, 0], [1, 3, 4, 3]).reshape([3, 4, 3]);
  assertAllClose(train(eq, second), [
    209, 40, 139, 255, 40, 185, 23, 40, 232, 70, 40, 0, 116, 40, 46, 162, 40, 93, 185, 40, 116, 232, 40, 162, 0, 40, 209, 46, 40,
    255, 93, 40, 23, 139, 40, 70
  ], { atol: 0 });
  assertAllClose(train(layers.Equalization([0, 1], { bins: 16 }), tf.div(x, 255)), [
    0, 0.1568628, 1, 0.2117647, 0.1568628, 0, 0.4196078, 0.1568628, 0, 0.6313726, 0.1568628, 0.3176471, 0.6313726, 0.1568628,
    0.4745098, 0.8941177, 0.1568628, 0.6313726, 1, 0.1568628, 0.7882353, 0, 0.1568628, 1, 0.2117647, 0.1568628, 0, 0.4196078,
    0.1568628, 0.3176471, 0.6313726, 0.1568628, 0.3176471, 0.8941177, 0.1568628, 0.4745098, 0.8941177, 0.1568628, 0.6313726, 1,
    0.1568628, 0.7882353, 0, 0.1568628, 1, 0.2117647, 0.1568628, 0, 0.4196078, 0.1568628, 0.3176471, 0.6313726, 0.1568628, 0.3176471,
    0.8941177, 0.1568628, 0.4745098, 0.8941177, 0.1568628, 0.6313726, 0, 0.1568628, 0.7882353, 0, 0.1568628, 1, 0.2117647, 0.1568628,
    0, 0.4196078, 0.1568628, 0.3176471
  ], { rtol: 1e-6, atol: 1e-7 });
  assert.deepEqual(vals(infer(eq, x)), vals(x), "Keras equalizes in training only: inference is the identity");
  assert.deepEqual([eq.bins, eq.valueRange], [256, [0, 255]]);
  assert.throws(() => layers.Equalization({ bins: 0 }), /Equalization equalization(_\d+)?: bins must be a positive integer \(the histogram's number of bins\), got 0; e\.g\. layers\.Equalization\(\{ bins: 128 \}\)/);
  assert.throws(() => layers.Equalization({ bins: 2.5 }), /bins must be a positive integer/);
});
