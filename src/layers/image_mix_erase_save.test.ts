import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertKerasConfigLoads, fitSaveLoad, vals } from "../testing/image_layers.js";

const { layers, models } = tf;

test("MixUp, CutMix, RandomErasing, RandomGaussianBlur and RandomShear in a Sequential round-trip through model.save / loadModel", async () => {
  const m = new models.Sequential([
    layers.Input({ shape: [8, 8, 3] }),
    layers.MixUp(0.3, { seed: 1 }),
    layers.CutMix([0.2, 0.9], { seed: 2 }),
    layers.RandomErasing([0.5, 1], { scale: [0.1, 0.2], fillValue: [1, 2, 3], valueRange: [0, 1], seed: 3 }),
    layers.RandomGaussianBlur(0.5, { kernelSize: [5, 3], sigma: [0.2, 1.5], valueRange: [0, 1] }),
    layers.RandomShear(0.2, [0.1, 0.3], { fillMode: "constant", fillValue: 0.5, seed: 4 }),
    layers.Flatten(),
    layers.Dense(2, { activation: "softmax" }),
  ]);
  const x = tf.random.uniform([6, 8, 8, 3], 0, 1, { seed: 1 });
  const y = tf.oneHot(tf.constant([0, 1, 0, 1, 1, 0], [6], "int32"), 2);
  const back = await fitSaveLoad(m, x, y, 3);
  assert.deepEqual(back.layers.slice(0, 5).map((l) => l.className), ["MixUp", "CutMix", "RandomErasing", "RandomGaussianBlur", "RandomShear"]);
});

// Configs as Keras 3.15's get_config writes them (tuples as lists, factors as [lower, upper]).
const KERAS_CONFIGS: Record<string, Record<string, unknown>> = {
  MixUp: { alpha: 0.2, seed: null },
  CutMix: { factor: [0.0, 1.0], seed: 7 },
  RandomErasing: { factor: [0.0, 1.0], scale: [0.02, 0.33], fill_value: null, value_range: [0, 255], seed: null },
  RandomGaussianBlur: { factor: [0.0, 1.0], kernel_size: [3, 3], sigma: [0.0, 1.0], value_range: [0, 255], seed: null },
  RandomShear: { x_factor: [-0.3, 0.3], y_factor: [-0.0, 0.0], fill_mode: "reflect", interpolation: "bilinear", seed: null, fill_value: 0.0 },
};

test("Keras 3.15 configs of the five layers load, and lamina writes the same keys back", () => {
  for (const [cls, own] of Object.entries(KERAS_CONFIGS)) assertKerasConfigLoads(cls, own);
});
