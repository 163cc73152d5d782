/** Row selection on the first axis, for the data helpers (they sit above ops and read storage directly). */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { allocStorage } from "../tensor/dtype.js";

/** The rows `indices` of `t` along axis 0, in that order (numpy's `t[indices]`). */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  if (t.rank === 0) throw new RangeError("takeRows: a scalar has no rows; pass a tensor of rank >= 1");
  const n = t.shape[0];
  const inner = n === 0 ? 0 : t.size / n;
  const src = t.dataSync();
  const out = allocStorage(t.dtype, indices.length * inner);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!(r >= 0 && r < n)) throw new RangeError(`takeRows: row ${r} is out of range for ${n} rows`);
    if (inner === 1) out[i] = src[r];
    else (out as Uint8Array).set((src as Uint8Array).subarray(r * inner, (r + 1) * inner), i * inner);
  }
  return makeTensor(out, [indices.length, ...t.shape.slice(1)], t.dtype);
}

/** Rows [start, end) as a copy. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const n = t.shape[0];
  const inner = n === 0 ? 0 : t.size / n;
  const data = t.dataSync().slice(start * inner, end * inner);
  return makeTensor(data, [end - start, ...t.shape.slice(1)], t.dtype);
}
