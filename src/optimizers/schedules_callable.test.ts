/**
 * Learning-rate schedules are callable, as Keras' LearningRateSchedule.__call__: `schedule(step)`
 * is the rate at that step, for the built-in schedules (made with or without `new`) and for a
 * user's subclass, while `instanceof`, names, configs and optimizers keep working.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { LearningRateSchedule } from "./schedules.js";

const { schedules } = tf.optimizers;

test("schedule(step) is the rate at step: 0.1 * 0.5^(step / 10) and a piecewise constant, by hand", () => {
  const exp = schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  assert.equal(exp(0), Math.fround(0.1));
  assert.equal(exp(10), Math.fround(0.05));
  assert.equal(exp(20), Math.fround(0.025));
  const piecewise = new schedules.PiecewiseConstantDecay({ boundaries: [5], values: [1, 0.5] });
  assert.deepEqual([0, 5, 6].map((step) => piecewise(step)), [1, 1, 0.5]);
  assert.throws(() => exp("3" as never), /^TypeError: ExponentialDecay: call the schedule with an optimizer step \(a number\), e\.g\. schedule\(100\), got "3"$/);
});

test("a callable schedule is still its class: instanceof, name, config and an optimizer's schedule", () => {
  const s = schedules.CosineDecay({ initialLearningRate: 1, decaySteps: 4, name: "cos" });
  assert.ok(s instanceof schedules.CosineDecay);
  assert.ok(s instanceof LearningRateSchedule);
  assert.equal(typeof s, "function");
  assert.equal(s.name, "cos");
  assert.equal(s.className, "CosineDecay");
  assert.equal(s.getConfig().decay_steps, 4);
  // Cosine decay at half the steps: 0.5 * (1 + cos(pi / 2)) = 0.5 (in float32, as Keras: 0.49999997).
  assert.ok(Math.abs(s(2) - 0.5) < 1e-6, `${s(2)}`);
  const sgd = tf.optimizers.SGD({ learningRate: s });
  assert.equal(sgd.learningRateSchedule, s);
  assert.deepEqual(tf.optimizers.schedules.serialize(s), { module: "keras.optimizers.schedules", class_name: "CosineDecay", config: s.getConfig(), registered_name: null });
});

test("a user's subclass is callable too", () => {
  class Halving extends LearningRateSchedule {
    readonly className = "Halving";
    call(step: number): number { return 1 / 2 ** step; }
    getConfig() { return {}; }
  }
  const h = new Halving();
  assert.equal(h(3), 0.125);
  assert.ok(h instanceof Halving);
});
