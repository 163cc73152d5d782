import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, FusedActivation, OptimizerUpdate } from "../backend.js";
import { createJsBackend } from "../js/index.js";
import { createNativeBackend, nativeAddon, nativeLoadError } from "./index.js";
import { assertClose, assertEqualArrays, convCases, convGeometry, describeConv, randomF32, rng } from "./kernel_cases.js";

/*
 * The fused native kernels against their JS twins on random inputs of many shapes: odd channel
 * counts, one row, more rows than one task, with and without bias/gamma/beta, both activations.
 */

const addon = nativeAddon();
const skip = addon === null ? `native addon not built (${nativeLoadError() ?? "unknown"}); run npm run build:native` : false;
const js = createJsBackend();
const native: Backend | null = addon === null ? null : createNativeBackend(addon);
const ACTIVATIONS: FusedActivation[] = ["linear", "relu"];
/** [rows, channels]: one row, one channel, channels not a multiple of 8/16, more rows than one task or group. */
const ROW_SHAPES: [number, number][] = [[1, 1], [1, 7], [5, 3], [37, 17], [200, 64], [1000, 100], [9000, 33], [50000, 5]];

test("native biasActivation and biasActivationGrad equal js", { skip }, () => {
  const nb = native as Backend;
  let seed = 1;
  for (const [rows, channels] of ROW_SHAPES) {
    for (const activation of ACTIVATIONS) {
      for (const withBias of [true, false]) {
        const what = `biasActivation ${rows}x${channels} ${activation} bias=${withBias}`;
        const bias = withBias ? randomF32(channels, seed++) : null;
        const y0 = randomF32(rows * channels, seed++);
        const want = y0.slice(), got = y0.slice();
        js.biasActivation(want, rows, channels, bias, activation);
        nb.biasActivation(got, rows, channels, bias, activation);
        assertEqualArrays(got, want, what);

        const dy = randomF32(rows * channels, seed++);
        const dzWant = new Float32Array(dy.length), dzGot = new Float32Array(dy.length).fill(Number.NaN);
        const dbWant = new Float32Array(channels), dbGot = new Float32Array(channels).fill(Number.NaN);
        js.biasActivationGrad(dy, want, rows, channels, activation, dzWant, dbWant);
        nb.biasActivationGrad(dy, want, rows, channels, activation, dzGot, dbGot);
        assertEqualArrays(dzGot, dzWant, `${what} grad dz`);
        assertClose(dbGot, dbWant, `${what} grad dbias`, 1e-6);
      }
    }
  }
  // relu keeps NaN and -0, and its gradient passes where y is NaN, as torch 1.13 gives for
  // x = torch.tensor([nan, -0., 0., -1e-30, 1e-30, inf, -inf, 2.]): torch.relu(x) and
  // torch.ops.aten.threshold_backward(dy, torch.relu(x), 0) (dy where y > 0 or y is NaN, else 0).
  // 8 channels (one vector) and 9 (a scalar tail), 300 rows (vector loops and more than one task).
  const special = [Number.NaN, -0, 0, -1e-30, 1e-30, Infinity, -Infinity, 2];
  const reluSpecial = [Number.NaN, -0, 0, 0, Math.fround(1e-30), Infinity, 0, 2];
  const passes = [true, false, false, false, true, true, false, true];
  for (const channels of [8, 9]) {
    const rows = 300, n = rows * channels;
    const x = Float32Array.from({ length: n }, (_, i) => special[i % 8]);
    const wantY = Float32Array.from({ length: n }, (_, i) => reluSpecial[i % 8]);
    for (const [bk, be] of [[js, "js"], [nb, "native"]] as const) {
      const y = x.slice();
      bk.biasActivation(y, rows, channels, null, "relu");
      assertEqualArrays(y, wantY, `relu specials ${be} ${channels} channels`);
      // + a zero bias: -0 + 0 = +0 before the relu (float add), NaN stays.
      const yb = x.slice();
      bk.biasActivation(yb, rows, channels, new Float32Array(channels), "relu");
      assertEqualArrays(yb, wantY.map((v) => (Object.is(v, -0) ? 0 : v)), `bias + relu specials ${be} ${channels} channels`);
      const dy = randomF32(n, 7);
      const wantDz = dy.map((g, i) => (passes[i % 8] ? g : 0));
      const dz = new Float32Array(n).fill(Number.NaN), db = new Float32Array(channels);
      bk.biasActivationGrad(dy, y, rows, channels, "relu", dz, db);
      assertEqualArrays(dz, wantDz, `relu grad specials ${be} ${channels} channels`);
      const inPlace = dy.slice();
      bk.biasActivationGrad(inPlace, y, rows, channels, "relu", inPlace, null);
      assertEqualArrays(inPlace, wantDz, `relu grad specials in place ${be} ${channels} channels`);
    }
  }
  // A linear gradient may be computed in place (dz = dy).
  const dy = randomF32(9000 * 3, 99);
  const inPlace = dy.slice(), db1 = new Float32Array(3), db2 = new Float32Array(3);
  nb.biasActivationGrad(inPlace, inPlace, 9000, 3, "linear", inPlace, db1);
  js.biasActivationGrad(dy, dy, 9000, 3, "linear", dy, db2);
  assertEqualArrays(inPlace, dy, "linear grad in place");
  assertClose(db1, db2, "linear grad dbias", 1e-6);
});

