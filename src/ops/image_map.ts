/**
 * keras.ops.image.map_coordinates (scipy.ndimage's, order 0 or 1, with Keras' fill modes) and
 * keras.ops.image.affine_transform. The integer index work is done here on plain arrays (it has
 * no gradient); the values are gathered and weighted with ops, so the gradient reaches the inputs
 * (a scatter-add through gather) and, for order 1, the coordinates (through the weights), as in
 * Keras' torch backend.
 */
import { Tensor } from "../tensor/tensor.js";
import { isFloatDType, type DType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, num, toTensor } from "./engine.js";
import { add, cast, clipByValue, floor, mul, round, sub, where } from "./math.js";
import { gather, reshape, stack, unstack } from "./shape.js";
import { checkImageOptions, checkImageRank, imageDataFormat, imageFromChannelsLast, imageToChannelsLast, type ImageDataFormat } from "./image_format.js";
import { projectiveTransform, type TransformInterpolation } from "./image.js";
import * as sym from "./symbolic.js";

export type MapFillMode = "constant" | "nearest" | "wrap" | "mirror" | "reflect";
const FILL_MODES: readonly string[] = ["constant", "nearest", "wrap", "mirror", "reflect"];

export interface MapCoordinatesOptions {
  /**
   * How points outside the input are read: "constant" (default: fillValue; with order 1 each
   * neighbour outside counts as fillValue), "nearest" (a a | a b c d | d d), "wrap"
   * (a b c d | a b c d), "mirror" (c d c b | a b c d | c b a b), "reflect" (d c b a | a b c d | d c b a).
   */
  fillMode?: MapFillMode;
  /** The value read outside the input in "constant" mode. Default 0. */
  fillValue?: number;
}

function checkFillMode(op: string, v: unknown): MapFillMode {
  if (typeof v !== "string" || !FILL_MODES.includes(v)) {
    throw new RangeError(`${op}: fillMode ${valueText(v)} is not supported; use "constant", "nearest", "wrap", "mirror" or "reflect"`);
  }
  return v as MapFillMode;
}

function checkFillValue(op: string, v: unknown): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(`${op}: fillValue must be a number, got ${valueText(v)}`);
  return v;
}

/** torch.round's rule (half to even), so order 0 picks the pixel Keras picks at exact halves. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** An index along an axis of `size` moved inside [0, size) by the fill mode (constant and nearest clamp; constant's validity is kept apart). */
function fixIndex(i: number, size: number, mode: MapFillMode): number {
  switch (mode) {
    case "constant": case "nearest": return Math.min(Math.max(i, 0), size - 1);
    case "wrap": return ((i % size) + size) % size;
    case "mirror": {
      if (size === 1) return 0;
      const period = 2 * (size - 1), m = ((i % period) + period) % period;
      return m < size ? m : period - m;
    }
    case "reflect": {
      const period = 2 * size, m = ((i % period) + period) % period;
      return m < size ? m : period - 1 - m;
    }
  }
}

/**
 * tf.image.mapCoordinates(inputs, coordinates, order, opts): keras.ops.image.map_coordinates.
 * `coordinates` ([inputs.rank, ...points], or an array of inputs.rank tensors of one shape) holds
 * for each output point its position along every axis of `inputs`; the result (shape `points`,
 * inputs' dtype) samples `inputs` there with order 0 (nearest, halves to even) or 1 (linear in
 * every axis), points outside read through `fillMode`. Integer inputs are interpolated in floats
 * and rounded back. Differentiable with respect to float inputs and, for order 1, the coordinates.
 */
function mapCoordinatesEager(inputsIn: Input, coordinatesIn: Input | readonly Tensor[], order: 0 | 1, opts: MapCoordinatesOptions = {}): Tensor {
  return mapCoordinatesImpl("image.mapCoordinates", inputsIn, coordinatesIn, order, opts);
}

