import { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, shapeText } from "../tensor/shape.js";
import { constant } from "../tensor/creation.js";
import { type Input, assertFloat, toTensor } from "./engine.js";
import { add, mul, neg, rsqrt, sub } from "./math.js";
import { valueText } from "../tensor/value_text.js";

/** A parameter as a tensor of x's dtype (plain numbers and arrays adopt it). */
function param(op: string, name: string, v: Input, x: Tensor): Tensor {
  const t = v instanceof Tensor ? v : constant(v, x.dtype);
  if (t.dtype !== x.dtype) {
    throw new TypeError(`${op}: ${name} is ${t.dtype} ${shapeText(t.shape)} but x is ${x.dtype}; cast it with tf.cast(${name}, "${x.dtype}")`);
  }
  return t;
}

/**
 * tf.nn.batch_normalization(x, mean, variance, offset, scale, varianceEpsilon):
 * (x - mean) * scale / sqrt(variance + eps) + offset, with every parameter broadcast against x.
 * Computed as TensorFlow (and Keras' BatchNormalization) does, so float32 results round alike:
 * inv = rsqrt(variance + eps) * scale; y = x * inv + (offset - mean * inv).
 * Gradients flow to x, mean, variance, offset and scale.
 */
export function batchNormalization(
  xIn: Input, meanIn: Input, varianceIn: Input,
  offsetIn?: Input | null, scaleIn?: Input | null, varianceEpsilon = 1e-3,
): Tensor {
  const op = "batchNormalization";
  const x = toTensor(xIn, op);
  assertFloat(op, x);
  if (typeof varianceEpsilon !== "number" || !(varianceEpsilon >= 0)) {
    throw new RangeError(`${op}: varianceEpsilon must be a non-negative number, got ${valueText(varianceEpsilon)}`);
  }
  const mean = param(op, "mean", meanIn, x);
  const variance = param(op, "variance", varianceIn, x);
  const offset = offsetIn === undefined || offsetIn === null ? null : param(op, "offset", offsetIn, x);
  const scale = scaleIn === undefined || scaleIn === null ? null : param(op, "scale", scaleIn, x);
  let shape: readonly number[] = x.shape;
  for (const [name, t] of [["mean", mean], ["variance", variance], ["offset", offset], ["scale", scale]] as const) {
    if (!t) continue;
    try {
      shape = broadcastShapes(shape, t.shape, op);
    } catch {
      throw new RangeError(
        `${op}: ${name} ${shapeText(t.shape)} does not broadcast against x ${shapeText(x.shape)}; ` +
          `give it x's shape with 1 in the reduced axes (e.g. keepDims moments) or the size of the last axis`,
      );
    }
  }
  let inv = rsqrt(add(variance, varianceEpsilon));
  if (scale) inv = mul(inv, scale);
  const shift = offset ? sub(offset, mul(mean, inv)) : neg(mul(mean, inv));
  return add(mul(x, inv), shift);
}
