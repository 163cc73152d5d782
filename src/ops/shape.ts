import { Tensor, makeTensor, storageOf } from "../tensor/tensor.js";
import { type Sym, SymbolicValue, symbolicOp } from "./symbolic.js";
import { type DType, type NumericArray, isIntDType } from "../tensor/dtype.js";
import { castValues } from "../tensor/creation.js";
import { type Shape, normalizeAxes, normalizeAxis, shapeText, shapesEqual, sizeOf } from "../tensor/shape.js";
import { type Input, backend, emptyTensor, num, raw, record, toTensor } from "./engine.js";
import { sum } from "./reduce.js";
import { installMethods } from "./methods.js";
import * as sym from "./symbolic.js";
import { valueText } from "../tensor/value_text.js";

function text(t: Tensor): string {
  return `${t.dtype} ${shapeText(t.shape)}`;
}

function listText(v: readonly unknown[]): string {
  return `[${v.join(", ")}]`;
}

function asList(v: number | readonly number[], rank: number): number[] {
  return typeof v === "number" ? new Array<number>(rank).fill(v) : [...v];
}

function checkInts(op: string, what: string, v: readonly number[], min: number): void {
  for (const d of v) {
    if (!Number.isInteger(d) || d < min) {
      throw new RangeError(`${op}: ${what} ${listText(v)} must hold integers >= ${min}, found ${d}`);
    }
  }
}

// ---------------------------------------------------------------- views: reshape and friends

