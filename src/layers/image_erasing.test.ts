import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { vals, train, infer, nchw } from "../testing/image_layers.js";
import { forceDraws } from "../testing/forced_draws.js";
import { RandomErasing } from "./image_erasing.js";

const { layers } = tf;

test("RandomErasing: Keras' defaults and config keys", () => {
  const e = new RandomErasing();
  assert.deepEqual([e.factor, e.scale, e.fillValue, e.valueRange, e.dataFormat], [[0, 1], [0.02, 0.33], null, [0, 255], "channels_last"]);
  const c = layers.RandomErasing(0.5, { scale: 0.2, fillValue: [1, 2, 3], valueRange: [0, 1], seed: 2 }).getConfig();
  assert.deepEqual(Object.keys(c).sort(), ["data_format", "dtype", "factor", "fill_value", "name", "scale", "seed", "trainable", "value_range"]);
  assert.deepEqual([c.factor, c.scale, c.fill_value, c.value_range, c.seed], [[0, 0.5], [0, 0.2], [1, 2, 3], [0, 1], 2]);
  assert.deepEqual((RandomErasing.fromConfig(c) as RandomErasing).getConfig(), c);
});

// Keras 3.15's RandomErasing with the draws given; images [3, 4, 5, 3] = np.arange(180) % 200 + 20:
//   sides = [[0.25, 0.49], [0.64, 0.09], [1, 1]]; ux = [0.5, 0.9, 0]; uy = [0, 0.5, 0]
//   prob = [0.7, 0.7, 0.2]; thr = [0.1, 0.5, 0.6]; s = sqrt(sides)
//   crop = (s[:, 0] * W).astype(f32); x0 = ux * (W - crop); x1 = x0 + crop   (y: s[:, 1], H, uy)
//   mask = (gx >= x0) & (gx < x1) & (gy >= y0) & (gy < y1); apply = thr < prob
//   np.argwhere(apply & mask) -> (b, y, x) below; erased pixels take clip(fill_value, 0, 255)
const ERASED: [number, number, number][] = [[0, 0, 2], [0, 0, 3], [0, 1, 2], [0, 1, 3], [0, 2, 2], [0, 2, 3], [1, 2, 1], [1, 2, 2], [1, 2, 3], [1, 2, 4]];
const DRAWS = [0.25, 0.49, 0.64, 0.09, 1, 1, 0.5, 0.9, 0, 0, 0.5, 0, 0.7, 0.7, 0.2, 0.1, 0.5, 0.6];

function expected(input: number[], fill: number[]): number[] {
  const out = [...input];
  for (const [b, y, x] of ERASED) for (let c = 0; c < 3; c++) out[((b * 4 + y) * 5 + x) * 3 + c] = fill[c];
  return out;
}

test("RandomErasing with given draws equals Keras' formula (a number or one value per channel, clipped to valueRange)", () => {
  const x = tf.add(tf.mod(tf.range(0, 180, 1, "float32"), 200), 20).reshape([3, 4, 5, 3]);
  const input = vals(x);
  const e = new RandomErasing({ fillValue: 300 });
  const calls = forceDraws(e, { uniforms: [...DRAWS] });
  assert.deepEqual(vals(train(e, x)), expected(input, [255, 255, 255]));
  assert.deepEqual(calls, ["uniform 6 [0.02, 0.33)", "uniform 3 [0, 1)", "uniform 3 [0, 1)", "uniform 3 [0, 1)", "uniform 3 [0, 1)"],
    "Keras' draws: two side fractions per image, the box starts, the probabilities, the thresholds");
  const rgb = new RandomErasing({ fillValue: [10, -5, 260], scale: [0.1, 0.2], factor: [0.5, 1] });
  const rgbCalls = forceDraws(rgb, { uniforms: [...DRAWS] });
  const labels = tf.constant([1, 2, 3], [3], "int32");
  const out = rgb({ images: x, labels });
  assert.deepEqual(vals(out.images), expected(input, [10, 0, 255]));
  assert.equal(out.labels, labels, "labels pass through");
  assert.deepEqual(rgbCalls.slice(0, 1).concat(rgbCalls.slice(3, 4)), ["uniform 6 [0.1, 0.2)", "uniform 3 [0.5, 1)"]);
});

