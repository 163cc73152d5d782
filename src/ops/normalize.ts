import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, assertFloat, assertSameDType, toTensor, toTensorPair } from "./engine.js";
import { cast, div, log, maximum, mul, squaredDifference, sub } from "./math.js";
import { valueText } from "../tensor/value_text.js";
import { mean } from "./reduce.js";
import { expandDims } from "./shape.js";
import { norm } from "./linalg.js";
import { epsilon } from "../tensor/config.js";
import * as sym from "./symbolic.js";

/**
 * keras.ops.normalize(x, axis = -1, order = 2): x divided by its `order`-norm along `axis`
 * (at least config.epsilon(), 1e-7 unless set, so a zero vector stays zero). A scalar is treated as a 1-vector.
 */
function normalizeEager(xIn: Input, axis = -1, order = 2): Tensor {
  const op = "normalize";
  let x = toTensor(xIn, op);
  // Keras' norm computes integer and bool inputs in float32 (result_type(dtype, "float32")).
  if (x.dtype !== "float32" && x.dtype !== "float64") x = cast(x, "float32");
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`${op}: order must be an integer >= 1, got ${valueText(order)}`);
  if (x.rank === 0) x = expandDims(x, 0);
  return div(x, maximum(norm(x, order, axis, true), epsilon()));
}
export const normalize = sym.withSymbolic(normalizeEager, (x, axis = -1, order = 2) => sym.symbolicOp("Normalize", [x], { axis, order }));

/**
 * keras.ops.psnr(x1, x2, maxVal): the peak signal-to-noise ratio in dB,
 * 20 log10(maxVal) - 10 log10(mean((x1 - x2)^2)) over all elements (Infinity for equal inputs).
 */
function psnrEager(x1In: Input, x2In: Input, maxVal: number): Tensor {
  const op = "psnr";
  const [x1, x2] = toTensorPair(x1In, x2In, op);
  assertSameDType(op, x1, x2);
  assertFloat(op, x1, "x1");
  if (x1.rank !== x2.rank || x1.shape.some((d, i) => d !== x2.shape[i])) {
    throw new RangeError(`${op}: x1 ${shapeText(x1.shape)} and x2 ${shapeText(x2.shape)} must have the same shape`);
  }
  if (!(maxVal > 0)) throw new RangeError(`${op}: maxVal must be a positive number, got ${valueText(maxVal)}`);
  const mse = mean(squaredDifference(x1, x2));
  return sub(20 * Math.log10(maxVal), mul(log(mse), 10 / Math.LN10));
}

/** psnr, recording Keras' operation on symbolic tensors (see psnrEager). */
export const psnr = sym.withSymbolic(psnrEager, (x1, x2, maxVal) => sym.symbolicOp("PSNR", [x1, x2], { max_val: maxVal }));
