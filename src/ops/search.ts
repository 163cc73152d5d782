import { Tensor, storageOf } from "../tensor/tensor.js";
import { shapeText, stridesOf } from "../tensor/shape.js";
import { type Input, assertSameDType, toTensor } from "./engine.js";
import { cast, less, lessEqual, notEqual } from "./math.js";
import { sum } from "./reduce.js";
import { concat, expandDims, slice } from "./shape.js";
import { argsort } from "./sort.js";
import * as sym from "./symbolic.js";

/*
 * Searching ops (tf.searchSorted, keras.ops digitize, nonzero, argpartition). Insertion points are
 * counts of comparisons, so no value is read on the host; only nonzero, whose output size depends
 * on the data, reads its mask.
 */

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

/** Comparison cells per chunk: bounds the [..., values, sequence] bool temporary to 16 MB. */
const CHUNK_CELLS = 1 << 24;

/**
 * tf.searchSorted(sortedSequence, values, side = "left") (keras.ops.searchsorted): int32 insertion
 * points that keep each row sorted; "left" puts a value before equal entries, "right" after. A 1-D
 * sequence serves values of any shape; an [..., M] sequence serves values [..., N] of the same
 * leading axes, row by row. The sequence must be sorted ascending (not checked).
 */
function searchSortedEager(sortedSequenceIn: Input, valuesIn: Input, side: "left" | "right" = "left"): Tensor {
  const op = "searchSorted";
  const seq = toTensor(sortedSequenceIn, op, "sortedSequence");
  const values = toTensor(valuesIn, op, "values", seq.dtype);
  assertSameDType(op, seq, values);
  if (side !== "left" && side !== "right") throw new RangeError(`${op}: side must be "left" or "right", got ${JSON.stringify(side)}`);
  if (seq.rank === 0) throw new RangeError(`${op}: sortedSequence must have at least one axis, got a scalar`);
  const compare = side === "left" ? less : lessEqual;
  if (seq.rank === 1) {
    // Count the sequence entries before each value: [..., 1] against [M].
    const flat = values.rank === 0 ? expandDims(values, 0) : values;
    const out = countChunked(flat, (v) => compare(seq, expandDims(v, -1)), seq.shape[0]);
    return values.rank === 0 ? out.reshape([]) : out;
  }
  if (values.rank !== seq.rank || seq.shape.slice(0, -1).some((d, i) => d !== values.shape[i])) {
    throw new RangeError(
      `${op}: values ${text(values)} must have the leading axes of sortedSequence ${text(seq)} (${shapeText(seq.shape.slice(0, -1))}) ` +
        `and one more of any length; or pass a 1-D sortedSequence`,
    );
  }
  return countChunked(values, (v) => compare(expandDims(seq, -2), expandDims(v, -1)), seq.shape[seq.rank - 1]);
}
export const searchSorted = sym.withSymbolic(searchSortedEager, (s, v, side = "left") => sym.symbolicOp("SearchSorted", [s, v], {}, { side }));

/** sum(compareTo(v), -1) as int32, over slices of the last axis of `values` small enough for CHUNK_CELLS. */
function countChunked(values: Tensor, compareTo: (v: Tensor) => Tensor, m: number): Tensor {
  const n = values.shape[values.rank - 1];
  const perValue = Math.max(1, (values.size / Math.max(n, 1)) * m);
  const step = Math.max(1, Math.floor(CHUNK_CELLS / perValue));
  if (step >= n) return sum(cast(compareTo(values), "int32"), -1);
  const parts: Tensor[] = [];
  for (let s = 0; s < n; s += step) {
    const begin = values.shape.map(() => 0), size = values.shape.map(() => -1);
    begin[values.rank - 1] = s;
    size[values.rank - 1] = Math.min(step, n - s);
    parts.push(sum(cast(compareTo(slice(values, begin, size)), "int32"), -1));
  }
  return concat(parts, -1);
}

/**
 * keras.ops.digitize(x, bins) (numpy.digitize with increasing bins): int32 i with
 * bins[i - 1] <= x < bins[i] for each element of x (0 below the first bin, bins.length from the last).
 */
function digitizeEager(xIn: Input, binsIn: Input): Tensor {
  const op = "digitize";
  const bins = toTensor(binsIn, op, "bins");
  if (bins.rank !== 1) throw new RangeError(`${op}: bins must be 1-D, got ${text(bins)}`);
  const x = toTensor(xIn, op, "x", bins.dtype);
  return searchSorted(bins, x, "right");
}

/**
 * keras.ops.nonzero(x) (numpy.nonzero): one int32 tensor per axis of x holding the coordinates of
 * its nonzero (true) elements in row-major order.
 */
export function nonzero(xIn: Input): Tensor[] {
  const op = "nonzero";
  const x = toTensor(xIn, op);
  const mask = storageOf(x.dtype === "bool" ? x : notEqual(x, 0)) as Uint8Array;
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
  const rank = Math.max(x.rank, 1);
  const coords = Array.from({ length: rank }, () => new Int32Array(count));
  const strides = x.rank === 0 ? [1] : stridesOf(x.shape);
  for (let i = 0, k = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let rest = i;
    for (let d = 0; d < rank; d++) {
      coords[d][k] = Math.floor(rest / strides[d]);
      rest -= coords[d][k] * strides[d];
    }
    k++;
  }
  return coords.map((c) => new Tensor(c, [count], "int32"));
}

/**
 * keras.ops.argpartition(x, kth, axis = -1) (numpy.argpartition): int32 indices along `axis` that
 * put the kth smallest element at position kth, smaller (or equal) ones before and larger after.
 * numpy leaves the order within each side unspecified; here both sides come out sorted (stable).
 */
function argpartitionEager(xIn: Input, kth: number, axis = -1): Tensor {
  const op = "argpartition";
  const x = toTensor(xIn, op);
  if (x.rank === 0) throw new RangeError(`${op}: x must have at least one axis, got a scalar`);
  const a = axis < 0 ? axis + x.rank : axis;
  const n = x.shape[a];
  if (!Number.isInteger(kth) || kth < -n || kth >= n) {
    throw new RangeError(`${op}: kth = ${kth} is out of range for axis ${axis} of length ${n} of x ${text(x)} (valid: ${-n}..${n - 1})`);
  }
  return argsort(x, axis);
}
export const argpartition = sym.withSymbolic(argpartitionEager, (x, kth, axis = -1) => sym.symbolicOp("Argpartition", [x], { kth, axis }));

/** digitize, recording Keras' operation on symbolic tensors (see digitizeEager). */
export const digitize = sym.withSymbolic(digitizeEager, (x, bins) => sym.symbolicOp("Digitize", [x, sym.constantArg(bins)]));
