/**
 * Keras 3.15's numpy array ops that lamina lacked, built from lamina's ops (so gradients come from
 * their autograd): array_split, hsplit/vsplit/dsplit, dstack, fliplr/flipud, rot90, kron, inner,
 * vander, diagflat, empty_like, unravel_index, isin, trapezoid, corrcoef, geomspace and view.
 * Each records Keras' operation class on symbolic tensors (layers/op_specs_k315_arr.ts runs them).
 */
import { Tensor } from "../tensor/tensor.js";
import { type DType, allocStorage, isFloatDType, itemSize } from "../tensor/dtype.js";
import { normalizeAxis, shapeText, sizeOf } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { constant, fill } from "../tensor/creation.js";
import { type Input, raw, toTensor } from "./engine.js";
import * as m from "./math.js";
import * as red from "./reduce.js";
import * as shp from "./shape.js";
import { diag } from "./diag.js";
import { tensordot } from "./linalg.js";
import { promoted } from "./keras_promote.js";
import { kerasFloatDType } from "./keras_float.js";
import { split } from "./keras_ops.js";
import * as sym from "./symbolic.js";

type Sections = number | readonly number[];

/** keras.ops.array_split: `sections` pieces along `axis`; the first (length % sections) are one longer. */
function arraySplitEager(xIn: Input, indicesOrSections: number, axis = 0): Tensor[] {
  const x = toTensor(xIn, "arraySplit");
  if (!Number.isInteger(indicesOrSections) || indicesOrSections <= 0) {
    throw new RangeError(`ops.arraySplit: indicesOrSections must be a positive integer (the number of pieces), got ${valueText(indicesOrSections)}`);
  }
  const a = normalizeAxis(axis, x.rank, "ops.arraySplit");
  const n = x.shape[a], k = indicesOrSections;
  const sizes = Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
  return shp.split(x, sizes, a);
}
export const arraySplit = sym.withSymbolic(arraySplitEager, (x, indicesOrSections, axis = 0) =>
  sym.symbolicOps("ArraySplit", [x], { indices_or_sections: indicesOrSections, axis }));

/** numpy's hsplit/vsplit/dsplit: ops.split along a fixed axis of an x of at least `minRank` axes. */
function splitAlong(op: string, minRank: number, axisOf: (rank: number) => number) {
  return (xIn: Input, indicesOrSections: Sections): Tensor[] => {
    const x = toTensor(xIn, op);
    if (x.rank < minRank) throw new RangeError(`ops.${op}: x must have at least ${minRank} axes, got ${x.dtype} ${shapeText(x.shape)}`);
    return split(x, indicesOrSections, axisOf(x.rank));
  };
}
export const hsplit = sym.withSymbolic(splitAlong("hsplit", 1, (r) => (r === 1 ? 0 : 1)), (x, s) => sym.symbolicOps("Hsplit", [x], { indices_or_sections: sym.jsonCopy(s) }));
export const vsplit = sym.withSymbolic(splitAlong("vsplit", 2, () => 0), (x, s) => sym.symbolicOps("Vsplit", [x], { indices_or_sections: sym.jsonCopy(s) }));
export const dsplit = sym.withSymbolic(splitAlong("dsplit", 3, () => 2), (x, s) => sym.symbolicOps("Dsplit", [x], { indices_or_sections: sym.jsonCopy(s) }));

/** keras.ops.dstack: xs joined along axis 2, a 1-D (N,) taken as (1, N, 1) and a 2-D (M, N) as (M, N, 1). */
function dstackEager(xs: readonly Input[]): Tensor {
  if (xs.length === 0) throw new RangeError("ops.dstack: xs is empty; give at least one tensor");
  const ts = promoted(xs, "dstack").map((t) => (t.rank === 0 ? shp.reshape(t, [1, 1, 1]) : t.rank === 1 ? shp.reshape(t, [1, t.shape[0], 1]) : t.rank === 2 ? shp.expandDims(t, 2) : t));
  return shp.concat(ts, 2);
}
export const dstack = sym.withSymbolic(dstackEager, (xs) => sym.symbolicOp("Dstack", [[...xs]]));

