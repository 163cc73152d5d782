import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { callbacks, layers, models, optimizers } from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ConfigDict } from "./config.js";

/*
 * Lion, Lamb, Ftrl and Adafactor against Keras 3.5 itself (torch backend, float32):
 * test/fixtures/optimizers_more.json and keras_files/by_keras/{lion,lamb,ftrl,adafactor}.keras, from
 *   KERAS_BACKEND=torch /usr/bin/python3 test/fixtures/make_keras_optimizers_more.py
 */

interface KerasVariable { name: string; shape: number[]; values: number[] }
interface FitCase {
  id: string; optimizer: string; options: Record<string, unknown>; steps: number[][]; final: number[];
  variables: KerasVariable[]; config: ConfigDict;
}
interface ApplyCase { optimizer: string; options: Record<string, unknown>; steps: number[][][]; variables: KerasVariable[] }
interface FileCase { file: string; saved: { weights: number[]; optimizer: KerasVariable[]; config: ConfigDict }; after_one_more_epoch: number[] }
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/optimizers_more.json", import.meta.url), "utf8")) as {
  x: number[][]; y: number[][]; weights: number[][] | number[][][];
  fit: FitCase[];
  apply: { init: number[][]; shapes: number[][]; grads: number[][][]; cases: ApplyCase[] };
  ema_names: Record<string, string[]>;
  files: Record<string, FileCase>;
};

const X = tf.constant(fx.x);
const Y = tf.constant(fx.y);

const CLASSES: Record<string, (o: optimizers.OptimizerOptions) => optimizers.Optimizer> = {
  Lion: optimizers.Lion, Lamb: optimizers.Lamb, Ftrl: optimizers.Ftrl, Adafactor: optimizers.Adafactor,
};

/** Input(3) -> Dense(2, tanh) -> Dense(1) with the fixture's weights (test/fixtures/make_keras_ema.py's model). */
function makeModel(): tf.models.Sequential {
  const model = new models.Sequential([
    layers.Input({ shape: [3] }), layers.Dense(2, { activation: "tanh", name: "d1" }), layers.Dense(1, { name: "d2" }),
  ], { name: "m" });
  model.setWeights([tf.constant(fx.weights[0]), tf.constant(fx.weights[1]), tf.constant(fx.weights[2]), tf.constant(fx.weights[3])]);
  return model;
}

function flat(ws: readonly Tensor[]): number[] {
  return ws.flatMap((w) => Array.from(w.dataSync() as ArrayLike<number | bigint>, Number));
}

function close(got: readonly number[], want: readonly number[], what: string, tol: number): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) assert.fail(`${what} [${i}]: got ${g}, Keras ${want[i]}`);
  });
}

/**
 * Whether lamina's name for an optimizer variable is Keras' one. Both name slots after the
 * variable's path, the Sequential's name included ("m_d1_kernel_momentum"); Keras names Ftrl's
 * accumulators "accumulator" and Adafactor's r and c after the variable alone ("kernel"), where
 * lamina keeps `<path>_<slot>` so that names stay unique.
 */
function sameName(lamina: string, keras: string): boolean {
  if (keras === lamina) return true;
  const slot = /^(?:m_)?d\d_(kernel|bias)_(accumulator|r|c)$/.exec(lamina);
  return slot !== null && (keras === "accumulator" ? slot[2] === "accumulator" : slot[2] !== "accumulator" && keras === slot[1]);
}

/**
 * `rename` maps the names Keras saved to those its loaded model has: the saved model's paths are
 * m/d1/kernel (m_d1_kernel_momentum), while loading builds each layer from its build_config before
 * the Sequential takes it, outside the model's scope (d1/kernel: d1_kernel_momentum), in Keras as in lamina.
 */
function checkVariables(opt: optimizers.Optimizer, want: readonly KerasVariable[], what: string, tol: number, rename = (n: string): string => n): void {
  const vars = opt.variables();
  assert.equal(vars.length, want.length, `${what}: ${vars.map((v) => v.name).join(", ")} vs Keras ${want.map((v) => v.name).join(", ")}`);
  vars.forEach((v, i) => {
    assert.ok(sameName(v.name, rename(want[i].name)), `${what}: variable ${i} is ${v.name}, Keras ${rename(want[i].name)}`);
    assert.deepEqual(v.shape, want[i].shape, `${what}: shape of ${v.name}`);
    close(flat([v]), want[i].values, `${what}: ${v.name}`, tol);
  });
}

