/*
 * Symmetric eigendecomposition and SVD on float64 matrices, row-major, `batch` after another.
 * Both are Jacobi methods: slower than LAPACK's for large matrices but short, and accurate to a
 * few units in the last place relative to each value (one-sided Jacobi is the most accurate SVD
 * method known), which is what numbers matched against numpy need.
 */

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 80;

/**
 * Applies the Jacobi rotation (c, s) to two lines of m: `count` element pairs starting at offsets
 * a and b, `stride` apart (columns: the row length; rows: 1), as [x, y] -> [c x - s y, s x + c y].
 */
function rotatePair(m: Float64Array, count: number, a: number, b: number, stride: number, c: number, s: number): void {
  for (let k = 0; k < count; k++) {
    const x = m[a + k * stride], y = m[b + k * stride];
    m[a + k * stride] = c * x - s * y;
    m[b + k * stride] = s * x + c * y;
  }
}

/** tan of the Jacobi rotation angle that zeroes g in [[a, g], [g, b]] (the smaller of the two). */
function rotationTangent(a: number, b: number, g: number): number {
  const theta = (b - a) / (2 * g);
  if (Math.abs(theta) > 1e150) return 1 / (2 * theta);
  return (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
}

/**
 * Eigenvalues w (ascending, n per matrix) and orthonormal eigenvectors (columns of v, n x n) of each
 * symmetric n x n matrix, of which only the lower triangle is read (numpy's and torch's default).
 */
export function eigh(a: Float64Array, batch: number, n: number, w: Float64Array, v: Float64Array): void {
  const s = new Float64Array(n * n), vec = new Float64Array(n * n);
  for (let bt = 0; bt < batch; bt++) {
    const o = bt * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) s[i * n + j] = s[j * n + i] = a[o + i * n + j];
    }
    vec.fill(0);
    for (let i = 0; i < n; i++) vec[i * n + i] = 1;
    for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      let rotated = false;
      for (let p = 0; p < n - 1; p++) {
        for (let q = p + 1; q < n; q++) {
          const g = s[p * n + q];
          const app = s[p * n + p], aqq = s[q * n + q];
          if (g === 0 || Math.abs(g) <= EPS * Math.sqrt(Math.abs(app * aqq)) * 0.5) {
            s[p * n + q] = s[q * n + p] = 0;
            continue;
          }
          rotated = true;
          const t = rotationTangent(app, aqq, g);
          const c = 1 / Math.sqrt(t * t + 1), sn = c * t;
          rotatePair(s, n, p, q, n, c, sn);
          rotatePair(s, n, p * n, q * n, 1, c, sn);
          s[p * n + q] = s[q * n + p] = 0;
          rotatePair(vec, n, p, q, n, c, sn);
        }
      }
      if (!rotated) break;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => s[i * n + i] - s[j * n + j] || i - j);
    order.forEach((src, dst) => {
      w[bt * n + dst] = s[src * n + src];
      for (let k = 0; k < n; k++) v[o + k * n + dst] = vec[k * n + src];
    });
  }
}

/**
 * Fills the columns of u (rows x cols, row-major) not marked in `filled` with unit vectors
 * orthogonal to every other column: Gram-Schmidt (twice) of the standard basis vector that keeps
 * the most of its length.
 */
function completeBasis(u: Float64Array, rows: number, cols: number, filled: boolean[]): void {
  const cand = new Float64Array(rows), best = new Float64Array(rows);
  for (let c = 0; c < cols; c++) {
    if (filled[c]) continue;
    let bestNorm = -1;
    for (let e = 0; e < rows; e++) {
      cand.fill(0);
      cand[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let f = 0; f < cols; f++) {
          if (!filled[f]) continue;
          let d = 0;
          for (let i = 0; i < rows; i++) d += u[i * cols + f] * cand[i];
          for (let i = 0; i < rows; i++) cand[i] -= d * u[i * cols + f];
        }
      }
      let nrm = 0;
      for (let i = 0; i < rows; i++) nrm += cand[i] * cand[i];
      if (nrm > bestNorm) { bestNorm = nrm; best.set(cand); }
    }
    const inv = 1 / Math.sqrt(bestNorm);
    for (let i = 0; i < rows; i++) u[i * cols + c] = best[i] * inv;
    filled[c] = true;
  }
}

