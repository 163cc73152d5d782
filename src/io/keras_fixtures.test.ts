/**
 * Files written outside lamina, in Keras' exact layouts, by test/fixtures/make_keras_files.py
 * (Debian's python3 with h5py and zipfile; no Keras): lamina must load them with the right
 * weights and the predictions numpy computed from those weights.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
const dir = "test/fixtures/keras_files";
const expected = JSON.parse(readFileSync(`${dir}/keras_files.json`, "utf8")) as {
  x_cnn: number[][][][];
  cnn_predictions: number[][];
  cnn_weights: Record<string, unknown>;
  cnn_adam: { iterations: number; first_momentum: unknown; last_velocity: unknown };
  x_mlp: number[][];
  mlp_predictions: number[][];
};

// The row count first: assertAllClose compares the values flattened.
function assertClose(actual: number[][], want: number[][]): void {
  assert.equal(actual.length, want.length, "predictions: rows");
  assertAllClose(actual, want, { rtol: 1e-5, atol: 1e-5, what: "predictions" });
}

function cnnWeightsInKerasOrder(): unknown[] {
  const w = expected.cnn_weights;
  return [w.conv_kernel, w.conv_bias, w.bn_gamma, w.bn_beta, w.bn_mean, w.bn_var, w.dense_kernel, w.dense_bias];
}

function withWarnings<T>(run: () => Promise<T>): Promise<[T, string[]]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => { seen.push(args.map(String).join(" ")); };
  return run().then((r) => [r, seen] as [T, string[]]).finally(() => { console.warn = original; });
}

test("Keras 3 .keras (hand-written): CNN weights, predictions, compile settings and Adam state", async () => {
  const model = await models.loadModel(`${dir}/cnn.keras`);
  assert.deepEqual(model.layers.map((l) => l.className), ["Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dense"]);
  assert.deepEqual(model.getWeights().map((w) => w.arraySync()), cnnWeightsInKerasOrder());
  assertClose(model.predict(tf.constant(expected.x_cnn)).arraySync() as number[][], expected.cnn_predictions);
  const opt = model.optimizer as tf.optimizers.Optimizer;
  assert.equal(opt.className, "Adam");
  assert.equal(opt.iterations, expected.cnn_adam.iterations);
  const kernel = model.layers[0].weights[0];
  assert.deepEqual(opt.getSlot(kernel, "momentum")?.arraySync(), expected.cnn_adam.first_momentum);
  const bias = model.layers[4].weights[1];
  assert.deepEqual(opt.getSlot(bias, "velocity")?.arraySync(), expected.cnn_adam.last_velocity);
});

test("Keras 3 .keras (hand-written): functional model with an Add", async () => {
  const model = await models.loadModel(`${dir}/mlp_functional.keras`);
  assert.deepEqual(model.layers.map((l) => l.name), ["input_layer", "dense", "dense_1", "add", "dense_2"]);
  assert.equal(model.compiled, null);
  assertClose(model.predict(tf.constant(expected.x_mlp)).arraySync() as number[][], expected.mlp_predictions);
});

test("tf.keras 2 .h5 (hand-written): weights, predictions, compile; its Keras 2 optimizer state is skipped with a warning", async () => {
  const [model, warnings] = await withWarnings(() => models.loadModel(`${dir}/cnn_legacy.h5`));
  assert.deepEqual(model.getWeights().map((w) => w.arraySync()), cnnWeightsInKerasOrder());
  assertClose(model.predict(tf.constant(expected.x_cnn)).arraySync() as number[][], expected.cnn_predictions);
  assert.equal((model.optimizer as tf.optimizers.Optimizer).className, "Adam");
  assert.ok(warnings.some((w) => /saved optimizer state has 13 variables but optimizer "Adam" has 14/.test(w)), warnings.join("\n"));
  assert.equal((model.optimizer as tf.optimizers.Optimizer).iterations, 0);
});

test("tf.keras 2 weights-only .h5 (hand-written): loads by order and by name into a lamina-built CNN", async () => {
  const build = (): tf.models.Sequential => new models.Sequential([
    layers.Input({ shape: [6, 6, 1] }),
    layers.Conv2D(2, [3, 3], { activation: "relu", name: "conv2d" }),
    layers.BatchNormalization({ name: "batch_normalization" }),
    layers.MaxPooling2D([2, 2]),
    layers.Flatten(),
    layers.Dense(3, { activation: "softmax", name: "dense" }),
  ]);
  for (const byName of [false, true]) {
    const model = build();
    await model.loadWeights(`${dir}/cnn_weights.h5`, { byName });
    assert.deepEqual(model.getWeights().map((w) => w.arraySync()), cnnWeightsInKerasOrder());
    assertClose(model.predict(tf.constant(expected.x_cnn)).arraySync() as number[][], expected.cnn_predictions);
  }
});
