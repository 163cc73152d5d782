import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, BinaryOp, UnaryOp } from "../backend.js";
import type { NumericArray } from "../../tensor/dtype.js";
import { createJsBackend } from "../js/index.js";
import { createNativeBackend, nativeAddon, nativeLoadError, NATIVE_BINARY, NATIVE_PREDICATE, NATIVE_UNARY } from "./index.js";
import { assertEqualArrays, assertUlps, randomF32, rng } from "./kernel_cases.js";
import * as tf from "../../index.js";

/*
 * The native math, sorting and counting kernels against numpy's values (literals below) and against
 * the JS reference on random inputs with -0, NaN, +-Inf, subnormals and empty arrays. The kernels
 * are called on the addon itself (so a silent fallback to JS would fail) and through the backend.
 *
 * Tolerances: arithmetic, sqrt, rounding and comparisons are one correctly rounded double operation
 * per step on both sides, so they must agree bit for bit. sin, exp, atan2, ... come from the C
 * library natively and from V8's fdlibm port in JS; both are within one double ulp, so after
 * rounding to float32 they can differ only where the double result lies next to a float32 rounding
 * boundary, by one float32 ulp (in practice millions of random inputs gave the same bits).
 */

const addon = nativeAddon();
const skip = addon === null ? `native addon not built (${nativeLoadError() ?? "unknown"}); run npm run build:native` : false;
const js = createJsBackend();
const native: Backend | null = addon === null ? null : createNativeBackend(addon);

/** Ops whose native result is the JS one bit for bit (no C-library transcendental function inside). */
const EXACT_UNARY = new Set<UnaryOp>(["relu", "neg", "abs", "square", "sqrt", "rsqrt", "reciprocal", "sign", "floor", "ceil",
  "round", "relu6", "leakyRelu", "softsign"]);
/** Gradients computed without a C-library transcendental function (from x, y and dy by arithmetic and sqrt). */
const INEXACT_GRAD = new Set<UnaryOp>(["sin", "cos", "erf", "gelu", "geluTanh", "softplus", "swish", "sinh", "cosh"]);
const EXACT_BINARY = new Set<BinaryOp>(["floorDiv", "mod"]);

/** Special values at the front of every random input. */
const SPECIALS = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-40, 3.4e38, -3.4e38,
  0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 6, 88.8, -104, 1e-8, 0.99999994, -0.99999994, 1.0000001];

function randomWithSpecials(n: number, seed: number, scale: number): Float32Array {
  const x = randomF32(n, seed);
  for (let i = 0; i < n; i++) x[i] *= scale;
  x.set(SPECIALS, 0);
  return x;
}

