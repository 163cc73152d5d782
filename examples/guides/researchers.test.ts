// The keras.io guide "Introduction to Keras for Researchers", ported in intro-to-keras-for-researchers.ts,
// run with QUICK=1 in a child process and checked on what it prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { exampleTimeout } from "../../test/support/example-timeout.js";

const num = (text: string, re: RegExp): number => {
  const m = re.exec(text);
  assert.ok(m, `${re} not found in:\n${text}`);
  return Number(m[1]);
};

test("examples/guides/intro-to-keras-for-researchers.ts (QUICK): gradients match the closed forms, every loop and model trains", () => {
  const text = execFileSync(process.execPath, ["--import", "tsx", "examples/guides/intro-to-keras-for-researchers.ts"], {
    encoding: "utf8",
    timeout: exampleTimeout(120_000),
    env: { ...process.env, QUICK: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // d/da sqrt(a^2 + b^2) = a / sqrt(a^2 + b^2); the nested tapes' second derivative b^2 / (a^2 + b^2)^1.5.
  assert.ok(num(text, /largest difference from a \/ sqrt\(a\^2 \+ b\^2\): (\S+)/) < 1e-6, text);
  assert.ok(num(text, /largest relative difference from b\^2 \/ \(a\^2 \+ b\^2\)\^1\.5: (\S+)/) < 1e-4, text);
  // The constructor-created weights are tracked; the non-trainable sum accumulates over two calls.
  assert.match(text, /Linear created in the constructor: weights \[2,4\] \[4\]/);
  assert.match(text, /ComputeSum: \[ 2, 2 \]\nComputeSum: \[ 4, 4 \]/);
  // One activity-regularization loss, a scalar.
  assert.match(text, /mlp\.losses: \[ 'tf\.Tensor\(\d\.\d+, shape=\(\), dtype=float32\)' \]/);
  // Ten classes: a fresh linear classifier's cross-entropy is near ln 10 = 2.3, well above 0.
  const first = num(text, /Step: 0 Loss: (\S+)/);
  assert.ok(first > 1 && first < 5, `first loss ${first}`);
  // The built-in loops and the custom trainStep report accuracy; the VAE's reconstruction loss falls.
  assert.match(text, /built-in loops evaluate: \{"loss":\d\.\d+,"sparse_categorical_accuracy":0\.\d+\}/);
  assert.match(text, /custom trainStep accuracy per epoch: 0\.\d{4} 0\.\d{4}/);
  const vae = /VAE hand-written loop: first loss (\d\.\d+), last loss (\d\.\d+)/.exec(text);
  assert.ok(vae && Number(vae[2]) < Number(vae[1]), text);
  assert.ok(num(text, /functional VAE with fit: loss (\d\.\d+)/) > 0, text);
  // The hypernetwork's gradients reach its own weights through the main network's generated kernels.
  assert.match(text, /hypernetwork: 3 steps, 4 trainable weights updated, mean loss \d\.\d+/);
});
