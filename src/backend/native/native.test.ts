import { test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import type { Backend, Conv2DInfo, Pool2DInfo } from "../backend.js";
import type { NumericArray } from "../../tensor/dtype.js";
import { createJsBackend } from "../js/index.js";
import { createNativeBackend, nativeAddon, nativeLoadError } from "./index.js";
import { assertClose, assertEqualArrays, convCases, convGeometry, describeConv as describe, randomF32, rng, type ConvCase } from "./kernel_cases.js";
import { avxBuildsBytes, childScriptOutput, lowerSimdLevels, runTestsUnderSimd, SIMD_CHILD } from "./simd_children.js";
import * as tf from "../../index.js";

/*
 * Every native kernel against the JS reference on random inputs of many shapes. Skipped only when
 * the addon is not built (then the JS backend is the default and the rest of the suite covers it).
 */

const addon = nativeAddon();
const skip = addon === null ? `native addon not built (${nativeLoadError() ?? "unknown"}); run npm run build:native` : false;
const js = createJsBackend();
const native: Backend | null = addon === null ? null : createNativeBackend(addon);

// ---------------------------------------------------------------- matmul

test("native matmul equals js for all transpose combinations and odd shapes", { skip }, () => {
  const nb = native as Backend;
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 1], [3, 5, 7], [6, 16, 16], [7, 1, 9], [17, 33, 29], [13, 300, 31], [150, 257, 97],
    [64, 784, 256], [145, 19, 33], [5, 20, 3100], [300, 2, 301], [4, 0, 5],
    // Whole-B paths: column split (up to 1024 rows, op(A) not transposed) and row split (more rows,
    // or op(A) transposed); one or several depth blocks, row blocks cut for deep rows; even and
    // ragged edges.
    [256, 784, 256], [197, 301, 67], [200, 100, 70], [200, 2100, 70], [400, 1000, 81], [1100, 70, 90],
    // The NEON tile (8 x 12): whole tiles, one row or column past them, and a transposed op(A)
    // exactly 8 wide (read 8 values a step in place).
    [8, 5, 12], [9, 40, 25], [16, 3, 24], [8, 300, 13], [23, 77, 36],
  ];
  let seed = 1;
  for (const [m, k, n] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = randomF32(m * k, seed++), b = randomF32(k * n, seed++);
        const want = new Float32Array(m * n), got = new Float32Array(m * n).fill(Number.NaN);
        js.matmul(a, b, want, 1, m, k, n, ta, tb, 0, 0);
        nb.matmul(a, b, got, 1, m, k, n, ta, tb, 0, 0);
        assertClose(got, want, `matmul m=${m} k=${k} n=${n} ta=${ta} tb=${tb}`);
      }
    }
  }
});

test("native batched matmul equals js, with broadcast (stride 0) operands and batch > threads", { skip }, () => {
  const nb = native as Backend;
  const cases: { batch: number; m: number; k: number; n: number; aB: boolean; bB: boolean }[] = [
    { batch: 7, m: 5, k: 9, n: 3, aB: true, bB: true },
    { batch: 9, m: 33, k: 17, n: 40, aB: true, bB: false },
    { batch: 3, m: 1, k: 64, n: 70, aB: false, bB: true },
    { batch: 4, m: 130, k: 300, n: 129, aB: true, bB: true },
    { batch: 1, m: 2, k: 3, n: 4, aB: true, bB: true },
  ];
  let seed = 100;
  for (const c of cases) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const sa = c.aB ? c.m * c.k : 0, sb = c.bB ? c.k * c.n : 0;
        const a = randomF32(Math.max(1, c.batch * sa || c.m * c.k), seed++);
        const b = randomF32(Math.max(1, c.batch * sb || c.k * c.n), seed++);
        const want = new Float32Array(c.batch * c.m * c.n), got = new Float32Array(want.length).fill(Number.NaN);
        js.matmul(a, b, want, c.batch, c.m, c.k, c.n, ta, tb, sa, sb);
        nb.matmul(a, b, got, c.batch, c.m, c.k, c.n, ta, tb, sa, sb);
        assertClose(got, want, `batched matmul ${JSON.stringify(c)} ta=${ta} tb=${tb}`);
      }
    }
  }
});

test("native matmul on float64 delegates to the JS kernel (identical results)", { skip }, () => {
  const nb = native as Backend;
  const a = Float64Array.from(randomF32(12 * 7, 5)), b = Float64Array.from(randomF32(7 * 9, 6));
  const want = new Float64Array(12 * 9), got = new Float64Array(12 * 9);
  js.matmul(a, b, want, 1, 12, 7, 9, false, false, 0, 0);
  nb.matmul(a, b, got, 1, 12, 7, 9, false, false, 0, 0);
  assertEqualArrays(got, want, "float64 matmul");
});

test("the addon rejects arrays shorter than the shapes say", { skip }, () => {
  const ad = nativeAddon();
  assert.ok(ad !== null);
  assert.throws(() => ad.matmul(new Float32Array(5), new Float32Array(6), new Float32Array(4), 1, 2, 3, 2, false, false, 0, 0),
    /a holds 5 elements/);
  assert.throws(() => ad.conv2d(new Float32Array(4), new Float32Array(4), new Float32Array(4), new Int32Array(3)),
    /geometry array is too short/);
});

// ---------------------------------------------------------------- convolution

test("native conv2d, conv2dBackpropInput and conv2dBackpropFilter equal js", { skip }, () => {
  const nb = native as Backend;
  let seed = 1000;
  for (const c of convCases) {
    const info = convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding);
    assert.ok(info.outHeight > 0 && info.outWidth > 0, describe(c));
    const xSize = c.batch * c.h * c.w * c.c;
    const ySize = c.batch * info.outHeight * info.outWidth * c.o;
    const wSize = c.kh * c.kw * c.c * c.o;
    const x = randomF32(xSize, seed++), f = randomF32(wSize, seed++), dy = randomF32(ySize, seed++);

    const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize).fill(Number.NaN);
    js.conv2d(x, f, yWant, info);
    nb.conv2d(x, f, yGot, info);
    assertClose(yGot, yWant, `${describe(c)} forward`);

    // The op hands zero-filled outputs; the kernels must not depend on it, so give them garbage.
    const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize).fill(7);
    js.conv2dBackpropInput(dy, f, dxWant, info);
    nb.conv2dBackpropInput(dy, f, dxGot, info);
    assertClose(dxGot, dxWant, `${describe(c)} backprop input`);

    const dwWant = new Float32Array(wSize), dwGot = new Float32Array(wSize).fill(7);
    js.conv2dBackpropFilter(x, dy, dwWant, info);
    nb.conv2dBackpropFilter(x, dy, dwGot, info);
    assertClose(dwGot, dwWant, `${describe(c)} backprop filter`);
  }
});

