import { Tensor, storageOf } from "../tensor/tensor.js";
import { type DType, isFloatDType, isIntDType } from "../tensor/dtype.js";
import { broadcastShapes, shapeText } from "../tensor/shape.js";
import { castValues, constant } from "../tensor/creation.js";
import type { BinaryOp, UnaryOp } from "../backend/backend.js";
import {
  type Input, assertFloat, assertSameDType, backend, emptyTensor, num, outputTensor, raw, record,
  toTensor, toTensorPair, isRecording,
} from "./engine.js";
import { sumTo } from "./broadcast.js";
import { installMethods } from "./methods.js";
import { type Sym, SymbolicValue, symbolicOp } from "./symbolic.js";
// A cycle, safe: unary_fn.ts only defines functions, hoisted before either module runs.
import { unary } from "./unary_fn.js";
import * as sym from "./symbolic.js";

// ---------------------------------------------------------------- elementwise unary

/** Runs a unary kernel; float-only ops reject integer tensors with a clear message. */
export function unaryOp(op: UnaryOp, xIn: Input, opts: { floatOnly: boolean; alpha?: number; differentiable?: boolean }): Tensor {
  const x = toTensor(xIn, op);
  if (opts.floatOnly) assertFloat(op, x);
  if (x.dtype === "bool") throw new TypeError(`${op}: bool tensors are not numbers; cast with tf.cast(x, "float32")`);
  const alpha = opts.alpha ?? 0;
  const out = outputTensor(x.shape, x.dtype);
  backend().unary(op, raw(x), raw(out), alpha);
  if (opts.differentiable !== false) {
    record(op, [x], out, ([dy]) => {
      // While another tape records this backward pass (a higher-order gradient), the derivative
      // is built from recorded ops; otherwise one fused kernel computes it.
      if (isRecording()) return [unaryDerivative(op, x, out, dy, alpha)];
      const dx = outputTensor(x.shape, x.dtype);
      backend().unaryGrad(op, num(x), num(out), num(dy), num(dx), alpha);
      return [dx];
    });
  }
  return out;
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** dy * f'(x) from differentiable ops, so that it can itself be differentiated. */
function unaryDerivative(op: UnaryOp, x: Tensor, y: Tensor, dy: Tensor, alpha: number): Tensor {
  switch (op) {
    case "neg": return neg(dy);
    case "abs": return mul(dy, sign(x));
    case "sign": case "floor": case "ceil": case "round": case "logicalNot": case "isNaN": case "isFinite":
      return mul(dy, 0);
    case "square": return mul(dy, mul(x, 2));
    case "sqrt": return div(dy, mul(y, 2));
    case "rsqrt": return mul(dy, mul(div(y, x), -0.5));
    case "exp": return mul(dy, y);
    case "expm1": return mul(dy, add(y, 1));
    case "log": return div(dy, x);
    case "log1p": return div(dy, add(x, 1));
    case "reciprocal": return neg(mul(dy, square(y)));
    case "sin": return mul(dy, cos(x));
    case "cos": return neg(mul(dy, sin(x)));
    case "erf": return mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)));
    // A NaN x passes dy on, as torch's threshold_backward / hardtanh_backward do.
    case "relu": return where(lessEqual(x, 0), 0, dy);
    case "relu6": return where(logicalOr(lessEqual(x, 0), greaterEqual(x, 6)), 0, dy);
    case "leakyRelu": return where(greater(x, 0), dy, mul(dy, alpha));
    case "elu": return where(lessEqual(x, 0), mul(dy, mul(exp(x), alpha)), dy);
    case "selu": return where(lessEqual(x, 0), mul(dy, mul(exp(x), SELU_SCALE * SELU_ALPHA)), mul(dy, SELU_SCALE));
    case "sigmoid": return mul(dy, mul(y, sub(1, y)));
    case "tanh": return mul(dy, sub(1, square(y)));
    case "softplus": return mul(dy, unaryOp("sigmoid", x, { floatOnly: true }));
    case "softsign": return div(dy, square(add(abs(x), 1)));
    case "swish": {
      const s = unaryOp("sigmoid", x, { floatOnly: true });
      return mul(dy, add(s, mul(x, mul(s, sub(1, s)))));
    }
    case "gelu": {
      const cdf = mul(add(erf(div(x, Math.SQRT2)), 1), 0.5);
      const pdf = mul(exp(mul(square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return mul(dy, add(cdf, mul(x, pdf)));
    }
    case "geluTanh": {
      const c = Math.sqrt(2 / Math.PI);
      const t = unaryOp("tanh", mul(add(x, mul(pow(x, 3), 0.044715)), c), { floatOnly: true });
      const dInner = mul(add(mul(square(x), 3 * 0.044715), 1), c);
      return mul(dy, add(mul(add(t, 1), 0.5), mul(mul(x, mul(sub(1, square(t)), dInner)), 0.5)));
    }
    case "tan": return mul(dy, add(square(y), 1));
    case "sinh": return mul(dy, cosh(x));
    case "cosh": return mul(dy, sinh(x));
    case "asin": return mul(dy, rsqrt(mul(sub(1, x), add(1, x))));
    case "acos": return neg(mul(dy, rsqrt(mul(sub(1, x), add(1, x)))));
    case "atan": return div(dy, add(square(x), 1));
    case "asinh": return mul(dy, rsqrt(add(square(x), 1)));
    case "acosh": return mul(dy, rsqrt(mul(sub(x, 1), add(x, 1))));
    case "atanh": return div(dy, mul(sub(1, x), add(1, x)));
    case "log2": return div(dy, mul(x, Math.LN2));
    case "log10": return div(dy, mul(x, Math.LN10));
  }
}

export const neg = unary("neg", "Negative", false);
export const abs = unary("abs", "Absolute", false);
export const sign = unary("sign", "Sign", false);
export const square = unary("square", "Square", false);
export const sqrt = unary("sqrt", "Sqrt", true);
export const rsqrt = unary("rsqrt", "Rsqrt", true);
export const exp = unary("exp", "Exp", true);
export const expm1 = unary("expm1", "Expm1", true);
export const log = unary("log", "Log", true);
export const log1p = unary("log1p", "Log1p", true);
export const reciprocal = unary("reciprocal", "Reciprocal", true);
export const sin = unary("sin", "Sin", true);
export const cos = unary("cos", "Cos", true);
export const erf = unary("erf", "Erf", true);
export const floor = unary("floor", "Floor", true);
export const ceil = unary("ceil", "Ceil", true);
/** Rounds half to even, as tf.round does. */
export const round = sym.withSymbolic((x: Input): Tensor => unaryOp("round", x, { floatOnly: true }), (x) => sym.symbolicOp("Round", [x], { decimals: 0 }));
export const tan = unary("tan", "Tan", true);
export const sinh = unary("sinh", "Sinh", true);
export const cosh = unary("cosh", "Cosh", true);
/** arcsin; NaN outside [-1, 1], as in TF and numpy. */
export const asin = unary("asin", "Arcsin", true);
/** arccos; NaN outside [-1, 1]. */
export const acos = unary("acos", "Arccos", true);
export const atan = unary("atan", "Arctan", true);
export const asinh = unary("asinh", "Arcsinh", true);
/** arccosh; NaN below 1. */
export const acosh = unary("acosh", "Arccosh", true);
/** arctanh; +-Infinity at +-1, NaN beyond. */
export const atanh = unary("atanh", "Arctanh", true);
export const log2 = unary("log2", "Log2", true);
export const log10 = unary("log10", "Log10", true);

// ---------------------------------------------------------------- elementwise binary

/**
 * The float dtype true division of integers gives, from TF's truediv table: uint8 (like int8 and
 * int16) divides in float32, int32 and int64 in float64. So `images / 255` on uint8 pixels is float32.
 */
const TRUEDIV_DTYPE: Partial<Record<DType, DType>> = { uint8: "float32", int32: "float64", int64: "float64" };

/**
 * TF refuses integer division by zero (floorDiv, mod) and integers raised to negative integer
 * powers, where the kernels would quietly give 0 or a truncated fraction.
 */
function assertIntegerDomain(op: BinaryOp, a: Tensor, b: Tensor): void {
  if (!isIntDType(b.dtype)) return;
  const divides = op === "floorDiv" || op === "mod";
  if (!divides && op !== "pow") return;
  const values = raw(b); // int64: bigints
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (divides ? v === 0 || v === 0n : v < 0) {
      const what = divides ? "integer division by zero" : `integer ${values[i]} as an exponent: integers to negative integer powers are not allowed`;
      throw new RangeError(
        `${op}: ${what} (b ${b.dtype} ${shapeText(b.shape)} at flat position ${i}, a ${shapeText(a.shape)}); ` +
          `cast both to float first, e.g. tf.cast(x, "float32"), for ${divides ? "inf/NaN" : "fractional"} results`,
      );
    }
  }
}

