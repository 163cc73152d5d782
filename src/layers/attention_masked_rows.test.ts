/*
 * Keras 3.15's masked softmax in MultiHeadAttention and GroupQueryAttention (_masked_softmax passes
 * the attention mask to its Softmax layer, which zeroes masked weights): a query row with no key to
 * attend to gets zero weights, so its output is the output projection of zeros (the bias), with
 * finite gradients (checked by finite differences); a row that keeps some keys equals the layer
 * run on those keys alone, with no mask at all.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { emptyQueryRows, type RowMasks } from "../testing/attention_rows.js";

const { layers } = tf;
type Attention = tf.layers.MultiHeadAttentionLayer | tf.layers.GroupQueryAttentionLayer;
const rnd = (shape: number[], seed: number): tf.Tensor => tf.random.uniform(shape, -1, 1, { dtype: "float64", seed });
const bools = (rows: number[][]): boolean[][] => rows.map((r) => r.map(Boolean));
const boolTensor = (rows: number[][] | number[][][], shape: number[]): tf.Tensor => tf.constant(rows.flat(2) as number[], shape, "bool");

/** The layers under test, float64 with a nonzero output bias (so the bias path shows). */
function made(extra: Record<string, unknown> = {}): Record<string, Attention> {
  return {
    mha: layers.MultiHeadAttention(2, 3, { valueDim: 2, dtype: "float64", biasInitializer: "random_normal", ...extra }),
    mha_gate: layers.MultiHeadAttention(2, 2, { useGate: true, dtype: "float64", biasInitializer: "random_normal", ...extra }),
    gqa: layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2, dtype: "float64", biasInitializer: "random_normal", ...extra }),
  };
}