// One input channel; output channels below, at and past a 16-wide AVX-512 block and the AVX2 build's
// 8-wide vectors (masked tails: 1, 5, 7, 9, 12, 17, 20, 31, 33; whole blocks: 8, 16, 24, 48, 64),
// rows of fewer than four pixels and not a multiple of four, 1 to 25 taps (blocks of up to eight,
// six with AVX2, in the filter gradient), batches of many rows (the filter gradient's 16 fixed
// groups, tasks on every thread).
const singleChannelCases: ConvCase[] = [
  { batch: 2, h: 10, w: 13, c: 1, o: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 9, w: 7, c: 1, o: 12, kh: 7, kw: 1, sh: 1, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 11, w: 9, c: 1, o: 24, kh: 3, kw: 3, sh: 2, sw: 1, dh: 1, dw: 1, padding: [0, 2, 1, 0] },
  { batch: 1, h: 14, w: 15, c: 1, o: 31, kh: 4, kw: 3, sh: 1, sw: 1, dh: 1, dw: 2, padding: "VALID" },
  { batch: 1, h: 5, w: 5, c: 1, o: 1, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 28, w: 28, c: 1, o: 32, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 2, h: 13, w: 11, c: 1, o: 17, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 9, w: 10, c: 1, o: 33, kh: 5, kw: 5, sh: 1, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 12, w: 12, c: 1, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 3, padding: "SAME" },
  { batch: 2, h: 11, w: 8, c: 1, o: 9, kh: 3, kw: 2, sh: 2, sw: 1, dh: 2, dw: 1, padding: "VALID" },
  { batch: 2, h: 8, w: 7, c: 1, o: 20, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [3, 1, 0, 4] },
  { batch: 1, h: 3, w: 2, c: 1, o: 5, kh: 4, kw: 4, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 7, w: 7, c: 1, o: 48, kh: 1, kw: 1, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 6, w: 9, c: 1, o: 7, kh: 2, kw: 4, sh: 3, sw: 3, dh: 1, dw: 1, padding: "VALID" },
  { batch: 37, h: 17, w: 15, c: 1, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
];

test("native single-input-channel convolutions (direct path on AVX-512 and AVX2) equal js: strides, dilation, padding, odd sizes, tails, bias + relu, NaN and Inf", { skip }, () => {
  const nb = native as Backend;
  let seed = 5000;
  for (const c of singleChannelCases) {
    const info = convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding);
    const what = describe(c);
    const xSize = c.batch * c.h * c.w, ySize = c.batch * info.outHeight * info.outWidth * c.o, wSize = c.kh * c.kw * c.o;
    const x = randomF32(xSize, seed++), f = randomF32(wSize, seed++), dy = randomF32(ySize, seed++), bias = randomF32(c.o, seed++);
    const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize).fill(Number.NaN);
    js.conv2d(x, f, yWant, info);
    nb.conv2d(x, f, yGot, info);
    assertClose(yGot, yWant, `${what} forward`);
    js.conv2dBiasActivation(x, f, bias, "relu", yWant, info);
    nb.conv2dBiasActivation(x, f, bias, "relu", yGot.fill(Number.NaN), info);
    assertClose(yGot, yWant, `${what} bias + relu`);
    js.conv2dBiasActivation(x, f, bias, "linear", yWant, info);
    nb.conv2dBiasActivation(x, f, bias, "linear", yGot.fill(Number.NaN), info);
    assertClose(yGot, yWant, `${what} bias, linear`);
    const dwWant = new Float32Array(wSize), dwGot = new Float32Array(wSize).fill(7);
    js.conv2dBackpropFilter(x, dy, dwWant, info);
    nb.conv2dBackpropFilter(x, dy, dwGot, info);
    assertClose(dwGot, dwWant, `${what} backprop filter`);
    const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize).fill(7);
    js.conv2dBackpropInput(dy, f, dxWant, info);
    nb.conv2dBackpropInput(dy, f, dxGot, info);
    assertClose(dxGot, dxWant, `${what} backprop input`);

    // NaN and Inf: in x (inside and on the border), in the filter (an Inf tap times a padding zero
    // is NaN, as im2col's zero columns give), in dy, and a NaN bias kept by relu.
    const nonFinite = (a: Float32Array): string[] => [...a.keys()].filter((i) => !Number.isFinite(a[i])).map((i) => `${i}:${a[i]}`);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const xb = x.slice(), fb = f.slice(), dyb = dy.slice(), bb = bias.slice();
      xb[Math.floor(xSize / 2)] = bad;
      xb[0] = bad;
      fb[wSize - 1] = bad;
      dyb[Math.floor(ySize / 3)] = bad;
      bb[0] = Number.NaN;
      for (const [xs, fs] of [[xb, f], [x, fb]] as const) {
        js.conv2dBiasActivation(xs, fs, bb, "relu", yWant, info);
        nb.conv2dBiasActivation(xs, fs, bb, "relu", yGot.fill(0), info);
        assert.deepEqual(nonFinite(yGot), nonFinite(yWant), `${what} bias + relu with ${bad}`);
        assertClose(yGot.map((v, i) => (Number.isFinite(yWant[i]) ? v : 0)), yWant.map((v) => (Number.isFinite(v) ? v : 0)), `${what} bias + relu with ${bad}`);
      }
      for (const [xs, ds] of [[xb, dy], [x, dyb]] as const) {
        js.conv2dBackpropFilter(xs, ds, dwWant, info);
        nb.conv2dBackpropFilter(xs, ds, dwGot.fill(7), info);
        assert.deepEqual(nonFinite(dwGot), nonFinite(dwWant), `${what} backprop filter with ${bad}`);
        assertClose(dwGot.map((v, i) => (Number.isFinite(dwWant[i]) ? v : 0)), dwWant.map((v) => (Number.isFinite(v) ? v : 0)), `${what} backprop filter with ${bad}`);
      }
    }
  }
});

test("native conv2dBackpropFilterBiasActivation equals js (relu and linear, with and without bias, NaN in y and dy; one input channel fused, more through dz)", { skip }, () => {
  const nb = native as Backend;
  const cases: ConvCase[] = [...singleChannelCases, { batch: 3, h: 9, w: 8, c: 3, o: 18, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" }];
  let seed = 6000;
  for (const c of cases) {
    const info = convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding);
    const xSize = c.batch * c.h * c.w * c.c, ySize = c.batch * info.outHeight * info.outWidth * c.o, wSize = c.kh * c.kw * c.c * c.o;
    const x = randomF32(xSize, seed++), f = randomF32(wSize, seed++), bias = randomF32(c.o, seed++), dy = randomF32(ySize, seed++);
    const y = new Float32Array(ySize);
    js.conv2dBiasActivation(x, f, bias, "relu", y, info);
    for (const nan of [false, true]) {
      const yy = y.slice(), dd = dy.slice();
      if (nan) {
        yy[Math.floor(ySize / 2)] = Number.NaN; // relu's NaN output passes dy on
        dd[c.o - 1] = Number.NaN;
        dd[ySize - 1] = Number.POSITIVE_INFINITY;
      }
      for (const activation of ["relu", "linear"] as const) {
        for (const withBias of [true, false]) {
          const what = `${describe(c)} ${activation} bias=${withBias} nan=${nan}`;
          const dwWant = new Float32Array(wSize), dwGot = new Float32Array(wSize).fill(7);
          const dbWant = withBias ? new Float32Array(c.o) : null, dbGot = withBias ? new Float32Array(c.o).fill(7) : null;
          js.conv2dBackpropFilterBiasActivation(x, dd, yy, activation, dwWant, dbWant, info);
          nb.conv2dBackpropFilterBiasActivation(x, dd, yy, activation, dwGot, dbGot, info);
          const check = (got: Float32Array, want: Float32Array, which: string): void => {
            for (let i = 0; i < want.length; i++) {
              if (Number.isNaN(want[i]) !== Number.isNaN(got[i]) || (!Number.isFinite(want[i]) && !Number.isNaN(want[i]) && got[i] !== want[i])) {
                assert.fail(`${what} ${which}[${i}]: got ${got[i]}, want ${want[i]}`);
              }
            }
            assertClose(got.map((v, i) => (Number.isFinite(want[i]) ? v : 0)), want.map((v) => (Number.isFinite(v) ? v : 0)), `${what} ${which}`);
          };
          check(dwGot, dwWant, "dw");
          if (dbGot !== null && dbWant !== null) check(dbGot, dbWant, "db");
        }
      }
    }
  }
});

test("the single-channel filter gradient does not depend on the number of threads (LAMINA_NUM_THREADS=1 in a child process)", { skip: skip || SIMD_CHILD }, () => {
  const nb = native as Backend;
  const info = convGeometry(37, 17, 15, 1, 40, 3, 3, 1, 1, 1, 1, "SAME");
  const x = randomF32(37 * 17 * 15, 91), dy = randomF32(37 * 17 * 15 * 40, 92);
  const dw = new Float32Array(9 * 40);
  nb.conv2dBackpropFilter(x, dy, dw, info);
  const script = `
    const { createNativeBackend, nativeAddon } = await import(${JSON.stringify(new URL("./index.js", import.meta.url).href)});
    const { convGeometry, randomF32 } = await import(${JSON.stringify(new URL("./kernel_cases.js", import.meta.url).href)});
    const nb = createNativeBackend(nativeAddon());
    const info = convGeometry(37, 17, 15, 1, 40, 3, 3, 1, 1, 1, 1, "SAME");
    const dw = new Float32Array(9 * 40);
    nb.conv2dBackpropFilter(randomF32(37 * 17 * 15, 91), randomF32(37 * 17 * 15 * 40, 92), dw, info);
    process.stdout.write(JSON.stringify(Array.from(dw)));`;
  assertEqualArrays(Float32Array.from(childScriptOutput<number[]>(script, { LAMINA_NUM_THREADS: "1" })), dw, "dw with one thread");
});

// conv_narrow.cc's convolutions (at most 4 output channels; kernel_cases.ts lists their shapes):
// an Inf or NaN in dy turns the taps its pixel reads from padding into NaN, as im2col's zero
// columns do, an Inf in x spreads as in the GEMM, and a non-finite filter sends the forward pass
// back to im2col rows (whose zero columns it turns NaN).
test("native narrow convolutions and their gradients give the NaN and Inf outputs of im2col + GEMM", { skip }, () => {
  const nb = native as Backend;
  const nonFinite = (a: Float32Array): string[] => [...a.keys()].filter((i) => !Number.isFinite(a[i])).map((i) => `${i}:${a[i]}`);
  const cases: ConvCase[] = [
    // Fewer input channels than every GEMM tile's width (8 to 32): stride 1 takes the narrow input gradient too.
    { batch: 2, h: 6, w: 21, c: 7, o: 1, kh: 5, kw: 8, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
    { batch: 2, h: 10, w: 11, c: 30, o: 3, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
    { batch: 1, h: 9, w: 12, c: 7, o: 4, kh: 5, kw: 8, sh: 1, sw: 1, dh: 2, dw: 1, padding: [2, 2, 1, 3] },
    // 1200 taps: the forward pass's direct dot products too.
    { batch: 2, h: 7, w: 9, c: 48, o: 2, kh: 5, kw: 5, sh: 1, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  ];
  let seed = 7000;
  for (const c of cases) {
    const info = convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding);
    const xSize = c.batch * c.h * c.w * c.c, ySize = c.batch * info.outHeight * info.outWidth * c.o, wSize = c.kh * c.kw * c.c * c.o;
    const x = randomF32(xSize, seed++), f = randomF32(wSize, seed++), dy = randomF32(ySize, seed++);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const what = `${describe(c)} with ${bad}`;
      const xb = x.slice(), dyCorner = dy.slice(), dyInside = dy.slice(), fb = f.slice();
      xb[Math.floor(xSize / 2) + 1] = bad;
      dyCorner[c.o - 1] = dyCorner[ySize - 1] = bad; // pixels (0, 0) and the last: taps on padding
      dyInside[Math.floor(ySize / 2)] = bad;
      fb[Math.floor(wSize / 3)] = bad;
      for (const [xs, ds, which] of [[xb, dy, "x"], [x, dyCorner, "dy at a corner"], [x, dyInside, "dy inside"]] as const) {
        const dwWant = new Float32Array(wSize), dwGot = new Float32Array(wSize).fill(7);
        js.conv2dBackpropFilter(xs, ds, dwWant, info);
        nb.conv2dBackpropFilter(xs, ds, dwGot, info);
        assert.ok(nonFinite(dwWant).length > 0, `${what} in ${which}: the case must produce non-finite gradients`);
        assert.deepEqual(nonFinite(dwGot), nonFinite(dwWant), `${what} in ${which}: backprop filter`);
        assertClose(dwGot.map((v, i) => (Number.isFinite(dwWant[i]) ? v : 0)), dwWant.map((v) => (Number.isFinite(v) ? v : 0)), `${what} in ${which}: backprop filter`);
      }
      for (const [xs, fs, which] of [[xb, f, "x"], [x, fb, "the filter"]] as const) {
        const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize).fill(7);
        js.conv2d(xs, fs, yWant, info);
        nb.conv2d(xs, fs, yGot, info);
        assert.deepEqual(nonFinite(yGot), nonFinite(yWant), `${what} in ${which}: forward`);
        assertClose(yGot.map((v, i) => (Number.isFinite(yWant[i]) ? v : 0)), yWant.map((v) => (Number.isFinite(v) ? v : 0)), `${what} in ${which}: forward`);
      }
      for (const [ds, fs, which] of [[dyCorner, f, "dy at a corner"], [dy, fb, "the filter"]] as const) {
        const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize).fill(7);
        js.conv2dBackpropInput(ds, fs, dxWant, info);
        nb.conv2dBackpropInput(ds, fs, dxGot, info);
        assert.deepEqual(nonFinite(dxGot), nonFinite(dxWant), `${what} in ${which}: backprop input`);
        assertClose(dxGot.map((v, i) => (Number.isFinite(dxWant[i]) ? v : 0)), dxWant.map((v) => (Number.isFinite(v) ? v : 0)), `${what} in ${which}: backprop input`);
      }
    }
  }
});

