/**
 * The Keras 3.15 nn/core operations (op_specs_k315_nn.ts) in functional models: each records Keras'
 * class, module and config (`name` beside the init arguments, as Keras 3.15's Operation writes it),
 * and a model holding them comes back from its config and from a .keras file predicting the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";

const { layers, models } = tf;

function k315Model(): tf.models.Model {
  layers.clearSession();
  const x = layers.Input({ shape: [4, 6], name: "x" });
  const img = layers.Input({ shape: [2, 3, 8], name: "img" });
  const q = layers.Input({ shape: [3, 4, 5], name: "q" });
  const kv = layers.Input({ shape: [6, 2, 5], name: "kv" });
  const mask = layers.Input({ shape: [1, 3, 6], dtype: "bool", name: "mask" });
  const scale = layers.Input({ shape: [6], name: "scale" });
  const outputs = [
    ops.celu(x, 0.5), ops.glu(x), ops.hardShrink(x, 0.3), ops.hardTanh(x), ops.softShrink(x), ops.sparsePlus(x),
    ops.sparseSigmoid(x), ops.sparsemax(x, 1), ops.squareplus(x, 2), ops.tanhShrink(x), ops.threshold(x, 0.1, -1),
    ops.layerNormalization(x, null, null, [1, 2], 1e-3), ops.rmsNormalization(x, ops.getItem(scale, 0), -1, 1e-5),
    ops.dotProductAttention(q, kv, kv, null, mask, 0.5, true), ops.depthToSpace(img, 2), ops.spaceToDepth(ops.depthToSpace(ops.transpose(img, [0, 3, 1, 2]), 2, "channels_first"), 2, "channels_first"),
    ops.saturateCast(ops.multiply(x, 100), "uint8"),
  ];
  return new models.Model({ inputs: [x, img, q, kv, mask, scale], outputs, name: "k315_nn" });
}

function inputs(): tf.Tensor[] {
  const f32 = (shape: number[], seed: number): tf.Tensor => tf.cast(randomF64(shape, seed), "float32");
  return [f32([2, 4, 6], 1), f32([2, 2, 3, 8], 2), f32([2, 3, 4, 5], 3), f32([2, 6, 2, 5], 4), tf.greater(f32([2, 1, 3, 6], 5), -1), f32([2, 6], 6)];
}

interface Entry { module: string; class_name: string; config: Record<string, unknown>; name: string; inbound_nodes: { args: unknown[]; kwargs: Record<string, unknown> }[] }

test("each operation is written as Keras 3.15 writes it: class, module, name and init arguments", () => {
  const config = JSON.parse(k315Model().toJSON()).config as { layers: Entry[] };
  const entry = (name: string): Entry => {
    const e = config.layers.find((l) => l.name === name);
    assert.ok(e, `no entry ${name}`);
    return e;
  };
  const NN = "keras.src.ops.nn";
  const want: [string, string, string, Record<string, unknown>][] = [
    ["celu", NN, "Celu", { alpha: 0.5 }], ["glu", NN, "Glu", { axis: -1 }], ["hard_shrink", NN, "HardShrink", { threshold: 0.3 }],
    ["hard_tanh", NN, "HardTanh", {}], ["soft_shrink", NN, "SoftShrink", { threshold: 0.5 }], ["sparse_plus", NN, "SparsePlus", {}],
    ["sparse_sigmoid", NN, "SparseSigmoid", {}], ["sparsemax", NN, "Sparsemax", { axis: 1 }], ["squareplus", NN, "Squareplus", { b: 2 }],
    ["tanh_shrink", NN, "TanhShrink", {}], ["threshold", NN, "Threshold", { threshold: 0.1, default_value: -1 }],
    ["layer_norm", NN, "LayerNorm", { axis: [1, 2], epsilon: 1e-3, rms_scaling: false }], ["rms_norm", NN, "RMSNorm", { axis: -1, epsilon: 1e-5 }],
    ["dot_product_attention", NN, "DotProductAttention", { is_causal: true, flash_attention: null, attn_logits_soft_cap: null }],
    ["depth_to_space", NN, "DepthToSpace", { block_size: 2, data_format: "channels_last" }],
    ["space_to_depth", NN, "SpaceToDepth", { block_size: 2, data_format: "channels_first" }],
    ["saturate_cast", "keras.src.ops.core", "SaturateCast", { dtype: "uint8" }],
  ];
  for (const [name, module, cls, keys] of want) {
    const e = entry(name);
    assert.equal(e.module, module, name);
    assert.equal(e.class_name, cls, name);
    assert.deepEqual(e.config, { name, ...keys }, name);
  }
  // Keyword arguments stay keywords, as Keras' symbolic_call records them.
  const dpa = entry("dot_product_attention").inbound_nodes[0];
  assert.equal(dpa.args.length, 3);
  assert.deepEqual(Object.keys(dpa.kwargs), ["bias", "mask", "scale"]);
  assert.equal(dpa.kwargs.scale, 0.5);
  assert.deepEqual(Object.keys(entry("rms_norm").inbound_nodes[0].kwargs), ["scale"]);
});

test("a model of the new operations comes back from its config and from a .keras file with the same outputs", async () => {
  const model = k315Model();
  const x = inputs();
  const want = model.predict(x) as tf.Tensor[];
  assert.deepEqual(want.map((t) => t.shape), [
    ...new Array<number[]>(1).fill([2, 4, 6]), [2, 4, 3], ...new Array<number[]>(9).fill([2, 4, 6]), [2, 4, 6], [2, 4, 6],
    [2, 3, 4, 5], [2, 4, 6, 2], [2, 8, 2, 3], [2, 4, 6],
  ]);
  // The graph runs the ops as the eager calls do.
  assertAllClose(want[13], ops.dotProductAttention(x[2], x[3], x[3], null, x[4], 0.5, true), { rtol: 1e-6 });
  assertAllClose(want[15], tf.transpose(x[1], [0, 3, 1, 2]));
  assert.equal(want[16].dtype, "uint8");
  const json = model.toJSON();
  const back = models.Model.fromConfig(JSON.parse(json).config) as tf.models.Model;
  assert.deepEqual(JSON.parse(back.toJSON()).config.layers, JSON.parse(json).config.layers);
  (back.predict(x) as tf.Tensor[]).forEach((t, i) => assertAllClose(t, want[i], { rtol: 1e-6, what: `fromConfig output ${i}` }));
  const dir = mkdtempSync(join(tmpdir(), "lamina-k315-ops-"));
  try {
    await model.save(join(dir, "m.keras"));
    const loaded = await models.loadModel(join(dir, "m.keras"));
    (loaded.predict(x) as tf.Tensor[]).forEach((t, i) => assertAllClose(t, want[i], { rtol: 1e-6, what: `loaded output ${i}` }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a config whose DotProductAttention asks for flash attention is refused when it runs, as Keras' CPU backends refuse it", () => {
  layers.clearSession();
  const q = layers.Input({ shape: [3, 2, 4] });
  assert.throws(() => ops.dotProductAttention(q, q, q, null, null, null, false, true), /flashAttention=true is not supported/);
  assert.throws(() => ops.dotProductAttention(q, q, q, null, null, null, false, null, 30), /attnLogitsSoftCap=30 is not supported/);
});

test("ops that need sizes divisible by a block record unknown sizes as unknown (probes are multiples of the block)", () => {
  layers.clearSession();
  const img = layers.Input({ shape: [null, null, 3] });
  assert.deepEqual(ops.spaceToDepth(img, 3).shape, [null, null, null, 27]);
  assert.deepEqual(ops.depthToSpace(layers.Input({ shape: [null, null, null] }), 3).shape, [null, null, null, null]);
  assert.deepEqual(ops.depthToSpace(layers.Input({ shape: [4, null, 18] }), 3).shape, [null, 12, null, 2]);
  assert.deepEqual(ops.glu(layers.Input({ shape: [null, 4] }), 1).shape, [null, null, 4]);
});
