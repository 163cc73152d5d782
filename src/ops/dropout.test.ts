import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";

test("the same seed gives the same mask; another seed another", () => {
  const x = tf.ones([20, 30], "float32");
  const a = tf.dropout(x, 0.5, { seed: 3 }).dataSync();
  const b = tf.dropout(x, 0.5, { seed: 3 }).dataSync();
  const c = tf.dropout(x, 0.5, { seed: 4 }).dataSync();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("tf.random.setSeed makes unseeded dropout repeatable", () => {
  const x = tf.ones([50], "float64");
  tf.random.setSeed(42);
  const a = tf.dropout(x, 0.3).dataSync();
  const a2 = tf.dropout(x, 0.3).dataSync();
  tf.random.setSeed(42);
  const b = tf.dropout(x, 0.3).dataSync();
  const b2 = tf.dropout(x, 0.3).dataSync();
  assert.deepEqual(a, b);
  assert.deepEqual(a2, b2);
  assert.notDeepEqual(a, a2);
});

test("about `rate` of a large tensor is zeroed and the rest scaled by 1 / (1 - rate)", () => {
  for (const rate of [0.1, 0.3, 0.75]) {
    const n = 100_000;
    const y = tf.dropout(tf.ones([200, 500], "float32"), rate, { seed: 11 }).dataSync();
    const scale = Math.fround(1 / (1 - rate));
    let zeros = 0;
    for (const v of y) {
      if (v === 0) zeros++;
      else assert.equal(v, scale);
    }
    // binomial standard deviation sqrt(n p (1-p)) / n < 0.0016; allow 5 of them
    assert.ok(Math.abs(zeros / n - rate) < 0.008, `rate ${rate}: zeroed fraction ${zeros / n}`);
  }
  // kept values are x * scale
  const x = tf.constant([1.5, -2, 3, 4, -5, 6], "float64");
  const y = tf.dropout(x, 0.2, { seed: 5 }).dataSync();
  const xs = x.dataSync();
  for (let i = 0; i < xs.length; i++) assert.ok(y[i] === 0 || y[i] === Number(xs[i]) * 1.25, `element ${i}: ${y[i]}`);
});

test("rate 0 returns the input values", () => {
  const x = tf.constant([[1, 2], [3, 4]], "float32");
  const y = tf.dropout(x, 0);
  assert.deepEqual(y.arraySync(), [[1, 2], [3, 4]]);
});

test("noiseShape broadcasts one decision over the size-1 axes", () => {
  const x = tf.ones([64, 5], "float32");
  const y = tf.dropout(x, 0.5, { noiseShape: [64, 1], seed: 9 }).arraySync() as number[][];
  let dropped = 0;
  for (const row of y) {
    assert.ok(row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2), `row ${row}`);
    if (row[0] === 0) dropped++;
  }
  assert.ok(dropped > 10 && dropped < 54, `${dropped} of 64 rows dropped`);
  // null takes x's size; a shorter noiseShape aligns to the trailing axes
  const z = tf.dropout(tf.ones([3, 4, 6], "float32"), 0.5, { noiseShape: [null, 1, null], seed: 2 }).arraySync() as number[][][];
  for (const plane of z) for (let c = 0; c < 6; c++) assert.ok(plane.every((r) => r[c] === plane[0][c]));
  const w = tf.dropout(tf.ones([8, 6], "float32"), 0.5, { noiseShape: [6], seed: 2 }).arraySync() as number[][];
  for (const r of w) assert.deepEqual(r, w[0]);
});

test("the gradient is the same mask times the same scale", () => {
  const x = tf.constant([[1, 2, 3, 4], [5, 6, 7, 8]], "float64");
  const f = (t: tf.Tensor): tf.Tensor => tf.dropout(t, 0.4, { seed: 21 });
  const y = f(x).dataSync();
  const g = tf.grad(f)(x).dataSync();
  const xs = x.dataSync();
  for (let i = 0; i < xs.length; i++) assert.equal(g[i], y[i] === 0 ? 0 : 1 / 0.6);
  // a fixed seed makes dropout a deterministic function, so finite differences apply
  const g2 = new tf.random.RandomGenerator(5);
  const r = tf.constant(new Float64Array(3 * 7).map(() => g2.nextDouble() - 0.5), [3, 7], "float64");
  checkGradients((t) => tf.dropout(t, 0.3, { seed: 8 }), [r]);
  checkGradients((t) => tf.dropout(t, 0.5, { seed: 8, noiseShape: [3, 1] }), [r]);
});

test("clear errors", () => {
  const x = tf.ones([2, 3], "float32");
  assert.throws(() => tf.dropout(x, 1), /dropout: rate must be a number in \[0, 1\).*got 1/);
  assert.throws(() => tf.dropout(x, -0.1), /dropout: rate must be a number in \[0, 1\)/);
  assert.throws(() => tf.dropout(x, Number.NaN), /dropout: rate must be a number in \[0, 1\)/);
  assert.throws(() => tf.dropout(tf.ones([2], "int32"), 0.5), /dropout: x must be float32 or float64/);
  assert.throws(() => tf.dropout(x, 0.5, { noiseShape: [2, 2] }), /dropout: noiseShape \[2, 2\] does not broadcast to x \(2, 3\)/);
  assert.throws(() => tf.dropout(x, 0.5, { noiseShape: [1, 2, 3] }), /does not broadcast to x/);
});
