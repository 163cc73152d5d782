import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import type { EinsumDense } from "./einsum_dense.js";
import type { Dense } from "./core.js";
import type { SymbolicTensor } from "./symbolic.js";
import { Hdf5File } from "../io/h5.js";

const { layers, quantizers } = tf;
/** Made by test/fixtures/make_einsum_quantized.py: numpy re-statements of Keras 3.15.1's EinsumDense quantize and quantized calls. */
interface Case {
  equation: string; x: number[]; kernel: number[]; upstream: number[]; float_out: number[];
  int8_kernel: number[]; int8_scale: number[]; int8_out: number[]; int8_input_grad: number[]; int8_weight_only_out: number[];
  int4_kernel: number[][]; int4_scale: number[]; int4_out: number[]; int4_quantized_inputs_out: number[];
  int4_sub_block: number; int4_sub_kernel: number[][]; int4_sub_scale: number[][]; int4_sub_zero: number[][]; int4_sub_out: number[];
}
const CASES = (JSON.parse(readFileSync(new URL("../../test/fixtures/einsum_quantized.json", import.meta.url), "utf8")) as { cases: Case[] }).cases;

/** An EinsumDense for a fixture case (no bias), built on its input and given its kernel. */
function layerFor(c: Case): { layer: EinsumDense; x: tf.Tensor } {
  const x = tf.constant(c.x, "float32");
  const out = tf.constant(c.float_out, "float32").shape;
  const left = c.equation.startsWith("...");
  const layer = layers.EinsumDense({ equation: c.equation, outputShape: left ? [out[out.length - 1]] : out.slice(1) });
  layer.build([null, ...x.shape.slice(1)]);
  layer.setWeights([tf.constant(c.kernel, "float32")]);
  assertAllClose(layer.apply(x) as tf.Tensor, c.float_out, { rtol: 1e-5, atol: 1e-5 });
  return { layer, x };
}

for (const c of CASES) {
  test(`EinsumDense "${c.equation}" int8: Keras' kernel, output-aligned scale, forward (inputs quantized over the reduced axes) and inputs' gradient`, () => {
    const { layer, x } = layerFor(c);
    layer.quantize("int8");
    assert.equal(layer.quantizationMode, "int8");
    assert.equal(layer.kernel!.dtype, "int8");
    assert.deepEqual(layer.kernel!.arraySync(), c.int8_kernel);
    assertAllClose(layer.kernelScale!, c.int8_scale, { rtol: 1e-6 });
    assert.deepEqual(layer.kernelScale!.shape, tf.constant(c.int8_scale, "float32").shape);
    assertAllClose(layer.apply(x) as tf.Tensor, c.int8_out, { rtol: 1e-5, atol: 1e-5 });
    const g = tf.constant(c.upstream, "float32");
    const [gx] = tf.grads((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi) as tf.Tensor, g)))([x]);
    assertAllClose(gx, c.int8_input_grad, { rtol: 1e-5, atol: 1e-5 });
    assert.deepEqual(layer.trainableWeights, []);
    const weightOnly = layerFor(c).layer;
    weightOnly.quantize("int8", { config: quantizers.Int8QuantizationConfig({ activationQuantizer: null }) });
    assert.equal(weightOnly.inputsQuantizer, null);
    assertAllClose(weightOnly.apply(x) as tf.Tensor, c.int8_weight_only_out, { rtol: 1e-5, atol: 1e-5 });
  });

  test(`EinsumDense "${c.equation}" int4: the kernel flattened to [reduced, rest] and packed, per channel and per block with a zero point`, () => {
    const { layer, x } = layerFor(c);
    layer.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: null }) });
    assert.deepEqual(layer.kernel!.arraySync(), c.int4_kernel);
    assertAllClose(layer.kernelScale!, c.int4_scale, { rtol: 1e-6 });
    assertAllClose(layer.apply(x) as tf.Tensor, c.int4_out, { rtol: 1e-5, atol: 1e-5 });
    assert.deepEqual((layer.getConfig().dtype as { config: unknown }).config, { mode: "int4/-1", source_name: "float32" });
    const withInputs = layerFor(c).layer;
    withInputs.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: null, activationQuantizer: new quantizers.AbsMaxQuantizer() }) });
    assertAllClose(withInputs.apply(x) as tf.Tensor, c.int4_quantized_inputs_out, { rtol: 1e-5, atol: 1e-5 });
    const sub = layerFor(c).layer;
    sub.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: c.int4_sub_block }) });
    assert.deepEqual(sub.weights.map((w) => w.name.split("/").pop()), ["kernel", "kernel_scale", "kernel_zero", "g_idx"]);
    assert.deepEqual(sub.kernel!.arraySync(), c.int4_sub_kernel);
    assertAllClose(sub.kernelScale!, c.int4_sub_scale, { rtol: 1e-6 });
    assertAllClose(sub.apply(x) as tf.Tensor, c.int4_sub_out, { rtol: 1e-5, atol: 1e-5 });
  });
}

