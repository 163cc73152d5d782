import type { NumericArray } from "../../tensor/dtype.js";
import { gemmBlocked } from "./gemm-kernel.js";
import { parallelGemm, PARALLEL_MIN_MACS } from "./gemm-pool.js";

/**
 * C[m, n] = op(A)[m, k] @ op(B)[k, n] (+ C when `accumulate`), all row-major with leading
 * dimensions lda/ldb/ldc and start offsets. op(A) = A^T when transA (A stored [k, m]).
 * Large float GEMMs run on the worker pool too (gemm-pool.ts), with the same bits as on one thread.
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: NumericArray, aOff: number, lda: number,
  b: NumericArray, bOff: number, ldb: number,
  c: NumericArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  if (m * n * k >= PARALLEL_MIN_MACS && parallelGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate)) return;
  gemmSingleThreaded(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
}

/** gemm on the calling thread only. */
export function gemmSingleThreaded(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: NumericArray, aOff: number, lda: number,
  b: NumericArray, bOff: number, ldb: number,
  c: NumericArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (!accumulate) {
    for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
  }
  if (k === 0) return;
  if (m * n * k < 4096) {
    smallGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    return;
  }
  gemmBlocked(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
}

function smallGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: NumericArray, aOff: number, lda: number, b: NumericArray, bOff: number, ldb: number,
  c: NumericArray, cOff: number, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * (transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
      }
      c[cOff + i * ldc + j] += s;
    }
  }
}
