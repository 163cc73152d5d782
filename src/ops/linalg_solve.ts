import type { Tensor } from "../tensor/tensor.js";
import { type Sym, symbolicOp, symbolicOps, withSymbolic } from "./symbolic.js";
import { broadcastShapes, shapeText } from "../tensor/shape.js";
import { type Input, assertSameDType, backend, emptyTensor, noGrad, record, toTensor } from "./engine.js";
import { add, greater, mul, neg, reciprocal, sub, where } from "./math.js";
import { eye } from "../tensor/creation.js";
import { max } from "./reduce.js";
import { expandDims, reshape, squeeze } from "./shape.js";
import { broadcastTo } from "./broadcast.js";
import { cumprod } from "./cumulative.js";
import { matmul } from "./matmul.js";
import { tril, triu } from "./linalg.js";
import { svd } from "./linalg_decompose.js";
import { dims, entryText, f64, matrices, mT, noGradient, text, viaFloat64 } from "./linalg_util.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";

/*
 * Determinants, inverses and linear solves (keras.ops.linalg's det, inv, solve, solve_triangular,
 * lstsq), through one LU factorization per matrix computed in float64.
 */

/** LU factors of float64 square matrices; throws naming the first singular one when `requireRegular`. */
function factor(op: string, a: Tensor, requireRegular: boolean): { lu: Tensor; pivots: Int32Array; info: Int32Array } {
  const { batch, n } = dims(a);
  const lu = emptyTensor(a.shape, "float64");
  const pivots = new Int32Array(batch * n), info = new Int32Array(batch);
  backend().luFactor(f64(a), batch, n, n, f64(lu), pivots, info);
  if (requireRegular) {
    const bad = info.findIndex((v) => v !== 0);
    if (bad >= 0) {
      throw new RangeError(
        `${op}: ${entryText(a.shape.slice(0, -2), bad)} is singular (pivot ${info[bad] - 1} of its LU factorization is 0) in a ${shapeText(a.shape)}; ` +
          `it has no inverse; use tf.linalg.lstsq or tf.linalg.svd for a least-squares or pseudo-inverse solution`,
      );
    }
  }
  return { lu, pivots, info };
}

/** X = A^-1 B for float64 A [..., n, n] and B [..., n, k] of one batch shape. */
function luSolveCore(op: string, a: Tensor, b: Tensor): Tensor {
  const { batch, n } = dims(a);
  const k = b.shape[b.rank - 1];
  const { lu, pivots } = noGrad(() => factor(op, a, true));
  const x = emptyTensor(b.shape, "float64");
  backend().luSolve(f64(lu), pivots, f64(b), batch, n, k, f64(x));
  record(op, [a, b], x, ([dx]) => {
    const db = luSolveCore(op, mT(a), dx);
    return [neg(matmul(db, x, false, true)), db];
  });
  return x;
}

/**
 * A and B broadcast over their batch axes, B as a matrix: a vector b (rank of a minus 1, as
 * torch.linalg.solve reads it) becomes one column, which `unwrap` removes again.
 */
function pairUp(op: string, aIn: Input, bIn: Input): { a: Tensor; b: Tensor; unwrap: (x: Tensor) => Tensor } {
  const a = matrices(op, aIn, true, "a");
  const b0 = toTensor(bIn, op, "b");
  assertSameDType(op, a, b0);
  const n = a.shape[a.rank - 1];
  // torch.linalg.solve's rule: b holds vectors when it is 1-D or has exactly a's shape without its last axis.
  const vector = b0.rank === 1 || (b0.rank === a.rank - 1 && b0.shape.every((d, i) => d === a.shape[i]));
  const b = vector ? expandDims(b0, -1) : b0;
  if (b.rank < 2 || b.shape[b.rank - 2] !== n) {
    throw new RangeError(
      `${op}: b ${text(b0)} does not fit a ${text(a)}: b must be [${n}] or [${[...a.shape.slice(0, -1)].join(', ')}] (vectors) or [..., ${n}, k] (matrices), its rows matching a's ${n}`,
    );
  }
  const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), `${op} (batch dimensions of a and b)`);
  const aa = broadcastTo(a, [...batchShape, n, n]);
  const bb = broadcastTo(b, [...batchShape, ...b.shape.slice(-2)]);
  return { a: aa, b: bb, unwrap: (x) => (vector ? squeeze(x, -1) : x) };
}

/**
 * keras.ops.linalg.solve(a, b): x with a x = b for square a [..., n, n] and b [..., n, k], or
 * vectors b [..., n]; batch axes broadcast. A singular a is an error naming the matrix.
 */
