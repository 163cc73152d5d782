/**
 * keras.ops' NaN-ignoring reductions (new since Keras 3.5) and their neighbours: nanmax, nanmin,
 * nanmean, nansum, nanprod, nanstd, nanvar, nanmedian, nanpercentile, nanquantile, nancumsum,
 * nancumprod, nanargmax, nanargmin, percentile, ptp and allclose, with the dtypes Keras 3.15's
 * numpy backend returns. Each is composed of lamina's differentiable ops: NaN is replaced by the
 * reduction's neutral value (0 for sums, 1 for products, -inf / +inf for max / min) and counted
 * out, so gradients flow to the values that are not NaN. A group of NaN only gives NaN (nanmax,
 * nanmean, nanquantile ...), 0 (nansum), 1 (nanprod) or -1 (nanargmax, nanargmin), as numpy does.
 */
import { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import * as red from "./reduce.js";
import * as shp from "./shape.js";
import { moveaxis, takeAlongAxis } from "./arrange.js";
import { cumprod as tfCumprod, cumsum as tfCumsum } from "./cumulative.js";
import { sort } from "./sort.js";
import * as sym from "./symbolic.js";
import { kerasFloatDType, quantile as kQuantile } from "./keras_float.js";
import { isclose as kIsclose } from "./keras_promoted.js";
import type { QuantileMethod } from "./quantile.js";

type AxisArg = number | readonly number[] | null;
const ax = (a: AxisArg): number | readonly number[] | undefined => a ?? undefined;
const as = (x: Tensor, dtype: DType): Tensor => (x.dtype === dtype ? x : m.cast(x, dtype));

/** x with its NaN replaced by `value` (floats only: other dtypes hold no NaN). */
const nanTo = (x: Tensor, value: number): Tensor => (isFloatDType(x.dtype) ? m.where(m.isNaN(x), value, x) : x);

/** Keras' nansum/nanprod dtype: bool counts as int32; uint8 too (numpy's uint32, which lamina lacks, as Keras' torch backend gives int32). */
const countingDType = (d: DType): DType => (d === "bool" || d === "uint8" ? "int32" : d);

function nansumEager(xIn: Input, axis: AxisArg = null, keepdims = false): Tensor {
  const x = toTensor(xIn, "nansum");
  return red.sum(nanTo(as(x, countingDType(x.dtype)), 0), ax(axis), keepdims);
}
/** keras.ops.nansum(x, axis = null, keepdims = false): the sum, NaN counted as 0; bool and uint8 give int32. */
export const nansum = sym.withSymbolic(nansumEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Nansum", [x], { axis: sym.axisConfig(axis), keepdims }));

function nanprodEager(xIn: Input, axis: AxisArg = null, keepdims = false): Tensor {
  const x = toTensor(xIn, "nanprod");
  return red.prod(nanTo(as(x, countingDType(x.dtype)), 1), ax(axis), keepdims);
}
/** keras.ops.nanprod(x, axis = null, keepdims = false): the product, NaN counted as 1; bool and uint8 give int32. */
export const nanprod = sym.withSymbolic(nanprodEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Nanprod", [x], { axis: sym.axisConfig(axis), keepdims }));

function nanExtreme(op: "nanmax" | "nanmin"): (xIn: Input, axis?: AxisArg, keepdims?: boolean) => Tensor {
  const isMax = op === "nanmax";
  return (xIn, axis = null, keepdims = false) => {
    const x = toTensor(xIn, op);
    if (x.dtype === "bool") return (isMax ? red.any : red.all)(x, ax(axis), keepdims);
    const f = isMax ? red.max : red.min;
    if (!isFloatDType(x.dtype)) return f(x, ax(axis), keepdims);
    const nan = m.isNaN(x);
    const y = f(m.where(nan, isMax ? -Infinity : Infinity, x), ax(axis), keepdims);
    return m.where(red.all(nan, ax(axis), keepdims), NaN, y);
  };
}
/** keras.ops.nanmax(x, axis = null, keepdims = false): the maximum ignoring NaN (NaN for a group of NaN only); x's dtype. */
export const nanmax = sym.withSymbolic(nanExtreme("nanmax"), (x, axis = null, keepdims = false) => sym.symbolicOp("Nanmax", [x], { axis: sym.axisConfig(axis), keepdims }));
/** keras.ops.nanmin(x, axis = null, keepdims = false): the minimum ignoring NaN. */
export const nanmin = sym.withSymbolic(nanExtreme("nanmin"), (x, axis = null, keepdims = false) => sym.symbolicOp("Nanmin", [x], { axis: sym.axisConfig(axis), keepdims }));

/** The sum of the values that are not NaN and their count, in `dtype`. */
function sumAndCount(x: Tensor, axis: AxisArg, keepdims: boolean): [Tensor, Tensor] {
  const valid = m.logicalNot(m.isNaN(x));
  return [red.sum(nanTo(x, 0), ax(axis), keepdims), red.sum(m.cast(valid, x.dtype), ax(axis), keepdims)];
}

function nanmeanEager(xIn: Input, axis: AxisArg = null, keepdims = false): Tensor {
  const x0 = toTensor(xIn, "nanmean");
  const [s, c] = sumAndCount(as(x0, kerasFloatDType(x0.dtype)), axis, keepdims);
  return m.div(s, c);
}
/** keras.ops.nanmean(x, axis = null, keepdims = false): the mean of the values that are not NaN; ints give floatx(). */
export const nanmean = sym.withSymbolic(nanmeanEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Nanmean", [x], { axis: sym.axisConfig(axis), keepdims }));

/** The population variance (ddof 0) of the values that are not NaN: computed in float32 or float64, returned in result_type(x, float). */
function nanVariance(xIn: Input, axis: AxisArg, keepdims: boolean, op: string): Tensor {
  const x0 = toTensor(xIn, op);
  const x = as(x0, x0.dtype === "float64" ? "float64" : "float32");
  const [s, c] = sumAndCount(x, axis, true);
  const dev = nanTo(m.sub(x, m.div(s, c)), 0);
  const v = m.div(red.sum(m.square(dev), ax(axis), keepdims), sumAndCount(x, axis, keepdims)[1]);
  return as(v, kerasFloatDType(x0.dtype));
}
function nanvarEager(x: Input, axis: AxisArg = null, keepdims = false): Tensor {
  return nanVariance(x, axis, keepdims, "nanvar");
}
/** keras.ops.nanvar(x, axis = null, keepdims = false): the variance (ddof 0) of the values that are not NaN. */
export const nanvar = sym.withSymbolic(nanvarEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Nanvar", [x], { axis: sym.axisConfig(axis), keepdims }));
function nanstdEager(x: Input, axis: AxisArg = null, keepdims = false): Tensor {
  return m.sqrt(nanVariance(x, axis, keepdims, "nanstd"));
}
/** keras.ops.nanstd(x, axis = null, keepdims = false): the standard deviation (ddof 0) of the values that are not NaN. */
export const nanstd = sym.withSymbolic(nanstdEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Nanstd", [x], { axis: sym.axisConfig(axis), keepdims }));

const METHODS: readonly QuantileMethod[] = ["linear", "lower", "higher", "midpoint", "nearest"];
type Q = number | readonly number[] | Tensor;

/** q's values (checked to lie in [0, scale]) and whether it is a list (its axis goes first). */
function quantileLevels(q: Q, scale: number, op: string): { levels: number[]; list: boolean } {
  const t = q instanceof Tensor ? q : constant(q as number | number[], "float64");
  if (t.rank > 1) throw new RangeError(`ops.${op}: q must be a number or a 1-D list, got shape ${shapeText(t.shape)}`);
  const levels = Array.from(t.dataSync() as ArrayLike<number>, Number);
  const bad = levels.find((v) => !(v >= 0 && v <= scale));
  if (bad !== undefined) throw new RangeError(`ops.${op}: every q must lie in [0, ${scale}], got ${valueText(bad)}`);
  return { levels: levels.map((v) => v / scale), list: t.rank === 1 };
}

/** The reduced axes of x (all for null), checked. */
function reducedAxes(x: Tensor, axis: AxisArg, op: string): number[] {
  const axes = axis === null ? x.shape.map((_, i) => i) : (typeof axis === "number" ? [axis] : [...axis]).map((a) => normalizeAxis(a, x.rank, `ops.${op}`));
  if (new Set(axes).size !== axes.length) throw new RangeError(`ops.${op}: axis ${valueText(axis)} names an axis twice`);
  if (x.size === 0) throw new RangeError(`ops.${op}: x ${shapeText(x.shape)} is empty; there is no quantile of nothing`);
  return axes;
}

/**
 * numpy.nanquantile in result_type(x, float): each group's sorted values (NaN last) up to its own
 * count of values that are not NaN, read at the virtual index q * (count - 1) by `method`; a group
 * of NaN only gives NaN.
 */
function nanQuantileOf(xIn: Input, levels: readonly number[], list: boolean, axis: AxisArg, method: QuantileMethod, keepdims: boolean, op: string): Tensor {
  const x0 = toTensor(xIn, op);
  const x = as(x0, kerasFloatDType(x0.dtype));
  if (!METHODS.includes(method)) throw new RangeError(`ops.${op}: method must be one of ${METHODS.map((v) => `"${v}"`).join(", ")}, got ${valueText(method)}`);
  const axes = reducedAxes(x, axis, op);
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const grouped = shp.reshape(moveaxis(x, axes, axes.map((_, i) => keep.length + i)), [...keep.map((i) => x.shape[i]), -1]);
  const sorted = sort(grouped, -1);
  const count = red.sum(m.cast(m.logicalNot(m.isNaN(grouped)), "float64"), -1, true);
  // The virtual index of every level in every group: [..., levels].
  const h = m.mul(m.maximum(m.sub(count, 1), 0), constant([...levels], [levels.length], "float64"));
  const at = (index: Tensor): Tensor => takeAlongAxis(sorted, m.cast(index, "int32"), -1);
  const lo = m.floor(h), hi = m.minimum(m.ceil(h), m.maximum(m.sub(count, 1), 0));
  let out: Tensor;
  if (method === "lower") out = at(lo);
  else if (method === "higher") out = at(hi);
  else if (method === "nearest") out = at(m.minimum(m.round(h), m.maximum(m.sub(count, 1), 0)));
  else {
    const t = as(method === "midpoint" ? m.mul(m.cast(m.notEqual(h, lo), "float64"), 0.5) : m.sub(h, lo), x.dtype);
    const a = at(lo), b = at(hi), diff = m.sub(b, a);
    // numpy's lerp: from the nearer end, so t = 1 gives the upper value exactly.
    out = m.where(m.greaterEqual(t, 0.5), m.sub(b, m.mul(diff, m.sub(1, t))), m.add(a, m.mul(diff, t)));
  }
  out = m.where(m.equal(count, 0), NaN, out);
  const reducedShape = keepdims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : keep.map((i) => x.shape[i]);
  if (!list) return shp.reshape(out, reducedShape);
  return shp.reshape(moveaxis(out, -1, 0), [levels.length, ...reducedShape]);
}

/** nanquantile (scale 1) or nanpercentile (scale 100): q checked against its scale, ints computed in floatx(). */
function scaledNanQuantile(op: string, scale: number): (xIn: Input, q: Q, axis?: AxisArg, method?: QuantileMethod, keepdims?: boolean) => Tensor {
  return (xIn, q, axis = null, method = "linear", keepdims = false) => {
    const { levels, list } = quantileLevels(q, scale, op);
    return nanQuantileOf(xIn, levels, list, axis, method, keepdims, op);
  };
}
/**
 * keras.ops.nanquantile(x, q, axis = null, method = "linear", keepdims = false): ops.quantile of
 * the values that are not NaN (q in [0, 1]; a list q puts its axis first); ints give floatx().
 */
export const nanquantile = sym.withSymbolic(scaledNanQuantile("nanquantile", 1), (x, q, axis = null, method = "linear", keepdims = false) =>
  sym.symbolicOp("Nanquantile", [x, sym.constantArg(q)], { axis: sym.axisConfig(axis), method, keepdims }));
/** keras.ops.nanpercentile(x, q, axis = null, method = "linear", keepdims = false): nanquantile with q in [0, 100]. */
export const nanpercentile = sym.withSymbolic(scaledNanQuantile("nanpercentile", 100), (x, q, axis = null, method = "linear", keepdims = false) =>
  sym.symbolicOp("Nanpercentile", [x, sym.constantArg(q)], { axis: sym.axisConfig(axis), method, keepdims }));

function nanmedianEager(x: Input, axis: AxisArg = null, keepdims = false): Tensor {
  return nanQuantileOf(x, [0.5], false, axis, "linear", keepdims, "nanmedian");
}
/** keras.ops.nanmedian(x, axis = null, keepdims = false): the median of the values that are not NaN. */
export const nanmedian = sym.withSymbolic(nanmedianEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Nanmedian", [x], { axis: sym.axisConfig(axis), keepdims }));

function percentileEager(xIn: Input, q: Q, axis: AxisArg = null, method: QuantileMethod = "linear", keepdims = false): Tensor {
  const { levels, list } = quantileLevels(q, 100, "percentile");
  return kQuantile(xIn, list ? levels : levels[0], axis, method, keepdims);
}
/** keras.ops.percentile(x, q, axis = null, method = "linear", keepdims = false): ops.quantile with q in [0, 100] (NaN in a group gives NaN). */
export const percentile = sym.withSymbolic(percentileEager, (x, q, axis = null, method = "linear", keepdims = false) =>
  sym.symbolicOp("Percentile", [x, sym.constantArg(q)], { axis: sym.axisConfig(axis), method, keepdims }));

/** Keras' nancumsum/nancumprod: x (NaN replaced first) in `dtype` or x's own, bool as int32, flattened for axis null. */
function nanCumulative(op: string, f: typeof tfCumsum, neutral: number): (xIn: Input, axis?: number | null, dtype?: DType | null) => Tensor {
  return (xIn: Input, axis: number | null = null, dtype: DType | null = null): Tensor => {
    const x = nanTo(toTensor(xIn, op), neutral);
    const d = dtype ?? x.dtype;
    const t = as(x, d === "bool" ? "int32" : d);
    return axis === null ? f(shp.reshape(t, [-1]), 0) : f(t, axis);
  };
}
/** keras.ops.nancumsum(x, axis = null, dtype = null): the running sum, NaN counted as 0 (flattened for axis null). */
export const nancumsum = sym.withSymbolic(nanCumulative("nancumsum", tfCumsum, 0), (x, axis = null, dtype = null) => sym.symbolicOp("Nancumsum", [x], { axis, dtype }));
/** keras.ops.nancumprod(x, axis = null, dtype = null): the running product, NaN counted as 1. */
export const nancumprod = sym.withSymbolic(nanCumulative("nancumprod", tfCumprod, 1), (x, axis = null, dtype = null) => sym.symbolicOp("Nancumprod", [x], { axis, dtype }));

function nanArg(op: "nanargmax" | "nanargmin"): (xIn: Input, axis?: number | null, keepdims?: boolean) => Tensor {
  const isMax = op === "nanargmax";
  return (xIn: Input, axis: number | null = null, keepdims = false): Tensor => {
    const x0 = toTensor(xIn, op);
    const x = axis === null ? shp.reshape(x0, [-1]) : x0;
    const a = axis === null ? 0 : normalizeAxis(axis, x0.rank, `ops.${op}`);
    const numeric = x.dtype === "bool" ? m.cast(x, "int32") : x;
    const finish = (y: Tensor): Tensor => (!keepdims ? y : axis === null ? shp.reshape(y, x0.shape.map(() => 1)) : shp.expandDims(y, a));
    const f = isMax ? red.argMax : red.argMin;
    if (!isFloatDType(x.dtype)) return finish(f(numeric, a));
    // As Keras: NaN becomes -inf (+inf) for the search, and a group of NaN only gives -1.
    const nan = m.isNaN(x);
    const idx = f(m.where(nan, isMax ? -Infinity : Infinity, x), a);
    return finish(m.where(red.all(nan, a), constant(-1, [], "int32"), idx));
  };
}
/** keras.ops.nanargmax(x, axis = null, keepdims = false): the int32 index of the largest value that is not NaN (-1 for a group of NaN only). */
export const nanargmax = sym.withSymbolic(nanArg("nanargmax"), (x, axis = null, keepdims = false) => sym.symbolicOp("Nanargmax", [x], { axis, keepdims }));
/** keras.ops.nanargmin(x, axis = null, keepdims = false): the int32 index of the smallest value that is not NaN. */
export const nanargmin = sym.withSymbolic(nanArg("nanargmin"), (x, axis = null, keepdims = false) => sym.symbolicOp("Nanargmin", [x], { axis, keepdims }));

function ptpEager(xIn: Input, axis: AxisArg = null, keepdims = false): Tensor {
  const x = toTensor(xIn, "ptp");
  if (x.dtype === "bool") throw new TypeError(`ops.ptp: x is bool ${shapeText(x.shape)}; numpy cannot subtract bools, cast with ops.cast(x, "int32")`);
  return m.sub(red.max(x, ax(axis), keepdims), red.min(x, ax(axis), keepdims));
}
/** keras.ops.ptp(x, axis = null, keepdims = false): max - min ("peak to peak"), in x's dtype (NaN propagates). */
export const ptp = sym.withSymbolic(ptpEager, (x, axis = null, keepdims = false) => sym.symbolicOp("Ptp", [x], { axis: sym.axisConfig(axis), keepdims }));

function allcloseEager(x1: Input, x2: Input, rtol = 1e-5, atol = 1e-8, equalNan = false): Tensor {
  return red.all(kIsclose(x1, x2, rtol, atol, equalNan));
}
/**
 * keras.ops.allclose(x1, x2, rtol = 1e-5, atol = 1e-8, equalNan = false): whether every pair is
 * isclose, as a scalar bool tensor (Keras' numpy backend gives a Python bool; read it with .item()).
 */
export const allclose = sym.withSymbolic(allcloseEager, (a, b, rtol = 1e-5, atol = 1e-8, equalNan = false) =>
  sym.symbolicOp("AllClose", [a, b], { rtol, atol, equal_nan: equalNan }));
