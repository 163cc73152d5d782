import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { normalizeAxis, shapeText, sizeOf } from "../tensor/shape.js";
import { type Input, assertFloat, assertSameDType, noGrad, record, toTensor, toTensorPair } from "./engine.js";
import { abs, cast, div, equal, mul, notEqual, pow, sign, sqrt, square, where } from "./math.js";
import { max, min, sum } from "./reduce.js";
import { reshape, transpose } from "./shape.js";
import { matmul } from "./matmul.js";
import { moveaxis } from "./arrange.js";
import { svd } from "./linalg_decompose.js";
import { installMethods } from "./methods.js";
import * as sym from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

// ---------------------------------------------------------------- norms

export type NormOrd = number | "euclidean" | "fro" | "nuc";

/**
 * sum(|x|^p)^(1/p) over `axes`, with a gradient that is 0 where the norm is 0 (as torch's; the
 * composite would give 0 * Infinity = NaN there): dx = dy * sign(x) |x|^(p-1) / norm^(p-1).
 */
function pNorm(x: Tensor, p: number, axes: number[], keepDims: boolean): Tensor {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = noGrad(() => (p === 2 ? sqrt(sum(square(x), axes, keepDims)) : pow(sum(pow(abs(x), p), axes, keepDims), 1 / p)));
  record("norm", [x], out, ([dy]) => {
    const n = reshape(out, kept);
    const zero = equal(n, 0);
    const safe = where(zero, 1, n);
    const g = p === 2 ? div(x, safe) : p === 1 ? sign(x) : mul(sign(x), pow(div(abs(x), safe), p - 1));
    return [where(zero, 0, mul(g, reshape(dy, kept)))];
  });
  return out;
}

/**
 * tf.norm(x, ord = "euclidean", axis = null, keepDims = false). Over one axis (or all of x, flattened,
 * when axis is null) a vector norm: "euclidean" or 2, any p > 0, Infinity (max |x|), -Infinity
 * (min |x|), or 0 (the count of nonzeros). Over two axes a matrix norm: "euclidean" or "fro"
 * (Frobenius), 1 / -1 (max / min column sum of |x|), Infinity / -Infinity (max / min row sum),
 * 2 / -2 (largest / smallest singular value) and "nuc" (nuclear: the sum of singular values).
 */
export function norm(xIn: Input, ord: NormOrd = "euclidean", axis: number | readonly number[] | null = null, keepDims = false): Tensor {
  const op = "norm";
  const x = toTensor(xIn, op);
  assertFloat(op, x);
  const list = axis === null ? null : typeof axis === "number" ? [axis] : [...axis];
  if (list !== null && (list.length < 1 || list.length > 2)) {
    throw new RangeError(`${op}: axis ${JSON.stringify(axis)} must name one axis (a vector norm) or two (a matrix norm)`);
  }
  const axes = list === null ? x.shape.map((_, i) => i) : list.map((a) => normalizeAxis(a, x.rank, op));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${op}: repeated axis in ${JSON.stringify(axis)}`);
  if (list !== null && list.length === 2) return matrixNorm(x, ord, axes as [number, number], keepDims);
  if (ord === "fro" || ord === "nuc") {
    throw new RangeError(`${op}: ord "${ord}" is a matrix norm; give two axes, or use ord "euclidean" for a vector`);
  }
  const p = ord === "euclidean" ? 2 : ord;
  if (typeof p !== "number" || Number.isNaN(p) || (p < 0 && p !== -Infinity)) {
    throw new RangeError(`${op}: ord ${JSON.stringify(ord)} is not a vector norm; use "euclidean", a number p >= 0, Infinity or -Infinity`);
  }
  if (p === Infinity) return max(abs(x), axes, keepDims);
  if (p === -Infinity) return min(abs(x), axes, keepDims);
  if (p === 0) return cast(sum(cast(notEqual(x, 0), "int32"), axes, keepDims), x.dtype);
  return pNorm(x, p, axes, keepDims);
}

function matrixNorm(x: Tensor, ord: NormOrd, [r, c]: [number, number], keepDims: boolean): Tensor {
  const op = "norm";
  if (ord === "euclidean" || ord === "fro") return pNorm(x, 2, [r, c].sort((a, b) => a - b), keepDims);
  // Column sums (over the row axis) for ord 1, row sums (over the column axis) for Infinity.
  if (ord === 2 || ord === -2 || ord === "nuc") return spectralNorm(x, ord, [r, c], keepDims);
  const along = ord === 1 || ord === -1 ? r : ord === Infinity || ord === -Infinity ? c : -1;
  if (along < 0) {
    throw new RangeError(`${op}: ord ${JSON.stringify(ord)} is not a matrix norm; use "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity`);
  }
  const other = along === r ? c : r;
  const sums = sum(abs(x), along, true);
  const pick = ord === 1 || ord === Infinity ? max : min;
  const out = pick(sums, other, true);
  return keepDims ? out : reshape(out, x.shape.filter((_, i) => i !== r && i !== c));
}

