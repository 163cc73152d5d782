import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { version } from "./version.js";

test("version matches package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  assert.equal(version, pkg.version);
});
