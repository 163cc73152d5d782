/**
 * Weight paths, a Sequential's automatic input layer names and the call kwargs of functional
 * nodes, against Keras 3.5 itself (test/fixtures/make_keras_seq_paths.py writes
 * test/fixtures/keras_seq_paths.json and keras_files/by_keras/call_kwargs.keras). Each model is
 * made right after clearSession in the generator's order, so automatic names line up with Keras'.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { Hdf5File } from "./h5.js";

const { layers, models } = tf;
const fx = JSON.parse(readFileSync("test/fixtures/keras_seq_paths.json", "utf8")) as {
  paths: Record<string, string[]>;
  input_layer_names: Record<string, string>;
  built_config: unknown;
  loaded_nested_paths: string[];
  kw_config: unknown;
  kw_paths: string[];
  kw_loaded_paths: string[];
  conv_lstm_config: unknown;
};
const paths = (m: tf.models.Model): string[] => m.weights.map((w) => (w as tf.Variable).path);
const firstLayerName = (m: tf.models.Sequential): string => ((JSON.parse(m.toJSON()) as { config: { layers: { config: { name: string } }[] } }).config.layers[0].config.name);

/** The generator's models, in its order. */
function makeModels(): Record<string, tf.models.Model> {
  tf.clearSession();
  const declared = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3), layers.Dense(2)]);
  const built = new models.Sequential([layers.Dense(3), layers.Dense(2)]);
  built.build([null, 4]);
  const called = new models.Sequential([layers.Dense(3)]);
  called.apply(tf.zeros([1, 4]));
  const inner = new models.Sequential([layers.Dense(3)], { name: "inner" });
  const nested = new models.Sequential([layers.Input({ shape: [4] }), inner, layers.Dense(2)], { name: "outer" });
  const i = layers.Input({ shape: [4] });
  const x = layers.Dense(3).apply(i) as tf.layers.SymbolicTensor;
  const functional = new models.Model({ inputs: i, outputs: new models.Sequential([layers.Dense(2)], { name: "inner2" }).apply(x) as tf.layers.SymbolicTensor, name: "f" });
  const recurrent = new models.Sequential([layers.Input({ shape: [5, 4] }), layers.Bidirectional(layers.LSTM(2)), layers.Dense(1)], { name: "rnn" });
  return { declared_input: declared, built, called, inner, nested, functional, recurrent };
}

test("a Sequential builds its layers in its name scope, as Keras 3.5 names their weights (nested and functional models too)", () => {
  const m = makeModels();
  for (const [name, want] of Object.entries(fx.paths)) assert.deepEqual(paths(m[name]), want, name);
  // The weights' names are those paths (Keras' variable.path).
  assert.deepEqual(m.nested.weights.map((w) => (w as tf.Variable).name), fx.paths.nested);
});

test("layer.path is the name scope a layer was built in, where Keras 3.5's paths of its weights start; null before it is built", () => {
  const m = makeModels();
  let checked = 0;
  for (const [name, want] of Object.entries(fx.paths)) {
    const model = m[name];
    for (const layer of model.layers.filter((l) => l.weights.length > 0)) {
      // The Keras path of the layer's first weight, cut after the layer's own name.
      const parts = want[model.weights.indexOf(layer.weights[0])].split("/");
      assert.equal(layer.path, parts.slice(0, parts.indexOf(layer.name) + 1).join("/"), `${name}: ${layer.name}`);
      checked++;
    }
  }
  assert.ok(checked >= 10);
  assert.equal(m.recurrent.layers[0].path, "rnn/bidirectional");
  assert.equal(layers.Dense(2).path, null);
});

test("a Sequential's automatic input layer is named input_layer, input_layer_1, ... in the session, as Keras writes it", () => {
  const m = makeModels();
  for (const [name, want] of Object.entries(fx.input_layer_names)) assert.equal(firstLayerName(m[name] as tf.models.Sequential), want, name);
  assert.deepEqual(JSON.parse(m.built.toJSON()).config, fx.built_config);
});

test("a loaded model's layers are built from their build_config before the Sequential takes them: short paths, as in Keras", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-seq-paths-"));
  try {
    const { nested } = makeModels();
    await nested.save(join(dir, "outer.keras"));
    tf.clearSession();
    const loaded = await models.loadModel(join(dir, "outer.keras"));
    assert.deepEqual(paths(loaded), fx.loaded_nested_paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the legacy .h5 keeps tf.keras' weight names, without the Sequential's scope (dense/kernel:0)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-seq-paths-"));
  try {
    tf.clearSession();
    const model = new models.Sequential([layers.Input({ shape: [5, 4] }), layers.LSTM(2, { name: "l" }), layers.Dense(1, { name: "d" })], { name: "s" });
    assert.equal((model.weights[0] as tf.Variable).path, "s/l/lstm_cell/kernel");
    await model.save(join(dir, "s.h5"));
    const h5 = await Hdf5File.openForReading(join(dir, "s.h5"));
    try {
      assert.deepEqual(h5.attr("model_weights/l", "weight_names"), ["l/lstm_cell/kernel:0", "l/lstm_cell/recurrent_kernel:0", "l/lstm_cell/bias:0"]);
      assert.deepEqual(h5.attr("model_weights/d", "weight_names"), ["d/kernel:0", "d/bias:0"]);
    } finally {
      h5.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("functional nodes record mask: null (and training) for the calls Keras 3.5 records them, and a Keras-written .keras file's config comes back identical", async () => {
  tf.clearSession();
  const model = await models.loadModel("test/fixtures/keras_files/by_keras/call_kwargs.keras");
  assert.deepEqual(JSON.parse(model.toJSON()).config, fx.kw_config);
  // Keras' own loaded model: head/head_dense/kernel when built, head_dense/kernel once loaded.
  assert.deepEqual(paths(model), fx.kw_loaded_paths);
  assert.notDeepEqual(fx.kw_loaded_paths, fx.kw_paths);

  tf.clearSession();
  const i = layers.Input({ shape: [3, 6, 2], name: "frames" });
  const c = new models.Model({ inputs: i, outputs: layers.ConvLSTM1D(2, 3, { name: "clstm" }).apply(i) as tf.layers.SymbolicTensor, name: "c" });
  assert.deepEqual(JSON.parse(c.toJSON()).config, fx.conv_lstm_config);
});

test("a config without the mask kwargs (lamina's older files) still loads", () => {
  const config = JSON.parse(JSON.stringify(fx.kw_config)) as { layers: { inbound_nodes: { kwargs: Record<string, unknown> }[] }[] };
  for (const l of config.layers) for (const n of l.inbound_nodes) delete n.kwargs.mask;
  tf.clearSession();
  const model = models.modelFromJSON(JSON.stringify({ class_name: "Functional", config }));
  assert.deepEqual(paths(model), fx.kw_loaded_paths);
  // Written back, the calls record Keras' kwargs again.
  assert.deepEqual(JSON.parse(model.toJSON()).config.layers.map((l: { inbound_nodes: unknown }) => l.inbound_nodes), (fx.kw_config as typeof config).layers.map((l) => l.inbound_nodes));
});
