/**
 * Keras 3.15's keras.utils.bounding_boxes clip_to_image_size, affine_transform, crop, pad,
 * encode_box_to_deltas and decode_deltas_to_boxes, with Keras' positional arguments, built from
 * keras ops so that gradients flow where Keras' do.
 */
import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { epsilon } from "../tensor/config.js";
import type { Input } from "./engine.js";
import * as k from "./keras_ops.js";
import { type BoundingBoxes, boxesTensor, checkFormat, convertBoxes, coords, IMAGE_SHAPE_ARG, imageHeightWidth, isBoundingBoxDict } from "./bounding_box_formats.js";

const NS = "utils.boundingBoxes";

/** Keras 3.15.1 implements these transforms on xyxy boxes only and refuses other formats; so does lamina, naming the conversion to use. */
function xyxyOnly(op: string, format: string): void {
  if (format !== "xyxy") {
    throw new RangeError(`${NS}.${op}: boundingBoxFormat ${valueText(format)} is not supported because Keras 3.15.1 implements ${op} for "xyxy" boxes only; convert with ${NS}.convertFormat(boxes, format, "xyxy") first`);
  }
}

/** x clipped to [0, hi] (hi null: no upper bound), as numpy's clip with a None bound. */
const clipTo = (x: Tensor, hi: number | null): Tensor => k.clip(x, 0, hi ?? Infinity);

/**
 * keras.utils.bounding_boxes.clip_to_image_size: a { boxes, labels } dict with its xyxy boxes
 * clipped to [0, width] x [0, height] (rel_xyxy: to [0, 1]); a label whose box is left with no
 * area becomes -1.
 */
export function clipToImageSize(boundingBoxes: BoundingBoxes, height: number | null = null, width: number | null = null, boundingBoxFormat = "xyxy"): BoundingBoxes {
  const op = `${NS}.clipToImageSize`;
  if (!isBoundingBoxDict(boundingBoxes)) throw new TypeError(`${op}: boundingBoxes must be a { boxes, labels } object, got ${valueText(boundingBoxes)}`);
  if (boundingBoxFormat !== "xyxy" && boundingBoxFormat !== "rel_xyxy") {
    throw new RangeError(`${op}: boundingBoxFormat ${valueText(boundingBoxFormat)} is not supported because Keras 3.15.1 clips "xyxy" and "rel_xyxy" boxes only`);
  }
  if (boundingBoxFormat === "xyxy" && (height === null || width === null)) {
    throw new TypeError(`${op}: height and width must be given for "xyxy" boxes (got height ${valueText(height)}, width ${valueText(width)}); e.g. clipToImageSize(bb, 480, 640)`);
  }
  const boxes = boxesTensor(op, boundingBoxes.boxes);
  const [hi, wi] = boundingBoxFormat === "xyxy" ? [height, width] : [1, 1];
  const [x1, y1, x2, y2] = coords(boxes);
  const clipped = k.concatenate([clipTo(x1, wi), clipTo(y1, hi), clipTo(x2, wi), clipTo(y2, hi)], -1);
  const result: BoundingBoxes = { ...boundingBoxes, boxes: clipped };
  if (boundingBoxes.labels !== undefined && boundingBoxes.labels !== null) {
    const [cx1, cy1, cx2, cy2] = coords(clipped);
    const area = k.squeeze(k.multiply(k.subtract(cx2, cx1), k.subtract(cy2, cy1)), -1);
    const labels = k.convertToTensor(boundingBoxes.labels);
    result.labels = k.where(k.greater(area, 0), labels, k.cast(k.convertToTensor(-1), labels.dtype)) as Tensor;
  }
  return result;
}

/** keras.utils.bounding_boxes.crop: xyxy boxes moved by (-left, -top) and clipped to the crop's [0, width] x [0, height]. */
export function crop(boxes: Input, top: Input, left: Input, height: number | null, width: number | null, boundingBoxFormat = "xyxy"): Tensor {
  xyxyOnly("crop", boundingBoxFormat);
  const [x1, y1, x2, y2] = coords(boxesTensor(`${NS}.crop`, boxes));
  return k.concatenate([
    clipTo(k.subtract(x1, left), width), clipTo(k.subtract(y1, top), height), clipTo(k.subtract(x2, left), width), clipTo(k.subtract(y2, top), height),
  ], -1);
}

/** keras.utils.bounding_boxes.pad: xyxy boxes moved by (left, top); height and width are accepted and unused, as in Keras. */
export function pad(boxes: Input, top: Input, left: Input, height: number | null = null, width: number | null = null, boundingBoxFormat = "xyxy"): Tensor {
  void height; void width;
  xyxyOnly("pad", boundingBoxFormat);
  const [x1, y1, x2, y2] = coords(boxesTensor(`${NS}.pad`, boxes));
  return k.concatenate([k.add(x1, left), k.add(y1, top), k.add(x2, left), k.add(y2, top)], -1);
}

