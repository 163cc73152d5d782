import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
interface AdaptCase {
  name: string; args: { axis?: number | number[] | null; invert?: boolean }; data?: Arr;
  mean: Arr; variance: Arr; count: number; x: Arr; y: Arr; build_input_shape: (number | null)[];
}
interface GivenCase {
  name: string; args: { axis?: number[] | null; mean: number | number[] | number[][]; variance: number | number[] | number[][]; invert?: boolean };
  x: Arr; y: Arr; config: Record<string, unknown>;
}
/** Reference values from Keras 3.5 (torch backend), by test/fixtures/make_normalization_layers.py. */
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/normalization_layers.json", import.meta.url), "utf8")) as {
  adapt_data: Arr; normalization_adapt: AdaptCase[]; normalization_given: GivenCase[];
};
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");
const adaptCase = (name: string): AdaptCase => {
  const c = fixture.normalization_adapt.find((k) => k.name === name);
  assert.ok(c, `fixture case ${name}`);
  return c;
};
/** Nested rows of a 2-D fixture array, as a user's number[][] would be. */
const rows = (a: Arr): number[][] => Array.from({ length: a.shape[0] }, (_, i) => a.data.slice(i * a.shape[1], (i + 1) * a.shape[1]));

function checkAdapted(layer: InstanceType<typeof layers.classes.Normalization>, c: AdaptCase, statTol: number): void {
  const [mean, variance, count] = layer.getWeights();
  assertAllClose(mean, c.mean, { rtol: statTol, atol: 0, what: `${c.name}: adapted mean vs Keras` });
  assertAllClose(variance, c.variance, { rtol: statTol, atol: 1e-6, what: `${c.name}: adapted variance vs Keras` });
  assert.equal(count.item(), c.count, `${c.name}: count (Keras 3 leaves it 0)`);
  assertAllClose(layer(t32(c.x)) as tf.Tensor, c.y, { rtol: 1e-5, atol: 1e-5, what: `${c.name}: output vs Keras` });
  assert.deepEqual(layer.builtInputShape, c.build_input_shape, `${c.name}: the shape the layer was built for`);
}

test("Normalization: Keras' docstring examples by hand (per feature, invert, one scalar for axis null, given mean/variance)", () => {
  const data = [[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]];
  // Means 1, 8, 5 and variances 1, 1, 1.
  const perFeature = layers.Normalization();
  perFeature.adapt(tf.constant(data, "float32"));
  assert.deepEqual(perFeature(tf.constant([[0, 7, 4]], "float32")).arraySync(), [[-1, -1, -1]]);
  const inverse = layers.Normalization({ invert: true });
  inverse.adapt(data);
  assert.deepEqual(inverse(tf.constant([[1, 2, 3]], "float32")).arraySync(), [[2, 10, 8]]);
  // Mean 3, variance 2 over all five values.
  const scalar = layers.Normalization(null);
  scalar.adapt([1, 2, 3, 4, 5]);
  assertAllClose(scalar(tf.constant([1, 2, 3], "float32")) as tf.Tensor, [-2 / Math.SQRT2, -1 / Math.SQRT2, 0], { rtol: 1e-6, atol: 1e-7 });
  const given = layers.Normalization({ mean: 3, variance: 2 });
  assertAllClose(given(tf.constant([[1], [2], [3]], "float32")) as tf.Tensor, [-2 / Math.SQRT2, -1 / Math.SQRT2, 0], { rtol: 1e-6, atol: 1e-7 });
  // A feature of variance 0 is divided by Keras' epsilon 1e-7, not by 0.
  const flat = layers.Normalization({ mean: [0, 0], variance: [0, 1] });
  assertAllClose(flat(tf.constant([[1e-7, 2]], "float32")) as tf.Tensor, [1, 2], { rtol: 1e-6, atol: 0 });
});

