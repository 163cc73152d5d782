import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
const vals = (t: tf.Tensor | tf.Tensor[] | tf.layers.SymbolicTensor | tf.layers.SymbolicTensor[]): number[] => Array.from((t as tf.Tensor).dataSync() as Float32Array);
const train = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { training: true }) as tf.Tensor;

test("RandomCrop: a random window per image in training; a center crop-and-resize in inference", () => {
  // Image b holds 100 b + 10 y + x, so a crop's top-left value gives its offset.
  const data: number[] = [];
  for (let b = 0; b < 8; b++) for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) data.push(100 * b + 10 * y + x);
  const x = tf.constant(data, [8, 5, 6, 1], "float32");
  const crop = layers.RandomCrop(3, 2, { seed: 6 });
  const y = train(crop, x);
  assert.deepEqual(y.shape, [8, 3, 2, 1]);
  const v = vals(y);
  const offsets = new Set<number>();
  for (let b = 0; b < 8; b++) {
    const o = v[b * 6] - 100 * b, top = Math.floor(o / 10), left = o % 10;
    assert.ok(top >= 0 && top <= 2 && left >= 0 && left <= 4, `image ${b}: offset (${top}, ${left})`);
    const want = [0, 1, 10, 11, 20, 21].map((d) => 100 * b + 10 * top + left + d);
    assert.deepEqual(v.slice(b * 6, b * 6 + 6), want, `image ${b} is a window`);
    offsets.add(o);
  }
  assert.ok(offsets.size > 1, "each image draws its own offset");
  // Inference: 5x6 -> 3x2 keeps the aspect ratio 3:2 with the centered 5x3 window (columns 1..3), then resizes.
  assert.deepEqual(vals(crop(x)), vals(tf.image.resize(tf.slice(x, [0, 0, 1, 0], [8, 5, 3, 1]), [3, 2])));
  assert.deepEqual(vals(layers.RandomCrop(5, 6)(x)), vals(x));
  // Smaller images are resized in training too.
  assert.deepEqual(train(layers.RandomCrop(7, 7), x).shape, [8, 7, 7, 1]);
  assert.deepEqual(crop.computeOutputShape([null, 5, 6, 1]), [null, 3, 2, 1]);
  assert.throws(() => layers.RandomCrop(3, -1), /RandomCrop random_crop_\d+: width must be a positive integer/);
});

test("RandomContrast: (x - mean) * f + mean per image and channel, clipped to [0, 255]", () => {
  const x = tf.constant([10, 20, 30, 40, 100, 110, 120, 250], [2, 2, 2, 1], "float32");
  const fixed = layers.RandomContrast([0.5, 0.5], { seed: 1 });
  assert.deepEqual(vals(fixed(x)), vals(x), "inference is the identity");
  // factor [0.5, 0.5] draws f in [0.5, 1.5]: check against the formula with the factor recovered from image 0.
  const y = vals(train(fixed, x));
  const f0 = (y[0] - 25) / (10 - 25), f1 = (y[4] - 145) / (100 - 145);
  for (const f of [f0, f1]) assert.ok(f >= 0.5 && f <= 1.5, `factor ${f}`);
  assertAllClose(y.slice(0, 4), [10, 20, 30, 40].map((v) => (v - 25) * f0 + 25), { atol: 1e-4 });
  assertAllClose(y.slice(4), [100, 110, 120, 250].map((v) => Math.min(255, Math.max(0, (v - 145) * f1 + 145))), { atol: 1e-4 });
  assert.notEqual(f0, f1, "each image draws its own factor");
  // factor [0, 0] is the identity even in training.
  assert.deepEqual(vals(train(layers.RandomContrast(0), x)), vals(x));
  assert.throws(() => layers.RandomContrast(-0.1), /RandomContrast random_contrast_\d+: factor cannot have negative values/);
  assert.throws(() => layers.RandomContrast([1.5, 0.2]), /factor cannot have negative values or a lower value above 1, got \[1\.5,0\.2\]/);
});

test("RandomBrightness: adds factor * (high - low) per image, clipped to valueRange", () => {
  const x = tf.constant([0.1, 0.5, 0.9, 0.2, 0.4, 0.6], [2, 1, 3, 1], "float32");
  const up = layers.RandomBrightness([0.25, 0.25], { valueRange: [0, 1] });
  assert.deepEqual(vals(up(x)), vals(x));
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