// numpy 1.x: the function in float64 on the float32 input, rounded to float32.
const X = [-3.5, -1.0, -0.5, -0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.5, 10.0, NaN, Infinity, -Infinity];
const NUMPY: Partial<Record<UnaryOp, number[]>> = {
  sin: [0.35078322887420654, -0.8414709568023682, -0.4794255495071411, -0, 0.0, 0.24740396440029144, 0.4794255495071411, 0.681638777256012, 0.8414709568023682, 0.5984721183776855, -0.5440211296081543, NaN, NaN, NaN],
  cos: [-0.9364566802978516, 0.5403022766113281, 0.8775825500488281, 1.0, 1.0, 0.9689124226570129, 0.8775825500488281, 0.7316888570785522, 0.5403022766113281, -0.8011435866355896, -0.83907151222229, NaN, NaN, NaN],
  tan: [-0.3745856285095215, -1.5574077367782593, -0.5463024973869324, -0, 0.0, 0.25534191727638245, 0.5463024973869324, 0.9315964579582214, 1.5574077367782593, -0.747022271156311, 0.6483608484268188, NaN, NaN, NaN],
  asin: [NaN, -1.5707963705062866, -0.5235987901687622, -0, 0.0, 0.252680242061615, 0.5235987901687622, 0.8480620980262756, 1.5707963705062866, NaN, NaN, NaN, NaN, NaN],
  acos: [NaN, 3.1415927410125732, 2.094395160675049, 1.5707963705062866, 1.5707963705062866, 1.3181160688400269, 1.0471975803375244, 0.722734272480011, 0.0, NaN, NaN, NaN, NaN, NaN],
  atan: [-1.292496681213379, -0.7853981852531433, -0.46364760398864746, -0, 0.0, 0.244978666305542, 0.46364760398864746, 0.6435011029243469, 0.7853981852531433, 1.1902899742126465, 1.4711276292800903, NaN, 1.5707963705062866, -1.5707963705062866],
  sinh: [-16.542627334594727, -1.175201177597046, -0.5210952758789062, -0, 0.0, 0.25261232256889343, 0.5210952758789062, 0.8223167061805725, 1.175201177597046, 6.050204277038574, 11013.232421875, NaN, Infinity, -Infinity],
  cosh: [16.572824478149414, 1.5430806875228882, 1.1276259422302246, 1.0, 1.0, 1.0314130783081055, 1.1276259422302246, 1.2946833372116089, 1.5430806875228882, 6.132289409637451, 11013.2333984375, NaN, Infinity, Infinity],
  asinh: [-1.9657204151153564, -0.8813735842704773, -0.4812118113040924, -0, 0.0, 0.24746645987033844, 0.4812118113040924, 0.6931471824645996, 0.8813735842704773, 1.647231101989746, 2.998223066329956, NaN, Infinity, -Infinity],
  acosh: [NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 0.0, 1.566799283027649, 2.993222951889038, NaN, Infinity, NaN],
  atanh: [NaN, -Infinity, -0.5493061542510986, -0, 0.0, 0.2554128170013428, 0.5493061542510986, 0.972955048084259, Infinity, NaN, NaN, NaN, NaN, NaN],
  log2: [NaN, NaN, NaN, -Infinity, -Infinity, -2.0, -1.0, -0.41503751277923584, 0.0, 1.3219281435012817, 3.321928024291992, NaN, Infinity, NaN],
  log10: [NaN, NaN, NaN, -Infinity, -Infinity, -0.6020600199699402, -0.3010300099849701, -0.1249387338757515, 0.0, 0.3979400098323822, 1.0, NaN, Infinity, NaN],
  log1p: [NaN, -Infinity, -0.6931471824645996, -0, 0.0, 0.2231435477733612, 0.40546509623527527, 0.5596157908439636, 0.6931471824645996, 1.2527629137039185, 2.397895336151123, NaN, Infinity, NaN],
  expm1: [-0.9698026180267334, -0.6321205496788025, -0.39346933364868164, -0, 0.0, 0.2840254306793213, 0.6487212777137756, 1.1169999837875366, 1.718281865119934, 11.182494163513184, 22025.46484375, NaN, Infinity, -1.0],
  // math.erf; gelu = 0.5 x (1 + erf(x / sqrt 2)), whose -Inf * 0 at -Inf is NaN.
  erf: [-0.9999992847442627, -0.8427007794380188, -0.5204998850822449, -0, 0.0, 0.27632638812065125, 0.5204998850822449, 0.7111556529998779, 0.8427007794380188, 0.9995930194854736, 1.0, NaN, 1.0, -1.0],
  gelu: [-0.0008142017759382725, -0.15865525603294373, -0.1542687714099884, -0, 0.0, 0.14967657625675201, 0.3457312285900116, 0.5800294876098633, 0.8413447737693787, 2.48447585105896, 10.0, NaN, Infinity, NaN],
  softplus: [0.029750417917966843, 0.3132616877555847, 0.4740769863128662, 0.6931471824645996, 0.6931471824645996, 0.825939416885376, 0.9740769863128662, 1.1368709802627563, 1.31326162815094, 2.578889846801758, 10.000045776367188, NaN, Infinity, 0.0],
  // x / (1 + |x|) is Inf / Inf = NaN at +-Inf in numpy as here.
  softsign: [-0.7777777910232544, -0.5, -0.3333333432674408, -0, 0.0, 0.20000000298023224, 0.3333333432674408, 0.4285714328289032, 0.5, 0.7142857313156128, 0.9090909361839294, NaN, NaN, NaN],
  swish: [-0.10259281098842621, -0.2689414322376251, -0.1887703388929367, -0, 0.0, 0.140544131398201, 0.3112296760082245, 0.509384036064148, 0.7310585975646973, 2.310354471206665, 9.99954605102539, NaN, Infinity, NaN],
  // alpha 0.2 (the op's default slope for elu here is the caller's; 0.2 exercises the argument).
  elu: [-0.1939605176448822, -0.12642411887645721, -0.07869386672973633, -0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.5, 10.0, NaN, Infinity, -0.20000000298023224],
  selu: [-1.7050093412399292, -1.1113307476043701, -0.6917582154273987, -0, 0.0, 0.2626752555370331, 0.5253505110740662, 0.7880257368087769, 1.0507010221481323, 2.6267523765563965, 10.507009506225586, NaN, Infinity, -1.7580993175506592],
  // -0 and NaN stay (as relu); leakyRelu at alpha 0.2, its product in float64.
  relu6: [0.0, 0.0, 0.0, -0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.5, 6.0, NaN, 6.0, 0.0],
  leakyRelu: [-0.699999988079071, -0.20000000298023224, -0.10000000149011612, -0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.5, 10.0, NaN, Infinity, -Infinity],
  round: [-4.0, -1.0, -0, -0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 10.0, NaN, Infinity, -Infinity],
  floor: [-4.0, -1.0, -1.0, -0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 10.0, NaN, Infinity, -Infinity],
  ceil: [-3.0, -1.0, -0, -0, 0.0, 1.0, 1.0, 1.0, 1.0, 3.0, 10.0, NaN, Infinity, -Infinity],
  sign: [-1.0, -1.0, -1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, NaN, 1.0, -1.0],
};

