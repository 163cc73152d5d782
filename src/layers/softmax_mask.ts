/**
 * Masked softmax as Keras 3.15.1's Softmax.call does it (since Keras 3.10, PR #21149): masked
 * logits are replaced by -1e9 before normalizing and masked outputs set to 0 after, so a fully
 * masked slice gives zeros (Keras 3.5 gave it a uniform distribution) and no gradient.
 * Attention and AdditiveAttention push masked scores down without the zeroing (pushDownMasked),
 * as Keras' _apply_scores still does.
 */
import type { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { greater, mul, sub, where } from "../ops/math.js";
import { layerShapeText } from "./symbolic.js";

/** Keras' _large_negative_number for float32 and float64 (lamina has no float16). */
const LARGE_NEGATIVE = 1e9;

/**
 * `scores - (1 - keep) * 1e9`: positions where `keep` (of the scores' dtype, broadcastable) is 0 drop
 * out of a following softmax; a row with no kept position stays uniform. Keras' Attention and
 * AdditiveAttention mask their scores this way.
 */
export function pushDownMasked(scores: Tensor, keep: Tensor): Tensor {
  return sub(scores, mul(sub(1, keep), LARGE_NEGATIVE));
}

/**
 * The mask as bool "keep" flags, checked to fit the inputs. A non-bool mask keeps the positions
 * above 0.5, as Keras 3.15's Softmax (`mask > cast(0.5, mask.dtype)`, so > 0 for integer masks).
 * Keras broadcasts the mask numpy-style, which fails or silently changes the output's shape when
 * the mask is not of the inputs' shape; such a mask is refused here, naming both shapes.
 */
export function softmaxKeep(where: string, x: Tensor, mask: Tensor): Tensor {
  const offset = x.rank - mask.rank;
  const fits = offset >= 0 && mask.shape.every((d, i) => d === 1 || d === x.shape[offset + i]);
  if (!fits) {
    throw new RangeError(
      `${where}: the mask ${layerShapeText(mask.shape)} does not fit the inputs ${layerShapeText(x.shape)}; Keras' Softmax takes a mask ` +
        "of the inputs' shape (a [batch, steps] mask from Embedding or Masking fits [batch, steps] scores, not [batch, steps, features]); " +
        "pass mask: null to ignore it",
    );
  }
  if (mask.dtype === "bool") return mask;
  return greater(mask, isFloatDType(mask.dtype) ? 0.5 : 0);
}

/**
 * `normalize` (a softmax over some axes) of the logits with masked positions at -1e9, then 0 at
 * the masked positions. Where a slice is fully masked the softmax sees equal logits and the
 * zeroing removes them, so its outputs are 0 and the gradient reaching `x` is 0, never NaN.
 */
export function maskedSoftmax(x: Tensor, keep: Tensor, normalize: (logits: Tensor) => Tensor): Tensor {
  return where(keep, normalize(where(keep, x, -LARGE_NEGATIVE)), 0);
}
