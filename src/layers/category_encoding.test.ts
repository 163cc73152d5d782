import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { serializeLayer } from "../io/serialization.js";

const { layers, models } = tf;

test("CategoryEncoding: Keras 3.5's count, multi_hot and one_hot outputs", () => {
  // keras.layers.CategoryEncoding(4, mode)(x) in Keras 3.5 (torch backend)
  const ids = tf.constant([[0, 1, 1, 3]], "int32");
  assert.deepEqual((layers.CategoryEncoding({ numTokens: 4, outputMode: "count" }).apply(ids) as tf.Tensor).arraySync(), [[1, 2, 0, 1]]);
  assert.deepEqual((layers.CategoryEncoding(4).apply(tf.constant([[0, 1, 1, 3], [2, 2, 2, 2]], "int32")) as tf.Tensor).arraySync(), [[1, 1, 0, 1], [0, 0, 1, 0]]);
  assert.deepEqual((layers.CategoryEncoding(4, { outputMode: "multi_hot" }).apply(tf.constant([0, 1, 1, 3], "int32")) as tf.Tensor).arraySync(), [1, 1, 0, 1]);
  const oneHot = layers.CategoryEncoding(4, { outputMode: "one_hot" });
  assert.deepEqual((oneHot.apply(tf.constant([0, 1, 3], "int32")) as tf.Tensor).arraySync(), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]);
  assert.deepEqual((oneHot.apply(tf.constant([[0], [1]], "int32")) as tf.Tensor).arraySync(), [[1, 0, 0, 0], [0, 1, 0, 0]]);
  assert.deepEqual((oneHot.apply(tf.constant([[0, 1], [1, 2]], "int32")) as tf.Tensor).arraySync(), [[[1, 0, 0, 0], [0, 1, 0, 0]], [[0, 1, 0, 0], [0, 0, 1, 0]]]);
  assert.deepEqual(layers.CategoryEncoding(3, { outputMode: "binary" }).outputMode, "multi_hot");
  // integer-valued floats are ids too, as in Keras
  assert.deepEqual((layers.CategoryEncoding(3, { outputMode: "count" }).apply(tf.constant([[2, 2]])) as tf.Tensor).arraySync(), [[0, 0, 2]]);
});

test("CategoryEncoding refuses what Keras refuses, and out-of-range ids, naming the fix", () => {
  assert.throws(() => layers.CategoryEncoding({}), /numTokens must be set.*IntegerLookup/);
  assert.throws(() => layers.CategoryEncoding(0), /numTokens must be an integer >= 1/);
  assert.throws(() => layers.CategoryEncoding(3, { outputMode: "tf_idf" as "count" }), /outputMode/);
  assert.throws(() => layers.CategoryEncoding(3, { sparse: true }), /sparse/);
  assert.throws(() => layers.CategoryEncoding(3).apply(tf.constant([[0, 3]], "int32")), /\[0, 3\).*from 0 to 3/);
  assert.throws(() => layers.CategoryEncoding(3).apply(tf.constant([[0.5]])), /integer/);
});

test("CategoryEncoding in a model: output shape, Keras 3.5's config, a Keras-written model loads, .keras round trip", async () => {
  const keras = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional", "trainable": true, "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "dtype": "int32", "sparse": false, "name": "input_layer"}, "registered_name": null, "name": "input_layer", "inbound_nodes": []}, {"module": "keras.layers", "class_name": "CategoryEncoding", "config": {"name": "ce", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "num_tokens": 5, "output_mode": "count"}, "registered_name": null, "build_config": {"input_shape": [null, 4]}, "name": "ce", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "int32", "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]}], "input_layers": [["input_layer", 0, 0]], "output_layers": [["ce", 0, 0]]}, "registered_name": "Functional", "build_config": {"input_shape": null}};
  const m = models.modelFromJSON(JSON.stringify(keras)) as tf.models.Model;
  const x = tf.constant([[0, 1, 1, 4], [3, 3, 3, 3]], "int32");
  // Keras 3.5's m.predict(x)
  assert.deepEqual((m.predict(x) as tf.Tensor).arraySync(), [[1, 2, 0, 0, 1], [0, 0, 0, 4, 0]]);
  const written = serializeLayer(m) as unknown as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const ce = written.config.layers[1];
  assert.equal(ce.class_name, "CategoryEncoding");
  assert.equal(ce.config.num_tokens, 5);
  assert.equal(ce.config.output_mode, "count");
  assert.ok(!("sparse" in ce.config));
  const path = join(mkdtempSync(join(tmpdir(), "ce-")), "m.keras");
  await m.save(path);
  const back = await models.loadModel(path);
  assert.deepEqual((back.predict(x) as tf.Tensor).arraySync(), [[1, 2, 0, 0, 1], [0, 0, 0, 4, 0]]);
  const inp = layers.Input({ shape: [3, 1], dtype: "int32" });
  assert.deepEqual((layers.CategoryEncoding(6, { outputMode: "one_hot" }).apply(inp) as tf.layers.SymbolicTensor).shape, [null, 3, 6]);
});

test("CategoryEncoding: count_weights in \"count\" mode, Keras 3.5's docstring example", () => {
  const layer = layers.CategoryEncoding({ numTokens: 4, outputMode: "count" });
  const ids = tf.constant([[0, 1], [0, 0], [1, 2], [3, 1]], "int32");
  const weights = [[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]];
  // Keras: layer(ids, count_weights=weights) -> [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0], [0, .2, 0, .4]]
  // (each id adds its weight; float32: 0.1 + 0.1 = 0.2 exactly as float32 sums).
  const f = Math.fround;
  const expected = [[f(0.1), f(0.2), 0, 0], [f(f(0.1) + f(0.1)), 0, 0, 0], [0, f(0.2), f(0.3), 0], [0, f(0.2), 0, f(0.4)]];
  const out = layer(ids, { countWeights: weights });
  assert.equal(out.dtype, "float32");
  assert.deepEqual(out.arraySync(), expected);
  assert.deepEqual(layer(ids, { countWeights: tf.constant(weights, "float64") }).arraySync(), expected);
  // One sample [n] with weights [n], and a scalar id with a scalar weight.
  assert.deepEqual(layer(tf.constant([3, 3, 0], "int32"), { countWeights: [0.5, 2, 1] }).arraySync(), [1, 0, 0, 2.5]);
  assert.deepEqual(layer(tf.constant(2, "int32"), { countWeights: 3 }).arraySync(), [0, 0, 3, 0]);
  // Keras refuses count_weights outside "count" mode; lamina also wants the inputs' shape and tensor (not symbolic) inputs.
  assert.throws(() => layers.CategoryEncoding(4, { outputMode: "multi_hot" })(ids, { countWeights: weights }), /only used when outputMode is "count"/);
  assert.throws(() => layer(ids, { countWeights: [1, 2] }), /the inputs' shape/);
  assert.throws(() => layer.apply(layers.Input([2], { dtype: "int32" }), { countWeights: weights } as tf.layers.CategoryEncodingCallOptions), /symbolic/);
});
