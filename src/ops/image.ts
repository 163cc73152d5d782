import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Input, toTensor } from "./engine.js";
import { add, cast, mul, round, sub, clipByValue } from "./math.js";
import { gather, reshape } from "./shape.js";
import { sum } from "./reduce.js";
import { valueText } from "../tensor/value_text.js";

/** TensorFlow's luma weights (ITU-R 601-2), as tf.image.rgb_to_grayscale. */
const LUMA = [0.2989, 0.587, 0.114];

/**
 * tf.image.rgbToGrayscale(images): [..., 3] -> [..., 1]. Float images stay in their dtype; integer
 * images are converted, weighted and rounded back to their dtype, as TensorFlow does.
 */
export function rgbToGrayscale(imagesIn: Input): Tensor {
  const x = toTensor(imagesIn, "image.rgbToGrayscale");
  if (x.rank < 1 || x.shape[x.rank - 1] !== 3) {
    throw new RangeError(`image.rgbToGrayscale: the last axis must hold 3 channels (RGB), got shape ${shapeText(x.shape)}`);
  }
  const floatType = isFloatDType(x.dtype) ? x.dtype : "float32";
  const weights = new Tensor(floatType === "float64" ? Float64Array.from(LUMA) : Float32Array.from(LUMA), [3], floatType);
  const gray = sum(mul(cast(x, floatType), weights), -1, true);
  if (isFloatDType(x.dtype)) return gray;
  const hi = x.dtype === "uint8" ? 255 : 2147483647;
  return cast(clipByValue(round(gray), 0, hi), x.dtype);
}

export type ResizeMethod = "bilinear" | "nearest";

/** Source positions of each output row/column under TF2's half-pixel-centers convention. */
function sourceIndex(outSize: number, inSize: number, method: ResizeMethod): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const scale = inSize / outSize;
  const lo = new Int32Array(outSize), hi = new Int32Array(outSize), frac = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (method === "nearest") {
      lo[o] = hi[o] = Math.min(Math.floor((o + 0.5) * scale), inSize - 1);
      continue;
    }
    const src = Math.max((o + 0.5) * scale - 0.5, 0);
    const f = Math.floor(src);
    lo[o] = Math.min(f, inSize - 1);
    hi[o] = Math.min(f + 1, inSize - 1);
    frac[o] = src - f;
  }
  return { lo, hi, frac };
}

/** Interpolates along one spatial axis of an NHWC batch (axis 1 or 2). */
function resizeAxis(x: Tensor, axis: 1 | 2, outSize: number, method: ResizeMethod): Tensor {
  const inSize = x.shape[axis];
  if (inSize === outSize) return x;
  const { lo, hi, frac } = sourceIndex(outSize, inSize, method);
  const a = gather(x, new Tensor(lo, [outSize], "int32"), axis);
  if (method === "nearest") return a;
  const b = gather(x, new Tensor(hi, [outSize], "int32"), axis);
  const wShape = axis === 1 ? [1, outSize, 1, 1] : [1, 1, outSize, 1];
  const w = reshape(new Tensor(x.dtype === "float64" ? frac : Float32Array.from(frac), [outSize], x.dtype), wShape);
  return add(a, mul(sub(b, a), w));
}

/**
 * tf.image.resize(images, [height, width], { method }) for [h, w, c] or [n, h, w, c] images, with
 * TF2's half-pixel centers and no antialiasing. Bilinear returns float32 (float64 stays float64);
 * nearest keeps the dtype. Differentiable (it is built from gather and arithmetic).
 */
export function resize(imagesIn: Input, size: readonly [number, number], opts: { method?: ResizeMethod } = {}): Tensor {
  const x0 = toTensor(imagesIn, "image.resize");
  const method = opts.method ?? "bilinear";
  if (method !== "bilinear" && method !== "nearest") {
    throw new RangeError(`image.resize: method ${JSON.stringify(method)} is not supported; use "bilinear" or "nearest"`);
  }
  if (x0.rank !== 3 && x0.rank !== 4) {
    throw new RangeError(`image.resize: images must be [height, width, channels] or [batch, height, width, channels], got shape ${shapeText(x0.shape)}`);
  }
  const [h, w] = size;
  if (![h, w].every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`image.resize: size must be two positive integers [height, width], got ${valueText(size)}`);
  }
  let x = x0.rank === 3 ? reshape(x0, [1, ...x0.shape]) : x0;
  if (method === "bilinear" && !isFloatDType(x.dtype)) x = cast(x, "float32");
  const out = resizeAxis(resizeAxis(x, 1, h, method), 2, w, method);
  return x0.rank === 3 ? reshape(out, out.shape.slice(1)) : out;
}
