/**
 * Keras 3.15's bounding-box formats and utils.bounding_boxes.convert_format: boxes [..., 4] between
 * xyxy, yxyx, xywh, center_xywh, center_yxhw and the relative rel_xyxy, rel_yxyx, rel_xywh,
 * rel_center_xywh (coordinates divided by the image's width and height). Every conversion goes
 * through xyxy, as Keras' does, and is built from differentiable ops.
 */
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import type { Input } from "./engine.js";
import * as k from "./keras_ops.js";

/** The formats Keras 3.15.1's convert_format supports (case-insensitive). */
export const BOUNDING_BOX_FORMATS = [
  "xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh",
] as const;
export type BoundingBoxFormat = (typeof BOUNDING_BOX_FORMATS)[number];

/** Keras' bounding-box dict: boxes [n, 4] or [batch, n, 4] and their labels [n] or [batch, n]; other keys pass through. */
export interface BoundingBoxes {
  boxes: Tensor;
  labels?: Tensor;
  [key: string]: unknown;
}

type Four = [Tensor, Tensor, Tensor, Tensor];
/** The 4 coordinates of boxes [..., 4] as [..., 1] tensors. */
export function coords(boxes: Tensor): Four {
  return k.split(boxes, 4, -1) as Four;
}
const join = (parts: Tensor[]): Tensor => k.concatenate(parts, -1);
const half = (t: Tensor): Tensor => k.divide(t, 2);

/** A plain object holding boxes (the dict form), not a tensor or an array. */
export function isBoundingBoxDict(v: unknown): v is BoundingBoxes {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Tensor || ArrayBuffer.isView(v)) return false;
  return "boxes" in v;
}

/** Normalizes a format name (Keras lower-cases it), refusing the unknown. */
export function checkFormat(op: string, what: string, format: string): BoundingBoxFormat {
  const f = typeof format === "string" ? format.toLowerCase() : format;
  if (!(BOUNDING_BOX_FORMATS as readonly unknown[]).includes(f)) {
    throw new RangeError(`${op}: invalid ${what} ${valueText(format)}; supported formats: ${BOUNDING_BOX_FORMATS.join(", ")}`);
  }
  return f as BoundingBoxFormat;
}

/** Boxes as a tensor whose last axis is 4 (Keras' check in convert_format). */
export function boxesTensor(op: string, boxes: Input, name = "boxes"): Tensor {
  const t = k.convertToTensor(boxes);
  if (t.rank === 0 || t.shape[t.rank - 1] !== 4) {
    throw new RangeError(`${op}: \`${name}\` must be a tensor with the last dimension of 4 ([x1, y1, x2, y2] or another format's 4 values), got shape ${shapeText(t.shape)}`);
  }
  return t;
}

type Size = { h: Tensor | null; w: Tensor | null };

function toXyxy(f: BoundingBoxFormat, b: Tensor, { h, w }: Size): Tensor {
  switch (f) {
    case "xyxy": return b;
    case "yxyx": { const [y1, x1, y2, x2] = coords(b); return join([x1, y1, x2, y2]); }
    case "xywh": { const [x1, y1, bw, bh] = coords(b); return join([x1, y1, k.add(x1, bw), k.add(y1, bh)]); }
    case "center_xywh": {
      const [cx, cy, bw, bh] = coords(b);
      return join([k.subtract(cx, half(bw)), k.subtract(cy, half(bh)), k.add(cx, half(bw)), k.add(cy, half(bh))]);
    }
    case "center_yxhw": {
      const [cy, cx, bh, bw] = coords(b);
      return join([k.subtract(cx, half(bw)), k.subtract(cy, half(bh)), k.add(cx, half(bw)), k.add(cy, half(bh))]);
    }
    default: {
      // The relative formats: their absolute counterpart scaled back to pixels.
      const abs = toXyxy(f.slice(4) as BoundingBoxFormat, b, { h, w });
      const [x1, y1, x2, y2] = coords(abs);
      return join([k.multiply(x1, w!), k.multiply(y1, h!), k.multiply(x2, w!), k.multiply(y2, h!)]);
    }
  }
}

