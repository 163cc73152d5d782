import type { NumericArray, TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import type { BinaryOp, UnaryOp } from "../backend.js";
import { broadcastStrides, forEachBroadcast } from "./broadcast.js";
import { binaryInt64, clipInt64, unaryInt64 } from "./int64.js";

export { broadcastStrides, forEachBroadcast };

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * erf to double precision: its Maclaurin series below |x| = 2.5, and the continued fraction of
 * erfc above (evaluated by the modified Lentz method), so gelu matches other frameworks exactly.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 2.5) {
    const z2 = z * z;
    let term = z, sum = z;
    for (let n = 1; n < 60; n++) {
      term *= -z2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (!Number.isFinite(z)) return Number.isNaN(x) ? NaN : Math.sign(x);
  // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...))))
  const tiny = 1e-300;
  let f = z, c = z, d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = z + an * d; d = Math.abs(d) < tiny ? tiny : d; d = 1 / d;
    c = z + an / c; c = Math.abs(c) < tiny ? tiny : c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

export function unaryFn(op: UnaryOp, alpha: number): (v: number) => number {
  switch (op) {
    case "neg": return (v) => -v;
    case "abs": return Math.abs;
    case "sign": return (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN);
    case "square": return (v) => v * v;
    case "sqrt": return Math.sqrt;
    case "rsqrt": return (v) => 1 / Math.sqrt(v);
    case "exp": return Math.exp;
    case "log": return Math.log;
    case "log1p": return Math.log1p;
    case "expm1": return Math.expm1;
    case "reciprocal": return (v) => 1 / v;
    case "floor": return Math.floor;
    case "ceil": return Math.ceil;
    case "round": return roundHalfEven;
    case "sin": return Math.sin;
    case "cos": return Math.cos;
    case "erf": return erf;
    // NaN and -0 stay, as torch.relu / F.relu6 (and TF's NaN-propagating max) give them.
    case "relu": return (v) => (v < 0 ? 0 : v);
    case "relu6": return (v) => (v < 0 ? 0 : v > 6 ? 6 : v);
    case "leakyRelu": return (v) => (v > 0 ? v : alpha * v);
    case "elu": return (v) => (v > 0 ? v : alpha * Math.expm1(v));
    case "selu": return (v) => (v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * Math.expm1(v));
    case "gelu": return (v) => 0.5 * v * (1 + erf(v / Math.SQRT2));
    case "geluTanh": return (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    case "sigmoid": return sigmoid;
    case "tanh": return Math.tanh;
    case "softplus": return softplus;
    case "softsign": return (v) => v / (1 + Math.abs(v));
    case "swish": return (v) => v * sigmoid(v);
    case "logicalNot": return (v) => (v ? 0 : 1);
    case "isNaN": return (v) => (Number.isNaN(v) ? 1 : 0);
    case "isFinite": return (v) => (Number.isFinite(v) ? 1 : 0);
    case "tan": return Math.tan;
    case "sinh": return Math.sinh;
    case "cosh": return Math.cosh;
    case "asin": return Math.asin;
    case "acos": return Math.acos;
    case "atan": return Math.atan;
    case "asinh": return Math.asinh;
    case "acosh": return Math.acosh;
    case "atanh": return Math.atanh;
    case "log2": return Math.log2;
    case "log10": return Math.log10;
  }
}

/** dy * f'(x); `y` = f(x) is given because several derivatives are cheapest from it. */
export function unaryGradFn(op: UnaryOp, alpha: number): (x: number, y: number, dy: number) => number {
  switch (op) {
    case "neg": return (_x, _y, g) => -g;
    case "abs": return (x, _y, g) => (x > 0 ? g : x < 0 ? -g : 0);
    case "sign": case "floor": case "ceil": case "round": case "logicalNot": case "isNaN": case "isFinite":
      return () => 0;
    case "square": return (x, _y, g) => 2 * x * g;
    case "sqrt": return (_x, y, g) => g / (2 * y);
    case "rsqrt": return (x, y, g) => (-0.5 * g * y) / x;
    case "exp": return (_x, y, g) => g * y;
    case "expm1": return (_x, y, g) => g * (y + 1);
    case "log": return (x, _y, g) => g / x;
    case "log1p": return (x, _y, g) => g / (1 + x);
    case "reciprocal": return (_x, y, g) => -g * y * y;
    case "sin": return (x, _y, g) => g * Math.cos(x);
    case "cos": return (x, _y, g) => -g * Math.sin(x);
    case "erf": return (x, _y, g) => g * (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
    // A NaN x passes g on, as torch's threshold_backward / hardtanh_backward do.
    case "relu": return (x, _y, g) => (x <= 0 ? 0 : g);
    case "relu6": return (x, _y, g) => (x <= 0 || x >= 6 ? 0 : g);
    case "leakyRelu": return (x, _y, g) => (x > 0 ? g : alpha * g);
    // From x, not y: y + alpha cancels to rounding noise far below zero (torch's elu_backward on
    // the input). A NaN x passes g on (times selu's scale), as torch's and TF's kernels do.
    case "elu": return (x, _y, g) => (x <= 0 ? g * alpha * Math.exp(x) : g);
    case "selu": return (x, _y, g) => (x <= 0 ? g * SELU_SCALE * SELU_ALPHA * Math.exp(x) : SELU_SCALE * g);
    case "gelu": return (x, _y, g) => {
      const cdf = 0.5 * (1 + erf(x / Math.SQRT2));
      const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      return g * (cdf + x * pdf);
    };
    case "geluTanh": return (x, _y, g) => {
      const inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
      const t = Math.tanh(inner);
      const dInner = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
      return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner);
    };
    case "sigmoid": return (_x, y, g) => g * y * (1 - y);
    case "tanh": return (_x, y, g) => g * (1 - y * y);
    case "softplus": return (x, _y, g) => g * sigmoid(x);
    case "softsign": return (x, _y, g) => {
      const d = 1 + Math.abs(x);
      return g / (d * d);
    };
    case "swish": return (x, _y, g) => {
      const s = sigmoid(x);
      return g * (s + x * s * (1 - s));
    };
    case "tan": return (_x, y, g) => g * (1 + y * y);
    case "sinh": return (x, _y, g) => g * Math.cosh(x);
    case "cosh": return (x, _y, g) => g * Math.sinh(x);
    // (1 - x)(1 + x) keeps its digits near |x| = 1, where 1 - x * x cancels.
    case "asin": return (x, _y, g) => g / Math.sqrt((1 - x) * (1 + x));
    case "acos": return (x, _y, g) => -g / Math.sqrt((1 - x) * (1 + x));
    case "atan": return (x, _y, g) => g / (1 + x * x);
    case "asinh": return (x, _y, g) => g / Math.sqrt(x * x + 1);
    case "acosh": return (x, _y, g) => g / Math.sqrt((x - 1) * (x + 1));
    case "atanh": return (x, _y, g) => g / ((1 - x) * (1 + x));
    case "log2": return (x, _y, g) => g / (x * Math.LN2);
    case "log10": return (x, _y, g) => g / (x * Math.LN10);
  }
}

/*
 * The common ops get a loop of their own: a loop calling f(x[i]) through one shared call site sees
 * every op's function, turns megamorphic and costs 10-30 ns per element where these take 1-10.
 * Each case computes exactly what unaryFn / unaryGradFn return (elementwise.test.ts checks it).
 */

export function unary(op: UnaryOp, xIn: TypedArray, outIn: TypedArray, alpha: number): void {
  if (xIn instanceof BigInt64Array) {
    unaryInt64(op, xIn, outIn as BigInt64Array);
    return;
  }
  const x = xIn, out = outIn as NumericArray;
  const n = x.length;
  switch (op) {
    case "relu": for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v < 0 ? 0 : v; } return;
    case "neg": for (let i = 0; i < n; i++) out[i] = -x[i]; return;
    case "abs": for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]); return;
    case "square":
      // Integers wrap around in 32 bits (v * v in double loses the low bits beyond 2^53).
      if (x instanceof Int32Array || x instanceof Uint8Array || x instanceof Int8Array) for (let i = 0; i < n; i++) out[i] = Math.imul(x[i], x[i]);
      else for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v * v; }
      return;
    case "sqrt": for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); return;
    case "rsqrt": for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]); return;
    case "exp": for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); return;
    case "log": for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); return;
    case "reciprocal": for (let i = 0; i < n; i++) out[i] = 1 / x[i]; return;
    case "sigmoid": for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]); return;
    case "tanh": for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); return;
  }
  const f = unaryFn(op, alpha);
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
}

