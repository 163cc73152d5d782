import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { vals, train, infer, nchw, numbered } from "../testing/image_layers.js";
import { forceDraws, recordDraws } from "../testing/forced_draws.js";
import { CutMix, MixUp } from "./image_mixing.js";

const { layers, models } = tf;

// ---------------------------------------------------------------- MixUp

test("MixUp: Keras' defaults and config keys", () => {
  const m = new MixUp();
  assert.equal(m.alpha, 0.2);
  assert.equal(m.dataFormat, "channels_last");
  assert.equal(m.seed, null);
  const c = layers.MixUp(0.4, { seed: 3, name: "mix" }).getConfig();
  assert.deepEqual(Object.keys(c).sort(), ["alpha", "data_format", "dtype", "name", "seed", "trainable"]);
  assert.deepEqual([c.alpha, c.seed, c.data_format], [0.4, 3, "channels_last"]);
  const back = MixUp.fromConfig(c) as MixUp;
  assert.deepEqual(back.getConfig(), c);
});

// Keras 3.15's MixUp (transform_images, transform_labels) with the permutation and weights given:
//   x = (np.arange(24, dtype=f32) * 3 + 1).reshape(3, 2, 2, 2); labels = np.eye(3, dtype=f32)[[0, 2, 1]]
//   perm = [2, 0, 1]; w = np.array([0.25, 0.6, 0.9], f32)
//   images = w[:, None, None, None] * x + (1 - w[:, None, None, None]) * x[perm]
//   labels = w[:, None] * labels + (1 - w[:, None]) * labels[perm]
test("MixUp with a given permutation and weights equals Keras' formula, for images and labels alike", () => {
  const x = tf.add(tf.mul(tf.range(0, 24, 1, "float32"), 3), 1).reshape([3, 2, 2, 2]);
  const labels = tf.constant([1, 0, 0, 0, 0, 1, 0, 1, 0], [3, 3], "float32");
  const mix = new MixUp({ alpha: 0.3 });
  const calls = forceDraws(mix, { permutations: [[2, 0, 1], [2, 0, 1]], betas: [0.25, 0.6, 0.9, 0.25, 0.6, 0.9] });
  const out = mix({ images: x, labels });
  assert.deepEqual(Object.keys(out).sort(), ["images", "labels"]);
  const images = [
    37, 40, 43, 46, 49, 52, 55, 58, 15.4, 18.4, 21.4, 24.4, 27.4, 30.4, 33.4, 36.4, 46.6, 49.6, 52.6, 55.6, 58.6, 61.6, 64.6, 67.6,
  ];
  assertAllClose(out.images, images, { atol: 1e-4 });
  assertAllClose(out.labels as tf.Tensor, [0.25, 0.75, 0, 0.4, 0, 0.6, 0, 0.9, 0.1], { atol: 1e-6 });
  assert.deepEqual(calls, ["permutation 3", "beta 3 (0.3, 0.3)"], "as Keras: the permutation, then one weight per image");
  // The images alone are mixed the same way.
  assertAllClose(train(mix, x), images, { atol: 1e-4 });
  // Integer one-hot labels are mixed in float32.
  const intOut = new MixUp();
  forceDraws(intOut, { permutations: [[1, 0]], betas: [0.75, 0.5] });
  const o = intOut({ images: tf.zeros([2, 1, 1, 1]), labels: tf.constant([[1, 0], [0, 1]], [2, 2], "int32") });
  assert.equal((o.labels as tf.Tensor).dtype, "float32");
  assertAllClose(o.labels as tf.Tensor, [0.75, 0.25, 0.5, 0.5], { atol: 1e-7 });
});

