/** The default computeOutputShape of a layer that has none of its own: sizes read from probe runs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

class Twice extends tf.layers.Layer {
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor { return tf.mul(x as tf.Tensor, 2); }
}
class Flat extends tf.layers.Layer {
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor { const t = x as tf.Tensor; return tf.reshape(t, [t.shape[0], -1]); }
}
class SumSteps extends tf.layers.Layer {
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor { return tf.sum(x as tf.Tensor, 1); }
}
/** Runs only where the sequence has exactly one step (a layer the second probe cannot run). */
class OneStep extends tf.layers.Layer {
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const t = x as tf.Tensor;
    if (t.shape[1] !== 1) throw new RangeError(`OneStep: needs one step, got ${t.shape[1]}`);
    return tf.squeeze(t, [1]);
  }
}

test("a custom layer's inferred output shape keeps unknown sizes past the batch axis unknown, as Keras' symbolic trace does", () => {
  const x = tf.layers.Input({ batchShape: [null, null, 28, 1] });
  const shapeOf = (layer: tf.layers.Layer, input: tf.layers.SymbolicTensor): readonly (number | null)[] => (layer.apply(input) as tf.layers.SymbolicTensor).shape;
  // Keras 3.5 (torch backend) gives (None, None, 28, 1), (None, None) and (None, 28, 1) for the same three layers.
  assert.deepEqual(shapeOf(new Twice({}), x), [null, null, 28, 1]);
  assert.deepEqual(shapeOf(new Flat({}), x), [null, null]);
  assert.deepEqual(shapeOf(new SumSteps({}), x), [null, 28, 1]);
  // Known sizes stay known, and the batch alone unknown as before.
  assert.deepEqual(shapeOf(new Flat({}), tf.layers.Input({ shape: [3, 4] })), [null, 12]);
  // A layer the second probe cannot run keeps the first probe's sizes.
  assert.deepEqual(shapeOf(new OneStep({}), x), [null, 28, 1]);
});
