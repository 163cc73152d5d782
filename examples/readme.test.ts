import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

test("the README's example is examples/readme.ts, and it trains", () => {
  const readme = readFileSync("README.md", "utf8");
  const block = /## Example\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, "README has an Example section with a ts block");
  const file = readFileSync("examples/readme.ts", "utf8").replace('from "../src/index.js"', 'from "lamina"');
  assert.equal(block[1], file);
  const out = execFileSync(process.execPath, ["--import", "tsx", "examples/readme.ts"], { encoding: "utf8" });
  assert.match(out, /Total params: 101,770/);
  const acc = Number(/test accuracy (\d\.\d+)/.exec(out)?.[1]);
  assert.ok(acc > 0.75, `test accuracy ${acc}\n${out}`);
});
