import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

// keras/src/models/sequential.py (3.5), Sequential.build:
//   if isinstance(self._layers[0], InputLayer):
//       if self._layers[0].batch_shape != input_shape:
//           raise ValueError(f"Sequential model '{self.name}' has already been configured to use input shape "
//                            f"{self._layers[0].batch_shape}. You cannot build it with input_shape {input_shape}")
// The comparison is of whole tuples: (None, 4) and (8, 4) differ.
const refused = (name: string, configured: string, given: string): RegExp =>
  new RegExp(`^RangeError: Sequential model '${name}' has already been configured to use input shape ${configured.replace(/[()]/g, "\\$&")}\\. You cannot build it with input_shape ${given.replace(/[()]/g, "\\$&")}$`);

test("Keras 3.5 Sequential.build: a model starting with Input(shape) (batch None) refuses a fixed batch size, and the reverse", () => {
  const s = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(2)], { name: "with_input" });
  assert.throws(() => s.build([8, 4]), refused("with_input", "(None, 4)", "(8, 4)"));
  assert.throws(() => s.build([null, 5]), refused("with_input", "(None, 4)", "(None, 5)"));
  s.build([null, 4]);
  assert.deepEqual((s.predict(tf.ones([3, 4]), { verbose: 0 }) as tf.Tensor).shape, [3, 2]);

  const fixed = new models.Sequential([layers.Input({ batchShape: [8, 4] }), layers.Dense(2)], { name: "fixed" });
  assert.throws(() => fixed.build([null, 4]), refused("fixed", "(8, 4)", "(None, 4)"));
  assert.throws(() => fixed.build([16, 4]), refused("fixed", "(8, 4)", "(16, 4)"));
  fixed.build([8, 4]);
});

test("Keras 3.5 Sequential.build: a first layer's input shape is the model's InputLayer (Sequential.add's _input_shape_arg), batch size included", () => {
  const s = new models.Sequential([layers.Dense(2, { inputShape: [4] })], { name: "shape_arg" });
  assert.throws(() => s.build([8, 4]), refused("shape_arg", "(None, 4)", "(8, 4)"));
  const batched = new models.Sequential([layers.Dense(2, { inputShape: [4], batchSize: 8 })], { name: "batch_arg" });
  assert.throws(() => batched.build([null, 4]), refused("batch_arg", "(8, 4)", "(None, 4)"));
  batched.build([8, 4]);
  assert.deepEqual([...batched.inputs[0].shape], [8, 4]);
});

test("Keras 3.5 Sequential.build: the first build puts an InputLayer in front of the layers, so a later build must give the same shape", () => {
  const s = new models.Sequential([layers.Dense(2)], { name: "built_later" });
  s.build([null, 4]);
  assert.throws(() => s.build([8, 4]), refused("built_later", "(None, 4)", "(8, 4)"));
  s.build([null, 4]);
  // add/pop rebuild with the same shape, as Sequential._maybe_rebuild does from the InputLayer.
  s.add(layers.Dense(3));
  assert.deepEqual([...s.outputs[0].shape], [null, 3]);
  s.pop();
  assert.deepEqual([...s.outputs[0].shape], [null, 2]);
});

test("Keras 3.5 Sequential.build refuses a model with no layers", () => {
  assert.throws(() => new models.Sequential([], { name: "empty" }).build([null, 4]), /^Error: Sequential model empty cannot be built because it has no layers\. Call `model\.add\(layer\)`\.$/);
});

test("a Sequential built by an eager call on one image keeps the batch axis unknown when then called on layers.Input (Keras' transfer-learning guide: data_augmentation)", () => {
  const aug = new tf.models.Sequential([tf.layers.RandomFlip("horizontal"), tf.layers.Rescaling(0.5)]);
  aug.apply(tf.ones([1, 5, 5, 3]), { training: true });
  const input = tf.layers.Input({ shape: [5, 5, 3] });
  const out = aug(input);
  // Keras: (None, 5, 5, 3), the batch of the symbolic input, not the (1, ...) of the eager call.
  assert.deepEqual(out.shape, [null, 5, 5, 3]);
  const model = new tf.models.Model({ inputs: input, outputs: tf.layers.Flatten()(out) });
  assert.deepEqual(model.outputs[0].shape, [null, 75]);
  assert.deepEqual((model.predict(tf.ones([4, 5, 5, 3])) as tf.Tensor).shape, [4, 75]);
});

test("Sequential takes Keras' keyword form as one object: new Sequential({ name }) for keras.Sequential(name=...)", () => {
  const named = new models.Sequential({ name: "my_sequential" });
  assert.equal(named.name, "my_sequential");
  assert.equal(named.layers.length, 0);
  named.add(layers.Dense(2, { name: "layer1" }));
  assert.deepEqual(named.layers.map((l) => l.name), ["layer1"]);

  const full = new models.Sequential({ layers: [layers.Input({ shape: [3] }), layers.Dense(4)], name: "kw", trainable: false });
  assert.equal(full.name, "kw");
  assert.equal(full.trainable, false);
  assert.deepEqual(full.outputShape, [null, 4]);
  assert.equal(full.trainableWeights.length, 0);

  assert.throws(() => new models.Sequential({ name: "a", input_shape: [3] } as never), /^TypeError: Sequential: unknown option input_shape/);
  assert.throws(() => new (models.Sequential as new (...a: unknown[]) => unknown)({ name: "a" }, { name: "b" }), /options given as the first argument take no second one/);
  assert.throws(() => new models.Sequential({ layers: layers.Dense(2) } as never), /^TypeError: Sequential: layers must be a list of layers, got/);
  assert.throws(() => new models.Sequential(layers.Dense(2) as never), /^TypeError: Sequential: expected a list of layers or options \{ layers, name, trainable \}/);
});
