/**
 * The 3-D layers against Keras 3.5 (test/fixtures/layers3d.json, by make_keras_3d.py): outputs for
 * fixed weights and inputs, output shapes, configs read from and written as Keras writes them,
 * Keras' alias names; a Keras-written 3-D model loading with Keras' predictions; gradients
 * against finite differences; the errors for what is refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;

interface Arr { shape: number[]; data: number[] }
interface Case { x: Arr; weights: Arr[]; y: Arr; config: Record<string, unknown>; output_shape: (number | null)[] }
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/layers3d.json", import.meta.url), "utf8")) as {
  keras: string; cases: Record<string, Case>; aliases: Record<string, string>;
  model: { file: string; layers: string[]; x: Arr; predictions: number[][] };
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const CF = { dataFormat: "channels_first" } as const;

/** The same layers as the fixture's, made through lamina's factories with camelCase options. */
const MADE: Record<string, () => tf.layers.Layer> = {
  conv3d_valid: () => layers.Conv3D(3, 3),
  conv3d_same_strides_relu: () => layers.Conv3D(2, [3, 2, 3], { strides: [2, 1, 2], padding: "same", activation: "relu" }),
  conv3d_same_even_kernel_dilation: () => layers.Convolution3D(2, 2, { padding: "same", dilationRate: [1, 2, 2], useBias: false }),
  conv3d_groups: () => layers.Conv3D(4, 2, { groups: 2, padding: "same" }),
  conv3d_channels_first: () => layers.Conv3D(3, 2, { strides: 2, ...CF }),
  conv3d_transpose_valid_stride2: () => layers.Conv3DTranspose(2, 3, { strides: 2 }),
  conv3d_transpose_same_even_kernel: () => layers.Conv3DTranspose(3, [2, 4, 4], { strides: 2, padding: "same" }),
  conv3d_transpose_valid_small_kernel_tanh: () => layers.Convolution3DTranspose(2, 2, { strides: 3, activation: "tanh" }),
  conv3d_transpose_channels_first: () => layers.Conv3DTranspose(2, 4, { strides: 2, padding: "same", ...CF }),
  max_pooling3d_default: () => layers.MaxPooling3D(),
  max_pooling3d_same_stride: () => layers.MaxPool3D([3, 2, 3], { strides: [2, 1, 2], padding: "same" }),
  max_pooling3d_channels_first: () => layers.MaxPooling3D(2, CF),
  average_pooling3d_valid: () => layers.AveragePooling3D(2),
  average_pooling3d_same_symmetric: () => layers.AvgPool3D(3, { strides: 1, padding: "same" }),
  average_pooling3d_channels_first: () => layers.AveragePooling3D([1, 2, 2], CF),
  global_average_pooling3d: () => layers.GlobalAveragePooling3D(),
  global_max_pooling3d_keepdims_cf: () => layers.GlobalMaxPool3D({ keepdims: true, ...CF }),
  up_sampling3d: () => layers.UpSampling3D([2, 1, 3]),
  up_sampling3d_channels_first: () => layers.UpSampling3D(CF),
  zero_padding3d: () => layers.ZeroPadding3D([[1, 0], [2, 1], [0, 2]]),
  zero_padding3d_default_cf: () => layers.ZeroPadding3D(CF),
  cropping3d: () => layers.Cropping3D([[1, 0], [0, 2], [1, 1]]),
  cropping3d_default_cf: () => layers.Cropping3D(CF),
  spatial_dropout3d: () => layers.SpatialDropout3D(0.4, { seed: 3 }),
};

test("every 3-D layer gives Keras 3.5's outputs and output shapes, made from camelCase options", () => {
  assert.deepEqual(Object.keys(MADE).sort(), Object.keys(fixture.cases).sort());
  for (const [name, c] of Object.entries(fixture.cases)) {
    tf.clearSession();
    const layer = MADE[name]();
    const x = t32(c.x);
    layer(x);
    layer.setWeights(c.weights.map(t32));
    assertAllClose(layer(x), c.y, { rtol: 1e-5, atol: 2e-6, what: `${name} vs Keras` });
    assert.deepEqual(layer.computeOutputShape([null, ...c.x.shape.slice(1)]), c.output_shape, `${name}: output shape`);
    assert.deepEqual(tf.serialization.serializeLayer(layer), c.config, `${name}: serialized as Keras serializes it`);
  }
});

