import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { optimizers } from "../index.js";
import type { Optimizer, OptimizerOptions } from "./index.js";
import { pushRecorder, removeRecorder } from "../ops/engine.js";
import { assertAllClose } from "../testing/close.js";

// Reference trajectories from test/fixtures/make_optimizers.py: a numpy re-implementation of
// Keras 3's update steps (and PyTorch's optimizers where they are the same update).
interface FixtureCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  dtype: "float32" | "float64";
  names: string[];
  shapes: number[][];
  init: number[][];
  grads: (number[] | null)[][];
  lr?: number[];
  steps: number[][][];
  variables?: { name: string; dtype: string; shape: number[]; values: number[] }[];
}
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/optimizers.json", import.meta.url), "utf8")) as {
  cases: FixtureCase[];
  torch: FixtureCase[];
};

function makeOptimizer(kind: string, options: Record<string, unknown>): Optimizer {
  const opts: Record<string, unknown> = { ...options };
  const lr = opts.learningRate;
  if (lr && typeof lr === "object") opts.learningRate = optimizers.schedules.deserialize(lr as { class_name: string });
  const factories: Record<string, (o: OptimizerOptions) => Optimizer> = {
    SGD: optimizers.SGD, RMSprop: optimizers.RMSprop, Adam: optimizers.Adam, AdamW: optimizers.AdamW,
    Adagrad: optimizers.Adagrad, Adadelta: optimizers.Adadelta, Adamax: optimizers.Adamax, Nadam: optimizers.Nadam,
  };
  return factories[kind](opts as OptimizerOptions);
}

function replay(c: FixtureCase, rtol: number, atol: number): Optimizer {
  const vars = c.init.map((v, i) => tf.variable(tf.constant(v, c.shapes[i], c.dtype), { name: c.names[i] }));
  const opt = makeOptimizer(c.optimizer, c.options);
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (msg: string) => warnings.push(msg);
  try {
    c.steps.forEach((expected, s) => {
      if (c.lr) assert.equal(opt.learningRate, c.lr[s], `${c.id}: learning rate at step ${s}`);
      const pairs = c.grads[s].map((g, i) => [g === null ? null : tf.constant(g, c.shapes[i], c.dtype), vars[i]] as const);
      assert.equal(opt.applyGradients(pairs), s + 1);
      expected.forEach((w, i) => {
        assert.equal(vars[i].dtype, c.dtype);
        assertAllClose(vars[i].dataSync(), w, { rtol, atol, what: `${c.id} step ${s + 1} ${c.names[i]}` });
      });
    });
  } finally {
    console.warn = warn;
  }
  const nullSteps = c.grads.filter((gs) => gs.includes(null)).length;
  assert.equal(warnings.length, nullSteps, `${c.id}: one warning per step with a missing gradient`);
  return opt;
}

for (const c of fx.cases) {
  const [rtol, atol] = c.dtype === "float64" ? [1e-10, 1e-13] : [1e-6, 1e-7];
  test(`${c.id}: ${c.optimizer} matches Keras 3's update (numpy reference, ${c.dtype})`, () => {
    const opt = replay(c, rtol, atol);
    assert.equal(opt.iterations, c.steps.length);
    const vars = opt.variables();
    const expected = c.variables ?? [];
    assert.deepEqual(vars.map((v) => v.name), expected.map((v) => v.name), `${c.id}: variable names in Keras' order`);
    vars.forEach((v, i) => {
      assert.equal(v.dtype, expected[i].dtype, `${c.id}: dtype of ${v.name}`);
      assert.deepEqual(v.shape, expected[i].shape, `${c.id}: shape of ${v.name}`);
      assertAllClose(v.dataSync(), expected[i].values, { rtol, atol, what: `${c.id}: ${v.name}` });
    });
  });
}

for (const c of fx.torch) {
  test(`${c.id}: ${c.optimizer} equals PyTorch's same update (float64)`, () => {
    replay(c, 1e-10, 1e-13);
  });
}

