// The keras.io example "MixUp augmentation for image classification", ported in mixup.ts, run with
// QUICK=1 in a child process and checked on what it prints and writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runQuickExample } from "../../test/support/run-quick-example.js";

test("examples/keras-io/mixup.ts (QUICK): Beta-sampled lambdas mix image and label pairs of two zipped datasets; both models train from the same saved weights", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-kio-mixup-"));
  try {
    const text = runQuickExample("examples/keras-io/mixup.ts", 60_000, { LAMINA_OUT: out });
    // Beta(0.2, 0.2): mean 0.5, variance 0.2 * 0.2 / (0.4^2 * 1.4) = 0.178571; 20,000 draws: std errors ~0.003 and ~0.001.
    const beta = /mean (\d\.\d+), variance (\d\.\d+)/.exec(text);
    assert.ok(beta, text);
    assert.ok(Math.abs(Number(beta[1]) - 0.5) < 0.015, beta[0]);
    assert.ok(Math.abs(Number(beta[2]) - 0.178571) < 0.006, beta[0]);
    // ones mixed with zeros: each pixel is the lambda its label [lambda, 1 - lambda] carries.
    const mixed = /mix_up of ones and zeros: max \|pixel - lambda\| (\S+), max \|label sum - 1\| (\S+)\n/.exec(text);
    assert.ok(mixed, text);
    assert.ok(Number(mixed[1]) < 1e-6 && Number(mixed[2]) < 1e-6, mixed[0]);
    // Nine previewed labels: each sums to 1 over at most two classes.
    const rows = [...text.matchAll(/^\[([\d.,]+)\]$/gm)].map((m) => m[1].split(",").map(Number));
    assert.equal(rows.length, 9);
    for (const row of rows) {
      assert.equal(row.length, 10);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 2e-4, String(row));
      assert.ok(row.filter((v) => v > 0).length <= 2, String(row));
    }
    assert.match(text, /batch 64x28x28x1, labels 64x10, at most 2 classes per label/);
    const png = readFileSync(join(out, "mixup-preview.png"));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(existsSync(join(out, "initial.weights.h5")));
    // 1,200 training images at batch 64: 19 steps; 300 test images: 5 batches; both runs log validation.
    assert.equal([...text.matchAll(/^19\/19 - .* - accuracy: 0\.\d+ - loss: \d\.\d+ - val_accuracy: 0\.\d+ - val_loss: \d\.\d+$/gm)].length, 2);
    const accs = [...text.matchAll(/^Test accuracy: (\d+\.\d\d)%$/gm)].map((m) => Number(m[1]));
    assert.equal(accs.length, 2);
    // One epoch from the same initial weights: both above chance (10%).
    for (const a of accs) assert.ok(a > 15, String(accs));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