// 5 images of 13 x 13 output pixels: 845 pixels in 13 fixed groups, however many threads sum them.
test("the narrow filter gradient does not depend on the number of threads (LAMINA_NUM_THREADS=1 in a child process)", { skip: skip || SIMD_CHILD }, () => {
  const nb = native as Backend;
  const info = convGeometry(5, 13, 13, 20, 3, 3, 3, 1, 1, 1, 1, "SAME");
  const dw = new Float32Array(9 * 20 * 3);
  nb.conv2dBackpropFilter(randomF32(5 * 13 * 13 * 20, 93), randomF32(5 * 13 * 13 * 3, 94), dw, info);
  const script = `
    const { createNativeBackend, nativeAddon } = await import(${JSON.stringify(new URL("./index.js", import.meta.url).href)});
    const { convGeometry, randomF32 } = await import(${JSON.stringify(new URL("./kernel_cases.js", import.meta.url).href)});
    const nb = createNativeBackend(nativeAddon());
    const info = convGeometry(5, 13, 13, 20, 3, 3, 3, 1, 1, 1, 1, "SAME");
    const dw = new Float32Array(9 * 20 * 3);
    nb.conv2dBackpropFilter(randomF32(5 * 13 * 13 * 20, 93), randomF32(5 * 13 * 13 * 3, 94), dw, info);
    process.stdout.write(JSON.stringify(Array.from(dw)));`;
  assertEqualArrays(Float32Array.from(childScriptOutput<number[]>(script, { LAMINA_NUM_THREADS: "1" })), dw, "dw with one thread");
});

test("native 3x3 stride-1 convolutions equal js with Winograd forced on and off (LAMINA_WINOGRAD, read per call)", { skip }, () => {
  const nb = native as Backend;
  // Every 3x3 stride-1 case, whatever the size heuristic would choose: one, three or five channels,
  // padding wider than the kernel's reach; forward, bias + relu (also with NaN in the bias), the input
  // gradient (itself a convolution for stride 1) and the filter gradient.
  const cases = convCases.filter((c) => c.kh === 3 && c.kw === 3 && c.sh === 1 && c.sw === 1 && c.dh === 1 && c.dw === 1);
  assert.ok(cases.length >= 8);
  const saved = process.env.LAMINA_WINOGRAD;
  try {
    for (const mode of ["1", "0"]) {
      process.env.LAMINA_WINOGRAD = mode;
      let seed = 3000;
      for (const c of cases) {
        const info = convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding);
        const what = `${describe(c)} LAMINA_WINOGRAD=${mode}`;
        const xSize = c.batch * c.h * c.w * c.c, ySize = c.batch * info.outHeight * info.outWidth * c.o;
        const x = randomF32(xSize, seed++), f = randomF32(9 * c.c * c.o, seed++), dy = randomF32(ySize, seed++);
        const bias = randomF32(c.o, seed++);
        const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize).fill(Number.NaN);
        js.conv2d(x, f, yWant, info);
        nb.conv2d(x, f, yGot, info);
        assertClose(yGot, yWant, `${what} forward`);
        js.conv2dBiasActivation(x, f, bias, "relu", yWant, info);
        nb.conv2dBiasActivation(x, f, bias, "relu", yGot.fill(Number.NaN), info);
        assertClose(yGot, yWant, `${what} bias + relu`);
        // A NaN bias (only x and the filter send a convolution off Winograd) stays NaN under relu in
        // its channel, as torch.relu(nan) = nan: channel 0 (in an 8-wide SIMD block when there are
        // 8 or more) and the last (the scalar tail).
        const nanBias = bias.slice();
        nanBias[0] = nanBias[c.o - 1] = Number.NaN;
        js.conv2dBiasActivation(x, f, nanBias, "relu", yWant, info);
        nb.conv2dBiasActivation(x, f, nanBias, "relu", yGot.fill(0), info);
        const nanChannel = (i: number): boolean => i % c.o === 0 || i % c.o === c.o - 1;
        for (let i = 0; i < ySize; i++) {
          if (nanChannel(i) && !(Number.isNaN(yGot[i]) && Number.isNaN(yWant[i]))) assert.fail(`${what} NaN bias + relu [${i}]: got ${yGot[i]}, js ${yWant[i]}, want NaN`);
        }
        assertClose(yGot.map((v, i) => (nanChannel(i) ? 0 : v)), yWant.map((v, i) => (nanChannel(i) ? 0 : v)), `${what} NaN bias + relu, other channels`);
        const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize).fill(7);
        js.conv2dBackpropInput(dy, f, dxWant, info);
        nb.conv2dBackpropInput(dy, f, dxGot, info);
        assertClose(dxGot, dxWant, `${what} backprop input`);
        const dwWant = new Float32Array(9 * c.c * c.o), dwGot = new Float32Array(9 * c.c * c.o).fill(7);
        js.conv2dBackpropFilter(x, dy, dwWant, info);
        nb.conv2dBackpropFilter(x, dy, dwGot, info);
        assertClose(dwGot, dwWant, `${what} backprop filter`);
      }
    }
  } finally {
    if (saved === undefined) delete process.env.LAMINA_WINOGRAD;
    else process.env.LAMINA_WINOGRAD = saved;
  }
});

// The other instruction sets' micro-kernels, Winograd transforms (portable C++ on non-x86 machines),
// direct single-channel convolution and max-pool argmax row kernels (AVX2 builds, or none for
// scalar) are chosen once per process: those tests again in child processes.
const PER_LEVEL_TESTS = ["Winograd forced on and off", "single-input-channel convolutions", "native conv2dBackpropFilterBiasActivation equals js",
  "narrow convolutions and their gradients", "filter tap in a corner or the centre",
  "maxPoolWithArgmax/maxPoolGradFromArgmax", "maxPoolWithArgmax \\(", "instruction set in use"];