test("native unary math equals numpy's values (float64 math rounded to float32) within one float32 ulp, -0/NaN/Inf included", { skip }, () => {
  const x = Float32Array.from(X);
  for (const [op, want] of Object.entries(NUMPY) as [UnaryOp, number[]][]) {
    const got = new Float32Array(x.length).fill(7);
    assert.equal(addon!.unary(NATIVE_UNARY.indexOf(op), x, got, 0.2), true, `${op} has a native kernel`);
    assertUlps(got, want, `native ${op} vs numpy`, EXACT_UNARY.has(op) ? 0 : 1, x);
  }
});

// numpy: where(x > 0, dy, where(x < 0, -dy, 0)) for abs and where(x > 0, dy, 0.2 * dy) (float64) for
// leakyRelu, on X and DY below, rounded to float32; a NaN x gives 0 (abs) and 0.2 dy (leakyRelu).
const DY = [0.7, -1.3, 2.0, 5.0, -5.0, 0.3, -0.1, 1e30, NaN, -2.5, 3.0, 4.0, -0.6, 0.9];
const NUMPY_GRAD: Partial<Record<UnaryOp, number[]>> = {
  abs: [-0.699999988079071, 1.2999999523162842, -2.0, 0.0, 0.0, 0.30000001192092896, -0.10000000149011612, 1.0000000150474662e+30, NaN, -2.5, 3.0, 0.0, -0.6000000238418579, -0.8999999761581421],
  leakyRelu: [0.14000000059604645, -0.25999999046325684, 0.4000000059604645, 1.0, -1.0, 0.30000001192092896, -0.10000000149011612, 1.0000000150474662e+30, NaN, -2.5, 3.0, 0.800000011920929, -0.6000000238418579, 0.17999999225139618],
};

test("native abs and leakyRelu gradients equal numpy's values bit for bit, in place too", { skip }, () => {
  const x = Float32Array.from(X), dy = Float32Array.from(DY);
  for (const [op, want] of Object.entries(NUMPY_GRAD) as [UnaryOp, number[]][]) {
    const i = NATIVE_UNARY.indexOf(op);
    const got = new Float32Array(x.length).fill(7);
    assert.equal(addon!.unaryGrad(i, x, x, dy, got, 0.2), true, `${op} has a native gradient`);
    assertUlps(got, want, `native ${op} gradient vs numpy`, 0, x);
    const inPlace = Float32Array.from(DY);
    addon!.unaryGrad(i, x, x, inPlace, inPlace, 0.2);
    assertUlps(inPlace, want, `native ${op} gradient written over dy`, 0, x);
  }
  const inPlace = Float32Array.from(X);
  addon!.unary(NATIVE_UNARY.indexOf("leakyRelu"), inPlace, inPlace, 0.2);
  assertUlps(inPlace, NUMPY.leakyRelu!, "native leakyRelu written over x", 0, x);
});