test("RandomErasing: a single image as a batch of one; channels_first equals channels_last transposed; inference is the identity", () => {
  const x = tf.add(tf.mod(tf.range(0, 180, 1, "float32"), 200), 20).reshape([3, 4, 5, 3]);
  const one = new RandomErasing({ fillValue: 0 });
  forceDraws(one, { uniforms: [0.64, 0.09, 0.9, 0.5, 0.7, 0.5] });
  const image = tf.slice(x, [1, 0, 0, 0], [1, 4, 5, 3]);
  const single = train(one, image.reshape([4, 5, 3]));
  assert.deepEqual(single.shape, [4, 5, 3]);
  assert.deepEqual(vals(single), expected(vals(x), [0, 0, 0]).slice(60, 120), "image 1's box, erased with 0");
  const noise = { seed: 4, scale: [0.3, 0.33] as [number, number] };
  const last = train(new RandomErasing(noise), x);
  const first = train(new RandomErasing({ ...noise, dataFormat: "channels_first" }), nchw(x));
  assert.deepEqual(vals(first), vals(nchw(last)));
  const e = new RandomErasing({ seed: 1 });
  const calls = forceDraws(e, {});
  assert.deepEqual(vals(infer(e, x)), vals(x));
  assert.deepEqual(calls, []);
  assert.deepEqual(layers.RandomErasing().computeOutputShape([null, 8, 8, 3]), [null, 8, 8, 3]);
});

test("RandomErasing's default fill is normal noise times the range's top, clipped; factor [1, 1] erases every image, seeds repeat", () => {
  const x = tf.fill([40, 16, 16, 1], 100);
  const e = layers.RandomErasing([1, 1], { scale: [0.25, 0.25], seed: 6 });
  const y = vals(train(e, x));
  for (let b = 0; b < 40; b++) {
    const px = y.slice(b * 256, (b + 1) * 256).filter((v) => v !== 100);
    // A box of half the width and half the height: 8 x 8, or 9 x 9 at a fractional place.
    assert.ok(px.length >= 60 && px.length <= 81, `image ${b}: ${px.length} erased pixels`);
  }
  const erased = y.filter((v) => v !== 100);
  assert.ok(erased.every((v) => v >= 0 && v <= 255), "clipped to [0, 255]");
  const zeros = erased.filter((v) => v === 0).length / erased.length, tops = erased.filter((v) => v === 255).length / erased.length;
  // N(0, 1) * 255 clipped: half at 0, P(z > 1) = 0.159 at 255.
  assert.ok(Math.abs(zeros - 0.5) < 0.05 && Math.abs(tops - 0.159) < 0.04, `shares at 0: ${zeros}, at 255: ${tops}`);
  assert.deepEqual(vals(train(layers.RandomErasing([1, 1], { scale: [0.25, 0.25], seed: 6 }), x)), y);
  // The default factor [0, 1] erases each image with probability 1/2 on average.
  const half = vals(train(layers.RandomErasing({ fillValue: 0, seed: 3 }), tf.fill([200, 4, 4, 1], 100)));
  const hit = Array.from({ length: 200 }, (_, b) => half.slice(b * 16, (b + 1) * 16).some((v) => v === 0)).filter(Boolean).length;
  assert.ok(hit > 70 && hit < 130, `${hit} of 200 images erased`);
});

test("RandomErasing refuses bad arguments with errors that name the layer and the fix", () => {
  assert.throws(() => layers.RandomErasing(2), /RandomErasing random_erasing_\d+: factor must be a number in \[0, 1\] .*got 2/);
  assert.throws(() => layers.RandomErasing({ scale: [0.1, 1.5] }), /scale must be a number in \[0, 1\] .*got \[0\.1,1\.5\]; e\.g\. layers\.RandomErasing\(\{ scale: \[0\.02, 0\.33\] \}\)/);
  assert.throws(() => layers.RandomErasing({ fillValue: [1, 2] as unknown as number }), /fillValue must be a number, three numbers .* got \[1,2\]/);
  assert.throws(() => layers.RandomErasing({ valueRange: [0] as unknown as [number, number] }), /valueRange must be a pair/);
  const rgb = layers.RandomErasing([1, 1], { fillValue: [1, 2, 3] });
  assert.throws(() => train(rgb, tf.zeros([1, 4, 4, 1])), /fillValue \[1,2,3\] has one value per channel of RGB images, but the images have 1 channels/);
  assert.throws(() => rgb({ images: tf.zeros([1, 4, 4, 3]), segmentation_masks: tf.zeros([1, 4, 4, 1]) }), /segmentation masks .* are not supported/);
});
