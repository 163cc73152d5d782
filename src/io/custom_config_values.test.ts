// What Keras' saving guide puts in custom configs: a registered activation function under its
// registered name, and Keras objects (layers, regularizer objects) returned by a custom get_config.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models, saving, regularizers } = tf;

test("a registered activation with its own name is saved under that name ('pkg>name', Keras' get_registered_name) and loads without customObjects", async () => {
  // Keras' guide: @register_keras_serializable(package="my_package", name="custom_fn") def custom_fn.
  const squareIt = saving.registerKerasSerializable({ package: "cfgvals_pkg", name: "square_fn" })(function squareIt(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, x);
  });
  const dense = layers.Dense(1, { activation: squareIt, kernelInitializer: "ones" });
  // Keras' activations.serialize writes get_registered_name(fn) for a function outside keras.activations.
  assert.equal(dense.getConfig().activation, "cfgvals_pkg>square_fn");
  const model = new models.Sequential([layers.Input({ shape: [2] }), dense]);
  const dir = mkdtempSync(join(tmpdir(), "lamina-cfgvals-"));
  try {
    await model.save(join(dir, "m.keras"));
    const loaded = await models.loadModel(join(dir, "m.keras"));
    // (1 + 2 + bias 0)^2 = 9
    assert.deepEqual((loaded.predict(tf.constant([[1, 2]], "float32")) as tf.Tensor).arraySync(), [[9]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // An unregistered function keeps its own name, as Keras' get_registered_name falls back to __name__.
  assert.equal(layers.Dense(1, { activation: function cube(x: tf.Tensor) { return tf.mul(x, tf.mul(x, x)); } }).getConfig().activation, "cube");
});

test("layers.serialize writes the layers and regularizer objects a custom getConfig returns in Keras' serialized form (serialize_dict)", () => {
  class Holder extends layers.Layer {
    inner: tf.layers.Layer;
    reg: unknown;
    constructor(args: tf.layers.LayerArgs & { inner: tf.layers.Layer; reg?: unknown }) {
      super(args);
      this.inner = args.inner;
      this.reg = args.reg ?? null;
    }
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.inner.apply(x) as tf.Tensor;
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), inner: this.inner, reg: this.reg, pair: [this.inner, 3] };
    }
    static override fromConfig(config: Readonly<Record<string, unknown>>): tf.layers.Layer {
      const { inner, reg, pair: _pair, ...rest } = config;
      return new Holder({ ...(rest as tf.layers.LayerArgs), inner: layers.deserialize(inner as Record<string, unknown>), reg: saving.deserializeKerasObject(reg) });
    }
  }
  saving.registerKerasSerializable({ package: "CfgVals" })(Holder);
  const holder = new Holder({ name: "holder", inner: layers.Dense(3, { name: "d" }), reg: regularizers.L1L2({ l1: 1e-5, l2: 1e-4 }) });
  const config = layers.serialize(holder) as { config: Record<string, unknown> };
  // Keras 3: {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 1e-05, "l2": 0.0001}, "registered_name": null}
  assert.deepEqual(config.config.reg, { module: "keras.regularizers", class_name: "L1L2", config: { l1: 1e-5, l2: 1e-4 }, registered_name: null });
  const inner = config.config.inner as Record<string, unknown>;
  assert.equal(inner.class_name, "Dense");
  assert.equal(inner.module, "keras.layers");
  assert.equal((inner.config as Record<string, unknown>).units, 3);
  assert.equal(((config.config.pair as unknown[])[0] as Record<string, unknown>).class_name, "Dense");
  assert.equal((config.config.pair as unknown[])[1], 3);
  // A JSON round trip and back: the from_config override rebuilds the inner layer and regularizer.
  const back = layers.deserialize(JSON.parse(JSON.stringify(config)) as Record<string, unknown>) as Holder;
  assert.ok(back instanceof Holder);
  assert.equal(back.inner.className, "Dense");
  assert.ok(back.reg instanceof regularizers.L1L2);
  // An object of no Keras class is still refused, naming the layer and the key.
  class Plain {
    x = 1;
  }
  const bad = new Holder({ name: "bad", inner: layers.Dense(1), reg: new Plain() });
  assert.throws(() => layers.serialize(bad), /Holder "bad": config key "reg": cannot serialize an object of class Plain/);
});
