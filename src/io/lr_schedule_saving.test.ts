/**
 * A model compiled with a custom LearningRateSchedule subclass, saved and loaded as Keras 3.5 does it:
 * serialize_keras_object writes a registered custom class as `{ module, class_name, config,
 * registered_name: "<package>><Name>" }` (serialize_with_public_class), and the optimizer's from_config
 * finds it again with deserialize_keras_object among the registered classes and custom_objects, then
 * rebuilds it with its from_config (by default `cls(**config)`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models } = tf;
const { LearningRateSchedule } = tf.optimizers.schedules;

const dir = mkdtempSync(join(tmpdir(), "lamina-lr-schedule-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Halves the rate every `every` steps: steps 0-1 give lr0, 2-3 lr0 / 2, 4-5 lr0 / 4. */
class HalfEvery extends LearningRateSchedule {
  readonly className = "HalfEvery";
  constructor(readonly lr0: number, readonly every: number) {
    super();
  }
  call(step: number): number {
    return this.lr0 * 0.5 ** Math.floor(step / this.every);
  }
  getConfig(): tf.optimizers.ConfigDict {
    return { lr0: this.lr0, every: this.every };
  }
  static fromConfig(c: tf.optimizers.ConfigDict): HalfEvery {
    return new HalfEvery(c.lr0 as number, c.every as number);
  }
}

/** No fromConfig of its own: rebuilt as `new Warmup(config)`, Keras' default `cls(**config)`. */
class Warmup extends LearningRateSchedule {
  readonly className = "Warmup";
  readonly peak: number;
  constructor(config: { peak: number }) {
    super();
    this.peak = config.peak;
  }
  call(step: number): number {
    return this.peak * Math.min(1, (step + 1) / 10);
  }
  getConfig(): tf.optimizers.ConfigDict {
    return { peak: this.peak };
  }
}

async function trained(schedule: tf.optimizers.schedules.LearningRateSchedule): Promise<tf.models.Sequential> {
  tf.random.setSeed(3);
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]);
  m.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: schedule }) });
  // 8 samples at batch 2: 4 optimizer steps.
  await m.fit(tf.ones([8, 3]), tf.zeros([8, 2]), { epochs: 1, batchSize: 2, verbose: 0, shuffle: false });
  return m;
}

test("a registered custom schedule is written with its registered name and loaded back by its fromConfig", async () => {
  tf.saving.registerKerasSerializable(HalfEvery, { package: "sched_test" });
  try {
    const m = await trained(new HalfEvery(0.1, 2));
    assert.deepEqual(m.optimizer!.getConfig().learning_rate,
      { module: "sched_test", class_name: "HalfEvery", config: { lr0: 0.1, every: 2 }, registered_name: "sched_test>HalfEvery" });
    const path = join(dir, "registered.keras");
    await m.save(path);
    const back = await models.loadModel(path);
    const s = back.optimizer!.learningRateSchedule;
    assert.ok(s instanceof HalfEvery);
    assert.equal(back.optimizer!.iterations, 4);
    // Step 4: 0.1 / 4 (by hand).
    assert.equal(back.optimizer!.learningRate, 0.025);
  } finally {
    delete tf.saving.getCustomObjects()["sched_test>HalfEvery"];
  }
});

test("an unregistered custom schedule loads through customObjects, rebuilt as new Class(config) without a fromConfig", async () => {
  const m = await trained(new Warmup({ peak: 0.5 }));
  assert.deepEqual(m.optimizer!.getConfig().learning_rate, { module: null, class_name: "Warmup", config: { peak: 0.5 }, registered_name: "Warmup" });
  const path = join(dir, "unregistered.keras");
  await m.save(path);
  await assert.rejects(models.loadModel(path),
    /unknown learning-rate schedule "Warmup"; known schedules are .*; for a custom schedule class, register it with saving.registerKerasSerializable before loading, or pass it in customObjects/);
  const back = await models.loadModel(path, { customObjects: { Warmup } });
  const s = back.optimizer!.learningRateSchedule;
  assert.ok(s instanceof Warmup);
  assert.equal(s.peak, 0.5);
  // Step 4: 0.5 * 5 / 10 (by hand).
  assert.equal(back.optimizer!.learningRate, 0.25);
});

test("a class that is not a schedule is refused by name", () => {
  class NotASchedule {}
  assert.throws(() => tf.saving.customObjectScope({ NotASchedule }, () => tf.optimizers.schedules.deserialize({ class_name: "NotASchedule", config: {} })),
    /"NotASchedule" names the class NotASchedule, which does not extend LearningRateSchedule/);
});