function mapCoordinatesImpl(op: string, inputsIn: Input, coordinatesIn: Input | readonly Tensor[], order: 0 | 1, opts: MapCoordinatesOptions): Tensor {
  checkImageOptions(op, opts, ["fillMode", "fillValue"]);
  const fillMode = checkFillMode(op, opts.fillMode ?? "constant");
  const fillValue = checkFillValue(op, opts.fillValue ?? 0);
  if (order !== 0 && order !== 1) throw new RangeError(`${op}: order must be 0 (nearest) or 1 (linear), got ${valueText(order)}; higher spline orders are not supported, as in Keras`);
  const x = toTensor(inputsIn, op, "inputs");
  if (x.dtype === "bool" || x.dtype === "int64") throw new TypeError(`${op}: inputs must be float or int32/uint8 values, got ${x.dtype}; cast them first`);
  const coords = Array.isArray(coordinatesIn) && coordinatesIn.every((c) => c instanceof Tensor) ? stack(coordinatesIn as Tensor[]) : toTensor(coordinatesIn as Input, op, "coordinates");
  if (x.rank < 1 || coords.rank < 1 || coords.shape[0] !== x.rank) {
    throw new RangeError(`${op}: coordinates must be [${x.rank}, ...points], one row of positions per axis of inputs ${shapeText(x.shape)}, got shape ${shapeText(coords.shape)}`);
  }
  if (coords.rank < 2) throw new RangeError(`${op}: coordinates must have rank 2 or more ([${x.rank}, ...points]), got shape ${shapeText(coords.shape)}`);
  if (coords.dtype === "bool") throw new TypeError(`${op}: coordinates must be numbers, got bool`);
  const floatType: DType = isFloatDType(x.dtype) ? x.dtype : coords.dtype === "float64" ? "float64" : "float32";
  const points = coords.shape.slice(1);
  const count = points.reduce((a, b) => a * b, 1);
  const planes = unstack(coords, 0);
  const pos = Float64Array.from(num(coords), Number);
  for (const v of pos) {
    if (!Number.isFinite(v)) throw new RangeError(`${op}: coordinates must be finite, got ${valueText(v)}`);
  }
  // Per axis, its interpolation nodes: the fixed index of every point, whether the raw index is inside, and the node's weight.
  const axes = x.shape.map((size, d) => {
    const raw = pos.subarray(d * count, (d + 1) * count);
    const base = Array.from(raw, order === 0 ? roundHalfEven : Math.floor);
    const nodes = order === 0 ? [0] : [0, 1];
    let frac: Tensor | null = null;
    if (order === 1 && isFloatDType(coords.dtype)) {
      const c = cast(reshape(planes[d], [count]), floatType);
      frac = sub(c, floor(c));
    }
    return nodes.map((offset) => {
      const index = new Int32Array(count), inside = new Uint8Array(count);
      for (let p = 0; p < count; p++) {
        const i = base[p] + offset;
        index[p] = fixIndex(i, size, fillMode);
        inside[p] = i >= 0 && i < size ? 1 : 0;
      }
      let weight: Tensor | null = null;
      if (order === 1) {
        // Integer coordinates sit on the grid: all weight on the lower node.
        weight = frac === null ? (offset === 0 ? null : new Tensor(new Float32Array(count), [count], "float32")) : offset === 0 ? sub(1, frac) : frac;
        if (weight !== null && weight.dtype !== floatType) weight = cast(weight, floatType);
      }
      return { index, inside, weight };
    });
  });
  const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const flat = reshape(isFloatDType(x.dtype) ? x : cast(x, floatType), [x.size]);
  let result: Tensor | null = null;
  const corner = new Array<number>(x.rank).fill(0);
  for (;;) {
    const linear = new Int32Array(count), valid = new Uint8Array(count).fill(1);
    let allValid = true;
    for (let d = 0; d < x.rank; d++) {
      const node = axes[d][corner[d]];
      for (let p = 0; p < count; p++) {
        linear[p] += node.index[p] * strides[d];
        if (fillMode === "constant" && !node.inside[p]) valid[p] = 0;
      }
    }
    if (fillMode === "constant") allValid = valid.every((v) => v === 1);
    let value = gather(flat, new Tensor(linear, [count], "int32"));
    if (!allValid) value = where(new Tensor(valid, [count], "bool"), value, fillValue);
    for (let d = 0; d < x.rank; d++) {
      const w = axes[d][corner[d]].weight;
      if (w !== null) value = mul(value, w);
    }
    result = result === null ? value : add(result, value);
    let d = x.rank - 1;
    while (d >= 0 && corner[d] === axes[d].length - 1) corner[d--] = 0;
    if (d < 0) break;
    corner[d]++;
  }
  let out = reshape(result as Tensor, points);
  if (!isFloatDType(x.dtype)) {
    const [lo, hi] = x.dtype === "uint8" ? [0, 255] : [-2147483648, 2147483647];
    out = cast(clipByValue(round(out), lo, hi), x.dtype);
  }
  return out;
}

export interface AffineTransformOptions {
  /** "bilinear" (default) or "nearest". */
  interpolation?: TransformInterpolation;
  /** "constant" (default), "nearest", "wrap", "mirror" or "reflect", as mapCoordinates' fill modes. */
  fillMode?: MapFillMode;
  /** The value of points outside the image in "constant" mode. Default 0. */
  fillValue?: number;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: ImageDataFormat | null;
}