/** Result dtype of an arithmetic binary op; true division of integers gives a float, as in TF. */
function arithmetic(op: BinaryOp, aIn: Input, bIn: Input): { a: Tensor; b: Tensor; out: Tensor } {
  let [a, b] = toTensorPair(aIn, bIn, op);
  assertSameDType(op, a, b);
  if (a.dtype === "bool") throw new TypeError(`${op}: bool tensors are not numbers; use logicalAnd/logicalOr, or cast with tf.cast(x, "float32")`);
  const divDType = op === "div" ? TRUEDIV_DTYPE[a.dtype] : undefined;
  if (divDType !== undefined) {
    a = castTo(a, divDType);
    b = castTo(b, divDType);
  }
  const shape = broadcastShapes(a.shape, b.shape, op);
  assertIntegerDomain(op, a, b);
  const out = outputTensor(shape, a.dtype);
  backend().binary(op, raw(a), a.shape, raw(b), b.shape, raw(out), shape);
  return { a, b, out };
}

function castTo(x: Tensor, dtype: DType): Tensor {
  return new Tensor(castValues(storageOf(x), x.dtype, dtype), x.shape, dtype);
}

export function add(a: Sym, b: Input | Sym): Sym;
export function add(a: Input, b: Sym): Sym;
export function add(a: Input, b: Input): Tensor;
export function add(aIn: Input | Sym, bIn: Input | Sym): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) return symbolicOp("Add", [aIn, bIn]);
  const { a, b, out } = arithmetic("add", aIn, bIn);
  record("add", [a, b], out, ([dy]) => [sumTo(dy, a.shape), sumTo(dy, b.shape)]);
  return out;
}

