import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { serializeLayer } from "../io/serialization.js";

const { layers, models } = tf;
const f32 = (xs: number[]): number[] => xs.map(Math.fround);
const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

test("Discretization with given boundaries: Keras 3.5's bin ids (int64), float32 comparisons, NaN in the last bin", () => {
  const x = [[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]];
  const l = layers.Discretization({ binBoundaries: [0, 1, 2] });
  const y = l.apply(tf.constant(x)) as tf.Tensor;
  assert.equal(y.dtype, "int64");
  // Keras' docstring example
  assert.deepEqual(y.arraySync(), [[0, 2, 3, 1], [1, 3, 2, 1]]);
  // Keras 3.5 (torch): Discretization(bin_boundaries=[-1, .5, .5, 3])([[-2, -1, .5, .7, 3, 4, nan]])
  const dup = layers.Discretization({ binBoundaries: [-1, 0.5, 0.5, 3], dtype: "int32" });
  assert.deepEqual((dup.apply(tf.constant([[-2, -1, 0.5, 0.7, 3, 4, NaN]])) as tf.Tensor).arraySync(), [[0, 1, 3, 3, 4, 4, 4]]);
  // float64 0.1 and boundary 0.1 meet in float32, as in Keras
  assert.deepEqual((layers.Discretization({ binBoundaries: [0.1], dtype: "int32" }).apply(tf.constant([0.1, 0.1000000001], "float64")) as tf.Tensor).arraySync(), [1, 1]);
});

