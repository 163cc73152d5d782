import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
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
  assert.throws(() => schedules.deserialize({ class_name: "OneCycle", config: {} }), /unknown learning-rate schedule "OneCycle"; known schedules are ExponentialDecay, PiecewiseConstantDecay, CosineDecay, InverseTimeDecay, PolynomialDecay, CosineDecayRestarts; for a custom schedule class, register it with saving.registerKerasSerializable before loading, or pass it in customObjects$/);
  assert.ok(new schedules.ExponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 }) instanceof schedules.LearningRateSchedule);
});

/**
 * Keras 3.5's own values (torch backend, float32), printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras; ..."
 * with, for each case, `s = getattr(keras.optimizers.schedules, class_name)(**config)` and
 * `[float(keras.ops.convert_to_numpy(s(step))) for step in steps]`.
 */
const KERAS_35_SCHEDULES: { class_name: string; config: Record<string, number | boolean>; steps: number[]; values: number[] }[] = [
  { class_name: "InverseTimeDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5 }, steps: [0, 1, 5, 9, 10, 15, 20, 37, 100, 1000],
    values: [0.10000000149011612, 0.0952381044626236, 0.07999999821186066, 0.06896551698446274, 0.06666667014360428, 0.05714285746216774, 0.05000000074505806, 0.035087719559669495, 0.01666666753590107, 0.0019607844296842813] },
  { class_name: "InverseTimeDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, staircase: true }, steps: [0, 1, 5, 9, 10, 15, 20, 37, 100, 1000],
    values: [0.10000000149011612, 0.10000000149011612, 0.10000000149011612, 0.10000000149011612, 0.06666667014360428, 0.06666667014360428, 0.05000000074505806, 0.03999999910593033, 0.01666666753590107, 0.0019607844296842813] },
  { class_name: "InverseTimeDecay", config: { initial_learning_rate: 0.01, decay_steps: 3, decay_rate: 1.7 }, steps: [0, 1, 2, 3, 4, 7, 11, 50],
    values: [0.009999999776482582, 0.006382978521287441, 0.004687499720603228, 0.003703703638166189, 0.003061224240809679, 0.002013422781601548, 0.001382488408125937, 0.0003409090859349817] },
  { class_name: "PolynomialDecay", config: { initial_learning_rate: 0.1, decay_steps: 100 }, steps: [0, 1, 10, 50, 99, 100, 101, 500],
    values: [0.10000000149011612, 0.09900100529193878, 0.09001000225543976, 0.050050001591444016, 0.0010989989386871457, 9.999999747378752e-05, 9.999999747378752e-05, 9.999999747378752e-05] },
  { class_name: "PolynomialDecay", config: { initial_learning_rate: 0.1, decay_steps: 100, end_learning_rate: 0.01, power: 0.5 }, steps: [0, 1, 10, 50, 99, 100, 101, 500],
    values: [0.10000000149011612, 0.09954886883497238, 0.09538149833679199, 0.07363960891962051, 0.018999995663762093, 0.009999999776482582, 0.009999999776482582, 0.009999999776482582] },
  { class_name: "PolynomialDecay", config: { initial_learning_rate: 0.1, decay_steps: 100, end_learning_rate: 0.01, power: 2.0, cycle: true }, steps: [0, 1, 10, 50, 99, 100, 101, 150, 200, 201, 250, 1000],
    values: [0.10000000149011612, 0.09820900112390518, 0.08289999514818192, 0.032499998807907104, 0.010009000077843666, 0.009999999776482582, 0.03205224871635437, 0.015625, 0.009999999776482582, 0.019800998270511627, 0.012500000186264515, 0.009999999776482582] },
  { class_name: "CosineDecayRestarts", config: { initial_learning_rate: 0.1, first_decay_steps: 10 }, steps: [0, 1, 5, 9, 10, 11, 20, 29, 30, 31, 45, 69, 70, 71, 150, 151],
    values: [0.10000000149011612, 0.0975528284907341, 0.04999999701976776, 0.0024471760261803865, 0.10000000149011612, 0.09938441962003708, 0.04999999701976776, 0.0006155818700790405, 0.10000000149011612, 0.09984586387872696, 0.0691341683268547, 0.00015413462824653834, 0.10000000149011612, 0.09996145218610764, 0.10000000149011612, 0.0999903604388237] },
  { class_name: "CosineDecayRestarts", config: { initial_learning_rate: 0.1, first_decay_steps: 10, t_mul: 1.0, m_mul: 0.5, alpha: 0.1 }, steps: [0, 1, 5, 9, 10, 11, 15, 20, 25, 30, 35, 40, 41],
    values: [0.10000000149011612, 0.09779754281044006, 0.05499999597668648, 0.012202458456158638, 0.055000003427267075, 0.05389877036213875, 0.032499998807907104, 0.032499998807907104, 0.021250000223517418, 0.021250000223517418, 0.015625, 0.015625, 0.01548734586685896] },
  { class_name: "CosineDecayRestarts", config: { initial_learning_rate: 0.05, first_decay_steps: 7, t_mul: 1.5, m_mul: 0.8, alpha: 0.05 }, steps: [0, 3, 6, 7, 8, 12, 17, 18, 20, 30, 33, 40, 60, 100],
    values: [0.05000000074505806, 0.031534869223833084, 0.0048519885167479515, 0.04050000011920929, 0.039655882865190506, 0.022919872775673866, 0.0027122136671096087, 0.03282447159290314, 0.0310489721596241, 0.005583587568253279, 0.0025188946165144444, 0.022241635248064995, 0.021585075184702873, 0.017275284975767136] },
];