test("the same with the lower instruction sets this CPU runs (LAMINA_SIMD=avx2, scalar), in child processes", { skip: skip || SIMD_CHILD }, () => {
  for (const level of lowerSimdLevels(addon?.info().simd ?? "")) runTestsUnderSimd(fileURLToPath(import.meta.url), level, PER_LEVEL_TESTS);
});

/** The single-channel convolutions' and max-pool argmax's outputs the two AVX builds must agree on (simd_children.ts avxBuildsBytes). */
const DIRECT_KERNEL_OUTPUTS = `
    // Filters of 1, 2, 3, 4, 8, 9, 16 and 25 taps: every tap-block size of the AVX-512 kernel (1-8) and of the AVX2 one (1-6).
    const cases = [[8, 28, 28, 32, [3, 3], 1, "SAME"], [3, 13, 11, 21, [5, 5], 2, "VALID"], [2, 9, 10, 7, [3, 3], 1, "SAME"],
      [2, 12, 9, 40, [2, 2], 1, [1, 0, 0, 1]], [2, 10, 9, 24, [1, 1], 1, "VALID"], [2, 11, 10, 16, [1, 2], 1, "SAME"],
      [3, 9, 12, 48, [1, 3], 1, "VALID"], [2, 10, 11, 33, [2, 4], 1, "SAME"], [2, 12, 12, 8, [4, 4], 1, "VALID"]];
    for (const [b, h, w, o, [kh, kw], s, pad] of cases) {
      const info = convGeometry(b, h, w, 1, o, kh, kw, s, s, 1, 1, pad);
      const x = randomF32(b * h * w, 1), f = randomF32(kh * kw * o, 2), bias = randomF32(o, 3);
      const ySize = b * info.outHeight * info.outWidth * o;
      const dy = randomF32(ySize, 4);
      x[5] = NaN; dy[7] = Infinity;
      const y = new Float32Array(ySize), dw = new Float32Array(kh * kw * o), dwRelu = new Float32Array(kh * kw * o), db = new Float32Array(o);
      nb.conv2dBiasActivation(x, f, bias, "relu", y, info);
      nb.conv2dBackpropFilter(x, dy, dw, info);
      nb.conv2dBackpropFilterBiasActivation(randomF32(b * h * w, 5), dy, y, "relu", dwRelu, db, info);
      const key = o + " " + kh + "x" + kw;
      Object.assign(out, { [key + " y"]: hex(y), [key + " dw"]: hex(dw), [key + " dw relu"]: hex(dwRelu), [key + " db"]: hex(db) });
    }
    for (const c of [32, 13]) {
      const info = { batch: 4, inHeight: 28, inWidth: 27, channels: c, outHeight: 14, outWidth: 14, poolHeight: 2, poolWidth: 2,
        strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0, padBottom: 0, padRight: 1 };
      const x = randomF32(4 * 28 * 27 * c, 6, true);
      for (let i = 0; i < x.length; i += 1 + (i % 17)) x[i] = NaN;
      const v = new Float32Array(4 * 14 * 14 * c), a = new Int32Array(v.length);
      nb.maxPoolWithArgmax(x, v, a, info);
      Object.assign(out, { [c + " pool"]: hex(v), [c + " argmax"]: hex(a) });
    }`;

// Both builds of the direct single-channel kernels sum each output's taps (each filter-gradient
// element's pixels) in the same order, from zero, with one FMA each, and the bias gradient in
// double, and the argmax kernels take the same cells: a machine without AVX-512 gets the same bits
// from these kernels. Needs a CPU with AVX-512 to compare.
test("LAMINA_SIMD=avx2 and avx512 give the same bytes for single-channel convolutions (forward + relu, filter and bias gradients) and max-pool argmax, in child processes", {
  skip: skip || SIMD_CHILD || (addon?.info().simd !== "avx512" ? "needs a CPU with AVX-512 to compare against" : false),
}, () => {
  const { narrow, wide } = avxBuildsBytes(DIRECT_KERNEL_OUTPUTS);
  for (const key of Object.keys(wide)) {
    if (key.endsWith("argmax")) {
      assert.ok(narrow[key] === wide[key], `${key}: LAMINA_SIMD=avx2 and avx512 differ`);
      continue;
    }
    // Bit for bit, except a NaN's sign and payload: where two NaNs meet (x's NaN and 0 * Inf's),
    // x86 keeps the one its instruction names first, and the two builds' FMAs name them in other orders.
    const floats = (hex: string): Float32Array => { const b = Buffer.from(hex, "hex"); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
    const bits = (hex: string): Uint32Array => { const b = Buffer.from(hex, "hex"); return new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
    const [fa, fb, ba, bb] = [floats(narrow[key]), floats(wide[key]), bits(narrow[key]), bits(wide[key])];
    assert.equal(fa.length, fb.length, key);
    for (let i = 0; i < fa.length; i++) {
      if (ba[i] !== bb[i] && !(Number.isNaN(fa[i]) && Number.isNaN(fb[i]))) {
        assert.fail(`${key}[${i}]: LAMINA_SIMD=avx2 gives ${fa[i]} (0x${ba[i].toString(16)}), avx512 ${fb[i]} (0x${bb[i].toString(16)})`);
      }
    }
  }
});

test("an arm64 CPU runs the NEON micro-kernel (8 x 12 tile) unless LAMINA_SIMD asks for another", {
  skip: skip || (process.arch !== "arm64" ? "runs on arm64 (scripts/check-arm64.sh runs it under qemu)" : false) || process.env.LAMINA_SIMD !== undefined,
}, () => {
  assert.deepEqual({ simd: addon?.info().simd, mr: addon?.info().mr, nr: addon?.info().nr }, { simd: "neon", mr: 8, nr: 12 });
});

test("the instruction set in use is the one LAMINA_SIMD asks for (in the child processes above)", { skip: skip || !SIMD_CHILD }, () => {
  assert.equal(addon?.info().simd, process.env.LAMINA_SIMD);
});

test("a NaN or Inf gives the same NaN and Inf outputs as a direct convolution, Winograd forced on", { skip }, () => {
  const nb = native as Backend;
  const info = convGeometry(2, 8, 8, 4, 5, 3, 3, 1, 1, 1, 1, "SAME");
  const xSize = 2 * 8 * 8 * 4, ySize = 2 * 8 * 8 * 5;
  const saved = process.env.LAMINA_WINOGRAD;
  process.env.LAMINA_WINOGRAD = "1";
  try {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const x = randomF32(xSize, 41), f = randomF32(9 * 4 * 5, 42), dy = randomF32(ySize, 43);
      x[(1 * 64 + 2 * 8 + 2) * 4 + 1] = bad; // image 1, pixel (2, 2), channel 1: a corner of its 4x4 tile
      dy[(0 * 64 + 5 * 8 + 6) * 5 + 3] = bad;
      // Positions and kinds: Winograd's transforms would turn an Inf into Inf - Inf = NaN.
      const nonFinite = (a: Float32Array): string[] => [...a.keys()].filter((i) => !Number.isFinite(a[i])).map((i) => `${i}:${a[i]}`);
      const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize);
      js.conv2d(x, f, yWant, info);
      nb.conv2d(x, f, yGot, info);
      // A direct 3x3 convolution: the 3x3 neighbourhood of the pixel, every output channel.
      assert.equal(nonFinite(yWant).length, 9 * 5, String(bad));
      assert.deepEqual(nonFinite(yGot), nonFinite(yWant), `forward with ${bad}`);
      assertClose(yGot.map((v, i) => (Number.isFinite(yWant[i]) ? v : 0)), yWant.map((v) => (Number.isFinite(v) ? v : 0)), `forward with ${bad}`);
      const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize);
      js.conv2dBackpropInput(dy, f, dxWant, info);
      nb.conv2dBackpropInput(dy, f, dxGot, info);
      assert.deepEqual(nonFinite(dxGot), nonFinite(dxWant), `backprop input with ${bad}`);
      const dwWant = new Float32Array(9 * 4 * 5), dwGot = new Float32Array(9 * 4 * 5);
      js.conv2dBackpropFilter(x, dy, dwWant, info);
      nb.conv2dBackpropFilter(x, dy, dwGot, info);
      assert.deepEqual(nonFinite(dwGot), nonFinite(dwWant), `backprop filter with ${bad}`);
    }
  } finally {
    if (saved === undefined) delete process.env.LAMINA_WINOGRAD;
    else process.env.LAMINA_WINOGRAD = saved;
  }
});

