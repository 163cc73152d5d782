import { test } from "node:test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import type { Backend, Conv2DInfo } from "../backend.js";
import { createJsBackend } from "../js/index.js";
import { createNativeBackend, nativeAddon, nativeLoadError } from "./index.js";
import { assertClose, assertEqualArrays, convGeometry, randomF32, type Padding } from "./kernel_cases.js";
import { avxBuildsBytes, childScriptOutput, lowerSimdLevels, runTestsUnderSimd, SIMD_CHILD } from "./simd_children.js";

/*
 * Depthwise convolutions of the native backend (native/depthwise.cc: Conv2DInfo.depthwise, and
 * grouped ones with groups === inChannels, which share the filter layout) against the JS backend's
 * loops on random inputs of many shapes, and both backends against PyTorch's F.conv2d(groups =
 * channels) (test/fixtures/depthwise.json, by make_depthwise.py); then again under the lower
 * instruction sets (LAMINA_SIMD) in child processes, and the AVX2 and AVX-512 builds bit for bit.
 */

const addon = nativeAddon();
const skip = addon === null ? `native addon not built (${nativeLoadError() ?? "unknown"}); run npm run build:native` : false;
const js = createJsBackend();

interface DwCase {
  batch: number; h: number; w: number; c: number; m: number; kh: number; kw: number;
  sh: number; sw: number; dh: number; dw: number; padding: Padding;
}

function depthwiseInfo(c: DwCase): Conv2DInfo {
  return { ...convGeometry(c.batch, c.h, c.w, c.c, c.c * c.m, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding), depthwise: true };
}

const describe = (c: DwCase): string =>
  `depthwise N${c.batch} ${c.h}x${c.w}x${c.c} x${c.m}, k${c.kh}x${c.kw} s${c.sh}x${c.sw} d${c.dh}x${c.dw} ${JSON.stringify(c.padding)}`;

// Channel counts around the vector widths (8, 16) and the 4-vector blocks (32, 64 channels), with
// tails; multipliers 1-3; strides, dilations, SAME / VALID / explicit padding (wider than the
// filter's reach on one side); 1x1 and 5x5 filters; one input channel (an ordinary convolution).
const cases: DwCase[] = [
  { batch: 1, h: 7, w: 6, c: 3, m: 1, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 5, h: 9, w: 8, c: 17, m: 1, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 10, w: 9, c: 35, m: 1, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, padding: "VALID" },
  { batch: 2, h: 6, w: 7, c: 144, m: 1, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 8, w: 8, c: 96, m: 1, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "VALID" },
  { batch: 2, h: 5, w: 6, c: 16, m: 1, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 2, h: 7, w: 7, c: 9, m: 1, kh: 1, kw: 1, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 1, h: 11, w: 10, c: 35, m: 1, kh: 5, kw: 5, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 5, h: 7, w: 6, c: 17, m: 2, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 6, w: 7, c: 3, m: 3, kh: 5, kw: 3, sh: 2, sw: 1, dh: 1, dw: 2, padding: [2, 1, 0, 3] },
  { batch: 2, h: 6, w: 5, c: 40, m: 2, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [3, 1, 0, 4] },
  { batch: 2, h: 9, w: 7, c: 1, m: 4, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 1, h: 3, w: 3, c: 70, m: 1, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 12, w: 3, c: 24, m: 1, kh: 3, kw: 2, sh: 3, sw: 1, dh: 2, dw: 1, padding: "VALID" },
];

test("native depthwise conv2d (bias + relu), conv2dBackpropInput, conv2dBackpropFilter(BiasActivation) equal js, depthwise and groups === inChannels", { skip }, () => {
  const nb = createNativeBackend(addon!);
  let seed = 7300;
  for (const c of cases) {
    const depthwise = depthwiseInfo(c);
    for (const info of [depthwise, { ...depthwise, depthwise: false, groups: c.c }]) {
      const what = `${describe(c)}${info.depthwise ? "" : ` as groups ${c.c}`}`;
      const o = c.c * c.m;
      const xSize = c.batch * c.h * c.w * c.c, ySize = c.batch * info.outHeight * info.outWidth * o, wSize = c.kh * c.kw * o;
      const x = randomF32(xSize, seed++), f = randomF32(wSize, seed++), dy = randomF32(ySize, seed++), bias = randomF32(o, seed++);

      const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize).fill(Number.NaN);
      js.conv2d(x, f, yWant, info);
      nb.conv2d(x, f, yGot, info);
      assertClose(yGot, yWant, `${what} forward`, 1e-5);
      js.conv2dBiasActivation(x, f, bias, "relu", yWant, info);
      nb.conv2dBiasActivation(x, f, bias, "relu", yGot.fill(Number.NaN), info);
      assertClose(yGot, yWant, `${what} forward + bias + relu`, 1e-5);

      const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize).fill(7);
      js.conv2dBackpropInput(dy, f, dxWant, info);
      nb.conv2dBackpropInput(dy, f, dxGot, info);
      assertClose(dxGot, dxWant, `${what} backprop input`, 1e-5);

      const dwWant = new Float32Array(wSize), dwGot = new Float32Array(wSize).fill(7);
      js.conv2dBackpropFilter(x, dy, dwWant, info);
      nb.conv2dBackpropFilter(x, dy, dwGot, info);
      assertClose(dwGot, dwWant, `${what} backprop filter`, 1e-5);

      const dbWant = new Float32Array(o), dbGot = new Float32Array(o).fill(7);
      js.conv2dBackpropFilterBiasActivation(x, dy, yWant, "relu", dwWant, dbWant, info);
      nb.conv2dBackpropFilterBiasActivation(x, dy, yWant, "relu", dwGot.fill(7), dbGot, info);
      assertClose(dwGot, dwWant, `${what} backprop filter through relu`, 1e-5);
      assertClose(dbGot, dbWant, `${what} bias gradient through relu`, 1e-5);
    }
  }
});