/** A model with a projection to heads (bias "de") and a Dense after it. */
function headsModel(): tf.models.Sequential {
  return new tf.models.Sequential([
    layers.Input({ shape: [3, 5] }),
    layers.EinsumDense({ equation: "abc,cde->abde", outputShape: [null, 2, 3], biasAxes: "de", name: "heads" }),
    layers.Reshape({ targetShape: [3, 6] }),
    layers.EinsumDense({ equation: "abc,cd->abd", outputShape: [null, 4], name: "proj" }),
    layers.Dense({ units: 2, name: "out" }),
  ]);
}

test("model.quantize picks EinsumDense layers up; a quantized model saves as .keras (int8 and packed int4 kernels, Keras' order) and loads back with identical outputs", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "lamina-einsumq-"));
  try {
    const m = headsModel();
    const heads = m.getLayer("heads") as EinsumDense, proj = m.getLayer("proj") as EinsumDense;
    heads.bias!.assign(tf.random.normal([2, 3], 0, 1, "float32", 7));
    m.quantize("int8", { filters: (l) => l.name !== "proj" });
    proj.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: 4 }) });
    assert.equal(heads.quantizationMode, "int8");
    assert.equal((m.getLayer("out") as Dense).quantizationMode, "int8");
    const store: Record<string, tf.Tensor> = {};
    heads.saveOwnVariables(store);
    assert.deepEqual(Object.values(store).map((t) => [t.dtype, t.shape]), [["int8", [5, 2, 3]], ["float32", [2, 3]], ["float32", [1, 1, 2, 3]]]);
    const pstore: Record<string, tf.Tensor> = {};
    proj.saveOwnVariables(pstore);
    // int4: [6 reduced rows, 4 columns] packed to [6, 2], scale and zero per block of 4 rows, g_idx.
    assert.deepEqual(Object.values(pstore).map((t) => [t.dtype, t.shape]), [["int8", [6, 2]], ["float32", [2, 4]], ["int8", [2, 4]], ["float32", [6]]]);
    assert.deepEqual(heads.getConfig().dtype, { module: "keras.dtype_policies", class_name: "QuantizedDTypePolicy", config: { mode: "int8", source_name: "float32" }, registered_name: null });
    const x = tf.random.normal([4, 3, 5], 0, 1, "float32", 3);
    const y = m.predict(x, { verbose: 0 }) as tf.Tensor;
    const path = join(dir, "q.keras");
    await m.save(path);
    const back = await tf.models.loadModel(path);
    const h2 = back.getLayer("heads") as EinsumDense, p2 = back.getLayer("proj") as EinsumDense;
    assert.equal(h2.quantizationMode, "int8");
    assert.equal(p2.quantizationMode, "int4");
    assert.deepEqual(h2.kernel!.arraySync(), heads.kernel!.arraySync());
    assert.deepEqual(p2.kernel!.arraySync(), proj.kernel!.arraySync());
    assert.deepEqual(p2.getConfig().quantization_config, quantizers.serialize(quantizers.Int4QuantizationConfig({ blockSize: 4 })));
    assert.deepEqual((back.predict(x, { verbose: 0 }) as tf.Tensor).arraySync(), y.arraySync());
    // The weight file holds the int8 kernel and the packed int4 one as int8 datasets, in Keras' order.
    const wpath = join(dir, "q.weights.h5");
    await m.saveWeights(wpath);
    const h5 = await Hdf5File.openForReading(wpath);
    try {
      const vars = (layer: string): [string, number[]][] => h5.children(`layers/${layer}/vars`).map((k) => {
        const a = h5.readArray(`layers/${layer}/vars/${k}`);
        return [a.dtype, a.shape];
      });
      assert.deepEqual(vars("einsum_dense"), [["int8", [5, 2, 3]], ["float32", [2, 3]], ["float32", [1, 1, 2, 3]]]);
      assert.deepEqual(vars("einsum_dense_1"), [["int8", [6, 2]], ["float32", [2, 4]], ["int8", [2, 4]], ["float32", [6]]]);
      assert.deepEqual([...h5.readArray("layers/einsum_dense_1/vars/0").data], (proj.kernel!.arraySync() as number[][]).flat());
    } finally {
      h5.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("EinsumDense quantize refusals: unknown modes, float8/gptq/awq (lamina has neither float8 dtypes nor calibration), unbuilt, twice; a quantized policy builds it quantized", () => {
  const make = (): EinsumDense => {
    const l = layers.EinsumDense({ equation: "ab,bc->ac", outputShape: 3 });
    l.build([null, 4]);
    return l;
  };
  assert.throws(() => make().quantize("int16"), /invalid quantization mode/);
  for (const mode of ["float8", "gptq", "awq"]) assert.throws(() => make().quantize(mode), new RegExp(`quantization mode "${mode}" is not supported: lamina supports "int8" and "int4"`));
  assert.throws(() => layers.EinsumDense({ equation: "ab,bc->ac", outputShape: 3 }).quantize("int8"), /cannot quantize a layer that isn't yet built/);
  assert.throws(() => make().quantize("int8", { config: quantizers.Int8QuantizationConfig({ weightQuantizer: new quantizers.AbsMaxQuantizer({ axis: 1 }) }) }),
    /the weight quantizer's axis \[1\] must be the kernel axes the equation reduces, \[0\] for kernel "bc"; leave its axis unset/);
  make().quantize("int8", { config: quantizers.Int8QuantizationConfig({ weightQuantizer: new quantizers.AbsMaxQuantizer({ axis: 0 }) }) });
  const q = make();
  q.quantize("int8");
  assert.throws(() => q.quantize("int4"), /already quantized with dtype_policy='int8_from_float32'/);
  const fromPolicy = layers.EinsumDense({ equation: "abc,cde->abde", outputShape: [null, 2, 3], dtype: "int8_from_float32" });
  fromPolicy.build([null, 3, 5]);
  assert.deepEqual(fromPolicy.weights.map((w) => [w.name.split("/").pop(), w.dtype, w.shape]), [["kernel", "int8", [5, 2, 3]], ["kernel_scale", "float32", [1, 1, 2, 3]]]);
});

test("LoRA on a quantized EinsumDense: einsum(x, A·B) added to the quantized product; saving re-quantizes the merged kernel", () => {
  const c = CASES[2]; // "abc,cde->abde"
  const { layer, x } = layerFor(c);
  layer.quantize("int8");
  layer.enableLora(2);
  assert.deepEqual(layer.loraKernelA!.shape, [5, 2, 2]);
  assert.deepEqual(layer.loraKernelB!.shape, [2, 3]);
  layer.loraKernelB!.assign(tf.fill([2, 3], 0.1, "float32"));
  const ab = tf.reshape(tf.matmul(tf.reshape(layer.loraKernelA!, [10, 2]), layer.loraKernelB!), [5, 2, 3]);
  const want = tf.add(tf.constant(c.int8_out, "float32"), tf.einsum(c.equation, x, ab));
  assertAllClose(layer.apply(x) as tf.Tensor, want, { rtol: 1e-5, atol: 1e-5 });
  const store: Record<string, tf.Tensor> = {};
  layer.saveOwnVariables(store);
  const deq = tf.div(tf.cast(tf.constant(c.int8_kernel, "int8"), "float32"), tf.reshape(tf.constant(c.int8_scale, "float32"), [1, 2, 3]));
  assertAllClose(tf.div(tf.cast(store["0"], "float32"), tf.reshape(store["1"], [1, 2, 3])), tf.add(deq, ab), { atol: 0.02 });
});

test("a float64 EinsumDense quantizes to int8_from_float64 and int4 computes in float64; mergedKernel is the dequantized kernel in the kernel's shape", () => {
  const c = CASES[2]; // "abc,cde->abde"
  const x = tf.constant(c.x, "float64");
  const l = layers.EinsumDense({ equation: c.equation, outputShape: [null, 2, 3], dtype: "float64" });
  l.build([null, 3, 5]);
  l.setWeights([tf.constant(c.kernel, "float64")]);
  l.quantize("int8");
  assert.equal((l.getConfig().dtype as { config: { source_name: string } }).config.source_name, "float64");
  const y = l.apply(x) as tf.Tensor;
  assert.equal(y.dtype, "float64");
  assertAllClose(y, c.int8_out, { rtol: 1e-4, atol: 1e-4 });
  const i4 = layerFor(c).layer;
  i4.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: null }) });
  assert.deepEqual(i4.mergedKernel!.shape, [5, 2, 3]);
  const flat = tf.div(tf.cast(quantizers.unpackInt4(tf.constant(c.int4_kernel, "int8"), 6, -1), "float32"), tf.constant(c.int4_scale, "float32"));
  assertAllClose(i4.mergedKernel!, tf.reshape(flat, [5, 2, 3]), { rtol: 1e-6 });
});

test("model.quantize reaches MultiHeadAttention's EinsumDense projections (leaf layers, as Keras' walk); the attention stays within the int8 error", () => {
  const inp = layers.Input({ shape: [4, 6] });
  const mha = layers.MultiHeadAttention({ numHeads: 2, keyDim: 3 });
  const m = new tf.models.Model({ inputs: inp, outputs: mha.apply([inp, inp]) as SymbolicTensor });
  const x = tf.random.normal([2, 4, 6], 0, 1, "float32", 1);
  const y0 = m.predict(x, { verbose: 0 }) as tf.Tensor;
  m.quantize("int8");
  for (const d of [mha.queryDense, mha.keyDense, mha.valueDense, mha.outputDense]) assert.equal(d!.quantizationMode, "int8");
  const y = m.predict(x, { verbose: 0 }) as tf.Tensor;
  const err = tf.max(tf.abs(tf.sub(y, y0))).arraySync() as number;
  assert.ok(err > 0 && err < 0.05, `int8 attention differs from float by ${err}`);
});
