import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { constraints, regularizers } from "./index.js";

const w = (): tf.Tensor => tf.constant([[1, -2, 0.5], [-0.25, 3, -1]], "float64");
// by hand: sum |w| = 1 + 2 + 0.5 + 0.25 + 3 + 1 = 7.75; sum w^2 = 1 + 4 + 0.25 + 0.0625 + 9 + 1 = 15.3125
const SUM_ABS = 7.75;
const SUM_SQ = 15.3125;

test("l1, l2 (Keras default 0.01) and L1L2 penalties, computed by hand", () => {
  assert.ok(Math.abs(regularizers.get("l1").call(w()).item() - 0.01 * SUM_ABS) < 1e-15);
  assert.ok(Math.abs(regularizers.get("l2").call(w()).item() - 0.01 * SUM_SQ) < 1e-15);
  assert.ok(Math.abs(regularizers.L1({ l1: 0.3 }).call(w()).item() - 0.3 * SUM_ABS) < 1e-14);
  assert.ok(Math.abs(regularizers.l2(0.5).call(w()).item() - 0.5 * SUM_SQ) < 1e-14);
  const both = regularizers.L1L2({ l1: 0.1, l2: 0.2 }).call(w());
  assert.equal(both.rank, 0);
  assert.equal(both.dtype, "float64");
  assert.ok(Math.abs(both.item() - (0.1 * SUM_ABS + 0.2 * SUM_SQ)) < 1e-14);
  // the string and function l1_l2 default to 0.01 each (tf.keras' l1_l2); the L1L2 class to 0 (Keras 3)
  assert.ok(Math.abs(regularizers.get("l1_l2").call(w()).item() - 0.01 * (SUM_ABS + SUM_SQ)) < 1e-15);
  assert.ok(Math.abs(regularizers.l1_l2({ l2: 0.1 }).call(w()).item() - (0.01 * SUM_ABS + 0.1 * SUM_SQ)) < 1e-14);
  assert.equal(regularizers.get("L1L2").call(w()).item(), 0);
  assert.equal(regularizers.L1L2({ l2: 0.1 }).getConfig().l1, 0);
  const f32 = regularizers.L2().call(tf.constant([1, 2], "float32"));
  assert.equal(f32.dtype, "float32");
});

test("regularizer penalties are differentiable through ops", () => {
  const x = tf.constant([[0.7, -1.3, 0.4], [-0.2, 2.1, -0.9]], "float64");
  checkGradients((v) => regularizers.L1L2({ l1: 0.3, l2: 0.7 }).call(v), [x]);
  checkGradients((v) => regularizers.L2({ l2: 0.05 }).call(v), [x]);
  const g = tf.grad((v: tf.Tensor) => regularizers.L1({ l1: 0.5 }).call(v))(x);
  assert.deepEqual(g.arraySync(), [[0.5, -0.5, 0.5], [-0.5, 0.5, -0.5]]);
});

test("regularizers: configs, get from configs, errors", () => {
  assert.deepEqual(regularizers.L1().getConfig(), { l1: 0.01 });
  assert.deepEqual(regularizers.L2({ l2: 0.001 }).serialize(), { className: "L2", config: { l2: 0.001 } });
  assert.deepEqual(regularizers.get({ class_name: "L1L2", config: { l1: 0.5, l2: 0.25 } }).getConfig(), { l1: 0.5, l2: 0.25 });
  const custom = regularizers.get((v) => tf.mul(tf.sum(v), 2));
  assert.equal(custom.call(w()).item(), 2 * (1 - 2 + 0.5 - 0.25 + 3 - 1));
  assert.throws(() => regularizers.get("l3"), (e: Error) => /unknown regularizer "l3"/.test(e.message) && /"l1_l2"/.test(e.message));
  assert.throws(() => regularizers.L1({ l1: -1 }), /l1 must be a finite number >= 0/);
  assert.throws(() => regularizers.L2({ l2: NaN }), /l2 must be a finite number >= 0, got NaN/);
  assert.throws(() => regularizers.L2().call(tf.constant([1, 2], "int32")), /L2: the weight must be float32 or float64, got int32/);
  assert.throws(() => regularizers.get({ className: "L1", config: { l2: 1 } }), /L1: unknown config key "l2"/);
});

