import { Tensor } from "../tensor/tensor.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { fill } from "../tensor/creation.js";
import { type Shape, shapeText, sizeOf, stridesOf } from "../tensor/shape.js";
import { type Input, backend, emptyTensor, num, record, toTensor } from "./engine.js";
import { add, where } from "./math.js";
import { max, min, prod } from "./reduce.js";
import { concat, gather, oneHot, pad, reshape } from "./shape.js";
import { integerValues } from "./indices.js";
import * as sym from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";

/*
 * Scatters and segment reductions (tf.scatterND, tf.tensorScatterUpdate, tf.tensorScatterAdd,
 * tf.gatherNd, tf.unsortedSegmentSum;
 * keras.ops slice_update, segment_max / min / prod, multi_hot). Row positions come from the index values;
 * the rows move with gather and with gather's adjoint (a scatter-add kernel), whose gradients
 * are each other.
 */

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

/** out[positions[i]] += rows[i] for rows [k, inner] into a zero [n, inner]; the gradient is a gather. */
function scatterAddRows(op: string, rows: Tensor, positions: Int32Array, n: number): Tensor {
  if (rows.dtype === "int64" || rows.dtype === "bool") throw new TypeError(`${op}: updates must be float32, float64, int32 or uint8, got ${text(rows)}`);
  const inner = rows.shape[1];
  const out = emptyTensor([n, inner], rows.dtype);
  backend().gatherGrad(num(rows), positions, 0, [n, inner], num(out));
  record(op, [rows], out, ([dy]) => [gather(dy, new Tensor(positions, [positions.length], "int32"))]);
  return out;
}

/** Flat row numbers into `outer` (the first indices.shape[-1] axes of the target) for every index row. */
function indexRows(op: string, indices: Tensor, target: Shape): { rows: Int32Array; k: number } {
  if (indices.rank === 0) throw new RangeError(`${op}: indices must have at least one axis ([..., index depth]), got a scalar`);
  const depth = indices.shape[indices.rank - 1];
  if (depth > target.length || depth === 0) {
    throw new RangeError(`${op}: the last axis of indices ${shapeText(indices.shape)} (${depth}) must be between 1 and the rank of the target ${shapeText(target)}`);
  }
  const idx = integerValues(op, indices, "indices");
  const outer = target.slice(0, depth), strides = stridesOf(outer);
  const k = indices.size / depth;
  const rows = new Int32Array(k);
  for (let r = 0; r < k; r++) {
    let p = 0;
    for (let d = 0; d < depth; d++) {
      const v = idx[r * depth + d];
      if (v < 0 || v >= outer[d]) {
        const at = Array.from(idx.subarray(r * depth, (r + 1) * depth));
        throw new RangeError(`${op}: index [${at.join(", ")}] (row ${r} of indices ${shapeText(indices.shape)}) is out of range for the target ${shapeText(target)}`);
      }
      p += v * strides[d];
    }
    rows[r] = p;
  }
  return { rows, k };
}

/** updates as [k, inner] rows, checking they have indices.shape[:-1] + target.shape[depth:]. */
function updateRows(op: string, updates: Tensor, indices: Tensor, target: Shape): Tensor {
  const depth = indices.shape[indices.rank - 1];
  const want = [...indices.shape.slice(0, -1), ...target.slice(depth)];
  if (updates.rank !== want.length || updates.shape.some((d, i) => d !== want[i])) {
    throw new RangeError(`${op}: updates ${text(updates)} must have shape ${shapeText(want)} (indices' leading axes, then the target's axes after the first ${depth})`);
  }
  return reshape(updates, [sizeOf(indices.shape.slice(0, -1)), sizeOf(target.slice(depth))]);
}

function checkShape(op: string, shape: readonly number[]): void {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new RangeError(`${op}: shape [${shape.join(", ")}] must hold non-negative integers`);
}

/**
 * tf.scatterND(indices, updates, shape) (keras.ops.scatter): a zero tensor of `shape` with
 * updates added at indices ([..., depth] coordinates into its first depth axes); repeated
 * indices add up, as TF and Keras do. Differentiable in updates.
 */