/** The target shape with its one -1 resolved; throws naming both shapes and sizes. */
function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const dims = [...shape];
  let infer = -1;
  let known = 1;
  dims.forEach((d, i) => {
    if (d === -1) {
      if (infer >= 0) throw new RangeError(`${op}: shape ${listText(shape)} has more than one -1; only one dimension can be inferred`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: invalid shape ${listText(shape)}: every dimension must be a non-negative integer or a single -1`);
    } else {
      known *= d;
    }
  });
  if (infer >= 0) {
    if (known === 0) {
      throw new RangeError(
        `${op}: cannot infer the -1 in ${listText(shape)} for a tensor of shape ${shapeText(x.shape)} (${x.size} elements): ` +
          `the other dimensions multiply to 0, so any size fits; give every dimension explicitly`,
      );
    }
    if (x.size % known !== 0) {
      throw new RangeError(
        `${op}: cannot reshape a tensor of shape ${shapeText(x.shape)} (${x.size} elements) into ${listText(shape)}: ` +
          `the other dimensions multiply to ${known}, which does not divide ${x.size}`,
      );
    }
    dims[infer] = x.size / known;
  } else if (known !== x.size) {
    throw new RangeError(
      `${op}: cannot reshape a tensor of shape ${shapeText(x.shape)} (${x.size} elements) into ${listText(shape)} ` +
        `(${known} elements); the sizes must match (use -1 for one dimension to infer it)`,
    );
  }
  return dims;
}

/** The same storage under another shape (no copy: tensors are immutable). */
function view(x: Tensor, shape: Shape, name: string): Tensor {
  const out = makeTensor(storageOf(x), shape, x.dtype);
  record(name, [x], out, ([dy]) => [reshape(dy, x.shape)]);
  return out;
}

/** tf.reshape(x, shape): same values, new shape; one dimension may be -1 (inferred). Shares storage. */
export function reshape(x: Sym, shape: readonly number[]): Sym;
export function reshape(x: Input, shape: readonly number[]): Tensor;
export function reshape(xIn: Input | Sym, shape: readonly number[]): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Reshape", [xIn], { newshape: [...shape] });
  const x = toTensor(xIn, "reshape");
  return view(x, resolveShape("reshape", x, shape), "reshape");
}

/** Flattens to 1-D (Keras' Flatten layer keeps the batch axis; this op does not). */
export function flatten(xIn: Input): Tensor {
  const x = toTensor(xIn, "flatten");
  return view(x, [x.size], "flatten");
}

/** tf.expandDims(x, axis = 0): inserts a size-1 axis at `axis` (-1 appends one at the end). */
export function expandDims(x: Sym, axis?: number): Sym;
export function expandDims(x: Input, axis?: number): Tensor;
export function expandDims(xIn: Input | Sym, axis = 0): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("ExpandDims", [xIn], { axis });
  const x = toTensor(xIn, "expandDims");
  if (typeof axis !== "number") {
    throw new TypeError(`expandDims: axis must be one integer (TF's expand_dims inserts one axis), got ${valueText(axis)}; ops.expandDims(x, ${valueText(axis)}) inserts several, as Keras' does`);
  }
  const r = x.rank + 1;
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new RangeError(`expandDims: axis ${valueText(axis)} is out of range for a tensor of shape ${shapeText(x.shape)} (valid: ${-r}..${r - 1})`);
  }
  const a = axis < 0 ? axis + r : axis;
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return view(x, shape, "expandDims");
}

/** tf.squeeze(x, axis?): removes size-1 axes (all of them, or the listed ones, which must have size 1). */
export function squeeze(x: Sym, axis?: number | readonly number[]): Sym;
export function squeeze(x: Input, axis?: number | readonly number[]): Tensor;
export function squeeze(xIn: Input | Sym, axis?: number | readonly number[]): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Squeeze", [xIn], { axis: axis === undefined ? null : typeof axis === "number" ? axis : [...axis] });
  const x = toTensor(xIn, "squeeze");
  let drop: number[];
  if (axis === undefined) {
    drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  } else {
    drop = normalizeAxes(axis, x.rank, "squeeze");
    for (const a of drop) {
      if (x.shape[a] !== 1) {
        throw new RangeError(`squeeze: cannot squeeze axis ${a} of shape ${shapeText(x.shape)}: its size is ${x.shape[a]}, not 1`);
      }
    }
  }
  return view(x, x.shape.filter((_, i) => !drop.includes(i)), "squeeze");
}

/** A copy of x with its own storage; the gradient passes through unchanged. */
function cloneEager(xIn: Input): Tensor {
  const x = toTensor(xIn, "clone");
  const out = makeTensor(storageOf(x).slice(), x.shape, x.dtype);
  record("clone", [x], out, ([dy]) => [dy]);
  return out;
}
/** clone, recording Keras' operation on symbolic tensors (see cloneEager). */
export const clone = sym.withSymbolic(cloneEager, (x) => symbolicOp("Copy", [x]));

// ---------------------------------------------------------------- transpose

/** tf.transpose(x, perm?): permutes the axes (output axis i is input axis perm[i]); default reverses them. */
export function transpose(x: Sym, perm?: readonly number[]): Sym;
export function transpose(x: Input, perm?: readonly number[]): Tensor;
export function transpose(xIn: Input | Sym, perm?: readonly number[]): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Transpose", [xIn], { axes: perm === undefined ? null : [...perm] });
  const x = toTensor(xIn, "transpose");
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  const valid = p.length === x.rank && [...p].sort((a, b) => a - b).every((v, i) => v === i);
  if (!valid) {
    throw new RangeError(
      `transpose: perm ${listText(p)} is not a permutation of the ${x.rank} axes of shape ${shapeText(x.shape)}; ` +
        `it must list each of 0..${x.rank - 1} once`,
    );
  }
  if (p.every((v, i) => v === i)) return view(x, x.shape, "transpose");
  const out = emptyTensor(p.map((a) => x.shape[a]), x.dtype);
  backend().transpose(raw(x), x.shape, p, raw(out));
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => { inverse[a] = i; });
  record("transpose", [x], out, ([dy]) => [transpose(dy, inverse)]);
  return out;
}

// ---------------------------------------------------------------- slicing

/**
 * out[i...] = x[begin + i * strides] with out of `outShape` (one entry per axis of x); its
 * gradient scatters dy back with stridedSliceGrad.
 */
function sliceCore(x: Tensor, begin: readonly number[], strides: readonly number[], outShape: Shape, name: string): Tensor {
  const out = emptyTensor(outShape, x.dtype);
  backend().stridedSlice(raw(x), x.shape, begin, strides, outShape, raw(out));
  record(name, [x], out, ([dy]) => [sliceGradCore(dy, begin, strides, x.shape)]);
  return out;
}

/** The adjoint of sliceCore, recorded as an op itself so gradients of gradients work. */
function sliceGradCore(dy: Tensor, begin: readonly number[], strides: readonly number[], xShape: Shape): Tensor {
  const dx = emptyTensor(xShape, dy.dtype);
  backend().stridedSliceGrad(num(dy), dy.shape, begin, strides, xShape, num(dx));
  record("stridedSliceGrad", [dy], dx, ([ddx]) => [sliceCore(ddx, begin, strides, dy.shape, "stridedSlice")]);
  return dx;
}

/**
 * Keras' Slice(x, start_indices, shape) records one start and one size per axis, with no -1: a
 * -1 (to the end) becomes the known rest of the axis, and is refused on an axis of unknown length.
 */
function symbolicSlice(x: SymbolicValue, begin: number | readonly number[], size?: number | readonly number[]): Sym {
  const b = typeof begin === "number" ? [begin] : [...begin];
  const s = size === undefined ? [] : typeof size === "number" ? [size] : [...size];
  const start = x.shape.map((_, d) => b[d] ?? 0);
  const shape = x.shape.map((n, d) => {
    const sd = s[d] ?? -1;
    if (sd !== -1) return sd;
    if (n === null) throw new RangeError(`slice: size[${d}] = -1 (to the end) on axis ${d}, whose length is unknown in the functional model; Keras' Slice takes fixed sizes, so use ops.getItem(x, [{}, { start: ${start[d]} }]) for an open-ended slice`);
    return n - start[d];
  });
  return symbolicOp("Slice", [x, start, shape]);
}

/**
 * tf.slice(x, begin, size): the block starting at `begin` of extent `size` (-1: to the end of
 * that axis). Shorter begin/size lists leave the remaining axes whole, as tf.js does.
 */
export function slice(x: Sym, begin: number | readonly number[], size?: number | readonly number[]): Sym;
export function slice(x: Input, begin: number | readonly number[], size?: number | readonly number[]): Tensor;
export function slice(xIn: Input | Sym, begin: number | readonly number[], size?: number | readonly number[]): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicSlice(xIn, begin, size);
  const x = toTensor(xIn, "slice");
  const b = typeof begin === "number" ? [begin] : [...begin];
  const s = size === undefined ? [] : typeof size === "number" ? [size] : [...size];
  if (b.length > x.rank || s.length > x.rank) {
    throw new RangeError(`slice: begin ${listText(b)} / size ${listText(s)} have more entries than x ${text(x)} has axes`);
  }
  const start: number[] = [], extent: number[] = [];
  for (let d = 0; d < x.rank; d++) {
    const bd = b[d] ?? 0;
    const sd = s[d] ?? -1;
    if (!Number.isInteger(bd) || bd < 0 || bd > x.shape[d]) {
      throw new RangeError(`slice: begin[${d}] = ${bd} is out of range for axis ${d} of shape ${shapeText(x.shape)} (valid: 0..${x.shape[d]})`);
    }
    const e = sd === -1 ? x.shape[d] - bd : sd;
    if (!Number.isInteger(e) || e < 0 || bd + e > x.shape[d]) {
      throw new RangeError(
        `slice: size[${d}] = ${sd} from begin ${bd} runs past axis ${d} of shape ${shapeText(x.shape)}; ` +
          `use at most ${x.shape[d] - bd}, or -1 for the rest of the axis`,
      );
    }
    start.push(bd);
    extent.push(e);
  }
  if (shapesEqual(extent, x.shape)) return view(x, x.shape, "slice");
  return sliceCore(x, start, new Array<number>(x.rank).fill(1), extent, "slice");
}

export interface StridedSliceOptions {
  /** Bit i set: ignore begin[i] and start from the first (last, for a negative stride) element. */
  beginMask?: number;
  /** Bit i set: ignore end[i] and run to the end (the start, for a negative stride) of the axis. */
  endMask?: number;
  /** Bit i set: spec entry i stands for all the axes not otherwise named (Python's `...`). */
  ellipsisMask?: number;
  /** Bit i set: spec entry i inserts a new size-1 axis (Python's `None` / tf.newaxis). */
  newAxisMask?: number;
  /** Bit i set: take the single index begin[i] and drop that axis (Python's `x[3]`). */
  shrinkAxisMask?: number;
}

/**
 * tf.strided_slice(x, begin, end, strides?, masks): Python slicing `x[b0:e0:s0, b1:e1:s1, ...]`,
 * with negative indices counting from the end, negative strides walking backwards, and TF's
 * begin/end/ellipsis/newAxis/shrinkAxis masks.
 */
export function stridedSlice(
  xIn: Input, begin: readonly number[], end: readonly number[], strides?: readonly number[], opts: StridedSliceOptions = {},
): Tensor {
  const op = "stridedSlice";
  const x = toTensor(xIn, op);
  const n = begin.length;
  const st = strides ? [...strides] : new Array<number>(n).fill(1);
  if (end.length !== n || st.length !== n) {
    throw new RangeError(`${op}: begin ${listText(begin)}, end ${listText(end)} and strides ${listText(st)} must have the same length`);
  }
  let ellipsisMask = opts.ellipsisMask ?? 0;
  const newAxisMask = opts.newAxisMask ?? 0;
  const bit = (mask: number, i: number): boolean => ((mask >>> i) & 1) === 1;
  let ellipses = 0;
  for (let i = 0; i < n; i++) if (bit(ellipsisMask, i)) ellipses++;
  if (ellipses > 1) throw new RangeError(`${op}: ellipsisMask ${ellipsisMask} marks more than one ellipsis; at most one is allowed`);
  // Without an ellipsis, one is implied after the last spec entry (trailing axes are taken whole).
  let dims = n;
  if (ellipses === 0) {
    ellipsisMask |= 1 << n;
    dims = n + 1;
  }
  // Dense spec: one entry per axis of x.
  const rank = x.rank;
  type Dense = { begin: number; end: number; stride: number; beginMasked: boolean; endMasked: boolean; shrink: boolean };
  const dense: Dense[] = [];
  /** Output axes: an axis of x (index into dense), or -1 for a new axis; shrunk axes are left out. */
  const finalAxes: number[] = [];
  let addAfterEllipsis = 0;
  let seenEllipsis = false;
  for (let i = 0; i < dims; i++) {
    if (bit(ellipsisMask, i)) seenEllipsis = true;
    else if (seenEllipsis && bit(newAxisMask, i)) addAfterEllipsis++;
  }
  for (let i = 0; i < dims; i++) {
    if (bit(ellipsisMask, i)) {
      const next = Math.min(rank - (dims - i) + 1 + addAfterEllipsis, rank);
      while (dense.length < next) {
        finalAxes.push(dense.length);
        dense.push({ begin: 0, end: 0, stride: 1, beginMasked: true, endMasked: true, shrink: false });
      }
    } else if (bit(newAxisMask, i)) {
      finalAxes.push(-1);
    } else {
      if (dense.length >= rank) {
        throw new RangeError(`${op}: the slice spec (begin ${listText(begin)}) names more axes than x ${text(x)} has`);
      }
      const shrink = bit(opts.shrinkAxisMask ?? 0, i);
      if (!shrink) finalAxes.push(dense.length);
      dense.push({
        begin: begin[i], end: end[i], stride: st[i],
        beginMasked: bit(opts.beginMask ?? 0, i), endMasked: bit(opts.endMask ?? 0, i), shrink,
      });
    }
  }
  const starts: number[] = [], steps: number[] = [], sizes: number[] = [];
  dense.forEach((s, d) => {
    const dim = x.shape[d];
    if (!Number.isInteger(s.begin) || !Number.isInteger(s.end) || !Number.isInteger(s.stride)) {
      throw new RangeError(`${op}: begin/end/strides must be integers, got ${valueText(s.begin)}:${s.end}:${s.stride} for axis ${d}`);
    }
    if (s.stride === 0) throw new RangeError(`${op}: strides[${d}] is 0; a stride must be nonzero`);
    if (s.shrink) {
      const idx = s.begin < 0 ? s.begin + dim : s.begin;
      if (idx < 0 || idx >= dim) {
        throw new RangeError(`${op}: index ${s.begin} is out of range for axis ${d} of shape ${shapeText(x.shape)} (valid: ${-dim}..${dim - 1})`);
      }
      starts.push(idx); steps.push(1); sizes.push(1);
      return;
    }
    const pos = s.stride > 0;
    const canon = (v: number, masked: boolean, isEnd: boolean): number => {
      if (masked) return pos ? (isEnd ? dim : 0) : (isEnd ? -1 : dim - 1);
      const fwd = v < 0 ? v + dim : v;
      return pos ? Math.min(Math.max(fwd, 0), dim) : Math.min(Math.max(fwd, -1), dim - 1);
    };
    const b = canon(s.begin, s.beginMasked, false);
    const e = canon(s.end, s.endMasked, true);
    const interval = e - b;
    const size = interval === 0 || interval > 0 !== pos ? 0 : Math.ceil(interval / s.stride);
    starts.push(size > 0 ? b : 0); steps.push(s.stride); sizes.push(size);
  });
  const finalShape = finalAxes.map((a) => (a < 0 ? 1 : sizes[a]));
  if (shapesEqual(sizes, x.shape) && steps.every((v) => v === 1)) return view(x, finalShape, op);
  const out = sliceCore(x, starts, steps, sizes, op);
  return shapesEqual(finalShape, sizes) ? out : view(out, finalShape, op);
}

/** tf.reverse(x, axis?): reverses the order along the given axes (all of them when omitted). */
export function reverse(xIn: Input, axis?: number | readonly number[]): Tensor {
  const x = toTensor(xIn, "reverse");
  const axes = normalizeAxes(axis, x.rank, "reverse");
  const starts = x.shape.map((d, i) => (axes.includes(i) && d > 0 ? d - 1 : 0));
  const steps = x.shape.map((_, i) => (axes.includes(i) ? -1 : 1));
  return sliceCore(x, starts, steps, x.shape, "reverse");
}

// ---------------------------------------------------------------- concat, stack, split, unstack

/** tf.concat(xs, axis = 0): joins tensors of one dtype that agree on every axis but `axis`. */
export function concat(xs: readonly Input[], axis?: number): Tensor;
export function concat(xs: readonly (Input | Sym)[], axis?: number): Sym;
export function concat(xsIn: readonly (Input | Sym)[], axis = 0): Tensor | Sym {
  if (xsIn.some((t) => t instanceof SymbolicValue)) return symbolicOp("Concatenate", [[...xsIn]], { axis });
  const op = "concat";
  if (xsIn.length === 0) throw new RangeError(`${op}: needs at least one tensor, got an empty list`);
  const xs = xsIn.map((t, i) => toTensor(t as Input, op, `xs[${i}]`));
  const first = xs[0];
  if (first.rank === 0) throw new RangeError(`${op}: cannot concatenate scalars; stack them with tf.stack, or reshape them to [1]`);
  const a = normalizeAxis(axis, first.rank, op);
  xs.forEach((t, i) => {
    if (t.dtype !== first.dtype) {
      throw new TypeError(`${op}: xs[${i}] is ${text(t)} but xs[0] is ${text(first)}; cast them to one dtype first`);
    }
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new RangeError(
        `${op}: xs[${i}] has shape ${shapeText(t.shape)} but xs[0] has ${shapeText(first.shape)}; ` +
          `all shapes must match except along axis ${a}`,
      );
    }
  });
  if (xs.length === 1) return view(first, first.shape, op);
  const shape = [...first.shape];
  shape[a] = xs.reduce((s, t) => s + t.shape[a], 0);
  const out = emptyTensor(shape, first.dtype);
  backend().concat(xs.map(raw), xs.map((t) => t.shape), a, raw(out));
  record(op, xs, out, ([dy]) => {
    let offset = 0;
    return xs.map((t) => {
      const begin = new Array<number>(t.rank).fill(0);
      begin[a] = offset;
      offset += t.shape[a];
      return sliceCore(dy, begin, new Array<number>(t.rank).fill(1), t.shape, "slice");
    });
  });
  return out;
}

