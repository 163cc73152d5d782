import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { RandomContrast, RandomCrop, type RandomContrastArgs, type RandomCropArgs } from "./image_adjust.js";

const { layers, models } = tf;
const vals = (t: tf.Tensor | tf.Tensor[] | tf.layers.SymbolicTensor | tf.layers.SymbolicTensor[]): number[] => Array.from((t as tf.Tensor).dataSync() as Float32Array);
const train = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { training: true }) as tf.Tensor;
const infer = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { training: false }) as tf.Tensor;

/** The layers with their uniform draws replaced by given values, recording each draw's [n, lo, hi]. */
class CropWithDraws extends RandomCrop {
  readonly draws: [number, number, number][] = [];
  constructor(args: RandomCropArgs, private readonly values: number[]) { super(args); }
  protected override uniforms(n: number, lo: number, hi: number): number[] {
    this.draws.push([n, lo, hi]);
    return this.values.splice(0, n);
  }
}
class ContrastWithDraws extends RandomContrast {
  readonly draws: [number, number, number][] = [];
  constructor(args: RandomContrastArgs, private readonly values: number[]) { super(args); }
  protected override uniforms(n: number, lo: number, hi: number): number[] {
    this.draws.push([n, lo, hi]);
    return this.values.splice(0, n);
  }
}

// Image b holds 100 b + 10 y + x, so a crop's top-left value gives its offset.
function numbered(n: number, h: number, w: number): tf.Tensor {
  const data: number[] = [];
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.push(100 * b + 10 * y + x);
  return tf.constant(data, [n, h, w, 1], "float32");
}

test("RandomCrop: one random window for the whole batch in training, drawn anew per call; a center crop-and-resize in inference", () => {
  const x = numbered(8, 5, 6);
  const offsetsOf = (y: tf.Tensor): number[] => {
    const v = vals(y);
    return Array.from({ length: 8 }, (_, b) => {
      const o = v[b * 6] - 100 * b, top = Math.floor(o / 10), left = o % 10;
      assert.ok(top >= 0 && top <= 2 && left >= 0 && left <= 4, `image ${b}: offset (${top}, ${left})`);
      assert.deepEqual(v.slice(b * 6, b * 6 + 6), [0, 1, 10, 11, 20, 21].map((d) => 100 * b + 10 * top + left + d), `image ${b} is a window`);
      return o;
    });
  };
  const crop = layers.RandomCrop(3, 2, { seed: 6 });
  const calls: number[] = [];
  for (let i = 0; i < 6; i++) {
    const y = train(crop, x);
    assert.deepEqual(y.shape, [8, 3, 2, 1]);
    const offsets = offsetsOf(y);
    assert.equal(new Set(offsets).size, 1, `call ${i}: every image of the batch has the same offset, got ${offsets}`);
    calls.push(offsets[0]);
  }
  assert.ok(new Set(calls).size > 1, `each call draws a new offset, got ${calls}`);
  const again = layers.RandomCrop(3, 2, { seed: 6 });
  assert.deepEqual(Array.from({ length: 6 }, () => offsetsOf(train(again, x))[0]), calls, "the same seed repeats the offsets");
  // An unbatched image is cropped the same way.
  const one = train(layers.RandomCrop(3, 2, { seed: 6 }), tf.slice(x, [0, 0, 0, 0], [1, 5, 6, 1]).reshape([5, 6, 1]));
  assert.deepEqual(one.shape, [3, 2, 1]);
  assert.equal(vals(one)[0], calls[0]);
  // Inference: 5x6 -> 3x2 keeps the aspect ratio 3:2 with the centered 5x3 window (columns 1..3), then resizes.
  assert.deepEqual(vals(infer(crop, x)), vals(tf.image.resize(tf.slice(x, [0, 0, 1, 0], [8, 5, 3, 1]), [3, 2])));
  assert.deepEqual(vals(infer(layers.RandomCrop(5, 6), x)), vals(x));
  // Smaller images are resized in training too.
  assert.deepEqual(train(layers.RandomCrop(7, 7), x).shape, [8, 7, 7, 1]);
  assert.deepEqual(crop.computeOutputShape([null, 5, 6, 1]), [null, 3, 2, 1]);
  assert.throws(() => layers.RandomCrop(3, -1), /RandomCrop random_crop_\d+: width must be a positive integer/);
});

