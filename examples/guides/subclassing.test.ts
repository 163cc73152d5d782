// The "subclassing" group of keras.io guide ports, each run with QUICK=1 in a child process, with
// checks on what the guide states or computes (weights tracked, losses added, configs, losses falling).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleTimeout } from "../../test/support/example-timeout.js";

function run(file: string, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ["--import", "tsx", file], {
    encoding: "utf8", timeout: exampleTimeout(60_000), env: { ...process.env, QUICK: "1", ...env },
  });
}

test("making-new-layers-and-models-via-subclassing.ts: the guide's layers track weights and losses, rebuild from config, and the VAE trains", () => {
  const text = run("examples/guides/making-new-layers-and-models-via-subclassing.ts");
  // Linear(4, 2) on ones((2, 2)): two equal rows of 4 values.
  assert.match(text, /\], shape=\(2, 4\), dtype=float32\)/);
  // ComputeSum accumulates: [2. 2.] then [4. 4.]; one weight, non-trainable.
  assert.match(text, /\[2\. 2\.\]\n\[4\. 4\.\]\nweights: 1\nnon-trainable weights: 1\ntrainable_weights: \[\]/);
  // MLPBlock: three Linear layers of w and b, all trainable (the guide's 6 and 6).
  assert.match(text, /weights: 6\ntrainable weights: 6/);
  // The kernel regularizer's loss is 1e-3 * sum(kernel^2), checked by hand in the port.
  const reg = /kernel regularization loss (\d\.\d+) = 1e-3 \* sum\(kernel\^2\) (\d\.\d+)/.exec(text);
  assert.ok(reg, text);
  assert.equal(reg[1], reg[2]);
  // fit with "mse" and fit with only the added loss both run; the added loss is 0.01 * mean(x) of
  // x uniform in [0, 1): between 0 and 0.01.
  const fits = /fit with loss "mse": loss (\d\.\d+); fit with the added loss only: loss (\d\.\d+)/.exec(text);
  assert.ok(fits, text);
  assert.ok(Number(fits[2]) > 0 && Number(fits[2]) < 0.01, `added loss ${fits[2]}`);
  // getConfig / fromConfig: { units: 64 }, then the config with the base layer's keys.
  assert.match(text, /\{ units: 64 \}\nrecreated: units 64/);
  assert.match(text, /name: 'linear_\d+',\n\s+trainable: true,[\s\S]*units: 64\n\}\nrecreated: linear_\d+, units 64/);
  // CustomDropout drops about half in training, nothing in inference.
  const drop = /CustomDropout\(0\.5\): (\d+) of 1000 kept in training, 1000 in inference/.exec(text);
  assert.ok(drop, text);
  assert.ok(Math.abs(Number(drop[1]) - 500) < 80, drop[1]);
  // The VAE's own loop and fit: finite losses below the first step's (sigmoid outputs against pixels in [0, 1]).
  const step0 = /step 0: mean loss = (\d\.\d+)/.exec(text);
  const fitLoss = /fit: loss (\d\.\d+)/.exec(text);
  assert.ok(step0 && fitLoss, text);
  assert.ok(Number(fitLoss[1]) < Number(step0[1]), `fit loss ${fitLoss[1]} vs first step ${step0[1]}`);
});

test("writing-a-custom-training-loop.ts: GradientTape loops train, metrics reset per epoch, added losses count, the GAN steps run", () => {
  const out = mkdtempSync(join(tmpdir(), "lamina-guide-loop-"));
  try {
    const text = run("examples/guides/writing-a-custom-training-loop.ts", { LAMINA_OUT: out });
    // Three loops over the same data; the later ones start from trained weights of their own model,
    // and the validation accuracy of 10 classes is well above chance after one epoch.
    const accs = [...text.matchAll(/Validation acc: (\d\.\d+)/g)].map((m) => Number(m[1]));
    assert.equal(accs.length, 2, text);
    assert.ok(accs.every((a) => a > 0.4), `validation accuracies ${accs}`);
    const train = [...text.matchAll(/Training acc over epoch: (\d\.\d+)/g)].map((m) => Number(m[1]));
    assert.equal(train.length, 2);
    // The activity regularization is in the total: loss = crossentropy + model.losses[0].
    const extra = /loss with the activity regularization: (\d+\.\d+) \(model\.losses: 1, (\d+\.\d+)\)/.exec(text);
    assert.ok(extra, text);
    assert.ok(Number(extra[1]) > Number(extra[2]), `${extra[1]} > ${extra[2]}`);
    // The discriminator's summary: the guide's 74,625 parameters.
    assert.match(text, /Model: "discriminator"/);
    assert.match(text, /Total params: 74,625 \(291\.50 KB\)/);
    // The GAN: both losses start near log(2) = 0.69, and the step saved its generated image.
    assert.match(text, /discriminator loss at step 0: 0\.\d\d\nadversarial loss at step 0: 0\.\d\d/);
    assert.match(text, /GAN steps run: 1;/);
    assert.deepEqual(readdirSync(out), ["generated_img_0.png"]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