function flipAxis(op: string, minRank: number, axis: number) {
  return (xIn: Input): Tensor => {
    const x = toTensor(xIn, op);
    if (x.rank < minRank) throw new RangeError(`ops.${op}: x must have at least ${minRank} axes, got ${x.dtype} ${shapeText(x.shape)}`);
    return shp.reverse(x, axis);
  };
}
/** keras.ops.fliplr: x reversed along axis 1 (x has at least 2 axes). */
export const fliplr = sym.withSymbolic(flipAxis("fliplr", 2, 1), (x) => sym.symbolicOp("Fliplr", [x]));
/** keras.ops.flipud: x reversed along axis 0. */
export const flipud = sym.withSymbolic(flipAxis("flipud", 1, 0), (x) => sym.symbolicOp("Flipud", [x]));

/** keras.ops.rot90: x turned k quarter turns counterclockwise in the plane of `axes` (from axes[0] towards axes[1]). */
function rot90Eager(arrayIn: Input, k = 1, axes: readonly number[] = [0, 1]): Tensor {
  const x = toTensor(arrayIn, "rot90");
  if (x.rank < 2) throw new RangeError(`ops.rot90: array must have at least 2 axes, got ${x.dtype} ${shapeText(x.shape)}`);
  if (!Number.isInteger(k)) throw new TypeError(`ops.rot90: k must be an integer, got ${valueText(k)}`);
  if (axes.length !== 2) throw new RangeError(`ops.rot90: axes must be two different axes, got ${valueText(axes)}`);
  const a0 = normalizeAxis(axes[0], x.rank, "ops.rot90"), a1 = normalizeAxis(axes[1], x.rank, "ops.rot90");
  if (a0 === a1) throw new RangeError(`ops.rot90: axes must be two different axes, got ${valueText(axes)} for x ${shapeText(x.shape)}`);
  const turns = ((k % 4) + 4) % 4;
  if (turns === 0) return shp.clone(x);
  if (turns === 2) return shp.reverse(x, [a0, a1]);
  const perm = x.shape.map((_, i) => (i === a0 ? a1 : i === a1 ? a0 : i));
  // One turn: flip the second axis, then swap the two; three turns: swap, then flip.
  return turns === 1 ? shp.transpose(shp.reverse(x, a1), perm) : shp.reverse(shp.transpose(x, perm), a1);
}
export const rot90 = sym.withSymbolic(rot90Eager, (x, k = 1, axes = [0, 1]) => sym.symbolicOp("Rot90", [x], { k, axes: [...axes] }));

/** keras.ops.kron: the Kronecker product; the operand of lower rank gains leading axes of length 1. */
function kronEager(x1In: Input, x2In: Input): Tensor {
  let [a, b] = promoted([x1In, x2In], "kron");
  const r = Math.max(a.rank, b.rank);
  a = shp.reshape(a, [...new Array<number>(r - a.rank).fill(1), ...a.shape]);
  b = shp.reshape(b, [...new Array<number>(r - b.rank).fill(1), ...b.shape]);
  // a's axes interleaved with b's: (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...), then each pair merged.
  const ai = shp.reshape(a, a.shape.flatMap((d) => [d, 1]));
  const bi = shp.reshape(b, b.shape.flatMap((d) => [1, d]));
  return shp.reshape(m.mul(ai, bi), a.shape.map((d, i) => d * b.shape[i]));
}
export const kron = sym.withSymbolic(kronEager, (a, b) => sym.symbolicOp("Kron", [a, b]));

