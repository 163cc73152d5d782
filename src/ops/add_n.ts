/**
 * tf.addN (TensorFlow's tf.math.add_n, TensorFlow.js' tf.addN): the element-wise sum of a list of
 * tensors of one shape and dtype, e.g. `tf.addN(model.losses)` for Python's `sum(model.losses)`
 * in a training loop. Built from `add`, so it is differentiable wherever add is.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText, shapesEqual } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { add } from "./math.js";

/** The sum of `tensors`, which must be at least one and share a shape and dtype (as TensorFlow requires). */
export function addN(tensors: readonly Input[]): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new TypeError(`addN: expected a non-empty list of tensors, got ${valueText(tensors)}; for a list that may be empty (model.losses), use tensors.length ? tf.addN(tensors) : tf.zeros([])`);
  }
  const ts = tensors.map((t, i) => toTensor(t, `addN (tensor ${i})`));
  const [first] = ts;
  ts.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape) || t.dtype !== first.dtype) {
      throw new TypeError(
        `addN: every tensor must have the shape and dtype of the first, ${shapeText(first.shape)} ${first.dtype}, but tensor ${i} is ${shapeText(t.shape)} ${t.dtype}; ` +
          "reshape or cast them first, or sum tensors of different shapes with tf.add (which broadcasts)",
      );
    }
  });
  return ts.slice(1).reduce((acc, t) => add(acc, t), first);
}
