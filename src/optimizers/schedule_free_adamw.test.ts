import { test } from "node:test";
import assert from "node:assert/strict";
import { optimizers } from "../index.js";
import type { ConfigDict } from "./config.js";
import { type StepsCase, assertFitsAndResumes, assertFollowsSteps, fitByName, fixtureVariables, flat, optimizerFixture } from "../testing/optimizer_steps.js";

/*
 * ScheduleFreeAdamW against NumPy float32 step-by-step versions of Keras 3.15.1's update rule
 * (test/fixtures/make_k315_optimizers.py; torch 1.13 has no schedule-free optimizer).
 */
const ref = (key: string): StepsCase => optimizerFixture[key] as StepsCase;

test("ScheduleFreeAdamW takes Keras 3.15's steps, with warmup and weight decay", () => {
  assertFollowsSteps(optimizers.ScheduleFreeAdamW(), ref("sf_default"), "defaults");
  assertFollowsSteps(optimizers.ScheduleFreeAdamW({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, warmupSteps: 2, weightDecay: 0.05 }), ref("sf_options"), "options");
});

test("ScheduleFreeAdamW's variables: momentum (a copy of the variable when built) and velocity, interleaved", () => {
  const opt = optimizers.ScheduleFreeAdamW();
  const vars = fixtureVariables();
  opt.build(vars);
  assert.deepEqual(opt.variables().slice(0, 6).map((v) => v.name), ["iteration", "learning_rate", "dense_kernel_momentum", "dense_kernel_velocity", "dense_bias_momentum", "dense_bias_velocity"]);
  assert.deepEqual(flat([opt.getSlot(vars[0], "momentum")!]), flat([vars[0]]));
  assert.deepEqual(flat([opt.getSlot(vars[0], "velocity")!]).every((x) => x === 0), true);
});

test("ScheduleFreeAdamW's config is Keras 3.15's and round trips", () => {
  const cfg = optimizers.get("ScheduleFreeAdamW").getConfig();
  assert.deepEqual(Object.keys(cfg).slice(-4), ["beta_1", "beta_2", "epsilon", "warmup_steps"]);
  assert.deepEqual([cfg.name, cfg.learning_rate, cfg.weight_decay, cfg.beta_1, cfg.beta_2, cfg.epsilon, cfg.warmup_steps],
    ["schedule_free_adam_w", Math.fround(0.0025), null, 0.9, 0.999, 1e-8, 0]);
  const opt = optimizers.ScheduleFreeAdamW({ learningRate: 0.01, warmupSteps: 10, beta1: 0.95, weightDecay: 0.01, clipnorm: 1 });
  const back = optimizers.deserialize(JSON.parse(JSON.stringify(optimizers.serialize(opt))));
  assert.ok(back instanceof optimizers.ScheduleFreeAdamW);
  assert.deepEqual(back.getConfig(), opt.getConfig());
  assert.deepEqual(optimizers.ScheduleFreeAdamW.fromConfig(JSON.parse(JSON.stringify(opt.getConfig())) as ConfigDict).getConfig(), opt.getConfig());
  assert.throws(() => optimizers.ScheduleFreeAdamW({ warmupSteps: 1.5 }), /ScheduleFreeAdamW: warmupSteps must be an integer, got 1.5/);
  assert.throws(() => optimizers.ScheduleFreeAdamW({ beta1: 0 }), /ScheduleFreeAdamW: beta1 must be > 0, got 0/);
});

test("ScheduleFreeAdamW by name in compile and fit; a .keras file resumes as an uninterrupted run", async () => {
  const byName = await fitByName("schedulefreeadamw");
  assert.deepEqual([byName.className, byName.iterations], ["ScheduleFreeAdamW", 2]);
  await assertFitsAndResumes(() => optimizers.ScheduleFreeAdamW({ learningRate: 0.05, warmupSteps: 3 }));
});
