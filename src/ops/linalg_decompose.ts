import { Tensor, storageOf } from "../tensor/tensor.js";
import { type Sym, symbolicOp, symbolicOps, withSymbolic } from "./symbolic.js";
import { eye } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, backend, emptyTensor, record } from "./engine.js";
import { add, div, mul, reciprocal, sub, where } from "./math.js";
import { concat, expandDims, reshape } from "./shape.js";
import { matmul } from "./matmul.js";
import { tril, triu } from "./linalg.js";
import { triangularSolveCore } from "./linalg_solve.js";
import { allZero, columns, diagEmbed, dims, entryText, f64, matrices, mT, noGradient, rows, viaFloat64 } from "./linalg_util.js";
import { booleanOption } from "../tensor/option_checks.js";

/*
 * Matrix factorizations (keras.ops.linalg's cholesky, lu_factor, qr, eigh, eig, svd), each computed
 * in float64 by one backend kernel, batched over the leading axes, with the gradients torch defines
 * written from the known formulas (Murray 2016 for Cholesky, Walter and Lehmann 2018 for QR,
 * Giles 2008 for eigh, Townsend 2016 for the SVD). A gradient that is not defined, or not
 * implemented, is an error when backprop reaches it, never silent zeros.
 */

/** gA from L and dL for A = L L^T, symmetric (as torch's): L^-T Phi(L^T dL) L^-1, symmetrized. */
function choleskyGrad(op: string, l: Tensor, dl: Tensor): Tensor {
  const p = tril(matmul(l, dl, true, false));
  const sym = mul(add(p, mT(tril(p, -1))), 0.5);
  const left = triangularSolveCore(op, l, sym, true, true);
  return mT(triangularSolveCore(op, l, mT(left), true, true));
}

/**
 * keras.ops.linalg.cholesky(x): the lower triangular L with L L^T = x for symmetric positive definite
 * matrices (only their lower triangle is read). A matrix that is not positive definite is an error
 * naming it. The gradient is torch's (symmetric).
 */
function choleskyEager(xIn: Input): Tensor {
  const op = "linalg.cholesky";
  const x = matrices(op, xIn, true);
  return viaFloat64([x], (x64) => {
    const { batch, n } = dims(x64);
    const out = emptyTensor(x.shape, "float64");
    const info = new Int32Array(batch);
    backend().cholesky(f64(x64), batch, n, f64(out), info);
    const bad = info.findIndex((v) => v !== 0);
    if (bad >= 0) {
      throw new RangeError(
        `${op}: ${entryText(x.shape.slice(0, -2), bad)} of x ${shapeText(x.shape)} is not positive definite (its leading ${info[bad]} x ${info[bad]} ` +
          `minor is not); Cholesky needs symmetric positive definite matrices (add a multiple of the identity to regularize one)`,
      );
    }
    record(op, [x64], out, ([dl]) => [choleskyGrad(op, out, dl)]);
    return out;
  });
}

/** Row i of P x is row perm[i] of x, for the row swaps `pivots` (row i with row pivots[i], in order) of m rows. */
function permutationMatrices(pivots: Int32Array, batch: number, m: number, k: number): Tensor {
  const p = new Float64Array(batch * m * m);
  const perm = new Int32Array(m);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < m; i++) perm[i] = i;
    for (let i = 0; i < k; i++) {
      const j = pivots[b * k + i];
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let i = 0; i < m; i++) p[b * m * m + i * m + perm[i]] = 1;
  }
  return new Tensor(p, [batch, m, m], "float64");
}

/**
 * gX of P X = L U from the packed lu [..., m, n], the permutations P and the gradient g of lu, with
 * the pivots held fixed (torch's linalg_lu_backward, derived again): for the square part
 * F = L^-1 P dX U^-1 gives dL = L tril(F, -1) and dU = triu(F) U, so
 *   gX = P^T L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T,
 * where a wide x (m < n) adds the columns U2 = L^-1 P X2 beyond the square and a tall one (m > n)
 * the rows L2 = P X2 U^-1 below it. Built from ops, so it is differentiable again.
 */
