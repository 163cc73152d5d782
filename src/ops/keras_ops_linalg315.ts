/**
 * Keras 3.15's linear-algebra ops that lamina lacked: keras.ops.cholesky_inverse, matrix_rank and
 * pinv (also under ops.linalg, as in keras.linalg), logdet and cdist (keras.ops.math), built from
 * lamina's triangular solve and SVD, so gradients come from theirs.
 */
import type { Tensor } from "../tensor/tensor.js";
import { eye, fill } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import * as red from "./reduce.js";
import * as shp from "./shape.js";
import { matmul } from "./matmul.js";
import { broadcastTo } from "./broadcast.js";
import { svd } from "./linalg_decompose.js";
import { slogdet, solveTriangular } from "./linalg_solve.js";
import { matrices, mT } from "./linalg_util.js";
import { promoted } from "./keras_promote.js";
import { kerasFloatDType } from "./keras_float.js";
import * as sym from "./symbolic.js";
import { booleanOption } from "../tensor/option_checks.js";

const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/** x as a float matrix stack (..., M, N): ints cast to float32, as Keras' floatx. */
function floatMatrices(op: string, xIn: Input, square: boolean): Tensor {
  const x = toTensor(xIn, op);
  return matrices(op, m.cast(x, kerasFloatDType(x.dtype)), square);
}

/**
 * keras.ops.cholesky_inverse(x, upper = false): the inverse of A from its Cholesky factor x
 * (A = x xᵀ with x lower triangular, or A = xᵀ x with x upper when upper), as torch.cholesky_inverse.
 */
function choleskyInverseEager(xIn: Input, upper = false): Tensor {
  const op = "choleskyInverse";
  booleanOption(`ops.${op}`, "upper", upper);
  const x = floatMatrices(`ops.${op}`, xIn, true);
  const n = x.shape[x.rank - 1];
  const inv = solveTriangular(x, broadcastTo(eye(n, n, x.dtype), x.shape), !upper);
  return upper ? matmul(inv, inv, false, true) : matmul(inv, inv, true, false);
}
export const choleskyInverse = sym.withSymbolic(choleskyInverseEager, (x, upper = false) => sym.symbolicOp("CholeskyInverse", [x], { upper }));

/** keras.ops.logdet: log |det x| of each square matrix (numpy's slogdet's second output). */
function logdetEager(xIn: Input): Tensor {
  return slogdet(xIn)[1];
}
export const logdet = sym.withSymbolic(logdetEager, (x) => sym.symbolicOp("Logdet", [x]));

/** Singular values above `tol`, or numpy's default max(s) * max(M, N) * eps. */
function cutoff(s: Tensor, rows: number, cols: number, tol: number | null, relative: boolean): Tensor {
  const eps = EPS[s.dtype as keyof typeof EPS] ?? EPS.float32;
  const top = red.max(s, -1, true);
  if (tol === null) return m.mul(top, Math.max(rows, cols) * eps);
  return relative ? m.mul(top, tol) : fill(top.shape, tol, s.dtype);
}

/** keras.ops.matrix_rank(x, tol = null): the number of singular values of each matrix above tol (int32). */
function matrixRankEager(xIn: Input, tol: number | null = null): Tensor {
  const op = "ops.matrixRank";
  if (tol !== null && (typeof tol !== "number" || tol < 0)) throw new TypeError(`${op}: tol must be a non-negative number or null, got ${valueText(tol)}`);
  const x = floatMatrices(op, xIn, false);
  const [rows, cols] = x.shape.slice(-2);
  if (rows === 0 || cols === 0) return fill(x.shape.slice(0, -2), 0, "int32");
  const s = svd(x, false, false);
  return red.sum(m.cast(m.greater(s, cutoff(s, rows, cols, tol, false)), "int32"), -1);
}
export const matrixRank = sym.withSymbolic(matrixRankEager, (x, tol = null) => sym.symbolicOp("MatrixRank", [x], { tol }));

/**
 * keras.ops.pinv(x, rcond = null): the Moore-Penrose pseudo-inverse (..., N, M) by SVD, singular
 * values at most rcond times the largest (numpy's max(M, N) * eps when null) taken as zero.
 */
function pinvEager(xIn: Input, rcond: number | null = null): Tensor {
  const op = "ops.pinv";
  if (rcond !== null && (typeof rcond !== "number" || rcond < 0)) throw new TypeError(`${op}: rcond must be a non-negative number or null, got ${valueText(rcond)}`);
  const x = floatMatrices(op, xIn, false);
  const [rows, cols] = x.shape.slice(-2);
  if (rows === 0 || cols === 0) return shp.reshape(mT(x), [...x.shape.slice(0, -2), cols, rows]);
  const [u, s, vh] = svd(x, false, true);
  const keep = m.greater(s, cutoff(s, rows, cols, rcond, true));
  // 1/s where kept, 0 elsewhere; the kept-out entries divide 1 (not 0), so no NaN reaches the gradient.
  const inv = m.where(keep, m.reciprocal(m.where(keep, s, fill(s.shape, 1, s.dtype))), fill(s.shape, 0, s.dtype));
  return matmul(mT(vh), m.mul(shp.expandDims(inv, -1), mT(u)));
}
export const pinv = sym.withSymbolic(pinvEager, (x, rcond = null) => sym.symbolicOp("Pinv", [x], { rcond }));

/** keras.ops.cdist(x, y): Euclidean distances (..., m, n) between the rows of x (..., m, d) and y (..., n, d). */
function cdistEager(xIn: Input, yIn: Input): Tensor {
  const [x, y] = promoted([xIn, yIn], "cdist", ["float"]);
  if (x.rank < 2 || y.rank < 2 || x.shape[x.rank - 1] !== y.shape[y.rank - 1]) {
    throw new RangeError(`ops.cdist: x ${shapeText(x.shape)} and y ${shapeText(y.shape)} must have rank >= 2 and the same last axis (the vectors' length)`);
  }
  const diff = m.sub(shp.expandDims(x, -2), shp.expandDims(y, -3));
  return m.sqrt(red.sum(m.square(diff), -1));
}
export const cdist = sym.withSymbolic(cdistEager, (x, y) => sym.symbolicOp("CDist", [x, y]));
