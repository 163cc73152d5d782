/**
 * The 1-D layers against Keras 3.5 (test/fixtures/conv1d.json, by make_keras_conv1d.py): outputs
 * for fixed weights and inputs, output shapes, configs read from and written as Keras writes them;
 * Conv1D's gradients against finite differences; the errors for what is refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
interface Case {
  x: Arr; weights: Arr[]; y: Arr; config: Record<string, unknown>; output_shape: (number | null)[]; reference: "keras" | "numpy"; keras_torch_y?: Arr;
}
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/conv1d.json", import.meta.url), "utf8")) as {
  keras: string; cases: Record<string, Case>;
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");

/** The same layers as the fixture's, made through lamina's factories with camelCase options. */
const MADE: Record<string, () => tf.layers.Layer> = {
  conv1d_valid: () => layers.Conv1D(3, 3),
  conv1d_same_even_stride2: () => layers.Conv1D(3, 4, { strides: 2, padding: "same" }),
  conv1d_causal_dilation2_relu: () => layers.Conv1D(4, 3, { padding: "causal", dilationRate: 2, activation: "relu" }),
  conv1d_causal_stride3: () => layers.Conv1D(2, 2, { padding: "causal", strides: 3 }),
  conv1d_same_dilation3_nobias: () => layers.Conv1D(2, 3, { padding: "same", dilationRate: 3, useBias: false }),
  conv1d_valid_stride2_tanh: () => layers.Conv1D(3, 5, { strides: 2, activation: "tanh" }),
  conv1d_transpose_valid_stride2: () => layers.Conv1DTranspose(2, 3, { strides: 2 }),
  conv1d_transpose_same_even_stride2: () => layers.Conv1DTranspose(3, 4, { strides: 2, padding: "same" }),
  conv1d_transpose_valid_small_kernel: () => layers.Conv1DTranspose(2, 2, { strides: 3 }),
  depthwise_conv1d_same_stride2: () => layers.DepthwiseConv1D(3, { strides: 2, padding: "same", depthMultiplier: 2 }),
  depthwise_conv1d_valid_dilation2: () => layers.DepthwiseConv1D(2, { dilationRate: 2, activation: "relu" }),
  separable_conv1d_same_stride2: () => layers.SeparableConv1D(3, 3, { strides: 2, padding: "same", depthMultiplier: 2 }),
  separable_conv1d_valid: () => layers.SeparableConv1D(2, 2),
  max_pooling1d_default_odd: () => layers.MaxPooling1D(),
  max_pooling1d_same_stride2: () => layers.MaxPool1D(3, { strides: 2, padding: "same" }),
  max_pooling1d_valid_stride1: () => layers.MaxPooling1D(3, { strides: 1 }),
  average_pooling1d_valid: () => layers.AveragePooling1D(2),
  average_pooling1d_same_stride1: () => layers.AvgPool1D(3, { strides: 1, padding: "same" }),
  average_pooling1d_same_asymmetric: () => layers.AveragePooling1D(3, { strides: 2, padding: "same" }),
  global_average_pooling1d: () => layers.GlobalAveragePooling1D(),
  global_max_pooling1d_keepdims: () => layers.GlobalMaxPooling1D({ keepdims: true }),
  up_sampling1d: () => layers.UpSampling1D(3),
  zero_padding1d: () => layers.ZeroPadding1D([2, 1]),
  cropping1d: () => layers.Cropping1D([1, 2]),
  cropping1d_default: () => layers.Cropping1D(),
  spatial_dropout1d: () => layers.SpatialDropout1D(0.4, { seed: 3 }),
};

test("every 1-D layer gives Keras 3.5's outputs and output shapes, made from camelCase options", () => {
  assert.deepEqual(Object.keys(MADE).sort(), Object.keys(fixture.cases).sort());
  for (const [name, c] of Object.entries(fixture.cases)) {
    tf.clearSession();
    const layer = MADE[name]();
    const x = t32(c.x);
    layer(x);
    layer.setWeights(c.weights.map(t32));
    // Keras' float32 results (or, where noted, numpy's float64 by TensorFlow's rule).
    assertAllClose(layer(x), c.y, { rtol: 1e-5, atol: 2e-6, what: `${name} (vs ${c.reference})` });
    assert.deepEqual(layer.computeOutputShape([null, ...c.x.shape.slice(1)]), c.output_shape, `${name}: output shape`);
    // The config Keras writes, key for key (build_config from the shape the layer was built for).
    assert.deepEqual(tf.serialization.serializeLayer(layer), c.config, `${name}: serialized as Keras serializes it`);
  }
});

