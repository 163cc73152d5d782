import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Two workers (three threads with the caller) whatever this machine has, so the claiming races are
// exercised; read when the pool starts, i.e. by startGemmWorkers below.
process.env.LAMINA_NUM_THREADS = "3";
const { gemm, gemmSingleThreaded } = await import("./gemm.js");
const { parallelGemm, startGemmWorkers, PARALLEL_MIN_MACS } = await import("./gemm-pool.js");
const { useSimdMacroKernel, simdMacroKernelAvailable } = await import("./gemm-kernel.js");

type Float = Float32Array | Float64Array;
type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** A small deterministic generator (values in [-1, 1)), so failures repeat. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  /** Extra elements before each operand and past each row, to exercise offsets and leading dimensions. */
  pad: number;
  accumulate: boolean;
}

/** The operands stored as gemm reads them (op(A) = A^T when transA, ...), embedded in larger buffers. */
function operands(F: FloatCtor, cs: Case, seed: number) {
  const { transA, transB, m, n, k, pad } = cs;
  const next = lcg(seed);
  const aRows = transA ? k : m, aCols = transA ? m : k;
  const bRows = transB ? n : k, bCols = transB ? k : n;
  const lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
  const a = new F(pad + aRows * lda).map(next);
  const b = new F(pad + bRows * ldb).map(next);
  const c = new F(pad + m * ldc).map(next);
  return { a, aOff: pad, lda, b, bOff: pad, ldb, c, cOff: pad, ldc };
}

/** op(A) @ op(B) (+ C as it was before the call) in float64, straight from the definition. */
function naive(cs: Case, o: ReturnType<typeof operands>, cBefore: Float): Float64Array {
  const { transA, transB, m, n, k, accumulate } = cs;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? cBefore[o.cOff + i * o.ldc + j] : 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? o.a[o.aOff + p * o.lda + i] : o.a[o.aOff + i * o.lda + p];
        const bv = transB ? o.b[o.bOff + j * o.ldb + p] : o.b[o.bOff + p * o.ldb + j];
        s += av * bv;
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

function assertSameBits(got: Float, want: Float, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: element ${i} is ${got[i]}, single-threaded gives ${want[i]}`);
  }
}

function assertNear(cs: Case, o: ReturnType<typeof operands>, c: Float, before: Float, what: string): void {
  const want = naive(cs, o, before);
  // Each product is exact in float64; the float32 output is rounded once per 256-long slice of k.
  const tol = (c instanceof Float32Array ? 2 ** -20 : 2 ** -48) * (cs.k + 1);
  for (let i = 0; i < cs.m; i++) {
    for (let j = 0; j < cs.n; j++) {
      const at = o.cOff + i * o.ldc + j;
      const w = want[i * cs.n + j];
      assert.ok(Math.abs(c[at] - w) <= tol * (1 + Math.abs(w)), `${what}: C[${i}, ${j}] = ${c[at]}, expected ${w}`);
    }
  }
  // Nothing outside the m x n window of C (the padding) may change.
  for (let i = 0; i < c.length; i++) {
    const inWindow = i >= o.cOff && (i - o.cOff) % o.ldc < cs.n;
    if (!inWindow) assert.ok(Object.is(c[i], before[i]), `${what}: C's padding at ${i} changed`);
  }
}

const SHAPES: readonly [number, number, number][] = [
  [1, 300, 50], [300, 1, 50], [64, 256, 784], [784, 256, 64], [67, 130, 259], [130, 67, 300], [5, 1030, 9], [257, 65, 513], [3, 200, 600],
];

function cases(): Case[] {
  const out: Case[] = [];
  let i = 0;
  for (const [m, n, k] of SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        out.push({ transA, transB, m, n, k, pad: i % 3 === 0 ? 0 : 3, accumulate: i % 2 === 1 });
        i++;
      }
    }
  }
  return out;
}

/** Runs fn with the SIMD (true) or TypeScript (false) macro-kernel, then restores the previous one. */
function withMacroKernel(simd: boolean, fn: () => void): void {
  const was = useSimdMacroKernel(simd);
  try {
    fn();
  } finally {
    useSimdMacroKernel(was);
  }
}

