import { Tensor } from "../tensor/tensor.js";
import { type Shape, normalizeAxis, shapeText, sizeOf, stridesOf } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import { broadcastTo } from "./broadcast.js";
import { concat, gather, reshape, transpose } from "./shape.js";
import { integerValues } from "./indices.js";
import { installMethods } from "./methods.js";
import * as sym from "./symbolic.js";

/*
 * Ops that rearrange elements (numpy's swapaxes, moveaxis, take_along_axis, roll, repeat,
 * meshgrid, hstack, vstack), built from transpose, gather, concat and broadcastTo, whose
 * gradients they inherit. Names are Keras' (keras.ops) in camelCase.
 */

function listText(v: readonly number[]): string {
  return `[${v.join(", ")}]`;
}

/** keras.ops.swapaxes(x, axis1, axis2): x with the two axes exchanged. */
function swapaxesEager(xIn: Input, axis1: number, axis2: number): Tensor {
  const x = toTensor(xIn, "swapaxes");
  const a = normalizeAxis(axis1, x.rank, "swapaxes");
  const b = normalizeAxis(axis2, x.rank, "swapaxes");
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return transpose(x, perm);
}
export const swapaxes = sym.withSymbolic(swapaxesEager, (x, axis1, axis2) => sym.symbolicOp("Swapaxes", [x], { axis1, axis2 }));

/**
 * keras.ops.moveaxis(x, source, destination): moves the axes `source` to the positions
 * `destination` (one axis or equally long lists); the others keep their order.
 */
function moveaxisEager(xIn: Input, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const op = "moveaxis";
  const x = toTensor(xIn, op);
  const src = typeof source === "number" ? [source] : [...source];
  const dst = typeof destination === "number" ? [destination] : [...destination];
  if (src.length !== dst.length) {
    throw new RangeError(`${op}: source ${listText(src)} and destination ${listText(dst)} must name the same number of axes`);
  }
  const s = src.map((a) => normalizeAxis(a, x.rank, op));
  const d = dst.map((a) => normalizeAxis(a, x.rank, op));
  if (new Set(s).size !== s.length) throw new RangeError(`${op}: repeated axis in source ${listText(src)}`);
  if (new Set(d).size !== d.length) throw new RangeError(`${op}: repeated axis in destination ${listText(dst)}`);
  const rest = x.shape.map((_, i) => i).filter((i) => !s.includes(i));
  const perm = new Array<number>(x.rank).fill(-1);
  d.forEach((to, i) => { perm[to] = s[i]; });
  for (let i = 0, r = 0; i < x.rank; i++) if (perm[i] === -1) perm[i] = rest[r++];
  return transpose(x, perm);
}
export const moveaxis = sym.withSymbolic(moveaxisEager, (x, source, destination) => sym.symbolicOp("Moveaxis", [x], { source: sym.jsonCopy(source), destination: sym.jsonCopy(destination) }));

/**
 * Flat positions into a tensor of `xShape` for each element of an output of `outShape`: the
 * output's own index on every axis but `axis`, and there the index read from `idx` (of
 * `idxShape`, broadcast to outShape; negative values count from the end).
 */
function alongAxisPositions(op: string, xShape: Shape, idx: Int32Array, idxShape: Shape, outShape: Shape, axis: number): Int32Array {
  const rank = outShape.length;
  const xs = stridesOf(xShape);
  const is = stridesOf(idxShape).map((s, d) => (idxShape[d] === 1 ? 0 : s));
  const n = xShape[axis];
  const total = sizeOf(outShape);
  const pos = new Int32Array(total);
  const at = new Array<number>(rank).fill(0);
  for (let o = 0; o < total; o++) {
    let ii = 0;
    for (let d = 0; d < rank; d++) ii += at[d] * is[d];
    let v = idx[ii];
    if (v < -n || v >= n) {
      throw new RangeError(`${op}: index ${v} (at flat position ${ii} of indices ${shapeText(idxShape)}) is out of range for axis ${axis} of x ${shapeText(xShape)} (valid: ${-n}..${n - 1})`);
    }
    if (v < 0) v += n;
    let p = 0;
    for (let d = 0; d < rank; d++) p += (d === axis ? v : at[d]) * xs[d];
    pos[o] = p;
    for (let d = rank - 1; d >= 0; d--) {
      if (++at[d] < outShape[d]) break;
      at[d] = 0;
    }
  }
  return pos;
}

/**
 * keras.ops.take_along_axis(x, indices, axis) (numpy.take_along_axis): out[..., j, ...] =
 * x[..., indices[..., j, ...], ...] along `axis`, the other axes of x and indices broadcast
 * against each other; axis null flattens x first. Indices may be negative (from the end).
 */
