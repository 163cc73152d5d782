import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
const vals = (t: tf.Tensor | tf.Tensor[]): number[] => Array.from((t as tf.Tensor).dataSync() as Float32Array);
const train = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { training: true }) as tf.Tensor;
const infer = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { training: false }) as tf.Tensor;

test("RandomTranslation: a factor pair [0.25, 0.25] on a 4-wide image shifts it exactly one pixel right (negative: left)", () => {
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 1], "float32");
  const right = layers.RandomTranslation([0, 0], [0.25, 0.25], { fillMode: "constant", seed: 1 });
  assert.deepEqual(vals(infer(right, x)), vals(x), "inference is the identity");
  assert.deepEqual(vals(train(right, x)), [0, 1, 2, 3, 0, 5, 6, 7]);
  const left = layers.RandomTranslation([0, 0], [-0.25, -0.25], { fillMode: "constant", fillValue: 9 });
  assert.deepEqual(vals(train(left, x)), [2, 3, 4, 9, 6, 7, 8, 9]);
  // Height: a 4-high column moves down by one; the default fill mode "reflect" repeats the edge pixel.
  const col = tf.constant([1, 2, 3, 4], [4, 1, 1], "float32");
  assert.deepEqual(vals(train(layers.RandomTranslation([0.25, 0.25], 0), col)), [1, 1, 2, 3]);
  assert.throws(() => layers.RandomTranslation(1.5, 0), /RandomTranslation random_translation_\d+: heightFactor must be a number in \[-1, 1\].*got 1\.5/);
  assert.throws(() => layers.RandomTranslation(0.1, [0.1, 0.2, 0.3] as unknown as [number, number]), /widthFactor must be .* got \[0\.1,0\.2,0\.3\]/);
  assert.throws(() => layers.RandomTranslation(0.1, 0.1, { fillMode: "mirror" as "reflect" }), /fillMode "mirror" is not supported; use "reflect", "wrap", "constant" or "nearest"/);
  assert.throws(() => layers.RandomTranslation(0.1, 0.1, { interpolation: "bicubic" as "bilinear" }), /interpolation "bicubic" is not supported; use "bilinear" or "nearest"/);
});

test("RandomRotation: factor [0.25, 0.25] turns the image exactly 90 degrees counter-clockwise (Keras' sign)", () => {
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1], "float32");
  const rot = layers.RandomRotation([0.25, 0.25], { seed: 3 });
  assert.deepEqual(vals(infer(rot, x)), vals(x));
  // numpy.rot90([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) = [[3, 6, 9], [2, 5, 8], [1, 4, 7]].
  assertAllClose(train(rot, x), [3, 6, 9, 2, 5, 8, 1, 4, 7], { atol: 1e-5 });
  assertAllClose(train(layers.RandomRotation([-0.25, -0.25]), x), [7, 4, 1, 8, 5, 2, 9, 6, 3], { atol: 1e-5 });
  // A number f means [-f, f]; Keras rejects |f| > 1 (a factor is a fraction of 2 pi).
  assert.deepEqual(layers.RandomRotation(0.2).factor, [-0.2, 0.2]);
  assert.deepEqual(layers.RandomRotation([0.3, -0.1]).factor, [-0.1, 0.3]);
  assert.throws(() => layers.RandomRotation(2), /RandomRotation random_rotation_\d+: factor must be a number in \[-1, 1\] .* got 2; e\.g\. layers\.RandomRotation\(0\.1\)/);
  assert.throws(() => layers.RandomRotation("0.1" as unknown as number), /factor must be/);
  assert.throws(() => layers.RandomRotation(0.1, { valueRange: [0] as unknown as [number, number] }), /valueRange must be a pair/);
});

test("RandomZoom: a fixed zoom matches the hand case; widthFactor null keeps the aspect ratio", () => {
  // Pixel value 3y + x is linear, so bilinear sampling at (0.5 x + 0.5, 0.5 y + 0.5) gives 1.5 y + 0.5 x + 2.
  const x = tf.reshape(tf.range(9, undefined, 1, "float32"), [1, 3, 3, 1]);
  const zoomIn = layers.RandomZoom([-0.5, -0.5], null, { seed: 2 });
  assert.equal(zoomIn.widthFactor, null);
  assert.deepEqual(vals(infer(zoomIn, x)), vals(x));
  assertAllClose(train(zoomIn, x), [2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6], { atol: 1e-5 });
  // Height only: rows sampled at 0.5 y + 0.5, columns unchanged: 1.5 y + x + 1.5.
  assertAllClose(train(layers.RandomZoom([-0.5, -0.5], [0, 0]), x), [1.5, 2.5, 3.5, 3, 4, 5, 4.5, 5.5, 6.5], { atol: 1e-5 });
  // Zoom out by 2 (factor 1) with constant fill: the 3x3 image samples at 2x - 1: only the center survives.
  assertAllClose(train(layers.RandomZoom([1, 1], null, { fillMode: "constant", interpolation: "nearest" }), x), [0, 0, 0, 0, 4, 0, 0, 0, 0], { atol: 1e-6 });
  assert.throws(() => layers.RandomZoom(0.1, 3), /RandomZoom random_zoom_\d+: widthFactor must be/);
});

