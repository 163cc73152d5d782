import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleTimeout } from "../test/support/example-timeout.js";

test("examples/image-folders.ts (QUICK): writes class folders, reads them with imageDatasetFromDirectory, trains with augmentation", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-image-folders-"));
  try {
    const text = execFileSync(process.execPath, ["--import", "tsx", "examples/image-folders.ts", "--out", out], {
      encoding: "utf8", timeout: exampleTimeout(120_000), env: { ...process.env, QUICK: "1" },
    });
    assert.match(text, /^Found 400 files belonging to 10 classes\.\nUsing 320 files for training\.\nUsing 80 files for validation\.$/m);
    assert.match(text, /classes: ankle-boot, bag, coat, dress, pullover, sandal, shirt, sneaker, t-shirt, trouser/);
    assert.match(text, /random_translation +│ \(None, 28, 28, 1\)/);
    assert.match(text, / Total params: 50,186 \(196\.04 KB\)/);
    // One epoch on 320 images: well above chance (0.1) on the 80 held out.
    const acc = Number(/validation accuracy (\d\.\d+)/.exec(text)?.[1]);
    assert.ok(acc > 0.15, `validation accuracy ${acc}\n${text}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("examples/image-folders.ts refuses bad flags with its usage line", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/image-folders.ts", "--epochs", "0"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: image-folders/);
});