/** tf.stack(xs, axis = 0): joins tensors of one shape along a new axis. */
export function stack(xs: readonly Input[], axis?: number): Tensor;
export function stack(xs: readonly (Input | Sym)[], axis?: number): Sym;
export function stack(xsIn: readonly (Input | Sym)[], axis = 0): Tensor | Sym {
  if (xsIn.some((t) => t instanceof SymbolicValue)) return symbolicOp("Stack", [[...xsIn]], { axis });
  const op = "stack";
  if (xsIn.length === 0) throw new RangeError(`${op}: needs at least one tensor, got an empty list`);
  const xs = xsIn.map((t, i) => toTensor(t as Input, op, `xs[${i}]`));
  xs.forEach((t, i) => {
    if (!shapesEqual(t.shape, xs[0].shape)) {
      throw new RangeError(`${op}: xs[${i}] has shape ${shapeText(t.shape)} but xs[0] has ${shapeText(xs[0].shape)}; stacked tensors must have one shape`);
    }
  });
  const r = xs[0].rank + 1;
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new RangeError(`${op}: axis ${axis} is out of range for stacking tensors of shape ${shapeText(xs[0].shape)} (valid: ${-r}..${r - 1})`);
  }
  return concat(xs.map((t) => expandDims(t, axis)), axis);
}

