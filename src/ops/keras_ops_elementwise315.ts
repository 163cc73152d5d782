/**
 * keras.ops element-wise members new since Keras 3.5, as Keras 3.15's numpy backend defines them
 * (keras/src/backend/numpy/numpy.py): cbrt, deg2rad, rad2deg, exp2, fabs, fmod, fmax, fmin, hypot,
 * ldexp, logaddexp2, signbit, sinc, trunc, heaviside, isneginf, isposinf, isreal, i0, nextafter,
 * gcd and lcm. Each is composed of lamina's differentiable ops, so the float ones have gradients
 * without kernels of their own; each records its Keras operation on symbolic tensors.
 */
import type { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType, isIntDType } from "../tensor/dtype.js";
import { floatx } from "../tensor/config.js";
import { constant, fill } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import { any as tfAny } from "./reduce.js";
import * as sym from "./symbolic.js";
import { kerasFloatDType } from "./keras_float.js";
import { asDType, kerasResultType, promoted } from "./keras_promote.js";
import { maximum as kMaximum, minimum as kMinimum } from "./keras_promoted.js";

/** x as a tensor of `dtype` (cast only when it differs). */
const as = (x: Tensor, dtype: DType): Tensor => (x.dtype === dtype ? x : m.cast(x, dtype));

/** Keras' cbrt/hypot/heaviside result: int64 widens to float64, other ints and bool to floatx(), floats stay. */
function widenInt(d: DType): DType {
  if (isFloatDType(d)) return d;
  return d === "int64" ? "float64" : floatx();
}

/** Keras' deg2rad/rad2deg result: int64 and float64 give float64, everything else floatx(). */
const angleDType = (d: DType): DType => (d === "int64" || d === "float64" ? "float64" : floatx());

/** A scalar constant of `dtype`, for the bases of powers (pow takes tensors of one dtype). */
const scalar = (v: number, dtype: DType): Tensor => constant(v, [], dtype);

// ---------------------------------------------------------------- one argument

function cbrtEager(xIn: Input): Tensor {
  const x0 = toTensor(xIn, "cbrt");
  const x = as(x0, widenInt(x0.dtype));
  // pow of a negative base is NaN: the root of |x| takes x's sign. Zero goes through a safe 1 so
  // that pow's infinite slope at 0 never meets the gradient (0 * inf would be NaN).
  const zero = m.equal(x, 0);
  const safe = m.where(zero, 1, x);
  return m.where(zero, x, m.mul(m.sign(safe), m.pow(m.abs(safe), scalar(1 / 3, x.dtype))));
}
/** keras.ops.cbrt(x): the real cube root; ints and bool give floatx() (int64 float64). */
export const cbrt = sym.withSymbolic(cbrtEager, (x) => sym.symbolicOp("Cbrt", [x]));

function deg2radEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "deg2rad");
  return m.mul(as(x, angleDType(x.dtype)), Math.PI / 180);
}
/** keras.ops.deg2rad(x): x * pi / 180, in float64 for int64 and float64 input, floatx() otherwise. */
export const deg2rad = sym.withSymbolic(deg2radEager, (x) => sym.symbolicOp("Deg2rad", [x]));

function rad2degEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "rad2deg");
  return m.mul(as(x, angleDType(x.dtype)), 180 / Math.PI);
}
/** keras.ops.rad2deg(x): x * 180 / pi, in deg2rad's dtypes. */
export const rad2deg = sym.withSymbolic(rad2degEager, (x) => sym.symbolicOp("Rad2deg", [x]));

function exp2Eager(xIn: Input): Tensor {
  const x0 = toTensor(xIn, "exp2");
  const x = as(x0, kerasFloatDType(x0.dtype));
  // pow(2, x) rather than exp(x ln 2): integer powers of two come out exact.
  return m.pow(scalar(2, x.dtype), x);
}
/** keras.ops.exp2(x): 2 ** x; ints and bool give floatx(). */
export const exp2 = sym.withSymbolic(exp2Eager, (x) => sym.symbolicOp("Exp2", [x]));

function fabsEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "fabs");
  return m.abs(as(x, kerasFloatDType(x.dtype)));
}
/** keras.ops.fabs(x): |x| as a float (ints and bool give floatx()). */
export const fabs = sym.withSymbolic(fabsEager, (x) => sym.symbolicOp("Fabs", [x]));

function signbitEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "signbit");
  if (x.dtype === "bool" || x.dtype === "uint8") return fill(x.shape, false, "bool");
  if (!isFloatDType(x.dtype)) return m.less(x, 0);
  // -0 has its sign bit set: 1 / -0 is -inf. NaN counts as positive (its sign bit is not visible here).
  return m.logicalOr(m.less(x, 0), m.logicalAnd(m.equal(x, 0), m.less(m.div(1, x), 0)));
}
/**
 * keras.ops.signbit(x): whether x's sign bit is set (true for -0). Every NaN gives false: without a
 * bit-level view of floats lamina cannot see a NaN's sign (numpy gives true for -nan).
 */
export const signbit = sym.withSymbolic(signbitEager, (x) => sym.symbolicOp("Signbit", [x]));

function sincEager(xIn: Input): Tensor {
  const x0 = toTensor(xIn, "sinc");
  const x = as(x0, kerasFloatDType(x0.dtype));
  const zero = m.equal(x, 0);
  // sin(pi x) / (pi x) with its limit 1 at 0, computed at a safe 1 there so the gradient stays finite.
  const px = m.mul(m.where(zero, 1, x), Math.PI);
  return m.where(zero, m.add(m.mul(x, 0), 1), m.div(m.sin(px), px));
}
/** keras.ops.sinc(x): the normalized sinc, sin(pi x) / (pi x) and 1 at 0; ints and bool give floatx(). */
export const sinc = sym.withSymbolic(sincEager, (x) => sym.symbolicOp("Sinc", [x]));

function truncEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "trunc");
  if (!isFloatDType(x.dtype)) return x;
  return m.where(m.less(x, 0), m.ceil(x), m.floor(x));
}
/** keras.ops.trunc(x): rounds toward zero; ints and bool are returned as they are. */
export const trunc = sym.withSymbolic(truncEager, (x) => sym.symbolicOp("Trunc", [x]));

function isInfinity(op: string, sign: 1 | -1): (xIn: Input) => Tensor {
  return (xIn) => {
    const x = toTensor(xIn, op);
    return isFloatDType(x.dtype) ? m.equal(x, sign * Infinity) : fill(x.shape, false, "bool");
  };
}
/** keras.ops.isneginf(x): whether x is -inf (never, for ints and bool). */
export const isneginf = sym.withSymbolic(isInfinity("isneginf", -1), (x) => sym.symbolicOp("Isneginf", [x]));
/** keras.ops.isposinf(x): whether x is +inf (never, for ints and bool). */
export const isposinf = sym.withSymbolic(isInfinity("isposinf", 1), (x) => sym.symbolicOp("Isposinf", [x]));

function isrealEager(xIn: Input): Tensor {
  return fill(toTensor(xIn, "isreal").shape, true, "bool");
}
/** keras.ops.isreal(x): lamina has no complex dtype, so every element is real (all true). */
export const isreal = sym.withSymbolic(isrealEager, (x) => sym.symbolicOp("Isreal", [x]));

// I0's power series sum_k ((x/2)^2k / k!^2) has only positive terms, so it is accurate while it
// converges quickly (|x| <= I0_SERIES_LIMIT: 60 terms reach float64 precision); beyond it the
// asymptotic series (20 terms) e^x / sqrt(2 pi x) * sum_k ((2k-1)!!)^2 / (k! (8x)^k) is as accurate.
const I0_SERIES_LIMIT = 20;
const I0_SERIES_TERMS = 60;
const I0_ASYMPTOTIC_TERMS = 20;

