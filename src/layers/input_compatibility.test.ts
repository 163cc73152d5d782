import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

const incompatible = (cls: string, name: string, shape: string, size: number, axis = -1): RegExp =>
  new RegExp(`^RangeError: ${cls} ${name}: input shape \\${shape.replace(/\)$/, "\\)")} is incompatible with the layer: it was built for inputs of shape .*its weights need axis ${axis} to have size ${size}; call it on inputs of that size, or use a new layer`);

test("a built layer refuses a later input whose weight-sized axis differs, in graphs and eagerly", () => {
  const dense = layers.Dense(2, { name: "shared_dense" });
  dense.apply(layers.Input({ shape: [3] }));
  assert.throws(() => dense.apply(layers.Input({ shape: [4] })), incompatible("Dense", "shared_dense", "(None, 4)", 3));
  assert.throws(() => dense.apply(tf.ones([1, 4])), incompatible("Dense", "shared_dense", "(1, 4)", 3));

  const conv = layers.Conv2D(2, 3, { name: "shared_conv" });
  conv.apply(layers.Input({ shape: [8, 8, 1] }));
  assert.throws(() => conv.apply(layers.Input({ shape: [8, 8, 3] })), incompatible("Conv2D", "shared_conv", "(None, 8, 8, 3)", 1));

  const depthwise = layers.DepthwiseConv2D(3, { name: "shared_dw" });
  depthwise.apply(tf.zeros([1, 5, 5, 2]));
  assert.throws(() => depthwise.apply(tf.zeros([1, 5, 5, 4])), incompatible("DepthwiseConv2D", "shared_dw", "(1, 5, 5, 4)", 2));

  const bn = layers.BatchNormalization({ name: "shared_bn" });
  bn.apply(layers.Input({ shape: [6, 6, 3] }));
  assert.throws(() => bn.apply(layers.Input({ shape: [6, 6, 5] })), incompatible("BatchNormalization", "shared_bn", "(None, 6, 6, 5)", 3));

  const cos = layers.CosSim2D({ filters: 2, kernelSize: 3, name: "shared_cos" });
  cos.apply(layers.Input({ shape: [8, 8, 1] }));
  assert.throws(() => cos.apply(layers.Input({ shape: [8, 8, 2] })), incompatible("CosSim2D", "shared_cos", "(None, 8, 8, 2)", 1));

  const ln = layers.LayerNormalization({ name: "shared_ln" });
  ln.apply(layers.Input({ shape: [4, 7] }));
  assert.throws(() => ln.apply(layers.Input({ shape: [4, 8] })), incompatible("LayerNormalization", "shared_ln", "(None, 4, 8)", 7, 2));
});

test("sharing stays open where the weights allow it: other spatial sizes, other leading axes", () => {
  const conv = layers.Conv2D(4, 3, { padding: "same" });
  conv.apply(layers.Input({ shape: [8, 8, 3] }));
  assert.deepEqual((conv.apply(layers.Input({ shape: [16, 12, 3] })) as tf.layers.SymbolicTensor).shape, [null, 16, 12, 4]);
  assert.deepEqual((conv.apply(tf.zeros([2, 5, 5, 3])) as tf.Tensor).shape, [2, 5, 5, 4]);

  const dense = layers.Dense(2);
  const a = layers.Input({ shape: [3] }), b = layers.Input({ shape: [5, 3] });
  const m = new models.Model({ inputs: [a, b], outputs: [dense.apply(a) as tf.layers.SymbolicTensor, dense.apply(b) as tf.layers.SymbolicTensor] });
  const [ya, yb] = m.predict([tf.ones([1, 3]), tf.ones([1, 5, 3])]) as tf.Tensor[];
  assert.deepEqual([ya.shape, yb.shape], [[1, 2], [1, 5, 2]]);
  // One kernel serves both calls: each row of b equals a's output.
  assert.deepEqual(Array.from(yb.dataSync() as Float32Array).slice(0, 2), Array.from(ya.dataSync() as Float32Array));
});

test("misspelt initializer, regularizer or constraint names fail when the layer is made, naming layer and option", () => {
  assert.throws(() => layers.Dense(2, { kernelInitializer: "he_nromal" as "he_normal", name: "d_init" }),
    /^RangeError: Dense d_init: kernelInitializer: initializers\.get: unknown initializer "he_nromal"\. Did you mean "he_normal"/);
  assert.throws(() => layers.Conv2D(2, 3, { biasInitializer: "zeroes" as "zeros", name: "c_init" }), /^RangeError: Conv2D c_init: biasInitializer: .*"zeroes"/);
  assert.throws(() => layers.DepthwiseConv2D(3, { depthwiseRegularizer: "l3" as "l2", name: "dw_reg" }), /DepthwiseConv2D dw_reg: depthwiseRegularizer: regularizers\.get: unknown regularizer "l3"/);
  assert.throws(() => layers.BatchNormalization({ betaConstraint: "maxnorm" as "max_norm", name: "bn_c" }), /BatchNormalization bn_c: betaConstraint: constraints\.get: unknown constraint "maxnorm"/);
  assert.throws(() => layers.CosSim2D({ filters: 2, kernelSize: 3, kernelInitializer: "glorot" as "glorot_uniform", name: "cs_init" }), /CosSim2D cs_init: kernelInitializer: /);
  // Valid names and objects pass.
  const d = layers.Dense(2, { kernelInitializer: "he_normal", kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }), kernelConstraint: "max_norm" });
  assert.equal(d.built, false);
});