export function sub(a: Sym, b: Input | Sym): Sym;
export function sub(a: Input, b: Sym): Sym;
export function sub(a: Input, b: Input): Tensor;
export function sub(aIn: Input | Sym, bIn: Input | Sym): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) return symbolicOp("Subtract", [aIn, bIn]);
  const { a, b, out } = arithmetic("sub", aIn, bIn);
  record("sub", [a, b], out, ([dy]) => [sumTo(dy, a.shape), sumTo(neg(dy), b.shape)]);
  return out;
}

export function mul(a: Sym, b: Input | Sym): Sym;
export function mul(a: Input, b: Sym): Sym;
export function mul(a: Input, b: Input): Tensor;
export function mul(aIn: Input | Sym, bIn: Input | Sym): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) return symbolicOp("Multiply", [aIn, bIn]);
  const { a, b, out } = arithmetic("mul", aIn, bIn);
  record("mul", [a, b], out, ([dy]) => [sumTo(mul(dy, b), a.shape), sumTo(mul(dy, a), b.shape)]);
  return out;
}

export function div(a: Sym, b: Input | Sym): Sym;
export function div(a: Input, b: Sym): Sym;
export function div(a: Input, b: Input): Tensor;
export function div(aIn: Input | Sym, bIn: Input | Sym): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) return symbolicOp("Divide", [aIn, bIn]);
  const { a, b, out } = arithmetic("div", aIn, bIn);
  record("div", [a, b], out, ([dy]) => [
    sumTo(div(dy, b), a.shape),
    sumTo(neg(div(mul(dy, out), b)), b.shape),
  ]);
  return out;
}

