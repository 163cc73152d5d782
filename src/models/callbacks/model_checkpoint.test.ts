import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../index.js";

const { layers, models, callbacks } = tf;

function setup(): { model: tf.models.Model; x: tf.Tensor; y: tf.Tensor; xv: tf.Tensor; yv: tf.Tensor } {
  tf.random.setSeed(21);
  const model = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(8, { activation: "relu" }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }), metrics: ["accuracy"] });
  const x = tf.random.normal([24, 4]);
  const y = tf.cast(tf.argMax(tf.slice(x, [0, 0], [-1, 3]), -1), "int32");
  return { model, x, y, xv: tf.slice(x, [0, 0], [8, -1]), yv: tf.slice(y, [0], [8]) };
}

function collect(): { writer: { write(s: string): void }; text: () => string } {
  let out = "";
  return { writer: { write: (s: string) => { out += s; } }, text: () => out };
}

test("ModelCheckpoint saves a .keras file per epoch named with Keras' formatting, each loadable with that epoch's weights", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-ckpt-"));
  try {
    const { model, x, y, xv, yv } = setup();
    const predictions: tf.Tensor[] = [];
    const history = await model.fit(x, y, {
      epochs: 3, batchSize: 8, verbose: 0, validationData: [xv, yv],
      callbacks: [
        callbacks.ModelCheckpoint(join(dir, "model-{epoch:02d}-{val_loss:.2f}.keras")),
        callbacks.LambdaCallback({ onEpochEnd: () => { predictions.push(model.predict(xv)); } }),
      ],
    });
    const names = history.history.val_loss.map((v, i) => `model-0${i + 1}-${v.toFixed(2)}.keras`);
    assert.deepEqual(readdirSync(dir).sort(), [...names].sort());
    for (const [i, name] of names.entries()) {
      const loaded = await models.loadModel(join(dir, name));
      assert.deepEqual(loaded.predict(xv).dataSync(), predictions[i].dataSync(), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ModelCheckpoint saveBestOnly: saves only on improvement, with Keras 3.5's messages (min and max modes)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-ckpt-"));
  try {
    const { model } = setup();
    const out = collect();
    const path = join(dir, "best.keras");
    const cb = callbacks.ModelCheckpoint(path, { monitor: "val_loss", saveBestOnly: true, verbose: 1, writer: out.writer });
    cb.setModel(model);
    await cb.onEpochEnd(0, { loss: 1, val_loss: 0.5 });
    assert.ok(existsSync(path));
    await cb.onEpochEnd(1, { loss: 1, val_loss: 0.7 });
    await cb.onEpochEnd(2, { loss: 1, val_loss: 0.25 });
    assert.equal(out.text(),
      `\nEpoch 1: val_loss improved from inf to 0.50000, saving model to ${path}\n` +
      "\nEpoch 2: val_loss did not improve from 0.50000\n" +
      `\nEpoch 3: val_loss improved from 0.50000 to 0.25000, saving model to ${path}\n`);
    // "auto" on an accuracy maximizes; an initial threshold must be beaten first.
    const acc = callbacks.ModelCheckpoint(join(dir, "acc-{epoch}.keras"), { monitor: "val_accuracy", saveBestOnly: true, initialValueThreshold: 0.6 });
    acc.setModel(model);
    for (const [e, v] of [[0, 0.5], [1, 0.7], [2, 0.65], [3, 0.9]]) await acc.onEpochEnd(e, { val_accuracy: v });
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("acc")).sort(), ["acc-2.keras", "acc-4.keras"]);
    const warned: string[] = [];
    const missing = callbacks.ModelCheckpoint(join(dir, "m.keras"), { monitor: "val_auc", mode: "max", saveBestOnly: true, warn: (m) => warned.push(m) });
    missing.setModel(model);
    await missing.onEpochEnd(0, { loss: 1 });
    assert.deepEqual(warned, ["Can save best model only with val_auc available, skipping."]);
    assert.ok(!existsSync(join(dir, "m.keras")), "nothing saved, as Keras 3.5 skips");
    // Keras 3.5's "auto": only names with "acc" (or starting "fmeasure") are maximized; any other is minimized, a custom one included.
    const maxOut = collect();
    const custom = callbacks.ModelCheckpoint(join(dir, "s-{epoch}.keras"), { monitor: "my_score", saveBestOnly: true, verbose: 1, writer: maxOut.writer });
    custom.setModel(model);
    for (const [e, v] of [[0, 3], [1, 5], [2, 1]]) await custom.onEpochEnd(e, { my_score: v });
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("s-")).sort(), ["s-1.keras", "s-3.keras"]);
    const fm = callbacks.ModelCheckpoint(join(dir, "f-{epoch}.keras"), { monitor: "fmeasure", saveBestOnly: true, verbose: 1, writer: maxOut.writer });
    fm.setModel(model);
    for (const [e, v] of [[0, 0.2], [1, 0.1]]) await fm.onEpochEnd(e, { fmeasure: v });
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("f-")), ["f-1.keras"]);
    assert.match(maxOut.text(), /Epoch 1: fmeasure improved from -inf to 0\.20000/);
    const aucWarned: string[] = [];
    const auc = callbacks.ModelCheckpoint(join(dir, "auc.keras"), { monitor: "val_auc", saveBestOnly: true, warn: (m) => aucWarned.push(m) });
    auc.setModel(model);
    await auc.onEpochEnd(0, { val_auc: 0.8 });
    assert.equal(auc.monitorOp, "min");
    assert.match(aucWarned[0], /^ModelCheckpoint: mode "auto" minimizes val_auc, as Keras 3\.5 does .* pass mode: "max"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ModelCheckpoint saveWeightsOnly and saveFreq in batches ({batch} in the name)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-ckpt-"));
  try {
    const { model, x, y } = setup();
    let kept: tf.Tensor[] = [];
    await model.fit(x, y, {
      epochs: 2, batchSize: 8, verbose: 0, // 3 batches per epoch: saves after batches 2, 4 (epoch 2's first) and 6
      callbacks: [callbacks.ModelCheckpoint(join(dir, "w-{epoch}-{batch}.weights.h5"), { saveWeightsOnly: true, saveFreq: 2 }),
        callbacks.LambdaCallback({ onTrainEnd: () => { kept = model.getWeights(); } })],
    });
    assert.deepEqual(readdirSync(dir).sort(), ["w-1-2.weights.h5", "w-2-1.weights.h5", "w-2-3.weights.h5"]);
    const fresh = setup().model;
    await fresh.loadWeights(join(dir, "w-2-3.weights.h5"));
    fresh.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), kept[i].dataSync()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ModelCheckpoint: Keras' errors for the file name and saveFreq", () => {
  assert.throws(() => callbacks.ModelCheckpoint("w.h5", { saveWeightsOnly: true }), /with saveWeightsOnly: true the filepath must end in "\.weights\.h5"/);
  assert.throws(() => callbacks.ModelCheckpoint("model.tf"), /the filepath must end in "\.keras"/);
  assert.throws(() => callbacks.ModelCheckpoint("m.keras", { saveFreq: "batch" as "epoch" }), /unrecognized saveFreq "batch"/);
});