test("native conv2dBiasActivation equals js on every convolution geometry", { skip }, () => {
  const nb = native as Backend;
  let seed = 100;
  for (const c of convCases) {
    const info = convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding);
    const x = randomF32(c.batch * c.h * c.w * c.c, seed++), f = randomF32(c.kh * c.kw * c.c * c.o, seed++);
    const ySize = c.batch * info.outHeight * info.outWidth * c.o;
    for (const activation of ACTIVATIONS) {
      for (const bias of [randomF32(c.o, seed++), null]) {
        const want = new Float32Array(ySize), got = new Float32Array(ySize).fill(Number.NaN);
        js.conv2dBiasActivation(x, f, bias, activation, want, info);
        nb.conv2dBiasActivation(x, f, bias, activation, got, info);
        assertClose(got, want, `${describeConv(c)} ${activation} bias=${bias !== null}`);
      }
    }
  }
});

test("native matmulBiasActivation equals js for odd shapes and every transpose", { skip }, () => {
  const nb = native as Backend;
  const shapes: [number, number, number][] = [[1, 1, 1], [1, 784, 256], [7, 5, 3], [64, 784, 256], [33, 0, 9], [150, 257, 97], [256, 3136, 10], [256, 784, 256], [197, 301, 67], [200, 100, 70]];
  let seed = 300;
  for (const [m, k, n] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const activation of ACTIVATIONS) {
          const a = randomF32(m * k, seed++), b = randomF32(k * n, seed++), bias = randomF32(n, seed++);
          const want = new Float32Array(m * n), got = new Float32Array(m * n).fill(Number.NaN);
          js.matmulBiasActivation(a, b, bias, activation, want, m, k, n, ta, tb);
          nb.matmulBiasActivation(a, b, bias, activation, got, m, k, n, ta, tb);
          assertClose(got, want, `matmulBiasActivation ${m}x${k}x${n} ta=${ta} tb=${tb} ${activation}`);
        }
      }
    }
  }
});

test("native batch normalization (training forward and backward, inference affine) equals js", { skip }, () => {
  const nb = native as Backend;
  let seed = 500;
  for (const [rows, channels] of ROW_SHAPES) {
    for (const affine of [true, false]) {
      const what = `batchNorm ${rows}x${channels} affine=${affine}`;
      // An offset and a scale per channel, so the statistics are not those of [-1, 1] noise.
      const x = randomF32(rows * channels, seed++).map((v, i) => v * (1 + (i % channels)) + (i % channels) - 3);
      const gamma = affine ? randomF32(channels, seed++) : null;
      const beta = affine ? randomF32(channels, seed++) : null;
      const run = (b: Backend) => {
        const y = new Float32Array(x.length).fill(Number.NaN), mean = new Float32Array(channels), variance = new Float32Array(channels);
        const saved = new Float64Array(2 * channels);
        b.batchNormTraining(x, rows, channels, gamma, beta, 1e-3, y, mean, variance, saved);
        return { y, mean, variance, saved };
      };
      const want = run(js), got = run(nb);
      assertClose(got.y, want.y, `${what} y`);
      assertClose(got.mean, want.mean, `${what} mean`, 1e-6);
      assertClose(got.variance, want.variance, `${what} variance`, 1e-6);
      assertClose(got.saved, want.saved, `${what} saved statistics`, 1e-9);

      const dy = randomF32(x.length, seed++);
      const grads = (b: Backend) => {
        const dx = new Float32Array(x.length).fill(Number.NaN), dgamma = new Float32Array(channels), dbeta = new Float32Array(channels);
        b.batchNormTrainingGrad(x, dy, rows, channels, gamma, want.saved, dx, affine ? dgamma : null, affine ? dbeta : null);
        return { dx, dgamma, dbeta };
      };
      const gw = grads(js), gg = grads(nb);
      assertClose(gg.dx, gw.dx, `${what} dx`);
      assertClose(gg.dgamma, gw.dgamma, `${what} dgamma`, 1e-6);
      assertClose(gg.dbeta, gw.dbeta, `${what} dbeta`, 1e-6);

      const r = rng(seed++);
      const scale = Float64Array.from({ length: channels }, () => r() * 4 - 2), shift = Float64Array.from({ length: channels }, () => r() - 0.5);
      const a = new Float32Array(x.length), b = new Float32Array(x.length).fill(Number.NaN);
      js.channelAffine(x, rows, channels, scale, shift, a);
      nb.channelAffine(x, rows, channels, scale, shift, b);
      assertEqualArrays(b, a, `${what} channelAffine`);
    }
  }
});