interface Flat { shape: number[]; data: number[] }
interface TorchCase {
  name: string; kernel: [number, number]; multiplier: number; strides: [number, number]; dilations: [number, number];
  padding: Padding; x: Flat; w: Flat; dy: Flat; y: Flat; dx: Flat; dw: Flat;
}
const fixture = JSON.parse(readFileSync(new URL("../../../test/fixtures/depthwise.json", import.meta.url), "utf8")) as { cases: TorchCase[] };

test("native and js depthwise kernels match torch F.conv2d(groups = channels) and its gradients (depthwise.json)", { skip }, () => {
  const nb = createNativeBackend(addon!);
  for (const t of fixture.cases) {
    const [batch, h, w, c] = t.x.shape;
    const info = depthwiseInfo({
      batch, h, w, c, m: t.multiplier, kh: t.kernel[0], kw: t.kernel[1], sh: t.strides[0], sw: t.strides[1],
      dh: t.dilations[0], dw: t.dilations[1], padding: t.padding,
    });
    assert.deepEqual([info.batch, info.outHeight, info.outWidth, info.outChannels], t.y.shape, `${t.name}: output shape`);
    const x = Float32Array.from(t.x.data), f = Float32Array.from(t.w.data), dy = Float32Array.from(t.dy.data);
    for (const [name, b] of [["native", nb], ["js", js]] as [string, Backend][]) {
      const y = new Float32Array(t.y.data.length).fill(Number.NaN);
      const dx = new Float32Array(t.dx.data.length).fill(7), dw = new Float32Array(t.dw.data.length).fill(7);
      b.conv2d(x, f, y, info);
      b.conv2dBackpropInput(dy, f, dx, info);
      b.conv2dBackpropFilter(x, dy, dw, info);
      assertClose(y, Float64Array.from(t.y.data), `${name} ${t.name} y`, 1e-5);
      assertClose(dx, Float64Array.from(t.dx.data), `${name} ${t.name} dx`, 1e-5);
      assertClose(dw, Float64Array.from(t.dw.data), `${name} ${t.name} dw`, 1e-5);
    }
  }
});

