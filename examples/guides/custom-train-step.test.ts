// The keras.io guide "Customizing what happens in fit() with TensorFlow", ported in
// custom-train-step-in-tensorflow.ts, run with QUICK=1 in a child process and checked on what it prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { exampleTimeout } from "../../test/support/example-timeout.js";

const numbers = (text: string, label: string): number[] => {
  const m = new RegExp(`^${label}: ([\\d. ]+)$`, "m").exec(text);
  assert.ok(m, `${label} not found in:\n${text}`);
  return m[1].trim().split(" ").map(Number);
};

test("examples/guides/custom-train-step-in-tensorflow.ts (QUICK): every custom step trains, evaluates and logs; the GAN steps both optimizers", () => {
  const text = execFileSync(process.execPath, ["--import", "tsx", "examples/guides/custom-train-step-in-tensorflow.ts"], {
    encoding: "utf8",
    timeout: exampleTimeout(120_000),
    env: { ...process.env, QUICK: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The step with computeLoss and the compiled metrics, then its own trackers, then sample weights:
  // on uniform [0, 1) data a linear model's loss and MAE fall epoch after epoch.
  for (const [label, epochs] of [["first example, loss per epoch", 3], ["lower-level example, mae per epoch", 5], ["sample-weighted example, loss per epoch", 3]] as const) {
    const values = numbers(text, label);
    assert.equal(values.length, epochs, label);
    assert.ok(values.at(-1)! < values[0], `${label}: ${values.join(" ")}`);
  }
  // The progress bar shows the custom step's logs (compiled "mae" next to the loss).
  assert.match(text, /32\/32 - .* - loss: \d\.\d{4} - mae: \d\.\d{4}/);
  // testStep: evaluate returns what it returned (an untrained model: the loss is MSE >= MAE^2).
  const evaluated = /custom testStep evaluate: (\{.*\})/.exec(text);
  assert.ok(evaluated, text);
  const { loss, mae } = JSON.parse(evaluated[1]) as { loss: number; mae: number };
  assert.ok(loss >= mae * mae - 1e-6 && mae > 0, evaluated[1]);
  // The GAN: two batches, one step of each optimizer per batch, finite binary cross-entropies
  // near ln 2 = 0.693 at the start of training.
  const gan = /GAN after one epoch: d_loss (\d\.\d+), g_loss (\d\.\d+)/.exec(text);
  assert.ok(gan, text);
  for (const v of [Number(gan[1]), Number(gan[2])]) assert.ok(v > 0.3 && v < 2, gan[0]);
  assert.match(text, /optimizer steps: discriminator 2, generator 2/);
});
