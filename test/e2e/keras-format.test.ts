/**
 * Files lamina writes are checked from outside lamina: test/e2e/check_keras_layout.py (Debian's
 * /usr/bin/python3 with h5py and zipfile, no Keras) derives Keras' layout from the saved config
 * and checks the zip entries, metadata, config.json objects, every vars group and its name
 * attribute, dataset names, shapes and dtypes, the legacy .h5 attributes and weight names, and
 * that the same values sit in all formats.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../src/index.js";

const { layers, models } = tf;
const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import h5py, numpy"], { encoding: "utf8" });
const skip = probe.status === 0 ? false : `${PYTHON} with h5py and numpy is needed for this check (apt-get install python3-h5py); ${probe.error ? probe.error.message : probe.stderr.trim().split("\n").at(-1)}`;

const dir = mkdtempSync(join(tmpdir(), "lamina-keras-format-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function saveAll(model: tf.models.Model, name: string): Promise<string[]> {
  const files = [join(dir, `${name}.keras`), join(dir, `${name}.h5`), join(dir, `${name}.weights.h5`), join(dir, `${name}_legacy_weights.h5`)];
  await model.save(files[0]);
  await model.save(files[1]);
  await model.saveWeights(files[2]);
  await model.saveWeights(files[3]);
  return files;
}

function runChecker(files: string[]): void {
  const r = spawnSync(PYTHON, ["test/e2e/check_keras_layout.py", ...files], { encoding: "utf8" });
  assert.equal(r.status, 0, `check_keras_layout.py failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^OK \d+ checks/);
}

test("a compiled, trained CNN (notebook 000 style) has Keras' layout in .keras, .weights.h5 and legacy .h5", { skip }, async () => {
  tf.random.setSeed(2);
  const model = new models.Sequential([
    layers.Input({ shape: [8, 8, 1] }),
    layers.Conv2D(4, [3, 3], { padding: "same", activation: "relu" }),
    layers.BatchNormalization(),
    layers.MaxPooling2D([2, 2]),
    layers.Conv2D(4, [3, 3], { padding: "same", activation: "relu" }),
    layers.BatchNormalization(),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(6, { activation: "relu" }),
    layers.Dense(3, { activation: "softmax" }),
  ]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  model.trainOnBatch(tf.random.normal([4, 8, 8, 1]), tf.constant([0, 1, 2, 1], [4], "int32"));
  runChecker(await saveAll(model, "cnn"));
});

test("a functional model with a nested Sequential, shared inputs and merges has Keras' layout", { skip }, async () => {
  const input = layers.Input({ shape: [6] });
  const block = new models.Sequential([layers.Dense(5, { inputShape: [6], activation: "relu" }), layers.Dense(4)]);
  const a = block.apply(input) as tf.layers.SymbolicTensor;
  const b = layers.Dense(4)(input) as tf.layers.SymbolicTensor;
  const merged = layers.Concatenate()([layers.Add()([a, b]) as tf.layers.SymbolicTensor, b]) as tf.layers.SymbolicTensor;
  const out = layers.Dense(2)(layers.LayerNormalization()(merged) as tf.layers.SymbolicTensor);
  const model = new models.Model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "mse" });
  model.trainOnBatch(tf.random.normal([3, 6]), tf.random.normal([3, 2]));
  runChecker(await saveAll(model, "functional"));
});

test("an uncompiled model with a frozen layer has Keras' layout", { skip }, async () => {
  const model = new models.Sequential([layers.Input({ shape: [5] }), layers.Dense(4, { name: "frozen" }), layers.Dense(2)]);
  model.getLayer("frozen").trainable = false;
  runChecker(await saveAll(model, "frozen"));
});
