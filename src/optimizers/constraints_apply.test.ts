import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import * as tf from "../index.js";

const { layers, models, optimizers, constraints } = tf;

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);

function near(actual: number[], expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `element ${i}: ${a} vs ${expected[i]}`));
}

test("applyGradients applies a layer weight's constraint after the update, as Keras' optimizer.apply does", () => {
  const d = layers.Dense(2, { kernelConstraint: constraints.NonNeg(), useBias: false, kernelInitializer: "ones" });
  d.apply(tf.constant([[1, 2], [3, 4]], [2, 2], "float32"));
  const kernel = d.trainableWeights[0];
  assert.ok(kernel.constraint !== null, "addWeight hands the constraint to the variable");
  // w = 1 - 1.0 * g = [[-3, -3], [-5, -5]], then NonNeg: max(w, 0) = 0 everywhere.
  optimizers.SGD({ learningRate: 1.0 }).applyGradients([[tf.constant([[4, 4], [6, 6]], [2, 2], "float32"), kernel]]);
  assert.deepEqual(values(kernel), [0, 0, 0, 0]);
  // A positive result is left as it is: 1 - 0.25 * [2, -2] = [0.5, 1.5].
  const w = tf.variable(tf.constant([1, 1], [2], "float32"), { name: "w", constraint: constraints.NonNeg() });
  optimizers.SGD({ learningRate: 0.25 }).apply([tf.constant([2, -2], [2], "float32")], [w]);
  assert.deepEqual(values(w), [0.5, 1.5]);
  // A variable with no gradient is neither updated nor constrained (Keras filters it out first).
  const other = tf.variable(tf.constant([-1], [1], "float32"), { name: "other", constraint: constraints.NonNeg() });
  const opt = optimizers.SGD({ learningRate: 0.5 });
  const u = tf.variable(tf.constant([1], [1], "float32"), { name: "u" });
  const warn = console.warn;
  console.warn = () => {};
  try {
    opt.applyGradients([[tf.constant([1], [1], "float32"), u], [null, other]]);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(values(other), [-1]);
  assert.deepEqual(values(u), [0.5]);
});

test("with useEma the averages take the unconstrained values and the constraint comes last (Keras' apply order)", () => {
  // SGD(lr=1): w = 1 - 3 = -2; the first average copies it (-2); then NonNeg sets w to 0.
  const w = tf.variable(tf.constant([1], [1], "float32"), { name: "w", constraint: constraints.NonNeg() });
  const opt = optimizers.SGD({ learningRate: 1, useEma: true });
  opt.applyGradients([[tf.constant([3], [1], "float32"), w]]);
  assert.deepEqual(values(w), [0]);
  assert.deepEqual(values(opt.variables().find((v) => v.name === "w_average") as tf.Tensor), [-2]);
  // Overwriting every step: w takes the average (-2), and the constraint still has the last word.
  const w2 = tf.variable(tf.constant([1], [1], "float32"), { name: "w2", constraint: constraints.NonNeg() });
  const opt2 = optimizers.SGD({ learningRate: 1, useEma: true, emaOverwriteFrequency: 1 });
  opt2.applyGradients([[tf.constant([3], [1], "float32"), w2]]);
  assert.deepEqual(values(w2), [0]);
  assert.equal(opt2.iterations, 1);
});

test("fit applies each constraint exactly once per step, through the optimizer", async () => {
  // MaxNorm(1, axis 0) after one SGD(0.1) step of mse, checked with numpy:
  // W1 = W - 0.1 * x^T (2 (xW - y) / 4) = [[0.625, 1.85], [2.125, -1.15], [-0.5, 0.4]],
  // W2 = W1 * clip(n, 0, 1) / (1e-7 + n), n the column norms.
  const model = new models.Sequential([
    layers.Input({ shape: [3] }),
    layers.Dense(2, { useBias: false, kernelConstraint: constraints.MaxNorm({ maxValue: 1, axis: 0 }) }),
  ]);
  model.layers[0].setWeights([tf.constant([[1, 2], [3, -1], [0.5, 1]], [3, 2], "float32")]);
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.1 }) });
  const x = tf.constant([[1, 2, 3], [0, 1, -1]], [2, 3], "float32");
  const y = tf.constant([[1, 0], [0, 1]], [2, 2], "float32");
  await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
  near(values(model.layers[0].getWeights()[0]), [0.27524093, 0.8353187, 0.93581916, -0.51925216, -0.22019274, 0.18060945]);

  // A constraint that halves the weight shows how many times it ran: once per step.
  let calls = 0;
  const half = (w: tf.Tensor): tf.Tensor => {
    calls++;
    return tf.mul(w, 0.5);
  };
  const m2 = new models.Sequential([layers.Input({ shape: [1] }), layers.Dense(1, { useBias: false, kernelInitializer: "ones", kernelConstraint: half })]);
  m2.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0 }) });
  await m2.fit(tf.constant([[1]], [1, 1], "float32"), tf.constant([[1]], [1, 1], "float32"), { epochs: 2, batchSize: 1, verbose: 0 });
  assert.equal(calls, 2);
  assert.deepEqual(values(m2.layers[0].getWeights()[0]), [0.25]);
});