export function pow(a: Sym, b: Input | Sym): Sym;
export function pow(a: Input, b: Sym): Sym;
export function pow(a: Input, b: Input): Tensor;
export function pow(aIn: Input | Sym, bIn: Input | Sym): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) return symbolicOp("Power", [aIn, bIn]);
  const { a, b, out } = arithmetic("pow", aIn, bIn);
  record("pow", [a, b], out, ([dy]) => {
    // d/da = b * a^(b-1); d/db = a^b * log(a), taken as 0 where a <= 0 (as TF does).
    const da = mul(dy, mul(b, pow(a, sub(b, 1))));
    const positive = greater(a, 0);
    const logA = where(positive, log(where(positive, a, 1)), 0);
    const db = mul(dy, mul(out, logA));
    return [sumTo(da, a.shape), sumTo(db, b.shape)];
  });
  return out;
}

export function maximum(a: Sym, b: Input | Sym): Sym;
export function maximum(a: Input, b: Sym): Sym;
export function maximum(a: Input, b: Input): Tensor;
export function maximum(aIn: Input | Sym, bIn: Input | Sym): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) return symbolicOp("Maximum", [aIn, bIn]);
  const { a, b, out } = arithmetic("maximum", aIn, bIn);
  record("maximum", [a, b], out, ([dy]) => {
    const takeA = greaterEqual(a, b);
    return [sumTo(where(takeA, dy, 0), a.shape), sumTo(where(takeA, 0, dy), b.shape)];
  });
  return out;
}

export function minimum(a: Sym, b: Input | Sym): Sym;
export function minimum(a: Input, b: Sym): Sym;
export function minimum(a: Input, b: Input): Tensor;
export function minimum(aIn: Input | Sym, bIn: Input | Sym): Tensor | Sym {
  if (aIn instanceof SymbolicValue || bIn instanceof SymbolicValue) return symbolicOp("Minimum", [aIn, bIn]);
  const { a, b, out } = arithmetic("minimum", aIn, bIn);
  record("minimum", [a, b], out, ([dy]) => {
    const takeA = lessEqual(a, b);
    return [sumTo(where(takeA, dy, 0), a.shape), sumTo(where(takeA, 0, dy), b.shape)];
  });
  return out;
}

export function squaredDifference(aIn: Input, bIn: Input): Tensor {
  const { a, b, out } = arithmetic("squaredDifference", aIn, bIn);
  record("squaredDifference", [a, b], out, ([dy]) => {
    const g = mul(dy, mul(sub(a, b), 2));
    return [sumTo(g, a.shape), sumTo(neg(g), b.shape)];
  });
  return out;
}

/** Floor division (Python's //); piecewise constant, so its gradient is zero. */
function floorDivEager(aIn: Input, bIn: Input): Tensor {
  return arithmetic("floorDiv", aIn, bIn).out;
}
export const floorDiv = sym.withSymbolic(floorDivEager, (a, b) => sym.symbolicOp("FloorDivide", [a, b]));

/** Remainder with the sign of the divisor (Python's %). d/da = 1, d/db = -floor(a / b). */
function modEager(aIn: Input, bIn: Input): Tensor {
  const { a, b, out } = arithmetic("mod", aIn, bIn);
  record("mod", [a, b], out, ([dy]) => [sumTo(dy, a.shape), sumTo(mul(neg(dy), floorDiv(a, b)), b.shape)]);
  return out;
}
export const mod = sym.withSymbolic(modEager, (a, b) => sym.symbolicOp("Mod", [a, b]));

/**
 * tf.atan2(a, b): the angle of the point (b, a), in (-pi, pi]. d/da = b / (a^2 + b^2),
 * d/db = -a / (a^2 + b^2).
 */
