import { createRequire } from "node:module";
import type { NumericArray, TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import type { Backend, BinaryOp, Conv2DInfo, FusedActivation, ImageTransformInfo, OptimizerUpdate, Pool2DInfo, UnaryOp } from "../backend.js";
import { registerBackend } from "../registry.js";
import { createJsBackend } from "../js/index.js";

/*
 * The native backend: the C++ addon built from native/ (build/Release/lamina.node) runs the heavy
 * float32 kernels in place on the tensors' buffers; every other kernel, and every kernel on
 * another dtype, is the JS reference's. The addon's path is the same relative to src/ (tsx) and
 * to dist/ (the compiled package): both sit two folders below the package root.
 */

/** What the addon exports (native/addon.cc). Geometry travels as Int32Arrays in a fixed order. */
export interface NativeAddon {
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, k: number, n: number,
    transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number): void;
  conv2d(x: Float32Array, filter: Float32Array, out: Float32Array, geometry: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  maxPool(x: Float32Array, out: Float32Array, geometry: Int32Array): void;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  maxPoolWithArgmax(x: Float32Array, out: Float32Array, argmax: Int32Array, geometry: Int32Array): void;
  maxPoolGradFromArgmax(argmax: Int32Array, dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  avgPool(x: Float32Array, out: Float32Array, geometry: Int32Array): void;
  avgPoolGrad(dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /**
   * Elementwise kernels take the op's index in NATIVE_UNARY / NATIVE_BINARY (alpha: leakyRelu's
   * slope, elu's scale, 0 when left out); false: no native kernel.
   */
  unary(op: number, x: Float32Array, out: Float32Array, alpha?: number): boolean;
  unaryGrad(op: number, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, alpha?: number): boolean;
  /** out[i] = op(x[i]) ? 1 : 0 into a bool tensor's bytes, op by index in NATIVE_PREDICATE. */
  predicate(op: number, x: Float32Array, out: Uint8Array): void;
  binary(op: number, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, out: Float32Array, outShape: Shape): boolean;
  /** A comparison by index in NATIVE_COMPARE into a bool tensor's bytes, broadcast as binary. */
  compare(op: number, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, out: Uint8Array, outShape: Shape): void;
  /** out[i] = cond[i] ? a[i] : b[i]; a or b may hold a single element. */
  select(cond: Uint8Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out[o, j] = sum_k x[o, k, j] / divisor, x viewed as [outer, r, inner]. */
  reduceSum(x: Float32Array, out: Float32Array, outer: number, r: number, inner: number, divisor: number): void;
  /**
   * The Backend's sortIndices, cumulative (prod: cumprod) and bincount on float32, float64, int32
   * and uint8 arrays (cumulative: x and out of one type; bincount: out int32, or the weights' type);
   * false, nothing done, for another type.
   */
  sortIndices(x: NumericArray, rows: number, n: number, k: number, descending: boolean, out: Int32Array): boolean;
  cumulative(prod: boolean, x: NumericArray, outer: number, n: number, inner: number, exclusive: boolean, reverse: boolean,
    out: NumericArray): boolean;
  bincount(x: Int32Array, rows: number, n: number, weights: NumericArray | null, size: number, out: NumericArray): boolean;
  /** Row-wise softmax, or log-softmax when `log`, over x viewed as [rows, cols]. */
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number, log: boolean): void;
  /** dx = y * (dy - sum(dy * y)) along rows of cols, as the composite ops round it. */
  softmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void;
  /** Fused kernels: activations by index in FUSED_ACTIVATIONS, optional arrays as null. */
  conv2dBiasActivation(x: Float32Array, filter: Float32Array, bias: Float32Array | null, activation: number, out: Float32Array, geometry: Int32Array): void;
  matmulBiasActivation(a: Float32Array, b: Float32Array, bias: Float32Array | null, activation: number, out: Float32Array,
    m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): void;
  biasActivation(y: Float32Array, rows: number, channels: number, bias: Float32Array | null, activation: number): void;
  biasActivationGrad(dy: Float32Array, y: Float32Array, rows: number, channels: number, activation: number, dz: Float32Array, dbias: Float32Array | null): void;
  conv2dBackpropFilterBiasActivation(x: Float32Array, dy: Float32Array, y: Float32Array, activation: number, dw: Float32Array, dbias: Float32Array | null, geometry: Int32Array): void;
  batchNormTraining(x: Float32Array, rows: number, channels: number, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number,
    y: Float32Array, mean: Float32Array, variance: Float32Array, saved: Float64Array): void;
  batchNormTrainingGrad(x: Float32Array, dy: Float32Array, rows: number, channels: number, gamma: Float32Array | null, saved: Float64Array,
    dx: Float32Array, dgamma: Float32Array | null, dbeta: Float32Array | null): void;
  channelAffine(x: Float32Array, rows: number, channels: number, scale: Float64Array, shift: Float64Array, out: Float32Array): void;
  signedPower(x: Float32Array, rows: number, channels: number, p: Float32Array, eps: number, out: Float32Array): void;
  lstmCell(xp: Float32Array, hr: Float32Array, cPrev: Float32Array, rows: number, units: number, h: Float32Array, c: Float32Array): void;
  gruCell(xp: Float32Array, hr: Float32Array, hh: Float32Array | null, hPrev: Float32Array, rows: number, units: number, h: Float32Array): void;
  gruResetGate(xp: Float32Array, hr: Float32Array, hPrev: Float32Array, rows: number, units: number, rh: Float32Array): void;
  signedPowerGrad(x: Float32Array, y: Float32Array, dy: Float32Array, rows: number, channels: number, p: Float32Array, eps: number,
    dx: Float32Array, dp: Float32Array | null): void;
  /** kind: index in OPTIMIZER_KINDS; scalars: [lr, momentum, alpha, 1 - beta1, 1 - beta2, epsilon, rho, 1 - rho]. */
  optimizerUpdate(kind: number, scalars: Float32Array, nesterov: boolean, w: Float32Array, g: Float32Array,
    s0: Float32Array | null, s1: Float32Array | null, s2: Float32Array | null,
    wOut: Float32Array, o0: Float32Array | null, o1: Float32Array | null, o2: Float32Array | null): void;
  /** tf.image.transform on float32 images; geometry [batch, inH, inW, channels, outH, outW, perImage, bilinear, fillMode index in TRANSFORM_FILL_MODES]. */
  imageTransform(x: Float32Array, transforms: Float64Array, out: Float32Array, geometry: Int32Array, fillValue: number): void;
  imageTransformGrad(dy: Float32Array, transforms: Float64Array, dx: Float32Array, geometry: Int32Array, fillValue: number): void;
  /** The micro-kernel in use ("avx512", "avx2", "neon" or "scalar"), the pool's threads, the tile size, and whether malloc was tuned. */
  info(): { simd: string; threads: number; mr: number; nr: number; mallocTuned: boolean };
}

/** The fill modes in native/common.h's TransformFill order. */
const TRANSFORM_FILL_MODES: readonly ImageTransformInfo["fillMode"][] = ["reflect", "wrap", "constant", "nearest"];

function transformInfo(i: ImageTransformInfo): Int32Array {
  return Int32Array.from([i.batch, i.inHeight, i.inWidth, i.channels, i.outHeight, i.outWidth, i.perImage ? 1 : 0,
    i.interpolation === "bilinear" ? 1 : 0, TRANSFORM_FILL_MODES.indexOf(i.fillMode)]);
}

/** The unary ops with native float32 kernels and gradients, in native/common.h's UnaryKind order. */
export const NATIVE_UNARY: readonly UnaryOp[] = [
  "relu", "neg", "abs", "square", "sqrt", "rsqrt", "exp", "log", "reciprocal", "sigmoid", "tanh",
  "sign", "log1p", "expm1", "floor", "ceil", "round", "sin", "cos", "erf", "relu6", "leakyRelu", "elu", "selu", "gelu", "geluTanh",
  "softplus", "softsign", "swish", "tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "log2", "log10",
];
/** The binary ops with native float32 kernels, in BinaryKind order. */
export const NATIVE_BINARY: readonly BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum", "squaredDifference",
  "pow", "floorDiv", "mod", "atan2"];
/**
 * Native kernels the backend leaves to JS: mod measured about 3x slower natively than V8's `%`
 * on 2^20 float32 elements (bench/native-math.ts), for reasons not yet understood; the addon's
 * kernel stays tested against the JS one.
 */
const JS_FASTER: ReadonlySet<BinaryOp> = new Set(["mod"]);
/** The float32 tests into bool tensors with native kernels, in PredicateKind order. */
export const NATIVE_PREDICATE: readonly UnaryOp[] = ["isNaN", "isFinite"];
/** The comparisons with native float32 kernels, in native/common.h's CompareKind order. */
const NATIVE_COMPARE: readonly BinaryOp[] = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"];
/** The fused activations in native/common.h's Activation order. */
const FUSED_ACTIVATIONS: readonly FusedActivation[] = ["linear", "relu"];
/** The optimizer updates in OptimizerKind order. */
const OPTIMIZER_KINDS: readonly OptimizerUpdate["kind"][] = ["sgd", "momentum", "adam", "rmsprop"];
/** Below this many elements the call into the addon costs more than the JS loop. */
const ELEMENTWISE_MIN = 4096;
/** The same bytes as float32: for kernels that only move 4-byte elements (select). */
const float32View = (t: TypedArray): Float32Array => (t instanceof Float32Array ? t : new Float32Array(t.buffer, t.byteOffset, t.byteLength >> 2));
/**
 * Sorting costs tens of nanoseconds per element in JS (a comparator call per comparison), so the
 * addon pays from a few dozen elements on.
 */
const SORT_MIN = 64;

const ADDON_PATH = "../../../build/Release/lamina.node";

let addon: NativeAddon | null = null;
let loadError: string | null = null;
try {
  addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
} catch (e) {
  loadError = e instanceof Error ? e.message.split("\n")[0] : String(e);
}

/** The loaded addon, or null when it is not built (see nativeLoadError). */
export function nativeAddon(): NativeAddon | null {
  return addon;
}

/** Why the addon could not be loaded, or null when it is loaded. */
export function nativeLoadError(): string | null {
  return loadError;
}

const convGeometry = new Int32Array(18);
function convInfo(info: Conv2DInfo): Int32Array {
  const g = convGeometry;
  g[0] = info.batch; g[1] = info.inHeight; g[2] = info.inWidth; g[3] = info.inChannels;
  g[4] = info.outHeight; g[5] = info.outWidth; g[6] = info.outChannels;
  g[7] = info.filterHeight; g[8] = info.filterWidth;
  g[9] = info.strideHeight; g[10] = info.strideWidth;
  g[11] = info.dilationHeight; g[12] = info.dilationWidth;
  g[13] = info.padTop; g[14] = info.padLeft; g[15] = info.padBottom; g[16] = info.padRight;
  // A depthwise filter [kh, kw, in, multiplier] has the layout of a grouped one with a group per
  // input channel, [kh, kw, 1, out]: the addon takes both as groups === inChannels (native/depthwise.cc).
  // One input channel is an ordinary convolution either way.
  g[17] = info.depthwise ? Math.max(1, info.inChannels) : info.groups;
  return g;
}

const poolGeometry = new Int32Array(14);
function poolInfo(info: Pool2DInfo): Int32Array {
  const g = poolGeometry;
  g[0] = info.batch; g[1] = info.inHeight; g[2] = info.inWidth; g[3] = info.channels;
  g[4] = info.outHeight; g[5] = info.outWidth;
  g[6] = info.poolHeight; g[7] = info.poolWidth;
  g[8] = info.strideHeight; g[9] = info.strideWidth;
  g[10] = info.padTop; g[11] = info.padLeft; g[12] = info.padBottom; g[13] = info.padRight;
  return g;
}

/**
 * [outer, r, inner] when reducing `axes` of `shape` is one reduction over a single run of adjacent
 * axes (size-1 axes ignored), as the JS kernel would merge them; null otherwise.
 */
function singleBlock(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  const reduced = new Array<boolean>(shape.length).fill(false);
  for (const a of axes) reduced[a] = true;
  let outer = 1, r = 1, inner = 1, phase = 0; // 0: before the reduced run, 1: in it, 2: after it
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    if (reduced[d]) {
      if (phase === 2) return null;
      phase = 1;
      r *= shape[d];
    } else if (phase === 0) {
      outer *= shape[d];
    } else {
      phase = 2;
      inner *= shape[d];
    }
  }
  return phase === 0 ? null : [outer, r, inner];
}

function f32(...arrays: (NumericArray | null)[]): boolean {
  for (const a of arrays) if (a !== null && !(a instanceof Float32Array)) return false;
  return true;
}

/** The optional array as the addon takes it (the caller has checked that it is float32). */
const opt = (a: NumericArray | null | undefined): Float32Array | null => (a && a.length > 0 ? (a as Float32Array) : null);

const optimizerScalars = new Float32Array(8);
function packOptimizerScalars(u: OptimizerUpdate): Float32Array {
  const s = optimizerScalars;
  s.fill(0);
  switch (u.kind) {
    case "sgd": s[0] = u.lr; break;
    case "momentum": s[0] = u.lr; s[1] = u.momentum; break;
    case "adam": s[2] = u.alpha; s[3] = u.oneMinusBeta1; s[4] = u.oneMinusBeta2; s[5] = u.epsilon; break;
    case "rmsprop": s[0] = u.lr; s[1] = u.momentum; s[5] = u.epsilon; s[6] = u.rho; s[7] = u.oneMinusRho; break;
  }
  return s;
}

/** The native backend over a loaded addon: float32 kernels natively, the rest from `js`. */
export function createNativeBackend(native: NativeAddon): Backend {
  const js = createJsBackend();
  const unaryIndex = new Map(NATIVE_UNARY.map((op, i) => [op, i]));
  const binaryIndex = new Map(NATIVE_BINARY.map((op, i) => [op, i]));
  const compareIndex = new Map(NATIVE_COMPARE.map((op, i) => [op, i]));
  const predicateIndex = new Map(NATIVE_PREDICATE.map((op, i) => [op, i]));
  return {
    ...js,
    name: "native",
    unary(op, x, out, alpha) {
      const p = predicateIndex.get(op);
      if (p !== undefined && x.length >= ELEMENTWISE_MIN && x instanceof Float32Array && out instanceof Uint8Array) {
        native.predicate(p, x, out);
        return;
      }
      const i = unaryIndex.get(op);
      if (i === undefined || x.length < ELEMENTWISE_MIN || !(x instanceof Float32Array) || !(out instanceof Float32Array) ||
        !native.unary(i, x, out, alpha)) {
        js.unary(op, x, out, alpha);
      }
    },
    unaryGrad(op, x, y, dy, dx, alpha) {
      const i = unaryIndex.get(op);
      if (i === undefined || x.length < ELEMENTWISE_MIN || !f32(x, y, dy, dx) ||
        !native.unaryGrad(i, x as Float32Array, y as Float32Array, dy as Float32Array, dx as Float32Array, alpha)) {
        js.unaryGrad(op, x, y, dy, dx, alpha);
      }
    },
    sortIndices(x, rows, n, k, descending, out) {
      if (rows * n < SORT_MIN || x instanceof BigInt64Array || !native.sortIndices(x, rows, n, k, descending, out)) {
        js.sortIndices(x, rows, n, k, descending, out);
      }
    },
    cumulative(op, x, outer, n, inner, exclusive, reverse, out) {
      if (x.length < ELEMENTWISE_MIN || !native.cumulative(op === "prod", x, outer, n, inner, exclusive, reverse, out)) {
        js.cumulative(op, x, outer, n, inner, exclusive, reverse, out);
      }
    },
    bincount(x, rows, n, weights, size, out) {
      if (x.length < ELEMENTWISE_MIN || !native.bincount(x, rows, n, weights, size, out)) {
        js.bincount(x, rows, n, weights, size, out);
      }
    },
    reduce(op, x, shape, axes, out) {
      const block = (op === "sum" || op === "mean") && x.length >= ELEMENTWISE_MIN && x instanceof Float32Array &&
        out instanceof Float32Array ? singleBlock(shape, axes) : null;
      if (block === null) {
        js.reduce(op, x, shape, axes, out);
        return;
      }
      let count = 1;
      for (const a of axes) count *= shape[a];
      native.reduceSum(x as Float32Array, out as Float32Array, block[0], block[1], block[2], op === "mean" ? count : 1);
    },
    softmax(x, rows, cols, out) {
      if (x instanceof Float32Array && out instanceof Float32Array) native.softmax(x, out, rows, cols, false);
      else js.softmax(x, rows, cols, out);
    },
    logSoftmax(x, rows, cols, out) {
      if (x instanceof Float32Array && out instanceof Float32Array) native.softmax(x, out, rows, cols, true);
      else js.logSoftmax(x, rows, cols, out);
    },
    softmaxGrad(y, dy, rows, cols, dx) {
      if (f32(y, dy, dx)) native.softmaxGrad(y as Float32Array, dy as Float32Array, dx as Float32Array, rows, cols);
      else js.softmaxGrad(y, dy, rows, cols, dx);
    },
    binary(op, a, aShape, b, bShape, out, outShape) {
      const c = compareIndex.get(op);
      if (c !== undefined && out.length >= ELEMENTWISE_MIN && a instanceof Float32Array && b instanceof Float32Array &&
        out instanceof Uint8Array) {
        native.compare(c, a, aShape, b, bShape, out, outShape);
        return;
      }
      const i = JS_FASTER.has(op) ? undefined : binaryIndex.get(op);
      if (i === undefined || out.length < ELEMENTWISE_MIN || !(a instanceof Float32Array) || !(b instanceof Float32Array) ||
        !(out instanceof Float32Array) || !native.binary(i, a, aShape, b, bShape, out, outShape)) {
        js.binary(op, a, aShape, b, bShape, out, outShape);
      }
    },
    select(cond, condShape, a, aShape, b, bShape, out, outShape) {
      const n = out.length;
      // The addon's float32 select only moves elements, so int32 (any 4-byte dtype) runs on it as
      // float32 views of the same bytes, its bits copied unchanged.
      if (n >= ELEMENTWISE_MIN && cond.length === n && (a.length === n || a.length === 1) && (b.length === n || b.length === 1) &&
        out.BYTES_PER_ELEMENT === 4 && a.BYTES_PER_ELEMENT === 4 && b.BYTES_PER_ELEMENT === 4) {
        native.select(cond, float32View(a), float32View(b), float32View(out));
      } else {
        js.select(cond, condShape, a, aShape, b, bShape, out, outShape);
      }
    },
    matmul(a, b, out, batch, m, k, n, transposeA, transposeB, aBatchStride, bBatchStride) {
      if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) {
        native.matmul(a, b, out, batch, m, k, n, transposeA, transposeB, aBatchStride, bBatchStride);
      } else {
        js.matmul(a, b, out, batch, m, k, n, transposeA, transposeB, aBatchStride, bBatchStride);
      }
    },
    conv2d(x, filter, out, info) {
      if (f32(x, filter, out)) native.conv2d(x as Float32Array, filter as Float32Array, out as Float32Array, convInfo(info));
      else js.conv2d(x, filter, out, info);
    },
    conv2dBackpropInput(dy, filter, dx, info) {
      if (f32(dy, filter, dx)) {
        native.conv2dBackpropInput(dy as Float32Array, filter as Float32Array, dx as Float32Array, convInfo(info));
      } else {
        js.conv2dBackpropInput(dy, filter, dx, info);
      }
    },
    conv2dBackpropFilter(x, dy, dw, info) {
      if (f32(x, dy, dw)) {
        native.conv2dBackpropFilter(x as Float32Array, dy as Float32Array, dw as Float32Array, convInfo(info));
      } else {
        js.conv2dBackpropFilter(x, dy, dw, info);
      }
    },
    imageTransform(x, transforms, out, info) {
      if (f32(x, out)) native.imageTransform(x as Float32Array, transforms, out as Float32Array, transformInfo(info), info.fillValue);
      else js.imageTransform(x, transforms, out, info);
    },
    imageTransformGrad(dy, transforms, dx, info) {
      if (f32(dy, dx)) native.imageTransformGrad(dy as Float32Array, transforms, dx as Float32Array, transformInfo(info), info.fillValue);
      else js.imageTransformGrad(dy, transforms, dx, info);
    },
    maxPool(x, out, info) {
      if (f32(x, out)) native.maxPool(x as Float32Array, out as Float32Array, poolInfo(info));
      else js.maxPool(x, out, info);
    },
    maxPoolGrad(x, dy, dx, info) {
      if (f32(x, dy, dx)) native.maxPoolGrad(x as Float32Array, dy as Float32Array, dx as Float32Array, poolInfo(info));
      else js.maxPoolGrad(x, dy, dx, info);
    },
    maxPoolWithArgmax(x, out, argmax, info) {
      if (f32(x, out)) native.maxPoolWithArgmax(x as Float32Array, out as Float32Array, argmax, poolInfo(info));
      else js.maxPoolWithArgmax(x, out, argmax, info);
    },
    maxPoolGradFromArgmax(argmax, dy, dx, info) {
      if (f32(dy, dx)) native.maxPoolGradFromArgmax(argmax, dy as Float32Array, dx as Float32Array, poolInfo(info));
      else js.maxPoolGradFromArgmax(argmax, dy, dx, info);
    },
    avgPool(x, out, info) {
      if (f32(x, out)) native.avgPool(x as Float32Array, out as Float32Array, poolInfo(info));
      else js.avgPool(x, out, info);
    },
    avgPoolGrad(dy, dx, info) {
      if (f32(dy, dx)) native.avgPoolGrad(dy as Float32Array, dx as Float32Array, poolInfo(info));
      else js.avgPoolGrad(dy, dx, info);
    },
    biasActivation(y, rows, channels, bias, activation) {
      if (f32(y, bias)) native.biasActivation(y as Float32Array, rows, channels, opt(bias), FUSED_ACTIVATIONS.indexOf(activation));
      else js.biasActivation(y, rows, channels, bias, activation);
    },
    biasActivationGrad(dy, y, rows, channels, activation, dz, dbias) {
      if (f32(dy, y, dz, dbias)) {
        native.biasActivationGrad(dy as Float32Array, y as Float32Array, rows, channels, FUSED_ACTIVATIONS.indexOf(activation), dz as Float32Array, opt(dbias));
      } else {
        js.biasActivationGrad(dy, y, rows, channels, activation, dz, dbias);
      }
    },
    conv2dBackpropFilterBiasActivation(x, dy, y, activation, dw, dbias, info) {
      if (f32(x, dy, y, dw, dbias)) {
        native.conv2dBackpropFilterBiasActivation(x as Float32Array, dy as Float32Array, y as Float32Array, FUSED_ACTIVATIONS.indexOf(activation),
          dw as Float32Array, opt(dbias), convInfo(info));
      } else {
        js.conv2dBackpropFilterBiasActivation(x, dy, y, activation, dw, dbias, info);
      }
    },
    conv2dBiasActivation(x, filter, bias, activation, out, info) {
      if (f32(x, filter, bias, out)) {
        native.conv2dBiasActivation(x as Float32Array, filter as Float32Array, opt(bias), FUSED_ACTIVATIONS.indexOf(activation), out as Float32Array, convInfo(info));
      } else {
        js.conv2dBiasActivation(x, filter, bias, activation, out, info);
      }
    },
    matmulBiasActivation(a, b, bias, activation, out, m, k, n, transposeA, transposeB) {
      if (f32(a, b, bias, out)) {
        native.matmulBiasActivation(a as Float32Array, b as Float32Array, opt(bias), FUSED_ACTIVATIONS.indexOf(activation), out as Float32Array,
          m, k, n, transposeA, transposeB);
      } else {
        js.matmulBiasActivation(a, b, bias, activation, out, m, k, n, transposeA, transposeB);
      }
    },
    batchNormTraining(x, rows, channels, gamma, beta, epsilon, y, mean, variance, saved) {
      if (f32(x, gamma, beta, y, mean, variance)) {
        native.batchNormTraining(x as Float32Array, rows, channels, opt(gamma), opt(beta), epsilon, y as Float32Array,
          mean as Float32Array, variance as Float32Array, saved);
      } else {
        js.batchNormTraining(x, rows, channels, gamma, beta, epsilon, y, mean, variance, saved);
      }
    },
    batchNormTrainingGrad(x, dy, rows, channels, gamma, saved, dx, dgamma, dbeta) {
      if (f32(x, dy, gamma, dx, dgamma, dbeta)) {
        native.batchNormTrainingGrad(x as Float32Array, dy as Float32Array, rows, channels, opt(gamma), saved, dx as Float32Array, opt(dgamma), opt(dbeta));
      } else {
        js.batchNormTrainingGrad(x, dy, rows, channels, gamma, saved, dx, dgamma, dbeta);
      }
    },
    channelAffine(x, rows, channels, scale, shift, out) {
      if (f32(x, out)) native.channelAffine(x as Float32Array, rows, channels, scale, shift, out as Float32Array);
      else js.channelAffine(x, rows, channels, scale, shift, out);
    },
    lstmCell(xp, hr, cPrev, rows, units, h, c) {
      if (f32(xp, hr, cPrev, h, c)) native.lstmCell(xp as Float32Array, hr as Float32Array, cPrev as Float32Array, rows, units, h as Float32Array, c as Float32Array);
      else js.lstmCell(xp, hr, cPrev, rows, units, h, c);
    },
    gruCell(xp, hr, hh, hPrev, rows, units, h) {
      if (f32(xp, hr, hPrev, h) && (hh === null || hh instanceof Float32Array)) {
        native.gruCell(xp as Float32Array, hr as Float32Array, hh, hPrev as Float32Array, rows, units, h as Float32Array);
      } else {
        js.gruCell(xp, hr, hh, hPrev, rows, units, h);
      }
    },
    gruResetGate(xp, hr, hPrev, rows, units, rh) {
      if (f32(xp, hr, hPrev, rh)) native.gruResetGate(xp as Float32Array, hr as Float32Array, hPrev as Float32Array, rows, units, rh as Float32Array);
      else js.gruResetGate(xp, hr, hPrev, rows, units, rh);
    },
    signedPower(x, rows, channels, p, eps, out) {
      if (f32(x, p, out)) native.signedPower(x as Float32Array, rows, channels, p as Float32Array, eps, out as Float32Array);
      else js.signedPower(x, rows, channels, p, eps, out);
    },
    signedPowerGrad(x, y, dy, rows, channels, p, eps, dx, dp) {
      if (f32(x, y, dy, p, dx, dp)) {
        native.signedPowerGrad(x as Float32Array, y as Float32Array, dy as Float32Array, rows, channels, p as Float32Array, eps,
          dx as Float32Array, dp as Float32Array | null);
      } else {
        js.signedPowerGrad(x, y, dy, rows, channels, p, eps, dx, dp);
      }
    },
    optimizerUpdate(update, w, g, slots, wOut, slotsOut) {
      if (w.length < ELEMENTWISE_MIN || !f32(w, g, wOut, ...slots, ...slotsOut)) {
        js.optimizerUpdate(update, w, g, slots, wOut, slotsOut);
        return;
      }
      native.optimizerUpdate(OPTIMIZER_KINDS.indexOf(update.kind), packOptimizerScalars(update), update.kind === "momentum" && update.nesterov,
        w as Float32Array, g as Float32Array, opt(slots[0]), opt(slots[1]), opt(slots[2]), wOut as Float32Array,
        opt(slotsOut[0]), opt(slotsOut[1]), opt(slotsOut[2]));
    },
  };
}

/*
 * Registration: "native" is preferred whenever the addon loads, unless LAMINA_BACKEND=js asks for
 * the reference. Without the addon, "js" stays the default and one line on stderr says why.
 */
const requested = typeof process !== "undefined" ? process.env.LAMINA_BACKEND : undefined;
if (addon !== null) {
  const loaded = addon;
  registerBackend("native", () => createNativeBackend(loaded), { preferred: requested !== "js" });
} else if (requested !== "js") {
  process.stderr.write(
    "lamina: the native addon is not built (build/Release/lamina.node); using the slower JS backend. " +
      "Build it with `npm run build:native`.\n",
  );
}