/** keras.ops.inner: the sum product over the last axes of x1 and x2 (a plain product when either is a scalar). */
function innerEager(x1In: Input, x2In: Input): Tensor {
  const [a, b] = promoted([x1In, x2In], "inner");
  if (a.rank === 0 || b.rank === 0) return m.mul(a, b);
  if (a.shape[a.rank - 1] !== b.shape[b.rank - 1]) {
    throw new RangeError(`ops.inner: the last axes of x1 ${shapeText(a.shape)} and x2 ${shapeText(b.shape)} must have the same length`);
  }
  return tensordot(a, b, [[a.rank - 1], [b.rank - 1]]);
}
export const inner = sym.withSymbolic(innerEager, (a, b) => sym.symbolicOp("Inner", [a, b]));

/** keras.ops.vander: the Vandermonde matrix of a 1-D x, columns x^(N-1) .. x^0 (x^0 .. x^(N-1) when increasing). */
function vanderEager(xIn: Input, N: number | null = null, increasing = false): Tensor {
  const x = toTensor(xIn, "vander");
  if (x.rank !== 1) throw new RangeError(`ops.vander: x must be 1-D, got ${x.dtype} ${shapeText(x.shape)}`);
  const n = N ?? x.shape[0];
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`ops.vander: N must be a non-negative integer, got ${valueText(N)}`);
  // Powers by repeated products (exact for integers, differentiable everywhere), in a float for bool.
  const base = x.dtype === "bool" ? m.cast(x, "int32") : x;
  const cols: Tensor[] = [];
  for (let p = 0; p < n; p++) cols.push(p === 0 ? fill(base.shape, 1, base.dtype) : m.mul(cols[p - 1], base));
  if (!increasing) cols.reverse();
  const out = n === 0 ? fill([x.shape[0], 0], 0, base.dtype) : shp.stack(cols, 1);
  return out.dtype === x.dtype ? out : m.cast(out, x.dtype);
}
export const vander = sym.withSymbolic(vanderEager, (x, N = null, increasing = false) => sym.symbolicOp("Vander", [x], { N, increasing }));

/** keras.ops.diagflat: the flattened x on the k-th diagonal of a square matrix. */
function diagflatEager(xIn: Input, k = 0): Tensor {
  return diag(shp.reshape(toTensor(xIn, "diagflat"), [-1]), k);
}
export const diagflat = sym.withSymbolic(diagflatEager, (x, k = 0) => sym.symbolicOp("Diagflat", [x], { k }));

/** keras.ops.empty_like: lamina always initializes memory, so zeros of x's shape (and dtype unless given). */
function emptyLikeEager(xIn: Input, dtype: DType | null = null): Tensor {
  const x = toTensor(xIn, "emptyLike");
  return fill(x.shape, 0, dtype ?? x.dtype);
}
export const emptyLike = sym.withSymbolic(emptyLikeEager, (x, dtype = null) => sym.symbolicOp("EmptyLike", [x], { dtype }));

/** keras.ops.unravel_index: the coordinates of flat `indices` in an array of `shape`, one tensor per axis, of indices' dtype. */
function unravelIndexEager(indicesIn: Input, shape: readonly number[]): Tensor[] {
  const idx = toTensor(indicesIn, "unravelIndex", "indices");
  if (idx.dtype !== "int32" && idx.dtype !== "int64" && idx.dtype !== "uint8") {
    throw new TypeError(`ops.unravelIndex: indices must be integers, got ${idx.dtype} ${shapeText(idx.shape)}; cast them with ops.cast(indices, "int32")`);
  }
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new RangeError(`ops.unravelIndex: shape must be non-negative integers, got ${valueText(shape)}`);
  const total = sizeOf(shape);
  for (const v of raw(idx)) {
    if (Number(v) < 0 || Number(v) >= total) throw new RangeError(`ops.unravelIndex: index ${v} is out of bounds for shape ${shapeText(shape)} (size ${total}); indices must lie in 0..${total - 1}`);
  }
  const out: Tensor[] = [];
  let rest = idx;
  for (let i = shape.length - 1; i >= 0; i--) {
    out.unshift(m.mod(rest, shape[i]));
    rest = m.floorDiv(rest, shape[i]);
  }
  return out;
}
export const unravelIndex = sym.withSymbolic(unravelIndexEager, (indices, shape) => sym.symbolicOps("UnravelIndex", [indices], { shape: [...shape] }));

