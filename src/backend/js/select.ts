import type { TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { broadcastStrides, forEachBroadcast } from "./broadcast.js";

/*
 * The select kernel of tf.where: out[i] = cond[i] ? a[i] : b[i], with numpy broadcasting.
 *
 * A select only moves elements, so it runs on integer views of the same width: 1-byte elements
 * (bool, uint8, int8) as Uint8Array, 4-byte ones (float32, int32) as Int32Array, 8-byte ones
 * (float64, int64) as pairs in an Int32Array. Each row loop then only ever sees one array type,
 * which V8 compiles to direct loads and stores, where one loop shared by every dtype went
 * megamorphic and read each element through the generic path (an int32 where over Fashion-MNIST's
 * 55 million pixels took about a second); a float's bits, NaN payloads included, are copied as
 * they are, and an int64 needs no BigInt per element. The loops are branch free:
 * b ^ ((a ^ b) & mask), mask = -1 where the condition byte is nonzero ((-c) >> 31), since a
 * branch on a random mask mispredicts every other element.
 */

/** One contiguous run of `n` outputs from offset `o`; the others' offsets and strides in elements. */
type Row<W> = (O: W, o: number, n: number, C: Uint8Array, oc: number, ic: number, A: W, oa: number, ia: number, B: W, ob: number, ib: number) => void;

const row8: Row<Uint8Array> = (O, o, n, C, oc, ic, A, oa, ia, B, ob, ib) => {
  if (ia === 0 && ib === 0) {
    const vb = B[ob], d = A[oa] ^ vb;
    for (let j = 0; j < n; j++) O[o + j] = vb ^ (d & (-C[oc + j * ic] >> 31));
    return;
  }
  for (let j = 0; j < n; j++) {
    const v = B[ob + j * ib];
    O[o + j] = v ^ ((A[oa + j * ia] ^ v) & (-C[oc + j * ic] >> 31));
  }
};

// row8's loop again on purpose: a separate function, so V8 compiles each for one array type.
const row32: Row<Int32Array> = (O, o, n, C, oc, ic, A, oa, ia, B, ob, ib) => {
  if (ia === 0 && ib === 0) {
    const vb = B[ob], d = A[oa] ^ vb;
    for (let j = 0; j < n; j++) O[o + j] = vb ^ (d & (-C[oc + j * ic] >> 31));
    return;
  }
  for (let j = 0; j < n; j++) {
    const v = B[ob + j * ib];
    O[o + j] = v ^ ((A[oa + j * ia] ^ v) & (-C[oc + j * ic] >> 31));
  }
};

/** 8-byte elements as two int32 words each (offsets and strides still in elements). */
const row64: Row<Int32Array> = (O, o, n, C, oc, ic, A, oa, ia, B, ob, ib) => {
  for (let j = 0; j < n; j++) {
    const m = -C[oc + j * ic] >> 31;
    const pa = 2 * (oa + j * ia), pb = 2 * (ob + j * ib), po = 2 * (o + j);
    const lo = B[pb], hi = B[pb + 1];
    O[po] = lo ^ ((A[pa] ^ lo) & m);
    O[po + 1] = hi ^ ((A[pa + 1] ^ hi) & m);
  }
};

const bytes = (t: TypedArray): Uint8Array => (t instanceof Uint8Array ? t : new Uint8Array(t.buffer, t.byteOffset, t.byteLength));
const words = (t: TypedArray): Int32Array => (t instanceof Int32Array ? t : new Int32Array(t.buffer, t.byteOffset, t.byteLength >> 2));

function run<W>(row: Row<W>, view: (t: TypedArray) => W, cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape,
  b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const O = view(out), A = view(a), B = view(b);
  const n = out.length;
  if (cond.length === n && (a.length === n || a.length === 1) && (b.length === n || b.length === 1)) {
    // The common cases (masks over a whole tensor, a scalar on either side) need no index walk.
    row(O, 0, n, cond, 0, 1, A, 0, a.length === n ? 1 : 0, B, 0, b.length === n ? 1 : 0);
    return;
  }
  // Axes where the output has size 1 move no operand: without them a trailing one ([n, m, 1])
  // does not cut the walk's inner runs to single elements.
  const keep = (s: Shape): Shape => s.filter((_, i) => outShape[i + outShape.length - s.length] !== 1);
  const os = keep(outShape);
  const strides = [condShape, aShape, bShape].map((s) => broadcastStrides(keep(s), os));
  forEachBroadcast(os, strides, (o, [oc, oa, ob], count, [ic, ia, ib]) => row(O, o, count, cond, oc, ic, A, oa, ia, B, ob, ib));
}

export function select(cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  switch (out.BYTES_PER_ELEMENT) {
    case 1: return run(row8, bytes, cond, condShape, a, aShape, b, bShape, out, outShape);
    case 4: return run(row32, words, cond, condShape, a, aShape, b, bShape, out, outShape);
    case 8: return run(row64, words, cond, condShape, a, aShape, b, bShape, out, outShape);
    default: throw new TypeError(`select: no kernel for ${out.BYTES_PER_ELEMENT}-byte elements`);
  }
}
