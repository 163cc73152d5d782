#!/usr/bin/env node
// `npm run example -- 002` runs examples/002-*.ts (first match) through tsx; `npm run example --
// guides/functional-api` runs a keras.io guide's port in examples/guides/, and `npm run example --
// keras-io/autoencoder` a keras.io code example's port in examples/keras-io/.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";

const want = process.argv[2];
const scripts = (dir, prefix) => readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).sort().map((f) => prefix + f);
const all = [...scripts("examples", ""), ...scripts("examples/guides", "guides/"), ...scripts("examples/keras-io", "keras-io/")];
if (!want) {
  console.error(`usage: npm run example -- <name or number>\navailable: ${all.join(", ")}`);
  process.exit(2);
}
const match = all.find((f) => f === want || f === `${want}.ts` || f.startsWith(want));
if (!match) {
  console.error(`no example matches "${want}"; available: ${all.join(", ")}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--import", "tsx", `examples/${match}`, ...process.argv.slice(3)], { stdio: "inherit" });
process.exit(r.status ?? 1);
