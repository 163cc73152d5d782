import type { NumericArray, TypedArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";

/**
 * Kernels only: no autodiff, no layers, no Tensor objects. Every kernel reads its inputs and
 * writes into output arrays the op allocated; a kernel may allocate scratch typed arrays.
 * Float kernels receive Float32Array or Float64Array; comparison/selection kernels may also
 * receive Int32Array, Uint8Array or BigInt64Array.
 */
export type UnaryOp =
  | "neg" | "abs" | "sign" | "square" | "sqrt" | "rsqrt" | "exp" | "log" | "log1p" | "expm1"
  | "reciprocal" | "floor" | "ceil" | "round" | "sin" | "cos" | "erf"
  | "relu" | "relu6" | "leakyRelu" | "elu" | "selu" | "gelu" | "geluTanh" | "sigmoid" | "tanh"
  | "softplus" | "softsign" | "swish" | "logicalNot" | "isNaN" | "isFinite";

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "floorDiv" | "mod"
  | "squaredDifference" | "atan2"
  | "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual"
  | "logicalAnd" | "logicalOr";

export type ReduceOp = "sum" | "mean" | "max" | "min" | "prod" | "logSumExp";

/** Everything a 2-D convolution kernel needs, resolved by the op (NHWC, filter [kh, kw, in, out]). */
export interface Conv2DInfo {
  batch: number;
  inHeight: number; inWidth: number; inChannels: number;
  outHeight: number; outWidth: number; outChannels: number;
  filterHeight: number; filterWidth: number;
  strideHeight: number; strideWidth: number;
  dilationHeight: number; dilationWidth: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
  /** depthwise: filter [kh, kw, in, multiplier], outChannels = in * multiplier */
  depthwise: boolean;
}

/** Pooling geometry, NHWC; channels are pooled independently. */
export interface Pool2DInfo {
  batch: number;
  inHeight: number; inWidth: number; channels: number;
  outHeight: number; outWidth: number;
  poolHeight: number; poolWidth: number;
  strideHeight: number; strideWidth: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
}

export interface Backend {
  readonly name: string;

  /** out[i] = op(x[i]); `alpha` is the slope/scale of leakyRelu and elu. */
  unary(op: UnaryOp, x: NumericArray, out: NumericArray, alpha: number): void;
  /** dx[i] = dy[i] * op'(x[i]) where `y` is the op's own output (some derivatives are cheaper from it). */
  unaryGrad(op: UnaryOp, x: NumericArray, y: NumericArray, dy: NumericArray, dx: NumericArray, alpha: number): void;
  /** Elementwise with NumPy broadcasting of aShape and bShape to outShape. */
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  /** out = cond ? a : b with broadcasting of all three to outShape. */
  select(cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  /** out = clamp(x, lo, hi). */
  clip(x: NumericArray, lo: number, hi: number, out: NumericArray): void;

  /** Reduce `x` of `shape` over sorted `axes`; out holds the remaining axes in order. */
  reduce(op: ReduceOp, x: NumericArray, shape: Shape, axes: readonly number[], out: NumericArray): void;
  /** Index of the max/min along one axis (first one on ties), written as int32. */
  argReduce(op: "argMax" | "argMin", x: TypedArray, shape: Shape, axis: number, out: Int32Array): void;

  transpose(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void;
  /** out[i...] = x[begin + i * strides] for an output of outShape (strides may be negative). */
  stridedSlice(x: TypedArray, shape: Shape, begin: readonly number[], strides: readonly number[], outShape: Shape, out: TypedArray): void;
  /** The adjoint of stridedSlice: dx (zero-filled, of xShape) gets dy scattered into the sliced positions. */
  stridedSliceGrad(dy: NumericArray, outShape: Shape, begin: readonly number[], strides: readonly number[], xShape: Shape, dx: NumericArray): void;
  /** Constant padding; paddings[d] = [before, after]. */
  pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number, out: TypedArray): void;
  /** Concatenate along `axis`; every input has the output's shape except along the axis. */
  concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number, out: TypedArray): void;
  /** out = x taken at `indices` along `axis` (indices already validated). */
  gather(x: TypedArray, shape: Shape, indices: Int32Array, axis: number, out: TypedArray): void;
  /** The adjoint of gather: dx (zero-filled) += dy at the gathered positions. */
  gatherGrad(dy: NumericArray, indices: Int32Array, axis: number, xShape: Shape, dx: NumericArray): void;
  tile(x: TypedArray, shape: Shape, reps: readonly number[], out: TypedArray): void;
  broadcastTo(x: TypedArray, shape: Shape, outShape: Shape, out: TypedArray): void;
  /** out[i, indices[i]] = on, others off; indices outside [0, depth) give a row of `off`. */
  oneHot(indices: Int32Array, depth: number, on: number, off: number, out: NumericArray): void;

  /**
   * Batched C = op(A) @ op(B). A is [batch?, m, k] (or [k, m] per batch when transposeA), B is
   * [k, n] (or [n, k]); aBatchStride/bBatchStride are 0 to broadcast one matrix over the batch.
   */
  matmul(a: NumericArray, b: NumericArray, out: NumericArray, batch: number, m: number, k: number, n: number,
    transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number): void;

  softmax(x: NumericArray, rows: number, cols: number, out: NumericArray): void;
  logSoftmax(x: NumericArray, rows: number, cols: number, out: NumericArray): void;

  conv2d(x: NumericArray, filter: NumericArray, out: NumericArray, info: Conv2DInfo): void;
  /** dx (zero-filled, input shape) from dy (output shape). */
  conv2dBackpropInput(dy: NumericArray, filter: NumericArray, dx: NumericArray, info: Conv2DInfo): void;
  /** dw (zero-filled, filter shape) from the input and dy. */
  conv2dBackpropFilter(x: NumericArray, dy: NumericArray, dw: NumericArray, info: Conv2DInfo): void;

  maxPool(x: NumericArray, out: NumericArray, info: Pool2DInfo): void;
  /** dx (zero-filled): each window's dy goes to its first maximal input cell. */
  maxPoolGrad(x: NumericArray, dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void;
  /** Average over the real (non-padding) cells of each window. */
  avgPool(x: NumericArray, out: NumericArray, info: Pool2DInfo): void;
  avgPoolGrad(dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void;
}
