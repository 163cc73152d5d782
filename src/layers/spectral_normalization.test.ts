/*
 * layers.SpectralNormalization against Keras 3.5 (torch backend), fixtures written by
 * test/fixtures/make_spectral_normalization.py: fixed weights and vector_u, the outputs and the
 * weights after inference and training calls, two SGD steps of a model, and a file Keras saved.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { Hdf5File } from "../io/h5.js";

const { layers } = tf;
interface Arr { shape: number[]; data: number[] }
interface Step { training: boolean; output?: Arr; weights: Arr[] }
interface Case { name: string; power_iterations: number; x: Arr; weights: Arr[]; weight_paths: string[]; weight_trainable: boolean[]; steps: Step[] }
const want = JSON.parse(readFileSync("test/fixtures/spectral_normalization.json", "utf8")) as {
  cases: Case[];
  fit: { x: Arr; y: Arr; weights: Arr[]; steps: { loss: number; weights: Arr[] }[]; predictions: Arr };
};
const dir = "test/fixtures/keras_files/by_keras";
const saved = JSON.parse(readFileSync(`${dir}/spectral_normalization.json`, "utf8")) as {
  config: Record<string, unknown>; weights: { path: string; shape: number[] }[]; x: Arr; predictions: Arr;
  x_step: Arr; y_step: Arr; loss_step: number; weights_after_step: Arr[];
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const caseNamed = (name: string): Case => want.cases.find((c) => c.name === name)!;
const close = { rtol: 1e-5, atol: 1e-6 };

/** The wrapper of each fixture case, built and given the case's weights (Keras' order). */
function wrapperFor(c: Case): tf.layers.SpectralNormalizationLayer {
  const inner = {
    dense: () => layers.Dense(3),
    dense_3d_power3: () => layers.Dense(5, { useBias: false }),
    conv2d: () => layers.Conv2D(2, 2),
    embedding: () => layers.Embedding(5, 3),
    zero_kernel: () => layers.Dense(2),
  }[c.name]!;
  const sn = layers.SpectralNormalization(inner(), { powerIterations: c.power_iterations });
  sn.build(c.x.shape);
  sn.built = true;
  sn.setWeights(c.weights.map(t32));
  return sn;
}

function inputOf(c: Case): tf.Tensor {
  return c.name === "embedding" ? tf.constant(c.x.data, c.x.shape, "int32") : t32(c.x);
}

for (const name of ["dense", "dense_3d_power3", "conv2d", "zero_kernel"]) {
  test(`SpectralNormalization(${name}): outputs, kernel and vector_u after each inference and training call equal Keras 3.5's`, () => {
    tf.clearSession();
    const c = caseNamed(name);
    const sn = wrapperFor(c);
    c.steps.forEach((s, i) => {
      const y = sn.apply(inputOf(c), { training: s.training }) as tf.Tensor;
      assertAllClose(y, s.output!, { ...close, what: `${name} call ${i} (training ${s.training}): output` });
      sn.getWeights().forEach((w, k) => assertAllClose(w, s.weights[k], { ...close, what: `${name} call ${i}: weight ${k} (${c.weight_paths[k]})` }));
    });
  });
}

