#!/usr/bin/env node
// Finds the test files of one suite and hands them to Node's test runner (TypeScript via tsx).
// Node 20's runner does not expand ** globs itself, hence this script.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism } from "node:os";
import { spawnSync } from "node:child_process";

const suite = process.argv[2] ?? "unit";
// `--backend js` runs the suite on the plain-TypeScript backend (CI runs the unit suite on both).
const backendFlag = process.argv.indexOf("--backend");
const backend = backendFlag > 0 ? process.argv[backendFlag + 1] : undefined;
if (backendFlag > 0 && backend !== "js" && backend !== "native") {
  console.error(`run-tests: --backend takes js or native, got ${backend}`);
  process.exit(2);
}
const roots = suite === "e2e" ? ["test/e2e"] : ["src", "test/unit", "examples", "bench"];
const pattern = suite === "e2e" ? /\.e2e\.test\.ts$|\.test\.ts$/ : /\.test\.ts$/;

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (pattern.test(name)) out.push(p);
  }
  return out;
}

const files = roots.flatMap((r) => walk(r, [])).sort();
if (files.length === 0) {
  console.log(`no ${suite} tests found under ${roots.join(", ")}`);
  process.exit(suite === "e2e" ? 0 : 1);
}
// Each test file is its own process, and loading lamina's ~430 modules through tsx takes about
// 0.8 s of one core before a test runs; Node's default (one file at a time on 2 cores) leaves the
// other core idle through all those start-ups. LAMINA_TEST_CONCURRENCY overrides (1 = one at a time).
const concurrency = Number(process.env.LAMINA_TEST_CONCURRENCY ?? Math.max(2, availableParallelism() - 1));
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`run-tests: LAMINA_TEST_CONCURRENCY must be a whole number >= 1, got ${process.env.LAMINA_TEST_CONCURRENCY}`);
  process.exit(2);
}
// test/support/fixed_seed.ts seeds the global generator before each file; LAMINA_TEST_SEED picks the seed.
const seedText = process.env.LAMINA_TEST_SEED;
if (seedText !== undefined && !/^\d+$/.test(seedText)) {
  console.error(`run-tests: LAMINA_TEST_SEED must be a whole number >= 0, got ${seedText}`);
  process.exit(2);
}
const args = ["--import", "tsx", "--import", "./test/support/fixed_seed.ts", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files];
const env = backend ? { ...process.env, LAMINA_BACKEND: backend } : process.env;
if (backend) console.log(`running the ${suite} tests with LAMINA_BACKEND=${backend}`);
const r = spawnSync(process.execPath, args, { stdio: "inherit", env });
process.exit(r.status ?? 1);
