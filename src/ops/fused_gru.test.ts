import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { gruResetGate, gruStep, gruStepResetBefore } from "./fused_rnn.js";
import { testOnBackend } from "../testing/backends.js";
import { checkGradients } from "../testing/gradcheck.js";

/*
 * The GRU step kernels (used outside a recording tape) against the GRU formulas computed here in
 * double, and bit for bit against the composite ops they replace on each backend (the ops
 * GRUCell ran before, written out here); under a tape they are those ops, so their gradients are
 * theirs (checked against finite differences).
 */

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** xp [rows, 3u] (some large, saturating values), hr [rows, 3u], hh and hPrev [rows, u]. */
function inputs(rows: number, units: number, dtype: "float32" | "float64"): Tensor[] {
  tf.random.setSeed(21);
  const xp = tf.mul(tf.random.normal([rows, 3 * units]), 4);
  return [xp, tf.random.normal([rows, 3 * units]), tf.random.normal([rows, units]), tf.random.normal([rows, units])].map((t) => tf.cast(t, dtype));
}

const first2 = (hr: Tensor): Tensor => tf.slice(hr, [0, 0], [-1, 2 * (hr.shape[1] / 3)]);

/** GRUCell's composite ops for reset_after (as src/layers/rnn_cells.ts wrote them). */
function compositeAfter(xp: Tensor, hr: Tensor, hPrev: Tensor): Tensor {
  const [xz, xr, xh] = tf.split(xp, 3, 1);
  const [hz, hrr, hh] = tf.split(hr, 3, 1);
  const z = tf.sigmoid(tf.add(xz, hz));
  const r = tf.sigmoid(tf.add(xr, hrr));
  const candidate = tf.tanh(tf.add(xh, tf.mul(r, hh)));
  return tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), candidate));
}

/** The reset-before composite: [r * hPrev, h] for the given hh. */
function compositeBefore(xp: Tensor, hr2: Tensor, hh: Tensor, hPrev: Tensor): [Tensor, Tensor] {
  const [xz, xr, xh] = tf.split(xp, 3, 1);
  const [hz, hrr] = tf.split(hr2, 2, 1);
  const z = tf.sigmoid(tf.add(xz, hz));
  const r = tf.sigmoid(tf.add(xr, hrr));
  const candidate = tf.tanh(tf.add(xh, hh));
  return [tf.mul(r, hPrev), tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), candidate))];
}

function assertSameBits(got: Tensor, want: Tensor, what: string): void {
  const g = got.dataSync(), w = want.dataSync();
  assert.equal(g.length, w.length, `${what}: length`);
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) assert.fail(`${what}: index ${i}: ${g[i]} vs the composite ops' ${w[i]}`);
}

for (const name of ["js", "native"]) {
  testOnBackend(name, `GRU step kernels on ${name}: the GRU formulas in float64`, () => {
    const [rows, u] = [3, 5];
    const [xp, hr, hh, hPrev] = inputs(rows, u, "float64");
    const after = gruStep(xp, hr, hPrev).dataSync();
    const rh = gruResetGate(xp, first2(hr), hPrev).dataSync();
    const before = gruStepResetBefore(xp, first2(hr), hh, hPrev).dataSync();
    const x = xp.dataSync(), y = hr.dataSync(), g = hh.dataSync(), p = hPrev.dataSync();
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < u; j++) {
        const at = (a: ArrayLike<number | bigint>, gate: number): number => Number(a[b * 3 * u + gate * u + j]);
        const z = sigmoid(at(x, 0) + at(y, 0)), r = sigmoid(at(x, 1) + at(y, 1));
        const hp = Number(p[b * u + j]);
        const wantAfter = z * hp + (1 - z) * Math.tanh(at(x, 2) + r * at(y, 2));
        const wantBefore = z * hp + (1 - z) * Math.tanh(at(x, 2) + Number(g[b * u + j]));
        const k = b * u + j;
        assert.ok(Math.abs(Number(after[k]) - wantAfter) <= 1e-14, `reset after [${b}, ${j}]: ${after[k]} vs ${wantAfter}`);
        assert.ok(Math.abs(Number(rh[k]) - r * hp) <= 1e-14, `r * hPrev [${b}, ${j}]: ${rh[k]} vs ${r * hp}`);
        assert.ok(Math.abs(Number(before[k]) - wantBefore) <= 1e-14, `reset before [${b}, ${j}]: ${before[k]} vs ${wantBefore}`);
      }
    }
  });

  testOnBackend(name, `GRU step kernels on ${name}: bit for bit the composite ops' float32 values (rows split across threads)`, () => {
    for (const [rows, u] of [[2, 3], [64, 96], [32, 64]]) {
      const [xp, hr, hh, hPrev] = inputs(rows, u, "float32");
      assertSameBits(gruStep(xp, hr, hPrev), compositeAfter(xp, hr, hPrev), `gruStep [${rows}, ${u}]`);
      const [rhWant, hWant] = compositeBefore(xp, first2(hr), hh, hPrev);
      assertSameBits(gruResetGate(xp, first2(hr), hPrev), rhWant, `gruResetGate [${rows}, ${u}]`);
      assertSameBits(gruStepResetBefore(xp, first2(hr), hh, hPrev), hWant, `gruStepResetBefore [${rows}, ${u}]`);
    }
  });

  testOnBackend(name, `GRU layer predict on ${name} (fused kernels) equals the same call under a tape (composite ops), bit for bit`, () => {
    for (const resetAfter of [true, false]) {
      tf.random.setSeed(5);
      const layer = tf.layers.GRU(16, { resetAfter, returnSequences: true, biasInitializer: "random_normal" });
      const x = tf.mul(tf.random.normal([4, 7, 3]), 2);
      const fused = layer.apply(x) as Tensor;
      const tape = new tf.GradientTape();
      const composite = tape.run(() => layer.apply(x) as Tensor);
      assertSameBits(fused, composite, `GRU(16, resetAfter ${resetAfter})`);
    }
  });
}

test("GRU step ops under a tape: the composite ops' gradients (finite differences), and shape errors", () => {
  const [xp, hr, hh, hPrev] = inputs(2, 3, "float64");
  checkGradients((a: Tensor, b: Tensor, c: Tensor) => tf.sum(tf.square(gruStep(a, b, c))), [xp, hr, hPrev]);
  checkGradients((a: Tensor, b: Tensor, c: Tensor, d: Tensor) => {
    const rh = gruResetGate(a, b, d);
    return tf.add(tf.sum(tf.square(gruStepResetBefore(a, b, c, d))), tf.sum(tf.mul(rh, rh)));
  }, [xp, first2(hr), hh, hPrev]);
  assert.throws(() => gruStep(tf.zeros([2, 9]), tf.zeros([2, 6]), tf.zeros([2, 3])), /gruStep: expected xp and hr \[batch, 3 \* units\] and hPrev \[batch, units\] of one float dtype, got float32 \(2, 9\), float32 \(2, 6\), float32 \(2, 3\)/);
  assert.throws(() => gruResetGate(tf.zeros([2, 9]), tf.zeros([2, 9]), tf.zeros([2, 3])), /gruResetGate: expected .* hr \[batch, 2 \* units\]/);
  assert.throws(() => gruStepResetBefore(tf.zeros([2, 9], "int32"), tf.zeros([2, 6], "int32"), tf.zeros([2, 3], "int32"), tf.zeros([2, 3], "int32")), /one float dtype/);
});
