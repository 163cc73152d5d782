import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

// The command people install: package.json's bin, run from the compiled dist/ (npm ci builds it).
test("the lamina bin: package.json names dist/cli/lamina.js, a node script that answers --help and exits 2 on bad flags", () => {
  const root = resolve(".");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin?: Record<string, string> };
  assert.deepEqual(pkg.bin, { lamina: "dist/cli/lamina.js" });
  const bin = join(root, pkg.bin.lamina);
  assert.ok(existsSync(bin), "dist/cli/lamina.js is missing: `npm ci` builds it, or run `npm run build`");
  assert.match(readFileSync(bin, "utf8"), /^#!\/usr\/bin\/env node\n/);

  const help = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^usage: lamina <command> \[flags\]/);
  const train = spawnSync(process.execPath, [bin, "train", "--help"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stdout, /^usage: lamina train/);

  const bad = spawnSync(process.execPath, [bin, "train", "--epochs", "many"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /^lamina train: --epochs must be a positive integer, got "many"\nRun "lamina train --help" for usage\.\n$/m);
  const missing = spawnSync(process.execPath, [bin, "summary", "no-such-model.keras"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /lamina summary: model file no-such-model\.keras does not exist/);
});
