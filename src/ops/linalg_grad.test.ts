/*
 * Gradients of linalg.lstsq (the pseudo-inverse solution at a constant rank) and linalg.luFactor
 * (the packed LU with its pivots fixed): against torch's autograd (test/fixtures/make_linalg_grad.py),
 * against central finite differences for tall, wide, square, rank-deficient and batched inputs, and
 * second derivatives against finite differences of the first.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { testOnBackend } from "../testing/backends.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";

type Tensor = tf.Tensor;
interface Shaped { shape: number[]; data: number[] }
interface TorchCase { inputs: Shaped[]; weights: Shaped; value: Shaped; gradients: Shaped[] }
interface PinvCase { inputs: Shaped[]; value: Shaped }
const fixture = JSON.parse(readFileSync("test/fixtures/linalg_grad.json", "utf8")) as { cases: Record<string, TorchCase>; rank_deficient: Record<string, PinvCase> };
const torchCases = fixture.cases;
const t64 = (s: Shaped): Tensor => tf.constant(s.data, s.shape, "float64");

const rnd = (shape: number[], seed: number): Tensor => randomF64(shape, seed, -1, 1);
/** An m x n float64 matrix of rank r (a product of random m x r and r x n factors). */
const ofRank = (m: number, n: number, r: number, seed: number): Tensor => tf.matmul(rnd([m, r], seed), rnd([r, n], seed + 1));
const lu = (a: Tensor): Tensor => tf.linalg.luFactor(a)[0];

/** The gradient of sum(w * sin(f(xs))) with respect to every input: a first derivative whose own gradient is a second derivative of f. */
const firstDerivative = (f: (...xs: Tensor[]) => Tensor, seed: number) => (...xs: Tensor[]): Tensor => {
  const gs = tf.grads((...ys: Tensor[]) => {
    const y = f(...ys);
    return tf.sum(tf.mul(tf.sin(y), tf.random.uniform(y.shape, 0.5, 1.5, { dtype: "float64", seed })));
  })(xs);
  return tf.concat(gs.map((g) => tf.reshape(g, [-1])), 0);
};

for (const backend of ["js", "native"]) {
  testOnBackend(backend, `lstsq and luFactor gradients equal torch's (gelsd lstsq, lu_factor) for tall, wide, square, batched and broadcast inputs (${backend})`, () => {
    const tol = { rtol: 1e-9, atol: 1e-11 };
    for (const [name, c] of Object.entries(torchCases)) {
      const f = name.startsWith("lstsq") ? (...xs: Tensor[]) => tf.linalg.lstsq(xs[0], xs[1]) : (...xs: Tensor[]) => lu(xs[0]);
      const inputs = c.inputs.map(t64);
      const value = f(...inputs);
      assert.deepEqual(value.shape, c.value.shape, `${name} shape`);
      assertAllClose(value, t64(c.value), { ...tol, what: `${name} value` });
      const gs = tf.grads((...xs: Tensor[]) => tf.sum(tf.mul(f(...xs), t64(c.weights))))(inputs);
      gs.forEach((g, i) => assertAllClose(g, t64(c.gradients[i]), { ...tol, what: `${name} gradient of input ${i}` }));
    }
  });
}

for (const backend of ["js", "native"]) {
  testOnBackend(backend, `lstsq with broadcast batch axes: rank-deficient values equal torch's pinv(a) @ b (${backend})`, () => {
    for (const [name, c] of Object.entries(fixture.rank_deficient)) {
      const x = tf.linalg.lstsq(t64(c.inputs[0]), t64(c.inputs[1]));
      assert.deepEqual(x.shape, c.value.shape, `${name} shape`);
      assertAllClose(x, t64(c.value), { rtol: 1e-9, atol: 1e-11, what: name });
    }
  });
}

test("lstsq: a b of one less rank than a is read as vectors where that fits (torch's reading), else as matrices", () => {
  // a [4, 4, 3] and b [4, 4]: 4 vectors (torch.linalg.lstsq's answer [4, 3]), not one matrix for all four.
  const a = rnd([4, 4, 3], 31), b = rnd([4, 4], 32);
  const x = tf.linalg.lstsq(a, b);
  assert.deepEqual(x.shape, [4, 3]);
  assertAllClose(x, tf.squeeze(tf.linalg.lstsq(a, tf.expandDims(b, -1)), -1), { rtol: 1e-12, atol: 1e-14 });
  // a [2, 4, 3] and b [4, 2] cannot be 4 vectors of 2: one matrix for both a, as b [1, 4, 2] was.
  const a2 = rnd([2, 4, 3], 33), b2 = rnd([4, 2], 34);
  assertAllClose(tf.linalg.lstsq(a2, b2), tf.linalg.lstsq(a2, tf.reshape(b2, [1, 4, 2])), { rtol: 1e-12, atol: 1e-14 });
  // float32 broadcasts too (computed in float64, returned as float32).
  const x32 = tf.linalg.lstsq(tf.cast(a2, "float32"), tf.cast(b2, "float32"));
  assert.equal(x32.dtype, "float32");
  assert.deepEqual(x32.shape, [2, 3, 2]);
});

