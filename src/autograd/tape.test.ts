import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const f64 = (v: number[] | number[][], shape?: number[]): tf.Tensor => tf.constant(v, shape ?? null, "float64");

test("grad of x^3 + 2x at 2 is 3*4 + 2 = 14 (by hand)", () => {
  const g = tf.grad((x) => tf.add(tf.mul(tf.mul(x, x), x), tf.mul(x, 2)));
  assert.deepEqual(g(f64([2, -1])).arraySync(), [14, 5]);
});

test("a tensor used twice accumulates both gradients", () => {
  const g = tf.grad((x) => tf.mul(x, x));
  assert.deepEqual(g(f64([3])).arraySync(), [6]);
});

test("grads, valueAndGrad and an explicit upstream gradient", () => {
  const [ga, gb] = tf.grads((a, b) => tf.mul(a, b))([f64([2]), f64([5])]);
  assert.deepEqual(ga.arraySync(), [5]);
  assert.deepEqual(gb.arraySync(), [2]);
  const { value, grad } = tf.valueAndGrad((x) => tf.square(x))(f64([3]), f64([10]));
  assert.deepEqual(value.arraySync(), [9]);
  assert.deepEqual(grad.arraySync(), [60]);
});

test("unrelated sources get zeros from tf.grads and null from the tape", () => {
  const [, gb] = tf.grads((a) => tf.square(a))([f64([1]), f64([1])]);
  assert.deepEqual(gb.arraySync(), [0]);
  const tape = new tf.GradientTape();
  const x = f64([1]), y = f64([2]);
  tape.watch(x);
  const z = tape.run(() => tf.exp(x));
  assert.deepEqual(tape.gradient(z, [x, y]).map((g) => g && g.arraySync()), [[Math.E], null]);
});

test("GradientTape records only while running and watches trainable variables", () => {
  const w = tf.variable(f64([3]), { name: "w" });
  const frozen = tf.variable(f64([4]), { trainable: false });
  const tape = new tf.GradientTape({ persistent: true });
  const loss = tape.run(() => tf.mul(tf.mul(w, w), frozen));
  const outside = tf.mul(loss, 100); // after run(): not recorded
  assert.deepEqual(tape.gradient(loss, w)?.arraySync(), [24]);
  assert.equal(tape.gradient(loss, frozen), null);
  assert.equal(tape.gradient(outside, w), null);
  const once = new tf.GradientTape();
  const l2 = once.run(() => tf.square(w));
  once.gradient(l2, w);
  assert.throws(() => once.gradient(l2, w), /non-persistent tape/);
});

test("nested tapes give second derivatives", () => {
  const x = f64([1.5]);
  const outer = new tf.GradientTape();
  outer.watch(x);
  const dy = outer.run(() => {
    const inner = new tf.GradientTape();
    inner.watch(x);
    const y = inner.run(() => tf.mul(tf.mul(x, x), x));
    return inner.gradient(y, x)!; // 3x^2, recorded by the outer tape
  });
  assert.ok(Math.abs(dy.item() - 6.75) < 1e-12);
  assert.ok(Math.abs(outer.gradient(dy, x)!.item() - 9) < 1e-12); // 6x
});

test("variableGrads finds the variables a loss reads", () => {
  const a = tf.variable(f64([2]), { name: "a_vg" });
  const b = tf.variable(f64([3]), { name: "b_vg" });
  const { value, grads } = tf.variableGrads(() => tf.mul(a, b));
  assert.equal(value.item(), 6);
  assert.deepEqual(grads.a_vg.arraySync(), [3]);
  assert.deepEqual(grads.b_vg.arraySync(), [2]);
});

test("integer tensors cannot be watched; the message says how to make a float one, naming the function called", () => {
  assert.throws(() => new tf.GradientTape().watch(tf.constant([1, 2])), /^TypeError: GradientTape\.watch: only float tensors have gradients, got int32 \(2,\); integer literals make int32 tensors: create it as float \(tf\.constant\(\[1, 2\], "float32"\)\)/);
  // tf.constant([3.0]) is int32 in JavaScript: grad names itself, not the tape it uses.
  assert.throws(() => tf.grad((x) => tf.mul(x, x))(tf.constant([3.0])), /^TypeError: grad: only float tensors have gradients, got int32 \(1,\);/);
  assert.throws(() => tf.grads((a, b) => tf.mul(a, b))([tf.constant([1], "float32"), tf.constant([true])]), /^TypeError: grads: argument 1: only float tensors have gradients, got bool \(1,\); cast it \(tf\.cast\(x, "float32"\)\)$/);
});

test("Variable.assignAdd and assignSub", () => {
  const v = tf.variable(tf.constant([1, 2], "float32"));
  v.assignAdd(tf.constant([10, 10], "float32"));
  assert.deepEqual(v.arraySync(), [11, 12]);
  v.assignSub(1);
  assert.deepEqual(v.arraySync(), [10, 11]);
});

test("tf.nn exposes the ops under TensorFlow's names", () => {
  const img = tf.ones([1, 3, 3, 1]);
  const k = tf.ones([2, 2, 1, 1]);
  assert.deepEqual(tf.nn.conv2d(img, k, { strides: 1, padding: "SAME" }).shape, [1, 3, 3, 1]);
  assert.deepEqual(tf.nn.relu(tf.constant([-1, 2], "float32")).arraySync(), [0, 2]);
});
