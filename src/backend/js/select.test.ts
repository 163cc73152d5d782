import { test } from "node:test";
import assert from "node:assert/strict";
import type { TypedArray } from "../../tensor/dtype.js";
import { broadcastShapes } from "../../tensor/shape.js";
import { select } from "./select.js";

/*
 * The select kernel runs on integer views of the operands' bytes; its output must hold, byte for
 * byte, the element a per-element reference picks: each output index mapped to the operands'
 * indices through numpy broadcasting, one element at a time.
 */
type Ctor = { new (n: number): TypedArray; BYTES_PER_ELEMENT: number; name: string };
const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);

/** The flat index into an operand of shape `s` of output index `o` (of shape `os`), numpy's broadcasting. */
function sourceIndex(o: number, os: number[], s: number[]): number {
  let at = 0, stride = 1, rest = o;
  for (let i = os.length - 1; i >= 0; i--) {
    const coord = rest % os[i];
    rest = Math.floor(rest / os[i]);
    const j = i - (os.length - s.length);
    if (j >= 0) {
      if (s[j] !== 1) at += coord * stride;
      stride *= s[j];
    }
  }
  return at;
}

/** Bytes of an element: a float's NaN payload and -0 compared as they are stored. */
const bytesOf = (t: TypedArray, i: number): number[] => [...new Uint8Array(t.buffer, t.byteOffset + i * t.BYTES_PER_ELEMENT, t.BYTES_PER_ELEMENT)];

/** Values that a select must move unchanged: NaNs with payloads, -0, denormals, extreme integers. */
function fill(C: Ctor, n: number, seed: number): TypedArray {
  const t = new C(n);
  if (t instanceof BigInt64Array) {
    const specials = [0n, -1n, 9223372036854775807n, -9223372036854775808n, 2n ** 53n + 1n];
    for (let i = 0; i < n; i++) t[i] = i < specials.length ? specials[(i + seed) % specials.length] : BigInt(Math.round(Math.sin(i * 7 + seed) * 1e15));
    return t;
  }
  const w = new Uint32Array(t.buffer, 0, t.byteLength >> 2 || 0);
  const bytes = new Uint8Array(t.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.imul(i + 1, 2654435761 + seed * 97) >>> 24) & 255;
  if (t instanceof Float32Array) { w[0] = 0x7fc01234; w[1] = 0xff800001; if (n > 2) t[2] = -0; if (n > 3) w[3] = 1; }
  if (t instanceof Float64Array && n > 1) { w[0] = 0x00000001; w[1] = 0x7ff80000; t[1] = -0; }
  if (t instanceof Int32Array && n > 1) { t[0] = -2147483648; t[1] = 2147483647; }
  return t;
}

const CTORS: Ctor[] = [Float32Array, Float64Array, Int32Array, BigInt64Array, Uint8Array, Int8Array];

const CASES: [number[], number[], number[]][] = [
  // cond, a, b shapes: whole tensors, scalars on either side, broadcast rows and columns, trailing and inner 1s.
  [[4, 5], [4, 5], [4, 5]],
  [[4, 5], [], [4, 5]],
  [[4, 5], [4, 5], [1]],
  [[4, 5], [], []],
  [[4, 1, 3], [1, 5, 1], [5, 3]],
  [[6, 7, 1], [7, 1], []],
  [[1, 7], [6, 1], [6, 7]],
  [[], [3, 2], [2]],
  [[2, 1, 3, 1], [1, 4, 1, 1], [2, 4, 3, 1]],
  [[0, 3], [3], []],
  [[], [], []],
];

for (const C of CTORS) {
  test(`js select copies each picked element's bytes unchanged, for every broadcasting pattern (${C.name})`, () => {
    for (const [cs, as, bs] of CASES) {
      const os = broadcastShapes(broadcastShapes(cs, as, "test"), bs, "test");
      // Condition bytes other than 0 and 1 count as true, as the addon's `cond[i] ?` reads them.
      const cond = new Uint8Array(size(cs)).map((_, i) => [0, 1, 0, 255, 2, 0, 1][(i * 5) % 7]);
      const a = fill(C, size(as), 1), b = fill(C, size(bs), 2);
      const out = new C(size(os));
      select(cond, cs, a, as, b, bs, out, os);
      for (let o = 0; o < out.length; o++) {
        const pick = cond[sourceIndex(o, os, cs)] !== 0;
        const want = pick ? bytesOf(a, sourceIndex(o, os, as)) : bytesOf(b, sourceIndex(o, os, bs));
        assert.deepEqual(bytesOf(out, o), want, `${C.name} ${JSON.stringify([cs, as, bs])} output ${o}`);
      }
    }
  });
}

test("js select on a subarray view reads and writes only its own elements", () => {
  const buf = new Int32Array([9, 1, 2, 3, 9]), other = new Int32Array([9, -1, -2, -3, 9]), out = new Int32Array([9, 0, 0, 0, 9]);
  select(Uint8Array.of(1, 0, 1), [3], buf.subarray(1, 4), [3], other.subarray(1, 4), [3], out.subarray(1, 4), [3]);
  assert.deepEqual([...out], [9, 1, -2, 3, 9]);
  const f64 = new Float64Array([7, 1.5, 7]), out64 = new Float64Array([7, 0, 7]);
  select(Uint8Array.of(0), [1], f64.subarray(1, 2), [1], Float64Array.of(-2.5), [1], out64.subarray(1, 2), [1]);
  assert.deepEqual([...out64], [7, -2.5, 7]);
});