/** Pieces of x along `axis` of the given sizes; the gradient concatenates the pieces' gradients. */
function splitCore(x: Tensor, sizes: readonly number[], axis: number, squeezeAxis: boolean, name: string): Tensor[] {
  const steps = new Array<number>(x.rank).fill(1);
  let offset = 0;
  const outs = sizes.map((s) => {
    const begin = new Array<number>(x.rank).fill(0);
    begin[axis] = offset;
    offset += s;
    const shape = [...x.shape];
    shape[axis] = s;
    const out = emptyTensor(squeezeAxis ? shape.filter((_, i) => i !== axis) : shape, x.dtype);
    backend().stridedSlice(raw(x), x.shape, begin, steps, shape, raw(out));
    return out;
  });
  record(name, [x], outs, (dys) => [squeezeAxis ? stack(dys, axis) : concat(dys, axis)]);
  return outs;
}

/**
 * tf.split(x, numOrSizeSplits, axis = 0): `n` equal pieces (the axis must divide evenly), or
 * pieces of the listed sizes (one may be -1: the rest).
 */
export function split(xIn: Input, numOrSizeSplits: number | readonly number[], axis = 0): Tensor[] {
  const op = "split";
  const x = toTensor(xIn, op);
  if (x.rank === 0) throw new RangeError(`${op}: cannot split a scalar`);
  const a = normalizeAxis(axis, x.rank, op);
  const dim = x.shape[a];
  let sizes: number[];
  if (typeof numOrSizeSplits === "number") {
    const k = numOrSizeSplits;
    if (!Number.isInteger(k) || k <= 0 || dim % k !== 0) {
      throw new RangeError(`${op}: axis ${a} of shape ${shapeText(x.shape)} has size ${dim}, which cannot be split into ${k} equal pieces; pass a list of sizes instead`);
    }
    sizes = new Array<number>(k).fill(dim / k);
  } else {
    sizes = [...numOrSizeSplits];
    const free = sizes.filter((s) => s === -1).length;
    if (free > 1) throw new RangeError(`${op}: sizes ${listText(sizes)} contain more than one -1`);
    checkInts(op, "sizes", sizes.filter((s) => s !== -1), 0);
    const known = sizes.reduce((s, v) => (v === -1 ? s : s + v), 0);
    if (free === 1) {
      if (known > dim) throw new RangeError(`${op}: sizes ${listText(sizes)} add up to more than axis ${a} of shape ${shapeText(x.shape)} (${dim})`);
      sizes = sizes.map((s) => (s === -1 ? dim - known : s));
    } else if (known !== dim) {
      throw new RangeError(`${op}: sizes ${listText(sizes)} add up to ${known} but axis ${a} of shape ${shapeText(x.shape)} has size ${dim}`);
    }
  }
  return splitCore(x, sizes, a, false, op);
}

