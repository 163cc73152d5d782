import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps() as Record<string, number[]>;

test("diff and logspace match Keras 3.5 / numpy", () => {
  const a = tf.constant([[1, 4, 9, 16], [2, 3, 5, 8]], "float32");
  assert.deepEqual(tf.diff(a, 2).arraySync(), fx["diff_n2"]);
  assert.deepEqual(tf.diff(a, 1, 0).arraySync(), fx["diff_axis0"]);
  assert.deepEqual(tf.diff(a, 0).arraySync(), a.arraySync());
  assert.deepEqual(tf.diff(a, 6).shape, [2, 0]);
  assert.deepEqual(tf.diff(tf.constant([true, true, false], "bool")).arraySync(), [false, true]);
  assertAllClose(tf.logspace(0, 2, 5, true, 10, "float64"), fx["logspace"], { rtol: 1e-15 });
  assertAllClose(tf.logspace(1, 3, 4, false, 2, "float64"), fx["logspace_noend_base2"], { rtol: 1e-15 });
  assert.equal(tf.logspace(0, 1).shape[0], 50);
});

test("diff's gradient (finite differences) and its errors", () => {
  checkGradients((x) => tf.diff(x, 2, 0), [randomF64([4, 3], 1)]);
  assert.throws(() => tf.diff(tf.constant(1, "float32")), /diff: a must have at least one axis/);
  assert.throws(() => tf.diff([1, 2], -1), /diff: n must be a non-negative integer/);
  assert.throws(() => tf.logspace(0, 1, 3, true, 10, "int32"), /logspace: dtype must be float32 or float64/);
});
