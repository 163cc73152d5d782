import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { ZipArchive } from "./zip.js";

/*
 * test/fixtures/keras_files/by_keras/dropout.keras, saved by Keras 3.5 (test/fixtures/make_keras_dropout.py):
 * Dropout with its defaults, with a seed and noise_shape, called with training=True;
 * SpatialDropout2D, GaussianNoise, GaussianDropout, AlphaDropout. Loaded and saved by lamina, each
 * of them must come back as Keras wrote it: config (seed and noise_shape included, in Keras' key
 * order), build_config, and the `training` keyword Keras writes into every call.
 */
const file = "test/fixtures/keras_files/by_keras/dropout.keras";
const DROPOUTS = ["plain", "seeded", "pinned", "spatial", "noise", "gdrop", "alpha"];

type Entry = { name: string; [k: string]: unknown };
function layerEntries(bytes: Uint8Array, path: string): Map<string, string> {
  const config = JSON.parse(new TextDecoder().decode(ZipArchive.read(bytes, path).extract("config.json"))) as { config: { layers: Entry[] } };
  // Keras numbers shared dtype policies by object id; that is no part of the layer.
  const text = (e: Entry): string => JSON.stringify(e, (k, v) => (k === "shared_object_id" ? undefined : v));
  return new Map(config.config.layers.map((e) => [e.name, text(e)]));
}

test("Dropout-family layers of a Keras 3.5 .keras file are saved back exactly as Keras wrote them", async () => {
  const keras = layerEntries(new Uint8Array(readFileSync(file)), file);
  const dir = mkdtempSync(join(tmpdir(), "lamina-dropout-"));
  try {
    const model = await tf.models.loadModel(file);
    const again = join(dir, "again.keras");
    await model.save(again);
    const lamina = layerEntries(new Uint8Array(readFileSync(again)), again);
    for (const name of DROPOUTS) assert.equal(lamina.get(name), keras.get(name), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the training=False Keras writes into an AlphaDropout call does not pin it: it drops in training, as Dropout does", () => {
  // The Keras config of input_layer -> alpha alone (the fixture's call, rewired to the input).
  const config = JSON.parse(new TextDecoder().decode(ZipArchive.read(new Uint8Array(readFileSync(file)), file).extract("config.json")));
  const layers = (config.config.layers as { name: string; inbound_nodes: { args: { config: { keras_history: unknown[] } }[] }[] }[])
    .filter((l) => l.name === "input_layer" || l.name === "alpha");
  layers[1].inbound_nodes[0].args[0].config.keras_history = ["input_layer", 0, 0];
  config.config.layers = layers;
  config.config.output_layers = ["alpha", 0, 0];
  const model = tf.models.modelFromJSON(JSON.stringify(config));
  const x = tf.ones([2, 4, 4, 2]);
  const inFit = model.apply(x, { training: true }) as tf.Tensor;
  assert.ok((inFit.dataSync() as Float32Array).some((v) => v !== 1), "AlphaDropout changed nothing in training");
  assert.deepEqual(Array.from((model.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array), new Array(64).fill(1));
});