/** The norms from the singular values of the matrices in axes r and c: the largest (2), smallest (-2) or their sum ("nuc"). */
function spectralNorm(x: Tensor, ord: 2 | -2 | "nuc", [r, c]: [number, number], keepDims: boolean): Tensor {
  const s = svd(moveaxis(x, [r, c], [-2, -1]), false, false);
  const out = ord === 2 ? max(s, -1) : ord === -2 ? min(s, -1) : sum(s, -1);
  return keepDims ? reshape(out, x.shape.map((d, i) => (i === r || i === c ? 1 : d))) : out;
}

// ---------------------------------------------------------------- products

/**
 * keras.ops.tensordot(a, b, axes = 2) (numpy.tensordot): sums the products over the last `axes`
 * axes of a and the first `axes` of b, or over the listed pairs ([axesA, axesB]). The result has
 * a's free axes, then b's.
 */
function tensordotEager(aIn: Input, bIn: Input, axes: number | readonly [number | readonly number[], number | readonly number[]] = 2): Tensor {
  const op = "tensordot";
  const [a, b] = toTensorPair(aIn, bIn, op);
  assertSameDType(op, a, b);
  let ca: number[], cb: number[];
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.rank || axes > b.rank) {
      throw new RangeError(`${op}: axes = ${axes} must be an integer in 0..${Math.min(a.rank, b.rank)} for a ${shapeText(a.shape)} and b ${shapeText(b.shape)}`);
    }
    ca = a.shape.map((_, i) => i).slice(a.rank - axes);
    cb = b.shape.map((_, i) => i).slice(0, axes);
  } else {
    const list = (v: number | readonly number[]): number[] => (typeof v === "number" ? [v] : [...v]);
    ca = list(axes[0]).map((v) => normalizeAxis(v, a.rank, op));
    cb = list(axes[1]).map((v) => normalizeAxis(v, b.rank, op));
    if (ca.length !== cb.length) throw new RangeError(`${op}: axes ${JSON.stringify(axes)} must list as many axes of a as of b`);
    if (new Set(ca).size !== ca.length || new Set(cb).size !== cb.length) throw new RangeError(`${op}: repeated axis in ${JSON.stringify(axes)}`);
  }
  ca.forEach((d, i) => {
    if (a.shape[d] !== b.shape[cb[i]]) {
      throw new RangeError(`${op}: axis ${d} of a ${shapeText(a.shape)} (${a.shape[d]}) and axis ${cb[i]} of b ${shapeText(b.shape)} (${b.shape[cb[i]]}) are summed together and must have one size`);
    }
  });
  const fa = a.shape.map((_, i) => i).filter((i) => !ca.includes(i));
  const fb = b.shape.map((_, i) => i).filter((i) => !cb.includes(i));
  const k = sizeOf(ca.map((d) => a.shape[d]));
  const am = reshape(transpose(a, [...fa, ...ca]), [sizeOf(fa.map((d) => a.shape[d])), k]);
  const bm = reshape(transpose(b, [...cb, ...fb]), [k, sizeOf(fb.map((d) => b.shape[d]))]);
  return reshape(matmul(am, bm), [...fa.map((d) => a.shape[d]), ...fb.map((d) => b.shape[d])]);
}
export const tensordot = sym.withSymbolic(tensordotEager, (a, b, axes = 2) => sym.symbolicOp("Tensordot", [a, b], { axes: sym.jsonCopy(axes) }));