test("InverseTimeDecay, PolynomialDecay and CosineDecayRestarts give Keras 3.5's values (staircase, cycle, several restarts)", () => {
  for (const c of KERAS_35_SCHEDULES) {
    const s = schedules.deserialize({ class_name: c.class_name, config: c.config });
    assert.equal(s.className, c.class_name);
    // torch's float32 cos can be an ulp off the correctly rounded value that Math.cos gives, and
    // 1 + cos near a period's end magnifies that: allow an ulp of 1 at the scale of the rate.
    const atol = 1e-7 * Number(c.config.initial_learning_rate);
    c.steps.forEach((step, i) => {
      const got = s.call(step), want = c.values[i];
      assert.ok(Math.abs(got - want) <= 2.5e-7 * Math.abs(want) + atol, `${c.class_name} ${JSON.stringify(c.config)} step ${step}: got ${got}, expected ${want}`);
    });
  }
});

test("new schedules: Keras' config keys and defaults, serialize/deserialize and fromConfig round trips", () => {
  const it = schedules.InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  const pd = schedules.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 100 });
  const cr = new schedules.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 10 });
  // The configs Keras 3.5's keras.optimizers.schedules.serialize writes for the same schedules.
  assert.deepEqual(schedules.serialize(it), { module: "keras.optimizers.schedules", class_name: "InverseTimeDecay",
    config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, staircase: false, name: "InverseTimeDecay" }, registered_name: null });
  assert.deepEqual(schedules.serialize(pd), { module: "keras.optimizers.schedules", class_name: "PolynomialDecay",
    config: { initial_learning_rate: 0.1, decay_steps: 100, end_learning_rate: 0.0001, power: 1.0, cycle: false, name: "PolynomialDecay" }, registered_name: null });
  assert.deepEqual(schedules.serialize(cr), { module: "keras.optimizers.schedules", class_name: "CosineDecayRestarts",
    config: { initial_learning_rate: 0.1, first_decay_steps: 10, t_mul: 2.0, m_mul: 1.0, alpha: 0.0, name: "SGDRDecay" }, registered_name: null });
  const custom = [
    schedules.InverseTimeDecay({ initialLearningRate: 0.2, decaySteps: 3, decayRate: 1.5, staircase: true, name: "itd" }),
    schedules.PolynomialDecay({ initialLearningRate: 0.2, decaySteps: 30, endLearningRate: 0.02, power: 0.5, cycle: true, name: "poly" }),
    schedules.CosineDecayRestarts({ initialLearningRate: 0.2, firstDecaySteps: 7, tMul: 1.5, mMul: 0.8, alpha: 0.05, name: "sgdr" }),
  ];
  for (const s of custom) {
    const back = schedules.deserialize(JSON.parse(JSON.stringify(schedules.serialize(s))) as tf.optimizers.ConfigDict);
    assert.equal(back.constructor, s.constructor);
    assert.deepEqual(back.getConfig(), s.getConfig());
    assert.ok(back instanceof schedules.LearningRateSchedule);
    for (const step of [0, 3, 7, 12, 31, 64]) assert.equal(back.call(step), s.call(step), `${s.className} step ${step}`);
  }
  const cls = schedules.CosineDecayRestarts as unknown as { fromConfig(c: tf.optimizers.ConfigDict): tf.optimizers.schedules.LearningRateSchedule };
  assert.deepEqual(cls.fromConfig(custom[2].getConfig()).getConfig(), custom[2].getConfig());
});