test("a 3-D layer read from Keras' own config has Keras' weights layout and outputs, and writes the config back", () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    const layer = tf.serialization.deserializeLayer(c.config);
    assert.deepEqual(layer.weights.map((w) => w.shape), c.weights.map((w) => w.shape), `${name}: weight shapes`);
    layer.setWeights(c.weights.map(t32));
    assertAllClose(layer(t32(c.x)), c.y, { rtol: 1e-5, atol: 2e-6, what: `${name} from Keras' config` });
    assert.deepEqual(tf.serialization.serializeLayer(layer), c.config, `${name}: round trip`);
    const cls = layer.constructor as typeof tf.layers.Layer;
    assert.deepEqual(cls.fromConfig(layer.getConfig()).getConfig(), layer.getConfig(), `${name}: fromConfig(getConfig())`);
  }
});

test("Keras' alias names (Convolution2D, SeparableConvolution1D, MaxPool3D, ...) load as the classes Keras makes of them", () => {
  const conv = { filters: 2, kernel_size: 3 };
  const configs: Record<string, Record<string, unknown>> = {
    Convolution1D: conv, Convolution2D: conv, Convolution3D: conv, Convolution1DTranspose: conv, Convolution2DTranspose: conv,
    Convolution3DTranspose: conv, SeparableConvolution1D: conv, SeparableConvolution2D: conv,
  };
  for (const [alias, cls] of Object.entries(fixture.aliases)) {
    const layer = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: alias, config: configs[alias] ?? {}, registered_name: null });
    assert.equal(layer.className, cls, alias);
    // The factories of the same names make the same classes.
    const factory = (layers as unknown as Record<string, unknown>)[alias];
    assert.equal(typeof factory, "function", `layers.${alias}`);
    const made = alias.startsWith("Global") ? (factory as () => tf.layers.Layer)()
      : alias.includes("Pool") ? (factory as (p: number) => tf.layers.Layer)(2)
        : (factory as (f: number, k: number) => tf.layers.Layer)(2, 3);
    assert.equal(made.className, cls, `layers.${alias}()`);
  }
});

