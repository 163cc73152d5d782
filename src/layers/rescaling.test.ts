/** Rescaling's per-channel scale under the global channels_first image data format (Keras 3.5's rescaling.py). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers } = tf;
const vals = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array);

test("Rescaling: a list scale meets the channel axis of channels_first images, as Keras reshapes it to [c, 1, 1]", () => {
  const before = tf.config.imageDataFormat();
  tf.config.setImageDataFormat("channels_first");
  try {
    // [1, 3, 1, 2]: channel c holds c + 1 at both pixels; scale [1, 10, 100], offset 0.5:
    // Keras: x * reshape(scale, (3, 1, 1)) + 0.5 = [[1.5, 1.5], [20.5, 20.5], [300.5, 300.5]].
    const x = tf.constant([1, 1, 2, 2, 3, 3], [1, 3, 1, 2], "float32");
    const y = layers.Rescaling({ scale: [1, 10, 100], offset: 0.5 }).apply(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 3, 1, 2]);
    assert.deepEqual(vals(y), [1.5, 1.5, 20.5, 20.5, 300.5, 300.5]);
    // One image [3, 1, 2] too.
    const one = layers.Rescaling({ scale: [1, 10, 100] }).apply(tf.reshape(x, [3, 1, 2])) as tf.Tensor;
    assert.deepEqual(vals(one), [1, 1, 20, 20, 300, 300]);
    // A scalar scale is unchanged by the data format.
    assert.deepEqual(vals(layers.Rescaling(2).apply(x) as tf.Tensor), [2, 2, 4, 4, 6, 6]);
  } finally {
    tf.config.setImageDataFormat(before);
  }
  // channels_last (the default): the scale runs along the last axis.
  const last = layers.Rescaling({ scale: [1, 10, 100] }).apply(tf.constant([1, 2, 3, 1, 2, 3], [1, 1, 2, 3], "float32")) as tf.Tensor;
  assert.deepEqual(vals(last), [1, 20, 300, 1, 20, 300]);
});
