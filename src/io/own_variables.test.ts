// Keras' save_own_variables / load_own_variables: a custom layer saving more than its weights.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { Hdf5File } from "./h5.js";
import { ZipArchive } from "./zip.js";

const { layers, models } = tf;

/** Keras' saving guide's pattern: a Dense that also saves a count of its calls, state that is no variable. */
class CountingDense extends layers.classes.Dense {
  calls = 0;
  override call(x: tf.Tensor): tf.Tensor {
    this.calls++;
    return super.call(x);
  }
  override saveOwnVariables(store: tf.layers.VariableStore): void {
    super.saveOwnVariables(store);
    store.calls = tf.constant([this.calls], "int32");
  }
  override loadOwnVariables(store: Readonly<tf.layers.VariableStore>): void {
    const { calls, ...weights } = store;
    this.calls = calls.item();
    super.loadOwnVariables(weights);
  }
}
tf.serialization.registerKerasSerializable(CountingDense, { package: "OwnVariablesTest" });

function model(): tf.models.Sequential {
  return new models.Sequential([layers.Input({ shape: [3] }), new CountingDense({ units: 2 }), layers.Dense(1)]);
}

test("a layer's own saveOwnVariables / loadOwnVariables write and read its vars group, in .keras and .weights.h5 files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-own-vars-"));
  try {
    const m = model();
    const x = tf.constant([[1, 2, 3]], "float32");
    m.predict(x);
    m.predict(x);
    const counter = m.layers[0] as unknown as CountingDense;
    const saved = counter.calls;
    assert.ok(saved >= 2);
    await m.save(join(dir, "m.keras"));
    await m.saveWeights(join(dir, "m.weights.h5"));
    // The extra dataset sits beside the weights' 0 and 1, under the layer's Keras path.
    const h5 = await Hdf5File.openForReading(join(dir, "m.weights.h5"));
    try {
      assert.deepEqual(h5.children("layers/counting_dense/vars").sort(), ["0", "1", "calls"]);
      assert.deepEqual(Array.from(h5.readArray("layers/counting_dense/vars/calls").data as Int32Array), [saved]);
    } finally {
      h5.close();
    }
    const zip = ZipArchive.read(new Uint8Array(readFileSync(join(dir, "m.keras"))), "m.keras");
    assert.ok(zip.entries.has("model.weights.h5"));

    const loaded = await models.loadModel(join(dir, "m.keras"));
    assert.equal((loaded.layers[0] as unknown as CountingDense).calls, saved);
    assert.deepEqual(loaded.getWeights().map((w) => w.arraySync()), m.getWeights().map((w) => w.arraySync()));

    const fresh = model();
    await fresh.loadWeights(join(dir, "m.weights.h5"));
    assert.equal((fresh.layers[0] as unknown as CountingDense).calls, saved);
    assert.deepEqual(fresh.getWeights().map((w) => w.arraySync()), m.getWeights().map((w) => w.arraySync()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a layer whose loadOwnVariables fails names the layer, its group and keys; a bad saveOwnVariables is refused before writing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-own-vars-"));
  try {
    const m = model();
    await m.saveWeights(join(dir, "m.weights.h5"));
    // A class of the same name (so the same Keras path) whose loadOwnVariables hands the extra
    // "calls" dataset to the base one, which counts the store against the layer's two weights.
    const Strict = class CountingDense extends layers.classes.Dense {
      override loadOwnVariables(store: Readonly<tf.layers.VariableStore>): void {
        super.loadOwnVariables(store);
      }
    };
    const other = new models.Sequential([layers.Input({ shape: [3] }), new Strict({ units: 2, name: "strict" }), layers.Dense(1)]);
    await assert.rejects(other.loadWeights(join(dir, "m.weights.h5")), /layer "strict" \(CountingDense\): its loadOwnVariables failed on the file's "layers\/counting_dense\/vars" \(keys "0", "1", "calls"\).*the store holds 3 value\(s\).*but the layer has 2 weight\(s\)/);

    class BadSave extends layers.classes.Dense {
      override saveOwnVariables(store: tf.layers.VariableStore): void {
        (store as Record<string, unknown>).note = "text";
      }
    }
    const bad = new models.Sequential([layers.Input({ shape: [3] }), new BadSave({ units: 2 })]);
    await assert.rejects(bad.saveWeights(join(dir, "bad.weights.h5")), /saving layer "bad_save\w*" \(BadSave\): saveOwnVariables put "text" under "note"; store a tensor/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