test("gemm on one thread equals the float64 definition: every transpose, accumulate, offsets and leading dimensions, both macro-kernels", () => {
  for (const simd of [true, false]) {
    withMacroKernel(simd, () => {
      for (const F of [Float32Array, Float64Array]) {
        cases().forEach((cs, idx) => {
          const o = operands(F, cs, idx + 1);
          const before = o.c.slice();
          gemmSingleThreaded(cs.transA, cs.transB, cs.m, cs.n, cs.k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, o.c, o.cOff, o.ldc, cs.accumulate);
          assertNear(cs, o, o.c, before, `${simd ? "SIMD" : "TypeScript"} kernel, ${F.name} ${JSON.stringify(cs)}`);
        });
      }
    });
  }
});

test("the WebAssembly SIMD macro-kernel is available on this Node and gives the TypeScript kernel's bits", () => {
  assert.ok(simdMacroKernelAvailable, "WebAssembly SIMD compiled (Node 20 has it): without it the JS backend's GEMM is about 3x slower");
  // Edge tiles in both directions, depths across several 256-long slices, and columns past one 1024-wide panel.
  const shapes: [number, number, number][] = [[1, 5, 1000], [3, 5, 300], [4, 4, 256], [7, 9, 257], [65, 1031, 300], [130, 70, 513]];
  shapes.forEach(([m, n, k], idx) => {
    for (const F of [Float32Array, Float64Array]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const cs: Case = { transA, transB, m, n, k, pad: idx % 2 === 0 ? 0 : 2, accumulate: true };
          const viaSimd = operands(F, cs, idx + 11), viaTs = operands(F, cs, idx + 11);
          for (const [o, simd] of [[viaSimd, true], [viaTs, false]] as const) {
            withMacroKernel(simd, () => gemmSingleThreaded(transA, transB, m, n, k, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, o.c, o.cOff, o.ldc, true));
          }
          assertSameBits(viaSimd.c, viaTs.c, `${F.name} ${JSON.stringify(cs)}`);
        }
      }
    }
  });
});

test("parallel gemm gives the single-threaded bits on every shape, transpose, offset and accumulate case", async () => {
  assert.equal(await startGemmWorkers(), 2, "both GEMM workers start");
  for (const F of [Float32Array, Float64Array]) {
    cases().forEach((cs, idx) => {
      const what = `${F.name} ${JSON.stringify(cs)}`;
      const single = operands(F, cs, idx + 1);
      const par = operands(F, cs, idx + 1);
      const before = par.c.slice();
      // Above 4096 multiply-adds the single-threaded path is the blocked kernel the units run.
      assert.ok(cs.m * cs.n * cs.k >= 4096);
      gemmSingleThreaded(cs.transA, cs.transB, cs.m, cs.n, cs.k, single.a, single.aOff, single.lda, single.b, single.bOff, single.ldb, single.c, single.cOff, single.ldc, cs.accumulate);
      const ran = parallelGemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, par.a, par.aOff, par.lda, par.b, par.bOff, par.ldb, par.c, par.cOff, par.ldc, cs.accumulate);
      assert.ok(ran, `${what}: the parallel path ran`);
      assertSameBits(par.c, single.c, what);
      assertNear(cs, par, par.c, before, what);
    });
  }
});

test("gemm hands large float GEMMs to the workers with unchanged bits, and repeated calls reuse the grown arena", async () => {
  assert.equal(await startGemmWorkers(), 2);
  const next = lcg(7);
  for (const [m, n, k] of [[64, 256, 784], [512, 300, 200], [64, 128, 256]] as const) {
    assert.ok(m * n * k >= PARALLEL_MIN_MACS);
    const a = new Float32Array(m * k).map(next), b = new Float32Array(k * n).map(next);
    const want = new Float32Array(m * n), got = new Float32Array(m * n);
    gemmSingleThreaded(false, false, m, n, k, a, 0, k, b, 0, n, want, 0, n, false);
    for (let rep = 0; rep < 3; rep++) {
      got.fill(NaN);
      gemm(false, false, m, n, k, a, 0, k, b, 0, n, got, 0, n, false);
      assertSameBits(got, want, `${m}x${n}x${k} call ${rep}`);
    }
  }
});

