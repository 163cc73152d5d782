/**
 * keras.ops members whose Keras 3.5 backend (keras/src/backend/tensorflow/numpy.py) casts integer
 * and bool input to a float before computing: exp, log, sqrt, sin and the rest of the exp/log/trig
 * family, floor, ceil, mean, std, var, norm, quantile/median. lamina's top-level ops keep
 * TensorFlow's rule (they refuse ints); only `ops` casts. Also the ops Keras answers for ints
 * without computing (isfinite/isinf/isnan, round, abs and square of bools).
 * On symbolic tensors each records the same Keras operation as the lamina op (its replay in
 * layers/op_specs.ts runs these functions, so a recorded Exp of an int32 input is float32 too).
 */
import type { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType as isFloat } from "../tensor/dtype.js";
import { fill } from "../tensor/creation.js";
import { floatx } from "../tensor/config.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { anySymbolic } from "./symbolic.js";
import { promoteTypes } from "./keras_promote.js";
import * as m from "./math.js";
import * as red from "./reduce.js";
import { median as tfMedian } from "./sort.js";
import { quantile as tfQuantile } from "./quantile.js";
import { tanh as tfTanh } from "./activation.js";

/**
 * The dtype Keras computes a float function of x in: floats stay, int64 goes to floatx() and other
 * ints and bool to result_type(dtype, float), which is floatx() too.
 */
export function kerasFloatDType(dtype: DType): DType {
  if (isFloat(dtype)) return dtype;
  return dtype === "int64" ? floatx() : promoteTypes([dtype, "float"]);
}

type Fn = (...args: never[]) => unknown;
type Call = (...args: unknown[]) => unknown;

/** `fn` with its first argument cast to `to(its dtype)` first; symbolic calls go to `fn` as they are (it records the op). */
export function castFirst<F extends Fn>(op: string, fn: F, to: (d: DType) => DType = kerasFloatDType): F {
  const wrapped = (...args: unknown[]): unknown => {
    if (anySymbolic(args)) return (fn as unknown as Call)(...args);
    const x = toTensor(args[0] as Input, op);
    const d = to(x.dtype);
    return (fn as unknown as Call)(d === x.dtype ? x : m.cast(x, d), ...args.slice(1));
  };
  return wrapped as unknown as F;
}

export const arccos = castFirst("arccos", m.acos);
export const arccosh = castFirst("arccosh", m.acosh);
export const arcsin = castFirst("arcsin", m.asin);
export const arcsinh = castFirst("arcsinh", m.asinh);
export const arctan = castFirst("arctan", m.atan);
export const arctanh = castFirst("arctanh", m.atanh);
export const ceil = castFirst("ceil", m.ceil);
export const cos = castFirst("cos", m.cos);
export const cosh = castFirst("cosh", m.cosh);
export const exp = castFirst("exp", m.exp);
export const expm1 = castFirst("expm1", m.expm1);
export const floor = castFirst("floor", m.floor);
export const log = castFirst("log", m.log);
export const log10 = castFirst("log10", m.log10);
export const log1p = castFirst("log1p", m.log1p);
export const log2 = castFirst("log2", m.log2);
export const sin = castFirst("sin", m.sin);
export const sinh = castFirst("sinh", m.sinh);
export const sqrt = castFirst("sqrt", m.sqrt);
export const tan = castFirst("tan", m.tan);
/** keras.ops.tanh is numpy's (keras.ops.numpy.tanh), which casts ints; the activation keeps TF's rule. */
export const tanh = castFirst("tanh", tfTanh);
export const std = castFirst("std", red.std);
export const median = castFirst("median", tfMedian);
export const quantile = castFirst("quantile", tfQuantile);

/** keras.ops.mean: ints and bools average in result_type(dtype, "float32"), which is float32 (Keras' mean); floats keep their dtype. */
export const mean = castFirst("mean", red.mean, (d) => (isFloat(d) ? d : promoteTypes([d, "float32"])));

/** keras.ops.var: computed in result_type(dtype, "float32"), returned in result_type(dtype, float) (floatx() for ints). */
export function kerasVariance(xIn: Input, axis: number | readonly number[] | null, keepdims: boolean): Tensor {
  const x = toTensor(xIn, "var");
  const compute = isFloat(x.dtype) ? x.dtype : promoteTypes([x.dtype, "float32"]);
  const v = red.variance(compute === x.dtype ? x : m.cast(x, compute), axis ?? undefined, keepdims);
  const result = kerasFloatDType(x.dtype);
  return v.dtype === result ? v : m.cast(v, result);
}

/** Keras' isfinite/isinf/isnan: an integer or bool x is all finite, never inf or nan (a bool tensor of x's shape). */
function constantForInts(op: string, fn: (x: Tensor) => Tensor, value: boolean): (x: Input) => Tensor {
  return (xIn: Input) => {
    const x = toTensor(xIn, op);
    return isFloat(x.dtype) ? fn(x) : fill(x.shape, value, "bool");
  };
}
const withInts = <F extends Fn>(op: string, fn: F, value: boolean): F => {
  const eager = constantForInts(op, fn as unknown as (x: Tensor) => Tensor, value);
  return ((...args: unknown[]) => (anySymbolic(args) ? (fn as unknown as Call)(...args) : eager(args[0] as Input))) as unknown as F;
};
export const isfinite = withInts("isfinite", m.isFinite, true);
export const isinf = withInts("isinf", m.isInf, false);
export const isnan = withInts("isnan", m.isNaN, false);

/** keras.ops.absolute: bool and unsigned x are their own absolute value (Keras returns x). */
export const abs = ((...args: unknown[]) => {
  if (anySymbolic(args)) return (m.abs as unknown as Call)(...args);
  const x = toTensor(args[0] as Input, "abs");
  return x.dtype === "bool" || x.dtype === "uint8" ? x : m.abs(x);
}) as unknown as typeof m.abs;

/** keras.ops.square: a bool x squares as int32 (Keras casts it). */
export const square = castFirst("square", m.square, (d) => (d === "bool" ? "int32" : d));

/**
 * keras.ops.round with numpy's decimals (half to even at the scaled value): an integer x is
 * returned as it is for decimals >= 0 and rounded in floatx() then cast back for decimals < 0.
 */
export function kerasRound(xIn: Input, decimals = 0): Tensor {
  if (!Number.isInteger(decimals)) throw new RangeError(`ops.round: decimals must be an integer, got ${valueText(decimals)}`);
  const x = toTensor(xIn, "round");
  const int = !isFloat(x.dtype) && x.dtype !== "bool";
  if (int && decimals >= 0) return x;
  if (decimals === 0) return m.round(x);
  const f = 10 ** decimals;
  const t = int ? m.cast(x, floatx()) : x;
  const y = m.div(m.round(m.mul(t, f)), f);
  return int ? m.cast(y, x.dtype) : y;
}
