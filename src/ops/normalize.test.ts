import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps() as Record<string, number[]>;
const f = (v: tf.NestedArray): tf.Tensor => tf.constant(v, "float32");

test("normalize and psnr match Keras 3.5", () => {
  const x = f([[3, 4], [1, -1], [0, 0]]);
  assertAllClose(tf.normalize(x), fx["normalize"], { rtol: 1e-6 });
  assertAllClose(tf.normalize(x, 0, 1), fx["normalize_l1_axis0"], { rtol: 1e-6 });
  assertAllClose(tf.psnr(f([[0.1, 0.5], [0.9, 0.3]]), f([[0.2, 0.5], [0.7, 0.35]]), 1), [fx["psnr"] as unknown as number], { rtol: 1e-6 });
  assert.equal(tf.psnr(f([1, 2]), f([1, 2]), 1).arraySync(), Infinity);
});

test("normalize's gradient (finite differences) and errors", () => {
  checkGradients((a) => tf.normalize(a), [randomF64([3, 4], 1)]);
  checkGradients((a, b) => tf.psnr(a, b, 2), [randomF64([2, 3], 2), randomF64([2, 3], 3)], { rtol: 1e-4 });
  assert.throws(() => tf.normalize(f([1, 2]), -1, 0), /normalize: order must be an integer >= 1/);
  assert.throws(() => tf.psnr(f([1, 2]), f([1, 2, 3]), 1), /psnr: x1 \(2,\) and x2 \(3,\) must have the same shape/);
});

test("normalize computes integer input in float32, as Keras' norm does (result_type(int32, float32))", () => {
  const y = tf.normalize(tf.constant([[3, 4]], "int32"));
  assert.equal(y.dtype, "float32");
  assert.deepEqual(Array.from(y.dataSync() as Float32Array).map((v) => Math.round(v * 1e6) / 1e6), [0.6, 0.8]);
});
