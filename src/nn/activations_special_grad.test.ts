import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";

const { activations } = tf;

/*
 * Gradients of the piecewise activations at NaN, +-Inf, far below zero and at their kinks, as
 * Keras 3.5 on torch gives them (torch's elu_backward, hardsigmoid_backward and
 * hardswish_backward): a NaN input passes dy on (times selu's scale) where torch's comparisons
 * fall to the "else" branch, and hard_sigmoid's gradient is 0 there. Printed by
 *   x = torch.tensor(X, requires_grad=True); keras.activations.<name>(x).backward(torch.ones_like(x)); x.grad
 */
const X = [Number.NaN, Infinity, -Infinity, -30, -20, -3, -1, -0, 0, 1e-3, 1, 3, 5];
const KERAS_GRADS: [string, (x: tf.Tensor) => tf.Tensor, number[]][] = [
  ["elu", (x) => activations.elu(x), [1.0, 1.0, 0.0, 9.357622912219837e-14, 2.06115369216775e-09, 0.049787066876888275, 0.3678794503211975, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]],
  ["elu(alpha 0.5)", (x) => activations.elu(x, 0.5), [1.0, 1.0, 0.0, 4.6788114561099187e-14, 1.030576846083875e-09, 0.024893533438444138, 0.18393972516059875, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0]],
  ["selu", (x) => activations.selu(x), [1.0507010221481323, 1.0507010221481323, 0.0, 1.6451630910439136e-13, 3.6237128853144895e-09, 0.08753060549497604, 0.6467686295509338, 1.7580993175506592, 1.7580993175506592, 1.0507010221481323, 1.0507010221481323, 1.0507010221481323, 1.0507010221481323]],
  ["hard_sigmoid", (x) => activations.hardSigmoid(x), [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.0, 0.0]],
  ["hard_silu", (x) => activations.hardSilu(x), [1.0, 1.0, 0.0, 0.0, 0.0, -0.5, 0.1666666567325592, 0.5, 0.5, 0.500333309173584, 0.8333333730697632, 1.5, 1.0]],
];

function assertGrads(got: ArrayLike<number>, want: readonly number[], what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(got[i] - want[i]) <= 1e-6 * Math.abs(want[i]) + 1e-15;
    assert.ok(ok, `${what} at x = ${X[i]}: got ${got[i]}, Keras ${want[i]}`);
  }
}

for (const [name, fn, want] of KERAS_GRADS) {
  test(`${name}: gradients at NaN, +-Inf, far below zero and at the kinks are Keras 3.5's (torch backend)`, () => {
    const x = tf.constant(X, [X.length], "float32");
    const sumOf = (t: tf.Tensor): tf.Tensor => tf.sum(fn(t));
    assertGrads(tf.grad(sumOf)(x).dataSync() as Float32Array, want, `${name} gradient`);
    // The same derivative built from recorded ops, as a gradient of a gradient sees it.
    let inner: tf.Tensor | null = null;
    tf.grad((t: tf.Tensor) => {
      inner = tf.grad(sumOf)(t);
      return tf.sum(tf.mul(inner, 0));
    })(x);
    assertGrads((inner as unknown as tf.Tensor).dataSync() as Float32Array, want, `${name} gradient under a recording tape`);
  });
}

test("elu, selu, hard_sigmoid and hard_silu gradients equal finite differences away from the kinks (float64)", () => {
  const x = tf.constant([-5, -2.5, -1.2, -0.3, 0.4, 1.7, 2.9, 4], [8], "float64");
  for (const [, fn] of KERAS_GRADS) checkGradients(fn, [x]);
});