test("SpectralNormalization's weights: Keras' names, order (wrapped kernel, vector_u, the rest) and trainable flags; vector_u [1, out] from TruncatedNormal(0.02)", () => {
  tf.clearSession();
  for (const c of want.cases) {
    tf.clearSession();
    const sn = wrapperFor(c);
    // Keras' fixture session numbered its layers on (spectral_normalization_1/dense_1/...); each case here starts afresh.
    const unnumbered = (p: string): string => p.replace(/_\d+(?=\/|$)/g, "");
    assert.deepEqual(sn.weights.map((w) => w.name), c.weight_paths.map(unnumbered), c.name);
    assert.deepEqual(sn.weights.map((w) => w.trainable), c.weight_trainable, c.name);
  }
  tf.clearSession();
  tf.random.setSeed(1);
  const sn = layers.SpectralNormalization(layers.Dense(4000));
  sn.build([null, 2]);
  assert.deepEqual(sn.trainableWeights.map((w) => w.name), ["spectral_normalization/dense/kernel", "spectral_normalization/dense/bias"]);
  assert.deepEqual(sn.nonTrainableWeights.map((w) => w.name), ["spectral_normalization/vector_u"]);
  assert.equal(sn.countParams(), 2 * 4000 + 4000 + 4000);
  const u = Array.from(sn.vectorU!.dataSync() as Float32Array);
  assert.deepEqual(sn.vectorU!.shape, [1, 4000]);
  const mean = u.reduce((a, b) => a + b, 0) / u.length;
  const sd = Math.sqrt(u.reduce((a, b) => a + (b - mean) ** 2, 0) / u.length);
  // A normal of stddev 0.02 truncated at two stddevs: no value beyond 0.04, stddev 0.02 * 0.8796.
  assert.ok(u.every((x) => Math.abs(x) <= 0.04), "truncated at 2 stddevs");
  assert.ok(Math.abs(mean) < 0.002 && Math.abs(sd - 0.02 * 0.87962566) < 0.001, `mean ${mean}, stddev ${sd}`);
});

test("SpectralNormalization(Embedding): the embeddings are normalized as Keras does; the output is their rows (Keras' cast of it to the integer ids' dtype is not copied)", () => {
  tf.clearSession();
  const c = caseNamed("embedding");
  const sn = wrapperFor(c);
  const y = sn.apply(inputOf(c), { training: true }) as tf.Tensor;
  const [emb, u] = c.steps[0].weights;
  sn.getWeights().forEach((w, k) => assertAllClose(w, c.steps[0].weights[k], { ...close, what: `embedding weight ${k}` }));
  assertAllClose(u, sn.vectorU!, close);
  const rows = c.x.data.flatMap((id) => emb.data.slice(id * 3, id * 3 + 3));
  assert.equal(y.dtype, "float32");
  assertAllClose(y, { shape: [2, 2, 3], data: rows }, close);
});

test("SpectralNormalization in a model: two SGD steps (loss, then kernels updated at the normalized kernel) equal Keras 3.5's", () => {
  tf.clearSession();
  const f = want.fit;
  const model = new tf.models.Sequential([
    layers.Input({ shape: [4] }),
    layers.SpectralNormalization(layers.Dense(4, { activation: "tanh" }), { powerIterations: 2 }),
    layers.Dense(1),
  ]);
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: "mse" });
  model.setWeights(f.weights.map(t32));
  f.steps.forEach((s, i) => {
    const loss = model.trainOnBatch(t32(f.x), t32(f.y));
    const l = Array.isArray(loss) ? loss[0] : loss;
    assert.ok(Math.abs(l - s.loss) < 1e-5 * Math.abs(s.loss), `step ${i}: loss ${l} vs Keras ${s.loss}`);
    model.getWeights().forEach((w, k) => assertAllClose(w, s.weights[k], { rtol: 1e-5, atol: 1e-6, what: `step ${i}: weight ${k}` }));
  });
  assertAllClose(model.predict(t32(f.x)) as tf.Tensor, f.predictions, { ...close, what: "predictions after the steps" });
});

test("SpectralNormalization: the gradient is taken at the normalized kernel and none flows through sigma", () => {
  tf.clearSession();
  const c = caseNamed("dense");
  const sn = wrapperFor(c);
  const x = t32(c.x);
  const kernel = sn.layer.weights[0];
  const grads = tf.variableGrads(() => tf.sum(sn.apply(x, { training: true }) as tf.Tensor), [kernel]).grads[kernel.name];
  // d sum(x W + b) / dW = column sums of x, repeated over the outputs: no term from sigma's dependence on W.
  const colSums = [0, 1, 2, 3].map((i) => c.x.data[i] + c.x.data[4 + i]);
  assertAllClose(grads, { shape: [4, 3], data: colSums.flatMap((s) => [s, s, s]) }, close);
  assertAllClose(kernel, c.steps[1].weights[0], { ...close, what: "kernel after the call" });
});

