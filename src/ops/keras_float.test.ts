import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { ops } from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertAllClose } from "../testing/close.js";

// Expected values: numpy on the float32 cast of the input (Keras' backend casts int/bool first),
// dtypes from keras/src/backend/tensorflow/numpy.py (v3.5.0).
const ints = (): Tensor => tf.constant([1, 2, 3, 4], "int32");
const f32 = (v: number[]): number[] => v.map(Math.fround);

test("ops.mean of int32 and bool computes in float32 as Keras' mean does; ops.sum and ops.max keep the int dtype", () => {
  const m = ops.mean(ints());
  assert.equal(m.dtype, "float32");
  assert.equal(m.item(), 2.5);
  const b = ops.mean(tf.constant([true, false, true, true]));
  assert.equal(b.dtype, "float32");
  assert.equal(b.item(), 0.75);
  assert.equal(ops.mean(tf.constant([1, 2], "int64")).dtype, "float32"); // result_type(int64, "float32")
  assert.equal(ops.mean(tf.constant([1, 2], "float64")).dtype, "float64");
  assert.deepEqual(ops.mean(tf.constant([[1, 2], [4, 6]], "int32"), 0).arraySync(), [2.5, 4]);
  const s = ops.sum(ints());
  assert.equal(s.dtype, "int32");
  assert.equal(s.item(), 10);
  assert.equal(ops.max(ints()).dtype, "int32");
  // tf.mean keeps TF's rule: reduce_mean of int32 is an int32 mean.
  assert.equal(tf.mean(ints()).dtype, "int32");
});

test("ops' exp/log/trig family, floor, ceil, std, var, norm cast int and bool input to floatx() as Keras' backend does", () => {
  const cases: [string, (x: Tensor) => Tensor, number[]][] = [
    ["log", ops.log, [0, 0.6931471824645996, 1.0986123085021973, 1.3862943649291992]],
    ["sqrt", ops.sqrt, [1, 1.4142135381698608, 1.7320507764816284, 2]],
    ["exp", ops.exp, [2.7182819843292236, 7.3890557289123535, 20.08553695678711, 54.598148345947266]],
    ["sin", ops.sin, [0.8414710164070129, 0.9092974066734314, 0.14112000167369843, -0.756802499294281]],
    ["tanh", ops.tanh, [0.7615941762924194, 0.9640275835990906, 0.9950547814369202, 0.9993293285369873]],
    ["arctan", ops.arctan, [0.7853981852531433, 1.1071487665176392, 1.249045729637146, 1.3258177042007446]],
    ["floor", ops.floor, [1, 2, 3, 4]],
    ["ceil", ops.ceil, [1, 2, 3, 4]],
  ];
  for (const [name, f, want] of cases) {
    for (const d of ["int32", "uint8", "int64"] as const) {
      const y = f(tf.cast(ints(), d));
      assert.equal(y.dtype, "float32", `${name}(${d})`);
      assertAllClose(y, f32(want), { rtol: 1e-6, what: `${name}(${d})` });
    }
  }
  for (const f of [ops.log1p, ops.log2, ops.log10, ops.expm1, ops.cos, ops.tan, ops.sinh, ops.cosh, ops.arcsin, ops.arccos, ops.arcsinh, ops.arctanh]) {
    assert.equal(f(tf.constant([0, 1], "int32")).dtype, "float32");
  }
  assert.equal(ops.arccosh(tf.constant([1, 2], "int32")).dtype, "float32");
  assert.equal(ops.sqrt(tf.constant([true, false])).dtype, "float32");
  assert.equal(ops.exp(tf.constant([1], "float64")).dtype, "float64");
  const sd = ops.std(ints());
  assert.equal(sd.dtype, "float32");
  assertAllClose(sd, [1.118034], { rtol: 1e-6 });
  const v = ops.var(ints());
  assert.equal(v.dtype, "float32");
  assert.equal(v.item(), 1.25);
  const n = ops.norm(tf.constant([3, 4], "int32"));
  assert.equal(n.dtype, "float32");
  assert.equal(n.item(), 5);
  assert.equal(ops.median(tf.constant([true, false, true])).dtype, "float32");
  // The TF-style top-level ops keep refusing ints, as TensorFlow does.
  assert.throws(() => tf.log(ints()), /log: x must be float32 or float64, got int32/);
});

test("with floatx float64, ints go to float64 (result_type(int32, float)), mean stays float32 (result_type(int32, 'float32'))", () => {
  const before = tf.config.floatx();
  tf.config.setFloatx("float64");
  try {
    assert.equal(ops.exp(ints()).dtype, "float64");
    assert.equal(ops.var(ints()).dtype, "float64");
    assert.equal(ops.mean(ints()).dtype, "float32");
  } finally {
    tf.config.setFloatx(before);
  }
});

