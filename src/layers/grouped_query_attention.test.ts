/*
 * GroupQueryAttention against Keras 3.5 (torch backend): outputs and scores on fixed weights
 * (test/fixtures/gqa_mel.json, made by test/fixtures/make_gqa_mel.py), a Keras-written .keras
 * file (keras_files/by_keras/gqa.keras), gradients against finite differences, configs and errors.
 * Query rows with no key to attend to follow Keras 3.15 (zero weights) where the fixture has Keras 3.5's uniform ones.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { assertRows, emptyQueryRows, rowsOf } from "../testing/attention_rows.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { stateEntries } from "../io/keras_state.js";

const { layers } = tf;
interface Arr { shape: number[]; data: (number | boolean)[] }
interface Case {
  name: string; config: Record<string, unknown>; weights: Arr[]; weight_names: string[]; args: Arr[];
  kwargs: Record<string, Arr | null>; call: Record<string, boolean>; outputs: Arr[];
}
const fixture = JSON.parse(readFileSync("test/fixtures/gqa_mel.json", "utf8")) as {
  gqa: Case[];
  gqa_model: { config: Record<string, unknown>; weight_paths: string[]; weight_shapes: number[][]; inputs: Arr[]; predictions: Arr[] };
};
const tensorOf = (a: Arr): tf.Tensor =>
  typeof a.data[0] === "boolean" ? tf.constant(a.data.map((b) => (b ? 1 : 0)), a.shape, "bool") : tf.constant(a.data as number[], a.shape, "float32");
/** The config keys Keras 3.15 adds to GroupQueryAttention's, with their defaults. */
const K315_DEFAULTS = { use_gate: false, sliding_window: null, seed: null };
const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

test("GroupQueryAttention equals Keras 3.5 on fixed weights: self and cross attention, key, multi-query without bias, masks, attention mask, causal mask, scores (fully masked query rows as Keras 3.15)", () => {
  let emptyElements = 0;
  for (const c of fixture.gqa) {
    const cfg = c.config;
    const layer = layers.GroupQueryAttention({
      headDim: cfg.head_dim as number, numQueryHeads: cfg.num_query_heads as number, numKeyValueHeads: cfg.num_key_value_heads as number, useBias: cfg.use_bias as boolean,
    });
    const opts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.kwargs)) if (v) opts[camel(k)] = tensorOf(v);
    for (const [k, v] of Object.entries(c.call)) opts[camel(k)] = v;
    const args = c.args.map(tensorOf);
    layer.apply(args, opts);
    // Keras' weight names below the layer's own, in Keras' order and shapes.
    assert.deepEqual(layer.weights.map((w) => w.name.split("/").slice(1).join("/")), c.weight_names.map((n) => n.split("/").slice(1).join("/")), c.name);
    assert.deepEqual(layer.weights.map((w) => w.shape), c.weights.map((w) => w.shape), c.name);
    layer.setWeights(c.weights.map(tensorOf));
    const out = layer.apply(args, opts) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    assert.equal(outs.length, c.outputs.length, c.name);
    // Query rows with no key to attend to follow Keras 3.15 (zero weights, the output bias), not the fixture's Keras 3.5 (uniform weights).
    const [batch, T] = c.args[0].shape, S = c.args[1].shape[1];
    const flags = (name: string): boolean[] | undefined => (c.kwargs[name] ? (c.kwargs[name]!.data as boolean[]) : undefined);
    const am = flags("attention_mask");
    const empty = emptyQueryRows({
      batch, T, S, causal: c.call.use_causal_mask === true,
      ...(flags("query_mask") ? { queryMask: rowsOf(flags("query_mask")!, T) } : {}),
      ...(flags("value_mask") ? { valueMask: rowsOf(flags("value_mask")!, S) } : {}),
      ...(flags("key_mask") ? { keyMask: rowsOf(flags("key_mask")!, S) } : {}),
      ...(am ? { attentionMask: rowsOf(am, T * S).map((m) => rowsOf(m, S)) } : {}),
    });
    const bias = cfg.use_bias ? (c.weights[c.weights.length - 1].data as number[]) : 0;
    outs.forEach((o, i) => {
      assert.deepEqual(o.shape, c.outputs[i].shape, `${c.name} output ${i}`);
      emptyElements += assertRows(o, c.outputs[i].data as number[], empty, i === 0 ? bias : 0, `${c.name} output ${i}`, i === 0 ? 1 : 2);
    });
    // The config holds Keras' keys with Keras' values.
    const mine = tf.serialization.serializeLayer(layer) as { class_name: string; config: Record<string, unknown> };
    assert.equal(mine.class_name, "GroupQueryAttention");
    // lamina writes Keras 3.15's config: Keras 3.5's keys and use_gate, sliding_window, seed (off here).
    assert.deepEqual({ ...mine.config, name: cfg.name }, { ...cfg, ...K315_DEFAULTS }, `${c.name} config`);
    // And a layer made from Keras' config is the same layer.
    const back = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: "GroupQueryAttention", config: cfg, registered_name: null }) as tf.layers.GroupQueryAttentionLayer;
    assert.deepEqual([back.headDim, back.numQueryHeads, back.numKeyValueHeads, back.useBias], [cfg.head_dim, cfg.num_query_heads, cfg.num_key_value_heads, cfg.use_bias]);
  }
  assert.ok(emptyElements > 0, "a case has fully masked query rows");
});