export function scatterND(indicesIn: Input, updatesIn: Input, shape: readonly number[]): Tensor {
  const op = "scatterND";
  checkShape(op, shape);
  const indices = toTensor(indicesIn, op, "indices");
  const updates = toTensor(updatesIn, op, "updates");
  const { rows } = indexRows(op, indices, shape);
  const depth = indices.shape[indices.rank - 1];
  const out = scatterAddRows(op, updateRows(op, updates, indices, shape), rows, sizeOf(shape.slice(0, depth)));
  return reshape(out, shape);
}

/**
 * tf.tensorScatterUpdate(tensor, indices, updates) (keras.ops.scatter_update): tensor with the
 * slices at indices replaced by updates (for a repeated index the last update wins).
 * Differentiable in tensor (where kept) and updates (those written).
 */
export function tensorScatterUpdate(tensorIn: Input, indicesIn: Input, updatesIn: Input): Tensor {
  const op = "tensorScatterUpdate";
  const tensor = toTensor(tensorIn, op, "tensor");
  const indices = toTensor(indicesIn, op, "indices");
  const updates = toTensor(updatesIn, op, "updates", tensor.dtype);
  if (updates.dtype !== tensor.dtype) throw new TypeError(`${op}: updates ${text(updates)} must have the dtype of tensor ${text(tensor)}`);
  const { rows } = indexRows(op, indices, tensor.shape);
  const depth = indices.shape[indices.rank - 1];
  const n = sizeOf(tensor.shape.slice(0, depth));
  const flat = updateRows(op, updates, indices, tensor.shape);
  const last = new Map<number, number>();
  rows.forEach((p, i) => last.set(p, i));
  const kept = Int32Array.from(last.values());
  const written = new Uint8Array(n);
  for (const p of last.keys()) written[p] = 1;
  const placed = scatterAddRows(op, gather(flat, new Tensor(kept, [kept.length], "int32")), Int32Array.from(last.keys()), n);
  const mask = new Tensor(written, [n, 1], "bool");
  return reshape(where(mask, placed, reshape(tensor, [n, flat.shape[1]])), tensor.shape);
}

/**
 * tf.tensorScatterAdd(tensor, indices, updates) (TensorFlow's tensor_scatter_nd_add): tensor with
 * updates added at indices ([..., depth] coordinates into its first depth axes); repeated indices
 * add up. Differentiable in tensor and updates.
 */
export function tensorScatterAdd(tensorIn: Input, indicesIn: Input, updatesIn: Input): Tensor {
  const op = "tensorScatterAdd";
  const tensor = toTensor(tensorIn, op, "tensor");
  const updates = toTensor(updatesIn, op, "updates", tensor.dtype);
  if (updates.dtype !== tensor.dtype) throw new TypeError(`${op}: updates ${text(updates)} must have the dtype of tensor ${text(tensor)}`);
  const indices = toTensor(indicesIn, op, "indices");
  const { rows } = indexRows(op, indices, tensor.shape);
  const depth = indices.shape[indices.rank - 1];
  const n = sizeOf(tensor.shape.slice(0, depth));
  const added = scatterAddRows(op, updateRows(op, updates, indices, tensor.shape), rows, n);
  return add(tensor, reshape(added, tensor.shape));
}

/**
 * tf.gatherNd(params, indices) (TensorFlow's gather_nd, batch_dims 0): the slices of params at
 * indices ([..., depth] coordinates into its first depth axes), shaped indices.shape[:-1] +
 * params.shape[depth:]. Differentiable in params (the gradient scatters back, repeats adding up).
 */
export function gatherNd(paramsIn: Input, indicesIn: Input): Tensor {
  const op = "gatherNd";
  const params = toTensor(paramsIn, op, "params");
  const indices = toTensor(indicesIn, op, "indices");
  const { rows } = indexRows(op, indices, params.shape);
  const depth = indices.shape[indices.rank - 1];
  const inner = params.shape.slice(depth);
  const flat = reshape(params, [sizeOf(params.shape.slice(0, depth)), sizeOf(inner)]);
  const picked = gather(flat, new Tensor(rows, [rows.length], "int32"));
  return reshape(picked, [...indices.shape.slice(0, -1), ...inner]);
}

