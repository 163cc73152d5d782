/*
 * Keras 3.15's use_gate and sliding_window on MultiHeadAttention and GroupQueryAttention (and
 * GroupQueryAttention's seed). Outputs against a numpy restatement of the math on fixed weights
 * (test/fixtures/attention_gate_window.json, made by test/fixtures/make_attention_gate_window.py,
 * which also checks Keras 3.15.1 agrees), a .keras file written by Keras 3.15.1
 * (keras_files/by_keras/attention_gate_window.keras), gradients against finite differences,
 * quantization of the gate, config round trips and the errors for bad values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { stateEntries } from "../io/keras_state.js";

const { layers } = tf;
type Attention = tf.layers.MultiHeadAttentionLayer | tf.layers.GroupQueryAttentionLayer;
interface Arr { shape: number[]; data: (number | boolean)[] }
interface Case {
  name: string; layer: "mha" | "gqa"; args_config: Record<string, unknown>; config: Record<string, unknown>; weights: Arr[]; weight_names: string[];
  args: Arr[]; kwargs: Record<string, Arr>; call: Record<string, boolean>; outputs: Arr[];
}
const fixture = JSON.parse(readFileSync("test/fixtures/attention_gate_window.json", "utf8")) as {
  cases: Case[];
  model: { config: { config: { layers: { class_name: string; config: unknown; inbound_nodes: unknown; build_config?: unknown }[] } }; weight_paths: string[]; weight_shapes: number[][]; inputs: Arr[]; predictions: Arr[] };
};
const KERAS_FILE = "test/fixtures/keras_files/by_keras/attention_gate_window.keras";
const tensorOf = (a: Arr): tf.Tensor =>
  typeof a.data[0] === "boolean" ? tf.constant(a.data.map((b) => (b ? 1 : 0)), a.shape, "bool") : tf.constant(a.data as number[], a.shape, "float32");
/**
 * A Keras 3.15 config as lamina writes it: Keras 3.15's initializers add input_axes/output_axes (null
 * here) to their configs, which lamina reads but does not write (src/nn/initializers.ts).
 */
const withoutNullAxes = (config: unknown): unknown => JSON.parse(JSON.stringify(config).replace(/,"input_axes":null,"output_axes":null/g, ""));
const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelArgs = (cfg: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(cfg).map(([k, v]) => [camel(k), v]));
const make = (kind: "mha" | "gqa", args: Record<string, unknown>): Attention =>
  kind === "mha" ? layers.MultiHeadAttention(args as tf.layers.MultiHeadAttentionArgs) : layers.GroupQueryAttention(args as tf.layers.GroupQueryAttentionArgs);

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "lamina-gate-window-"));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("gated and sliding-window attention equal the numpy restatement on fixed weights: gate, band, band with the causal mask, band of 1, with attention/value/key masks, no bias, GQA's groups", () => {
  for (const c of fixture.cases) {
    const layer = make(c.layer, { ...camelArgs(c.args_config), name: c.name });
    const opts: Record<string, unknown> = camelArgs(c.call);
    for (const [k, v] of Object.entries(c.kwargs)) opts[camel(k)] = tensorOf(v);
    const args = c.args.map(tensorOf);
    layer.apply(args, opts);
    // Keras' weight names and order (the gate between key and value) and shapes.
    assert.deepEqual(layer.weights.map((w) => w.name), c.weight_names, c.name);
    assert.deepEqual(layer.weights.map((w) => w.shape), c.weights.map((w) => w.shape), c.name);
    layer.setWeights(c.weights.map(tensorOf));
    const out = layer.apply(args, opts) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    assert.equal(outs.length, c.outputs.length, c.name);
    outs.forEach((o, i) => {
      assert.deepEqual(o.shape, c.outputs[i].shape, `${c.name} output ${i}`);
      // Every row, mha_query_mask's masked query steps too: the restatement zeroes their weights, as Keras 3.15 and lamina do.
      assertAllClose(o, c.outputs[i].data as number[], { rtol: 2e-5, atol: 2e-6 });
    });
    // getConfig writes Keras 3.15's keys and values; Keras' config makes the same layer.
    const mine = tf.serialization.serializeLayer(layer) as { config: Record<string, unknown> };
    assert.deepEqual(mine.config, withoutNullAxes(c.config), `${c.name} config`);
    const back = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: c.layer === "mha" ? "MultiHeadAttention" : "GroupQueryAttention", config: c.config, registered_name: null }) as Attention;
    assert.deepEqual([back.useGate, back.slidingWindow], [c.config.use_gate, c.config.sliding_window], c.name);
    back.apply(args, opts);
    back.setWeights(c.weights.map(tensorOf));
    const again = back.apply(args, opts) as tf.Tensor | tf.Tensor[];
    [again].flat().forEach((o, i) => assert.deepEqual(o.arraySync(), outs[i].arraySync(), `${c.name} rebuilt from config, output ${i}`));
  }
});

