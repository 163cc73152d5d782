import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant, ones } from "../tensor/creation.js";
import { normal } from "../tensor/random.js";
import { checkGradients } from "../testing/gradcheck.js";
import * as layers from "./index.js";

const m = (data: number[], shape = [2, 2]): Tensor => constant(data, shape, "float32");
const a = m([1, 2, 3, 4]);
const b = m([5, -6, 7, 0]);
const c = m([2, 2, -1, 9]);

test("Subtract, Multiply, Average, Maximum by hand", () => {
  assert.deepEqual([...layers.Subtract()([a, b]).dataSync()], [-4, 8, -4, 4]);
  assert.deepEqual([...layers.Multiply()([a, b, c]).dataSync()], [10, -24, -21, 0]);
  assert.deepEqual([...layers.Average()([a, b, c]).dataSync()], [8 / 3, -2 / 3, 3, 13 / 3].map(Math.fround));
  assert.deepEqual([...layers.Average()([a, b]).dataSync()], [3, -2, 5, 2]);
  assert.deepEqual([...layers.Maximum()([a, b, c]).dataSync()], [5, 2, 7, 9]);
  assert.throws(() => layers.Subtract()([a, b, c]), /Subtract subtract(_\d+)?: should be called on exactly 2 inputs, got 3/);
  assert.throws(() => layers.Multiply()(a), /Multiply multiply(_\d+)?: expects a list of inputs/);
  assert.throws(() => layers.Maximum()([a, ones([2, 3])]), /Maximum maximum(_\d+)?: inputs have incompatible shapes \(2, 2\) and \(2, 3\); sizes 2 and 3 do not broadcast/);
});

test("merge layers: symbolic shapes, names, broadcasting and gradients", () => {
  layers.clearSession();
  const made = [layers.Subtract(), layers.Multiply(), layers.Average(), layers.Maximum()];
  assert.deepEqual(made.map((l) => l.name), ["subtract", "multiply", "average", "maximum"]);
  for (const l of made) {
    const y = l([layers.Input({ shape: [3, 4] }), layers.Input({ shape: [3, 4] })]);
    assert.deepEqual(y.shape, [null, 3, 4]);
    assert.deepEqual(l([normal([2, 3, 4]), normal([2, 3, 4])]).shape, [2, 3, 4]);
    assert.deepEqual(l.computeOutputShape([[2, 3, 4], [2, 3, 4]]), [2, 3, 4]);
  }
  // Broadcasting as Keras' Merge does: (None, 1, 4) with (None, 3, 4).
  assert.deepEqual(layers.Multiply()([layers.Input({ shape: [1, 4] }), layers.Input({ shape: [3, 4] })]).shape, [null, 3, 4]);
  const x = normal([2, 3], 0, 1, { dtype: "float64", seed: 1 });
  const y = normal([2, 3], 0, 1, { dtype: "float64", seed: 2 });
  // float64 layers: a float32 layer would cast the inputs (Keras' autocast) and spoil the check.
  const f64 = { dtype: "float64" } as const;
  for (const l of [layers.Subtract(f64), layers.Multiply(f64), layers.Average(f64), layers.Maximum(f64)]) {
    checkGradients((p, q) => l([p, q]), [x, y]);
  }
});

