/**
 * outputPadding on Conv1DTranspose and Conv3DTranspose: Keras 3.5 takes output_padding on every
 * transposed convolution (its Conv1DTranspose and Conv3DTranspose pass it through **kwargs to
 * BaseConvTranspose.__init__, base_conv_transpose.py) and sizes the output with
 * compute_conv_transpose_output_shape (backend_utils.py). Expected values worked by hand and checked
 * against torch's autograd of the matching TensorFlow-padded forward convolution.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { normal } from "../tensor/random.js";

const { layers } = tf;
const x = (): tf.Tensor => tf.constant([1, 2, 3], [1, 3, 1], "float64");
const kernel = (shape: number[]): tf.Tensor => tf.constant([1, 10, 100], shape, "float64");

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float64Array);

function run(layer: tf.layers.Layer, input: tf.Tensor, kernelShape: number[]): tf.Tensor {
  layer.build(input.shape);
  layer.setWeights([kernel(kernelShape)]);
  return layer.apply(input) as tf.Tensor;
}

test("Conv1DTranspose takes outputPadding: Keras' output length and TensorFlow's values", () => {
  const opts = { useBias: false, dtype: "float64" } as const;
  // "same", strides 3, kernel 3, outputPadding 1: (3 - 1) * 3 + 3 % 2 + 1 = 8 steps (9 without it).
  const same = run(layers.Conv1DTranspose(1, 3, { ...opts, strides: 3, padding: "same", outputPadding: 1 }), x(), [3, 1, 1]);
  assert.deepEqual(same.shape, [1, 8, 1]);
  assert.deepEqual(values(same), [1, 10, 100, 2, 20, 200, 3, 30]);
  const plain = run(layers.Conv1DTranspose(1, 3, { ...opts, strides: 3, padding: "same" }), x(), [3, 1, 1]);
  assert.deepEqual(values(plain), [1, 10, 100, 2, 20, 200, 3, 30, 300]);
  // "valid", strides 2, outputPadding [1]: (3 - 1) * 2 + 3 + 1 = 8 steps, the last one padding.
  const valid = run(layers.Conv1DTranspose(1, 3, { ...opts, strides: 2, outputPadding: [1] }), x(), [3, 1, 1]);
  assert.deepEqual(values(valid), [1, 10, 102, 20, 203, 30, 300, 0]);
  // channels_first gives the same steps on [batch, channels, steps].
  const first = run(layers.Conv1DTranspose(1, 3, { ...opts, strides: 3, padding: "same", outputPadding: 1, dataFormat: "channels_first" }), tf.reshape(x(), [1, 1, 3]), [3, 1, 1]);
  assert.deepEqual(first.shape, [1, 1, 8]);
  assert.deepEqual(values(first), [1, 10, 100, 2, 20, 200, 3, 30]);

  const layer = layers.Conv1DTranspose(4, 3, { strides: 3, padding: "same", outputPadding: 2 });
  assert.deepEqual(layer.computeOutputShape([null, 5, 2]), [null, 15, 4]);
  assert.deepEqual(layer.computeOutputShape([null, null, 2]), [null, null, 4]);
  const grad = layers.Conv1DTranspose(2, 3, { strides: 2, padding: "same", outputPadding: 0, dtype: "float64" });
  checkGradients((t) => grad.apply(t) as tf.Tensor, [normal([1, 4, 2], 0, 1, { dtype: "float64", seed: 3 })]);
});

test("Conv3DTranspose takes outputPadding per axis", () => {
  // Depth: (1 - 1) * 2 + 1 % 2 + 1 = 2 planes, the second all padding; width: (3 - 1) * 3 + 1 + 1 = 8.
  const layer = layers.Conv3DTranspose(1, [1, 1, 3], { strides: [2, 1, 3], padding: "same", outputPadding: [1, 0, 1], useBias: false, dtype: "float64" });
  const y = run(layer, tf.reshape(x(), [1, 1, 1, 3, 1]), [1, 1, 3, 1, 1]);
  assert.deepEqual(y.shape, [1, 2, 1, 8, 1]);
  assert.deepEqual(values(y), [1, 10, 100, 2, 20, 200, 3, 30, 0, 0, 0, 0, 0, 0, 0, 0]);
  const first = layers.Conv3DTranspose(4, 3, { strides: 2, outputPadding: 1, dataFormat: "channels_first" });
  assert.deepEqual(first.computeOutputShape([null, 2, 3, null, 5]), [null, 4, 8, null, 12]);
});

test("outputPadding is kept in the configs of Conv1DTranspose and Conv3DTranspose and refused where TensorFlow has no output", () => {
  for (const [className, make] of [
    ["Conv1DTranspose", () => layers.Conv1DTranspose(2, 3, { strides: 2, outputPadding: 1 })],
    ["Conv3DTranspose", () => layers.Conv3DTranspose(2, 3, { strides: 2, outputPadding: [1, 0, 1] })],
  ] as const) {
    const config = make().getConfig();
    const back = tf.serialization.deserializeLayer({ module: "keras.layers", class_name: className, config, registered_name: null });
    assert.deepEqual(back.getConfig().output_padding, config.output_padding, className);
  }
  assert.deepEqual(layers.Conv1DTranspose(2, 3, { strides: 2, outputPadding: 1 }).getConfig().output_padding, [1]);
  // Keras 3.5 leaves output_padding out; lamina writes it only when set.
  assert.ok(!("output_padding" in layers.Conv1DTranspose(2, 3).getConfig()));
  assert.ok(!("output_padding" in layers.Conv3DTranspose(2, 3).getConfig()));

  assert.throws(() => layers.Conv1DTranspose(2, 3, { strides: 2, outputPadding: 2 }),
    /Conv1DTranspose conv1d_transpose\w*: outputPadding must be strictly less than strides for every axis; on axis 0 outputPadding is 2 but strides is 2/);
  assert.throws(() => layers.Conv3DTranspose(2, 3, { strides: [2, 2, 1], outputPadding: [1, 1, 1] }),
    /Conv3DTranspose conv3d_transpose\w*: .*on axis 2 outputPadding is 1 but strides is 1/);
  assert.throws(() => layers.Conv3DTranspose(2, 3, { strides: 2, outputPadding: [1, 1] as never }),
    /Conv3DTranspose conv3d_transpose\w*: outputPadding must be a non-negative integer or a list of three, got \[1, ?1\]/);
  assert.throws(() => layers.Conv1DTranspose(2, 2, { strides: 2, padding: "same", outputPadding: 0 }),
    /Conv1DTranspose conv1d_transpose\w*: with padding "same", the even kernel size 2 and outputPadding 0 on axis 0/);
});
