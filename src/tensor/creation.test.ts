import { test } from "node:test";
import assert from "node:assert/strict";
import { constant, eye, fill, linspace, ones, onesLike, range, zeros, zerosLike } from "./creation.js";
import { Variable } from "./variable.js";

test("constant infers dtypes as TensorFlow does", () => {
  const b = constant([1, 2, 3]);
  assert.equal(b.dtype, "int32");
  assert.deepEqual(b.shape, [3]);
  assert.equal(constant([0.5, 2]).dtype, "float32");
  assert.equal(constant([true, false]).dtype, "bool");
  assert.equal(constant(7).rank, 0);
  assert.equal(constant(new Float64Array([1, 2])).dtype, "float64");
  assert.equal(constant([1n, 2n]).dtype, "int64");
  const w = constant([[1, 2, 3], [4, 5, 6]], "int64");
  assert.equal(w.dtype, "int64");
  assert.ok(w.dataSync() instanceof BigInt64Array);
  assert.deepEqual(w.arraySync(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(constant([1, 2, 3, 4, 5, 6], [2, 3], "float32").arraySync(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(constant(3, [2, 2]).arraySync(), [[3, 3], [3, 3]]);
});

test("constant rejects bad input with a clear message", () => {
  assert.throws(() => constant([[1, 2], [3]]), /constant: ragged nested array/);
  assert.throws(() => constant([1, 2, 3], [2, 2]), /3 values cannot fill shape \(2, 2\)/);
  assert.throws(() => constant([1.5], "int32"), /1.5 is not an integer/);
  assert.throws(() => constant([1, 2], "float16" as never), /unknown dtype "float16"/);
});

test("zeros, ones, fill, eye, range, linspace", () => {
  assert.deepEqual(zeros([2, 2]).arraySync(), [[0, 0], [0, 0]]);
  assert.equal(zeros([2]).dtype, "float32");
  assert.deepEqual(ones([3], "int32").arraySync(), [1, 1, 1]);
  assert.deepEqual(fill([2], 1.5).arraySync(), [1.5, 1.5]);
  assert.deepEqual(eye(2, 3).arraySync(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(range(5).arraySync(), [0, 1, 2, 3, 4]);
  assert.equal(range(5).dtype, "int32");
  assert.deepEqual(range(1, 2, 0.25).arraySync(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(range(5, 0, -2).arraySync(), [5, 3, 1]);
  assert.deepEqual(linspace(0, 1, 5).arraySync(), [0, 0.25, 0.5, 0.75, 1]);
  const t = constant([[1, 2]]);
  assert.deepEqual(zerosLike(t).arraySync(), [[0, 0]]);
  assert.equal(onesLike(t).dtype, "int32");
  assert.equal(t.size, 2);
  assert.equal(t.rank, 2);
});

test("Variable.assign swaps values and checks shapes", () => {
  const v = new Variable(constant([1, 2], "float32"), { name: "w" });
  const before = v.dataSync();
  v.assign(constant([3, 4], "float32"));
  assert.deepEqual(v.arraySync(), [3, 4]);
  assert.deepEqual([...before], [1, 2], "readers of the old value keep it");
  assert.throws(() => v.assign(constant([1, 2, 3], "float32")), /Variable.assign \(w\).*\(3,\).*\(2,\)/);
  assert.equal(v.trainable, true);
});

test("constant refuses integer-dtype values it cannot store: fractions, NaN, values out of range", () => {
  assert.throws(() => constant([1.7], [1], "int32"), /^TypeError: constant: 1\.7 is not an integer and cannot be stored as int32; round it/);
  assert.throws(() => constant([NaN], [1], "int32"), /^TypeError: constant: NaN is not an integer/);
  assert.throws(() => constant([3e9], [1], "int32"), /^RangeError: constant: 3000000000 is outside int32's range \[-2147483648, 2147483647\]; use a wider dtype/);
  assert.throws(() => constant([256], [1], "uint8"), /^RangeError: constant: 256 is outside uint8's range \[0, 255\]/);
  assert.throws(() => constant([-1], [1], "uint8"), /outside uint8's range/);
  assert.deepEqual(Array.from(constant([-(2 ** 31), 2 ** 31 - 1], [2], "int32").dataSync() as Int32Array), [-(2 ** 31), 2 ** 31 - 1]);
  assert.deepEqual(Array.from(constant([0, 255], [2], "uint8").dataSync() as Uint8Array), [0, 255]);
});

// Expected strings are Keras 3's repr of the same variables (numpy's str of the value inside).
test("a Variable prints as Keras prints a variable: path, shape, dtype and value", () => {
  const w = new Variable(constant([[1, 2], [3, 4]], "float32"), { name: "dense/kernel" });
  assert.equal(String(w), "<Variable path=dense/kernel, shape=(2, 2), dtype=float32, value=[[1. 2.]\n [3. 4.]]>");
  const b = new Variable(constant([0, 0, 0], "float32"), { name: "dense/bias" });
  assert.equal(String(b), "<Variable path=dense/bias, shape=(3,), dtype=float32, value=[0. 0. 0.]>");
});

test("int8 tensors: Int8Array storage, range check on creation, numpy's wrapping casts", async () => {
  const { cast } = await import("../ops/math.js");
  const t = constant([-128, 0, 127], "int8");
  assert.ok(t.dataSync() instanceof Int8Array);
  assert.equal(t.dtype, "int8");
  assert.throws(() => constant([128], "int8"), /128 is outside int8's range \[-128, 127\]/);
  assert.throws(() => constant([0.5], "int8"), /not an integer and cannot be stored as int8/);
  assert.equal(constant(Int8Array.from([1, -2])).dtype, "int8");
  // numpy: np.array([1.7, -2.9, 300, -300], np.float32).astype(np.int8) -> [1, -2, 44, -44]
  assert.deepEqual(cast(constant([1.7, -2.9, 300, -300], "float32"), "int8").arraySync(), [1, -2, 44, -44]);
  assert.deepEqual(cast(constant([-128, 127], "int8"), "float32").arraySync(), [-128, 127]);
  assert.match(t.toString(), /dtype=int8/);
});
