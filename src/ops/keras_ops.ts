/**
 * keras.ops under its own names, camelCased (`ops.arctan2`, `ops.divideNoNan`, `ops.convTranspose`)
 * with Keras' positional arguments: `import { ops } from "lamina"`. Most names are lamina's ops
 * (re-exported or wrapped for Keras' argument order and defaults); the rest are built in
 * keras_numpy.ts and keras_conv.ts. Names that need a backend or complex dtypes lamina lacks throw.
 */
import { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { normalizeAxes, normalizeAxis, shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";
import { constant, eye as tfEye, fill, linspace as tfLinspace, range } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import * as red from "./reduce.js";
import * as shp from "./shape.js";
import * as act from "./activation.js";
import * as loss from "./loss.js";
import { batchNormalization as tfBatchNorm } from "./norm.js";
import { cumprod as tfCumprod, cumsum as tfCumsum } from "./cumulative.js";
import { topk } from "./sort.js";
import { cross as tfCross } from "./products.js";
import { fullLike as tfFullLike } from "./gradient_stop.js";
import { norm as tfNorm, type NormOrd } from "./linalg.js";
import { ctcDecode as tfCtcDecode } from "./ctc_decode.js";
import { stft as tfStft, istft as tfIstft, type StftWindow } from "./signal_stft.js";
import { type ComplexPair } from "./signal.js";
import { bincount as tfBincount } from "./count.js";
import { multiHot as tfMultiHot, segmentMax as tfSegmentMax } from "./scatter.js";
import { moveaxis as tfMoveaxis } from "./arrange.js";
import { nonzero as tfNonzero } from "./search.js";
import { whileLoop as tfWhileLoop, scan as tfScan } from "./control_flow.js";
import { expandLeading, customGradient as kCustomGradient } from "./keras_numpy.js";
import { logspace as tfLogspace } from "./sequences.js";
import * as flow from "./control_flow.js";
import * as sym from "./symbolic.js";
import { promoted } from "./keras_promote.js";
import { kerasFloatDType, kerasRound } from "./keras_float.js";

type AxisArg = number | readonly number[] | null;
const ax = (a: AxisArg): number | readonly number[] | undefined => a ?? undefined;

// ---- lamina ops under Keras' names, same arguments ----
export {
  erf, logicalAnd, logicalNot, logicalOr, logicalXor, neg as negative, reciprocal, rsqrt, sign, cast,
} from "./math.js";
// Members that cast int and bool input to a float as Keras' backend does (lamina's top-level ops refuse them, as TF).
export {
  abs, abs as absolute, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, ceil, cos, cosh, exp, expm1, floor,
  isfinite, isinf, isnan, log, log10, log1p, log2, sin, sinh, sqrt, square, tan, tanh, mean, std, median, quantile,
} from "./keras_float.js";
// Members that promote mixed dtypes as Keras does (lamina's top-level ops refuse them, as TF).
export {
  add, subtract, multiply, divide, trueDivide, power, maximum, minimum, mod, floorDivide, arctan2, logaddexp, divideNoNan,
  equal, notEqual, less, lessEqual, greater, greaterEqual, isclose, concatenate, stack, hstack, vstack,
  matmul, tensordot, outer, vdot, correlate, einsum, clip,
} from "./keras_promoted.js";
export { logSigmoid, erfinv, erfc } from "./special.js";
export { sum, prod, logSumExp as logsumexp, all, any } from "./reduce.js";
export {
  reshape, squeeze, transpose, slice,
} from "./shape.js";
export { stopGradient } from "./gradient_stop.js";
export { swapaxes, moveaxis, takeAlongAxis, roll, repeat, meshgrid } from "./arrange.js";
export { relu, relu6, selu, sigmoid, silu, swish, softplus, softsign, leakyRelu, elu } from "./activation.js";
export { broadcastTo } from "./broadcast.js";
export { argpartition, digitize, searchSorted as searchsorted, nonzero } from "./search.js";
export { argsort, sort, inTopK } from "./sort.js";
export { diag, diagonal, trace, tri } from "./diag.js";
export { diff } from "./sequences.js";
export { tril, triu } from "./linalg.js";
export { cholesky, eig, eigh, luFactor, qr, svd } from "./linalg_decompose.js";
export { det, inv, lstsq, slogdet, solve, solveTriangular } from "./linalg_solve.js";
export { countNonzero } from "./count.js";
export { sliceUpdate } from "./scatter.js";
export { normalize, psnr } from "./normalize.js";

export { fft, fft2, rfft, irfft } from "./signal.js";
export { extractSequences } from "./signal_frames.js";
export { ctcLoss } from "./ctc.js";
export { nanToNum } from "./math.js";
export { clone as copy } from "./shape.js";

// ---- built for keras.ops ----
export { conv, convTranspose, depthwiseConv, separableConv, averagePool, maxPoolNd as maxPool } from "./keras_conv.js";
export {
  ravel, flip, amax, amin, append, take, getItem, select, segmentSum, scatter, scatterUpdate, dot, average, full, vectorize,
  kerasVar as var,
} from "./keras_numpy.js";
import { epsilon } from "../tensor/config.js";
export * as image from "./image-namespace.js";
export * as linalg from "./linalg-namespace.js";
// keras.ops.nn and keras.ops.numpy hold subsets of keras.ops; here both are the whole namespace.
export * as nn from "./keras_ops.js";
export * as numpy from "./keras_ops.js";

// ---- lamina ops wrapped for Keras' arguments and defaults ----

/** keras.ops.array: a new tensor from x (copied), of dtype when given. */
function arrayEager(x: Input, dtype: DType | null = null): Tensor {
  const t = x instanceof Tensor ? shp.clone(x) : constant(x);
  return dtype === null || dtype === t.dtype ? t : m.cast(t, dtype);
}
export const array = sym.withSymbolic(arrayEager, (x, dtype = null) => sym.symbolicOp("Array", [x], {}, { dtype }));

/** keras.ops.convert_to_tensor (sparse tensors do not exist in lamina). */
export function convertToTensor(x: Input, dtype: DType | null = null, sparse: boolean | null = null): Tensor {
  if (sym.anySymbolic([...arguments])) throw sym.symbolicRefused("ops.convertToTensor", "Keras cannot convert a KerasTensor either: it has no values yet");
  if (sparse === true) throw new TypeError("ops.convertToTensor: sparse=true is not supported; lamina has dense tensors only, pass sparse null or false");
  const t = x instanceof Tensor ? x : constant(x);
  return dtype === null || dtype === t.dtype ? t : m.cast(t, dtype);
}

/** keras.ops.convert_to_numpy: JavaScript's counterpart of a numpy array, the nested array of x's values. */
export function convertToNumpy(x: Input): ReturnType<Tensor["arraySync"]> {
  return toTensor(x, "convertToNumpy").arraySync();
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
export function dtype(x: Input): DType {
  return toTensor(x, "dtype").dtype;
}
export function shape(x: Input): number[] {
  return [...toTensor(x, "shape").shape];
}
export function ndim(x: Input): number {
  return toTensor(x, "ndim").rank;
}
export function size(x: Input): number {
  return toTensor(x, "size").size;
}

/** numpy's real and imaginary parts of a real array (lamina has no complex dtype): x itself and zeros. */
function realEager(x: Input): Tensor {
  return toTensor(x, "real");
}
export const real = sym.withSymbolic(realEager, (x) => sym.symbolicOp("Real", [x]));
function imagEager(x: Input): Tensor {
  const t = toTensor(x, "imag");
  return tfFullLike(t, 0);
}
export const imag = sym.withSymbolic(imagEager, (x) => sym.symbolicOp("Imag", [x]));
/** numpy's conjugate of a real array: x itself. */
function conjEager(x: Input): Tensor {
  return toTensor(x, "conj");
}
export const conj = sym.withSymbolic(conjEager, (x) => sym.symbolicOp("Conjugate", [x]));
export { conj as conjugate };

export function zeros(shape_: readonly number[], dtype_: DType | null = null): Tensor {
  return fill(shape_, 0, dtype_ ?? "float32");
}
export function ones(shape_: readonly number[], dtype_: DType | null = null): Tensor {
  return fill(shape_, 1, dtype_ ?? "float32");
}
/** keras.ops.empty: lamina always initializes memory, so zeros. */
export function empty(shape_: readonly number[], dtype_: DType | null = null): Tensor {
  return zeros(shape_, dtype_);
}
function zerosLikeEager(x: Input, dtype_: DType | null = null): Tensor {
  return tfFullLike(x, 0, dtype_ ?? undefined);
}
export const zerosLike = sym.withSymbolic(zerosLikeEager, (x, dtype = null) => sym.symbolicOp("ZerosLike", [x], {}, { dtype }));
function onesLikeEager(x: Input, dtype_: DType | null = null): Tensor {
  return tfFullLike(x, 1, dtype_ ?? undefined);
}
export const onesLike = sym.withSymbolic(onesLikeEager, (x, dtype = null) => sym.symbolicOp("OnesLike", [x], {}, { dtype }));
function fullLikeEager(x: Input, fillValue: number | boolean, dtype_: DType | null = null): Tensor {
  return tfFullLike(x, fillValue, dtype_ ?? undefined);
}
export const fullLike = sym.withSymbolic(fullLikeEager, (x, fillValue, dtype = null) => sym.symbolicOp("FullLike", [x, fillValue], {}, { dtype }));
export function identity(n: number, dtype_: DType | null = null): Tensor {
  return tfEye(n, n, dtype_ ?? "float32");
}

/** keras.ops.eye: ones on the k-th diagonal of an N x M matrix. */
export function eye(N: number, M: number | null = null, k = 0, dtype_: DType | null = null): Tensor {
  const cols = M ?? N;
  if (!Number.isInteger(k)) throw new RangeError(`ops.eye: k must be an integer, got ${valueText(k)}`);
  if (k === 0) return tfEye(N, cols, dtype_ ?? "float32");
  const hit = m.equal(m.add(shp.expandDims(range(0, N, 1, "int32"), 1), k), shp.expandDims(range(0, cols, 1, "int32"), 0));
  return m.cast(hit, dtype_ ?? "float32");
}

/** keras.ops.arange: int32 when every argument is an integer, else float32 (Keras' inference). */
export function arange(start: number, stop: number | null = null, step = 1, dtype_: DType | null = null): Tensor {
  return stop === null ? range(0, start, step, dtype_ ?? undefined) : range(start, stop, step, dtype_ ?? undefined);
}

/** keras.ops.linspace for scalar start/stop; [values, step] with retstep. */
export function linspace(start: number, stop: number, num = 50, endpoint = true, retstep = false, dtype_: DType | null = null, axis = 0): Tensor | [Tensor, number] {
  if (sym.anySymbolic([...arguments])) throw sym.symbolicRefused("ops.linspace", "lamina computes its values at once from numbers; pass numbers");
  if (typeof start !== "number" || typeof stop !== "number") throw new TypeError("ops.linspace: start and stop must be numbers; tensor endpoints are not supported");
  if (axis !== 0 && axis !== -1) throw new RangeError(`ops.linspace: axis ${axis} does not exist for scalar start and stop (the result is 1-D); use 0`);
  const d = dtype_ ?? "float32";
  const step = (stop - start) / Math.max(endpoint ? num - 1 : num, 1);
  const t = endpoint ? tfLinspace(start, stop, num, d) : shp.slice(tfLinspace(start, stop, num + 1, d), 0, num);
  return retstep ? [t, step] : t;
}

/**
 * keras.ops.expand_dims: a size-1 axis at `axis`, or at each of a list of axes, which count in the
 * result's rank (x's rank plus the number of axes): [0, 2] turns (3,) into (1, 3, 1).
 */
function expandDimsEager(xIn: Input, axis: number | readonly number[] = 0): Tensor {
  if (typeof axis === "number") return shp.expandDims(xIn, axis);
  const x = toTensor(xIn, "expandDims");
  const out = x.rank + axis.length;
  const where_ = axis.map((a) => {
    if (!Number.isInteger(a) || a < -out || a >= out) {
      throw new RangeError(`ops.expandDims: axis ${valueText(a)} of ${valueText(axis)} is out of range: x ${shapeText(x.shape)} gains ${axis.length} axes, so the result has rank ${out} (valid axes: ${-out}..${out - 1})`);
    }
    return a < 0 ? a + out : a;
  });
  if (new Set(where_).size !== where_.length) throw new RangeError(`ops.expandDims: axis ${valueText(axis)} names the same result axis twice (rank ${out}); give each new axis once`);
  const shape: number[] = [];
  for (let i = 0, j = 0; i < out; i++) shape.push(where_.includes(i) ? 1 : x.shape[j++]);
  return shp.reshape(x, shape);
}
export const expandDims = sym.withSymbolic(expandDimsEager, (x, axis = 0) => sym.symbolicOp("ExpandDims", [x], { axis: sym.jsonCopy(axis) }));

/**
 * Keras' softmax and log_softmax over `axis`: one axis, every element when null (x flattened), or
 * a list of axes taken together (moved last and flattened into one).
 */
function softmaxOver(kind: "softmax" | "logSoftmax", xIn: Input, axis: number | readonly number[] | null): Tensor {
  const f = kind === "softmax" ? act.softmax : act.logSoftmax;
  if (typeof axis === "number") return f(xIn, axis);
  const x = toTensor(xIn, kind, "x");
  if (axis === null) return shp.reshape(f(shp.reshape(x, [-1]), -1), x.shape);
  const axes = normalizeAxes(axis, x.rank, `ops.${kind}`);
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...keep, ...axes];
  const moved = shp.transpose(x, perm);
  const y = shp.reshape(f(shp.reshape(moved, [...keep.map((i) => x.shape[i]), -1]), -1), moved.shape);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return shp.transpose(y, inverse);
}
function softmaxEager(x: Input, axis: number | readonly number[] | null = -1): Tensor {
  return softmaxOver("softmax", x, axis);
}
function logSoftmaxEager(x: Input, axis: number | readonly number[] | null = -1): Tensor {
  return softmaxOver("logSoftmax", x, axis);
}
/** keras.ops.softmax(x, axis = -1): axis null takes the softmax over all elements, a list over those axes together. */
export const softmax = sym.withSymbolic(softmaxEager, (x, axis = -1) => sym.symbolicOp("Softmax", [x], { axis: sym.axisConfig(axis) }));
/** keras.ops.log_softmax(x, axis = -1), with softmax's axis null and lists. */
export const logSoftmax = sym.withSymbolic(logSoftmaxEager, (x, axis = -1) => sym.symbolicOp("LogSoftmax", [x], { axis: sym.axisConfig(axis) }));

/** keras.ops.argmax: over the flattened x when axis is null. */
function argmaxEager(x: Input, axis: number | null = null, keepdims = false): Tensor {
  return argReduce("argmax", x, axis, keepdims, red.argMax);
}
export const argmax = sym.withSymbolic(argmaxEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Argmax", [x], { axis, keepdims }));
function argminEager(x: Input, axis: number | null = null, keepdims = false): Tensor {
  return argReduce("argmin", x, axis, keepdims, red.argMin);
}
export const argmin = sym.withSymbolic(argminEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Argmin", [x], { axis, keepdims }));
function argReduce(op: string, xIn: Input, axis: number | null, keepdims: boolean, f: (x: Tensor, axis: number) => Tensor): Tensor {
  const x = toTensor(xIn, op);
  if (axis === null) {
    const y = f(shp.reshape(x, [-1]), 0);
    return keepdims ? shp.reshape(y, x.shape.map(() => 1)) : y;
  }
  const y = f(x, axis);
  return keepdims ? shp.expandDims(y, normalizeAxis(axis, x.rank, `ops.${op}`)) : y;
}

/** keras.ops.max with numpy's `initial` (a lower bound folded into the result). */
function maxEager(x: Input, axis: AxisArg = null, keepdims = false, initial: number | null = null): Tensor {
  const y = red.max(x, ax(axis), keepdims);
  return initial === null ? y : m.maximum(y, initial);
}
export const max = sym.withSymbolic(maxEager, (x, axis = null, keepdims = false, initial = null) => sym.symbolicOp("Max", [x], { axis: sym.axisConfig(axis), keepdims, initial }));
function minEager(x: Input, axis: AxisArg = null, keepdims = false, initial: number | null = null): Tensor {
  const y = red.min(x, ax(axis), keepdims);
  return initial === null ? y : m.minimum(y, initial);
}
export const min = sym.withSymbolic(minEager, (x, axis = null, keepdims = false, initial = null) => sym.symbolicOp("Min", [x], { axis: sym.axisConfig(axis), keepdims, initial }));

/** keras.ops.cumsum: over the flattened x when axis is null. */
function cumsumEager(x: Input, axis: number | null = null, dtype_: DType | null = null): Tensor {
  let t = toTensor(x, "cumsum");
  if (dtype_ !== null && dtype_ !== t.dtype) t = m.cast(t, dtype_);
  return axis === null ? tfCumsum(shp.reshape(t, [-1]), 0) : tfCumsum(t, axis);
}
export const cumsum = sym.withSymbolic(cumsumEager, (x, axis = null, dtype = null) => sym.symbolicOp("Cumsum", [x], { axis, dtype }));
function cumprodEager(x: Input, axis: number | null = null, dtype_: DType | null = null): Tensor {
  let t = toTensor(x, "cumprod");
  if (dtype_ !== null && dtype_ !== t.dtype) t = m.cast(t, dtype_);
  return axis === null ? tfCumprod(shp.reshape(t, [-1]), 0) : tfCumprod(t, axis);
}
export const cumprod = sym.withSymbolic(cumprodEager, (x, axis = null, dtype = null) => sym.symbolicOp("Cumprod", [x], { axis, dtype }));

/** keras.ops.where: nonzero(condition) with one argument, else the elementwise choice. */
function whereEager(condition: Input, x1: Input | null = null, x2: Input | null = null): Tensor | Tensor[] {
  if (x1 === null && x2 === null) return tfNonzero(condition);
  if (x1 === null || x2 === null) throw new TypeError("ops.where: give both x1 and x2, or neither (then it returns nonzero(condition))");
  const [a, b] = promoted([x1, x2], "where");
  return m.where(condition, a, b);
}
export const where = sym.withSymbolic(whereEager, (c, x1 = null, x2 = null) => { if (x1 === null || x2 === null) throw sym.symbolicRefused("ops.where", "with only a condition it returns the indices of the true elements, whose count depends on the values"); return sym.symbolicOp("Where", [c, x1, x2]); });

/** keras.ops.round with numpy's decimals (half to even at the scaled value); integers stay as they are. */
export const round = sym.withSymbolic(kerasRound, (x, decimals = 0) => sym.symbolicOp("Round", [x], { decimals }));

/** keras.ops.split (numpy's): a number of equal sections, or the indices to split before. */
function splitEager(xIn: Input, indicesOrSections: number | readonly number[], axis = 0): Tensor[] {
  const x = toTensor(xIn, "split");
  const a = normalizeAxis(axis, x.rank, "ops.split");
  const n = x.shape[a];
  if (typeof indicesOrSections === "number") {
    if (!Number.isInteger(indicesOrSections) || indicesOrSections <= 0 || n % indicesOrSections !== 0) {
      throw new RangeError(`ops.split: ${valueText(indicesOrSections)} sections do not divide axis ${axis} of length ${n} (x ${shapeText(x.shape)}) equally; give split indices instead`);
    }
    return shp.split(x, indicesOrSections, a);
  }
  const cuts = [0, ...indicesOrSections.map((i) => Math.min(Math.max(i < 0 ? i + n : i, 0), n)), n];
  const sizes = cuts.slice(1).map((c, i) => Math.max(c - cuts[i], 0));
  return shp.split(x, sizes, a);
}
export const split = sym.withSymbolic(splitEager, (x, indicesOrSections, axis = 0) => sym.symbolicOps("Split", [x], { indices_or_sections: sym.jsonCopy(indicesOrSections), axis }));

/** keras.ops.tile (numpy's): repeats shorter than x's rank apply to its last axes, longer ones add leading axes. */
function tileEager(xIn: Input, repeats: number | readonly number[]): Tensor {
  let x = toTensor(xIn, "tile");
  const reps = typeof repeats === "number" ? [repeats] : [...repeats];
  if (reps.length > x.rank) x = expandLeading(x, reps.length - x.rank);
  return shp.tile(x, [...new Array<number>(x.rank - reps.length).fill(1), ...reps]);
}
export const tile = sym.withSymbolic(tileEager, (x, repeats) => sym.symbolicOp("Tile", [x], { repeats: sym.jsonCopy(repeats) }));

/** keras.ops.pad: numpy's pad_width (an int, one [before, after] pair for all axes, or one per axis); constant mode only. */
function padEager(xIn: Input, padWidth: number | readonly number[] | readonly (readonly number[])[], mode = "constant", constantValues: number | null = null): Tensor {
  const x = toTensor(xIn, "pad");
  if (mode !== "constant") throw new RangeError(`ops.pad: mode ${valueText(mode)} is not supported; lamina pads with a constant only (mode "constant")`);
  let pairs: [number, number][];
  if (typeof padWidth === "number") pairs = x.shape.map(() => [padWidth, padWidth]);
  else if (padWidth.every((p) => typeof p === "number")) {
    const flat = padWidth as readonly number[];
    const pr: [number, number] = flat.length === 1 ? [flat[0], flat[0]] : [flat[0], flat[1]];
    pairs = x.shape.map(() => pr);
  } else {
    const list = padWidth as readonly (readonly number[])[];
    pairs = list.length === 1 ? x.shape.map(() => [list[0][0], list[0][1] ?? list[0][0]]) : list.map((p) => [p[0], p[1] ?? p[0]]);
  }
  if (pairs.length !== x.rank) throw new RangeError(`ops.pad: padWidth ${valueText(padWidth)} gives ${pairs.length} pairs but x ${shapeText(x.shape)} has ${x.rank} axes`);
  return shp.pad(x, pairs, constantValues ?? 0);
}
export const pad = sym.withSymbolic(padEager, (x, padWidth, mode = "constant", constantValues = null) => sym.symbolicOp("Pad", [x], { pad_width: sym.jsonCopy(padWidth), mode }, { constant_values: constantValues }));

/**
 * keras.ops.one_hot with the class axis at `axis`. Float indices (labels kept as float32, as the
 * keras.io training guide keeps them) are cast to integers, truncating, as every Keras backend
 * converts them (tf.cast to int64, torch's long); tf.oneHot, like TensorFlow's, refuses them.
 */
function oneHotEager(x: Input, numClasses: number, axis = -1, dtype_: DType | null = null, sparse = false): Tensor {
  if (sparse) throw new TypeError("ops.oneHot: sparse=true is not supported; lamina has dense tensors only");
  const t = toTensor(x, "ops.oneHot");
  const indices = isFloatDType(t.dtype) ? m.cast(t, "int32") : t;
  const y = shp.oneHot(indices, numClasses, 1, 0, dtype_ ?? "float32");
  if (axis === -1 || axis === y.rank - 1) return y;
  return tfMoveaxis(y, -1, axis);
}
export const oneHot = sym.withSymbolic(oneHotEager, (x, numClasses, axis = -1, dtype = null, sparse = false) => sym.symbolicOp("OneHot", [x], { num_classes: numClasses, axis, dtype, sparse }));
function multiHotEager(inputs: Input, numClasses: number, axis = -1, dtype_: DType | null = null, sparse = false): Tensor {
  if (sparse) throw new TypeError("ops.multiHot: sparse=true is not supported; lamina has dense tensors only");
  return tfMultiHot(inputs, numClasses, axis, dtype_ ?? "float32");
}
export const multiHot = sym.withSymbolic(multiHotEager, (x, numClasses, axis = -1, dtype = null, sparse = false) => sym.symbolicOp("MultiHot", [x], { num_classes: numClasses, axis, dtype, sparse }));
function bincountEager(x: Input, weights: Input | null = null, minlength = 0, sparse = false): Tensor {
  if (sparse) throw new TypeError("ops.bincount: sparse=true is not supported; lamina has dense tensors only");
  const t = toTensor(x, "bincount");
  const top = t.size === 0 ? 0 : Number(red.max(t).dataSync()[0]) + 1;
  return tfBincount(t, weights, Math.max(minlength, top));
}
/**
 * keras.ops.bincount; on a symbolic tensor Keras' Bincount (weights must then be null: Keras writes
 * them into the config, which cannot hold a tensor). Its last axis is unknown: it depends on the values.
 */
export const bincount = sym.withSymbolic(bincountEager, (x, weights = null, minlength = 0, sparse = false) => {
  if (weights !== null) throw sym.symbolicRefused("ops.bincount", "with weights: Keras writes them into the operation's config, which cannot hold a tensor; multiply after counting, or use a layers.Lambda");
  return sym.symbolicOp("Bincount", [x], { weights: null, minlength, sparse });
});
function segmentMaxEager(data: Input, segmentIds: Input, numSegments: number | null = null, _sorted = false): Tensor {
  return tfSegmentMax(data, segmentIds, numSegments ?? undefined);
}
export const segmentMax = sym.withSymbolic(segmentMaxEager, (data, ids, numSegments = null, sorted = false) => sym.symbolicOp("SegmentMax", [data, ids], { num_segments: numSegments, sorted }));

function topKEager(x: Input, k: number, sorted = true): [Tensor, Tensor] {
  const { values, indices } = topk(x, k, sorted);
  return [values, indices];
}
export const topK = sym.withSymbolic(topKEager, (x, k, sorted = true) => sym.symbolicOps("TopK", [x], { k, sorted }) as [sym.Sym, sym.Sym]);

/** keras.ops.cross with numpy's axisa/axisb/axisc (axis overrides all three). */
function crossEager(x1In: Input, x2In: Input, axisa = -1, axisb = -1, axisc = -1, axis: number | null = null): Tensor {
  if (axis !== null) { axisa = axis; axisb = axis; axisc = axis; }
  const [p1, p2] = promoted([x1In, x2In], "cross");
  const x1 = tfMoveaxis(p1, axisa, -1);
  const x2 = tfMoveaxis(p2, axisb, -1);
  const y = tfCross(x1, x2, -1);
  return axisc === -1 ? y : tfMoveaxis(y, -1, axisc);
}
export const cross = sym.withSymbolic(crossEager, (a, b, axisa = -1, axisb = -1, axisc = -1, axis = null) => sym.symbolicOp("Cross", [a, b], { axisa, axisb, axisc, axis }));

function unstackEager(xIn: Input, num: number | null = null, axis = 0): Tensor[] {
  const x = toTensor(xIn, "unstack");
  const n = x.shape[normalizeAxis(axis, x.rank, "ops.unstack")];
  if (num !== null && num !== n) throw new RangeError(`ops.unstack: num ${num} differs from x ${shapeText(x.shape)}'s length ${n} along axis ${axis}`);
  return shp.unstack(x, axis);
}
export const unstack = sym.withSymbolic(unstackEager, (x, num = null, axis = 0) => sym.symbolicOps("Unstack", [x], { num, axis }));

/** keras.ops.norm: an int or bool x is cast to a float first (Keras' norm). */
function normEager(xIn: Input, ord: NormOrd | null = null, axis: AxisArg = null, keepdims = false): Tensor {
  const x = toTensor(xIn, "norm");
  return tfNorm(m.cast(x, kerasFloatDType(x.dtype)), ord ?? "euclidean", axis, keepdims);
}
export const norm = sym.withSymbolic(normEager, (x, ord = null, axis = null, keepdims = false) => sym.symbolicOp("Norm", [x], { ord, axis: sym.axisConfig(axis), keepdims }));

/** keras.ops.moments: [mean, variance]. */
function momentsEager(x: Input, axes: AxisArg, keepdims = false, synchronized = false): [Tensor, Tensor] {
  if (synchronized) throw new TypeError("ops.moments: synchronized=true needs a distributed backend; lamina runs on one device, pass false");
  const r = red.moments(x, ax(axes) ?? null, keepdims);
  return [r.mean, r.variance];
}
export const moments = sym.withSymbolic(momentsEager, (x, axes, keepdims = false, synchronized = false) => sym.symbolicOps("Moments", [x], { axes: sym.axisConfig(axes), keepdims, synchronized }) as [sym.Sym, sym.Sym]);

/** keras.ops.batch_normalization: mean/variance/offset/scale are 1-D along `axis`. */
function batchNormalizationEager(xIn: Input, mean_: Input, variance: Input, axis: number, offset: Input | null = null, scale: Input | null = null, epsilon = 1e-3): Tensor {
  const x = toTensor(xIn, "batchNormalization");
  const a = normalizeAxis(axis, x.rank, "ops.batchNormalization");
  if (a === x.rank - 1) return tfBatchNorm(x, mean_, variance, offset, scale, epsilon);
  const xt = tfMoveaxis(x, a, -1);
  return tfMoveaxis(tfBatchNorm(xt, mean_, variance, offset, scale, epsilon), -1, a);
}
export const batchNormalization = sym.withSymbolic(batchNormalizationEager, (x, mean, variance, axis, offset = null, scale = null, epsilon = 1e-3) => sym.symbolicOp("BatchNorm", [x, mean, variance, offset, scale], { axis, epsilon }));

function geluEager(x: Input, approximate = true): Tensor {
  return act.gelu(x, approximate);
}
export const gelu = sym.withSymbolic(geluEager, (x, approximate = true) => sym.symbolicOp("Gelu", [x], { approximate }));
/** keras.ops.hard_sigmoid: relu6(x + 3) / 6. */
function hardSigmoidEager(x: Input): Tensor {
  return m.div(act.relu6(m.add(toTensor(x, "hardSigmoid"), 3)), 6);
}
export const hardSigmoid = sym.withSymbolic(hardSigmoidEager, (x) => sym.symbolicOp("HardSigmoid", [x]));
function hardSiluEager(x: Input): Tensor {
  const t = toTensor(x, "hardSilu");
  return m.mul(t, hardSigmoid(t));
}
export const hardSilu = sym.withSymbolic(hardSiluEager, (x) => sym.symbolicOp("HardSilu", [x]));
export { hardSilu as hardSwish };

/** keras.ops.binary_crossentropy: elementwise, no reduction (unlike the loss). */
function binaryCrossentropyEager(target: Input, output: Input, fromLogits = false): Tensor {
  const y = toTensor(target, "binaryCrossentropy", "target");
  const p = toTensor(output, "binaryCrossentropy", "output");
  if (y.rank !== p.rank || !y.shape.every((d, i) => d === p.shape[i])) {
    throw new RangeError(`ops.binaryCrossentropy: target ${shapeText(y.shape)} and output ${shapeText(p.shape)} must have the same shape`);
  }
  if (booleanOption("ops.binaryCrossentropy", "fromLogits", fromLogits, false)) return loss.sigmoidCrossEntropyWithLogits(y, p);
  const q = m.clipByValue(p, epsilon(), 1 - epsilon());
  return m.neg(m.add(m.mul(y, m.log(q)), m.mul(m.sub(1, y), m.log(m.sub(1, q)))));
}
export const binaryCrossentropy = sym.withSymbolic(binaryCrossentropyEager, (t, o, fromLogits = false) => sym.symbolicOp("BinaryCrossentropy", [t, o], { from_logits: fromLogits }));
function categoricalCrossentropyEager(target: Input, output: Input, fromLogits = false, axis = -1): Tensor {
  return loss.categoricalCrossentropy(target, output, { fromLogits, axis });
}
export const categoricalCrossentropy = sym.withSymbolic(categoricalCrossentropyEager, (t, o, fromLogits = false, axis = -1) => sym.symbolicOp("CategoricalCrossentropy", [t, o], { from_logits: fromLogits, axis }));
function sparseCategoricalCrossentropyEager(target: Input, output: Input, fromLogits = false, axis = -1): Tensor {
  return loss.sparseCategoricalCrossentropy(target, output, { fromLogits, axis });
}
export const sparseCategoricalCrossentropy = sym.withSymbolic(sparseCategoricalCrossentropyEager, (t, o, fromLogits = false, axis = -1) => sym.symbolicOp("SparseCategoricalCrossentropy", [t, o], { from_logits: fromLogits, axis }));

function ctcDecodeEager(inputs: Input, sequenceLengths: Input, strategy: "greedy" | "beam_search" = "greedy", beamWidth = 100,
  topPaths = 1, mergeRepeated = true, maskIndex = 0): [Tensor, Tensor] {
  return tfCtcDecode(inputs, sequenceLengths, { strategy, beamWidth, topPaths, mergeRepeated, maskIndex });
}
function stftEager(x: Input, sequenceLength: number, sequenceStride: number, fftLength: number, window: StftWindow = "hann", center = true): [Tensor, Tensor] {
  return tfStft(x, sequenceLength, sequenceStride, fftLength, { window, center });
}
function istftEager(x: ComplexPair, sequenceLength: number, sequenceStride: number, fftLength: number, length: number | null = null,
  window: StftWindow = "hann", center = true): Tensor {
  return tfIstft(x, sequenceLength, sequenceStride, fftLength, { length, window, center });
}
export const ctcDecode = sym.withSymbolic(ctcDecodeEager, (inputs, lengths, strategy = "greedy", beamWidth = 100, topPaths = 1, mergeRepeated = true, maskIndex = 0) =>
  tfCtcDecode(inputs, lengths, { strategy, beamWidth, topPaths, mergeRepeated, maskIndex }));
export const stft = sym.withSymbolic(stftEager, (x, sequenceLength, sequenceStride, fftLength, window = "hann", center = true) =>
  tfStft(x, sequenceLength, sequenceStride, fftLength, { window: window as StftWindow, center }));
export const istft = sym.withSymbolic(istftEager, (x, sequenceLength, sequenceStride, fftLength, length = null, window = "hann", center = true) =>
  tfIstft(x, sequenceLength, sequenceStride, fftLength, { length, window: window as StftWindow, center }));

export function scan<C>(f: (carry: C, x: Tensor | null) => readonly [C, Tensor | readonly Tensor[]], init: C, xs: Tensor | null = null,
  length: number | null = null, reverse = false, unroll: number | boolean = 1): ReturnType<typeof tfScan> {
  if (sym.anySymbolic([...arguments])) throw sym.symbolicRefused("ops.scan", "it takes a function, which a Keras config cannot describe");
  if (unroll !== 1 && typeof unroll !== "boolean" && !(Number.isInteger(unroll) && unroll > 0)) {
    throw new RangeError(`ops.scan: unroll must be a positive integer or a boolean, got ${valueText(unroll)}`);
  }
  // unroll only tunes compiled backends' loops; eager lamina runs every step the same way.
  return tfScan(f as Parameters<typeof tfScan>[0], init, xs, length, reverse);
}
export function whileLoop<T extends readonly unknown[]>(cond_: (...vars: T) => boolean | Tensor, body: (...vars: T) => T, loopVars: T,
  maximumIterations: number | null = null): T {
  return tfWhileLoop(cond_, body, loopVars, maximumIterations ?? undefined);
}

// ---- ops a functional model cannot hold: they take functions, or compute from values they need now ----
const CALLABLE = "it takes a function, which a Keras config cannot describe";
export const cond = sym.refuseSymbolic("ops.cond", flow.cond, CALLABLE);
export const switchOp = sym.refuseSymbolic("ops.switch", flow.switchCase, CALLABLE);
export { switchOp as switch };
export const foriLoop = sym.refuseSymbolic("ops.foriLoop", flow.foriLoop, CALLABLE);
export const associativeScan = sym.refuseSymbolic("ops.associativeScan", flow.associativeScan, CALLABLE);
export const map = sym.refuseSymbolic("ops.map", flow.map, CALLABLE);
export const vectorizedMap = sym.refuseSymbolic("ops.vectorizedMap", flow.vectorizedMap, CALLABLE);
/** keras.ops.custom_gradient: the function it returns refuses symbolic tensors (it runs f at once). */
export function customGradient(...args: Parameters<typeof kCustomGradient>): ReturnType<typeof kCustomGradient> {
  return sym.refuseSymbolic("ops.customGradient", kCustomGradient(...args), CALLABLE);
}
export const logspace = sym.refuseSymbolic("ops.logspace", tfLogspace, "lamina computes its values at once from numbers; pass numbers");
export * from "./keras_ops_elementwise315.js";
export * from "./keras_ops_bitwise315.js";
export * from "./keras_ops_nan315.js";
export * from "./keras_ops_nn315.js";
export * from "./keras_ops_arrays315.js";
export * from "./keras_ops_values315.js";
export * from "./keras_ops_windows315.js";
export * from "./keras_ops_rearrange.js";
export * from "./keras_ops_linalg315.js";
export * from "./keras_ops_fold315.js";
export * from "./adaptive_pool.js";
