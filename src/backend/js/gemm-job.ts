import { gemmBlocked } from "./gemm-kernel.js";

/*
 * What the calling thread and the GEMM workers share: one Int32Array of control words and one
 * arena (a SharedArrayBuffer) holding copies of A, B and C. A job is one GEMM cut into units
 * (column or row ranges of C); every thread claims units until none is left.
 *
 * Claims carry the job's tag (its sequence number, 15 bits) next to the unit index, and the claim
 * word is closed before the next descriptor is written, so a worker that wakes late (and may have
 * read a half-rewritten descriptor) cannot claim anything with it: its compare-and-swap fails on the
 * tag or on the closed index, and it reads the descriptor again.
 */

/** Bumped (and notified) by the caller when a job is published. */
export const SEQ = 0;
/** (tag << 16) | next unclaimed unit. */
export const NEXT = 1;
/** Units finished; the caller sleeps on it. */
export const DONE = 2;
/** Set when a unit threw in a worker; the caller then recomputes the job itself. */
export const FAILED = 3;
/** How many workers have started and can take units. */
export const READY = 4;
const TRANS_A = 5, TRANS_B = 6, M = 7, N = 8, K = 9, A_OFF = 10, LDA = 11, B_OFF = 12, LDB = 13, C_OFF = 14, LDC = 15;
const FLOAT64 = 16, BY_ROWS = 17, UNIT = 18, UNITS = 19;
/** Which arena (by generation) the job's offsets refer to. */
export const ARENA = 20;
export const CONTROL_WORDS = 21;

const UNIT_MASK = 0xffff;
const TAG_MASK = 0x7fff;

export interface GemmJob {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  aOff: number;
  lda: number;
  bOff: number;
  ldb: number;
  cOff: number;
  ldc: number;
  float64: boolean;
  /** Units are ranges of `unit` rows of C (else columns). */
  byRows: boolean;
  unit: number;
  units: number;
}

/** The most units one job may have (the claim word keeps 16 bits for the index, all ones = closed). */
export const MAX_UNITS = UNIT_MASK - 1;

/** Closes the finished job's claim word, then writes the next job's descriptor. */
export function writeJob(ctrl: Int32Array, job: GemmJob, arena: number): void {
  Atomics.store(ctrl, NEXT, ((Atomics.load(ctrl, SEQ) & TAG_MASK) << 16) | UNIT_MASK);
  ctrl[TRANS_A] = job.transA ? 1 : 0;
  ctrl[TRANS_B] = job.transB ? 1 : 0;
  ctrl[M] = job.m; ctrl[N] = job.n; ctrl[K] = job.k;
  ctrl[A_OFF] = job.aOff; ctrl[LDA] = job.lda;
  ctrl[B_OFF] = job.bOff; ctrl[LDB] = job.ldb;
  ctrl[C_OFF] = job.cOff; ctrl[LDC] = job.ldc;
  ctrl[FLOAT64] = job.float64 ? 1 : 0;
  ctrl[BY_ROWS] = job.byRows ? 1 : 0;
  ctrl[UNIT] = job.unit;
  ctrl[UNITS] = job.units;
  ctrl[ARENA] = arena;
}

export function readJob(ctrl: Int32Array): GemmJob {
  return {
    transA: ctrl[TRANS_A] === 1, transB: ctrl[TRANS_B] === 1,
    m: ctrl[M], n: ctrl[N], k: ctrl[K],
    aOff: ctrl[A_OFF], lda: ctrl[LDA], bOff: ctrl[B_OFF], ldb: ctrl[LDB], cOff: ctrl[C_OFF], ldc: ctrl[LDC],
    float64: ctrl[FLOAT64] === 1, byRows: ctrl[BY_ROWS] === 1, unit: ctrl[UNIT], units: ctrl[UNITS],
  };
}

/** Publishes a job whose descriptor is already written: resets the counters, then wakes the workers. */
export function publishJob(ctrl: Int32Array): number {
  const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
  Atomics.store(ctrl, DONE, 0);
  Atomics.store(ctrl, FAILED, 0);
  Atomics.store(ctrl, NEXT, (seq & TAG_MASK) << 16);
  Atomics.store(ctrl, SEQ, seq);
  Atomics.notify(ctrl, SEQ);
  return seq;
}

/** Claims the next unit of job `seq`: its index, or -1 when none is left or the job is no longer current. */
export function claimUnit(ctrl: Int32Array, seq: number, units: number): number {
  const tag = seq & TAG_MASK;
  for (;;) {
    const v = Atomics.load(ctrl, NEXT);
    if (((v >>> 16) & TAG_MASK) !== tag) return -1;
    const u = v & UNIT_MASK;
    if (u >= units) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) === v) return u;
  }
}

/** Marks one unit finished (and failed when it threw); wakes the caller after the last one. */
export function finishUnit(ctrl: Int32Array, units: number, failed: boolean): void {
  if (failed) Atomics.store(ctrl, FAILED, 1);
  if (Atomics.add(ctrl, DONE, 1) + 1 === units) Atomics.notify(ctrl, DONE);
}

/**
 * Sleeps until all `units` of the current job are finished. Returns false once no unit has finished
 * for `stallMs`: a worker that died inside a unit (killed, or out of memory) never finishes it, and a
 * caller blocked here cannot receive the worker's exit event, so progress is the only sign of life.
 */
export function awaitUnits(ctrl: Int32Array, units: number, stallMs: number): boolean {
  let done = Atomics.load(ctrl, DONE);
  let lastProgress = performance.now();
  while (done < units) {
    const left = stallMs - (performance.now() - lastProgress);
    if (left <= 0) return false;
    Atomics.wait(ctrl, DONE, done, left);
    const now = Atomics.load(ctrl, DONE);
    if (now !== done) {
      done = now;
      lastProgress = performance.now();
    }
  }
  return true;
}

/** C's rows or columns of unit `u`, computed from the arena's copies of A, B and C. */
export function runUnit(job: GemmJob, arena: Float32Array | Float64Array, u: number): void {
  const { transA, transB, m, n, k, aOff, lda, bOff, ldb, cOff, ldc, unit } = job;
  const start = u * unit;
  if (job.byRows) {
    const rows = Math.min(unit, m - start);
    gemmBlocked(transA, transB, rows, n, k, arena, aOff + (transA ? start : start * lda), lda, arena, bOff, ldb, arena, cOff + start * ldc, ldc);
  } else {
    const cols = Math.min(unit, n - start);
    gemmBlocked(transA, transB, m, cols, k, arena, aOff, lda, arena, bOff + (transB ? start * ldb : start), ldb, arena, cOff + start, ldc);
  }
}

/** Claims and runs units of job `seq` until none is left (the caller and every worker do this); returns how many it ran. */
export function runClaimedUnits(ctrl: Int32Array, seq: number, job: GemmJob, arena: Float32Array | Float64Array): number {
  let ran = 0;
  for (let u = claimUnit(ctrl, seq, job.units); u >= 0; u = claimUnit(ctrl, seq, job.units)) {
    let failed = false;
    try {
      runUnit(job, arena, u);
    } catch {
      failed = true;
    }
    finishUnit(ctrl, job.units, failed);
    ran++;
  }
  return ran;
}
