import { Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, backend, emptyTensor, num, record, toTensor } from "./engine.js";
import { cast, greaterEqual, less, logicalAnd, notEqual, where, clipByValue } from "./math.js";
import { sum, type AxisArg } from "./reduce.js";
import { takeAlongAxis } from "./arrange.js";
import { integerValues } from "./indices.js";

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

/**
 * tf.bincount(x, weights, size): for 1-D x, out[v] counts the elements of x equal to v (or adds up
 * their weights) for v in [0, size); values >= size are left out. 2-D x counts each row on its own
 * ([rows, size], as tf.denseBincount). Without weights (null or an empty tensor) the result is
 * int32; with them, the weights' dtype, and their gradient is dy at each element's bin.
 */
export function bincount(xIn: Input, weightsIn: Input | null, size: number): Tensor {
  const op = "bincount";
  const x = toTensor(xIn, op);
  if (x.rank !== 1 && x.rank !== 2) throw new RangeError(`${op}: x must be 1-D (or 2-D, one count per row), got ${text(x)}`);
  const values = integerValues(op, x, "x");
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`${op}: size must be a non-negative integer, got ${size}`);
  const negative = values.findIndex((v) => v < 0);
  if (negative >= 0) throw new RangeError(`${op}: x holds ${values[negative]} at flat position ${negative}; values must be >= 0`);
  let w = weightsIn === null ? null : toTensor(weightsIn, op, "weights");
  if (w !== null && w.size === 0) w = null;
  if (w !== null) {
    if (w.shape.length !== x.rank || w.shape.some((d, i) => d !== x.shape[i])) {
      throw new RangeError(`${op}: weights ${text(w)} must have the shape of x ${text(x)} (or be null)`);
    }
    if (w.dtype === "bool" || w.dtype === "int64" || w.dtype === "uint8" || w.dtype === "int8") throw new TypeError(`${op}: weights must be float32, float64 or int32, got ${text(w)}`);
  }
  const n = x.shape[x.rank - 1];
  const rows = x.rank === 2 ? x.shape[0] : 1;
  const out = emptyTensor(x.rank === 2 ? [rows, size] : [size], w === null ? "int32" : w.dtype);
  backend().bincount(values, rows, n, w === null ? null : num(w), size, num(out));
  if (w !== null) {
    const weights = w;
    record(op, [weights], out, ([dy]) => {
      const xi = new Tensor(values, x.shape, "int32");
      const inRange = logicalAnd(greaterEqual(xi, 0), less(xi, size));
      if (size === 0) return [zerosLike(weights)];
      return [where(inRange, takeAlongAxis(dy, clipByValue(xi, 0, size - 1), -1), 0)];
    });
  }
  return out;
}

/** keras.ops.count_nonzero(x, axis = null, keepDims = false): how many elements are not 0 (or true), as int32. */
export function countNonzero(xIn: Input, axis: AxisArg = null, keepDims = false): Tensor {
  const x = toTensor(xIn, "countNonzero");
  const nonzero = x.dtype === "bool" ? x : notEqual(x, 0);
  return sum(cast(nonzero, "int32"), axis, keepDims);
}