function luFactorGrad(op: string, lu: Tensor, p: Tensor, g: Tensor): Tensor {
  const [m, n] = lu.shape.slice(-2);
  const k = Math.min(m, n);
  const unitLower = (t: Tensor): Tensor => add(tril(t, -1), eye(k, k, "float64"));
  // X U^-T and L^-T X through the triangular solves (U upper, L unit lower: both square k x k).
  const rightUInvT = (x: Tensor, u: Tensor): Tensor => mT(triangularSolveCore(op, u, mT(x), false, false));
  const leftLInvT = (l: Tensor, x: Tensor): Tensor => triangularSolveCore(op, l, x, true, true);
  if (m === n) {
    const l = unitLower(lu), u = triu(lu);
    const phi = add(tril(matmul(l, tril(g, -1), true, false), -1), triu(matmul(triu(g), u, false, true)));
    return matmul(p, rightUInvT(leftLInvT(l, phi), u), true, false);
  }
  if (m < n) {
    const l = unitLower(columns(lu, 0, m)), u1 = triu(columns(lu, 0, m)), u2 = columns(lu, m, n - m);
    const gl = tril(columns(g, 0, m), -1), gu1 = triu(columns(g, 0, m)), gu2 = columns(g, m, n - m);
    const phi = add(tril(sub(matmul(l, gl, true, false), matmul(gu2, u2, false, true)), -1), triu(matmul(gu1, u1, false, true)));
    const left = rightUInvT(leftLInvT(l, phi), u1);
    return matmul(p, concat([left, leftLInvT(l, gu2)], -1), true, false);
  }
  const l1 = unitLower(rows(lu, 0, n)), l2 = rows(lu, n, m - n), u = triu(rows(lu, 0, n));
  const gl1 = tril(rows(g, 0, n), -1), gu = triu(rows(g, 0, n)), gl2 = rows(g, n, m - n);
  const phi = add(tril(matmul(l1, gl1, true, false), -1), triu(sub(matmul(gu, u, false, true), matmul(l2, gl2, true, false))));
  const top = rightUInvT(leftLInvT(l1, phi), u);
  return matmul(p, concat([top, rightUInvT(gl2, u)], -2), true, false);
}

/**
 * keras.ops.linalg.lu_factor(x) (scipy's lu_factor): [lu, pivots] with P x = L U by partial
 * pivoting; lu [..., m, n] holds L's strictly lower part (its unit diagonal implied) and U;
 * pivots [..., min(m, n)] (int32, 0-based): row i was swapped with row pivots[i]. lu's gradient is
 * torch's (pivots held fixed; a zero pivot of U makes it an error); pivots have none.
 */
function luFactorEager(xIn: Input): [Tensor, Tensor] {
  const op = "linalg.luFactor";
  const x = matrices(op, xIn, false);
  const { batch, m, n } = dims(x);
  const k = Math.min(m, n);
  const lead = x.shape.slice(0, -2);
  const pivots = emptyTensor([...lead, k], "int32");
  const lu = viaFloat64([x], (x64) => {
    const out = emptyTensor(x.shape, "float64");
    const piv = storageOf(pivots) as Int32Array;
    const info = new Int32Array(batch);
    backend().luFactor(f64(x64), batch, m, n, f64(out), piv, info);
    record(op, [x64], out, ([g]) => {
      const bad = info.findIndex((v) => v !== 0);
      if (bad >= 0) {
        throw new RangeError(
          `${op}: no gradient at ${entryText(lead, bad)} of x ${shapeText(x.shape)}: U's diagonal element ${info[bad] - 1} is 0 (the matrix is rank-deficient) ` +
            `and lu's gradient divides by U's diagonal; add a small multiple of the identity to x, or wrap the call in tf.stopGradient if no gradient is wanted`,
        );
      }
      const p = reshape(permutationMatrices(piv, batch, m, k), [...lead, m, m]);
      return [luFactorGrad(op, out, p, g)];
    });
    return out;
  });
  return [lu, pivots];
}