test("defaults are Keras 3's", () => {
  const cfg = (o: Optimizer) => o.getConfig();
  assert.equal(optimizers.SGD().learningRate, Math.fround(0.01));
  assert.deepEqual([cfg(optimizers.SGD()).momentum, cfg(optimizers.SGD()).nesterov, cfg(optimizers.SGD()).name], [0, false, "SGD"]);
  const rms = cfg(optimizers.RMSprop());
  assert.deepEqual([rms.learning_rate, rms.rho, rms.momentum, rms.epsilon, rms.centered, rms.name], [Math.fround(0.001), 0.9, 0, 1e-7, false, "rmsprop"]);
  const adam = cfg(optimizers.Adam());
  assert.deepEqual([adam.beta_1, adam.beta_2, adam.epsilon, adam.amsgrad, adam.weight_decay, adam.name], [0.9, 0.999, 1e-7, false, null, "adam"]);
  assert.deepEqual([cfg(optimizers.AdamW()).weight_decay, cfg(optimizers.AdamW()).name], [0.004, "adamw"]);
  const ag = cfg(optimizers.Adagrad());
  assert.deepEqual([ag.initial_accumulator_value, ag.epsilon], [0.1, 1e-7]);
  const ad = cfg(optimizers.Adadelta());
  assert.deepEqual([ad.learning_rate, ad.rho, ad.epsilon], [Math.fround(0.001), 0.95, 1e-7]);
  assert.deepEqual([cfg(optimizers.Adamax()).beta_2, cfg(optimizers.Nadam()).beta_1], [0.999, 0.9]);
});

test("getConfig has Keras' keys in Keras' order, and fromConfig/get round-trip", () => {
  const opt = optimizers.Adam({ learningRate: 0.01, amsgrad: true, clipnorm: 1 });
  const config = opt.getConfig();
  assert.deepEqual(Object.keys(config), [
    "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
    "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "beta_1", "beta_2", "epsilon", "amsgrad",
  ]);
  assert.equal(config.learning_rate, 0.009999999776482582);
  const back = optimizers.Adam.fromConfig(JSON.parse(JSON.stringify(config)));
  assert.ok(back instanceof optimizers.Adam);
  assert.deepEqual(back.getConfig(), config);
  const viaGet = optimizers.get(JSON.parse(JSON.stringify(optimizers.serialize(opt))));
  assert.deepEqual(viaGet.getConfig(), config);
  assert.equal(optimizers.serialize(opt).class_name, "Adam");

  const sched = optimizers.schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 });
  const s = optimizers.SGD({ learningRate: sched, momentum: 0.9, nesterov: true });
  const sc = JSON.parse(JSON.stringify(s.getConfig()));
  assert.deepEqual(sc.learning_rate, {
    module: "keras.optimizers.schedules", class_name: "ExponentialDecay",
    config: { initial_learning_rate: 0.1, decay_steps: 100, decay_rate: 0.5, staircase: false, name: "ExponentialDecay" },
    registered_name: null,
  });
  const s2 = optimizers.SGD.fromConfig(sc);
  assert.ok(s2.learningRateSchedule instanceof optimizers.schedules.ExponentialDecay);
  assert.deepEqual(s2.getConfig(), s.getConfig());

  // A tf.keras 2 style config (extra bookkeeping keys) loads too; unsupported features are refused (EMA is supported: ema.test.ts).
  const legacy = optimizers.RMSprop.fromConfig({ name: "RMSprop", learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7,
    centered: false, jit_compile: true, is_legacy_optimizer: false, use_ema: false, ema_momentum: 0.99 });
  assert.equal(legacy.name, "RMSprop");
  assert.equal(optimizers.Adam.fromConfig({ use_ema: true }).useEma, true);
  assert.equal(optimizers.Adam.fromConfig({ gradient_accumulation_steps: 2 }).getConfig().gradient_accumulation_steps, 2);
  assert.throws(() => optimizers.Adam.fromConfig({ beta_9: 1 }), /Adam: unknown option beta9/);
});

