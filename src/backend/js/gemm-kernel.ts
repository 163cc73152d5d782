import type { NumericArray } from "../../tensor/dtype.js";
import { createSimdMacroKernel } from "./gemm-simd.js";

/*
 * The blocked GEMM that both the calling thread and the GEMM workers run. A KC x NC panel of B
 * stays in L2 while MR x NR register tiles of C accumulate in local variables.
 *
 * Each element of C receives, for every KC-long slice of k in ascending order, the sum of that
 * slice's products taken in ascending order. Nothing else about the blocking (how m and n are cut,
 * which thread runs which part) changes that order, so any split of C into row or column ranges
 * gives the same bits as one call over the whole of C.
 */
export const MR = 4;
export const NR = 4;
const KC = 256;
const MC = 64;
const NC = 1024;

/**
 * The WebAssembly SIMD build of the macro-kernel (gemm-simd.ts: same operations, same bits, about
 * 2-3x faster), unless WebAssembly SIMD is missing or LAMINA_JS_SIMD=0 asks for the TypeScript one.
 */
const simd = process.env.LAMINA_JS_SIMD === "0" ? null : createSimdMacroKernel(MR, NR, MC, KC, NC);
let useSimd = simd !== null;

// Module constants of fixed size, never reassigned: V8 then embeds their address and length in the
// compiled kernel instead of reloading both on every access (about 1.3x on the mlp's GEMMs). With
// the SIMD kernel they are views on its memory, so the packers write where it reads.
const packA = simd?.packA ?? new Float64Array(MC * KC);
const packB = simd?.packB ?? new Float64Array(KC * NC);
const tile = simd?.tile ?? new Float64Array(0);
const edge = new Float64Array(MR * NR);

/** Whether the SIMD macro-kernel runs; false forces the TypeScript one (for tests). Returns the previous setting. */
export function useSimdMacroKernel(on: boolean): boolean {
  const was = useSimd;
  useSimd = on && simd !== null;
  return was;
}

/** Whether WebAssembly SIMD is available to the JS backend's GEMM. */
export const simdMacroKernelAvailable = simd !== null;

/**
 * C[m, n] += op(A)[m, k] @ op(B)[k, n], all row-major with leading dimensions lda/ldb/ldc and start
 * offsets; op(A) = A^T when transA (A stored [k, m]), op(B) = B^T when transB (B stored [n, k]).
 */
export function gemmBlocked(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: NumericArray, aOff: number, lda: number,
  b: NumericArray, bOff: number, ldb: number,
  c: NumericArray, cOff: number, ldc: number,
): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      if (transB) packPanelBTransposed(b, bOff, ldb, pc, jc, kc, nc);
      else packPanelB(b, bOff, ldb, pc, jc, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        if (transA) packPanelATransposed(a, aOff, lda, ic, pc, mc, kc);
        else packPanelA(a, aOff, lda, ic, pc, mc, kc);
        if (useSimd) simdMacroKernel(mc, nc, kc, c, cOff + ic * ldc + jc, ldc);
        else macroKernel(mc, nc, kc, c, cOff + ic * ldc + jc, ldc);
      }
    }
  }
}

/*
 * The packers copy op(B)[pc:pc+kc, jc:jc+nc] into NR-wide column panels and op(A)[ic:ic+mc, pc:pc+kc]
 * into MR-tall row panels, p-major inside a panel, zero-padded past the matrix edge.
 */

function packPanelB(b: NumericArray, bOff: number, ldb: number, pc: number, jc: number, kc: number, nc: number): void {
  const dst = packB;
  for (let j0 = 0, o = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    let s = bOff + pc * ldb + jc + j0;
    if (cols === NR) {
      for (let p = 0; p < kc; p++, s += ldb, o += NR) {
        dst[o] = b[s]; dst[o + 1] = b[s + 1]; dst[o + 2] = b[s + 2]; dst[o + 3] = b[s + 3];
      }
    } else {
      for (let p = 0; p < kc; p++, s += ldb) for (let jj = 0; jj < NR; jj++) dst[o++] = jj < cols ? b[s + jj] : 0;
    }
  }
}

