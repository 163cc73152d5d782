import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps() as Record<string, number[]>;
const f = (v: number[]): tf.Tensor => tf.constant(v, "float32");

test("logaddexp matches Keras 3.5, ties and infinities included", () => {
  const got = tf.logaddexp(f([0, 1000, -1000, 3, -Infinity]), f([0, 999, -1001, -2, -Infinity])).dataSync();
  assertAllClose(got.slice(0, 4), fx["logaddexp"].slice(0, 4), { rtol: 1e-6 });
  assert.equal(got[4], -Infinity);
  assert.deepEqual(tf.logaddexp(Infinity, f([2])).arraySync(), [Infinity]);
});

test("logaddexp's gradient is sigmoid(x1 - x2), half each at a tie", () => {
  checkGradients((a, b) => tf.logaddexp(a, b), [randomF64([5], 1), randomF64([5], 2)]);
  const [ga, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.logaddexp(a, b))([f([1, -Infinity]), f([1, 0])]);
  assert.deepEqual(ga.arraySync(), [0.5, 0]);
  assert.deepEqual(gb.arraySync(), [0.5, 1]);
});

test("logSigmoid, divNoNan, isclose and erfinv match Keras 3.5", () => {
  assertAllClose(tf.logSigmoid(f([-100, -1, 0, 2, 50])), fx["log_sigmoid"], { rtol: 1e-6 });
  assert.deepEqual(tf.divNoNan(f([1, 0, Infinity, 6]), f([0, 0, 0, 3])).arraySync(), [0, 0, 0, 2]);
  const x = f([2, 3]), y = f([0, 4]);
  const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.divNoNan(a, b))([x, y]);
  assert.deepEqual(gx.arraySync(), [0, 0.25]);
  assert.deepEqual(gy.arraySync(), [0, -3 / 16]);
  const a = tf.cast(tf.constant([1, 1, Infinity, Infinity, NaN, 100]), "float64");
  const b = tf.cast(tf.constant([1.000001, 1.1, Infinity, -Infinity, NaN, 100.0009]), "float64");
  assert.deepEqual(tf.isclose(a, b).arraySync(), fx["isclose"]);
  assert.deepEqual(tf.isclose(f([NaN, 1]), f([NaN, 2]), 1e-5, 1e-8, true).arraySync(), [true, false]);
  assert.deepEqual(tf.isclose(tf.constant([3], "int32"), tf.constant([3], "int32")).arraySync(), [true]);
  const e = tf.erfinv(tf.cast(tf.constant([-0.999, -0.5, 0, 0.1, 0.7, 0.99999]), "float64"));
  // float32 inputs cast to float64 are not the literals Keras saw: compare erf(erfinv(x)) = x too.
  assertAllClose(tf.erf(e), tf.cast(tf.constant([-0.999, -0.5, 0, 0.1, 0.7, 0.99999]), "float64"), { rtol: 1e-12, atol: 1e-14 });
  const exact = tf.erfinv(tf.constant(new Float64Array([-0.999, -0.5, 0, 0.1, 0.7, 0.99999]), [6], "float64"));
  assertAllClose(exact, fx["erfinv"], { rtol: 1e-9 });
  assert.deepEqual((tf.erfinv(f([1, -1, 1.5])).arraySync() as number[]).map(String), ["Infinity", "-Infinity", "NaN"]);
});

test("erfinv's gradient (finite differences)", () => {
  checkGradients((x) => tf.erfinv(x), [tf.constant(new Float64Array([-0.9, -0.3, 0.2, 0.95]), [4], "float64")], { rtol: 1e-5 });
  const second = tf.grad((x: tf.Tensor) => tf.grad((y: tf.Tensor) => tf.erfinv(y))(x))(tf.constant(new Float64Array([0.5]), [1], "float64"));
  // d2/dx2 erfinv = 2 y (d erfinv)^2 with y = erfinv(0.5) = 0.4769362762044699.
  const y = 0.4769362762044699, d = (Math.sqrt(Math.PI) / 2) * Math.exp(y * y);
  assertAllClose(second, [2 * y * d * d], { rtol: 1e-8 });
});

test("the new elementwise ops refuse integer or mixed inputs clearly", () => {
  assert.throws(() => tf.logaddexp(tf.constant([1], "int32"), tf.constant([1], "int32")), /logaddexp: x1 must be float32 or float64/);
  assert.throws(() => tf.erfinv(tf.constant([0], "int32")), /erfinv: x must be float32 or float64/);
  assert.throws(() => tf.isclose(f([1]), f([1]), -1), /isclose: rtol \(-1\) and atol/);
  assert.throws(() => tf.divNoNan(tf.constant([1], "int32"), f([1])), /divNoNan: operands have different dtypes/);
});

test("ops.erfc matches scipy.special.erfc to float64 precision, far into the tail, with its gradient", () => {
  // scipy.special.erfc at these points (scipy 1.10).
  const xs = [-3, -2, -1, 0, 0.5, 1, 2.5, 2.99, 3.01, 4, 6, 10, 26, 27.5];
  const want = [1.9999779095030015, 1.9953222650189528, 1.8427007929497148, 1.0, 0.4795001221869535, 0.15729920705028516, 0.00040695201744495886,
    2.3525603080640205e-05, 2.0738963637132645e-05, 1.541725790028002e-08, 2.1519736712498913e-17, 2.0884875837625446e-45, 5.663192408856145e-296, 0];
  const got = Array.from(ops.erfc(tf.constant(xs, [xs.length], "float64")).dataSync() as Float64Array);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-13 * Math.abs(want[i]) + 1e-300, `erfc(${xs[i]}) = ${g}, want ${want[i]}`));
  // float32 (Keras' docstring values) and int inputs (float32).
  const f32 = ops.erfc(tf.constant([-3, -2, -1, 0, 1], [5], "float32"));
  assert.equal(f32.dtype, "float32");
  assert.deepEqual(Array.from(f32.dataSync() as Float32Array), [1.999977946281433, 1.9953222274780273, 1.8427008390426636, 1, 0.15729920566082]);
  assert.equal(ops.erfc(tf.constant([1], [1], "int32")).dtype, "float32");
  checkGradients((x) => ops.erfc(x), [tf.constant([-1.5, -0.2, 0.4, 1.4, 1.6, 3.2, 4.5], [7], "float64")]);
});