/**
 * tf.image.affineTransform(images, transform, opts): keras.ops.image.affine_transform. Each row
 * [a0, a1, a2, b0, b1, b2, c0, c1] of transform ([8], or [batch, 8] one per image; a single row
 * serves the whole batch) maps the OUTPUT point (x, y) to the INPUT point
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1, as tf.image.transform
 * (TensorFlow's ImageProjectiveTransformV3, which Keras' TensorFlow backend calls; Keras'
 * other backends take c0 = c1 = 0). Single images or batches, channels_last or channels_first.
 * Differentiable with respect to the images, not the transform (as Keras).
 */
function affineTransformEager(imagesIn: Input, transformIn: Input, opts: AffineTransformOptions = {}): Tensor {
  const op = "image.affineTransform";
  checkImageOptions(op, opts, ["interpolation", "fillMode", "fillValue", "dataFormat"]);
  const format = imageDataFormat(op, opts.dataFormat);
  const fillMode = checkFillMode(op, opts.fillMode ?? "constant");
  const x0 = toTensor(imagesIn, op, "images");
  checkImageRank(op, x0, format);
  const x = imageToChannelsLast(x0, format);
  const common = { interpolation: opts.interpolation, fillValue: opts.fillValue };
  // TensorFlow's kernel has no "mirror": that mode samples through mapCoordinates, one image at a time.
  const out = fillMode === "mirror" ? mirrorTransform(op, x, transformIn, opts) : projectiveTransform(op, x, transformIn, { ...common, fillMode });
  return imageFromChannelsLast(out, format);
}

function mirrorTransform(op: string, x: Tensor, transformIn: Input, opts: AffineTransformOptions): Tensor {
  const interpolation = opts.interpolation ?? "bilinear";
  if (interpolation !== "bilinear" && interpolation !== "nearest") throw new RangeError(`${op}: interpolation ${valueText(interpolation)} is not supported; use "bilinear" or "nearest"`);
  const fillValue = checkFillValue(op, opts.fillValue ?? 0);
  const t = toTensor(transformIn, op, "transforms");
  const batch = x.rank === 4 ? x.shape[0] : 1;
  const rows = t.rank === 1 ? 1 : t.shape[0];
  if (!(t.rank === 1 || t.rank === 2) || t.shape[t.rank - 1] !== 8 || (rows !== 1 && rows !== batch) || !isFloatDType(t.dtype) && t.dtype !== "int32") {
    throw new RangeError(`${op}: transforms must be numbers of shape [8], [1, 8] or [${batch}, 8] (one row [a0, a1, a2, b0, b1, b2, c0, c1] for all images or one per image), got ${t.dtype} ${shapeText(t.shape)}`);
  }
  const tv = Float64Array.from(num(t), Number);
  const [h, w, c] = x.shape.slice(-3);
  const images = x.rank === 4 ? unstack(x, 0) : [x];
  const outs = images.map((img, b) => {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = tv.subarray(rows === 1 ? 0 : b * 8, (rows === 1 ? 0 : b * 8) + 8);
    const n = h * w * c;
    const coords = new Float64Array(3 * n);
    let p = 0;
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const k = c0 * xx + c1 * y + 1;
        const sx = (a0 * xx + a1 * y + a2) / k, sy = (b0 * xx + b1 * y + b2) / k;
        for (let ch = 0; ch < c; ch++, p++) {
          coords[p] = sy;
          coords[n + p] = sx;
          coords[2 * n + p] = ch;
        }
      }
    }
    return mapCoordinatesImpl(op, img, new Tensor(coords, [3, h, w, c], "float64"), interpolation === "nearest" ? 0 : 1, { fillMode: "mirror", fillValue });
  });
  return x.rank === 4 ? stack(outs) : outs[0];
}

/** mapCoordinates, recording Keras' operation on symbolic tensors (see mapCoordinatesEager). */
export const mapCoordinates = sym.withSymbolic(mapCoordinatesEager, (inputs, coordinates, order, o = {}) => sym.symbolicOp("MapCoordinates", [inputs, Array.isArray(coordinates) ? [...coordinates] : coordinates], { order, fill_mode: o.fillMode ?? "constant", fill_value: o.fillValue ?? 0 }));

/** affineTransform, recording Keras' operation on symbolic tensors (see affineTransformEager). */
export const affineTransform = sym.withSymbolic(affineTransformEager, (images, transform, o = {}) => sym.symbolicOp("AffineTransform", [images, transform], { interpolation: o.interpolation ?? "bilinear", fill_mode: o.fillMode ?? "constant", fill_value: o.fillValue ?? 0, data_format: o.dataFormat ?? null }));
