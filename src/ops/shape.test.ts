import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import * as kernels from "../backend/js/shape.js";

const gen = new tf.random.RandomGenerator(5);

function rand(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.constant(new Float64Array(n).map(() => gen.nextDouble() * 4 - 2), shape, "float64");
}

/** 0, 1, 2, ... in the given shape. */
function iota(shape: number[], dtype: tf.DType = "float32"): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.reshape(tf.range(0, n, 1, dtype), shape);
}

const big = (vals: number[], shape: number[]): tf.Tensor => tf.constant(BigInt64Array.from(vals.map(BigInt)), shape);

// ---------------------------------------------------------------- reshape family

test("reshape infers one -1, shares storage, and names both shapes in errors", () => {
  const x = iota([2, 3]);
  const r = tf.reshape(x, [3, -1]);
  assert.deepEqual(r.arraySync(), [[0, 1], [2, 3], [4, 5]]);
  assert.equal(r.dataSync(), x.dataSync());
  assert.deepEqual(x.reshape([-1]).shape, [6]);
  assert.deepEqual(tf.reshape(tf.zeros([0, 4]), [-1, 2]).shape, [0, 2]);
  // as TF: with a zero among the known dimensions the -1 is ambiguous
  assert.throws(() => tf.reshape(tf.zeros([0, 4]), [2, 0, -1]), /the other dimensions multiply to 0/);
  assert.throws(() => tf.reshape(x, [4, 2]), /reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into \[4, 2\] \(8 elements\)/);
  assert.throws(() => tf.reshape(x, [4, -1]), /reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into \[4, -1\]/);
  assert.throws(() => tf.reshape(x, [-1, -1]), /more than one -1/);
  assert.deepEqual(tf.flatten(iota([2, 2, 2])).arraySync(), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test("expandDims and squeeze", () => {
  const x = iota([2, 3]);
  assert.deepEqual(tf.expandDims(x).shape, [1, 2, 3]);
  assert.deepEqual(tf.expandDims(x, 1).shape, [2, 1, 3]);
  assert.deepEqual(x.expandDims(-1).shape, [2, 3, 1]);
  assert.throws(() => tf.expandDims(x, 3), /expandDims: axis 3 is out of range .* \(valid: -3..2\)/);
  const y = tf.zeros([1, 3, 1, 2]);
  assert.deepEqual(tf.squeeze(y).shape, [3, 2]);
  assert.deepEqual(tf.squeeze(y, 2).shape, [1, 3, 2]);
  assert.deepEqual(y.squeeze([0, -2]).shape, [3, 2]);
  assert.throws(() => tf.squeeze(y, 1), /squeeze: cannot squeeze axis 1 of shape \(1, 3, 1, 2\): its size is 3, not 1/);
});

// ---------------------------------------------------------------- transpose

test("transpose by hand: default reverses axes, perm permutes them", () => {
  const x = iota([2, 3]);
  assert.deepEqual(tf.transpose(x).arraySync(), [[0, 3], [1, 4], [2, 5]]);
  const y = iota([2, 3, 2]); // y[a][b][c] = 6a + 2b + c
  assert.deepEqual(tf.transpose(y, [1, 0, 2]).arraySync(), [[[0, 1], [6, 7]], [[2, 3], [8, 9]], [[4, 5], [10, 11]]]);
  assert.deepEqual(y.transpose([2, 0, 1]).arraySync(), [[[0, 2, 4], [6, 8, 10]], [[1, 3, 5], [7, 9, 11]]]);
  assert.deepEqual(tf.transpose(big([1, 2, 3, 4, 5, 6], [3, 2])).arraySync(), [[1, 3, 5], [2, 4, 6]]);
  assert.throws(() => tf.transpose(x, [0, 0]), /transpose: perm \[0, 0\] is not a permutation of the 2 axes of shape \(2, 3\)/);
});

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

test("transpose kernel equals a naive index map for every permutation, all storages, blocked sizes", () => {
  const cases: number[][] = [[2, 3, 4, 5], [1, 3, 1, 2], [37, 45], [3, 33, 40]];
  for (const shape of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    for (const perm of permutations(shape.length)) {
      const outShape = perm.map((p) => shape[p]);
      for (const make of [(k: number) => new Float32Array(k), (k: number) => new Int32Array(k), (k: number) => new BigInt64Array(k), (k: number) => new Uint8Array(k)]) {
        const x = make(n), out = make(n);
        for (let i = 0; i < n; i++) (x as unknown as Float64Array)[i] = (x instanceof BigInt64Array ? BigInt(i) : i % 251) as number;
        kernels.transpose(x, shape, perm, out);
        const idx = new Array<number>(outShape.length).fill(0);
        for (let o = 0; o < n; o++) {
          let src = 0;
          for (let d = 0; d < perm.length; d++) src += idx[d] * strides[perm[d]];
          assert.equal(out[o], x[src], `shape ${shape} perm ${perm} at ${o}`);
          for (let d = outShape.length - 1; d >= 0; d--) { if (++idx[d] < outShape[d]) break; idx[d] = 0; }
        }
      }
    }
  }
});

// ---------------------------------------------------------------- slicing

test("slice by hand: size -1 runs to the end, short lists keep trailing axes", () => {
  const x = iota([3, 4]);
  assert.deepEqual(tf.slice(x, [1, 1], [2, 2]).arraySync(), [[5, 6], [9, 10]]);
  assert.deepEqual(tf.slice(x, [1, 2], [-1, -1]).arraySync(), [[6, 7], [10, 11]]);
  assert.deepEqual(x.slice([2]).arraySync(), [[8, 9, 10, 11]]);
  assert.deepEqual(tf.slice(x, 1, 1).arraySync(), [[4, 5, 6, 7]]);
  assert.deepEqual(tf.slice(x, [0, 4], [3, 0]).shape, [3, 0]);
  assert.deepEqual(tf.slice(big([1, 2, 3, 4], [4]), [1], [2]).arraySync(), [2, 3]);
  assert.throws(() => tf.slice(x, [0, 3], [1, 2]), /slice: size\[1\] = 2 from begin 3 runs past axis 1 of shape \(3, 4\); use at most 1/);
  assert.throws(() => tf.slice(x, [4, 0]), /slice: begin\[0\] = 4 is out of range for axis 0 of shape \(3, 4\) \(valid: 0..3\)/);
});

test("stridedSlice follows Python slicing: negative indices and strides, masks", () => {
  const x = iota([3, 4]); // x[i][j] = 4i + j
  // x[0:2, 1:3]
  assert.deepEqual(tf.stridedSlice(x, [0, 1], [2, 3]).arraySync(), [[1, 2], [5, 6]]);
  // x[::-1, ::2] with begin/end masks
  assert.deepEqual(tf.stridedSlice(x, [0, 0], [0, 0], [-1, 2], { beginMask: 3, endMask: 3 }).arraySync(), [[8, 10], [4, 6], [0, 2]]);
  // x[-1, -3:] : shrink axis 0
  assert.deepEqual(tf.stridedSlice(x, [-1, -3], [0, 0], [1, 1], { shrinkAxisMask: 1, endMask: 2 }).arraySync(), [9, 10, 11]);
  // x[2:0:-1, 3:0:-2]
  assert.deepEqual(tf.stridedSlice(x, [2, 3], [0, 0], [-1, -2]).arraySync(), [[11, 9], [7, 5]]);
  // x[1] (implicit trailing axes)
  assert.deepEqual(tf.stridedSlice(x, [1], [2], [1], { shrinkAxisMask: 1 }).arraySync(), [4, 5, 6, 7]);
  // x[:, None, 1]
  assert.deepEqual(tf.stridedSlice(x, [0, 0, 1], [0, 0, 2], [1, 1, 1], { beginMask: 1, endMask: 1, newAxisMask: 2, shrinkAxisMask: 4 }).arraySync(), [[1], [5], [9]]);
  // y[..., 1] on [2, 2, 3] -> [2, 2]
  const y = iota([2, 2, 3]);
  assert.deepEqual(tf.stridedSlice(y, [0, 1], [0, 2], [1, 1], { ellipsisMask: 1, shrinkAxisMask: 2 }).arraySync(), [[1, 4], [7, 10]]);
  // y[1, ..., None, 0:2]
  assert.deepEqual(tf.stridedSlice(y, [1, 0, 0, 0], [2, 0, 0, 2], [1, 1, 1, 1], { shrinkAxisMask: 1, ellipsisMask: 2, newAxisMask: 4 }).arraySync(), [[[6, 7]], [[9, 10]]]);
  // out-of-range ends clamp; empty when the direction is wrong
  assert.deepEqual(tf.stridedSlice(x, [1, -100], [100, 100]).arraySync(), [[4, 5, 6, 7], [8, 9, 10, 11]]);
  assert.deepEqual(tf.stridedSlice(x, [2, 0], [0, 4]).shape, [0, 4]);
  assert.deepEqual(x.stridedSlice([0], [3], [2]).arraySync(), [[0, 1, 2, 3], [8, 9, 10, 11]]);
  assert.throws(() => tf.stridedSlice(x, [3], [4], [1], { shrinkAxisMask: 1 }), /stridedSlice: index 3 is out of range for axis 0 of shape \(3, 4\) \(valid: -3..2\)/);
  assert.throws(() => tf.stridedSlice(x, [0], [1], [0]), /stridedSlice: strides\[0\] is 0/);
});

test("reverse by hand", () => {
  const x = iota([2, 3]);
  assert.deepEqual(tf.reverse(x, 1).arraySync(), [[2, 1, 0], [5, 4, 3]]);
  assert.deepEqual(tf.reverse(x, [0]).arraySync(), [[3, 4, 5], [0, 1, 2]]);
  assert.deepEqual(x.reverse().arraySync(), [[5, 4, 3], [2, 1, 0]]);
  assert.deepEqual(tf.reverse(big([1, 2, 3], [3])).arraySync(), [3, 2, 1]);
});

// ---------------------------------------------------------------- concat family

test("concat, stack, unstack and split by hand", () => {
  const a = tf.constant([[1, 2], [3, 4]], "float32");
  const b = tf.constant([[5], [6]], "float32");
  assert.deepEqual(tf.concat([a, b], 1).arraySync(), [[1, 2, 5], [3, 4, 6]]);
  assert.deepEqual(tf.concat([a, tf.constant([[7, 8]], "float32")], 0).arraySync(), [[1, 2], [3, 4], [7, 8]]);
  assert.deepEqual(a.concat(b, -1).arraySync(), [[1, 2, 5], [3, 4, 6]]);
  assert.deepEqual(tf.concat([a, tf.zeros([2, 0]), b], -1).arraySync(), [[1, 2, 5], [3, 4, 6]]);
  assert.deepEqual(tf.concat([big([1, 2], [2]), big([3], [1])]).arraySync(), [1, 2, 3]);
  assert.throws(() => tf.concat([a, b], 0), /concat: xs\[1\] has shape \(2, 1\) but xs\[0\] has \(2, 2\); all shapes must match except along axis 0/);
  assert.throws(() => tf.concat([a, tf.cast(b, "int32")], 1), /concat: xs\[1\] is int32 \(2, 1\) but xs\[0\] is float32/);

  const v = tf.constant([1, 2], "float32"), w = tf.constant([3, 4], "float32");
  assert.deepEqual(tf.stack([v, w]).arraySync(), [[1, 2], [3, 4]]);
  assert.deepEqual(tf.stack([v, w], 1).arraySync(), [[1, 3], [2, 4]]);
  assert.deepEqual(tf.stack([v, w], -1).arraySync(), [[1, 3], [2, 4]]);
  assert.throws(() => tf.stack([v, tf.zeros([3])]), /stack: xs\[1\] has shape \(3,\) but xs\[0\] has \(2,\)/);

  const x = iota([2, 3]);
  assert.deepEqual(tf.unstack(x).map((t) => t.arraySync()), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(x.unstack(1).map((t) => t.arraySync()), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual(tf.split(x, 3, 1).map((t) => t.arraySync()), [[[0], [3]], [[1], [4]], [[2], [5]]]);
  assert.deepEqual(tf.split(x, [2, -1], -1).map((t) => t.arraySync()), [[[0, 1], [3, 4]], [[2], [5]]]);
  assert.deepEqual(x.split([1, 1]).map((t) => t.arraySync()), [[[0, 1, 2]], [[3, 4, 5]]]);
  assert.throws(() => tf.split(x, 2, 1), /split: axis 1 of shape \(2, 3\) has size 3, which cannot be split into 2 equal pieces/);
  assert.throws(() => tf.split(x, [1, 1], 1), /split: sizes \[1, 1\] add up to 2 but axis 1 of shape \(2, 3\) has size 3/);
});

// ---------------------------------------------------------------- gather, tile, pad, oneHot

test("gather by hand: axes, index shapes, int64 indices, batchDims, range errors", () => {
  const x = iota([3, 2]); // [[0,1],[2,3],[4,5]]
  assert.deepEqual(tf.gather(x, [2, 0, 2]).arraySync(), [[4, 5], [0, 1], [4, 5]]);
  assert.deepEqual(tf.gather(x, tf.constant([[1], [0]], "int32"), 1).arraySync(), [[[1], [0]], [[3], [2]], [[5], [4]]]);
  assert.deepEqual(x.gather(tf.constant([1n, 1n])).arraySync(), [[2, 3], [2, 3]]);
  assert.deepEqual(tf.gather(x, 1).arraySync(), [2, 3]);
  assert.deepEqual(tf.gather(big([7, 8, 9], [3]), [2, 0]).arraySync(), [9, 7]);
  // batchDims 1: row b picks its own columns
  const y = iota([2, 3]); // [[0,1,2],[3,4,5]]
  assert.deepEqual(tf.gather(y, [[2, 0], [1, 1]], 1, 1).arraySync(), [[2, 0], [4, 4]]);
  // batchDims 1 with an axis between: z [2, 2, 3], gather along axis 2
  const z = iota([2, 2, 3]);
  assert.deepEqual(tf.gather(z, [[0], [2]], 2, 1).arraySync(), [[[0], [3]], [[8], [11]]]);
  assert.throws(() => tf.gather(x, [0, 3]), /gather: index 3 \(at flat position 1 of indices \(2,\)\) is out of range for axis 0 of x \(3, 2\) \(valid: 0..2\)/);
  assert.throws(() => tf.gather(x, [-1]), /gather: index -1 .* \(valid: 0..2\)/);
  assert.throws(() => tf.gather(x, tf.constant([0.5], "float32")), /gather: indices must be int32 or int64, got float32/);
});

test("tile, pad and oneHot by hand", () => {
  const x = tf.constant([[1, 2], [3, 4]], "float32");
  assert.deepEqual(tf.tile(x, [1, 2]).arraySync(), [[1, 2, 1, 2], [3, 4, 3, 4]]);
  assert.deepEqual(tf.tile(x, [2, 1]).arraySync(), [[1, 2], [3, 4], [1, 2], [3, 4]]);
  assert.deepEqual(x.tile([2, 2]).arraySync(), [[1, 2, 1, 2], [3, 4, 3, 4], [1, 2, 1, 2], [3, 4, 3, 4]]);
  assert.deepEqual(tf.tile(big([1, 2], [2]), [3]).arraySync(), [1, 2, 1, 2, 1, 2]);
  assert.throws(() => tf.tile(x, [2]), /tile: reps \[2\] has 1 entries but x float32 \(2, 2\) has 2 axes/);

  assert.deepEqual(tf.pad(x, [[1, 0], [0, 2]]).arraySync(), [[0, 0, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0]]);
  assert.deepEqual(x.pad([[0, 1], [1, 1]], -1).arraySync(), [[-1, 1, 2, -1], [-1, 3, 4, -1], [-1, -1, -1, -1]]);
  assert.deepEqual(tf.pad(big([5, 6], [2]), [[2, 1]], 9).arraySync(), [9, 9, 5, 6, 9]);
  assert.throws(() => tf.pad(x, [[1, 1]]), /pad: paddings .* must hold one \[before, after\] pair for each of the 2 axes/);
  assert.throws(() => tf.pad(x, [[-1, 0], [0, 0]]), /pad: paddings .* must hold integers >= 0, found -1/);

  assert.deepEqual(tf.oneHot([0, 2, 3, -1], 3).arraySync(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]);
  const h = tf.oneHot(tf.constant([[1], [0]], "int32"), 2, 5, -5, "int32");
  assert.equal(h.dtype, "int32");
  assert.deepEqual(h.arraySync(), [[[-5, 5]], [[5, -5]]]);
  assert.deepEqual(tf.oneHot(tf.constant([1n]), 2, 1, 0, "int64").arraySync(), [[0, 1]]);
  assert.deepEqual(tf.constant([1, 0], "int32").oneHot(2).arraySync(), [[0, 1], [1, 0]]);
});

test("clone copies storage", () => {
  const x = iota([2]);
  const c = tf.clone(x);
  assert.notEqual(c.dataSync(), x.dataSync());
  assert.deepEqual(c.arraySync(), [0, 1]);
  assert.deepEqual(x.clone().arraySync(), [0, 1]);
});

test("broadcastTo and tile kernels against hand results on odd layouts", () => {
  const out = new Float32Array(12);
  kernels.broadcastTo(Float32Array.from([1, 2, 3]), [3, 1], [3, 4], out);
  assert.deepEqual([...out], [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  const o2 = new BigInt64Array(6);
  kernels.broadcastTo(BigInt64Array.from([4n, 5n]), [2], [3, 2], o2);
  assert.deepEqual([...o2], [4n, 5n, 4n, 5n, 4n, 5n]);
  assert.deepEqual(tf.broadcastTo(tf.constant([[1], [2]], "int32"), [2, 2, 3]).arraySync(), [[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]]);
  // a long contiguous run (exercises subarray/set copies)
  const long = iota([2, 40]);
  const t = tf.tile(long, [2, 1]).dataSync();
  for (let i = 0; i < 160; i++) assert.equal(t[i], i % 80);
});

// ---------------------------------------------------------------- gradients

test("gradients of reshape, flatten, expandDims, squeeze, clone and transpose", () => {
  const x = rand([2, 3, 5]);
  checkGradients((t) => tf.reshape(t, [5, -1]), [x]);
  checkGradients((t) => tf.flatten(t), [x]);
  checkGradients((t) => tf.expandDims(t, -2), [x]);
  checkGradients((t) => tf.squeeze(t), [rand([1, 3, 1])]);
  checkGradients((t) => tf.clone(t), [x]);
  for (const perm of permutations(3)) checkGradients((t) => tf.transpose(t, perm), [x]);
  checkGradients((t) => tf.transpose(t), [rand([3, 4])]);
});

test("gradients of slice, stridedSlice and reverse", () => {
  const x = rand([3, 5, 2]);
  checkGradients((t) => tf.slice(t, [1, 1, 0], [2, -1, 1]), [x]);
  checkGradients((t) => tf.stridedSlice(t, [2, -1], [0, 0], [-1, -2], { endMask: 2 }), [x]);
  checkGradients((t) => tf.stridedSlice(t, [1, 0, 1], [2, 0, 2], [1, 1, 1], { shrinkAxisMask: 5, endMask: 2, newAxisMask: 0 }), [x]);
  checkGradients((t) => tf.stridedSlice(t, [0, 0, 1], [0, 0, 2], [1, 1, 1], { ellipsisMask: 1, newAxisMask: 2, shrinkAxisMask: 4 }), [x]);
  checkGradients((t) => tf.reverse(t, [0, -1]), [x]);
});

test("gradients of concat, stack, split and unstack (unused pieces get zeros)", () => {
  const a = rand([2, 3]), b = rand([2, 1]), c = rand([2, 4]);
  checkGradients((p, q, r) => tf.concat([p, q, r], -1), [a, b, c]);
  checkGradients((p, q) => tf.concat([p, q], 0), [a, rand([3, 3])]);
  checkGradients((p, q) => tf.stack([p, q], 1), [a, rand([2, 3])]);
  const x = rand([3, 5]);
  checkGradients((t) => { const [u, , w] = tf.split(t, [2, 1, -1], 1); return tf.mul(u, w); }, [x]);
  checkGradients((t) => tf.split(t, 3)[1], [x]);
  checkGradients((t) => { const rows = tf.unstack(t, 0); return tf.add(tf.mul(rows[0], rows[2]), rows[0]); }, [x]);
  checkGradients((t) => tf.unstack(t, -1)[4], [x]);
});

test("gradients of gather (repeated indices accumulate, batchDims), tile and pad", () => {
  const x = rand([4, 3]);
  checkGradients((t) => tf.gather(t, [3, 0, 3, 3]), [x]);
  checkGradients((t) => tf.gather(t, tf.constant([[2, 2], [0, 1]], "int32"), 1), [x]);
  checkGradients((t) => tf.gather(t, [[2, 0], [1, 1], [0, 0], [2, 2]], 1, 1), [x]);
  const y = rand([2, 3, 5]);
  checkGradients((t) => tf.gather(t, [[4, 0], [1, 1]], -1, 1), [y]);
  checkGradients((t) => tf.tile(t, [2, 1, 3]), [y]);
  checkGradients((t) => tf.tile(t, [3, 2]), [x]);
  checkGradients((t) => tf.pad(t, [[1, 2], [0, 1]], 3), [x]);
  checkGradients((t) => tf.pad(t, [[0, 0], [2, 0], [1, 1]]), [y]);
});

test("gradients by hand: gather accumulates, second order through slice and gather", () => {
  const x = tf.constant([1, 2, 3], "float64");
  assert.deepEqual(tf.grad((t) => tf.gather(t, [2, 2, 0]))(x).arraySync(), [1, 0, 2]);
  // d/dx sum(grad of sum(slice(x)^3)) = 6x on the slice, 0 elsewhere
  const g2 = tf.grad((t) => tf.sum(tf.grad((u) => tf.sum(tf.pow(tf.slice(u, [1], [2]), 3)))(t)));
  assert.deepEqual(g2(x).arraySync(), [0, 12, 18]);
  const g3 = tf.grad((t) => tf.sum(tf.grad((u) => tf.sum(tf.pow(tf.gather(u, [0, 0]), 3)))(t)));
  assert.deepEqual(g3(x).arraySync(), [12, 0, 0]);
});