export function unaryGrad(op: UnaryOp, x: NumericArray, y: NumericArray, dy: NumericArray, dx: NumericArray, alpha: number): void {
  const n = x.length;
  switch (op) {
    case "relu": for (let i = 0; i < n; i++) dx[i] = x[i] <= 0 ? 0 : dy[i]; return;
    case "neg": for (let i = 0; i < n; i++) dx[i] = -dy[i]; return;
    case "abs": for (let i = 0; i < n; i++) { const v = x[i]; dx[i] = v > 0 ? dy[i] : v < 0 ? -dy[i] : 0; } return;
    case "square": for (let i = 0; i < n; i++) dx[i] = 2 * x[i] * dy[i]; return;
    case "sqrt": for (let i = 0; i < n; i++) dx[i] = dy[i] / (2 * y[i]); return;
    case "rsqrt": for (let i = 0; i < n; i++) dx[i] = (-0.5 * dy[i] * y[i]) / x[i]; return;
    case "exp": for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i]; return;
    case "log": for (let i = 0; i < n; i++) dx[i] = dy[i] / x[i]; return;
    case "reciprocal": for (let i = 0; i < n; i++) { const v = y[i]; dx[i] = -dy[i] * v * v; } return;
    case "sigmoid": for (let i = 0; i < n; i++) { const v = y[i]; dx[i] = dy[i] * v * (1 - v); } return;
    case "tanh": for (let i = 0; i < n; i++) { const v = y[i]; dx[i] = dy[i] * (1 - v * v); } return;
  }
  const f = unaryGradFn(op, alpha);
  for (let i = 0; i < n; i++) dx[i] = f(x[i], y[i], dy[i]);
}

