import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertKerasConfigLoads, fitSaveLoad, vals } from "../testing/image_layers.js";

const { layers } = tf;

test("adaptive pooling layers by hand: a length-5 sequence pooled to 2 has windows [0,3) and [2,5)", () => {
  const x = tf.constant([1, 10, 2, 20, 3, 30, 4, 40, 5, 50], [1, 5, 2], "float32");
  assert.deepEqual(vals(layers.AdaptiveAveragePooling1D(2)(x)), [2, 20, 4, 40]);
  assert.deepEqual(vals(layers.AdaptiveMaxPooling1D(2)(x)), [3, 30, 5, 50]);
  // channels_first: [1, 2, 5], the same sequences along the last axis.
  const xf = tf.transpose(x, [0, 2, 1]);
  assert.deepEqual(vals(layers.AdaptiveAveragePooling1D({ outputSize: 2, dataFormat: "channels_first" })(xf)), [2, 4, 20, 40]);
  // 2-D: a 4x4 image to 2x2 is plain 2x2 pooling.
  const img = tf.constant(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1], "float32");
  assert.deepEqual(vals(layers.AdaptiveAveragePooling2D(2)(img)), [2.5, 4.5, 10.5, 12.5]);
  assert.deepEqual(vals(layers.AdaptiveMaxPooling2D([2, 1])(img)), [7, 15]);
  // 3-D: a 2x2x2 volume to 1x1x1 is its mean and its max.
  const vol = tf.constant([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2, 1], "float32");
  assert.deepEqual(vals(layers.AdaptiveAveragePooling3D(1)(vol)), [4.5]);
  assert.deepEqual(vals(layers.AdaptiveMaxPooling3D([1, 1, 1])(vol)), [8]);
});

test("adaptive pooling layers: output shapes, summary and symbolic calls, any input size", () => {
  const input = layers.Input({ shape: [null, 9, 3] });
  const y = layers.AdaptiveMaxPooling2D([3, 2], { name: "amp" })(input);
  assert.deepEqual(y.shape, [null, 3, 2, 3]);
  const model = new tf.models.Model({ inputs: input, outputs: layers.Flatten()(y) });
  assert.match(model.summary(() => {}), /amp \(AdaptiveMaxPooling2D\)\s+│ \(None, 3, 2, 3\)/);
  // The same model takes inputs of any height.
  assert.deepEqual(model.predict(tf.zeros([2, 7, 9, 3])).shape, [2, 18]);
  assert.deepEqual(model.predict(tf.zeros([1, 13, 9, 3])).shape, [1, 18]);
  assert.deepEqual(layers.AdaptiveAveragePooling3D({ outputSize: [1, 2, 3], dataFormat: "channels_first" }).computeOutputShape([null, 4, 5, 6, 7]), [null, 4, 1, 2, 3]);
  assert.deepEqual(layers.AdaptiveAveragePooling1D(4).computeOutputShape([null, 10, 3]), [null, 4, 3]);
});

test("adaptive pooling layers refuse bad options and inputs with the fix", () => {
  assert.throws(() => layers.AdaptiveAveragePooling2D([2, 2, 2]), /AdaptiveAveragePooling2D .*: outputSize must be a positive integer or 2 of them \(height, width\), got \[2, ?2, ?2\]/);
  assert.throws(() => layers.AdaptiveMaxPooling1D(0), /outputSize must be a positive integer or 1 of them/);
  assert.throws(() => layers.AdaptiveMaxPooling3D({} as tf.layers.AdaptivePoolingArgs), /outputSize must be/);
  assert.throws(() => layers.AdaptiveMaxPooling2D(2, { dataFormat: "nhwc" as "channels_last" }), /AdaptiveMaxPooling2D/);
  assert.throws(() => layers.AdaptiveMaxPooling2D(2)(tf.zeros([4, 4, 3])), /expects inputs of rank 4 \[batch, height, width, channels\]/);
  assert.throws(() => layers.AdaptiveAveragePooling1D(2, { poolSize: 2 } as tf.layers.AdaptivePoolingArgs), /poolSize/);
});

test("adaptive pooling layers read and write Keras 3.15's config keys (output_size as a list, data_format)", () => {
  for (const [cls, size] of [["AdaptiveAveragePooling1D", [4]], ["AdaptiveAveragePooling2D", [3, 2]], ["AdaptiveAveragePooling3D", [1, 2, 3]],
    ["AdaptiveMaxPooling1D", [4]], ["AdaptiveMaxPooling2D", [3, 2]], ["AdaptiveMaxPooling3D", [1, 2, 3]]] as const) {
    const layer = assertKerasConfigLoads(cls, { output_size: [...size], data_format: "channels_first" });
    assert.deepEqual((layer as unknown as { outputSize: number[] }).outputSize, size);
  }
  // An integer given to the layer is written as Keras writes its tuple.
  assert.deepEqual(layers.AdaptiveMaxPooling2D(5).getConfig().output_size, [5, 5]);
});

test("adaptive pooling layers train, save as .keras and load back (Sequential and functional)", async () => {
  const x = tf.random.normal([8, 6, 5, 2], 0, 1, { seed: 11 });
  const y = tf.oneHot(tf.constant([0, 1, 0, 1, 1, 0, 1, 0], [8], "int32"), 2);
  const seq = new tf.models.Sequential([
    layers.Input({ shape: [6, 5, 2] }), layers.AdaptiveAveragePooling2D([3, 2]), layers.Flatten(), layers.Dense(2, { activation: "softmax" }),
  ]);
  await fitSaveLoad(seq, x, y, 4);
  const input = layers.Input({ shape: [6, 5, 2] });
  const pooled = layers.Concatenate()([
    layers.Flatten()(layers.AdaptiveMaxPooling2D(2)(input)),
    layers.Flatten()(layers.AdaptiveMaxPooling1D(3)(layers.Reshape([30, 2])(input))),
    layers.Flatten()(layers.AdaptiveAveragePooling3D([2, 2, 1])(layers.Reshape([6, 5, 2, 1])(input))),
  ]);
  const fn = new tf.models.Model({ inputs: input, outputs: layers.Dense(2, { activation: "softmax" })(pooled) });
  await fitSaveLoad(fn as unknown as tf.models.Sequential, x, y, 4);
});