test("a NaN or Inf in the filter gives the same NaN and Inf outputs as a direct convolution, Winograd forced on", { skip }, () => {
  // The filter's Winograd transform reports a non-finite tap (no separate scan): the convolution
  // then runs by im2col, as an Inf tap would otherwise meet Inf - Inf = NaN in the transform.
  const nb = native as Backend;
  const saved = process.env.LAMINA_WINOGRAD;
  process.env.LAMINA_WINOGRAD = "1";
  try {
    // 40 -> 36 channels: two depth blocks' worth of rows and an edge panel for every micro-kernel width.
    for (const [c, o] of [[4, 5], [40, 36]]) {
      const info = convGeometry(2, 6, 6, c, o, 3, 3, 1, 1, 1, 1, "SAME");
      const xSize = 2 * 36 * c, ySize = 2 * 36 * o;
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const x = randomF32(xSize, 51), f = randomF32(9 * c * o, 52), dy = randomF32(ySize, 53);
        // The centre tap, last input and output channel (corner taps: the input-gradient test below).
        f[((1 * 3 + 1) * c + c - 1) * o + o - 1] = bad;
        const nonFinite = (a: Float32Array): string[] => [...a.keys()].filter((i) => !Number.isFinite(a[i])).map((i) => `${i}:${a[i]}`);
        const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize);
        js.conv2d(x, f, yWant, info);
        nb.conv2d(x, f, yGot, info);
        assert.ok(nonFinite(yWant).length > 0);
        assert.deepEqual(nonFinite(yGot), nonFinite(yWant), `forward ${c} -> ${o} with ${bad}`);
        const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize);
        js.conv2dBackpropInput(dy, f, dxWant, info);
        nb.conv2dBackpropInput(dy, f, dxGot, info);
        assert.ok(nonFinite(dxWant).length > 0);
        assert.deepEqual(nonFinite(dxGot), nonFinite(dxWant), `backprop input ${c} -> ${o} with ${bad}`);
      }
    }
  } finally {
    if (saved === undefined) delete process.env.LAMINA_WINOGRAD;
    else process.env.LAMINA_WINOGRAD = saved;
  }
});

/** "index:value" of each NaN or Inf in a, to compare where and which non-finite values two results hold. */
const nonFinite = (a: Float32Array): string[] => [...a.keys()].filter((i) => !Number.isFinite(a[i])).map((i) => `${i}:${a[i]}`);

/**
 * Runs each case with its env (LAMINA_WINOGRAD / LAMINA_TAPWISE, forcing a path) and its geometry,
 * then puts those switches back as they were.
 */
