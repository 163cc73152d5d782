/**
 * The Keras 3.15 element-wise, bitwise and NaN-reduction ops against NumPy's values
 * (test/fixtures/k315_num.json, by make_k315_num.py): values (NaN and infinities included),
 * Keras' result dtypes, broadcasting, axis/keepdims; then argument errors and gradients by finite
 * differences for the differentiable ones.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { checkGradients } from "../testing/gradcheck.js";

type Value = number | string;
interface Encoded { dtype: string; shape: number[]; data: Value[] }
interface Case { op: string; args: (Encoded | number | number[])[]; out: { shape: number[]; data: Value[] }; dtype: string; kwargs?: Record<string, unknown> }
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/k315_num.json", import.meta.url), "utf8")) as { cases: Case[] };

// NaN, the infinities and int64 values (exact past 2^53) come as strings.
const decode = (v: Value): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
function tensorOf(e: Encoded): Tensor {
  const d = e.dtype as DType;
  if (d === "int64") return tf.constant(e.data.map((v) => BigInt(v)) as never, e.shape, "int64");
  return tf.constant(e.data.map(decode), e.shape, d);
}
const arg = (a: Case["args"][number]): unknown => (typeof a === "number" || Array.isArray(a) ? a : tensorOf(a));

type Call = (...args: unknown[]) => Tensor;
const fn = (name: string): Call => (ops as unknown as Record<string, Call>)[name];

/** The op run with Keras' positional arguments: the fixture's keyword arguments in the op's order. */
function run(c: Case): Tensor {
  const a = c.args.map(arg);
  const kw = c.kwargs ?? {};
  const axis = "axis" in kw ? kw.axis : null;
  const keep = (kw.keepdims as boolean | undefined) ?? false;
  switch (c.op) {
    case "nanquantile": case "nanpercentile": case "percentile":
      return fn(c.op)(a[0], a[1], axis, (kw.method as string | undefined) ?? "linear", keep);
    case "nancumsum": case "nancumprod":
      return fn(c.op)(a[0], axis, (kw.dtype as string | undefined) ?? null);
    case "allclose":
      return fn(c.op)(a[0], a[1], (kw.rtol as number | undefined) ?? 1e-5, 1e-8, (kw.equalNan as boolean | undefined) ?? false);
    default:
      return c.kwargs === undefined ? fn(c.op)(...a) : fn(c.op)(a[0], axis, keep);
  }
}

function sameValues(got: Tensor, c: Case, what: string): void {
  assert.equal(got.dtype, c.dtype, `${what}: dtype`);
  assert.deepEqual(got.shape, c.out.shape, `${what}: shape`);
  const g = Array.from(got.dataSync() as ArrayLike<number | bigint>);
  const want = c.out.data.map(decode);
  const exact = !got.dtype.startsWith("float");
  // float32 results also get an absolute slack of a float32 rounding of 1 (sin(pi * 7) is 1e-7, not 0).
  const [tol, atol] = got.dtype === "float32" ? [2e-6, 2e-7] : [1e-12, 1e-300];
  want.forEach((w, i) => {
    if (got.dtype === "int64") { assert.equal(g[i], BigInt(c.out.data[i]), `${what}[${i}]`); return; }
    const v = Number(g[i]);
    if (Number.isNaN(w)) assert.ok(Number.isNaN(v), `${what}[${i}]: ${v}, expected NaN`);
    else if (exact || !Number.isFinite(w)) assert.equal(v, w, `${what}[${i}]`);
    else assert.ok(Math.abs(v - w) <= tol * Math.abs(w) + atol, `${what}[${i}]: ${v} vs ${w}`);
  });
}

test("each op gives NumPy's values in Keras' dtype (NaN, infinities, integer dtypes, broadcasting, axis and keepdims)", () => {
  fx.cases.forEach((c, i) => {
    const what = `case ${i} ${c.op}(${c.args.map((a) => (typeof a === "object" && !Array.isArray(a) ? `${a.dtype}[${a.shape}]` : JSON.stringify(a))).join(", ")}${c.kwargs ? `, ${JSON.stringify(c.kwargs)}` : ""})`;
    sameValues(run(c), c, what);
  });
});

