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

/** keras-io's ComputeSum: adds each batch's column sums to a non-trainable total and returns the total, shape (inputDim,). */
class ComputeSum extends tf.layers.Layer {
  readonly total: tf.Variable;
  constructor(inputDim: number) {
    super();
    this.total = new tf.Variable(tf.zeros([inputDim]), { trainable: false });
  }
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    this.total.assignAdd(tf.sum(x as tf.Tensor, 0));
    return this.total;
  }
}
/** The batch's sum with its axis kept: (1, d) whatever the batch. */
class BatchTotal extends tf.layers.Layer {
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor { return tf.sum(x as tf.Tensor, 0, true); }
}
/** Each sample twice along the batch axis: (2 * batch, d), which depends on the batch. */
class Doubled extends tf.layers.Layer {
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor { return tf.concat([x as tf.Tensor, x as tf.Tensor], 0); }
}
/** Runs only on batches of one (a layer the second probe cannot run). */
class BatchOfOne extends tf.layers.Layer {
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const t = x as tf.Tensor;
    if (t.shape[0] !== 1) throw new RangeError(`BatchOfOne: needs a batch of one, got ${t.shape[0]}`);
    return tf.mul(t, 2);
  }
}

test("output sizes that do not follow the batch stay known: a layer returning a weight of shape (2,) gives (2,), as Keras' symbolic output keeps the variable's shape", () => {
  const shapeOf = (layer: tf.layers.Layer, input: tf.layers.SymbolicTensor): readonly (number | null)[] => (layer.apply(input) as tf.layers.SymbolicTensor).shape;
  const x = tf.layers.Input({ shape: [2] });
  // Keras 3.15: ComputeSum(2)(keras.Input((2,))).shape == (2,); ops.sum(x, 0, keepdims=True) gives (1, 2); concatenating x twice on axis 0, (None, 2).
  const sum = new ComputeSum(2);
  assert.deepEqual(shapeOf(sum, x), [2]);
  assert.deepEqual(Array.from(sum.total.dataSync(), Number), [0, 0], "the probes leave the total as it was");
  assert.deepEqual(shapeOf(new Doubled({}), x), [null, 2]);
  // A first size of 1 is taken to follow the batch of the single probe (so that a layer's call runs
  // once, as Keras' symbolic call does): there lamina says None where Keras says 1.
  assert.deepEqual(shapeOf(new ComputeSum(1), tf.layers.Input({ shape: [1] })), [null]);
  assert.deepEqual(shapeOf(new BatchTotal({}), x), [null, 2]);
  // With a size past the batch unknown too, the second probe runs anyway and tells the fixed 1.
  assert.deepEqual(shapeOf(new BatchTotal({}), tf.layers.Input({ batchShape: [null, null] })), [1, null]);
  // With a size past the batch unknown too.
  class SumAll extends tf.layers.Layer {
    call(t: tf.Tensor | tf.Tensor[]): tf.Tensor { return tf.sum(t as tf.Tensor, [0, 1]); }
  }
  assert.deepEqual(shapeOf(new SumAll({}), tf.layers.Input({ batchShape: [null, null, 3] })), [3]);
  // A layer the second probe cannot run: its output's batch axis is taken to be the input's.
  assert.deepEqual(shapeOf(new BatchOfOne({}), x), [null, 2]);
  // A given batch size is kept as it is.
  assert.deepEqual(shapeOf(new ComputeSum(2), tf.layers.Input({ batchShape: [4, 2] })), [2]);
  assert.deepEqual(shapeOf(new Doubled({}), tf.layers.Input({ batchShape: [4, 2] })), [8, 2]);
});
