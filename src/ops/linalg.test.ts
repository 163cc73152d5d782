import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { testOnBackend } from "../testing/backends.js";
import { assertAllClose } from "../testing/close.js";

const rnd = (shape: number[], seed: number): tf.Tensor => tf.random.uniform(shape, -2, 2, { dtype: "float64", seed });

for (const backend of ["js", "native"]) {
  testOnBackend(backend, `norm against np.linalg.norm (${backend})`, () => {
    const a = tf.constant([[3, -4], [1, 2]], "float64");
    assertAllClose(tf.norm(a), [5.477225575051661], { rtol: 1e-15 });
    assertAllClose(tf.norm(a, "fro", [0, 1]), [5.477225575051661], { rtol: 1e-15 });
    assert.equal(tf.norm(a, 1, [0, 1]).arraySync(), 6);
    assert.equal(tf.norm(a, Infinity, [0, 1]).arraySync(), 7);
    assert.equal(tf.norm(a, -1, [0, 1]).arraySync(), 4);
    assert.equal(tf.norm(a, -Infinity, [0, 1]).arraySync(), 3);
    assertAllClose(tf.norm(a, 3), [4.641588833612778], { rtol: 1e-14 });
    assertAllClose(tf.norm(a, 0.5), [37.77656570521818], { rtol: 1e-14 });
    assert.equal(tf.norm(a, 0).arraySync(), 4);
    assertAllClose(tf.norm(a, "euclidean", 1), [5, 2.23606797749979], { rtol: 1e-15 });
    assert.deepEqual(tf.norm(a, Infinity, -1, true).arraySync(), [[4], [2]]);
    assert.deepEqual(tf.norm(tf.ones([2, 3, 4]), 1, [2, 0]).shape, [3]);
    const f = tf.norm(tf.constant([3, 4], "float32"));
    assert.equal(f.dtype, "float32");
    assert.equal(f.arraySync(), 5);
  });
}

test("norm gradients: finite differences, and 0 at a zero vector as torch gives", () => {
  const x = rnd([3, 4], 1);
  for (const ord of ["euclidean", 1, 3, Infinity] as const) checkGradients((t) => tf.norm(t, ord, 1), [x]);
  checkGradients((t) => tf.norm(t, "fro", [0, 1]), [x]);
  checkGradients((t) => tf.norm(t, 1, [0, 1]), [x]);
  assert.deepEqual(tf.grad((t: tf.Tensor) => tf.norm(t))(tf.zeros([3], "float64")).arraySync(), [0, 0, 0]);
  assert.deepEqual(tf.grad((t: tf.Tensor) => tf.norm(t, 3))(tf.zeros([2], "float64")).arraySync(), [0, 0]);
});

test("norm refuses what it cannot compute, naming the fix", () => {
  const a = tf.ones([2, 2]);
  assert.throws(() => tf.norm(a, "fro"), /norm: ord "fro" is a matrix norm; give two axes/);
  assert.throws(() => tf.norm(a, -2), /norm: ord -2 is not a vector norm/);
  assert.throws(() => tf.norm(a, "euclidean", [0, 1, 1]), /norm: axis \[0,1,1\] must name one axis/);
  assert.throws(() => tf.norm(a, "euclidean", 2), /norm: axis 2 is out of range/);
  assert.throws(() => tf.norm(tf.constant([1, 2])), /norm: x must be float32 or float64, got int32/);
});

test("tensordot, outer and outerProduct against numpy", () => {
  const A = tf.reshape(tf.range(0, 24, 1, "float32"), [2, 3, 4]);
  const B = tf.reshape(tf.range(0, 12, 1, "float32"), [4, 3]);
  // np.tensordot(A, B, axes=([1, 2], [1, 0])).
  assert.deepEqual(tf.tensordot(A, B, [[1, 2], [1, 0]]).arraySync(), [440, 1232]);
  assert.deepEqual(tf.tensordot(tf.ones([2, 3]), tf.ones([3, 5]), 1).shape, [2, 5]);
  assert.deepEqual(tf.tensordot(tf.ones([2]), tf.ones([3]), 0).shape, [2, 3]);
  assert.deepEqual(tf.outer([1, 2], [[3, 4], [5, 6]]).arraySync(), [[3, 4, 5, 6], [6, 8, 10, 12]]);
  assert.deepEqual(tf.linalg.outerProduct([1, 2], [3, 4, 5]).arraySync(), [[3, 4, 5], [6, 8, 10]]);
  assert.throws(() => tf.outerProduct(tf.ones([2, 2]), tf.ones([2])), /outerProduct: needs two 1-D tensors, got float32 \(2, 2\)/);
  assert.throws(() => tf.tensordot(tf.ones([2, 3]), tf.ones([2, 3]), 1), /tensordot: axis 1 of a \(2, 3\) \(3\) and axis 0 of b \(2, 3\) \(2\)/);
  assert.throws(() => tf.tensordot(tf.ones([2]), tf.ones([2]), 2), /tensordot: axes = 2 must be an integer in 0\.\.1/);
  checkGradients((a, b) => tf.tensordot(a, b, [[0, 2], [2, 1]]), [rnd([2, 3, 2], 2), rnd([3, 2, 2], 3)]);
});

test("tril, triu and bandPart against np.tril / np.triu and tf.linalg.band_part", () => {
  const x = tf.reshape(tf.range(1, 13), [3, 4]);
  assert.deepEqual(tf.tril(x, 1).arraySync(), [[1, 2, 0, 0], [5, 6, 7, 0], [9, 10, 11, 12]]);
  assert.deepEqual(tf.triu(x, -1).arraySync(), [[1, 2, 3, 4], [5, 6, 7, 8], [0, 10, 11, 12]]);
  assert.deepEqual(tf.tril(tf.ones([2, 2, 2])).arraySync(), [[[1, 0], [1, 1]], [[1, 0], [1, 1]]]);
  assert.deepEqual(tf.linalg.bandPart(tf.ones([3, 3]), 0, 1).arraySync(), [[1, 1, 0], [0, 1, 1], [0, 0, 1]]);
  assert.deepEqual(tf.bandPart(tf.ones([3, 3]), -1, 0).arraySync(), tf.tril(tf.ones([3, 3])).arraySync());
  assert.deepEqual(tf.triu(tf.constant([[true, true], [true, true]])).arraySync(), [[true, true], [false, true]]);
  assert.throws(() => tf.tril(tf.ones([3])), /tril: needs a tensor of rank >= 2/);
  assert.throws(() => tf.triu(tf.ones([2, 2]), 0.5), /triu: k must be an integer, got 0\.5/);
  checkGradients((t) => tf.triu(t, 1), [rnd([3, 3], 4)]);
});
