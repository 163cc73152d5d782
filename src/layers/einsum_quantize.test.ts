import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import type { EinsumDense } from "./einsum_dense.js";

const { layers, quantizers } = tf;
/** Made by test/fixtures/make_einsum_quantized.py: numpy re-statements of Keras 3.15.1's EinsumDense quantize and quantized calls. */
interface Case {
  equation: string; x: number[]; kernel: number[]; upstream: number[]; float_out: number[];
  int8_kernel: number[]; int8_scale: number[]; int8_out: number[]; int8_input_grad: number[];
  int4_kernel: number[][]; int4_scale: number[]; int4_out: number[];
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
  });

  test(`EinsumDense "${c.equation}" int4: the kernel flattened to [reduced, rest] and packed, per channel and per block with a zero point`, () => {
    const { layer, x } = layerFor(c);
    layer.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: null }) });
    assert.deepEqual(layer.kernel!.arraySync(), c.int4_kernel);
    assertAllClose(layer.kernelScale!, c.int4_scale, { rtol: 1e-6 });
    assertAllClose(layer.apply(x) as tf.Tensor, c.int4_out, { rtol: 1e-5, atol: 1e-5 });
    assert.deepEqual((layer.getConfig().dtype as { config: unknown }).config, { mode: "int4/-1", source_name: "float32" });
    const sub = layerFor(c).layer;
    sub.quantize("int4", { config: quantizers.Int4QuantizationConfig({ blockSize: c.int4_sub_block }) });
    assert.deepEqual(sub.weights.map((w) => w.name.split("/").pop()), ["kernel", "kernel_scale", "kernel_zero", "g_idx"]);
    assert.deepEqual(sub.kernel!.arraySync(), c.int4_sub_kernel);
    assertAllClose(sub.kernelScale!, c.int4_sub_scale, { rtol: 1e-6 });
    assertAllClose(sub.apply(x) as tf.Tensor, c.int4_sub_out, { rtol: 1e-5, atol: 1e-5 });
  });
}