test("native optimizer updates equal js bit for bit (float32, every kind and option)", { skip }, () => {
  const nb = native as Backend;
  const f = Math.fround;
  const updates: { u: OptimizerUpdate; slots: number }[] = [
    { u: { kind: "sgd", lr: f(0.01) }, slots: 0 },
    { u: { kind: "momentum", lr: f(0.03), momentum: f(0.9), nesterov: false }, slots: 1 },
    { u: { kind: "momentum", lr: f(0.03), momentum: f(0.9), nesterov: true }, slots: 1 },
    { u: { kind: "adam", alpha: f(0.0013), oneMinusBeta1: f(1 - 0.9), oneMinusBeta2: f(1 - 0.999), epsilon: f(1e-7), amsgrad: false }, slots: 2 },
    { u: { kind: "adam", alpha: f(0.0013), oneMinusBeta1: f(1 - 0.9), oneMinusBeta2: f(1 - 0.999), epsilon: f(1e-7), amsgrad: true }, slots: 3 },
    { u: { kind: "rmsprop", lr: f(0.001), rho: f(0.9), oneMinusRho: f(1 - 0.9), epsilon: f(1e-7), momentum: 0, centered: false }, slots: 1 },
    { u: { kind: "rmsprop", lr: f(0.001), rho: f(0.9), oneMinusRho: f(1 - 0.9), epsilon: f(1e-7), momentum: f(0.5), centered: true }, slots: 3 },
    { u: { kind: "rmsprop", lr: f(0.001), rho: f(0.9), oneMinusRho: f(1 - 0.9), epsilon: f(1e-7), momentum: 0, centered: true }, slots: 3 },
  ];
  let seed = 900;
  for (const n of [4096, 70001]) {
    for (const { u, slots: count } of updates) {
      const w = randomF32(n, seed++), g = randomF32(n, seed++);
      const slots = Array.from({ length: 3 }, (_, i) => {
        if (i >= count) return new Float32Array(0);
        // rmsprop without momentum leaves position 1 empty; velocities are non-negative.
        if (u.kind === "rmsprop" && i === 1 && u.momentum === 0) return new Float32Array(0);
        const s = randomF32(n, seed++);
        return (u.kind === "adam" && i >= 1) || (u.kind === "rmsprop" && i === 0) ? s.map(Math.abs) : s;
      });
      if (u.kind === "adam" && u.amsgrad) slots[2][3] = Number.NaN;
      const outs = () => slots.map((s) => new Float32Array(s.length).fill(Number.NaN));
      const wWant = new Float32Array(n), wGot = new Float32Array(n).fill(Number.NaN);
      const sWant = outs(), sGot = outs();
      js.optimizerUpdate(u, w, g, slots, wWant, sWant);
      nb.optimizerUpdate(u, w, g, slots, wGot, sGot);
      const what = `${JSON.stringify(u)} n=${n}`;
      assertEqualArrays(wGot, wWant, `${what} w`);
      sGot.forEach((s, i) => assertEqualArrays(s, sWant[i], `${what} slot ${i}`));
    }
  }
  assert.ok(seed > 900);
});

test("native signedPower and signedPowerGrad equal js (zeros, NaN, tiny and huge values, with and without dp)", { skip }, () => {
  const nb = native as Backend;
  let seed = 700;
  for (const [rows, channels] of ROW_SHAPES) {
    const size = rows * channels;
    const x = randomF32(size, seed++), dy = randomF32(size, seed++), p = randomF32(channels, seed++);
    for (let i = 0; i < channels; i++) p[i] = 1 + 2 * Math.abs(p[i]);
    for (let i = 0; i < size; i++) x[i] *= 3;
    x.set([0, -0, Number.NaN, 1e-40, -3e38].slice(0, size), 0);
    const what = `signedPower [${rows}, ${channels}]`;
    const want = new Float32Array(size), got = new Float32Array(size).fill(5);
    js.signedPower(x, rows, channels, p, 1e-6, want);
    nb.signedPower(x, rows, channels, p, 1e-6, got);
    for (let i = 0; i < Math.min(size, 2); i++) assert.ok(Object.is(got[i], want[i]), `${what}: signed zero at ${i}`);
    if (size > 2) {
      assert.ok(Number.isNaN(got[2]) && Number.isNaN(want[2]), `${what}: NaN stays NaN`);
      got[2] = want[2] = 0;
    }
    assertClose(got, want, what, 1e-6);
    for (const withDp of [true, false]) {
      const dWant = new Float32Array(size), dGot = new Float32Array(size).fill(5);
      const pWant = withDp ? new Float32Array(channels) : null, pGot = withDp ? new Float32Array(channels).fill(5) : null;
      // Finite outputs only for the gradients (NaN or an overflowed y poisons its channel's dp on both sides).
      const xf = x.map((v) => (Number.isNaN(v) || Math.abs(v) > 1e30 ? 0.5 : v));
      js.signedPower(xf, rows, channels, p, 1e-6, want);
      js.signedPowerGrad(xf, want, dy, rows, channels, p, 1e-6, dWant, pWant);
      nb.signedPowerGrad(xf, want, dy, rows, channels, p, 1e-6, dGot, pGot);
      assertClose(dGot, dWant, `${what} dx`, 1e-6);
      if (pGot !== null && pWant !== null) assertClose(pGot, pWant, `${what} dp`, 1e-5);
    }
  }
});