test("Normalization.adapt on a tensor and on nested arrays: mean, variance and outputs as Keras 3.5 computes them", () => {
  const data = t32(fixture.adapt_data);
  for (const name of ["tensor", "tensor_axis_none", "tensor_invert"]) {
    const c = adaptCase(name);
    const layer = layers.Normalization(c.args);
    layer.adapt(data);
    checkAdapted(layer, c, 1e-6);
  }
  const c = adaptCase("array_float64");
  const layer = layers.Normalization();
  layer.adapt(rows(fixture.adapt_data));
  checkAdapted(layer, c, 1e-7);
  for (const name of ["cube_axes_1_2", "cube_axis_1", "cube_all_axes"]) {
    const k = adaptCase(name);
    const cube = layers.Normalization(k.args);
    cube.adapt(t32(k.data as Arr));
    checkAdapted(cube, k, 1e-6);
  }
});

test("Normalization.adapt on a dataset: Keras' streaming combination over batches, and batches of 128 for unbatched rows", async () => {
  const data = t32(fixture.adapt_data);
  const batched = layers.Normalization();
  await batched.adapt(tf.data.Dataset.fromTensorSlices(data).batch(32));
  checkAdapted(batched, adaptCase("dataset_batched_32"), 1e-6);
  const unbatched = layers.Normalization();
  await unbatched.adapt(tf.data.Dataset.fromTensorSlices(data));
  checkAdapted(unbatched, adaptCase("dataset_unbatched"), 1e-6);
  // By hand: batches [1, 3] and [5]: after the first, mean 2 and variance 1; the second has weight
  // 1/3: mean 2 * 2/3 + 5/3 = 3, variance (1 + 1) * 2/3 + (0 + 4) / 3 = 8/3, the whole set's.
  const small = layers.Normalization(null);
  await small.adapt(tf.data.Dataset.fromGenerator(() => [tf.constant([[1], [3]], "float32"), tf.constant([[5]], "float32")]));
  assertAllClose(small.getWeights()[0], [3], { rtol: 1e-7, atol: 0 });
  assertAllClose(small.getWeights()[1], [8 / 3], { rtol: 1e-6, atol: 0 });
});

test("Normalization with mean and variance given: outputs and config as Keras 3.5's, and no weights", () => {
  for (const c of fixture.normalization_given) {
    layers.clearSession();
    const layer = layers.Normalization(c.args);
    assertAllClose(layer(t32(c.x)) as tf.Tensor, c.y, { rtol: 1e-6, atol: 1e-6, what: `${c.name}: output vs Keras` });
    assert.equal(layer.weights.length, 0);
    const cfg = layer.getConfig();
    for (const key of ["axis", "invert", "mean", "variance"]) assert.deepEqual(cfg[key], c.config[key], `${c.name}: config ${key}`);
  }
  const fromTensor = layers.Normalization({ mean: tf.constant([1, 2], "float32"), variance: tf.constant([4, 4], "float32") });
  assert.deepEqual(fromTensor.getConfig().mean, [1, 2]);
  assert.deepEqual(fromTensor(tf.constant([[3, 4]], "float32")).arraySync(), [[1, 1]]);
});

test("Normalization: weights mean, variance, count (non-trainable, in Keras' order), config, summary count", () => {
  layers.clearSession();
  const norm = layers.Normalization();
  const model = new tf.models.Sequential([layers.Input({ shape: [4] }), norm, layers.Dense(1)]);
  assert.deepEqual(norm.weights.map((w) => [w.name, w.dtype, [...w.shape], w.trainable]), [
    // Keras 3.5 paths: a Sequential builds its layers inside its own name scope.
    ["sequential/normalization/mean", "float32", [4], false], ["sequential/normalization/variance", "float32", [4], false], ["sequential/normalization/count", "int32", [], false],
  ]);
  assert.equal(norm.trainableWeights.length, 0);
  assert.equal(norm.countParams(), 9);
  // Before adapting: mean 0, variance 1, the identity.
  assert.deepEqual(norm(tf.constant([[1, 2, 3, 4]], "float32")).arraySync(), [[1, 2, 3, 4]]);
  norm.adapt(tf.constant([[0, 0, 0, 0], [2, 4, 6, 8]], "float32"));
  assert.deepEqual(norm.getWeights()[0].arraySync(), [1, 2, 3, 4]);
  assert.deepEqual(norm.getWeights()[1].arraySync(), [1, 4, 9, 16]);
  assert.deepEqual(norm(tf.constant([[2, 4, 6, 8]], "float32")).arraySync(), [[1, 1, 1, 1]]);
  // Adapting a built layer keeps the shape it was built for.
  assert.deepEqual(norm.builtInputShape, [null, 4]);
  assert.deepEqual(norm.getConfig().axis, [-1]);
  assert.equal(norm.getConfig().mean, null);
  assert.equal(model.countParams(), 9 + 5);
});

