import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose, assertOutputsClose, assertRecordClose } from "./close.js";

// atol 0.5 + rtol 0.25 * |4| = 1.5, all exact in binary: 5.5 is on the bound.
const tol = { rtol: 0.25, atol: 0.5 };

test("assertAllClose passes on and inside the bound |a - e| <= atol + rtol * |e|", () => {
  assertAllClose([5.5, 2.5, 4], [4, 4, 4], tol);
  assertAllClose([5.4999], [4], tol);
  assertAllClose([100.109], [100], { rtol: 1e-3, atol: 1e-2 });
  assertAllClose([0, -1e-9], [0, 0], { rtol: 0, atol: 1e-9 });
});

test("assertAllClose fails just outside the bound and names what, index, got, want and the difference", () => {
  assert.throws(() => assertAllClose([4, 5.500001], [4, 4], { ...tol, what: "my values" }),
    /my values: index 1: got 5\.500001, want 4 \(\|diff\| 1\.50000\d+ > atol 0\.5 \+ rtol 0\.25 \* \|want\| = 1\.5\)/);
  assert.throws(() => assertAllClose([2.4999], [4], tol), /index 0: got 2\.4999, want 4/);
  assert.throws(() => assertAllClose([100.111], [100], { rtol: 1e-3, atol: 1e-2 }), /index 0/);
  // the bound scales with the expected value only
  assertAllClose([1], [2], { rtol: 0.5, atol: 0 });
  assert.throws(() => assertAllClose([2], [1], { rtol: 0.5, atol: 0 }), /got 2, want 1/);
  // with zero tolerances only equal values pass
  assertAllClose([0.1, -3], [0.1, -3], { rtol: 0, atol: 0 });
  assert.throws(() => assertAllClose([0.1], [0.1 + 2 ** -55], { rtol: 0, atol: 0 }), /index 0/);
});

test("assertAllClose defaults to numpy's rtol 1e-5 and atol 1e-8", () => {
  assertAllClose([1000.009], [1000]);
  assert.throws(() => assertAllClose([1000.011], [1000]));
  assertAllClose([5e-9], [0]);
  assert.throws(() => assertAllClose([2e-8], [0]));
});

test("NaN is never close, on either side or both", () => {
  const loose = { rtol: 1e9, atol: 1e9 };
  assert.throws(() => assertAllClose([NaN], [1], loose), /index 0: got NaN, want 1/);
  assert.throws(() => assertAllClose([1], [NaN], loose), /index 0: got 1, want NaN/);
  assert.throws(() => assertAllClose([NaN], [NaN], loose), /index 0/);
  assert.throws(() => assertAllClose(tf.constant([0, NaN], "float32"), [0, 0], loose), /index 1: got NaN/);
  assert.throws(() => assertAllClose([Infinity], [Infinity], loose), /index 0/);
});

test("a different number of elements fails, even when the common prefix matches", () => {
  assert.throws(() => assertAllClose([1, 2, 3], [1, 2], { what: "longer" }), /longer: number of elements/);
  assert.throws(() => assertAllClose([1, 2], [1, 2, 3], { what: "shorter" }), /shorter: number of elements/);
  assert.throws(() => assertAllClose(tf.zeros([2, 2]), [0, 0, 0]), /number of elements/);
  assert.throws(() => assertAllClose([[1, 2], [3]], [1, 2, 3, 4]), /number of elements/);
});

test("shapes must match when both sides carry one, even with equal sizes and values", () => {
  const data = [1, 2, 3, 4, 5, 6];
  const a = tf.constant(data, [2, 3], "float32");
  assert.throws(() => assertAllClose(a, tf.constant(data, [3, 2], "float32"), { what: "tensors" }), /tensors: shape/);
  assert.throws(() => assertAllClose(a, { shape: [3, 2], data }, { what: "fixture" }), /fixture: shape/);
  assert.throws(() => assertAllClose({ shape: [6], data }, a), /shape/);
  assert.throws(() => assertAllClose(tf.constant(1, "float32"), tf.constant([1], "float32")), /shape/);
  // a side without a shape (flat or nested arrays) is compared by element count and values only
  assertAllClose(a, data, tol);
  assertAllClose(a, [[1, 2], [3, 4], [5, 6]], tol);
  assertAllClose(tf.constant(1, "float32"), [1], tol);
});

test("nested arrays, typed arrays, bigint values and tensors of every numeric dtype", () => {
  assertAllClose([[1, 2], [3, 4]], new Float32Array([1, 2, 3, 4]), { rtol: 0, atol: 0 });
  assertAllClose([[[1], [2]], [[3], [4]]], [[1, 2], [3, 4]], { rtol: 0, atol: 0 });
  assertAllClose(new BigInt64Array([1n, -2n, 3n]), [1, -2, 3], { rtol: 0, atol: 0 });
  assertAllClose([1n, 2n], [1n, 2n], { rtol: 0, atol: 0 });
  assert.throws(() => assertAllClose([1n, 3n], [1, 2], { rtol: 0, atol: 0.5 }), /index 1: got 3, want 2/);
  const i64 = tf.constant([7, -8, 9], "int64");
  assert.equal(typeof i64.dataSync()[0], "bigint");
  assertAllClose(i64, [7, -8, 9], { rtol: 0, atol: 0 });
  assertAllClose(i64, { shape: [3], data: [7, -8, 9] }, { rtol: 0, atol: 0 });
  assertAllClose(tf.constant([1, 2, 3, 4], [2, 2], "int32"), tf.constant([[1, 2], [3, 4]], "float64"), { rtol: 0, atol: 0 });
  assertAllClose(tf.constant([0.1, 0.2], "float32"), tf.constant([0.1, 0.2], "float64"), { rtol: 1e-7, atol: 0 });
  assert.throws(() => assertAllClose(tf.constant([0.1, 0.2], "float32"), tf.constant([0.1, 0.2], "float64"), { rtol: 0, atol: 0 }), /index 0/);
  assertAllClose(tf.zeros([0, 3]), { shape: [0, 3], data: [] });
});

test("assertRecordClose wants the same keys in the same order and each value close", () => {
  assertRecordClose({ loss: 1, mae: 0.5 }, { loss: 1 + 1e-7, mae: 0.5 });
  assert.throws(() => assertRecordClose({ mae: 0.5, loss: 1 }, { loss: 1, mae: 0.5 }), /keys, in order/);
  assert.throws(() => assertRecordClose({ loss: 1, mae: 0.6 }, { loss: 1, mae: 0.5 }, { what: "logs" }), /logs: mae: index 0: got 0.6, want 0.5/);
});

test("assertOutputsClose checks the number of outputs, each dtype, then each output's values", () => {
  const outs = [tf.constant([1, 2], undefined, "float32"), tf.constant([3], undefined, "int32")];
  assertOutputsClose(outs, [[1, 2], [3]], ["float32", "int32"], { what: "m" });
  assert.throws(() => assertOutputsClose(outs, [[1, 2]], ["float32"], { what: "m" }));
  assert.throws(() => assertOutputsClose(outs, [[1, 2], [3]], ["float32", "float32"], { what: "m" }), /m output 1 dtype/);
  assert.throws(() => assertOutputsClose(outs, [[1, 2.5], [3]], ["float32", "int32"], { what: "m" }), /m output 0: index 1/);
});