function i0Eager(xIn: Input): Tensor {
  const x0 = toTensor(xIn, "i0");
  const x = m.abs(as(x0, x0.dtype === "int64" ? "float64" : kerasFloatDType(x0.dtype)));
  const large = m.greater(x, I0_SERIES_LIMIT);
  // Each branch sees only the inputs it is used for, so the other's overflow never reaches the gradient.
  const xs = m.where(large, 0, x);
  const xa = m.where(large, x, I0_SERIES_LIMIT + 1);
  const q = m.mul(m.square(xs), 0.25);
  let term: Tensor = m.add(m.mul(xs, 0), 1);
  let series: Tensor = term;
  for (let k = 1; k <= I0_SERIES_TERMS; k++) {
    term = m.mul(term, m.div(q, k * k));
    series = m.add(series, term);
  }
  const inv8x = m.div(0.125, xa);
  let aterm: Tensor = m.add(m.mul(xa, 0), 1);
  let asym: Tensor = aterm;
  for (let k = 1; k <= I0_ASYMPTOTIC_TERMS; k++) {
    aterm = m.mul(aterm, m.mul(inv8x, ((2 * k - 1) * (2 * k - 1)) / k));
    asym = m.add(asym, aterm);
  }
  // e^x / sqrt(2 pi x) as e^(x/2) twice, so float32 overflows only where I0 itself does.
  const half = m.exp(m.mul(xa, 0.5));
  const big = m.mul(m.mul(half, m.div(asym, m.sqrt(m.mul(xa, 2 * Math.PI)))), half);
  return m.where(large, big, series);
}
/** keras.ops.i0(x): the modified Bessel function of the first kind, order 0; float64 for int64 and float64. */
export const i0 = sym.withSymbolic(i0Eager, (x) => sym.symbolicOp("I0", [x]));

// ---------------------------------------------------------------- two arguments

function fmodEager(x1: Input, x2: Input): Tensor {
  const [a, b] = promoted([x1, x2], "fmod", [], "int32");
  if (isFloatDType(a.dtype)) {
    // C's fmod has the dividend's sign: numpy's remainder of the magnitudes, signed by x1 (this
    // keeps fmod(x, inf) = x for finite x, where a floor-remainder gives inf).
    return m.mul(m.sign(a), m.mod(m.abs(a), m.abs(b)));
  }
  // Integer fmod by zero is 0 in numpy (lamina's integer mod refuses a zero divisor).
  const zero = m.equal(b, 0);
  const mag = (t: Tensor): Tensor => (t.dtype === "uint8" ? t : m.abs(t));
  const r = m.mod(mag(a), mag(m.where(zero, m.add(m.mul(b, 0), 1), b)));
  return m.where(zero, m.mul(a, 0), a.dtype === "uint8" ? r : m.mul(m.sign(a), r));
}
/** keras.ops.fmod(x1, x2): C's remainder, with x1's sign (ops.mod follows x2's); two bools give int32. */
export const fmod = sym.withSymbolic(fmodEager, (a, b) => sym.symbolicOp("Fmod", [a, b]));

function nanIgnoring(op: string, pick: (a: Input, b: Input) => Tensor): (x1: Input, x2: Input) => Tensor {
  return (x1, x2) => {
    const [a, b] = promoted([x1, x2], op);
    if (!isFloatDType(a.dtype)) return pick(a, b);
    return m.where(m.isNaN(a), b, m.where(m.isNaN(b), a, pick(a, b)));
  };
}
/** keras.ops.fmax(x1, x2): the element-wise maximum, taking the other value where one is NaN. */
export const fmax = sym.withSymbolic(nanIgnoring("fmax", kMaximum), (a, b) => sym.symbolicOp("Fmax", [a, b]));
/** keras.ops.fmin(x1, x2): the element-wise minimum, taking the other value where one is NaN. */
export const fmin = sym.withSymbolic(nanIgnoring("fmin", kMinimum), (a, b) => sym.symbolicOp("Fmin", [a, b]));

/**
 * The operands in the float dtype Keras computes a cbrt-like op of two arguments in (int64 widening
 * to float64), and the dtype it returns (bool for two bools, as numpy's astype gives).
 */
function widenedPair(x1: Input, x2: Input, op: string): [Tensor, Tensor, DType] {
  const found = kerasResultType([x1, x2], op);
  const compute = widenInt(found);
  return [asDType(x1, compute, op, "x1"), asDType(x2, compute, op, "x2"), found === "bool" ? "bool" : compute];
}

