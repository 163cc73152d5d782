import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { Layer, type LayerArgs } from "../layers/layer.js";
import type { Tensor } from "../tensor/tensor.js";

const { saving } = tf;

test("saving.saveModel / loadModel / saveWeights / loadWeights take Keras' arguments (model, filepath)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-saving-"));
  try {
    tf.random.setSeed(1);
    const model = new tf.models.Sequential([tf.layers.Input({ shape: [2] }), tf.layers.Dense(1, { name: "out" })]);
    model.getLayer("out").setWeights([tf.constant([[2], [3]]), tf.constant([1])]);
    await saving.saveModel(model, join(dir, "m.keras"));
    const loaded = await saving.loadModel(join(dir, "m.keras"));
    // 2*1 + 3*1 + 1 = 6, computed by hand from the weights set above.
    assert.deepEqual(loaded.predict(tf.constant([[1, 1]])).arraySync(), [[6]]);
    await saving.saveWeights(model, join(dir, "w.weights.h5"));
    const other = new tf.models.Sequential([tf.layers.Input({ shape: [2] }), tf.layers.Dense(1, { name: "out" })]);
    await saving.loadWeights(other, join(dir, "w.weights.h5"));
    assert.deepEqual(other.predict(tf.constant([[1, 0]])).arraySync(), [[3]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

class Doubler extends Layer {
  constructor(args: LayerArgs = {}) { super(args); }
  call(inputs: Tensor | Tensor[]): Tensor { return tf.mul(inputs as Tensor, 2); }
}

test("saving.registerKerasSerializable works as Keras' decorator factory and as a direct call", () => {
  try {
    // Keras: @keras.saving.register_keras_serializable(package="SavingNs")
    const decorate = saving.registerKerasSerializable({ package: "SavingNs" });
    // A layer class that writes no getConfig comes back wrapped, so that constructing it records its
    // options for getConfig (Keras' auto-config); to every other look the wrapper is the class.
    const Registered = decorate(Doubler);
    assert.notEqual(Registered, Doubler);
    assert.equal(Registered.name, "Doubler");
    assert.equal(Registered.prototype, Doubler.prototype);
    assert.ok(new Registered() instanceof Doubler);
    assert.equal(decorate(Registered), Registered, "registering again gives the same wrapper");
    assert.equal(saving.getRegisteredName(Doubler), "SavingNs>Doubler");
    assert.equal(saving.getRegisteredObject("SavingNs>Doubler"), Doubler);
    function triple(x: Tensor): Tensor { return tf.mul(x, 3); }
    assert.equal(saving.registerKerasSerializable(triple, { package: "SavingNs", name: "x3" }), triple);
    assert.equal(saving.getCustomObjects()["SavingNs>x3"], triple);
    const config = saving.serializeKerasObject(new Doubler({ name: "dbl" }));
    assert.ok(saving.deserializeKerasObject(config) instanceof Doubler);
    assert.throws(() => saving.registerKerasSerializable(5 as never), /expected options \{ package, name \} or a class or function, got 5/);
  } finally {
    delete saving.getCustomObjects()["SavingNs>Doubler"];
    delete saving.getCustomObjects()["SavingNs>x3"];
  }
  assert.equal(saving.customObjectScope({ Doubler }, () => saving.getRegisteredObject("Doubler")), Doubler);
});