async function fitRecorded(model: tf.models.Sequential, optimizer: optimizers.Optimizer, epochs: number): Promise<number[][]> {
  model.compile({ loss: "mse", optimizer });
  const steps: number[][] = [];
  const recorder = callbacks.LambdaCallback({ onTrainBatchEnd: () => { steps.push(flat(model.getWeights())); } });
  await model.fit(X, Y, { batchSize: 4, epochs, shuffle: false, verbose: 0, callbacks: [recorder] });
  return steps;
}

for (const c of fx.fit) {
  test(`${c.id}: fit with ${c.optimizer} takes Keras 3.5's steps, ends with its optimizer variables, and writes its config`, async () => {
    const opt = CLASSES[c.optimizer](c.options as optimizers.OptimizerOptions);
    const model = makeModel();
    const steps = await fitRecorded(model, opt, 2);
    assert.equal(steps.length, c.steps.length);
    steps.forEach((s, i) => close(s, c.steps[i], `${c.id} step ${i + 1}`, 2e-6));
    close(flat(model.getWeights()), c.final, `${c.id} after fit`, 2e-6);
    checkVariables(opt, c.variables, c.id, 2e-6);
    const config = JSON.parse(JSON.stringify(opt.getConfig())) as ConfigDict;
    assert.deepEqual(Object.keys(config), Object.keys(c.config), `${c.id}: config keys in Keras' order`);
    assert.deepEqual(config, c.config, `${c.id}: config`);
    // Keras' own config reads back as the same optimizer, through the class and through get.
    assert.deepEqual(optimizers.get({ class_name: c.optimizer, config: c.config }).getConfig(), opt.getConfig());
  });
}

for (const c of fx.apply.cases) {
  test(`${c.optimizer} applied directly to a rank-3 and a rank-1 variable matches Keras 3.5 (Adafactor: factored over the last two axes)`, () => {
    const names = ["w3", "w1"];
    const vars = fx.apply.init.map((v, i) => tf.variable(tf.constant(v, fx.apply.shapes[i]), { name: names[i] }));
    const opt = CLASSES[c.optimizer](c.options as optimizers.OptimizerOptions);
    fx.apply.grads.forEach((gs, s) => {
      opt.apply(gs.map((g, i) => tf.constant(g, fx.apply.shapes[i])), vars);
      vars.forEach((v, i) => close(flat([v]), c.steps[s][i], `${c.optimizer} step ${s + 1} ${names[i]}`, 2e-6));
    });
    const vs = opt.variables();
    assert.equal(vs.length, c.variables.length);
    vs.forEach((v, i) => {
      assert.deepEqual(v.shape, c.variables[i].shape, `${c.optimizer}: shape of ${v.name} (Keras ${c.variables[i].name})`);
      close(flat([v]), c.variables[i].values, `${c.optimizer}: ${v.name}`, 2e-6);
    });
  });
}

test("Adafactor's slots: r is shape[:-1], c is shape[:-2] + shape[-1:], unused scalars below rank 2, interleaved with velocity", () => {
  const opt = optimizers.Adafactor();
  const k = tf.variable(tf.zeros([2, 3, 4]), { name: "conv/kernel" });
  const b = tf.variable(tf.zeros([4]), { name: "conv/bias" });
  opt.build([k, b]);
  assert.deepEqual(opt.variables().map((v) => [v.name, v.shape]), [
    ["iteration", []], ["learning_rate", []],
    ["conv_kernel_r", [2, 3]], ["conv_kernel_c", [2, 4]], ["conv_kernel_velocity", [2, 3, 4]],
    ["conv_bias_r", []], ["conv_bias_c", []], ["conv_bias_velocity", [4]],
  ]);
});

test("with useEma the averages come after iteration and learning_rate, before the slots, as in Keras 3.5", () => {
  for (const [className, want] of Object.entries(fx.ema_names)) {
    const opt = CLASSES[className]({ useEma: true });
    opt.build(makeModel().trainableWeights);
    const names = opt.variables().map((v) => v.name);
    assert.equal(names.length, want.length, className);
    names.forEach((n, i) => assert.ok(sameName(n, want[i]), `${className} variable ${i}: ${n}, Keras ${want[i]}`));
  }
});

