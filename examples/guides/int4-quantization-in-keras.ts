/**
 * Keras' developer guide "INT4 Quantization in Keras" (Jyotinder Singh),
 * https://keras.io/guides/int4_quantization_in_keras/ , ported to lamina cell by cell: W4A8
 * post-training quantization of a small functional model (4-bit weights packed two per byte,
 * activations quantized to 8 bits at run time), the MSE against its float outputs, and a `.keras`
 * round trip.
 *
 *   npx tsx examples/guides/int4-quantization-in-keras.ts
 *   QUICK=1 npx tsx examples/guides/int4-quantization-in-keras.ts   (the same cells: they are small)
 *
 * The guide's KerasHub part quantizes Gemma3 1B, which lamina does not have (nor the network to
 * fetch it). In its place this port quantizes a small next-token model of Embedding and Dense
 * layers (./support/next-token-lm.ts): generation before and after, both weight files' sizes,
 * and a reload. The guide's benchmark tables (GPU runs of KerasHub models) are not reproduced.
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

const dir = mkdtempSync(join(tmpdir(), "lamina-guide-int4-"));
const file = (name: string): string => join(dir, name);

try {
  // ## Quantizing a Minimal Functional Model
  // Below we build a small functional model, capture a baseline output, quantize to INT4 in place,
  // and compare outputs with an MSE metric. (For real evaluation use your validation metric.)

  // Create a random number generator (np.random.default_rng() draws uniform [0, 1) floats).
  tf.random.setSeed(2025);

  // Create a simple functional model.
  const inputs = layers.Input({ shape: [10] });
  const x = layers.Dense({ units: 32, activation: "relu" })(inputs);
  const target = layers.Dense({ units: 1, name: "target" });
  const outputs = target(x);
  const model = new models.Model({ inputs, outputs });

  // Baseline output with full-precision weights.
  const xEval = tf.random.uniform([32, 10]);
  const yFp32 = model.apply(xEval) as Tensor;

  // Quantize the model in-place to INT4 (W4A8).
  model.quantize("int4");

  // Compare outputs (MSE).
  const yInt4 = model.apply(xEval) as Tensor;
  const mse = ops.mean(ops.square(ops.subtract(yFp32, yInt4)));
  console.log("Full-Precision vs INT4 MSE:", mse.item());
  // The INT4 quantized model usually produces outputs close enough for many downstream tasks.
  // Expect larger deltas than INT8, so always validate on your own data. (The port checks the
  // order of magnitude: 16 weight levels per output channel, outputs of order 0.5.)
  assert.ok(Number(mse.item()) < 1e-2, `int4 MSE ${mse.item()}`);
  assert.equal(target.quantizationMode, "int4");

  // ## Saving and Reloading a Quantized Model
  // You can use standard Keras saving / loading APIs. Quantization metadata (including scales and
  // packed weights) is preserved.
  await model.save(file("int4.keras"));
  const int4Reloaded = await models.loadModel(file("int4.keras"));
  const yInt4Reloaded = int4Reloaded.apply(xEval) as Tensor;

  // Compare outputs (MSE): against the float outputs, as the guide does; the reloaded model
  // computes exactly what the quantized one did.
  const roundtripMse = ops.mean(ops.square(ops.subtract(yFp32, yInt4Reloaded)));
  console.log("MSE (INT4 vs reloaded INT4):", roundtripMse.item());
  assert.equal(ops.max(ops.abs(ops.subtract(yInt4, yInt4Reloaded))).item(), 0);

  // ## Quantizing a next-token model (in place of the guide's KerasHub Gemma3)
  // 1. Build and train a small model that predicts the next token from the previous eight.
  // 2. Generate with the full-precision and the INT4 model, and compare outputs.
  // 3. Save both models' weights and compute storage savings.
  // 4. Reload the INT4 model and verify output consistency with the quantized model.
  const lm = await trainedNextTokenModel(Boolean(process.env.QUICK));

  // Generate with full-precision weights.
  const fpOutput = generate(lm, PROMPT, 12);
  console.log("Full-precision output:", fpOutput.join(" "));

  // Save the full-precision weights.
  await lm.saveWeights(file("lm_fp32.weights.h5"));

  // Quantize to INT4 (the Dense and Embedding layers keep 4-bit weights and per-channel scales).
  lm.quantize("int4");

  // Generate with INT4 weights.
  const int4Output = generate(lm, PROMPT, 12);
  console.log("Quantized output:", int4Output.join(" "));

  // Save the INT4 weights, and the whole model to reload.
  await lm.saveWeights(file("lm_int4.weights.h5"));
  await lm.save(file("lm_int4.keras"));

  // Reload and compare outputs.
  const lmInt4 = await models.loadModel(file("lm_int4.keras"));
  const reloadedOutput = generate(lmInt4, PROMPT, 12);
  console.log("Quantized reloaded output:", reloadedOutput.join(" "));
  assert.deepEqual(reloadedOutput, int4Output);

  // Compute storage savings.
  const reduction = printStorageSavings(file("lm_fp32.weights.h5"), file("lm_int4.weights.h5"), "INT4");
  assert.ok(reduction > 75, `int4 weights should take well under a quarter of float32's: ${reduction.toFixed(1)}% smaller`);

  // ## When should I use INT4 vs INT8?
  // * Start with INT8; if memory or distribution size is still a bottleneck, evaluate INT4.
  // * For language models, measure task-specific metrics (perplexity, exact match, ...) after INT4.
  // * Combine INT4 weights + LoRA adapters (layer.enableLora(rank)) for efficient fine-tuning.
  //
  // ## Practical Tips and Limitations
  // * Post-training quantization is a one-time operation; you cannot train the quantized kernels.
  // * Always materialize weights before quantization (e.g., `build()` or a forward pass).
  // * Runtime unpack adds overhead (weights are unpacked layer by layer at every forward pass).
  // * lamina has no native int4 or int8 kernels: the unpacked int8 x int8 matmul runs in JavaScript.
} finally {
  rmSync(dir, { recursive: true, force: true });
}
