// Compares two builds of the native addon byte for byte on the SIMD kernels (direct single-channel
// convolution and its filter/bias gradients, the GEMM micro-kernel through matmul and multi-channel
// convolutions with Winograd on and off, grouped convolutions, max-pool argmax), on seeded inputs with NaN and Infinity
// mixed in: a refactor of a kernel that must keep its summation order (register allocation, loop
// shape) shows here as "0 differing outputs". Both addons load in one process, so LAMINA_SIMD
// picks the instruction set for both.
//
//   npx tsx bench/addon-bytes.ts OLD/lamina.node [NEW/lamina.node (default build/Release/lamina.node)]
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Backend, Conv2DInfo, Pool2DInfo } from "../src/backend/backend.js";
import { createNativeBackend, type NativeAddon } from "../src/backend/native/index.js";
import { convGeometry, randomF32, type Padding } from "../src/backend/native/kernel_cases.js";

const [oldPath, newPath = fileURLToPath(new URL("../build/Release/lamina.node", import.meta.url))] = process.argv.slice(2);
if (oldPath === undefined) {
  console.error("usage: npx tsx bench/addon-bytes.ts OLD/lamina.node [NEW/lamina.node]");
  process.exit(2);
}
const req = createRequire(import.meta.url);
const addons = [oldPath, newPath].map((p) => req(p) as NativeAddon);
const simd = addons.map((a) => a.info().simd);
if (simd[0] !== simd[1]) throw new Error(`addon-bytes: the builds run different instruction sets (${simd.join(" vs ")})`);
const backends = addons.map(createNativeBackend);

type Output = Float32Array | Int32Array;
let compared = 0, differing = 0, nanOnly = 0;

/** Runs `run` on both backends (fresh outputs from `make`, filled with a sentinel) and compares every output's bits. */
function check(what: string, make: () => Output[], run: (b: Backend, outs: Output[]) => void): void {
  const results = backends.map((b) => {
    const outs = make();
    for (const o of outs) o.fill(o instanceof Int32Array ? -7 : 7);
    run(b, outs);
    return outs;
  });
  results[0].forEach((o, k) => {
    compared++;
    const a = new Uint32Array(o.buffer, o.byteOffset, o.length), b = new Uint32Array(results[1][k].buffer, results[1][k].byteOffset, o.length);
    let first = -1, count = 0, nans = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const bothNaN = o instanceof Float32Array && Number.isNaN(o[i]) && Number.isNaN(results[1][k][i]);
      if (bothNaN) { nans++; continue; }
      if (first < 0) first = i;
      count++;
    }
    if (nans > 0 && count === 0) {
      nanOnly++;
      console.log(`NaN bits differ: ${what} output ${k}: ${nans} elements`);
    }
    if (count > 0) {
      differing++;
      console.log(`DIFF ${what} output ${k}: ${count} of ${a.length} elements, first at ${first}: old ${results[0][k][first]} (0x${a[first].toString(16)}), new ${results[1][k][first]} (0x${b[first].toString(16)})`);
    }
  });
}

let seed = 1;
/**
 * Seeded values in [-1, 1); "sparse" places one NaN and one infinity, "dense" makes about 3% of
 * them NaN, +Infinity or -Infinity, so that NaNs of both signs (x's, and Inf - Inf's default NaN)
 * meet in the sums: x86 returns the NaN of an instruction's first source, so a change of operand
 * order shows in the NaNs' bits.
 */
function values(n: number, specials: "none" | "sparse" | "dense"): Float32Array {
  const a = randomF32(n, seed++);
  if (specials === "sparse" && n > 16) {
    a[Math.floor(n / 3)] = Number.NaN;
    a[Math.floor((2 * n) / 3)] = seed % 2 === 0 ? Infinity : -Infinity;
  } else if (specials === "dense") {
    const r = randomF32(n, seed++);
    for (let i = 0; i < n; i++) {
      if (r[i] > 0.97) a[i] = [Number.NaN, Infinity, -Infinity][i % 3];
    }
  }
  return a;
}

