// scripts/run-tests.mjs: the suite runner behind npm test, test:js and test:e2e.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

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