function fromXyxy(f: BoundingBoxFormat, b: Tensor, { h, w }: Size): Tensor {
  const [x1, y1, x2, y2] = coords(b);
  switch (f) {
    case "xyxy": return b;
    case "yxyx": return join([y1, x1, y2, x2]);
    case "xywh": return join([x1, y1, k.subtract(x2, x1), k.subtract(y2, y1)]);
    case "center_xywh": case "center_yxhw": {
      const bw = k.subtract(x2, x1), bh = k.subtract(y2, y1);
      const cx = k.add(x1, half(bw)), cy = k.add(y1, half(bh));
      return join(f === "center_xywh" ? [cx, cy, bw, bh] : [cy, cx, bh, bw]);
    }
    default: {
      // Relative: the pixel coordinates divided by the image size first, then laid out.
      const rel = join([k.divide(x1, w!), k.divide(y1, h!), k.divide(x2, w!), k.divide(y2, h!)]);
      return fromXyxy(f.slice(4) as BoundingBoxFormat, rel, { h, w });
    }
  }
}

/**
 * keras.utils.bounding_boxes.convert_format: boxes [..., 4] (or a { boxes, labels } dict, whose
 * boxes are converted) from `source` to `target`, cast to `dtype`. Relative formats need the
 * image's `height` and `width`.
 */
export function convertFormat(boxes: Input, source: string, target: string, height?: number | null, width?: number | null, dtype?: DType): Tensor;
export function convertFormat(boxes: BoundingBoxes, source: string, target: string, height?: number | null, width?: number | null, dtype?: DType): BoundingBoxes;
export function convertFormat(
  boxes: Input | BoundingBoxes, source: string, target: string, height: number | null = null, width: number | null = null, dtype: DType = "float32",
): Tensor | BoundingBoxes {
  const op = "utils.boundingBoxes.convertFormat";
  if (isBoundingBoxDict(boxes)) return { ...boxes, boxes: convertBoxes(op, "the image's height and width", boxes.boxes, source, target, height, width, dtype) };
  return convertBoxes(op, "the image's height and width", boxes, source, target, height, width, dtype);
}

/** How the functions that take Keras' image_shape name it in their errors. */
export const IMAGE_SHAPE_ARG = "imageShape, the image's [height, width, channels]";

/**
 * convertFormat for the other bounding-box functions: errors name `op` and the argument that
 * gives the image size there (`sizeArg`: "height and width" or imageShape).
 */
export function convertBoxes(
  op: string, sizeArg: string, boxes: Input, source: string, target: string, height: number | null, width: number | null, dtype: DType = "float32",
): Tensor {
  const b = boxesTensor(op, boxes);
  let src = checkFormat(op, "source format", source), tgt = checkFormat(op, "target format", target);
  if ((src.startsWith("rel_") || tgt.startsWith("rel_")) && (height === null || width === null)) {
    throw new TypeError(
      `${op}: converting between relative and absolute formats needs ${sizeArg}; ` +
        `got source ${valueText(src)}, target ${valueText(tgt)}, height ${valueText(height)}, width ${valueText(width)}`,
    );
  }
  const cast = k.cast(b, dtype);
  if (src === tgt) return cast;
  // rel_ to rel_ is the same layout change on relative numbers: no size needed (Keras strips both prefixes).
  if (src.startsWith("rel_") && tgt.startsWith("rel_")) {
    src = src.slice(4) as BoundingBoxFormat;
    tgt = tgt.slice(4) as BoundingBoxFormat;
  }
  const size: Size = {
    h: height === null ? null : k.cast(k.convertToTensor(height), dtype),
    w: width === null ? null : k.cast(k.convertToTensor(width), dtype),
  };
  return fromXyxy(tgt, toXyxy(src, cast, size), size);
}

/** `image_shape` (height, width, channels) as Keras unpacks it: [height, width], or nulls when not given. */
export function imageHeightWidth(op: string, imageShape: readonly number[] | null): [number | null, number | null] {
  if (imageShape === null) return [null, null];
  if (!Array.isArray(imageShape) || imageShape.length !== 3) {
    throw new RangeError(`${op}: imageShape must be the image's [height, width, channels], got ${valueText(imageShape)}`);
  }
  return [imageShape[0], imageShape[1]];
}
