import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { testOnBackend } from "../testing/backends.js";
import { nativeAddon } from "../backend/native/index.js";
import { randomF32 } from "../backend/native/kernel_cases.js";
import { logSoftmax, softmax } from "../backend/js/softmax.js";

/*
 * The softmax gradient kernel (used when no tape records the backward pass) against the ops it
 * replaces, bit for bit, and against the formula in double; and the native (SIMD) softmax rows
 * against the float64 computation, in float32 ulps.
 */

function assertSameBits(got: Tensor, want: Tensor, what: string): void {
  const g = got.dataSync(), w = want.dataSync();
  assert.equal(g.length, w.length, `${what}: length`);
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) assert.fail(`${what}: index ${i}: ${g[i]} vs the composite ops' ${w[i]}`);
}

for (const name of ["js", "native"]) {
  testOnBackend(name, `softmax gradient on ${name}: bit for bit y * (dy - sum(dy * y)) as the composite ops round it`, () => {
    tf.random.setSeed(8);
    for (const shape of [[3, 5], [2, 3, 7], [300, 70], [5000, 10], [4, 1]]) {
      const x = tf.mul(tf.random.normal(shape), 5), dy = tf.random.normal(shape);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.softmax(t), dy)))(x);
      const y = tf.softmax(x);
      const want = tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), -1, true)));
      assertSameBits(g, want, `softmax gradient ${JSON.stringify(shape)}`);
    }
  });

  testOnBackend(name, `softmax gradient on ${name}: the formula in float64, other axes, and second derivatives through the ops`, () => {
    const x = tf.constant([[0.5, -1, 2], [3, 3, -4]], "float64"), dy = tf.constant([[1, 0, -2], [0.25, 4, 1]], "float64");
    const g = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.softmax(t), dy)))(x).dataSync();
    const xs = [[0.5, -1, 2], [3, 3, -4]], ds = [[1, 0, -2], [0.25, 4, 1]];
    xs.forEach((row, r) => {
      const e = row.map(Math.exp), s = e.reduce((a, b) => a + b);
      const y = e.map((v) => v / s);
      const dot = y.reduce((a, v, j) => a + v * ds[r][j], 0);
      y.forEach((v, j) => assert.ok(Math.abs(Number(g[r * 3 + j]) - v * (ds[r][j] - dot)) < 1e-15, `[${r}, ${j}]`));
    });
    // over axis 0 (through a transpose): the same as the transposed problem
    const g0 = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.softmax(t, 0), tf.transpose(dy))))(tf.transpose(x));
    assert.deepEqual(tf.transpose(g0).arraySync(), tf.grad((t: Tensor) => tf.sum(tf.mul(tf.softmax(t), dy)))(x).arraySync());
    // d/dx of the gradient's sum: the backward pass recorded as ops, checked by central differences
    const f = (t: Tensor): Tensor => tf.sum(tf.square(tf.grad((u: Tensor) => tf.sum(tf.mul(tf.softmax(u), dy)))(t)));
    const h2 = tf.grad(f)(x).dataSync();
    const base = x.dataSync() as Float64Array;
    for (let i = 0; i < base.length; i++) {
      const at = (d: number): number => { const v = Float64Array.from(base); v[i] += d; return Number(f(tf.constant(v, [2, 3], "float64")).dataSync()[0]); };
      const fd = (at(1e-6) - at(-1e-6)) / 2e-6;
      assert.ok(Math.abs(Number(h2[i]) - fd) < 1e-6, `second derivative ${i}: ${h2[i]} vs ${fd}`);
    }
  });
}

test("native softmax and logSoftmax rows (SIMD where built) within 1 float32 ulp of the float64 computation", { skip: nativeAddon() === null }, () => {
  const addon = nativeAddon()!;
  const ulps = (a: number, b: number): number => {
    if (Object.is(a, b)) return 0;
    const i = new Int32Array(new Float32Array([a, b]).buffer);
    return Math.sign(a) === Math.sign(b) ? Math.abs(i[0] - i[1]) : Infinity;
  };
  let seed = 50;
  for (const [rows, cols] of [[512, 128], [300, 37], [16, 1000]]) {
    const x = randomF32(rows * cols, seed++);
    for (let i = 0; i < x.length; i++) x[i] *= 30;
    for (const log of [false, true]) {
      const got = new Float32Array(rows * cols), ref = new Float64Array(rows * cols);
      addon.softmax(x, got, rows, cols, log);
      (log ? logSoftmax : softmax)(Float64Array.from(x), rows, cols, ref);
      const want = Float32Array.from(ref);
      for (let i = 0; i < want.length; i++) {
        if (ulps(got[i], want[i]) > 1) assert.fail(`${log ? "logSoftmax" : "softmax"} [${rows}, ${cols}] index ${i}: ${got[i]} vs ${want[i]} (simd ${addon.info().simd})`);
      }
    }
  }
});
