import { test } from "node:test";
import assert from "node:assert/strict";
import "../backend/js/index.js";
import * as tf from "../index.js";

const { layers, models, optimizers, constraints } = tf;

const f64 = (values: number[], name: string): tf.Variable => tf.variable(tf.constant(values, [values.length], "float64"), { name });
const g64 = (values: number[]): tf.Tensor => tf.constant(values, [values.length], "float64");

function near(actual: number[], expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `element ${i}: ${a} vs ${expected[i]}`));
}

test("gradientAccumulationSteps: Adam updates every N calls with the mean gradient, iterations = calls // N (numpy, Keras 3.5's formulas)", () => {
  // numpy: lr = float32(0.1); at calls 2 and 4, g = (g_k + accumulated) / 2, t = iterations + 1,
  // alpha = lr sqrt(1 - b2^t) / (1 - b1^t), m += (g - m)(1 - b1), v += (g^2 - v)(1 - b2),
  // w -= m alpha / (sqrt(v) + eps); the accumulators then go back to zero.
  const w = f64([1, -2], "w");
  const opt = optimizers.Adam({ learningRate: 0.1, gradientAccumulationSteps: 2 });
  const acc = (): number[] => opt.getSlot(w, "gradient_accumulator")!.arraySync() as number[];
  assert.equal(opt.applyGradients([[g64([1, 2]), w]]), 1);
  assert.deepEqual(w.arraySync(), [1, -2]);
  assert.deepEqual(acc(), [1, 2]);
  assert.equal(opt.iterations, 0);
  opt.applyGradients([[g64([3, -1]), w]]);
  near(w.arraySync() as number[], [0.9000001566235193, -2.0999993690385748]);
  assert.deepEqual(acc(), [0, 0]);
  assert.equal(opt.iterations, 1);
  opt.applyGradients([[g64([0.5, 0.5]), w]]);
  near(w.arraySync() as number[], [0.9000001566235193, -2.0999993690385748]);
  assert.deepEqual(acc(), [0.5, 0.5]);
  assert.equal(opt.iterations, 1);
  opt.applyGradients([[g64([-1, 1]), w]]);
  near(w.arraySync() as number[], [0.8427467880682474, -2.1990797493181997]);
  near(opt.getSlot(w, "momentum")!.arraySync() as number[], [0.155, 0.12]);
  near(opt.getSlot(w, "velocity")!.arraySync() as number[], [0.0040585, 0.00081225]);
  assert.equal(opt.iterations, 2);
  // The saved `iteration` variable counts the calls (Keras' _iterations).
  assert.equal(opt.variables()[0].item(), 4);
});

test("gradientAccumulationSteps: schedules see the calls, the moving averages move every call, constraints apply every call", () => {
  // PiecewiseConstantDecay([0], [1, 0.5]) at the update (call 2, 1 call before it): 0.5, so
  // w = 0 - 0.5 * (1 + 3) / 2 = -1 (the update count, 0, would have given 1 and -2).
  const sched = optimizers.schedules.PiecewiseConstantDecay({ boundaries: [0], values: [1, 0.5] });
  const s = optimizers.SGD({ learningRate: sched, gradientAccumulationSteps: 2 });
  const w = f64([0], "w");
  s.applyGradients([[g64([1]), w]]);
  s.applyGradients([[g64([3]), w]]);
  assert.deepEqual(w.arraySync(), [-1]);
  assert.equal(s.learningRate, 0.5);

  // useEma: momentum 0 while iterations (calls // 2) is 0, so the average copies w at calls 1 and 2.
  const e = optimizers.SGD({ learningRate: 1, useEma: true, gradientAccumulationSteps: 2 });
  const v = f64([1], "v");
  e.applyGradients([[g64([2]), v]]);
  const average = (): number[] => e.getSlot(v, "average")!.arraySync() as number[];
  assert.deepEqual(average(), [1]);
  e.applyGradients([[g64([4]), v]]);
  assert.deepEqual(v.arraySync(), [-2]);
  assert.deepEqual(average(), [-2]);
  // Keras' order: iteration, learning_rate, then per variable its average and its accumulator.
  assert.deepEqual(e.variables().map((x) => x.name), ["iteration", "learning_rate", "v_average", "v_gradient_accumulator"]);

  // Keras applies the constraint at every call, updated or not.
  const c = tf.variable(tf.constant([-1], [1], "float64"), { name: "c", constraint: constraints.NonNeg() });
  const k = optimizers.SGD({ learningRate: 1, gradientAccumulationSteps: 3 });
  k.applyGradients([[g64([5]), c]]);
  assert.deepEqual(c.arraySync(), [0]);
});

test("gradientAccumulationSteps: option checks, getConfig and fromConfig", () => {
  assert.throws(() => optimizers.SGD({ gradientAccumulationSteps: 1 }),
    /^RangeError: SGD: gradientAccumulationSteps must be an integer >= 2 \(update every that many steps with the mean gradient\) or null \(update at every step\), got 1$/);
  assert.throws(() => optimizers.SGD({ gradientAccumulationSteps: 2.5 }), /must be an integer >= 2/);
  const opt = optimizers.Adam({ gradientAccumulationSteps: 4 });
  assert.equal(opt.getConfig().gradient_accumulation_steps, 4);
  assert.equal(optimizers.Adam().getConfig().gradient_accumulation_steps, null);
  const back = optimizers.deserialize(optimizers.serialize(opt));
  assert.equal(back.gradientAccumulationSteps, 4);
  // Keras takes 0 as None.
  assert.equal(optimizers.SGD.fromConfig({ gradient_accumulation_steps: 0 }).gradientAccumulationSteps, null);
  assert.equal(optimizers.SGD.fromConfig({ loss_scale_factor: 128 }).lossScaleFactor, 128);
});

test("gradientAccumulationSteps in fit: two batches, one SGD update with their mean gradient", async () => {
  // w = 1, mse on x = 1 then x = 2 (y = 0): gradients 2 w x^2 = 2 and 8, mean 5; w = 1 - 0.1 * 5 = 0.5.
  const model = new models.Sequential([layers.Input({ shape: [1] }), layers.Dense(1, { useBias: false, kernelInitializer: "ones" })]);
  const opt = optimizers.SGD({ learningRate: 0.1, gradientAccumulationSteps: 2 });
  model.compile({ loss: "mse", optimizer: opt });
  await model.fit(tf.constant([[1], [2]], [2, 1], "float32"), tf.constant([[0], [0]], [2, 1], "float32"), { batchSize: 1, epochs: 1, shuffle: false, verbose: 0 });
  assert.deepEqual(Array.from(model.layers[0].getWeights()[0].dataSync() as Float32Array), [0.5]);
  assert.equal(opt.iterations, 1);
});
