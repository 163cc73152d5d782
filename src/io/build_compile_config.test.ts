// getBuildConfig / buildFromConfig, getCompileConfig / compileFromConfig and metricsNames against
// the build_config and compile_config entries of .keras files written by Keras 3.5.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ZipArchive } from "./zip.js";

const { layers, models } = tf;

interface KerasEntry { class_name: string; config: { name: string; layers?: KerasEntry[] }; build_config?: Record<string, unknown>; compile_config?: Record<string, unknown> }

function kerasConfig(file: string): { path: string; config: KerasEntry } {
  const path = `test/fixtures/keras_files/by_keras/${file}`;
  const text = new TextDecoder().decode(ZipArchive.read(new Uint8Array(readFileSync(path)), path).extract("config.json"));
  return { path, config: JSON.parse(text) as KerasEntry };
}

/**
 * The fixtures come from Keras on its torch backend, which writes that backend's optimizer class
 * (module keras.src.backend.torch.optimizers.torch_adam, registered_name "Adam"); lamina writes the
 * public class, as Keras on TensorFlow does (module keras.optimizers, registered_name null).
 */
function withoutOptimizerModule(c: Record<string, unknown> | null | undefined): unknown {
  if (!c) return c;
  const { module: _module, registered_name: _registered, ...optimizer } = c.optimizer as Record<string, unknown>;
  return { ...c, optimizer };
}

for (const file of ["cnn_bn.keras", "attention.keras", "multi_output_dict.keras", "rnn_layers.keras"]) {
  test(`getBuildConfig of a loaded ${file} gives Keras 3.5's build_config for the model and each layer`, async () => {
    const { path, config } = kerasConfig(file);
    const model = await models.loadModel(path, { compile: false });
    assert.deepEqual(model.getBuildConfig(), config.build_config ?? null);
    for (const entry of config.config.layers ?? []) {
      if (entry.class_name === "InputLayer") continue;
      assert.deepEqual(model.getLayer(entry.config.name).getBuildConfig(), entry.build_config ?? null, `${entry.class_name} ${entry.config.name}`);
    }
  });
}

test("buildFromConfig builds a fresh layer from Keras' build_config, including an attention or recurrent layer's shapes_dict", () => {
  const entries = ["attention.keras", "rnn_layers.keras"].flatMap((f) => kerasConfig(f).config.config.layers ?? []);
  assert.ok(entries.some((e) => e.class_name === "LSTM" && e.build_config?.shapes_dict !== undefined));
  for (const entry of entries.filter((e) => e.class_name !== "InputLayer")) {
    const fresh = layers.deserialize({ ...entry, build_config: undefined });
    assert.equal(fresh.built, false, entry.class_name);
    fresh.buildFromConfig(entry.build_config ?? null);
    assert.equal(fresh.built, true, entry.class_name);
    assert.deepEqual(fresh.getBuildConfig(), entry.build_config, entry.class_name);
  }
  const dense = layers.Dense(5);
  dense.buildFromConfig({ input_shape: [null, 7] });
  assert.deepEqual(dense.weights.map((w) => w.shape), [[7, 5], [5]]);
  // Built already: a second config changes nothing, as a Keras layer built once stays built.
  dense.buildFromConfig({ input_shape: [null, 3] });
  assert.deepEqual(dense.weights.map((w) => w.shape), [[7, 5], [5]]);
});

test("buildFromConfig with nothing to build leaves the layer unbuilt; a malformed config is refused with the form it takes", () => {
  const dense = layers.Dense(2);
  dense.buildFromConfig(null);
  dense.buildFromConfig({});
  dense.buildFromConfig({ input_shape: null });
  assert.equal(dense.built, false);
  assert.equal(dense.getBuildConfig(), null);
  assert.throws(() => dense.buildFromConfig({ input_shape: "x" }), /Dense "dense\w*"\.buildFromConfig: build_config\.input_shape must be a shape such as \[null, 4\].*got "x"/);
  assert.throws(() => dense.buildFromConfig({ shapes_dict: { query_shape: [null, 3, 4] } }), /shapes_dict .* builds only an attention layer.*or a recurrent layer.*a Dense is built from \{ input_shape \}/);
  assert.throws(() => dense.buildFromConfig([null, 4] as unknown as Record<string, unknown>), /expected a build config such as \{ input_shape: \[null, 4\] \}/);
  assert.equal(dense.built, false);
});

for (const file of ["cnn_bn.keras", "multi_output_dict.keras"]) {
  test(`getCompileConfig of a loaded ${file} gives Keras 3.5's compile_config; compileFromConfig on a fresh copy compiles the same`, async () => {
    const { path, config } = kerasConfig(file);
    const loaded = await models.loadModel(path);
    assert.deepEqual(withoutOptimizerModule(loaded.getCompileConfig()), withoutOptimizerModule(config.compile_config));
    const fresh = await models.loadModel(path, { compile: false });
    assert.equal(fresh.getCompileConfig(), null);
    fresh.compileFromConfig(config.compile_config as Record<string, unknown>);
    assert.deepEqual(withoutOptimizerModule(fresh.getCompileConfig()), withoutOptimizerModule(config.compile_config));
    const opt = (config.compile_config as { optimizer: { class_name: string; config: Record<string, unknown> } }).optimizer;
    assert.equal(fresh.optimizer?.constructor.name, opt.class_name);
    assert.equal(fresh.optimizer?.getConfig().learning_rate, opt.config.learning_rate);
  });
}

test("compileFromConfig refuses a non-object, and compiles a config without a loss with its optimizer alone, as Keras 3 does", () => {
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1)]);
  assert.throws(() => model.compileFromConfig(3 as unknown as Record<string, unknown>), /expected a compile config \{ optimizer, loss, metrics, \.\.\. \}.*got 3/);
  assert.equal(model.getCompileConfig(), null);
  // Such a model may train on the losses its layers add (addLoss).
  model.compileFromConfig({ optimizer: "adam" });
  assert.equal(model.optimizer?.constructor.name, "Adam");
  assert.equal((model.getCompileConfig() as { loss: unknown }).loss, null);
});

test("a model that overrides trainStep compiles from a config without a loss, as Keras compiles it with the optimizer alone", () => {
  class OwnStep extends models.Model {
    override trainStep(): Record<string, number> {
      return {};
    }
  }
  const input = layers.Input({ shape: [3] });
  const model = new OwnStep({ inputs: input, outputs: layers.Dense(1).apply(input) as tf.layers.SymbolicTensor });
  model.compileFromConfig({ optimizer: "sgd", loss: null });
  assert.equal(model.optimizer?.constructor.name, "SGD");
  assert.equal((model.getCompileConfig() as { loss: unknown }).loss, null);
});

test("metricsNames lists the loss and the compiled metrics in the order evaluate returns their values", async () => {
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy", "sparse_top_k_categorical_accuracy"] });
  // Before any evaluation the compiled metrics are one container, as in Keras 3.
  assert.deepEqual(model.metricsNames, ["loss", "compile_metrics"]);
  const x = tf.constant([[1, 0], [0, 1], [1, 1], [0, 0]]);
  const y = tf.constant([0, 1, 2, 0], "int32");
  const values = await model.evaluate(x, y, { verbose: 0 }) as number[];
  assert.deepEqual(model.metricsNames, ["loss", "accuracy", "sparse_top_k_categorical_accuracy"]);
  const byName = await model.evaluate(x, y, { verbose: 0, returnDict: true }) as Record<string, number>;
  assert.deepEqual(model.metricsNames.map((n) => byName[n]), values);
  assert.deepEqual(new models.Sequential([layers.Dense(1)]).metricsNames, []);
});