test("ops.isfinite/isinf/isnan answer for ints without computing; ops.abs of bool is x, ops.square of bool is int32; ops.round keeps ints", () => {
  assert.deepEqual(ops.isfinite(ints()).arraySync(), [true, true, true, true]);
  assert.deepEqual(ops.isinf(ints()).arraySync(), [false, false, false, false]);
  assert.deepEqual(ops.isnan(tf.constant([true])).arraySync(), [false]);
  assert.deepEqual(ops.isnan(tf.constant([NaN, 1])).arraySync(), [true, false]);
  const a = ops.abs(tf.constant([true, false]));
  assert.equal(a.dtype, "bool");
  const sq = ops.square(tf.constant([true, false]));
  assert.equal(sq.dtype, "int32");
  assert.deepEqual(sq.arraySync(), [1, 0]);
  const r = ops.round(ints());
  assert.equal(r.dtype, "int32");
  assert.deepEqual(r.arraySync(), [1, 2, 3, 4]);
  // numpy: np.round([1234, -1250, 1350], -2) == [1200, -1200, 1400] (half to even)
  const r2 = ops.round(tf.constant([1234, -1250, 1350], "int32"), -2);
  assert.equal(r2.dtype, "int32");
  assert.deepEqual(r2.arraySync(), [1200, -1200, 1400]);
});

test("ops.average of int32 is float32 (result_type(int32, float)), weighted too", () => {
  const a = ops.average(ints());
  assert.equal(a.dtype, "float32");
  assert.equal(a.item(), 2.5);
  // (1*1 + 2*0 + 3*0 + 4*3) / 4 = 3.25
  const w = ops.average(ints(), 0, tf.constant([1, 0, 0, 3], "int32"));
  assert.equal(w.dtype, "float32");
  assert.equal(w.item(), 3.25);
  assert.equal(ops.average(tf.constant([1, 2], "float64")).dtype, "float64");
});

test("ops.softmax and ops.logSoftmax with axis null take all elements together; a list of axes takes those together", () => {
  const x = tf.constant([[1.5, 2.5], [3.5, 4.5]]);
  // torch.softmax(t.reshape(-1), 0).reshape(2, 2)
  const s = ops.softmax(x, null);
  assert.deepEqual(s.shape, [2, 2]);
  assertAllClose(s.dataSync(), f32([0.032058604061603546, 0.08714432269334793, 0.23688283562660217, 0.6439142823219299]), { rtol: 1e-6 });
  assertAllClose(ops.logSoftmax(x, null).dataSync(), f32([-3.4401895999908447, -2.4401895999908447, -1.4401897192001343, -0.4401896893978119]), { rtol: 1e-6 });
  // softmax over axes (0, 2) of arange(12).reshape(2, 3, 2) / 4, torch on the permuted reshape
  const t3 = tf.div(tf.reshape(tf.range(0, 12, 1, "float64"), [2, 3, 2]), 4);
  const p = [0.07987018116064006, 0.10255534264571627, 0.35795331795356183, 0.4596211582400818];
  assertAllClose(ops.softmax(t3, [0, 2]).dataSync(), [p[0], p[1], p[0], p[1], p[0], p[1], p[2], p[3], p[2], p[3], p[2], p[3]], { rtol: 1e-12 });
  assertAllClose(ops.logSoftmax(t3, [2, 0]).dataSync(), [p[0], p[1], p[0], p[1], p[0], p[1], p[2], p[3], p[2], p[3], p[2], p[3]].map(Math.log), { rtol: 1e-12 });
  // The default and an integer axis are unchanged.
  assertAllClose(ops.softmax(x), tf.softmax(x), { rtol: 0 });
  // Gradients flow through the flattened softmax: d/dx sum(softmax(x) * c) for c = e0 is s0 * (e0 - s).
  const g = tf.grad((z: Tensor) => tf.sum(tf.mul(ops.softmax(z, null), tf.constant([[1, 0], [0, 0]], "float32"))))(x);
  const sv = Array.from(s.dataSync() as Float32Array);
  assertAllClose(g.dataSync(), sv.map((si, i) => sv[0] * ((i === 0 ? 1 : 0) - si)), { rtol: 1e-5 });
});

test("ops on symbolic int inputs record Keras' operations with Keras' float result dtypes", () => {
  const i = tf.layers.Input({ shape: [4], dtype: "int32" });
  assert.equal(ops.exp(i).dtype, "float32");
  assert.equal(ops.mean(i, -1).dtype, "float32");
  assert.equal(ops.sqrt(i).dtype, "float32");
  const x = tf.layers.Input({ shape: [2, 3] });
  assert.deepEqual(ops.softmax(x, null).shape, [null, 2, 3]);
  const model = new tf.models.Model({ inputs: i, outputs: ops.log(i) });
  const y = model.predict(tf.constant([[1, 2, 3, 4]], "int32")) as Tensor;
  assert.equal(y.dtype, "float32");
  assertAllClose(y.dataSync(), f32([0, 0.6931471824645996, 1.0986123085021973, 1.3862943649291992]), { rtol: 1e-6 });
});
