import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { vals, train, infer } from "../testing/image_layers.js";
import { assertAllClose } from "../testing/close.js";
import { scripted } from "../testing/forced_draws.js";
import { RandomSharpness } from "./image_sharpness.js";

/*
 * Reference values: numpy (/usr/bin/python3) computing Keras 3.15.1's RandomSharpness
 * (keras/src/layers/preprocessing/image_preprocessing/random_sharpness.py):
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
 * # --- sharpness.py ---
 * from common import *
 * x = img()
 * # RandomSharpness, factor (f, f): x + (1 - 2 f) (smooth(x) - x), smooth a zero-padded 3x3 depthwise filter
 * def sharp(x, f, vr):
 *     k = (np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]]) / 13).astype(f32)
 *     p = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))); H, W = x.shape[1:3]
 *     sm = sum(k[i, j] * p[:, i:i + H, j:j + W, :] for i in range(3) for j in range(3))
 *     return np.clip(x + (f32(1) - f32(f) * f32(2)) * (sm - x), vr[0], vr[1])
 * out("sharp02", sharp(x, 0.2, (0, 255)))
 * out("sharp09", sharp(x, 0.9, (0, 255)))
 */

const { layers } = tf;
/** The test image, as common.py's img(): [2, 3, 4, 3] with values (53 i + 7) mod 256. */
const img = (): tf.Tensor => tf.constant(Array.from({ length: 72 }, (_, i) => (i * 53 + 7) % 256), [2, 3, 4, 3], "float32");

test("RandomSharpness: x + (1 - 2f) (smooth(x) - x) with Keras' zero-padded 3x3 smoothing, clipped to valueRange", () => {
  const x = img();
  assertAllClose(train(layers.RandomSharpness([0.2, 0.2]), x), [
    19.69231, 60.46154, 89.41539, 124.7385, 170.4, 42.76923, 76.61539, 110.4615, 132.4923, 160.3385, 39.63077, 68.58462, 111.2462,
    145.0923, 167.1231, 69.44616, 110.6308, 128.1846, 169.3692, 198.7385, 66.63077, 96.13847, 118.1692, 152.0154, 175.7538, 55.04615,
    84, 130.7692, 164.6154, 36.98462, 70.83076, 104.6769, 126.7077, 154.9231, 34.21539, 63.16923, 97.10769, 126.0615, 155.0154,
    51.38462, 85.23077, 107.2615, 141.1077, 174.9538, 47.32308, 76.27692, 105.2308, 134.1846, 175.7385, 59.92308, 93.76923, 138.1846,
    179.3692, 47.26154, 76.63077, 117.8154, 135.3692, 160.6308, 44.81538, 66.84615, 91.69231, 120.6462, 149.6, 45.6, 79.44615,
    101.4769, 135.3231, 169.1692, 41.53846, 70.86154, 99.81538, 128.7692
  ], { rtol: 1e-6, atol: 1e-4 });
  assertAllClose(train(layers.RandomSharpness([0.9, 0.9]), x), [
    0, 59.38461, 144.4462, 221.0154, 255, 0, 58.84615, 137.3846, 231.6769, 255, 5.492304, 90.55385, 157.3385, 235.8769, 255, 0,
    55.49229, 155.7538, 224.5077, 255, 11.49231, 95.81538, 190.1077, 255, 255, 47.93846, 133, 194.3077, 255, 0, 47.89231, 126.4308,
    220.7231, 255, 0, 79.1077, 157.5231, 242.5846, 255, 0, 70.69231, 164.9846, 243.5231, 255, 18.56923, 103.6308, 188.6923, 255, 255,
    22.76923, 101.3077, 165.7538, 234.5077, 0, 21.49231, 90.24615, 190.5077, 255, 0, 55.53846, 146.0769, 231.1385, 255, 0, 59.73846,
    154.0308, 232.5692, 255, 7.615385, 92.18462, 177.2462, 255
  ], { rtol: 1e-6, atol: 1e-4 });
  assertAllClose(train(layers.RandomSharpness([0.5, 0.5]), x), x, { atol: 1e-4 });
  assert.deepEqual(vals(infer(layers.RandomSharpness(0.5), x)), vals(x), "inference is the identity");
  // One factor per image: image 0 gets 0.2's result, image 1 0.9's.
  const s = scripted(new RandomSharpness({ factor: 0.7 }), [0.2, 0.9]);
  const y = vals(train(s, x));
  assert.deepEqual(s.draws, [[2, 0, 0.7]], "a number f draws from [0, f]");
  assertAllClose(y.slice(0, 36), vals(train(layers.RandomSharpness([0.2, 0.2]), x)).slice(0, 36), { atol: 0 });
  assertAllClose(y.slice(36), vals(train(layers.RandomSharpness([0.9, 0.9]), x)).slice(36), { atol: 0 });
  assert.ok(vals(train(layers.RandomSharpness([1, 1], { valueRange: [0, 1] }), tf.div(x, 255))).every((v) => v >= 0 && v <= 1));
  assert.throws(() => layers.RandomSharpness(1.5), /RandomSharpness random_sharpness(_\d+)?: factor must be a number in \[0, 1\] or a pair \[lower, upper\] within it, got 1\.5; e\.g\. layers\.RandomSharpness\(0\.5\)/);
  assert.throws(() => new tf.layers.classes.RandomSharpness({}), /factor is required \(Keras has no default\)/);
});
