import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers } = tf;

/** The message of what `f` throws (a RangeError). */
function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof RangeError, `expected a RangeError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("expected an error");
}

// Keras' valid output size per axis: floor((n - ((k - 1) * d + 1)) / s) + 1; e.g. 5 with kernel 7: -1,
// 4 with pool 5 (strides 5): floor(-1 / 5) + 1 = 0, 6 with kernel 3 dilated 3 (span 7): 0.

test("a kernel too large for a symbolic input names the layer and shows the real input shape (None for the batch)", () => {
  const m = message(() => layers.Conv2D({ filters: 2, kernelSize: 7, name: "c7" }).apply(layers.Input({ shape: [5, 5, 3] })));
  assert.equal(m, 'Conv2D c7: the output size would be negative (-1x-1): input (None, 5, 5, 3) is too small for kernel 7x7 (dilation 1x1) ' +
    'with strides 1x1 and padding "valid"; use padding "same", a smaller kernel or a larger input');
  assert.match(message(() => layers.MaxPooling2D({ poolSize: 5, name: "p5" }).apply(layers.Input({ shape: [4, 4, 3] }))),
    /^MaxPooling2D p5: the output size would be 0 \(0x0\): input \(None, 4, 4, 3\) is too small for pool 5x5 with strides 5x5 and padding "valid"; use padding "same", a smaller pool or a larger input$/);
  // channels_first shows the input as given.
  assert.match(message(() => layers.AveragePooling2D({ poolSize: 5, dataFormat: "channels_first", name: "pf" }).apply(layers.Input({ shape: [3, 4, 4] }))),
    /^AveragePooling2D pf: the output size would be 0 \(0x0\): input \(None, 3, 4, 4\) is too small/);
  // Only the axis that does not fit is reported as such; the other keeps its size.
  assert.match(message(() => layers.Conv2D({ filters: 1, kernelSize: [3, 1], name: "c31" }).apply(layers.Input({ shape: [2, 9, 1] }))),
    /^Conv2D c31: the output size would be 0 \(0x9\): input \(None, 2, 9, 1\)/);
});

test("on tensors, every convolution and pooling layer names itself (not the op), with 0 and negative sizes told apart", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["Conv2D", () => layers.Conv2D({ filters: 2, kernelSize: 7, name: "a" }).apply(tf.ones([4, 5, 5, 3])),
      /^Conv2D a: the output size would be negative \(-1x-1\): input \(4, 5, 5, 3\) is too small for kernel 7x7/],
    ["Conv2D dilated", () => layers.Conv2D({ filters: 2, kernelSize: 3, dilationRate: 3, name: "b" }).apply(tf.ones([1, 6, 6, 3])),
      /^Conv2D b: the output size would be 0 \(0x0\): input \(1, 6, 6, 3\) is too small for kernel 3x3 \(dilation 3x3\)/],
    ["MaxPooling2D", () => layers.MaxPooling2D({ poolSize: 5, name: "c" }).apply(tf.ones([4, 4, 4, 3])),
      /^MaxPooling2D c: the output size would be 0 \(0x0\): input \(4, 4, 4, 3\) is too small for pool 5x5 with strides 5x5/],
    ["AveragePooling2D", () => layers.AveragePooling2D({ poolSize: 3, strides: 1, name: "d" }).apply(tf.ones([1, 2, 2, 1])),
      /^AveragePooling2D d: the output size would be 0 \(0x0\)/],
    ["DepthwiseConv2D", () => layers.DepthwiseConv2D({ kernelSize: 6, name: "e" }).apply(tf.ones([1, 4, 4, 2])),
      /^DepthwiseConv2D e: the output size would be negative \(-1x-1\): input \(1, 4, 4, 2\)/],
    ["SeparableConv2D", () => layers.SeparableConv2D({ filters: 2, kernelSize: 5, name: "f" }).apply(tf.ones([1, 4, 4, 2])),
      /^SeparableConv2D f: the output size would be 0 \(0x0\): input \(1, 4, 4, 2\)/],
    ["Conv1D", () => layers.Conv1D({ filters: 2, kernelSize: 6, name: "g" }).apply(tf.ones([2, 4, 3])),
      /^Conv1D g: the output size would be negative \(-1\): input \(2, 4, 3\) is too small for kernel 6 \(dilation 1\) with strides 1 and padding "valid"; use padding "same" or "causal"/],
    ["DepthwiseConv1D", () => layers.DepthwiseConv1D({ kernelSize: 5, name: "h" }).apply(tf.ones([1, 4, 2])),
      /^DepthwiseConv1D h: the output size would be 0 \(0\): input \(1, 4, 2\)/],
    ["SeparableConv1D", () => layers.SeparableConv1D({ filters: 2, kernelSize: 5, name: "i" }).apply(tf.ones([1, 4, 2])),
      /^SeparableConv1D i: the output size would be 0 \(0\)/],
    ["MaxPooling1D", () => layers.MaxPooling1D({ poolSize: 3, name: "j" }).apply(tf.ones([1, 2, 1])),
      /^MaxPooling1D j: the output size would be 0 \(0\): input \(1, 2, 1\) is too small for pool 3 with strides 3/],
    ["AveragePooling1D", () => layers.AveragePooling1D({ poolSize: 4, strides: 1, name: "k" }).apply(tf.ones([1, 2, 1])),
      /^AveragePooling1D k: the output size would be negative \(-1\)/],
    ["Conv3D", () => layers.Conv3D({ filters: 1, kernelSize: [5, 1, 1], name: "l" }).apply(tf.ones([1, 3, 2, 2, 1])),
      /^Conv3D l: the output size would be negative \(-1x2x2\): input \(1, 3, 2, 2, 1\) is too small for kernel 5x1x1/],
    ["MaxPooling3D", () => layers.MaxPooling3D({ poolSize: 3, name: "m" }).apply(tf.ones([1, 2, 6, 6, 1])),
      /^MaxPooling3D m: the output size would be 0 \(0x2x2\): input \(1, 2, 6, 6, 1\)/],
    ["AveragePooling3D", () => layers.AveragePooling3D({ poolSize: 2, name: "n" }).apply(tf.ones([1, 1, 2, 2, 1])),
      /^AveragePooling3D n: the output size would be 0 \(0x1x1\)/],
  ];
  for (const [what, f, want] of cases) assert.match(message(f), want, what);
});

test("a built layer called again on a smaller tensor still names itself", () => {
  const conv = layers.Conv2D({ filters: 1, kernelSize: 3, name: "again" });
  conv.apply(tf.ones([1, 5, 5, 1]));
  assert.match(message(() => conv.apply(tf.ones([1, 2, 5, 1]))), /^Conv2D again: the output size would be 0 \(0x3\): input \(1, 2, 5, 1\)/);
  const pool = layers.MaxPooling1D({ poolSize: 2, name: "again1d" });
  pool.apply(tf.ones([1, 4, 1]));
  assert.match(message(() => pool.apply(tf.ones([1, 1, 1]))), /^MaxPooling1D again1d: the output size would be 0 \(0\): input \(1, 1, 1\)/);
  const p3 = layers.MaxPooling3D({ poolSize: 2, name: "again3d" });
  p3.apply(tf.ones([1, 2, 2, 2, 1]));
  assert.match(message(() => p3.apply(tf.ones([1, 1, 2, 2, 1]))), /^MaxPooling3D again3d: the output size would be 0 \(0x1x1\)/);
});

test("transposed convolutions never shrink, so a small input is no error", () => {
  assert.deepEqual((layers.Conv2DTranspose({ filters: 2, kernelSize: 3 }).apply(tf.ones([1, 1, 1, 1])) as tf.Tensor).shape, [1, 3, 3, 2]);
  assert.deepEqual((layers.Conv1DTranspose({ filters: 2, kernelSize: 3 }).apply(tf.ones([1, 1, 1])) as tf.Tensor).shape, [1, 3, 2]);
  assert.deepEqual((layers.Conv3DTranspose({ filters: 2, kernelSize: 3 }).apply(tf.ones([1, 1, 1, 1, 1])) as tf.Tensor).shape, [1, 3, 3, 3, 2]);
});
