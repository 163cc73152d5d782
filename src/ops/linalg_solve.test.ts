import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { testOnBackend } from "../testing/backends.js";
import { assertAllClose } from "../testing/close.js";
import { data, fixture, grad, val, weight } from "../../test/support/linalg_fixture.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const close = { rtol: 1e-10, atol: 1e-12 };
const wsum = (w: string, t: tf.Tensor): tf.Tensor => tf.sum(tf.mul(weight(w), t));

for (const backend of ["js", "native"]) {
  testOnBackend(backend, `det, inv, solve, solveTriangular and lstsq equal numpy's (${backend})`, () => {
    assertAllClose(tf.linalg.det(val("sq")), val("det"), close);
    assertAllClose(tf.linalg.det(val("rank_def")), [fixture.values.det_rank_def as number], { atol: 1e-14 });
    assertAllClose(tf.linalg.inv(val("sq")), val("inv"), close);
    assertAllClose(tf.linalg.solve(val("sq"), val("rhs")), val("solve"), close);
    const sv = tf.linalg.solve(val("sq"), val("rhs_vec"));
    assert.deepEqual(sv.shape, [2, 3]);
    assertAllClose(sv, val("solve_vec"), close);
    assertAllClose(tf.linalg.solveTriangular(val("tri"), val("tri_b"), true), val("solve_triangular_lower"), close);
    assertAllClose(tf.linalg.solveTriangular(tf.transpose(val("tri")), val("tri_b")), val("solve_triangular_upper"), close);
    assertAllClose(tf.linalg.lstsq(val("lst_a"), val("lst_b")), val("lstsq_tall"), close);
    assertAllClose(tf.linalg.lstsq(tf.transpose(val("lst_a")), tf.slice(val("lst_b"), [0, 0], [3, -1])), val("lstsq_wide"), close);
    assertAllClose(tf.linalg.lstsq(val("rank_def"), tf.constant([1, 2, 3], "float64")), data("lstsq_rank_def"), close);
  });
}

test("solve and inv: identities, broadcasting over the batch and float32", () => {
  const a = val("sq");
  assertAllClose(tf.matmul(a, tf.linalg.inv(a)), tf.broadcastTo(tf.eye(3, 3, "float64"), [2, 3, 3]), close);
  // One matrix b for both matrices of a, and one a for a batch of b.
  const b = tf.slice(val("rhs"), [0, 0, 0], [1, -1, -1]).reshape([3, 2]);
  assertAllClose(tf.matmul(a, tf.linalg.solve(a, b)), tf.broadcastTo(b, [2, 3, 2]), close);
  const a0 = tf.slice(a, [0, 0, 0], [1, -1, -1]).reshape([3, 3]);
  assertAllClose(tf.matmul(a0, tf.linalg.solve(a0, val("rhs"))), val("rhs"), close);
  const f = tf.linalg.inv(val("sq", "float32"));
  assert.equal(f.dtype, "float32");
  assertAllClose(f, val("inv"), { rtol: 1e-5, atol: 1e-6 });
});