test("every native unary op and gradient equals js (exact ops bit for bit, C-library functions within one ulp) on large arrays with specials", { skip }, () => {
  const n = 50021;
  const dy = randomWithSpecials(n, 502, 3);
  let seed = 500;
  for (const scale of [12, 1.1, 200]) {
    const x = randomWithSpecials(n, seed++, scale);
    NATIVE_UNARY.forEach((op, i) => {
      for (const alpha of op === "leakyRelu" || op === "elu" ? [0.2, 1.5] : [0.2]) {
        const want = new Float32Array(n), got = new Float32Array(n).fill(5);
        js.unary(op, x, want, alpha);
        assert.equal(addon!.unary(i, x, got, alpha), true, `${op} has a native kernel`);
        assertUlps(got, want, `unary ${op} (scale ${scale}, alpha ${alpha})`, EXACT_UNARY.has(op) ? 0 : 1, x);
        const dWant = new Float32Array(n), dGot = new Float32Array(n).fill(5);
        js.unaryGrad(op, x, want, dy, dWant, alpha);
        assert.equal(addon!.unaryGrad(i, x, want, dy, dGot, alpha), true, `${op} has a native gradient`);
        assertUlps(dGot, dWant, `unaryGrad ${op} (scale ${scale}, alpha ${alpha})`, INEXACT_GRAD.has(op) ? 1 : 0, x);
      }
    });
  }
  // Empty arrays: nothing written, no error.
  assert.equal(addon!.unary(NATIVE_UNARY.indexOf("sin"), new Float32Array(0), new Float32Array(0), 0), true);
  // Through the backend: the JS kernel below the size threshold, float64 and int32 on JS too.
  const nb = native as Backend;
  for (const make of [(a: Float32Array) => a, (a: Float32Array) => Float64Array.from(a)]) {
    for (const len of [100, 9000]) {
      const x = make(randomWithSpecials(len, 510, 4));
      const want = new (x.constructor as new (n: number) => NumericArray)(len), got = new (x.constructor as new (n: number) => NumericArray)(len);
      js.unary("atan", x, want, 0);
      nb.unary("atan", x, got, 0);
      assertUlps(got, want, `backend atan on ${x.constructor.name}[${len}]`, x instanceof Float64Array ? 0 : 1);
    }
  }
});

test("native isNaN/isFinite into bool bytes equal js; tf.isInf and tf.nanToNum give the same on both backends", { skip }, () => {
  const n = 30000;
  const x = randomWithSpecials(n, 520, 1e38);
  for (let i = 0; i < n; i += 97) x[i] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][i % 3];
  NATIVE_PREDICATE.forEach((op, i) => {
    const want = new Uint8Array(n), got = new Uint8Array(n).fill(9);
    js.unary(op, x, want, 0);
    addon!.predicate(i, x, got);
    assertEqualArrays(got, want, `predicate ${op}`);
    got.fill(9);
    native!.unary(op, x, got, 0);
    assertEqualArrays(got, want, `backend ${op}`);
  });
  assert.throws(() => addon!.predicate(7, x, new Uint8Array(n)), /predicate: unknown op 7/);
  assert.throws(() => addon!.predicate(0, x, new Uint8Array(3)), /out holds 3 elements/);
  const results = (): number[][] => {
    const t = tf.constant(x, [n], "float32");
    return [tf.isInf(t), tf.nanToNum(t), tf.isFinite(t)].map((r) => Array.from(r.dataSync(), Number));
  };
  const before = tf.getBackend();
  try {
    tf.setBackend("js");
    const want = results();
    tf.setBackend("native");
    assert.deepEqual(results(), want);
  } finally {
    tf.setBackend(before);
  }
});

