import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { serializeLayer, deserializeLayer } from "../io/serialization.js";

const { layers } = tf;
const AE = [["A"], ["B"], ["C"], ["D"], ["E"]];
const ids = (t: tf.Tensor): unknown => t.arraySync();

test("Hashing gives the bins of Keras 3.5's docstring examples (FarmHash, with a mask, SipHash with two salts and one)", () => {
  const h = layers.Hashing({ numBins: 3 })(AE);
  assert.equal(h.dtype, "int64");
  assert.deepEqual(ids(h), [[1], [0], [1], [1], [2]]);
  assert.deepEqual(ids(layers.Hashing({ numBins: 3, maskValue: "" })([["A"], ["B"], [""], ["C"], ["D"]])), [[1], [1], [0], [2], [2]]);
  assert.deepEqual(ids(layers.Hashing({ numBins: 3, salt: [133, 137] })(AE)), [[1], [2], [1], [0], [2]]);
  assert.deepEqual(ids(layers.Hashing({ numBins: 3, salt: 133 })(AE)), [[0], [0], [2], [1], [0]]);
  // TensorFlow's string_to_hash_bucket_op_test: fast [9, 2, 2, 5] over 10 bins; strong with key [98765, 132]: [4, 2, 8]
  assert.deepEqual(ids(layers.Hashing({ numBins: 10, dtype: "int32" })(["a", "b", "c", "d"])), [9, 2, 2, 5]);
  assert.deepEqual(ids(layers.Hashing({ numBins: 10, salt: [98765, 132], dtype: "int32" })(["a", "b", "c"])), [4, 2, 8]);
});

test("Hashing of integer and float tensors hashes their decimal text (floats truncated), as Keras does", () => {
  // Fingerprint64("1") etc.: the same bins as the strings
  const asText = layers.Hashing({ numBins: 7, dtype: "int32" })([["1", "-25", "3"]]);
  const asInt = layers.Hashing({ numBins: 7, dtype: "int32" }).apply(tf.constant([[1, -25, 3]], "int32"));
  const asFloat = layers.Hashing({ numBins: 7, dtype: "int32" }).apply(tf.constant([[1.9, -25.5, 3.0]]));
  assert.deepEqual(ids(asInt), ids(asText));
  assert.deepEqual(ids(asFloat), ids(asText));
  // a numeric mask compares the values themselves
  const masked = layers.Hashing({ numBins: 4, maskValue: 0, dtype: "int32" }).apply(tf.constant([0, 5, 0], "int32"));
  const five = (layers.Hashing({ numBins: 3, dtype: "int32" })(["5"]).arraySync() as number[])[0];
  assert.deepEqual(ids(masked), [0, five + 1, 0]);
});

test("Hashing output modes and in a model on integer inputs", () => {
  const bins = ids(layers.Hashing({ numBins: 3, dtype: "int32" })(["A", "B", "C", "D", "E"])) as number[]; // [1, 0, 1, 1, 2]
  assert.deepEqual(bins, [1, 0, 1, 1, 2]);
  assert.deepEqual(ids(layers.Hashing({ numBins: 3, outputMode: "count" })([["A", "B", "C", "D", "E"]])), [[1, 3, 1]]);
  assert.deepEqual(ids(layers.Hashing({ numBins: 3, outputMode: "multi_hot" })([["A", "B"]])), [[1, 1, 0]]);
  assert.deepEqual(ids(layers.Hashing({ numBins: 3, outputMode: "one_hot" })([["A"], ["E"]])), [[0, 1, 0], [0, 0, 1]]);
  const input = layers.Input({ shape: [2], dtype: "int32" });
  const out = layers.Hashing({ numBins: 5, outputMode: "multi_hot" }).apply(input) as unknown as tf.layers.SymbolicTensor;
  assert.deepEqual(out.shape, [null, 5]);
  const m = new tf.models.Model({ inputs: input, outputs: out });
  const y = m.predict(tf.constant([[1, 1], [2, 3]], "int32")) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 5]);
});

