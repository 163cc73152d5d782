/** What the image augmentation layers' tests share: calls in a given mode, values, layouts, numbered images and a .keras round trip. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";

/** A tensor's values as numbers. */
export const vals = (t: unknown): number[] => Array.from((t as tf.Tensor).dataSync() as Float32Array);
export const train = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { training: true }) as tf.Tensor;
export const infer = (layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor => layer.apply(x, { training: false }) as tf.Tensor;
/** An NHWC batch as NCHW. */
export const nchw = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [0, 3, 1, 2]);

/** n images [h, w, 1] where image b holds 100 b + 10 y + x, so a value tells where it came from. */
export function numbered(n: number, h: number, w: number): tf.Tensor {
  const data: number[] = [];
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.push(100 * b + 10 * y + x);
  return tf.constant(data, [n, h, w, 1], "float32");
}

/**
 * Trains `model` (augmentation layers first, then a softmax classifier) one epoch on x and one-hot
 * y, saves it as .keras, loads it back and checks that the loaded model has the same config and
 * predicts the same values (augmentation is the identity in predict); returns the loaded model.
 */
export async function fitSaveLoad(model: tf.models.Sequential, x: tf.Tensor, y: tf.Tensor, batchSize: number): Promise<tf.models.Model> {
  model.compile({ loss: "categorical_crossentropy", optimizer: "sgd" });
  await model.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
  const dir = mkdtempSync(join(tmpdir(), "lamina-augment-save-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"));
    assert.equal(back.toJSON(), model.toJSON());
    assert.deepEqual(vals(back.predict(x)), vals(model.predict(x)), "inference runs the augmentation as the identity");
    return back;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads a layer config as Keras 3.15's get_config writes it (`own`: the layer's own keys, with the
 * base keys and data_format added here) and checks that lamina writes the same keys back, with the
 * same values for `own`, and refuses a bounding_box_format; returns the loaded layer.
 */
export function assertKerasConfigLoads(className: string, own: Record<string, unknown>): tf.layers.Layer {
  const config = {
    name: `k_${className}`, trainable: true,
    dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
    data_format: "channels_last", ...own,
  };
  const layer = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: className, config, registered_name: null });
  assert.equal(layer.className, className);
  const written = layer.getConfig();
  assert.deepEqual(Object.keys(written).sort(), Object.keys(config).sort(), className);
  for (const [k, v] of Object.entries(own)) assert.deepEqual(written[k], v, `${className}.${k}`);
  assert.throws(
    () => tf.serialization.deserializeLayer({ module: "keras.layers", class_name: className, config: { ...config, bounding_box_format: "xyxy" }, registered_name: null }),
    /bounding_box_format/, `${className} refuses bounding boxes`,
  );
  return layer;
}
