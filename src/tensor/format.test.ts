import { test } from "node:test";
import assert from "node:assert/strict";
import { formatArray, formatTensor } from "./format.js";

// Expected strings are numpy 1.24's str() of the same arrays.
test("integers print like numpy", () => {
  assert.equal(formatArray(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3], "int32"), "[[1 2 3]\n [4 5 6]]");
  const a24 = Int32Array.from({ length: 24 }, (_, i) => i);
  assert.equal(formatArray(a24, [2, 3, 4], "int32"),
    "[[[ 0  1  2  3]\n  [ 4  5  6  7]\n  [ 8  9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 19]\n  [20 21 22 23]]]");
});

test("floats print the shortest float32 repr with aligned columns", () => {
  assert.equal(formatArray(new Float32Array([0.5, 1.25, -3]), [3], "float32"), "[ 0.5   1.25 -3.  ]");
  assert.equal(formatArray(new Float32Array([0.1, 0.2]), [2], "float32"), "[0.1 0.2]");
  assert.equal(formatArray(new Float32Array([1, 2]), [2], "float32"), "[1. 2.]");
  assert.equal(formatArray(new Float32Array([1 / 3, 2 / 3]), [2], "float32"), "[0.33333334 0.6666667 ]");
  assert.equal(formatArray(new Float32Array([1e-5, 1e3]), [2], "float32"), "[1.e-05 1.e+03]");
  assert.equal(formatArray(new Float32Array([NaN, 1.5, Infinity]), [3], "float32"), "[nan 1.5 inf]");
  assert.equal(formatArray(new Float32Array([3.5]), [], "float32"), "3.5");
});

test("bools print True/False", () => {
  assert.equal(formatArray(new Uint8Array([1, 0]), [2], "bool"), "[ True False]");
  assert.equal(formatArray(new Uint8Array([1, 1, 1, 1]), [2, 2], "bool"), "[[ True  True]\n [ True  True]]");
  assert.equal(formatArray(new Uint8Array([0]), [1], "bool"), "[False]");
});

test("long rows wrap at 75 columns", () => {
  const v = new Float32Array(30).map((_, i) => i / 29);
  assert.equal(formatArray(v, [30], "float32"),
    "[0.         0.03448276 0.06896552 0.10344828 0.13793103 0.1724138\n 0.20689656 0.2413793  0.27586207 0.31034482 0.3448276  0.37931034\n 0.41379312 0.44827586 0.4827586  0.51724136 0.55172414 0.5862069\n 0.62068963 0.6551724  0.6896552  0.7241379  0.7586207  0.79310346\n 0.82758623 0.86206895 0.8965517  0.9310345  0.9655172  1.        ]");
});

test("more than 1000 elements are summarized with 3 edge items", () => {
  const v = Int32Array.from({ length: 2000 }, (_, i) => i);
  assert.equal(formatArray(v, [2000], "int32"), "[   0    1    2 ... 1997 1998 1999]");
  assert.equal(formatArray(v, [40, 50], "int32"),
    "[[   0    1    2 ...   47   48   49]\n [  50   51   52 ...   97   98   99]\n [ 100  101  102 ...  147  148  149]\n ...\n [1850 1851 1852 ... 1897 1898 1899]\n [1900 1901 1902 ... 1947 1948 1949]\n [1950 1951 1952 ... 1997 1998 1999]]");
});

test("TensorFlow's str() wrapper", () => {
  assert.equal(formatTensor(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3], "int32", "tf.Tensor"),
    "tf.Tensor(\n[[1 2 3]\n [4 5 6]], shape=(2, 3), dtype=int32)");
  assert.equal(formatTensor(new Int32Array([1, 2, 3]), [3], "int32", "tf.Tensor"), "tf.Tensor([1 2 3], shape=(3,), dtype=int32)");
  assert.equal(formatTensor(new Int32Array([5]), [], "int32", "tf.Tensor"), "tf.Tensor(5, shape=(), dtype=int32)");
});

test("float64 in scientific notation keeps at most 8 digits after the point, and a negative zero keeps its sign, as numpy 1.24 prints them", () => {
  // Each expected line is numpy's print(np.array(values)) for the float64 values.
  const cases: [number[], string][] = [
    [[Math.PI, 1e10], "[3.14159265e+00 1.00000000e+10]"],
    [[1.000000001e10, 1e-10], "[1.e+10 1.e-10]"],
    [[1.23456789012e10, 1e-10], "[1.23456789e+10 1.00000000e-10]"],
    [[-0.0, 1e-10], "[-0.e+00  1.e-10]"],
    [[-0.0, 0.0], "[-0.  0.]"],
    [[-0.0, 5, -3], "[-0.  5. -3.]"],
    [[1.000000001, 2.0], "[1. 2.]"],
  ];
  for (const [values, want] of cases) {
    assert.equal(formatArray(Float64Array.from(values), [values.length], "float64"), want, String(values));
  }
});
