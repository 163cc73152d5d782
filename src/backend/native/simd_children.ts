// Child processes for the native kernel tests: the addon picks its instruction set (LAMINA_SIMD)
// once per process, so the kernels of the lower sets this CPU runs are tested by running a test
// file's tests again, or a script, in a child process that asks for one (or for one thread).
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";

/** Set in the child processes runTestsUnderSimd starts (their own per-level tests check it). */
export const SIMD_CHILD = process.env.LAMINA_NATIVE_TEST_CHILD === "1";

/** The instruction sets below `current` (the addon's info().simd) that this CPU also runs, lowest first. */
export function lowerSimdLevels(current: string): string[] {
  const levels = process.arch === "arm64" ? ["scalar", "neon"] : ["scalar", "avx2", "avx512"];
  return levels.slice(0, Math.max(0, levels.indexOf(current)));
}

/** Runs the tests of `file` whose names match one of `patterns` under LAMINA_SIMD=level; each must run and pass. */
export function runTestsUnderSimd(file: string, level: string, patterns: readonly string[]): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", `--test-name-pattern=${patterns.join("|")}`, file], {
    // Without the runner's NODE_TEST_CONTEXT, which would make the child report to this runner instead of stdout.
    encoding: "utf8", env: { ...process.env, NODE_TEST_CONTEXT: undefined, LAMINA_SIMD: level, LAMINA_NATIVE_TEST_CHILD: "1" },
  });
  assert.equal(r.status, 0, `LAMINA_SIMD=${level}:\n${r.stdout}\n${r.stderr}`);
  const ran = r.stdout.split("\n").filter((l) => /^ok \d+ - /.test(l) && !l.includes("# SKIP"));
  assert.equal(ran.length, patterns.length, `LAMINA_SIMD=${level}: every test ran\n${r.stdout}`);
}

/**
 * Runs an ES module script (tsx imports allowed) in a child process with `env` added to this one's
 * (LAMINA_SIMD, LAMINA_NUM_THREADS) and parses what it printed as JSON.
 */
export function childScriptOutput<T = Record<string, string>>(script: string, env: Record<string, string>): T {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...env },
  });
  assert.equal(r.status, 0, `${JSON.stringify(env)}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * The outputs `body` (script text) records under LAMINA_SIMD=avx2 and under avx512, each in a child
 * process with `nb` (the native backend), `convGeometry`, `randomF32`, `hex(typedArray)` and `out`
 * in scope: body adds hex(result) to `out` under names of its choice. Checks that both ran their
 * instruction set and recorded the same names; the caller compares the bytes.
 */
export function avxBuildsBytes(body: string): { narrow: Record<string, string>; wide: Record<string, string> } {
  const script = `
    const { createNativeBackend, nativeAddon } = await import(${JSON.stringify(new URL("./index.js", import.meta.url).href)});
    const { convGeometry, randomF32 } = await import(${JSON.stringify(new URL("./kernel_cases.js", import.meta.url).href)});
    const addon = nativeAddon();
    const nb = createNativeBackend(addon);
    const hex = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");
    const out = {};
    ${body}
    process.stdout.write(JSON.stringify({ ...out, simd: addon.info().simd }));`;
  const [narrow, wide] = ["avx2", "avx512"].map((level) => childScriptOutput(script, { LAMINA_SIMD: level }));
  assert.equal(narrow.simd, "avx2");
  assert.equal(wide.simd, "avx512");
  delete narrow.simd;
  delete wide.simd;
  assert.deepEqual(Object.keys(narrow), Object.keys(wide));
  return { narrow, wide };
}