test("optimizers.get: names in any case, instances, and a clear error listing the valid names", () => {
  for (const [name, cls] of [["sgd", optimizers.SGD], ["RMSprop", optimizers.RMSprop], ["adam", optimizers.Adam], ["AdamW", optimizers.AdamW],
    ["adagrad", optimizers.Adagrad], ["adadelta", optimizers.Adadelta], ["adamax", optimizers.Adamax], ["NADAM", optimizers.Nadam]] as const) {
    assert.ok(optimizers.get(name) instanceof cls, name);
  }
  assert.ok(optimizers.get("sgd") instanceof optimizers.SGD && !(optimizers.get("sgd") instanceof optimizers.Adam));
  const opt = new optimizers.Adam();
  assert.equal(optimizers.get(opt), opt);
  assert.throws(() => optimizers.get("adamm"), (e: Error) =>
    /unknown optimizer "adamm"; valid names are sgd, rmsprop, adam, adamw, adagrad, adadelta, adamax, nadam/.test(e.message));
  // Keras 3.15's LossScaleOptimizer is known, but needs the optimizer it wraps.
  assert.throws(() => optimizers.get({ class_name: "LossScaleOptimizer", config: {} }), /LossScaleOptimizer.fromConfig: inner_optimizer must be a serialized optimizer/);
  assert.ok(optimizers.AdamW() instanceof optimizers.Adam, "AdamW is an Adam, as in Keras");
});