test("MixUp: inference is the identity and draws nothing; a single image is mixed with itself; other keys pass through", () => {
  const x = numbered(3, 2, 3);
  const y = tf.constant([1, 0, 0, 1, 1, 0], [3, 2], "float32");
  const mix = new MixUp({ seed: 1 });
  const calls = forceDraws(mix, {});
  assert.deepEqual(vals(infer(mix, x)), vals(x));
  const out = mix({ images: x, labels: y, weights: "kept" }, { training: false });
  assert.deepEqual(vals(out.images), vals(x));
  assert.equal(out.labels, y, "the labels object itself");
  assert.equal(out.weights, "kept");
  assert.deepEqual(calls, []);
  // Keras mixes an unbatched image as a batch of one: with itself.
  const one = new MixUp({ seed: 2 });
  const single = one({ images: tf.slice(x, [1, 0, 0, 0], [1, 2, 3, 1]).reshape([2, 3, 1]), labels: tf.constant([0, 1], [2], "float32") });
  assert.deepEqual(single.images.shape, [2, 3, 1]);
  assertAllClose(single.images, vals(x).slice(6, 12), { atol: 1e-4 });
  assertAllClose(single.labels as tf.Tensor, [0, 1], { atol: 1e-7 });
});

test("MixUp: the weights are Beta(alpha, alpha) per image (mean 1/2, variance 1/(4 (2 alpha + 1))); seeded calls repeat", () => {
  const mix = new MixUp({ alpha: 0.2, seed: 11 });
  const weights = recordDraws(mix, "betas");
  const x = tf.zeros([64, 1, 1, 1]);
  for (let i = 0; i < 100; i++) train(mix, x);
  const w = weights.flat();
  assert.equal(w.length, 6400);
  const mean = w.reduce((s, v) => s + v, 0) / w.length;
  const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
  // Beta(0.2, 0.2): variance 1 / 5.6 = 0.1786, so the mean's standard error is 0.0053.
  assert.ok(Math.abs(mean - 0.5) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 5.6) < 0.02, `variance ${variance}`);
  assert.ok(w.every((v) => v >= 0 && v <= 1));
  // Each mixed image lies between its own value and its partner's.
  const imgs = tf.range(0, 8, 1, "float32").reshape([8, 1, 1, 1]);
  const a = new MixUp({ seed: 5 }), b = new MixUp({ seed: 5 });
  const first = vals(train(a, imgs)), second = vals(train(a, imgs));
  assert.deepEqual(vals(train(b, imgs)), first, "the same seed repeats the draws");
  assert.notDeepEqual(second, first, "each call draws anew");
  assert.ok(first.every((v) => v >= 0 && v <= 7));
});

test("MixUp: channels_first equals channels_last transposed; symbolic use keeps the shape", () => {
  const x = numbered(4, 2, 3);
  const rgb = tf.concat([x, tf.mul(x, 2), tf.add(x, 1)], 3);
  const last = train(new MixUp({ seed: 7 }), rgb);
  const first = train(new MixUp({ seed: 7, dataFormat: "channels_first" }), nchw(rgb));
  assert.deepEqual(vals(first), vals(nchw(last)));
  const input = layers.Input({ shape: [2, 3, 3] });
  const out = layers.MixUp()(input);
  assert.deepEqual(out.shape, [null, 2, 3, 3]);
  const model = new models.Model({ inputs: input, outputs: out });
  assert.deepEqual(vals(model.predict(rgb)), vals(rgb), "predict runs in inference");
});