test("the sliding window is the band |t - s| < window, ANDed with the causal mask and the attention mask (scores zero outside)", () => {
  const x = tf.random.uniform([1, 6, 4], -1, 1, { seed: 21 }), v = tf.random.uniform([1, 8, 4], -1, 1, { seed: 22 });
  const am = tf.constant(Array.from({ length: 48 }, (_, i) => (i % 5 === 1 ? 0 : 1)), [1, 6, 8], "bool");
  const [, scores] = layers.MultiHeadAttention(2, 2, { slidingWindow: 3 }).apply([x, v], { attentionMask: am, useCausalMask: true, returnAttentionScores: true }) as tf.Tensor[];
  const s = scores.arraySync() as number[][][][], a = am.arraySync() as boolean[][][];
  for (let h = 0; h < 2; h++) {
    for (let t = 0; t < 6; t++) {
      for (let j = 0; j < 8; j++) {
        const kept = j <= t && Math.abs(t - j) < 3 && a[0][t][j];
        assert.equal(s[0][h][t][j] > 0, kept, `head ${h}, query ${t}, key ${j}`);
      }
    }
  }
});

test("a .keras file written by Keras 3.15.1 with gated, sliding-window MultiHeadAttention and GroupQueryAttention (seeded) loads with Keras' weights and predictions; lamina writes Keras' config and reads its files back", async () => {
  const model = await tf.models.loadModel(KERAS_FILE, { compile: false }) as tf.models.Model;
  assert.deepEqual(model.weights.map((w) => w.name), fixture.model.weight_paths);
  assert.deepEqual(model.weights.map((w) => w.shape), fixture.model.weight_shapes);
  const mha = model.getLayer("mha") as tf.layers.MultiHeadAttentionLayer, gqa = model.getLayer("gqa") as tf.layers.GroupQueryAttentionLayer;
  assert.deepEqual([mha.useGate, mha.slidingWindow, gqa.useGate, gqa.slidingWindow, gqa.seed], [true, 2, true, 3, 7]);
  const xs = fixture.model.inputs.map(tensorOf);
  const check = (m: tf.models.Model): void => {
    (m.predict(xs) as tf.Tensor[]).forEach((p, i) => {
      assert.deepEqual(p.shape, fixture.model.predictions[i].shape);
      assertAllClose(p, fixture.model.predictions[i].data as number[], { rtol: 2e-5, atol: 2e-6 });
    });
  };
  check(model);
  // Keras' saving_lib path of the gate: its private attribute (it has no public property).
  const paths = stateEntries(model, false).filter((e) => e.path.includes("_gate_dense")).map((e) => e.path).sort();
  assert.deepEqual(paths, ["layers/grouped_query_attention/_gate_dense", "layers/multi_head_attention/_gate_dense"]);
  const mine = JSON.parse(model.toJSON()) as typeof fixture.model.config;
  for (const name of ["MultiHeadAttention", "GroupQueryAttention"]) {
    const k = fixture.model.config.config.layers.find((l) => l.class_name === name)!, m = mine.config.layers.find((l) => l.class_name === name)!;
    assert.deepEqual(m.config, withoutNullAxes(k.config), `${name} config`);
    assert.deepEqual(m.build_config, k.build_config, `${name} build_config`);
  }
  await withDir(async (dir) => {
    for (const name of ["m.keras", "m.h5"]) {
      await model.save(join(dir, name));
      check(await tf.models.loadModel(join(dir, name), { compile: false }) as tf.models.Model);
    }
  });
});