test("native depthwise kernels give js's NaN and Inf outputs: padding taps are skipped, not multiplied by zero", { skip }, () => {
  const nb = createNativeBackend(addon!);
  const c: DwCase = { batch: 2, h: 6, w: 7, c: 19, m: 2, kh: 3, kw: 3, sh: 1, sw: 2, dh: 1, dw: 1, padding: "SAME" };
  const info = depthwiseInfo(c);
  const o = c.c * c.m, xSize = c.batch * c.h * c.w * c.c, ySize = c.batch * info.outHeight * info.outWidth * o;
  const x = randomF32(xSize, 81), f = randomF32(c.kh * c.kw * o, 82), dy = randomF32(ySize, 83);
  x[0] = Number.POSITIVE_INFINITY; // a corner pixel: the padding taps beside it must not turn it into NaN
  x[5 * c.c + 4] = Number.NaN;
  dy[3] = Number.NEGATIVE_INFINITY;
  const same = (got: Float32Array, want: Float32Array, what: string): void => {
    for (let i = 0; i < want.length; i++) {
      if (Number.isFinite(want[i]) !== Number.isFinite(got[i]) || (!Number.isFinite(want[i]) && !Object.is(got[i], want[i]) &&
        !(Number.isNaN(got[i]) && Number.isNaN(want[i])))) {
        assert.fail(`${what}[${i}]: got ${got[i]}, js ${want[i]}`);
      }
    }
    const finite = (a: Float32Array): Float32Array => a.map((v, i) => (Number.isFinite(want[i]) ? v : 0));
    assertClose(finite(got), finite(want), `${what}, finite outputs`, 1e-5);
  };
  const run = (b: Backend) => {
    const y = new Float32Array(ySize), dx = new Float32Array(xSize), dw = new Float32Array(c.kh * c.kw * o);
    b.conv2d(x, f, y, info);
    b.conv2dBackpropInput(dy, f, dx, info);
    b.conv2dBackpropFilter(x, dy, dw, info);
    return { y, dx, dw };
  };
  const got = run(nb), want = run(js);
  assert.ok(want.y.some((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) && want.y.some(Number.isNaN), "the case has both");
  same(got.y, want.y, "forward");
  same(got.dx, want.dx, "backprop input");
  same(got.dw, want.dw, "backprop filter");
});

// The row kernels follow the GEMM micro-kernel's instruction set, chosen once per process: the
// tests above again in child processes under the lower ones this CPU runs.
const PER_LEVEL = ["equal js, depthwise and groups", "match torch", "NaN and Inf outputs", "the instruction set LAMINA_SIMD asks for"];
test("the same under the lower instruction sets this CPU runs (LAMINA_SIMD=scalar, avx2), in child processes", { skip: skip || SIMD_CHILD }, () => {
  for (const level of lowerSimdLevels(addon?.info().simd ?? "")) runTestsUnderSimd(fileURLToPath(import.meta.url), level, PER_LEVEL);
});

test("the instruction set LAMINA_SIMD asks for is the one in use (in the child processes above)", { skip: skip || !SIMD_CHILD }, () => {
  assert.equal(addon?.info().simd, process.env.LAMINA_SIMD);
});

/** The depthwise outputs (forward, both gradients) the two AVX builds must agree on (simd_children.ts avxBuildsBytes). */
const DEPTHWISE_OUTPUTS = `
    // Channels: 3 (tail only), 17 and 35 (full vectors and a tail), 72 (4-vector blocks and more), with multipliers 1 and 2.
    for (const [b, h, w, c, m, k, s, pad] of [[2, 9, 8, 3, 1, 3, 1, "SAME"], [3, 8, 9, 17, 2, 3, 2, "SAME"], [2, 10, 7, 35, 1, 5, 1, "VALID"],
      [2, 7, 7, 72, 1, 3, 1, "SAME"]]) {
      const info = { ...convGeometry(b, h, w, c, c * m, k, k, s, s, 1, 1, pad), depthwise: true };
      const x = randomF32(b * h * w * c, 1), f = randomF32(k * k * c * m, 2);
      const y = new Float32Array(b * info.outHeight * info.outWidth * c * m), dx = new Float32Array(x.length), dw = new Float32Array(f.length);
      const dy = randomF32(y.length, 3);
      nb.conv2d(x, f, y, info);
      nb.conv2dBackpropInput(dy, f, dx, info);
      nb.conv2dBackpropFilter(x, dy, dw, info);
      Object.assign(out, { [c + "x" + m + " y"]: hex(y), [c + "x" + m + " dx"]: hex(dx), [c + "x" + m + " dw"]: hex(dw) });
    }`;

// Both builds add each output's terms in the same order, from zero, one FMA each: a machine without
// AVX-512 gets the same bits. Needs a CPU with AVX-512 to compare.
test("LAMINA_SIMD=avx2 and avx512 give the same bytes for depthwise convolutions and both gradients, in child processes", {
  skip: skip || SIMD_CHILD || (addon?.info().simd !== "avx512" ? "needs a CPU with AVX-512 to compare against" : false),
}, () => {
  const { narrow, wide } = avxBuildsBytes(DEPTHWISE_OUTPUTS);
  for (const key of Object.keys(wide)) assert.ok(narrow[key] === wide[key], `${key}: LAMINA_SIMD=avx2 and avx512 differ`);
});

// 37 images of 5 output rows: 185 rows in 16 groups, however many threads sum them.
test("the depthwise filter gradient does not depend on the number of threads (LAMINA_NUM_THREADS=1 in a child process)", { skip: skip || SIMD_CHILD }, () => {
  const info = { ...convGeometry(37, 9, 8, 21, 42, 3, 3, 2, 1, 1, 1, "SAME"), depthwise: true };
  const sizes = [37 * 9 * 8 * 21, 37 * info.outHeight * info.outWidth * 42, 9 * 42];
  const script = `
    const { createNativeBackend, nativeAddon } = await import(${JSON.stringify(new URL("./index.js", import.meta.url).href)});
    const { randomF32 } = await import(${JSON.stringify(new URL("./kernel_cases.js", import.meta.url).href)});
    const [xSize, ySize, wSize] = ${JSON.stringify(sizes)};
    const dw = new Float32Array(wSize);
    createNativeBackend(nativeAddon()).conv2dBackpropFilter(randomF32(xSize, 91), randomF32(ySize, 92), dw, ${JSON.stringify(info)});
    process.stdout.write(JSON.stringify(Array.from(dw)));`;
  const dw = new Float32Array(sizes[2]);
  createNativeBackend(addon!).conv2dBackpropFilter(randomF32(sizes[0], 91), randomF32(sizes[1], 92), dw, info);
  assertEqualArrays(Float32Array.from(childScriptOutput<number[]>(script, { LAMINA_NUM_THREADS: "1" })), dw, "dw with one thread");
});
