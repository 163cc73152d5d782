/** What the image augmentation layers' tests share: calls in a given mode, values, layouts and numbered images. */
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