/**
 * Singular values s (descending, min(m, n) per matrix) of each m x n matrix and, when u and vt
 * are given, its singular vectors: u m x ku and vt kv x n with ku = kv = min(m, n), or ku = m and
 * kv = n when fullMatrices. One-sided (Hestenes) Jacobi on the columns of A, or of A^T when m < n.
 */
export function svd(a: Float64Array, batch: number, m: number, n: number, fullMatrices: boolean,
  s: Float64Array, u: Float64Array | null, vt: Float64Array | null): void {
  const wide = m < n;
  const rows = wide ? n : m, cols = wide ? m : n; // of the matrix orthogonalized: rows >= cols
  const k = cols;
  const wk = new Float64Array(rows * cols), vk = new Float64Array(cols * cols);
  const ku = fullMatrices ? m : k, kv = fullMatrices ? n : k;
  for (let bt = 0; bt < batch; bt++) {
    const o = bt * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        if (wide) wk[j * cols + i] = a[o + i * n + j];
        else wk[i * cols + j] = a[o + i * n + j];
      }
    }
    vk.fill(0);
    for (let i = 0; i < cols; i++) vk[i * cols + i] = 1;
    for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      let rotated = false;
      for (let p = 0; p < cols - 1; p++) {
        for (let q = p + 1; q < cols; q++) {
          let alpha = 0, beta = 0, gamma = 0;
          for (let i = 0; i < rows; i++) {
            const x = wk[i * cols + p], y = wk[i * cols + q];
            alpha += x * x; beta += y * y; gamma += x * y;
          }
          if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
          rotated = true;
          const t = rotationTangent(alpha, beta, gamma);
          const c = 1 / Math.sqrt(t * t + 1), sn = c * t;
          rotatePair(wk, rows, p, q, cols, c, sn);
          rotatePair(vk, cols, p, q, cols, c, sn);
        }
      }
      if (!rotated) break;
    }
    const norms = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      let d = 0;
      for (let i = 0; i < rows; i++) d += wk[i * cols + j] * wk[i * cols + j];
      norms[j] = Math.sqrt(d);
    }
    const order = Array.from({ length: cols }, (_, i) => i).sort((i, j) => norms[j] - norms[i] || i - j);
    for (let j = 0; j < k; j++) s[bt * k + j] = norms[order[j]];
    if (u === null || vt === null) continue;
    // Left vectors of the orthogonalized matrix (rows x ru) and its right ones (cols x cols).
    const ru = wide ? kv : ku;
    const left = new Float64Array(rows * ru), filled = new Array<boolean>(ru).fill(false);
    for (let j = 0; j < k; j++) {
      const src = order[j], nrm = norms[src];
      if (!(nrm > 0)) continue;
      for (let i = 0; i < rows; i++) left[i * ru + j] = wk[i * cols + src] / nrm;
      filled[j] = true;
    }
    completeBasis(left, rows, ru, filled);
    const uo = bt * m * ku, vo = bt * kv * n;
    if (!wide) {
      for (let i = 0; i < m; i++) for (let j = 0; j < ku; j++) u[uo + i * ku + j] = left[i * ru + j];
      for (let j = 0; j < k; j++) for (let c = 0; c < n; c++) vt[vo + j * n + c] = vk[c * cols + order[j]];
    } else {
      // A^T = left S vk^T, so A = vk S left^T: U = vk (reordered), V^T = left^T.
      for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) u[uo + i * ku + j] = vk[i * cols + order[j]];
      for (let j = 0; j < kv; j++) for (let c = 0; c < n; c++) vt[vo + j * n + c] = left[c * ru + j];
    }
  }
}
