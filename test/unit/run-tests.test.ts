// scripts/run-tests.mjs: the suite runner behind npm test, test:js and test:e2e.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

test("run-tests.mjs refuses an unknown --backend with exit code 2 and says which ones exist", () => {
  const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", "unit", "--backend", "cuda"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--backend takes js or native, got cuda/);
});
