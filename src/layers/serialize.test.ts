// layers.serialize / layers.deserialize against the layer entries of .keras files written by Keras 3.5.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "../index.js";
import { ZipArchive } from "../io/zip.js";

const { layers } = tf;

/** The layer entries of a Keras-written model's config.json, in Keras' serialize_keras_object form. */
function kerasLayerEntries(file: string): Record<string, unknown>[] {
  const path = fileURLToPath(new URL(`../../test/fixtures/keras_files/by_keras/${file}`, import.meta.url));
  const text = new TextDecoder().decode(ZipArchive.read(new Uint8Array(readFileSync(path)), path).extract("config.json"));
  // Keras numbers the objects shared within one saved model (the dtype policies); no part of a layer.
  const config = JSON.parse(text, (k, v: unknown) => (k === "shared_object_id" ? undefined : v)) as { config: { layers: Record<string, unknown>[] } };
  // A functional model's entries add the graph (name, inbound_nodes) to what serialize writes.
  return config.config.layers.map(({ name: _name, inbound_nodes: _nodes, ...entry }) => entry);
}

for (const file of ["cnn_bn.keras", "layer_zoo.keras"]) {
  test(`layers.deserialize reads every layer of Keras 3.5's ${file}, built, and layers.serialize writes Keras' entry back`, () => {
    const entries = kerasLayerEntries(file).filter((e) => e.class_name !== "InputLayer");
    assert.ok(entries.length >= 9);
    for (const entry of entries) {
      const layer = layers.deserialize(entry);
      const what = `${String(entry.class_name)} ${String((entry.config as { name: string }).name)}`;
      assert.equal(layer.className, entry.class_name, what);
      assert.equal(layer.built, entry.build_config !== undefined, `${what}: built from build_config`);
      assert.deepEqual(layers.serialize(layer), entry, what);
    }
  });
}

test("a built Dense round-trips with its weight shapes; a Keras 2 entry { class_name, config } reads too", () => {
  const dense = layers.Dense(3, { activation: "relu", name: "d" });
  dense.build([null, 4]);
  const back = layers.deserialize(layers.serialize(dense));
  assert.deepEqual(back.weights.map((w) => w.shape), [[4, 3], [3]]);
  const keras2 = layers.deserialize({ class_name: "Dropout", config: { name: "drop", rate: 0.25, trainable: true } });
  assert.equal(keras2.className, "Dropout");
  assert.equal((keras2 as tf.layers.Layer & { rate: number }).rate, 0.25);
});

test("a custom layer deserializes through customObjects", () => {
  class Doubler extends tf.layers.Layer {
    override call(x: tf.Tensor): tf.Tensor {
      return tf.mul(x, 2);
    }
  }
  const entry = layers.serialize(new Doubler({ name: "twice" }));
  assert.equal(entry.class_name, "Doubler");
  const back = layers.deserialize(entry, { Doubler });
  assert.ok(back instanceof Doubler);
  assert.equal(back.name, "twice");
  assert.throws(() => layers.deserialize(entry), /Doubler/);
});

test("bad arguments are refused with the fix", () => {
  assert.throws(() => layers.serialize({} as never), /^TypeError: layers\.serialize: expected a layer, got \{\}/);
  assert.throws(() => layers.deserialize("Dense" as never), /^TypeError: layers\.deserialize: expected a serialized layer .* got "Dense"; make one with layers\.serialize\(layer\)/);
  assert.throws(() => layers.deserialize({ class_name: "NoSuchLayer", config: {} }), /NoSuchLayer/);
});
