import { availableParallelism } from "node:os";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { NumericArray } from "../../tensor/dtype.js";
import { awaitUnits, publishJob, runClaimedUnits, writeJob, CONTROL_WORDS, FAILED, MAX_UNITS, READY, type GemmJob } from "./gemm-job.js";
import { MR, NR } from "./gemm-kernel.js";

/*
 * The JS backend's GEMM workers: a small persistent pool of worker threads sharing memory with the
 * caller. Started lazily by the first large GEMM and never waited for: until a worker reports READY
 * the caller computes alone, and a worker that fails to start never does. The workers are unref()'d,
 * so they never keep a process alive.
 *
 * A parallel GEMM copies op(A), op(B) (and C when accumulating) into a shared arena, cuts C into
 * units of whole rows or columns, computes units itself alongside the workers, then copies C back.
 * Units are claimed, not assigned, so a worker the OS has not scheduled yet cannot stall the call.
 */

/** Below this many multiply-adds the copies and the wake-up cost more than a second thread saves. */
export const PARALLEL_MIN_MACS = 1 << 20;
/** A unit narrower than this repacks its other operand too often. */
const MIN_UNIT = 64;
/**
 * How long the caller waits without any unit finishing before it gives the job up (and the workers
 * with it) and computes the GEMM alone: at least this, and at least STALL_UNITS times as long as one
 * of its own units took, so a worker the OS has descheduled for a while is not taken for dead.
 */
const STALL_FLOOR_MS = 30_000;
const STALL_UNITS = 100;
/** Larger GEMMs stay single-threaded rather than grow the arena past this. */
const MAX_ARENA_BYTES = 256 * 1024 * 1024;

interface Pool {
  ctrl: Int32Array;
  ports: MessagePort[];
  workers: Worker[];
  generation: number;
  /** Workers that have exited (each one that failed to load does). */
  exited: number;
  f32: Float32Array;
  f64: Float64Array;
}

/** undefined: not started yet; null: no workers in this process (unsupported, disabled or failed). */
let pool: Pool | null | undefined;

/** LAMINA_NUM_THREADS (the caller included), as for the native backend; else the usable CPUs. */
export function gemmThreads(): number {
  const env = process.env.LAMINA_NUM_THREADS;
  if (env !== undefined && env !== "") {
    const v = Number.parseInt(env, 10);
    if (v >= 1 && v <= 1024) return v;
  }
  return availableParallelism();
}

/**
 * The worker's entry. Built, it is gemm-worker.js next to this file. Under tsx the sources are .ts,
 * and Node 20 does not pass tsx's loader hooks on to workers, so the worker first registers tsx
 * itself (resolved from here), then imports gemm-worker.ts.
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith(".ts")) return { entry: new URL("./gemm-worker.js", import.meta.url), eval: false };
  const file = JSON.stringify(new URL("./gemm-worker.ts", import.meta.url).href);
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return { entry: `import(${api}).then((tsx) => { tsx.register(); return import(${file}); })`, eval: true };
}

function startPool(): Pool | null {
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return null;
  const helpers = gemmThreads() - 1;
  if (helpers < 1) return null;
  const p: Pool = {
    ctrl: new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4)),
    ports: [], workers: [], generation: 0, exited: 0, f32: new Float32Array(0), f64: new Float64Array(0),
  };
  let entry: ReturnType<typeof workerEntry>;
  try {
    entry = workerEntry();
  } catch {
    return null;
  }
  for (let i = 0; i < helpers; i++) {
    try {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(entry.entry, {
        eval: entry.eval,
        name: "lamina-gemm",
        workerData: { ctrl: p.ctrl.buffer, port: port2 },
        transferList: [port2],
      });
      // A worker that cannot load never reports READY, so the caller simply keeps computing alone.
      worker.on("error", () => {});
      worker.on("exit", () => { p.exited++; });
      worker.unref();
      port1.unref();
      p.workers.push(worker);
      p.ports.push(port1);
    } catch {
      break;
    }
  }
  return p.workers.length > 0 ? p : null;
}

function getPool(): Pool | null {
  if (pool === undefined) pool = startPool();
  return pool;
}

/**
 * Starts the workers now (instead of at the first large GEMM); resolves to how many are ready once
 * each has either started or exited, or after timeoutMs.
 */
export async function startGemmWorkers(timeoutMs = 10_000): Promise<number> {
  const p = getPool();
  if (p === null) return 0;
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(p.ctrl, READY) + p.exited < p.workers.length && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Atomics.load(p.ctrl, READY);
}