test("ModelCheckpoint, CSVLogger and BackupAndRestore take their path first or, in Keras' keyword style, inside one options object", () => {
  const cp = callbacks.ModelCheckpoint({ filepath: "best.keras", monitor: "val_loss", saveBestOnly: true });
  assert.equal(cp.filepath, "best.keras");
  assert.equal(cp.saveBestOnly, true);
  assert.equal(callbacks.CSVLogger({ filename: "log.csv", append: true }).filename, "log.csv");
  assert.equal(callbacks.CSVLogger({ filename: "log.csv", append: true }).append, true);
  assert.equal(callbacks.BackupAndRestore({ backupDir: "bk", saveFreq: 2 }).saveFreq, 2);
  assert.throws(() => callbacks.ModelCheckpoint({ monitor: "val_loss" } as never), /^TypeError: ModelCheckpoint: filepath must be a non-empty file path, got undefined; e\.g\. callbacks\.ModelCheckpoint\("best\.keras", \{ monitor: "val_loss", saveBestOnly: true \}\)$/);
  assert.throws(() => callbacks.ModelCheckpoint(""), /filepath must be a non-empty file path, got ""/);
  assert.throws(() => callbacks.ModelCheckpoint({ filepath: "a.keras" }, { verbose: 1 } as never), /^TypeError: ModelCheckpoint: give the options once, either ModelCheckpoint\(filepath, options\) or ModelCheckpoint\(\{ filepath, \.\.\.options \}\)$/);
  assert.throws(() => callbacks.CSVLogger({ append: true } as never), /^TypeError: CSVLogger: filename must be a non-empty file path, got undefined/);
});