// The expected values below are Keras 3.5's (torch backend) with its backend.random.uniform replaced by
// one returning the given value: keras.layers.RandomCrop(3, 2)(x, training=True) draws uniform((), 0, 3)
// for the top, then uniform((), 0, 5) for the left, and casts each to int32; RandomContrast([0.5, 0.5])
// draws one uniform((), 0.5, 1.5) per call.
test("RandomCrop with given draws equals Keras 3.5's output (batched, unbatched, inference)", () => {
  const x = numbered(3, 5, 6);
  const crop = new CropWithDraws({ height: 3, width: 2 }, [2.9, 1.2, 0.5, 4.99]);
  assert.deepEqual(vals(train(crop, x)), [21, 22, 31, 32, 41, 42, 121, 122, 131, 132, 141, 142, 221, 222, 231, 232, 241, 242]);
  assert.deepEqual(crop.draws, [[1, 0, 3], [1, 0, 5]], "one top and one left per batch");
  assert.deepEqual(vals(train(crop, tf.slice(x, [1, 0, 0, 0], [1, 5, 6, 1]).reshape([5, 6, 1]))), [104, 105, 114, 115, 124, 125]);
  assert.equal(crop.draws.length, 4);
  assertAllClose(infer(crop, x), [
    4.583333, 6.083333, 21.25, 22.75, 37.916664, 39.416668, 104.583336, 106.083336, 121.25, 122.75, 137.91666, 139.41666,
    204.58333, 206.08333, 221.25, 222.75, 237.91667, 239.41667,
  ], { atol: 1e-4 });
  assert.equal(crop.draws.length, 4, "inference draws nothing");
});

test("RandomContrast: one factor per call for every image and channel, (x - mean) * f + mean, clipped to [0, 255]", () => {
  // Images of 2x2 pixels and 3 channels, away from 0 and 255 so that nothing is clipped.
  const data = Array.from({ length: 5 * 4 * 3 }, (_, i) => 60 + ((i * 37) % 101) + Math.floor(i / 12));
  const x = tf.constant(data, [5, 2, 2, 3], "float32");
  const m = vals(tf.mean(x, [1, 2], true));
  const factorsOf = (y: tf.Tensor): number[] => {
    const v = vals(y), f: number[] = [];
    for (let i = 0; i < data.length; i++) {
      const mi = m[Math.floor(i / 12) * 3 + (i % 3)];
      if (Math.abs(data[i] - mi) > 5) f.push((v[i] - mi) / (data[i] - mi));
    }
    return f;
  };
  const layer = layers.RandomContrast(0.5, { seed: 3 });
  const calls: number[] = [];
  for (let i = 0; i < 6; i++) {
    const f = factorsOf(train(layer, x));
    assert.ok(f[0] >= 0.5 && f[0] < 1.5, `factor ${f[0]}`);
    assertAllClose(f, f.map(() => f[0]), { atol: 1e-4 });
    calls.push(f[0]);
  }
  assert.ok(new Set(calls.map((f) => f.toFixed(4))).size > 1, `each call draws a new factor, got ${calls}`);
  const again = layers.RandomContrast(0.5, { seed: 3 });
  assertAllClose(Array.from({ length: 6 }, () => factorsOf(train(again, x))[0]), calls, { atol: 1e-6 });
  // factor [0, 0] is the identity even in training.
  assert.deepEqual(vals(train(layers.RandomContrast(0), x)), vals(x));
  assert.deepEqual(layers.RandomContrast(0.2, { seed: 1 }).computeOutputShape([null, 4, 4, 3]), [null, 4, 4, 3]);
  assert.throws(() => layers.RandomContrast(-0.1), /RandomContrast random_contrast_\d+: factor cannot have negative values/);
  assert.throws(() => layers.RandomContrast([1.5, 0.2]), /factor cannot have negative values or a lower value above 1, got \[1\.5,0\.2\]/);
});

