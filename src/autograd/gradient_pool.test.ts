import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { noGrad, record } from "../ops/engine.js";
import { mul } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";

// Tensors of 4096 elements: large enough (16 KiB) for outputTensor's reusable buffers.
const N = 4096;
const ramp = (scale: number): Tensor => tf.mul(tf.range(0, N, 1, "float32"), scale);

/** y = x * 5, whose backward also leaves an extra gradient-sized tensor behind in `stash`. */
function stashingTimesFive(x: Tensor, stash: { t: Tensor | null }): Tensor {
  const y = noGrad(() => mul(x, 5));
  record("stashingTimesFive", [x], y, ([dy]) => {
    stash.t = mul(dy, 7);
    return [mul(dy, 5)];
  });
  return y;
}

test("gradients stay right when the next backward pass reuses the memory of the last one", () => {
  const w = new tf.Variable(ramp(0.001));
  const loss = (): Tensor => tf.sum(tf.mul(tf.square(tf.mul(w, 3)), 0.5)); // d/dw = 9w
  const first = tf.variableGrads(loss, [w]).grads[w.name];
  const firstValues = Array.from(first.dataSync() as Float32Array);
  firstValues.forEach((g, i) => assert.ok(Math.abs(g - 9 * 0.001 * i) <= 1e-6 * Math.max(1, 9 * 0.001 * i), `element ${i}: ${g}`));
  for (let step = 0; step < 4; step++) {
    const g = tf.variableGrads(loss, [w]).grads[w.name];
    assert.deepEqual(Array.from(g.dataSync() as Float32Array), firstValues, `step ${step}`);
  }
  // The gradient returned first is its own memory: later passes did not write over it.
  assert.deepEqual(Array.from(first.dataSync() as Float32Array), firstValues);
});

test("an intermediate gradient kept past gradient() throws when read, instead of showing reused memory", { skip: process.env.LAMINA_GRAD_POOL === "0" ? "LAMINA_GRAD_POOL=0" : false }, () => {
  const x = ramp(0.01);
  const stash: { t: Tensor | null } = { t: null };
  const tape = new tf.GradientTape();
  tape.watch(x);
  const y = tape.run(() => tf.sum(stashingTimesFive(tf.mul(x, 2), stash)));
  const g = tape.gradient(y, x)!;
  assert.deepEqual(Array.from(g.dataSync() as Float32Array).slice(0, 3), [10, 10, 10]);
  assert.ok(stash.t !== null);
  assert.throws(() => stash.t!.dataSync(), /was an intermediate gradient of GradientTape\.gradient, whose memory is reused once the gradients are computed; keep only the gradients gradient\(\) returns \(LAMINA_GRAD_POOL=0 turns the reuse off\)/);
  assert.throws(() => stash.t!.arraySync(), /intermediate gradient/);
  assert.match(String(stash.t), /<released>/);
});

test("under an outer recording tape (second derivatives) nothing is reused: the outer tape still has its graph", () => {
  const x = ramp(0.001);
  const outer = new tf.GradientTape();
  outer.watch(x);
  const dy = outer.run(() => {
    const inner = new tf.GradientTape();
    inner.watch(x);
    const y = inner.run(() => tf.sum(tf.mul(tf.mul(tf.mul(x, x), x), 2)));
    return tf.sum(inner.gradient(y, x)!); // sum of 6x^2, recorded by the outer tape
  });
  const d2 = outer.gradient(dy, x)!; // 12x
  const xs = Array.from(x.dataSync() as Float32Array);
  const got = Array.from(d2.dataSync() as Float32Array);
  xs.forEach((v, i) => assert.ok(Math.abs(got[i] - 12 * v) <= 1e-5 * Math.max(1, 12 * v), `element ${i}: ${got[i]} vs ${12 * v}`));
});

test("a persistent tape gives the same gradients on every call", () => {
  const x = ramp(0.002);
  const tape = new tf.GradientTape({ persistent: true });
  tape.watch(x);
  const y = tape.run(() => tf.sum(tf.mul(tf.exp(tf.mul(x, 0.1)), 3)));
  const a = Array.from(tape.gradient(y, x)!.dataSync() as Float32Array);
  const b = Array.from(tape.gradient(y, x)!.dataSync() as Float32Array);
  assert.deepEqual(b, a);
  assert.ok(Math.abs(a[100] - 0.3 * Math.exp(0.1 * 0.2)) < 1e-6);
});
