import { type Tensor, makeTensor, storageOf } from "../tensor/tensor.js";
import { type Sym, SymbolicValue, symbolicOp } from "./symbolic.js";
import { castValues } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { type Shape, normalizeAxes, normalizeAxis, shapeText } from "../tensor/shape.js";
import type { ReduceOp } from "../backend/backend.js";
import { type Input, assertFloat, backend, emptyTensor, num, raw, record, toTensor } from "./engine.js";
import { cast, div, equal, exp, logicalAnd, mul, sqrt, squaredDifference, sub, where } from "./math.js";
import { broadcastTo } from "./broadcast.js";
import { reshape } from "./shape.js";
import { installMethods } from "./methods.js";
import * as sym from "./symbolic.js";

/** Which axes a reduction runs over: one axis, several, or (undefined / null) all of them. Negative axes count from the end. */
export type AxisArg = number | readonly number[] | null;

interface Reduction {
  out: Tensor;
  axes: number[];
  /** x's shape with the reduced axes set to 1 (the keepDims shape). */
  kept: number[];
}

function reduceWith(op: ReduceOp, name: string, x: Tensor, axis: AxisArg | undefined, keepDims: boolean): Reduction {
  const axes = normalizeAxes(axis, x.rank, name);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  const out = emptyTensor(outShape, x.dtype);
  backend().reduce(op, raw(x), x.shape, axes, raw(out));
  return { out, axes, kept };
}

/** dy (of the reduced shape) brought back to x's shape: reshape to the keepDims shape, then broadcast. */
function expandBack(dy: Tensor, kept: Shape, shape: Shape): Tensor {
  return broadcastTo(reshape(dy, kept), shape);
}

/** Numeric input for sums and products: bool counts as int32 (as tf.js). */
function numericInput(op: string, xIn: Input): Tensor {
  const x = toTensor(xIn, op);
  if (x.dtype === "bool") return makeTensor(castValues(storageOf(x), "bool", "int32") as Int32Array, x.shape, "int32");
  return x;
}

/** An axis argument as Keras' reduction configs hold it: null, an integer or a list. */
function kerasAxis(axis: AxisArg | undefined): number | number[] | null {
  return axis === undefined || axis === null ? null : typeof axis === "number" ? axis : [...axis];
}

function noBool(op: string, x: Tensor, hint: string): void {
  if (x.dtype === "bool") {
    throw new TypeError(`${op}: bool tensors are not numbers, got bool ${shapeText(x.shape)}; ${hint}`);
  }
}

/** tf.reduce_sum(x, axis, keepDims): bool counts as int32; integer sums wrap as TF's do. */
export function sum(x: Sym, axis?: AxisArg, keepDims?: boolean): Sym;
export function sum(x: Input, axis?: AxisArg, keepDims?: boolean): Tensor;
export function sum(xIn: Input | Sym, axis?: AxisArg, keepDims = false): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Sum", [xIn], { axis: kerasAxis(axis), keepdims: keepDims });
  const x = numericInput("sum", xIn);
  const { out, kept } = reduceWith("sum", "sum", x, axis, keepDims);
  record("sum", [x], out, ([dy]) => [expandBack(dy, kept, x.shape)]);
  return out;
}

/**
 * tf.reduce_mean(x, axis, keepDims). As in TensorFlow, the mean of an integer tensor is an
 * integer (the sum divided by the count, truncated toward zero; for int64 the sum wraps around
 * first, as TF's does); cast to float first for the exact mean.
 */
export function mean(x: Sym, axis?: AxisArg, keepDims?: boolean): Sym;
export function mean(x: Input, axis?: AxisArg, keepDims?: boolean): Tensor;
export function mean(xIn: Input | Sym, axis?: AxisArg, keepDims = false): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Mean", [xIn], { axis: kerasAxis(axis), keepdims: keepDims });
  const x = toTensor(xIn, "mean");
  noBool("mean", x, 'cast it first, e.g. tf.mean(tf.cast(x, "float32"))');
  const { out, axes, kept } = reduceWith("mean", "mean", x, axis, keepDims);
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  record("mean", [x], out, ([dy]) => [div(expandBack(dy, kept, x.shape), count)]);
  return out;
}

/**
 * The gradient of max/min, as TensorFlow computes it: dy is shared equally among the elements
 * equal to the result (two tied maxima get half each).
 */
function extremumGrad(x: Tensor, out: Tensor, axes: number[], kept: Shape, dy: Tensor): Tensor {
  const hit = cast(equal(x, reshape(out, kept)), x.dtype);
  const ties = sum(hit, axes, true);
  return mul(div(hit, ties), reshape(dy, kept));
}

/** The [lowest, highest] value of the integer dtypes max and min accept. */
const INT_RANGE: Partial<Record<DType, [number, number]>> = { int32: [-2147483648, 2147483647], uint8: [0, 255] };