test("nextafter steps one float32 / float64 ulp exactly (the fixture compares those within a tolerance too)", () => {
  for (const c of fx.cases.filter((k) => k.op === "nextafter")) {
    const got = Array.from(run(c).dataSync() as ArrayLike<number>);
    got.forEach((v, i) => assert.ok(Object.is(v, decode(c.out.data[i])) || (v === 0 && decode(c.out.data[i]) === 0), `${c.dtype}[${i}]: ${v} vs ${c.out.data[i]}`));
  }
});

test("ops refuse what numpy refuses, naming the op and the fix", () => {
  const f = tf.constant([1.5, 2], [2], "float32");
  const i = tf.constant([1, 2], [2], "int32");
  assert.throws(() => ops.bitwiseAnd(f, i), /ops\.bitwiseAnd: bitwise operations take integer or bool tensors.*float32/);
  assert.throws(() => ops.leftShift(tf.constant([true], [1], "bool"), 1), /ops\.leftShift: bool tensors cannot be shifted/);
  assert.throws(() => ops.gcd(f, i), /ops\.gcd: x1 and x2 must be integers/);
  assert.throws(() => ops.ldexp(f, f), /ops\.ldexp: the exponent x2 must be an integer tensor/);
  assert.throws(() => ops.ldexp(f, 0.5), /ops\.ldexp: .*0\.5/);
  assert.throws(() => ops.ptp(tf.constant([true], [1], "bool")), /ops\.ptp: x is bool/);
  assert.throws(() => ops.percentile(f, 101), /ops\.percentile: every q must lie in \[0, 100\]/);
  assert.throws(() => ops.nanquantile(f, 0.5, null, "cubic" as never), /ops\.nanquantile: method must be one of/);
});

test("allclose gives a scalar bool tensor", () => {
  const y = ops.allclose(tf.constant([1, 2], [2], "float32"), tf.constant([1, 2], [2], "float32"));
  assert.deepEqual([y.dtype, y.shape, Boolean(y.item())], ["bool", [], true]);
});

const f64 = (v: number[], shape = [v.length]): Tensor => tf.constant(v, shape, "float64");

test("gradients of the differentiable element-wise ops match finite differences", () => {
  const x = f64([-2.3, -0.7, 0.4, 1.9]);
  const y = f64([1.1, -0.6, 2.5, 0.8]);
  for (const name of ["cbrt", "deg2rad", "rad2deg", "exp2", "fabs", "sinc", "i0"] as const) {
    checkGradients((a) => fn(name)(a), [x], { rtol: 1e-5, atol: 1e-7 });
  }
  // Past the power series (|x| > 20) I0 follows its asymptotic series.
  checkGradients((a) => ops.i0(a), [f64([21.5, -26])], { rtol: 1e-5, atol: 1e-6 });
  for (const name of ["fmod", "fmax", "fmin", "hypot", "logaddexp2"] as const) {
    checkGradients((a, b) => fn(name)(a, b), [x, y], { rtol: 1e-5, atol: 1e-7 });
  }
  checkGradients((a) => ops.ldexp(a, tf.constant([1, -2, 3, 0], [4], "int32")), [x]);
  // fmax takes the other argument where one is NaN: its gradient goes there.
  const g = tf.grads((a: Tensor, b: Tensor) => tf.sum(ops.fmax(a, b)))([f64([NaN, 1]), f64([2, 0])]);
  assert.deepEqual([Array.from(g[0].dataSync() as Float64Array), Array.from(g[1].dataSync() as Float64Array)], [[0, 1], [1, 0]]);
});

test("gradients of the NaN reductions go to the values that are not NaN and match finite differences", () => {
  const x = f64([0.3, -1.2, 2.2, 0.9, 1.7, -0.4], [2, 3]);
  for (const name of ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmedian", "nanmax", "nanmin", "ptp"] as const) {
    checkGradients((a) => fn(name)(a, 1, false), [x]);
  }
  checkGradients((a) => ops.nanquantile(a, [0.2, 0.7], 1), [x]);
  checkGradients((a) => ops.nanpercentile(a, 35, 0, "midpoint", true), [x]);
  checkGradients((a) => ops.percentile(a, [10, 60], null), [x]);
  checkGradients((a) => ops.nancumsum(a, 1), [x]);
  checkGradients((a) => ops.nancumprod(a, 0), [x]);
  const withNaN = f64([1, NaN, 3, NaN]);
  const g = tf.grads((a: Tensor) => ops.nanmean(a))([withNaN])[0];
  assert.deepEqual(Array.from(g.dataSync() as Float64Array), [0.5, 0, 0.5, 0]);
});
