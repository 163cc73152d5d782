import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import { add, cast, isNaN, mul, sub, where } from "./math.js";
import { gather, reshape } from "./shape.js";
import { moveaxis } from "./arrange.js";
import { sort } from "./sort.js";
import * as sym from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";

export type QuantileMethod = "linear" | "lower" | "higher" | "midpoint" | "nearest";
const METHODS: readonly QuantileMethod[] = ["linear", "lower", "higher", "midpoint", "nearest"];

/** numpy.around: halves to the even neighbour. */
function roundHalfEven(h: number): number {
  const f = Math.floor(h);
  const d = h - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/**
 * keras.ops.quantile(x, q, axis = null, method = "linear", keepdims = false) (numpy.quantile): the
 * q-th quantiles (q in [0, 1], one number or a list) along the axes (all of x, flattened, when
 * null). Between the sorted values i < j at the virtual index q * (n - 1): "linear" interpolates,
 * "lower" takes i, "higher" j, "midpoint" (i + j) / 2 and "nearest" the closer one (halves to the
 * even index, as numpy). A list q puts its axis first. NaN in a group gives NaN; integer x gives
 * float32. The gradient goes to the sorted values used, as numpy's definition through sort implies.
 */
function quantileEager(xIn: Input, q: number | readonly number[] | Tensor, axis: number | readonly number[] | null = null,
  method: QuantileMethod = "linear", keepDims = false): Tensor {
  const op = "quantile";
  let x = toTensor(xIn, op);
  if (x.dtype === "bool" || x.dtype === "int64") throw new TypeError(`${op}: x must be a number tensor (float, int32 or uint8), got ${x.dtype} ${shapeText(x.shape)}`);
  if (!isFloatDType(x.dtype)) x = cast(x, "float32");
  if (!METHODS.includes(method)) throw new RangeError(`${op}: method must be one of ${METHODS.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(method)}`);
  const qt = q instanceof Tensor ? q : constant(q as number | number[], "float64");
  if (qt.rank > 1) throw new RangeError(`${op}: q must be a number or a 1-D list of probabilities, got shape ${shapeText(qt.shape)}`);
  const qs = Array.from(qt.dataSync() as ArrayLike<number>, Number);
  const badQ = qs.find((v) => !(v >= 0 && v <= 1));
  if (badQ !== undefined) throw new RangeError(`${op}: every q must be a probability in [0, 1], got ${valueText(badQ)}`);
  const axes = axis === null ? x.shape.map((_, i) => i) : (typeof axis === "number" ? [axis] : [...axis]).map((v) => normalizeAxis(v, x.rank, op));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${op}: repeated axis in ${JSON.stringify(axis)}`);
  if (axes.some((d) => x.shape[d] === 0) || x.size === 0) throw new RangeError(`${op}: cannot take quantiles over an empty axis of x ${x.dtype} ${shapeText(x.shape)}`);
  // The reduced axes moved last and merged into one, which is sorted (NaN last).
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const grouped = reshape(moveaxis(x, axes, axes.map((_, i) => keep.length + i)), [...keep.map((i) => x.shape[i]), -1]);
  const n = grouped.shape[grouped.rank - 1];
  const sorted = sort(grouped, -1);
  const take = (idx: number[]): Tensor => gather(sorted, constant(idx, [idx.length], "int32"), -1);
  const h = qs.map((v) => v * (n - 1));
  const lo = take(h.map(Math.floor)), hi = take(h.map((v) => Math.min(Math.ceil(v), n - 1)));
  let out: Tensor;
  if (method === "lower") out = lo;
  else if (method === "higher") out = hi;
  else if (method === "nearest") out = take(h.map((v) => Math.min(roundHalfEven(v), n - 1)));
  else {
    // numpy's lerp: from the nearer end, so t = 1 gives hi exactly.
    const t = method === "midpoint" ? h.map((v) => (v === Math.floor(v) ? 0 : 0.5)) : h.map((v) => v - Math.floor(v));
    const diff = sub(hi, lo);
    const fromLo = add(lo, mul(diff, constant(t, [t.length], x.dtype)));
    const fromHi = sub(hi, mul(diff, constant(t.map((v) => 1 - v), [t.length], x.dtype)));
    out = where(constant(t.map((v) => v >= 0.5), [t.length], "bool"), fromHi, fromLo);
  }
  out = where(isNaN(take([n - 1])), NaN, out);
  // [..., nq] -> the quantiles' axis first (or gone for a single q), the reduced axes kept as 1 when asked.
  const reducedShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : keep.map((i) => x.shape[i]);
  if (qt.rank === 0) return reshape(out, reducedShape);
  return reshape(moveaxis(out, -1, 0), [qs.length, ...reducedShape]);
}

/** quantile, recording Keras' operation on symbolic tensors (see quantileEager). */
export const quantile = sym.withSymbolic(quantileEager, (x, q, axis = null, method = "linear", keepdims = false) => sym.symbolicOp("Quantile", [x, sym.constantArg(q)], { axis: sym.axisConfig(axis), method, keepdims }));
