/*
 * ConvLSTM1D/2D/3D against Keras 3.5 (torch backend): test/fixtures/conv_lstm.json and
 * test/fixtures/keras_files/by_keras/conv_lstm.keras, by test/fixtures/make_conv_lstm.py.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
interface Case {
  kind: "ConvLSTM1D" | "ConvLSTM2D" | "ConvLSTM3D"; args: Record<string, unknown>; x: Arr; weights: Arr[]; weight_paths: string[];
  outputs: Arr[]; output_shape: (number | null)[] | (number | null)[][]; initial_state?: Arr[]; mask?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/conv_lstm.json", import.meta.url), "utf8")) as {
  cases: Record<string, Case>;
  configs: Record<string, { class_name: string; config: Record<string, unknown> }>;
  model: { weights: { path: string; shape: number[] }[]; x: Arr; y: Arr; predictions: Arr; loss_step: number; predictions_after_step: Arr };
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function make(c: Case): tf.layers.Layer {
  const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [camel(k), v]));
  return new tf.layers.classes[c.kind](args);
}

test("outputs and final states equal Keras 3.5's for 1-D, 2-D and 3-D, valid/same, strides, dilation, channels_first, go_backwards, initial states and masks", () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    tf.clearSession();
    const layer = make(c);
    const x = t32(c.x);
    layer.build(x.shape);
    assert.deepEqual(layer.weights.map((w) => w.name), c.weight_paths, `${name}: weight paths`);
    assert.deepEqual(layer.weights.map((w) => [...w.shape]), c.weights.map((w) => w.shape), `${name}: weight shapes`);
    layer.setWeights(c.weights.map(t32));
    const opts = c.mask ? { mask: tf.cast(tf.constant(c.mask, undefined, "int32"), "bool") } : {};
    const input = c.initial_state ? [x, ...c.initial_state.map(t32)] : x;
    const y = layer.apply(input, opts) as tf.Tensor | tf.Tensor[];
    const ys = Array.isArray(y) ? y : [y];
    assert.equal(ys.length, c.outputs.length, `${name}: number of outputs`);
    ys.forEach((t, i) => assertAllClose(t, c.outputs[i], { rtol: 1e-5, atol: 1e-5, what: `${name} output ${i} vs Keras` }));
    const [, ...rest] = c.x.shape;
    assert.deepEqual(layer.computeOutputShape([null, ...rest]), c.output_shape, `${name}: computeOutputShape`);
  }
});

test("symbolic calls give Keras' output shapes (1-D channels_first, 2-D strides with states, 3-D)", () => {
  tf.clearSession();
  const input = layers.Input({ shape: [5, 8, 8, 3] });
  const [out, h, c] = layers.ConvLSTM2D(4, 3, { strides: 2, returnState: true, returnSequences: true }).apply(input) as tf.layers.SymbolicTensor[];
  assert.deepEqual([out.shape, h.shape, c.shape], [[null, 5, 3, 3, 4], [null, 3, 3, 4], [null, 3, 3, 4]]);
  const y = layers.ConvLSTM1D({ filters: 2, kernelSize: 3, padding: "same", dataFormat: "channels_first" }).apply(layers.Input({ shape: [4, 3, 7] })) as tf.layers.SymbolicTensor;
  assert.deepEqual(y.shape, [null, 2, 7]);
  const v = layers.ConvLSTM3D(2, [1, 2, 2]).apply(layers.Input({ shape: [2, 3, 4, 4, 1] })) as tf.layers.SymbolicTensor;
  assert.deepEqual(v.shape, [null, 3, 3, 3, 2]);
});

test("configs equal Keras 3.5's, and Keras' configs load and serialize back unchanged", () => {
  tf.clearSession();
  const made: Record<string, tf.layers.Layer> = {
    conv_lstm1d: layers.ConvLSTM1D(3, 2, { padding: "same", dropout: 0.25, recurrentDropout: 0.5, seed: 3, returnSequences: true }),
    conv_lstm2d: layers.ConvLSTM2D(4, [2, 3], {
      strides: [2, 1], dataFormat: "channels_first", unitForgetBias: false, kernelRegularizer: "l2", recurrentConstraint: "non_neg", goBackwards: true, stateful: false,
    }),
    conv_lstm3d: layers.ConvLSTM3D(2, 3, { dilationRate: 2, activation: "relu", useBias: false, returnState: true }),
  };
  for (const [name, layer] of Object.entries(made)) {
    const keras = fixture.configs[name];
    assert.deepEqual(Object.keys(layer.getConfig()), Object.keys(keras.config), `${name}: Keras' keys in Keras' order`);
    assert.deepEqual(tf.serialization.serializeLayer(layer), keras, `${name}: lamina's config vs Keras'`);
    const back = tf.serialization.deserializeLayer(keras);
    assert.equal(back.className, keras.class_name);
    assert.deepEqual(tf.serialization.serializeLayer(back), keras, `${name}: Keras' config read and written back`);
  }
});

test("conv_lstm.keras, saved by Keras 3.5: weights at Keras' paths, predictions, one SGD step; saved again by lamina (.keras, .h5) it loads back the same", async () => {
  tf.clearSession();
  const want = fixture.model;
  const file = "test/fixtures/keras_files/by_keras/conv_lstm.keras";
  const model = await tf.models.loadModel(file);
  // The fixture has the saved model's paths (video/conv_lstm2d/...); loading builds each layer from its
  // build_config before the Sequential takes it, so Keras' loaded model has conv_lstm2d/..., as lamina's.
  assert.deepEqual(model.weights.map((w) => [w.name, [...w.shape]]), want.weights.map((w) => [w.path.replace(/^video\//, ""), w.shape]));
  const x = t32(want.x);
  const before = model.predict(x) as tf.Tensor;
  assertAllClose(before, want.predictions, { rtol: 1e-5, atol: 1e-5, what: "predictions vs Keras" });
  const tmp = mkdtempSync(join(tmpdir(), "lamina-convlstm-"));
  try {
    for (const name of ["m.keras", "m.h5"]) {
      await model.save(join(tmp, name));
      tf.clearSession();
      const back = await tf.models.loadModel(join(tmp, name), { compile: false });
      assert.deepEqual((back.predict(x) as tf.Tensor).dataSync(), before.dataSync(), name);
      // A legacy .h5 holds a Keras 2 config, without build_config: the Sequential builds its layers
      // in its own scope, as Keras 3 does reading one (video/conv_lstm2d/...).
      const scoped = name.endsWith(".h5") ? (n: string): string => `${back.name}/${n}` : (n: string): string => n;
      assert.deepEqual(back.weights.map((w) => w.name), model.weights.map((w) => scoped(w.name)), `${name}: weight names`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const loss = model.trainOnBatch(x, t32(want.y));
  const l = Array.isArray(loss) ? loss[0] : loss;
  assert.ok(Math.abs(l - want.loss_step) < 1e-5 * Math.abs(want.loss_step) + 1e-6, `step loss ${l} vs Keras ${want.loss_step}`);
  assertAllClose(model.predict(x) as tf.Tensor, want.predictions_after_step, { rtol: 1e-4, atol: 1e-5, what: "predictions after the SGD step vs Keras" });
});

/** A float64 layer with random weights, built for x. */
function built(layer: tf.layers.Layer, x: tf.Tensor, seed: number): tf.layers.Layer {
  layer.apply(x);
  layer.setWeights(layer.weights.map((w, i) => tf.random.uniform(w.shape as number[], -0.6, 0.6, { dtype: "float64", seed: seed + i })));
  return layer;
}

