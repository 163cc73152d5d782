// Inputs and comparisons shared by the native-versus-JS kernel tests (native.test.ts,
// fused.test.ts): a seedable generator, random arrays, convolution geometries that cover odd
// sizes, batch 1, strides 2, dilations, SAME/VALID/explicit padding and both native code paths.
import assert from "node:assert/strict";
import type { Conv2DInfo } from "../backend.js";
import type { NumericArray } from "../../tensor/dtype.js";

/** A small seedable generator (mulberry32) so every failure is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomF32(n: number, seed: number, integers = false): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = integers ? Math.floor(r() * 5) - 2 : r() * 2 - 1;
  return a;
}

/** max |got - want| must be within rtol of max |want| (norm-wise relative error). */
export function assertClose(got: NumericArray, want: NumericArray, what: string, rtol = 1e-4): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let maxErr = 0, maxRef = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= maxErr)) {
      maxErr = e;
      at = i;
    }
    maxRef = Math.max(maxRef, Math.abs(want[i]));
  }
  assert.ok(maxErr <= rtol * Math.max(maxRef, 1e-30),
    `${what}: max error ${maxErr} at ${at} (got ${got[at]}, want ${want[at]}), reference scale ${maxRef}`);
}

export function assertEqualArrays(got: NumericArray, want: NumericArray, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: index ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

export type Padding = "SAME" | "VALID" | [number, number, number, number];

export function convGeometry(batch: number, h: number, w: number, c: number, o: number, kh: number, kw: number,
  sh: number, sw: number, dh: number, dw: number, padding: Padding): Conv2DInfo {
  const ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;
  let outHeight: number, outWidth: number, padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  if (padding === "VALID") {
    outHeight = Math.floor((h - ekh) / sh) + 1;
    outWidth = Math.floor((w - ekw) / sw) + 1;
  } else if (padding === "SAME") {
    outHeight = Math.ceil(h / sh);
    outWidth = Math.ceil(w / sw);
    const ph = Math.max(0, (outHeight - 1) * sh + ekh - h), pw = Math.max(0, (outWidth - 1) * sw + ekw - w);
    padTop = Math.floor(ph / 2); padBottom = ph - padTop;
    padLeft = Math.floor(pw / 2); padRight = pw - padLeft;
  } else {
    [padTop, padBottom, padLeft, padRight] = padding;
    outHeight = Math.floor((h + padTop + padBottom - ekh) / sh) + 1;
    outWidth = Math.floor((w + padLeft + padRight - ekw) / sw) + 1;
  }
  return {
    batch, inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth, outChannels: o,
    filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
    padTop, padLeft, padBottom, padRight, depthwise: false, groups: 1,
  };
}

export interface ConvCase {
  batch: number; h: number; w: number; c: number; o: number; kh: number; kw: number;
  sh: number; sw: number; dh: number; dw: number; padding: Padding;
}

export const convCases: ConvCase[] = [
  { batch: 1, h: 5, w: 5, c: 1, o: 1, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 7, w: 6, c: 3, o: 5, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 5, h: 9, w: 11, c: 5, o: 7, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 10, w: 9, c: 17, o: 33, kh: 2, kw: 3, sh: 2, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 4, h: 12, w: 12, c: 4, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, padding: "SAME" },
  { batch: 2, h: 11, w: 8, c: 6, o: 9, kh: 3, kw: 2, sh: 1, sw: 2, dh: 2, dw: 1, padding: "VALID" },
  { batch: 3, h: 8, w: 8, c: 5, o: 6, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [1, 2, 0, 3] },
  { batch: 2, h: 9, w: 7, c: 3, o: 4, kh: 5, kw: 5, sh: 3, sw: 2, dh: 1, dw: 1, padding: [2, 2, 2, 2] },
  { batch: 6, h: 6, w: 6, c: 8, o: 12, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 3, h: 7, w: 7, c: 9, o: 10, kh: 1, kw: 1, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 1, h: 4, w: 4, c: 2, o: 3, kh: 4, kw: 4, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 2, h: 3, w: 3, c: 2, o: 2, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 7, h: 14, w: 14, c: 32, o: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  // Stride 1 with padding wider than the kernel's reach on one side (the input gradient's
  // flipped-filter convolution then has negative padding there).
  { batch: 2, h: 6, w: 5, c: 3, o: 4, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [3, 1, 0, 4] },
  { batch: 2, h: 16, w: 16, c: 3, o: 32, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  // At most 4 output channels over 1024 or more taps: dot products of im2col rows (conv.cc's narrow path).
  { batch: 2, h: 9, w: 8, c: 130, o: 1, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 7, w: 9, c: 48, o: 3, kh: 5, kw: 5, sh: 2, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  // At most 4 output channels: conv_narrow.cc's gradients, the filter gradient from 64 taps, the
  // input gradient from 128 where the flipped-filter convolution does not take it (strides, VALID,
  // fewer input channels than the GEMM tile's width). Batch 1, dilation, explicit padding, stride 2
  // in one direction only, rows wide enough for the filter gradient's four-pixel passes, and 363
  // output pixels in 5 groups whose edges cut output rows; then each threshold's sides (63 / 64
  // and 127 / 128 taps: the GEMM below).
  { batch: 1, h: 9, w: 10, c: 40, o: 1, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 11, w: 9, c: 30, o: 2, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, padding: "VALID" },
  { batch: 3, h: 8, w: 12, c: 12, o: 3, kh: 5, kw: 5, sh: 1, sw: 2, dh: 1, dw: 1, padding: [2, 1, 3, 0] },
  { batch: 2, h: 10, w: 23, c: 20, o: 4, kh: 4, kw: 4, sh: 2, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 6, w: 21, c: 18, o: 1, kh: 3, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 13, w: 13, c: 10, o: 2, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 2, h: 6, w: 7, c: 7, o: 2, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 6, w: 7, c: 16, o: 1, kh: 2, kw: 2, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 9, w: 9, c: 127, o: 3, kh: 1, kw: 1, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  { batch: 2, h: 9, w: 9, c: 16, o: 3, kh: 2, kw: 4, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
  // Filters over 2^17 elements take the chunked path (one pool-wide GEMM at a time), not the fused one.
  { batch: 3, h: 6, w: 5, c: 64, o: 240, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 1, h: 7, w: 7, c: 70, o: 200, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "VALID" },
  // A large filter (135,000 elements) with enough output rows for the per-task forward path.
  { batch: 4, h: 14, w: 14, c: 150, o: 100, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  // 10 * 28 * 28 = 7840 output rows of 576 taps: more than one im2col chunk of 2^22 elements.
  { batch: 10, h: 28, w: 28, c: 64, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  // Winograd F(2x2, 3x3) by default (3x3, stride 1, enough channels and tiles): odd maps (clipped
  // edge tiles), batch 1, channels not a multiple of 8 or 16, SAME, VALID and explicit padding; the
  // first one's input gradient is a flipped-filter convolution that takes it too.
  { batch: 1, h: 13, w: 11, c: 20, o: 40, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  { batch: 3, h: 7, w: 9, c: 33, o: 37, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
  { batch: 2, h: 9, w: 8, c: 24, o: 30, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [2, 0, 1, 3] },
  { batch: 10, h: 10, w: 10, c: 8, o: 17, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
  // Padding wider than the kernel's reach with channels enough for the flipped-filter input gradient.
  { batch: 2, h: 7, w: 6, c: 16, o: 18, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [3, 1, 0, 4] },
];

export function describeConv(c: ConvCase): string {
  return `conv N${c.batch} ${c.h}x${c.w}x${c.c} -> ${c.o}, k${c.kh}x${c.kw} s${c.sh}x${c.sw} d${c.dh}x${c.dw} ${JSON.stringify(c.padding)}`;
}


const ulpBits = new Uint32Array(1);
const ulpFloat = new Float32Array(ulpBits.buffer);

/** How many float32 steps lie between a and b: 0 for the same value or two NaNs, -0 one step below +0. */
export function ulpDistance(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const ordinal = (v: number): number => {
    ulpFloat[0] = v;
    const u = ulpBits[0];
    return u & 0x80000000 ? -(u & 0x7fffffff) - 1 : u;
  };
  return Math.abs(ordinal(a) - ordinal(b));
}

/** Every element within maxUlps float32 steps of the reference (0: the same bits, -0 and NaN included). */
export function assertUlps(got: ArrayLike<number>, want: ArrayLike<number>, what: string, maxUlps: number, inputs?: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const d = ulpDistance(got[i], want[i]);
    if (d > maxUlps) {
      assert.fail(`${what}: index ${i}${inputs ? ` (x = ${inputs[i]})` : ""}: got ${got[i]}, want ${want[i]} (${d} ulps apart, at most ${maxUlps} allowed)`);
    }
  }
}
