import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, Conv2DInfo } from "../backend.js";
import { createJsBackend } from "../js/index.js";
import { createNativeBackend, nativeAddon, nativeLoadError } from "./index.js";
import { assertClose, convGeometry, describeConv, randomF32, type ConvCase } from "./kernel_cases.js";

/*
 * Grouped convolutions (Conv2DInfo.groups > 1) of the native backend (conv_grouped.cc: each group
 * gathered and run through the ordinary kernels) against the JS reference (one im2col + GEMM per
 * group), forward with bias and relu, and both gradients.
 */

const addon = nativeAddon();
const skip = addon === null ? `native addon not built (${nativeLoadError() ?? "unknown"}); run npm run build:native` : false;
const js = createJsBackend();

// Narrow groups (under 32 channels, at most 64 groups) run as one convolution with the block-diagonal
// filter, the others group by group; both through conv.cc's paths: Winograd (3x3 stride 1), the
// per-task im2col + GEMM, the pointwise GEMM, strides and dilation, the chunked path (a group's
// filter over 2^17 elements); one input channel per group (groups 6 of 6 channels) takes native/depthwise.cc.
const cases: (ConvCase & { groups: number })[] = [
  { batch: 2, h: 9, w: 8, c: 32, o: 48, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 2 },
  { batch: 3, h: 7, w: 9, c: 12, o: 6, kh: 3, kw: 2, sh: 2, sw: 1, dh: 1, dw: 1, padding: "VALID", groups: 3 },
  { batch: 2, h: 6, w: 6, c: 16, o: 32, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, padding: "VALID", groups: 8 },
  { batch: 2, h: 10, w: 10, c: 8, o: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 2, dw: 2, padding: "SAME", groups: 4 },
  { batch: 1, h: 8, w: 7, c: 6, o: 4, kh: 5, kw: 5, sh: 2, sw: 2, dh: 1, dw: 1, padding: [2, 2, 1, 3], groups: 2 },
  { batch: 2, h: 6, w: 5, c: 128, o: 480, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 2 },
  { batch: 2, h: 6, w: 6, c: 6, o: 12, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 6 },
  { batch: 2, h: 9, w: 7, c: 64, o: 96, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 2 },
  { batch: 2, h: 7, w: 7, c: 64, o: 96, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padding: "VALID", groups: 2 },
  { batch: 2, h: 5, w: 6, c: 192, o: 192, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padding: "SAME", groups: 96 },
];

test("native grouped conv2d (bias + relu), conv2dBackpropInput, conv2dBackpropFilter(BiasActivation) equal js", { skip }, () => {
  const nb = createNativeBackend(addon!) as Backend;
  let seed = 9100;
  for (const c of cases) {
    const info: Conv2DInfo = { ...convGeometry(c.batch, c.h, c.w, c.c, c.o, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.padding), groups: c.groups };
    const what = `${describeConv(c)} groups ${c.groups}`;
    const xSize = c.batch * c.h * c.w * c.c, ySize = c.batch * info.outHeight * info.outWidth * c.o, wSize = c.kh * c.kw * (c.c / c.groups) * c.o;
    const x = randomF32(xSize, seed++), f = randomF32(wSize, seed++), dy = randomF32(ySize, seed++), bias = randomF32(c.o, seed++);

    const yWant = new Float32Array(ySize), yGot = new Float32Array(ySize).fill(Number.NaN);
    js.conv2d(x, f, yWant, info);
    nb.conv2d(x, f, yGot, info);
    assertClose(yGot, yWant, `${what} forward`);
    js.conv2dBiasActivation(x, f, bias, "relu", yWant, info);
    nb.conv2dBiasActivation(x, f, bias, "relu", yGot, info);
    assertClose(yGot, yWant, `${what} forward + bias + relu`);
    assert.ok(yWant.some((v) => v === 0) && yWant.some((v) => v > 0), `${what}: relu clips some outputs, not all`);

    const dxWant = new Float32Array(xSize), dxGot = new Float32Array(xSize).fill(7);
    js.conv2dBackpropInput(dy, f, dxWant, info);
    nb.conv2dBackpropInput(dy, f, dxGot, info);
    assertClose(dxGot, dxWant, `${what} backprop input`);

    const dwWant = new Float32Array(wSize), dwGot = new Float32Array(wSize).fill(7);
    js.conv2dBackpropFilter(x, dy, dwWant, info);
    nb.conv2dBackpropFilter(x, dy, dwGot, info);
    assertClose(dwGot, dwWant, `${what} backprop filter`);

    const dbWant = new Float32Array(c.o), dbGot = new Float32Array(c.o).fill(7);
    js.conv2dBackpropFilterBiasActivation(x, dy, yWant, "relu", dwWant, dbWant, info);
    nb.conv2dBackpropFilterBiasActivation(x, dy, yWant, "relu", dwGot.fill(7), dbGot, info);
    assertClose(dwGot, dwWant, `${what} backprop filter through relu`);
    assertClose(dbGot, dbWant, `${what} bias gradient through relu`);
  }
});
