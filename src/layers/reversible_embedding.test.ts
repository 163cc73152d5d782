import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { vals } from "../testing/image_layers.js";

const { layers } = tf;
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/reversible_embedding.json", import.meta.url), "utf8")) as {
  input_dim: number; output_dim: number; cap: number; embeddings: number[]; reverse_embeddings: number[]; ids: number[]; h: number[]; r: number[];
  forward: number[]; tied: number[]; untied: number[]; capped: number[]; grad_h: number[]; grad_embeddings: number[];
};
const V = fx.input_dim, D = fx.output_dim;
const E = (): tf.Tensor => tf.constant(fx.embeddings, [V, D], "float64");
const H = (): tf.Tensor => tf.constant(fx.h, [2, 3, D], "float64");
const reverse = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { reverse: true } as tf.layers.ReversibleEmbeddingCallOptions) as tf.Tensor;

test("ReversibleEmbedding matches torch: lookup, tied and untied reverse projections, soft cap, gradients (make_reversible_embedding.py)", () => {
  const tied = layers.ReversibleEmbedding(V, D, { dtype: "float64", weights: E() });
  assertAllClose(tied.apply(tf.constant(fx.ids, [2, 3], "int32")) as tf.Tensor, fx.forward, { what: "forward" });
  assertAllClose(reverse(tied, H()), fx.tied, { rtol: 1e-12, what: "tied" });
  const untied = layers.ReversibleEmbedding(V, D, { dtype: "float64", tieWeights: false });
  untied.build([null]);
  untied.setWeights([E(), tf.constant(fx.reverse_embeddings, [D, V], "float64")]);
  assertAllClose(reverse(untied, H()), fx.untied, { rtol: 1e-12, what: "untied" });
  const capped = layers.ReversibleEmbedding(V, D, { dtype: "float64", weights: E(), logitSoftCap: fx.cap });
  assertAllClose(reverse(capped, H()), fx.capped, { rtol: 1e-12, what: "capped" });
  const r = tf.constant(fx.r, [2, 3, V], "float64");
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(reverse(capped, H()), r)), [capped.weights[0]]);
  assertAllClose(Object.values(grads)[0], fx.grad_embeddings, { rtol: 1e-10, what: "d/d embeddings" });
  const [gh] = tf.grads((h: tf.Tensor) => tf.sum(tf.mul(reverse(capped, h), r)))([H()]);
  assertAllClose(gh, fx.grad_h, { rtol: 1e-10, what: "d/d h" });
});

test("ReversibleEmbedding: weights in Keras' order, reverseDtype, masks only on the forward call", () => {
  const untied = layers.ReversibleEmbedding(V, D, { tieWeights: false, maskZero: true, name: "re" });
  untied.build([null, 3]);
  assert.deepEqual(untied.weights.map((w) => [w.path, w.shape]), [["re/embeddings", [V, D]], ["re/reverse_embeddings", [D, V]]]);
  const store: Record<string, tf.Tensor> = {};
  untied.saveOwnVariables(store);
  assert.deepEqual(Object.entries(store).map(([k, t]) => [k, t.shape]), [["0", [V, D]], ["1", [D, V]]]);
  const out = untied.apply(tf.constant([[0, 2, 1]], [1, 3], "int32")) as tf.Tensor;
  assert.deepEqual([...(out.kerasMask as tf.Tensor).dataSync()], [0, 1, 1]);
  const logits = reverse(untied, out);
  assert.equal(logits.kerasMask, null);
  assert.deepEqual(logits.shape, [1, 3, V]);
  const wide = layers.ReversibleEmbedding(V, D, { reverseDtype: "float64" });
  assert.equal(reverse(wide, tf.ones([2, D])).dtype, "float64");
  const tiedLayer = layers.ReversibleEmbedding(V, D);
  tiedLayer.build([null]);
  assert.deepEqual([tiedLayer.countParams(), untied.countParams()], [V * D, 2 * V * D]);
});

test("ReversibleEmbedding refuses bad options, inputs and quantization with the reason", () => {
  const e = layers.ReversibleEmbedding(V, D);
  assert.throws(() => reverse(e, tf.ones([2, D + 1])), /reverse call takes hidden states whose last axis is outputDim 4, got shape \[2, 5\]/);
  assert.throws(() => reverse(e, tf.ones([2, D], "int32")), /takes float hidden states/);
  assert.throws(() => e.apply(tf.ones([2, D]), { reverse: "yes" } as unknown as tf.layers.ReversibleEmbeddingCallOptions), /reverse must be true or false/);
  assert.throws(() => e.quantize("float8"), /quantization mode "float8" is not supported: lamina supports "int8" and "int4" because float8 training needs float8/);
  assert.throws(() => layers.ReversibleEmbedding(V, D, { logitSoftCap: 0 }), /logitSoftCap must be a non-zero number/);
  assert.throws(() => layers.ReversibleEmbedding(V, D, { reverseDtype: "int32" }), /reverseDtype must be a float dtype/);
  assert.throws(() => layers.ReversibleEmbedding(V, D, { tieWeights: 1 as unknown as boolean }), /ReversibleEmbedding .*: tieWeights must be true or false, got 1/);
});

