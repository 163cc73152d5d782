import type { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Input, assertFloat, assertSameDType, isRecording, noGrad, record, toTensor, toTensorPair } from "./engine.js";
import {
  abs, add, cast, div, equal, erf, exp, greater, isFinite, isNaN, less, lessEqual, log, log1p, logicalAnd, logicalOr,
  maximum, mul, neg, sqrt, square, sub, where,
} from "./math.js";
import { softplus } from "./activation.js";
import * as sym from "./symbolic.js";

/*
 * Elementwise functions Keras has and TensorFlow.js names (divNoNan, logSigmoid) or lacks
 * (logaddexp, erfinv, isclose), composed from differentiable ops.
 */

/**
 * keras.ops.logaddexp(x1, x2) (numpy.logaddexp): log(exp(x1) + exp(x2)) without overflow, as
 * max(x1, x2) + log1p(exp(-|x1 - x2|)); equal arguments (infinities too) give x + log(2).
 * Gradient: sigmoid(x1 - x2) and sigmoid(x2 - x1), half each at ties.
 */
function logaddexpEager(x1In: Input, x2In: Input): Tensor {
  const op = "logaddexp";
  const [x1, x2] = toTensorPair(x1In, x2In, op);
  assertSameDType(op, x1, x2);
  assertFloat(op, x1, "x1");
  const same = equal(x1, x2);
  // The difference is replaced where it would be inf - inf, so no NaN reaches the gradient.
  const d = where(same, 0, sub(x1, x2));
  const general = add(maximum(x1, x2), log1p(exp(neg(abs(d)))));
  return where(same, add(mul(add(x1, x2), 0.5), Math.LN2), general);
}
export const logaddexp = sym.withSymbolic(logaddexpEager, (a, b) => sym.symbolicOp("Logaddexp", [a, b]));

/** tf.logSigmoid(x) (keras.ops.log_sigmoid): log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
function logSigmoidEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "logSigmoid");
  assertFloat("logSigmoid", x);
  return neg(softplus(neg(x)));
}
export const logSigmoid = sym.withSymbolic(logSigmoidEager, (x) => sym.symbolicOp("LogSigmoid", [x]));

/**
 * tf.divNoNan(a, b) (keras.ops.divide_no_nan): a / b, and 0 wherever b is 0 (even for a = 0 or
 * a = Infinity). The gradient is 0 there too.
 */
function divNoNanEager(aIn: Input, bIn: Input): Tensor {
  const op = "divNoNan";
  const [a, b] = toTensorPair(aIn, bIn, op);
  assertSameDType(op, a, b);
  const zero = equal(b, 0);
  // A safe divisor where b is 0, so the masked quotient's gradient is 0 rather than NaN.
  return where(zero, 0, div(a, where(zero, 1, b)));
}
export const divNoNan = sym.withSymbolic(divNoNanEager, (a, b) => sym.symbolicOp("DivideNoNan", [a, b]));

/**
 * keras.ops.isclose(x1, x2, rtol = 1e-5, atol = 1e-8, equalNan = false) (numpy.isclose): bool,
 * |x1 - x2| <= atol + rtol * |x2| elementwise; infinities are close only to themselves, NaN to
 * nothing unless equalNan.
 */
function iscloseEager(x1In: Input, x2In: Input, rtol = 1e-5, atol = 1e-8, equalNan = false): Tensor {
  const op = "isclose";
  const [a0, b0] = toTensorPair(x1In, x2In, op);
  assertSameDType(op, a0, b0);
  if (!(rtol >= 0) || !(atol >= 0)) throw new RangeError(`${op}: rtol (${rtol}) and atol (${atol}) must be non-negative numbers`);
  const [a, b] = isFloatDType(a0.dtype) ? [a0, b0] : [cast(a0, "float64"), cast(b0, "float64")];
  const within = lessEqual(abs(sub(a, b)), add(mul(abs(b), rtol), atol));
  let close = logicalOr(equal(a, b), logicalAnd(logicalAnd(isFinite(a), isFinite(b)), within));
  if (equalNan) close = logicalOr(close, logicalAnd(isNaN(a), isNaN(b)));
  return close;
}
export const isclose = sym.withSymbolic(iscloseEager, (a, b, rtol = 1e-5, atol = 1e-8, equalNan = false) => sym.symbolicOp("Isclose", [a, b, rtol, atol, equalNan]));

