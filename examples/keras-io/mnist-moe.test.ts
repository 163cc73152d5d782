// examples/keras-io/mnist-moe.ts run with QUICK=1 in a child process, checked on what it prints:
// the top-k usage counts (k picks per image per call), the overflow term, the MoE model training.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runQuickExample } from "../../test/support/run-quick-example.js";

const counts = (text: string, label: string): number[] => {
  const m = new RegExp(`${label}: \\[([\\d ]+)\\]`).exec(text);
  assert.ok(m, `${label} not found in:\n${text}`);
  return m[1].split(" ").map(Number);
};
const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);

test("examples/keras-io/mnist-moe.ts (QUICK): top-k routing counts, overflow loss, the MoE model learns", () => {
  const text = runQuickExample("examples/keras-io/mnist-moe.ts", 60_000);
  assert.match(text, /x_train shape: \(1000, 28, 28, 1\)/);
  // The base model's summary: 320 + 18,496 + 16,010 parameters.
  assert.match(text, /Total params: 34,826/);
  assert.match(text, /LinearMoE\(32, 10, 3\) output shape: \[ 1, 32 \]/);
  // One call on one sample: exactly top_k = 3 of the 5 experts counted once.
  for (let i = 0; i < 4; i++) {
    const run = counts(text, `Run ${i}, Expert usage`);
    assert.equal(run.length, 5);
    assert.deepEqual(run.filter((c) => c === 1).length, 3, `run ${i}: ${run}`);
    assert.equal(sum(run), 3);
  }
  // fit: 1,000 training and 250 validation images, each routed to top_k = 4 of 6 experts.
  const afterFit = counts(text, "expert usage counts");
  assert.equal(afterFit.length, 6);
  assert.equal(sum(afterFit), (1000 + 250) * 4);
  // evaluate routes the 250 test images once more.
  const afterEval = counts(text, "expert usage counts after evaluate");
  assert.equal(sum(afterEval), (1000 + 500) * 4);
  // The overflow term is sum(relu(count - 128 // 6)) over the experts, computed here by hand.
  const overflow = sum(afterEval.map((c) => Math.max(0, c - 21)));
  assert.match(text, new RegExp(`batch capacity 21, overflow sum ${overflow}\\n`));
  // One epoch's log has the step's keys; the classifier beats chance on the test images.
  assert.match(text, /history keys: accuracy, loss, moe_loss, val_accuracy, val_loss, val_moe_loss/);
  const acc = Number(/Test accuracy: (\d\.\d+)/.exec(text)?.[1]);
  assert.ok(acc > 0.2, `test accuracy ${acc}`);
  // The test loss includes 0.01 * overflow, so it is at least that (minus the entropy bound 0.01 * log 6).
  const loss = Number(/Test loss: (\d+\.\d+)/.exec(text)?.[1]);
  assert.ok(loss > 0.01 * sum(afterFit.map((c) => Math.max(0, c - 21))) - 0.02, `test loss ${loss}`);
});