type Specials = "none" | "sparse" | "dense";
const SPECIALS: Specials[] = ["none", "sparse", "dense"];

function convOps(tag: string, info: Conv2DInfo, specials: Specials): void {
  const { batch, inHeight, inWidth, inChannels: c, outChannels: o, filterHeight: kh, filterWidth: kw } = info;
  const xSize = batch * inHeight * inWidth * c, ySize = batch * info.outHeight * info.outWidth * o, wSize = kh * kw * c * o;
  const x = values(xSize, specials), f = values(wSize, specials), bias = values(o, "none"), dy = values(ySize, specials);
  const x2 = values(xSize, "none");
  check(`${tag} conv2d`, () => [new Float32Array(ySize)], (b, [y]) => b.conv2d(x, f, y, info));
  check(`${tag} conv2d + bias + relu`, () => [new Float32Array(ySize)], (b, [y]) => b.conv2dBiasActivation(x, f, bias, "relu", y, info));
  check(`${tag} dw`, () => [new Float32Array(wSize)], (b, [dw]) => { dw.fill(0); b.conv2dBackpropFilter(x, dy, dw, info); });
  const y = new Float32Array(ySize);
  backends[0].conv2dBiasActivation(x2, f, bias, "relu", y, info);
  for (const act of ["relu", "linear"] as const) {
    check(`${tag} dw + db (${act})`, () => [new Float32Array(wSize), new Float32Array(o)],
      (b, [dw, db]) => b.conv2dBackpropFilterBiasActivation(x, dy, y, act, dw, db, info));
  }
  if (c > 1) check(`${tag} dx`, () => [new Float32Array(xSize)], (b, [dx]) => { dx.fill(0); b.conv2dBackpropInput(dy, f, dx, info); });
}

// Single input channel (the direct kernels): every tap-block size 1-8 of the AVX-512 kernel and 1-6
// of the AVX2 one (K = 1..9, 16, 25, 49), channel counts with whole and masked 16- and 8-lane
// blocks, strides, dilation and padding.
const filters: [number, number][] = [[1, 1], [1, 2], [1, 3], [2, 2], [1, 5], [2, 3], [1, 7], [2, 4], [3, 3], [4, 4], [5, 5], [7, 7]];
const channels = [1, 5, 8, 13, 16, 21, 24, 32, 40, 64];
const pads: Padding[] = ["VALID", "SAME", [1, 0, 2, 1]];
let i = 0;
for (const [kh, kw] of filters) {
  for (const o of channels) {
    const pad = pads[i % pads.length], s = i % 5 === 4 ? 2 : 1, d = i % 7 === 6 ? 2 : 1;
    i++;
    const h = 9 + (i % 6), w = 8 + (i % 9);
    if ((h + 3 - (kh - 1) * d - 1) < 1 || (w + 3 - (kw - 1) * d - 1) < 1) continue;
    convOps(`1->${o} ${kh}x${kw} s${s} d${d} ${JSON.stringify(pad)} ${h}x${w}`, convGeometry(3, h, w, 1, o, kh, kw, s, s, d, d, pad), SPECIALS[i % 3]);
  }
}
for (const pad of ["VALID", "SAME"] as const) convOps(`1->32 3x3 ${pad} 64x28x28`, convGeometry(64, 28, 28, 1, 32, 3, 3, 1, 1, 1, 1, pad), "none");
for (const pad of ["VALID", "SAME"] as const) convOps(`1->40 3x3 ${pad} 16x28x28`, convGeometry(16, 28, 28, 1, 40, 3, 3, 1, 1, 1, 1, pad), "dense");

