import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../index.js";
import { RandomGenerator } from "../../tensor/random.js";

const { layers, models, callbacks } = tf;

/** The same program each time: seed, data, model (with dropout: random draws in every step), compile. */
function program(): { model: tf.models.Model; x: tf.Tensor; y: tf.Tensor } {
  tf.random.setSeed(42);
  const x = tf.random.normal([20, 5]);
  const y = tf.cast(tf.greater(tf.sum(x, -1), 0), "float32");
  const model = new models.Sequential([
    layers.Input({ shape: [5] }), layers.Dense(8, { activation: "relu" }), layers.Dropout(0.3), layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ loss: "binary_crossentropy", optimizer: tf.optimizers.Adam({ learningRate: 0.01 }), metrics: ["accuracy"] });
  return { model, x, y };
}

const weightsOf = (m: tf.models.Model): Float32Array[] => m.getWeights().map((w) => w.dataSync() as Float32Array);

class Interrupt extends Error {}

test("BackupAndRestore: a fit interrupted at epoch 3 of 5 resumes at epoch 4 and ends with the uninterrupted run's weights, bit for bit", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-backup-"));
  const backup = join(dir, "backup");
  try {
    const reference = program();
    await reference.model.fit(reference.x, reference.y, { epochs: 5, batchSize: 4, verbose: 0 });
    const want = weightsOf(reference.model);

    // First attempt: an exception after epoch 3 (index 2) ends the program, as a crash would.
    const first = program();
    const interrupt = callbacks.LambdaCallback({ onEpochEnd: (epoch) => { if (epoch === 2) throw new Interrupt("interrupted"); } });
    await assert.rejects(first.model.fit(first.x, first.y, { epochs: 5, batchSize: 4, verbose: 0, callbacks: [callbacks.BackupAndRestore(backup), interrupt] }), Interrupt);
    assert.ok(existsSync(join(backup, "latest.weights.h5")));
    assert.equal(JSON.parse(readFileSync(join(backup, "training_metadata.json"), "utf8")).epoch, 3);

    // The same program run again: it picks up the backup and runs epochs 4 and 5 only.
    const second = program();
    const epochs: number[] = [];
    const history = await second.model.fit(second.x, second.y, {
      epochs: 5, batchSize: 4, verbose: 0,
      callbacks: [callbacks.BackupAndRestore(backup), callbacks.LambdaCallback({ onEpochBegin: (e) => { epochs.push(e); } })],
    });
    assert.deepEqual(epochs, [3, 4]);
    assert.equal(history.history.loss.length, 2);
    weightsOf(second.model).forEach((w, i) => assert.deepEqual(w, want[i], `weight ${i}`));
    assert.equal(existsSync(backup), false, "deleted when fit ends normally (deleteCheckpoint)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("BackupAndRestore: deleteCheckpoint false keeps the backup; doubleCheckpoint falls back to the previous one when the latest is damaged", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-backup-"));
  const backup = join(dir, "backup");
  try {
    const run = program();
    await run.model.fit(run.x, run.y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [callbacks.BackupAndRestore(backup, { doubleCheckpoint: true, deleteCheckpoint: false })] });
    assert.equal(JSON.parse(readFileSync(join(backup, "training_metadata.json"), "utf8")).epoch, 2);
    assert.equal(JSON.parse(readFileSync(join(backup, "training_metadata.json.bkp"), "utf8")).epoch, 1);
    writeFileSync(join(backup, "latest.weights.h5"), "damaged");
    const again = program();
    const epochs: number[] = [];
    await again.model.fit(again.x, again.y, {
      epochs: 3, batchSize: 4, verbose: 0,
      callbacks: [callbacks.BackupAndRestore(backup, { deleteCheckpoint: false }), callbacks.LambdaCallback({ onEpochBegin: (e) => { epochs.push(e); } })],
    });
    assert.deepEqual(epochs, [1, 2], "resumed from the previous backup (after epoch 1)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("BackupAndRestore: argument errors; the random generator's state round-trips", () => {
  assert.throws(() => callbacks.BackupAndRestore(""), /empty backupDir/);
  assert.throws(() => callbacks.BackupAndRestore("b", { saveFreq: 0 }), /invalid saveFreq 0/);
  const g = new RandomGenerator(5);
  g.nextNormal(); // leaves the pair's second normal cached
  const state = JSON.parse(JSON.stringify(g.getState()));
  const a = [g.nextNormal(), g.nextDouble(), g.nextUint32()];
  const h = new RandomGenerator(99);
  h.setState(state);
  assert.deepEqual([h.nextNormal(), h.nextDouble(), h.nextUint32()], a);
  assert.throws(() => h.setState({ s: [1, 2, 3], spareNormal: null } as unknown as ReturnType<RandomGenerator["getState"]>), /setState: expected/);
});
