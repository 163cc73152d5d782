/**
 * Keras 3.15's keras.utils.bounding_boxes.compute_iou (the pairwise IoU table of two sets of
 * boxes) and compute_ciou (the complete IoU of paired boxes: IoU minus the center-distance and
 * aspect-ratio penalties), built from differentiable ops with Keras' epsilons.
 */
import { Tensor } from "../tensor/tensor.js";
import { epsilon } from "../tensor/config.js";
import type { Input } from "./engine.js";
import * as k from "./keras_ops.js";
import { convertBoxes, coords, IMAGE_SHAPE_ARG, imageHeightWidth } from "./bounding_box_formats.js";

const NS = "utils.boundingBoxes";

/** The boxes' coordinate [..., 1] as a row [..., 1, m] for the pairwise table. */
const row = (t: Tensor): Tensor => k.transpose(t, t.rank === 2 ? [1, 0] : [0, 2, 1]);

/** Relative formats need the image size (Keras' check: "rel" anywhere in the name). */
function relNeedsShape(op: string, format: string, imageShape: readonly number[] | null): void {
  if (typeof format === "string" && format.includes("rel") && imageShape === null) {
    throw new TypeError(`${op}: relative bounding box formats (here ${JSON.stringify(format)}) need imageShape, the image's [height, width, channels]`);
  }
}

/**
 * keras.utils.bounding_boxes.compute_iou: the IoU of every box of boxes1 ([m, 4] or [batch, m, 4])
 * with every box of boxes2 ([n, 4] or [batch, n, 4]): [m, n], or [batch, m, n] when either is
 * batched. With useMasking, pairs where either box has all 4 values (as yxyx) below 0 get maskVal.
 */
export function computeIou(
  boxes1: Input, boxes2: Input, boundingBoxFormat: string, useMasking = false, maskVal = -1, imageShape: readonly number[] | null = null,
): Tensor {
  const op = `${NS}.computeIou`;
  const r1 = k.convertToTensor(boxes1).rank, r2 = k.convertToTensor(boxes2).rank;
  for (const [name, r] of [["boxes1", r1], ["boxes2", r2]] as const) {
    if (r !== 2 && r !== 3) {
      throw new RangeError(`${op}: ${name} must be unbatched [n, 4] or batched [batch, n, 4]; got rank ${r} (boxes1 rank ${r1}, boxes2 rank ${r2})`);
    }
  }
  relNeedsShape(op, boundingBoxFormat, imageShape);
  const [h, w] = imageHeightWidth(op, imageShape);
  const b1 = convertBoxes(op, IMAGE_SHAPE_ARG, boxes1, boundingBoxFormat, "yxyx", h, w);
  const b2 = convertBoxes(op, IMAGE_SHAPE_ARG, boxes2, boundingBoxFormat, "yxyx", h, w);
  const [ymin1, xmin1, ymax1, xmax1] = coords(b1);
  const [ymin2, xmin2, ymax2, xmax2] = coords(b2);
  const ih = k.maximum(k.subtract(k.minimum(ymax1, row(ymax2)), k.maximum(ymin1, row(ymin2))), 0);
  const iw = k.maximum(k.subtract(k.minimum(xmax1, row(xmax2)), k.maximum(xmin1, row(xmin2))), 0);
  const intersection = k.multiply(ih, iw);
  // Areas as a column [..., m, 1] and a row [..., 1, n] (b2's row keeps b2's batch axis, if any).
  const area1 = k.multiply(k.subtract(ymax1, ymin1), k.subtract(xmax1, xmin1));
  const area2 = row(k.multiply(k.subtract(ymax2, ymin2), k.subtract(xmax2, xmin2)));
  const union = k.subtract(k.add(area1, area2), intersection);
  const iou = k.divide(intersection, k.add(union, epsilon()));
  if (!useMasking) return iou;
  const mask1 = k.less(k.max(b1, -1, true), 0), mask2 = row(k.less(k.max(b2, -1, true), 0));
  return k.where(k.logicalOr(mask1, mask2), k.cast(k.convertToTensor(maskVal), iou.dtype), iou) as Tensor;
}

/**
 * keras.utils.bounding_boxes.compute_ciou: the complete IoU of boxes1[..., 4] with boxes2[..., 4]
 * (paired, broadcasting), shape [...]: iou - (center distance^2 / enclosing diagonal^2 + v * alpha),
 * v = 4/pi^2 (atan(w2/h2) - atan(w1/h1))^2 and alpha = v / (v - iou + 1 + eps).
 */
export function computeCiou(boxes1: Input, boxes2: Input, boundingBoxFormat: string, imageShape: readonly number[] | null = null): Tensor {
  const op = `${NS}.computeCiou`;
  relNeedsShape(op, boundingBoxFormat, imageShape);
  const [h, w] = imageHeightWidth(op, imageShape);
  const b1 = convertBoxes(op, IMAGE_SHAPE_ARG, boxes1, boundingBoxFormat, "xyxy", h, w);
  const b2 = convertBoxes(op, IMAGE_SHAPE_ARG, boxes2, boundingBoxFormat, "xyxy", h, w);
  const eps = epsilon();
  const [xmin1, ymin1, xmax1, ymax1] = coords(b1);
  const [xmin2, ymin2, xmax2, ymax2] = coords(b2);
  const w1 = k.subtract(xmax1, xmin1), h1 = k.add(k.subtract(ymax1, ymin1), eps);
  const w2 = k.subtract(xmax2, xmin2), h2 = k.add(k.subtract(ymax2, ymin2), eps);
  const intersection = k.multiply(
    k.maximum(k.subtract(k.minimum(xmax1, xmax2), k.maximum(xmin1, xmin2)), 0),
    k.maximum(k.subtract(k.minimum(ymax1, ymax2), k.maximum(ymin1, ymin2)), 0),
  );
  const union = k.add(k.subtract(k.add(k.multiply(w1, h1), k.multiply(w2, h2)), intersection), eps);
  const iou = k.squeeze(k.divide(intersection, k.add(union, eps)), -1);
  const cw = k.subtract(k.maximum(xmax1, xmax2), k.minimum(xmin1, xmin2));
  const ch = k.subtract(k.maximum(ymax1, ymax2), k.minimum(ymin1, ymin2));
  const diagonal2 = k.squeeze(k.add(k.add(k.square(cw), k.square(ch)), eps), -1);
  const center = (lo1: Tensor, hi1: Tensor, lo2: Tensor, hi2: Tensor): Tensor =>
    k.square(k.subtract(k.divide(k.add(lo1, hi1), 2), k.divide(k.add(lo2, hi2), 2)));
  const centers2 = k.squeeze(k.add(center(xmin1, xmax1, xmin2, xmax2), center(ymin1, ymax1, ymin2, ymax2)), -1);
  const v = k.squeeze(k.multiply(4 / Math.PI ** 2, k.square(k.subtract(k.arctan(k.divide(w2, h2)), k.arctan(k.divide(w1, h1))))), -1);
  const alpha = k.divide(v, k.add(k.subtract(v, iou), 1 + eps));
  return k.subtract(iou, k.add(k.divide(centers2, diagonal2), k.multiply(v, alpha)));
}