test("MixUp refuses bad arguments and inputs with errors that name the layer and the fix", () => {
  assert.throws(() => layers.MixUp(0), /MixUp mix_up_\d+: alpha must be a number > 0 .*got 0; e\.g\. layers\.MixUp\(0\.2\)/);
  assert.throws(() => layers.MixUp(-1), /alpha must be a number > 0/);
  assert.throws(() => layers.MixUp({ alpha: 0.2, factor: 1 } as unknown as tf.layers.MixUpArgs), /factor/);
  const mix = layers.MixUp({ seed: 1 });
  const x = tf.zeros([3, 2, 2, 1]);
  assert.throws(() => mix({ images: x, labels: tf.constant([0, 1, 2], [3], "int32") }), /MixUp mix_up_\d+: labels must be one-hot \(or soft\) labels \[3, classes\] for 3 images, got shape \(3,\); .*toCategorical/);
  assert.throws(() => mix({ images: x, labels: tf.zeros([2, 4]) }), /labels must be one-hot .*got shape \(2, 4\)/);
  assert.throws(() => mix({ images: x, bounding_boxes: {} }), /MixUp mix_up_\d+: bounding boxes \(the "bounding_boxes" key\) are not supported/);
  assert.throws(() => mix({ images: x, segmentation_masks: x }), /segmentation masks \(the "segmentation_masks" key\) are not supported/);
  assert.throws(() => mix({ labels: x } as unknown as tf.layers.ImageLabelDict), /a dict input needs an "images" tensor/);
  const input = layers.Input({ shape: [2, 2, 1] });
  assert.throws(() => mix({ images: input as unknown as tf.Tensor }), /MixUp mix_up_\d+: a \{ images, labels \} object is taken on tensors only .* not on symbolic inputs/);
  assert.throws(() => mix.apply({ images: x } as unknown as tf.Tensor), /apply takes tensors; call the layer itself on a \{ images, labels \} object/);
  assert.throws(() => train(mix, tf.zeros([2, 2])), /MixUp mix_up_\d+: expects images of rank 3 .* got shape \(2, 2\)/);
});

// ---------------------------------------------------------------- CutMix

test("CutMix: Keras' defaults and config keys", () => {
  const c = new CutMix();
  assert.deepEqual(c.factor, [0, 1]);
  assert.deepEqual(layers.CutMix(0.4).factor, [0, 0.4]);
  assert.deepEqual(layers.CutMix([0.9, 0.3]).factor, [0.3, 0.9]);
  const config = layers.CutMix([0.2, 0.8], { seed: 4 }).getConfig();
  assert.deepEqual(Object.keys(config).sort(), ["data_format", "dtype", "factor", "name", "seed", "trainable"]);
  assert.deepEqual([config.factor, config.seed], [[0.2, 0.8], 4]);
  assert.deepEqual((CutMix.fromConfig(config) as CutMix).getConfig(), config);
});

// Keras 3.15's CutMix with the draws given (images [2, 4, 5, 1] holding 100 b + 10 y + x):
//   lam = [0.64, 0.19]; ux = [0.5, 0]; uy = [0.25, 1]; perm = [1, 0]; ratio = sqrt(1 - lam)
//   crop = (ratio * L).astype(f32); start = u * (L - crop); end = start + crop     (x with W = 5, y with H = 4)
//   mask = (gx >= x0) & (gx < x1) & (gy >= y0) & (gy < y1); images = where(mask, x[perm], x)
//   weights = 1 - (x1 - x0) * (y1 - y0) / (W * H); labels = weights * labels + (1 - weights) * labels[perm]
test("CutMix with given draws equals Keras' formula: the box from the partner image, labels by the area left", () => {
  const x = numbered(2, 4, 5);
  const cut = new CutMix({ factor: [0.2, 0.6] });
  const calls = forceDraws(cut, { uniforms: [0.5, 0.5, 0, 0.25, 1], betas: [0.64, 0.19], permutations: [[1, 0]] });
  const out = cut({ images: x, labels: tf.constant([[1, 0], [0, 1]], [2, 2], "float32") });
  assert.deepEqual(vals(out.images), [
    0, 1, 2, 3, 4, 10, 111, 112, 113, 14, 20, 121, 122, 123, 24, 30, 31, 32, 33, 34,
    100, 101, 102, 103, 104, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34,
  ]);
  assertAllClose(out.labels as tf.Tensor, [0.64, 0.36, 0.81, 0.19], { atol: 1e-6 });
  assert.deepEqual(calls, [
    "uniform 1 [0.2, 0.6)", `beta 2 (${0.5 + 1e-6}, ${0.5 + 1e-6})`, "uniform 2 [0, 1)", "uniform 2 [0, 1)", "permutation 2",
  ], "Keras' draws: alpha per call, one weight and one box place per image, then the permutation");
});

