/**
 * Grouped Conv2D / Conv1D (Keras' groups) and the 1-D layers with data_format "channels_first"
 * against Keras 3.5 (test/fixtures/conv_groups.json and the model file beside it, by
 * make_conv_groups.py): outputs for fixed weights and inputs, output shapes, configs read from and
 * written as Keras writes them, a Keras-saved model's predictions and a save/load round trip;
 * gradients against finite differences; the errors for bad group counts.
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
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/conv_groups.json", import.meta.url), "utf8")) as {
  keras: string; layers: Record<string, Case>; model: { file: string; x: Arr; predictions: Arr };
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const CF = { dataFormat: "channels_first" } as const;

/** The fixture's layers, made through lamina's factories with camelCase options. */
const MADE: Record<string, () => tf.layers.Layer> = {
  conv2d_groups2_same_relu: () => layers.Conv2D(6, 3, { groups: 2, padding: "same", activation: "relu" }),
  conv2d_groups4_stride2_nobias: () => layers.Conv2D(4, [2, 3], { groups: 4, strides: 2, useBias: false }),
  conv2d_groups2_channels_first: () => layers.Conv2D(4, 3, { groups: 2, ...CF }),
  conv2d_groups_equal_channels: () => layers.Conv2D(6, 3, { groups: 3, padding: "same" }),
  conv1d_groups2_causal: () => layers.Conv1D(4, 3, { groups: 2, padding: "causal" }),
  conv1d_groups3_same_stride2: () => layers.Conv1D(6, 2, { groups: 3, padding: "same", strides: 2 }),
  conv1d_channels_first: () => layers.Conv1D(3, 3, { padding: "same", ...CF }),
  conv1d_groups2_channels_first: () => layers.Conv1D(4, 2, { groups: 2, dilationRate: 2, ...CF }),
  conv1d_transpose_channels_first: () => layers.Conv1DTranspose(2, 3, { strides: 2, ...CF }),
  depthwise_conv1d_channels_first: () => layers.DepthwiseConv1D(3, { depthMultiplier: 2, padding: "same", ...CF }),
  separable_conv1d_channels_first: () => layers.SeparableConv1D(4, 3, { strides: 2, ...CF }),
  max_pooling1d_channels_first: () => layers.MaxPooling1D(2, { padding: "same", ...CF }),
  average_pooling1d_channels_first: () => layers.AveragePooling1D(3, { strides: 2, ...CF }),
  global_average_pooling1d_channels_first: () => layers.GlobalAveragePooling1D(CF),
  global_max_pooling1d_channels_first_keepdims: () => layers.GlobalMaxPooling1D({ keepdims: true, ...CF }),
  zero_padding1d_channels_first: () => layers.ZeroPadding1D({ padding: [1, 2], ...CF }),
};

test("grouped convolutions and channels_first 1-D layers give Keras 3.5's outputs, shapes and configs", () => {
  assert.deepEqual(Object.keys(MADE).sort(), Object.keys(fixture.layers).sort());
  for (const [name, c] of Object.entries(fixture.layers)) {
    tf.clearSession();
    const layer = MADE[name]();
    const x = t32(c.x);
    layer(x);
    assert.deepEqual(layer.weights.map((w) => w.shape), c.weights.map((w) => w.shape), `${name}: weight shapes`);
    layer.setWeights(c.weights.map(t32));
    assertAllClose(layer(x), c.y, { rtol: 1e-5, atol: 2e-6, what: name });
    assert.deepEqual(layer.computeOutputShape([null, ...c.x.shape.slice(1)]), c.output_shape, `${name}: output shape`);
    assert.deepEqual(tf.serialization.serializeLayer(layer), c.config, `${name}: serialized as Keras serializes it`);
  }
});

test("the same layers read from Keras' own configs compute Keras' outputs and write the configs back", () => {
  for (const [name, c] of Object.entries(fixture.layers)) {
    const layer = tf.serialization.deserializeLayer(c.config);
    assert.deepEqual(layer.weights.map((w) => w.shape), c.weights.map((w) => w.shape), `${name}: weight shapes`);
    layer.setWeights(c.weights.map(t32));
    assertAllClose(layer(t32(c.x)), c.y, { rtol: 1e-5, atol: 2e-6, what: `${name} from Keras' config` });
    assert.deepEqual(tf.serialization.serializeLayer(layer), c.config, `${name}: round trip`);
    const cls = layer.constructor as typeof tf.layers.Layer;
    assert.deepEqual(cls.fromConfig(layer.getConfig()).getConfig(), layer.getConfig(), `${name}: fromConfig(getConfig())`);
  }
});