/** tf.unstack(x, axis = 0): the slices along `axis`, each without that axis. */
export function unstack(xIn: Input, axis = 0): Tensor[] {
  const op = "unstack";
  const x = toTensor(xIn, op);
  if (x.rank === 0) throw new RangeError(`${op}: cannot unstack a scalar`);
  const a = normalizeAxis(axis, x.rank, op);
  return splitCore(x, new Array<number>(x.shape[a]).fill(1), a, true, op);
}

// ---------------------------------------------------------------- gather, tile, pad, oneHot

/** Integer indices as an Int32Array; `what` names them in errors. */
function indexArray(op: string, t: Tensor, what: string): Int32Array {
  if (t.dtype === "int32") return storageOf(t) as Int32Array;
  if (t.dtype === "uint8" || t.dtype === "int8") return castValues(storageOf(t), t.dtype, "int32") as Int32Array;
  if (t.dtype === "int64") {
    // An index beyond int32 is out of range for any axis: it becomes -1 (refused by gather with
    // the original value shown, a row of offValue in oneHot), never its wrapped low 32 bits.
    const src = storageOf(t) as BigInt64Array, out = new Int32Array(src.length);
    for (let i = 0; i < src.length; i++) { const v = src[i]; out[i] = v >= -2147483648n && v <= 2147483647n ? Number(v) : -1; }
    return out;
  }
  throw new TypeError(`${op}: ${what} must be int32 or int64, got ${text(t)}; cast them with tf.cast(${what}, "int32")`);
}