test("native pow/floorDiv/mod/atan2 equal js with broadcasting and specials (JS's pow(1, NaN) = NaN and pow(-1, Inf) = NaN kept)", { skip }, () => {
  const nb = native as Backend;
  const special = [1, -1, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2, -2, 0.5, -0.5, 3, 1e-40];
  const m = special.length;
  const a = new Float32Array(m * m), b = new Float32Array(m * m);
  special.forEach((p, i) => special.forEach((q, j) => { a[i * m + j] = p; b[i * m + j] = q; }));
  const shapes: [number[], number[], number[]][] = [
    [[70000], [70000], [70000]], [[300, 1], [1, 77], [300, 77]], [[2, 1, 3000], [4, 1], [2, 4, 3000]], [[], [90, 100], [90, 100]],
  ];
  const size = (s: number[]): number => s.reduce((p, q) => p * q, 1);
  for (const op of ["pow", "floorDiv", "mod", "atan2"] as const) {
    const i = NATIVE_BINARY.indexOf(op);
    const tol = EXACT_BINARY.has(op) ? 0 : 1;
    const want = new Float32Array(m * m), got = new Float32Array(m * m).fill(5);
    js.binary(op, a, [m * m], b, [m * m], want, [m * m]);
    assert.equal(addon!.binary(i, a, [m * m], b, [m * m], got, [m * m]), true, `${op} has a native kernel`);
    assertUlps(got, want, `${op} on special pairs`, tol);
    let seed = 530;
    for (const [as, bs, os] of shapes) {
      // Positive bases for pow (real results), mixed signs for the others.
      const x = randomF32(size(as), seed++).map((v) => (op === "pow" ? Math.abs(v) * 4 : v * 9));
      const y = randomF32(size(bs), seed++).map((v) => v * 7);
      if (x.length > 4) { x[1] = 0; x[2] = Number.NaN; x[3] = -0; }
      if (y.length > 4) { y[1] = 0; y[2] = Number.POSITIVE_INFINITY; y[3] = -0; }
      const w = new Float32Array(size(os)), g = new Float32Array(size(os)).fill(5);
      js.binary(op, x, as, y, bs, w, os);
      nb.binary(op, x, as, y, bs, g, os);
      assertUlps(g, w, `${op} ${JSON.stringify([as, bs, os])}`, tol);
    }
  }
});

// ---------------------------------------------------------------- sorting

test("native sortIndices equals numpy's stable argsort and the descending order topk uses (NaN largest, -0 = 0, ties by index)", { skip }, () => {
  const x = Float32Array.from([3, NaN, -0, 1, 0, -Infinity, 3, Infinity, -2, NaN, 1]);
  const out = new Int32Array(11).fill(-1);
  assert.equal(addon!.sortIndices(x, 1, 11, 11, false, out), true);
  // numpy.argsort(x, kind="stable")
  assert.deepEqual([...out], [5, 8, 2, 4, 3, 10, 0, 6, 7, 1, 9]);
  // Descending: NaN first (as torch.topk), then values largest first, equal ones in index order.
  assert.equal(addon!.sortIndices(Float64Array.from(x), 1, 11, 4, true, out.subarray(0, 4)), true);
  assert.deepEqual([...out.subarray(0, 4)], [1, 9, 7, 0]);
  assert.equal(addon!.sortIndices(Int32Array.from([5, -3, 5, 2147483647, -2147483648]), 1, 5, 5, true, out.subarray(0, 5)), true);
  assert.deepEqual([...out.subarray(0, 5)], [3, 0, 2, 1, 4]);
});