/**
 * Over an empty axis, max is the dtype's lowest value and min its highest, as TF's reducers
 * start from them. The kernel starts from -/+Infinity, which float dtypes keep but an integer
 * array stores as 0 (the int64 kernel starts from int64's own bounds instead).
 */
function fillEmptyExtremum(op: "max" | "min", x: Tensor, axes: number[], out: Tensor): void {
  const range = INT_RANGE[x.dtype];
  if (range !== undefined && axes.some((a) => x.shape[a] === 0)) num(out).fill(op === "max" ? range[0] : range[1]);
}

/** tf.reduce_max(x, axis, keepDims); NaN propagates. Ties share the gradient equally (as TF). */
export function max(x: Sym, axis?: AxisArg, keepDims?: boolean): Sym;
export function max(x: Input, axis?: AxisArg, keepDims?: boolean): Tensor;
export function max(xIn: Input | Sym, axis?: AxisArg, keepDims = false): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Max", [xIn], { axis: kerasAxis(axis), keepdims: keepDims, initial: null });
  const x = toTensor(xIn, "max");
  noBool("max", x, "use tf.any(x) for a logical or");
  const { out, axes, kept } = reduceWith("max", "max", x, axis, keepDims);
  fillEmptyExtremum("max", x, axes, out);
  record("max", [x], out, ([dy]) => [extremumGrad(x, out, axes, kept, dy)]);
  return out;
}

/** tf.reduce_min(x, axis, keepDims); NaN propagates. Ties share the gradient equally (as TF). */
export function min(x: Sym, axis?: AxisArg, keepDims?: boolean): Sym;
export function min(x: Input, axis?: AxisArg, keepDims?: boolean): Tensor;
export function min(xIn: Input | Sym, axis?: AxisArg, keepDims = false): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Min", [xIn], { axis: kerasAxis(axis), keepdims: keepDims, initial: null });
  const x = toTensor(xIn, "min");
  noBool("min", x, "use tf.all(x) for a logical and");
  const { out, axes, kept } = reduceWith("min", "min", x, axis, keepDims);
  fillEmptyExtremum("min", x, axes, out);
  record("min", [x], out, ([dy]) => [extremumGrad(x, out, axes, kept, dy)]);
  return out;
}

/**
 * tf.reduce_prod(x, axis, keepDims); integer products wrap around as TF's do. The gradient is the
 * product of the other elements, exact with zeros: one zero in a group gets the product of the
 * rest and its neighbours 0; two or more zeros give 0 everywhere (never NaN).
 */
function prodEager(xIn: Input, axis?: AxisArg, keepDims = false): Tensor {
  const x = numericInput("prod", xIn);
  const { out, axes, kept } = reduceWith("prod", "prod", x, axis, keepDims);
  record("prod", [x], out, ([dy]) => {
    const isZero = equal(x, 0);
    const safe = where(isZero, 1, x);
    const others = prod(safe, axes, true);
    const zeros = sum(cast(isZero, x.dtype), axes, true);
    const g = where(equal(zeros, 0), div(others, safe), where(logicalAnd(equal(zeros, 1), isZero), others, 0));
    return [mul(g, reshape(dy, kept))];
  });
  return out;
}
export const prod = sym.withSymbolic(prodEager, (x, axis, keepDims = false) => sym.symbolicOp("Prod", [x], { axis: sym.axisConfig(axis), keepdims: keepDims, dtype: null }));

/**
 * tf.reduce_logsumexp(x, axis, keepDims): log(sum(exp(x))) computed stably (the max is taken out
 * first). The gradient is the softmax of x over the axes times dy: e / sum(e) with
 * e = exp(x - result). Renormalizing matters: the result is rounded to x's dtype, and for large
 * x (1e7 in float32, where the spacing is 1) exp(x - result) alone is off by that rounding
 * (0.37 instead of 0.5 per element for two equal values); the ratio cancels it.
 */
function logSumExpEager(xIn: Input, axis?: AxisArg, keepDims = false): Tensor {
  const x = toTensor(xIn, "logSumExp");
  assertFloat("logSumExp", x);
  const { out, axes, kept } = reduceWith("logSumExp", "logSumExp", x, axis, keepDims);
  record("logSumExp", [x], out, ([dy]) => {
    const e = exp(sub(x, reshape(out, kept)));
    return [mul(reshape(dy, kept), div(e, sum(e, axes, true)))];
  });
  return out;
}
export const logSumExp = sym.withSymbolic(logSumExpEager, (x, axis, keepDims = false) => sym.symbolicOp("Logsumexp", [x], { axis: sym.axisConfig(axis), keepdims: keepDims }));

/** tf.math.reduce_variance: the population (biased) variance mean((x - mean(x))^2). */
export function variance(xIn: Input, axis?: AxisArg, keepDims = false): Tensor {
  const x = toTensor(xIn, "variance");
  assertFloat("variance", x);
  const m = mean(x, axis, true);
  return mean(squaredDifference(x, m), axis, keepDims);
}