test("lr is the old name of learningRate; both at once is an error", () => {
  assert.equal(optimizers.SGD({ lr: 0.5 }).learningRate, 0.5);
  assert.equal(optimizers.Adam({ lr: 0.25 }).getConfig().learning_rate, 0.25);
  assert.throws(() => optimizers.SGD({ lr: 0.1, learningRate: 0.2 }),
    (e: Error) => e.message === "SGD: got both lr=0.1 and learningRate=0.2; lr is the old name of learningRate, pass only learningRate");
  assert.throws(() => optimizers.Adam({ learningRate: Number.NaN }), /Adam: learningRate must be a finite number, got NaN/);
  assert.throws(() => optimizers.Adam({ learning_rate: 0.1 } as OptimizerOptions), /Adam: unknown option learning_rate; lamina spells Keras' learning_rate as learningRate/);
  assert.throws(() => optimizers.SGD({ momentum: 1.5 }), /SGD: momentum must be <= 1, got 1.5/);
  // A decay rate above 1 makes the moving average of g^2 negative: sqrt turns it into NaN.
  assert.throws(() => optimizers.RMSprop({ rho: 2 }), /RMSprop: rho must be <= 1, got 2/);
  assert.throws(() => optimizers.Adadelta({ rho: -0.1 }), /Adadelta: rho must be >= 0, got -0.1/);
  assert.throws(() => optimizers.AdamW({ weightDecay: null }), /AdamW: weightDecay must be a number/);
});

test("at most one of clipnorm, clipvalue, globalClipnorm", () => {
  assert.throws(() => optimizers.SGD({ clipnorm: 1, clipvalue: 0.5 }),
    /SGD: only one of clipnorm, clipvalue and globalClipnorm can be set; got clipnorm=1, clipvalue=0.5, globalClipnorm=null/);
  assert.throws(() => optimizers.Adam({ globalClipnorm: 1, clipnorm: 0 }), /only one of/);
});

test("decay is ignored with a warning, as in Keras 3", () => {
  const warn = console.warn;
  const seen: string[] = [];
  console.warn = (m: string) => seen.push(m);
  try {
    optimizers.SGD({ learningRate: 0.1, decay: 1e-4 });
  } finally {
    console.warn = warn;
  }
  assert.equal(seen.length, 1);
  assert.match(seen[0], /SGD: argument decay=0.0001 is no longer supported .* ignored/);
});

test("learningRate setter (ReduceLROnPlateau) and schedules", () => {
  const opt = optimizers.SGD({ learningRate: 0.1 });
  const w = tf.variable(tf.constant([1, 2], "float64"));
  opt.learningRate = 0.5;
  assert.equal(opt.learningRate, 0.5);
  opt.applyGradients([[tf.constant([1, -1], "float64"), w]]);
  assert.deepEqual(w.arraySync(), [0.5, 2.5]);
  assert.equal(opt.getConfig().learning_rate, 0.5);

  const sched = optimizers.schedules.PiecewiseConstantDecay({ boundaries: [0], values: [1, 0.25] });
  const s = optimizers.SGD({ learningRate: sched });
  assert.equal(s.variables().map((v) => v.name).join(), "iteration", "no learning_rate variable with a schedule");
  assert.throws(() => { s.learningRate = 0.1; }, /SGD: this optimizer was created with a learning-rate schedule \(PiecewiseConstantDecay\)/);
  const v = tf.variable(tf.constant([0], "float64"));
  s.applyGradients([[tf.constant([1], "float64"), v]]); // step 0: lr 1
  s.applyGradients([[tf.constant([1], "float64"), v]]); // step 1: lr 0.25
  assert.deepEqual(v.arraySync(), [-1.25]);
  assert.equal(s.learningRate, 0.25);
});

test("gradient pairs: order, shapes, dtypes and missing gradients give clear errors", () => {
  const opt = optimizers.Adam();
  const w = tf.variable(tf.zeros([2, 3]), { name: "dense/kernel" });
  assert.throws(() => opt.applyGradients([[tf.zeros([3, 2]), w]]),
    (e: Error) => e.message === "Adam.applyGradients: the gradient for variable 'dense/kernel' has shape (3, 2) but the variable has shape (2, 3); " +
      "pass [gradient, variable] pairs where each gradient was computed for its own variable");
  assert.throws(() => opt.applyGradients([[w, tf.zeros([2, 3])]] as never),
    /Adam.applyGradients: pair 0 is \[variable 'dense\/kernel', gradient\]; Keras' order is \[gradient, variable\]/);
  assert.throws(() => opt.applyGradients([[null, w]]), /Adam.applyGradients: no gradients provided for any variable \(dense\/kernel\)/);
  assert.throws(() => opt.applyGradients([[tf.zeros([2, 3], "int32"), w]]), /gradient for variable 'dense\/kernel' is int32/);
  const iv = tf.variable(tf.constant([1, 2], "int32"), { name: "counter" });
  assert.throws(() => optimizers.SGD().applyGradients([[tf.constant([1, 1], "int32"), iv]]), /SGD: variable 'counter' is int32; optimizers update float32 or float64 variables only/);
  assert.equal(opt.iterations, 0, "failed steps do not count");
  assert.equal(opt.applyGradients([]), 0, "no pairs: nothing happens (Keras)");
});

test("a float32 gradient on a float64 variable is cast; the variable keeps its dtype", () => {
  const opt = optimizers.SGD({ learningRate: 0.5 });
  const w = tf.variable(tf.constant([1, 1], "float64"));
  opt.applyGradients([[tf.constant([0.1, 0.2], "float32"), w]]);
  assert.equal(w.dtype, "float64");
  assert.deepEqual(w.arraySync(), [1 - Math.fround(0.1) * 0.5, 1 - Math.fround(0.2) * 0.5]);
});

test("updates are not recorded on an active tape", () => {
  const w = tf.variable(tf.constant([1, 2, 3], "float64"));
  const opt = optimizers.Adam({ learningRate: 0.1, clipnorm: 1, weightDecay: 0.1 });
  const recorded: string[] = [];
  const spy = { tracks: () => true, record: (node: { name: string }) => void recorded.push(node.name) };
  pushRecorder(spy);
  try {
    tf.square(w); // the spy hears ops outside the optimizer
    opt.applyGradients([[tf.constant([1, 1, 1], "float64"), w]]);
  } finally {
    removeRecorder(spy);
  }
  assert.deepEqual(recorded, ["square"]);
  assert.equal(opt.iterations, 1);
});

test("variables are built lazily, in first-seen order, and setWeights/getWeights round-trip", () => {
  const a = tf.variable(tf.ones([2], "float64"), { name: "a" });
  const b = tf.variable(tf.ones([3], "float32"), { name: "b" });
  const opt = optimizers.Adam({ learningRate: 0.1, amsgrad: true });
  assert.deepEqual(opt.variables().map((v) => v.name), ["iteration", "learning_rate"]);
  opt.build([a, b]);
  opt.applyGradients([[tf.constant([1, 2], "float64"), a]]);
  opt.applyGradients([[tf.constant([1, 2], "float64"), a], [tf.constant([3, 2, 1], "float32"), b]]);
  assert.deepEqual(opt.variables().map((v) => v.name),
    ["iteration", "learning_rate", "a_momentum", "a_velocity", "b_momentum", "b_velocity", "a_velocity_hat", "b_velocity_hat"]);
  assert.equal(opt.getSlot(b, "momentum")?.dtype, "float32");
  assert.equal(opt.getSlot(a, "velocity_hat")?.dtype, "float64");
  assert.equal(opt.getSlot(a, "nope"), null);

  const saved = opt.getWeights();
  assert.equal(saved[0].dtype, "int64");
  assert.equal(saved[0].item(), 2);
  const fresh = optimizers.Adam({ learningRate: 0.1, amsgrad: true });
  assert.throws(() => fresh.setWeights(saved), /Adam.setWeights: got 8 arrays for 2 optimizer variables \(iteration, learning_rate\); build the optimizer/);
  fresh.build([a, b]);
  fresh.setWeights(saved);
  assert.equal(fresh.iterations, 2);
  fresh.getWeights().forEach((t, i) => assert.deepEqual(t.arraySync(), saved[i].arraySync()));
  const bad = [...saved];
  bad[2] = tf.zeros([3], "float64");
  assert.throws(() => opt.setWeights(bad), /Adam.setWeights: weight 2 has shape \(3,\) but optimizer variable a_momentum has shape \(2,\)/);
  // getWeights are copies, not live views.
  const before = saved[2].arraySync();
  opt.applyGradients([[tf.constant([1, 1], "float64"), a]]);
  assert.deepEqual(saved[2].arraySync(), before);
});

test("build on a built optimizer does nothing, as Keras 3.5's: a variable not in the first build stays unknown", () => {
  // Keras 3.5 (optimizers/adam.py, sgd.py, rmsprop.py...): `def build(self, var_list): if self.built: return`,
  // and apply() then refuses a variable it was not built with (_check_variables_are_known).
  const a = tf.variable(tf.ones([2]), { name: "a" });
  const c = tf.variable(tf.ones([4]), { name: "c" });
  const opt = optimizers.Adam({ amsgrad: true });
  opt.build([a]);
  const names = ["iteration", "learning_rate", "a_momentum", "a_velocity", "a_velocity_hat"];
  assert.deepEqual(opt.variables().map((v) => v.name), names);
  const slot = opt.getSlot(a, "momentum");
  opt.build([a]);
  opt.build([a, c]);
  assert.deepEqual(opt.variables().map((v) => v.name), names, "no slot added by a second build");
  assert.equal(opt.getSlot(a, "momentum"), slot, "the first build's slots are kept, not recreated");
  assert.equal(opt.getSlot(c, "momentum"), null);
  assert.throws(() => opt.applyGradients([[tf.ones([4]), c]]), /Adam: Unknown variable: 'c'/);
  for (const make of [() => optimizers.SGD({ momentum: 0.9 }), () => optimizers.RMSprop(), () => optimizers.Nadam()]) {
    const o = make();
    o.build([a]);
    const n = o.variables().length;
    o.build([c]);
    assert.equal(o.variables().length, n, o.className);
  }
});

test("Nadam's u_product comes after the slots, with the first variable's dtype", () => {
  const opt = optimizers.Nadam();
  const a = tf.variable(tf.ones([2], "float32"), { name: "a" });
  opt.applyGradients([[tf.ones([2]), a]]);
  const names = opt.variables().map((v) => v.name);
  assert.deepEqual(names, ["iteration", "learning_rate", "a_momentum", "a_velocity", "u_product"]);
  const u = opt.variables()[4];
  assert.equal(u.dtype, "float32");
  const f = Math.fround; // computed in float32, as Keras does for a float32 variable
  assert.equal(u.item(), f(f(0.9) * f(1 - f(0.5 * f(0.96)))));
});

test("weight decay skips excluded variables (excludeFromWeightDecay)", () => {
  const k = tf.variable(tf.constant([1, 1], "float64"), { name: "dense/kernel" });
  const b = tf.variable(tf.constant([1, 1], "float64"), { name: "dense/bias" });
  const opt = optimizers.SGD({ learningRate: 0.5, weightDecay: 0.1 });
  opt.excludeFromWeightDecay({ varNames: ["bias"] });
  const g = tf.constant([0, 0], "float64");
  opt.applyGradients([[g, k], [g, b]]);
  assert.deepEqual(k.arraySync(), [1 - 0.1 * 0.5, 1 - 0.1 * 0.5]);
  assert.deepEqual(b.arraySync(), [1, 1]);
  assert.throws(() => opt.excludeFromWeightDecay({ varNames: ["x"] }), /call it before the optimizer is built/);
});

test("clipnorm leaves small gradients alone and scales large ones to the norm", () => {
  const w = tf.variable(tf.constant([0, 0], "float64"));
  const opt = optimizers.SGD({ learningRate: 1, clipnorm: 1 });
  opt.applyGradients([[tf.constant([0.3, 0.4], "float64"), w]]); // norm 0.5: unchanged
  assertAllClose(w.dataSync(), [-0.3, -0.4], { rtol: 1e-15, atol: 0, what: "small" });
  opt.applyGradients([[tf.constant([3, 4], "float64"), w]]); // norm 5 -> 1
  assertAllClose(w.dataSync(), [-0.9, -1.2], { rtol: 1e-15, atol: 0, what: "large" });
  const g = optimizers.SGD({ learningRate: 1, globalClipnorm: 1 });
  const u = tf.variable(tf.constant([0], "float64"));
  const v = tf.variable(tf.constant([0], "float64"));
  g.applyGradients([[tf.constant([3], "float64"), u], [tf.constant([4], "float64"), v]]);
  assertAllClose([u.item(), v.item()], [-0.6, -0.8], { rtol: 1e-15, atol: 0, what: "global" });
});

test("optimizers are callable with or without new, and subclassable", () => {
  const a = optimizers.SGD({ learningRate: 0.1 });
  const b = new optimizers.SGD({ learningRate: 0.1 });
  assert.ok(a instanceof optimizers.SGD && b instanceof optimizers.SGD && a instanceof optimizers.Optimizer);
  class HalfSGD extends optimizers.SGD {
    override get learningRate(): number { return super.learningRate / 2; }
    override set learningRate(v: number) { super.learningRate = v; }
  }
  const h = new HalfSGD({ learningRate: 1 });
  assert.ok(h instanceof HalfSGD && h instanceof optimizers.SGD);
  const w = tf.variable(tf.constant([0], "float64"));
  h.applyGradients([[tf.constant([1], "float64"), w]]);
  assert.deepEqual(w.arraySync(), [-0.5]);
});
