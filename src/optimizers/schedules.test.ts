import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { optimizers } from "../index.js";

const { schedules } = optimizers;
const f = Math.fround;

function close(actual: number, expected: number, rtol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rtol * Math.abs(expected) + 1e-12, `${what}: got ${actual}, expected ${expected}`);
}

test("ExponentialDecay by hand: 0.1 * 0.96^(step / 10), floored exponent with staircase", () => {
  const s = schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.96 });
  close(s.call(0), 0.1, 1e-7, "step 0");
  close(s.call(5), 0.1 * Math.sqrt(0.96), 1e-6, "step 5");
  close(s.call(20), 0.1 * 0.96 * 0.96, 1e-6, "step 20");
  const st = schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.96, staircase: true });
  close(st.call(9), 0.1, 1e-7, "staircase 9");
  close(st.call(10), 0.096, 1e-6, "staircase 10");
  close(st.call(19), 0.096, 1e-6, "staircase 19");
  assert.equal(s.call(3), f(s.call(3)), "values are float32, as Keras computes them");
});

test("PiecewiseConstantDecay by hand: boundaries are inclusive on the left interval", () => {
  const s = schedules.PiecewiseConstantDecay({ boundaries: [100000, 110000], values: [1.0, 0.5, 0.1] });
  assert.deepEqual([0, 100000, 100001, 110000, 110001, 1e9].map((x) => s.call(x)), [1, 1, 0.5, 0.5, f(0.1), f(0.1)]);
  assert.throws(() => schedules.PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] }),
    /PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values; got boundaries=\[1,2\] of length 2 and values=\[1,2\] of length 2/);
  assert.throws(() => schedules.PiecewiseConstantDecay({ boundaries: [5, 5], values: [1, 2, 3] }), /strictly increasing/);
});

test("CosineDecay by hand: half way is half, the end is alpha; linear warmup first", () => {
  const s = schedules.CosineDecay({ initialLearningRate: 0.2, decaySteps: 100 });
  close(s.call(0), 0.2, 1e-7, "start");
  close(s.call(50), 0.1, 1e-6, "middle");
  close(s.call(25), 0.2 * 0.5 * (1 + Math.cos(Math.PI / 4)), 1e-6, "quarter");
  assert.equal(s.call(100), 0);
  assert.equal(s.call(1000), 0, "stays at the end");
  const a = schedules.CosineDecay({ initialLearningRate: 0.2, decaySteps: 100, alpha: 0.1 });
  close(a.call(100), 0.02, 1e-6, "alpha");
  close(a.call(50), 0.2 * (0.9 * 0.5 + 0.1), 1e-6, "alpha middle");
  const w = schedules.CosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 1, warmupSteps: 4 });
  close(w.call(1), 0.25, 1e-7, "warmup 1");
  close(w.call(3), 0.75, 1e-7, "warmup 3");
  close(w.call(4), 1, 1e-7, "warmup end = decay start");
  close(w.call(9), 0.5, 1e-6, "decay middle");
  assert.equal(w.call(14), 0);
});

test("schedules match the numpy float32 re-implementation of Keras' schedules", () => {
  const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/optimizers.json", import.meta.url), "utf8")) as {
    schedules: { class_name: string; config: Record<string, number | boolean | number[]>; steps: number[]; values: number[] }[];
  };
  for (const c of fx.schedules) {
    const s = schedules.deserialize({ class_name: c.class_name, config: c.config });
    c.steps.forEach((step, i) => close(s.call(step), c.values[i], 2.5e-7, `${c.class_name} ${JSON.stringify(c.config)} step ${step}`));
  }
});

test("schedule configs: Keras' keys, fromConfig round-trip, validation", () => {
  const s = schedules.CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 0.1, warmupTarget: 0.5, warmupSteps: 3 });
  const cfg = s.getConfig();
  assert.deepEqual(cfg, { initial_learning_rate: 0.1, decay_steps: 10, alpha: 0.1, name: "CosineDecay", warmup_target: 0.5, warmup_steps: 3 });
  const back = schedules.deserialize(schedules.serialize(s));
  assert.ok(back instanceof schedules.CosineDecay);
  assert.deepEqual(back.getConfig(), cfg);
  assert.equal(schedules.PiecewiseConstantDecay({ boundaries: [1], values: [1, 2] }).getConfig().name, "PiecewiseConstant");
  assert.throws(() => schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }), /ExponentialDecay: decaySteps must be > 0, got 0/);
  assert.throws(() => schedules.ExponentialDecay({ initialLearningRate: 0.1, decayRate: 0.5 } as never), /ExponentialDecay: option decaySteps is required/);
  assert.throws(() => schedules.deserialize({ class_name: "OneCycle", config: {} }), /unknown learning-rate schedule "OneCycle"; known schedules are ExponentialDecay, PiecewiseConstantDecay, CosineDecay/);
  assert.ok(new schedules.ExponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 }) instanceof schedules.LearningRateSchedule);
});