/** Horner's rule for coefficients given from the highest power down. */
function polynomial(w: Tensor, coefficients: readonly number[]): Tensor {
  let p: Tensor | number = coefficients[0];
  for (const c of coefficients.slice(1)) p = add(mul(p, w), c);
  return p as Tensor;
}

/** erfinv(x) in float64: M. Giles' single-precision approximation, then Newton steps on erf. */
function erfinv64(x: Tensor): Tensor {
  const w = neg(log(mul(sub(1, x), add(1, x))));
  const central = polynomial(sub(w, 2.5), [
    2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
    -0.00417768164, 0.246640727, 1.50140941,
  ]);
  const tail = polynomial(sub(sqrt(w), 3), [
    -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
    0.00943887047, 1.00167406, 2.83297682,
  ]);
  let y = mul(where(less(w, 5), central, tail), x);
  // Newton on erf(y) = x (erf is double precision); where the start is infinite it stays so.
  for (let i = 0; i < 3; i++) {
    const step = div(sub(erf(y), x), mul(exp(neg(square(y))), 2 / Math.sqrt(Math.PI)));
    y = where(isFinite(y), sub(y, step), y);
  }
  // |x| = 1 gives +-Infinity and |x| > 1 NaN, as torch.erfinv.
  const edge = equal(abs(x), 1);
  return where(edge, mul(x, Infinity), where(less(abs(x), 1), y, NaN));
}

/**
 * keras.ops.erfinv(x): the inverse of erf on (-1, 1) (+-Infinity at +-1, NaN outside), computed in
 * float64. Gradient sqrt(pi) / 2 * exp(erfinv(x)^2).
 */
function erfinvEager(xIn: Input): Tensor {
  const op = "erfinv";
  const x = toTensor(xIn, op);
  assertFloat(op, x);
  const out = noGrad(() => cast(erfinv64(cast(x, "float64")), x.dtype));
  record(op, [x], out, ([dy]) => {
    // Under a recording tape erfinv is taken again, so the derivative is itself differentiable.
    const y = isRecording() ? erfinv(x) : out;
    return [mul(dy, mul(exp(square(y)), Math.sqrt(Math.PI) / 2))];
  });
  return out;
}
export const erfinv = sym.withSymbolic(erfinvEager, (x) => sym.symbolicOp("Erfinv", [x]));

// Below this, 1 - erf(x) in float64 keeps about 14 significant digits (erfc(1.5) = 0.034); above it
// the continued fraction, 100 levels deep, is within 3e-16 of scipy's erfc.
const ERFC_CF_FROM = 1.5;
const ERFC_CF_DEPTH = 100;

/** erfc(x) in float64 without the cancellation of 1 - erf(x) for large x. */
function erfc64(x: Tensor): Tensor {
  const far = greater(x, ERFC_CF_FROM);
  const near = where(far, 0, x);
  const xf = where(far, x, ERFC_CF_FROM + 1);
  // erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))), evaluated from the bottom.
  let t: Tensor = xf;
  for (let k = ERFC_CF_DEPTH; k >= 1; k--) t = add(xf, div(k / 2, t));
  const tail = div(exp(neg(square(xf))), mul(t, Math.sqrt(Math.PI)));
  return where(far, tail, sub(1, erf(near)));
}

/**
 * keras.ops.erfc(x): the complementary error function 1 - erf(x), computed in float64 so that it
 * keeps its precision where erf(x) is close to 1 (erfc(10) = 2.1e-45 is 0 in float32, as Keras').
 * Integer inputs give float32. Gradient -2 / sqrt(pi) exp(-x^2).
 */
function erfcEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "erfc");
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const out = noGrad(() => cast(erfc64(cast(x, "float64")), dtype));
  if (!isFloatDType(x.dtype)) return out;
  record("erfc", [x], out, ([dy]) => [mul(dy, mul(exp(neg(square(x))), -2 / Math.sqrt(Math.PI)))]);
  return out;
}
export const erfc = sym.withSymbolic(erfcEager, (x) => sym.symbolicOp("Erfc", [x]));
