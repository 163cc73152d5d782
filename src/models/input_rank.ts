/**
 * How a model takes an input tensor against its declared input shape, as Keras 3.5's Functional
 * does (Sequential runs through it too): _adjust_input_rank squeezes a trailing axis of 1 or adds
 * one where the declared shape ends in 1, then the input spec checks every axis but the batch one
 * (shape_with_no_batch_size), so a model built on one batch size runs on any other. Before that,
 * Keras' _convert_inputs_to_tensors converts the input to the Input's dtype: uint8 pixels given
 * to a float32 Input are floats from there on, as they are in fit and predict.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { maskOf, setMask } from "../tensor/keras_mask.js";
import { cast } from "../ops/math.js";
import { shapeText } from "../tensor/shape.js";
import { expandDims, squeeze } from "../ops/shape.js";
import type { LayerShape } from "../layers/layer.js";
import { layerShapeText } from "../layers/symbolic.js";

/**
 * `x` in the Input's `dtype` (when known) with its rank adjusted to `declared` as Keras does,
 * checked on every axis but the batch; `where` names the model and input in the error.
 */
export function modelInput(x: Tensor, declared: LayerShape, where: string, dtype?: DType): Tensor {
  let v = x;
  if (dtype !== undefined && x.dtype !== dtype) {
    // The converted copy keeps the input's mask, as Keras' convert_to_tensor keeps _keras_mask.
    v = cast(x, dtype);
    setMask(v, maskOf(x));
  }
  if (x.rank === declared.length + 1 && x.shape[x.rank - 1] === 1) v = squeeze(v, [-1]);
  else if (x.rank === declared.length - 1 && declared[declared.length - 1] === 1) v = expandDims(v, -1);
  const ok = v.rank === declared.length && declared.every((d, i) => i === 0 || d === null || d === v.shape[i]);
  if (!ok) {
    throw new RangeError(
      `${where} expects shape ${layerShapeText(declared)} but got ${shapeText(x.shape)}; ` +
        "every axis but the first (the batch) must match (a trailing axis of size 1 may be added or left out, as Keras allows); reshape the data or change the Input's shape",
    );
  }
  return v;
}
