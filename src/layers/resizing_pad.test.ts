import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models } = tf;

// Keras 3.5 (backend/tensorflow/image.py resize, pad_to_aspect_ratio): the padded size is
// max(h, int(float32(w * th) / tw)) rows and max(w, int(float32(h * tw) / th)) columns; the image
// goes at int((padded - h) / 2) on BOTH sides, so an odd difference pads one row/column less.

test("Resizing padToAspectRatio pads the short side evenly with fillValue, then resizes (hand-worked pixels)", () => {
  // 2x4 image to 4x4: rows max(2, int(4 * 4 / 4)) = 4, one row of fillValue above and below.
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
  const y = layers.Resizing(4, 4, { padToAspectRatio: true, fillValue: 0.5, interpolation: "nearest" })(x) as tf.Tensor;
  assert.deepEqual(y.shape, [1, 4, 4, 1]);
  assertAllClose(y, [0.5, 0.5, 0.5, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0.5, 0.5, 0.5], { atol: 0, what: "padded rows" });
  // A 4x1 column to 2x2: columns max(1, int(4 * 2 / 2)) = 4, int(3 / 2) = 1 on each side, so the
  // padded image is 4x3 [f, v, f]. Bilinear (half-pixel) to 2x2: rows 0.5 and 2.5 average row pairs
  // (1.5 and 3.5); columns 0.25 and 1.75 give 0.75 f + 0.25 v and 0.25 v + 0.75 f.
  const col = tf.constant([1, 2, 3, 4], [4, 1, 1]);
  const fill = 10;
  const z = layers.Resizing(2, 2, { padToAspectRatio: true, fillValue: fill })(col) as tf.Tensor;
  const want = [1.5, 1.5, 3.5, 3.5].map((v) => 0.75 * fill + 0.25 * v);
  assert.deepEqual(z.shape, [2, 2, 1]);
  assertAllClose(z, want, { rtol: 1e-6, atol: 1e-6, what: "odd width difference: one column each side" });
  // 3x4 to 4x4: rows max(3, 4) = 4 but int(1 / 2) = 0, so Keras pads nothing: a plain resize.
  const x34 = tf.reshape(tf.range(0, 12, 1, "float32"), [1, 3, 4, 1]);
  assertAllClose(layers.Resizing(4, 4, { padToAspectRatio: true, fillValue: 99 })(x34) as tf.Tensor, tf.image.resize(x34, [4, 4]), { atol: 0, what: "difference 1: no padding" });
});

test("Resizing padToAspectRatio with channels_first pads the same pixels", () => {
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
  const first = layers.Resizing(4, 4, { padToAspectRatio: true, fillValue: -1, interpolation: "nearest", dataFormat: "channels_first" })(tf.transpose(x, [0, 3, 1, 2])) as tf.Tensor;
  assert.deepEqual(first.shape, [1, 1, 4, 4]);
  assertAllClose(first, [-1, -1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1], { atol: 0 });
});

test("tf.image.resize (keras.ops.image.resize) takes padToAspectRatio, fillMode and fillValue; gradients reach only the image's pixels", () => {
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 1], "float32");
  const y = tf.image.resize(x, [4, 4], { padToAspectRatio: true, fillValue: 7, method: "nearest" });
  assertAllClose(y, [7, 7, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8, 7, 7, 7, 7], { atol: 0 });
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.image.resize(t, [4, 4], { padToAspectRatio: true, fillValue: 7, method: "nearest" })))(x);
  assertAllClose(g, [1, 1, 1, 1, 1, 1, 1, 1], { atol: 0, what: "d sum / d image" });
  assert.throws(() => tf.image.resize(x, [4, 4], { padToAspectRatio: true, fillMode: "reflect" as "constant" }),
    /image.resize: fillMode "reflect" is not supported; Keras 3.5's resize pads only with "constant"/);
  assert.throws(() => tf.image.resize(x, [4, 4], { padToAspectRatio: true, cropToAspectRatio: true }),
    /image.resize: only one of cropToAspectRatio and padToAspectRatio can be true/);
});

test("Resizing refuses a fillMode other than constant, both crop and pad, or a non-number fillValue, naming the layer", () => {
  assert.throws(() => layers.Resizing(4, 4, { fillMode: "reflect" as "constant", name: "rz" }),
    /^RangeError: Resizing rz: fillMode "reflect" is not supported; Keras 3.5's Resizing pads only with "constant" \(fillValue\)/);
  assert.throws(() => layers.Resizing(4, 4, { padToAspectRatio: true, cropToAspectRatio: true, name: "rz2" }),
    /^RangeError: Resizing rz2: only one of cropToAspectRatio and padToAspectRatio can be true/);
  assert.throws(() => layers.Resizing(4, 4, { fillValue: "0" as unknown as number, name: "rz3" }), /^TypeError: Resizing rz3: fillValue must be a finite number/);
  assert.throws(() => layers.Resizing(4, 4, { padToAspectRatio: 1 as unknown as boolean, name: "rz4" }), /^TypeError: Resizing rz4: padToAspectRatio must be true or false, got 1/);
});

test("Resizing's padToAspectRatio, fillMode and fillValue are written in its config and loaded back", () => {
  const m = new models.Sequential([layers.Input({ shape: [2, 4, 1] }), layers.Resizing(4, 4, { padToAspectRatio: true, fillValue: 0.25 })]);
  const cfg = (JSON.parse(m.toJSON()) as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[1].config;
  assert.deepEqual([cfg.pad_to_aspect_ratio, cfg.fill_mode, cfg.fill_value], [true, "constant", 0.25]);
  const back = models.modelFromJSON(m.toJSON());
  assert.equal(back.toJSON(), m.toJSON());
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
  assertAllClose(back.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor, { atol: 0 });
  // A Keras 3.5 config entry with pad_to_aspect_ratio true.
  const loaded = tf.layers.Layer.fromConfig({
    module: "keras.layers", class_name: "Resizing", registered_name: null,
    config: { name: "r", trainable: true, dtype: "float32", height: 4, width: 4, interpolation: "nearest", crop_to_aspect_ratio: false, pad_to_aspect_ratio: true, fill_mode: "constant", fill_value: 3.0, data_format: null },
  });
  assertAllClose(loaded.apply(tf.ones([1, 2, 4, 1])) as tf.Tensor, [3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3], { atol: 0 });
});

test("a functional model calling tf.image.resize with padToAspectRatio records Keras' Resize config and runs it", () => {
  const img = layers.Input({ shape: [2, 4, 1] });
  const out = tf.image.resize(img, [4, 4], { padToAspectRatio: true, fillValue: 2, method: "nearest" });
  const m = new models.Model({ inputs: img, outputs: out });
  const entry = (JSON.parse(m.toJSON()) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers.find((l) => l.class_name === "Resize")!;
  assert.deepEqual([entry.config.pad_to_aspect_ratio, entry.config.fill_mode, entry.config.fill_value], [true, "constant", 2]);
  const x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
  const back = models.modelFromJSON(m.toJSON());
  assertAllClose(back.predict(x) as tf.Tensor, [2, 2, 2, 2, 1, 2, 3, 4, 5, 6, 7, 8, 2, 2, 2, 2], { atol: 0 });
});
