import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { optimizers } from "../index.js";
import { assertFitsAndResumes, assertNear, fixtureGradients, fixtureVariables, flat, optimizerFixture } from "../testing/optimizer_steps.js";

/*
 * LossScaleOptimizer against a NumPy step-by-step version of Keras 3.15.1's dynamic loss scaling
 * around SGD (test/fixtures/make_k315_optimizers.py): the gradients of each step are the fixture's
 * times the current scale, times inf or NaN on the steps that overflow.
 */
interface ScaleStep { weights: Record<string, number[]>; scale: number; step_counter: number; iterations: number }
const steps = optimizerFixture.loss_scale as ScaleStep[];
const MULTIPLIERS = [1, Infinity, 1, 1, NaN, 1, 1, 1];

test("dynamic loss scaling as Keras 3.15: unscaled finite steps, skipped non-finite ones halve the scale, growth doubles it", () => {
  const opt = optimizers.LossScaleOptimizer(optimizers.SGD({ learningRate: 0.01 }), { initialScale: 8, dynamicGrowthSteps: 2 });
  const vars = fixtureVariables();
  assert.equal(opt.scale, 8);
  MULTIPLIERS.forEach((mult, i) => {
    opt.applyGradients(fixtureGradients(vars, i, opt.scale * mult));
    const want = steps[i];
    for (const v of vars) assertNear(flat([v]), want.weights[v.name], `step ${i + 1} ${v.name}`);
    assert.deepEqual([opt.scale, opt.stepsSinceScaleChange, opt.iterations], [want.scale, want.step_counter, want.iterations], `step ${i + 1}`);
  });
  assert.equal(opt.innerOptimizer.iterations, 6);
});

test("LossScaleOptimizer's variables, learning rate and scaleLoss are Keras'", () => {
  const inner = optimizers.Adam({ learningRate: 0.01, lossScaleFactor: 128 });
  const opt = optimizers.LossScaleOptimizer(inner);
  assert.equal(inner.lossScaleFactor, null, "the inner optimizer's own loss scaling is switched off");
  assert.equal(opt.scaleLoss(3), 3 * 2 ** 15);
  assert.deepEqual(flat([opt.scaleLoss(tf.constant([0.5]))]), [2 ** 14]);
  const vars = fixtureVariables().slice(0, 2);
  opt.build(vars);
  assert.deepEqual(opt.variables().map((v) => v.name), [
    "iteration", "learning_rate", "step_counter", "dynamic_scale", "iteration", "learning_rate",
    "dense_kernel_momentum", "dense_kernel_velocity", "dense_bias_momentum", "dense_bias_velocity",
  ]);
  assert.deepEqual([opt.variables()[2].dtype, opt.variables()[3].dtype], ["int64", "float32"]);
  assert.equal(opt.learningRate, Math.fround(0.01));
  opt.learningRate = 0.5;
  assert.equal(inner.learningRate, 0.5);
  // apply without variables takes those it was built with.
  opt.apply(fixtureGradients(vars, 0).map(([g]) => g));
  assert.equal(opt.iterations, 1);
  assert.ok(opt.getSlot(vars[0], "momentum"));
});

test("in fit on float32, LossScaleOptimizer(SGD) trains exactly as SGD, and skips the steps whose scaled loss overflows", async () => {
  const x = tf.constant([[0.1, -0.4, 0.9], [0.5, 0.3, -0.2], [-0.7, 0.8, 0.05], [0.25, -0.6, 0.4]]);
  const y = tf.constant([[2], [-1], [3], [0.5]]);
  const run = async (optimizer: optimizers.Optimizer): Promise<tf.models.Sequential> => {
    const m = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(1, { kernelInitializer: "ones" })]);
    m.compile({ loss: "mse", optimizer });
    await m.fit(x, y, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
    return m;
  };
  const plain = await run(optimizers.SGD({ learningRate: 0.1 }));
  const scaled = await run(optimizers.LossScaleOptimizer(optimizers.SGD({ learningRate: 0.1 }), { initialScale: 1024, dynamicGrowthSteps: 3 }));
  assert.deepEqual(flat(scaled.getWeights()), flat(plain.getWeights()));
  const lso = scaled.optimizer as optimizers.LossScaleOptimizer;
  assert.deepEqual([lso.iterations, lso.scale, lso.stepsSinceScaleChange], [4, 2048, 1]);
  // Targets so large that the scaled gradients overflow float32: every step is skipped and halves the scale.
  const m = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(1, { kernelInitializer: "ones" })]);
  const skipping = optimizers.LossScaleOptimizer(optimizers.SGD({ learningRate: 0.1 }), { initialScale: 1024 });
  m.compile({ loss: "mse", optimizer: skipping });
  await m.fit(x, tf.mul(y, 1e38), { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
  assert.deepEqual(flat(m.getWeights()), [1, 1, 1, 0], "no step taken");
  assert.deepEqual([skipping.iterations, skipping.scale, skipping.stepsSinceScaleChange], [0, 64, 0]);
});

test("LossScaleOptimizer's config is Keras 3.15's, round trips, and refuses what Keras refuses", () => {
  const opt = optimizers.LossScaleOptimizer(optimizers.Muon({ learningRate: 0.01 }), { initialScale: 256, dynamicGrowthSteps: 100 });
  const cfg = JSON.parse(JSON.stringify(opt.getConfig()));
  assert.deepEqual(Object.keys(cfg), ["name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"]);
  assert.deepEqual([cfg.name, cfg.inner_optimizer.class_name, cfg.initial_scale, cfg.dynamic_growth_steps], ["loss_scale_optimizer", "Muon", 256, 100]);
  const back = optimizers.deserialize(JSON.parse(JSON.stringify(optimizers.serialize(opt))));
  assert.ok(back instanceof optimizers.LossScaleOptimizer && back.innerOptimizer instanceof optimizers.Muon);
  assert.deepEqual(back.getConfig(), opt.getConfig());
  // Older Keras wrote the base options too: accepted at their defaults.
  assert.ok(optimizers.LossScaleOptimizer.fromConfig({ ...cfg, weight_decay: null, use_ema: false, ema_momentum: 0.99 }) instanceof optimizers.LossScaleOptimizer);
  assert.throws(() => optimizers.LossScaleOptimizer.fromConfig({ ...cfg, clipnorm: 1 }), /LossScaleOptimizer does not support clipnorm=1; set it on the inner optimizer/);
  assert.throws(() => optimizers.LossScaleOptimizer.fromConfig({ ...cfg, dynamic: false }), /dynamic=false is no longer supported/);
  assert.throws(() => optimizers.LossScaleOptimizer(optimizers.SGD(), { dynamicGrowthSteps: 0 }), /dynamicGrowthSteps must be >= 1, got 0/);
  assert.throws(() => optimizers.LossScaleOptimizer("sgd" as never), /expected the optimizer to wrap/);
  assert.throws(() => optimizers.LossScaleOptimizer(opt), /already a LossScaleOptimizer/);
});

test("a .keras file of a model trained with LossScaleOptimizer resumes as an uninterrupted run", async () => {
  const opt = await assertFitsAndResumes(() => optimizers.LossScaleOptimizer(optimizers.Adam({ learningRate: 0.02 }), { initialScale: 64, dynamicGrowthSteps: 2 }));
  assert.ok(opt instanceof optimizers.LossScaleOptimizer && opt.innerOptimizer instanceof optimizers.Adam);
});