export type QrMode = "reduced" | "complete";

/** gA for A = QR with m >= n (Q m x n, R n x n): (dQ + Q copyltu(R dR^T - dQ^T Q)) R^-T. */
function qrGradTall(op: string, q: Tensor, r: Tensor, dq: Tensor, dr: Tensor): Tensor {
  const m = sub(matmul(r, dr, false, true), matmul(dq, q, true, false));
  const sym = add(tril(m), mT(tril(m, -1)));
  const b = add(dq, matmul(q, sym));
  return mT(triangularSolveCore(op, r, mT(b), false, false));
}

/**
 * keras.ops.linalg.qr(x, mode = "reduced") and tf.linalg.qr(x, fullMatrices = false): [q, r] with
 * q r = x, q's columns orthonormal and r upper triangular; "reduced" gives q [..., m, k] and
 * r [..., k, n] (k = min(m, n)), "complete" (or fullMatrices true) q [..., m, m] and r [..., m, n].
 * Signs are LAPACK's (numpy's, torch's). The gradient is torch's; complete mode with m > n has
 * none for q's extra columns (they are not unique).
 */
function qrEager(xIn: Input, mode: QrMode | boolean = "reduced"): [Tensor, Tensor] {
  const op = "linalg.qr";
  if (mode !== "reduced" && mode !== "complete" && typeof mode !== "boolean") {
    throw new RangeError(`${op}: mode must be "reduced" or "complete" (or tf.linalg.qr's fullMatrices, true or false), got ${JSON.stringify(mode)}`);
  }
  const complete = mode === "complete" || mode === true;
  const x = matrices(op, xIn, false);
  return viaFloat64([x], (x64) => {
    const { batch, m, n } = dims(x64);
    const kq = complete ? m : Math.min(m, n);
    const lead = x.shape.slice(0, -2);
    const q = emptyTensor([...lead, m, kq], "float64"), r = emptyTensor([...lead, kq, n], "float64");
    backend().qr(f64(x64), batch, m, n, complete, f64(q), f64(r));
    record(op, [x64], [q, r], ([dq, dr]) => {
      const k = Math.min(m, n);
      if (kq > k && !allZero(columns(dq, k, kq - k))) {
        noGradient(op, `q's last ${kq - k} columns in complete mode (x ${shapeText(x.shape)} has more rows than columns) are not unique; use mode "reduced"`);
      }
      const qk = columns(q, 0, k), dqk = columns(dq, 0, k), rk = rows(r, 0, k), drk = rows(dr, 0, k);
      if (m >= n) return [qrGradTall(op, qk, rk, dqk, drk)];
      // Wide: x = [X | Y] with X = Q U square, Y = Q V.
      const y = columns(x64, m, n - m);
      const u = columns(rk, 0, m), du = columns(drk, 0, m), dv = columns(drk, m, n - m);
      const dxLeft = qrGradTall(op, qk, u, add(dqk, matmul(y, dv, false, true)), du);
      return [concat([dxLeft, matmul(qk, dv)], -1)];
    });
    return [q, r];
  });
}

/** F with F[i, j] = 1 / (e[j] - e[i]) off the diagonal and 0 on it. */
function inverseGaps(e: Tensor): Tensor {
  const k = e.shape[e.rank - 1];
  const gaps = sub(expandDims(e, -2), expandDims(e, -1));
  const offDiagonal = eye(k, k, "bool");
  return where(offDiagonal, 0, reciprocal(where(offDiagonal, 1, gaps)));
}

/**
 * keras.ops.linalg.eigh(x): [eigenvalues [..., n] ascending, eigenvectors [..., n, n] as columns] of
 * symmetric matrices, of which only the lower triangle is read (numpy's and torch's default). The
 * gradient is torch's (symmetric); through the eigenvectors it is infinite at repeated eigenvalues.
 */
