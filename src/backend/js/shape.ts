import type { NumericArray, TypedArray } from "../../tensor/dtype.js";
import { type Shape, sizeOf, stridesOf } from "../../tensor/shape.js";
import { broadcastStrides } from "./elementwise.js";

/*
 * Data movement kernels. They work on every storage, BigInt64Array included: elements are only
 * copied, never computed on, so the code views every array as a Float64Array (same methods and
 * indexing; a bigint element read from one BigInt64Array is written into another unchanged).
 */

/** Runs shorter than this are copied element by element (a subarray view costs an allocation). */
const RUN_MIN = 24;

type Elems = Float64Array;

function asElems(a: TypedArray): Elems {
  return a as unknown as Elems;
}

/**
 * Removes size-1 dimensions and merges neighbours whose strides chain (prev = stride * size), so
 * walks touch long runs. `shape` is walked row-major on the contiguous side.
 */
function coalesce(shape: Shape, strides: readonly number[]): { shape: number[]; strides: number[] } {
  const s: number[] = [], st: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const n = s.length;
    if (n > 0 && st[n - 1] === strides[d] * shape[d]) {
      s[n - 1] *= shape[d];
      st[n - 1] = strides[d];
    } else {
      s.push(shape[d]);
      st.push(strides[d]);
    }
  }
  return { shape: s, strides: st };
}

/**
 * Visits `shape` row-major: `fn(a, b, count, step)` gets the contiguous offset `a` of a run of
 * `count` elements along the last axis, and the matching offset `b` on the strided side (which
 * starts at `base` and moves by `strides`), whose elements are `step` apart.
 */
function walk(shapeIn: Shape, stridesIn: readonly number[], base: number, fn: (a: number, b: number, count: number, step: number) => void): void {
  if (sizeOf(shapeIn) === 0) return;
  const { shape, strides } = coalesce(shapeIn, stridesIn);
  const rank = shape.length;
  if (rank === 0) {
    fn(0, base, 1, 0);
    return;
  }
  const last = shape[rank - 1], step = strides[rank - 1];
  const total = sizeOf(shape);
  const idx = new Array<number>(rank).fill(0);
  let b = base;
  for (let a = 0; a < total; a += last) {
    fn(a, b, last, step);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      b += strides[d];
      if (idx[d] < shape[d]) break;
      b -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** out[o .. o+n) = x[i], x[i+s], ...  (s may be 0 to repeat one element, or negative). */
function readRun(x: Elems, out: Elems, o: number, i: number, n: number, s: number): void {
  if (s === 1) {
    if (n >= RUN_MIN) out.set(x.subarray(i, i + n), o);
    else for (let j = 0; j < n; j++) out[o + j] = x[i + j];
  } else if (s === 0) {
    out.fill(x[i], o, o + n);
  } else {
    for (let j = 0; j < n; j++) out[o + j] = x[i + j * s];
  }
}

/** out[o], out[o+s], ... = x[i .. i+n). */
function writeRun(x: Elems, out: Elems, i: number, o: number, n: number, s: number): void {
  if (s === 1) {
    if (n >= RUN_MIN) out.set(x.subarray(i, i + n), o);
    else for (let j = 0; j < n; j++) out[o + j] = x[i + j];
  } else {
    for (let j = 0; j < n; j++) out[o + j * s] = x[i + j];
  }
}

/** out (contiguous, of `shape`) gathered from x at `base` + index . strides. */
function gatherStrided(x: TypedArray, out: TypedArray, shape: Shape, strides: readonly number[], base: number): void {
  const X = asElems(x), O = asElems(out);
  walk(shape, strides, base, (o, i, n, s) => readRun(X, O, o, i, n, s));
}

/** Blocked 2-D transposing copy: out[r * cols + c] = x[base + r * sr + c * sc]. */
function transposeTile(X: Elems, O: Elems, oBase: number, base: number, rows: number, cols: number, sr: number, sc: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const o = oBase + r * cols;
        const i = base + r * sr;
        for (let c = c0; c < c1; c++) O[o + c] = X[i + c * sc];
      }
    }
  }
}

