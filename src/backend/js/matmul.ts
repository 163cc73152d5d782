import type { NumericArray } from "../../tensor/dtype.js";
import { gemm } from "./gemm.js";

export function matmul(
  a: NumericArray, b: NumericArray, out: NumericArray, batch: number, m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number,
): void {
  const lda = transposeA ? m : k;
  const ldb = transposeB ? k : n;
  for (let i = 0; i < batch; i++) {
    gemm(transposeA, transposeB, m, n, k, a, i * aBatchStride, lda, b, i * bBatchStride, ldb, out, i * m * n, n, false);
  }
}