test("native sortIndices equals js bit for bit: every dtype, both orders, k < n, long rows (radix), many rows, ties, NaN, -0, empty", { skip }, () => {
  const nb = native as Backend;
  const r = rng(600);
  const cases: [number, number, number][] = [[1, 70, 70], [1, 70, 3], [300, 33, 33], [300, 33, 5], [2, 5000, 5000], [3, 4099, 2000],
    [1, 100000, 100000], [1, 100000, 10], [700, 1000, 1000], [4, 3000, 1]];
  for (const [rows, n, k] of cases) {
    const len = rows * n;
    const floats = new Float32Array(len).map(() => (r() < 0.5 ? Math.floor(r() * 9) - 4 : r() * 2e6 - 1e6));
    for (let i = 0; i < len; i += 37) floats[i] = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40][i % 6];
    const arrays: NumericArray[] = [floats, Float64Array.from(floats, (v) => v * 1.000000001), Int32Array.from(floats, (v) => (Number.isFinite(v) ? v : -7)),
      Uint8Array.from(floats, (v) => (Number.isFinite(v) ? Math.abs(v) % 256 : 0))];
    for (const x of arrays) {
      for (const descending of [false, true]) {
        const what = `sortIndices ${x.constructor.name} rows ${rows} n ${n} k ${k} ${descending ? "desc" : "asc"}`;
        const want = new Int32Array(rows * k), got = new Int32Array(rows * k).fill(-1);
        js.sortIndices(x, rows, n, k, descending, want);
        assert.equal(addon!.sortIndices(x, rows, n, k, descending, got), true, what);
        assertEqualArrays(got, want, what);
        got.fill(-1);
        nb.sortIndices(x, rows, n, k, descending, got);
        assertEqualArrays(got, want, `backend ${what}`);
      }
    }
  }
  // Empty: no rows, empty rows, k = 0.
  for (const [rows, n, k] of [[0, 5, 2], [4, 0, 0], [3, 6, 0]]) {
    assert.equal(addon!.sortIndices(new Float32Array(rows * n), rows, n, k, false, new Int32Array(rows * k)), true);
  }
  // int64 has no native kernel: the backend takes the JS one.
  const big = BigInt64Array.from([5n, -2n, 9n, 0n], (v) => v);
  assert.equal(addon!.sortIndices(big as unknown as Float32Array, 1, 4, 4, false, new Int32Array(4)), false);
  const bigOut = new Int32Array(4);
  nb.sortIndices(BigInt64Array.from({ length: 80 }, (_, i) => BigInt((i * 37) % 11)), 1, 80, 4, true, bigOut);
  assert.deepEqual([...bigOut], [8, 19, 30, 41]); // (i * 37) % 11 is 10 where i % 11 = 8
  assert.throws(() => addon!.sortIndices(floatsOf(4), 1, 4, 5, false, new Int32Array(5)), /k = 5 must be at most n = 4/);
  assert.throws(() => addon!.sortIndices(floatsOf(4), 2, 4, 4, false, new Int32Array(8)), /x holds 4 elements, the kernel needs 8/);
});

function floatsOf(n: number): Float32Array {
  return randomF32(n, n);
}

// ---------------------------------------------------------------- running sums and products

test("native cumulative equals numpy's cumsum/cumprod (float32 rounded at every step, int32 wrapping)", { skip }, () => {
  const run = (prod: boolean, x: NumericArray, outer: number, n: number, inner: number, exclusive: boolean, reverse: boolean): number[] => {
    const out = new (x.constructor as new (n: number) => NumericArray)(x.length);
    assert.equal(addon!.cumulative(prod, x, outer, n, inner, exclusive, reverse, out), true);
    return [...out];
  };
  const c = Float32Array.from([0.1, 0.2, 0.3, 1e8, 1, -1e8, 0.7]);
  assert.deepEqual(run(false, c, 1, 7, 1, false, false),
    [0.10000000149011612, 0.30000001192092896, 0.6000000238418579, 100000000.0, 100000000.0, 0.0, 0.699999988079071]);
  // numpy.flip(numpy.cumsum(numpy.flip(c)))
  assert.deepEqual(run(false, c, 1, 7, 1, false, true),
    [0.6000000238418579, 0.5, 0.30000001192092896, 0.0, -100000000.0, -100000000.0, 0.699999988079071]);
  // exclusive: the inclusive sums shifted by one, 0 first
  assert.deepEqual(run(false, c, 1, 7, 1, true, false),
    [0, 0.10000000149011612, 0.30000001192092896, 0.6000000238418579, 100000000.0, 100000000.0, 0.0]);
  assert.deepEqual(run(true, Float32Array.from([1.1, 1.1, 1.1, -3, 0.5, 1e20, 1e20]), 1, 7, 1, false, false),
    [1.100000023841858, 1.2100000381469727, 1.3310000896453857, -3.9930002689361572, -1.9965001344680786, -1.9965002505900786e+20, -Infinity]);
  assert.deepEqual(run(false, Int32Array.from([2147483647, 1, 5, -7]), 1, 4, 1, false, false), [2147483647, -2147483648, -2147483643, 2147483646]);
  assert.deepEqual(run(true, Int32Array.from([3, 65536, 65536, 2]), 1, 4, 1, false, false), [3, 196608, 0, 0]);
  // numpy.cumsum(numpy.arange(24, dtype=float32).reshape(2, 3, 4) * 0.1, axis=1)
  const m = Float32Array.from({ length: 24 }, (_, i) => Math.fround(i * Math.fround(0.1)));
  assert.deepEqual(run(false, m, 2, 3, 4, false, false), [0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896,
    0.4000000059604645, 0.6000000238418579, 0.800000011920929, 1.0, 1.2000000476837158, 1.5, 1.7999999523162842, 2.0999999046325684,
    1.2000000476837158, 1.3000000715255737, 1.399999976158142, 1.5, 2.8000001907348633, 3.0, 3.200000047683716, 3.4000000953674316,
    4.800000190734863, 5.100000381469727, 5.400000095367432, 5.699999809265137]);
});

