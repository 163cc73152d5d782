import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

test("symbolic tensors carry Keras' _keras_mask: Embedding(maskZero) and Masking make one, masking layers pass it on, others drop it", () => {
  const ids = layers.Input({ shape: [null], dtype: "int32" });
  const e = layers.Embedding({ inputDim: 10, outputDim: 4, maskZero: true })(ids);
  // Keras: Embedding's compute_mask is ops.not_equal(inputs, 0), a KerasTensor (None, None) bool.
  assert.deepEqual(e.kerasMask?.shape, [null, null]);
  assert.equal(e.kerasMask?.dtype, "bool");
  assert.deepEqual(layers.Dense(3)(e).kerasMask?.shape, [null, null]);
  assert.deepEqual(layers.LSTM(2, { returnSequences: true })(e).kerasMask?.shape, [null, null]);
  assert.equal(layers.LSTM(2)(e).kerasMask, null);
  assert.equal(layers.Embedding({ inputDim: 10, outputDim: 4 })(ids).kerasMask, null);
  assert.equal(ids.kerasMask, null);

  const x = layers.Input({ shape: [6, 10] });
  const masked = layers.Masking()(x);
  assert.deepEqual(masked.kerasMask?.shape, [null, 6]);
  assert.equal(layers.Dense(2)(x).kerasMask, null);
});

test("a custom layer's computeMask gives its symbolic outputs their masks, one per output", () => {
  class TemporalSplit extends layers.Layer {
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
      return tf.split(inputs as tf.Tensor, 2, 1);
    }
    override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask: tf.layers.Mask): tf.layers.Mask {
      return mask === null ? null : tf.split(mask as tf.Tensor, 2, 1);
    }
  }
  const x = layers.Input({ shape: [6, 10] });
  const [a, b] = new TemporalSplit()(layers.Masking()(x)) as unknown as tf.layers.SymbolicTensor[];
  assert.deepEqual(a.kerasMask?.shape, [null, 3]);
  assert.deepEqual(b.kerasMask?.shape, [null, 3]);
  const [c] = new TemporalSplit()(x) as unknown as tf.layers.SymbolicTensor[];
  assert.equal(c.kerasMask, null);
});

test("a custom layer whose call reads the mask can be called on layers.Input, and the model passes it the real mask", () => {
  // Keras' guide's TemporalSoftmax (exp(x) * mask / sum(x * mask)).
  class TemporalSoftmax extends layers.Layer {
    call(inputs: tf.Tensor | tf.Tensor[], { mask }: tf.layers.CallOptions): tf.Tensor {
      const m = tf.expandDims(tf.cast(mask as tf.Tensor, "float32"), -1);
      return tf.div(tf.mul(tf.exp(inputs as tf.Tensor), m), tf.sum(tf.mul(inputs as tf.Tensor, m), 1, true));
    }
  }
  const ids = layers.Input({ shape: [null], dtype: "int32" });
  const e = layers.Embedding({ inputDim: 4, outputDim: 1, maskZero: true, embeddingsInitializer: tf.initializers.Constant({ value: 0.5 }) })(ids);
  const model = new models.Model({ inputs: ids, outputs: new TemporalSoftmax()(e) });
  assert.deepEqual(model.outputs[0].shape, [null, null, 1]);
  // Row [1, 2, 0]: mask [1, 1, 0]; sum of x * mask = 1; exp(0.5) * mask / 1 (hand-computed).
  const y = model(tf.constant([[1, 2, 0]], "int32")) as tf.Tensor;
  const want = [Math.exp(0.5), Math.exp(0.5), 0];
  [...y.dataSync()].forEach((v, i) => assert.ok(Math.abs(Number(v) - want[i]) < 1e-5, `${v} vs ${want[i]}`));
});

test("a symbolic mask is not a value of the graph: a layer called on it, or a model given it as output, says so", () => {
  const ids = layers.Input({ shape: [null], dtype: "int32" });
  const e = layers.Embedding({ inputDim: 10, outputDim: 4, maskZero: true })(ids);
  assert.throws(() => layers.Dense(1)(e.kerasMask!), /Dense .*embedding.*_mask is a symbolic mask .*call\(x, \{ mask \}\)/);
  assert.throws(() => new models.Model({ inputs: ids, outputs: e.kerasMask! }), /Model .*: embedding.*_mask is a symbolic mask .* cannot be a model's input or output/);
});