function solveEager(aIn: Input, bIn: Input): Tensor {
  const op = "linalg.solve";
  const { a, b, unwrap } = pairUp(op, aIn, bIn);
  return unwrap(viaFloat64([a, b], (a64, b64) => luSolveCore(op, a64, b64)));
}

/** keras.ops.linalg.inv(x): the inverse of each square matrix; a singular one is an error naming it. */
function invEager(xIn: Input): Tensor {
  const op = "linalg.inv";
  const x = matrices(op, xIn, true);
  const n = x.shape[x.rank - 1];
  return viaFloat64([x], (x64) => {
    const { batch } = dims(x64);
    const { lu, pivots } = noGrad(() => factor(op, x64, true));
    const out = emptyTensor(x.shape, "float64");
    const identity = new Float64Array(batch * n * n);
    for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) identity[b * n * n + i * n + i] = 1;
    backend().luSolve(f64(lu), pivots, identity, batch, n, n, f64(out));
    record(op, [x64], out, ([dy]) => [neg(matmul(matmul(out, dy, true, false), out, false, true))]);
    return out;
  });
}

/**
 * The cofactor matrix adj(A)^T = det(U) det(V) U diag(prod_{j != i} s_j) V^T from A = U S V^T:
 * d det(A) / dA even where A is singular (where det(A) A^-T is not defined).
 */
function cofactors(a: Tensor): Tensor {
  const [u, s, vt] = svd(a, false, true);
  const others = mul(cumprod(s, -1, true, false), cumprod(s, -1, true, true));
  const sign = mul(det(u), det(vt));
  return mul(reshape(sign, [...sign.shape, 1, 1]), matmul(mul(u, expandDims(others, -2)), vt));
}

/** keras.ops.linalg.det(x): the determinant of each square matrix (0 for a singular one). */
function detEager(xIn: Input): Tensor {
  const op = "linalg.det";
  const x = matrices(op, xIn, true);
  return viaFloat64([x], (x64) => {
    const { batch, n } = dims(x64);
    const { lu, pivots } = noGrad(() => factor(op, x64, false));
    const out = emptyTensor(x.shape.slice(0, -2), "float64");
    const d = f64(lu), o = f64(out);
    for (let b = 0; b < batch; b++) {
      let v = 1;
      for (let i = 0; i < n; i++) {
        v *= d[b * n * n + i * n + i];
        if (pivots[b * n + i] !== i) v = -v;
      }
      o[b] = v;
    }
    record(op, [x64], out, ([dy]) => {
      const g = reshape(dy, [...dy.shape, 1, 1]);
      // det(A) A^-T where every matrix is regular (differentiable again); the cofactors otherwise.
      if (o.every((v) => v !== 0)) return [mul(mul(g, reshape(out, [...out.shape, 1, 1])), mT(inv(x64)))];
      // The cofactors come from an SVD, whose gradient is undefined at a singular matrix: a second
      // derivative through them is refused rather than read as zero.
      const cof = noGrad(() => cofactors(x64));
      record(`${op} gradient`, [x64], cof, () => noGradient(op, "a second derivative at a singular matrix (its first derivative, the cofactors, comes from an SVD there)"));
      return [mul(g, cof)];
    });
    return out;
  });
}

/**
 * tf.linalg.slogdet(x) (keras.ops.slogdet, numpy.linalg.slogdet): [sign, logAbsDet] of each square
 * matrix, det = sign * exp(logAbsDet), without the overflow of det for large matrices; a singular
 * matrix gives sign 0 and logAbsDet -Infinity. logAbsDet's gradient is A^-T (torch's; sign has none).
 */
function slogdetEager(xIn: Input): [Tensor, Tensor] {
  const op = "linalg.slogdet";
  const x = matrices(op, xIn, true);
  return viaFloat64([x], (x64) => {
    const { batch, n } = dims(x64);
    const { lu, pivots } = noGrad(() => factor(op, x64, false));
    const shape = x.shape.slice(0, -2);
    const sign = emptyTensor(shape, "float64"), logAbs = emptyTensor(shape, "float64");
    const d = f64(lu), s = f64(sign), l = f64(logAbs);
    for (let b = 0; b < batch; b++) {
      let sg = 1, la = 0;
      for (let i = 0; i < n; i++) {
        const u = d[b * n * n + i * n + i];
        if (u < 0) sg = -sg;
        if (pivots[b * n + i] !== i) sg = -sg;
        la += Math.log(Math.abs(u));
      }
      s[b] = la === -Infinity ? 0 : sg;
      l[b] = la;
    }
    record(op, [x64], [sign, logAbs], ([, dy]) => {
      if (s.some((v) => v === 0)) noGradient(op, "logAbsDet is -Infinity for a singular matrix");
      return [mul(reshape(dy, [...dy.shape, 1, 1]), mT(inv(x64)))];
    });
    return [sign, logAbs];
  });
}

