import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

test("the README's example is examples/readme.ts and it runs", () => {
  const readme = readFileSync("README.md", "utf8");
  const block = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, "README has an Example section with a ts block");
  const file = readFileSync("examples/readme.ts", "utf8").replace('from "../src/index.js"', 'from "lamina"');
  assert.equal(block[1], file);
  const out = execFileSync(process.execPath, ["--import", "tsx", "examples/readme.ts"], { encoding: "utf8" });
  const nums = [...out.matchAll(/\[\[?\s*(-?[\d.]+)\]?\]/g)].map((m) => Number(m[1]));
  const [w, b] = nums.slice(-2);
  assert.ok(Math.abs(w - 2) < 0.05 && Math.abs(b + 1) < 0.1, `fitted w=${w} b=${b}\n${out}`);
});
