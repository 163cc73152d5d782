import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import "../backend/js/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant, ones } from "../tensor/creation.js";
import { normal } from "../tensor/random.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import * as layers from "./index.js";
import type { LayerShape } from "./layer.js";

interface Arr { shape: number[]; data: number[] }
interface Case { name: string; layer: string; args: Record<string, unknown>; x: Arr; weights: Arr[]; y: Arr }

const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/layers_more.json", import.meta.url), "utf8")) as { cases: Case[] };

const t32 = (a: Arr): Tensor => constant(a.data, a.shape, "float32");
const f64 = (shape: number[], seed: number): Tensor => normal(shape, 0, 1, { dtype: "float64", seed });

function make(c: Case): layers.Layer {
  switch (c.layer) {
    case "Conv2DTranspose": return layers.Conv2DTranspose(c.args as layers.Conv2DTransposeArgs);
    case "DepthwiseConv2D": return layers.DepthwiseConv2D(c.args as layers.DepthwiseConv2DArgs);
    case "SeparableConv2D": return layers.SeparableConv2D(c.args as layers.SeparableConv2DArgs);
    default: throw new Error(`no such layer ${c.layer}`);
  }
}

test("Conv2DTranspose, DepthwiseConv2D, SeparableConv2D match PyTorch (TF semantics, Keras output sizes)", () => {
  const cases = fixture.cases.filter((c) => ["Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D"].includes(c.layer));
  assert.equal(cases.length, 14);
  for (const c of cases) {
    const layer = make(c);
    const x = t32(c.x);
    layer(x);
    layer.setWeights(c.weights.map(t32));
    const y = layer(x);
    assertAllClose(y, c.y, { rtol: 1e-5, atol: 1e-5, what: `${c.layer} ${c.name}` });
    // computeOutputShape agrees with the eager output, with a known and an unknown batch.
    assert.deepEqual(layer.computeOutputShape(x.shape), [...y.shape], `${c.layer} ${c.name}: computeOutputShape`);
    assert.deepEqual(layer.computeOutputShape([null, ...x.shape.slice(1)]), [null, ...y.shape.slice(1)]);
  }
});