test("gated sliding-window attention: gradients (inputs and every weight, the gate's included) equal finite differences", () => {
  tf.random.setSeed(3);
  const rnd = (shape: number[], seed: number): tf.Tensor => tf.random.uniform(shape, -1, 1, { dtype: "float64", seed });
  const loss = (y: tf.Tensor | tf.Tensor[]): tf.Tensor =>
    [y].flat().reduce((acc: tf.Tensor, o, i) => tf.add(acc, tf.sum(tf.mul(o, tf.add(tf.range(0, o.size, 1, "float64").reshape(o.shape).mul(0.01), i + 1)))), tf.zeros([], "float64"));
  const q = rnd([2, 4, 4], 1), v = rnd([2, 5, 4], 2), k = rnd([2, 5, 3], 3);
  const mask = tf.constant([[[1, 1, 0, 1, 1], [1, 1, 1, 1, 0], [1, 0, 1, 1, 1], [0, 1, 1, 1, 1]], [[1, 1, 1, 1, 1], [0, 1, 1, 0, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]], [2, 4, 5], "bool");
  const opts = { attentionMask: mask, useCausalMask: true, returnAttentionScores: true };
  const made: Attention[] = [
    layers.MultiHeadAttention(2, 3, { valueDim: 2, useGate: true, slidingWindow: 2, dtype: "float64", biasInitializer: "random_normal" }),
    layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2, useGate: true, slidingWindow: 2, dtype: "float64", biasInitializer: "random_normal" }),
  ];
  for (const layer of made) {
    layer.apply([q, v, k], opts);
    assert.ok(layer.gateDense && layer.weights.includes(layer.gateDense.kernel!), "the gate's kernel is a weight");
    checkGradients((qq, vv, kk) => loss(layer.apply([qq, vv, kk], opts) as tf.Tensor[]), [q, v, k], { rtol: 1e-6, atol: 1e-8 });
    checkVariableGradients(() => loss(layer.apply([q, v, k], opts) as tf.Tensor[]), layer.weights, { rtol: 1e-6, atol: 1e-8 });
  }  // The gate over rank-4 inputs attending over two axes: gated like the heads' outputs, [batch, a, b, heads, valueDim].
  const x4 = rnd([1, 2, 3, 4], 4);
  const mha4 = layers.MultiHeadAttention(2, 2, { valueDim: 3, useGate: true, attentionAxes: [1, 2], dtype: "float64", biasInitializer: "random_normal" });
  mha4.apply([x4, x4]);
  assert.deepEqual(mha4.gateDense!.kernel!.shape, [4, 2, 3]);
  checkGradients((xx) => loss(mha4.apply([xx, xx]) as tf.Tensor), [x4], { rtol: 1e-6, atol: 1e-8 });
  checkVariableGradients(() => loss(mha4.apply([x4, x4]) as tf.Tensor), mha4.weights, { rtol: 1e-6, atol: 1e-8 });
});

test("model.quantize quantizes the gate with the other projections; its policy is in the saved DTypePolicyMap and the model loads back with the same predictions", async () => {
  tf.random.setSeed(8);
  const q = layers.Input({ shape: [4, 6] });
  const h = layers.MultiHeadAttention(2, 3, { useGate: true, slidingWindow: 2, name: "mha" }).apply([q, q]) as tf.layers.SymbolicTensor;
  const y = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, useGate: true, name: "gqa" }).apply([h, h]) as tf.layers.SymbolicTensor;
  const model = new tf.models.Model({ inputs: q, outputs: y });
  model.quantize("int8");
  const mha = model.getLayer("mha") as tf.layers.MultiHeadAttentionLayer, gqa = model.getLayer("gqa") as tf.layers.GroupQueryAttentionLayer;
  assert.equal(mha.gateDense!.quantizationMode, "int8");
  assert.equal(gqa.gateDense!.quantizationMode, "int8");
  const policyMap = (l: Attention): string[] => Object.keys(((l.getConfig().dtype as { config: { policy_map: Record<string, unknown> } }).config.policy_map));
  assert.ok(policyMap(mha).includes("mha/gate"), JSON.stringify(policyMap(mha)));
  assert.ok(policyMap(gqa).includes("gqa/gate"), JSON.stringify(policyMap(gqa)));
  const x = tf.random.uniform([2, 4, 6], -1, 1, { seed: 9 });
  const want = model.predict(x) as tf.Tensor;
  await withDir(async (dir) => {
    await model.save(join(dir, "q.keras"));
    const back = await tf.models.loadModel(join(dir, "q.keras"), { compile: false }) as tf.models.Model;
    assert.equal((back.getLayer("mha") as tf.layers.MultiHeadAttentionLayer).gateDense!.quantizationMode, "int8");
    assert.deepEqual((back.predict(x) as tf.Tensor).arraySync(), want.arraySync());
  });
});