function atan2Eager(aIn: Input, bIn: Input): Tensor {
  const [a0, b0] = toTensorPair(aIn, bIn, "atan2");
  assertFloat("atan2", a0, "a");
  assertFloat("atan2", b0, "b");
  const { a, b, out } = arithmetic("atan2", a0, b0);
  record("atan2", [a, b], out, ([dy]) => {
    const r2 = add(square(a), square(b));
    return [sumTo(div(mul(dy, b), r2), a.shape), sumTo(neg(div(mul(dy, a), r2)), b.shape)];
  });
  return out;
}
export const atan2 = sym.withSymbolic(atan2Eager, (a, b) => sym.symbolicOp("Arctan2", [a, b]));

// ---------------------------------------------------------------- comparisons and logic

function compare(op: BinaryOp, aIn: Input, bIn: Input): Tensor {
  const [a, b] = toTensorPair(aIn, bIn, op);
  assertSameDType(op, a, b);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = emptyTensor(shape, "bool");
  backend().binary(op, raw(a), a.shape, raw(b), b.shape, raw(out), shape);
  return out;
}

export const equal = sym.withSymbolic((a: Input, b: Input): Tensor => compare("equal", a, b), (a, b) => sym.symbolicOp("Equal", [a, b]));
export const notEqual = sym.withSymbolic((a: Input, b: Input): Tensor => compare("notEqual", a, b), (a, b) => sym.symbolicOp("NotEqual", [a, b]));
export const less = sym.withSymbolic((a: Input, b: Input): Tensor => compare("less", a, b), (a, b) => sym.symbolicOp("Less", [a, b]));
export const lessEqual = sym.withSymbolic((a: Input, b: Input): Tensor => compare("lessEqual", a, b), (a, b) => sym.symbolicOp("LessEqual", [a, b]));
export const greater = sym.withSymbolic((a: Input, b: Input): Tensor => compare("greater", a, b), (a, b) => sym.symbolicOp("Greater", [a, b]));
export const greaterEqual = sym.withSymbolic((a: Input, b: Input): Tensor => compare("greaterEqual", a, b), (a, b) => sym.symbolicOp("GreaterEqual", [a, b]));

function logical(op: BinaryOp, aIn: Input, bIn: Input): Tensor {
  const [a, b] = toTensorPair(aIn, bIn, op);
  if (a.dtype !== "bool" || b.dtype !== "bool") {
    throw new TypeError(`${op}: needs bool tensors, got ${a.dtype} ${shapeText(a.shape)} and ${b.dtype} ${shapeText(b.shape)}; compare first (e.g. tf.greater(x, 0))`);
  }
  return compare(op, a, b);
}

export const logicalAnd = sym.withSymbolic((a: Input, b: Input): Tensor => logical("logicalAnd", a, b), (a, b) => sym.symbolicOp("LogicalAnd", [a, b]));
export const logicalOr = sym.withSymbolic((a: Input, b: Input): Tensor => logical("logicalOr", a, b), (a, b) => sym.symbolicOp("LogicalOr", [a, b]));

/** tf.logicalXor(a, b): true where exactly one of the bool tensors is true. */
function logicalXorEager(aIn: Input, bIn: Input): Tensor {
  const [a, b] = toTensorPair(aIn, bIn, "logicalXor");
  if (a.dtype !== "bool" || b.dtype !== "bool") {
    throw new TypeError(`logicalXor: needs bool tensors, got ${a.dtype} ${shapeText(a.shape)} and ${b.dtype} ${shapeText(b.shape)}; compare first (e.g. tf.greater(x, 0))`);
  }
  return compare("notEqual", a, b);
}
export const logicalXor = sym.withSymbolic(logicalXorEager, (a, b) => sym.symbolicOp("LogicalXor", [a, b]));

function logicalNotEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "logicalNot");
  if (x.dtype !== "bool") throw new TypeError(`logicalNot: needs a bool tensor, got ${x.dtype} ${shapeText(x.shape)}`);
  const out = emptyTensor(x.shape, "bool");
  backend().unary("logicalNot", num(x), num(out), 0);
  return out;
}
export const logicalNot = sym.withSymbolic(logicalNotEager, (x) => sym.symbolicOp("LogicalNot", [x]));

function isNaNEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "isNaN");
  assertFloat("isNaN", x);
  const out = emptyTensor(x.shape, "bool");
  backend().unary("isNaN", num(x), num(out), 0);
  return out;
}
export const isNaN = sym.withSymbolic(isNaNEager, (x) => sym.symbolicOp("Isnan", [x]));

/** tf.isFinite(x): true where x is neither NaN nor +-Infinity. */
function isFiniteEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "isFinite");
  assertFloat("isFinite", x);
  const out = emptyTensor(x.shape, "bool");
  backend().unary("isFinite", num(x), num(out), 0);
  return out;
}
export const isFinite = sym.withSymbolic(isFiniteEager, (x) => sym.symbolicOp("Isfinite", [x]));

/** tf.isInf(x): true where x is +Infinity or -Infinity. */
function isInfEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "isInf");
  assertFloat("isInf", x);
  return equal(abs(x), Infinity);
}
export const isInf = sym.withSymbolic(isInfEager, (x) => sym.symbolicOp("Isinf", [x]));

/** The largest finite value of each float dtype (numpy.finfo(dtype).max). */
const FLOAT_MAX: Partial<Record<DType, number>> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/**
 * keras.ops.nan_to_num(x, nan, posinf, neginf): NaN becomes `nan` (0), +Infinity `posinf` and
 * -Infinity `neginf` (by default the dtype's largest and lowest finite values, as numpy). Integer
 * and bool tensors come back unchanged. The gradient passes where x is finite and is 0 elsewhere.
 */
function nanToNumEager(xIn: Input, opts: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor {
  const x = toTensor(xIn, "nanToNum");
  if (!isFloatDType(x.dtype)) return x;
  const big = FLOAT_MAX[x.dtype] as number;
  const posinf = opts.posinf ?? big;
  const neginf = opts.neginf ?? -big;
  const nan = opts.nan ?? 0;
  const finite = isFinite(x);
  const replaced = where(isNaN(x), nan, where(greater(x, 0), constant(posinf, [], x.dtype), neginf));
  return where(finite, x, replaced);
}

/** tf.where(condition, a, b): elements of a where condition is true, else of b (broadcasting). */
function whereEager(condIn: Input, aIn: Input, bIn: Input): Tensor {
  const cond = toTensor(condIn, "where", "condition");
  if (cond.dtype !== "bool") throw new TypeError(`where: condition must be bool, got ${cond.dtype}; compare first, e.g. tf.greater(x, 0)`);
  const [a, b] = toTensorPair(aIn, bIn, "where");
  assertSameDType("where", a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, "where"), b.shape, "where");
  const out = outputTensor(shape, a.dtype);
  backend().select(storageOf(cond) as Uint8Array, cond.shape, raw(a), a.shape, raw(b), b.shape, raw(out), shape);
  record("where", [a, b], out, ([dy]) => [sumTo(where(cond, dy, 0), a.shape), sumTo(where(cond, 0, dy), b.shape)]);
  return out;
}
export const where = sym.withSymbolic(whereEager, (c, a, b) => sym.symbolicOp("Where", [c, a, b]));

// ---------------------------------------------------------------- casts and clipping

/**
 * tf.cast(x, dtype): float to int truncates toward zero, and NaN, +-Infinity or a value beyond the
 * integer type's range gives its smallest value (INT_MIN), as numpy, torch and TF do on x86;
 * anything nonzero is true.
 */
export function cast(x: Sym, dtype: DType): Sym;
export function cast(x: Input, dtype: DType): Tensor;
export function cast(xIn: Input | Sym, dtype: DType): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Cast", [xIn], { dtype });
  const x = toTensor(xIn, "cast");
  if (x.dtype === dtype) return x;
  const out = castTo(x, dtype);
  if (isFloatDType(x.dtype) && isFloatDType(dtype)) {
    record("cast", [x], out, ([dy]) => [cast(dy, x.dtype)]);
  }
  return out;
}

