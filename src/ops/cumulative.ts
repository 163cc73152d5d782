import { type Tensor, makeTensor, storageOf } from "../tensor/tensor.js";
import { castValues, zerosLike } from "../tensor/creation.js";
import { normalizeAxis, sizeOf } from "../tensor/shape.js";
import { type Input, backend, num, outputTensor, record, toTensor } from "./engine.js";
import { cast, div, equal, logicalAnd, mul, where } from "./math.js";
import { concat, reverse, slice } from "./shape.js";
import { installMethods } from "./methods.js";
import { booleanOption } from "../tensor/option_checks.js";

interface Flags {
  exclusive: boolean;
  reverse: boolean;
}

/** Numbers to accumulate: bool counts as int32 (as tf.sum), int64 is refused. */
function cumulativeInput(op: string, xIn: Input): Tensor {
  const x = toTensor(xIn, op);
  if (x.dtype === "int64") throw new TypeError(`${op}: int64 tensors are not supported by ${op} (its kernel accumulates in JavaScript numbers, inexact past 2^53); cast to "int32" or "float64" first`);
  if (x.dtype === "bool") return makeTensor(castValues(storageOf(x), "bool", "int32") as Int32Array, x.shape, "int32");
  return x;
}

function run(op: "sum" | "prod", name: string, x: Tensor, axis: number, flags: Flags): { out: Tensor; a: number } {
  if (x.rank === 0) throw new RangeError(`${name}: needs a tensor of rank >= 1, got a scalar; reshape it with tf.reshape(x, [1])`);
  booleanOption(name, "exclusive", flags.exclusive);
  booleanOption(name, "reverse", flags.reverse);
  const a = normalizeAxis(axis, x.rank, name);
  const out = outputTensor(x.shape, x.dtype);
  backend().cumulative(op, num(x), sizeOf(x.shape.slice(0, a)), x.shape[a], sizeOf(x.shape.slice(a + 1)),
    flags.exclusive, flags.reverse, num(out));
  return { out, a };
}

/**
 * tf.cumsum(x, axis = 0, exclusive = false, reverse = false): running sums along `axis`.
 * exclusive leaves each element out of its own sum (the first is 0); reverse sums from the end.
 * bool counts as int32; int32 sums wrap as TF's do. The gradient is the cumsum of dy the other way.
 */
export function cumsum(xIn: Input, axis = 0, exclusive = false, reverse = false): Tensor {
  const x = cumulativeInput("cumsum", xIn);
  const { out, a } = run("sum", "cumsum", x, axis, { exclusive, reverse });
  record("cumsum", [x], out, ([dy]) => [cumsum(dy, a, exclusive, !reverse)]);
  return out;
}

/**
 * tf.cumprod(x, axis = 0, exclusive = false, reverse = false): running products along `axis`
 * (exclusive: the first is 1). The gradient is exact where x has zeros (as torch's, where TF's
 * divides by x and gives NaN there).
 */
export function cumprod(xIn: Input, axis = 0, exclusive = false, reverse = false): Tensor {
  const x = cumulativeInput("cumprod", xIn);
  const { out, a } = run("prod", "cumprod", x, axis, { exclusive, reverse });
  record("cumprod", [x], out, ([dy]) => [cumprodGrad(x, dy, a, exclusive, reverse)]);
  return out;
}

/**
 * The gradient of cumprod, reduced to the inclusive forward scan: reverse flips x and dy, and an
 * exclusive scan (out[i] = inclusive[i - 1]) passes dy one place back. For the inclusive scan
 * y = cumprod(x), dx[i] = sum over j >= i of dy[j] * prod(x[k], k <= j, k != i): that is
 * revcumsum(dy * y)[i] / x[i] before the first zero of the row; at the first zero, revcumsum(dy * y')
 * with y' the scan of x with that zero taken as 1; after it, 0.
 */
function cumprodGrad(x: Tensor, dy: Tensor, axis: number, exclusive: boolean, rev: boolean): Tensor {
  const xs = rev ? reverse(x, axis) : x;
  let g = rev ? reverse(dy, axis) : dy;
  if (exclusive) g = shiftBack(g, axis);
  const isZero = equal(xs, 0);
  const zerosSoFar = cumsum(cast(isZero, "int32"), axis);
  const beforeZero = equal(zerosSoFar, 0);
  const firstZero = logicalAnd(isZero, equal(zerosSoFar, 1));
  const y = cumprod(xs, axis);
  const safe = where(isZero, 1, xs);
  const before = div(cumsum(mul(g, y), axis, false, true), safe);
  const atZero = cumsum(mul(g, cumprod(where(firstZero, 1, xs), axis)), axis, false, true);
  const dx = where(beforeZero, before, where(firstZero, atZero, 0));
  return rev ? reverse(dx, axis) : dx;
}

/** dy[i + 1] at place i (0 at the last place): what an exclusive scan's output i = inclusive[i - 1] sends back. */
function shiftBack(dy: Tensor, axis: number): Tensor {
  const n = dy.shape[axis];
  if (n <= 1) return zerosLike(dy);
  const begin = dy.shape.map((_, i) => (i === axis ? 1 : 0));
  const rest = slice(dy, begin, dy.shape.map((d, i) => (i === axis ? n - 1 : d)));
  const last = slice(dy, dy.shape.map(() => 0), dy.shape.map((d, i) => (i === axis ? 1 : d)));
  return concat([rest, zerosLike(last)], axis);
}

declare module "../tensor/tensor.js" {
  interface Tensor {
    cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
  }
}

installMethods({ cumsum, cumprod });
