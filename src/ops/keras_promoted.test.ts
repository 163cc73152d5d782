/**
 * keras.ops dtype promotion against Keras 3.5 on torch (test/fixtures/keras_promote.json, by
 * make_keras_promote.py): every pair of lamina's dtypes and the Python scalars 2 and 0.5 through
 * add/divide/where/concatenate/matmul/..., and a Keras-written functional model mixing float32 and
 * int32 inputs. lamina's top-level ops keep refusing mixed dtypes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose } from "../testing/close.js";

interface Row { dtype?: string; value?: unknown; error?: string; keras_dtype: string | null; result_type?: string }
interface Fixture {
  ops: Record<string, Record<string, Row>>;
  clip: Record<string, { dtype: string; value: number[] }>;
  model: { config: Record<string, unknown>; xa: number[][]; xb: number[][]; predictions: unknown[]; dtypes: string[]; symbolic_dtypes: string[] };
}
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/keras_promote.json", import.meta.url), "utf8")) as Fixture;

const COND = (): tf.Tensor => tf.constant([true, false, true]);
const vec = (d: tf.DType): tf.Tensor => (d === "bool" ? COND() : tf.cast(tf.constant([1, 2, 3], "int32"), d));
const mat = (d: tf.DType): tf.Tensor => tf.cast(tf.constant(d === "bool" ? [[1, 0], [1, 1]] : [[1, 2], [3, 4]], "int32"), d);
type Operand = tf.Tensor | number;
type Binary = (a: Operand, b: Operand) => tf.Tensor;
const OPS: Record<string, [Binary, (d: tf.DType) => tf.Tensor]> = {
  add: [ops.add, vec], subtract: [ops.subtract, vec], multiply: [ops.multiply, vec], divide: [ops.divide, vec],
  trueDivide: [ops.trueDivide, vec], power: [ops.power, vec], maximum: [ops.maximum, vec], minimum: [ops.minimum, vec],
  mod: [ops.mod, vec], floorDivide: [ops.floorDivide, vec], arctan2: [ops.arctan2, vec], logaddexp: [ops.logaddexp, vec],
  equal: [ops.equal, vec], less: [ops.less, vec], greaterEqual: [ops.greaterEqual, vec],
  where: [(a, b) => ops.where(COND(), a, b) as tf.Tensor, vec],
  concatenate: [(a, b) => ops.concatenate([a, b]), vec], stack: [(a, b) => ops.stack([a, b]), vec],
  append: [(a, b) => ops.append(a, b), vec], vstack: [(a, b) => ops.vstack([a, b]), vec],
  select: [(a, b) => ops.select([COND()], [a], b), vec],
  matmul: [(a, b) => ops.matmul(a, b), mat], dot: [(a, b) => ops.dot(a, b), mat], tensordot: [(a, b) => ops.tensordot(a, b, 1), mat],
  einsum: [(a, b) => ops.einsum("ij,jk->ik", a, b), mat], outer: [ops.outer, vec], vdot: [ops.vdot, vec],
};

// Where lamina refuses what Keras on torch computes: its matmul kernels take no bool or uint8, and
// arithmetic on two bools beyond Keras' or/and (add, multiply, maximum, minimum) has no kernel.
const REFUSED = /must be float32 or float64, got (bool|uint8)|bool tensors are not numbers/;

const operand = (s: string, mk: (d: tf.DType) => tf.Tensor): Operand => (s === "2" ? 2 : s === "0.5" ? 0.5 : mk(s as tf.DType));
// Keras' values with bools as 0/1 and the fixture's "inf"/"nan" strings as numbers.
const numeric = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(numeric) : v === true ? 1 : v === false ? 0 : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : v;

for (const [name, rows] of Object.entries(fx.ops)) {
  test(`ops.${name} promotes operand dtypes as Keras 3.5 does`, () => {
    const [f, mk] = OPS[name];
    let compared = 0;
    for (const [key, row] of Object.entries(rows)) {
      // Keras' result_type (its symbolic spec's, or for a Python scalar the backend function's),
      // else what torch computed. Select's spec takes the first choice's dtype while every backend
      // computes in the promoted one; lamina follows the computation.
      const want = name === "select" ? row.dtype ?? row.keras_dtype : row.keras_dtype ?? row.result_type ?? row.dtype;
      if (want === undefined) continue;
      const [a, b] = key.split(",");
      let y: tf.Tensor;
      try {
        y = f(operand(a, mk), operand(b, mk));
      } catch (e) {
        if (row.error !== undefined || REFUSED.test((e as Error).message)) continue;
        throw new Error(`ops.${name}(${key}): Keras gives ${want}, lamina threw ${(e as Error).message}`);
      }
      assert.equal(y.dtype, want, `ops.${name}(${key}) dtype`);
      if (row.value !== undefined) {
        const got = Array.from(tf.cast(y, "float64").dataSync() as Float64Array);
        const want = [numeric(row.value)].flat(3) as number[];
        assert.equal(got.length, want.length, `ops.${name}(${key}) size`);
        got.forEach((g, i) => {
          const w = want[i];
          const ok = Number.isFinite(w) ? Math.abs(g - w) <= 1e-6 + 1e-6 * Math.abs(w) : Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w));
          assert.ok(ok, `ops.${name}(${key}) element ${i}: got ${g}, Keras ${w}`);
        });
      }
      compared++;
    }
    assert.ok(compared >= 30, `ops.${name}: only ${compared} cases compared`);
  });
}

test("ops.divide of two int32 tensors is a float32 true division, as Keras' (lamina's tf.div stays TF's)", () => {
  const y = ops.divide(tf.constant([7, -7, 1], "int32"), tf.constant([2, 2, 3], "int32"));
  assert.equal(y.dtype, "float32");
  assertAllClose(y, [3.5, -3.5, 1 / 3]);
});

test("Python-like weak scalars: an int32 tensor + 2 stays int32, + 0.5 becomes float32; uint8 with int32 is int32", () => {
  const x = tf.constant([1, 2, 3], "int32");
  assert.equal(ops.add(x, 2).dtype, "int32");
  const h = ops.add(x, 0.5);
  assert.equal(h.dtype, "float32");
  assertAllClose(h, [1.5, 2.5, 3.5]);
  assert.equal(ops.add(tf.constant([1], "uint8"), tf.constant([1], "int32")).dtype, "int32");
  assert.equal(ops.multiply(tf.constant([1], "int64"), tf.constant([1], "float32")).dtype, "float32");
  assert.deepEqual(ops.equal(x, tf.constant([1, 2.5, 3], "float32")).arraySync(), [true, false, true]);
});

test("ops.clip keeps x's dtype as Keras' Clip does (bools clip as int32); an integer x with fractional bounds is refused, as TF's clip_by_value refuses it", () => {
  for (const [key, want] of Object.entries(fx.clip)) {
    const [d, lo, hi] = key.split(",");
    // Keras on torch promotes here (the fixture's float32); its Clip's output spec and TF keep x's dtype.
    if (d !== "float32" && d !== "float64" && !Number.isInteger(Number(lo))) {
      assert.throws(() => ops.clip(vec(d as tf.DType), Number(lo), Number(hi)),
        new RegExp(`^TypeError: ops\\.clip: x is ${d === "bool" ? "int32" : d} \\(3,\\) but the bounds xMin=0\\.5, xMax=2\\.5 are not integers.*cast x to a float first, ops\\.clip\\(ops\\.cast\\(x, "float32"\\), 0\\.5, 2\\.5\\)`));
      continue;
    }
    const y = ops.clip(vec(d as tf.DType), Number(lo), Number(hi));
    assert.equal(y.dtype, want.dtype, `clip(${key})`);
    assertAllClose(y.dtype === "int64" ? tf.cast(y, "float64") : y, want.value, { what: `clip(${key})` });
  }
});

test("lamina's top-level ops keep TensorFlow's rule: mixed dtypes are refused", () => {
  assert.throws(() => tf.add(tf.constant([1], "int32"), tf.constant([1], "float32")), /different dtypes/);
  assert.throws(() => tf.matmul(tf.ones([2, 2], "int32"), tf.ones([2, 2])), /dtype/);
});

function checkModel(model: tf.models.Model, what: string): void {
  const out = model.predict([tf.constant(fx.model.xa, undefined, "float32"), tf.constant(fx.model.xb, undefined, "int32")]) as tf.Tensor[];
  assert.deepEqual(out.map((t) => t.dtype), fx.model.dtypes, `${what} output dtypes`);
  out.forEach((t, i) => assertAllClose(t, fx.model.predictions[i] as number[], { what: `${what} output ${i}` }));
}

test("a Keras-written model adding float32 and int32 inputs loads and predicts as Keras", () => {
  tf.layers.clearSession();
  checkModel(tf.serialization.modelFromConfig(fx.model.config), "Keras' model");
});

test("the same model written with lamina's ops records Keras' operations with promoted dtypes", () => {
  tf.layers.clearSession();
  const a = tf.layers.Input({ shape: [3], dtype: "float32", name: "a" });
  const b = tf.layers.Input({ shape: [3], dtype: "int32", name: "b" });
  const outs = [ops.add(a, b), ops.divide(b, b), ops.multiply(b, 0.5), ops.maximum(b, 2), ops.concatenate([a, b], -1),
    ops.where(ops.greater(b, 1), b, a) as tf.layers.SymbolicTensor];
  assert.deepEqual(outs.map((t) => t.dtype), fx.model.symbolic_dtypes);
  const model = new tf.models.Model({ inputs: [a, b], outputs: outs });
  checkModel(model, "lamina's model");
  const names = (JSON.parse(model.toJSON()) as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name);
  assert.deepEqual(names.filter((n) => n !== "InputLayer").sort(), ["Add", "Concatenate", "Divide", "Greater", "Maximum", "Multiply", "Where"]);
});

test("ops.matmul follows numpy for 1-D operands: vector·matrix, matrix·vector, vector·vector, and batched", () => {
  const a = tf.constant([[1, 2, 3], [4, 5, 6]], "float32");
  // numpy: a @ [1, 0, 2] == [7, 16]; [1, 2] @ a == [9, 12, 15]; [1, 2, 3] @ [4, 5, 6] == 32
  const mv = ops.matmul(a, tf.constant([1, 0, 2], "float32"));
  assert.deepEqual(mv.shape, [2]);
  assert.deepEqual(mv.arraySync(), [7, 16]);
  const vm = ops.matmul(tf.constant([1, 2], "float32"), a);
  assert.deepEqual(vm.arraySync(), [9, 12, 15]);
  const vv = ops.matmul(tf.constant([1, 2, 3], "int32"), tf.constant([4, 5, 6], "int32"));
  assert.deepEqual(vv.shape, []);
  assert.equal(vv.dtype, "int32");
  assert.equal(vv.item(), 32);
  // numpy: [1, -1, 2] @ arange(24).reshape(2, 3, 4) and arange(24).reshape(2, 3, 4) @ [1, 0, -1, 2]
  const b = tf.reshape(tf.range(0, 24, 1, "float32"), [2, 3, 4]);
  assert.deepEqual(ops.matmul(tf.constant([1, -1, 2], "float32"), b).arraySync(), [[12, 14, 16, 18], [36, 38, 40, 42]]);
  assert.deepEqual(ops.matmul(b, tf.constant([1, 0, -1, 2], "float32")).arraySync(), [[4, 12, 20], [28, 36, 44]]);
  assert.throws(() => ops.matmul(a, tf.constant([1, 2], "float32")), /ops\.matmul: x1 \(2, 3\) last axis \(3\) must equal x2 \(2,\) axis 0 \(2\)/);
  assert.throws(() => ops.matmul(tf.constant(2, "float32"), a), /ops\.matmul: operands must have rank >= 1.*ops\.multiply/);
  // tf.matmul keeps TF's rule: rank >= 2.
  assert.throws(() => tf.matmul(tf.constant([1, 2], "float32"), a), /both operands need rank >= 2/);
});

test("ops.matmul computes in result_type(x1, x2, float) and returns result_type(x1, x2): uint8 x uint8 is uint8", () => {
  const y = ops.matmul(tf.constant([[1, 2]], "uint8"), tf.constant([[3], [4]], "uint8"));
  assert.equal(y.dtype, "uint8");
  assert.deepEqual(y.arraySync(), [[11]]);
  const z = ops.matmul(tf.constant([[1, 2]], "int32"), tf.constant([[1.5], [2]], "float32"));
  assert.equal(z.dtype, "float32");
  assert.deepEqual(z.arraySync(), [[5.5]]);
});

test("ops.clip with integer bounds keeps int32, and bools clip as int32", () => {
  const y = ops.clip(tf.constant([1, 5, -3], "int32"), 0, 3);
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.arraySync(), [1, 3, 0]);
  const b = ops.clip(tf.constant([true, false]), 0, 1);
  assert.equal(b.dtype, "int32");
  assert.deepEqual(b.arraySync(), [1, 0]);
  assert.throws(() => ops.clip(tf.constant([1, 5], "int32"), 1.5, 3.5), /ops\.clip: x is int32 \(2,\) but the bounds xMin=1\.5, xMax=3\.5 are not integers.*cast x to a float first/);
  assert.deepEqual(ops.clip(tf.constant([1, 5], "float32"), 1.5, 3.5).arraySync(), [1.5, 3.5]);
});

test("int8: ops.matmul of int8 x int8 is an exact int32 product; int8 with uint8 meets at int32 (Keras: int16)", () => {
  const y = ops.matmul(tf.constant([[127, -128]], "int8"), tf.constant([[127], [-128]], "int8"));
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.arraySync(), [[32513]]);
  assert.deepEqual(ops.matmul(tf.constant([127, 127], "int8"), tf.constant([127, 1], "int8")).arraySync(), 16256);
  assert.equal(ops.add(tf.constant([1], "int8"), tf.constant([1], "uint8")).dtype, "int32");
  assert.equal(ops.add(tf.constant([1], "int8"), 3).dtype, "int8");
  assert.equal(ops.add(tf.constant([1], "int8"), tf.constant([1], "float32")).dtype, "float32");
});
