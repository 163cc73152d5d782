import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import type { Dense } from "./core.js";
import type { Embedding } from "./embedding.js";

const { layers, quantizers } = tf;
/** Made by test/fixtures/make_quantizers.py: numpy re-statements of Keras 3.15.1's Dense quantize and quantized calls. */
const D = JSON.parse(readFileSync(new URL("../../test/fixtures/quantizers.json", import.meta.url), "utf8"));

/** Dense(3) on 5 features with the fixture's weights. */
function fixtureDense(name?: string): Dense {
  const d = layers.Dense({ units: 3, name });
  d.build([null, 5]);
  d.setWeights([tf.constant(D.w, "float32"), tf.constant(D.dense.bias, "float32")]);
  return d;
}

test("Dense int8: Keras' quantized kernel, scale and forward (inputs quantized per row), within the int8 error of the float layer", () => {
  const d = fixtureDense();
  const x = tf.constant(D.dense.x, "float32");
  const floatOut = d.apply(x) as tf.Tensor;
  assertAllClose(floatOut, D.dense.float_out, { rtol: 1e-5, atol: 1e-6 });
  d.quantize("int8");
  assert.equal(d.quantizationMode, "int8");
  assert.equal(d.kernel!.dtype, "int8");
  assert.deepEqual(d.kernel!.arraySync(), D.dense.int8_kernel);
  assertAllClose(d.kernelScale!, D.dense.int8_scale, { rtol: 1e-6 });
  const y = d.apply(x) as tf.Tensor;
  assertAllClose(y, D.dense.int8_out, { rtol: 1e-5, atol: 1e-5 });
  // Error bound: half a step of the kernel (|x|·1/(2·scale)) and of the inputs per row.
  const err = tf.abs(tf.sub(y, floatOut)).arraySync() as number[][];
  const xs = D.dense.x as number[][];
  err.forEach((row, i) => row.forEach((e, j) => {
    const xAbs = xs[i].reduce((a, v) => a + Math.abs(v), 0);
    const xMax = Math.max(...xs[i].map(Math.abs));
    const wCol = (D.w as number[][]).reduce((a, r) => a + Math.abs(r[j]), 0);
    const bound = xAbs / (2 * D.dense.int8_scale[j]) + wCol * xMax / 254 + 1e-5;
    assert.ok(e <= bound, `(${i}, ${j}): |error| ${e} > ${bound}`);
  }));
  assert.deepEqual(d.trainableWeights.map((w) => w.name), [d.bias!.name]);
  assert.deepEqual(d.getConfig().dtype, { module: "keras.dtype_policies", class_name: "QuantizedDTypePolicy", config: { mode: "int8", source_name: "float32" }, registered_name: null });
});

test("Dense int4 per-channel and sub-channel: Keras' packed kernel and forward", () => {
  const x = tf.constant(D.dense.x, "float32");
  const d = fixtureDense();
  d.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: null }) });
  assert.deepEqual(d.kernel!.arraySync(), D.dense.int4_packed);
  assertAllClose(d.kernelScale!, D.dense.int4_scale, { rtol: 1e-6 });
  assertAllClose(d.apply(x) as tf.Tensor, D.dense.int4_out, { rtol: 1e-5, atol: 1e-5 });
  assert.deepEqual((d.getConfig().dtype as { config: unknown }).config, { mode: "int4/-1", source_name: "float32" });
  const s = fixtureDense();
  s.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: 2 }) });
  assert.deepEqual(s.weights.map((w) => w.name.split("/").pop()), ["bias", "kernel", "kernel_scale", "kernel_zero", "g_idx"]);
  assertAllClose(s.apply(x) as tf.Tensor, D.dense.int4_sub_out, { rtol: 1e-5, atol: 1e-5 });
});

test("quantized Dense gradients: the inputs' through the dequantized kernel (Keras' custom gradient), none for the frozen kernel", () => {
  const d = fixtureDense();
  d.quantize("int8");
  const x = tf.constant(D.dense.x, "float32");
  const [gx] = tf.grads((xi: tf.Tensor) => tf.sum(d.apply(xi) as tf.Tensor))([x]);
  // d/dx sum(x @ W_deq + b) = row sums of W_deq = sum_j q[i][j] / scale[j].
  const q = D.dense.int8_kernel as number[][], s = D.dense.int8_scale as number[];
  const row = q.map((r) => r.reduce((a, v, j) => a + v / s[j], 0));
  assertAllClose(gx, (D.dense.x as number[][]).map(() => row), { rtol: 1e-5 });
  // Only the bias trains: the int8 kernel and its scale are frozen.
  assert.deepEqual(d.trainableWeights, [d.bias]);
});