function forEachForcedCase<C extends ConvCase & { groups: number; env: Record<string, string> }>(cases: readonly C[], run: (c: C, info: Conv2DInfo) => void): void {
  const saved = { LAMINA_WINOGRAD: process.env.LAMINA_WINOGRAD, LAMINA_TAPWISE: process.env.LAMINA_TAPWISE };
  try {
    for (const c of cases) {
      Object.assign(process.env, c.env);
      run(c, { ...convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding), groups: c.groups });
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

// The stride-1 input gradient as a convolution of dy with the turned filter (conv.cc), and Winograd's
// turned variant, pad dy with zeros and multiply them by every tap, while col2im (js) adds a tap only
// where it reads a pixel: a corner tap holding NaN or Inf (0 * Inf = NaN) would make NaN of the border
// pixels that no output pixel reads through it. Such a filter must send the gradient to col2im's
// paths; a centre tap (never on padding with SAME) and non-finite dy must give js's outputs as well.
// Each case forces the path named beside it (LAMINA_WINOGRAD / LAMINA_TAPWISE, read per call); 40
// input channels per group reach every micro-kernel's width (the turned-filter path's condition).
// The col2im, narrow, tap-wise and depthwise paths never multiplied padding: guards that they stay so.
// (Narrow groups' block-diagonal filter: the next test covers a non-finite dy on each of its paths.)
test("a NaN or Inf filter tap in a corner or the centre, or in dy, gives js's input gradient on every path", { skip }, () => {
  const nb = native as Backend;
  const plain = { LAMINA_WINOGRAD: "0", LAMINA_TAPWISE: "0" };
  const cases: (ConvCase & { groups: number; env: Record<string, string>; path: string })[] = [
    { batch: 2, h: 7, w: 6, c: 40, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 1, env: plain, path: "turned filter 3x3" },
    { batch: 2, h: 8, w: 7, c: 40, o: 8, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 1, env: plain, path: "turned filter 5x5" },
    { batch: 2, h: 9, w: 8, c: 40, o: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, padding: "SAME", groups: 1, env: plain, path: "turned filter, dilation 2" },
    { batch: 2, h: 7, w: 7, c: 40, o: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [1, 1, 2, 0], groups: 1, env: plain, path: "turned filter, uneven padding" },
    { batch: 2, h: 1, w: 30, c: 40, o: 8, kh: 1, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 1, env: plain, path: "turned filter, a 1-D convolution" },
    { batch: 2, h: 7, w: 6, c: 40, o: 1, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 1, env: plain, path: "turned filter of one input channel (direct)" },
    { batch: 2, h: 6, w: 6, c: 40, o: 36, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 1, env: { LAMINA_WINOGRAD: "1", LAMINA_TAPWISE: "0" }, path: "Winograd, turned filter" },
    { batch: 2, h: 8, w: 8, c: 40, o: 16, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME", groups: 1, env: plain, path: "col2im, stride 2" },
    { batch: 2, h: 8, w: 8, c: 40, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID", groups: 1, env: plain, path: "col2im, VALID" },
    { batch: 2, h: 8, w: 9, c: 40, o: 3, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME", groups: 1, env: plain, path: "narrow" },
    { batch: 3, h: 2, w: 2, c: 40, o: 36, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 1, env: { LAMINA_WINOGRAD: "0", LAMINA_TAPWISE: "1" }, path: "tap-wise" },
    { batch: 2, h: 7, w: 6, c: 32, o: 32, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 4, env: plain, path: "grouped, block-diagonal filter" },
    { batch: 2, h: 7, w: 6, c: 80, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 2, env: plain, path: "grouped, group by group" },
    { batch: 2, h: 7, w: 6, c: 16, o: 32, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 16, env: plain, path: "depthwise" },
  ];
  let seed = 7500;
  forEachForcedCase(cases, (c, info) => {
    const Cg = c.c / c.groups, pixels = c.batch * c.h * c.w;
    const xSize = pixels * c.c, ySize = c.batch * info.outHeight * info.outWidth * c.o, wSize = c.kh * c.kw * Cg * c.o;
    const f = randomF32(wSize, seed++), dy = randomF32(ySize, seed++);
    // The last output channel's last input channel (input channel c.c - 1 in every layout here).
    const tap = (fy: number, fx: number): number => ((fy * c.kw + fx) * Cg + Cg - 1) * c.o + c.o - 1;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const operands: [string, Float32Array, Float32Array][] = [];
      for (const [where, at] of [["corner tap", tap(0, 0)], ["last corner tap", tap(c.kh - 1, c.kw - 1)], ["centre tap", tap(c.kh >> 1, c.kw >> 1)]] as const) {
        const fb = f.slice();
        fb[at] = bad;
        operands.push([`${where} of the filter`, dy, fb]);
      }
      for (const [where, at] of [["dy's first pixel", 0], ["dy inside", Math.floor(ySize / 2)]] as const) {
        const db = dy.slice();
        db[at] = bad;
        operands.push([where, db, f]);
      }
      for (const [where, ds, fs] of operands) {
        const what = `${c.path}: ${describe(c)} groups ${c.groups}, ${bad} in the ${where}`;
        const want = new Float32Array(xSize), got = new Float32Array(xSize).fill(7);
        js.conv2dBackpropInput(ds, fs, want, info);
        nb.conv2dBackpropInput(ds, fs, got, info);
        assert.ok(nonFinite(want).length > 0, `${what}: the case must give non-finite gradients`);
        if (where.includes("corner") && c.kh * c.kw > 1) {
          // The case must tell the paths apart: js leaves pixels of the tap's channel finite.
          assert.ok(nonFinite(want).length < pixels, `${what}: some pixels must stay finite`);
        }
        assert.deepEqual(nonFinite(got), nonFinite(want), `${what}: NaN and Inf positions and kinds`);
        assertClose(got.map((v, i) => (Number.isFinite(want[i]) ? v : 0)), want.map((v) => (Number.isFinite(v) ? v : 0)), what);
      }
    }
  });
});

// Narrow groups (conv_grouped.cc's denseIsFaster) run as one convolution with the block-diagonal
// filter, whose zero blocks would multiply a NaN or Inf of x (forward) or dy (input gradient) and
// make NaN of every other group's channels; js convolves group by group, so they stay finite there.
// The dense paths report such operands and the call goes group by group. One case per dense path
// (forced with LAMINA_WINOGRAD / LAMINA_TAPWISE where the rules would pick another); the filter
// gradient drops the blocks between groups, so it needs nothing (checked here too). The pointwise
// GEMM is left unwatched (every check measured slower, conv.cc's conv2dPaths): there native still
// spreads NaN into the other groups' channels, which its case records (`spreads`).
test("a NaN or Inf in one group of x or dy stays in that group's channels with narrow groups, on every dense path", { skip }, () => {
  const nb = native as Backend;
  const plain = { LAMINA_WINOGRAD: "0", LAMINA_TAPWISE: "0" };
  const cases: (ConvCase & { groups: number; env: Record<string, string>; path: string; spreads?: true })[] = [
    { batch: 2, h: 8, w: 7, c: 32, o: 32, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 4, env: { LAMINA_WINOGRAD: "1", LAMINA_TAPWISE: "0" }, path: "Winograd, Winograd's turned filter" },
    { batch: 2, h: 7, w: 6, c: 32, o: 32, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 4, env: plain, path: "per-task im2col, turned-filter convolution" },
    { batch: 2, h: 9, w: 8, c: 32, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, padding: "SAME", groups: 2, env: plain, path: "per-task im2col with dilation" },
    { batch: 2, h: 8, w: 9, c: 16, o: 32, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME", groups: 4, env: plain, path: "per-task im2col, col2im" },
    { batch: 1, h: 7, w: 7, c: 16, o: 32, kh: 5, kw: 5, sh: 2, sw: 2, dh: 1, dw: 1, padding: "VALID", groups: 2, env: plain, path: "per-task im2col, col2im in chunks (batch 1)" },
    { batch: 2, h: 5, w: 6, c: 32, o: 24, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID", groups: 4, env: plain, path: "pointwise (a known difference)", spreads: true },
    { batch: 3, h: 2, w: 2, c: 64, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 4, env: { LAMINA_WINOGRAD: "0", LAMINA_TAPWISE: "1" }, path: "tap-wise" },
    { batch: 2, h: 6, w: 6, c: 128, o: 4, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME", groups: 2, env: plain, path: "narrow output" },
    { batch: 2, h: 4, w: 3, c: 256, o: 256, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 16, env: plain, path: "im2col in chunks (a big filter on few pixels)" },
  ];
  let seed = 7700;
  forEachForcedCase(cases, (c, info) => {
    const Cg = c.c / c.groups, Og = c.o / c.groups;
    const xSize = c.batch * c.h * c.w * c.c, ySize = c.batch * info.outHeight * info.outWidth * c.o, wSize = c.kh * c.kw * Cg * c.o;
    const x = randomF32(xSize, seed++), f = randomF32(wSize, seed++), dy = randomF32(ySize, seed++), bias = randomF32(c.o, seed++);
    // Group 1's first channel: at the first pixel (on the padding's edge) and at one inside.
    const inside = (size: number, channels: number): number => Math.floor(size / channels / 2) * channels;
    const spots: [string, number, number][] = [["first pixel", Cg, Og], ["a pixel inside", inside(xSize, c.c) + Cg, inside(ySize, c.o) + Og]];
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const [where, xAt, dyAt] of spots) {
        const what = `${c.path}: ${describe(c)} groups ${c.groups}, ${bad} at group 1's ${where}`;
        const xb = x.slice(), dyb = dy.slice();
        xb[xAt] = bad;
        dyb[dyAt] = bad;
        const same = (got: Float32Array, want: Float32Array, channels: number, width: number, op: string): void => {
          // (ReLU may clip every -Inf of a pointwise product.)
          if (!op.includes("relu")) assert.ok(nonFinite(want).length > 0, `${what}, ${op}: the case must give non-finite values`);
          // (The case tells the paths apart: js keeps the other groups' channels finite.)
          assert.ok(nonFinite(want).every((e) => Math.floor((Number(e.split(":")[0]) % channels) / width) === 1), `${what}, ${op}: js stays in group 1`);
          if (c.spreads === true) {
            // Every NaN and Inf of js's and, where js has one at a pixel, NaN in the other groups' channels.
            const gotSet = new Set(nonFinite(got));
            assert.ok(nonFinite(want).every((e) => gotSet.has(e) || e.endsWith("Infinity")), `${what}, ${op}: js's NaNs`);
            assert.ok(nonFinite(got).length > nonFinite(want).length || nonFinite(want).length === 0, `${what}, ${op}: spreads (fixed? then drop \`spreads\`)`);
            return;
          }
          assert.deepEqual(nonFinite(got), nonFinite(want), `${what}, ${op}: NaN and Inf positions and kinds`);
          assertClose(got.map((v, i) => (Number.isFinite(want[i]) ? v : 0)), want.map((v) => (Number.isFinite(v) ? v : 0)), `${what}, ${op}`);
        };
        const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize).fill(7);
        js.conv2d(xb, f, yWant, info);
        nb.conv2d(xb, f, yGot, info);
        same(yGot, yWant, c.o, Og, "forward");
        js.conv2dBiasActivation(xb, f, bias, "relu", yWant, info);
        nb.conv2dBiasActivation(xb, f, bias, "relu", yGot.fill(7), info);
        same(yGot, yWant, c.o, Og, "forward + bias + relu");
        const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize).fill(7);
        js.conv2dBackpropInput(dyb, f, dxWant, info);
        nb.conv2dBackpropInput(dyb, f, dxGot, info);
        same(dxGot, dxWant, c.c, Cg, "input gradient");
        const dwWant = new Float32Array(wSize), dwGot = new Float32Array(wSize).fill(7);
        for (const [xs, dys, op] of [[xb, dy, "filter gradient, bad x"], [x, dyb, "filter gradient, bad dy"]] as const) {
          js.conv2dBackpropFilter(xs, dys, dwWant, info);
          nb.conv2dBackpropFilter(xs, dys, dwGot.fill(7), info);
          assert.deepEqual(nonFinite(dwGot), nonFinite(dwWant), `${what}, ${op}: NaN and Inf positions and kinds`);
          assertClose(dwGot.map((v, i) => (Number.isFinite(dwWant[i]) ? v : 0)), dwWant.map((v) => (Number.isFinite(v) ? v : 0)), `${what}, ${op}`);
        }
      }
    }
  });
});

test("native imageTransform and its gradient equal js bit for bit (every fill mode and interpolation, per-image and shared rows, projective terms, far and non-finite coordinates)", { skip }, () => {
  const nb = native as Backend;
  const batch = 3, H = 7, W = 9, C = 3;
  const x = randomF32(batch * H * W * C, 71);
  const rows = [
    [0.93, 0.21, 0.4, -0.17, 1.08, -0.6, 0.011, -0.02],
    [-1, 0, W - 1, 0, 1, 0, 0, 0],
    [1, 0, 2 ** 32 + 1.5, 0, 1, -3e9, 0, 0], // far outside: no 32-bit index may wrap back inside
  ];
  const shared = Float64Array.from([Math.cos(0.5), -Math.sin(0.5), 2.2, Math.sin(0.5), Math.cos(0.5), -1.7, 0, 0]);
  const nonFinite = Float64Array.from([Number.NaN, 0, 0, 0, 1, 0, 0, 0]);
  for (const fillMode of ["reflect", "wrap", "constant", "nearest"] as const) {
    for (const interpolation of ["nearest", "bilinear"] as const) {
      for (const [transforms, perImage] of [[Float64Array.from(rows.flat()), true], [shared, false], [nonFinite, false]] as const) {
        for (const [outHeight, outWidth] of [[H, W], [5, 11]]) {
          const info = { batch, inHeight: H, inWidth: W, channels: C, outHeight, outWidth, perImage, interpolation, fillMode, fillValue: 0.25 };
          const what = `${fillMode} ${interpolation} perImage=${perImage} out ${outHeight}x${outWidth}`;
          const outSize = batch * outHeight * outWidth * C;
          const want = new Float32Array(outSize), got = new Float32Array(outSize).fill(7);
          js.imageTransform(x, transforms, want, info);
          nb.imageTransform(x, transforms, got, info);
          assertEqualArrays(got, want, `${what} forward`);
          const dy = randomF32(outSize, 72);
          const dxWant = new Float32Array(x.length), dxGot = new Float32Array(x.length).fill(7);
          js.imageTransformGrad(dy, transforms, dxWant, info);
          nb.imageTransformGrad(dy, transforms, dxGot, info);
          assertEqualArrays(dxGot, dxWant, `${what} gradient`);
        }
      }
    }
  }
});

// Depthwise float32 convolutions are native (native_depthwise.test.ts); float64 ones of both kinds are not.
test("native float64 convolutions, depthwise ones included, delegate to the JS kernels", { skip }, () => {
  const nb = native as Backend;
  const depthwise = { ...convGeometry(2, 6, 5, 3, 6, 3, 3, 1, 1, 1, 1, "SAME"), depthwise: true };
  const info64 = convGeometry(1, 5, 5, 2, 3, 3, 3, 1, 1, 1, 1, "VALID");
  for (const [info, xSize, wSize, ySize] of [[info64, 50, 54, 27], [depthwise, 180, 54, 360]] as const) {
    const x64 = Float64Array.from(randomF32(xSize, 13)), f64 = Float64Array.from(randomF32(wSize, 14));
    const w64 = new Float64Array(ySize), g64 = new Float64Array(ySize);
    js.conv2d(x64, f64, w64, info);
    nb.conv2d(x64, f64, g64, info);
    assertEqualArrays(g64, w64, `float64 conv2d${info.depthwise ? " (depthwise)" : ""}`);
  }
});

// ---------------------------------------------------------------- pooling

function poolGeometry(batch: number, h: number, w: number, c: number, ph: number, pw: number, sh: number, sw: number,
  padding: "SAME" | "VALID"): Pool2DInfo {
  let outHeight: number, outWidth: number, padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  if (padding === "VALID") {
    outHeight = Math.floor((h - ph) / sh) + 1;
    outWidth = Math.floor((w - pw) / sw) + 1;
  } else {
    outHeight = Math.ceil(h / sh);
    outWidth = Math.ceil(w / sw);
    const th = Math.max(0, (outHeight - 1) * sh + ph - h), tw = Math.max(0, (outWidth - 1) * sw + pw - w);
    padTop = Math.floor(th / 2); padBottom = th - padTop;
    padLeft = Math.floor(tw / 2); padRight = tw - padLeft;
  }
  return { batch, inHeight: h, inWidth: w, channels: c, outHeight, outWidth, poolHeight: ph, poolWidth: pw,
    strideHeight: sh, strideWidth: sw, padTop, padLeft, padBottom, padRight };
}

const poolCases: Parameters<typeof poolGeometry>[] = [
  [1, 4, 4, 1, 2, 2, 2, 2, "VALID"],
  [3, 7, 9, 5, 2, 2, 2, 2, "VALID"],
  [3, 7, 9, 5, 2, 2, 2, 2, "SAME"],
  [5, 10, 10, 17, 3, 3, 2, 2, "SAME"],
  [2, 11, 8, 3, 3, 2, 1, 2, "VALID"],
  [4, 6, 6, 33, 3, 3, 1, 1, "SAME"],
  [2, 5, 5, 4, 5, 5, 1, 1, "SAME"],
  [1, 9, 9, 2, 4, 4, 3, 3, "SAME"],
  [7, 28, 28, 32, 2, 2, 2, 2, "VALID"],
];

test("native maxPool/maxPoolGrad/avgPool/avgPoolGrad equal js (ties and NaN included)", { skip }, () => {
  const nb = native as Backend;
  let seed = 5000;
  for (const p of poolCases) {
    const info = poolGeometry(...p);
    const what = `pool ${JSON.stringify(p)}`;
    const xSize = info.batch * info.inHeight * info.inWidth * info.channels;
    const ySize = info.batch * info.outHeight * info.outWidth * info.channels;
    for (const kind of ["random", "integers", "nan"]) {
      const x = randomF32(xSize, seed++, kind === "integers"), dy = randomF32(ySize, seed++);
      // Some windows with one NaN, some with several, in every place of the window and every lane.
      if (kind === "nan") for (let i = 0; i < xSize; i += 1 + (i % 13)) x[i] = Number.NaN;
      const a = new Float32Array(ySize), b = new Float32Array(ySize).fill(Number.NaN);
      js.maxPool(x, a, info);
      nb.maxPool(x, b, info);
      assertEqualArrays(b, a, `${what} maxPool`);
      const da = new Float32Array(xSize), db = new Float32Array(xSize).fill(3);
      js.maxPoolGrad(x, dy, da, info);
      nb.maxPoolGrad(x, dy, db, info);
      assertClose(db, da, `${what} maxPoolGrad`, 1e-6);
      if (kind === "nan") continue;
      js.avgPool(x, a, info);
      nb.avgPool(x, b, info);
      assertClose(b, a, `${what} avgPool`, 1e-6);
      js.avgPoolGrad(dy, da, info);
      nb.avgPoolGrad(dy, db.fill(3), info);
      assertClose(db, da, `${what} avgPoolGrad`, 1e-6);
    }
  }
});

test("maxPoolWithArgmax/maxPoolGradFromArgmax give maxPool/maxPoolGrad's values on both backends (ties, NaN, SAME, odd sizes)", { skip }, () => {
  const nb = native as Backend;
  let seed = 7000;
  // The pool's cases, plus odd batches and channel counts that split unevenly across the threads.
  const cases: Parameters<typeof poolGeometry>[] = [...poolCases, [3, 13, 13, 7, 2, 2, 2, 2, "SAME"], [5, 11, 11, 64, 2, 2, 2, 2, "VALID"],
    [1, 1, 1, 3, 2, 2, 2, 2, "SAME"], [2, 9, 7, 6, 3, 3, 3, 2, "VALID"]];
  for (const p of cases) {
    const info = poolGeometry(...p);
    const what = `pool ${JSON.stringify(p)}`;
    const xSize = info.batch * info.inHeight * info.inWidth * info.channels;
    const ySize = info.batch * info.outHeight * info.outWidth * info.channels;
    for (const kind of ["random", "integers", "nan"]) {
      const x = randomF32(xSize, seed++, kind === "integers"), dy = randomF32(ySize, seed++);
      if (kind === "nan") for (let i = 0; i < xSize; i += 1 + (i % 13)) x[i] = Number.NaN;
      const ref = new Float32Array(ySize), refDx = new Float32Array(xSize), nativeDx = new Float32Array(xSize);
      js.maxPool(x, ref, info);
      js.maxPoolGrad(x, dy, refDx, info);
      nb.maxPoolGrad(x, dy, nativeDx, info);
      const argJs = new Int32Array(ySize), argNative = new Int32Array(ySize).fill(-7);
      const outJs = new Float32Array(ySize), outNative = new Float32Array(ySize).fill(3);
      js.maxPoolWithArgmax(x, outJs, argJs, info);
      nb.maxPoolWithArgmax(x, outNative, argNative, info);
      assertEqualArrays(outJs, ref, `${what} ${kind} js maxPoolWithArgmax values`);
      assertEqualArrays(outNative, ref, `${what} ${kind} native maxPoolWithArgmax values`);
      assertEqualArrays(argNative, argJs, `${what} ${kind} argmax`);
      const dxJs = new Float32Array(xSize).fill(5), dxNative = new Float32Array(xSize).fill(5);
      js.maxPoolGradFromArgmax(argJs, dy, dxJs, info);
      nb.maxPoolGradFromArgmax(argNative, dy, dxNative, info);
      assertEqualArrays(dxJs, refDx, `${what} ${kind} js maxPoolGradFromArgmax`);
      assertEqualArrays(dxNative, nativeDx, `${what} ${kind} native maxPoolGradFromArgmax`);
    }
  }
});

test("maxPoolWithArgmax (AVX-512 blocks of 16 channels, AVX2 of 8, masked tails) equals js bit for bit: windows of padding only, signed zeros, infinities, NaN in every lane", { skip }, () => {
  const nb = native as Backend;
  // Padding of four rows on top and three columns on the left: the first output row's and column's
  // windows hold padding only (-inf, position -1); 40 and 16 channels (two full blocks and a tail of 8, one block),
  // 8, 9 and 15 (AVX2: one block, one and a tail of 1, a tail of 7), and 1.
  for (const channels of [40, 16, 15, 9, 8, 1]) {
    const info: Pool2DInfo = { batch: 3, inHeight: 7, inWidth: 8, channels, outHeight: 4, outWidth: 4, poolHeight: 2, poolWidth: 3,
      strideHeight: 3, strideWidth: 3, padTop: 4, padLeft: 3, padBottom: 2, padRight: 1 };
    const xSize = 3 * 7 * 8 * channels, ySize = 3 * 4 * 4 * channels;
    const values = [0, -0, 1, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 2.5];
    const r = rng(8100 + channels);
    const x = new Float32Array(xSize).map(() => values[Math.floor(r() * values.length)]);
    const outJs = new Float32Array(ySize), outNative = new Float32Array(ySize).fill(3);
    const argJs = new Int32Array(ySize), argNative = new Int32Array(ySize).fill(-7);
    js.maxPoolWithArgmax(x, outJs, argJs, info);
    nb.maxPoolWithArgmax(x, outNative, argNative, info);
    assert.ok(argJs.includes(-1) && outJs.includes(Number.NEGATIVE_INFINITY), "some windows are padding only");
    assertEqualArrays(outNative, outJs, `${channels} channels values`);
    assertEqualArrays(argNative, argJs, `${channels} channels argmax`);
  }
});

// ---------------------------------------------------------------- elementwise

const UNARY_OPS = ["relu", "neg", "abs", "square", "sqrt", "rsqrt", "exp", "log", "reciprocal", "sigmoid", "tanh",
  "softplus", "gelu"] as const;
/** Ops whose result is one correctly rounded operation: native and js agree bit for bit. */
const EXACT_UNARY = new Set<string>(["relu", "neg", "abs", "square", "sqrt", "reciprocal"]);

/** Elementwise comparison: equal NaNs, else within rtol relative (or exact). */
function assertElementwise(got: NumericArray, want: NumericArray, what: string, rtol: number): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Object.is(g, w)) continue;
    if (rtol > 0 && Number.isFinite(w) && Math.abs(g - w) <= rtol * Math.abs(w)) continue;
    assert.fail(`${what}: index ${i}: got ${g}, want ${w}`);
  }
}

