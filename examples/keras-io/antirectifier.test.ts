// The keras.io example "Simple custom layer example: Antirectifier", ported in antirectifier.ts,
// run with QUICK=1 in a child process and checked on what it prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runQuickExample } from "../../test/support/run-quick-example.js";

test("examples/keras-io/antirectifier.ts (QUICK): the layer computes by hand's values, the model trains and evaluates", () => {
  const text = runQuickExample("examples/keras-io/antirectifier.ts", 60_000);
  // [1, 3] centred is [-1, 1]: pos [0, 1], neg [1, 0]; with a kernel of ones each output sums 2 ones.
  assert.match(text, /Antirectifier\(\[\[1, 3\]\]\) with a kernel of ones: \[\[2,2\]\], kernel shape \(4, 2\)/);
  assert.match(text, /config initializer: \{"className":"Ones","config":\{\}\}/);
  assert.match(text, /^2000 train samples$/m);
  assert.match(text, /^500 test samples$/m);
  // 2,000 samples less the 15% validation split: 1,700 at batch 128 is 14 steps per epoch.
  assert.match(text, /^14\/14 - .* - val_sparse_categorical_accuracy: 0\.\d+$/m);
  const m = /loss per epoch: (\d+\.\d+) (\d+\.\d+)/.exec(text);
  assert.ok(m, text);
  assert.ok(Number(m[2]) < Number(m[1]), m[0]);
  // Better than chance (0.1) on the 500 test images after two epochs.
  const acc = /test loss \d+\.\d+, test accuracy (\d\.\d+)/.exec(text);
  assert.ok(acc && Number(acc[1]) > 0.4, text);
  // Dense 784*256+256, Antirectifier 512*256, Dense 256*256+256, Antirectifier 512*256, Dense 256*10+10.
  assert.match(text, new RegExp(`trainable params: ${784 * 256 + 256 + 512 * 256 + 256 * 256 + 256 + 512 * 256 + 2560 + 10}\\n`));
});