/** A per-image transform parameter as a float [batch] tensor. */
function perImage(op: string, name: string, v: Input, batch: number): Tensor {
  let t = k.convertToTensor(v);
  if (!t.dtype.startsWith("float")) t = k.cast(t, "float32");
  if (t.rank !== 1 || t.shape[0] !== batch) {
    throw new RangeError(`${op}: ${name} must hold one value per image, shape [${batch}] for boxes of batch ${batch}, got shape ${shapeText(t.shape)}`);
  }
  return t;
}

/**
 * keras.utils.bounding_boxes.affine_transform: boxes [batch, n, 4] (xyxy) mapped through the
 * inverse of the affine transform Keras' RandomAffine-style layers apply to the images (rotation
 * `angle` and shears in degrees, translations and center as fractions of the size); the result is
 * the axis-aligned box around the 4 mapped corners. angle ... shearY hold one value per image.
 */
export function affineTransform(
  boxes: Input, angle: Input, translateX: Input, translateY: Input, scale: Input, shearX: Input, shearY: Input,
  height: number, width: number, centerX: Input | null = null, centerY: Input | null = null, boundingBoxFormat = "xyxy",
): Tensor {
  const op = `${NS}.affineTransform`;
  xyxyOnly("affineTransform", boundingBoxFormat);
  const b0 = boxesTensor(op, boxes);
  if (b0.rank !== 3) throw new RangeError(`${op}: boxes must be batched, shape [batch, n, 4], got ${shapeText(b0.shape)}; add a batch axis with ops.expandDims(boxes, 0)`);
  const [batch, n] = b0.shape;
  const ang = perImage(op, "angle", angle, batch);
  const p = (name: string, v: Input): Tensor => k.cast(perImage(op, name, v, batch), ang.dtype);
  const tx0 = p("translateX", translateX), ty0 = p("translateY", translateY), sc = p("scale", scale);
  const shx = p("shearX", shearX), shy = p("shearY", shearY);
  const deg = Math.PI / 180;
  // Keras' _compute_inverse_affine_matrix (TF's _get_inverse_affine_matrix), coefficient by coefficient.
  const cx = k.multiply(centerX ?? 0.5, width - 1), cy = k.multiply(centerY ?? 0.5, height - 1);
  const rot = k.multiply(k.negative(ang), deg);
  const tx = k.multiply(k.negative(tx0), width - 1), ty = k.multiply(k.negative(ty0), height - 1);
  const sx = k.multiply(k.negative(shx), deg), sy = k.multiply(k.negative(shy), deg);
  const cosSy = k.cos(sy), tanSx = k.tan(sx), rotMinusSy = k.subtract(rot, sy);
  const cxTx = k.add(cx, tx), cyTy = k.add(cy, ty);
  const a = k.divide(k.cos(rotMinusSy), cosSy);
  const bq = k.add(k.multiply(a, tanSx), k.sin(rot));
  const c = k.divide(k.negative(k.sin(rotMinusSy)), cosSy);
  const d = k.subtract(k.cos(rot), k.multiply(c, tanSx));
  const a0 = k.multiply(d, sc), a1 = k.multiply(k.negative(bq), sc), b0c = k.multiply(k.negative(c), sc), b1 = k.multiply(a, sc);
  const a2 = k.subtract(k.subtract(cx, k.multiply(a0, cxTx)), k.multiply(a1, cyTy));
  const b2 = k.subtract(k.subtract(cy, k.multiply(b0c, cxTx)), k.multiply(b1, cyTy));
  // The top 2 rows of the 3x3 matrix, transposed: [batch, 3, 2] (columns x' and y').
  const m = k.reshape(k.stack([a0, b0c, a1, b1, a2, b2], -1), [batch, 3, 2]);
  const bx = k.cast(b0, ang.dtype);
  const [x1, y1, x2, y2] = coords(bx);
  // The 4 corners (x1,y1) (x2,y1) (x2,y2) (x1,y2) in homogeneous coordinates: [batch, n, 4, 3].
  const corners = k.reshape(k.concatenate([x1, y1, x2, y1, x2, y2, x1, y2], -1), [batch, n, 4, 2]);
  const points = k.concatenate([corners, k.ones([batch, n, 4, 1], corners.dtype)], -1);
  const moved = k.einsum("bnxy,byz->bnxz", points, m);
  return k.concatenate([k.amin(moved, 2), k.amax(moved, 2)], -1);
}

const ENCODINGS = ["center_xywh", "center_yxhw"];

/** `variance` as a float32 tensor whose last axis is 4, or null. */
function varianceTensor(op: string, variance: Input | null): Tensor | null {
  if (variance === null) return null;
  const v = k.convertToTensor(variance, "float32");
  if (v.rank === 0 || v.shape[v.rank - 1] !== 4) throw new RangeError(`${op}: variance must be length 4 (one factor per delta), got ${valueText(variance)}`);
  return v;
}

