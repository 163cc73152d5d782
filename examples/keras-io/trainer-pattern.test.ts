// The keras.io example "Trainer pattern", ported in trainer-pattern.ts, run with QUICK=1 in a child
// process and checked on what it prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runQuickExample } from "../../test/support/run-quick-example.js";

test("examples/keras-io/trainer-pattern.ts (QUICK): one Trainer class trains a Sequential and a functional model with its own step and metrics", () => {
  const text = runQuickExample("examples/keras-io/trainer-pattern.ts", 60_000);
  // 2,000 images at batch 64: 32 steps; only the Trainer's own metric is logged (no compiled loss).
  assert.match(text, /^32\/32 - .* - sparse_categorical_accuracy: 0\.\d+ - val_sparse_categorical_accuracy: 0\.\d+$/m);
  for (const name of ["trainer_1 \\(Sequential, SGD\\)", "trainer_2 \\(Functional, Adam\\)"]) {
    const m = new RegExp(
      `${name}: history keys sparse_categorical_accuracy, val_sparse_categorical_accuracy; accuracy (\\S+) (\\S+); val accuracy (\\S+) (\\S+); trainable weights (\\d+), optimizer steps (\\d+)`,
    ).exec(text);
    assert.ok(m, `${name} not found in:\n${text}`);
    // The accuracy rises from epoch to epoch and ends above chance (0.1).
    assert.ok(Number(m[2]) > Number(m[1]) && Number(m[4]) > 0.3, m[0]);
    // Two Dense layers (kernel and bias each) are the wrapped model's weights; 2 epochs of 32 steps.
    assert.equal(m[5], "4");
    assert.equal(m[6], "64");
  }
});
