// The "training" group of keras.io guide ports, each run with QUICK=1 in a child process:
// training-with-built-in-methods.ts and writing-your-own-callbacks.ts, checked on what they print.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleTimeout } from "../../test/support/example-timeout.js";

/** Runs a guide port with QUICK=1, its files into `out`; returns stdout and stderr together. */
function runGuide(file: string, out: string): string {
  return execFileSync(process.execPath, ["--import", "tsx", file], {
    encoding: "utf8",
    timeout: exampleTimeout(60_000),
    env: { ...process.env, QUICK: "1", LAMINA_OUT: out },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const num = (text: string, re: RegExp): number => {
  const m = re.exec(text);
  assert.ok(m, `${re} not found in:\n${text}`);
  return Number(m[1]);
};

test("examples/guides/training-with-built-in-methods.ts (QUICK): every cell runs, losses fall, custom losses/metrics/add_loss train, checkpoints reload", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-guide-training-"));
  try {
    const text = runGuide("examples/guides/training-with-built-in-methods.ts", out);
    // The end-to-end example: two epochs with validation, the loss falling; evaluate and predict.
    const m = /loss: \[ (\d+\.\d+), (\d+\.\d+) \]/.exec(text);
    assert.ok(m, text);
    assert.ok(Number(m[2]) < Number(m[1]), `loss ${m[1]} -> ${m[2]}`);
    assert.match(text, /val_sparse_categorical_accuracy: \[/);
    assert.match(text, /test loss, test acc: \[ \d\.\d+, 0\.\d+ \]/);
    assert.match(text, /predictions shape: \(3, 10\)/);
    // The custom metric kept in a variable (Metric.addVariable) is logged.
    assert.ok(num(text, /categorical_true_positives: (\d+\.\d+)/) > 0);
    // The layer-held Mean (Keras 3's replacement for add_metric) is reported by fit.
    assert.ok(num(text, /std_of_activation logged: (\d\.\d+)/) > 0);
    // The LogisticEndpoint model, compiled without a loss, trains on its added loss and logs its metric.
    assert.match(text, /1\/1 - .* - accuracy: [\d.e+-]+ - loss: \d\.\d+/);
    // Datasets, a Sequence, class and sample weights, several inputs and outputs.
    assert.match(text, /Evaluate\n[^\n]*\n\{\n  loss: \d\.\d+,\n  sparse_categorical_accuracy: 0\.\d+\n\}/);
    assert.match(text, /Fit with class weight\n.*loss: \d\.\d+/);
    assert.match(text, /Fit with sample weight\n.*loss: \d\.\d+/);
    assert.match(text, /multi-output history keys: class_output_loss, loss, score_output_loss/);
    assert.ok(existsSync(join(out, "multi_input_and_output_model.png")));
    // Callbacks: EarlyStopping, and a LossHistory of per-batch losses (QUICK's 1,200 samples at batch 64: 19).
    assert.match(text, /early stopping ran [123] epochs/);
    assert.match(text, /LossHistory recorded 19 batch losses/);
    // Checkpoints: the best-epoch file reloads with the same predictions; the fault-tolerance loop restores the latest.
    assert.match(text, /Epoch 1: val_loss improved from inf to \d\.\d{5}, saving model to .*mymodel_1\.keras/);
    assert.match(text, /mymodel_1\.keras reloaded: max \|prediction difference\| 0\n/);
    assert.ok(num(text, /checkpoints: (\d+)/) >= 3);
    assert.match(text, /Creating a new model[\s\S]*Restoring from .*ckpt-loss=\d\.\d\d\.keras\nrestored model evaluates: loss \d\.\d+, optimizer RMSprop/);
    assert.match(text, /ExponentialDecay: lr at step 0 0\.100000001\d*, at step 100000 0\.0960000008\d*/);
    assert.match(text, /\ndone\n/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("examples/guides/writing-your-own-callbacks.ts (QUICK): every hook with Keras' log keys, logs per batch, early stopping and a learning-rate schedule", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-guide-callbacks-"));
  try {
    const text = runGuide("examples/guides/writing-your-own-callbacks.ts", out);
    // The hooks of fit (with validation), evaluate and predict, in Keras' order with Keras' keys.
    const hooks = [
      "Starting training; got log keys: []",
      "Start epoch 0 of training; got log keys: []",
      "...Training: start of batch 0; got log keys: []",
      "...Training: end of batch 0; got log keys: ['loss', 'mean_absolute_error']",
      "Start testing; got log keys: []",
      "...Evaluating: end of batch 0; got log keys: ['loss', 'mean_absolute_error']",
      "Stop testing; got log keys: ['loss', 'mean_absolute_error']",
      "End epoch 0 of training; got log keys: ['loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error']",
      "Stop training; got log keys: ['loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error']",
      "Start predicting; got log keys: []",
      "...Predicting: end of batch 0; got log keys: ['outputs']",
      "Stop predicting; got log keys: []",
    ];
    let at = 0;
    for (const line of hooks) {
      const i = text.indexOf(line, at);
      assert.ok(i >= 0, `missing, or out of order: ${line}\n${text}`);
      at = i;
    }
    // logs hold running means: the epoch's average is the last batch's "up to" value.
    const m = /Up to batch 7, the average loss is +(\d+\.\d\d)\.\nThe average loss for epoch 0 is +(\d+\.\d\d) and mean absolute error is +\d+\.\d\d\./.exec(text);
    assert.ok(m, text);
    assert.equal(m[1], m[2]);
    // EarlyStoppingAtMinLoss stops (the loss rises at some epoch) and says so, with the epoch.
    const ran = num(text, /epochs run: (\d+)/);
    assert.ok(ran < 30, `ran ${ran} epochs`);
    assert.match(text, new RegExp(`Restoring model weights from the end of the best epoch\\.\\nEpoch ${String(ran).padStart(5, "0")}: early stopping`));
    // The schedule sets 0.05 from epoch 3 and 0.01 from epoch 6; the optimizer holds it (float32).
    assert.match(text, /Epoch 00002: Learning rate is 0\.1000\./);
    assert.match(text, /Epoch 00003: Learning rate is 0\.0500\./);
    assert.match(text, /Epoch 00006: Learning rate is 0\.0100\./);
    assert.ok(Math.abs(num(text, /final learning rate: (\d\.\d+)/) - 0.01) < 1e-8);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