test("SpectralNormalization: config with Keras' class name and keys; a round trip through .keras and .h5 keeps the weights", async () => {
  tf.clearSession();
  const sn = layers.SpectralNormalization(layers.Dense(3), { powerIterations: 2, name: "sn" });
  const cfg = sn.getConfig();
  assert.deepEqual(Object.keys(cfg), ["name", "trainable", "dtype", "layer", "power_iterations"]);
  assert.equal(cfg.power_iterations, 2);
  assert.equal((cfg.layer as { class_name: string }).class_name, "Dense");
  const serialized = tf.serialization.serializeLayer(sn) as unknown as { class_name: string; module: string };
  assert.deepEqual([serialized.class_name, serialized.module], ["SpectralNormalization", "keras.layers"]);
  const back = tf.layers.Layer.fromConfig(serialized as unknown as Record<string, unknown>) as tf.layers.SpectralNormalizationLayer;
  assert.equal(back.className, "SpectralNormalization");
  assert.equal(back.powerIterations, 2);
  assert.equal(back.layer.className, "Dense");

  const makeModel = (): tf.models.Sequential =>
    new tf.models.Sequential([layers.Input({ shape: [4] }), layers.SpectralNormalization(layers.Dense(3)), layers.Dense(2)]);
  const model = makeModel();
  const x = t32(want.cases[0].x);
  model.apply(x, { training: true });
  const before = model.getWeights();
  const tmp = mkdtempSync(join(tmpdir(), "lamina-sn-"));
  try {
    for (const file of ["m.keras", "m.h5", "m.weights.h5"]) {
      const path = join(tmp, file);
      if (file.endsWith(".weights.h5")) await model.saveWeights(path);
      else await model.save(path);
      tf.clearSession();
      const loaded = file.endsWith(".weights.h5") ? makeModel() : await tf.models.loadModel(path, { compile: false });
      if (file.endsWith(".weights.h5")) await loaded.loadWeights(path);
      assert.equal(loaded.layers[0].className, "SpectralNormalization", file);
      loaded.getWeights().forEach((w, k) => assertAllClose(w, before[k], { rtol: 0, atol: 0, what: `${file}: weight ${k}` }));
    }
    // Keras' layout: the wrapper's own vars are the wrapped kernel and vector_u, the wrapped layer's under layer/.
    const h5 = await Hdf5File.openForReading(join(tmp, "m.weights.h5"));
    try {
      assert.deepEqual(h5.children("layers/spectral_normalization/vars"), ["0", "1"]);
      assert.deepEqual(h5.datasetShape("layers/spectral_normalization/vars/0"), [4, 3]);
      assert.deepEqual(h5.datasetShape("layers/spectral_normalization/vars/1"), [1, 3]);
      assert.deepEqual(h5.children("layers/spectral_normalization/layer/vars"), ["0", "1"]);
    } finally {
      h5.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("spectral_normalization.keras, saved by Keras 3.5: config, weights, predictions and one more SGD step", async () => {
  tf.clearSession();
  const model = await tf.models.loadModel(`${dir}/spectral_normalization.keras`);
  const sn = model.layers[0] as tf.layers.SpectralNormalizationLayer;
  assert.equal(sn.className, "SpectralNormalization");
  assert.equal(sn.powerIterations, 2);
  assert.equal(sn.layer.className, "Dense");
  assert.deepEqual(model.weights.map((w) => [...w.shape]), saved.weights.map((w) => w.shape));
  const cfg = sn.getConfig();
  assert.deepEqual(Object.keys(cfg), Object.keys(saved.config));
  assertAllClose(model.predict(t32(saved.x)) as tf.Tensor, saved.predictions, { ...close, what: "predictions vs Keras" });
  const loss = model.trainOnBatch(t32(saved.x_step), t32(saved.y_step));
  const l = Array.isArray(loss) ? loss[0] : loss;
  assert.ok(Math.abs(l - saved.loss_step) < 1e-5 * Math.abs(saved.loss_step), `step loss ${l} vs Keras ${saved.loss_step}`);
  model.getWeights().forEach((w, k) => assertAllClose(w, saved.weights_after_step[k], { rtol: 1e-5, atol: 1e-6, what: `weight ${k} after the step` }));
});

test("SpectralNormalization: clear errors for a layer without a kernel, a bad powerIterations, a non-layer and a changed input shape", () => {
  tf.clearSession();
  assert.throws(() => layers.SpectralNormalization(layers.ReLU(), { name: "sn" })(tf.ones([2, 3])), /SpectralNormalization sn: the wrapped layer re_lu \(ReLU\) has no kernel nor embeddings weight to normalize; wrap a layer with a kernel/);
  assert.throws(() => layers.SpectralNormalization(layers.SeparableConv2D(2, 2))(tf.ones([1, 4, 4, 1])), /has no kernel nor embeddings/);
  assert.throws(() => layers.SpectralNormalization(layers.Dense(2), { powerIterations: 0 }), /powerIterations must be a positive integer .*got 0/);
  assert.throws(() => layers.SpectralNormalization(layers.Dense(2), { powerIterations: 1.5 }), /powerIterations must be a positive integer .*got 1.5/);
  assert.throws(() => layers.SpectralNormalization("dense" as unknown as tf.layers.Layer), /SpectralNormalization spectral_normalization_\d*: layer must be a layer instance, got "dense"/);
  const sn = layers.SpectralNormalization(layers.Dense(3), { name: "sn3" });
  sn(tf.ones([2, 5, 4]));
  assert.throws(() => sn(tf.ones([2, 6, 4])), /SpectralNormalization sn3: input shape \(2, 6, 4\) is incompatible with the layer: it was built for inputs of shape \(None, 5, 4\)/);
  assert.throws(() => layers.SpectralNormalization(layers.Dense(2), { powerIteration: 2 } as never), /powerIteration/);
});

test("SpectralNormalization on a symbolic input: output shape from the wrapped layer, in a functional model", () => {
  tf.clearSession();
  const input = layers.Input({ shape: [5, 4] });
  const out = layers.SpectralNormalization(layers.Dense(3))(input);
  assert.deepEqual(out.shape, [null, 5, 3]);
  const model = new tf.models.Model({ inputs: input, outputs: out });
  assert.deepEqual((model.predict(tf.ones([2, 5, 4])) as tf.Tensor).shape, [2, 5, 3]);
});

test("SpectralNormalization of every layer with a kernel (or embeddings): enough power iterations bring the kernel's largest singular value to 1", () => {
  tf.clearSession();
  tf.random.setSeed(11);
  const cases: [tf.layers.Layer, number[] | tf.Tensor][] = [
    [layers.Conv1D(3, 2), [2, 5, 4]],
    [layers.Conv1DTranspose(3, 2), [2, 5, 4]],
    [layers.DepthwiseConv1D(2, { depthMultiplier: 2 }), [2, 5, 3]],
    [layers.Conv2DTranspose(3, 2), [1, 4, 4, 2]],
    [layers.DepthwiseConv2D(2), [1, 4, 4, 3]],
    [layers.Conv3D(2, 2), [1, 3, 3, 3, 2]],
    [layers.EinsumDense("ab,bc->ac", 4), [2, 3]],
    [layers.Embedding(6, 4), tf.constant([[0, 5, 2]], [1, 3], "int32")],
  ];
  for (const [inner, input] of cases) {
    const sn = layers.SpectralNormalization(inner, { powerIterations: 200 });
    const x = input instanceof tf.Tensor ? input : tf.random.normal(input);
    sn.apply(x, { training: true });
    const kernel = sn.weights[0];
    const w = tf.reshape(kernel, [-1, kernel.shape[kernel.rank - 1]]);
    const s = tf.linalg.svd(w, false, false).dataSync() as Float32Array;
    assert.ok(Math.abs(Math.max(...s) - 1) < 1e-4, `${inner.className}: largest singular value ${Math.max(...s)}`);
  }
});
