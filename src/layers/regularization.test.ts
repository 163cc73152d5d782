import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;
const stats = (v: Float32Array): { mean: number; std: number } => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
};

test("GaussianNoise adds N(0, stddev) in training only; GaussianDropout multiplies by N(1, sqrt(rate / (1 - rate)))", () => {
  const x = tf.fill([200, 500], 2);
  assert.deepEqual(Array.from((layers.GaussianNoise(0.3).apply(x) as tf.Tensor).dataSync() as Float32Array).slice(0, 3), [2, 2, 2]);
  const noisy = layers.GaussianNoise(0.3, { seed: 1 }).apply(x, { training: true }) as tf.Tensor;
  const added = stats(tf.sub(noisy, tf.cast(x, "float32")).dataSync() as Float32Array);
  // 100,000 draws: the mean's standard error is 0.3 / 316, the deviation's about 0.3 / 447.
  assert.ok(Math.abs(added.mean) < 0.005, `mean ${added.mean}`);
  assert.ok(Math.abs(added.std - 0.3) < 0.005, `std ${added.std}`);

  const dropped = layers.GaussianDropout(0.2, { seed: 2 }).apply(x, { training: true }) as tf.Tensor;
  const factor = stats(tf.div(dropped, tf.cast(x, "float32")).dataSync() as Float32Array);
  assert.ok(Math.abs(factor.mean - 1) < 0.01, `mean ${factor.mean}`);
  assert.ok(Math.abs(factor.std - Math.sqrt(0.2 / 0.8)) < 0.01, `std ${factor.std}`);
  assert.deepEqual(Array.from((layers.GaussianDropout(0.2).apply(x) as tf.Tensor).dataSync() as Float32Array).slice(0, 3), [2, 2, 2]);
  assert.deepEqual(Array.from((layers.GaussianDropout(0).apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array).slice(0, 3), [2, 2, 2]);

  // A seed makes a fresh layer repeat its sequence of draws.
  const a = layers.GaussianNoise(0.5, { seed: 7 }), b = layers.GaussianNoise(0.5, { seed: 7 });
  assert.deepEqual((a.apply(x, { training: true }) as tf.Tensor).dataSync(), (b.apply(x, { training: true }) as tf.Tensor).dataSync());
});

test("GaussianNoise and GaussianDropout refuse parameters outside [0, 1] (as Keras 3), train inside a model and save their configs", async () => {
  assert.throws(() => layers.GaussianNoise(-1), /GaussianNoise gaussian_noise(_\d+)?: stddev must be a number in \[0, 1\], got -1/);
  assert.throws(() => layers.GaussianDropout(1.5), /GaussianDropout gaussian_dropout(_\d+)?: rate must be a number in \[0, 1\], got 1\.5/);
  assert.throws(() => layers.GaussianDropout(Number.NaN), /got NaN/);
  tf.clearSession();
  const model = new models.Sequential([layers.Input({ shape: [4] }), layers.GaussianNoise(0.3, { seed: 2 }), layers.GaussianDropout(0.25), layers.Dense(2)]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  const h = await model.fit(tf.ones([8, 4]), tf.zeros([8, 2]), { epochs: 2, verbose: 0 });
  assert.equal(h.history.loss.length, 2);
  const cfg = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; config: Record<string, unknown>; build_config?: unknown }[] } };
  const [noise, drop] = cfg.config.layers.slice(1, 3);
  // Keras 3.5's own configs for these two layers (model.to_json()).
  assert.equal(noise.class_name, "GaussianNoise");
  assert.deepEqual(Object.keys(noise.config), ["name", "trainable", "dtype", "stddev", "seed"]);
  assert.equal(noise.config.stddev, 0.3);
  assert.equal(noise.config.seed, 2);
  assert.deepEqual(noise.build_config, { input_shape: [null, 4] });
  assert.deepEqual(Object.keys(drop.config), ["name", "trainable", "dtype", "rate", "seed"]);
  assert.equal(drop.config.seed, null);
  const loaded = models.modelFromJSON(model.toJSON());
  assert.equal(loaded.toJSON(), model.toJSON());
});