test("model.quantize walks the layers with Keras' filters; bad modes, float8/gptq/awq and a second quantize are refused", () => {
  const make = () => new tf.models.Sequential([layers.Input({ shape: [5] }), layers.Dense({ units: 4, name: "keep" }), layers.Dropout({ rate: 0.1 }), layers.Dense({ units: 2, name: "q_out" })]);
  const m = make();
  m.quantize("int8", { filters: "^q_" });
  const [keep, , out] = m.layers as Dense[];
  assert.equal(keep.quantizationMode, null);
  assert.equal(out.quantizationMode, "int8");
  const m2 = make();
  m2.quantize("int4", { filters: (l) => l.name === "keep" });
  assert.equal((m2.layers[0] as Dense).quantizationMode, "int4");
  assert.equal(((m2.layers[0] as Dense).getConfig().dtype as { config: { mode: string } }).config.mode, "int4/128");
  assert.throws(() => m.quantize("int16"), /invalid quantization mode. Expected one of \["int8","float8","int4","gptq","awq"\]. Received: mode="int16"/);
  for (const mode of ["float8", "gptq", "awq"]) assert.throws(() => make().quantize(mode), new RegExp(`quantization mode "${mode}" is not supported: lamina supports "int8" and "int4" because`));
  assert.throws(() => out.quantize("int8"), /already quantized with dtype_policy='int8_from_float32'/);
  assert.throws(() => layers.Dense({ units: 2 }).quantize("int8"), /cannot quantize a layer that isn't yet built/);
  assert.throws(() => out.quantize("int8", { config: quantizers.Int4QuantizationConfig() }), /contradictory arguments: mode="int8" but config.mode="int4"/);
  assert.throws(() => layers.Dropout({ rate: 0.5, dtype: "int8_from_float32" }), /quantized dtype policy "int8_from_float32" is for the layers lamina can quantize \(Dense, EinsumDense, Embedding, ReversibleEmbedding\); Dropout cannot be quantized/);
});

test("a quantized model saves as .keras (Keras' variable order, quantized policy and config) and .weights.h5, and loads back quantized", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "lamina-quant-"));
  try {
    const m = new tf.models.Sequential([layers.Input({ shape: [5] }), layers.Dense({ units: 3, name: "a" }), layers.Dense({ units: 2, name: "b", useBias: false })]);
    m.getLayer("a").setWeights([tf.constant(D.w, "float32"), tf.constant(D.dense.bias, "float32")]);
    m.quantize("int8", { filters: "a" });
    (m.getLayer("b") as Dense).quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: 2 }) });
    const x = tf.constant(D.dense.x, "float32");
    const y = m.predict(x, { verbose: 0 }) as tf.Tensor;
    const store: Record<string, tf.Tensor> = {};
    m.getLayer("a").saveOwnVariables(store);
    assert.deepEqual(Object.values(store).map((t) => [t.dtype, t.shape]), [["int8", [5, 3]], ["float32", [3]], ["float32", [3]]]);
    const path = join(dir, "q.keras");
    await m.save(path);
    const back = await tf.models.loadModel(path);
    const a = back.getLayer("a") as Dense, b = back.getLayer("b") as Dense;
    assert.equal(a.quantizationMode, "int8");
    assert.equal(b.quantizationMode, "int4");
    assert.deepEqual(a.kernel!.arraySync(), D.dense.int8_kernel);
    assert.deepEqual(b.getConfig().quantization_config, quantizers.serialize(quantizers.Int4QuantizationConfig({ blockSize: 2 })));
    assertAllClose(back.predict(x, { verbose: 0 }) as tf.Tensor, y, { rtol: 1e-6 });
    const wpath = join(dir, "q.weights.h5");
    await m.saveWeights(wpath);
    const fresh = new tf.models.Sequential([layers.Input({ shape: [5] }), layers.Dense({ units: 3, name: "a" }), layers.Dense({ units: 2, name: "b", useBias: false })]);
    fresh.quantize("int8", { filters: "a" });
    (fresh.getLayer("b") as Dense).quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: 2 }) });
    await fresh.loadWeights(wpath);
    assertAllClose(fresh.predict(x, { verbose: 0 }) as tf.Tensor, y, { rtol: 1e-6 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("LoRA on a quantized Dense: x·A·B added to the quantized product; saving re-quantizes the merged kernel as Keras does", () => {
  const d = fixtureDense();
  d.quantize("int8");
  d.enableLora(2);
  assert.deepEqual(d.loraKernelA!.shape, [5, 2]);
  assert.deepEqual(d.loraKernelB!.shape, [2, 3]);
  d.loraKernelB!.assign(tf.fill([2, 3], 0.1, "float32"));
  const x = tf.constant(D.dense.x, "float32");
  const base = tf.constant(D.dense.int8_out, "float32");
  const lora = tf.matmul(tf.matmul(x, d.loraKernelA!), d.loraKernelB!);
  assertAllClose(d.apply(x) as tf.Tensor, tf.add(base, lora), { rtol: 1e-5, atol: 1e-5 });
  assert.deepEqual(d.trainableWeights.map((w) => w.name.split("/").pop()), ["bias", "lora_kernel_a", "lora_kernel_b"]);
  const store: Record<string, tf.Tensor> = {};
  d.saveOwnVariables(store);
  assert.deepEqual(Object.keys(store), ["0", "1", "2"]);
  // The stored int8 kernel / scale is the dequantized kernel plus A·B, re-quantized per column.
  const merged = tf.add(tf.div(tf.cast(tf.constant(D.dense.int8_kernel, "int8"), "float32"), tf.constant(D.dense.int8_scale, "float32")), tf.matmul(d.loraKernelA!, d.loraKernelB!));
  assertAllClose(tf.div(tf.cast(store["0"], "float32"), store["2"]), merged, { atol: 0.05 });
});

test("Embedding int8/int4: Keras' per-row table, scale and lookups (int4 per row and per block of columns); saved and loaded quantized", async () => {
  const E = D.embedding;
  const make = (): Embedding => {
    const e = layers.Embedding({ inputDim: 6, outputDim: 5 }) as Embedding;
    e.build([null]);
    e.setWeights([tf.constant(E.table, "float32")]);
    return e;
  };
  const idx = tf.constant(E.indices, "int32");
  const e8 = make();
  e8.quantize("int8");
  assert.deepEqual(e8.embeddings!.arraySync(), E.int8_table);
  assertAllClose(e8.embeddingsScale!, E.int8_scale, { rtol: 1e-6 });
  assertAllClose(e8.apply(idx) as tf.Tensor, E.int8_out, { rtol: 1e-6, atol: 1e-7 });
  const e4 = make();
  e4.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: null }) });
  assert.deepEqual(e4.embeddings!.arraySync(), E.int4_packed);
  assertAllClose(e4.apply(idx) as tf.Tensor, E.int4_out, { rtol: 1e-6, atol: 1e-7 });
  const s = make();
  s.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: 2 }) });
  assertAllClose(s.embeddingsScale!, E.int4_sub_scale, { rtol: 1e-6 });
  assert.deepEqual(s.weights.map((w) => w.name.split("/").pop()), ["embeddings", "embeddings_scale", "embeddings_zero", "g_idx"]);
  assertAllClose(s.apply(idx) as tf.Tensor, E.int4_sub_out, { rtol: 1e-5, atol: 1e-6 });
  // A layer rebuilt from the quantized config and loaded from the store looks up the same values.
  const store: Record<string, tf.Tensor> = {};
  s.saveOwnVariables(store);
  const back = layers.deserialize(layers.serialize(s)) as Embedding;
  if (!back.built) back.build([null]);
  back.loadOwnVariables(store);
  assert.equal(back.quantizationMode, "int4");
  assertAllClose(back.apply(idx) as tf.Tensor, E.int4_sub_out, { rtol: 1e-5, atol: 1e-6 });
});

