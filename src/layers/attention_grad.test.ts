/*
 * Gradients of the attention layers against central finite differences (float64 layers), and
 * the errors for bad shapes and calls.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";

const { layers } = tf;
const rnd = (shape: number[], seed: number): tf.Tensor => tf.random.uniform(shape, -1, 1, { dtype: "float64", seed });
const projected = (y: tf.Tensor | tf.Tensor[], w: number): tf.Tensor => {
  const outs = Array.isArray(y) ? y : [y];
  // A fixed weighting of every output (scores included), so each entry's gradient counts.
  return outs.reduce((acc: tf.Tensor, o, i) => tf.add(acc, tf.sum(tf.mul(o, tf.add(tf.range(0, o.size, 1, "float64").reshape(o.shape).mul(0.01 * w), i + 1)))), tf.zeros([], "float64"));
};

test("MultiHeadAttention's gradients (inputs and every weight) equal finite differences, with key, attention mask, causal mask and dropout off", () => {
  tf.random.setSeed(1);
  const mha = layers.MultiHeadAttention(2, 3, { valueDim: 2, dtype: "float64", biasInitializer: "random_normal" });
  const q = rnd([2, 3, 4], 1), v = rnd([2, 4, 4], 2), k = rnd([2, 4, 5], 3);
  const mask = tf.constant([[[1, 1, 0, 1], [1, 0, 1, 1], [1, 1, 1, 0]], [[1, 0, 0, 0], [1, 1, 1, 1], [0, 1, 1, 1]]], [2, 3, 4], "bool");
  const opts = { attentionMask: mask, useCausalMask: true, returnAttentionScores: true };
  checkGradients((qq, vv, kk) => projected(mha.apply([qq, vv, kk], opts) as tf.Tensor[], 1), [q, v, k], { rtol: 1e-6, atol: 1e-8 });
  checkVariableGradients(() => projected(mha.apply([q, v, k], opts) as tf.Tensor[], 1), mha.weights, { rtol: 1e-6, atol: 1e-8 });
});

test("MultiHeadAttention over two attention axes of rank-4 inputs: gradients equal finite differences", () => {
  tf.random.setSeed(2);
  const mha = layers.MultiHeadAttention(2, 2, { outputShape: [3], dtype: "float64" });
  const x = rnd([1, 2, 3, 4], 4);
  checkGradients((xx) => projected(mha.apply([xx, xx]) as tf.Tensor, 2), [x], { rtol: 1e-6, atol: 1e-8 });
  checkVariableGradients(() => projected(mha.apply([x, x]) as tf.Tensor, 2), mha.weights, { rtol: 1e-6, atol: 1e-8 });
});

test("Attention (dot with scale, concat) and AdditiveAttention gradients equal finite differences, masks included", () => {
  tf.random.setSeed(3);
  const q = rnd([2, 3, 4], 5), v = rnd([2, 4, 4], 6), k = rnd([2, 4, 4], 7);
  const qm = tf.constant([[1, 0, 1], [1, 1, 0]], [2, 3], "bool"), vm = tf.constant([[1, 1, 0, 1], [1, 0, 1, 1]], [2, 4], "bool");
  // Every query row keeps a value step (a wholly masked row has only 1e9-offset scores, beyond finite differences).
  const made = [
    layers.Attention({ useScale: true, dtype: "float64" }),
    layers.Attention({ scoreMode: "concat", useScale: true, dtype: "float64" }),
    layers.AdditiveAttention({ dtype: "float64" }),
  ];
  for (const layer of made) {
    const opts = { mask: [qm, vm], useCausalMask: true, returnAttentionScores: true };
    layer.apply([q, v, k], opts);
    for (const w of layer.weights) w.assign(tf.add(w, rnd(w.shape as number[], 9).mul(0.3)));
    checkGradients((qq, vv, kk) => projected(layer.apply([qq, vv, kk], opts) as tf.Tensor[], 3), [q, v, k], { rtol: 1e-6, atol: 1e-8 });
    checkVariableGradients(() => projected(layer.apply([q, v, k], opts) as tf.Tensor[], 3), layer.weights, { rtol: 1e-6, atol: 1e-8 });
  }
});

test("EinsumDense's gradients equal finite differences", () => {
  const layer = layers.EinsumDense("abc,cde->abde", [null, 2, 3], { biasAxes: "de", activation: "tanh", dtype: "float64" });
  const x = rnd([2, 3, 4], 8);
  checkGradients((xx) => layer.apply(xx) as tf.Tensor, [x], { rtol: 1e-6, atol: 1e-8 });
  checkVariableGradients(() => projected(layer.apply(x) as tf.Tensor, 4), layer.weights, { rtol: 1e-6, atol: 1e-8 });
});

test("MultiHeadAttention trains in fit: the loss falls", async () => {
  tf.random.setSeed(5);
  const q = layers.Input({ shape: [4, 3] });
  const y = layers.MultiHeadAttention(2, 4).apply([q, q], { useCausalMask: true }) as tf.layers.SymbolicTensor;
  const model = new tf.models.Model({ inputs: q, outputs: y });
  model.compile({ loss: "mse", optimizer: tf.optimizers.Adam({ learningRate: 0.01 }) });
  const x = tf.random.uniform([16, 4, 3], -1, 1), t = tf.random.uniform([16, 4, 3], -1, 1);
  const h = await model.fit(x, t, { epochs: 20, batchSize: 8, verbose: 0 });
  const loss = h.history.loss as number[];
  assert.ok(loss[loss.length - 1] < loss[0] * 0.9, `loss ${loss[0]} -> ${loss[loss.length - 1]}`);
});

test("bad shapes and calls are refused, naming the layer, the shapes and the fix", () => {
  const q = tf.ones([2, 3, 4]), v = tf.ones([2, 5, 4]);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply([q, tf.ones([2, 5, 6])]), /last dimension of the query and the value must be equal.*query \(2, 3, 4\), value \(2, 5, 6\)/);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply([tf.ones([2, 4]), tf.ones([2, 4])]), /rank 3 or more/);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply([q, tf.ones([2, 5, 2, 4])]), /same rank/);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply([q, v, tf.ones([2, 6, 4])]), /value and the key must agree on every axis but the last/);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply(q), /call it on \[query, value\]/);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply([q, v], { mask: q } as never), /unknown call option "mask"/);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply([q, v, v], { key: v }), /key is given twice/);
  assert.throws(() => layers.MultiHeadAttention(2, 3, { attentionAxes: [2] }).apply([q, v]), /attentionAxes \[2\] must be axes of the query/);
  assert.throws(() => layers.MultiHeadAttention(2, 3).apply([q, v], { attentionMask: tf.ones([2, 3, 4]) }), /attention mask of shape \[2, 3, 4\] does not fit scores of shape \[2, 2, 3, 5\]/);
  assert.throws(() => layers.MultiHeadAttention({ numHeads: 2 } as never), /keyDim must be a positive integer/);
  assert.throws(() => layers.MultiHeadAttention(0, 3), /numHeads must be a positive integer/);
  assert.throws(() => layers.MultiHeadAttention(2, 3, { outputShape: [0] }), /outputShape must be a positive integer/);
  // A built layer keeps its key size: another key width is refused by the projection.
  const mha = layers.MultiHeadAttention(2, 3);
  mha.apply([q, v]);
  assert.throws(() => mha.apply([q, v, tf.ones([2, 5, 7])]), /MultiHeadAttention multi_head_attention(_\d+)?: the key's last dimension is 7 \(shape \[2, 5, 7\]\) but the layer was built for 4/);

  assert.throws(() => layers.Attention().apply(q), /list of 2 or 3 inputs/);
  assert.throws(() => layers.Attention().apply([q, tf.ones([2, 5, 3])]), /query and key need the same last dimension.*query \(2, 3, 4\), value \(2, 5, 3\)/);
  assert.throws(() => layers.Attention().apply([q, v, tf.ones([2, 4, 4])]), /value and key need the same number of steps/);
  assert.throws(() => layers.Attention().apply([tf.ones([2, 4]), tf.ones([2, 4])]), /\[batch, steps, dim\]/);
  assert.throws(() => layers.Attention().apply([q, v], { mask: [null, tf.ones([2, 4], "bool")] }), /value mask must have shape \[batch, Tv\] = \(2, 5\)/);
  assert.throws(() => layers.Attention({ scoreMode: "general" as never }), /scoreMode must be "dot" or "concat"/);
  assert.throws(() => layers.AdditiveAttention({ scoreMode: "concat" } as never), /scoreMode/);

  assert.throws(() => layers.EinsumDense("ab,bc", 4), /invalid equation "ab,bc"/);
  assert.throws(() => layers.EinsumDense("ab,bc->ac", [4, 2]).apply(tf.ones([2, 3])), /outputShape \[4,2\] has 2 entries but the output "ac" needs 1/);
  assert.throws(() => layers.EinsumDense("abc,cd->abd", [4, 2]).apply(tf.ones([2, 3, 5])), /share axis "b" but the input has size 3 there.*outputShape says 4/);
  assert.throws(() => layers.EinsumDense("ab,bc->ac", 4).apply(tf.ones([2, 3, 5])), /does not fit inputs of shape \(2, 3, 5\)/);
  assert.throws(() => layers.EinsumDense("ab,bc->ac", 4, { biasAxes: "z" }).apply(tf.ones([2, 3])), /bias axis "z" is not in the output "ac"/);
  assert.throws(() => layers.EinsumDense("ab,bcd->ac", 4).apply(tf.ones([2, 3])), /kernel axis "d" appears in neither/);
});

test("dropout acts in training only: Attention returns its scores after the dropout, MultiHeadAttention before it (as Keras)", () => {
  const q = tf.random.uniform([2, 3, 4], -1, 1, { seed: 11 }), v = tf.random.uniform([2, 5, 4], -1, 1, { seed: 12 });
  const att = layers.Attention({ dropout: 0.5, seed: 3 });
  const [o0, s0] = att.apply([q, v], { returnAttentionScores: true }) as tf.Tensor[];
  const [o1, s1] = att.apply([q, v], { returnAttentionScores: true, training: true }) as tf.Tensor[];
  const dropped = (s1.dataSync() as Float32Array).filter((x) => x === 0).length;
  assert.ok(dropped > 0, "some attention weights are dropped in training");
  // Kept weights are scaled by 1 / (1 - rate): each equals twice the inference weight.
  const a = s0.dataSync() as Float32Array, b = s1.dataSync() as Float32Array;
  for (let i = 0; i < a.length; i++) if (b[i] !== 0) assert.ok(Math.abs(b[i] - 2 * a[i]) < 1e-6);
  assert.ok(tf.max(tf.abs(tf.sub(o0, o1))).item() > 1e-4, "the output uses the dropped weights");

  const mha = layers.MultiHeadAttention(2, 2, { dropout: 0.5, seed: 4 });
  const [m0, ms0] = mha.apply([q, v], { returnAttentionScores: true }) as tf.Tensor[];
  const [m1, ms1] = mha.apply([q, v], { returnAttentionScores: true, training: true }) as tf.Tensor[];
  assert.deepEqual(Array.from(ms1.dataSync() as Float32Array), Array.from(ms0.dataSync() as Float32Array), "MultiHeadAttention's scores are the undropped ones");
  assert.ok(tf.max(tf.abs(tf.sub(m0, m1))).item() > 1e-4, "its output uses the dropped weights");
});