test("RandomContrast with a given factor equals Keras 3.5's output (batched, two channels, unbatched, inference)", () => {
  const x = tf.constant([10, 20, 30, 40, 100, 110, 120, 250, 5, 7, 9, 11], [3, 2, 2, 1], "float32");
  const contrast = new ContrastWithDraws({ factor: [0.5, 0.5] }, [1.4, 0.7, 1.4]);
  assertAllClose(train(contrast, x), [4, 18, 32, 46, 82, 96, 110, 255, 3.8, 6.6, 9.4, 12.2], { atol: 1e-4 });
  assert.deepEqual(contrast.draws, [[1, 0.5, 1.5]], "one factor per batch");
  const x2 = tf.constant(Array.from({ length: 16 }, (_, i) => 17 * i), [2, 2, 2, 2], "float32");
  assertAllClose(train(contrast, x2), [
    15.3, 32.3, 39.1, 56.1, 62.9, 79.9, 86.7, 103.7, 151.3, 168.3, 175.1, 192.1, 198.9, 215.9, 222.7, 239.7,
  ], { atol: 1e-4 });
  assertAllClose(train(contrast, tf.slice(x, [1, 0, 0, 0], [1, 2, 2, 1]).reshape([2, 2, 1])), [82, 96, 110, 255], { atol: 1e-4 });
  assert.equal(contrast.draws.length, 3);
  assert.deepEqual(vals(infer(contrast, x)), vals(x), "inference is the identity");
  assert.equal(contrast.draws.length, 3, "inference draws nothing");
});

test("RandomBrightness: adds factor * (high - low) per image, clipped to valueRange", () => {
  const x = tf.constant([0.1, 0.5, 0.9, 0.2, 0.4, 0.6], [2, 1, 3, 1], "float32");
  const up = layers.RandomBrightness([0.25, 0.25], { valueRange: [0, 1] });
  assert.deepEqual(vals(infer(up, x)), vals(x));
  assertAllClose(train(up, x), [0.35, 0.75, 1, 0.45, 0.65, 0.85], { atol: 1e-6 });
  const down = layers.RandomBrightness([-0.5, -0.5]);
  assertAllClose(train(down, tf.constant([200, 100], [1, 2, 1], "float32")), [72.5, 0], { atol: 1e-4 });
  const r = layers.RandomBrightness(0.3, { seed: 2 });
  assert.deepEqual(r.factor, [-0.3, 0.3]);
  const y = vals(train(r, tf.fill([2, 1, 3, 1], 100)));
  assert.notEqual(y[0], y[3], "each image draws its own delta");
  assert.throws(() => layers.RandomBrightness(1.2), /RandomBrightness random_brightness_\d+: factor must be a number in \[-1, 1\]/);
  assert.throws(() => layers.RandomBrightness(0.2, { valueRange: [1, 2, 3] as unknown as [number, number] }), /valueRange must be a pair/);
});

test("RandomCrop, RandomContrast and RandomBrightness configs use Keras' keys and round-trip through toJSON / modelFromJSON", () => {
  const m = new models.Sequential([
    layers.Input({ shape: [6, 6, 3] }),
    layers.RandomCrop(4, 4, { seed: 1 }),
    layers.RandomContrast([0.1, 0.3]),
    layers.RandomBrightness(0.2, { valueRange: [0, 1], seed: 3 }),
  ]);
  const json = JSON.parse(m.toJSON()) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const [, rc, ct, br] = json.config.layers;
  assert.deepEqual([rc.class_name, rc.config.height, rc.config.width, rc.config.seed, rc.config.data_format], ["RandomCrop", 4, 4, 1, "channels_last"]);
  assert.deepEqual([ct.class_name, ct.config.factor, ct.config.seed], ["RandomContrast", [0.1, 0.3], null]);
  assert.deepEqual([br.class_name, br.config.factor, br.config.value_range, br.config.seed], ["RandomBrightness", [-0.2, 0.2], [0, 1], 3]);
  assert.equal(models.modelFromJSON(m.toJSON()).toJSON(), m.toJSON());
  assert.deepEqual(m.outputs[0].shape, [null, 4, 4, 3]);
});