test("new schedules: bad values are refused with the schedule, the value and the fix", () => {
  assert.throws(() => schedules.InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }),
    /^RangeError: InverseTimeDecay: decaySteps must be > 0, got 0: it is the number of optimizer steps \(batches\) the decay runs over; pass a positive count, e.g. decaySteps: 1000$/);
  assert.throws(() => schedules.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: -5 }), /PolynomialDecay: decaySteps must be > 0, got -5: .*pass a positive count/);
  assert.throws(() => schedules.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, power: -1 }), /PolynomialDecay: power must be >= 0, got -1: a negative power makes the rate infinite/);
  assert.throws(() => schedules.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 0 }), /CosineDecayRestarts: firstDecaySteps must be > 0, got 0: .*e.g. firstDecaySteps: 1000/);
  assert.throws(() => schedules.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 10, tMul: 0.5 }), /CosineDecayRestarts: tMul must be >= 1, got 0.5: .*NaN; pass tMul >= 1/);
  assert.throws(() => schedules.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 10, tMul: -1 }), /CosineDecayRestarts: tMul must be >= 1, got -1: .*NaN/);
  assert.throws(() => schedules.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: Number.NaN }), /CosineDecayRestarts: firstDecaySteps must be a finite number, got NaN/);
  // Unknown and snake_case options are refused, as Keras refuses unknown keyword arguments.
  assert.throws(() => schedules.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 10, t_mul: 2 } as never),
    /CosineDecayRestarts: unknown option t_mul; lamina spells Keras' t_mul as tMul/);
  assert.throws(() => schedules.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, staircase: true } as never),
    /PolynomialDecay: unknown option staircase; valid options are initialLearningRate, decaySteps, endLearningRate, power, cycle, name/);
  assert.throws(() => schedules.InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 10 } as never), /InverseTimeDecay: option decayRate is required/);
  assert.throws(() => schedules.deserialize({ class_name: "PolynomialDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, cycle: "yes" } }),
    /PolynomialDecay: cycle must be true or false, got "yes"/);
});

test("an optimizer with CosineDecayRestarts steps through it and keeps it through a .keras save and load", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-schedules-"));
  try {
    const sched = schedules.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 2, tMul: 1, mMul: 0.5 });
    const model = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(1)]);
    model.compile({ optimizer: optimizers.SGD({ learningRate: sched }), loss: "mse" });
    const x = tf.constant([[1, 2, 3], [0, 1, 0]]), y = tf.constant([[1], [0]]);
    for (let i = 0; i < 3; i++) model.trainOnBatch(x, y);
    const path = join(dir, "sgdr.keras");
    await model.save(path);
    const loaded = await tf.models.loadModel(path);
    const opt = loaded.optimizer as tf.optimizers.Optimizer;
    assert.equal(opt.iterations, 3);
    const back = opt.learningRateSchedule;
    assert.ok(back instanceof schedules.CosineDecayRestarts);
    assert.deepEqual(back.getConfig(), { initial_learning_rate: 0.1, first_decay_steps: 2, t_mul: 1, m_mul: 0.5, alpha: 0, name: "SGDRDecay" });
    // Step 3 is the middle of the second period, which starts at 0.1 * 0.5.
    close(back.call(opt.iterations), 0.025, 1e-6, "rate at step 3");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/*
 * ExponentialDecay and CosineDecay: Keras 3.5 checks only decay_steps, and computes nonsense for
 * the values refused below; the Keras-legal edge values must still load and give Keras' numbers.
 * Printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras; S = keras.optimizers.schedules; ..."
 * as [float(keras.ops.convert_to_numpy(s(t))) for t in steps]:
 *   S.ExponentialDecay(0.1, 10, -0.5) at [0, 5, 10, 20] -> [0.1, nan, -0.05, 0.025]             (refused)
 *   S.CosineDecay(0.1, 10, alpha=-0.5) at [0, 5, 10] -> [0.1, 0.025, -0.05]                      (refused)
 *   S.CosineDecay(0.0, 10, warmup_target=-0.1, warmup_steps=5) at [0, 3, 5] -> [0.0, -0.06, -0.1] (refused)
 *   S.ExponentialDecay(0.1, 10, 0.0) at [0, 5, 10] -> [0.10000000149011612, 0.0, 0.0]
 *   S.ExponentialDecay(0.1, 10, 1.5) at [0, 5, 10, 20] -> [0.10000000149011612, 0.12247449159622192, 0.15000000596046448, 0.22500000894069672]
 *   S.CosineDecay(0.1, 10, alpha=1.5) at [0, 5, 10] -> [0.10000000149011612, 0.125, 0.15000000596046448]
 *   S.CosineDecay(0.1, 10, warmup_target=0.0, warmup_steps=5) at [0, 3, 5, 10, 15] -> [0.10000000149011612, 0.03999999910593033, 0.0, 0.0, 0.0]
 *   S.CosineDecay(0.0, 10, warmup_target=0.2, warmup_steps=0) at [0, 5, 10] -> [0.20000000298023224, 0.09999999403953552, 0.0]
 *   S.CosineDecay(0.1, 10) at [0, 5, 10] -> [0.10000000149011612, 0.04999999701976776, 0.0]
 */