test("Concatenate joins along the last axis by default, or any axis", () => {
  const y = layers.Concatenate()([a, m([9, 8], [2, 1])]);
  assert.deepEqual(y.shape, [2, 3]);
  assert.deepEqual([...y.dataSync()], [1, 2, 9, 3, 4, 8]);
  const z = layers.Concatenate(0)([a, m([9, 8], [1, 2])]);
  assert.deepEqual(z.shape, [3, 2]);
  assert.deepEqual([...z.dataSync()], [1, 2, 3, 4, 9, 8]);
  const w = layers.Concatenate({ axis: 1 })([normal([2, 3, 4]), normal([2, 1, 4]), normal([2, 2, 4])]);
  assert.deepEqual(w.shape, [2, 6, 4]);
  const conc = layers.Concatenate();
  const s = conc([layers.Input({ shape: [4, 4, 3] }), layers.Input({ shape: [4, 4, 5] })]);
  assert.deepEqual(s.shape, [null, 4, 4, 8]);
  assert.deepEqual(conc.computeOutputShape([[2, 4, 4, 3], [2, 4, 4, 5]]), [2, 4, 4, 8]);
  assert.deepEqual(layers.Concatenate(0).computeOutputShape([[null, 3], [2, 3]]), [null, 3]);
  assert.equal(conc.getConfig().axis, -1);
  assert.equal(layers.Concatenate(1).getConfig().axis, 1);
  assert.throws(() => layers.Concatenate()([a, m([1, 2, 3], [3, 1])]),
    /Concatenate concatenate(_\d+)?: requires inputs with matching shapes except for the concatenation axis -1, but axis 0 differs: shapes \(2, 2\), \(3, 1\)/);
  assert.throws(() => layers.Concatenate()([a, ones([2, 2, 1])]), /inputs must all have the same rank, got shapes \(2, 2\), \(2, 2, 1\)/);
  assert.throws(() => layers.Concatenate(2)([a, a]), /axis 2 is out of range for inputs of rank 2/);
  const p = normal([2, 3], 0, 1, { dtype: "float64", seed: 3 });
  const q = normal([2, 2], 0, 1, { dtype: "float64", seed: 4 });
  const cat = layers.Concatenate({ dtype: "float64" });
  checkGradients((u, v) => cat([u, v]), [p, q]);
});

test("merges of inputs of different ranks add axes after the batch, as Keras 3.5's Merge.call", () => {
  // Keras expands (2, 3) to (2, 1, 3), so row r of the rank-2 input meets every row of sample r.
  const lo = m([1, 2, 3, 4, 5, 6], [2, 3]);
  const hi = constant([0, 0, 0, 10, 10, 10, 100, 100, 100, 1000, 1000, 1000], [2, 2, 3], "float32");
  const y = layers.Add()([lo, hi]);
  assert.deepEqual(y.shape, [2, 2, 3]);
  assert.deepEqual([...y.dataSync()], [1, 2, 3, 11, 12, 13, 104, 105, 106, 1004, 1005, 1006]);
  assert.deepEqual(layers.Maximum()([hi, lo]).shape, [2, 2, 3]);
  assert.deepEqual(layers.Add()([layers.Input({ shape: [3] }), layers.Input({ shape: [2, 3] })]).shape, [null, 2, 3]);
  // (b, 4) with (b, 4, 1): the sample shapes (4,) and (4, 1) broadcast right-aligned to (4, 4), and so do the values.
  const col = m([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
  const z = layers.Subtract()([col, constant([0, 1, 2, 3, 0, 0, 0, 0], [2, 4, 1], "float32")]);
  assert.deepEqual(z.shape, [2, 4, 4]);
  assert.deepEqual([...z.dataSync()].slice(0, 8), [1, 2, 3, 4, 0, 1, 2, 3]);
  assert.deepEqual(layers.Add()([layers.Input({ shape: [4] }), layers.Input({ shape: [4, 1] })]).shape, [null, 4, 4]);
});

test("merge output shapes follow Keras 3.5's _compute_elemwise_op_output_shape and batch rule", () => {
  const add = layers.Add({ name: "sum" });
  // An unknown size on either side stays unknown, as Keras gives it.
  assert.deepEqual(add.computeOutputShape([[null, null, 4], [null, 5, 4]]), [null, null, 4]);
  assert.deepEqual(add.computeOutputShape([[2, 1, 4], [null, 5, 4]]), [2, 5, 4]);
  assert.deepEqual(add.computeOutputShape([[2, 4], [3, 4]]), [null, 4]);
  assert.throws(() => layers.Add({ name: "b" })([ones([1, 3]), ones([2, 3])]), /^RangeError: Add b: cannot merge tensors with different batch sizes, got shapes \(1, 3\) and \(2, 3\)/);
  // Keras' merges take a list of one input and return it.
  assert.deepEqual([...layers.Add()([a]).dataSync()], [1, 2, 3, 4]);
  assert.deepEqual(layers.Average()([layers.Input({ shape: [3] })]).shape, [null, 3]);
});