test("Discretization output modes: Keras 3.5's one_hot, multi_hot and count (float32)", () => {
  const x = tf.constant([[0.1, 2.5, -1.0], [1.5, 1.5, 3.0]]);
  const run = (outputMode: "one_hot" | "multi_hot" | "count", t = x): unknown => (layers.Discretization({ binBoundaries: [0, 1, 2], outputMode }).apply(t) as tf.Tensor).arraySync();
  assert.deepEqual(run("one_hot"), [[[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]], [[0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]]);
  assert.deepEqual(run("multi_hot"), [[1, 1, 0, 1], [0, 0, 1, 1]]);
  assert.deepEqual(run("count"), [[1, 1, 0, 1], [0, 0, 2, 1]]);
  assert.deepEqual(run("one_hot", tf.constant([[0.5], [2.5]])), [[0, 1, 0, 0], [0, 0, 0, 1]]);
  assert.equal((layers.Discretization({ binBoundaries: [0], outputMode: "count" }).apply(x) as tf.Tensor).dtype, "float32");
});

test("Discretization.adapt: Keras 3.5's approximate-quantile boundaries, bit for bit", async () => {
  const adapt = (data: number[], args: { numBins: number; epsilon?: number }): number[] => {
    const l = layers.Discretization(args);
    l.adapt(data);
    return l.binBoundaries;
  };
  // Keras' docstring example: boundaries [0, 0.5, 1.3] and ids [[0, 2, 3, 2], [1, 3, 3, 1]]
  const doc = layers.Discretization({ numBins: 4, epsilon: 0.01, dtype: "int32" });
  doc.adapt([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]);
  assert.deepEqual(doc.binBoundaries, f32([0, 0.5, 1.3]));
  assert.deepEqual((doc.apply(tf.constant([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])) as tf.Tensor).arraySync(), [[0, 2, 3, 2], [1, 3, 3, 1]]);
  // The same data through Keras 3.5's reset_state / update_state / finalize_state (numpy 1.24)
  const A = range(1000, (i) => ((i * 7919) % 1009) / 37 - 13);
  assert.deepEqual(adapt(A, { numBins: 5 }), [-7.594594478607178, -2.1621620655059814, 3.2162158489227295, 8.621622085571289]);
  const B = range(250, (i) => ((i * 131) % 251) / 17 - 3); // a fractional step of 2.5
  assert.deepEqual(adapt(B, { numBins: 7 }), [-0.915965735912323, 1.1680684089660645, 3.2521023750305176, 5.394959449768066, 7.478991508483887, 9.56302547454834]);
  assert.deepEqual(adapt(B, { numBins: 3, epsilon: 0.1 }), [1.4117646217346191, 5.882352352142334]);
  const C = range(333, (i) => (((i * 97) % 211) / 50) ** 3);
  assert.deepEqual(adapt(C, { numBins: 6, epsilon: 0.02 }), [0.35783684253692627, 2.7376227378845215, 9.134971618652344, 21.821895599365234, 42.41404342651367]);
  assert.deepEqual(adapt(range(500, (i) => i % 7), { numBins: 4 }), [1, 3, 5]);
  // fewer values than 1 / epsilon: the summary stays whole and loses its last value
  assert.deepEqual(adapt([3, 1, 2], { numBins: 10 }), [1, 2]);
  // batches merge as Keras' update_state calls do
  const batches = [range(37, (i) => ((i * 31) % 41) / 5), range(53, (i) => ((i * 17) % 59) / 9 - 2), range(120, (i) => ((i * 13) % 127) / 20 + 1)];
  async function* stream(): AsyncGenerator<tf.Tensor> {
    for (const b of batches) yield tf.constant(b);
  }
  const multi = layers.Discretization({ numBins: 4, epsilon: 0.05 });
  await multi.adapt(stream());
  assert.deepEqual(multi.binBoundaries, [1.6806920766830444, 3.227952480316162, 5.1323933601379395]);
  const cut = layers.Discretization({ numBins: 4, epsilon: 0.05 });
  await cut.adapt(stream(), { steps: 1 });
  assert.equal(cut.binBoundaries.length, 3);
  assert.ok(cut.binBoundaries.every((b) => b >= 0 && b <= 8));
});

test("Discretization refuses what Keras refuses, naming the fix", () => {
  assert.throws(() => layers.Discretization({ binBoundaries: [0, 1], numBins: 4 }), /numBins 4 and binBoundaries of 2 entries disagree/);
  assert.throws(() => layers.Discretization({ numBins: -1 }), /numBins must be an integer >= 0/);
  assert.throws(() => layers.Discretization({ outputMode: "tf_idf" as "int" }), /outputMode must be one of "int", "one_hot", "multi_hot", "count"/);
  assert.throws(() => layers.Discretization({ binBoundaries: [0], sparse: true }), /sparse/);
  assert.throws(() => layers.Discretization({ binBoundaries: [0], dtype: "float32" }), /"int32" or "int64"/);
  assert.throws(() => layers.Discretization({ binBoundaries: [0] }).adapt([1, 2]), /given binBoundaries.*numBins instead/);
  assert.throws(() => layers.Discretization().adapt([1, 2]), /numBins must be set/);
  assert.throws(() => layers.Discretization({ binBoundaries: [2, 1] }), /sorted/);
  assert.throws(() => layers.Discretization({ binBoundaries: [0], outputMode: "count" }).apply(tf.zeros([2, 2, 2])), /rank <= 2/);
});

test("Discretization in a model: Keras 3.5's config (no trainable, dtype a string), a Keras-written model loads, .keras round trip", async () => {
  const keras = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional", "trainable": true, "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null, "name": "input_layer", "inbound_nodes": []}, {"module": "keras.layers", "class_name": "Discretization", "config": {"bin_boundaries": [0.0, 1.0], "num_bins": null, "epsilon": 0.01, "output_mode": "int", "sparse": false, "name": "disc", "dtype": "int64"}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "disc", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]}], "input_layers": [["input_layer", 0, 0]], "output_layers": [["disc", 0, 0]]}, "registered_name": "Functional", "build_config": {"input_shape": null}};
  const m = models.modelFromJSON(JSON.stringify(keras)) as tf.models.Model;
  const x = tf.constant([[-1, 0.5, 1], [2, 0, 0.99]]);
  assert.deepEqual((m.predict(x) as tf.Tensor).arraySync(), [[0, 1, 2], [2, 1, 1]]);
  // an adapted layer keeps its learned boundaries in its config, as Keras' does
  const adapted = layers.Discretization({ numBins: 4, name: "d4" });
  adapted.adapt([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]);
  const written = serializeLayer(adapted) as unknown as { class_name: string; config: Record<string, unknown> };
  // Keras 3.5's serialize_keras_object(layer)["config"] after the same adapt
  assert.deepEqual(written.config, { bin_boundaries: [0.0, 0.5, 1.2999999523162842], num_bins: 4, epsilon: 0.01, output_mode: "int", sparse: false, name: "d4", dtype: "int64" });
  const back = tf.layers.classes.Discretization.fromConfig(written.config) as InstanceType<typeof tf.layers.classes.Discretization>;
  assert.deepEqual(back.binBoundaries, adapted.binBoundaries);
  const path = join(mkdtempSync(join(tmpdir(), "disc-")), "m.keras");
  await m.save(path);
  const loaded = await models.loadModel(path);
  assert.deepEqual((loaded.predict(x) as tf.Tensor).arraySync(), [[0, 1, 2], [2, 1, 1]]);
  const inp = layers.Input({ shape: [3, 1] });
  assert.deepEqual((layers.Discretization({ binBoundaries: [0, 1], outputMode: "one_hot" }).apply(inp) as tf.layers.SymbolicTensor).shape, [null, 3, 3]);
});
