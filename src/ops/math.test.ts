import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { testOnBackend } from "../testing/backends.js";
import { assertAllClose } from "../testing/close.js";

const rnd = (shape: number[], seed: number, lo = -2, hi = 2): tf.Tensor =>
  tf.random.uniform(shape, lo, hi, { dtype: "float64", seed });
/** Values kept away from 0 (for div, log, pow bases) and from kinks. */
const away = (shape: number[], seed: number): tf.Tensor => tf.add(tf.random.uniform(shape, 0.5, 2, { dtype: "float64", seed }), 0);

test("arithmetic by hand, with broadcasting and Python's floor semantics", () => {
  const a = tf.constant([[1, 2, 3], [4, 5, 6]], "float32");
  assert.deepEqual(tf.add(a, tf.constant([10, 20, 30], "float32")).arraySync(), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(tf.sub(a, tf.constant([[1], [2]], "float32")).arraySync(), [[0, 1, 2], [2, 3, 4]]);
  assert.deepEqual(a.mul(2).arraySync(), [[2, 4, 6], [8, 10, 12]]);
  assert.deepEqual(tf.floorDiv(tf.constant([7, -7]), tf.constant([2, 2])).arraySync(), [3, -4]);
  assert.deepEqual(tf.mod(tf.constant([7, -7, 7]), tf.constant([3, 3, -3])).arraySync(), [1, 2, -2]);
  assert.deepEqual(tf.pow(tf.constant([2, 3]), 2).arraySync(), [4, 9]);
  assert.deepEqual(tf.round(tf.constant([0.5, 1.5, 2.5, -0.5], "float32")).arraySync(), [0, 2, 2, -0]);
  const q = tf.div(tf.constant([1, 3]), tf.constant([2, 2]));
  assert.equal(q.dtype, "float64", "true division of int32 gives float64, as in TF");
  assert.deepEqual(q.arraySync(), [0.5, 1.5]);
  assert.deepEqual(tf.maximum(tf.constant([1, 5], "float32"), 3).arraySync(), [3, 5]);
});

test("comparisons, logic and where", () => {
  const a = tf.constant([1, 2, 3]);
  assert.deepEqual(tf.greater(a, 2).arraySync(), [false, false, true]);
  assert.deepEqual(tf.lessEqual(a, tf.constant([[2], [1]])).arraySync(), [[true, true, false], [true, false, false]]);
  assert.deepEqual(tf.equal(tf.constant([1n, 2n]), tf.constant([1n, 3n])).arraySync(), [true, false]);
  assert.deepEqual(tf.logicalAnd(tf.constant([true, true]), tf.constant([true, false])).arraySync(), [true, false]);
  assert.deepEqual(tf.logicalNot(tf.constant([true, false])).arraySync(), [false, true]);
  assert.deepEqual(tf.where(tf.constant([true, false]), tf.constant([1, 2]), tf.constant([9, 9])).arraySync(), [1, 9]);
  assert.deepEqual(tf.cast(tf.constant([1.7, -1.7], "float32"), "int32").arraySync(), [1, -1]);
  assert.deepEqual(tf.clipByValue(tf.constant([-5, 0.5, 5], "float32"), -1, 1).arraySync(), [-1, 0.5, 1]);
});

test("op errors name the op, shapes and the fix", () => {
  assert.throws(() => tf.add(tf.ones([2, 3]), tf.ones([4])), /add: shapes \(2, 3\) and \(4,\) cannot be broadcast/);
  assert.throws(() => tf.add(tf.ones([2]), tf.ones([2], "int32")), /add: operands have different dtypes \(float32 \(2,\) and int32 \(2,\)\).*tf\.cast/);
  assert.throws(() => tf.exp(tf.constant([1, 2])), /exp: x must be float32 or float64, got int32/);
  assert.throws(() => tf.exp(tf.constant([1n])), /exp: x must be float32 or float64, got int64 \(1,\); cast it/);
  assert.throws(() => tf.where(tf.constant([1]), 1, 2), /where: condition must be bool/);
});

test("binary op gradients match finite differences, broadcasting included", () => {
  const shapes: [number[], number[]][] = [[[3], [3]], [[2, 3], [3]], [[4, 1], [1, 5]], [[2, 3, 5], [1]], [[], [3, 2]]];
  shapes.forEach(([sa, sb], i) => {
    checkGradients(tf.add, [rnd(sa, i), rnd(sb, i + 10)]);
    checkGradients(tf.sub, [rnd(sa, i), rnd(sb, i + 10)]);
    checkGradients(tf.mul, [rnd(sa, i), rnd(sb, i + 10)]);
    checkGradients(tf.div, [rnd(sa, i), away(sb, i + 10)]);
    checkGradients(tf.pow, [away(sa, i), rnd(sb, i + 10)]);
    checkGradients(tf.squaredDifference, [rnd(sa, i), rnd(sb, i + 10)]);
    checkGradients(tf.maximum, [rnd(sa, i), rnd(sb, i + 10)]);
    checkGradients(tf.minimum, [rnd(sa, i), rnd(sb, i + 10)]);
  });
  checkGradients((a, b) => tf.mod(a, b), [tf.constant([2.3, -1.2, 5.7], null, "float64"), tf.constant([1.1, 0.7, -2.1], null, "float64")]);
  const cond = tf.constant([[true, false, true], [false, false, true]]);
  checkGradients((a, b) => tf.where(cond, a, b), [rnd([2, 3], 1), rnd([3], 2)]);
  checkGradients((x) => tf.clipByValue(x, -1, 1), [tf.constant([-1.5, -0.3, 0.2, 1.7], null, "float64")]);
  checkGradients((x) => tf.cast(tf.cast(x, "float32"), "float64"), [rnd([3], 4)], { rtol: 1e-3, atol: 1e-5, eps: 1e-3 });
});

const unary: [string, (x: tf.Tensor) => tf.Tensor, "any" | "positive"][] = [
  ["neg", tf.neg, "any"], ["abs", tf.abs, "any"], ["square", tf.square, "any"], ["sqrt", tf.sqrt, "positive"],
  ["rsqrt", tf.rsqrt, "positive"], ["exp", tf.exp, "any"], ["expm1", tf.expm1, "any"], ["log", tf.log, "positive"],
  ["log1p", tf.log1p, "positive"], ["reciprocal", tf.reciprocal, "positive"], ["sin", tf.sin, "any"],
  ["cos", tf.cos, "any"], ["erf", tf.erf, "any"],
];

test("unary gradients match finite differences", () => {
  unary.forEach(([name, f, domain], i) => {
    const x = domain === "positive" ? away([2, 3], i) : rnd([7], i);
    assert.doesNotThrow(() => checkGradients(f, [x]), name);
  });
});

test("second derivatives through unary ops match finite differences of the first", () => {
  unary.forEach(([name, f, domain], i) => {
    const x = domain === "positive" ? away([5], i) : rnd([5], i);
    const df = (t: tf.Tensor): tf.Tensor => tf.grad(f)(t);
    assert.doesNotThrow(() => checkGradients(df, [x], { rtol: 1e-4, atol: 1e-6 }), name);
  });
});

test("int32 products wrap around in 32 bits exactly, as TF's (values from numpy int32)", () => {
  const i32 = (v: number[], shape?: number[]): tf.Tensor => tf.constant(v, shape ?? [v.length], "int32");
  // (2^31 - 1)^2 = 2^62 - 2^32 + 1: its low 32 bits are 1, which a product taken in double loses.
  assert.deepEqual(tf.mul(i32([2147483647, 65536, 123456789]), i32([2147483647, 65536, 987654321])).arraySync(), [1, 0, -67153019]);
  assert.deepEqual(tf.mul(i32([123456789, 987654321], [2, 1]), i32([987654321, 123456789], [1, 2])).arraySync(),
    [[-67153019, -1757895751], [-238269855, -67153019]]);
  assert.deepEqual(tf.mul(i32([123456789, 987654321]), 987654321).arraySync(), [-67153019, -238269855]);
  assert.deepEqual(tf.square(i32([123456789, 65536, -3])).arraySync(), [-1757895751, 0, 9]);
  assert.deepEqual(tf.pow(i32([3, 7, 2, -2, 5]), i32([40, 30, 31, 3, 0])).arraySync(), [689956897, 1878557649, -2147483648, -8, 1]);
  // The difference wraps first (to -2), then squares: 4.
  assert.deepEqual(tf.squaredDifference(i32([2147483647]), i32([-2147483647])).arraySync(), [4]);
  // uint8 wraps modulo 256: 3^10 = 59049 = 230 * 256 + 169.
  assert.deepEqual(tf.pow(tf.constant([3], [1], "uint8"), tf.constant([10], [1], "uint8")).arraySync(), [169]);
});

test("integer division by zero and negative integer powers are errors, as in TF", () => {
  const i32 = (v: number[]): tf.Tensor => tf.constant(v, [v.length], "int32");
  assert.throws(() => tf.floorDiv(i32([7, 1]), i32([2, 0])), /floorDiv: integer division by zero \(b int32 \(2,\) at flat position 1.*tf\.cast/);
  assert.throws(() => tf.mod(i32([7]), 0), /mod: integer division by zero/);
  assert.throws(() => tf.pow(i32([2]), i32([-1])), /pow: integer -1 as an exponent: integers to negative integer powers are not allowed/);
  // Floats keep IEEE results: 1 // 0 = inf, 1 % 0 = NaN, 2^-1 = 0.5.
  assert.deepEqual(tf.floorDiv(tf.constant([1, -1], "float32"), 0).arraySync(), [Infinity, -Infinity]);
  assert.ok(Number.isNaN(tf.mod(tf.constant([1], "float32"), 0).dataSync()[0]));
  assert.deepEqual(tf.pow(tf.constant([2], "float32"), -1).arraySync(), [0.5]);
  assert.deepEqual(tf.floorDiv(i32([-7, 7]), i32([2, -2])).arraySync(), [-4, -4]);
});

test("true division of uint8 gives float32 and of int32 float64 (TF's truediv table)", () => {
  const pixels = tf.constant([0, 51, 255], [3], "uint8");
  const scaled = tf.div(pixels, 255);
  assert.equal(scaled.dtype, "float32");
  assert.deepEqual(scaled.arraySync(), [0, Math.fround(0.2), 1]);
  assert.equal(tf.div(tf.constant([1], [1], "int32"), 2).dtype, "float64");
});

test("clipByValue refuses fractional bounds for an integer tensor, as TF does, instead of truncating them", () => {
  const x = tf.constant([-3, 0, 3], [3], "int32");
  assert.throws(() => tf.clipByValue(x, -1.5, 1.5), /clipByValue: bounds -1.5 and 1.5 must be integers for int32 \(3,\).*tf\.cast/);
  assert.deepEqual(tf.clipByValue(x, -1, 2).arraySync(), [-1, 0, 2]);
  // NaN stays NaN and the bounds are inclusive.
  const y = tf.clipByValue(tf.constant([NaN, -1, 5], "float32"), -1, 1).arraySync() as number[];
  assert.ok(Number.isNaN(y[0]));
  assert.deepEqual(y.slice(1), [-1, 1]);
});

// ---------------------------------------------------------------- casts of NaN, infinities and out-of-range values

for (const name of ["js", "native"]) {
  testOnBackend(name, `cast float -> int gives INT_MIN for NaN, +-Infinity and out-of-range values, truncates the rest (numpy/torch on x86; ${name} backend)`, () => {
    const MIN32 = -2147483648, MIN64 = -(2n ** 63n);
    // np.array(a, np.float32).astype(np.int32) and torch.tensor(a).to(torch.int32), numpy 1.24 / torch 1.13:
    const a32 = [NaN, Infinity, -Infinity, 3e9, -3e9, 2.7, -2.7, 2147483520, -2147483648];
    assert.deepEqual(tf.cast(tf.constant(a32, "float32"), "int32").arraySync(), [MIN32, MIN32, MIN32, MIN32, MIN32, 2, -2, 2147483520, MIN32]);
    // np.array(a).astype(np.int32) (float64):
    const a64 = [NaN, Infinity, -Infinity, 3e9, -3e9, 2.7, -2.7, 2147483647.5, -2147483648.9, 2147483648];
    assert.deepEqual(tf.cast(tf.constant(a64, "float64"), "int32").arraySync(), [MIN32, MIN32, MIN32, MIN32, MIN32, 2, -2, 2147483647, MIN32, MIN32]);
    // np.array(b).astype(np.int64) and torch .to(torch.int64):
    const b = [NaN, Infinity, -Infinity, 3e9, -2.7, 2 ** 63, -(2 ** 63), 9.2e18];
    assert.deepEqual([...tf.cast(tf.constant(b, "float64"), "int64").dataSync()], [MIN64, MIN64, MIN64, 3000000000n, -2n, MIN64, MIN64, 9200000000000000000n]);
    assert.deepEqual([...tf.cast(tf.constant([NaN, -Infinity, 1e19, -1.5], "float32"), "int64").dataSync()], [MIN64, MIN64, MIN64, -1n]);
    // np.array(c, np.float32).astype(np.uint8): the low byte of the int32 conversion.
    assert.deepEqual(tf.cast(tf.constant([NaN, 300.7, -1.5, 3e9, 255.9], "float32"), "uint8").arraySync(), [0, 44, 255, 0, 255]);
    // np.array(d, np.int64).astype(np.int32): integers keep their low 32 bits, exactly.
    assert.deepEqual(tf.cast(tf.constant([2n ** 60n + 3n, 2n ** 40n + 5n, -(2n ** 33n) - 7n, 2n ** 31n]), "int32").arraySync(), [3, 5, -7, MIN32]);
  });
}

// ---------------------------------------------------------------- trigonometric, hyperbolic, log2/log10, atan2

/** numpy 1.26 float32 results (np.tan(x) etc.) for x = [-0.9, -0.3, 0, 0.4, 0.8]. */
const NUMPY_UNARY: [string, (t: tf.Tensor) => tf.Tensor, number[]][] = [
  ["tan", tf.tan, [-1.2601580619812012, -0.30933627486228943, 0.0, 0.4227932393550873, 1.0296385288238525]],
  ["sinh", tf.sinh, [-1.0265166759490967, -0.30452030897140503, 0.0, 0.4107523262500763, 0.8881059885025024]],
  ["cosh", tf.cosh, [1.4330863952636719, 1.0453383922576904, 1.0, 1.081072449684143, 1.337435007095337]],
  ["asin", tf.asin, [-1.11976957321167, -0.30469265580177307, 0.0, 0.41151684522628784, 0.9272952675819397]],
  ["acos", tf.acos, [2.690565824508667, 1.8754889965057373, 1.5707963705062866, 1.1592795848846436, 0.6435011029243469]],
  ["atan", tf.atan, [-0.7328150868415833, -0.29145681858062744, 0.0, 0.38050636649131775, 0.6747409701347351]],
  ["asinh", tf.asinh, [-0.8088669180870056, -0.29567307233810425, 0.0, 0.39003533124923706, 0.7326682806015015]],
  ["atanh", tf.atanh, [-1.4722193479537964, -0.30951961874961853, 0.0, 0.4236489236354828, 1.0986123085021973]],
];

for (const backend of ["js", "native"]) {
  testOnBackend(backend, `trigonometric and hyperbolic functions equal numpy's float32 values (${backend})`, () => {
    const x = tf.constant([-0.9, -0.3, 0, 0.4, 0.8], "float32");
    for (const [name, f, want] of NUMPY_UNARY) {
      const y = f(x);
      assert.equal(y.dtype, "float32", name);
      assertAllClose(y, want, { rtol: 2e-7, atol: 1e-7, what: name });
    }
    assertAllClose(tf.acosh(tf.constant([1, 1.5, 2, 10, 100], "float32")), [0.0, 0.9624236226081848, 1.316957950592041, 2.993222951889038, 5.29829216003418], { rtol: 2e-7 });
    assertAllClose(tf.log2(tf.constant([0.5, 1, 2, 8, 1000], "float32")), [-1, 0, 1, 3, 9.965784072875977], { rtol: 2e-7 });
    assertAllClose(tf.log10(tf.constant([0.5, 1, 2, 8, 1000], "float32")), [-0.3010300099849701, 0, 0.3010300099849701, 0.9030900001525879, 3.000000238418579], { rtol: 2e-7 });
    // atan2's quadrants and signed zeros: np.arctan2([1, -1, 0, 2, -0.], [-1, -1, -1, 0, -1]).
    assertAllClose(tf.atan2(tf.constant([1, -1, 0, 2, -0], "float32"), tf.constant([-1, -1, -1, 0, -1], "float32")),
      [2.356194496154785, -2.356194496154785, 3.1415927410125732, 1.5707963705062866, -3.1415927410125732], { rtol: 1e-7 });
    // Large inputs take the kernels' own paths on the native backend; values stay elementwise.
    const big = tf.random.uniform([5000], -0.99, 0.99, { seed: 3 });
    assertAllClose(tf.sinh(tf.asinh(big)), big, { rtol: 1e-5, atol: 1e-6 });
  });
}

test("outside their domains the inverse functions give NaN and +-Infinity, as numpy", () => {
  assert.ok(Number.isNaN(tf.asin(tf.constant([2], "float32")).dataSync()[0]));
  assert.equal(tf.atanh(tf.constant([1, -1], "float64")).dataSync()[0], Infinity);
  assert.equal(tf.atanh(tf.constant([1, -1], "float64")).dataSync()[1], -Infinity);
  assert.ok(Number.isNaN(tf.acosh(tf.constant([0.5], "float32")).dataSync()[0]));
  assert.equal(tf.log2(tf.constant([0], "float32")).dataSync()[0], -Infinity);
});

test("gradients of the new elementwise functions match finite differences, and second derivatives too", () => {
  const inside = (seed: number): tf.Tensor => tf.random.uniform([2, 3], -0.8, 0.8, { dtype: "float64", seed });
  for (const f of [tf.tan, tf.sinh, tf.cosh, tf.asin, tf.acos, tf.atan, tf.asinh, tf.atanh]) checkGradients(f, [inside(11)]);
  for (const f of [tf.log2, tf.log10]) checkGradients(f, [away([2, 3], 12)]);
  checkGradients(tf.acosh, [tf.add(away([2, 3], 13), 1)]);
  checkGradients((a, b) => tf.atan2(a, b), [rnd([2, 3], 14), rnd([3], 15)]);
  // d2/dx2 tan(x) = 2 tan(x) (1 + tan^2 x); at x = 0.5.
  const d2 = tf.grad((x: tf.Tensor) => tf.grad((y: tf.Tensor) => tf.tan(y))(x))(tf.constant([0.5], "float64")).item();
  const t = Math.tan(0.5);
  assert.ok(Math.abs(d2 - 2 * t * (1 + t * t)) < 1e-12, `second derivative of tan: ${d2}`);
});

test("new elementwise functions refuse integers, and atan2 refuses mixed dtypes", () => {
  assert.throws(() => tf.tan(tf.constant([1, 2], "int32")), /tan: x must be float32 or float64, got int32/);
  assert.throws(() => tf.atan2(tf.constant([1], "int32"), tf.constant([1], "int32")), /atan2: a must be float32 or float64/);
  assert.throws(() => tf.atan2(tf.constant([1], "float32"), tf.constant([1], "float64")), /atan2: operands have different dtypes/);
});

// ---------------------------------------------------------------- isFinite, isInf, nanToNum, logicalXor

test("isFinite, isInf, nanToNum and logicalXor", () => {
  const x = tf.constant([NaN, Infinity, -Infinity, 1.5, 0], "float32");
  assert.deepEqual(tf.isFinite(x).arraySync(), [false, false, false, true, true]);
  assert.deepEqual(tf.isInf(x).arraySync(), [false, true, true, false, false]);
  assert.deepEqual(x.isInf().arraySync(), [false, true, true, false, false]);
  // np.nan_to_num(float32): the dtype's largest finite values for the infinities.
  assert.deepEqual(tf.nanToNum(x).arraySync(), [0, 3.4028234663852886e38, -3.4028234663852886e38, 1.5, 0]);
  assert.deepEqual(tf.nanToNum(x, { nan: -1, posinf: 9, neginf: -9 }).arraySync(), [-1, 9, -9, 1.5, 0]);
  assert.deepEqual(tf.nanToNum(tf.constant([Infinity], "float64")).arraySync(), [Number.MAX_VALUE]);
  const ints = tf.constant([1, 2], "int32");
  assert.equal(tf.nanToNum(ints), ints, "integers have nothing to replace");
  assert.throws(() => tf.isInf(ints), /isInf: x must be float32 or float64, got int32/);
  assert.deepEqual(tf.logicalXor(tf.constant([true, true, false, false]), tf.constant([true, false, true, false])).arraySync(), [false, true, true, false]);
  assert.throws(() => tf.logicalXor(tf.constant([1]), tf.constant([0])), /logicalXor: needs bool tensors, got int32/);
  // The gradient passes where x is finite and is 0 where a value was replaced.
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.nanToNum(t), 3)))(tf.constant([NaN, 2, Infinity], "float64"));
  assert.deepEqual(g.arraySync(), [0, 3, 0]);
});

