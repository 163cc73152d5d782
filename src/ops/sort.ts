import { Tensor, storageOf } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { type Input, backend, emptyTensor, raw, toTensor } from "./engine.js";
import { all, sum } from "./reduce.js";
import { cast, div, add, greater, isNaN, less, logicalAnd, logicalNot, sub, where } from "./math.js";
import { gather, reshape } from "./shape.js";
import { moveaxis, takeAlongAxis } from "./arrange.js";
import { installMethods } from "./methods.js";
import * as sym from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";

/*
 * Sorting ops. One kernel (sortIndices) orders each row; the values are then gathered from x with
 * takeAlongAxis, so their gradient (dy scattered back to where each value came from) is gather's.
 * Order: NaN counts as the largest value (numpy sorts it last, torch.topk takes it first), and
 * equal values keep their index order (TF's top_k: "the lower-index element appears first").
 */

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

function sortable(op: string, xIn: Input): Tensor {
  const x = toTensor(xIn, op);
  if (x.dtype === "bool") throw new TypeError(`${op}: cannot order a bool tensor; cast it first, e.g. tf.cast(x, "int32")`);
  if (x.rank === 0) throw new RangeError(`${op}: needs a tensor of rank >= 1, got a scalar; reshape it with tf.reshape(x, [1])`);
  return x;
}

/** Indices (int32) of the first k of each row along the last axis, in sorted order. */
function lastAxisOrder(x: Tensor, k: number, descending: boolean): Tensor {
  const n = x.shape[x.rank - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const idx = emptyTensor([...x.shape.slice(0, -1), k], "int32");
  backend().sortIndices(raw(x), rows, n, k, descending, storageOf(idx) as Int32Array);
  return idx;
}

/**
 * tf.topk(x, k = 1, sorted = true): the k largest entries of each row (last axis) and their int32
 * indices, largest first. `sorted: false` is accepted and gives them sorted all the same (TF leaves
 * that order unspecified). Keras' ops.top_k is the same op (its [values, indices] are
 * { values, indices } here).
 */
export function topk(xIn: Input, k = 1, sorted = true): { values: Tensor; indices: Tensor } {
  const op = "topk";
  const x = sortable(op, xIn);
  const n = x.shape[x.rank - 1];
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`${op}: k = ${k} must be an integer in 0..${n}, the size of the last axis of x ${text(x)}`);
  }
  booleanOption(op, "sorted", sorted);
  const indices = lastAxisOrder(x, k, true);
  return { values: takeAlongAxis(x, indices, -1), indices };
}

/** The sort order along `axis`, as int32 indices with the shape of x. */
function orderAlong(op: string, x: Tensor, axis: number, descending: boolean): { moved: Tensor; indices: Tensor; a: number } {
  const a = normalizeAxis(axis, x.rank, op);
  const moved = a === x.rank - 1 ? x : moveaxis(x, a, -1);
  return { moved, indices: lastAxisOrder(moved, moved.shape[moved.rank - 1], descending), a };
}

/** keras.ops.sort(x, axis = -1): x sorted ascending along `axis` (NaN last). */
function sortEager(xIn: Input, axis = -1): Tensor {
  const x = sortable("sort", xIn);
  const { moved, indices, a } = orderAlong("sort", x, axis, false);
  const sorted = takeAlongAxis(moved, indices, -1);
  return a === x.rank - 1 ? sorted : moveaxis(sorted, -1, a);
}
export const sort = sym.withSymbolic(sortEager, (x, axis = -1) => sym.symbolicOp("Sort", [x], { axis }));

/** keras.ops.argsort(x, axis = -1): int32 indices that sort x ascending along `axis` (stable; NaN last). */
function argsortEager(xIn: Input, axis = -1): Tensor {
  const x = sortable("argsort", xIn);
  const { indices, a } = orderAlong("argsort", x, axis, false);
  return a === x.rank - 1 ? indices : moveaxis(indices, -1, a);
}
export const argsort = sym.withSymbolic(argsortEager, (x, axis = -1) => sym.symbolicOp("Argsort", [x], { axis }));

/**
 * keras.ops.median(x, axis = null, keepdims = false) (numpy.median): the middle value along the
 * axes, the mean of the two middle ones for an even count, NaN where a group holds a NaN. Integer
 * tensors give float32, as Keras does. The gradient goes to the middle element(s).
 */
