import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { lstmStep } from "./fused_rnn.js";
import { testOnBackend } from "../testing/backends.js";
import { checkGradients } from "../testing/gradcheck.js";

/*
 * lstmStep's kernel (used outside a recording tape) against the LSTM formulas computed here in
 * double, and against the composite ops it replaces on each backend; under a tape it is those
 * ops, so its gradients are theirs (checked against finite differences).
 */

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function inputs(rows: number, units: number, dtype: "float32" | "float64"): [Tensor, Tensor, Tensor] {
  tf.random.setSeed(11);
  // Some large pre-activations, where the gates saturate.
  return [tf.mul(tf.random.normal([rows, 4 * units]), 3), tf.random.normal([rows, 4 * units]), tf.random.normal([rows, units])].map((t) => tf.cast(t, dtype)) as [Tensor, Tensor, Tensor];
}

function composite(xp: Tensor, hr: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const [zi, zf, zc, zo] = tf.split(tf.add(xp, hr), 4, 1);
  const c = tf.add(tf.mul(tf.sigmoid(zf), cPrev), tf.mul(tf.sigmoid(zi), tf.tanh(zc)));
  return [tf.mul(tf.sigmoid(zo), tf.tanh(c)), c];
}

for (const name of ["js", "native"]) {
  testOnBackend(name, `lstmStep on ${name}: the LSTM formulas in float64, and the composite ops' float32 values`, () => {
    const [rows, units] = [3, 5];
    const [xp, hr, cPrev] = inputs(rows, units, "float64");
    const [h, c] = lstmStep(xp, hr, cPrev);
    const x = xp.dataSync() as Float64Array, r = hr.dataSync() as Float64Array, cp = cPrev.dataSync() as Float64Array;
    const hv = h.dataSync() as Float64Array, cv = c.dataSync() as Float64Array;
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < units; j++) {
        const z = (g: number): number => x[b * 4 * units + g * units + j] + r[b * 4 * units + g * units + j];
        const cWant = sigmoid(z(1)) * cp[b * units + j] + sigmoid(z(0)) * Math.tanh(z(2));
        const hWant = sigmoid(z(3)) * Math.tanh(cWant);
        assert.ok(Math.abs(cv[b * units + j] - cWant) <= 1e-14 * Math.max(1, Math.abs(cWant)), `c[${b}, ${j}]: ${cv[b * units + j]} vs ${cWant}`);
        assert.ok(Math.abs(hv[b * units + j] - hWant) <= 1e-14, `h[${b}, ${j}]: ${hv[b * units + j]} vs ${hWant}`);
      }
    }
    // float32, large enough for the native kernel's threads: the values the composite ops store (activations in double, rounded once each).
    const [xp32, hr32, c32] = inputs(64, 96, "float32");
    const got = lstmStep(xp32, hr32, c32);
    const want = composite(xp32, hr32, c32);
    got.forEach((t, i) => {
      const g = t.dataSync(), w = want[i].dataSync();
      let worst = 0;
      for (let k = 0; k < w.length; k++) worst = Math.max(worst, Math.abs(Number(g[k]) - Number(w[k])));
      // At most a float32 rounding step apart (|values| < 1 for h; c within a few units).
      assert.ok(worst <= 1e-6, `${["h", "c"][i]}: max difference ${worst} from the composite ops`);
    });
  });
}

test("lstmStep under a tape: the composite ops' gradients (finite differences), and shape errors", () => {
  const [xp, hr, cPrev] = inputs(2, 3, "float64");
  checkGradients((a: Tensor, b: Tensor, c: Tensor) => {
    const [h, cn] = lstmStep(a, b, c);
    return tf.add(tf.sum(tf.mul(h, h)), tf.sum(cn));
  }, [xp, hr, cPrev]);
  assert.throws(() => lstmStep(tf.zeros([2, 8]), tf.zeros([2, 8]), tf.zeros([2, 3])), /lstmStep: expected xp and hr \[batch, 4 \* units\] and cPrev \[batch, units\] .* \(2, 8\)/);
  assert.throws(() => lstmStep(tf.zeros([2, 12], "int32"), tf.zeros([2, 12], "int32"), tf.zeros([2, 3], "int32")), /one float dtype/);
});
