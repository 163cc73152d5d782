/*
 * Keras' call form of MultiHeadAttention and GroupedQueryAttention, layer(query, value, key?,
 * options?), beside lamina's list form, and the errors for bad calls and batch sizes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
const rnd = (shape: number[], seed: number): tf.Tensor => tf.random.uniform(shape, -1, 1, { seed });

test("mha(query, value), mha(query, value, key) and options last give what the list form gives", () => {
  tf.random.setSeed(3);
  const mha = layers.MultiHeadAttention(2, 4);
  const q = rnd([2, 3, 8], 1), v = rnd([2, 5, 8], 2), k = rnd([2, 5, 8], 3);
  const mask = tf.constant(Array.from({ length: 30 }, (_, i) => i % 4 !== 0), [2, 3, 5], "bool");
  assertAllClose(mha(q, v) as tf.Tensor, mha.apply([q, v]) as tf.Tensor, { atol: 0, what: "(q, v)" });
  assertAllClose(mha(q, v, k) as tf.Tensor, mha.apply([q, v, k]) as tf.Tensor, { atol: 0, what: "(q, v, k)" });
  const [out, scores] = mha(q, v, { returnAttentionScores: true, attentionMask: mask }) as tf.Tensor[];
  const [wantOut, wantScores] = mha.apply([q, v], { returnAttentionScores: true, attentionMask: mask }) as tf.Tensor[];
  assertAllClose(out, wantOut, { atol: 0, what: "(q, v, options) output" });
  assertAllClose(scores, wantScores, { atol: 0, what: "(q, v, options) scores" });
  assert.deepEqual(scores.shape, [2, 2, 3, 5]);
  assertAllClose(mha(q, v, k, { useCausalMask: true }) as tf.Tensor, mha.apply([q, v, k], { useCausalMask: true }) as tf.Tensor, { atol: 0, what: "(q, v, k, options)" });
});

test("the Keras call form builds a functional model that predicts as the eager call", () => {
  tf.random.setSeed(4);
  const mha = layers.MultiHeadAttention(2, 4, { name: "mha_kw" });
  const qi = layers.Input({ shape: [3, 8] }), vi = layers.Input({ shape: [5, 8] });
  const model = new models.Model({ inputs: [qi, vi], outputs: mha(qi, vi) as tf.layers.SymbolicTensor });
  const q = rnd([2, 3, 8], 5), v = rnd([2, 5, 8], 6);
  assertAllClose(model.predict([q, v]) as tf.Tensor, mha(q, v) as tf.Tensor, { rtol: 1e-6, atol: 1e-6 });
  const gqa = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2 });
  assertAllClose(gqa(q, v) as tf.Tensor, gqa.apply([q, v]) as tf.Tensor, { atol: 0, what: "GroupedQueryAttention (q, v)" });
});

test("a call that is neither form says how to call the layer", () => {
  const mha = layers.MultiHeadAttention(2, 4, { name: "mha_bad" });
  const q = tf.ones([2, 3, 8]), v = tf.ones([2, 5, 8]);
  const call = mha as unknown as (...a: unknown[]) => unknown;
  assert.throws(() => call(q, v, 5), /^TypeError: MultiHeadAttention mha_bad: call it as layer\(query, value\), layer\(query, value, key\) .* got \(tensor \(2, 3, 8\), tensor \(2, 5, 8\), 5\)$/);
  assert.throws(() => call([q, v], v), /MultiHeadAttention mha_bad: call it as layer\(query, value\).*got \(a list of 2, tensor \(2, 5, 8\)\)/);
  assert.throws(() => call(q, v, v, {}, {}), /got \(tensor \(2, 3, 8\), tensor \(2, 5, 8\), tensor \(2, 5, 8\), options, options\)/);
  assert.throws(() => mha.apply([q, v], { id: 1 } as unknown as tf.layers.MultiHeadAttentionCallOptions), /unknown call option "id"/);
  // Other layers take their inputs as one argument; a second tensor is refused rather than read as options.
  const add = layers.Add({ name: "add_two" }) as unknown as (...a: unknown[]) => unknown;
  assert.throws(() => add(q, q), /^TypeError: Add add_two: takes its inputs as one argument, a tensor or a list of tensors, then an options object: layer\(\[a, b\]\), layer\(x, \{ training: true \}\); got 2 arguments$/);
  assert.throws(() => (layers.Dense(2) as unknown as (...a: unknown[]) => unknown)(q, {}, {}), /takes its inputs as one argument.*got 3 arguments/);
});

test("query and value of different batch sizes are refused, naming the layer and both shapes", () => {
  const mha = layers.MultiHeadAttention(2, 4, { name: "mha_b" });
  assert.throws(() => mha(tf.ones([2, 3, 8]), tf.ones([3, 5, 8])),
    /^RangeError: MultiHeadAttention mha_b: the query, value and key must have the same batch size \(axis 0\), got query \(2, 3, 8\), value \(3, 5, 8\)$/);
  assert.throws(() => mha.apply([tf.ones([2, 3, 8]), tf.ones([2, 5, 8]), tf.ones([1, 5, 8])]), /mha_b: the query, value and key must have the same batch size \(axis 0\), got query \(2, 3, 8\), value \(2, 5, 8\), key \(1, 5, 8\)/);
  const gqa = layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1, name: "gqa_b" });
  assert.throws(() => gqa(tf.ones([2, 3, 8]), tf.ones([4, 5, 8])), /GroupedQueryAttention gqa_b: the query, value and key must have the same batch size/);
});