/**
 * keras.utils.bounding_boxes.encode_box_to_deltas: boxes [n, 4] or [batch, n, 4] as deltas from
 * anchors [n, 4], in `encodingFormat` (center_yxhw or center_xywh): (center - anchor center) /
 * anchor size, then log(size / anchor size), divided by `variance` when given.
 */
export function encodeBoxToDeltas(
  anchors: Input, boxes: Input, anchorFormat: string, boxFormat: string, encodingFormat = "center_yxhw",
  variance: Input | null = null, imageShape: readonly number[] | null = null,
): Tensor {
  const op = `${NS}.encodeBoxToDeltas`;
  const v = varianceTensor(op, variance);
  if (!ENCODINGS.includes(encodingFormat)) throw new RangeError(`${op}: encodingFormat should be one of "center_xywh" or "center_yxhw", got ${valueText(encodingFormat)}`);
  const [h, w] = imageHeightWidth(op, imageShape);
  const enc = convertBoxes(op, IMAGE_SHAPE_ARG, anchors, anchorFormat, encodingFormat, h, w);
  const bx = convertBoxes(op, IMAGE_SHAPE_ARG, boxes, boxFormat, encodingFormat, h, w);
  const [encCenter, encSize] = k.split(enc, [2], -1);
  const [boxCenter, boxSize] = k.split(bx, [2], -1);
  const anchorDims = k.maximum(encSize, epsilon()), boxDims = k.maximum(boxSize, epsilon());
  const deltas = k.concatenate([k.divide(k.subtract(boxCenter, encCenter), anchorDims), k.log(k.divide(boxDims, anchorDims))], -1);
  return v === null ? deltas : k.divide(deltas, v);
}

/**
 * keras.utils.bounding_boxes.decode_deltas_to_boxes: the inverse of encodeBoxToDeltas, giving
 * boxes in `boxFormat`. anchors and boxesDelta may also be objects of levels ({ P3: ..., P4: ... }),
 * decoded level by level.
 */
export function decodeDeltasToBoxes(
  anchors: Input, boxesDelta: Input, anchorFormat: string, boxFormat: string, encodedFormat?: string, variance?: Input | null, imageShape?: readonly number[] | null,
): Tensor;
export function decodeDeltasToBoxes(
  anchors: Readonly<Record<string, Input>>, boxesDelta: Readonly<Record<string, Input>>, anchorFormat: string, boxFormat: string,
  encodedFormat?: string, variance?: Input | null, imageShape?: readonly number[] | null,
): Record<string, Tensor>;
export function decodeDeltasToBoxes(
  anchors: Input | Readonly<Record<string, Input>>, boxesDelta: Input | Readonly<Record<string, Input>>, anchorFormat: string, boxFormat: string,
  encodedFormat = "center_yxhw", variance: Input | null = null, imageShape: readonly number[] | null = null,
): Tensor | Record<string, Tensor> {
  const op = `${NS}.decodeDeltasToBoxes`;
  const v = varianceTensor(op, variance);
  if (!ENCODINGS.includes(encodedFormat)) throw new RangeError(`${op}: encodedFormat should be "center_xywh" or "center_yxhw", got ${valueText(encodedFormat)}`);
  checkFormat(op, "boxFormat", boxFormat);
  const [h, w] = imageHeightWidth(op, imageShape);
  const level = (anchor: Input, delta: Input): Tensor => {
    const enc = convertBoxes(op, IMAGE_SHAPE_ARG, anchor, anchorFormat, encodedFormat, h, w);
    let d = k.convertToTensor(delta);
    if (v !== null) d = k.multiply(d, v);
    const [encCenter, encSize] = k.split(enc, [2], -1);
    const [dCenter, dSize] = k.split(d, [2], -1);
    const box = k.concatenate([k.add(k.multiply(dCenter, encSize), encCenter), k.multiply(k.exp(dSize), encSize)], -1);
    return convertBoxes(op, IMAGE_SHAPE_ARG, box, encodedFormat, boxFormat, h, w);
  };
  const anchorsLevels = levels(anchors), deltaLevels = levels(boxesDelta);
  if (anchorsLevels === null || deltaLevels === null) {
    if (anchorsLevels !== null || deltaLevels !== null) throw new TypeError(`${op}: anchors and boxesDelta must both be tensors or both be objects of levels`);
    return level(anchors as Input, boxesDelta as Input);
  }
  const out: Record<string, Tensor> = {};
  for (const [lvl, anchor] of Object.entries(anchorsLevels)) {
    if (!(lvl in deltaLevels)) throw new RangeError(`${op}: boxesDelta has no level ${valueText(lvl)} that anchors has (levels: ${Object.keys(deltaLevels).join(", ")})`);
    out[lvl] = level(anchor, deltaLevels[lvl]);
  }
  return out;
}

/** An object of levels (not a tensor, array or typed array), or null. */
function levels(v: unknown): Readonly<Record<string, Input>> | null {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Tensor || ArrayBuffer.isView(v)) return null;
  return v as Record<string, Input>;
}
