/**
 * The Keras 3.15 element-wise, bitwise and NaN-reduction ops in functional models: on symbolic
 * tensors each records its Keras operation (class name, keras.src.ops.numpy, the config keys of
 * Keras' auto-generated config, name included) with the output shape and dtype the eager op gives;
 * the model's config loads back, writes the same config and predicts what the eager ops compute.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { OP_SPECS } from "./op_specs.js";
import { K315_NUM_OP_SPECS } from "./op_specs_k315_num.js";

const { layers, models } = tf;
type T = tf.Tensor;
type Sym = tf.layers.SymbolicTensor;
/** Each output: the Keras class it records, its config without the name, and the op on tensors or symbolic tensors alike. */
type Out = [string, Record<string, unknown>, (x: T, k: T) => T];

const none = {};
const OUTPUTS: Out[] = [
  ["Cbrt", none, (x) => ops.cbrt(x)], ["Deg2rad", none, (x) => ops.deg2rad(x)], ["Rad2deg", none, (x) => ops.rad2deg(x)],
  ["Exp2", none, (x) => ops.exp2(x)], ["Fabs", none, (x) => ops.fabs(x)], ["Fmod", none, (x) => ops.fmod(x, 0.7)],
  ["Fmax", none, (x) => ops.fmax(x, 0.2)], ["Fmin", none, (x) => ops.fmin(x, 0.2)], ["Hypot", none, (x) => ops.hypot(x, x)],
  ["Ldexp", none, (x, k) => ops.ldexp(x, k)], ["Logaddexp2", none, (x) => ops.logaddexp2(x, x)], ["Signbit", none, (x) => ops.signbit(x)],
  ["Sinc", none, (x) => ops.sinc(x)], ["Trunc", none, (x) => ops.trunc(x)], ["Heaviside", none, (x) => ops.heaviside(x, 0.5)],
  ["Isneginf", none, (x) => ops.isneginf(x)], ["Isposinf", none, (x) => ops.isposinf(x)], ["Isreal", none, (x) => ops.isreal(x)],
  ["I0", none, (x) => ops.i0(x)], ["Nextafter", none, (x) => ops.nextafter(x, 0)],
  ["Gcd", none, (_x, k) => ops.gcd(k, 6)], ["Lcm", none, (_x, k) => ops.lcm(k, 4)],
  ["BitwiseAnd", none, (_x, k) => ops.bitwiseAnd(k, 6)], ["BitwiseOr", none, (_x, k) => ops.bitwiseOr(k, 6)],
  ["BitwiseXor", none, (_x, k) => ops.bitwiseXor(k, k)], ["BitwiseNot", none, (_x, k) => ops.bitwiseNot(k)],
  ["BitwiseInvert", none, (_x, k) => ops.bitwiseInvert(k)], ["BitwiseLeftShift", none, (_x, k) => ops.bitwiseLeftShift(k, 2)],
  ["BitwiseRightShift", none, (_x, k) => ops.bitwiseRightShift(k, 1)], ["LeftShift", none, (_x, k) => ops.leftShift(k, k)],
  ["RightShift", none, (_x, k) => ops.rightShift(k, 1)],
  ["Nanmax", { axis: 1, keepdims: false }, (x) => ops.nanmax(x, 1)], ["Nanmin", { axis: null, keepdims: false }, (x) => ops.nanmin(x)],
  ["Nanmean", { axis: -1, keepdims: true }, (x) => ops.nanmean(x, -1, true)], ["Nansum", { axis: [1, 2], keepdims: false }, (x) => ops.nansum(x, [1, 2])],
  ["Nanprod", { axis: 2, keepdims: false }, (x) => ops.nanprod(x, 2)], ["Nanstd", { axis: 1, keepdims: false }, (x) => ops.nanstd(x, 1)],
  ["Nanvar", { axis: 2, keepdims: true }, (x) => ops.nanvar(x, 2, true)], ["Nanmedian", { axis: 2, keepdims: false }, (x) => ops.nanmedian(x, 2)],
  ["Nanargmax", { axis: 2, keepdims: false }, (x) => ops.nanargmax(x, 2)], ["Nanargmin", { axis: 1, keepdims: true }, (x) => ops.nanargmin(x, 1, true)],
  ["Nancumsum", { axis: 1, dtype: null }, (x) => ops.nancumsum(x, 1)], ["Nancumprod", { axis: 2, dtype: "float64" }, (x) => ops.nancumprod(x, 2, "float64")],
  ["Nanquantile", { axis: 2, method: "linear", keepdims: false }, (x) => ops.nanquantile(x, [0.25, 0.5], 2)],
  ["Nanpercentile", { axis: 1, method: "nearest", keepdims: true }, (x) => ops.nanpercentile(x, 40, 1, "nearest", true)],
  ["Percentile", { axis: 2, method: "lower", keepdims: false }, (x) => ops.percentile(x, [10, 90], 2, "lower")],
  ["Ptp", { axis: 1, keepdims: false }, (x) => ops.ptp(x, 1)],
];

