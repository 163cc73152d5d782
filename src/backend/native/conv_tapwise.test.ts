import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, Conv2DInfo } from "../backend.js";
import { createJsBackend } from "../js/index.js";
import { createNativeBackend, nativeAddon, nativeLoadError } from "./index.js";
import { assertClose, assertEqualArrays, convGeometry, describeConv, randomF32, type ConvCase } from "./kernel_cases.js";

/*
 * The tap-wise convolutions for tiny feature maps (native/conv_tapwise.cc: one GEMM per filter tap
 * over the pixels it reads inside the image) against the JS reference's im2col + GEMM, which
 * multiplies the padding's zeros too: forward (plain and with bias + relu), input gradient, filter
 * gradient, on 1x1, 2x2 and 3x3 maps, with the path taken by its measured rule (64 channels and
 * more, batch 16 and more) or forced (LAMINA_TAPWISE=1, read per call), and operands holding NaN or
 * Inf, whose zero-times-Inf NaNs the tap-wise sums never form.
 */

const addon = nativeAddon();
const skip = addon === null ? `native addon not built (${nativeLoadError() ?? "unknown"}); run npm run build:native` : false;
const js = createJsBackend();

function withTapwise<T>(mode: "0" | "1" | undefined, run: () => T): T {
  const saved = process.env.LAMINA_TAPWISE;
  if (mode === undefined) delete process.env.LAMINA_TAPWISE;
  else process.env.LAMINA_TAPWISE = mode;
  try {
    return run();
  } finally {
    if (saved === undefined) delete process.env.LAMINA_TAPWISE;
    else process.env.LAMINA_TAPWISE = saved;
  }
}

const geometry = (c: ConvCase): Conv2DInfo => convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding);

interface Operands {
  x: Float32Array;
  filter: Float32Array;
  bias: Float32Array;
  dy: Float32Array;
}

function operands(c: ConvCase, info: Conv2DInfo, seed: number): Operands {
  const ySize = c.batch * info.outHeight * info.outWidth * c.o;
  return {
    x: randomF32(c.batch * c.h * c.w * c.c, seed),
    filter: randomF32(c.kh * c.kw * c.c * c.o, seed + 1),
    bias: randomF32(c.o, seed + 2),
    dy: randomF32(ySize, seed + 3),
  };
}

/** The four results of one backend: forward, forward + bias + relu, input gradient, filter gradient (buffers prefilled with junk). */
function passes(b: Backend, info: Conv2DInfo, v: Operands): Float32Array[] {
  const y = new Float32Array(v.dy.length).fill(Number.NaN), yr = new Float32Array(v.dy.length).fill(Number.NaN);
  const dx = new Float32Array(v.x.length).fill(7), dw = new Float32Array(v.filter.length).fill(7);
  b.conv2d(v.x, v.filter, y, info);
  b.conv2dBiasActivation(v.x, v.filter, v.bias, "relu", yr, info);
  b.conv2dBackpropInput(v.dy, v.filter, dx, info);
  b.conv2dBackpropFilter(v.x, v.dy, dw, info);
  return [y, yr, dx, dw];
}

const PASSES = ["forward", "bias + relu", "input gradient", "filter gradient"];

