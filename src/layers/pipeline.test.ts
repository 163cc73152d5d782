import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { fitSaveLoad, vals } from "../testing/image_layers.js";
import { stateEntries } from "../io/keras_state.js";

const { layers } = tf;

test("Pipeline applies its layers in order, by hand: (x * 2) + 1, not (x + 1) * 2", () => {
  const p = layers.Pipeline([layers.Rescaling(2), layers.Rescaling(1, { offset: 1 })]);
  assert.deepEqual(vals(p(tf.constant([0, 1, 2], [1, 3]))), [1, 3, 5]);
  assert.deepEqual(vals(layers.Pipeline([])(tf.constant([4], [1, 1]))), [4], "an empty pipeline is the identity");
  assert.equal(p.layers.length, 2);
});

test("Pipeline runs its layers in training mode unless told otherwise (Keras' training=True), and in inference inside predict", () => {
  const p = layers.Pipeline([layers.Dropout(0.5, { seed: 1 })]);
  const x = tf.ones([1, 200]);
  const trained = vals(p(x));
  assert.ok(trained.some((v) => v === 0) && trained.some((v) => v === 2), "dropout active in a bare call");
  assert.deepEqual(vals(p.apply(x, { training: false }) as tf.Tensor), vals(x));
  const model = new tf.models.Sequential([layers.Input({ shape: [200] }), p]);
  assert.deepEqual(vals(model.predict(x)), vals(x));
});

test("Pipeline maps a Dataset (ds.map(pipeline)) and passes masks on", async () => {
  const p = layers.Pipeline([layers.Rescaling(1 / 255), layers.Rescaling(1, { offset: -0.5 })]);
  const x = tf.constant([0, 255, 51, 102], [4, 1]);
  const out: number[] = [];
  for await (const b of tf.data.Dataset.fromTensorSlices(x).batch(2).map(p)) out.push(...vals(b));
  assert.deepEqual(out.map((v) => Math.round(v * 1e6) / 1e6), [-0.5, 0.5, -0.3, -0.1]);
  const masked = layers.Pipeline([layers.Embedding(5, 2, { maskZero: true }), layers.Dense(3)]);
  const y = masked(tf.constant([[0, 3, 1]], [1, 3], "int32"));
  assert.deepEqual([...(y.kerasMask as tf.Tensor).dataSync()], [0, 1, 1]);
});

test("Pipeline inside models: summary shape, weights under its scope, fit and .keras save/load (Sequential and functional)", async () => {
  const x = tf.random.normal([8, 6], 0, 1, { seed: 5 });
  const y = tf.oneHot(tf.constant([0, 1, 1, 0, 1, 0, 0, 1], [8], "int32"), 2);
  const p = layers.Pipeline([layers.Dense(4, { activation: "relu" }), layers.GaussianNoise(0.1)], { name: "prep" });
  const seq = new tf.models.Sequential([layers.Input({ shape: [6] }), p, layers.Dense(2, { activation: "softmax" })]);
  assert.deepEqual(seq.layers[0].computeOutputShape([null, 6]), [null, 4]);
  assert.deepEqual(p.weights.map((w) => w.path), [`${seq.name}/prep/${p.layers[0].name}/kernel`, `${seq.name}/prep/${p.layers[0].name}/bias`]);
  assert.deepEqual(stateEntries(seq, false).map((e) => e.path).filter((s) => s.includes("pipeline")), ["layers/pipeline", "layers/pipeline/layers/dense", "layers/pipeline/layers/gaussian_noise"]);
  const back = await fitSaveLoad(seq, x, y, 4);
  assert.ok(back.layers[0] instanceof layers.classes.Pipeline);
  const input = layers.Input({ shape: [6] });
  const q = layers.Pipeline([layers.Dense(3), layers.Dense(2, { activation: "softmax" })]);
  const fn = new tf.models.Model({ inputs: input, outputs: q(input) });
  const node = (JSON.parse(fn.toJSON()) as { config: { layers: { class_name: string; inbound_nodes: { kwargs: unknown }[] }[] } }).config.layers.find((l) => l.class_name === "Pipeline")!;
  assert.deepEqual(node.inbound_nodes[0].kwargs, { training: true, mask: null }, "as Keras records a Pipeline call");
  await fitSaveLoad(fn as unknown as tf.models.Sequential, x, y, 4);
});

test("Pipeline reads and writes Keras' config ({ layers, name }) and refuses bad layers", () => {
  const dense = { module: "keras.layers", class_name: "Dense", config: { name: "d", units: 2, activation: "linear" }, registered_name: null };
  const flip = { module: "keras.layers", class_name: "RandomFlip", config: { name: "f", mode: "horizontal", seed: 3 }, registered_name: null };
  const loaded = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: "Pipeline", config: { layers: [flip, dense], name: "pp" }, registered_name: null });
  assert.ok(loaded instanceof layers.classes.Pipeline);
  const written = loaded.getConfig();
  assert.deepEqual(Object.keys(written), ["layers", "name"]);
  assert.deepEqual((written.layers as { class_name: string }[]).map((l) => l.class_name), ["RandomFlip", "Dense"]);
  assert.equal(written.name, "pp");
  assert.throws(() => layers.Pipeline({} as tf.layers.PipelineArgs), /Pipeline .*: layers must be a list of layers/);
  assert.throws(() => layers.Pipeline([layers.Dense(2), 3 as unknown as tf.layers.Layer]), /layers\[1\] must be a layer, got 3/);
});

test("Pipeline called on { images, labels } passes the object through its layers (Keras' dict form), and a layer that takes no such object says so", () => {
  type Dict = { images: tf.Tensor; labels: tf.Tensor };
  const call = (l: unknown, d: Dict, o?: tf.layers.CallOptions): Dict => (l as (d: Dict, o?: tf.layers.CallOptions) => Dict)(d, o);
  const images = tf.reshape(tf.range(0, 8 * 2 * 3), [8, 2, 3, 1]);
  const labels = tf.oneHot(tf.constant([0, 1, 2, 0, 1, 2, 0, 1], [8], "int32"), 3);
  const out = call(layers.Pipeline([layers.RandomFlip("horizontal", { seed: 7 })]), { images, labels });
  assert.deepEqual(vals(out.labels), vals(labels), "labels pass through a flip");
  // Each image is either itself or its left-right mirror (rows of 3 pixels: [a, b, c] -> [c, b, a]).
  const src = vals(images), got = vals(out.images);
  let flipped = 0;
  for (let n = 0; n < 8; n++) {
    const rows = [0, 1].map((r) => src.slice(n * 6 + r * 3, n * 6 + r * 3 + 3));
    const same = rows.flat(), mirror = rows.map((r) => [...r].reverse()).flat();
    const g = got.slice(n * 6, n * 6 + 6);
    assert.ok(g.join() === same.join() || g.join() === mirror.join(), `image ${n}: ${g}`);
    if (g.join() === mirror.join()) flipped++;
  }
  assert.ok(flipped > 0 && flipped < 8, `a bare call trains: some images flipped, some not (${flipped} of 8)`);
  // In inference nothing changes.
  assert.deepEqual(vals(call(layers.Pipeline([layers.RandomFlip("horizontal", { seed: 7 })]), { images, labels }, { training: false }).images), src);
  assert.throws(() => call(layers.Pipeline([layers.RandomFlip("horizontal"), layers.Dense(2)]), { images, labels }),
    /^TypeError: Dense dense_\d+: takes a tensor or a list of tensors, got an object with keys images, labels; pass the tensor itself/);
});