function hypotEager(x1: Input, x2: Input): Tensor {
  const [a0, b0, result] = widenedPair(x1, x2, "hypot");
  const a = m.abs(a0), b = m.abs(b0);
  // max * sqrt(1 + (min / max)^2) cannot overflow where a^2 + b^2 would; max 0 gives 0 and an
  // infinite side gives inf even beside NaN (C's hypot).
  const hi = m.maximum(a, b), lo = m.minimum(a, b);
  const zero = m.equal(hi, 0);
  const r = m.div(lo, m.where(zero, 1, hi));
  let y = m.where(zero, hi, m.mul(hi, m.sqrt(m.add(m.square(r), 1))));
  y = m.where(m.logicalOr(m.isInf(a), m.isInf(b)), Infinity, y);
  return as(y, result);
}
/** keras.ops.hypot(x1, x2): sqrt(x1^2 + x2^2) without overflow; ints give floatx() (int64 float64). */
export const hypot = sym.withSymbolic(hypotEager, (a, b) => sym.symbolicOp("Hypot", [a, b]));

function heavisideEager(x1: Input, x2: Input): Tensor {
  const [a, b, result] = widenedPair(x1, x2, "heaviside");
  const step = m.where(m.less(a, 0), 0, m.where(m.greater(a, 0), 1, b));
  return as(m.where(m.isNaN(a), NaN, step), result);
}
/** keras.ops.heaviside(x1, x2): 0 where x1 < 0, 1 where x1 > 0, x2 where x1 is 0 (NaN stays NaN). */
export const heaviside = sym.withSymbolic(heavisideEager, (a, b) => sym.symbolicOp("Heaviside", [a, b]));

function ldexpEager(x1: Input, x2: Input): Tensor {
  const e = toTensor(x2, "ldexp", "x2");
  const integral = isIntDType(e.dtype) || (typeof x2 === "number" && Number.isInteger(x2));
  if (!integral) {
    throw new TypeError(`ops.ldexp: the exponent x2 must be an integer tensor (int32, int64 or uint8), got ${typeof x2 === "number" ? valueText(x2) : `${e.dtype} ${shapeText(e.shape)}`}; cast it with ops.cast(x2, "int32")`);
  }
  const d = kerasResultType([x1, x2], "ldexp", ["float"]);
  const x = asDType(x1, d, "ldexp", "x1");
  const ef = as(e, d);
  // 2^e as two halves, so x * 2^e stays finite where 2^e alone would overflow (tiny x, large e).
  const h = m.floor(m.mul(ef, 0.5));
  const two = scalar(2, d);
  return m.mul(m.mul(x, m.pow(two, h)), m.pow(two, m.sub(ef, h)));
}
/** keras.ops.ldexp(x1, x2): x1 * 2 ** x2 for an integer x2, in result_type(x1, x2, float). */
export const ldexp = sym.withSymbolic(ldexpEager, (a, b) => sym.symbolicOp("Ldexp", [a, b]));

function logaddexp2Eager(x1: Input, x2: Input): Tensor {
  const [a, b] = promoted([x1, x2], "logaddexp2", ["float"]);
  const same = m.equal(a, b);
  // As logaddexp: the difference is replaced where it would be inf - inf, so no NaN reaches the gradient.
  const d = m.where(same, 0, m.sub(a, b));
  const general = m.add(m.maximum(a, b), m.div(m.log1p(m.exp(m.mul(m.abs(d), -Math.LN2))), Math.LN2));
  return m.where(same, m.add(a, 1), general);
}
/** keras.ops.logaddexp2(x1, x2): log2(2^x1 + 2^x2) without overflow, in result_type(x1, x2, float). */
export const logaddexp2 = sym.withSymbolic(logaddexp2Eager, (a, b) => sym.symbolicOp("Logaddexp2", [a, b]));

/** The IEEE layout nextafter steps through: mantissa bits, the smallest normal exponent, the largest value. */
const FLOAT_LAYOUT: Record<"float32" | "float64", { bits: number; emin: number; max: number }> = {
  float32: { bits: 23, emin: -126, max: 3.4028234663852886e38 },
  float64: { bits: 52, emin: -1022, max: Number.MAX_VALUE },
};

