import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

test("getConfig of a Sequential or functional model holds its layers, so fromConfig rebuilds it (Keras' cls.from_config(model.get_config()))", () => {
  const s = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(3, { activation: "relu", name: "hidden" }), layers.Dense(2, { name: "out" })]);
  const sc = s.getConfig();
  assert.deepEqual(Object.keys(sc), ["name", "trainable", "dtype", "layers", "build_input_shape"]);
  const s2 = models.Sequential.fromConfig(sc) as tf.models.Sequential;
  assert.deepEqual(s2.layers.map((l) => l.name), ["hidden", "out"]);
  assert.equal(s2.countParams(), 4 * 3 + 3 + 3 * 2 + 2);
  const i = layers.Input({ shape: [3], name: "x" });
  const o = layers.Dense(1, { name: "y" })(layers.Dense(2, { name: "h" })(i));
  const f = new models.Model({ inputs: i, outputs: o });
  const fc = f.getConfig();
  assert.deepEqual(Object.keys(fc), ["name", "trainable", "layers", "input_layers", "output_layers"]);
  const f2 = models.Model.fromConfig(fc) as tf.models.Model;
  assert.deepEqual(f2.layers.map((l) => l.name), ["x", "h", "y"]);
  assert.equal(f2.countParams(), 3 * 2 + 2 + 2 + 1);
  assert.deepEqual(f.outputNames, ["y"]);
});

test("Keras' model checks: no empty inputs or outputs, no build with another shape than the Input's", () => {
  assert.throws(() => new models.Model({ inputs: [], outputs: [] }), /^TypeError: Model \w+: the inputs argument cannot be empty/);
  const i = layers.Input({ shape: [2] });
  assert.throws(() => new models.Model({ inputs: i, outputs: [] }), /the outputs argument cannot be empty/);
  const s = new models.Sequential([layers.Input({ shape: [10] }), layers.Dense(3)]);
  assert.throws(() => s.build([null, 5]), /^RangeError: Sequential model '\w+' has already been configured to use input shape \(None, 10\)\. You cannot build it with input_shape \(None, 5\)$/);
  s.build([null, 10]);
  // Keras 3.5 compares the whole batch shape: a fixed batch size is another shape.
  assert.throws(() => s.build([32, 10]), /input shape \(None, 10\)\. You cannot build it with input_shape \(32, 10\)$/);
  assert.deepEqual(s.predict(tf.ones([3, 10])).shape, [3, 3]);
});

test("Model.fromConfig and Sequential.fromConfig are typed as models (Keras' guide uses new_model.layers at once), and refuse a config of something else", () => {
  const s = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(2, { name: "d" })]);
  // No cast: the static method's type is Sequential.
  const s2: tf.models.Sequential = models.Sequential.fromConfig(s.getConfig());
  assert.deepEqual(s2.layers.map((l) => l.name), ["d"]);
  const i = layers.Input({ shape: [3] });
  const f2: tf.models.Model = models.Model.fromConfig(new models.Model({ inputs: i, outputs: layers.Dense(1)(i) }).getConfig());
  assert.equal(f2.countParams(), 4);
  // A config of something else is refused.
  assert.throws(() => models.Sequential.fromConfig(tf.layers.serialize(f2)), /Sequential\.fromConfig: a Sequential config needs a "layers" list/);
  assert.throws(() => models.Model.fromConfig(tf.layers.serialize(layers.Dense(2, { name: "plain" }))), /Model\.fromConfig: a functional model config needs "layers", "input_layers" and "output_layers"/);
});