/** keras.ops.outer(a, b) (numpy.outer): out[i, j] = a[i] * b[j] of the flattened inputs. */
function outerEager(aIn: Input, bIn: Input): Tensor {
  const [a, b] = toTensorPair(aIn, bIn, "outer");
  return mul(reshape(a, [-1, 1]), reshape(b, [1, -1]));
}
export const outer = sym.withSymbolic(outerEager, (a, b) => sym.symbolicOp("Outer", [a, b]));

/** tf.outerProduct(v1, v2): out[i, j] = v1[i] * v2[j] for 1-D v1 and v2. */
export function outerProduct(v1In: Input, v2In: Input): Tensor {
  const [a, b] = toTensorPair(v1In, v2In, "outerProduct");
  if (a.rank !== 1 || b.rank !== 1) {
    throw new RangeError(`outerProduct: needs two 1-D tensors, got ${text(a)} and ${text(b)}; tf.outer flattens its inputs`);
  }
  return outer(a, b);
}

// ---------------------------------------------------------------- triangles and bands

/** x with the elements of its last two axes where keep(row, col) is false set to 0. */
function masked(op: string, xIn: Input, keep: (i: number, j: number) => boolean): Tensor {
  const x = toTensor(xIn, op);
  if (x.rank < 2) throw new RangeError(`${op}: needs a tensor of rank >= 2 (matrices in its last two axes), got ${text(x)}`);
  const [m, n] = x.shape.slice(-2);
  const mask = new Uint8Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mask[i * n + j] = keep(i, j) ? 1 : 0;
  const zero = x.dtype === "bool" ? false : 0;
  return where(new Tensor(mask, [m, n], "bool"), x, constant(zero, [], x.dtype));
}

function integerArg(op: string, name: string, v: number): void {
  if (!Number.isInteger(v)) throw new RangeError(`${op}: ${name} must be an integer, got ${valueText(v)}`);
}

/**
 * tf.linalg.bandPart(x, numLower, numUpper): of each matrix (last two axes) the band of numLower
 * subdiagonals and numUpper superdiagonals (a negative count keeps that whole triangle).
 */
export function bandPart(xIn: Input, numLower: number, numUpper: number): Tensor {
  integerArg("bandPart", "numLower", numLower);
  integerArg("bandPart", "numUpper", numUpper);
  return masked("bandPart", xIn, (i, j) => (numLower < 0 || i - j <= numLower) && (numUpper < 0 || j - i <= numUpper));
}

/** keras.ops.tril(x, k = 0): the lower triangle of each matrix, with the diagonals up to the k-th above the main one. */
function trilEager(xIn: Input, k = 0): Tensor {
  integerArg("tril", "k", k);
  return masked("tril", xIn, (i, j) => j - i <= k);
}
export const tril = sym.withSymbolic(trilEager, (x, k = 0) => sym.symbolicOp("Tril", [x], { k }));

/** keras.ops.triu(x, k = 0): the upper triangle of each matrix, from the k-th diagonal (negative: below the main one) up. */
function triuEager(xIn: Input, k = 0): Tensor {
  integerArg("triu", "k", k);
  return masked("triu", xIn, (i, j) => j - i >= k);
}
export const triu = sym.withSymbolic(triuEager, (x, k = 0) => sym.symbolicOp("Triu", [x], { k }));

declare module "../tensor/tensor.js" {
  interface Tensor {
    norm(ord?: NormOrd, axis?: number | readonly number[] | null, keepDims?: boolean): Tensor;
  }
}

installMethods({ norm });