test("max_norm (2, axis 0) rescales only the columns whose norm exceeds the limit", () => {
  // columns: [3, 4] has norm 5 -> scaled to norm 2; [0.6, 0.8] has norm 1 -> kept (up to eps)
  const k = tf.constant([[3, 0.6], [4, 0.8]], "float64");
  const out = constraints.get("max_norm").call(k).arraySync() as number[][];
  const expect = [[3 * 2 / (5 + 1e-7), 0.6 / (1 + 1e-7)], [4 * 2 / (5 + 1e-7), 0.8 / (1 + 1e-7)]];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.ok(Math.abs(out[i][j] - expect[i][j]) < 1e-15, `[${i}][${j}]`);
  // conv kernel [kh, kw, in, out] with axis [0, 1, 2]: one norm per output channel
  const conv = tf.mul(tf.ones([2, 2, 3, 2], "float64"), tf.constant([1, 0.1], "float64"));
  const c = constraints.MaxNorm({ maxValue: 1, axis: [0, 1, 2] }).call(conv);
  const norms = tf.sqrt(tf.sum(tf.square(c), [0, 1, 2])).arraySync() as number[];
  assert.ok(Math.abs(norms[0] - 1) < 1e-6 && Math.abs(norms[1] - Math.sqrt(12) * 0.1) < 1e-6, `norms ${norms}`);
});

test("non_neg, unit_norm and min_max_norm", () => {
  assert.deepEqual(constraints.get("non_neg").call(tf.constant([-1, 0, 2.5])).arraySync(), [0, 0, 2.5]);
  const u = constraints.UnitNorm({ axis: 1 }).call(tf.constant([[3, 4], [0, 2]], "float64")).arraySync() as number[][];
  assert.ok(Math.abs(u[0][0] - 3 / (5 + 1e-7)) < 1e-15 && Math.abs(u[1][1] - 2 / (2 + 1e-7)) < 1e-15);
  // norms 5 and 0.5 with [1, 2] bounds and rate 0.5: desired 0.5 * 2 + 0.5 * 5 = 3.5 and 0.5 * 1 + 0.5 * 0.5 = 0.75
  const m = constraints.MinMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }).call(tf.constant([[3, 0.3], [4, 0.4]], "float64"));
  const n = tf.sqrt(tf.sum(tf.square(m), 0)).arraySync() as number[];
  assert.ok(Math.abs(n[0] - 3.5 * 5 / (5 + 1e-7)) < 1e-12 && Math.abs(n[1] - 0.75 * 0.5 / (0.5 + 1e-7)) < 1e-12, `${n}`);
});

test("constraints: configs, get, errors", () => {
  assert.deepEqual(constraints.MaxNorm().getConfig(), { max_value: 2, axis: 0 });
  assert.deepEqual(constraints.MinMaxNorm().getConfig(), { min_value: 0, max_value: 1, rate: 1, axis: 0 });
  assert.deepEqual(constraints.get({ className: "MaxNorm", config: { max_value: 3, axis: [0, 1, 2] } }).getConfig(), { max_value: 3, axis: [0, 1, 2] });
  assert.equal(constraints.get("NonNeg").className, "NonNeg");
  assert.equal(constraints.get("unit_norm").className, "UnitNorm");
  assert.equal(constraints.get("min_max_norm").className, "MinMaxNorm");
  assert.throws(() => constraints.get("positive"), (e: Error) => /unknown constraint "positive"/.test(e.message) && /"non_neg"/.test(e.message));
  assert.throws(() => constraints.MaxNorm({ axis: 3 }).call(tf.ones([2, 2])), /axis/);
  assert.throws(() => constraints.MinMaxNorm({ minValue: 2, maxValue: 1 }), /minValue 2 must be <= maxValue 1/);
});