test("ReversibleEmbedding (tied) int8/int4: lookups as Embedding's, the reverse projection against the quantized table as Keras'; untied refused", () => {
  const E = D.embedding;
  const h = tf.constant(E.hidden, "float32");
  for (const [mode, config, ref] of [["int8", null, E.reverse_int8], ["int4", quantizers.Int4QuantizationConfig({ blockSize: null }), E.reverse_int4],
    ["int4", quantizers.Int4QuantizationConfig({ blockSize: 2 }), E.reverse_int4_sub]] as const) {
    const r = layers.ReversibleEmbedding({ inputDim: 6, outputDim: 5 });
    r.build([null]);
    r.setWeights([tf.constant(E.table, "float32")]);
    r.quantize(mode, { config });
    assertAllClose(r.apply(h, { reverse: true }) as tf.Tensor, ref, { rtol: 1e-5, atol: 1e-5, what: `${mode} ${config?.blockSize}` });
    if (mode === "int8") assertAllClose(r.apply(tf.constant(E.indices, "int32")) as tf.Tensor, E.int8_out, { rtol: 1e-6, atol: 1e-7 });
  }
  const untied = layers.ReversibleEmbedding({ inputDim: 4, outputDim: 2, tieWeights: false });
  untied.build([null]);
  assert.throws(() => untied.quantize("int8"), /quantizing a ReversibleEmbedding with tieWeights false is not supported/);
});

test("inputsQuantizer (Keras' inputs_quantizer): none for a float layer or weight-only int4, the int8 default AbsMaxQuantizer, or the config's own", () => {
  assert.equal(fixtureDense().inputsQuantizer, null);
  const int8 = fixtureDense();
  int8.quantize("int8");
  assert.ok(int8.inputsQuantizer instanceof quantizers.AbsMaxQuantizer);
  const custom = new quantizers.AbsMaxQuantizer({ valueRange: [-100, 100] });
  const configured = fixtureDense();
  configured.quantize(null, { config: new quantizers.Int8QuantizationConfig({ weightQuantizer: new quantizers.AbsMaxQuantizer({ axis: 0 }), activationQuantizer: custom }) });
  assert.equal(configured.inputsQuantizer, custom);
  const weightOnly = fixtureDense();
  weightOnly.quantize(null, { config: new quantizers.Int4QuantizationConfig({ weightQuantizer: new quantizers.AbsMaxQuantizer({ valueRange: [-8, 7], axis: 0 }), activationQuantizer: null, blockSize: null }) });
  assert.equal(weightOnly.quantizationMode, "int4");
  assert.equal(weightOnly.inputsQuantizer, null);
});
