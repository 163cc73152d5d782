import type { NumericArray } from "../../tensor/dtype.js";

// Blocking for a typical 32 KiB L1 / 1 MiB L2: a KC x NC panel of B stays in L2 while
// MR x NR register tiles of C accumulate in local variables (which V8 keeps in registers).
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 1024;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

/**
 * C[m, n] = op(A)[m, k] @ op(B)[k, n] (+ C when `accumulate`), all row-major with leading
 * dimensions lda/ldb/ldc and start offsets. op(A) = A^T when transA (A stored [k, m]).
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: NumericArray, aOff: number, lda: number,
  b: NumericArray, bOff: number, ldb: number,
  c: NumericArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  if (!accumulate) {
    for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
  }
  if (m === 0 || n === 0 || k === 0) return;
  if (m * n * k < 4096) {
    smallGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelB(transB, b, bOff, ldb, pc, jc, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelA(transA, a, aOff, lda, ic, pc, mc, kc);
        macroKernel(mc, nc, kc, c, cOff + ic * ldc + jc, ldc);
      }
    }
  }
}

/** Copies op(B)[pc:pc+kc, jc:jc+nc] into NR-wide column panels, zero-padded at the edge. */
function packPanelB(transB: boolean, b: NumericArray, bOff: number, ldb: number, pc: number, jc: number, kc: number, nc: number): void {
  const panels = Math.ceil(nc / NR);
  if (packB.length < panels * NR * kc) packB = new Float64Array(panels * NR * kc);
  const dst = packB;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jc + jp * NR;
    const cols = Math.min(NR, jc + nc - j0);
    let o = jp * NR * kc;
    for (let p = 0; p < kc; p++) {
      const row = pc + p;
      for (let jj = 0; jj < NR; jj++) {
        dst[o++] = jj < cols ? (transB ? b[bOff + (j0 + jj) * ldb + row] : b[bOff + row * ldb + j0 + jj]) : 0;
      }
    }
  }
}

/** Copies op(A)[ic:ic+mc, pc:pc+kc] into MR-tall row panels, zero-padded at the edge. */
function packPanelA(transA: boolean, a: NumericArray, aOff: number, lda: number, ic: number, pc: number, mc: number, kc: number): void {
  const panels = Math.ceil(mc / MR);
  if (packA.length < panels * MR * kc) packA = new Float64Array(panels * MR * kc);
  const dst = packA;
  for (let ip = 0; ip < panels; ip++) {
    const i0 = ic + ip * MR;
    const rows = Math.min(MR, ic + mc - i0);
    let o = ip * MR * kc;
    for (let p = 0; p < kc; p++) {
      const col = pc + p;
      for (let ii = 0; ii < MR; ii++) {
        dst[o++] = ii < rows ? (transA ? a[aOff + col * lda + i0 + ii] : a[aOff + (i0 + ii) * lda + col]) : 0;
      }
    }
  }
}

function macroKernel(mc: number, nc: number, kc: number, c: NumericArray, cOff: number, ldc: number): void {
  const A = packA, B = packB;
  for (let ip = 0; ip * MR < mc; ip++) {
    const rows = Math.min(MR, mc - ip * MR);
    const aBase = ip * MR * kc;
    for (let jp = 0; jp * NR < nc; jp++) {
      const cols = Math.min(NR, nc - jp * NR);
      const bBase = jp * NR * kc;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let ai = aBase, bi = bBase;
      for (let p = 0; p < kc; p++, ai += 4, bi += 4) {
        const a0 = A[ai], a1 = A[ai + 1], a2 = A[ai + 2], a3 = A[ai + 3];
        const b0 = B[bi], b1 = B[bi + 1], b2 = B[bi + 2], b3 = B[bi + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = cOff + ip * MR * ldc + jp * NR;
      if (rows === MR && cols === NR) {
        c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
        const o1 = o + ldc; c[o1] += c10; c[o1 + 1] += c11; c[o1 + 2] += c12; c[o1 + 3] += c13;
        const o2 = o1 + ldc; c[o2] += c20; c[o2 + 1] += c21; c[o2 + 2] += c22; c[o2 + 3] += c23;
        const o3 = o2 + ldc; c[o3] += c30; c[o3 + 1] += c31; c[o3 + 2] += c32; c[o3 + 3] += c33;
      } else {
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let ii = 0; ii < rows; ii++) for (let jj = 0; jj < cols; jj++) c[o + ii * ldc + jj] += tile[ii * 4 + jj];
      }
    }
  }
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