/** Python's %: the remainder takes the divisor's sign. */
function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

export function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case "add": return (a, b) => a + b;
    case "sub": return (a, b) => a - b;
    case "mul": return (a, b) => a * b;
    case "div": return (a, b) => a / b;
    case "pow": return Math.pow;
    case "maximum": return (a, b) => (a > b || Number.isNaN(a) ? a : b);
    case "minimum": return (a, b) => (a < b || Number.isNaN(a) ? a : b);
    case "floorDiv": return (a, b) => Math.floor(a / b);
    case "mod": return floorMod;
    case "squaredDifference": return (a, b) => (a - b) * (a - b);
    case "atan2": return Math.atan2;
    case "equal": return (a, b) => (a === b ? 1 : 0);
    case "notEqual": return (a, b) => (a !== b ? 1 : 0);
    case "less": return (a, b) => (a < b ? 1 : 0);
    case "lessEqual": return (a, b) => (a <= b ? 1 : 0);
    case "greater": return (a, b) => (a > b ? 1 : 0);
    case "greaterEqual": return (a, b) => (a >= b ? 1 : 0);
    case "logicalAnd": return (a, b) => (a && b ? 1 : 0);
    case "logicalOr": return (a, b) => (a || b ? 1 : 0);
  }
}

/** out[o + j] = a[oa + j * ia] op b[ob + j * ib] for j < n: one row of a broadcast binary op. */
type BinaryRow = (O: NumericArray, A: NumericArray, B: NumericArray, o: number, oa: number, ob: number, n: number, ia: number, ib: number) => void;

/*
 * One row loop per op, each its own function so that its arithmetic is compiled for that op alone
 * (a shared loop calling binaryFn's f(a, b) per element turns megamorphic: 12-25 ns per element
 * against 2-5). Each computes exactly what binaryFn gives (elementwise.test.ts checks it).
 */