function indicesTensor(op: string, indices: Input): Tensor {
  if (indices instanceof Tensor) return indices;
  return toTensor(indices, op, "indices");
}

/** Gathers along `axis` of x viewed as `flatShape` (same storage as x); out has `outShape`. */
function gatherCore(x: Tensor, flatShape: Shape, idx: Int32Array, axis: number, outShape: Shape): Tensor {
  const out = emptyTensor(outShape, x.dtype);
  backend().gather(raw(x), flatShape, idx, axis, raw(out));
  record("gather", [x], out, ([dy]) => [gatherGradCore(dy, idx, axis, flatShape, x.shape)]);
  return out;
}

/** The adjoint of gatherCore (a scatter-add), recorded so gradients of gradients work. */
function gatherGradCore(dy: Tensor, idx: Int32Array, axis: number, flatShape: Shape, xShape: Shape): Tensor {
  const dx = emptyTensor(xShape, dy.dtype);
  backend().gatherGrad(num(dy), idx, axis, flatShape, num(dx));
  record("gatherGrad", [dy], dx, ([ddx]) => [gatherCore(ddx, flatShape, idx, axis, dy.shape)]);
  return dx;
}

/**
 * tf.gather(x, indices, axis = 0, batchDims = 0): x's slices along `axis` at `indices` (int32 or
 * int64, any shape). The result's shape is x.shape[:axis] + indices.shape[batchDims:] +
 * x.shape[axis+1:]; with batchDims = b the first b axes of x and indices are matched pairwise.
 */