test("ReversibleEmbedding reads and writes Keras 3.15's config", () => {
  const config = {
    name: "tok", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
    input_dim: 10, output_dim: 3,
    embeddings_initializer: { module: "keras.initializers", class_name: "RandomUniform", config: { minval: -0.05, maxval: 0.05, seed: null }, registered_name: null },
    embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: true, quantization_config: null,
    tie_weights: false, reverse_dtype: "float64", logit_soft_cap: 30.0,
  };
  const layer = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: "ReversibleEmbedding", config, registered_name: null });
  const written = layer.getConfig();
  assert.deepEqual(Object.keys(written), Object.keys(config));
  for (const k of ["input_dim", "output_dim", "mask_zero", "quantization_config", "tie_weights", "reverse_dtype", "logit_soft_cap"]) {
    assert.deepEqual(written[k], (config as Record<string, unknown>)[k], k);
  }
  const lora = layers.ReversibleEmbedding(10, 3, { loraRank: 2 }).getConfig();
  assert.deepEqual([lora.lora_rank, lora.lora_alpha], [2, 2]);
  assert.throws(
    () => tf.serialization.deserializeLayer({ module: "keras.layers", class_name: "ReversibleEmbedding", config: { ...config, lora_rank: 2, lora_alpha: 8 }, registered_name: null }),
    /lora_alpha/,
  );
});

test("ReversibleEmbedding shared by a functional model's lookup and reverse calls trains, saves as .keras (reverse kwarg) and loads back", async () => {
  const ids = layers.Input({ shape: [5], dtype: "int32" });
  const emb = layers.ReversibleEmbedding(12, 8, { name: "tokens" });
  const hidden = layers.Dense(8, { activation: "tanh" })(emb(ids));
  const logits = emb.apply(hidden, { reverse: true } as tf.layers.ReversibleEmbeddingCallOptions) as tf.layers.SymbolicTensor;
  assert.deepEqual(logits.shape, [null, 5, 12]);
  const model = new tf.models.Model({ inputs: ids, outputs: logits });
  const config = JSON.parse(model.toJSON()) as { config: { layers: { name: string; inbound_nodes: { kwargs: Record<string, unknown> }[] }[] } };
  assert.deepEqual(config.config.layers.find((l) => l.name === "tokens")!.inbound_nodes.map((n) => n.kwargs), [{}, { reverse: true }]);
  model.compile({ loss: tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: "adam" });
  const x = tf.constant(Array.from({ length: 40 }, (_, i) => (i * 7) % 12), [8, 5], "int32");
  await model.fit(x, x, { epochs: 1, batchSize: 4, verbose: 0 });
  const dir = mkdtempSync(join(tmpdir(), "lamina-reversible-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"));
    assert.equal(back.toJSON(), model.toJSON());
    assert.deepEqual(vals(back.predict(x)), vals(model.predict(x)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // With maskZero, a model's run masks the lookup's output but not the reverse call's logits, as Keras.
  const masked = layers.ReversibleEmbedding(12, 4, { maskZero: true });
  const ids2 = layers.Input({ shape: [3], dtype: "int32" });
  const looked = masked(ids2);
  const m2 = new tf.models.Model({ inputs: ids2, outputs: [looked, masked.apply(looked, { reverse: true } as tf.layers.ReversibleEmbeddingCallOptions) as tf.layers.SymbolicTensor] });
  const [h2, l2] = m2.apply(tf.constant([[0, 3, 5]], [1, 3], "int32")) as tf.Tensor[];
  assert.deepEqual([...(h2.kerasMask as tf.Tensor).dataSync()], [0, 1, 1]);
  assert.equal(l2.kerasMask, null);
  assert.deepEqual(l2.shape, [1, 3, 12]);
  // reverse on a layer that does not take it is refused when a config is read.
  const bad = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; inbound_nodes: { kwargs: Record<string, unknown> }[] }[] } };
  bad.config.layers.find((l) => l.class_name === "Dense")!.inbound_nodes[0].kwargs.reverse = true;
  assert.throws(() => tf.models.modelFromJSON(JSON.stringify(bad)), /reverse=true, which only ReversibleEmbedding takes/);
});