test("a 3-D model written by Keras 3.5 loads and predicts Keras' outputs, and saves back", async () => {
  tf.clearSession();
  const m = fixture.model;
  const model = await models.loadModel(`test/fixtures/keras_files/layers3d/${m.file}`);
  assert.deepEqual(model.layers.map((l) => l.className), m.layers);
  const x = t32(m.x);
  assertAllClose(model.predict(x) as tf.Tensor, m.predictions, { rtol: 0, atol: 1e-5, what: "predictions vs Keras" });
  const dir = mkdtempSync(join(tmpdir(), "lamina-3d-"));
  try {
    for (const file of ["m.keras", "m.h5"]) {
      await model.save(join(dir, file));
      const back = await models.loadModel(join(dir, file));
      assertAllClose(back.predict(x) as tf.Tensor, m.predictions, { rtol: 0, atol: 1e-5, what: file });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Conv3D and Conv3DTranspose gradients (input, kernel, bias) match finite differences, in both data formats", () => {
  const made = [
    layers.Conv3D(2, [2, 3, 2], { strides: [1, 2, 1], padding: "same", activation: "tanh", dtype: "float64", biasInitializer: "glorot_uniform" }),
    layers.Conv3D(2, 2, { groups: 2, dtype: "float64", dataFormat: "channels_first" }),
    layers.Conv3DTranspose(2, 2, { strides: 2, padding: "same", dtype: "float64", biasInitializer: "glorot_uniform" }),
  ];
  made.forEach((layer, i) => {
    const x = tf.random.normal([1, 2, 3, 4, 2], 0, 1, { dtype: "float64", seed: 30 + i });
    layer(x);
    checkGradients((xx) => layer(xx), [x]);
    checkVariableGradients(() => tf.sum(tf.square(layer(x))), layer.weights);
  });
});

test("pooling and reshaping 3-D layers pass gradients that match finite differences", () => {
  const f64 = { dtype: "float64" } as const;
  const made = [
    layers.MaxPooling3D(2, { padding: "same", ...f64 }), layers.AveragePooling3D([1, 2, 2], { strides: 1, ...f64 }), layers.GlobalMaxPooling3D(f64),
    layers.GlobalAveragePooling3D({ ...CF, ...f64 }), layers.UpSampling3D([1, 2, 1], f64), layers.ZeroPadding3D(1, f64), layers.Cropping3D([0, 1, 1], f64),
  ];
  for (const [i, layer] of made.entries()) {
    checkGradients((xx) => layer(xx), [tf.random.normal([1, 3, 4, 4, 2], 0, 1, { dtype: "float64", seed: 40 + i })]);
  }
});

test("SpatialDropout3D drops whole channels in training (both layouts), and nothing in inference", () => {
  for (const [format, shape, channelAxis] of [["channels_last", [4, 2, 3, 2, 8], 4], ["channels_first", [4, 8, 2, 3, 2], 1]] as const) {
    const layer = layers.SpatialDropout3D(0.5, { seed: 1, dataFormat: format });
    const x = tf.ones([...shape]);
    assert.deepEqual(layer(x, { training: false }).arraySync(), x.arraySync());
    const y = layer(x, { training: true });
    const perChannel = tf.max(y, [1, 2, 3, 4].filter((a) => a !== channelAxis)).dataSync();
    const minPerChannel = tf.min(y, [1, 2, 3, 4].filter((a) => a !== channelAxis)).dataSync();
    let dropped = 0;
    perChannel.forEach((v, k) => {
      assert.equal(v, minPerChannel[k], `${format}: a channel is dropped or kept whole`);
      assert.ok(v === 0 || v === 2);
      if (v === 0) dropped++;
    });
    assert.ok(dropped > 4 && dropped < 28, `${format}: ${dropped} of 32 channels dropped at rate 0.5`);
  }
});

test("refused with errors that name the 3-D layer, the values and the fix", () => {
  const throws = (f: () => unknown, re: RegExp): void => assert.throws(f, re);
  throws(() => layers.Conv3D(4, 3)(tf.ones([2, 5, 5, 1])), /Conv3D conv3d\w*: expects inputs of rank 5 \(batch, depth, height, width, channels\), got shape \(2, 5, 5, 1\).*Reshape/);
  throws(() => layers.Conv3D(4, 3, CF)(tf.ones([2, 5, 5, 1])), /expects inputs of rank 5 \(batch, channels, depth, height, width\)/);
  throws(() => layers.MaxPooling3D()(tf.ones([2, 4, 4])), /MaxPooling3D max_pooling3d\w*: expects inputs of rank 5/);
  throws(() => layers.GlobalAveragePooling3D()(tf.ones([2, 4, 4, 1])), /GlobalAveragePooling3D .*expects inputs of rank 5/);
  throws(() => layers.UpSampling3D()(tf.ones([2, 4, 4, 1])), /UpSampling3D .*expects inputs of rank 5/);
  throws(() => layers.SpatialDropout3D(0.1)(tf.ones([2, 4, 4, 1])), /SpatialDropout3D .*expects inputs of rank 5/);
  throws(() => layers.Conv3D(4, [3, 3] as unknown as number), /kernelSize must be a positive integer or a list of three \[depth, height, width\], got \[3,3\]/);
  throws(() => layers.Conv3D(4, 3, { strides: 2, dilationRate: 2 }), /strides \[2,2,2\] > 1 together with dilationRate \[2,2,2\] > 1/);
  throws(() => layers.Conv3D(4, 3, { groups: 3 }), /filters \(4\) must be a multiple of groups \(3\)/);
  throws(() => layers.Conv3D(4, 3, { groups: 2 })(tf.ones([1, 4, 4, 4, 3])), /the input has 3 channels, not a multiple of groups \(2\)/);
  throws(() => layers.Conv3D(4, [5, 3, 3])(tf.ones([1, 4, 6, 6, 1])), /Conv3D conv3d\w*: the output size would be 0 \(0x4x4\): input \(1, 4, 6, 6, 1\) is too small for kernel 5x3x3/);
  throws(() => layers.MaxPooling3D(3)(tf.ones([1, 2, 6, 6, 1])), /MaxPooling3D max_pooling3d\w*: the output size would be 0 \(0x2x2\): input \(1, 2, 6, 6, 1\) is too small for pool 3x3x3/);
  throws(() => layers.Cropping3D([1, 2, 2])(tf.ones([1, 4, 4, 6, 1])), /removes 4 of the 4 height cells/);
  throws(() => layers.ZeroPadding3D([1, 2] as unknown as number), /padding must be a non-negative integer, a list \[depth, height, width\]/);
  throws(() => layers.SpatialDropout3D(1.5), /rate must be a number in \[0, 1\] \(the fraction of channels to drop\), got 1.5/);
  const built = layers.Conv3D(2, 1);
  built(tf.ones([1, 2, 2, 2, 3]));
  throws(() => built(tf.ones([1, 2, 2, 2, 4])), /Conv3D conv3d\w*: input shape \(1, 2, 2, 2, 4\) is incompatible with the layer: it was built for inputs of shape \(1, 2, 2, 2, 3\)/);
});
