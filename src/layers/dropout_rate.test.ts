import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;
const vals = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);

// Keras 3.5's Dropout takes 0 <= rate <= 1; with rate 1 its call runs backend.random.dropout with
// keep_prob = 0, whose jax/torch/numpy versions keep no element: select(mask = all false, x / 0, 0) = 0.

test("Dropout takes rate 1 (as Keras 3.5): zeros in training, the input in inference, rate 1 in its config", () => {
  const d = layers.Dropout({ rate: 1, seed: 3, name: "all" });
  const x = tf.constant([[1, -2, 3], [4, Infinity, 6]], [2, 3], "float32");
  const y = d.apply(x, { training: true }) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 3]);
  assert.deepEqual(y.dtype, "float32");
  assert.deepEqual(vals(y), [0, 0, 0, 0, 0, 0]);
  assert.equal(d.apply(x), x);
  assert.equal(d.getConfig().rate, 1);
  assert.equal(layers.Dropout({ rate: 1, noiseShape: [null, 1] }).apply(x, { training: true }) instanceof tf.Tensor, true);
});

test("Dropout still refuses a rate outside [0, 1], naming the layer", () => {
  assert.throws(() => layers.Dropout({ rate: 1.5, name: "d15" }), /^RangeError: Dropout d15: rate must be a number in \[0, 1\] \(the fraction of the inputs to drop\), got 1\.5$/);
  assert.throws(() => layers.Dropout({ rate: -0.1, name: "dm" }), /Dropout dm: rate must be a number in \[0, 1\].*got -0\.1/);
  assert.throws(() => layers.Dropout({ name: "dn" }), /Dropout dn: rate must be a number in \[0, 1\].*got undefined/);
});

test("a model with Dropout(1) trains: what comes before it gets no gradient, what comes after learns from zeros", async () => {
  tf.random.setSeed(5);
  const first = layers.Dense(3, { name: "first" });
  const last = layers.Dense(1, { name: "last", kernelInitializer: "ones" });
  const model = new models.Sequential([layers.Input({ shape: [2] }), first, layers.Dropout({ rate: 1 }), last]);
  model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.5 }) });
  const before = first.getWeights().map(vals);
  const x = tf.constant([[1, 2], [3, 4]], [2, 2], "float32");
  const h = await model.fit(x, tf.constant([[1], [1]], [2, 1], "float32"), { epochs: 1, batchSize: 2, verbose: 0, shuffle: false });
  // The Dense after it sees zeros: its output is its bias 0, the loss (0 - 1)^2 = 1, and SGD moves only the bias:
  // d loss / d bias = 2 * (0 - 1) = -2, so bias = 0 - 0.5 * -2 = 1; the kernel's gradient is zeros * ... = 0.
  assert.deepEqual(h.history.loss, [1]);
  assert.deepEqual(vals(last.getWeights()[1]), [1]);
  assert.deepEqual(vals(last.getWeights()[0]), [1, 1, 1]);
  assert.deepEqual(first.getWeights().map(vals), before);
});

test("SpatialDropout1D/2D/3D take rate 1 too (Keras 3.5's SpatialDropout layers inherit Dropout's 0 <= rate <= 1): zeros in training, the input in inference", () => {
  const cases: [tf.layers.Layer, number[]][] = [
    [layers.SpatialDropout1D({ rate: 1, seed: 1 }), [2, 3, 4]],
    [layers.SpatialDropout2D({ rate: 1, seed: 1 }), [2, 3, 3, 4]],
    [layers.SpatialDropout3D({ rate: 1, seed: 1 }), [2, 2, 2, 2, 4]],
  ];
  for (const [layer, shape] of cases) {
    const x = tf.ones(shape);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    assert.deepEqual(y.shape, shape, layer.className);
    assert.ok(vals(y).every((v) => v === 0), `${layer.className}: all zeros`);
    assert.equal(layer.apply(x), x, `${layer.className}: identity in inference`);
    assert.equal(layer.getConfig().rate, 1);
  }
  assert.throws(() => layers.SpatialDropout1D({ rate: 1.01, name: "s1" }), /^RangeError: SpatialDropout1D s1: rate must be a number in \[0, 1\] \(the fraction of channels to drop\), got 1\.01$/);
});
