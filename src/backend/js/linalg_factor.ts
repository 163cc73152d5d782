/*
 * Dense factorizations on float64 matrices, row-major, one matrix after another (`batch` of them).
 * Each kernel works on its own copy, never on its inputs, and reports a failure per matrix in
 * `info` (0: fine; k + 1: step k failed, LAPACK's convention) for the op to turn into an error.
 */

/**
 * Cholesky factor L (lower, A = L L^T) of each n x n matrix, reading only A's lower triangle as
 * LAPACK does; info: the order of the first leading minor that is not positive definite.
 */
export function cholesky(a: Float64Array, batch: number, n: number, out: Float64Array, info: Int32Array): void {
  const nn = n * n;
  out.fill(0, 0, batch * nn);
  for (let b = 0; b < batch; b++) {
    const o = b * nn;
    info[b] = 0;
    for (let j = 0; j < n; j++) {
      let d = a[o + j * n + j];
      for (let k = 0; k < j; k++) d -= out[o + j * n + k] * out[o + j * n + k];
      // NaN fails too: a matrix with NaN is not known to be positive definite.
      if (!(d > 0)) {
        info[b] = j + 1;
        break;
      }
      const ljj = Math.sqrt(d);
      out[o + j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let s = a[o + i * n + j];
        for (let k = 0; k < j; k++) s -= out[o + i * n + k] * out[o + j * n + k];
        out[o + i * n + j] = s / ljj;
      }
    }
  }
}

/**
 * LU factorization with partial pivoting of each m x n matrix (P A = L U, L unit lower, both in
 * `lu`); pivots[k] (min(m, n) per matrix, 0-based) is the row swapped with row k at step k.
 * info: the first step whose pivot column was all zeros (the factorization still completes).
 */
export function luFactor(a: Float64Array, batch: number, m: number, n: number, lu: Float64Array, pivots: Int32Array, info: Int32Array): void {
  const size = m * n, steps = Math.min(m, n);
  lu.set(a.subarray(0, batch * size));
  for (let b = 0; b < batch; b++) {
    const o = b * size;
    info[b] = 0;
    for (let k = 0; k < steps; k++) {
      let p = k, best = Math.abs(lu[o + k * n + k]);
      for (let i = k + 1; i < m; i++) {
        const v = Math.abs(lu[o + i * n + k]);
        if (v > best) { best = v; p = i; }
      }
      pivots[b * steps + k] = p;
      if (p !== k) {
        for (let j = 0; j < n; j++) {
          const t = lu[o + k * n + j];
          lu[o + k * n + j] = lu[o + p * n + j];
          lu[o + p * n + j] = t;
        }
      }
      const piv = lu[o + k * n + k];
      if (piv === 0) {
        if (info[b] === 0) info[b] = k + 1;
        continue;
      }
      for (let i = k + 1; i < m; i++) {
        const f = (lu[o + i * n + k] /= piv);
        if (f === 0) continue;
        for (let j = k + 1; j < n; j++) lu[o + i * n + j] -= f * lu[o + k * n + j];
      }
    }
  }
}

/**
 * X with op(A) X = B for triangular n x n A and B n x k (per matrix), op(A) = A or A^T; `lower`
 * names A's triangle, the only one read. A zero on the diagonal gives Infinity or NaN.
 */
export function triangularSolve(a: Float64Array, b: Float64Array, batch: number, n: number, k: number,
  lower: boolean, transposeA: boolean, unitDiagonal: boolean, out: Float64Array): void {
  const nn = n * n, nk = n * k;
  out.set(b.subarray(0, batch * nk));
  const forward = lower !== transposeA;
  for (let bt = 0; bt < batch; bt++) {
    const ao = bt * nn, xo = bt * nk;
    const at = transposeA ? (i: number, j: number) => a[ao + j * n + i] : (i: number, j: number) => a[ao + i * n + j];
    for (let step = 0; step < n; step++) {
      const i = forward ? step : n - 1 - step;
      const lo = forward ? 0 : i + 1, hi = forward ? i : n;
      for (let j = lo; j < hi; j++) {
        const f = at(i, j);
        if (f === 0) continue;
        for (let c = 0; c < k; c++) out[xo + i * k + c] -= f * out[xo + j * k + c];
      }
      if (!unitDiagonal) {
        const d = at(i, i);
        for (let c = 0; c < k; c++) out[xo + i * k + c] /= d;
      }
    }
  }
}

