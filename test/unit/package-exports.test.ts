import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";

// Code outside the repository that depends on the checkout imports the built package by name.
test('import * as tf from "lamina" works from outside the repository (built dist/)', () => {
  const root = resolve(".");
  assert.ok(existsSync(join(root, "dist/index.js")), "dist/ is missing: `npm ci` builds it, or run `npm run build`");
  const dir = mkdtempSync(join(tmpdir(), "lamina-user-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "lamina"), "dir");
  writeFileSync(join(dir, "main.mjs"), `import * as tf from "lamina";
const b = tf.constant([[1, 2, 3], [4, 5, 6]], "int32");
console.log(tf.matmul(b, tf.transpose(b)).toString(), tf.getBackend());\n`);
  const out = execFileSync(process.execPath, ["main.mjs"], { cwd: dir, encoding: "utf8" });
  // The built package picks the native backend when the addon was compiled, js otherwise.
  const backend = process.env.LAMINA_BACKEND !== "js" && existsSync(join(root, "build/Release/lamina.node")) ? "native" : "js";
  assert.equal(out.trim(), `tf.Tensor(\n[[14 32]\n [32 77]], shape=(2, 2), dtype=int32) ${backend}`);
});