test("the Keras auto name is grouped_query_attention; the saved class name GroupQueryAttention, and Keras' other spelling loads too", () => {
  const layer = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1 });
  assert.match(layer.name, /^grouped_query_attention(_\d+)?$/);
  const ser = tf.serialization.serializeLayer(layer) as { class_name: string; config: Record<string, unknown>; module: string };
  assert.equal(ser.class_name, "GroupQueryAttention");
  assert.equal(ser.module, "keras.layers");
  const back = tf.serialization.deserializeLayer({ ...ser, class_name: "GroupedQueryAttention" }) as tf.layers.GroupQueryAttentionLayer;
  assert.equal(back.numKeyValueHeads, 1);
});

test("a .keras file written by Keras 3.5 with GroupQueryAttention(q, v, key, attention_mask, use_causal_mask) loads with Keras' weights and predicts Keras' outputs; lamina's files read back", async () => {
  const file = "test/fixtures/keras_files/by_keras/gqa.keras";
  const model = await tf.models.loadModel(file, { compile: false }) as tf.models.Model;
  assert.deepEqual(model.weights.map((w) => w.name), fixture.gqa_model.weight_paths);
  assert.deepEqual(model.weights.map((w) => w.shape), fixture.gqa_model.weight_shapes);
  const xs = fixture.gqa_model.inputs.map(tensorOf);
  assertAllClose(model.predict(xs) as tf.Tensor, fixture.gqa_model.predictions[0].data as number[], { rtol: 2e-5, atol: 2e-6 });
  const paths = stateEntries(model, false).filter((e) => e.path.startsWith("layers/grouped_query_attention/")).map((e) => e.path);
  assert.deepEqual(paths, ["_dropout_layer", "_key_dense", "_output_dense", "_query_dense", "_softmax", "_value_dense"].map((p) => `layers/grouped_query_attention/${p}`));
  // lamina writes Keras' layer config and call.
  const keras = fixture.gqa_model.config as { config: { layers: { class_name: string; config: unknown; inbound_nodes: unknown; build_config?: unknown }[] } };
  const mine = JSON.parse(model.toJSON()) as typeof keras;
  const k = keras.config.layers.find((l) => l.class_name === "GroupQueryAttention")!, m = mine.config.layers.find((l) => l.class_name === "GroupQueryAttention")!;
  assert.deepEqual(m.config, { ...(k.config as object), ...K315_DEFAULTS });
  assert.deepEqual(m.build_config, k.build_config);
  assert.deepEqual(m.inbound_nodes, k.inbound_nodes);
  const dir = mkdtempSync(join(tmpdir(), "lamina-gqa-"));
  try {
    for (const name of ["m.keras", "m.h5"]) {
      await model.save(join(dir, name));
      const back = await tf.models.loadModel(join(dir, name), { compile: false }) as tf.models.Model;
      assertAllClose(back.predict(xs) as tf.Tensor, fixture.gqa_model.predictions[0].data as number[], { rtol: 2e-5, atol: 2e-6 });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a lamina model with GroupQueryAttention (masks, causal mask, scores as an output) round-trips through .keras and JSON with the same predictions", async () => {
  tf.random.setSeed(6);
  const q = layers.Input({ shape: [3, 4] }), v = layers.Input({ shape: [5, 4] }), qm = layers.Input({ shape: [3] }), vm = layers.Input({ shape: [5] });
  const [o, s] = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2, dropout: 0.1, kernelRegularizer: "l2" })
    .apply([q, v], { queryMask: qm, valueMask: vm, useCausalMask: true, returnAttentionScores: true }) as tf.layers.SymbolicTensor[];
  assert.deepEqual(o.shape, [null, 3, 4]);
  assert.deepEqual(s.shape, [null, 4, 3, 5]);
  const model = new tf.models.Model({ inputs: [q, v, qm, vm], outputs: [o, s] });
  const xs = [tf.random.uniform([2, 3, 4], -1, 1), tf.random.uniform([2, 5, 4], -1, 1), tf.constant([[1, 1, 0], [1, 0, 1]], [2, 3]), tf.constant([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], [2, 5])];
  const want = model.predict(xs) as tf.Tensor[];
  const dir = mkdtempSync(join(tmpdir(), "lamina-gqa-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"), { compile: false }) as tf.models.Model;
    (back.predict(xs) as tf.Tensor[]).forEach((g, i) => assertAllClose(g, want[i], { rtol: 1e-6, atol: 1e-7 }));
    const fromJson = tf.models.modelFromJSON(model.toJSON());
    assert.equal(fromJson.toJSON(), model.toJSON());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("GroupQueryAttention's gradients (inputs and every weight) equal finite differences, with key, masks and causal mask", () => {
  tf.random.setSeed(1);
  const rnd = (shape: number[], seed: number): tf.Tensor => tf.random.uniform(shape, -1, 1, { dtype: "float64", seed });
  const layer = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2, dtype: "float64", biasInitializer: "random_normal" });
  const q = rnd([2, 3, 4], 1), v = rnd([2, 4, 4], 2), k = rnd([2, 4, 5], 3);
  const mask = tf.constant([[[1, 1, 0, 1], [1, 0, 1, 1], [1, 1, 1, 0]], [[1, 0, 0, 0], [1, 1, 1, 1], [0, 1, 1, 1]]], [2, 3, 4], "bool");
  const opts = { attentionMask: mask, useCausalMask: true, returnAttentionScores: true };
  const loss = (y: tf.Tensor[]): tf.Tensor =>
    y.reduce((acc: tf.Tensor, o, i) => tf.add(acc, tf.sum(tf.mul(o, tf.add(tf.range(0, o.size, 1, "float64").reshape(o.shape).mul(0.01), i + 1)))), tf.zeros([], "float64"));
  checkGradients((qq, vv, kk) => loss(layer.apply([qq, vv, kk], opts) as tf.Tensor[]), [q, v, k], { rtol: 1e-6, atol: 1e-8 });
  checkVariableGradients(() => loss(layer.apply([q, v, k], opts) as tf.Tensor[]), layer.weights, { rtol: 1e-6, atol: 1e-8 });
});