function takeAlongAxisEager(xIn: Input, indicesIn: Input, axis: number | null = -1): Tensor {
  const op = "takeAlongAxis";
  let x = toTensor(xIn, op);
  const it = indicesIn instanceof Tensor ? indicesIn : toTensor(indicesIn, op, "indices");
  const idx = integerValues(op, it, "indices");
  if (axis === null) {
    x = reshape(x, [-1]);
    if (it.rank !== 1) throw new RangeError(`${op}: with axis null, indices must be 1-D, got ${shapeText(it.shape)}`);
  }
  if (x.rank === 0) throw new RangeError(`${op}: x must have at least one axis, got a scalar`);
  const a = normalizeAxis(axis ?? 0, x.rank, op);
  if (it.rank !== x.rank) {
    throw new RangeError(`${op}: indices ${shapeText(it.shape)} must have the rank of x ${shapeText(x.shape)} (${x.rank}); add size-1 axes with tf.expandDims`);
  }
  const outShape = x.shape.map((d, i) => {
    if (i === a) return it.shape[i];
    const e = it.shape[i];
    if (d !== e && d !== 1 && e !== 1) {
      throw new RangeError(`${op}: x ${shapeText(x.shape)} and indices ${shapeText(it.shape)} differ on axis ${i} (${d} vs ${e}); off the take axis they must match or be 1`);
    }
    return d === 1 ? e : d;
  });
  const xShape = outShape.map((d, i) => (i === a ? x.shape[a] : d));
  const xb = broadcastTo(x, xShape);
  const pos = alongAxisPositions(op, xShape, idx, it.shape, outShape, a);
  return reshape(gather(reshape(xb, [-1]), new Tensor(pos, [pos.length], "int32")), outShape);
}
export const takeAlongAxis = sym.withSymbolic(takeAlongAxisEager, (x, indices, axis = -1) => sym.symbolicOp("TakeAlongAxis", [x, indices], { axis }));

/**
 * keras.ops.roll(x, shift, axis) (numpy.roll, tf.roll): elements shifted by `shift` places along
 * `axis` (one or several, paired with shifts), those past the end coming back at the start; with
 * axis null the flattened x is rolled and its shape restored.
 */
function rollEager(xIn: Input, shift: number | readonly number[], axis: number | readonly number[] | null = null): Tensor {
  const op = "roll";
  const x = toTensor(xIn, op);
  if (axis === null) {
    if (typeof shift !== "number") throw new RangeError(`${op}: with axis null, shift must be one number, got ${listText(shift)}`);
    return reshape(roll(reshape(x, [-1]), shift, 0), x.shape);
  }
  const axes = typeof axis === "number" ? [axis] : [...axis];
  const shifts = typeof shift === "number" ? new Array<number>(axes.length).fill(shift) : [...shift];
  if (shifts.length !== axes.length) {
    throw new RangeError(`${op}: shift ${listText(shifts)} and axis ${listText(axes)} must have the same length`);
  }
  // A repeated axis adds its shifts, as tf.roll and numpy do.
  const total = new Map<number, number>();
  axes.forEach((ax, i) => {
    if (!Number.isInteger(shifts[i])) throw new RangeError(`${op}: shift ${shifts[i]} must be an integer`);
    const d = normalizeAxis(ax, x.rank, op);
    total.set(d, (total.get(d) ?? 0) + shifts[i]);
  });
  let out = x;
  for (const [d, s] of total) {
    const n = x.shape[d];
    if (n === 0) continue;
    const k = ((s % n) + n) % n;
    if (k === 0) continue;
    const src = new Int32Array(n);
    for (let i = 0; i < n; i++) src[i] = (i - k + n) % n;
    out = gather(out, new Tensor(src, [n], "int32"), d);
  }
  return out;
}
export const roll = sym.withSymbolic(rollEager, (x, shift, axis = null) => sym.symbolicOp("Roll", [x], { shift: sym.jsonCopy(shift), axis: sym.jsonCopy(axis) }));

/**
 * keras.ops.repeat(x, repeats, axis) (numpy.repeat): each element (slice along `axis`) repeated
 * `repeats` times, or repeats[i] times for element i; axis null repeats the flattened x.
 */
function repeatEager(xIn: Input, repeats: number | readonly number[], axis: number | null = null): Tensor {
  const op = "repeat";
  let x = toTensor(xIn, op);
  if (axis === null) x = reshape(x, [-1]);
  if (x.rank === 0) x = reshape(x, [1]);
  const a = normalizeAxis(axis ?? 0, x.rank, op);
  const n = x.shape[a];
  const counts = typeof repeats === "number" ? new Array<number>(n).fill(repeats) : [...repeats];
  if (counts.length !== n) {
    throw new RangeError(`${op}: repeats has ${counts.length} entries but axis ${a} of x ${shapeText(x.shape)} has ${n} elements; give one count per element or a single number`);
  }
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`${op}: repeats ${typeof repeats === "number" ? repeats : listText(counts)} must be integers >= 0, found ${c}`);
  }
  const src = new Int32Array(counts.reduce((s, c) => s + c, 0));
  let o = 0;
  counts.forEach((c, i) => { src.fill(i, o, o + c); o += c; });
  return gather(x, new Tensor(src, [src.length], "int32"), a);
}
export const repeat = sym.withSymbolic(repeatEager, (x, repeats, axis = null) => sym.symbolicOp("Repeat", [x], { repeats: sym.jsonCopy(repeats), axis }));