function eighEager(xIn: Input): [Tensor, Tensor] {
  const op = "linalg.eigh";
  const x = matrices(op, xIn, true);
  return viaFloat64([x], (x64) => {
    const { batch, n } = dims(x64);
    const w = emptyTensor(x.shape.slice(0, -1), "float64"), v = emptyTensor(x.shape, "float64");
    backend().eigh(f64(x64), batch, n, f64(w), f64(v));
    record(op, [x64], [w, v], ([dw, dv]) => {
      let inner = diagEmbed(dw);
      if (!allZero(dv)) {
        const k = matmul(v, dv, true, false);
        inner = add(inner, mul(inverseGaps(w), mul(sub(k, mT(k)), 0.5)));
      }
      return [matmul(matmul(v, inner), v, false, true)];
    });
    return [w, v];
  });
}

/** Whether every matrix of x equals its transpose to within a few roundings of its dtype. */
function symmetricEntry(x: Tensor): number {
  const { batch, n } = dims(x);
  const d = storageOf(x) as Float32Array | Float64Array;
  const tol = (x.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7) * 64;
  for (let b = 0; b < batch; b++) {
    const o = b * n * n;
    let scale = 0;
    for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(d[o + i]));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        if (!(Math.abs(d[o + i * n + j] - d[o + j * n + i]) <= tol * scale)) return b;
      }
    }
  }
  return -1;
}

/**
 * keras.ops.linalg.eig(x) for the matrices whose eigenvalues are sure to be real: symmetric ones,
 * which it decomposes as eigh does (eigenvalues ascending). A non-symmetric matrix can have complex
 * eigenvalues, which lamina (no complex dtype) cannot return, so it is refused.
 */
function eigEager(xIn: Input): [Tensor, Tensor] {
  const op = "linalg.eig";
  const x = matrices(op, xIn, true);
  const bad = symmetricEntry(x);
  if (bad >= 0) {
    throw new RangeError(
      `${op}: ${entryText(x.shape.slice(0, -2), bad)} of x ${shapeText(x.shape)} is not symmetric; its eigenvalues may be complex, and lamina has ` +
        `no complex dtype, so eig only takes symmetric matrices (as linalg.eigh does); for a general matrix use linalg.svd or linalg.qr`,
    );
  }
  return eigh(x);
}

/** gA of A = U S V^T (thin) from dU, dS and dV (Townsend 2016). */
function svdGrad(u: Tensor, s: Tensor, vt: Tensor, du: Tensor, ds: Tensor, dvt: Tensor): Tensor {
  const [m, k] = u.shape.slice(-2);
  const n = vt.shape[vt.rank - 1];
  let inner = diagEmbed(ds);
  const useU = !allZero(du), useV = !allZero(dvt);
  const sRow = expandDims(s, -2), sCol = expandDims(s, -1);
  const v = mT(vt), dv = mT(dvt);
  if (useU || useV) {
    const f = inverseGaps(mul(s, s));
    if (useU) {
      const j = matmul(u, du, true, false);
      inner = add(inner, mul(mul(f, sub(j, mT(j))), sRow));
    }
    if (useV) {
      const kk = matmul(v, dv, true, false);
      inner = add(inner, mul(sCol, mul(f, sub(kk, mT(kk)))));
    }
  }
  let ga = matmul(matmul(u, inner), vt);
  if (useU && m > k) {
    const perp = sub(du, matmul(u, matmul(u, du, true, false)));
    ga = add(ga, matmul(div(perp, sRow), vt));
  }
  if (useV && n > k) {
    const perp = sub(mT(dv), matmul(matmul(dv, v, true, false), vt));
    ga = add(ga, matmul(div(u, sRow), perp));
  }
  return ga;
}

