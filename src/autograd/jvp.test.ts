/** keras.ops.jvp (vjp of a vjp) against Jacobians written out by hand and against finite differences. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";

const f64 = (v: number[]): tf.Tensor => tf.constant(v, "float64");

test("jvp of an elementwise function is f'(x) * t, with f(x) as the primal output", () => {
  const x = f64([0.5, -1, 2]), t = f64([1, 2, -0.5]);
  const [y, jt] = ops.jvp((a) => tf.mul(tf.sin(a), a), [x], [t]) as [tf.Tensor, tf.Tensor];
  const xs = [0.5, -1, 2], ts = [1, 2, -0.5];
  assertAllClose(y, xs.map((v) => Math.sin(v) * v), { rtol: 1e-12 });
  assertAllClose(jt, xs.map((v, i) => (Math.cos(v) * v + Math.sin(v)) * ts[i]), { rtol: 1e-12 });
});

test("jvp of a two-argument matrix function matches central finite differences", () => {
  const a = randomF64([2, 3], 1), b = randomF64([3, 2], 2), ta = randomF64([2, 3], 3), tb = randomF64([3, 2], 4);
  const f = (p: tf.Tensor, q: tf.Tensor): tf.Tensor => tf.tanh(tf.matmul(p, q));
  const [, jt] = ops.linalg.jvp(f, [a, b], [ta, tb]) as [tf.Tensor, tf.Tensor];
  const eps = 1e-6;
  const at = (s: number): tf.Tensor => f(tf.add(a, tf.mul(ta, s)), tf.add(b, tf.mul(tb, s)));
  assertAllClose(jt, tf.div(tf.sub(at(eps), at(-eps)), 2 * eps), { rtol: 1e-6, atol: 1e-9 });
});

test("jvp with several outputs and hasAux returns the tangents of each output and fun's aux", () => {
  const x = f64([1, 2]), t = f64([3, -1]);
  const [ys, jts, aux] = ops.jvp((a) => [[tf.square(a), tf.sum(a)], "note"], [x], [t], true) as [tf.Tensor[], tf.Tensor[], string];
  assert.deepEqual(ys.map((y) => y.arraySync()), [[1, 4], 3]);
  assert.deepEqual(jts.map((j) => j.arraySync()), [[6, -4], 2]);
  assert.equal(aux, "note");
  // An output that does not depend on the primals has a zero tangent.
  const [, jt] = ops.jvp(() => f64([5, 6]), [x], [t]) as [tf.Tensor, tf.Tensor];
  assert.deepEqual(jt.arraySync(), [0, 0]);
});

test("jvp refuses mismatched primals and tangents", () => {
  assert.throws(() => ops.jvp((a) => a, [f64([1, 2])], [f64([1])]), /ops\.jvp: primal 0 and its tangent must be float tensors of one shape and dtype/);
  assert.throws(() => ops.jvp((a) => a, [f64([1])], []), /ops\.jvp: primals and tangents must be arrays of tensors of the same length/);
});
