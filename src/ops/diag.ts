import { Tensor } from "../tensor/tensor.js";
import { type DType } from "../tensor/dtype.js";
import { ones, zeros } from "../tensor/creation.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import { concat, gather, reshape } from "./shape.js";
import { sum } from "./reduce.js";
import { moveaxis } from "./arrange.js";
import { tril } from "./linalg.js";
import * as sym from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";

/*
 * Diagonals (keras.ops diag, diagonal, trace, tri; numpy's semantics). Elements are picked with
 * gather at positions computed from the shape alone, so gradients are gather's.
 */

function checkOffset(op: string, name: string, k: number): void {
  if (!Number.isInteger(k)) throw new RangeError(`${op}: ${name} must be an integer, got ${valueText(k)}`);
}

/** Flat positions of the k-th diagonal of an [n, m] matrix (k > 0 above the main one). */
function diagonalPositions(n: number, m: number, k: number): Int32Array {
  const len = Math.max(0, k >= 0 ? Math.min(n, m - k) : Math.min(n + k, m));
  const pos = new Int32Array(len);
  for (let i = 0; i < len; i++) pos[i] = k >= 0 ? i * m + i + k : (i - k) * m + i;
  return pos;
}

/**
 * keras.ops.diagonal(x, offset = 0, axis1 = 0, axis2 = 1) (numpy.diagonal): the `offset`-th
 * diagonal of the matrices spanned by axis1 and axis2; those two axes are removed and the diagonal
 * becomes the last axis.
 */
function diagonalEager(xIn: Input, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  const op = "diagonal";
  const x = toTensor(xIn, op);
  checkOffset(op, "offset", offset);
  if (x.rank < 2) throw new RangeError(`${op}: x must have at least 2 axes, got ${x.dtype} ${shapeText(x.shape)}`);
  const a1 = normalizeAxis(axis1, x.rank, op), a2 = normalizeAxis(axis2, x.rank, op);
  if (a1 === a2) throw new RangeError(`${op}: axis1 and axis2 must differ, both name axis ${a1} of ${shapeText(x.shape)}`);
  const moved = moveaxis(x, [a1, a2], [-2, -1]);
  const lead = moved.shape.slice(0, -2);
  const n = x.shape[a1], m = x.shape[a2];
  const pos = diagonalPositions(n, m, offset);
  return gather(reshape(moved, [...lead, n * m]), new Tensor(pos, [pos.length], "int32"), lead.length);
}
export const diagonal = sym.withSymbolic(diagonalEager, (x, offset = 0, axis1 = 0, axis2 = 1) => sym.symbolicOp("Diagonal", [x], { offset, axis1, axis2 }));

/**
 * keras.ops.diag(x, k = 0) (numpy.diag): a 1-D x becomes the square matrix with x on its k-th
 * diagonal (zeros elsewhere); a 2-D x gives its k-th diagonal.
 */
export function diag(xIn: Input, k = 0): Tensor {
  const op = "diag";
  const x = toTensor(xIn, op);
  checkOffset(op, "k", k);
  if (x.rank === 2) return diagonal(x, k);
  if (x.rank !== 1) throw new RangeError(`${op}: x must be 1-D (to build a matrix) or 2-D (to read a diagonal), got ${x.dtype} ${shapeText(x.shape)}`);
  const len = x.shape[0], n = len + Math.abs(k);
  // Every cell reads x padded with one zero: its diagonal entry, or that zero.
  const src = new Int32Array(n * n).fill(len);
  diagonalPositions(n, n, k).forEach((p, i) => { src[p] = i; });
  const padded = concat([x, zeros([1], x.dtype)], 0);
  return reshape(gather(padded, new Tensor(src, [n * n], "int32")), [n, n]);
}

/** keras.ops.trace(x, offset = 0, axis1 = 0, axis2 = 1) (numpy.trace): the sum along diagonal(x, offset, axis1, axis2). */
function traceEager(xIn: Input, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  return sum(diagonal(xIn, offset, axis1, axis2), -1);
}
export const trace = sym.withSymbolic(traceEager, (x, offset = 0, axis1 = 0, axis2 = 1) => sym.symbolicOp("Trace", [x], { offset, axis1, axis2 }));

/** keras.ops.tri(n, m = n, k = 0, dtype = "float32") (numpy.tri): ones at and below the k-th diagonal of an [n, m] matrix. */
export function tri(n: number, m: number = n, k = 0, dtype: DType = "float32"): Tensor {
  const op = "tri";
  for (const [name, v] of [["n", n], ["m", m]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${valueText(v)}`);
  }
  checkOffset(op, "k", k);
  return tril(ones([n, m], dtype), k);
}