/**
 * tf.meshgrid(x, y, { indexing }) for any number of 1-D inputs (flattened otherwise): coordinate
 * grids, "xy" (Cartesian, the default: the first two output axes swapped) or "ij" (matrix).
 */
function meshgridEager(...args: (Input | { indexing?: "xy" | "ij" })[]): Tensor[] {
  const op = "meshgrid";
  let indexing: "xy" | "ij" = "xy";
  const last = args[args.length - 1];
  const isOptions = (v: unknown): v is { indexing?: "xy" | "ij" } =>
    typeof v === "object" && v !== null && !(v instanceof Tensor) && !Array.isArray(v) && !ArrayBuffer.isView(v);
  const inputs = isOptions(last) ? args.slice(0, -1) : args;
  if (isOptions(last) && last.indexing !== undefined) {
    if (last.indexing !== "xy" && last.indexing !== "ij") throw new RangeError(`${op}: indexing must be "xy" or "ij", got ${JSON.stringify(last.indexing)}`);
    indexing = last.indexing;
  }
  const xs = inputs.map((t, i) => reshape(toTensor(t as Input, op, `x${i}`), [-1]));
  if (xs.length === 0) return [];
  const sizes = xs.map((t) => t.size);
  const swap = indexing === "xy" && xs.length >= 2;
  const shape = [...sizes];
  if (swap) [shape[0], shape[1]] = [shape[1], shape[0]];
  return xs.map((t, i) => {
    const at = swap && i < 2 ? 1 - i : i;
    const view = new Array<number>(xs.length).fill(1);
    view[at] = sizes[i];
    return broadcastTo(reshape(t, view), shape);
  });
}

/** keras.ops.hstack (numpy.hstack): concatenation along axis 1, or axis 0 for 1-D tensors. */
function hstackEager(xsIn: readonly Input[]): Tensor {
  const xs = xsIn.map((t, i) => toTensor(t, "hstack", `xs[${i}]`));
  if (xs.length === 0) throw new RangeError("hstack: needs at least one tensor, got an empty list");
  const atLeast1 = xs.map((t) => (t.rank === 0 ? reshape(t, [1]) : t));
  return concat(atLeast1, atLeast1[0].rank === 1 ? 0 : 1);
}
export const hstack = sym.withSymbolic(hstackEager, (xs) => sym.symbolicOp("Hstack", [[...xs]]));

/** keras.ops.vstack (numpy.vstack): concatenation along axis 0, 1-D tensors taken as rows. */
function vstackEager(xsIn: readonly Input[]): Tensor {
  const xs = xsIn.map((t, i) => toTensor(t, "vstack", `xs[${i}]`));
  if (xs.length === 0) throw new RangeError("vstack: needs at least one tensor, got an empty list");
  return concat(xs.map((t) => (t.rank < 2 ? reshape(t, [1, t.size]) : t)), 0);
}
export const vstack = sym.withSymbolic(vstackEager, (xs) => sym.symbolicOp("Vstack", [[...xs]]));

declare module "../tensor/tensor.js" {
  interface Tensor {
    swapaxes(axis1: number, axis2: number): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    takeAlongAxis(indices: Input, axis?: number | null): Tensor;
    roll(shift: number | readonly number[], axis?: number | readonly number[] | null): Tensor;
    repeat(repeats: number | readonly number[], axis?: number | null): Tensor;
  }
}

installMethods({ swapaxes, moveaxis, takeAlongAxis, roll, repeat });

/** meshgrid, recording Keras' Meshgrid (one output per input) when an input is symbolic (see meshgridEager). */
export function meshgrid(...args: (Input | { indexing?: "xy" | "ij" })[]): Tensor[];
// With any symbolic argument it records, so every output is symbolic.
export function meshgrid(...args: (Input | sym.Sym | { indexing?: "xy" | "ij" })[]): sym.Sym[];
export function meshgrid(...args: (Input | sym.Sym | { indexing?: "xy" | "ij" })[]): (Tensor | sym.Sym)[] {
  if (!sym.anySymbolic(args)) return meshgridEager(...(args as (Input | { indexing?: "xy" | "ij" })[]));
  const last = args[args.length - 1];
  const options = typeof last === "object" && last !== null && !Array.isArray(last) && !(last instanceof Tensor) && !(last instanceof sym.SymbolicValue);
  const xs = (options ? args.slice(0, -1) : args).map((v) => sym.constantArg(v));
  const indexing = options ? ((last as { indexing?: string }).indexing ?? "xy") : "xy";
  return sym.symbolicOps("Meshgrid", xs, { indexing });
}