test("GroupQueryAttention's seed seeds its dropout: equal seeds drop the same weights in training, and the seed is saved", () => {
  const q = tf.random.uniform([2, 4, 4], -1, 1, { seed: 31 });
  const run = (seed: number): number[] => {
    const layer = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, dropout: 0.5, seed });
    layer.apply([q, q]);
    layer.setWeights(layer.weights.map((w, i) => tf.fill(w.shape as number[], 0.1 * (i + 1))));
    return Array.from((layer.apply([q, q], { training: true }) as tf.Tensor).dataSync() as Float32Array);
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
  assert.equal(layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, seed: 5 }).getConfig().seed, 5);
});

test("bad useGate, slidingWindow and seed values are refused, naming the layer, the value and what is allowed, from options and from Keras configs", () => {
  for (const bad of [0, 1.5, -2, "2"]) {
    assert.throws(() => layers.MultiHeadAttention(2, 3, { slidingWindow: bad as never, name: "m1" }),
      new RegExp(`MultiHeadAttention m1: slidingWindow must be null \\(full attention\\) or a positive integer.*got ${bad === "2" ? '"2"' : String(bad).replace(".", "\\.")}`));
    assert.throws(() => layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, slidingWindow: bad as never, name: "g1" }), /GroupedQueryAttention g1: slidingWindow must be null/);
  }
  assert.throws(() => layers.MultiHeadAttention(2, 3, { useGate: 1 as never, name: "m2" }), /MultiHeadAttention m2: useGate must be true or false, got 1/);
  assert.throws(() => layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, useGate: "yes" as never, name: "g2" }), /g2: useGate must be true or false/);
  assert.throws(() => layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, seed: 1.5, name: "g3" }), /g3: seed must be an integer, got 1\.5/);
  const config = (extra: Record<string, unknown>) => ({ module: "keras.layers", class_name: "MultiHeadAttention", config: { num_heads: 2, key_dim: 3, ...extra }, registered_name: null });
  assert.throws(() => tf.serialization.deserializeLayer(config({ sliding_window: 0 })), /slidingWindow must be null \(full attention\) or a positive integer.*got 0/);
  assert.throws(() => tf.serialization.deserializeLayer(config({ sliding_window: 1.5 })), /slidingWindow must be null.*got 1\.5/);
  const ok = tf.serialization.deserializeLayer(config({ sliding_window: null, use_gate: false })) as tf.layers.MultiHeadAttentionLayer;
  assert.deepEqual([ok.slidingWindow, ok.useGate], [null, false]);
});

test("flashAttention: null or false computes attention as always and is not saved (as Keras); true is refused, as ops.dotProductAttention refuses it", () => {
  const q = tf.random.uniform([1, 3, 4], -1, 1, { seed: 41 });
  for (const flashAttention of [null, false]) {
    const mha = layers.MultiHeadAttention(2, 2, { flashAttention, slidingWindow: 2 });
    assert.deepEqual((mha.apply([q, q]) as tf.Tensor).shape, [1, 3, 4]);
    assert.ok(!("flash_attention" in mha.getConfig()));
    const gqa = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, flashAttention });
    assert.deepEqual((gqa.apply([q, q]) as tf.Tensor).shape, [1, 3, 4]);
    assert.ok(!("flash_attention" in gqa.getConfig()));
  }
  assert.throws(() => layers.MultiHeadAttention(2, 2, { flashAttention: true, name: "f1" }), /MultiHeadAttention f1: flashAttention=true is not supported; lamina has no flash-attention kernel/);
  assert.throws(() => layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, flashAttention: true, name: "f2" }), /f2: flashAttention=true is not supported/);
  assert.throws(() => layers.MultiHeadAttention(2, 2, { flashAttention: "auto" as never, name: "f3" }), /f3: flashAttention must be null or false, got "auto"/);
});
