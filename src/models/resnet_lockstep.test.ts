import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { residualBlock } from "../cli/reference-models.js";

// Reference run: test/fixtures/make_resnet_lockstep.py (PyTorch, float64) trains a small version of
// notebook 001's ResNet from the same initial weights on the same batches, with Keras' semantics
// (NHWC flatten, clipped cross-entropy, BatchNormalization's biased-variance moving statistics).

interface Fixture {
  config: { filters: number; units: number; classes: number; side: number; batch: number; steps: number; learning_rate: number; pixel_scale: number };
  initial_weights: { name: string; shape: number[]; values: number[] }[];
  pool_pixels: number[];
  pool_labels: number[];
  batches: number[][];
  valid_pixels: number[];
  losses: number[];
  final_weights: Record<string, number[]>;
  valid_probs: number[];
}

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/resnet_lockstep.json", import.meta.url), "utf8")) as Fixture;
const { filters, units, classes, side, batch, steps } = fx.config;
// float32 lamina against float64 PyTorch drifts by ~5e-7 over the run. The tolerance is kept tight
// enough to tell Keras' biased-variance moving statistics from PyTorch's unbiased ones, which end
// ~1e-4 apart here (a 1e-4 relative tolerance would let that mistake through).
const RTOL = 1e-5, ATOL = 1e-6;

const { layers, models } = tf;

/** Notebook 001's ResNet, with fewer filters and units. */
function smallResNet(): tf.models.Model {
  const inputs = layers.Input({ shape: [side, side, 1] });
  let x = layers.Conv2D(filters, 3, { padding: "same", activation: "relu" })(inputs);
  x = layers.MaxPooling2D(2)(x);
  x = residualBlock(x, filters);
  x = residualBlock(x, filters);
  x = layers.MaxPooling2D(2)(x);
  x = layers.Flatten()(x);
  x = layers.Dense(units, { activation: "relu" })(x);
  const outputs = layers.Dense(classes, { activation: "softmax" })(x);
  return new models.Model({ inputs, outputs, name: "resnet_lockstep" });
}

/** Images are stored as integers: value = pixel / pixel_scale. */
function images(pixels: number[], picks: number[]): tf.Tensor {
  const size = side * side;
  const out = new Float32Array(picks.length * size);
  picks.forEach((p, i) => {
    for (let j = 0; j < size; j++) out[i * size + j] = pixels[p * size + j] / fx.config.pixel_scale;
  });
  return tf.constant(out, [picks.length, side, side, 1], "float32");
}

/** Asserts every value is within tolerance; returns the largest |got - want| for the diagnostic. */
function compare(got: ArrayLike<number>, want: number[], what: string): number {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(Number(got[i]) - want[i]);
    maxDiff = Math.max(maxDiff, d);
    assert.ok(d <= ATOL + RTOL * Math.abs(want[i]), `${what}[${i}]: lamina ${got[i]}, PyTorch ${want[i]} (diff ${d})`);
  }
  return maxDiff;
}

test("the small notebook-001 ResNet trains step by step like PyTorch from the same weights and batches", (t) => {
  const model = smallResNet();
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: fx.config.learning_rate }) });
  const order = model.weights;
  assert.deepEqual(order.map((w) => w.shape), fx.initial_weights.map((w) => w.shape), "weight order/shapes differ from the fixture's");
  model.setWeights(fx.initial_weights.map((w) => tf.constant(w.values, w.shape, "float32")));

  const labels = tf.constant(fx.pool_labels, [fx.pool_labels.length], "int32");
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const picks = fx.batches[s];
    assert.equal(picks.length, batch);
    // This step's loss alone, not the running mean over the calls (Keras 3.5's train_on_batch).
    model.resetMetrics();
    const loss = model.trainOnBatch(images(fx.pool_pixels, picks), tf.gather(labels, tf.constant(picks, [batch], "int32")));
    losses.push(loss as number);
  }
  const diffs: Record<string, number> = { losses: compare(losses, fx.losses, "loss of step") };

  // Weights are compared by position; the fixture's names are those of a fresh process.
  const finalWeights = model.getWeights();
  for (const [name, want] of Object.entries(fx.final_weights)) {
    const k = fx.initial_weights.findIndex((w) => w.name === name);
    assert.ok(k >= 0, `fixture weight ${name} not among the initial weights`);
    diffs[name] = compare(finalWeights[k].dataSync() as Float32Array, want, `final ${name}`);
  }

  const probs = model.predict(images(fx.valid_pixels, [...Array(fx.valid_pixels.length / (side * side)).keys()])) as tf.Tensor;
  diffs.inference_probs = compare(probs.dataSync() as Float32Array, fx.valid_probs, "inference probability");
  t.diagnostic(`max |lamina - PyTorch|: ${Object.entries(diffs).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(", ")}`);
});