test("random transform layers: each image draws its own parameters, a seed repeats, shapes are kept", () => {
  const one = tf.random.uniform([1, 6, 6, 2], 0, 1, { seed: 5 });
  const x = tf.tile(one, [4, 1, 1, 1]);
  for (const make of [() => layers.RandomRotation(0.2, { seed: 8 }), () => layers.RandomTranslation(0.3, 0.3, { seed: 8 }), () => layers.RandomZoom(0.3, 0.3, { seed: 8 })]) {
    const layer = make();
    const y = train(layer, x);
    assert.deepEqual(y.shape, [4, 6, 6, 2]);
    const imgs = [0, 1, 2, 3].map((b) => vals(tf.slice(y, [b, 0, 0, 0], [1, 6, 6, 2])));
    assert.notDeepEqual(imgs[0], imgs[1], `${layer.className}: images 0 and 1 got the same parameters`);
    assert.notDeepEqual(imgs[0], vals(one), `${layer.className}: training changed nothing`);
    assert.deepEqual(vals(train(make(), x)), vals(y), `${layer.className}: the seed repeats`);
    assert.deepEqual(layer.computeOutputShape([null, 6, 6, 2]), [null, 6, 6, 2]);
    assert.deepEqual(vals(layer.apply(x, { training: false }) as tf.Tensor), vals(x));
  }
});

test("Sequential([Input, RandomFlip, RandomRotation, Conv2D, Flatten, Dense]) trains with fit and round-trips through model.save / loadModel", async () => {
  tf.random.setSeed(1);
  const m = new models.Sequential([
    layers.Input({ shape: [8, 8, 3] }),
    layers.RandomFlip(),
    layers.RandomRotation(0.1),
    layers.RandomTranslation(0.1, [-0.2, 0.1], { fillMode: "constant", fillValue: 0.5 }),
    layers.RandomZoom(0.2, null, { interpolation: "nearest", seed: 4 }),
    layers.Conv2D(4, 3, { activation: "relu" }),
    layers.Flatten(),
    layers.Dense(2, { activation: "softmax" }),
  ]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const x = tf.random.uniform([16, 8, 8, 3], 0, 1, { seed: 2 });
  const y = tf.constant([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], [16], "int32");
  const h = await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  assert.ok(Number.isFinite(h.history.loss[0]));
  const cfg = JSON.parse(m.toJSON()) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const rot = cfg.config.layers.find((l) => l.class_name === "RandomRotation")!.config;
  assert.deepEqual([rot.factor, rot.value_range, rot.fill_mode, rot.interpolation, rot.fill_value, rot.seed, rot.data_format], [[-0.1, 0.1], [0, 255], "reflect", "bilinear", 0, null, "channels_last"]);
  const tr = cfg.config.layers.find((l) => l.class_name === "RandomTranslation")!.config;
  assert.deepEqual([tr.height_factor, tr.width_factor, tr.fill_mode, tr.fill_value], [0.1, [-0.2, 0.1], "constant", 0.5]);
  const zm = cfg.config.layers.find((l) => l.class_name === "RandomZoom")!.config;
  assert.deepEqual([zm.height_factor, zm.width_factor, zm.interpolation, zm.seed], [0.2, null, "nearest", 4]);
  const dir = mkdtempSync(join(tmpdir(), "lamina-augment-"));
  try {
    await m.save(join(dir, "m.keras"));
    const loaded = await models.loadModel(join(dir, "m.keras"));
    // The same layer configs (compile_config's metrics come back as [] for null, unrelated to these layers).
    const config = (model: tf.layers.Layer): unknown => (JSON.parse((model as tf.models.Sequential).toJSON()) as { config: unknown }).config;
    assert.deepEqual(config(loaded), config(m));
    assert.deepEqual(vals(loaded.predict(x)), vals(m.predict(x)));
    assert.deepEqual(config(models.modelFromJSON(m.toJSON())), config(m));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