test("native unary and unaryGrad equal js (large arrays, specials included)", { skip }, () => {
  const nb = native as Backend;
  const n = 70001;
  const x = randomF32(n, 77);
  for (let i = 0; i < n; i++) x[i] *= 12;
  x.set([0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -3.4e38, 88.8, -104], 0);
  const dy = randomF32(n, 78);
  for (const op of UNARY_OPS) {
    const want = new Float32Array(n), got = new Float32Array(n).fill(5);
    js.unary(op, x, want, 0.2);
    nb.unary(op, x, got, 0.2);
    assertElementwise(got, want, `unary ${op}`, EXACT_UNARY.has(op) ? 0 : 1e-6);
    const dWant = new Float32Array(n), dGot = new Float32Array(n).fill(5);
    js.unaryGrad(op, x, want, dy, dWant, 0.2);
    nb.unaryGrad(op, x, want, dy, dGot, 0.2);
    assertElementwise(dGot, dWant, `unaryGrad ${op}`, 1e-6);
  }
});

test("the addon itself runs every native unary gradient (no silent fallback to js), bit for bit", { skip }, () => {
  // Indices in native/common.h's UnaryKind order; each of these has a native gradient.
  const kinds = ["relu", "neg", "abs", "square", "sqrt", "rsqrt", "exp", "log", "reciprocal", "sigmoid", "tanh"] as const;
  const n = 20000;
  const x = randomF32(n, 91), dy = randomF32(n, 92);
  x.set([0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -3e38], 0);
  kinds.forEach((op, i) => {
    const y = new Float32Array(n), want = new Float32Array(n), got = new Float32Array(n).fill(5);
    js.unary(op, x, y, 0);
    js.unaryGrad(op, x, y, dy, want, 0);
    assert.equal(addon!.unaryGrad(i, x, y, dy, got), true, `unaryGrad ${op} has a native kernel`);
    // One double-precision expression rounded once, as in js: the same bits.
    assertElementwise(got, want, `addon unaryGrad ${op}`, 0);
  });
});

