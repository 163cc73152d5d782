import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";

// Expected values from PyTorch 1.13 (Debian's python3-torch), whose align_corners=False bilinear and
// "nearest-exact" modes follow the same half-pixel-centers rule as TF2's tf.image.resize:
//   x = torch.arange(6.).reshape(1, 1, 2, 3)
//   F.interpolate(x, size=(3, 5), mode="bilinear", align_corners=False)
//   F.interpolate(torch.arange(16.).reshape(1, 1, 4, 4), size=(2, 3), mode="bilinear", align_corners=False)
//   F.interpolate(x, size=(4, 5), mode="nearest-exact")
const UP = [0, 0.4, 1, 1.6, 2, 1.5, 1.9, 2.5, 3.1, 3.5, 3, 3.4, 4, 4.6, 5];
const DOWN = [2.1666666666666665, 3.5, 4.833333333333333, 10.166666666666668, 11.5, 12.833333333333334];
const NEAREST = [0, 0, 1, 2, 2, 0, 0, 1, 2, 2, 3, 3, 4, 5, 5, 3, 3, 4, 5, 5];

test("image.resize matches the half-pixel-centers reference (bilinear up and down, nearest)", () => {
  const x = tf.reshape(tf.range(6, undefined, 1, "float32"), [2, 3, 1]);
  const up = tf.image.resize(x, [3, 5]);
  assert.deepEqual(up.shape, [3, 5, 1]);
  assertAllClose(up, UP, { rtol: 0, atol: 1e-5, what: "bilinear up" });
  assertAllClose(tf.image.resize(tf.reshape(tf.range(16, undefined, 1, "float32"), [1, 4, 4, 1]), [2, 3]), DOWN, { rtol: 0, atol: 1e-5, what: "bilinear down" });
  const near = tf.image.resize(tf.reshape(tf.range(6), [1, 2, 3, 1]), [4, 5], { method: "nearest" });
  assert.equal(near.dtype, "int32");
  assertAllClose(near, NEAREST, { rtol: 0, atol: 1e-5, what: "nearest" });
  assert.throws(() => tf.image.resize(tf.ones([4, 4]), [2, 2]), /image.resize: images must be/);
  assert.throws(() => tf.image.resize(tf.ones([4, 4, 1]), [2, 2], { method: "gaussian" as never }), /not supported/);
});

test("image.resize is differentiable", () => {
  const x = tf.random.normal([1, 3, 4, 2], 0, 1, { dtype: "float64", seed: 1 });
  checkGradients((t) => tf.image.resize(t, [5, 3]), [x]);
});

test("image.rgbToGrayscale uses TF's luma weights and keeps integer dtypes, truncating as Keras 3.5's cast back does", () => {
  const rgb = tf.constant([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]], "uint8");
  const gray = tf.image.rgbToGrayscale(rgb);
  assert.deepEqual(gray.shape, [1, 4, 1]);
  assert.equal(gray.dtype, "uint8");
  // 255*0.2989 = 76.2, 255*0.587 = 149.7, 255*0.114 = 29.1, 10*.2989 + 20*.587 + 30*.114 = 18.15: cast to uint8 truncates
  assert.deepEqual([...gray.dataSync()], [76, 149, 29, 18]);
  // White weighs 255 * 0.9999 = 254.97, which Keras' cast also truncates to 254.
  assert.deepEqual([...tf.image.rgbToGrayscale(tf.constant([[255, 255, 255]], "uint8")).dataSync()], [254]);
  const f = tf.image.rgbToGrayscale(tf.constant([[0.5, 0.5, 0.5]], "float32"));
  assert.ok(Math.abs(f.item() - 0.49995) < 1e-6);
  assert.throws(() => tf.image.rgbToGrayscale(tf.ones([2, 2])), /3 channels/);
});
