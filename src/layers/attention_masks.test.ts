/*
 * The attention layers take the masks their inputs carry, as Keras 3.5 does, and a functional
 * model keeps each call's options, so one attention layer may be called differently each time.
 * Reference values: test/fixtures/attention_masks.json and the .keras files beside it, made by
 * test/fixtures/make_attention_masks.py with Keras 3.5 (torch backend). MultiHeadAttention's query
 * rows with no key to attend to follow Keras 3.15 instead (zero weights: the output is the output
 * projection's bias; Keras 3.5 spread them uniformly), so those rows are checked against the bias.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { assertRows, emptyQueryRows, rowsOf, type RowMasks } from "../testing/attention_rows.js";

const { layers } = tf;
interface Arr { shape: number[]; data: (number | boolean)[] }
interface Case { name: string; weights?: Arr[]; outputs: Arr[]; output_masks: (Arr | null)[] }
const fx = JSON.parse(readFileSync("test/fixtures/attention_masks.json", "utf8")) as {
  embedding: { weights: Arr[]; tokens: Record<"xs" | "xq" | "xv" | "xk", Arr> };
  mha: { weights: Arr[]; attention_mask: Arr; explicit_query_mask: Arr; cases: Case[] };
  attention: Case[];
  text: { x: Arr; y: Arr; weights: Arr[]; predictions: Arr; loss: number; predictions_after: Arr; config: { config: { layers: { class_name: string; inbound_nodes: unknown }[] } } };
  shared: { inputs: Arr[]; predictions: Arr[]; config: { config: { layers: { class_name: string; inbound_nodes: unknown }[] } } };
};
const tensorOf = (a: Arr, dtype: "float32" | "int32" = "float32"): tf.Tensor =>
  typeof a.data[0] === "boolean" ? tf.constant(a.data.map((b) => (b ? 1 : 0)), a.shape, "bool") : tf.constant(a.data as number[], a.shape, dtype);
const close = (got: tf.Tensor, want: Arr, what: string): void => {
  assert.deepEqual(got.shape, want.shape, what);
  assertAllClose(got, want.data as number[], { rtol: 2e-5, atol: 2e-6 });
};
const sameMask = (got: tf.Tensor | null, want: Arr | null, what: string): void => {
  if (want === null) return assert.equal(got, null, `${what}: no mask`);
  assert.ok(got, `${what}: a mask`);
  assert.deepEqual(got.shape, want.shape, what);
  assert.deepEqual(Array.from(got.dataSync() as Uint8Array, Boolean), want.data, what);
};

function embedding(): tf.layers.Layer {
  const emb = layers.Embedding(12, 4, { maskZero: true });
  emb.build([null, null]);
  emb.setWeights(fx.embedding.weights.map((w) => tensorOf(w)));
  return emb;
}
const tokens = (k: "xs" | "xq" | "xv" | "xk"): tf.Tensor => tensorOf(fx.embedding.tokens[k], "int32");

/** [batch][steps]: true at the tokens that are not padding (Embedding maskZero's mask). */
const present = (k: "xs" | "xq" | "xv" | "xk"): boolean[][] => (tokens(k).arraySync() as number[][]).map((row) => row.map((t) => t !== 0));

