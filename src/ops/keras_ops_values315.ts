/**
 * Keras 3.15's keras.ops.unique and keras.ops.histogram: ops that read x's values to decide their
 * output (which values occur, where the bins fall), so they run on the values in JavaScript and
 * gather from x. unique records Keras' Unique on symbolic tensors only with a `size` (otherwise
 * its output's length depends on the values); histogram's shapes come from `bins`.
 */
import { Tensor } from "../tensor/tensor.js";
import { normalizeAxis, shapeText, sizeOf } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { constant, fill } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import * as shp from "./shape.js";
import { kerasFloatDType } from "./keras_float.js";
import * as sym from "./symbolic.js";

const int32 = (v: readonly number[]): Tensor => new Tensor(Int32Array.from(v), [v.length], "int32");

function compareSlices(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/**
 * keras.ops.unique: the sorted distinct values of x (flattened when axis is null), or its distinct
 * slices along `axis`; with returnIndex the first position of each, returnInverse where each
 * element (slice) of x went (x's shape when axis is null), returnCounts how often each occurs.
 * `size` pads (values with fillValue, 0 by default; counts with 0; indices with 1, as Keras' numpy
 * backend does) or truncates to that many. Indices and counts are int32, as Keras declares them.
 */
function uniqueEager(xIn: Input, sorted = true, returnIndex = false, returnInverse = false, returnCounts = false,
  axis: number | null = null, size: number | null = null, fillValue: number | null = null): Tensor | Tensor[] {
  // numpy always sorts; `sorted` only matters to backends that can skip it.
  void sorted;
  const x0 = toTensor(xIn, "unique");
  const x = axis === null ? shp.reshape(x0, [-1]) : x0;
  const a = axis === null ? 0 : normalizeAxis(axis, x.rank, "ops.unique");
  if (size !== null && (!Number.isInteger(size) || size < 0)) throw new RangeError(`ops.unique: size must be a non-negative integer or null, got ${valueText(size)}`);
  // Slices along a as rows of numbers, compared lexicographically.
  const moved = a === 0 ? x : shp.transpose(x, [a, ...x.shape.map((_, i) => i).filter((i) => i !== a)]);
  const n = x.shape[a], width = n === 0 ? 0 : sizeOf(moved.shape) / n;
  const flat = Array.from(moved.dataSync() as ArrayLike<number | bigint>, Number);
  const rows = Array.from({ length: n }, (_, i) => flat.slice(i * width, (i + 1) * width));
  const order = rows.map((_, i) => i).sort((i, j) => compareSlices(rows[i], rows[j]) || i - j);
  const first: number[] = [], counts: number[] = [], inverse = new Array<number>(n);
  for (const i of order) {
    if (first.length === 0 || compareSlices(rows[first[first.length - 1]], rows[i]) !== 0) { first.push(i); counts.push(0); }
    counts[counts.length - 1]++;
    inverse[i] = first.length - 1;
  }
  const kept = size === null ? first.length : Math.min(size, first.length);
  const pad = size === null ? 0 : size - kept;
  let values = shp.gather(x, int32(first.slice(0, kept)), a);
  if (pad > 0) {
    const padShape = values.shape.map((d, i) => (i === a ? pad : d));
    values = shp.concat([values, fill(padShape, fillValue ?? 0, x.dtype)], a);
  }
  const out: Tensor[] = [values];
  if (returnIndex) out.push(int32([...first.slice(0, kept), ...new Array<number>(pad).fill(1)]));
  if (returnInverse) out.push(axis === null ? shp.reshape(int32(inverse), x0.shape) : int32(inverse));
  if (returnCounts) out.push(int32([...counts.slice(0, kept), ...new Array<number>(pad).fill(0)]));
  return out.length === 1 ? out[0] : out;
}
export const unique = sym.withSymbolic(uniqueEager, (x, sorted = true, returnIndex = false, returnInverse = false, returnCounts = false, axis = null, size = null, fillValue = null) => {
  if (size === null) throw sym.symbolicRefused("ops.unique", "without a size the number of distinct values depends on the values; pass size to fix the output's length");
  const outs = sym.symbolicOps("Unique", [x], {
    sorted, return_index: returnIndex, return_inverse: returnInverse, return_counts: returnCounts, axis, size, fill_value: fillValue,
  });
  return outs.length === 1 ? outs[0] : outs;
});

/**
 * keras.ops.histogram: counts of a 1-D x's values in `bins` equal bins over `range` (x's minimum
 * and maximum by default; ±0.5 around a single value), the last bin closed, values outside left
 * out; returns [counts, edges] (bins + 1 edges), both float in x's float dtype (float32 for
 * integers), as Keras declares them and its torch backend returns them.
 */
function histogramEager(xIn: Input, bins = 10, range: readonly [number, number] | null = null): [Tensor, Tensor] {
  const x = toTensor(xIn, "histogram");
  if (!Number.isInteger(bins) || bins < 0) throw new RangeError(`ops.histogram: bins must be a non-negative integer, got ${valueText(bins)}`);
  if (range !== null && (range.length !== 2 || range[1] < range[0])) throw new RangeError(`ops.histogram: range must be [low, high] with low <= high, got ${valueText(range)}`);
  if (x.rank > 1) throw new RangeError(`ops.histogram: x must be 1-dimensional, got ${x.dtype} ${shapeText(x.shape)}; flatten it with ops.ravel`);
  const vals = Array.from(x.dataSync() as ArrayLike<number | bigint>, Number);
  let [lo, hi] = range ?? (vals.length === 0 ? [0, 1] : [Math.min(...vals), Math.max(...vals)]);
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
  const counts = new Array<number>(bins).fill(0);
  for (const v of vals) {
    if (!(v >= lo && v <= hi) || bins === 0) continue;
    let b = Math.min(Math.floor(((v - lo) / (hi - lo)) * bins), bins - 1);
    // The computed bin can be one off at an edge: move it so edges[b] <= v < edges[b + 1].
    if (v < edges[b]) b--;
    else if (b < bins - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  const dtype = kerasFloatDType(x.dtype);
  return [constant(counts, [bins], dtype), m.cast(constant(edges, [bins + 1], "float64"), dtype)];
}
export const histogram = sym.withSymbolic(histogramEager, (x, bins = 10, range = null) =>
  sym.symbolicOps("Histogram", [x], { bins, range: range === null ? null : [...range] }) as [sym.Sym, sym.Sym]);