interface Layer { class_name: string; module: string; name: string; config: Record<string, unknown> }

/** The float input with NaN (log of a negative) where it exceeds 1.2: predict refuses NaN in its inputs, so the model makes them. */
const withNaN = (x: T): T => ops.where(ops.greater(x, 1.2), ops.log(ops.subtract(x, 10)), x) as T;

function build(): tf.models.Model {
  tf.layers.clearSession();
  const x = layers.Input({ shape: [3, 4], name: "x" });
  const k = layers.Input({ shape: [3, 4], dtype: "int32", name: "k" });
  const xn = withNaN(x as unknown as T);
  const outputs = OUTPUTS.map(([, , f]) => f(xn, k as unknown as T) as unknown as Sym);
  return new models.Model({ inputs: [x, k], outputs, name: "k315_num" });
}

function data(): [T, T] {
  const v = Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) / 4 - 1.1);
  return [tf.constant(v, [2, 3, 4], "float32"), tf.constant(Array.from({ length: 24 }, (_, i) => ((i * 5) % 13) - 6), [2, 3, 4], "int32")];
}

test("every new Keras class has an OP_SPECS entry in keras.src.ops.numpy", () => {
  for (const [name] of OUTPUTS) assert.equal(OP_SPECS.get(name)?.module, "keras.src.ops.numpy", name);
  assert.equal(OP_SPECS.get("AllClose")?.module, "keras.src.ops.numpy");
  assert.equal(K315_NUM_OP_SPECS.length, OUTPUTS.length + 1);
});

test("AllClose records a scalar bool with Keras' rtol/atol/equal_nan config and runs from it", () => {
  tf.layers.clearSession();
  const a = layers.Input({ shape: [3], name: "a" });
  const y = ops.allclose(a, a, 1e-3, 0, true) as unknown as Sym;
  assert.deepEqual([y.shape, y.dtype], [[], "bool"]);
  const model = new models.Model({ inputs: a, outputs: y });
  const entry = (JSON.parse(model.toJSON()).config as { layers: Layer[] }).layers.find((l) => l.class_name === "AllClose")!;
  const { name: _name, ...rest } = entry.config;
  assert.deepEqual(rest, { rtol: 1e-3, atol: 0, equal_nan: true });
  const spec = OP_SPECS.get("AllClose")!;
  const run = (u: number[], v: number[]): unknown => (spec.run([tf.constant(u), tf.constant(v)], rest, "AllClose", {}) as T).item();
  assert.equal(Boolean(run([1, NaN], [1.0005, NaN])), true);
  assert.equal(Boolean(run([1, 2], [1.01, 2])), false);
});

test("on symbolic tensors each op records its Keras class and config, with the eager op's shape and dtype", () => {
  const model = build();
  const [x, k] = data();
  const eager = OUTPUTS.map(([, , f]) => f(withNaN(x), k));
  const config = JSON.parse(model.toJSON()).config as { layers: Layer[] };
  const opLayers = config.layers.filter((l) => l.module === "keras.src.ops.numpy" || OUTPUTS.some(([c]) => c === l.class_name));
  OUTPUTS.forEach(([cls, cfg], i) => {
    const entry = opLayers.find((l) => l.class_name === cls);
    assert.ok(entry !== undefined, `${cls} recorded`);
    assert.equal(entry.module, "keras.src.ops.numpy", cls);
    const { name, ...rest } = entry.config;
    assert.equal(typeof name, "string", `${cls} name`);
    assert.deepEqual(rest, cfg, `${cls} config`);
    const shape = model.outputs[i].shape;
    assert.equal(shape.length, eager[i].rank, `${cls} rank`);
    shape.forEach((d, j) => assert.ok(d === null || d === eager[i].shape[j], `${cls} shape ${JSON.stringify(shape)} vs ${JSON.stringify(eager[i].shape)}`));
    assert.equal(model.outputs[i].dtype, eager[i].dtype, `${cls} dtype`);
  });
});

const values = (t: T): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);

test("the model's config loads back (Model.fromConfig), writes the same config and predicts the eager ops' values", () => {
  const model = build();
  const [x, k] = data();
  const back = models.Model.fromConfig(JSON.parse(model.toJSON()).config as Record<string, unknown>) as tf.models.Model;
  assert.equal(back.toJSON(), model.toJSON());
  const got = back.predict([x, k]) as T[];
  const nanSafe = (v: number[]): (number | string)[] => v.map((e) => (Number.isNaN(e) ? "NaN" : e));
  OUTPUTS.forEach(([cls, , f], i) => assert.deepEqual(nanSafe(values(got[i])), nanSafe(values(f(withNaN(x), k))), cls));
});
