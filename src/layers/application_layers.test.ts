import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";

const { applications } = tf;
const { CustomScaleLayer, LayerScale, StochasticDepth } = applications;

test("CustomScaleLayer: shortcut + residual * scale, by hand; shape and option errors", () => {
  const layer = new CustomScaleLayer({ scale: 0.5 });
  const y = layer.apply([tf.constant([1, 2], [1, 2], "float32"), tf.constant([4, -2], [1, 2], "float32")]) as tf.Tensor;
  assert.deepEqual(Array.from(y.dataSync() as Float32Array), [3, 1]);
  assert.throws(() => layer.apply([tf.constant([1, 2], [1, 2], "float32"), tf.constant([1, 2, 3], [1, 3], "float32")]), /CustomScaleLayer custom_scale_layer(_\d+)?: expects a list of two tensors of the same shape \[shortcut, residual\], got \(1, 2\), \(1, 3\)/);
  assert.throws(() => new CustomScaleLayer({}), /scale must be a finite number, got undefined/);
});

test("LayerScale: a per-channel weight named variable, initialized to initValues; StochasticDepth: identity in inference, whole samples dropped in training", () => {
  const ls = new LayerScale({ initValues: 0.25, projectionDim: 2 });
  const y = ls.apply(tf.constant([[4, 8], [1, -1]], "float32")) as tf.Tensor;
  assert.deepEqual(Array.from(y.dataSync() as Float32Array), [1, 2, 0.25, -0.25]);
  assert.deepEqual(ls.weights.map((w) => [w.name, w.shape]), [[`${ls.name}/variable`, [2]]]);
  assert.throws(() => new LayerScale({ initValues: 0.1, projectionDim: 3 }).apply(tf.ones([1, 2])), /has 2 channels but projectionDim is 3/);
  const sd = new StochasticDepth({ dropPathRate: 0.5 });
  const x = tf.ones([64, 2, 2]);
  assert.equal(sd.apply(x), x);
  const t = (sd.apply(x, { training: true }) as tf.Tensor).arraySync() as number[][][];
  for (const sample of t) {
    const v = sample.flat();
    // Each sample is all zeros or all 1 / (1 - 0.5).
    assert.ok(v.every((e) => e === 0) || v.every((e) => e === 2), JSON.stringify(v));
  }
  assert.throws(() => new StochasticDepth({ dropPathRate: 1 }), /dropPathRate must be a probability in \[0, 1\), got 1/);
});

test("CustomScaleLayer, LayerScale and StochasticDepth: a Keras 3.5 config loads and predicts as Keras; saved with Keras' module and registered names", () => {
  // test/fixtures/make_keras_application_layers.py
  const want = JSON.parse(readFileSync("test/fixtures/keras_application_layers.json", "utf8")) as { config: unknown; x: number[]; r: number[]; output: number[] };
  const m = tf.models.modelFromJSON(JSON.stringify(want.config));
  assert.deepEqual(m.layers.map((l) => l.className), ["InputLayer", "InputLayer", "CustomScaleLayer", "LayerScale", "StochasticDepth"]);
  const got = m.predict([tf.constant(want.x, [1, 2, 2, 3]), tf.constant(want.r, [1, 2, 2, 3])]);
  // By hand too: (x + 1 * 0.17) * 0.5.
  Array.from(got.dataSync() as Float32Array).forEach((v, i) => {
    assert.ok(Math.abs(v - want.output[i]) < 1e-6);
    assert.ok(Math.abs(v - (want.x[i] + 0.17) * 0.5) < 1e-6);
  });
  const saved = JSON.parse(m.toJSON()) as { config: { layers: Array<Record<string, unknown>> } };
  const wantLayers = (want.config as { config: { layers: Array<Record<string, unknown>> } }).config.layers;
  for (const i of [2, 3, 4]) {
    const [a, b] = [saved.config.layers[i], wantLayers[i]];
    assert.deepEqual([a.module, a.class_name, a.registered_name, a.config, a.build_config], [b.module, b.class_name, b.registered_name, b.config, b.build_config]);
  }
});