export function gather(xIn: Input, indicesIn: Input, axis = 0, batchDims = 0): Tensor {
  const op = "gather";
  const x = toTensor(xIn, op);
  const it = indicesTensor(op, indicesIn);
  const idx = indexArray(op, it, "indices");
  if (x.rank === 0) throw new RangeError(`${op}: cannot gather from a scalar`);
  const a = normalizeAxis(axis, x.rank, op);
  const bd = batchDims < 0 ? batchDims + it.rank : batchDims;
  if (!Number.isInteger(bd) || bd < 0 || bd > it.rank || bd > a) {
    throw new RangeError(
      `${op}: batchDims ${batchDims} is invalid for indices ${shapeText(it.shape)} and axis ${a}; ` +
        `it must satisfy 0 <= batchDims <= min(axis, rank of indices)`,
    );
  }
  for (let d = 0; d < bd; d++) {
    if (x.shape[d] !== it.shape[d]) {
      throw new RangeError(`${op}: with batchDims ${bd}, x ${shapeText(x.shape)} and indices ${shapeText(it.shape)} must agree on their first ${bd} axes`);
    }
  }
  const n = x.shape[a];
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0 || v >= n) {
      const shown = it.dtype === "int64" ? String(storageOf(it)[i]) : String(v);
      throw new RangeError(`${op}: index ${shown} (at flat position ${i} of indices ${shapeText(it.shape)}) is out of range for axis ${a} of x ${shapeText(x.shape)} (valid: 0..${n - 1})`);
    }
  }
  const outShape = [...x.shape.slice(0, a), ...it.shape.slice(bd), ...x.shape.slice(a + 1)];
  const B = sizeOf(x.shape.slice(0, bd));
  const M = sizeOf(x.shape.slice(bd, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  if (B === 1) return gatherCore(x, [M, n, inner], idx, 1, outShape);
  // Batched: rows of x viewed as [B * M * n, inner], each batch's indices offset to its own block.
  const K = sizeOf(it.shape.slice(bd));
  const flat = new Int32Array(B * M * K);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < M; m++) {
      const row = (b * M + m) * n, o = (b * M + m) * K;
      for (let k = 0; k < K; k++) flat[o + k] = row + idx[b * K + k];
    }
  }
  return gatherCore(x, [B * M * n, inner], flat, 0, outShape);
}