test("GroupQueryAttention refuses bad settings and shapes with the layer's name and the fix", () => {
  assert.throws(() => layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 6, numKeyValueHeads: 4, name: "g1" }),
    /GroupedQueryAttention g1: numQueryHeads \(6\) must be divisible by numKeyValueHeads \(4\).*divisor of 6/);
  assert.throws(() => layers.GroupQueryAttention({ headDim: 0, numQueryHeads: 2, numKeyValueHeads: 1, name: "g2" }), /g2: headDim must be a positive integer.*got 0/);
  assert.throws(() => layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, dropout: 1, name: "g3" }), /g3: dropout must be a number in \[0, 1\)/);
  const g = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, name: "g4" });
  assert.throws(() => g.apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 4])]), /g4: the last dimension of the query and the value must be equal.*query \(1, 2, 3\), value \(1, 2, 4\)/);
  assert.throws(() => g.apply([tf.zeros([1, 2, 2, 3]), tf.zeros([1, 2, 2, 3])]), /g4: query, value and key need shape \[batch, steps, dim\] \(rank 3\)/);
  assert.throws(() => g.apply([tf.zeros([1, 2, 3]), tf.zeros([1, 4, 3]), tf.zeros([1, 5, 3])]), /g4: the value and the key must agree on every axis but the last/);
  g.apply([tf.zeros([1, 2, 3]), tf.zeros([1, 4, 3])]);
  assert.throws(() => g.apply([tf.zeros([1, 2, 3]), tf.zeros([1, 4, 3])], { attentionMask: tf.ones([1, 3, 4]) }), /g4: the attention mask of shape \[1, 3, 4\] does not fit scores of shape \[1, 2, 2, 4\]/);
  assert.throws(() => tf.serialization.deserializeLayer({ module: "keras.layers", class_name: "GroupQueryAttention", config: { head_dim: 2, num_query_heads: 3, num_key_value_heads: 2 }, registered_name: null }), /must be divisible by numKeyValueHeads/);
});
