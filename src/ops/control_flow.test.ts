import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps() as Record<string, number[]>;
const f = (v: tf.NestedArray | number): tf.Tensor => tf.constant(v, "float32");

test("cond and switch pick a branch (switch clamps its index, as Keras)", () => {
  assert.equal(tf.cond(tf.greater(f(2), 1), () => "yes", () => "no"), "yes");
  assert.equal(tf.cond(false, () => 1, () => 2), 2);
  const branches = [(a: number, b: number) => a + b, (a: number, b: number) => a * b];
  assert.equal(tf.switch(1, branches, 3, 4), 12);
  assert.equal(tf.switch(tf.constant(7, "int32"), branches, 3, 4), 12);
  assert.equal(tf.switch(-3, branches, 3, 4), 7);
  assert.throws(() => tf.cond(f([1, 2]), () => 0, () => 1), /cond: the condition must be a boolean or a one-element tensor, got float32 \(2,\)/);
  assert.throws(() => tf.switch(0, [], 1), /switch: branches must hold at least one function/);
});

test("whileLoop and foriLoop run their bodies and are differentiable through them", () => {
  const [i, x] = tf.whileLoop((i: number, _x: tf.Tensor) => i < 3, (i: number, x: tf.Tensor) => [i + 1, tf.mul(x, 2)] as [number, tf.Tensor], [0, f(1.5)] as [number, tf.Tensor]);
  assert.deepEqual([i, x.arraySync()], [3, 12]);
  const [, capped] = tf.whileLoop(() => true, (j: number, y: tf.Tensor) => [j + 1, tf.add(y, 1)] as [number, tf.Tensor], [0, f(0)] as [number, tf.Tensor], 5);
  assert.equal(capped.arraySync(), 5);
  assert.equal(tf.foriLoop(0, 4, (k, v: number) => v + k, 10), 16);
  // x^(2^3) through three squarings: the derivative 8 x^7.
  checkGradients((a) => tf.whileLoop((k: number, _y: tf.Tensor) => k < 3, (k: number, y: tf.Tensor) => [k + 1, tf.mul(y, y)] as [number, tf.Tensor], [0, a] as [number, tf.Tensor])[1], [randomF64([3], 1, 0.5, 1.2)]);
  checkGradients((a) => tf.foriLoop(1, 4, (k, y: tf.Tensor) => tf.add(tf.mul(y, a), k), a), [randomF64([2], 2)]);
  assert.throws(() => tf.whileLoop((_k: number) => true, (_k: number) => [] as unknown as [number], [0] as [number], 2), /whileLoop: body must return an array of 1 loop variables/);
});

test("scan matches Keras 3.5, reversed too, and differentiates through the carry", () => {
  const step = (c: tf.Tensor, x: tf.Tensor | null): [tf.Tensor, tf.Tensor] => [tf.add(c, x as tf.Tensor), tf.mul(c, x as tf.Tensor)];
  const [carry, ys] = tf.scan(step, f(1), f([1, 2, 3]));
  assert.deepEqual([carry.arraySync(), (ys as tf.Tensor).arraySync()], [fx["scan_carry"], fx["scan_ys"]]);
  const [rc, rys] = tf.scan(step, f(1), f([1, 2, 3]), null, true);
  assert.deepEqual([rc.arraySync(), (rys as tf.Tensor).arraySync()], [fx["scan_rev_carry"], fx["scan_rev_ys"]]);
  const [count, none] = tf.scan((c: number) => [c + 1, null] as const, 0, null, 4);
  assert.deepEqual([count, none], [4, null]);
  checkGradients((c0, xs) => tf.scan((c: tf.Tensor, x: tf.Tensor | null) => [tf.mul(c, x as tf.Tensor), tf.sin(c)] as const, c0, xs)[1] as tf.Tensor,
    [randomF64([2], 3), randomF64([4, 2], 4)]);
  assert.throws(() => tf.scan(step, f(1)), /scan: give xs or length/);
});

test("associativeScan matches Keras 3.5 (sum along axis 0, product reversed)", () => {
  assert.deepEqual(tf.associativeScan((a, b) => tf.add(a, b), f([[1, 2], [3, 4], [5, 6]])).arraySync(), fx["associative_scan"]);
  assert.deepEqual(tf.associativeScan((a, b) => tf.mul(a, b), f([1, 2, 3, 4]), true).arraySync(), fx["associative_scan_rev"]);
  const [s, p] = tf.associativeScan(([a1, a2], [b1, b2]) => [tf.add(a1, b1), tf.mul(a2, b2)], [f([1, 2, 3]), f([2, 2, 2])]);
  assert.deepEqual([s.arraySync(), p.arraySync()], [[1, 3, 6], [2, 4, 8]]);
  assert.deepEqual(tf.associativeScan((a, b) => tf.maximum(a, b), f([[1, 5, 2], [4, 0, 3]]), false, 1).arraySync(), [[1, 5, 5], [4, 4, 4]]);
  checkGradients((x) => tf.associativeScan((a, b) => tf.mul(a, b), x), [randomF64([4, 2], 5)]);
});

test("map and vectorizedMap apply f to each slice and stack", () => {
  const xs = f([[1, 2], [3, 4]]);
  assert.deepEqual(tf.map((x) => tf.sum(x), xs).arraySync(), [3, 7]);
  assertAllClose(tf.vectorizedMap((x) => tf.outer(x, x), xs), [[[1, 2], [2, 4]], [[9, 12], [12, 16]]]);
  checkGradients((a) => tf.vectorizedMap((x) => tf.mul(x, tf.sum(x)), a), [randomF64([3, 2], 6)]);
  assert.throws(() => tf.map((x) => x, f(1)), /map: xs must be a tensor with a leading axis/);
});