const same3x3 = (batch: number, side: number, c: number, o: number): ConvCase =>
  ({ batch, h: side, w: side, c, o, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" });

test("tap-wise convolutions on 1x1, 2x2 and 3x3 maps equal js's im2col (the measured rule's shapes, and forced on odd ones)", { skip }, () => {
  const nb = createNativeBackend(addon!);
  // Taken by the rule: 3x3 SAME, 64+ channels, batch 16+.
  const ruled = [same3x3(16, 1, 64, 80), same3x3(16, 2, 64, 64), same3x3(17, 3, 72, 64)];
  // Forced: few channels (the micro-kernel's edge tiles), a batch under one tile of rows, strides,
  // dilation, a 5x5 filter, VALID, padding wider than the filter's reach (pixels that read no tap).
  const forced: ConvCase[] = [
    same3x3(2, 1, 3, 5), same3x3(3, 2, 7, 33), same3x3(1, 3, 16, 9), same3x3(13, 2, 40, 70),
    { batch: 2, h: 3, w: 2, c: 6, o: 5, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "SAME" },
    { batch: 2, h: 3, w: 3, c: 5, o: 6, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, padding: "SAME" },
    { batch: 2, h: 2, w: 3, c: 4, o: 7, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME" },
    { batch: 3, h: 3, w: 3, c: 6, o: 4, kh: 2, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID" },
    { batch: 2, h: 2, w: 2, c: 5, o: 6, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [3, 2, 2, 3] },
    { batch: 2, h: 3, w: 1, c: 4, o: 5, kh: 1, kw: 3, sh: 2, sw: 1, dh: 1, dw: 1, padding: [1, 1, 1, 1] },
  ];
  let seed = 100;
  for (const [mode, cases] of [[undefined, ruled], ["1", forced]] as const) {
    for (const c of cases) {
      const info = geometry(c);
      const v = operands(c, info, (seed += 10));
      const want = passes(js, info, v);
      const got = withTapwise(mode, () => passes(nb, info, v));
      PASSES.forEach((p, i) => assertClose(got[i], want[i], `${describeConv(c)} ${p} (LAMINA_TAPWISE=${mode ?? "unset"})`));
    }
  }
});

test("the rule takes the tap-wise path for VGG16's 2x2x512 -> 512 block-5 layers: bit-identical to im2col (depth blocks on tap boundaries)", { skip }, () => {
  const nb = createNativeBackend(addon!);
  const c = same3x3(32, 2, 512, 512), info = geometry(c);
  const v = operands(c, info, 7);
  const tapwise = withTapwise(undefined, () => passes(nb, info, v));
  const im2col = withTapwise("0", () => passes(nb, info, v));
  PASSES.forEach((p, i) => assertEqualArrays(tapwise[i], im2col[i], `2x2x512 -> 512 ${p}`));
  // And both near the JS reference, for the forward pass (the cheapest of its three here).
  const y = new Float32Array(v.dy.length);
  js.conv2d(v.x, v.filter, y, info);
  assertClose(tapwise[0], y, "2x2x512 -> 512 forward against js");
});

const nonFinite = (a: Float32Array): string[] => [...a.keys()].filter((i) => !Number.isFinite(a[i])).map((i) => `${i}:${a[i]}`);

function assertSameSpecials(got: Float32Array, want: Float32Array, what: string): void {
  assert.deepEqual(nonFinite(got), nonFinite(want), `${what}: NaN/Inf positions and kinds`);
  const finite = (a: Float32Array): Float32Array => a.map((v, i) => (Number.isFinite(want[i]) ? v : 0));
  assertClose(finite(got), finite(want), `${what}: the finite values`);
}

test("NaN or Inf in x, the filter or dy gives the NaN and Inf outputs of js's im2col, whose zero columns turn 0 * Inf into NaN", { skip }, () => {
  const nb = createNativeBackend(addon!);
  // 2x2: every tap is read by some pixel; 1x1: only the centre tap is; padding 2 around 1x1 with a
  // 3x3 filter: pixels that read no tap at all.
  const cases: ConvCase[] = [same3x3(16, 2, 64, 64), same3x3(16, 1, 64, 64),
    { batch: 2, h: 1, w: 1, c: 4, o: 5, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: [2, 2, 2, 2] }];
  let seed = 500;
  for (const c of cases) {
    const info = geometry(c);
    const taps = c.kh * c.kw, block = c.c * c.o;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      // The filter: a corner tap (padding for most pixels), then the centre tap.
      for (const tap of [0, (taps - 1) / 2]) {
        const v = operands(c, info, (seed += 10));
        v.filter[tap * block + 2 * c.o + 1] = bad; // input channel 2, output channel 1
        const want = passes(js, info, v);
        const got = withTapwise("1", () => passes(nb, info, v));
        PASSES.forEach((p, i) => assertSameSpecials(got[i], want[i], `${describeConv(c)} ${p}, ${bad} in filter tap ${tap}`));
      }
      const v = operands(c, info, (seed += 10));
      v.x[v.x.length - c.c + 1] = bad; // the last image's last pixel, channel 1
      v.dy[3] = bad; // the first output pixel, channel 3
      const want = passes(js, info, v);
      const got = withTapwise("1", () => passes(nb, info, v));
      PASSES.forEach((p, i) => assertSameSpecials(got[i], want[i], `${describeConv(c)} ${p}, ${bad} in x and dy`));
    }
  }
});