/** U, S, V^T of float64 matrices, recorded with the gradient of the thin factors. */
function svdCore(op: string, x64: Tensor, fullMatrices: boolean): [Tensor, Tensor, Tensor] {
  const { batch, m, n } = dims(x64);
  const k = Math.min(m, n);
  const lead = x64.shape.slice(0, -2);
  const ku = fullMatrices ? m : k, kv = fullMatrices ? n : k;
  const u = emptyTensor([...lead, m, ku], "float64"), s = emptyTensor([...lead, k], "float64"), vt = emptyTensor([...lead, kv, n], "float64");
  backend().svd(f64(x64), batch, m, n, fullMatrices, f64(s), f64(u), f64(vt));
  record(op, [x64], [u, s, vt], ([du, ds, dvt]) => {
    if ((ku > k && !allZero(columns(du, k, ku - k))) || (kv > k && !allZero(rows(dvt, k, kv - k)))) {
      noGradient(op, `the singular vectors beyond the first min(m, n) = ${k} with fullMatrices true are not unique; use fullMatrices false`);
    }
    return [svdGrad(columns(u, 0, k), s, rows(vt, 0, k), columns(du, 0, k), ds, rows(dvt, 0, k))];
  });
  return [u, s, vt];
}

/**
 * keras.ops.linalg.svd(x, fullMatrices = true, computeUv = true): [u, s, vh] with x = u diag(s) vh,
 * s [..., k] descending (k = min(m, n)), u [..., m, m] and vh [..., n, n] (fullMatrices) or
 * u [..., m, k] and vh [..., k, n]; only s when computeUv is false. The gradient is Townsend's
 * (torch's): exact for s, infinite through u and vh at repeated singular values, and refused for
 * the extra singular vectors of fullMatrices.
 */
function svdEager(xIn: Input, fullMatrices?: boolean, computeUv?: true): [Tensor, Tensor, Tensor];
function svdEager(xIn: Input, fullMatrices: boolean, computeUv: false): Tensor;
function svdEager(xIn: Input, fullMatrices?: boolean, computeUv?: boolean): [Tensor, Tensor, Tensor] | Tensor;
function svdEager(xIn: Input, fullMatrices = true, computeUv = true): [Tensor, Tensor, Tensor] | Tensor {
  const op = "linalg.svd";
  booleanOption(op, "fullMatrices", fullMatrices);
  booleanOption(op, "computeUv", computeUv);
  const x = matrices(op, xIn, false);
  if (!computeUv) return viaFloat64([x], (x64) => svdCore(op, x64, false)[1]);
  return viaFloat64([x], (x64) => svdCore(op, x64, fullMatrices));
}

// On symbolic tensors each records Keras 3.5's operation (keras.src.ops.linalg) under its config keys.
export const cholesky = withSymbolic(choleskyEager, (x) => symbolicOp("Cholesky", [x]));
export const luFactor = withSymbolic(luFactorEager, (x) => symbolicOps("LuFactor", [x]) as [Sym, Sym]);
export const qr = withSymbolic(qrEager, (x, mode = "reduced") => symbolicOps("Qr", [x], { mode: typeof mode === "boolean" ? (mode ? "complete" : "reduced") : mode }) as [Sym, Sym]);
export const eigh = withSymbolic(eighEager, (x) => symbolicOps("Eigh", [x]) as [Sym, Sym]);
export const eig = withSymbolic(eigEager, (x) => symbolicOps("Eig", [x]) as [Sym, Sym]);
/** svd's overloads on symbolic tensors: three outputs, or s alone when computeUv is false. */
type SvdOp = typeof svdEager & {
  (x: Sym, fullMatrices?: boolean, computeUv?: true): [Sym, Sym, Sym];
  (x: Sym, fullMatrices: boolean, computeUv: false): Sym;
};
export const svd = withSymbolic(svdEager, (x, fullMatrices = true, computeUv = true) => {
  const outs = symbolicOps("SVD", [x], { full_matrices: fullMatrices, compute_uv: computeUv });
  return (computeUv ? outs : outs[0]) as [Sym, Sym, Sym];
}) as SvdOp;