test("MultiHeadAttention takes the query, value and key masks its inputs carry (Embedding maskZero) and combines them with attentionMask and the causal mask; its output carries the query's mask (Keras 3.5; fully masked query rows as Keras 3.15)", () => {
  const emb = embedding();
  const e = (k: "xs" | "xq" | "xv" | "xk"): tf.Tensor => emb.apply(tokens(k)) as tf.Tensor;
  const mha = layers.MultiHeadAttention(2, 3);
  mha.apply([e("xq"), e("xv"), e("xk")]);
  mha.setWeights(fx.mha.weights.map((w) => tensorOf(w)));
  const calls: Record<string, () => tf.Tensor | tf.Tensor[]> = {
    self: () => mha.apply([e("xs"), e("xs")]) as tf.Tensor,
    self_causal: () => mha.apply([e("xs"), e("xs")], { useCausalMask: true }) as tf.Tensor,
    cross_key: () => mha.apply([e("xq"), e("xv")], { key: e("xk") }) as tf.Tensor,
    attention_mask_scores: () => mha.apply([e("xq"), e("xv")], { attentionMask: tensorOf(fx.mha.attention_mask), returnAttentionScores: true }) as tf.Tensor[],
    explicit_query_mask: () => mha.apply([e("xq"), e("xv")], { queryMask: tensorOf(fx.mha.explicit_query_mask) }) as tf.Tensor,
  };
  // Each call's masks, restated from the tokens, to find the query rows with no key to attend to.
  const am = tensorOf(fx.mha.attention_mask).arraySync() as boolean[][][], qm = fx.mha.explicit_query_mask;
  const masks: Record<string, RowMasks> = {
    self: { batch: 3, T: 5, S: 5, queryMask: present("xs"), valueMask: present("xs") },
    self_causal: { batch: 3, T: 5, S: 5, queryMask: present("xs"), valueMask: present("xs"), causal: true },
    cross_key: { batch: 3, T: 4, S: 5, queryMask: present("xq"), valueMask: present("xv"), keyMask: present("xk") },
    attention_mask_scores: { batch: 3, T: 4, S: 5, queryMask: present("xq"), valueMask: present("xv"), attentionMask: am },
    explicit_query_mask: { batch: 3, T: 4, S: 5, queryMask: rowsOf(qm.data as boolean[], 4), valueMask: present("xv") },
  };
  const bias = fx.mha.weights[fx.mha.weights.length - 1].data as number[];
  let emptyElements = 0;
  for (const c of fx.mha.cases) {
    const out = calls[c.name]();
    const outs = Array.isArray(out) ? out : [out];
    assert.equal(outs.length, c.outputs.length, c.name);
    const empty = emptyQueryRows(masks[c.name]);
    outs.forEach((o, i) => {
      assert.deepEqual(o.shape, c.outputs[i].shape, `${c.name} output ${i}`);
      // The output (i = 0): the bias on empty rows; the scores (i = 1, [batch, heads, T, S]): zeros there.
      emptyElements += assertRows(o, c.outputs[i].data as number[], empty, i === 0 ? bias : 0, `${c.name} output ${i}`, i === 0 ? 1 : 2);
      sameMask(o.kerasMask, c.output_masks[i], `${c.name} output ${i}`);
    });
  }
  assert.ok(emptyElements > 0, "the cases have fully masked query rows");
  // Without the inputs' masks the values differ: the masks are what the comparison checks.
  const plain = mha.apply([tf.mul(e("xs"), 1), tf.mul(e("xs"), 1)]) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(plain, tensorOf(fx.mha.cases[0].outputs[0])))).item() > 1e-3);
});

test("Attention and AdditiveAttention take [query mask, value mask] from their inputs when the call gives no mask, and their output carries the query's mask (Keras 3.5)", () => {
  const emb = embedding();
  const e = (k: "xs" | "xq" | "xv"): tf.Tensor => emb.apply(tokens(k)) as tf.Tensor;
  const att = layers.Attention({ useScale: true }), add = layers.AdditiveAttention();
  for (const c of fx.attention) {
    const layer = c.name === "additive" ? add : att;
    const out = (c.name === "attention_self_causal" ? layer.apply([e("xs"), e("xs")], { useCausalMask: true }) : layer.apply([e("xq"), e("xv")])) as tf.Tensor;
    if (c.weights) layer.setWeights(c.weights.map((w) => tensorOf(w)));
    const again = (c.name === "attention_self_causal" ? layer.apply([e("xs"), e("xs")], { useCausalMask: true }) : layer.apply([e("xq"), e("xv")])) as tf.Tensor;
    assert.ok(out);
    close(again, c.outputs[0], c.name);
    sameMask(again.kerasMask, c.output_masks[0], c.name);
  }
  // A call that gives `mask` takes none from its inputs (Keras fills `mask` only when it is None).
  const given = att.apply([e("xq"), e("xv")], { mask: [null, null] }) as tf.Tensor;
  const unmasked = att.apply([tf.mul(e("xq"), 1), tf.mul(e("xv"), 1)]) as tf.Tensor;
  assertAllClose(given, unmasked, { rtol: 0, atol: 0 });
  sameMask(given.kerasMask, fx.attention[0].output_masks[0], "the output still carries the query's own mask");
});