test("ExponentialDecay and CosineDecay refuse values that make the rate NaN, with the schedule, the value and the fix", () => {
  assert.throws(() => schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: -0.5 }),
    /^RangeError: ExponentialDecay: decayRate must be >= 0, got -0.5: a negative decayRate makes the rate NaN between multiples of decaySteps; .*or staircase: true/);
  assert.throws(() => schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: -10, decayRate: 0.5 }),
    /^RangeError: ExponentialDecay: decaySteps must be > 0, got -10: it is the number of optimizer steps \(batches\) the decay runs over; pass a positive count, e.g. decaySteps: 1000$/);
  assert.throws(() => schedules.CosineDecay({ initialLearningRate: 0.1, decaySteps: 0 }), /^RangeError: CosineDecay: decaySteps must be > 0, got 0: .*pass a positive count/);
  assert.throws(() => schedules.CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: "0.1" } as never), /^TypeError: CosineDecay: alpha must be a finite number, got "0.1"/);
  // The same refusals when a file's config is read.
  assert.throws(() => schedules.deserialize({ class_name: "ExponentialDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: -0.5 } }),
    /ExponentialDecay: decayRate must be >= 0, got -0.5/);

  // Keras-legal edge values load from Keras' configs and give Keras 3.5's numbers.
  const legal: { class_name: string; config: Record<string, number | null>; steps: number[]; values: number[] }[] = [
    { class_name: "ExponentialDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.0 }, steps: [0, 5, 10], values: [0.10000000149011612, 0.0, 0.0] },
    { class_name: "ExponentialDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 1.5 }, steps: [0, 5, 10, 20],
      values: [0.10000000149011612, 0.12247449159622192, 0.15000000596046448, 0.22500000894069672] },
    { class_name: "CosineDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, alpha: 1.5 }, steps: [0, 5, 10], values: [0.10000000149011612, 0.125, 0.15000000596046448] },
    { class_name: "CosineDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, alpha: 0.0, warmup_target: 0.0, warmup_steps: 5 }, steps: [0, 3, 5, 10, 15],
      values: [0.10000000149011612, 0.03999999910593033, 0.0, 0.0, 0.0] },
    { class_name: "CosineDecay", config: { initial_learning_rate: 0.0, decay_steps: 10, alpha: 0.0, warmup_target: 0.2, warmup_steps: 0 }, steps: [0, 5, 10],
      values: [0.20000000298023224, 0.09999999403953552, 0.0] },
    { class_name: "CosineDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, alpha: 0.0, warmup_target: null, warmup_steps: 0 }, steps: [0, 5, 10],
      values: [0.10000000149011612, 0.04999999701976776, 0.0] },
  ];
  for (const c of legal) {
    const s = schedules.deserialize({ class_name: c.class_name, config: c.config });
    c.steps.forEach((step, i) => {
      const got = s.call(step), want = c.values[i];
      assert.ok(Math.abs(got - want) <= 2.5e-7 * Math.abs(want) + 1e-8, `${c.class_name} ${JSON.stringify(c.config)} step ${step}: got ${got}, expected ${want}`);
    });
  }
});

/*
 * Negative values Keras 3.5 accepts (it checks only decay_steps > 0), and its numbers for them:
 *   KERAS_BACKEND=torch python3 -c "import keras; S = keras.optimizers.schedules; print([float(s(i)) for i in steps])"
 * Those that make the rate NaN stay refused (see the tests above): a negative ExponentialDecay
 * decayRate between whole exponents, CosineDecayRestarts' tMul < 1, and PolynomialDecay's negative
 * power (infinite from decaySteps on).
 */
test("negative learning rates, decay rates, alpha, mMul and warmup values load from Keras configs and give Keras 3.5's numbers", () => {
  const cases: { class_name: string; config: Record<string, number | boolean | null>; steps: number[]; values: number[] }[] = [
    { class_name: "ExponentialDecay", config: { initial_learning_rate: -0.1, decay_steps: 10, decay_rate: 0.5 }, steps: [0, 5, 10, 25],
      values: [-0.10000000149011612, -0.0707106813788414, -0.05000000074505806, -0.01767767034471035] },
    { class_name: "ExponentialDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: -0.5, staircase: true }, steps: [0, 5, 10, 25],
      values: [0.10000000149011612, 0.10000000149011612, -0.05000000074505806, 0.02500000037252903] },
    { class_name: "ExponentialDecay", config: { initial_learning_rate: 0.1, decay_steps: 1, decay_rate: -0.5 }, steps: [0, 1, 2, 3],
      values: [0.10000000149011612, -0.05000000074505806, 0.02500000037252903, -0.012500000186264515] },
    { class_name: "InverseTimeDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: -0.05 }, steps: [0, 5, 10, 25, 30],
      values: [0.10000000149011612, 0.10256410390138626, 0.10526315867900848, 0.11428571492433548, 0.11764705926179886] },
    { class_name: "InverseTimeDecay", config: { initial_learning_rate: -0.1, decay_steps: 10, decay_rate: 0.5, staircase: true }, steps: [0, 5, 10, 25, 30],
      values: [-0.10000000149011612, -0.10000000149011612, -0.06666667014360428, -0.05000000074505806, -0.03999999910593033] },
    { class_name: "PolynomialDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, end_learning_rate: -0.01, power: 2 }, steps: [0, 5, 10, 25],
      values: [0.10000000149011612, 0.017500000074505806, -0.009999999776482582, -0.009999999776482582] },
    { class_name: "CosineDecay", config: { initial_learning_rate: 0.1, decay_steps: 10, alpha: -0.5 }, steps: [0, 5, 10, 25],
      values: [0.10000000149011612, 0.024999994784593582, -0.05000000074505806, -0.05000000074505806] },
    { class_name: "CosineDecay", config: { initial_learning_rate: 0.0, decay_steps: 10, warmup_target: -0.1, warmup_steps: 5 }, steps: [0, 2, 5, 10, 25],
      values: [0.0, -0.04000000283122063, -0.10000000149011612, -0.04999999701976776, -0.0] },
    { class_name: "CosineDecay", config: { initial_learning_rate: 0.0, decay_steps: 10, warmup_target: 0.1, warmup_steps: -5 }, steps: [0, 2, 5, 10, 25],
      values: [0.04999999701976776, 0.020610740408301353, 0.0, 0.0, 0.0] },
    { class_name: "CosineDecay", config: { initial_learning_rate: -0.1, decay_steps: 10 }, steps: [0, 3, 10], values: [-0.10000000149011612, -0.07938926666975021, -0.0] },
    { class_name: "CosineDecayRestarts", config: { initial_learning_rate: 0.1, first_decay_steps: 10, m_mul: -0.5, alpha: -0.2 }, steps: [0, 5, 10, 15, 30, 45, 75],
      values: [0.10000000149011612, 0.03999999910593033, -0.08000000566244125, -0.07121320813894272, 0.010000000707805157, 0.0007402509800158441, -0.03485589101910591] },
  ];
  for (const c of cases) {
    const s = schedules.deserialize({ class_name: c.class_name, config: c.config });
    c.steps.forEach((step, i) => close(s.call(step), c.values[i], 1e-6, `${c.class_name} ${JSON.stringify(c.config)} step ${step}`));
  }
});