/** tf.where's expected values element by element: cond [n, m] against a [n, m] or [m] or a scalar. */
function whereByHand<V>(cond: boolean[][], a: (i: number, j: number) => V, b: (i: number, j: number) => V): V[][] {
  return cond.map((row, i) => row.map((c, j) => (c ? a(i, j) : b(i, j))));
}

for (const backend of ["js", "native"]) {
  testOnBackend(backend, `where keeps every value exactly on int32, float32 (NaN, -0), float64, bool and int64, scalars and broadcasting included (${backend})`, () => {
    // 80 x 64 = 5120 elements: past the size from which the native backend calls its addon.
    const n = 80, m = 64;
    const cond = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => (i * 31 + j * 7) % 5 < 2));
    const c = tf.constant(cond, [n, m], "bool");
    const ints = (i: number, j: number): number => [-2147483648, 2147483647, -1, 1, 0][(i + j) % 5] ^ (i * 1000 + j);
    const x = tf.constant(cond.map((r, i) => r.map((_, j) => ints(i, j))), [n, m], "int32");
    // int32 scalars (the PixelCNN binarization), a scalar and a full tensor, a broadcast row.
    assert.deepEqual(tf.where(c, 0, 1).arraySync(), whereByHand(cond, () => 0, () => 1));
    assert.deepEqual(tf.where(c, x, -7).arraySync(), whereByHand(cond, ints, () => -7));
    assert.deepEqual(tf.where(c, 2147483647, x).arraySync(), whereByHand(cond, () => 2147483647, ints));
    const row = tf.constant(Array.from({ length: m }, (_, j) => j * 3 - 100), [m], "int32");
    assert.deepEqual(tf.where(c, row, x).arraySync(), whereByHand(cond, (_, j) => j * 3 - 100, ints));
    // float32 NaN and -0 pass through; float64 too.
    const floats = (i: number, j: number): number => [Number.NaN, -0, 2 ** -149, -3.4028234663852886e38, 0.5][(i + j) % 5];
    for (const dtype of ["float32", "float64"] as const) {
      const f = tf.constant(cond.map((r, i) => r.map((_, j) => floats(i, j))), [n, m], dtype);
      // assert/strict compares numbers with Object.is: -0 must stay -0, NaN NaN.
      assert.deepEqual(tf.where(c, f, Number.NaN).arraySync(), whereByHand(cond, floats, () => Number.NaN), dtype);
      assert.deepEqual(tf.where(c, -0, f).arraySync(), whereByHand(cond, () => -0, floats), dtype);
    }
    // bool operands, one of them broadcast.
    const bools = tf.logicalNot(c);
    assert.deepEqual(tf.where(c, bools, tf.constant([true], [1], "bool")).arraySync(), whereByHand(cond, () => false, () => true));
    // int64 beyond 2^53.
    const big = tf.constant([2n ** 62n + 1n, -(2n ** 63n)], [2], "int64");
    assert.deepEqual(tf.where(tf.constant([true, false], [2], "bool"), big, tf.constant([5n, 6n], [2], "int64")).dataSync(), BigInt64Array.of(2n ** 62n + 1n, 6n));
  });
}