test("singular and ill-shaped systems are errors naming the matrix and the fix", () => {
  const batch = tf.stack([tf.eye(3, 3, "float64"), val("rank_def")]);
  assert.throws(() => tf.linalg.inv(batch), /linalg\.inv: matrix \[1\] of the batch is singular \(pivot 2 of its LU factorization is 0\) in a \(2, 3, 3\); it has no inverse; use tf\.linalg\.lstsq/);
  assert.throws(() => tf.linalg.solve(val("rank_def"), tf.ones([3], "float64")), /linalg\.solve: the matrix is singular/);
  assert.throws(() => tf.linalg.solveTriangular(tf.constant([[1, 0], [2, 0]], "float64"), tf.ones([2], "float64"), true),
    /linalg\.solveTriangular: the matrix is singular \(diagonal element 1 of the triangular a \(2, 2\) is 0\)/);
  assert.throws(() => tf.linalg.det(tf.ones([2, 3], "float64")), /linalg\.det: x must hold square matrices, got float64 \(2, 3\) \(2 x 3\)/);
  assert.throws(() => tf.linalg.solve(val("sq"), tf.ones([2, 4, 1], "float64")), /linalg\.solve: b float64 \(2, 4, 1\) does not fit a float64 \(2, 3, 3\)/);
  assert.throws(() => tf.linalg.solve(val("sq"), tf.ones([2, 3], "float32")), /linalg\.solve: operands have different dtypes/);
  assert.throws(() => tf.linalg.inv(tf.ones([3], "float64")), /linalg\.inv: x must have rank >= 2/);
  assert.throws(() => tf.linalg.lstsq(val("lst_a"), tf.ones([4], "float64")),
    /linalg\.lstsq: b float64 \(4,\) does not fit a float64 \(5, 3\): b must be vectors \[\.\.\., 5\] \(of rank 1, or 1\) or matrices \[\.\.\., 5, k\]/);
  // Batch axes that do not broadcast: both shapes named, b read as matrices and as vectors.
  assert.throws(() => tf.linalg.lstsq(tf.ones([2, 5, 3], "float64"), tf.ones([3, 5, 2], "float64")),
    /linalg\.lstsq: b float64 \(3, 5, 2\) does not fit a float64 \(2, 5, 3\): .* its batch axes broadcasting with a's \(2,\)/);
  assert.throws(() => tf.linalg.lstsq(tf.ones([2, 1, 5, 3], "float64"), tf.ones([3, 4, 5], "float64")),
    /linalg\.lstsq: b float64 \(3, 4, 5\) does not fit a float64 \(2, 1, 5, 3\)/);
  assert.throws(() => tf.linalg.solveTriangular(val("tri"), val("tri_b"), "yes" as never), /lower must be true or false/);
});

test("gradients equal torch's: det (regular and singular), inv, solve, solveTriangular", () => {
  const tol = { rtol: 1e-8, atol: 1e-10 };
  assertAllClose(tf.grad((a) => wsum("w_vec", tf.linalg.det(a)))(val("sq")), grad("det"), tol);
  assertAllClose(tf.grad((a) => tf.linalg.det(a))(val("rank_def")), grad("det_rank_def"), tol);
  assertAllClose(tf.grad((a) => wsum("w_sq", tf.linalg.inv(a)))(val("sq")), grad("inv"), tol);
  const [ga, gb] = tf.grads((a, b) => wsum("w_rhs", tf.linalg.solve(a, b)))([val("sq"), val("rhs")]);
  assertAllClose(ga, grad("solve", 0), tol);
  assertAllClose(gb, grad("solve", 1), tol);
  // torch's loss reads tril(a): its gradient is 0 above the diagonal, as lamina's (which reads only that triangle).
  const [ta, tb] = tf.grads((a, b) => wsum("w_tri", tf.linalg.solveTriangular(a, b, true)))([val("tri"), val("tri_b")]);
  assertAllClose(ta, grad("solve_triangular", 0), tol);
  assertAllClose(tb, grad("solve_triangular", 1), tol);
});

test("gradients equal central finite differences, second order included for det", () => {
  checkGradients((a) => tf.linalg.det(a), [val("sq")]);
  checkGradients((a) => tf.linalg.inv(a), [val("sq")]);
  checkGradients((a, b) => tf.linalg.solve(a, b), [val("sq"), val("rhs_vec")]);
  checkGradients((a, b) => tf.linalg.solveTriangular(a, b, false), [tf.transpose(val("tri")), val("tri_b")]);
  checkGradients((a) => tf.grad((x) => tf.linalg.det(x))(a), [val("sq")]);
});

test("linalg.slogdet matches Keras 3.5 and its logAbsDet gradient is A^-T", () => {
  const m = tf.constant(new Float64Array([2, 1, 0, 1, 3, 1, 0, 1, 4, 0, 2, 1, 1, 0, 3, 2, 1, 0]), [2, 3, 3], "float64");
  const [sign, logAbs] = tf.linalg.slogdet(m);
  assertAllClose(sign, (kerasNumpyOps().slogdet_sign as number[]));
  assertAllClose(logAbs, (kerasNumpyOps().slogdet_logabs as number[]), { rtol: 1e-14 });
  const [s2, l2] = tf.linalg.slogdet(tf.constant([[0, 1], [1, 0]], "float32"));
  assert.deepEqual([s2.arraySync(), l2.arraySync()], [-1, 0]);
  const [s0, l0] = tf.linalg.slogdet(tf.constant([[1, 2], [2, 4]], "float32"));
  assert.deepEqual([s0.arraySync(), l0.arraySync()], [0, -Infinity]);
  checkGradients((a) => tf.linalg.slogdet(a)[1], [randomF64([2, 3, 3], 4)]);
});
