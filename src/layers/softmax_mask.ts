/**
 * Keras 3.5's Softmax.call with a mask: (1 - mask) * -1e9 is added to the logits, so masked
 * positions get a weight of about zero (a fully masked slice stays uniform, as in 3.5).
 */
import type { Tensor } from "../tensor/tensor.js";
import { cast, mul, sub } from "../ops/math.js";
import { layerShapeText } from "./symbolic.js";

/** Keras' _large_negative_number for float32 and float64 (lamina has no float16). */
const LARGE_NEGATIVE = 1e9;

/**
 * `scores - (1 - keep) * 1e9`: positions where `keep` (of the scores' dtype, broadcastable) is 0 drop
 * out of a following softmax. Keras' Softmax layer and its attention layers mask this one way.
 */
export function pushDownMasked(scores: Tensor, keep: Tensor): Tensor {
  return sub(scores, mul(sub(1, keep), LARGE_NEGATIVE));
}

/**
 * The logits with masked positions pushed down. Keras 3.5 broadcasts the mask numpy-style, which
 * fails or silently changes the output's shape when the mask is not of the inputs' shape; such a
 * mask is refused here, naming both shapes.
 */
export function maskedLogits(where: string, x: Tensor, mask: Tensor): Tensor {
  const offset = x.rank - mask.rank;
  const fits = offset >= 0 && mask.shape.every((d, i) => d === 1 || d === x.shape[offset + i]);
  if (!fits) {
    throw new RangeError(
      `${where}: the mask ${layerShapeText(mask.shape)} does not fit the inputs ${layerShapeText(x.shape)}; Keras' Softmax takes a mask ` +
        "of the inputs' shape (a [batch, steps] mask from Embedding or Masking fits [batch, steps] scores, not [batch, steps, features]); " +
        "pass mask: null to ignore it",
    );
  }
  return pushDownMasked(x, cast(mask, x.dtype));
}