const project = (ys: tf.Tensor | tf.Tensor[], seed: number): tf.Tensor =>
  (Array.isArray(ys) ? ys : [ys]).map((y, i) => tf.sum(tf.mul(y, tf.random.uniform(y.shape as number[], 0.5, 1.5, { dtype: "float64", seed: seed + i }))))
    .reduce((a, b) => tf.add(a, b));

test("gradients through time (inputs, initial states, kernel, recurrent_kernel, bias) equal float64 finite differences", () => {
  const x = tf.random.normal([2, 3, 4, 3, 2], 0, 1, { dtype: "float64", seed: 1 });
  const h = tf.random.normal([2, 2, 2, 2], 0, 1, { dtype: "float64", seed: 2 });
  const c = tf.random.normal([2, 2, 2, 2], 0, 1, { dtype: "float64", seed: 3 });
  const a = built(layers.ConvLSTM2D(2, 2, { strides: [2, 1], returnSequences: true, returnState: true, dtype: "float64" }), x, 10);
  checkGradients((xi, hi, ci) => project(a.apply([xi, hi, ci]) as tf.Tensor[], 20), [x, h, c]);
  checkVariableGradients(() => project(a.apply(x) as tf.Tensor[], 30), a.trainableWeights);
  // Other activations (the unfused path), channels_first, backwards.
  const xf = tf.random.normal([2, 3, 2, 5], 0, 1, { dtype: "float64", seed: 4 });
  const b = built(layers.ConvLSTM1D(2, 3, { padding: "same", dataFormat: "channels_first", activation: "elu", goBackwards: true, dtype: "float64" }), xf, 40);
  checkGradients((xi) => project(b.apply(xi) as tf.Tensor, 50), [xf]);
  checkVariableGradients(() => project(b.apply(xf) as tf.Tensor, 60), b.trainableWeights);
});

