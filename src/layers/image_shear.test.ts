import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { vals, train, infer, nchw, numbered } from "../testing/image_layers.js";
import { forceDraws } from "../testing/forced_draws.js";
import { RandomShear } from "./image_shear.js";

const { layers } = tf;

test("RandomShear: Keras' defaults and config keys", () => {
  const s = new RandomShear();
  assert.deepEqual([s.xFactor, s.yFactor, s.fillMode, s.interpolation, s.fillValue, s.dataFormat], [[-0, 0], [-0, 0], "reflect", "bilinear", 0, "channels_last"]);
  const c = layers.RandomShear(0.2, [0.1, 0.3], { fillMode: "constant", fillValue: 5, interpolation: "nearest", seed: 1 }).getConfig();
  assert.deepEqual(Object.keys(c).sort(), ["data_format", "dtype", "fill_mode", "fill_value", "interpolation", "name", "seed", "trainable", "x_factor", "y_factor"]);
  assert.deepEqual([c.x_factor, c.y_factor, c.fill_mode, c.fill_value, c.interpolation, c.seed], [[-0.2, 0.2], [0.1, 0.3], "constant", 5, "nearest", 1]);
  // Keras writes x_factor 0.2 as [-0.2, 0.2]: that pair is taken back.
  assert.deepEqual((RandomShear.fromConfig(c) as RandomShear).getConfig(), c);
});

// Keras 3.15's RandomShear with the draws given: invert = where(u > 0.5, -1, 1) for u = [0.7, 0.2];
// shear_y = [0.1, 0.25], shear_x = [0.3, 0.6]; transform [1, sx, 0, sy, 1, 0, 0, 0] per image, i.e.
// output (x, y) reads input (x + sx y, y + sy x). numpy, images [2, 4, 5, 1] = 100 b + 10 y + x:
//   nearest: out[y, x] = img[round(y + sy x), round(x + sx y)], or fill_value (-1) outside (TF's "constant")
//   bilinear, fill "nearest": coordinates clamped to the image, then bilinear between the four neighbours
test("RandomShear with given draws equals Keras' shear matrix (nearest/constant and bilinear/nearest)", () => {
  const x = numbered(2, 4, 5);
  const nearest = new RandomShear({ xFactor: [0.3, 0.6], yFactor: [0.1, 0.3], interpolation: "nearest", fillMode: "constant", fillValue: -1 });
  const calls = forceDraws(nearest, { uniforms: [0.7, 0.2, 0.1, 0.25, 0.3, 0.6] });
  const labels = tf.constant([3, 4], [2], "int32");
  const out = nearest({ images: x, labels });
  assert.deepEqual(vals(out.images), [
    0, 1, 2, 3, 4, 10, 11, 12, 13, 14, -1, 20, 21, 22, 23, -1, 30, 31, 32, 33,
    100, 101, 112, 113, 114, 111, 112, 123, 124, -1, 121, 122, 133, 134, -1, 132, 133, -1, -1, -1,
  ]);
  assert.equal(out.labels, labels);
  assert.deepEqual(calls, ["uniform 2 [0, 1)", "uniform 2 [0.1, 0.3)", "uniform 2 [0.3, 0.6)"], "Keras' draws: the sign flips, then y, then x, per image");
  const bilinear = new RandomShear({ xFactor: 1, yFactor: 1, fillMode: "nearest" });
  forceDraws(bilinear, { uniforms: [0.7, 0.2, 0.1, 0.25, 0.3, 0.6] });
  assertAllClose(train(bilinear, x), [
    0, 1, 2, 3, 4, 10, 9.7, 9.7, 9.7, 9.7, 20, 19.4, 19.4, 19.4, 19.4, 30, 29.1, 29.1, 29.1, 29.1,
    100, 103.5, 107, 110.5, 114, 110.6, 114.1, 117.6, 121.1, 124, 121.2, 124.7, 128.2, 131.5, 134, 131.8, 132.8, 133.8, 134, 134,
  ], { atol: 1e-4 });
});

test("RandomShear: zero factors and inference are the identity; single image vs batch; channels_first equals channels_last transposed", () => {
  const x = numbered(3, 4, 5);
  assert.deepEqual(vals(train(layers.RandomShear(), x)), vals(x), "factor ranges of zero width at 0");
  const s = layers.RandomShear(0.5, 0.5, { seed: 3 });
  assert.deepEqual(vals(infer(s, x)), vals(x));
  const one = new RandomShear({ xFactor: 0.5, interpolation: "nearest" });
  forceDraws(one, { uniforms: [0.2, 0, 0.5, 0.2, 0, 0.5] });
  const image = tf.slice(x, [1, 0, 0, 0], [1, 4, 5, 1]);
  assert.deepEqual(vals(train(one, image.reshape([4, 5, 1]))), vals(train(one, image)));
  const rgb = tf.concat([x, tf.mul(x, 2), tf.add(x, 1)], 3);
  const last = train(layers.RandomShear(0.4, 0.3, { seed: 5 }), rgb);
  assertAllClose(train(layers.RandomShear(0.4, 0.3, { seed: 5, dataFormat: "channels_first" }), nchw(rgb)), vals(nchw(last)), { atol: 1e-4 });
  assert.notDeepEqual(vals(last), vals(rgb));
  assert.deepEqual(vals(train(layers.RandomShear(0.4, 0.3, { seed: 5 }), rgb)), vals(last), "the same seed repeats the shears");
});

test("RandomShear refuses bad arguments with errors that name the layer and the fix", () => {
  assert.throws(() => layers.RandomShear(1.5), /RandomShear random_shear_\d+: xFactor must be a number in \[0, 1\] .*got 1\.5; e\.g\. layers\.RandomShear\(\{ xFactor: 0\.2 \}\)/);
  assert.throws(() => layers.RandomShear(-0.2), /xFactor must be a number in \[0, 1\]/);
  assert.throws(() => layers.RandomShear(0, [0, 2]), /yFactor must be .* got \[0,2\]/);
  assert.throws(() => layers.RandomShear(0.1, 0.1, { fillMode: "mirror" as tf.layers.FillMode }), /RandomShear random_shear_\d+: fillMode "mirror" is not supported; use "reflect", "wrap", "constant" or "nearest"/);
  assert.throws(() => layers.RandomShear(0.1, 0.1, { interpolation: "bicubic" as "bilinear" }), /interpolation "bicubic" is not supported/);
  const s = layers.RandomShear(0.1);
  assert.throws(() => s({ images: tf.zeros([1, 4, 4, 1]), bounding_boxes: {} }), /RandomShear random_shear_\d+: bounding boxes .* are not supported/);
  assert.throws(() => s.apply({ images: tf.zeros([1, 4, 4, 1]) } as unknown as tf.Tensor), /apply takes tensors/);
});