// Several input channels (im2col + GEMM, Winograd for 3x3 stride 1): Winograd forced on and off.
for (const wino of ["1", "0"]) {
  process.env.LAMINA_WINOGRAD = wino;
  for (const [b, h, w, c, o, k, pad] of [[4, 13, 11, 3, 32, 3, "SAME"], [2, 14, 14, 32, 64, 3, "VALID"], [3, 9, 10, 17, 45, 3, "SAME"],
    [2, 11, 11, 8, 20, 5, "SAME"], [2, 8, 8, 64, 12, 1, "VALID"]] as [number, number, number, number, number, number, Padding][]) {
    convOps(`${c}->${o} ${k}x${k} ${pad} ${b}x${h}x${w} winograd=${wino}`, convGeometry(b, h, w, c, o, k, k, 1, 1, 1, 1, pad), SPECIALS[(b + c) % 3]);
  }
}
delete process.env.LAMINA_WINOGRAD;

// Grouped convolutions, narrow groups (the block-diagonal filter) through each of the dense paths and
// wider ones group by group: native_grouped.test.ts's and conv_groups.test.ts's shapes and more. NaN
// and Inf only in the filter for the forward pass and the input gradient (a non-finite x or dy sends
// narrow groups group by group, on purpose), in all three operands for the filter gradient.
{
  const cases: [number, number, number, number, number, number, number, number, number, number, Padding][] = [
    // batch, h, w, c, o, kh, kw, stride, dilation, groups, padding
    [2, 9, 8, 32, 48, 3, 3, 1, 1, 2, "SAME"], [3, 7, 9, 12, 6, 3, 2, 2, 1, 3, "VALID"], [2, 6, 6, 16, 32, 1, 1, 1, 1, 8, "VALID"],
    [2, 10, 10, 8, 8, 3, 3, 1, 2, 4, "SAME"], [1, 8, 7, 6, 4, 5, 5, 2, 1, 2, [2, 2, 1, 3]], [2, 6, 5, 128, 480, 3, 3, 1, 1, 2, "SAME"],
    [2, 9, 7, 64, 96, 3, 3, 1, 1, 2, "SAME"], [2, 7, 7, 64, 96, 3, 3, 2, 1, 2, "VALID"], [2, 5, 6, 192, 192, 3, 3, 1, 1, 96, "SAME"],
    [2, 5, 4, 4, 6, 3, 3, 1, 1, 2, "SAME"], [1, 7, 6, 6, 3, 2, 3, 2, 1, 3, "VALID"], [1, 6, 6, 4, 4, 3, 3, 1, 2, 2, "SAME"],
    [2, 3, 3, 8, 4, 1, 1, 1, 1, 4, "VALID"], [2, 7, 5, 6, 4, 5, 5, 2, 1, 2, "SAME"],
    [4, 32, 32, 32, 32, 3, 3, 1, 1, 4, "SAME"], [4, 16, 16, 64, 64, 3, 3, 1, 1, 8, "SAME"], [4, 32, 32, 32, 32, 3, 3, 2, 1, 4, "SAME"],
    [4, 32, 32, 32, 32, 3, 3, 1, 2, 4, "SAME"], [4, 32, 32, 16, 32, 5, 5, 1, 1, 2, "SAME"], [4, 16, 16, 64, 64, 1, 1, 1, 1, 4, "VALID"],
    [8, 2, 2, 64, 64, 3, 3, 1, 1, 4, "SAME"], [2, 8, 8, 128, 4, 3, 3, 1, 1, 2, "SAME"], [2, 8, 8, 128, 4, 3, 3, 2, 1, 2, "SAME"],
    [2, 6, 6, 256, 256, 3, 3, 1, 1, 16, "SAME"], [1, 12, 12, 48, 48, 3, 3, 1, 1, 3, "SAME"],
  ];
  for (const [b, h, w, c, o, kh, kw, s, d, groups, pad] of cases) {
    const info: Conv2DInfo = { ...convGeometry(b, h, w, c, o, kh, kw, s, s, d, d, pad), groups };
    const xSize = b * h * w * c, ySize = b * info.outHeight * info.outWidth * o, wSize = kh * kw * (c / groups) * o;
    for (const specials of SPECIALS) {
      const tag = `grouped ${c}->${o} ${kh}x${kw} s${s} d${d} g${groups} ${JSON.stringify(pad)} ${b}x${h}x${w} ${specials}`;
      const x = values(xSize, "none"), f = values(wSize, specials), bias = values(o, "none"), dy = values(ySize, "none");
      check(`${tag} conv2d`, () => [new Float32Array(ySize)], (bk, [y]) => bk.conv2d(x, f, y, info));
      check(`${tag} conv2d + bias + relu`, () => [new Float32Array(ySize)], (bk, [y]) => bk.conv2dBiasActivation(x, f, bias, "relu", y, info));
      check(`${tag} dx`, () => [new Float32Array(xSize)], (bk, [dx]) => bk.conv2dBackpropInput(dy, f, dx, info));
      const xs = values(xSize, specials), dys = values(ySize, specials);
      check(`${tag} dw`, () => [new Float32Array(wSize)], (bk, [dw]) => bk.conv2dBackpropFilter(xs, dys, dw, info));
    }
  }
}