const q = rnd([2, 4, 4], 1), v = rnd([2, 5, 4], 2);
const queryMask = [[1, 0, 1, 1], [1, 1, 1, 0]];
const valueMask = [[1, 1, 0, 1, 0], [0, 0, 0, 0, 0]];
// Rows (0, 2) and (1, 0) keep nothing; with the causal mask also row (0, 1) (it keeps only later keys).
const attentionMask = [
  [[1, 0, 1, 1, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [1, 1, 0, 0, 1]],
  [[0, 0, 0, 0, 0], [0, 1, 1, 0, 1], [1, 0, 0, 1, 1], [0, 1, 0, 1, 0]],
];
interface Scenario { name: string; value: tf.Tensor; opts: Record<string, unknown>; masks: RowMasks; window?: number }
const scenarios: Scenario[] = [
  { name: "query mask", value: v, opts: { queryMask: boolTensor(queryMask, [2, 4]) }, masks: { batch: 2, T: 4, S: 5, queryMask: bools(queryMask) } },
  { name: "value mask (a sample with no values)", value: v, opts: { valueMask: boolTensor(valueMask, [2, 5]) }, masks: { batch: 2, T: 4, S: 5, valueMask: bools(valueMask) } },
  { name: "attention mask", value: v, opts: { attentionMask: boolTensor(attentionMask, [2, 4, 5]) }, masks: { batch: 2, T: 4, S: 5, attentionMask: attentionMask.map(bools) } },
  {
    name: "causal and attention masks", value: v, opts: { attentionMask: boolTensor(attentionMask, [2, 4, 5]), useCausalMask: true },
    masks: { batch: 2, T: 4, S: 5, attentionMask: attentionMask.map(bools), causal: true },
  },
  { name: "sliding window 1 over 2 value steps", value: rnd([2, 2, 4], 3), opts: {}, masks: { batch: 2, T: 4, S: 2, slidingWindow: 1 }, window: 1 },
];

test("a query row with no key to attend to gets zero weights and the output bias (Keras 3.15), with or without returnAttentionScores: query, value, attention, causal masks and the sliding window", () => {
  tf.random.setSeed(7);
  for (const s of scenarios) {
    const empty = emptyQueryRows(s.masks);
    assert.ok(empty.flat().some(Boolean), `${s.name}: some row is fully masked`);
    for (const [kind, layer] of Object.entries(made(s.window === undefined ? {} : { slidingWindow: s.window }))) {
      const what = `${kind}, ${s.name}`;
      const [out, scores] = layer.apply([q, s.value], { ...s.opts, returnAttentionScores: true }) as tf.Tensor[];
      const plain = layer.apply([q, s.value], s.opts) as tf.Tensor;
      assert.deepEqual(plain.arraySync(), out.arraySync(), `${what}: the output does not depend on returning the scores`);
      const bias = Array.from(layer.weights[layer.weights.length - 1].dataSync() as Float64Array);
      const o = out.arraySync() as number[][][], w = scores.arraySync() as number[][][][];
      for (let b = 0; b < 2; b++) {
        for (let t = 0; t < 4; t++) {
          if (empty[b][t]) {
            assert.deepEqual(o[b][t], bias, `${what}: row (${b}, ${t}) is the output bias`);
            w[b].forEach((head, h) => assert.deepEqual(head[t], new Array(s.masks.S).fill(0), `${what}: head ${h} row (${b}, ${t}) weights`));
          } else {
            w[b].forEach((head, h) => assert.ok(Math.abs(head[t].reduce((a, x) => a + x, 0) - 1) < 1e-12, `${what}: head ${h} row (${b}, ${t}) sums to 1`));
          }
        }
      }
    }
  }
});

test("a query row that keeps some keys equals the layer run on those keys alone, with no mask", () => {
  tf.random.setSeed(8);
  const kept = [0, 1, 3];
  const vm = boolTensor([[1, 1, 0, 1, 0]], [1, 5]), qm = boolTensor([[1, 0, 1, 1]], [1, 4]);
  const q1 = tf.slice(q, [0, 0, 0], [1, 4, 4]), v1 = tf.slice(v, [0, 0, 0], [1, 5, 4]);
  for (const [kind, layer] of Object.entries(made())) {
    const alone = layer.apply([q1, tf.gather(v1, kept, 1)]) as tf.Tensor;
    assertAllClose(layer.apply([q1, v1], { valueMask: vm }) as tf.Tensor, alone, { rtol: 1e-12, atol: 1e-14, what: `${kind}: value mask` });
    // With the query mask too, the kept query rows are those values; the masked one is the bias.
    const both = (layer.apply([q1, v1], { valueMask: vm, queryMask: qm }) as tf.Tensor).arraySync() as number[][][];
    const ref = alone.arraySync() as number[][][];
    for (const t of [0, 2, 3]) assertAllClose(both[0][t], ref[0][t], { rtol: 1e-12, atol: 1e-14, what: `${kind}: query row ${t}` });
    assert.deepEqual(both[0][1], Array.from(layer.weights[layer.weights.length - 1].dataSync() as Float64Array), `${kind}: masked query row`);
  }
});

test("with fully masked query rows the gradients (inputs and every weight) are finite and equal finite differences", () => {
  tf.random.setSeed(9);
  const projected = (y: tf.Tensor[]): tf.Tensor =>
    y.reduce((acc: tf.Tensor, o, i) => tf.add(acc, tf.sum(tf.mul(o, tf.add(tf.range(0, o.size, 1, "float64").reshape(o.shape).mul(0.01), i + 1)))), tf.zeros([], "float64"));
  const opts = { queryMask: boolTensor(queryMask, [2, 4]), valueMask: boolTensor(valueMask, [2, 5]), attentionMask: boolTensor(attentionMask, [2, 4, 5]), returnAttentionScores: true };
  for (const [kind, layer] of Object.entries(made({ slidingWindow: 3 }))) {
    const call = (qq: tf.Tensor, vv: tf.Tensor): tf.Tensor => projected(layer.apply([qq, vv], opts) as tf.Tensor[]);
    const grads = tf.grads(call)([q, v]);
    grads.forEach((g, i) => assert.ok(Array.from(g.dataSync() as Float64Array).every(Number.isFinite), `${kind}: gradient ${i} is finite`));
    // Sample 2 has no values: nothing of its output depends on its query or value.
    const gq = grads[0].arraySync() as number[][][], gv = grads[1].arraySync() as number[][][];
    assert.ok(gq[1].flat().every((x) => x === 0) && gv[1].flat().every((x) => x === 0), `${kind}: a sample with no values gets zero input gradients`);
    checkGradients(call, [q, v], { rtol: 1e-6, atol: 1e-8 });
    checkVariableGradients(() => call(q, v), layer.weights, { rtol: 1e-6, atol: 1e-8 });
  }
});