test("integer and mixed dtypes, and GEMMs too thin to split, stay on the calling thread", async () => {
  await startGemmWorkers();
  const ints = new Int32Array(100 * 100).fill(1);
  assert.equal(parallelGemm(false, false, 100, 100, 100, ints, 0, 100, ints, 0, 100, new Int32Array(100 * 100), 0, 100, false), false);
  const f32 = new Float32Array(100 * 100).fill(1);
  assert.equal(parallelGemm(false, false, 100, 100, 100, f32, 0, 100, new Float64Array(100 * 100), 0, 100, new Float32Array(100 * 100), 0, 100, false), false);
  // 40 x 40: one unit of 64 columns covers it, nothing to share.
  assert.equal(parallelGemm(false, false, 40, 40, 1000, f32, 0, 1000, f32, 0, 40, new Float32Array(1600), 0, 40, false), false);
  const c = new Int32Array(100 * 100);
  gemm(false, false, 100, 100, 100, ints, 0, 100, ints, 0, 100, c, 0, 100, false);
  assert.ok(c.every((v) => v === 100));
});

/** Runs `script` (ESM, top-level await) in a fresh Node with tsx; its stdout, status and wall time. */
function runChild(script: string, env: Record<string, string>): { stdout: string; stderr: string; status: number | null; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../../..", import.meta.url)), env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, ms: performance.now() - t0 };
}

/** runChild's trimmed stdout, once it has exited with status 0. */
function childOutput(script: string, env: Record<string, string>): string {
  const r = runChild(script, env);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const GEMM_URL = JSON.stringify(new URL("./gemm.js", import.meta.url).href);
const POOL_URL = JSON.stringify(new URL("./gemm-pool.js", import.meta.url).href);
/** A large GEMM of ones (every entry of C is k), printed as "ok <workers ready>" when right. */
const LARGE_GEMM = `
  const { gemm } = await import(${GEMM_URL});
  const { startGemmWorkers } = await import(${POOL_URL});
  const m = 64, n = 256, k = 784;
  const a = new Float32Array(m * k).fill(1), b = new Float32Array(k * n).fill(1), c = new Float32Array(m * n);
  gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
  const ready = await startGemmWorkers(3000);
  gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
  console.log(c.every((v) => v === k) ? "ok " + ready : "wrong");
`;

test("a process that used the workers exits by itself (they are unref'd); LAMINA_NUM_THREADS=1 starts none", () => {
  assert.equal(childOutput(LARGE_GEMM, { LAMINA_NUM_THREADS: "2" }), "ok 1");
  assert.equal(childOutput(LARGE_GEMM, { LAMINA_NUM_THREADS: "1" }), "ok 0");
});

test("LAMINA_JS_SIMD=0 keeps the TypeScript macro-kernel, and gemm stays right", () => {
  const KERNEL_URL = JSON.stringify(new URL("./gemm-kernel.js", import.meta.url).href);
  const script = `
    const { simdMacroKernelAvailable } = await import(${KERNEL_URL});
    const { gemmSingleThreaded } = await import(${GEMM_URL});
    const m = 33, n = 70, k = 300;
    const a = new Float32Array(m * k).fill(1), b = new Float32Array(k * n).fill(2), c = new Float32Array(m * n);
    gemmSingleThreaded(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    console.log(simdMacroKernelAvailable + " " + c.every((v) => v === 2 * k));
  `;
  assert.equal(childOutput(script, { LAMINA_JS_SIMD: "0" }), "false true");
  assert.equal(childOutput(script, { LAMINA_JS_SIMD: "" }), "true true");
});

test("workers that fail to load, or cannot be created at all, leave gemm single-threaded and correct", () => {
  // The Worker class is swapped before lamina loads: first for one whose script throws, then for one
  // whose constructor throws.
  for (const failure of ["super('throw new Error(\"no worker today\")', { eval: true });", "super('', { eval: true }); throw new Error('no threads');"]) {
    const script = `
      import { createRequire, syncBuiltinESMExports } from "node:module";
      const wt = createRequire(import.meta.url)("node:worker_threads");
      wt.Worker = class extends wt.Worker { constructor() { ${failure} } };
      syncBuiltinESMExports();
      ${LARGE_GEMM}
    `;
    const r = runChild(script, { LAMINA_NUM_THREADS: "2" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "ok 0", r.stderr);
  }
});