// matmul: tiles whole and cut at every edge of the 12x32 (AVX-512) and 6x16 (AVX2) micro-tiles, both transposes.
for (const [m, k, n] of [[1, 1, 1], [12, 64, 32], [13, 300, 33], [64, 9, 32], [100, 257, 70], [37, 1000, 5], [256, 128, 200], [7, 3000, 96]]) {
  for (const [ta, tb] of [[false, false], [true, false], [false, true]]) {
    const a = values(m * k, SPECIALS[(m + n) % 3]), bm = values(k * n, (m + n) % 3 === 2 ? "dense" : "none"), bias = values(n, "none");
    check(`matmul ${m}x${k}x${n} tA=${ta} tB=${tb}`, () => [new Float32Array(m * n)], (b, [out]) => b.matmul(a, bm, out, 1, m, k, n, ta, tb, 0, 0));
    check(`matmul + bias + relu ${m}x${k}x${n} tA=${ta} tB=${tb}`, () => [new Float32Array(m * n)],
      (b, [out]) => b.matmulBiasActivation(a, bm, bias, "relu", out, m, k, n, ta, tb));
  }
}

// Max-pool with argmax (whole and masked channel blocks, NaNs, padding).
for (const [h, w, c, p, s, pad] of [[28, 27, 32, 2, 2, 1], [26, 26, 13, 2, 2, 0], [11, 11, 64, 3, 2, 1], [9, 10, 8, 3, 1, 0]]) {
  const oh = Math.floor((h + pad - p) / s) + 1, ow = Math.floor((w + pad - p) / s) + 1;
  const info: Pool2DInfo = { batch: 3, inHeight: h, inWidth: w, channels: c, outHeight: oh, outWidth: ow, poolHeight: p, poolWidth: p,
    strideHeight: s, strideWidth: s, padTop: 0, padLeft: 0, padBottom: pad, padRight: pad };
  const x = randomF32(3 * h * w * c, seed++, true);
  for (let j = 0; j < x.length; j += 1 + (j % 17)) x[j] = Number.NaN;
  check(`maxPoolWithArgmax ${h}x${w}x${c} ${p}/${s}`, () => [new Float32Array(3 * oh * ow * c), new Int32Array(3 * oh * ow * c)],
    (b, [v, a]) => b.maxPoolWithArgmax(x, v, a as Int32Array, info));
}

console.log(`${simd[0]}: ${compared} outputs compared, ${differing} differing` +
  (nanOnly > 0 ? ` (${nanOnly} more differ only in NaN bit patterns)` : "") + `\n  old ${oldPath}\n  new ${newPath}`);
process.exitCode = differing > 0 ? 1 : 0;
