/**
 * Keras' developer guide "8-bit Integer Quantization in Keras" (Jyotinder Singh),
 * https://keras.io/guides/int8_quantization_in_keras/ , ported to lamina cell by cell:
 * post-training int8 quantization of a small functional model, the MSE against its float outputs,
 * and a `.keras` round trip.
 *
 *   npx tsx examples/guides/int8-quantization-in-keras.ts
 *   QUICK=1 npx tsx examples/guides/int8-quantization-in-keras.ts   (the same cells: they are small)
 *
 * The guide's third part quantizes KerasHub's Gemma3 1B, which lamina does not have (nor the
 * network to fetch it). In its place this port quantizes a small next-token model of Embedding and
 * Dense layers (./support/next-token-lm.ts), generates greedily from it before and after, saves
 * both weight files and prints the storage savings: the same steps on a model that fits here.
 * Files are written under a fresh folder in os.tmpdir(), removed at the end.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../src/index.js";
import { PROMPT, generate, printStorageSavings, trainedNextTokenModel } from "./support/next-token-lm.js";

const { layers, models, ops } = tf;
type Tensor = tf.Tensor;

const dir = mkdtempSync(join(tmpdir(), "lamina-guide-int8-"));
const file = (name: string): string => join(dir, name);

try {
  // ## Quantizing a minimal functional model.
  // We build a small functional model, capture a baseline output, quantize to INT8 in-place,
  // and then compare outputs with an MSE metric.

  // Create a random number generator (np.random.default_rng() draws uniform [0, 1) floats).
  tf.random.setSeed(2025);

  // Create a simple functional model.
  const inputs = layers.Input({ shape: [10] });
  const x = layers.Dense({ units: 32, activation: "relu" })(inputs);
  const target = layers.Dense({ units: 1, name: "target" });
  const outputs = target(x);
  const model = new models.Model({ inputs, outputs });

  // Compile and train briefly to materialize meaningful weights.
  model.compile({ optimizer: "adam", loss: "mse" });
  const xTrain = tf.random.uniform([256, 10]);
  const yTrain = tf.random.uniform([256, 1]);
  await model.fit(xTrain, yTrain, { epochs: 1, batchSize: 32, verbose: 0 });

  // Sample inputs for evaluation.
  const xEval = tf.random.uniform([32, 10]);

  // Baseline (FP) outputs.
  const yFp32 = model.apply(xEval) as Tensor;

  // Quantize the model in-place to INT8.
  model.quantize("int8");

  // INT8 outputs after quantization.
  const yInt8 = model.apply(xEval) as Tensor;

  // Compute a simple MSE between FP and INT8 outputs.
  const mse = ops.mean(ops.square(ops.subtract(yFp32, yInt8)));
  console.log("Full-Precision vs INT8 MSE:", mse.item());
  // It is evident that the INT8 quantized model produces outputs close to the original FP32 model,
  // as indicated by the low MSE value. (The port checks it: int8 weights and activations keep
  // about two decimal digits, so the outputs, of order 0.5, agree to within a few hundredths.)
  assert.ok(Number(mse.item()) < 1e-3, `int8 MSE ${mse.item()}`);
  assert.equal(target.quantizationMode, "int8");

  // ## Saving and reloading a quantized model
  // You can use the standard Keras saving and loading APIs with quantized models. Quantization is
  // preserved when saving to `.keras` and loading back.
  await model.save(file("int8.keras"));
  // (The file holds Adam's state for the float kernels; the reloaded model's int8 kernels are not
  // trainable, so loadModel warns and starts a fresh optimizer state, as Keras does.)
  const int8Reloaded = await models.loadModel(file("int8.keras"));
  const yInt8Reloaded = int8Reloaded.apply(xEval) as Tensor;
  const roundtripMse = ops.mean(ops.square(ops.subtract(yInt8, yInt8Reloaded)));
  console.log("MSE (INT8 vs reloaded-INT8):", roundtripMse.item());
  assert.equal(roundtripMse.item(), 0);

  // ## Quantizing a next-token model (in place of the guide's KerasHub Gemma3)
  // 1. Build a small model that predicts the next token from the previous eight.
  // 2. Generate with the full-precision and the quantized model, and compare outputs.
  // 3. Save both models' weights and compute the storage savings.
  // 4. Reload the INT8 model and verify output consistency with the quantized model.
  const lm = await trainedNextTokenModel(Boolean(process.env.QUICK));
  const prompt = PROMPT;
  const fpOutput = generate(lm, prompt, 12);
  console.log("Full-precision output:", fpOutput.join(" "));

  // Save the full-precision weights for the size comparison.
  await lm.saveWeights(file("lm_fp32.weights.h5"));

  // Quantize in-place to INT8 and generate again.
  lm.quantize("int8");
  const int8Output = generate(lm, prompt, 12);
  console.log("Quantized output:", int8Output.join(" "));

  // Save the INT8 model (weights for the size comparison, the whole model to reload).
  await lm.saveWeights(file("lm_int8.weights.h5"));
  await lm.save(file("lm_int8.keras"));

  // Reload and compare outputs.
  const lmInt8 = await models.loadModel(file("lm_int8.keras"));
  const reloadedOutput = generate(lmInt8, prompt, 12);
  console.log("Quantized reloaded output:", reloadedOutput.join(" "));
  assert.deepEqual(reloadedOutput, int8Output);

  // Compute storage savings.
  const reduction = printStorageSavings(file("lm_fp32.weights.h5"), file("lm_int8.weights.h5"), "INT8");
  assert.ok(reduction > 60, `int8 weights should take about a quarter of float32's: ${reduction.toFixed(1)}% smaller`);

  // ## Practical tips
  // * Post-training quantization (PTQ) is a one-time operation; you cannot train a model after
  //   quantizing it to INT8 (lamina's int8 kernels are not trainable variables).
  // * Always materialize weights before quantization (e.g., `build()` or a forward pass).
  // * Expect small numerical deltas; quantify with a metric like MSE on a validation batch.
  // * Storage savings are immediate; speedups depend on backend/device kernels (lamina computes
  //   the int8 x int8 matmul exactly in JavaScript; it has no native int8 kernel yet).
} finally {
  rmSync(dir, { recursive: true, force: true });
}