test("native comparisons and select equal js bit for bit (NaN, broadcasting, scalar operands)", { skip }, () => {
  const nb = native as Backend;
  const shapes: [number[], number[], number[]][] = [
    [[64, 14, 14, 32], [64, 14, 14, 32], [64, 14, 14, 32]],
    [[64, 28, 28, 32], [], [64, 28, 28, 32]],
    [[300, 1], [1, 77], [300, 77]],
    [[9000, 3], [9000, 1], [9000, 3]],
  ];
  const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
  let seed = 950;
  for (const [as, bs, os] of shapes) {
    // Integers make ties (equal, lessEqual, greaterEqual) common; NaN and -0 on both sides.
    const a = randomF32(size(as), seed++, true), b = randomF32(size(bs), seed++, true);
    a[5] = Number.NaN; a[6] = -0; a[7] = 0;
    if (b.length > 3) { b[3] = Number.NaN; b[6] = 0; b[7] = -0; }
    for (const op of ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"] as const) {
      const want = new Uint8Array(size(os)), got = new Uint8Array(size(os)).fill(7);
      js.binary(op, a, as, b, bs, want, os);
      nb.binary(op, a, as, b, bs, got, os);
      assertEqualArrays(got, want, `${op} ${JSON.stringify([as, bs, os])}`);
    }
  }
  const n = 64 * 14 * 14 * 32;
  const cond = new Uint8Array(n).map((_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
  const a = randomF32(n, 960), b = randomF32(n, 961), scalar = Float32Array.of(-2.5);
  for (const [x, y] of [[a, b], [a, scalar], [scalar, b]] as const) {
    const want = new Float32Array(n), got = new Float32Array(n).fill(5);
    js.select(cond, [n], x, [x.length], y, [y.length], want, [n]);
    nb.select(cond, [n], x, [x.length], y, [y.length], got, [n]);
    assertEqualArrays(got, want, `select with a ${x.length} and b ${y.length} elements`);
  }
  const got = new Float32Array(n).fill(5);
  addon!.select(cond, a, scalar, got);
  assert.equal(got[0], a[0]);
  assert.equal(got[1], -2.5);
  assert.throws(() => addon!.select(cond, a.subarray(1), b, got), /select: a and b must hold/);
});

test("native binary ops equal js bit for bit, with every broadcasting pattern", { skip }, () => {
  const nb = native as Backend;
  const shapes: [number[], number[], number[]][] = [
    [[301, 50], [301, 50], [301, 50]],
    [[64, 28, 28, 32], [32], [64, 28, 28, 32]],
    [[70000], [1], [70000]],
    [[], [90, 100], [90, 100]],
    [[300, 1], [1, 77], [300, 77]],
    [[2, 1, 3000], [4, 1], [2, 4, 3000]],
    [[5, 7, 1, 400], [7, 9, 1], [5, 7, 9, 400]],
    [[9000, 3], [9000, 1], [9000, 3]],
  ];
  const ops = ["add", "sub", "mul", "div", "maximum", "minimum", "squaredDifference", "pow"] as const;
  let seed = 900;
  for (const [as, bs, os] of shapes) {
    const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
    const a = randomF32(size(as), seed++), b = randomF32(size(bs), seed++);
    if (b.length > 3) b[3] = Number.NaN;
    if (a.length > 5) a[5] = Number.NaN;
    for (const op of ops) {
      const want = new Float32Array(size(os)), got = new Float32Array(size(os)).fill(5);
      js.binary(op, a, as, b, bs, want, os);
      nb.binary(op, a, as, b, bs, got, os);
      assertElementwise(got, want, `binary ${op} ${JSON.stringify([as, bs, os])}`, 0);
    }
  }
});

test("native sum/mean reductions equal js bit for bit (trailing, leading, middle and split axes)", { skip }, () => {
  const nb = native as Backend;
  const cases: [number[], number[]][] = [
    [[64, 28, 28, 32], [0, 1, 2]], [[300, 257], [1]], [[300, 257], [0]], [[7, 1, 900, 5], [2]],
    [[7, 900, 1, 5], [1, 2]], [[5000, 3], [0, 1]], [[20, 30, 40], [0, 2]], [[6000, 1], [1]], [[1, 9000], [0, 1]],
    [[3, 2000, 7], [1]],
  ];
  let seed = 3000;
  for (const [shape, axes] of cases) {
    const size = shape.reduce((p, q) => p * q, 1);
    const x = randomF32(size, seed++);
    const outSize = shape.reduce((p, q, i) => (axes.includes(i) ? p : p * q), 1);
    for (const op of ["sum", "mean"] as const) {
      const want = new Float32Array(outSize), got = new Float32Array(outSize).fill(5);
      js.reduce(op, x, shape, axes, want);
      nb.reduce(op, x, shape, axes, got);
      assertElementwise(got, want, `reduce ${op} ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`, 0);
    }
  }
});

test("native softmax and logSoftmax equal js elementwise (NaN, +-Inf and huge logits included, rows split across threads)", { skip }, () => {
  const nb = native as Backend;
  const shapes: [number, number][] = [[1, 1], [3, 1], [256, 10], [7, 33], [5000, 10], [40, 1000], [1, 70000], [0, 5]];
  let seed = 4000;
  for (const [rows, cols] of shapes) {
    const x = randomF32(rows * cols, seed++);
    for (let i = 0; i < x.length; i++) x[i] *= 30;
    if (rows >= 7 && cols >= 10) {
      x[0] = Number.NaN; // row 0: one NaN
      x.fill(Number.NEGATIVE_INFINITY, cols, 2 * cols); // row 1: all -Inf
      x[2 * cols] = Number.POSITIVE_INFINITY; // row 2: one +Inf
      x[3 * cols] = Number.NEGATIVE_INFINITY; // row 3: one -Inf (gives exactly 0)
      x[4 * cols] = 3e38; x[4 * cols + 1] = -3e38; // row 4: extremes
    }
    for (const kind of ["softmax", "logSoftmax"] as const) {
      const want = new Float32Array(rows * cols), got = new Float32Array(rows * cols).fill(5);
      js[kind](x, rows, cols, want);
      nb[kind](x, rows, cols, got);
      assertElementwise(got, want, `${kind} [${rows}, ${cols}]`, 1e-6);
    }
  }
});

// ---------------------------------------------------------------- selection

test("native is the default backend when the addon is built, and setBackend switches both ways", { skip }, () => {
  if (process.env.LAMINA_BACKEND !== "js") assert.equal(tf.getBackend(), "native");
  assert.ok(tf.listBackends().includes("native"));
  const a = tf.constant([[1, 2], [3, 4]], "float32");
  try {
    tf.setBackend("js");
    assert.equal(tf.getBackend(), "js");
    const j = [...tf.matmul(a, a).dataSync()];
    tf.setBackend("native");
    assert.equal(tf.getBackend(), "native");
    assert.deepEqual([...tf.matmul(a, a).dataSync()], j);
  } finally {
    tf.setBackend(process.env.LAMINA_BACKEND === "js" ? "js" : "native");
  }
});