const BINARY_ROWS: Record<BinaryOp, BinaryRow> = {
  add: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] + B[ob + j * ib]; },
  sub: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] - B[ob + j * ib]; },
  mul: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] * B[ob + j * ib]; },
  div: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] / B[ob + j * ib]; },
  pow: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = Math.pow(A[oa + j * ia], B[ob + j * ib]); },
  maximum: (O, A, B, o, oa, ob, n, ia, ib) => {
    for (let j = 0; j < n; j++) { const a = A[oa + j * ia], b = B[ob + j * ib]; O[o + j] = a > b || Number.isNaN(a) ? a : b; }
  },
  minimum: (O, A, B, o, oa, ob, n, ia, ib) => {
    for (let j = 0; j < n; j++) { const a = A[oa + j * ia], b = B[ob + j * ib]; O[o + j] = a < b || Number.isNaN(a) ? a : b; }
  },
  floorDiv: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = Math.floor(A[oa + j * ia] / B[ob + j * ib]); },
  mod: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = floorMod(A[oa + j * ia], B[ob + j * ib]); },
  squaredDifference: (O, A, B, o, oa, ob, n, ia, ib) => {
    for (let j = 0; j < n; j++) { const d = A[oa + j * ia] - B[ob + j * ib]; O[o + j] = d * d; }
  },
  atan2: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = Math.atan2(A[oa + j * ia], B[ob + j * ib]); },
  equal: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] === B[ob + j * ib] ? 1 : 0; },
  notEqual: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] !== B[ob + j * ib] ? 1 : 0; },
  less: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] < B[ob + j * ib] ? 1 : 0; },
  lessEqual: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] <= B[ob + j * ib] ? 1 : 0; },
  greater: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] > B[ob + j * ib] ? 1 : 0; },
  greaterEqual: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] >= B[ob + j * ib] ? 1 : 0; },
  logicalAnd: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] && B[ob + j * ib] ? 1 : 0; },
  logicalOr: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = A[oa + j * ia] || B[ob + j * ib] ? 1 : 0; },
};

/** 32-bit two's-complement a^b for b >= 0 by repeated squaring (b < 0 is refused by tf.pow). */
function intPow(a: number, b: number): number {
  let result = 1, base = a | 0;
  for (let e = b; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}

/*
 * Integer products wrap around in 32 bits, as TF's do. The float rows compute a * b in double,
 * which beyond 2^53 has already lost the low bits a wrapping store would keep (2147483647^2 gave
 * 0, not 1), so the ops that multiply have integer rows of their own. add/sub stay below 2^33 and
 * wrap exactly on the store.
 */
const INT_ROWS: Partial<Record<BinaryOp, BinaryRow>> = {
  mul: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = Math.imul(A[oa + j * ia], B[ob + j * ib]); },
  squaredDifference: (O, A, B, o, oa, ob, n, ia, ib) => {
    for (let j = 0; j < n; j++) { const d = (A[oa + j * ia] - B[ob + j * ib]) | 0; O[o + j] = Math.imul(d, d); }
  },
  pow: (O, A, B, o, oa, ob, n, ia, ib) => { for (let j = 0; j < n; j++) O[o + j] = intPow(A[oa + j * ia], B[ob + j * ib]); },
};

export function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  if (a instanceof BigInt64Array || b instanceof BigInt64Array) {
    // The ops refuse mixed dtypes, so both are int64 here.
    binaryInt64(op, a as BigInt64Array, aShape, b as BigInt64Array, bShape, out, outShape);
    return;
  }
  const A = a as NumericArray, B = b as NumericArray, O = out as NumericArray;
  const n = O.length;
  const intRow = A instanceof Int32Array || A instanceof Uint8Array || A instanceof Int8Array ? INT_ROWS[op] : undefined;
  // The hottest ops on same-size operands, without the row loop's index arithmetic.
  if (intRow === undefined && A.length === n && B.length === n) {
    if (op === "add") { for (let i = 0; i < n; i++) O[i] = A[i] + B[i]; return; }
    if (op === "sub") { for (let i = 0; i < n; i++) O[i] = A[i] - B[i]; return; }
    if (op === "mul") { for (let i = 0; i < n; i++) O[i] = A[i] * B[i]; return; }
    if (op === "div") { for (let i = 0; i < n; i++) O[i] = A[i] / B[i]; return; }
  }
  const row = intRow ?? BINARY_ROWS[op];
  // Same sizes, or a scalar on one side: one flat row.
  if ((A.length === n || A.length === 1) && (B.length === n || B.length === 1)) {
    row(O, A, B, 0, 0, 0, n, A.length === n ? 1 : 0, B.length === n ? 1 : 0);
    return;
  }
  const sa = broadcastStrides(aShape, outShape), sb = broadcastStrides(bShape, outShape);
  forEachBroadcast(outShape, [sa, sb], (o, [oa, ob], count, [ia, ib]) => row(O, A, B, o, oa, ob, count, ia, ib));
}

export function clip(x: TypedArray, lo: number, hi: number, out: TypedArray): void {
  if (x instanceof BigInt64Array) {
    clipInt64(x, lo, hi, out as BigInt64Array);
    return;
  }
  const O = out as NumericArray;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    O[i] = v < lo ? lo : v > hi ? hi : v;
  }
}