test("CutMix: inference and single images are left as they are; the label weight is the share of pixels kept", () => {
  const x = numbered(3, 4, 4);
  const cut = new CutMix({ seed: 1 });
  const calls = forceDraws(cut, {});
  assert.deepEqual(vals(infer(cut, x)), vals(x));
  const one = tf.slice(x, [2, 0, 0, 0], [1, 4, 4, 1]).reshape([4, 4, 1]);
  const single = cut({ images: one, labels: tf.constant([0, 1], [2], "float32") });
  assert.deepEqual(vals(single.images), vals(one), "Keras draws no transformation for a rank-3 image");
  assertAllClose(single.labels as tf.Tensor, [0, 1]);
  assert.deepEqual(calls, []);
  // Images of constant values b + 1: the share of each output's pixels still equal to its own value.
  const n = 16, size = 24;
  const flat = tf.mul(tf.ones([n, size, size, 1]), tf.range(1, n + 1, 1, "float32").reshape([n, 1, 1, 1]));
  const labels = tf.oneHot(tf.range(0, n, 1, "int32"), n);
  const real = new CutMix({ seed: 21 });
  for (let call = 0; call < 5; call++) {
    const out = real({ images: flat, labels });
    const img = vals(out.images), lab = (out.labels as tf.Tensor).arraySync() as number[][];
    for (let b = 0; b < n; b++) {
      const px = img.slice(b * size * size, (b + 1) * size * size);
      const kept = px.filter((v) => v === b + 1).length / px.length;
      const own = lab[b][b];
      if (kept === 1 && own < 1) continue;
      // The box's fractional edges cover up to one more row and column than its area.
      assert.ok(Math.abs(kept - own) <= 2 / size + 1e-6, `image ${b}: kept ${kept}, label weight ${own}`);
      assertAllClose([lab[b].reduce((s, v) => s + v, 0)], [1], { atol: 1e-5 });
    }
  }
});

test("CutMix: factor 0 (Beta(1e-6, 1e-6)) stays finite; channels_first equals channels_last transposed; seeds repeat", () => {
  const x = numbered(6, 5, 5);
  const labels = tf.oneHot(tf.range(0, 6, 1, "int32"), 6);
  const zero = layers.CutMix(0, { seed: 3 });
  for (let i = 0; i < 5; i++) {
    const out = zero({ images: x, labels });
    assert.ok(vals(out.labels).every((v) => Number.isFinite(v) && v >= 0 && v <= 1), "no NaN labels");
  }
  const rgb = tf.concat([x, tf.mul(x, 2), tf.add(x, 1)], 3);
  const last = train(new CutMix({ seed: 9 }), rgb);
  const first = train(new CutMix({ seed: 9, dataFormat: "channels_first" }), nchw(rgb));
  assert.deepEqual(vals(first), vals(nchw(last)));
  assert.notDeepEqual(vals(last), vals(rgb), "seed 9 pastes something");
  assert.deepEqual(vals(train(new CutMix({ seed: 9 }), rgb)), vals(last));
});

test("CutMix refuses bad factors and inputs with errors that name the layer and the fix", () => {
  assert.throws(() => layers.CutMix(1.5), /CutMix cut_mix_\d+: factor must be a number in \[0, 1\] .*got 1\.5; e\.g\. layers\.CutMix\(1\.0\)/);
  assert.throws(() => layers.CutMix([-0.1, 0.5]), /factor must be .* got \[-0\.1,0\.5\]/);
  assert.throws(() => layers.CutMix({ factor: "big" as unknown as number }), /factor must be/);
  const cut = layers.CutMix({ seed: 1 });
  assert.throws(() => cut({ images: tf.zeros([2, 3, 3, 1]), labels: tf.zeros([2]) }), /CutMix cut_mix_\d+: labels must be one-hot/);
  assert.throws(() => cut({ images: tf.zeros([2, 3, 3, 1]), bounding_boxes: { boxes: tf.zeros([2, 1, 4]) } }), /bounding boxes .* are not supported/);
});