test("Conv2DTranspose by hand: a 2x2 kernel of ones with strides 2 turns each pixel into a 2x2 block", () => {
  const layer = layers.Conv2DTranspose(1, 2, { strides: 2, kernelInitializer: "ones" });
  const y = layer(constant([1, 2, 3, 4], [1, 2, 2, 1], "float32"));
  assert.deepEqual(y.shape, [1, 4, 4, 1]);
  assert.deepEqual([...y.dataSync()], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  // Keras' valid rule with a kernel smaller than the stride: (n - 1) * s + max(k, s).
  const z = layers.Conv2DTranspose(1, 1, { strides: 3, kernelInitializer: "ones", useBias: false })(constant([5, 6], [1, 1, 2, 1], "float32"));
  assert.deepEqual(z.shape, [1, 3, 6, 1]);
  assert.deepEqual([...z.dataSync()], [5, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test("computeOutputShape equals the symbolic and eager shapes for several inputs and options", () => {
  const configs: (() => layers.Layer)[] = [
    () => layers.Conv2DTranspose(3, 3, { strides: 2, padding: "same" }),
    () => layers.Conv2DTranspose(2, [3, 2], { strides: [2, 3] }),
    () => layers.Conv2DTranspose(2, 3, { strides: 2, outputPadding: 1 }),
    () => layers.Conv2DTranspose(2, 5, { strides: 3, padding: "same", outputPadding: [2, 0] }),
    () => layers.DepthwiseConv2D(3, { depthMultiplier: 2 }),
    () => layers.DepthwiseConv2D([3, 2], { strides: 2, padding: "same" }),
    () => layers.SeparableConv2D(4, 3, { padding: "same", strides: 2, depthMultiplier: 3 }),
    () => layers.SeparableConv2D(2, 2, { dilationRate: 2 }),
  ];
  for (const shape of [[7, 7, 2], [8, 5, 3], [6, 9, 1]]) {
    for (const mk of configs) {
      const layer = mk();
      const sym = layer(layers.Input({ shape }));
      const y = layer(normal([2, ...shape], 0, 1, { seed: 1 }));
      assert.deepEqual(sym.shape, [null, ...y.shape.slice(1)], `${layer.name} on ${JSON.stringify(shape)}`);
      assert.deepEqual(layer.computeOutputShape([2, ...shape] as LayerShape), [...y.shape]);
    }
  }
});

test("weights have Keras' names, shapes and order; parameter counts by hand", () => {
  layers.clearSession();
  const x = ones([1, 5, 5, 3]);
  const sep = layers.SeparableConv2D(4, 3, { depthMultiplier: 2 });
  sep(x);
  assert.equal(sep.name, "separable_conv2d");
  assert.deepEqual(sep.weights.map((w) => [w.name, [...w.shape]]), [
    ["separable_conv2d/depthwise_kernel", [3, 3, 3, 2]],
    ["separable_conv2d/pointwise_kernel", [1, 1, 6, 4]],
    ["separable_conv2d/bias", [4]],
  ]);
  assert.equal(sep.countParams(), 3 * 3 * 3 * 2 + 6 * 4 + 4); // 82

  const dw = layers.DepthwiseConv2D(3, { depthMultiplier: 2 });
  dw(x);
  assert.equal(dw.name, "depthwise_conv2d");
  assert.deepEqual(dw.weights.map((w) => [w.name, [...w.shape]]), [["depthwise_conv2d/kernel", [3, 3, 3, 2]], ["depthwise_conv2d/bias", [6]]]);
  assert.equal(dw.countParams(), 54 + 6);

  const tr = layers.Conv2DTranspose(5, 3);
  tr(x);
  assert.equal(tr.name, "conv2d_transpose");
  assert.deepEqual(tr.weights.map((w) => [w.name, [...w.shape]]), [["conv2d_transpose/kernel", [3, 3, 5, 3]], ["conv2d_transpose/bias", [5]]]);
  assert.equal(tr.countParams(), 3 * 3 * 5 * 3 + 5); // 140

  const noBias = layers.SeparableConv2D({ filters: 8, kernelSize: [3, 3], useBias: false });
  noBias(ones([1, 4, 4, 16]));
  assert.equal(noBias.countParams(), 3 * 3 * 16 + 16 * 8);
});

test("gradients of Conv2DTranspose, SeparableConv2D and DepthwiseConv2D with respect to the input (float64)", () => {
  const tr = layers.Conv2DTranspose(2, 3, { strides: 2, padding: "same", outputPadding: 1, dtype: "float64", activation: "tanh" });
  checkGradients((x) => tr(x), [f64([1, 3, 3, 2], 11)]);
  const trValid = layers.Conv2DTranspose(2, [2, 3], { strides: [2, 1], dtype: "float64", biasInitializer: "ones" });
  checkGradients((x) => trValid(x), [f64([1, 2, 3, 2], 12)]);
  const sep = layers.SeparableConv2D(3, 3, { strides: 2, padding: "same", depthMultiplier: 2, dtype: "float64", activation: "sigmoid" });
  checkGradients((x) => sep(x), [f64([1, 5, 4, 2], 13)]);
  const dw = layers.DepthwiseConv2D(2, { depthMultiplier: 2, dtype: "float64" });
  checkGradients((x) => dw(x), [f64([1, 3, 3, 2], 14)]);
});

test("getConfig has Keras 3's keys and values", () => {
  const tr = layers.Conv2DTranspose(8, 3, { strides: 2, padding: "same", outputPadding: 1, name: "up" });
  assert.deepEqual(tr.getConfig(), {
    name: "up", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: "same",
    output_padding: [1, 1], data_format: "channels_last", dilation_rate: [1, 1], activation: "linear", use_bias: true,
    kernel_initializer: tr.getConfig().kernel_initializer, bias_initializer: tr.getConfig().bias_initializer,
    kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
  });
  assert.equal((tr.getConfig().kernel_initializer as { class_name: string }).class_name, "GlorotUniform");
  // Keras 3.5 writes no output_padding (test/fixtures/keras_files/by_keras/layer_zoo.keras); lamina writes it only when set.
  assert.ok(!("output_padding" in layers.Conv2DTranspose(8, 3).getConfig()));

  const dwc = layers.DepthwiseConv2D(3, { depthMultiplier: 2, activation: "relu" }).getConfig();
  for (const k of ["depth_multiplier", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias",
    "depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
    "depthwise_constraint", "bias_constraint"]) assert.ok(k in dwc, `DepthwiseConv2D config has ${k}`);
  assert.equal(dwc.depth_multiplier, 2);
  assert.equal(dwc.activation, "relu");

  const sc = layers.SeparableConv2D(4, [3, 3]).getConfig();
  for (const k of ["depth_multiplier", "filters", "pointwise_initializer", "pointwise_regularizer", "pointwise_constraint", "depthwise_initializer"]) {
    assert.ok(k in sc, `SeparableConv2D config has ${k}`);
  }
  assert.equal(sc.depth_multiplier, 1);
  assert.equal(sc.filters, 4);
});

test("clear errors name the layer, the shapes and the fix", () => {
  assert.throws(() => layers.Conv2DTranspose(4, 3, { strides: 2, outputPadding: 2 }),
    /Conv2DTranspose conv2d_transpose(_\d+)?: outputPadding must be strictly less than strides for every axis; on axis 0 outputPadding is 2 but strides is 2/);
  assert.throws(() => layers.Conv2DTranspose(4, 2, { strides: 2, padding: "same", outputPadding: 0 }),
    /with padding "same", the even kernel size 2 and outputPadding 0 on axis 0/);
  assert.throws(() => layers.Conv2DTranspose(4, 3, { strides: 2, dilationRate: 2 }), /together with dilationRate \[2,2\] > 1 is not supported/);
  assert.throws(() => layers.Conv2DTranspose(0, 3), /filters must be a positive integer, got 0/);
  assert.throws(() => layers.Conv2DTranspose({ filters: 3 }), /kernelSize is required, e.g. layers.Conv2DTranspose\(32, \[3, 3\]\)/);
  assert.throws(() => layers.DepthwiseConv2D(3)(ones([2, 5, 5])), /DepthwiseConv2D depthwise_conv2d(_\d+)?: expects inputs of rank 4 \(batch, height, width, channels\), got shape \(2, 5, 5\)/);
  assert.throws(() => layers.DepthwiseConv2D(5)(layers.Input({ shape: [3, 8, 2] })),
    /the output size would be negative \(-1x4\): input \(None, 3, 8, 2\) is too small for kernel 5x5 .* use padding "same", a smaller kernel or a larger input/);
  assert.throws(() => layers.DepthwiseConv2D(3, { depthMultiplier: 0 }), /depthMultiplier must be a positive integer, got 0/);
  const sep = layers.SeparableConv2D(2, 3);
  sep(ones([1, 4, 4, 3]));
  assert.throws(() => sep(ones([1, 4, 4, 2])), /input shape \(1, 4, 4, 2\) is incompatible with the layer: it was built for inputs of shape \(1, 4, 4, 3\), and its weights need axis -1 to have size 3/);
});