/**
 * keras.ops.slice_update(inputs, startIndices, updates): inputs with the block of updates' shape
 * starting at startIndices (one per axis) replaced by updates. Differentiable in both.
 */
function sliceUpdateEager(inputsIn: Input, startIndices: readonly number[], updatesIn: Input): Tensor {
  const op = "sliceUpdate";
  const x = toTensor(inputsIn, op, "inputs");
  const updates = toTensor(updatesIn, op, "updates", x.dtype);
  if (updates.dtype !== x.dtype) throw new TypeError(`${op}: updates ${text(updates)} must have the dtype of inputs ${text(x)}`);
  if (startIndices.length !== x.rank || updates.rank !== x.rank) {
    throw new RangeError(`${op}: inputs ${text(x)}, startIndices [${startIndices.join(", ")}] and updates ${text(updates)} must all have rank ${x.rank}`);
  }
  startIndices.forEach((s, d) => {
    if (!Number.isInteger(s) || s < 0 || s + updates.shape[d] > x.shape[d]) {
      throw new RangeError(`${op}: on axis ${d}, the block [${s}, ${s + updates.shape[d]}) of updates ${text(updates)} does not fit inside inputs ${text(x)}`);
    }
  });
  const paddings = startIndices.map((s, d) => [s, x.shape[d] - s - updates.shape[d]] as [number, number]);
  const mask = pad(fill(updates.shape, true, "bool"), paddings, 0);
  return where(mask, pad(updates, paddings, 0), x);
}

/** Segment ids as plain numbers, checking they cover data's leading axes. */
function segmentIds(op: string, data: Tensor, idsIn: Input): { ids: Int32Array; r: number } {
  const idsT = toTensor(idsIn, op, "segmentIds");
  const ids = integerValues(op, idsT, "segmentIds");
  const r = idsT.rank;
  if (r === 0 || r > data.rank || idsT.shape.some((d, i) => d !== data.shape[i])) {
    throw new RangeError(`${op}: segmentIds ${text(idsT)} must have the leading axes of data ${text(data)} (e.g. ${shapeText(data.shape.slice(0, 1))})`);
  }
  return { ids, r };
}