test("Normalization refuses bad settings and data, naming the layer and the fix", () => {
  assert.throws(() => layers.Normalization({ mean: 1 }), /Normalization normalization(_\d+)?: when setting values directly, both mean and variance must be set/);
  assert.throws(() => layers.Normalization({ axis: 1.5 }), /axis must be an integer, a list of integers or null, got 1.5/);
  assert.throws(() => layers.Normalization({ mean: [1, 2], variance: [1, 1] })(tf.ones([2, 3])), /mean has 2 values but the kept axes \[1\] need 3/);
  assert.throws(() => layers.Normalization({ mean: 0, variance: 1 }).adapt([[1, 2]]), /was given mean and variance, so it has nothing to adapt/);
  assert.throws(() => layers.Normalization(2).adapt([[1, 2]]), /axis 2 is out of range for inputs of shape \(1, 2\) \(rank 2\)/);
  const norm = layers.Normalization();
  norm.adapt([[1, 2, 3]]);
  assert.throws(() => norm.adapt([[1, 2]]), /built for inputs of shape \(1, 3\), but the data has the incompatible shape \(1, 2\)/);
  const pairs = tf.data.Dataset.fromTensorSlices([tf.ones([4, 2]), tf.zeros([4])]).batch(2);
  return assert.rejects(layers.Normalization().adapt(pairs), /each dataset element must be one tensor of features, got an array of 2; map the dataset to its features first/);
});

test("Normalization passes gradients to its input: 1 / max(sqrt(variance), eps) per feature (float64 finite differences)", () => {
  const norm = layers.Normalization({ dtype: "float64" });
  norm.adapt(tf.random.normal([20, 3], 0, 2, { dtype: "float64", seed: 3 }));
  checkGradients((x) => norm(x) as tf.Tensor, [tf.random.normal([4, 3], 0, 1, { dtype: "float64", seed: 4 })]);
  const inverse = layers.Normalization({ dtype: "float64", invert: true, mean: [1, 2, 3], variance: [4, 0.5, 2] });
  checkGradients((x) => inverse(x) as tf.Tensor, [tf.random.normal([4, 3], 0, 1, { dtype: "float64", seed: 5 })]);
});

test("Normalization in front of a regression model (California housing style): adapt(xTrain), then fit", async () => {
  layers.clearSession();
  tf.random.setSeed(1);
  const xTrain = t32(fixture.adapt_data);
  // A target linear in the standardized features, which the normalized model can fit quickly.
  const c = adaptCase("array_float64");
  const z = tf.div(tf.sub(xTrain, t32(c.mean)), tf.sqrt(t32(c.variance)));
  const yTrain = tf.add(tf.matmul(z, tf.constant([[0.8], [0.1], [-0.3], [0.2], [0], [-0.1], [-0.9], [-0.8]], "float32")), 2);
  const norm = layers.Normalization();
  norm.adapt(xTrain);
  const model = new tf.models.Sequential([layers.Input({ shape: [8] }), norm, layers.Dense(16, { activation: "relu" }), layers.Dense(1)]);
  model.compile({ loss: "mse", optimizer: tf.optimizers.Adam({ learningRate: 0.01 }) });
  const before = (await model.evaluate(xTrain, yTrain, { verbose: 0 })) as number;
  const history = await model.fit(xTrain, yTrain, { epochs: 30, batchSize: 32, verbose: 0 });
  const after = history.history.loss.at(-1) as number;
  assert.ok(after < before / 10, `loss ${before} -> ${after}`);
  // adapt's statistics are weights, not trained: still the data's.
  assertAllClose(norm.getWeights()[0], c.mean, { rtol: 1e-6, atol: 0 });
});