test("a model with grouped and channels_first convolutions saved by Keras 3.5 loads, predicts as Keras, and saves back", async () => {
  tf.clearSession();
  const m = fixture.model;
  const model = await models.loadModel(`test/fixtures/keras_files/conv_groups/${m.file}`);
  const grouped = model.layers.filter((l) => (l as unknown as { groups?: number }).groups !== undefined).map((l) => (l as unknown as { groups: number }).groups);
  assert.deepEqual(grouped, [2, 1, 4, 2]);
  assert.deepEqual(model.layers[0].getWeights()[0].shape, [3, 2, 6]);
  assertAllClose(model.predict(t32(m.x)) as tf.Tensor, m.predictions, { rtol: 0, atol: 1e-5, what: "predictions vs Keras" });
  const dir = mkdtempSync(join(tmpdir(), "lamina-groups-"));
  try {
    for (const file of ["m.keras", "m.h5"]) {
      await model.save(join(dir, file));
      const again = await models.loadModel(join(dir, file));
      assert.deepEqual(again.layers.map((l) => l.getConfig()), model.layers.map((l) => l.getConfig()), `${file}: configs`);
      assertAllClose(again.predict(t32(m.x)) as tf.Tensor, m.predictions, { rtol: 0, atol: 1e-5, what: `${file}: predictions after a round trip` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("grouped Conv2D / Conv1D and channels_first 1-D layers: input, kernel and bias gradients match finite differences", () => {
  const f64 = { dtype: "float64", biasInitializer: "glorot_uniform" } as const;
  const cases: [tf.layers.Layer, number[]][] = [
    [layers.Conv2D(4, 3, { groups: 2, padding: "same", activation: "tanh", ...f64 }), [2, 4, 5, 4]],
    [layers.Conv2D(6, 2, { groups: 3, strides: 2, ...CF, ...f64 }), [1, 6, 5, 5]],
    [layers.Conv2D(4, 3, { groups: 2, activation: "relu", ...f64 }), [2, 5, 5, 2]],
    [layers.Conv1D(4, 3, { groups: 2, padding: "causal", dilationRate: 2, ...f64 }), [2, 8, 4]],
    [layers.Conv1D(6, 2, { groups: 3, strides: 2, ...CF, ...f64 }), [2, 3, 7]],
    [layers.SeparableConv1D(2, 2, { ...CF, dtype: "float64" }), [2, 3, 6]],
    [layers.Conv1DTranspose(2, 3, { strides: 2, ...CF, ...f64 }), [2, 3, 4]],
  ];
  cases.forEach(([layer, shape], i) => {
    const x = tf.random.normal(shape, 0, 1, { dtype: "float64", seed: 70 + i });
    layer(x);
    checkGradients((xx) => layer(xx), [x]);
    const w = tf.random.normal((layer(x) as tf.Tensor).shape, 0, 1, { dtype: "float64", seed: 80 + i });
    checkVariableGradients(() => tf.sum(tf.mul(layer(x), w)), layer.weights);
  });
  const pools: [tf.layers.Layer, number[]][] = [
    [layers.AveragePooling1D(2, { ...CF, dtype: "float64" }), [2, 3, 6]],
    [layers.GlobalAveragePooling1D({ ...CF, dtype: "float64" }), [2, 3, 5]],
    [layers.ZeroPadding1D({ padding: [1, 2], ...CF, dtype: "float64" }), [2, 3, 4]],
  ];
  pools.forEach(([layer, shape], i) => checkGradients((xx) => layer(xx), [tf.random.normal(shape, 0, 1, { dtype: "float64", seed: 90 + i })]));
});

test("group counts that do not divide the filters or the input channels are refused naming the layer, the values and the fix", () => {
  assert.throws(() => layers.Conv2D(6, 3, { groups: 4, name: "g" }), /^RangeError: Conv2D g: filters \(6\) must be a multiple of groups \(4\); use a divisor of 6 for groups, or a multiple of 4 for filters/);
  assert.throws(() => layers.Conv2D(6, 3, { groups: 0, name: "g" }), /Conv2D g: groups must be a positive integer, got 0/);
  assert.throws(() => layers.Conv2D(6, 3, { groups: 2, name: "g" })(tf.ones([1, 5, 5, 3])),
    /Conv2D g: the input has 3 channels, not a multiple of groups \(2\); use a groups that divides 3, or give the input a multiple of 2 channels/);
  assert.throws(() => layers.Conv2D(6, 3, { groups: 2, name: "g", ...CF })(tf.ones([1, 5, 5, 4])), /Conv2D g: the input has 5 channels, not a multiple of groups \(2\)/);
  assert.throws(() => layers.Conv1D(6, 3, { groups: 4, name: "h" }), /Conv1D h: filters \(6\) must be a multiple of groups \(4\)/);
  assert.throws(() => layers.Conv1D(6, 3, { groups: 2, name: "h", ...CF })(tf.ones([1, 3, 8])), /Conv1D h: the input has 3 channels, not a multiple of groups \(2\)/);
});