test("lstsq: gradients for a and b equal central finite differences (tall, wide, square, batched, vector b)", () => {
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [rnd([2, 5, 3], 1), rnd([2, 5, 2], 2)]);
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [rnd([2, 3, 5], 3), rnd([2, 3, 2], 4)]);
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [tf.add(rnd([4, 4], 5), tf.eye(4, 4, "float64")), rnd([4, 3], 6)]);
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [rnd([6, 4], 7), rnd([6], 8)]);
  // One b ([1, 5, 2]) for a batch of a: the batch axes broadcast, and b's gradient sums over them.
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [rnd([3, 5, 2], 9), rnd([1, 5, 2], 10)]);
  // Batch axes of different numbers: one b [5, 2] for a [2, 5, 3], one a for b [2, 3, 5, 1], vectors [1, 4, 5] against a [2, 1, 5, 3].
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [rnd([2, 5, 3], 41), rnd([5, 2], 42)]);
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [rnd([5, 3], 43), rnd([2, 3, 5, 1], 44)]);
  checkGradients((a, b) => tf.linalg.lstsq(a, b), [rnd([2, 1, 5, 3], 45), rnd([1, 4, 5], 46)]);
});

test("lstsq: the gradient of the rank-truncated solution for rank-deficient a (rcond deciding the rank)", () => {
  // Rank 2 in 5 x 4 (tall) and 3 x 6 (wide): rcond 1e-4 keeps the rank where the finite differences move a.
  for (const [a, b] of [[ofRank(5, 4, 2, 11), rnd([5, 2], 13)], [ofRank(3, 6, 2, 14), rnd([3, 2], 16)]]) {
    checkGradients((x, y) => tf.linalg.lstsq(x, y, 1e-4), [a, b]);
  }
  // A full-rank a whose smallest singular value (1e-6) rcond drops: the gradient of the rank-2 truncation.
  const [u, , vt] = tf.linalg.svd(rnd([4, 3], 17), false);
  const a = tf.matmul(tf.mul(u, tf.constant([3, 1, 1e-6], [1, 3], "float64")), vt);
  const b = rnd([4, 2], 18);
  checkGradients((x, y) => tf.linalg.lstsq(x, y, 1e-4), [a, b]);
  // Rank 2 in a batch of two 5 x 4 against one b [5, 2]: b's gradient sums over the broadcast batch axis.
  const deficient = tf.stack([ofRank(5, 4, 2, 51), ofRank(5, 4, 2, 53)]);
  checkGradients((x, y) => tf.linalg.lstsq(x, y, 1e-4), [deficient, rnd([5, 2], 55)]);
  // The default rcond keeps it (rank 3): a gradient of order 1 / 1e-6 where the truncated one is of order 1.
  const truncated = tf.grads((x, y) => tf.sum(tf.linalg.lstsq(x, y, 1e-4)))([a, b]);
  const full = tf.grads((x, y) => tf.sum(tf.linalg.lstsq(x, y)))([a, b]);
  assert.ok(tf.max(tf.abs(truncated[1])).item() < 10, "the truncated gradient is of order 1");
  assert.ok(tf.max(tf.abs(full[1])).item() > 1e4, "the rank-3 gradient is of order 1 / 1e-6");
});

test("luFactor: lu's gradient equals central finite differences (square, wide, tall, batched); pivots have none", () => {
  checkGradients(lu, [rnd([4, 4], 21)]);
  checkGradients(lu, [rnd([2, 3, 3], 22)]);
  checkGradients(lu, [rnd([2, 3, 5], 23)]);
  checkGradients(lu, [rnd([2, 5, 3], 24)]);
  checkGradients(lu, [rnd([6, 2], 25)]);
  // A loss reading both outputs: the int32 pivots pass no gradient.
  const g = tf.grad((a) => { const [l, p] = tf.linalg.luFactor(a); return tf.sum(tf.mul(l, tf.cast(tf.sum(p), "float64"))); })(rnd([3, 3], 26));
  assert.deepEqual(g.shape, [3, 3]);
  // float32 in, float32 gradient out.
  const g32 = tf.grad((a) => tf.sum(lu(a)))(rnd([3, 3], 27).cast("float32"));
  assert.equal(g32.dtype, "float32");
  assertAllClose(g32, tf.grad((a) => tf.sum(lu(a)))(rnd([3, 3], 27)), { rtol: 1e-4, atol: 1e-5 });
});

test("second derivatives of lstsq and luFactor equal finite differences of the first", () => {
  const first = (f: (...xs: Tensor[]) => Tensor, seed: number): ((...xs: Tensor[]) => Tensor) => firstDerivative(f, seed);
  checkGradients(first((a, b) => tf.linalg.lstsq(a, b), 31), [rnd([4, 3], 32), rnd([4, 2], 33)]);
  checkGradients(first((a, b) => tf.linalg.lstsq(a, b), 34), [rnd([2, 3, 4], 35), rnd([2, 3, 1], 36)]);
  checkGradients(first((a, b) => tf.linalg.lstsq(a, b, 1e-4), 37), [ofRank(4, 4, 2, 38), rnd([4, 2], 40)]);
  checkGradients(first(lu, 41), [rnd([2, 3, 3], 42)]);
  checkGradients(first(lu, 43), [rnd([3, 4], 44)]);
  checkGradients(first(lu, 45), [rnd([4, 2], 46)]);
});

test("luFactor's gradient at a zero pivot of U is an error naming the matrix and the fix", () => {
  const batch = tf.stack([tf.eye(2, 2, "float64"), tf.constant([1, 2, 2, 4], [2, 2], "float64")]);
  assert.throws(() => tf.grad((a) => tf.sum(lu(a)))(batch),
    /^RangeError: linalg\.luFactor: no gradient at matrix \[1\] of the batch of x \(2, 2, 2\): U's diagonal element 1 is 0 \(the matrix is rank-deficient\).*add a small multiple of the identity/);
  // Without a tape the factorization itself is fine.
  assert.deepEqual(lu(batch).shape, [2, 2, 2]);
});