function nextafterEager(x1: Input, x2: Input): Tensor {
  const d = kerasResultType([x1, x2], "nextafter", ["float"]) as "float32" | "float64";
  const { bits, emin, max } = FLOAT_LAYOUT[d];
  // Stepped in float64, where every float32 and its neighbours are exact, then cast back.
  const x = asDType(x1, "float64", "nextafter", "x1");
  const y = asDType(x2, "float64", "nextafter", "x2");
  const two = scalar(2, "float64");
  const ax = m.abs(x);
  const finite = m.where(m.isFinite(ax), ax, 1);
  // The binary exponent of |x|, corrected where log2 rounds across a power of two; subnormals share emin's spacing.
  let e = m.floor(m.log2(m.where(m.equal(finite, 0), 1, finite)));
  e = m.where(m.greater(m.pow(two, e), finite), m.sub(e, 1), e);
  e = m.where(m.lessEqual(m.pow(two, m.add(e, 1)), finite), m.add(e, 1), e);
  e = m.maximum(e, emin);
  const ulp = m.pow(two, m.sub(e, bits));
  const dir = m.sign(m.sub(y, x));
  // Toward zero from an exact power of two (above the subnormals) the spacing halves.
  const towardZero = m.less(m.mul(dir, m.sign(x)), 0);
  const halves = m.logicalAnd(towardZero, m.logicalAnd(m.equal(finite, m.pow(two, e)), m.greater(e, emin)));
  let out = m.add(x, m.mul(dir, m.where(halves, m.mul(ulp, 0.5), ulp)));
  out = m.where(m.equal(x, 0), m.mul(dir, 2 ** (emin - bits)), out);
  out = m.where(m.isInf(x), m.mul(m.sign(x), max), out);
  out = m.where(m.equal(x, y), y, out);
  out = m.where(m.logicalOr(m.isNaN(x), m.isNaN(y)), NaN, out);
  return as(out, d);
}
/** keras.ops.nextafter(x1, x2): the next float after x1 toward x2, in result_type(x1, x2, float). */
export const nextafter = sym.withSymbolic(nextafterEager, (a, b) => sym.symbolicOp("Nextafter", [a, b]));

/** The operands of gcd/lcm: integers of their promoted dtype (numpy has no gcd of floats or bools). */
function integerPair(x1: Input, x2: Input, op: string): [Tensor, Tensor] {
  const [a, b] = promoted([x1, x2], op);
  if (!isIntDType(a.dtype)) {
    throw new TypeError(`ops.${op}: x1 and x2 must be integers (int32, int64 or uint8), but they promote to ${a.dtype} (x1 ${shapeText(a.shape)}, x2 ${shapeText(b.shape)}); numpy's ${op} has no float or bool version, cast with ops.cast(x, "int32")`);
  }
  return a.dtype === "uint8" ? [a, b] : [m.abs(a), m.abs(b)];
}

/** Euclid's algorithm on whole tensors (of the same shape), until every remainder is 0. */
function euclid(a0: Tensor, b0: Tensor): Tensor {
  let a = a0, b = b0;
  while (tfAny(m.notEqual(b, 0)).item()) {
    const zero = m.equal(b, 0);
    const r = m.mod(a, m.where(zero, m.add(m.mul(b, 0), 1), b));
    a = m.where(zero, a, b);
    b = m.where(zero, b, r);
  }
  return a;
}

/** Both operands broadcast to their common shape (Euclid steps them together). */
function broadcastPair(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const zeros = m.mul(m.add(a, b), 0);
  return [m.add(a, zeros), m.add(b, zeros)];
}

function gcdEager(x1: Input, x2: Input): Tensor {
  const [a, b] = broadcastPair(...integerPair(x1, x2, "gcd"));
  return euclid(a, b);
}
/** keras.ops.gcd(x1, x2): the greatest common divisor of integers (non-negative; gcd(0, 0) is 0). */
export const gcd = sym.withSymbolic(gcdEager, (a, b) => sym.symbolicOp("Gcd", [a, b]));

function lcmEager(x1: Input, x2: Input): Tensor {
  const [a, b] = broadcastPair(...integerPair(x1, x2, "lcm"));
  const g = euclid(a, b);
  const zero = m.equal(g, 0);
  return m.where(zero, g, m.mul(m.floorDiv(a, m.where(zero, m.add(m.mul(g, 0), 1), g)), b));
}
/** keras.ops.lcm(x1, x2): the least common multiple of integers (non-negative; 0 when either is 0). */
export const lcm = sym.withSymbolic(lcmEager, (a, b) => sym.symbolicOp("Lcm", [a, b]));
