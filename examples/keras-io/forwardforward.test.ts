// examples/keras-io/forwardforward.ts run with QUICK=1 in a child process, checked on what it
// prints: the label embedding, each layer trained locally every epoch, the loss falling.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runQuickExample } from "../../test/support/run-quick-example.js";

test("examples/keras-io/forwardforward.ts (QUICK): labels embedded as a one-hot code, layer-local training lowers the loss, goodness predictions", () => {
  const text = runQuickExample("examples/keras-io/forwardforward.ts", 60_000);
  assert.equal(text.match(/^Label : \d \(training image \d+\)$/gm)?.length, 4);
  // The first 10 pixels: zero but at the label's position, where the image's maximum goes.
  const m = /overlay of training image 0 \(label (\d), max ([\d.]+)\): first 10 pixels \[([^\]]*)\]/.exec(text);
  assert.ok(m, text);
  const pixels = m[3].split(", ").map(Number);
  const want = Array.from({ length: 10 }, (_, i) => (i === Number(m[1]) ? Number(m[2]) : 0));
  assert.deepEqual(pixels, want);
  // Three epochs of one batch, each training layer 1 then layer 2.
  assert.equal(text.match(/Training layer 1 now : \nTraining layer 2 now : \n1\/1 - /g)?.length, 3);
  // FinalLoss (the running mean of the layers' losses) falls every epoch, from about (log(1 + e^1.5) + log(1 + e^-1.5)) / 2 = 0.95 (goodness near 0).
  const losses = /FinalLoss per epoch: (.*)\n/.exec(text)?.[1].split(" ").map(Number) ?? [];
  assert.equal(losses.length, 3);
  assert.ok(losses[0] < 1.8 && losses[0] > 0.5, `${losses}`);
  assert.ok(losses[1] < losses[0] && losses[2] < losses[1], `${losses}`);
  // The accuracy is a count out of the 500 test images.
  const acc = Number(/Test Accuracy score : ([\d.]+)%/.exec(text)?.[1]);
  assert.ok(acc >= 0 && acc <= 100);
  assert.ok(Math.abs(Math.round(acc * 5) - acc * 5) < 1e-6, `accuracy ${acc}% is not k/500`);
});
