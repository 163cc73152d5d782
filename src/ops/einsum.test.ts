import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { einsum } from "./einsum.js";
import { checkGradients } from "../testing/gradcheck.js";
import { testOnBackend } from "../testing/backends.js";
import { assertAllClose } from "../testing/close.js";

interface Case {
  equation: string;
  operands: { shape: number[]; data: number[] }[];
  shape: number[];
  data: number[];
}
// numpy.einsum's values (test/fixtures/make_einsum.py).
const { cases } = JSON.parse(readFileSync("test/fixtures/einsum.json", "utf8")) as { cases: Case[] };
const operands = (c: Case): tf.Tensor[] => c.operands.map((o) => tf.constant(o.data, o.shape, "float64"));

for (const backend of ["js", "native"]) {
  testOnBackend(backend, `einsum equals numpy.einsum on every fixture case (${backend})`, () => {
    for (const c of cases) {
      const got = einsum(c.equation, ...operands(c));
      assert.deepEqual(got.shape, c.shape, c.equation);
      assertAllClose(got, c.data, { rtol: 1e-12, atol: 1e-14 });
    }
  });
}

test("einsum's gradients equal central finite differences on every fixture case", () => {
  for (const c of cases) {
    checkGradients((...xs) => einsum(c.equation, ...xs), operands(c), { rtol: 1e-6, atol: 1e-8 });
  }
});

test("einsum keeps float32 and works under a GradientTape for attention's contraction", () => {
  const q = tf.random.uniform([2, 3, 2, 4], -1, 1, { seed: 1 });
  const k = tf.random.uniform([2, 5, 2, 4], -1, 1, { seed: 2 });
  const s = einsum("aecd,abcd->acbe", k, q);
  assert.equal(s.dtype, "float32");
  assert.deepEqual(s.shape, [2, 2, 3, 5]);
  // Element [1, 0, 2, 4] by hand: sum_d k[1, 4, 0, d] * q[1, 2, 0, d].
  const kv = k.arraySync() as number[][][][], qv = q.arraySync() as number[][][][];
  const want = [0, 1, 2, 3].reduce((acc, d) => acc + kv[1][4][0][d] * qv[1][2][0][d], 0);
  assert.ok(Math.abs((s.arraySync() as number[][][][])[1][0][2][4] - want) < 1e-6);
});

test("einsum refuses bad equations, naming the fault", () => {
  const a = tf.ones([2, 3]), b = tf.ones([4, 5]);
  assert.throws(() => einsum("ij,jk->ik", a, b), /subscript "j" has size 3 in one operand but 4 in operand 1/);
  assert.throws(() => einsum("ij,jk->ik", a), /names 2 operand\(s\) but 1 were given/);
  assert.throws(() => einsum("ijk->i", a), /rank 2\) but its subscripts "ijk" name 3 axes/);
  assert.throws(() => einsum("i->i", a), /"i" name 1 axes; give one letter per axis/);
  assert.throws(() => einsum("ij->iz", a), /output subscript "z" appears in no operand/);
  assert.throws(() => einsum("ij->ii", a), /repeats a subscript/);
  assert.throws(() => einsum("i2->i", a), /subscripts are letters/);
  assert.throws(() => einsum("...i->i", tf.ones([2, 3])), /add "\.\.\." to the output/);
  assert.throws(() => einsum("ii->i", a), /repeated in one operand over axes of sizes 2 and 3/);
  assert.throws(() => einsum("ij,jk->ik", a, tf.ones([3, 2], "float64")), /einsum/);
  assert.throws(() => einsum("ij->ij->i", a), /"->" more than once/);
});
