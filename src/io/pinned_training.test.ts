/**
 * A call saved with `training: false` (Keras' `base(inputs, training=False)` in transfer
 * learning) keeps its BatchNormalization in inference mode while the outer model trains, in
 * configs from Keras 3 and Keras 2, and the pin survives saving in both file formats.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { modelFromJSON } from "./serialization.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;
type Sym = tf.layers.SymbolicTensor;

const dir = mkdtempSync(join(tmpdir(), "lamina-pinned-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON of input -> base(Dense, BatchNormalization) -> Dense, with the base call's kwargs set. */
function transferJSON(pin: boolean): string {
  const baseIn = layers.Input({ shape: [3] });
  const base = new models.Model({ inputs: baseIn, outputs: layers.BatchNormalization({ name: "bn" })(layers.Dense(4)(baseIn) as Sym), name: "base" });
  const input = layers.Input({ shape: [3] });
  const model = new models.Model({ inputs: input, outputs: layers.Dense(1)(base.apply(input) as Sym), name: "transfer" });
  const config = JSON.parse(model.toJSON());
  const baseEntry = config.config.layers.find((l: { name: string }) => l.name === "base");
  if (pin) baseEntry.inbound_nodes[0].kwargs = { training: false };
  return JSON.stringify(config);
}

function movingMean(model: tf.models.Model): number[] {
  const bn = (model.getLayer("base") as tf.models.Model).getLayer("bn");
  return bn.getWeights()[2].arraySync() as number[];
}

function trainOnce(model: tf.models.Model): void {
  tf.random.setSeed(4);
  model.compile({ optimizer: "sgd", loss: "mse" });
  model.trainOnBatch(tf.random.normal([8, 3], 5, 2), tf.random.normal([8, 1]));
}

test("a call pinned to training: false keeps BatchNormalization's moving statistics while the model trains", () => {
  const free = modelFromJSON(transferJSON(false));
  const before = movingMean(free);
  trainOnce(free);
  assert.notDeepEqual(movingMean(free), before, "unpinned, the BN updates its statistics");

  const pinned = modelFromJSON(transferJSON(true));
  const start = movingMean(pinned);
  trainOnce(pinned);
  assert.deepEqual(movingMean(pinned), start);
});

test("the pin is written back to config.json and to a legacy .h5's Keras 2 config, and survives loading", async () => {
  const pinned = modelFromJSON(transferJSON(true));
  const node = JSON.parse(pinned.toJSON()).config.layers.find((l: { name: string }) => l.name === "base").inbound_nodes[0];
  // Keras 3.5 records the nested model's (absent) mask after the pin: { training: False, mask: None }.
  assert.deepEqual(node.kwargs, { training: false, mask: null });
  for (const ext of [".keras", ".h5"]) {
    const path = join(dir, `pinned${ext}`);
    await pinned.save(path);
    const loaded = await models.loadModel(path);
    const start = movingMean(loaded);
    trainOnce(loaded);
    assert.deepEqual(movingMean(loaded), start, ext);
  }
});

test("a model built in code with base.apply(x, { training: false }) pins that call, and its config says so", () => {
  const baseIn = layers.Input({ shape: [3] });
  const base = new models.Model({ inputs: baseIn, outputs: layers.BatchNormalization({ name: "bn" })(layers.Dense(4)(baseIn) as Sym), name: "base" });
  const input = layers.Input({ shape: [3] });
  const model = new models.Model({ inputs: input, outputs: layers.Dense(1)(base.apply(input, { training: false }) as Sym), name: "transfer" });
  const node = JSON.parse(model.toJSON()).config.layers.find((l: { name: string }) => l.name === "base").inbound_nodes[0];
  assert.deepEqual(node.kwargs, { training: false, mask: null });
  const start = movingMean(model);
  trainOnce(model);
  assert.deepEqual(movingMean(model), start, "the frozen call keeps BN's moving statistics");
});

/*
 * test/fixtures/keras_files/by_keras/default_training.keras, saved by Keras 3.5
 * (test/fixtures/make_keras_default_training.py): Input -> RandomFlip -> Flatten -> Dropout(0.5) ->
 * Dense, called without any training argument. Keras 3 still records each call's default
 * (RandomFlip's training=True, Dropout's training=False) and overrides it whenever the model runs
 * with a mode, so these are not pins: predict neither flips nor drops, training mode does both.
 */
test("the training value Keras 3 records from a Dropout's or an augmentation layer's call signature pins nothing", async () => {
  tf.clearSession();
  const keras = JSON.parse(readFileSync("test/fixtures/keras_files/by_keras/default_training.json", "utf8")) as {
    kwargs: Record<string, Record<string, unknown>>; x: number[][][][]; predictions: number[][];
  };
  assert.deepEqual(keras.kwargs.random_flip, { training: true });
  assert.deepEqual(keras.kwargs.dropout, { training: false });
  const model = await models.loadModel("test/fixtures/keras_files/by_keras/default_training.keras");
  const x = tf.constant(keras.x);
  for (let i = 0; i < 3; i++) assertAllClose(model.predict(x) as tf.Tensor, keras.predictions.flat(), { rtol: 1e-5, atol: 1e-6, what: `predict ${i}` });
  const dropout = tf.ones([1, 16]);
  const dropped = (model.getLayer("dropout").apply(dropout, { training: true }) as tf.Tensor).dataSync();
  assert.ok(dropped.some((v) => v === 0), "Dropout is active in training mode");
  const outputs = Array.from({ length: 4 }, () => [...(model.apply(x, { training: true }) as tf.Tensor).dataSync()].join());
  assert.ok(outputs.some((o) => o !== outputs[0]), "the model trains with RandomFlip and Dropout active");
  // Saved again, each call carries what Keras wrote: its call signature's default, pinning nothing.
  const back = JSON.parse(model.toJSON()) as { config: { layers: { name: string; inbound_nodes: { kwargs: object }[] }[] } };
  for (const layer of back.config.layers.slice(1)) assert.deepEqual(layer.inbound_nodes[0].kwargs, keras.kwargs[layer.name], layer.name);
});
