// scripts/run-tests.mjs: the suite runner behind npm test, test:js and test:e2e.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { shardFiles } from "../../scripts/test-shards.mjs";

test("run-tests.mjs refuses an unknown --backend with exit code 2 and says which ones exist", () => {
  const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", "unit", "--backend", "cuda"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--backend takes js or native, got cuda/);
});

test("run-tests.mjs refuses a LAMINA_TEST_CONCURRENCY that is not a whole number >= 1", () => {
  for (const bad of ["0", "two", "1.5"]) {
    const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", "unit"], { encoding: "utf8", env: { ...process.env, LAMINA_TEST_CONCURRENCY: bad } });
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, new RegExp(`LAMINA_TEST_CONCURRENCY must be a whole number >= 1, got ${bad}`));
  }
});

test("run-tests.mjs refuses a LAMINA_TEST_SEED that is not a whole number >= 0", () => {
  for (const bad of ["-1", "seed", "2.5"]) {
    const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", "unit"], { encoding: "utf8", env: { ...process.env, LAMINA_TEST_SEED: bad } });
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, new RegExp(`LAMINA_TEST_SEED must be a whole number >= 0, got ${bad.replace(".", "\\.")}`));
  }
});

test("every test file starts from the same global seed, and LAMINA_TEST_SEED changes it", () => {
  const draw = (seed?: string): string => {
    const env = { ...process.env };
    if (seed === undefined) delete env.LAMINA_TEST_SEED; else env.LAMINA_TEST_SEED = seed;
    const code = 'import("./src/tensor/random.ts").then((r) => console.log([...r.uniform([3]).dataSync()].join(",")))';
    const r = spawnSync(process.execPath, ["--import", "tsx", "--import", "./test/support/fixed_seed.ts", "-e", code], { encoding: "utf8", env });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const first = draw();
  assert.equal(draw(), first, "two processes without LAMINA_TEST_SEED draw the same numbers");
  assert.notEqual(draw("5"), first);
  assert.equal(draw("5"), draw("5"));
});

test("the unit files run in one process per folder, at most 25 files each, the largest shards first", () => {
  const layers = Array.from({ length: 27 }, (_, i) => `src/layers/l${String(i).padStart(2, "0")}.test.ts`);
  const files = ["bench/models.test.ts", "examples/001-resnet.test.ts", "examples/guides/a.test.ts", "src/config.test.ts", ...layers, "src/ops/math.test.ts", "src/tree.test.ts"];
  const shards = shardFiles(files);
  assert.deepEqual(shards.map((s) => [s.name, s.members.length]), [
    ["src_layers_1", 25], ["src", 2], ["src_layers_2", 2], ["bench", 1], ["examples", 1], ["examples_guides", 1], ["src_ops", 1],
  ]);
  assert.deepEqual(shards[1].members, ["src/config.test.ts", "src/tree.test.ts"]);
  assert.deepEqual(shards[2].members, ["src/layers/l25.test.ts", "src/layers/l26.test.ts"]);
  // Every file lands in exactly one shard.
  assert.deepEqual(shards.flatMap((s) => s.members).sort(), [...files].sort());
});