/** X with A X = B from luFactor's lu and pivots of square n x n A, B n x k per matrix. */
export function luSolve(lu: Float64Array, pivots: Int32Array, b: Float64Array, batch: number, n: number, k: number, out: Float64Array): void {
  const nk = n * k;
  const permuted = new Float64Array(batch * nk);
  permuted.set(b.subarray(0, batch * nk));
  for (let bt = 0; bt < batch; bt++) {
    const o = bt * nk;
    for (let s = 0; s < n; s++) {
      const p = pivots[bt * n + s];
      if (p === s) continue;
      for (let c = 0; c < k; c++) {
        const t = permuted[o + s * k + c];
        permuted[o + s * k + c] = permuted[o + p * k + c];
        permuted[o + p * k + c] = t;
      }
    }
  }
  const y = new Float64Array(batch * nk);
  triangularSolve(lu, permuted, batch, n, k, true, false, true, y);
  triangularSolve(lu, y, batch, n, k, false, false, false, out);
}

/**
 * Householder QR of each m x n matrix: q m x kq and r kq x n with kq = m (complete) or min(m, n).
 * As LAPACK's geqrf, the reflector of column j maps it to -sign(a_jj) * its norm, and a column
 * already zero below the diagonal is left alone, so the signs are numpy's and torch's.
 */
export function qr(a: Float64Array, batch: number, m: number, n: number, complete: boolean, q: Float64Array, r: Float64Array): void {
  const kq = complete ? m : Math.min(m, n);
  const w = new Float64Array(m * n), full = new Float64Array(m * m), v = new Float64Array(m);
  for (let bt = 0; bt < batch; bt++) {
    w.set(a.subarray(bt * m * n, (bt + 1) * m * n));
    full.fill(0);
    for (let i = 0; i < m; i++) full[i * m + i] = 1;
    for (let j = 0; j < Math.min(m, n); j++) {
      let below = 0;
      for (let i = j + 1; i < m; i++) below += w[i * n + j] * w[i * n + j];
      if (below === 0) continue;
      const x0 = w[j * n + j];
      const norm = Math.sqrt(x0 * x0 + below);
      const alpha = x0 >= 0 ? -norm : norm;
      for (let i = j; i < m; i++) v[i] = w[i * n + j];
      v[j] -= alpha;
      const vv = v[j] * v[j] + below;
      // H = I - 2 v v^T / vv applied to the remaining columns of w, and accumulated into Q = Q H.
      for (let c = j; c < n; c++) {
        let d = 0;
        for (let i = j; i < m; i++) d += v[i] * w[i * n + c];
        const f = (2 * d) / vv;
        for (let i = j; i < m; i++) w[i * n + c] -= f * v[i];
      }
      for (let rr = 0; rr < m; rr++) {
        let d = 0;
        for (let i = j; i < m; i++) d += full[rr * m + i] * v[i];
        const f = (2 * d) / vv;
        for (let i = j; i < m; i++) full[rr * m + i] -= f * v[i];
      }
      w[j * n + j] = alpha;
      for (let i = j + 1; i < m; i++) w[i * n + j] = 0;
    }
    const qo = bt * m * kq, ro = bt * kq * n;
    for (let i = 0; i < m; i++) for (let c = 0; c < kq; c++) q[qo + i * kq + c] = full[i * m + c];
    for (let i = 0; i < kq; i++) for (let c = 0; c < n; c++) r[ro + i * n + c] = i < m && c >= i ? w[i * n + c] : 0;
  }
}