test("in a functional model the attention layers take the masks flowing from Embedding(maskZero), as the eager calls do", () => {
  const q = layers.Input({ shape: [4], dtype: "int32" }), v = layers.Input({ shape: [5], dtype: "int32" });
  const emb = embedding();
  const att = layers.Attention({ useScale: true });
  const out = att.apply([emb.apply(q), emb.apply(v)] as tf.layers.SymbolicTensor[]) as tf.layers.SymbolicTensor;
  const model = new tf.models.Model({ inputs: [q, v], outputs: out });
  att.setWeights(fx.attention[0].weights!.map((w) => tensorOf(w)));
  close(model.predict([tokens("xq"), tokens("xv")]) as tf.Tensor, fx.attention[0].outputs[0], "Attention in a model");
});

/** Embedding(20, 8, maskZero) -> MultiHeadAttention(2, 4) self attention -> GlobalAveragePooling1D -> Dense(3, softmax), as the fixture's model. */
function textModel(): tf.models.Model {
  const tokensIn = layers.Input({ shape: [6], dtype: "int32", name: "tokens" });
  const x = layers.Embedding(20, 8, { maskZero: true, name: "embedding" }).apply(tokensIn) as tf.layers.SymbolicTensor;
  const a = layers.MultiHeadAttention(2, 4, { name: "self_attention" }).apply([x, x]) as tf.layers.SymbolicTensor;
  const p = layers.GlobalAveragePooling1D({ name: "pool" }).apply(a) as tf.layers.SymbolicTensor;
  const y = layers.Dense(3, { activation: "softmax", name: "classifier" }).apply(p) as tf.layers.SymbolicTensor;
  const model = new tf.models.Model({ inputs: tokensIn, outputs: y, name: "masked_text" });
  model.setWeights(fx.text.weights.map((w) => tensorOf(w)));
  return model;
}

function checkTextTraining(model: tf.models.Model, what: string): void {
  close(model.predict(tensorOf(fx.text.x, "int32")) as tf.Tensor, fx.text.predictions, `${what}: predictions`);
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: "sparse_categorical_crossentropy" });
  const loss = model.trainOnBatch(tensorOf(fx.text.x, "int32"), tensorOf(fx.text.y, "int32")) as number;
  assert.ok(Math.abs(loss - fx.text.loss) < 2e-6, `${what}: loss ${loss}, Keras ${fx.text.loss}`);
  close(model.predict(tensorOf(fx.text.x, "int32")) as tf.Tensor, fx.text.predictions_after, `${what}: predictions after one step`);
}

test("a text classifier Embedding(maskZero) -> MultiHeadAttention -> GlobalAveragePooling1D -> Dense made in lamina predicts Keras' outputs, and one SGD step gives Keras' loss and updated predictions", () => {
  checkTextTraining(textModel(), "lamina's model");
});