/**
 * op(A)^-1 B for float64 triangular A [..., n, n] (the `lower` or upper triangle read) and
 * B [..., n, k] of one batch shape, op(A) = A^T when transposeA; a zero diagonal is an error.
 */
export function triangularSolveCore(op: string, a: Tensor, b: Tensor, lower: boolean, transposeA: boolean): Tensor {
  const { batch, n } = dims(a);
  const k = b.shape[b.rank - 1];
  const ad = f64(a);
  for (let bt = 0; bt < batch; bt++) {
    for (let i = 0; i < n; i++) {
      if (ad[bt * n * n + i * n + i] === 0) {
        throw new RangeError(
          `${op}: ${entryText(a.shape.slice(0, -2), bt)} is singular (diagonal element ${i} of the triangular a ${shapeText(a.shape)} is 0); ` +
            `a triangular system needs a nonzero diagonal`,
        );
      }
    }
  }
  const x = emptyTensor(b.shape, "float64");
  backend().triangularSolve(ad, f64(b), batch, n, k, lower, transposeA, false, f64(x));
  record(op, [a, b], x, ([dx]) => {
    const db = triangularSolveCore(op, a, dx, lower, !transposeA);
    const dop = neg(matmul(db, x, false, true));
    const da = transposeA ? mT(dop) : dop;
    return [lower ? tril(da) : triu(da), db];
  });
  return x;
}

/**
 * keras.ops.linalg.solve_triangular(a, b, lower = false): x with a x = b for triangular a, reading
 * only its lower (lower: true) or upper triangle; b and batch axes as in solve.
 */
function solveTriangularEager(aIn: Input, bIn: Input, lower = false): Tensor {
  const op = "linalg.solveTriangular";
  booleanOption(op, "lower", lower);
  const { a, b, unwrap } = pairUp(op, aIn, bIn);
  return unwrap(viaFloat64([a, b], (a64, b64) => triangularSolveCore(op, a64, b64, lower, false)));
}

/** pinv(A) = vs u^T: u from A's thin SVD, vs = V diag(1 / s) with the singular values at or below cut * the largest as 0. */
interface PinvFactors { u: Tensor; vs: Tensor }

function pinvFactors(a: Tensor, cut: number): PinvFactors {
  const [u, s, vt] = svd(a, false, true);
  const keep = greater(s, mul(max(s, -1, true), cut));
  const sInv = where(keep, reciprocal(where(keep, s, 1)), 0);
  return { u, vs: mul(mT(vt), expandDims(sInv, -2)) };
}

/**
 * X = pinv(A) B for float64 A [..., m, n] and B [..., m, k] of one batch shape, pinv from the SVD
 * of A with singular values at or below `cut` * the largest treated as 0. Recorded with the
 * gradient of the pseudo-inverse at a constant rank (Golub and Pereyra 1973; JAX's pinv JVP):
 * with P = pinv(A), r = B - A X and G the gradient of X,
 *   gB = P^T G,   gA = -P^T G X^T + r (P P^T G)^T + P^T X (G - A^T P^T G)^T,
 * built from matmul and this op itself (P = pinv(A) I), so it is differentiable again. Where `cut`
 * drops singular values it is the gradient of the rank-truncated solution, exact where the dropped
 * ones are 0 (a rank-deficient A), and off by about (largest dropped) / (smallest kept), relatively,
 * otherwise (the dropped part moves the kept singular vectors; JAX's pinv ignores it too).
 */
function lstsqCore(op: string, a: Tensor, b: Tensor, cut: number, factors?: PinvFactors): Tensor {
  // The backward pass reuses the forward's SVD for P (the same A, so the same factors).
  const f = factors ?? noGrad(() => pinvFactors(a, cut));
  const x = noGrad(() => matmul(f.vs, matmul(f.u, b, true, false)));
  record(op, [a, b], x, ([g], [needA]) => {
    const m = a.shape[a.rank - 2];
    const p = lstsqCore(op, a, broadcastTo(eye(m, m, "float64"), [...a.shape.slice(0, -2), m, m]), cut, f);
    const gb = matmul(p, g, true, false);
    if (!needA) return [null, gb];
    const r = sub(b, matmul(a, x));
    const ga = add(
      add(neg(matmul(gb, x, false, true)), matmul(r, matmul(p, gb), false, true)),
      matmul(matmul(p, x, true, false), sub(g, matmul(a, gb, true, false)), false, true),
    );
    return [ga, gb];
  });
  return x;
}

