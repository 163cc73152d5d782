/*
 * The attention layers in Keras' files: test/fixtures/keras_files/by_keras/attention.keras, a
 * functional model saved by Keras 3.5 (test/fixtures/make_attention.py) with
 * MultiHeadAttention(q, v, key=v, attention_mask=m, return_attention_scores=True),
 * Attention(use_scale) and EinsumDense; and lamina's own files read back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { stateEntries } from "../io/keras_state.js";

const { layers } = tf;
interface Arr { shape: number[]; data: (number | boolean)[] }
const fixture = JSON.parse(readFileSync("test/fixtures/attention.json", "utf8")) as {
  model: { config: Record<string, unknown>; weight_paths: string[]; weight_shapes: number[][]; inputs: Arr[]; predictions: Arr[] };
};
const tensorOf = (a: Arr): tf.Tensor =>
  typeof a.data[0] === "boolean" ? tf.constant(a.data.map((b) => (b ? 1 : 0)), a.shape, "bool") : tf.constant(a.data as number[], a.shape, "float32");
const file = "test/fixtures/keras_files/by_keras/attention.keras";
const inputs = (): tf.Tensor[] => fixture.model.inputs.map(tensorOf);

function checkPredictions(model: tf.models.Model): void {
  const got = model.predict(inputs()) as tf.Tensor[];
  assert.equal(got.length, 2);
  got.forEach((p, i) => {
    assert.deepEqual(p.shape, fixture.model.predictions[i].shape);
    assertAllClose(p, fixture.model.predictions[i].data as number[], { rtol: 2e-5, atol: 2e-6 });
  });
}

test("a .keras file written by Keras 3.5 with MultiHeadAttention (key, attention mask, scores), Attention and EinsumDense loads with Keras' weights and predicts Keras' outputs", async () => {
  const model = await tf.models.loadModel(file, { compile: false }) as tf.models.Model;
  assert.deepEqual(model.weights.map((w) => w.name), fixture.model.weight_paths);
  assert.deepEqual(model.weights.map((w) => w.shape), fixture.model.weight_shapes);
  checkPredictions(model);
  const mha = model.getLayer("mha") as tf.layers.MultiHeadAttentionLayer;
  assert.deepEqual(mha.attentionAxes, [1]);
  assert.deepEqual(mha.layoutOfNode(mha.inboundNodes[0])?.slots, ["query", "value", "attention_mask", "key"]);
  // Where lamina writes the weights: Keras' saving_lib paths (the projections under their public properties).
  const paths = stateEntries(model, false).filter((e) => e.layer && e.layer.weights.length > 0 && e.path.includes("multi_head")).map((e) => e.path);
  assert.deepEqual(paths, [
    "layers/multi_head_attention", "layers/multi_head_attention/key_dense", "layers/multi_head_attention/output_dense",
    "layers/multi_head_attention/query_dense", "layers/multi_head_attention/value_dense",
  ]);
});

test("lamina's own .keras and .h5 files of that model load back with the same predictions, and its config is Keras' (call arguments included)", async () => {
  const model = await tf.models.loadModel(file, { compile: false }) as tf.models.Model;
  const keras = fixture.model.config as { config: { layers: { class_name: string; inbound_nodes: unknown; build_config?: unknown }[] } };
  const mine = JSON.parse(model.toJSON()) as typeof keras;
  for (const name of ["MultiHeadAttention", "Attention", "EinsumDense"]) {
    const k = keras.config.layers.find((l) => l.class_name === name)!, m = mine.config.layers.find((l) => l.class_name === name)!;
    assert.deepEqual(m.build_config, k.build_config, `${name} build_config`);
    // Keras records Attention's default training=False in each call; lamina leaves it out (it pins nothing).
    const strip = (nodes: unknown): unknown => JSON.parse(JSON.stringify(nodes).replace(/"training":false,?/g, "").replace(/,"mask":\[null,null\]|"mask":\[null,null\],?/g, "").replace(/,}/g, "}"));
    assert.deepEqual(strip(m.inbound_nodes), strip(k.inbound_nodes), `${name} inbound_nodes`);
  }
  const dir = mkdtempSync(join(tmpdir(), "lamina-attention-"));
  try {
    for (const name of ["m.keras", "m.h5"]) {
      await model.save(join(dir, name));
      const back = await tf.models.loadModel(join(dir, name), { compile: false }) as tf.models.Model;
      checkPredictions(back);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a model made in lamina with every attention layer and call option saves and loads back (.keras), predictions unchanged", async () => {
  tf.random.setSeed(4);
  const q = layers.Input({ shape: [3, 4] }), v = layers.Input({ shape: [5, 4] }), qm = layers.Input({ shape: [3] }), vm = layers.Input({ shape: [5] });
  const a = layers.Attention({ scoreMode: "concat", useScale: true }).apply([q, v], { mask: [qm, vm] }) as tf.layers.SymbolicTensor;
  const [b, scores] = layers.AdditiveAttention().apply([a, v, v], { useCausalMask: true, returnAttentionScores: true }) as tf.layers.SymbolicTensor[];
  const c = layers.MultiHeadAttention(2, 3, { valueDim: 2, outputShape: 6, dropout: 0.1, seed: 1 }).apply([b, v], { queryMask: qm, valueMask: vm, useCausalMask: true }) as tf.layers.SymbolicTensor;
  const d = layers.EinsumDense("abc,cd->abd", [null, 2], { biasAxes: "d", activation: "relu" }).apply(c) as tf.layers.SymbolicTensor;
  const model = new tf.models.Model({ inputs: [q, v, qm, vm], outputs: [d, scores] });
  const xs = [tf.random.uniform([2, 3, 4], -1, 1), tf.random.uniform([2, 5, 4], -1, 1), tf.constant([[1, 1, 0], [1, 0, 1]], [2, 3]), tf.constant([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], [2, 5])];
  const want = model.predict(xs) as tf.Tensor[];
  const dir = mkdtempSync(join(tmpdir(), "lamina-attention-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"), { compile: false }) as tf.models.Model;
    const got = back.predict(xs) as tf.Tensor[];
    got.forEach((g, i) => assertAllClose(g, want[i], { rtol: 1e-6, atol: 1e-7 }));
    const fromJson = tf.models.modelFromJSON(model.toJSON());
    assert.equal(fromJson.toJSON(), model.toJSON());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
