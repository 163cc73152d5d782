/**
 * keras.ops.image.rgb_to_hsv and hsv_to_rgb with TensorFlow's formulas (as Keras' torch backend
 * writes them), built from differentiable ops so that their gradients come from the tape.
 */
import type { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Input, toTensor } from "./engine.js";
import { abs, add, clipByValue, div, equal, greater, less, maximum, minimum, mod, mul, sub, where, cast } from "./math.js";
import { stack, unstack } from "./shape.js";
import { shapeText } from "../tensor/shape.js";
import { checkImageRank, imageAxes, imageDataFormat, type ImageDataFormat } from "./image_format.js";
import * as sym from "./symbolic.js";

export interface ColorOptions {
  /** "channels_last" (default: [..., height, width, 3]) or "channels_first" ([..., 3, height, width]). */
  dataFormat?: ImageDataFormat | null;
}

/** Machine epsilon of each float dtype: Keras zeroes channel values smaller than it before the conversion. */
const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

function colorPlanes(op: string, imagesIn: Input, opts: ColorOptions): { planes: Tensor[]; axis: number; x: Tensor } {
  const format = imageDataFormat(op, opts.dataFormat);
  const x = toTensor(imagesIn, op, "images");
  checkImageRank(op, x, format);
  if (!isFloatDType(x.dtype)) {
    throw new TypeError(`${op}: images must be float32 or float64 (values in [0, 1]), got ${x.dtype}; e.g. tf.div(tf.cast(images, "float32"), 255)`);
  }
  const axis = imageAxes(x.rank, format).c;
  if (x.shape[axis] !== 3) {
    throw new RangeError(`${op}: images must have 3 channels on axis ${axis} (${format}), got shape ${shapeText(x.shape)}`);
  }
  return { planes: unstack(x, axis), axis, x };
}

/**
 * tf.image.rgbToHsv(images, { dataFormat }): keras.ops.image.rgb_to_hsv. Float RGB in [0, 1] to
 * hue, saturation, value in [0, 1] (hue 0 red, 1/3 green, 2/3 blue; 0 for greys), single images
 * or batches. Differentiable (TensorFlow's piecewise formula; at ties between channels the
 * gradient takes one branch).
 */
function rgbToHsvEager(imagesIn: Input, opts: ColorOptions = {}): Tensor {
  const { planes, axis, x } = colorPlanes("image.rgbToHsv", imagesIn, opts);
  const eps = EPS[x.dtype as "float32" | "float64"];
  const [r, g, b] = planes.map((p) => where(less(abs(p), eps), 0, p));
  const value = maximum(maximum(r, g), b);
  const range = sub(value, minimum(minimum(r, g), b));
  const positiveValue = greater(value, 0), positiveRange = greater(range, 0);
  const saturation = where(positiveValue, div(range, where(positiveValue, value, 1)), 0);
  const norm = div(1, mul(where(positiveRange, range, 1), 6));
  let hue = where(equal(value, g), add(mul(norm, sub(b, r)), 2 / 6), add(mul(norm, sub(r, g)), 4 / 6));
  hue = where(equal(value, r), mul(norm, sub(g, b)), hue);
  hue = add(where(positiveRange, hue, 0), cast(less(hue, 0), x.dtype));
  return stack([hue, saturation, value], axis);
}

/**
 * tf.image.hsvToRgb(images, { dataFormat }): keras.ops.image.hsv_to_rgb, the inverse of
 * rgbToHsv (hue taken modulo 1). Float images only; differentiable.
 */
function hsvToRgbEager(imagesIn: Input, opts: ColorOptions = {}): Tensor {
  const { planes: [hue, saturation, value], axis } = colorPlanes("image.hsvToRgb", imagesIn, opts);
  const dh = mul(mod(hue, 1), 6);
  const dr = clipByValue(sub(abs(sub(dh, 3)), 1), 0, 1);
  const dg = clipByValue(sub(2, abs(sub(dh, 2))), 0, 1);
  const db = clipByValue(sub(2, abs(sub(dh, 4))), 0, 1);
  const oneMinusS = sub(1, saturation);
  const channel = (d: Tensor): Tensor => mul(value, add(oneMinusS, mul(saturation, d)));
  return stack([channel(dr), channel(dg), channel(db)], axis);
}

/** rgbToHsv, recording Keras' operation on symbolic tensors (see rgbToHsvEager). */
export const rgbToHsv = sym.withSymbolic(rgbToHsvEager, (images, opts = {}) => sym.symbolicOp("RGBToHSV", [images], { data_format: opts.dataFormat ?? null }));

/** hsvToRgb, recording Keras' operation on symbolic tensors (see hsvToRgbEager). */
export const hsvToRgb = sym.withSymbolic(hsvToRgbEager, (images, opts = {}) => sym.symbolicOp("HSVToRGB", [images], { data_format: opts.dataFormat ?? null }));
