#!/usr/bin/env node
// Finds the test files of one suite and hands them to Node's test runner (TypeScript via tsx).
// Node 20's runner does not expand ** globs itself, hence this script.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { availableParallelism, tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { shardFiles } from "./test-shards.mjs";
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
// Node's default (one test process at a time on 2 cores) leaves the other core idle while a process
// loads lamina's modules. LAMINA_TEST_CONCURRENCY overrides (1 = one at a time).
const concurrency = Number(process.env.LAMINA_TEST_CONCURRENCY ?? Math.max(2, availableParallelism() - 1));
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`run-tests: LAMINA_TEST_CONCURRENCY must be a whole number >= 1, got ${process.env.LAMINA_TEST_CONCURRENCY}`);
  process.exit(2);
}
// test/support/fixed_seed.ts seeds the global generator when each test process starts; LAMINA_TEST_SEED picks the seed.
const seedText = process.env.LAMINA_TEST_SEED;
if (seedText !== undefined && !/^\d+$/.test(seedText)) {
  console.error(`run-tests: LAMINA_TEST_SEED must be a whole number >= 0, got ${seedText}`);
  process.exit(2);
}
// Loading lamina's modules through tsx costs each test process about a second of CPU, which was half
// of the unit suite's time when every file had its own process. The unit files therefore run in
// shards: one process per folder (src/layers, src/ops, ...), at most 25 files each (test-shards.mjs), importing
// its files in order. Shards follow the folders, so adding a file changes only its own folder's shard
// (and the generator state the tests after it see: fixed_seed.ts seeds each process once).
// LAMINA_TEST_ISOLATE=1 gives every file its own process again (to chase a test that depends on
// what ran before it); the end-to-end suite always runs that way. A file's top-level before/after
// hooks run once for its whole shard, so state they change (environment variables, settings) belongs
// in a describe block or in the tests themselves.
const isolate = suite === "e2e" || process.env.LAMINA_TEST_ISOLATE === "1";
let shardDir;
let targets = files;
if (!isolate) {
  shardDir = mkdtempSync(join(tmpdir(), "lamina-test-shards-"));
  targets = shardFiles(files).map(({ name, members }) => {
    const path = join(shardDir, `${name}.test.mjs`);
    writeFileSync(path, members.map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};\n`).join(""));
    return path;
  });
}

const args = ["--import", "tsx", "--import", "./test/support/fixed_seed.ts", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...targets];
const env = backend ? { ...process.env, LAMINA_BACKEND: backend } : process.env;
if (backend) console.log(`running the ${suite} tests with LAMINA_BACKEND=${backend}`);
if (shardDir) console.log(`running ${files.length} test files in ${targets.length} processes (LAMINA_TEST_ISOLATE=1: one per file)`);
const r = spawnSync(process.execPath, args, { stdio: "inherit", env });
if (shardDir) rmSync(shardDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