for (const [name, f] of Object.entries(fx.files)) {
  test(`a .keras file written by Keras 3.5 with ${name} loads its optimizer state and trains on as Keras does`, async () => {
    const model = await models.loadModel(f.file);
    const opt = model.optimizer as optimizers.Optimizer;
    const className = { lion: "Lion", lamb: "Lamb", ftrl: "Ftrl", adafactor: "Adafactor" }[name] as string;
    assert.equal(opt.className, className);
    assert.ok(opt instanceof (CLASSES[className] as unknown as abstract new () => optimizers.Optimizer));
    assert.equal(opt.name, name);
    assert.deepEqual(JSON.parse(JSON.stringify(opt.getConfig())), f.saved.config);
    assert.deepEqual(flat(model.getWeights()), f.saved.weights);
    checkVariables(opt, f.saved.optimizer, `${name} loaded`, 0, (n) => n.replace(/^m_/, ""));
    await model.fit(X, Y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
    close(flat(model.getWeights()), f.after_one_more_epoch, `${name} after one more epoch`, 2e-6);
  });
}

test("a .keras or .h5 file lamina writes with each new optimizer resumes exactly as an uninterrupted run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-optim-"));
  try {
    const fitArgs = { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 } as const;
    const makers: (() => optimizers.Optimizer)[] = [
      () => optimizers.Lion({ learningRate: 0.01, weightDecay: 0.05 }),
      () => optimizers.Lamb({ learningRate: 0.05, useEma: true }),
      () => optimizers.Ftrl({ learningRate: 0.2, l1RegularizationStrength: 0.01, beta: 0.1 }),
      () => optimizers.Adafactor({ learningRate: 0.5, clipThreshold: 0.8 }),
    ];
    for (const [make, ext] of makers.flatMap((m) => [[m, "keras"], [m, "h5"]] as const)) {
      const uninterrupted = makeModel();
      uninterrupted.compile({ loss: "mse", optimizer: make() });
      await uninterrupted.fit(X, Y, fitArgs);
      const path = join(dir, `m.${ext}`);
      await uninterrupted.save(path);
      await uninterrupted.fit(X, Y, fitArgs);
      const loaded = await models.loadModel(path);
      const opt = loaded.optimizer as optimizers.Optimizer;
      assert.deepEqual(opt.getConfig(), (uninterrupted.optimizer as optimizers.Optimizer).getConfig());
      await loaded.fit(X, Y, fitArgs);
      assert.deepEqual(flat(loaded.getWeights()), flat(uninterrupted.getWeights()), `${opt.className} .${ext}`);
      assert.deepEqual(flat(opt.getWeights()), flat((uninterrupted.optimizer as optimizers.Optimizer).getWeights()), `${opt.className} .${ext}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("defaults are Keras 3.5's, and optimizers.get knows the new names in any case", () => {
  const cfg = (name: string): ConfigDict => optimizers.get(name).getConfig();
  const pick = (c: ConfigDict, keys: string[]): unknown[] => keys.map((k) => c[k]);
  assert.deepEqual(pick(cfg("lion"), ["name", "learning_rate", "beta_1", "beta_2"]), ["lion", Math.fround(0.001), 0.9, 0.99]);
  assert.deepEqual(pick(cfg("LAMB"), ["name", "beta_1", "beta_2", "epsilon"]), ["lamb", 0.9, 0.999, 1e-7]);
  assert.deepEqual(pick(cfg("Ftrl"), ["name", "learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
    "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta"]), ["ftrl", -0.5, 0.1, 0, 0, 0, 0]);
  assert.deepEqual(pick(cfg("adafactor"), ["name", "beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step"]),
    ["adafactor", -0.8, 1e-30, 1e-3, 1, true]);
  assert.ok(optimizers.get("lion") instanceof optimizers.Lion);
  assert.ok(optimizers.Lamb() instanceof optimizers.Lamb && new optimizers.Ftrl() instanceof optimizers.Ftrl);
  assert.ok(optimizers.optimizerNames.includes("adafactor"));
});

test("config round trips through getConfig/fromConfig and serialize/deserialize", () => {
  const opts = [
    optimizers.Lion({ learningRate: 3e-4, beta1: 0.95, beta2: 0.98, weightDecay: 0.1, useEma: true }),
    optimizers.Lamb({ learningRate: 0.01, epsilon: 1e-6, globalClipnorm: 1 }),
    optimizers.Ftrl({ learningRatePower: -0.25, initialAccumulatorValue: 0, l2ShrinkageRegularizationStrength: 0.5, clipvalue: 2 }),
    optimizers.Adafactor({ beta2Decay: -0.6, epsilon1: 1e-20, epsilon2: 1e-2, clipThreshold: 2, relativeStep: false, name: "af" }),
  ];
  for (const opt of opts) {
    const config = JSON.parse(JSON.stringify(opt.getConfig())) as ConfigDict;
    const cls = opt.constructor as unknown as { fromConfig(c: ConfigDict): optimizers.Optimizer };
    assert.deepEqual(cls.fromConfig(config).getConfig(), opt.getConfig(), opt.className);
    const back = optimizers.deserialize(JSON.parse(JSON.stringify(optimizers.serialize(opt))));
    assert.equal(back.className, opt.className);
    assert.deepEqual(back.getConfig(), opt.getConfig());
  }
  const sched = optimizers.schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  const withSchedule = optimizers.Adafactor({ learningRate: sched });
  assert.ok(optimizers.Adafactor.fromConfig(JSON.parse(JSON.stringify(withSchedule.getConfig()))).learningRateSchedule instanceof
    optimizers.schedules.ExponentialDecay);
});

test("Keras' refusals and the options lamina does not implement are refused, naming the optimizer and the value", () => {
  assert.throws(() => optimizers.Lion({ beta1: 0 }), /Lion: beta1 must be in \(0, 1\] .*sign-SGD.*got 0/);
  assert.throws(() => optimizers.Lion({ beta1: 1.5 }), /Lion: beta1 must be in \(0, 1\].*got 1\.5/);
  assert.throws(() => optimizers.Lamb({ beta2: 2 }), /Lamb: beta2 must be <= 1, got 2/);
  assert.throws(() => optimizers.Ftrl({ learningRatePower: 0.5 }), /Ftrl: learningRatePower must be <= 0, got 0\.5/);
  assert.throws(() => optimizers.Ftrl({ initialAccumulatorValue: -1 }), /Ftrl: initialAccumulatorValue must be >= 0, got -1/);
  assert.throws(() => optimizers.Ftrl({ l1RegularizationStrength: -0.1 }), /Ftrl: l1RegularizationStrength must be >= 0/);
  assert.throws(() => optimizers.Ftrl({ l2RegularizationStrength: -0.1 }), /Ftrl: l2RegularizationStrength must be >= 0/);
  assert.throws(() => optimizers.Ftrl({ l2ShrinkageRegularizationStrength: -0.1 }), /Ftrl: l2ShrinkageRegularizationStrength must be >= 0/);
  assert.throws(() => optimizers.Adafactor({ clipThreshold: 0 }), /Adafactor: clipThreshold must be > 0, got 0/);
  assert.throws(() => optimizers.Adafactor({ relativeStep: 1 as unknown as boolean }), /Adafactor: relativeStep must be true or false, got 1/);
  assert.throws(() => optimizers.Adafactor({ beta_2_decay: -0.8 } as optimizers.OptimizerOptions),
    /Adafactor: unknown option beta_2_decay; lamina spells Keras' beta_2_decay as beta2Decay/);
  assert.throws(() => optimizers.Ftrl({ l1_regularization_strength: 0.1 } as optimizers.OptimizerOptions),
    /Ftrl: unknown option l1_regularization_strength; lamina spells Keras' l1_regularization_strength as l1RegularizationStrength/);
  for (const cls of ["Lion", "Lamb", "Ftrl", "Adafactor"]) {
    assert.equal(optimizers.get({ class_name: cls, config: { gradient_accumulation_steps: 4 } }).gradientAccumulationSteps, 4, cls);
    assert.equal(optimizers.get({ class_name: cls, config: { loss_scale_factor: 128 } }).lossScaleFactor, 128, cls);
  }
});