test("OrthogonalRegularizer: Keras 3.5's penalty in rows and columns mode, config, get", () => {
  const m = tf.constant([[1, 2], [3, 4], [0.5, -1]], "float32");
  // keras.regularizers.OrthogonalRegularizer(0.01, mode)(keras.ops.convert_to_tensor(m)) in Keras 3.5 (torch backend)
  assert.ok(Math.abs(regularizers.OrthogonalRegularizer().call(m).item() - 0.0067702787928283215) < 1e-8);
  assert.ok(Math.abs(regularizers.OrthogonalRegularizer({ mode: "columns" }).call(m).item() - 0.009201575070619583) < 1e-8);
  // by hand: orthogonal rows give 0; two equal rows give factor * 0.5 * 2 * 1 / 1 = factor
  assert.equal(regularizers.OrthogonalRegularizer({ factor: 0.1 }).call(tf.constant([[1, 0], [0, 2]], "float32")).item(), 0);
  assert.ok(Math.abs(regularizers.OrthogonalRegularizer({ factor: 0.1 }).call(tf.constant([[1, 1], [2, 2]], "float64")).item() - 0.1) < 1e-12);
  const r = regularizers.get({ className: "OrthogonalRegularizer", config: { factor: 0.5, mode: "columns" } });
  assert.ok(r instanceof regularizers.OrthogonalRegularizer);
  assert.deepEqual(r.serialize(), { className: "OrthogonalRegularizer", config: { factor: 0.5, mode: "columns" } });
  assert.ok(regularizers.get("orthogonal_regularizer") instanceof regularizers.OrthogonalRegularizer);
  assert.throws(() => regularizers.OrthogonalRegularizer({ mode: "diag" as "rows" }), /"rows" or "columns"/);
  assert.throws(() => regularizers.OrthogonalRegularizer().call(tf.zeros([2, 2, 2])), /rank 2/);
});

test("OrthogonalRegularizer's gradient matches finite differences", () => {
  const x = tf.constant([[1, 2], [3, 4], [0.5, -1]], "float64");
  checkGradients((t) => regularizers.OrthogonalRegularizer({ factor: 0.3, mode: "columns" }).call(t), [x]);
});

test("regularizers.serialize / constraints.serialize give { className, config } that deserialize reads back; camelCase spellings of Keras' lowercase names", () => {
  const reg = tf.regularizers.L1L2({ l1: 0.1, l2: 0.2 });
  const saved = tf.regularizers.serialize(reg);
  assert.equal(saved.className, "L1L2");
  assert.deepEqual(saved.config, { l1: 0.1, l2: 0.2 });
  // 0.1 * 7.75 + 0.2 * 15.3125, by hand from the sums above.
  assert.ok(Math.abs(tf.regularizers.deserialize(saved).call(w()).item() - 3.8375) < 1e-12);
  assert.equal(tf.regularizers.l1L2().serialize().config.l1, 0.01, "l1_l2's defaults are 0.01 and 0.01");
  assert.equal(tf.regularizers.orthogonalRegularizer({ factor: 0.5 }).className, "OrthogonalRegularizer");

  const con = tf.constraints.maxNorm({ maxValue: 2, axis: 0 });
  const conSaved = tf.constraints.serialize(con);
  assert.equal(conSaved.className, "MaxNorm");
  assert.deepEqual(conSaved.config, { max_value: 2, axis: 0 });
  assert.equal(tf.constraints.deserialize(conSaved).className, "MaxNorm");
  assert.equal(tf.constraints.nonNeg().className, "NonNeg");
  assert.equal(tf.constraints.unitNorm().className, "UnitNorm");
  assert.equal(tf.constraints.minMaxNorm().className, "MinMaxNorm");

  for (const [lower, cls] of [["zeros", "Zeros"], ["ones", "Ones"], ["constant", "Constant"], ["randomNormal", "RandomNormal"], ["truncatedNormal", "TruncatedNormal"],
    ["randomUniform", "RandomUniform"], ["varianceScaling", "VarianceScaling"], ["glorotUniform", "GlorotUniform"], ["glorotNormal", "GlorotNormal"],
    ["heNormal", "HeNormal"], ["heUniform", "HeUniform"], ["lecunNormal", "LecunNormal"], ["lecunUniform", "LecunUniform"]] as const) {
    assert.equal((tf.initializers as Record<string, unknown>)[lower], (tf.initializers as Record<string, unknown>)[cls], lower);
  }
});