test("a layer read from Keras' own config has Keras' weights layout and outputs, and writes the config back", () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    const layer = tf.serialization.deserializeLayer(c.config);
    assert.deepEqual(layer.weights.map((w) => w.shape), c.weights.map((w) => w.shape), `${name}: weight shapes`);
    layer.setWeights(c.weights.map(t32));
    assertAllClose(layer(t32(c.x)), c.y, { rtol: 1e-5, atol: 2e-6, what: `${name} from Keras' config` });
    assert.deepEqual(tf.serialization.serializeLayer(layer), c.config, `${name}: round trip`);
    // Layer.fromConfig on the class, with lamina's own getConfig().
    const cls = layer.constructor as typeof tf.layers.Layer;
    const again = cls.fromConfig(layer.getConfig());
    assert.deepEqual(again.getConfig(), layer.getConfig(), `${name}: fromConfig(getConfig())`);
  }
});

test("AveragePooling1D 'same' with uneven padding divides by the real steps (TensorFlow's rule), not Keras-torch's replicated edge", () => {
  const c = fixture.cases.average_pooling1d_same_asymmetric;
  assert.equal(c.reference, "numpy");
  // Hand check of the last window of sample 0, channel 0: steps 4 and 5 only (n 6, pool 3, stride 2, padding [0, 1]).
  const x = c.x.data, C = c.x.shape[2];
  const y = layers.AveragePooling1D(3, { strides: 2, padding: "same" })(t32(c.x)).arraySync() as number[][][];
  assert.ok(Math.abs(y[0][2][0] - (x[4 * C] + x[5 * C]) / 2) < 1e-6);
  assert.ok(Math.abs(y[0][2][0] - c.keras_torch_y!.data[2 * C]) > 1e-3, "the fixture shows where Keras' torch backend differs");
});

test("MaxPool1D, AvgPool1D and the Global*Pool1D aliases load under Keras' class names", () => {
  for (const [alias, cls] of [["MaxPool1D", "MaxPooling1D"], ["AvgPool1D", "AveragePooling1D"], ["GlobalAvgPool1D", "GlobalAveragePooling1D"], ["GlobalMaxPool1D", "GlobalMaxPooling1D"]]) {
    const layer = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: alias, config: {}, registered_name: null });
    assert.equal(layer.className, cls);
  }
});

test("Conv1D gradients (input, kernel, bias) match finite differences: causal + dilation, same + strides, valid", () => {
  const opts: tf.layers.Conv1DArgs[] = [
    { padding: "causal", dilationRate: 2, activation: "tanh" },
    { padding: "same", strides: 2 },
    { padding: "valid", kernelSize: 2, activation: "sigmoid" },
    { padding: "causal", strides: 3, kernelSize: 4 },
  ];
  opts.forEach((o, i) => {
    const layer = layers.Conv1D(3, 3, { ...o, dtype: "float64", biasInitializer: "glorot_uniform" });
    const x = tf.random.normal([2, 9, 2], 0, 1, { dtype: "float64", seed: 10 + i });
    layer(x);
    checkGradients((xx) => layer(xx), [x]);
    const w = tf.random.normal(layer.computeOutputShape(x.shape).map((d) => d ?? 2), 0, 1, { dtype: "float64", seed: 20 + i });
    checkVariableGradients(() => tf.sum(tf.mul(layer(x), w)), layer.weights);
  });
});

test("Conv1DTranspose, DepthwiseConv1D and SeparableConv1D gradients match finite differences", () => {
  const made = [
    layers.Conv1DTranspose(2, 3, { strides: 2, padding: "same", dtype: "float64" }),
    layers.DepthwiseConv1D(3, { depthMultiplier: 2, strides: 2, dtype: "float64" }),
    layers.SeparableConv1D(2, 2, { dilationRate: 2, padding: "same", dtype: "float64" }),
  ];
  made.forEach((layer, i) => {
    const x = tf.random.normal([2, 7, 2], 0, 1, { dtype: "float64", seed: 30 + i });
    layer(x);
    checkGradients((xx) => layer(xx), [x]);
    checkVariableGradients(() => tf.sum(tf.square(layer(x))), layer.weights);
  });
});

test("causal padding: output t depends on inputs up to t only", () => {
  const layer = layers.Conv1D(2, 3, { padding: "causal", dilationRate: 2, dtype: "float64" });
  const x = tf.random.normal([1, 10, 1], 0, 1, { dtype: "float64", seed: 3 });
  const y0 = layer(x).arraySync() as number[][][];
  // Changing step 6 leaves outputs 0..5 as they were and changes output 6.
  const data = x.arraySync() as number[][][];
  data[0][6][0] += 1;
  const y1 = layer(tf.constant(data, undefined, "float64")).arraySync() as number[][][];
  for (let t = 0; t < 6; t++) assert.deepEqual(y1[0][t], y0[0][t], `step ${t}`);
  assert.notDeepEqual(y1[0][6], y0[0][6]);
});