/** Whether batch shapes s and t broadcast together (numpy's rule, aligned at their last axes). */
function batchesFit(s: readonly number[], t: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(s.length, t.length); i++) {
    const p = s[s.length - i], q = t[t.length - i];
    if (p !== q && p !== 1 && q !== 1) return false;
  }
  return true;
}

/**
 * b of lstsq as matrices [..., m, k] with a [..., m, n], their batch axes broadcast, as
 * torch.linalg.lstsq reads them (b [..., m] of rank one less than a holds vectors, b of a's rank
 * matrices) and beyond it, as torch.linalg.solve broadcasts: batch axes of any number on either
 * side, so one b [m, k] serves a batch of a. A b of rank one less than a's is read as vectors
 * where that fits (torch's reading: for a [m, m, n], b [m, m] is m vectors), as matrices otherwise.
 */
function lstsqOperands(op: string, a: Tensor, b0: Tensor): { a: Tensor; b: Tensor; vector: boolean } {
  const [m, n] = a.shape.slice(-2);
  const aBatch = a.shape.slice(0, -2);
  const fitsVectors = b0.rank >= 1 && b0.shape[b0.rank - 1] === m && batchesFit(aBatch, b0.shape.slice(0, -1));
  const vector = fitsVectors && (b0.rank === 1 || b0.rank === a.rank - 1);
  const b1 = vector ? expandDims(b0, -1) : b0;
  if (b1.rank < 2 || b1.shape[b1.rank - 2] !== m || !batchesFit(aBatch, b1.shape.slice(0, -2))) {
    throw new RangeError(
      `${op}: b ${text(b0)} does not fit a ${text(a)}: b must be vectors [..., ${m}] (of rank ${a.rank - 1}, or 1) or matrices [..., ${m}, k], ` +
        `its rows matching a's ${m} and its batch axes broadcasting with a's ${shapeText(aBatch)}`,
    );
  }
  const batchShape = broadcastShapes(aBatch, b1.shape.slice(0, -2), `${op} (batch dimensions of a and b)`);
  return { a: broadcastTo(a, [...batchShape, m, n]), b: broadcastTo(b1, [...batchShape, ...b1.shape.slice(-2)]), vector };
}

/**
 * keras.ops.linalg.lstsq(a, b, rcond = null) (numpy.linalg.lstsq's solution): the x of least
 * norm minimizing ||a x - b|| for a [..., m, n] and b [..., m] or [..., m, k], their batch axes
 * broadcast (see lstsqOperands), from the SVD of a with singular values below rcond * the largest
 * treated as 0 (rcond null: eps * max(m, n)). The gradient (a and b) is that of x = pinv(a) b at a
 * constant rank, as JAX's (see lstsqCore), summed over the axes an operand was broadcast along.
 */
function lstsqEager(aIn: Input, bIn: Input, rcond: number | null = null): Tensor {
  const op = "linalg.lstsq";
  const a0 = matrices(op, aIn, false, "a");
  const b0 = toTensor(bIn, op, "b");
  assertSameDType(op, a0, b0);
  if (rcond !== null && !(rcond >= 0)) throw new RangeError(`${op}: rcond must be a number >= 0 or null, got ${valueText(rcond)}`);
  const [m, n] = a0.shape.slice(-2);
  const cut = rcond ?? 2.220446049250313e-16 * Math.max(m, n);
  const { a, b, vector } = lstsqOperands(op, a0, b0);
  const x = viaFloat64([a, b], (a64, b64) => lstsqCore(op, a64, b64, cut));
  return vector ? squeeze(x, -1) : x;
}

// On symbolic tensors each records Keras 3.5's operation (keras.src.ops.linalg; Slogdet's is numpy's) under its config keys.
export const solve = withSymbolic(solveEager, (a, b) => symbolicOp("Solve", [a, b]));
export const inv = withSymbolic(invEager, (x) => symbolicOp("Inv", [x]));
export const det = withSymbolic(detEager, (x) => symbolicOp("Det", [x]));
export const slogdet = withSymbolic(slogdetEager, (x) => symbolicOps("Slogdet", [x]) as [Sym, Sym]);
export const solveTriangular = withSymbolic(solveTriangularEager, (a, b, lower = false) => symbolicOp("SolveTriangular", [a, b], { lower }));
export const lstsq = withSymbolic(lstsqEager, (a, b, rcond = null) => symbolicOp("Lstsq", [a, b], { rcond }));
