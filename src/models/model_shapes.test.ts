// Keras' model.input_shape / model.output_shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

test("inputShape and outputShape: one shape for a single input or output, the list for several, null for None", () => {
  const seq = new models.Sequential([layers.Input({ shape: [28, 28, 1] }), layers.Flatten(), layers.Dense(10)]);
  assert.deepEqual(seq.inputShape, [null, 28, 28, 1]);
  assert.deepEqual(seq.outputShape, [null, 10]);
  const a = layers.Input({ shape: [4], name: "a" });
  const b = layers.Input({ shape: [3], batchSize: 8, name: "b" });
  const joined = layers.Concatenate().apply([a, b]) as tf.layers.SymbolicTensor;
  const two = new models.Model({ inputs: [a, b], outputs: [layers.Dense(2).apply(joined) as tf.layers.SymbolicTensor, joined] });
  assert.deepEqual(two.inputShape, [[null, 4], [8, 3]]);
  assert.deepEqual(two.outputShape, [[8, 2], [8, 7]]);
});

test("a model that does not know its inputs says so and how to fix it", () => {
  const open = new models.Sequential([layers.Dense(3)]);
  assert.throws(() => open.inputShape, /^Error: Sequential sequential\w* has no defined inputs yet: start it with layers\.Input\(\{ shape \}\)/);
  open.build([null, 5]);
  assert.deepEqual(open.inputShape, [null, 5]);
  class Sub extends models.Model {
    dense = layers.Dense(2);
    override call(x: tf.Tensor): tf.Tensor {
      return this.dense.apply(x) as tf.Tensor;
    }
  }
  assert.throws(() => new Sub().outputShape, /^Error: Model sub\w* has no defined output shape: a subclassed model's inputs are not declared/);
});