test("SpatialDropout1D drops whole channels over every step in training, and nothing in inference", () => {
  const layer = layers.SpatialDropout1D(0.5, { seed: 1 });
  const x = tf.ones([4, 6, 8]);
  assert.deepEqual(layer(x, { training: false }).arraySync(), x.arraySync());
  const y = layer(x, { training: true }).arraySync() as number[][][];
  let dropped = 0;
  for (const sample of y) {
    for (let c = 0; c < 8; c++) {
      const column = sample.map((step) => step[c]);
      assert.ok(column.every((v) => v === column[0]) && (column[0] === 0 || column[0] === 2), `channel ${c}: ${column}`);
      if (column[0] === 0) dropped++;
    }
  }
  assert.ok(dropped > 4 && dropped < 28, `${dropped} of 32 channels dropped at rate 0.5`);
});

test("refused with errors that name the layer, the values and the fix", () => {
  const throws = (f: () => unknown, re: RegExp): void => assert.throws(f, re);
  throws(() => layers.Conv1D(4, 3, { groups: 3 }), /Conv1D conv1d\w*: filters \(4\) must be a multiple of groups \(3\)/);
  throws(() => layers.Conv1D(4, 3, { groups: 2 })(tf.ones([1, 5, 3])), /Conv1D conv1d\w*: the input has 3 channels, not a multiple of groups \(2\)/);
  throws(() => layers.Conv1D(4, 3, { dataFormat: "channels_middle" as "channels_first" }), /Conv1D conv1d\w*: dataFormat must be "channels_last"/);
  throws(() => layers.Conv1D(4, 3, { strides: 2, dilationRate: 2 }), /strides 2 > 1 together with dilationRate 2 > 1/);
  throws(() => layers.Conv1D(4, 3, { padding: "full" as "same" }), /padding must be "valid", "same" or "causal", got "full"/);
  throws(() => layers.Conv1DTranspose(4, 3, { padding: "causal" as "same" }), /Conv1DTranspose .*padding must be "valid" or "same"/);
  throws(() => layers.MaxPooling1D(2, { padding: "causal" as "same" }), /MaxPooling1D .*padding must be "valid" or "same"/);
  throws(() => layers.Conv1D(4, [3, 3] as unknown as number), /kernelSize must be a positive integer or a list of one, got \[3,3\]/);
  throws(() => layers.Conv1D(0, 3), /filters must be a positive integer, got 0/);
  throws(() => layers.Conv1D(4, 3)(tf.ones([2, 5])), /expects inputs of rank 3 \(batch, steps, channels\), got shape \(2, 5\).*Reshape/);
  throws(() => layers.Conv1D(4, 5)(tf.ones([2, 4, 1])), /Conv1D conv1d\w*: the output size would be 0 \(0\): input \(2, 4, 1\) is too small for kernel 5 \(dilation 1\) with strides 1 and padding "valid"; use padding "same" or "causal", a smaller kernel or a larger input/);
  throws(() => layers.MaxPooling1D(3)(tf.ones([1, 2, 1])), /MaxPooling1D max_pooling1d\w*: the output size would be 0 \(0\): input \(1, 2, 1\) is too small for pool 3 with strides 3/);
  throws(() => layers.Cropping1D([2, 3])(tf.ones([1, 5, 1])), /cropping \[2, 3\] removes 5 steps but the input \(1, 5, 1\) has 5/);
  throws(() => layers.ZeroPadding1D(-1), /padding must be a non-negative integer or a pair/);
  throws(
    () => tf.serialization.deserializeLayer({ module: "keras.layers", class_name: "Conv1D", config: { filters: 4, kernel_size: [3], groups: 0 }, registered_name: null }),
    /groups must be a positive integer, got 0/,
  );
});

test("the 1-D convolutions keep activityRegularizer in their configs, as Keras 3.5's get_config writes activity_regularizer", () => {
  // base_conv.py, base_conv_transpose.py, base_depthwise_conv.py, base_separable_conv.py:
  // "activity_regularizer": regularizers.serialize(self.activity_regularizer)
  const made: [string, () => tf.layers.Layer][] = [
    ["Conv1D", () => layers.Conv1D(2, 3, { activityRegularizer: "l2" })],
    ["Conv1DTranspose", () => layers.Conv1DTranspose(2, 3, { activityRegularizer: "l2" })],
    ["DepthwiseConv1D", () => layers.DepthwiseConv1D(3, { activityRegularizer: "l2" })],
    ["SeparableConv1D", () => layers.SeparableConv1D(2, 3, { activityRegularizer: "l2" })],
  ];
  for (const [className, make] of made) {
    const config = make().getConfig();
    assert.deepEqual(config.activity_regularizer, { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 }, registered_name: null }, className);
    const back = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: className, config, registered_name: null });
    assert.deepEqual(back.getConfig().activity_regularizer, config.activity_regularizer, `${className} after a round trip`);
    // The penalty follows the layer through its config.
    back.apply(tf.ones([1, 4, 1]));
    assert.equal(back.losses.length, 1, className);
  }
  assert.equal(layers.Conv1D(2, 3).getConfig().activity_regularizer, null);
});
