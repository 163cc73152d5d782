import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { gemm } from "../backend/js/gemm.js";

function naive(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    c[i * n + j] = s;
  }
  return c;
}

test("matmul of the notebook's b^T @ b, by hand", () => {
  const b = tf.constant([[1, 2], [3, 4], [5, 6]], "float32");
  const r = tf.matmul(b, b, true, false);
  assert.deepEqual(r.arraySync(), [[35, 44], [44, 56]]);
  assert.deepEqual(b.matMul(tf.constant([[1], [1]], "float32")).arraySync(), [[3], [7], [11]]);
});

test("blocked gemm equals the triple loop on sizes that cross every block edge", () => {
  const g = new tf.random.RandomGenerator(3);
  for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [67, 300, 1030], [130, 259, 9]]) {
    const a = new Float64Array(m * k).map(() => g.nextDouble() - 0.5);
    const b = new Float64Array(k * n).map(() => g.nextDouble() - 0.5);
    const want = naive(a, b, m, k, n);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      // Store the operands transposed when asked, so op(A) is always the same matrix.
      const at = ta ? transpose(a, m, k) : a;
      const bt = tb ? transpose(b, k, n) : b;
      const c = new Float64Array(m * n);
      gemm(ta, tb, m, n, k, at, 0, ta ? m : k, bt, 0, tb ? k : n, c, 0, n, false);
      for (let i = 0; i < c.length; i++) assert.ok(Math.abs(c[i] - want[i]) < 1e-9, `m=${m} k=${k} n=${n} ta=${ta} tb=${tb} at ${i}`);
    }
  }
});

function transpose(x: Float64Array, r: number, c: number): Float64Array {
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = x[i * c + j];
  return t;
}

test("batched matmul broadcasts a single matrix over the batch", () => {
  const a = tf.constant([[[1, 0], [0, 1]], [[2, 0], [0, 2]]], "float32"); // [2, 2, 2]
  const b = tf.constant([[1, 2], [3, 4]], "float32");
  assert.deepEqual(tf.matmul(a, b).arraySync(), [[[1, 2], [3, 4]], [[2, 4], [6, 8]]]);
  assert.deepEqual(tf.matmul(a, b).shape, [2, 2, 2]);
});

test("matmul errors name the shapes", () => {
  assert.throws(() => tf.matmul(tf.ones([2, 3]), tf.ones([2, 3])), /matmul: inner dimensions differ.*\(2, 3\) has 3 columns.*2 rows/);
  assert.throws(() => tf.matmul(tf.ones([3]), tf.ones([3, 1])), /rank >= 2/);
  assert.throws(() => tf.matmul(tf.ones([2, 2]), tf.ones([2, 2], "float64")), /different dtypes/);
});

test("matmul gradients match finite differences, all transposes and batch broadcasting", () => {
  const r = (shape: number[], seed: number): tf.Tensor => tf.random.normal(shape, 0, 1, { dtype: "float64", seed });
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = r(ta ? [4, 3] : [3, 4], 1), b = r(tb ? [5, 4] : [4, 5], 2);
    checkGradients((x, y) => tf.matmul(x, y, ta, tb), [a, b]);
  }
  checkGradients((x, y) => tf.matmul(x, y), [r([2, 3, 4], 3), r([4, 2], 4)]);
  checkGradients((x, y) => tf.matmul(x, y), [r([3, 4], 5), r([2, 1, 4, 3], 6)]);
});

test("int32 matmul wraps around in 32 bits exactly, as TF's (values from numpy int32)", () => {
  const i32 = (v: number[], shape: number[]): tf.Tensor => tf.constant(v, shape, "int32");
  // 123456789 * 987654321 * 2 = 243865262225270538; its low 32 bits are lost in a double sum.
  assert.deepEqual(tf.matmul(i32([123456789, 987654321], [1, 2]), i32([987654321, 123456789], [2, 1])).arraySync(), [[-134306038]]);
  assert.deepEqual(tf.matmul(i32([1, 2, 3, 4], [2, 2]), i32([5, 6, 7, 8], [2, 2]), true, false).arraySync(), [[26, 30], [38, 44]]);
  assert.deepEqual(tf.matmul(i32([1, 2, 3, 4], [2, 2]), i32([5, 6, 7, 8], [2, 2]), false, true).arraySync(), [[17, 23], [39, 53]]);
});

test("int8 x int8 matmul gives an exact int32 product (Keras' backends widen it the same way)", () => {
  // Sums of int8 products exceed int8 (and float32's 24-bit mantissa would still be exact here,
  // but int8 storage would wrap): 127*127*3 = 48387.
  const a = tf.constant([[127, 127, 127], [-128, -128, -128]], "int8");
  const b = tf.constant([[127, -128], [127, -128], [127, -128]], "int8");
  const c = tf.matmul(a, b);
  assert.equal(c.dtype, "int32");
  assert.deepEqual(c.arraySync(), [[48387, -48768], [-48768, 49152]]);
  assert.deepEqual(tf.matmul(a, tf.transpose(b), false, true).arraySync(), c.arraySync());
});