test("Hashing refuses what Keras refuses, naming the fix", () => {
  assert.throws(() => layers.Hashing({}), /numBins must be a positive integer/);
  assert.throws(() => layers.Hashing({ numBins: 3, salt: [1, 2, 3] as unknown as [number, number] }), /salt must be one unsigned integer or a list of two/);
  assert.throws(() => layers.Hashing({ numBins: 3, outputMode: "tf_idf" as "int" }), /outputMode must be one of/);
  assert.throws(() => layers.Hashing({ numBins: 3, dtype: "float32" }), /"int32" or "int64"/);
  assert.throws(() => layers.Hashing({ numBins: 3, sparse: true }), /sparse/);
  assert.throws(() => layers.Hashing({ numBins: 3 }).apply(tf.constant([NaN])), /non-finite/);
  assert.throws(() => layers.Hashing({ numBins: 3 })([["a"], ["b", "c"]]), /ragged/);
});

test("HashedCrossing gives Keras 3.5's docstring bins (tf.sparse.cross_hashed) and refuses bad features", () => {
  const feat1 = ["A", "B", "A", "B", "A"];
  const feat2 = tf.constant([101, 101, 101, 102, 102], "int64");
  const y = layers.HashedCrossing({ numBins: 5 })([feat1, feat2]);
  assert.equal(y.dtype, "int64");
  assert.deepEqual(ids(y), [1, 4, 1, 1, 3]);
  assert.deepEqual(ids(layers.HashedCrossing({ numBins: 5, outputMode: "one_hot" })([feat1, tf.constant([101, 101, 101, 102, 102], "int32")])), [
    [0, 1, 0, 0, 0], [0, 0, 0, 0, 1], [0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0],
  ]);
  // [batch, 1] features keep their shape
  assert.deepEqual(ids(layers.HashedCrossing({ numBins: 5, dtype: "int32" })([feat1.map((s) => [s]), tf.reshape(feat2, [5, 1])])), [[1], [4], [1], [1], [3]]);
  assert.throws(() => layers.HashedCrossing({ numBins: 5 })([feat1]), /at least two features/);
  assert.throws(() => layers.HashedCrossing({ numBins: 5 })([feat1, ["A"]]), /the same shape/);
  assert.throws(() => layers.HashedCrossing({ numBins: 5 })([[["A", "B"]], [["A", "B"]]]), /\[batch, 1\]/);
  assert.throws(() => layers.HashedCrossing({ numBins: 5 })([feat1, tf.ones([5])]), /integer tensors, got a float32/);
  assert.throws(() => layers.HashedCrossing({ numBins: 5, outputMode: "count" as "int" }), /outputMode must be one of "int", "one_hot"/);
});

test("Hashing and HashedCrossing read the configs Keras 3.5 writes and write them back", () => {
  // keras.saving.serialize_keras_object(keras.layers.Hashing(num_bins=4, salt=133, mask_value="", output_mode="count", name="h2"))
  const hashing = {"module": "keras.layers", "class_name": "Hashing", "config": {"name": "h2", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "num_bins": 4, "salt": [133, 133], "mask_value": "", "output_mode": "count", "sparse": false}, "registered_name": null};
  const h = deserializeLayer(hashing) as InstanceType<typeof layers.classes.Hashing>;
  assert.deepEqual([h.numBins, h.salt, h.maskValue, h.outputMode], [4, [133, 133], "", "count"]);
  assert.deepEqual(serializeLayer(h).config, hashing.config);
  const plain = {"module": "keras.layers", "class_name": "Hashing", "config": {"name": "h", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "int64"}, "registered_name": null}, "num_bins": 3, "salt": null, "mask_value": null, "output_mode": "int", "sparse": false}, "registered_name": null};
  const p = deserializeLayer(plain) as InstanceType<typeof layers.classes.Hashing>;
  assert.deepEqual(ids(p(AE)), [[1], [0], [1], [1], [2]]);
  assert.deepEqual(serializeLayer(p).config, plain.config);
  // keras.saving.serialize_keras_object(keras.layers.HashedCrossing(num_bins=5, output_mode="one_hot", name="hc2"))
  const crossing = {"module": "keras.layers", "class_name": "HashedCrossing", "config": {"num_bins": 5, "output_mode": "one_hot", "sparse": false, "name": "hc2", "dtype": "float32"}, "registered_name": null};
  const c = deserializeLayer(crossing) as InstanceType<typeof layers.classes.HashedCrossing>;
  assert.deepEqual([c.numBins, c.outputMode, c.dtype], [5, "one_hot", "float32"]);
  assert.deepEqual(serializeLayer(c).config, crossing.config);
});