/** tf.math.reduce_std: sqrt of the population variance. */
function stdEager(xIn: Input, axis?: AxisArg, keepDims = false): Tensor {
  const x = toTensor(xIn, "std");
  assertFloat("std", x);
  return sqrt(variance(x, axis, keepDims));
}
export const std = sym.withSymbolic(stdEager, (x, axis, keepDims = false) => sym.symbolicOp("Std", [x], { axis: sym.axisConfig(axis), keepdims: keepDims }));

/** tf.nn.moments(x, axes, keepDims): the mean and population variance over `axes`. */
export function moments(xIn: Input, axes: AxisArg, keepDims = false): { mean: Tensor; variance: Tensor } {
  const x = toTensor(xIn, "moments");
  assertFloat("moments", x);
  const m = mean(x, axes, true);
  const v = mean(squaredDifference(x, m), axes, keepDims);
  return { mean: keepDims ? m : reshape(m, v.shape), variance: v };
}

function argReduce(op: "argMax" | "argMin", xIn: Input, axis: number): Tensor {
  const x = toTensor(xIn, op);
  if (x.rank === 0) throw new RangeError(`${op}: needs a tensor of rank >= 1, got a scalar; reshape it with tf.reshape(x, [1])`);
  const a = normalizeAxis(axis, x.rank, op);
  if (x.shape[a] === 0) {
    throw new RangeError(`${op}: axis ${axis} of shape ${shapeText(x.shape)} is empty, so there is no ${op === "argMax" ? "maximum" : "minimum"}`);
  }
  const out = emptyTensor(x.shape.filter((_, i) => i !== a), "int32");
  backend().argReduce(op, raw(x), x.shape, a, storageOf(out));
  return out;
}

/** tf.argmax(x, axis = 0): int32 index of the largest value along `axis`, the first one on ties. */
function argMaxEager(xIn: Input, axis = 0): Tensor {
  return argReduce("argMax", xIn, axis);
}
export const argMax = sym.withSymbolic(argMaxEager, (x, axis = 0) => sym.symbolicOp("Argmax", [x], { axis, keepdims: false }));

/** tf.argmin(x, axis = 0): int32 index of the smallest value along `axis`, the first one on ties. */
function argMinEager(xIn: Input, axis = 0): Tensor {
  return argReduce("argMin", xIn, axis);
}
export const argMin = sym.withSymbolic(argMinEager, (x, axis = 0) => sym.symbolicOp("Argmin", [x], { axis, keepdims: false }));

function logical(op: "any" | "all", xIn: Input, axis: AxisArg | undefined, keepDims: boolean): Tensor {
  const x = toTensor(xIn, op);
  if (x.dtype !== "bool") {
    throw new TypeError(`${op}: needs a bool tensor, got ${x.dtype} ${shapeText(x.shape)}; compare first, e.g. tf.${op}(tf.greater(x, 0))`);
  }
  const { out, axes } = reduceWith(op === "any" ? "max" : "min", op, x, axis, keepDims);
  // An empty group: any() is false, all() is true (the kernel's min of nothing is +Infinity).
  if (op === "all" && axes.some((a) => x.shape[a] === 0)) num(out).fill(1);
  return out;
}

/** tf.reduce_any: logical or of a bool tensor over `axis`. */
function anyEager(xIn: Input, axis?: AxisArg, keepDims = false): Tensor {
  return logical("any", xIn, axis, keepDims);
}
export const any = sym.withSymbolic(anyEager, (x, axis, keepDims = false) => sym.symbolicOp("Any", [x], { axis: sym.axisConfig(axis), keepdims: keepDims }));

/** tf.reduce_all: logical and of a bool tensor over `axis`. */
function allEager(xIn: Input, axis?: AxisArg, keepDims = false): Tensor {
  return logical("all", xIn, axis, keepDims);
}
export const all = sym.withSymbolic(allEager, (x, axis, keepDims = false) => sym.symbolicOp("All", [x], { axis: sym.axisConfig(axis), keepdims: keepDims }));

// ---------------------------------------------------------------- chainable methods

declare module "../tensor/tensor.js" {
  interface Tensor {
    sum(axis?: AxisArg, keepDims?: boolean): Tensor;
    mean(axis?: AxisArg, keepDims?: boolean): Tensor;
    max(axis?: AxisArg, keepDims?: boolean): Tensor;
    min(axis?: AxisArg, keepDims?: boolean): Tensor;
    prod(axis?: AxisArg, keepDims?: boolean): Tensor;
    logSumExp(axis?: AxisArg, keepDims?: boolean): Tensor;
    variance(axis?: AxisArg, keepDims?: boolean): Tensor;
    std(axis?: AxisArg, keepDims?: boolean): Tensor;
    any(axis?: AxisArg, keepDims?: boolean): Tensor;
    all(axis?: AxisArg, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor;
    argMin(axis?: number): Tensor;
  }
}

installMethods({ sum, mean, max, min, prod, logSumExp, variance, std, any, all, argMax, argMin });