function medianEager(xIn: Input, axis: number | readonly number[] | null = null, keepDims = false): Tensor {
  const op = "median";
  let x = toTensor(xIn, op);
  if (x.dtype === "bool" || x.dtype === "int64") throw new TypeError(`${op}: x must be a number tensor (float, int32 or uint8), got ${text(x)}`);
  if (!isFloatDType(x.dtype)) x = cast(x, "float32");
  const axes = axis === null ? x.shape.map((_, i) => i) : (typeof axis === "number" ? [axis] : [...axis]).map((v) => normalizeAxis(v, x.rank, op));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${op}: repeated axis in ${JSON.stringify(axis)}`);
  if (axes.some((d) => x.shape[d] === 0)) throw new RangeError(`${op}: cannot take the median over an empty axis of x ${text(x)}`);
  // The reduced axes moved last and merged into one, whose sorted middle is taken.
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const grouped = reshape(moveaxis(x, axes, axes.map((_, i) => keep.length + i)), [...keep.map((i) => x.shape[i]), -1]);
  const n = grouped.shape[grouped.rank - 1];
  const sorted = sort(grouped, -1);
  const take = (i: number): Tensor => gather(sorted, constant([i], [1], "int32"), -1);
  const half = Math.floor(n / 2);
  let mid = n % 2 === 1 ? take(half) : div(add(take(half - 1), take(half)), 2);
  mid = where(isNaN(take(n - 1)), NaN, mid);
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : keep.map((i) => x.shape[i]);
  return reshape(mid, outShape);
}
export const median = sym.withSymbolic(medianEager, (x, axis = null, keepDims = false) => sym.symbolicOp("Median", [x], { axis: sym.axisConfig(axis), keepdims: keepDims }));

/**
 * tf.math.in_top_k / keras.ops.in_top_k(targets, predictions, k): whether each target class is
 * among the k largest predictions of its row. As in TensorFlow, ties straddling the k-th place all
 * count as in the top k (the target is in when fewer than k classes score strictly higher), and a
 * row with a non-finite value gives false.
 */
function inTopKEager(targetsIn: Input, predictionsIn: Input, k: number): Tensor {
  const op = "inTopK";
  const p = toTensor(predictionsIn, op, "predictions");
  if (!isFloatDType(p.dtype)) {
    throw new TypeError(`${op}: predictions must be float32 or float64, got ${text(p)}; cast them with tf.cast(predictions, "float32")`);
  }
  let t = targetsIn instanceof Tensor ? targetsIn : constant(targetsIn, "int32");
  if (t.dtype !== "int32") t = cast(t, "int32");
  if (p.rank !== 2 || t.rank !== 1 || t.shape[0] !== p.shape[0]) {
    throw new RangeError(`${op}: needs targets [n] and predictions [n, classes], got ${shapeText(t.shape)} and ${shapeText(p.shape)}`);
  }
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`${op}: k must be a non-negative integer, got ${valueText(k)}`);
  const classes = p.shape[1];
  const bad = (storageOf(t) as Int32Array).findIndex((c) => c < 0 || c >= classes);
  if (bad >= 0) {
    throw new RangeError(`${op}: class ${storageOf(t)[bad]} of row ${bad} is out of range for ${classes} classes (valid 0..${classes - 1})`);
  }
  const atTarget = gather(p, reshape(t, [t.shape[0], 1]), 1, 1);
  const higher = sum(cast(greater(p, atTarget), "int32"), -1);
  const finite = all(logicalNot(isNaN(sub(p, p))), -1);
  return logicalAnd(less(higher, k), finite);
}

declare module "../tensor/tensor.js" {
  interface Tensor {
    topk(k?: number, sorted?: boolean): { values: Tensor; indices: Tensor };
    sort(axis?: number): Tensor;
    argsort(axis?: number): Tensor;
  }
}

installMethods({ topk, sort, argsort });

/** inTopK, recording Keras' operation on symbolic tensors (see inTopKEager). */
export const inTopK = sym.withSymbolic(inTopKEager, (targets, predictions, k) => sym.symbolicOp("InTopK", [targets, predictions], { k }));
