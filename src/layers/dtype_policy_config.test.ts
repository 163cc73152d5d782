import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { Layer, type LayerArgs } from "./layer.js";
import type { Tensor } from "../tensor/tensor.js";
import { serializeLayer } from "../io/serialization.js";

const { layers } = tf;

// keras/src/layers/layer.py (3.5), Layer.get_config: `"dtype": dtype_policies.serialize(self.dtype_policy)`;
// dtype_policies.serialize is serialization_lib.serialize_keras_object of the keras.DTypePolicy
// (exported as "keras.DTypePolicy"), whose get_config is {"name": self.name}.
const POLICY = (name: string) => ({ module: "keras", class_name: "DTypePolicy", config: { name }, registered_name: null });

test("Keras 3.5 Layer.get_config gives the dtype as a serialized DTypePolicy dict", () => {
  assert.deepEqual(layers.Dense(2).getConfig().dtype, POLICY("float32"));
  assert.deepEqual(layers.Dense(2, { dtype: "float64" }).getConfig().dtype, POLICY("float64"));
  assert.deepEqual(layers.Conv2D(2, 3).getConfig().dtype, POLICY("float32"));
  // The .keras form is the same dict.
  const dense = layers.Dense(2);
  assert.deepEqual(serializeLayer(dense).config.dtype, dense.getConfig().dtype);
});

// input_layer.py, spatial_dropout.py, discretization.py and hashed_crossing.py write `"dtype": self.dtype`, a string.
test("Keras 3.5 classes whose get_config writes self.dtype keep the dtype a string", () => {
  const input = layers.Input({ shape: [3] }).sourceLayer;
  assert.equal(input.getConfig().dtype, "float32");
  assert.equal(layers.SpatialDropout1D(0.5).getConfig().dtype, "float32");
  assert.equal(layers.Discretization({ binBoundaries: [0, 1] }).getConfig().dtype, "int64");
  assert.equal(serializeLayer(layers.SpatialDropout1D(0.5)).config.dtype, "float32");
});

test("fromConfig takes the dtype as the DTypePolicy dict getConfig gives, or as a string", () => {
  const dense = layers.Dense(3, { dtype: "float64", name: "d64" });
  const Dense = tf.layers.classes.Dense;
  const back = Dense.fromConfig(dense.getConfig());
  assert.equal(back.dtype, "float64");
  assert.deepEqual(back.getConfig(), dense.getConfig());
  const fromString = Dense.fromConfig({ ...dense.getConfig(), dtype: "float64" });
  assert.equal(fromString.dtype, "float64");
  assert.deepEqual(fromString.getConfig().dtype, POLICY("float64"));
  // Keras 2's "Policy" and Keras 3.0's "FloatDTypePolicy" name the same thing.
  assert.equal(Dense.fromConfig({ ...dense.getConfig(), dtype: { class_name: "Policy", config: { name: "float64" } } }).dtype, "float64");
});

// Keras' Layer(dtype=...) reads the dtype through dtype_policies.get, which takes the serialized dict.
test("a layer's dtype option takes the DTypePolicy dict, so a custom class's fromConfig can pass getConfig() on", () => {
  assert.equal(layers.Dense(2, { dtype: POLICY("float64") as LayerArgs["dtype"] }).dtype, "float64");
  assert.throws(() => layers.Dense(2, { dtype: { class_name: "DTypePolicy", config: { name: "mixed_float16" } } as never }), /^TypeError: Dense: unknown dtype \{"class_name":"DTypePolicy","config":\{"name":"mixed_float16"\}\}/);

  class Scale extends Layer {
    readonly factor: number;
    constructor(factor: number, args: LayerArgs = {}) {
      super(args);
      this.factor = factor;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.mul(inputs as Tensor, this.factor);
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), factor: this.factor };
    }
    static override fromConfig(c: Readonly<Record<string, unknown>>): Layer {
      return new Scale(c.factor as number, { name: c.name as string, dtype: c.dtype as LayerArgs["dtype"] });
    }
  }
  const s = new Scale(2, { dtype: "float64", name: "scale" });
  const again = Scale.fromConfig(s.getConfig());
  assert.equal(again.dtype, "float64");
  assert.deepEqual(again.getConfig(), s.getConfig());
});
