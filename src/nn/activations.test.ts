import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { deserializeLayer, serializeLayer } from "../io/serialization.js";

const { activations, layers } = tf;
const X = [-3, -1, 0, 0.5, 2, 25];

test("mish and hard_silu (hard_swish) equal Keras 3.5's values", () => {
  const x = tf.constant(X, "float32");
  // keras.activations.mish / hard_silu on these x (torch backend).
  assertAllClose(activations.mish(x), [-0.14564746618270874, -0.30340147018432617, 0, 0.37524521350860596, 1.9439589977264404, 25], { rtol: 2e-7 });
  assertAllClose(activations.hardSilu(x), [0, -0.3333333432674408, 0, 0.2916666567325592, 1.6666666269302368, 25], { rtol: 2e-7 });
  assert.equal(activations.hardSwish, activations.hardSilu);
  assert.equal(activations.swish, activations.silu);
  checkGradients((t) => activations.mish(t), [tf.random.uniform([5], -3, 3, { dtype: "float64", seed: 1 })]);
});

test("activations.relu takes Keras' negativeSlope, maxValue and threshold", () => {
  const x = tf.constant(X, "float32");
  // keras.activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5).
  assertAllClose(activations.relu(x, { negativeSlope: 0.1, maxValue: 2, threshold: 0.5 }), [-0.35, -0.15, -0.05, 0, 2, 2], { rtol: 1e-6 });
  assert.deepEqual(activations.relu(x).arraySync(), [0, 0, 0, 0.5, 2, 25]);
  assertAllClose(activations.relu(x, { negativeSlope: 0.2 }), tf.leakyRelu(x, 0.2));
  assert.throws(() => activations.relu(x, { maxValue: NaN }), /activations\.relu: maxValue must be a finite number, got NaN/);
});

test("get, serialize and deserialize as keras.activations", () => {
  assert.equal(activations.get("mish"), activations.mish);
  assert.equal(activations.get("hard_swish"), activations.hardSilu);
  assert.equal(activations.get("swish"), activations.silu);
  assert.equal(activations.get(null), activations.linear);
  assert.equal(activations.get({ class_name: "function", config: "relu" }), activations.relu);
  const mine = (t: tf.Tensor): tf.Tensor => t;
  assert.equal(activations.get(mine), mine);
  // keras.activations.serialize(keras.activations.get("hard_swish")) == "hard_silu".
  assert.equal(activations.serialize(activations.get("hard_swish")), "hard_silu");
  assert.equal(activations.serialize(activations.get("swish")), "silu");
  assert.equal(activations.serialize(activations.mish), "mish");
  assert.equal(activations.serialize(activations.leakyRelu), "leaky_relu");
  assert.equal(activations.deserialize("log_softmax"), activations.logSoftmax);
  assert.equal(activations.deserialize("mine", { mine }), mine);
  // Keras' deserialize_keras_object also reads the enclosing custom_object_scope and the registry.
  assert.throws(() => activations.deserialize("mine"), /unknown activation "mine"; .*or pass it in customObjects \(or a customObjectScope\)/);
  assert.equal(tf.utils.customObjectScope({ mine }, () => activations.deserialize("mine")), mine);
  const other = (x: tf.Tensor): tf.Tensor => tf.mul(x, 3);
  assert.equal(tf.utils.customObjectScope({ mine: other }, () => activations.deserialize("mine", { mine })), other, "the scope wins over customObjects");
  const registered = (x: tf.Tensor): tf.Tensor => tf.mul(x, 4);
  tf.saving.registerKerasSerializable(registered, { package: "ActTest" });
  assert.equal(activations.deserialize("ActTest>registered"), registered);
  assert.throws(() => activations.get("nope"), /activations\.get: unknown activation "nope"; use one of linear, relu/);
  assert.throws(() => activations.serialize(mine), /activations\.serialize: function "mine" is not one of Keras' activations/);
  assert.throws(() => activations.deserialize({ class_name: "function", config: 3 }), /activations\.deserialize: expected a name/);
});

test("layers take activation \"mish\" and \"hard_swish\" and save them as Keras does", () => {
  const d = layers.Dense(2, { activation: "hard_swish" });
  assert.equal(d.getConfig().activation, "hard_silu");
  assert.equal(layers.Activation("swish").getConfig().activation, "silu");
  const m = layers.Dense(2, { activation: "mish", name: "m" });
  const y = m.apply(tf.constant([[1, -1, 0.5]], "float32")) as tf.Tensor;
  const z = tf.add(tf.matmul(tf.constant([[1, -1, 0.5]], "float32"), m.getWeights()[0]), m.getWeights()[1]);
  assertAllClose(y, activations.mish(z), { rtol: 1e-6 });
  // A Dense layer as Keras 3.5 serializes it (keras.layers.Dense(2, activation="mish", name="d")).
  const keras = {
    module: "keras.layers", class_name: "Dense", registered_name: null,
    config: {
      name: "d", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
      units: 2, activation: "mish", use_bias: true,
      kernel_initializer: { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null }, registered_name: null },
      bias_initializer: { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null },
      kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null,
    },
  };
  const loaded = deserializeLayer(keras);
  assert.equal((loaded as unknown as { activation: { fn: unknown } }).activation.fn, activations.mish);
  assert.equal((serializeLayer(loaded).config as Record<string, unknown>).activation, "mish");
});