test("native cumulative equals js bit for bit: every dtype, sum and prod, exclusive, reverse, inner axes (column blocks), NaN/Inf, empty", { skip }, () => {
  const nb = native as Backend;
  const shapes: [number, number, number][] = [[1, 100000, 1], [5000, 7, 1], [3, 300, 700], [1, 2000, 9], [40, 50, 1030], [2, 1, 3000]];
  let seed = 700;
  for (const [outer, n, inner] of shapes) {
    const len = outer * n * inner;
    const base = randomF32(len, seed++);
    for (let i = 0; i < len; i += 1013) base[i] = [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-40][(i / 1013) % 4];
    const arrays: NumericArray[] = [
      base.map((v) => v * 3),
      Float64Array.from(base, (v) => v * 3),
      Int32Array.from(base, (v) => (Number.isFinite(v) ? Math.round(v * 40000) : 3)),
      Uint8Array.from(base, (v) => (Number.isFinite(v) ? Math.round(Math.abs(v) * 255) : 1)),
    ];
    // Products near 1 stay finite over long runs.
    const prodInput = (x: NumericArray): NumericArray =>
      x instanceof Float32Array || x instanceof Float64Array ? x.map((v) => 1 + v / 1000) : x;
    for (const x of arrays) {
      for (const op of ["sum", "prod"] as const) {
        const xi = op === "prod" ? prodInput(x) : x;
        for (const exclusive of [false, true]) {
          for (const reverse of [false, true]) {
            const what = `cum${op} ${x.constructor.name} [${outer}, ${n}, ${inner}] exclusive ${exclusive} reverse ${reverse}`;
            const Ctor = x.constructor as new (n: number) => NumericArray;
            const want = new Ctor(len), got = new Ctor(len).fill(5);
            js.cumulative(op, xi, outer, n, inner, exclusive, reverse, want);
            assert.equal(addon!.cumulative(op === "prod", xi, outer, n, inner, exclusive, reverse, got), true, what);
            assertEqualArrays(got, want, what);
            got.fill(5);
            nb.cumulative(op, xi, outer, n, inner, exclusive, reverse, got);
            assertEqualArrays(got, want, `backend ${what}`);
          }
        }
      }
    }
  }
  for (const [outer, n, inner] of [[0, 4, 3], [3, 0, 2], [2, 5, 0]]) {
    assert.equal(addon!.cumulative(false, new Float32Array(0), outer, n, inner, false, false, new Float32Array(0)), true);
  }
  // Mixed types have no native kernel.
  assert.equal(addon!.cumulative(false, new Float32Array(4), 1, 4, 1, false, false, new Float64Array(4)), false);
});

// ---------------------------------------------------------------- bincount