function packPanelBTransposed(b: NumericArray, bOff: number, ldb: number, pc: number, jc: number, kc: number, nc: number): void {
  const dst = packB;
  for (let j0 = 0, o = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    const s0 = bOff + (jc + j0) * ldb + pc;
    if (cols === NR) {
      const s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
      for (let p = 0; p < kc; p++, o += NR) {
        dst[o] = b[s0 + p]; dst[o + 1] = b[s1 + p]; dst[o + 2] = b[s2 + p]; dst[o + 3] = b[s3 + p];
      }
    } else {
      for (let p = 0; p < kc; p++) for (let jj = 0; jj < NR; jj++) dst[o++] = jj < cols ? b[s0 + jj * ldb + p] : 0;
    }
  }
}

function packPanelA(a: NumericArray, aOff: number, lda: number, ic: number, pc: number, mc: number, kc: number): void {
  const dst = packA;
  for (let i0 = 0, o = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    const s0 = aOff + (ic + i0) * lda + pc;
    if (rows === MR) {
      const s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
      for (let p = 0; p < kc; p++, o += MR) {
        dst[o] = a[s0 + p]; dst[o + 1] = a[s1 + p]; dst[o + 2] = a[s2 + p]; dst[o + 3] = a[s3 + p];
      }
    } else {
      for (let p = 0; p < kc; p++) for (let ii = 0; ii < MR; ii++) dst[o++] = ii < rows ? a[s0 + ii * lda + p] : 0;
    }
  }
}

function packPanelATransposed(a: NumericArray, aOff: number, lda: number, ic: number, pc: number, mc: number, kc: number): void {
  const dst = packA;
  for (let i0 = 0, o = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    let s = aOff + pc * lda + ic + i0;
    if (rows === MR) {
      for (let p = 0; p < kc; p++, s += lda, o += MR) {
        dst[o] = a[s]; dst[o + 1] = a[s + 1]; dst[o + 2] = a[s + 2]; dst[o + 3] = a[s + 3];
      }
    } else {
      for (let p = 0; p < kc; p++, s += lda) for (let ii = 0; ii < MR; ii++) dst[o++] = ii < rows ? a[s + ii] : 0;
    }
  }
}

/** The SIMD kernel's sums for the block, then added to C as macroKernel adds its own. */
function simdMacroKernel(mc: number, nc: number, kc: number, c: NumericArray, cOff: number, ldc: number): void {
  simd!.run(mc, nc, kc);
  const t = tile;
  for (let i = 0; i < mc; i++) {
    const o = cOff + i * ldc, s = i * NC;
    for (let j = 0; j < nc; j++) c[o + j] += t[s + j];
  }
}

function macroKernel(mc: number, nc: number, kc: number, c: NumericArray, cOff: number, ldc: number): void {
  const A = packA, B = packB;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    const aBase = i0 * kc;
    for (let j0 = 0; j0 < nc; j0 += NR) {
      const cols = Math.min(NR, nc - j0);
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      // `| 0` keeps the index arithmetic in int32 without overflow checks.
      for (let p = 0, ai = aBase, bi = j0 * kc; p < kc; p = (p + 1) | 0, ai = (ai + 4) | 0, bi = (bi + 4) | 0) {
        const a0 = A[ai], a1 = A[(ai + 1) | 0], a2 = A[(ai + 2) | 0], a3 = A[(ai + 3) | 0];
        const b0 = B[bi], b1 = B[(bi + 1) | 0], b2 = B[(bi + 2) | 0], b3 = B[(bi + 3) | 0];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = cOff + i0 * ldc + j0;
      if (rows === MR && cols === NR) {
        c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
        const o1 = o + ldc; c[o1] += c10; c[o1 + 1] += c11; c[o1 + 2] += c12; c[o1 + 3] += c13;
        const o2 = o1 + ldc; c[o2] += c20; c[o2 + 1] += c21; c[o2 + 2] += c22; c[o2 + 3] += c23;
        const o3 = o2 + ldc; c[o3] += c30; c[o3 + 1] += c31; c[o3 + 2] += c32; c[o3 + 3] += c33;
      } else {
        const t = edge;
        t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
        t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
        for (let ii = 0; ii < rows; ii++) for (let jj = 0; jj < cols; jj++) c[o + ii * ldc + jj] += t[ii * NR + jj];
      }
    }
  }
}