export function transpose(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const { shape: cs, strides: cst } = coalesce(outShape, perm.map((p) => inStrides[p]));
  const rank = cs.length;
  if (sizeOf(cs) === 0) return;
  if (rank >= 2 && cst[rank - 1] !== 1) {
    // The innermost output axis is strided in the input: copy 2-D tiles so both sides stay in cache.
    const X = asElems(x), O = asElems(out);
    const rows = cs[rank - 2], cols = cs[rank - 1];
    const plane = rows * cols;
    walk(cs.slice(0, rank - 2), cst.slice(0, rank - 2), 0, (o, i, n, s) => {
      for (let t = 0; t < n; t++) transposeTile(X, O, (o + t) * plane, i + t * s, rows, cols, cst[rank - 2], cst[rank - 1]);
    });
    return;
  }
  gatherStrided(x, out, cs, cst, 0);
}

function sliceGeometry(shape: Shape, begin: readonly number[], strides: readonly number[]): { base: number; steps: number[] } {
  const inStrides = stridesOf(shape);
  let base = 0;
  const steps = new Array<number>(shape.length);
  for (let d = 0; d < shape.length; d++) {
    base += begin[d] * inStrides[d];
    steps[d] = strides[d] * inStrides[d];
  }
  return { base, steps };
}

export function stridedSlice(x: TypedArray, shape: Shape, begin: readonly number[], strides: readonly number[], outShape: Shape, out: TypedArray): void {
  const { base, steps } = sliceGeometry(shape, begin, strides);
  gatherStrided(x, out, outShape, steps, base);
}

export function stridedSliceGrad(dy: NumericArray, outShape: Shape, begin: readonly number[], strides: readonly number[], xShape: Shape, dx: NumericArray): void {
  const { base, steps } = sliceGeometry(xShape, begin, strides);
  const D = asElems(dy), X = asElems(dx);
  walk(outShape, steps, base, (i, o, n, s) => writeRun(D, X, i, o, n, s));
}

export function pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number, out: TypedArray): void {
  if (out instanceof BigInt64Array) out.fill(BigInt(value));
  else out.fill(value);
  const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const outStrides = stridesOf(outShape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += paddings[d][0] * outStrides[d];
  const X = asElems(x), O = asElems(out);
  walk(shape, outStrides, base, (i, o, n, s) => writeRun(X, O, i, o, n, s));
}

export function concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number, out: TypedArray): void {
  if (xs.length === 0) return;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shapes[0][d];
  const chunks = shapes.map((s) => sizeOf(s.slice(axis)));
  const total = chunks.reduce((a, b) => a + b, 0);
  const O = asElems(out);
  let off = 0;
  for (let k = 0; k < xs.length; k++) {
    const X = asElems(xs[k]), c = chunks[k];
    if (c > 0) for (let o = 0; o < outer; o++) readRun(X, O, o * total + off, o * c, c, 1);
    off += c;
  }
}

function gatherDims(shape: Shape, axis: number): { outer: number; n: number; inner: number } {
  let outer = 1, inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, n: shape[axis], inner };
}

export function gather(x: TypedArray, shape: Shape, indices: Int32Array, axis: number, out: TypedArray): void {
  const { outer, n, inner } = gatherDims(shape, axis);
  const k = indices.length;
  const X = asElems(x), O = asElems(out);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      readRun(X, O, (o * k + j) * inner, (o * n + indices[j]) * inner, inner, 1);
    }
  }
}

export function gatherGrad(dy: NumericArray, indices: Int32Array, axis: number, xShape: Shape, dx: NumericArray): void {
  const { outer, n, inner } = gatherDims(xShape, axis);
  const k = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * k + j) * inner, dst = (o * n + indices[j]) * inner;
      for (let t = 0; t < inner; t++) dx[dst + t] += dy[src + t];
    }
  }
}

/**
 * Tiling is broadcasting in disguise: the output [r0*s0, r1*s1, ...] is, row-major, the array
 * [r0, s0, r1, s1, ...], and x is read as [1, s0, 1, s1, ...] repeated along the r axes.
 */
export function tile(x: TypedArray, shape: Shape, reps: readonly number[], out: TypedArray): void {
  const inStrides = stridesOf(shape);
  const wide: number[] = [], steps: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    wide.push(reps[d], shape[d]);
    steps.push(0, inStrides[d]);
  }
  gatherStrided(x, out, wide, steps, 0);
}

export function broadcastTo(x: TypedArray, shape: Shape, outShape: Shape, out: TypedArray): void {
  gatherStrided(x, out, outShape, broadcastStrides(shape, outShape), 0);
}

export function oneHot(indices: Int32Array, depth: number, on: number, off: number, out: NumericArray): void {
  out.fill(off);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (k >= 0 && k < depth) out[i * depth + k] = on;
  }
}
