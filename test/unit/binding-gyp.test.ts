// binding.gyp: what node-gyp compiles, with which floating-point flags, under both of its generators
// (make reads cflags_cc; Xcode, on macOS, reads only xcode_settings).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

interface Target {
  target_name: string;
  sources: string[];
  cflags_cc?: string[];
  xcode_settings?: { OTHER_CPLUSPLUSFLAGS?: string[] };
}

const gyp = JSON.parse(readFileSync("binding.gyp", "utf8")) as { targets: Target[] };

test("every native/*.cc file is compiled by some target of binding.gyp (scripts/check-arm64.sh reads the same list)", () => {
  const listed = new Set(gyp.targets.flatMap((t) => t.sources));
  const files = readdirSync("native").filter((f) => f.endsWith(".cc")).map((f) => `native/${f}`);
  assert.deepEqual(files.filter((f) => !listed.has(f)), []);
  assert.deepEqual([...listed].filter((f) => !files.includes(f)), []);
});

test("every target turns off FMA contraction for GCC and for Xcode's clang, keeping Xcode's inherited flags", () => {
  for (const t of gyp.targets) {
    assert.ok(t.cflags_cc?.includes("-ffp-contract=off"), `${t.target_name}: cflags_cc lacks -ffp-contract=off`);
    const xcode = t.xcode_settings?.OTHER_CPLUSPLUSFLAGS ?? [];
    assert.ok(xcode.includes("-ffp-contract=off"), `${t.target_name}: xcode_settings.OTHER_CPLUSPLUSFLAGS lacks -ffp-contract=off`);
    assert.equal(xcode[0], "$(inherited)", `${t.target_name}: OTHER_CPLUSPLUSFLAGS must start with $(inherited) (common.gypi's OTHER_CFLAGS)`);
  }
  const addon = gyp.targets.find((t) => t.target_name === "lamina");
  assert.ok(addon?.cflags_cc?.includes("-fno-math-errno") && addon.xcode_settings?.OTHER_CPLUSPLUSFLAGS?.includes("-fno-math-errno"));
});