test("that classifier saved by Keras 3.5 (its NotEqual mask op and query_mask/value_mask call arguments) loads and trains as in Keras; lamina's file of it loads back the same", async () => {
  const model = await tf.models.loadModel("test/fixtures/keras_files/by_keras/attention_masked_text.keras", { compile: false }) as tf.models.Model;
  assert.deepEqual(model.layers.map((l) => l.className), ["InputLayer", "Embedding", "MultiHeadAttention", "GlobalAveragePooling1D", "Dense"]);
  close(model.predict(tensorOf(fx.text.x, "int32")) as tf.Tensor, fx.text.predictions, "loaded: predictions");
  // lamina writes the masks as Keras does for a call whose inputs carry none (null): Keras takes them from the inputs again.
  const mine = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; inbound_nodes: { kwargs: Record<string, unknown> }[] }[] } };
  const node = mine.config.layers.find((l) => l.class_name === "MultiHeadAttention")!.inbound_nodes[0];
  assert.deepEqual(node.kwargs, { query_mask: null, value_mask: null, key_mask: null });
  const dir = mkdtempSync(join(tmpdir(), "lamina-attnmask-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"), { compile: false }) as tf.models.Model;
    close(back.predict(tensorOf(fx.text.x, "int32")) as tf.Tensor, fx.text.predictions, "lamina's file: predictions");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  checkTextTraining(model, "Keras' file");
});

/** The fixture's shared model: one MultiHeadAttention and one Attention, each called twice with other options. */
function sharedModel(): tf.models.Model {
  const a = layers.Input({ shape: [4, 4], name: "a" }), b = layers.Input({ shape: [5, 4], name: "b" });
  const mha = layers.MultiHeadAttention(2, 2, { name: "shared_mha" });
  const o1 = mha.apply([a, b]) as tf.layers.SymbolicTensor;
  const [o2, s2] = mha.apply([a, a], { useCausalMask: true, returnAttentionScores: true }) as tf.layers.SymbolicTensor[];
  const att = layers.Attention({ name: "shared_att" });
  const o3 = att.apply([a, b]) as tf.layers.SymbolicTensor;
  const o4 = att.apply([o2, a], { useCausalMask: true }) as tf.layers.SymbolicTensor;
  return new tf.models.Model({ inputs: [a, b], outputs: [o1, o2, s2, o3, o4], name: "shared" });
}

function checkShared(model: tf.models.Model, what: string): void {
  const got = model.predict(fx.shared.inputs.map((x) => tensorOf(x))) as tf.Tensor[];
  assert.equal(got.length, fx.shared.predictions.length);
  got.forEach((g, i) => close(g, fx.shared.predictions[i], `${what}: output ${i}`));
}

test("an attention layer called twice in one functional model with other options (scores, causal mask) runs each call with its own, as Keras; saved and loaded with them", async () => {
  const keras = await tf.models.loadModel("test/fixtures/keras_files/by_keras/attention_shared.keras", { compile: false }) as tf.models.Model;
  checkShared(keras, "Keras' file");
  const model = sharedModel();
  model.setWeights(keras.getWeights());
  checkShared(model, "lamina's model");
  // The calls' kwargs as Keras writes them (Keras also records Attention's default training=False and mask [null, null]).
  const mine = JSON.parse(model.toJSON()) as typeof fx.shared.config;
  const strip = (nodes: unknown): unknown => JSON.parse(JSON.stringify(nodes).replace(/"training":false,?/g, "").replace(/,"mask":\[null,null\]|"mask":\[null,null\],?/g, "").replace(/,"key_mask":null|"key_mask":null,?/g, "").replace(/,}/g, "}"));
  for (const name of ["MultiHeadAttention", "Attention"]) {
    const k = fx.shared.config.config.layers.find((l) => l.class_name === name)!, m = mine.config.layers.find((l) => l.class_name === name)!;
    assert.deepEqual(strip(m.inbound_nodes), strip(k.inbound_nodes), `${name} inbound_nodes`);
  }
  const dir = mkdtempSync(join(tmpdir(), "lamina-attnshared-"));
  try {
    for (const m of [model, keras]) {
      await m.save(join(dir, "m.keras"));
      checkShared(await tf.models.loadModel(join(dir, "m.keras"), { compile: false }) as tf.models.Model, "saved and loaded");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
