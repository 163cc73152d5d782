import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps() as Record<string, number[]>;
const f = (v: tf.NestedArray | number[]): tf.Tensor => tf.constant(v as tf.NestedArray, "float32");

test("cross, vdot and correlate match Keras 3.5 / numpy", () => {
  const a = f([[1, 2, 3], [4, 5, 6]]), b = f([[7, -8, 9], [0.5, 1, -2]]);
  assert.deepEqual(tf.cross(a, b).arraySync(), fx["cross"]);
  assert.deepEqual(tf.cross(tf.transpose(a), tf.transpose(b), 0).arraySync(), tf.transpose(tf.constant(fx["cross"])).arraySync());
  assert.equal(tf.cross(f([1, 2]), f([3, 5])).arraySync(), fx["cross_2d"]);
  assert.equal(tf.vdot(a, b).arraySync(), fx["vdot"]);
  const x1 = f([1, 2, 3, 4, 5]), x2 = f([0, 1, 0.5]);
  for (const mode of ["valid", "same", "full"] as const) {
    assertAllClose(tf.correlate(x1, x2, mode), fx[`correlate_${mode}`], { what: mode });
    assertAllClose(tf.correlate(x2, x1, mode), fx[`correlate_rev_${mode}`], { what: `reversed ${mode}` });
  }
  assertAllClose(tf.correlate(f([1, 2, 3, 4]), f([1, -1]), "same"), fx["correlate_even_same"]);
  assertAllClose(tf.correlate(f([1, 2, 3, 4]), f([1, -1])), fx["correlate_even_valid"]);
});

test("cross, vdot and correlate gradients (finite differences)", () => {
  checkGradients((a, b) => tf.cross(a, b), [randomF64([2, 3], 1), randomF64([3], 2)]);
  checkGradients((a, b) => tf.vdot(a, b), [randomF64([2, 3], 3), randomF64([3, 2], 4)]);
  checkGradients((a, b) => tf.correlate(a, b, "full"), [randomF64([5], 5), randomF64([3], 6)]);
});

test("cross, vdot and correlate refuse bad shapes clearly", () => {
  assert.throws(() => tf.cross([1, 2, 3, 4], [1, 2, 3]), /cross: the vectors along axis -1 must have 2 or 3 components/);
  assert.throws(() => tf.vdot([1, 2], [1, 2, 3]), /vdot: x1 int32 \(2,\) has 2 elements and x2 int32 \(3,\) 3/);
  assert.throws(() => tf.correlate(f([[1]]), f([1])), /correlate: .* must both be 1-D/);
  assert.throws(() => tf.correlate(f([1]), f([1]), "circular" as "full"), /mode must be "valid", "same" or "full"/);
});
