import type { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { normalizeAxis } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import { logicalXor, sub } from "./math.js";
import { slice } from "./shape.js";
import * as sym from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";

/** keras.ops.diff(a, n = 1, axis = -1) (numpy.diff): the n-th forward difference along `axis` (n fewer elements; bool: "not equal"). */
function diffEager(aIn: Input, n = 1, axis = -1): Tensor {
  const op = "diff";
  let a = toTensor(aIn, op);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: n must be a non-negative integer, got ${n}`);
  if (a.rank === 0) throw new RangeError(`${op}: a must have at least one axis, got a scalar`);
  const ax = normalizeAxis(axis, a.rank, op);
  for (let i = 0; i < n; i++) {
    const len = a.shape[ax];
    if (len === 0) break;
    const begin = a.shape.map(() => 0), size = a.shape.map(() => -1);
    size[ax] = len - 1;
    const head = slice(a, begin, size);
    begin[ax] = 1;
    const tail = slice(a, begin, size);
    a = a.dtype === "bool" ? logicalXor(tail, head) : sub(tail, head);
  }
  return a;
}
export const diff = sym.withSymbolic(diffEager, (a, n = 1, axis = -1) => sym.symbolicOp("Diff", [a], { n, axis }));

/**
 * keras.ops.logspace(start, stop, num = 50, endpoint = true, base = 10, dtype = "float32")
 * (numpy.logspace): base ** linspace(start, stop, num), computed in double precision.
 */
export function logspace(start: number, stop: number, num = 50, endpoint = true, base = 10, dtype: DType = "float32"): Tensor {
  const op = "logspace";
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`${op}: num must be a non-negative integer, got ${valueText(num)}`);
  if (!isFloatDType(dtype)) throw new TypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const values = Array.from({ length: num }, (_, i) => base ** (endpoint && i === num - 1 && num > 1 ? stop : start + i * step));
  return constant(values, [num], dtype);
}
