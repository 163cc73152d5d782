// The keras.io example "Endpoint layer pattern", ported in endpoint-layer-pattern.ts, run with
// QUICK=1 in a child process and checked on what it prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runQuickExample } from "../../test/support/run-quick-example.js";

test("examples/keras-io/endpoint-layer-pattern.ts (QUICK): an endpoint layer's added loss and metric train a functional and a subclassed model compiled without a loss", () => {
  const text = runQuickExample("examples/keras-io/endpoint-layer-pattern.ts", 60_000);
  // Both models log the endpoint's loss and its accuracy metric; the loss falls over the 2 epochs.
  for (const label of ["functional endpoint model", "subclassed LogReg"]) {
    const m = new RegExp(`${label}: history keys accuracy, loss; loss (\\d\\.\\d+) (\\d\\.\\d+)`).exec(text);
    assert.ok(m, `${label} not found in:\n${text}`);
    assert.ok(Number(m[2]) < Number(m[1]), m[0]);
  }
  // 1,000 samples at the default batch of 32: 32 steps; targets in (0, 1) never equal a 0/1 prediction.
  assert.match(text, /^32\/32 - .* - accuracy: 0\.0000e\+00 - loss: \d\.\d+$/m);
  // The inference model: the trained weights, no targets, no added loss; the softmax of one logit is 1.
  assert.match(text, /inference model: predictions 1000x1, all 1; max \|logit difference\| from the trained model 0; losses added 0/);
  assert.match(text, /subclassed LogReg: .*; weights 764x1, 1\n/);
  // numpy: x = [0.764, -0.382, 1.528], t = [1, 0, 0.5], w = [1, 2, 0.5];
  //   (w * (np.maximum(x, 0) - x * t + np.log1p(np.exp(-abs(x))))).sum() / 3  # 0.6343794
  assert.match(text, /LogReg on three rows: predictions 3x1, added loss 0\.63437[89]\n/);
});
