import type { NumericArray, TypedArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";

/**
 * Kernels only: no autodiff, no layers, no Tensor objects. Every kernel reads its inputs and
 * writes into output arrays the op allocated; a kernel may allocate scratch typed arrays.
 * Float kernels receive Float32Array or Float64Array; comparison/selection kernels may also
 * receive Int32Array, Uint8Array or BigInt64Array, and the integer arithmetic of unary (neg, abs,
 * sign, square, relu, relu6), binary, reduce, matmul and clip also runs on int64 (BigInt64Array,
 * wrapping around as TF's int64 does).
 */
export type UnaryOp =
  | "neg" | "abs" | "sign" | "square" | "sqrt" | "rsqrt" | "exp" | "log" | "log1p" | "expm1"
  | "reciprocal" | "floor" | "ceil" | "round" | "sin" | "cos" | "erf"
  | "relu" | "relu6" | "leakyRelu" | "elu" | "selu" | "gelu" | "geluTanh" | "sigmoid" | "tanh"
  | "softplus" | "softsign" | "swish" | "logicalNot" | "isNaN" | "isFinite"
  | "tan" | "sinh" | "cosh" | "asin" | "acos" | "atan" | "asinh" | "acosh" | "atanh" | "log2" | "log10";

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
  /**
   * Grouped convolution (1 for an ordinary one; always 1 when depthwise): input channel block g
   * (inChannels / groups channels) meets filter columns and output channel block g (outChannels /
   * groups each), with the filter [kh, kw, inChannels / groups, outChannels]. groups ===
   * inChannels has the depthwise filter's memory layout (multiplier outChannels / inChannels).
   */
  groups: number;
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

/**
 * Everything a 3-D convolution kernel needs, resolved by the op (NDHWC, filter [kd, kh, kw,
 * in / groups, out]). Strides and dilations may both exceed 1 (torch's conv3d allows it).
 */
export interface Conv3DInfo {
  batch: number;
  inDepth: number; inHeight: number; inWidth: number; inChannels: number;
  outDepth: number; outHeight: number; outWidth: number; outChannels: number;
  filterDepth: number; filterHeight: number; filterWidth: number;
  strideDepth: number; strideHeight: number; strideWidth: number;
  dilationDepth: number; dilationHeight: number; dilationWidth: number;
  padFront: number; padTop: number; padLeft: number;
  /** As Conv2DInfo's: input channel block g meets output channel block g only. */
  groups: number;
}

/** 3-D pooling geometry, NDHWC; channels are pooled independently. */
export interface Pool3DInfo {
  batch: number;
  inDepth: number; inHeight: number; inWidth: number; channels: number;
  outDepth: number; outHeight: number; outWidth: number;
  poolDepth: number; poolHeight: number; poolWidth: number;
  strideDepth: number; strideHeight: number; strideWidth: number;
  padFront: number; padTop: number; padLeft: number;
}

/**
 * A projective image transform (tf.image.transform), NHWC. Each transform row
 * [a0, a1, a2, b0, b1, b2, c0, c1] maps the output point (x, y) to the input point
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with k = c0 x + c1 y + 1.
 */
export interface ImageTransformInfo {
  batch: number;
  inHeight: number; inWidth: number; channels: number;
  outHeight: number; outWidth: number;
  /** true: one transform row per image; false: one row for every image. */
  perImage: boolean;
  interpolation: "nearest" | "bilinear";
  /** How samples outside the input are read: half-sample reflection, periodic, fillValue, or the edge. */
  fillMode: "reflect" | "wrap" | "constant" | "nearest";
  fillValue: number;
}

/** The activations that fused bias kernels apply ("linear": none). */
export type FusedActivation = "linear" | "relu";

/**
 * Hyperparameters of one fused optimizer update, as the composite Keras formulas would see them:
 * every scalar already in the variable's dtype (for float32, rounded with Math.fround), so the
 * fused kernel rounds each intermediate exactly as the elementwise ops it replaces.
 */
export type OptimizerUpdate =
  | { kind: "sgd"; lr: number }
  | { kind: "momentum"; lr: number; momentum: number; nesterov: boolean }
  | { kind: "adam"; alpha: number; oneMinusBeta1: number; oneMinusBeta2: number; epsilon: number; amsgrad: boolean }
  | { kind: "rmsprop"; lr: number; rho: number; oneMinusRho: number; epsilon: number; momentum: number; centered: boolean };

export interface Backend {
  readonly name: string;

  /** out[i] = op(x[i]); `alpha` is the slope/scale of leakyRelu and elu. */
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void;
  /** dx[i] = dy[i] * op'(x[i]) where `y` is the op's own output (some derivatives are cheaper from it). */
  unaryGrad(op: UnaryOp, x: NumericArray, y: NumericArray, dy: NumericArray, dx: NumericArray, alpha: number): void;
  /** Elementwise with NumPy broadcasting of aShape and bShape to outShape. */
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  /** out = cond ? a : b with broadcasting of all three to outShape. */
  select(cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  /** out = clamp(x, lo, hi). */
  clip(x: TypedArray, lo: number, hi: number, out: TypedArray): void;

  /** Reduce `x` of `shape` over sorted `axes`; out holds the remaining axes in order. */
  reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray): void;
  /** Index of the max/min along one axis (first one on ties), written as int32. */
  argReduce(op: "argMax" | "argMin", x: TypedArray, shape: Shape, axis: number, out: Int32Array): void;
  /**
   * For each row of x viewed as [rows, n], the indices ([rows, k]) of its first k elements in sorted
   * order, ascending or descending, NaN counting as the largest value and equal values kept in
   * index order.
   */
  sortIndices(x: TypedArray, rows: number, n: number, k: number, descending: boolean, out: Int32Array): void;
  /**
   * Running sums or products along the middle axis of x viewed as [outer, n, inner], each step
   * rounded (or wrapped) to out's dtype; exclusive leaves each element out, reverse runs backwards.
   */
  cumulative(op: "sum" | "prod", x: NumericArray, outer: number, n: number, inner: number,
    exclusive: boolean, reverse: boolean, out: NumericArray): void;
  /**
   * Per row of x viewed as [rows, n], out[row, v] (zero-filled, [rows, size]) += 1, or the weight
   * at the same position, for every element v of the row in [0, size); others are skipped.
   */
  bincount(x: Int32Array, rows: number, n: number, weights: NumericArray | null, size: number, out: NumericArray): void;

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
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, batch: number, m: number, k: number, n: number,
    transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number): void;

  softmax(x: NumericArray, rows: number, cols: number, out: NumericArray): void;
  logSoftmax(x: NumericArray, rows: number, cols: number, out: NumericArray): void;
  /**
   * The softmax gradient over rows of `cols` from its output y: dx = y * (dy - s), s = sum(dy * y)
   * over the row, rounded as the ops it replaces (mul, sum over the last axis, sub, mul) round.
   */
  softmaxGrad(y: NumericArray, dy: NumericArray, rows: number, cols: number, dx: NumericArray): void;

  conv2d(x: NumericArray, filter: NumericArray, out: NumericArray, info: Conv2DInfo): void;
  /** dx (zero-filled, input shape) from dy (output shape). */
  conv2dBackpropInput(dy: NumericArray, filter: NumericArray, dx: NumericArray, info: Conv2DInfo): void;
  /** dw (zero-filled, filter shape) from the input and dy. */
  conv2dBackpropFilter(x: NumericArray, dy: NumericArray, dw: NumericArray, info: Conv2DInfo): void;

  maxPool(x: NumericArray, out: NumericArray, info: Pool2DInfo): void;
  /** dx (zero-filled): each window's dy goes to its first maximal input cell, or its last NaN. */
  maxPoolGrad(x: NumericArray, dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void;
  /**
   * maxPool, also writing per output element the plane index iy * inWidth + ix of the input cell
   * maxPoolGrad would send its gradient to (-1 for a window of padding only).
   */
  maxPoolWithArgmax(x: NumericArray, out: NumericArray, argmax: Int32Array, info: Pool2DInfo): void;
  /** dx (every element written): maxPoolGrad's result, from the argmax maxPoolWithArgmax wrote instead of x. */
  maxPoolGradFromArgmax(argmax: Int32Array, dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void;
  /** Average over the real (non-padding) cells of each window. */
  avgPool(x: NumericArray, out: NumericArray, info: Pool2DInfo): void;
  avgPoolGrad(dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void;

  conv3d(x: NumericArray, filter: NumericArray, out: NumericArray, info: Conv3DInfo): void;
  /** dx (every element written, input shape) from dy (output shape). */
  conv3dBackpropInput(dy: NumericArray, filter: NumericArray, dx: NumericArray, info: Conv3DInfo): void;
  /** dw (every element written, filter shape) from the input and dy. */
  conv3dBackpropFilter(x: NumericArray, dy: NumericArray, dw: NumericArray, info: Conv3DInfo): void;
  /**
   * Per output element, the flat input index of its window's first maximal cell in (d, h, w)
   * order, or of its last NaN; the op gathers the values (and scatters gradients) by it.
   */
  maxPool3dArgmax(x: NumericArray, argmax: Int32Array, info: Pool3DInfo): void;
  /** Average over the real (non-padding) cells of each window. */
  avgPool3d(x: NumericArray, out: NumericArray, info: Pool3DInfo): void;
  /** The adjoint of avgPool3d: dx (every element written). */
  avgPool3dGrad(dy: NumericArray, dx: NumericArray, info: Pool3DInfo): void;

  /** out [batch, outHeight, outWidth, channels] sampled from x [batch, inHeight, inWidth, channels]; transforms holds 8 numbers per row. */
  imageTransform(x: NumericArray, transforms: Float64Array, out: NumericArray, info: ImageTransformInfo): void;
  /** The adjoint of imageTransform with respect to x: dx (input shape, overwritten) gathers every output sample's dy by its weights. */
  imageTransformGrad(dy: NumericArray, transforms: Float64Array, dx: NumericArray, info: ImageTransformInfo): void;

  // ---------------------------------------------------------------- fused kernels (x viewed as [rows, channels])

  /** y[r, c] = act(y[r, c] + bias[c]) in place; bias may be null (activation only). */
  biasActivation(y: NumericArray, rows: number, channels: number, bias: NumericArray | null, activation: FusedActivation): void;
  /**
   * The backward pass of biasActivation from its output y: dz = dy * act'(y), and when dbias is
   * given, dbias[c] = sum over rows of dz[r, c].
   */
  biasActivationGrad(dy: NumericArray, y: NumericArray, rows: number, channels: number, activation: FusedActivation,
    dz: NumericArray, dbias: NumericArray | null): void;
  /**
   * conv2dBackpropFilter of dz into dw, and dbias (when given), where dz and dbias are
   * biasActivationGrad's from dy and the output y of conv2dBiasActivation, in one pass where the
   * backend can (dz is never written): the backward pass of a fused convolution whose input needs
   * no gradient (a first layer).
   */
  conv2dBackpropFilterBiasActivation(x: NumericArray, dy: NumericArray, y: NumericArray, activation: FusedActivation,
    dw: NumericArray, dbias: NumericArray | null, info: Conv2DInfo): void;
  /** conv2d followed by biasActivation on the output, in one pass where the backend can. */
  conv2dBiasActivation(x: NumericArray, filter: NumericArray, bias: NumericArray | null, activation: FusedActivation,
    out: NumericArray, info: Conv2DInfo): void;
  /** out[m, n] = act(op(A) @ op(B) + bias) for one matrix product (no batch). */
  matmulBiasActivation(a: NumericArray, b: NumericArray, bias: NumericArray | null, activation: FusedActivation,
    out: NumericArray, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): void;

  /**
   * Batch normalization in training: per channel, the batch mean and biased variance over the rows
   * (summed in double), then y = x * scale + shift with scale = gamma / sqrt(var + eps) and
   * shift = beta - mean * scale (computed in double, rounded once). gamma/beta may be null (1 and 0).
   * `saved` ([2 * channels] float64) receives the mean and 1 / sqrt(var + eps) for the backward pass.
   */
  batchNormTraining(x: NumericArray, rows: number, channels: number, gamma: NumericArray | null, beta: NumericArray | null,
    epsilon: number, y: NumericArray, mean: NumericArray, variance: NumericArray, saved: Float64Array): void;
  /**
   * The backward pass of batchNormTraining (through the batch statistics): with xhat = (x - mean) *
   * invStd, dbeta = sum dy, dgamma = sum dy * xhat and dx = gamma * invStd * (dy - dbeta / rows -
   * xhat * dgamma / rows). dgamma/dbeta may be null when not wanted.
   */
  batchNormTrainingGrad(x: NumericArray, dy: NumericArray, rows: number, channels: number, gamma: NumericArray | null,
    saved: Float64Array, dx: NumericArray, dgamma: NumericArray | null, dbeta: NumericArray | null): void;
  /** out[r, c] = x[r, c] * scale[c] + shift[c], computed in double and rounded once (inference batch normalization). */
  channelAffine(x: NumericArray, rows: number, channels: number, scale: Float64Array, shift: Float64Array, out: NumericArray): void;
  /**
   * out[r, c] = sign(x) * (|x| + eps)^p[c], as exp(p * log(|x| + eps)) in double, rounded once; a
   * zero keeps its sign and NaN stays NaN (the sharpening of sharpened cosine similarity).
   */
  signedPower(x: NumericArray, rows: number, channels: number, p: NumericArray, eps: number, out: NumericArray): void;
  /**
   * The backward pass of signedPower from its output y: dx = dy * p * |y| / (|x| + eps) (0 where x
   * is 0) and, when dp is given, dp[c] = sum over rows of dy * y * log(|x| + eps), summed in double.
   */
  signedPowerGrad(x: NumericArray, y: NumericArray, dy: NumericArray, rows: number, channels: number, p: NumericArray, eps: number,
    dx: NumericArray, dp: NumericArray | null): void;

  /**
   * One LSTM timestep after its matmuls, Keras' gates i, f, c, o (blocks of `units` columns) with
   * sigmoid gates and tanh activations: z = xp + hr, c = sigmoid(z_f) * cPrev + sigmoid(z_i) *
   * tanh(z_c), h = sigmoid(z_o) * tanh(c); xp, hr [rows, 4 * units], cPrev, h, c [rows, units].
   * Every intermediate is rounded to the arrays' dtype as the chain of elementwise ops it replaces
   * rounds it (the activations computed in double), so the values are those ops' values.
   */
  lstmCell(xp: NumericArray, hr: NumericArray, cPrev: NumericArray, rows: number, units: number, h: NumericArray, c: NumericArray): void;

  /**
   * One GRU timestep after its matmuls, Keras' blocks z, r, h (`units` columns each) with sigmoid
   * gates and a tanh candidate: z = sigmoid(xp_z + hr_z), h = z * hPrev + (1 - z) * tanh(xp_h +
   * rec). With hh null (reset_after), hr [rows, 3 * units] is hPrev @ recurrent_kernel + the
   * recurrent bias and rec = sigmoid(xp_r + hr_r) * hr_h; otherwise (reset before) hr [rows, 2 *
   * units] holds the z and r blocks and rec = hh [rows, units], (r * hPrev) @ the kernel's h block.
   * xp [rows, 3 * units]; hPrev, h [rows, units]. Rounded as the chain of elementwise ops it
   * replaces rounds (the activations computed in double), so the values are those ops' values.
   */
  gruCell(xp: NumericArray, hr: NumericArray, hh: NumericArray | null, hPrev: NumericArray, rows: number, units: number, h: NumericArray): void;

  /**
   * The reset-before GRU's input to its candidate matmul: rh = sigmoid(xp_r + hr_r) * hPrev, with
   * xp [rows, 3 * units] and hr [rows, 2 * units] as in gruCell; rounded as the composite ops.
   */
  gruResetGate(xp: NumericArray, hr: NumericArray, hPrev: NumericArray, rows: number, units: number, rh: NumericArray): void;

  /**
   * One optimizer step on one variable, from the current values (w, g and the slots) into fresh
   * outputs, rounding every intermediate as the composite Keras formula does. Slots by position:
   * momentum [velocity]; adam [m, v, vhat (amsgrad)]; rmsprop [velocity, momentum (present when the
   * optimizer's momentum is above 0), average gradient (centered)]; a position not used holds an
   * empty array.
   */
  optimizerUpdate(update: OptimizerUpdate, w: NumericArray, g: NumericArray, slots: readonly NumericArray[],
    wOut: NumericArray, slotsOut: readonly NumericArray[]): void;

  // ---------------------------------------------------------------- dense linear algebra (float64, matrices row-major one after another)

  /** Lower Cholesky factors of batch n x n matrices (lower triangle read); info[b] = k + 1 when leading minor k + 1 is not positive definite. */
  cholesky(a: Float64Array, batch: number, n: number, out: Float64Array, info: Int32Array): void;
  /** P A = L U with partial pivoting (L unit lower and U in lu, m x n); pivots[b, k] (0-based) swapped with row k; info[b] = k + 1 at the first zero pivot. */
  luFactor(a: Float64Array, batch: number, m: number, n: number, lu: Float64Array, pivots: Int32Array, info: Int32Array): void;
  /** X with A X = B from luFactor's output (square n x n), B n x k. */
  luSolve(lu: Float64Array, pivots: Int32Array, b: Float64Array, batch: number, n: number, k: number, out: Float64Array): void;
  /** X with op(A) X = B for triangular A (n x n, only the `lower` or upper triangle read), op(A) = A or A^T, B n x k. */
  triangularSolve(a: Float64Array, b: Float64Array, batch: number, n: number, k: number,
    lower: boolean, transposeA: boolean, unitDiagonal: boolean, out: Float64Array): void;
  /** Householder QR (LAPACK's signs): q m x kq, r kq x n, kq = m when complete else min(m, n). */
  qr(a: Float64Array, batch: number, m: number, n: number, complete: boolean, q: Float64Array, r: Float64Array): void;
  /** Ascending eigenvalues w and eigenvector columns v of symmetric n x n matrices (lower triangle read). */
  eigh(a: Float64Array, batch: number, n: number, w: Float64Array, v: Float64Array): void;
  /** Descending singular values (min(m, n)) and, when u and vt are given, u m x (full ? m : min) and vt (full ? n : min) x n. */
  svd(a: Float64Array, batch: number, m: number, n: number, fullMatrices: boolean,
    s: Float64Array, u: Float64Array | null, vt: Float64Array | null): void;

  // ---------------------------------------------------------------- signal (float64)

  /** Unnormalized complex DFT (inverse: e^+i) of `batch` rows of length n; out may alias the input. */
  fft(re: Float64Array, im: Float64Array, batch: number, n: number, inverse: boolean, outRe: Float64Array, outIm: Float64Array): void;
  /**
   * CTC negative log-likelihoods loss[b] of targets [batch, maxLabel] (the first targetLengths[b])
   * under log-probabilities logp [batch, steps, classes] (the first outputLengths[b] steps), and
   * their gradient with respect to logp (overwritten; zero past a sample's steps).
   */
  ctcLoss(logp: Float64Array, batch: number, steps: number, classes: number, targets: Int32Array, maxLabel: number,
    targetLengths: Int32Array, outputLengths: Int32Array, blank: number, loss: Float64Array, grad: Float64Array): void;
}