/** tf.tile(x, reps): repeats x reps[d] times along each axis d. */
export function tile(xIn: Input, reps: readonly number[]): Tensor {
  const op = "tile";
  const x = toTensor(xIn, op);
  if (reps.length !== x.rank) {
    throw new RangeError(`${op}: reps ${listText(reps)} has ${reps.length} entries but x ${text(x)} has ${x.rank} axes; give one repeat count per axis`);
  }
  checkInts(op, "reps", reps, 0);
  const out = emptyTensor(x.shape.map((d, i) => d * reps[i]), x.dtype);
  backend().tile(raw(x), x.shape, reps, raw(out));
  record(op, [x], out, ([dy]) => {
    // dy viewed as [r0, s0, r1, s1, ...] summed over the repeat axes.
    const wide = x.shape.flatMap((d, i) => [reps[i], d]);
    return [sum(reshape(dy, wide), wide.map((_, i) => i).filter((i) => i % 2 === 0))];
  });
  return out;
}

/** tf.pad(x, paddings, constantValue = 0): paddings[d] = [before, after] values added along axis d. */
export function pad(xIn: Input, paddings: readonly (readonly [number, number])[], constantValue = 0): Tensor {
  const op = "pad";
  const x = toTensor(xIn, op);
  if (paddings.length !== x.rank || paddings.some((p) => p.length !== 2)) {
    throw new RangeError(`${op}: paddings ${JSON.stringify(paddings)} must hold one [before, after] pair for each of the ${x.rank} axes of ${shapeText(x.shape)}`);
  }
  checkInts(op, "paddings", paddings.flat(), 0);
  if (isIntDType(x.dtype) && !Number.isInteger(constantValue)) {
    throw new TypeError(`${op}: constantValue ${constantValue} is not an integer but x is ${text(x)}`);
  }
  const out = emptyTensor(x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]), x.dtype);
  backend().pad(raw(x), x.shape, paddings, constantValue, raw(out));
  record(op, [x], out, ([dy]) => [sliceCore(dy, paddings.map((p) => p[0]), new Array<number>(x.rank).fill(1), x.shape, "slice")]);
  return out;
}

/**
 * tf.oneHot(indices, depth, onValue = 1, offValue = 0, dtype = "float32"): a new last axis of
 * length `depth`; indices outside [0, depth) give a row of offValue.
 */
export function oneHot(indicesIn: Input, depth: number, onValue = 1, offValue = 0, dtype: DType = "float32"): Tensor {
  const op = "oneHot";
  const it = indicesTensor(op, indicesIn);
  const idx = indexArray(op, it, "indices");
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`${op}: depth must be a non-negative integer, got ${valueText(depth)}`);
  const shape = [...it.shape, depth];
  if (dtype === "int64") {
    const tmp = new Int32Array(idx.length * depth);
    backend().oneHot(idx, depth, onValue, offValue, tmp);
    return makeTensor(castValues(tmp, "int32", "int64") as BigInt64Array, shape, "int64");
  }
  const out = emptyTensor(shape, dtype);
  backend().oneHot(idx, depth, onValue, offValue, storageOf(out) as NumericArray);
  return out;
}

// ---------------------------------------------------------------- chainable methods

declare module "../tensor/tensor.js" {
  interface Tensor {
    reshape(shape: readonly number[]): Tensor;
    flatten(): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axis?: number | readonly number[]): Tensor;
    clone(): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor;
    stridedSlice(begin: readonly number[], end: readonly number[], strides?: readonly number[], opts?: StridedSliceOptions): Tensor;
    reverse(axis?: number | readonly number[]): Tensor;
    concat(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    split(numOrSizeSplits: number | readonly number[], axis?: number): Tensor[];
    unstack(axis?: number): Tensor[];
    gather(indices: Input, axis?: number, batchDims?: number): Tensor;
    tile(reps: readonly number[]): Tensor;
    pad(paddings: readonly (readonly [number, number])[], constantValue?: number): Tensor;
    oneHot(depth: number, onValue?: number, offValue?: number, dtype?: DType): Tensor;
  }
}

installMethods({
  reshape, flatten, expandDims, squeeze, clone, transpose, slice, stridedSlice, reverse,
  concat: (self: Tensor, others: Tensor | readonly Tensor[], axis?: number) =>
    concat([self, ...(others instanceof Tensor ? [others] : others)], axis),
  split, unstack, gather, tile, pad, oneHot,
});