test("native bincount equals numpy's (counts, weights, values past size left out)", { skip }, () => {
  const x = Int32Array.from([1, 3, 1, 0, 7, 3, 1]);
  const counts = new Int32Array(5);
  assert.equal(addon!.bincount(x, 1, 7, null, 5, counts), true);
  assert.deepEqual([...counts], [1, 3, 0, 2, 0]); // numpy.bincount(x)[:5]
  const sums = new Float32Array(5);
  assert.equal(addon!.bincount(x, 1, 7, Float32Array.from([0.5, 0.25, 1.5, -2, 9, 0.125, 4]), 5, sums), true);
  assert.deepEqual([...sums], [-2.0, 6.0, 0.0, 0.375, 0.0]); // numpy.bincount(x, weights)[:5]
});

test("native bincount equals js bit for bit: counts and float32/float64/int32 weights, one long row (split counts) and many rows, empty", { skip }, () => {
  const nb = native as Backend;
  const r = rng(800);
  const cases: [number, number, number][] = [[1, 200000, 50], [1, 200000, 100000], [1, 70000, 3], [500, 400, 20], [3000, 30, 1000], [2, 9000, 0]];
  for (const [rows, n, size] of cases) {
    const len = rows * n;
    const x = Int32Array.from({ length: len }, () => Math.floor(r() * (size + 10)) - 2);
    for (let i = 0; i < len; i++) if (x[i] < 0) x[i] = size + 3; // non-negative, some past size
    const w32 = new Float32Array(len).map(() => r() * 2 - 1);
    w32[0] = Number.NaN;
    const weights: (NumericArray | null)[] = [null, w32, Float64Array.from(w32, (v) => v * 1.1),
      Int32Array.from(w32, (v, i) => (i % 5 === 0 ? 2147483000 : Number.isFinite(v) ? Math.round(v * 1e6) : 0))];
    for (const w of weights) {
      const what = `bincount rows ${rows} n ${n} size ${size} weights ${w === null ? "none" : w.constructor.name}`;
      const Ctor = (w === null ? Int32Array : w.constructor) as new (n: number) => NumericArray;
      const want = new Ctor(rows * size), got = new Ctor(rows * size);
      js.bincount(x, rows, n, w, size, want);
      assert.equal(addon!.bincount(x, rows, n, w, size, got), true, what);
      assertEqualArrays(got, want, what);
      got.fill(0);
      nb.bincount(x, rows, n, w, size, got);
      assertEqualArrays(got, want, `backend ${what}`);
    }
  }
  assert.equal(addon!.bincount(new Int32Array(0), 0, 0, null, 4, new Int32Array(0)), true);
  assert.equal(addon!.bincount(new Int32Array(0), 1, 0, null, 4, new Int32Array(4)), true);
  // Weights of another type than out: no native kernel.
  assert.equal(addon!.bincount(new Int32Array(3), 1, 3, new Float32Array(3), 2, new Float64Array(2)), false);
  assert.throws(() => addon!.bincount(new Int32Array(3), 1, 3, null, 5, new Int32Array(2)), /out holds 2 elements, the kernel needs 5/);
});

test("the ops give the same results on both backends: sort, argsort, topk, cumsum, cumprod, bincount, sin and mish with gradients", { skip }, () => {
  const x = tf.constant(randomWithSpecials(6000, 900, 5), [60, 100], "float32");
  const labels = tf.constant(Int32Array.from({ length: 9000 }, (_, i) => (i * 7919) % 37), [9000], "int32");
  const results = (): number[][] => {
    const { values, indices } = tf.topk(x, 7);
    const dx = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(tf.sin(t), tf.cumsum(t, 1))))(x).grad;
    return [values, indices, tf.sort(x, 0), tf.argsort(x, 1), tf.cumprod(x, 0, true, true), tf.bincount(labels, null, 40),
      tf.activations.mish(x), dx].map((t) => Array.from(t.dataSync(), Number));
  };
  const before = tf.getBackend();
  try {
    tf.setBackend("js");
    const want = results();
    tf.setBackend("native");
    const got = results();
    want.forEach((w, i) => assertUlps(Float64Array.from(got[i]), Float64Array.from(w), `result ${i}`, i >= 6 ? 1 : 0));
  } finally {
    tf.setBackend(before);
  }
});