test("a tiny ConvLSTM2D model trains: one fit step lowers the loss and changes every weight", async () => {
  tf.clearSession();
  tf.random.setSeed(5);
  const model = new tf.models.Sequential([
    layers.Input({ shape: [3, 5, 5, 1] }),
    layers.ConvLSTM2D(2, 3, { padding: "same", returnSequences: true, dropout: 0.2, recurrentDropout: 0.2, seed: 1 }),
    layers.ConvLSTM2D(2, 3),
    layers.Flatten(),
    layers.Dense(1),
  ]);
  model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.05 }) });
  const x = tf.random.normal([4, 3, 5, 5, 1], 0, 1, { seed: 6 });
  const y = tf.random.normal([4, 1], 0, 1, { seed: 7 });
  const w0 = model.getWeights().map((w) => w.dataSync().slice());
  const l0 = (await model.evaluate(x, y, { verbose: 0 })) as number;
  await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
  const l1 = (await model.evaluate(x, y, { verbose: 0 })) as number;
  assert.ok(l1 < l0, `loss ${l0} -> ${l1}`);
  model.getWeights().forEach((w, i) => assert.notDeepEqual(w.dataSync(), w0[i], `weight ${i} changed`));
});

test("stateful ConvLSTM carries its states across calls until resetStates, in the layer's data format", () => {
  tf.clearSession();
  const x = tf.random.normal([2, 4, 3, 5], 0, 1, { seed: 8 });
  const plain = layers.ConvLSTM1D(2, 2, { dataFormat: "channels_first", padding: "same" });
  const whole = plain.apply(x) as tf.Tensor;
  const st = layers.ConvLSTM1D(2, 2, { dataFormat: "channels_first", padding: "same", stateful: true });
  st.apply(tf.slice(x, [0, 0, 0, 0], [2, 2, 3, 5]));
  st.setWeights(plain.getWeights());
  st.resetStates();
  st.apply(tf.slice(x, [0, 0, 0, 0], [2, 2, 3, 5]));
  assert.deepEqual(st.states!.map((s) => s.shape), [[2, 2, 5], [2, 2, 5]]);
  const second = st.apply(tf.slice(x, [0, 2, 0, 0], [2, 2, 3, 5])) as tf.Tensor;
  assertAllClose(second, whole, { rtol: 1e-6, atol: 1e-6, what: "two stateful halves vs the whole sequence" });
});

test("bad inputs are refused naming the layer, the shape and the fix", () => {
  tf.clearSession();
  assert.throws(() => layers.ConvLSTM2D(2, 3, { name: "clstm" }).apply(tf.zeros([2, 5, 5, 1])), /ConvLSTM2D clstm: expects inputs of rank 5 \(batch, time, height, width, channels\), got shape \(2, 5, 5, 1\)/);
  assert.throws(() => layers.ConvLSTM1D(2, 3, { name: "c1" }).apply(tf.zeros([2, 3, 4])), /ConvLSTM1D c1: expects inputs of rank 4/);
  assert.throws(() => layers.ConvLSTM3D(2, 3, { name: "c3", dataFormat: "channels_first" }).apply(tf.zeros([2, 3, 4, 4, 4])), /ConvLSTM3D c3: expects inputs of rank 6 \(batch, time, channels, depth, height, width\)/);
  assert.throws(() => layers.ConvLSTM2D(2, 5, { name: "small" }).apply(tf.zeros([1, 2, 3, 3, 1])), /small.*smaller than the kernel.*padding "same"/);
  assert.throws(() => layers.ConvLSTM2D(2, 3, { name: "k" }).apply(layers.Input({ shape: [3, null, 4, 1] as unknown as number[] })), /ConvLSTM2D k: the spatial sizes and the channels must be known/);
  assert.throws(() => layers.ConvLSTM2D(0, 3), /filters must be a positive integer/);
  assert.throws(() => layers.ConvLSTM2D(2, [3, 3, 3]), /kernelSize must be a positive integer or a list of 2 \[height, width\]/);
  assert.throws(() => layers.ConvLSTM2D(2, 3, { strides: 2, dilationRate: 2 }), /ConvLSTM2D: strides \[2,2\] > 1 together with dilationRate \[2,2\] > 1/);
  assert.throws(() => layers.ConvLSTM2D(2, 3, { padding: "causal" as "same" }), /padding must be "valid" or "same"/);
  const l = layers.ConvLSTM2D(2, 3, { name: "b", padding: "same" });
  l.apply(tf.zeros([1, 2, 4, 4, 1]));
  assert.throws(() => l.apply(tf.zeros([1, 2, 5, 4, 1])), /ConvLSTM2D b: input shape .* is incompatible with the layer/);
  assert.throws(() => l.apply([tf.zeros([1, 2, 4, 4, 1]), tf.zeros([1, 4, 4, 3]), tf.zeros([1, 4, 4, 2])]), /ConvLSTM2D b: initial state 0 must have shape \(1, 4, 4, 2\)/);
});
