/** Depthwise and separable convolutions need at least one input channel (a 0-channel input gave NaN filter gradients). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

test("depthwise and separable convolutions refuse an input with 0 channels when they build, naming the layer and the shape", () => {
  const zeroChannels = /: the input has 0 channels \(shape \(.*\)\); a depthwise convolution filters each input channel, so it needs at least one/;
  const cases: [tf.layers.Layer, number[]][] = [
    [tf.layers.DepthwiseConv2D({ kernelSize: 2, name: "dw" }), [1, 4, 4, 0]],
    [tf.layers.SeparableConv2D({ filters: 3, kernelSize: 2, name: "sep" }), [1, 4, 4, 0]],
    [tf.layers.DepthwiseConv2D({ kernelSize: 2, dataFormat: "channels_first", name: "dw_first" }), [1, 0, 4, 4]],
    [tf.layers.DepthwiseConv1D({ kernelSize: 2, name: "dw1" }), [1, 5, 0]],
    [tf.layers.SeparableConv1D({ filters: 3, kernelSize: 2, name: "sep1" }), [1, 5, 0]],
  ];
  for (const [layer, shape] of cases) {
    assert.throws(() => layer.apply(tf.zeros(shape)), (e: Error) => e instanceof RangeError && zeroChannels.test(e.message) && e.message.startsWith(`${layer.className} ${layer.name}:`) && e.message.includes(`(${shape.join(", ")})`), layer.name);
    assert.equal(layer.built, false, `${layer.name} stays unbuilt`);
  }
  // On a symbolic input too, before any weight is made.
  const sym = tf.layers.DepthwiseConv2D({ kernelSize: 2, name: "dw_sym" });
  assert.throws(() => sym.apply(tf.layers.Input({ shape: [4, 4, 0] })), /DepthwiseConv2D dw_sym: the input has 0 channels \(shape \(None, 4, 4, 0\)\)/);
  assert.equal(sym.weights.length, 0);
});
