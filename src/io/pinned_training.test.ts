/**
 * A call saved with `training: false` (Keras' `base(inputs, training=False)` in transfer
 * learning) keeps its BatchNormalization in inference mode while the outer model trains, in
 * configs from Keras 3 and Keras 2, and the pin survives saving in both file formats.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { modelFromJSON } from "./serialization.js";

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
  assert.deepEqual(node.kwargs, { training: false });
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
  assert.deepEqual(node.kwargs, { training: false });
  const start = movingMean(model);
  trainOnce(model);
  assert.deepEqual(movingMean(model), start, "the frozen call keeps BN's moving statistics");
});