function segmentCount(op: string, ids: Int32Array, numSegments: number | undefined): number {
  let n = numSegments;
  if (n === undefined) {
    n = 0;
    for (const v of ids) if (v + 1 > n) n = v + 1;
  }
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: numSegments must be a non-negative integer, got ${n}`);
  return n;
}

/**
 * tf.unsortedSegmentSum(x, segmentIds, numSegments) (keras.ops.segment_sum): out[s] is the sum of
 * the slices x[i] with segmentIds[i] = s (ids cover x's leading axes); ids outside
 * [0, numSegments) are dropped, as Keras' torch backend does. Differentiable in x.
 */
export function unsortedSegmentSum(xIn: Input, segmentIdsIn: Input, numSegments: number): Tensor {
  const op = "unsortedSegmentSum";
  const x = toTensor(xIn, op);
  const { ids, r } = segmentIds(op, x, segmentIdsIn);
  const n = segmentCount(op, ids, numSegments);
  const inner = x.shape.slice(r);
  const rows = reshape(x, [ids.length, sizeOf(inner)]);
  const valid: number[] = [];
  ids.forEach((v, i) => { if (v >= 0 && v < n) valid.push(i); });
  const taken = valid.length === ids.length ? rows : gather(rows, new Tensor(Int32Array.from(valid), [valid.length], "int32"));
  const out = scatterAddRows(op, taken, Int32Array.from(valid, (i) => ids[i]), n);
  return reshape(out, [n, ...inner]);
}

/** The identity of a segment reduction for a dtype: the value an empty segment gets. */
function emptyValue(op: string, kind: "max" | "min" | "prod", dtype: DType): number {
  if (kind === "prod") return 1;
  const low = kind === "max";
  if (isFloatDType(dtype)) return low ? -Infinity : Infinity;
  if (dtype === "int32") return low ? -2147483648 : 2147483647;
  if (dtype === "uint8") return low ? 0 : 255;
  throw new TypeError(`${op}: data must be float32, float64, int32 or uint8, got ${dtype}`);
}

/**
 * data's rows gathered per segment into [n, width, ...inner], each segment padded to the widest
 * with rows of the reduction's identity, then reduced over axis 1: one gather and one reduction,
 * whose gradients are the ops'.
 */
function segmentReduce(op: string, kind: "max" | "min" | "prod", dataIn: Input, segmentIdsIn: Input, numSegments?: number): Tensor {
  const x = toTensor(dataIn, op, "data");
  const identity = emptyValue(op, kind, x.dtype);
  const { ids, r } = segmentIds(op, x, segmentIdsIn);
  const n = segmentCount(op, ids, numSegments);
  const inner = x.shape.slice(r);
  const members: number[][] = Array.from({ length: n }, () => []);
  ids.forEach((v, i) => { if (v >= 0 && v < n) members[v].push(i); });
  const width = Math.max(1, ...members.map((m) => m.length));
  const src = new Int32Array(n * width).fill(ids.length);
  members.forEach((m, s) => m.forEach((i, j) => { src[s * width + j] = i; }));
  const rows = concat([reshape(x, [ids.length, sizeOf(inner)]), fill([1, sizeOf(inner)], identity, x.dtype)], 0);
  const grouped = reshape(gather(rows, new Tensor(src, [src.length], "int32")), [n, width, ...inner]);
  return kind === "max" ? max(grouped, 1) : kind === "min" ? min(grouped, 1) : prod(grouped, 1);
}

/**
 * keras.ops.segment_max(data, segmentIds, numSegments = max id + 1): out[s] is the elementwise
 * maximum of the slices data[i] with segmentIds[i] = s; an empty segment gives -Infinity (the
 * dtype's lowest value for integers); ids outside [0, numSegments) are dropped. Ties share the
 * gradient equally (as torch's amax reduction).
 */
export function segmentMax(dataIn: Input, segmentIdsIn: Input, numSegments?: number): Tensor {
  return segmentReduce("segmentMax", "max", dataIn, segmentIdsIn, numSegments);
}

/** keras.ops.segment_min: segmentMax's minimum; an empty segment gives Infinity (the dtype's highest value for integers). */
export function segmentMin(dataIn: Input, segmentIdsIn: Input, numSegments?: number): Tensor {
  return segmentReduce("segmentMin", "min", dataIn, segmentIdsIn, numSegments);
}

/** keras.ops.segment_prod: the elementwise product of each segment's slices; an empty segment gives 1. */
export function segmentProd(dataIn: Input, segmentIdsIn: Input, numSegments?: number): Tensor {
  return segmentReduce("segmentProd", "prod", dataIn, segmentIdsIn, numSegments);
}

/**
 * keras.ops.multi_hot(inputs, numClasses, axis = -1, dtype = "float32"): for integer class ids
 * [k] or [batch, k], a [numClasses] or [batch, numClasses] tensor with 1 at every class present
 * (ids outside [0, numClasses) are ignored).
 */
export function multiHot(inputsIn: Input, numClasses: number, axis = -1, dtype: DType = "float32"): Tensor {
  const op = "multiHot";
  const x = toTensor(inputsIn, op, "inputs");
  if (x.rank !== 1 && x.rank !== 2) throw new RangeError(`${op}: inputs must be [k] or [batch, k] class ids, got ${text(x)}`);
  if (axis !== -1 && axis !== x.rank) {
    throw new RangeError(`${op}: only axis = -1 (classes last) is supported, got ${valueText(axis)}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new RangeError(`${op}: numClasses must be a non-negative integer, got ${numClasses}`);
  const hot = oneHot(x, numClasses, 1, 0, dtype);
  return max(hot, x.rank - 1);
}

/** sliceUpdate, recording Keras' operation on symbolic tensors (see sliceUpdateEager). */
export const sliceUpdate = sym.withSymbolic(sliceUpdateEager, (inputs, startIndices, updates) => sym.symbolicOp("SliceUpdate", [inputs, [...startIndices], sym.constantArg(updates)]));