/** keras.ops.isin: whether each element of x1 is among x2's (all of them, flattened); negated when invert. */
function isinEager(x1In: Input, x2In: Input, assumeUnique = false, invert = false): Tensor {
  const [a, b] = promoted([x1In, x2In], "isin");
  // assumeUnique only lets numpy skip a dedup; the comparison here needs none.
  void assumeUnique;
  const hit = b.size === 0 ? fill(a.shape, false, "bool") : red.any(m.equal(shp.expandDims(a, -1), shp.reshape(b, [-1])), -1);
  return invert ? m.logicalNot(hit) : hit;
}
export const isin = sym.withSymbolic(isinEager, (a, b, assumeUnique = false, invert = false) => sym.symbolicOp("IsIn", [a, b], { assume_unique: assumeUnique, invert }));

/**
 * keras.ops.trapezoid: the trapezoidal rule along `axis`, with sample points x (1-D of that axis'
 * length, or y's shape) or spacing dx; a float of y's dtype (float32 for integers).
 */
function trapezoidEager(yIn: Input, x: Input | null = null, dx = 1.0, axis = -1): Tensor {
  const y0 = toTensor(yIn, "trapezoid", "y");
  const y = m.cast(y0, kerasFloatDType(y0.dtype));
  const a = normalizeAxis(axis, y.rank, "ops.trapezoid");
  const n = y.shape[a];
  if (n === 0) return red.sum(y, a);
  const head = (t: Tensor, ax: number): Tensor => shp.slice(t, t.shape.map(() => 0), t.shape.map((d, i) => (i === ax ? d - 1 : -1)));
  const tail = (t: Tensor, ax: number): Tensor => shp.slice(t, t.shape.map((_, i) => (i === ax ? 1 : 0)), t.shape.map((d, i) => (i === ax ? d - 1 : -1)));
  const mids = m.mul(m.add(head(y, a), tail(y, a)), 0.5);
  if (x === null) return m.mul(red.sum(mids, a), dx);
  const xs = m.cast(toTensor(x, "trapezoid", "x"), y.dtype);
  let d: Tensor;
  if (xs.rank === 1) {
    if (xs.shape[0] !== n) throw new RangeError(`ops.trapezoid: a 1-D x must have axis ${axis}'s length ${n} (y ${shapeText(y.shape)}), got ${shapeText(xs.shape)}`);
    d = shp.reshape(m.sub(tail(xs, 0), head(xs, 0)), y.shape.map((s, i) => (i === a ? n - 1 : 1)));
  } else {
    if (xs.rank !== y.rank) throw new RangeError(`ops.trapezoid: x ${shapeText(xs.shape)} must be 1-D or have y's rank (y ${shapeText(y.shape)})`);
    d = m.sub(tail(xs, a), head(xs, a));
  }
  return red.sum(m.mul(mids, d), a);
}
/** On a symbolic y, x must be null or numbers: Keras writes it into the operation's config. */
export const trapezoid = sym.withSymbolic(trapezoidEager, (y, x = null, dx = 1.0, axis = -1) => {
  if (x instanceof Tensor || x instanceof sym.SymbolicValue) throw sym.symbolicRefused("ops.trapezoid", "with a tensor x: Keras writes x into the operation's config, which cannot hold a tensor; pass x as an array of numbers");
  return sym.symbolicOp("Trapezoid", [y], { x: sym.jsonCopy(x), dx, axis });
});

/**
 * keras.ops.corrcoef: Pearson correlation coefficients of the rows of x (variables in rows,
 * observations in columns; a 1-D x is one variable), clipped to [-1, 1] as numpy does.
 */