/** tf.clipByValue(x, lo, hi); the gradient passes where lo <= x <= hi. */
export function clipByValue(x: Sym, lo: number, hi: number): Sym;
export function clipByValue(x: Input, lo: number, hi: number): Tensor;
export function clipByValue(xIn: Input | Sym, lo: number, hi: number): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Clip", [xIn], { x_min: lo, x_max: hi });
  const x = toTensor(xIn, "clipByValue");
  if (!(lo <= hi)) throw new RangeError(`clipByValue: clipValueMin ${lo} must be <= clipValueMax ${hi}`);
  // TF converts the bounds to x's dtype and refuses a fraction for an integer tensor; the kernel
  // would store the clipped value truncated (clipping int32 [-3, 3] to +-1.5 gave -1, 1).
  if (isIntDType(x.dtype) && !(Number.isInteger(lo) && Number.isInteger(hi))) {
    throw new TypeError(`clipByValue: bounds ${lo} and ${hi} must be integers for ${x.dtype} ${shapeText(x.shape)}; cast x first, e.g. tf.cast(x, "float32")`);
  }
  const out = outputTensor(x.shape, x.dtype);
  backend().clip(raw(x), lo, hi, raw(out));
  record("clipByValue", [x], out, ([dy]) => [where(logicalAnd(greaterEqual(x, lo), lessEqual(x, hi)), dy, 0)]);
  return out;
}

// ---------------------------------------------------------------- chainable methods

declare module "../tensor/tensor.js" {
  interface Tensor {
    neg(): Tensor; abs(): Tensor; sign(): Tensor; square(): Tensor; sqrt(): Tensor; rsqrt(): Tensor;
    exp(): Tensor; expm1(): Tensor; log(): Tensor; log1p(): Tensor; reciprocal(): Tensor;
    sin(): Tensor; cos(): Tensor; erf(): Tensor; floor(): Tensor; ceil(): Tensor; round(): Tensor;
    tan(): Tensor; sinh(): Tensor; cosh(): Tensor; asin(): Tensor; acos(): Tensor; atan(): Tensor;
    asinh(): Tensor; acosh(): Tensor; atanh(): Tensor; log2(): Tensor; log10(): Tensor;
    atan2(b: Input): Tensor; logicalXor(b: Input): Tensor; isFinite(): Tensor; isInf(): Tensor;
    add(b: Input): Tensor; sub(b: Input): Tensor; mul(b: Input): Tensor; div(b: Input): Tensor;
    pow(b: Input): Tensor; maximum(b: Input): Tensor; minimum(b: Input): Tensor;
    squaredDifference(b: Input): Tensor; floorDiv(b: Input): Tensor; mod(b: Input): Tensor;
    equal(b: Input): Tensor; notEqual(b: Input): Tensor; less(b: Input): Tensor; lessEqual(b: Input): Tensor;
    greater(b: Input): Tensor; greaterEqual(b: Input): Tensor;
    logicalAnd(b: Input): Tensor; logicalOr(b: Input): Tensor; logicalNot(): Tensor; isNaN(): Tensor;
    cast(dtype: DType): Tensor; clipByValue(lo: number, hi: number): Tensor;
  }
}

installMethods({
  neg, abs, sign, square, sqrt, rsqrt, exp, expm1, log, log1p, reciprocal, sin, cos, erf, floor, ceil, round,
  add, sub, mul, div, pow, maximum, minimum, squaredDifference, floorDiv, mod,
  equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr, logicalNot, isNaN,
  cast, clipByValue,
  tan, sinh, cosh, asin, acos, atan, asinh, acosh, atanh, log2, log10, atan2, logicalXor, isFinite, isInf,
});

/** nanToNum, recording Keras' NanToNum on symbolic tensors (see nanToNumEager). */
export const nanToNum = sym.withSymbolic(nanToNumEager, (x, o = {}) => sym.symbolicOp("NanToNum", [x], { nan: o.nan ?? 0, posinf: o.posinf ?? null, neginf: o.neginf ?? null }));
