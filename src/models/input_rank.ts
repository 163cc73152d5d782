/**
 * How a model takes an input tensor against its declared input shape, as Keras 3.5's Functional
 * does (Sequential runs through it too): _adjust_input_rank squeezes a trailing axis of 1 or adds
 * one where the declared shape ends in 1, then the input spec checks every axis but the batch one
 * (shape_with_no_batch_size), so a model built on one batch size runs on any other.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { expandDims, squeeze } from "../ops/shape.js";
import type { LayerShape } from "../layers/layer.js";
import { layerShapeText } from "../layers/symbolic.js";

/** `x` with its rank adjusted to `declared` as Keras does, checked on every axis but the batch; `where` names the model and input in the error. */
export function modelInput(x: Tensor, declared: LayerShape, where: string): Tensor {
  let v = x;
  if (x.rank === declared.length + 1 && x.shape[x.rank - 1] === 1) v = squeeze(x, [-1]);
  else if (x.rank === declared.length - 1 && declared[declared.length - 1] === 1) v = expandDims(x, -1);
  const ok = v.rank === declared.length && declared.every((d, i) => i === 0 || d === null || d === v.shape[i]);
  if (!ok) {
    throw new RangeError(
      `${where} expects shape ${layerShapeText(declared)} but got ${shapeText(x.shape)}; ` +
        "every axis but the first (the batch) must match (a trailing axis of size 1 may be added or left out, as Keras allows); reshape the data or change the Input's shape",
    );
  }
  return v;
}