function corrcoefEager(xIn: Input): Tensor {
  const x0 = toTensor(xIn, "corrcoef");
  if (x0.rank > 2) throw new RangeError(`ops.corrcoef: x must be 1-D or 2-D (variables in rows), got ${x0.dtype} ${shapeText(x0.shape)}`);
  const dtype: DType = x0.dtype === "float64" || x0.dtype === "int64" ? "float64" : "float32";
  const x = x0.rank === 1 ? shp.reshape(m.cast(x0, dtype), [1, -1]) : m.cast(x0, dtype);
  const c = m.sub(x, red.mean(x, 1, true));
  const cov = tensordot(c, c, [[1], [1]]);
  const sd = m.sqrt(diag(cov));
  const r = m.clipByValue(m.div(m.div(cov, shp.expandDims(sd, 1)), shp.expandDims(sd, 0)), -1, 1);
  return x0.rank === 1 ? shp.reshape(r, []) : r;
}
export const corrcoef = sym.withSymbolic(corrcoefEager, (x) => sym.symbolicOp("Corrcoef", [x]));

/**
 * keras.ops.geomspace for number endpoints: `num` values from start to stop (stop left out unless
 * endpoint) spaced evenly on a log scale, with numpy's exact endpoints; both of one sign, neither 0.
 */
export function geomspace(start: number, stop: number, num = 50, endpoint = true, dtype: DType | null = null, axis = 0): Tensor {
  if (sym.anySymbolic([start, stop])) throw sym.symbolicRefused("ops.geomspace", "lamina computes its values at once from numbers; pass numbers");
  if (typeof start !== "number" || typeof stop !== "number") throw new TypeError("ops.geomspace: start and stop must be numbers; tensor endpoints are not supported");
  if (start === 0 || stop === 0) throw new RangeError(`ops.geomspace: start ${start} and stop ${stop} must both be non-zero (a geometric sequence cannot reach 0)`);
  if (Math.sign(start) !== Math.sign(stop)) throw new RangeError(`ops.geomspace: start ${start} and stop ${stop} must have the same sign; numpy gives complex values between signs, which lamina lacks`);
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`ops.geomspace: num must be a non-negative integer, got ${valueText(num)}`);
  if (axis !== 0 && axis !== -1) throw new RangeError(`ops.geomspace: axis ${axis} does not exist for number start and stop (the result is 1-D); use 0`);
  const sign = Math.sign(start);
  const l0 = Math.log10(start * sign), l1 = Math.log10(stop * sign);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (l1 - l0) / div : 0;
  const values = Array.from({ length: num }, (_, i) => sign * 10 ** (l0 + i * step));
  if (num > 0) values[0] = start;
  if (num > 1 && endpoint) values[num - 1] = stop;
  const d = dtype ?? "float32";
  return constant(isFloatDType(d) ? values : values.map(Math.trunc), [num], d);
}

/**
 * keras.ops.view: x's bytes read as `dtype` (x's own when null). Between dtypes of one width the
 * shape stays; otherwise the last axis grows or shrinks by the ratio of the widths (numpy's view).
 * A bool view is true wherever the byte is not 0.
 */
function viewEager(xIn: Input, dtype: DType | null = null): Tensor {
  const x = toTensor(xIn, "view");
  const to = dtype ?? x.dtype;
  if (to === x.dtype) return shp.clone(x);
  const from = itemSize(x.dtype), width = itemSize(to);
  let shape = [...x.shape];
  if (from !== width) {
    const last = x.shape[x.rank - 1];
    if (x.rank === 0 || (last * from) % width !== 0) {
      throw new RangeError(`ops.view: cannot view ${x.dtype} ${shapeText(x.shape)} as ${to}: its last axis holds ${x.rank === 0 ? from : last * from} bytes, not a multiple of ${to}'s ${width}`);
    }
    shape = [...x.shape.slice(0, -1), (last * from) / width];
  }
  const src = raw(x);
  const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength).slice();
  const out = allocStorage(to, sizeOf(shape));
  new Uint8Array(out.buffer).set(bytes);
  if (to === "bool") for (let i = 0; i < out.length; i++) out[i] = out[i] === 0 ? 0 : 1;
  return new Tensor(out, shape, to);
}
export const view = sym.withSymbolic(viewEager, (x, dtype = null) => sym.symbolicOp("View", [x], { dtype }));