/** An arena of at least `bytes`, posted to every worker before the job that uses it is published. */
function arenaOf(p: Pool, bytes: number, float64: boolean): Float32Array | Float64Array {
  if (p.f64.byteLength < bytes) {
    const size = Math.min(MAX_ARENA_BYTES, Math.max(bytes, 2 * p.f64.byteLength, 1 << 20));
    const buffer = new SharedArrayBuffer(Math.ceil(size / 8) * 8);
    p.generation++;
    p.f32 = new Float32Array(buffer);
    p.f64 = new Float64Array(buffer);
    for (const port of p.ports) port.postMessage({ generation: p.generation, buffer });
  }
  return float64 ? p.f64 : p.f32;
}

/** Copies `rows` rows of `len` elements between two strided matrices. */
function copyRows(
  src: Float32Array | Float64Array, srcOff: number, srcLd: number, rows: number, len: number,
  dst: Float32Array | Float64Array, dstOff: number, dstLd: number,
): void {
  if (srcLd === len && dstLd === len) {
    dst.set(src.subarray(srcOff, srcOff + rows * len), dstOff);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(src.subarray(srcOff + r * srcLd, srcOff + r * srcLd + len), dstOff + r * dstLd);
}

/** Cuts C along its longer side into units of whole MR/NR tiles, about four per thread. */
function planUnits(m: number, n: number, threads: number): Pick<GemmJob, "byRows" | "unit" | "units"> {
  const byRows = m > n;
  const dim = byRows ? m : n;
  const tile = byRows ? MR : NR;
  let unit = Math.max(MIN_UNIT, Math.ceil(dim / (4 * threads) / tile) * tile);
  if (Math.ceil(dim / unit) > MAX_UNITS) unit = Math.ceil(dim / MAX_UNITS / tile) * tile;
  return { byRows, unit, units: Math.ceil(dim / unit) };
}

/**
 * gemm's contract (see gemm.ts) on the caller plus the ready workers, bit-identical to the
 * single-threaded blocked kernel. Returns false, having written nothing, when it cannot help: no
 * ready worker, integer or mixed dtypes, too few units, an arena that would be too large, or a
 * unit that failed or never finished in a worker (the workers are then retired for the rest of the
 * process).
 */
export function parallelGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: NumericArray, aOff: number, lda: number,
  b: NumericArray, bOff: number, ldb: number,
  c: NumericArray, cOff: number, ldc: number,
  accumulate: boolean,
): boolean {
  const float64 = c instanceof Float64Array;
  if (!float64 && !(c instanceof Float32Array)) return false;
  if (a.constructor !== c.constructor || b.constructor !== c.constructor) return false;
  if (m === 0 || n === 0 || k === 0) return false;
  const p = getPool();
  if (p === null) return false;
  const ready = Atomics.load(p.ctrl, READY);
  if (ready === 0) return false;
  const plan = planUnits(m, n, ready + 1);
  if (plan.units < 2) return false;
  const aLen = m * k, bLen = k * n, cLen = m * n;
  const bytes = (aLen + bLen + cLen) * (float64 ? 8 : 4);
  if (bytes > MAX_ARENA_BYTES) return false;

  const arena = arenaOf(p, bytes, float64);
  const src = { a: a as Float32Array | Float64Array, b: b as Float32Array | Float64Array, c: c as Float32Array | Float64Array };
  const job: GemmJob = {
    transA, transB, m, n, k,
    aOff: 0, lda: transA ? m : k,
    bOff: aLen, ldb: transB ? k : n,
    cOff: aLen + bLen, ldc: n,
    float64, ...plan,
  };
  copyRows(src.a, aOff, lda, transA ? k : m, job.lda, arena, job.aOff, job.lda);
  copyRows(src.b, bOff, ldb, transB ? n : k, job.ldb, arena, job.bOff, job.ldb);
  if (accumulate) copyRows(src.c, cOff, ldc, m, n, arena, job.cOff, n);
  else arena.fill(0, job.cOff, job.cOff + cLen);

  const ctrl = p.ctrl;
  writeJob(ctrl, job, p.generation);
  const seq = publishJob(ctrl);
  const t0 = performance.now();
  const ranHere = runClaimedUnits(ctrl, seq, job, arena);
  const perUnitMs = ranHere > 0 ? (performance.now() - t0) / ranHere : 0;
  const finished = awaitUnits(ctrl, job.units, Math.max(STALL_FLOOR_MS, STALL_UNITS * perUnitMs));
  if (!finished || Atomics.load(ctrl, FAILED) !== 0) {
    // The caller's arrays are untouched until the copy back below, so gemm can start over alone.
    retire(p);
    return false;
  }
  copyRows(arena, job.cOff, n, m, n, src.c, cOff, ldc);
  return true;
}

function retire(p: Pool): void {
  pool = null;
  for (const w of p.workers) void w.terminate();
}
