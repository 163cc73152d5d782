import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { initializers } from "./index.js";

function stats(t: tf.Tensor): { mean: number; std: number; maxAbs: number; min: number; max: number } {
  const d = t.dataSync() as Float32Array | Float64Array;
  let s = 0, s2 = 0, maxAbs = 0, min = Infinity, max = -Infinity;
  for (const v of d) {
    s += v;
    s2 += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), maxAbs, min, max };
}

/** The standard deviation of N(0, 1) truncated to [-2, 2] (the constant Keras divides by). */
const TRUNC = 0.87962566103423978;

function assertNear(actual: number, expected: number, relTol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relTol * Math.abs(expected), `${what}: got ${actual}, expected ${expected} (±${relTol * 100}%)`);
}

test("computeFans: dense [in, out], conv [kh, kw, in, out] with receptive field kh*kw, vectors, scalars", () => {
  assert.deepEqual(initializers.computeFans([784, 256]), [784, 256]);
  assert.deepEqual(initializers.computeFans([3, 3, 32, 64]), [3 * 3 * 32, 3 * 3 * 64]);
  assert.deepEqual(initializers.computeFans([5, 5, 1, 6]), [25, 150]);
  assert.deepEqual(initializers.computeFans([7]), [7, 7]);
  assert.deepEqual(initializers.computeFans([]), [1, 1]);
});

test("he_normal on a conv kernel: truncated at 2 stddevs of sqrt(2 / fan_in) / 0.8796, sample std sqrt(2 / fan_in)", () => {
  const shape = [3, 3, 64, 128];
  const fanIn = 3 * 3 * 64;
  const t = initializers.HeNormal({ seed: 1 }).call(shape);
  assert.deepEqual(t.shape, shape);
  assert.equal(t.dtype, "float32");
  const s = stats(t);
  const sigma = Math.sqrt(2 / fanIn) / TRUNC;
  assertNear(s.std, Math.sqrt(2 / fanIn), 0.02, "std");
  assert.ok(Math.abs(s.mean) < 4 * s.std / Math.sqrt(t.size), `mean ${s.mean}`);
  assert.ok(s.maxAbs <= 2 * sigma * (1 + 1e-6), `max |x| ${s.maxAbs} beyond 2 sigma ${2 * sigma}`);
  assert.ok(s.maxAbs > 1.9 * sigma, `max |x| ${s.maxAbs}: the tails should reach near 2 sigma`);
});

test("glorot_uniform on a dense kernel: limit sqrt(6 / (fan_in + fan_out)), std limit / sqrt(3)", () => {
  // The unseeded draws come from a fixed global seed so that the moment checks cannot fail by chance.
  tf.random.setSeed(11);
  const t = initializers.get("glorot_uniform").call([784, 256]);
  const limit = Math.sqrt(6 / (784 + 256));
  const s = stats(t);
  // The bounds are float32's: float32(-limit) may lie just below -limit.
  assert.ok(s.min >= -Math.fround(limit) && s.max < Math.fround(limit), `range [${s.min}, ${s.max}] vs limit ${limit}`);
  assert.ok(s.max > 0.99 * limit && s.min < -0.99 * limit, "values should fill the interval");
  assertNear(s.std, limit / Math.sqrt(3), 0.02, "std");
});

test("the other variance-scaling initializers: he_uniform, lecun_*, glorot_normal on dense and conv shapes", () => {
  // The unseeded draws come from a fixed global seed so that the moment checks cannot fail by chance.
  tf.random.setSeed(12);
  const conv = [3, 3, 32, 64];
  const [fi, fo] = [288, 576];
  const cases: [string, number[], (s: ReturnType<typeof stats>) => void][] = [
    ["he_uniform", conv, (s) => {
      const limit = Math.sqrt(6 / fi);
      assert.ok(s.maxAbs <= Math.fround(limit) && s.maxAbs > 0.99 * limit, `he_uniform max ${s.maxAbs} vs ${limit}`);
      assertNear(s.std, limit / Math.sqrt(3), 0.03, "he_uniform std");
    }],
    ["lecun_uniform", conv, (s) => {
      const limit = Math.sqrt(3 / fi);
      assert.ok(s.maxAbs <= Math.fround(limit) && s.maxAbs > 0.99 * limit, `lecun_uniform max ${s.maxAbs} vs ${limit}`);
    }],
    ["lecun_normal", conv, (s) => {
      assertNear(s.std, Math.sqrt(1 / fi), 0.03, "lecun_normal std");
      assert.ok(s.maxAbs <= 2 * Math.sqrt(1 / fi) / TRUNC * (1 + 1e-6));
    }],
    ["glorot_normal", conv, (s) => {
      assertNear(s.std, Math.sqrt(2 / (fi + fo)), 0.03, "glorot_normal std");
      assert.ok(s.maxAbs <= 2 * Math.sqrt(2 / (fi + fo)) / TRUNC * (1 + 1e-6));
    }],
    ["he_normal", [500, 300], (s) => assertNear(s.std, Math.sqrt(2 / 500), 0.03, "he_normal dense std")],
  ];
  for (const [name, shape, check] of cases) check(stats(initializers.get(name).call(shape)));
});

test("random_normal, random_uniform, truncated_normal defaults; variance_scaling modes and distributions", () => {
  // The unseeded draws come from a fixed global seed so that the moment checks cannot fail by chance.
  tf.random.setSeed(13);
  const n = stats(initializers.get("random_normal").call([200, 200]));
  assertNear(n.std, 0.05, 0.02, "random_normal std");
  assert.ok(Math.abs(n.mean) < 0.001);
  const u = stats(initializers.get("random_uniform").call([200, 200]));
  assert.ok(u.min >= Math.fround(-0.05) && u.max < Math.fround(0.05) && u.max > 0.0499, `range [${u.min}, ${u.max}]`);
  const tn = stats(initializers.get("truncated_normal").call([200, 200]));
  assertNear(tn.std, 0.05 * TRUNC, 0.02, "truncated_normal std");
  assert.ok(tn.maxAbs <= 0.1 + 1e-7);
  const custom = initializers.RandomNormal({ mean: 3, stddev: 0.5, seed: 2 }).call([100, 100], "float64");
  assert.equal(custom.dtype, "float64");
  const cs = stats(custom);
  assertNear(cs.mean, 3, 0.005, "mean");
  assertNear(cs.std, 0.5, 0.03, "std");

  const vsOut = stats(initializers.VarianceScaling({ scale: 3, mode: "fan_out", distribution: "untruncated_normal", seed: 3 }).call([100, 400]));
  assertNear(vsOut.std, Math.sqrt(3 / 400), 0.02, "fan_out untruncated std");
  assert.ok(vsOut.maxAbs > 3 * Math.sqrt(3 / 400), "an untruncated normal reaches beyond 2 sigma");
  const vsAvg = stats(initializers.VarianceScaling({ scale: 2, mode: "fan_avg", distribution: "uniform", seed: 4 }).call([100, 300]));
  const limit = Math.sqrt(3 * 2 / 200);
  assert.ok(vsAvg.maxAbs <= Math.fround(limit) && vsAvg.maxAbs > 0.99 * limit);
  const p = initializers.VarianceScaling({ distribution: "normal" });
  assert.equal(p.distribution, "truncated_normal");
  assert.equal(p.parameters([4, 9]).stddev, Math.sqrt(1 / 4) / TRUNC);
});

test("orthogonal: Q^T Q = I for tall and conv shapes, Q Q^T = I for wide ones, gain scales", () => {
  const check = (m: tf.Tensor, n: number, scale: number, what: string): void => {
    const d = m.dataSync();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const e = i === j ? scale : 0;
        assert.ok(Math.abs(Number(d[i * n + j]) - e) < 1e-5, `${what}[${i}, ${j}] = ${d[i * n + j]}, expected ${e}`);
      }
    }
  };
  const tall = initializers.Orthogonal({ seed: 5 }).call([64, 32]);
  assert.equal(tall.dtype, "float32");
  check(tf.matmul(tall, tall, true, false), 32, 1, "tall Q^T Q");
  const wide = initializers.get("orthogonal").call([16, 40], "float64");
  check(tf.matmul(wide, wide, false, true), 16, 1, "wide Q Q^T");
  const conv = initializers.Orthogonal({ seed: 6 }).call([3, 3, 4, 8]);
  assert.deepEqual(conv.shape, [3, 3, 4, 8]);
  const flat = tf.reshape(conv, [36, 8]);
  check(tf.matmul(flat, flat, true, false), 8, 1, "conv Q^T Q");
  const g = initializers.Orthogonal({ gain: 2, seed: 7 }).call([10, 10], "float64");
  check(tf.matmul(g, g, true, false), 10, 4, "gain 2");
  assert.throws(() => initializers.Orthogonal().call([5]), /at least 2 axes/);
});

test("seeds: a seeded initializer repeats; unseeded ones draw their seed from tf.random.setSeed's generator", () => {
  const a = initializers.HeNormal({ seed: 42 }).call([4, 5]);
  const b = new initializers.HeNormal({ seed: 42 }).call([4, 5]);
  assert.deepEqual([...a.dataSync()], [...b.dataSync()]);
  assert.notDeepEqual([...a.dataSync()], [...initializers.HeNormal({ seed: 43 }).call([4, 5]).dataSync()]);

  tf.random.setSeed(7);
  const i1 = initializers.get("glorot_uniform");
  const i2 = initializers.get("glorot_uniform");
  const v1 = [...i1.call([3, 3]).dataSync()];
  const v2 = [...i2.call([3, 3]).dataSync()];
  assert.notDeepEqual(v1, v2, "two unseeded initializers differ");
  assert.deepEqual([...i1.call([3, 3]).dataSync()], v1, "as in Keras 3, the same initializer repeats its values");
  tf.random.setSeed(7);
  assert.deepEqual([...initializers.get("glorot_uniform").call([3, 3]).dataSync()], v1, "setSeed repeats the sequence");
  assert.deepEqual([...initializers.get("glorot_uniform").call([3, 3]).dataSync()], v2);
});

test("zeros, ones, constant, identity, and dtypes", () => {
  assert.deepEqual(initializers.get("zeros").call([2, 2]).arraySync(), [[0, 0], [0, 0]]);
  const ones = initializers.Ones().call([3], "int32");
  assert.equal(ones.dtype, "int32");
  assert.deepEqual(ones.arraySync(), [1, 1, 1]);
  assert.deepEqual(initializers.Constant({ value: 0.5 }).call([2]).arraySync(), [0.5, 0.5]);
  assert.deepEqual(initializers.get({ className: "Constant", config: { value: 3 } }).call([1, 2], "int32").arraySync(), [[3, 3]]);
  assert.deepEqual(initializers.Identity({ gain: 2 }).call([2, 3]).arraySync(), [[2, 0, 0], [0, 2, 0]]);
  assert.throws(() => initializers.HeNormal().call([2, 2], "int32"), /he|HeNormal.*float dtype/i);
  assert.throws(() => initializers.Constant({ value: 0.5 }).call([2], "int32"), /not an integer/);
});

test("get: snake_case, CamelCase, aliases, { className, config }, Keras' class_name, objects, functions", () => {
  const pairs: [string, string][] = [
    ["he_normal", "HeNormal"], ["HeNormal", "HeNormal"], ["glorot_uniform", "GlorotUniform"], ["GlorotNormal", "GlorotNormal"],
    ["he_uniform", "HeUniform"], ["lecun_normal", "LecunNormal"], ["lecun_uniform", "LecunUniform"], ["orthogonal", "OrthogonalInitializer"],
    ["random_normal", "RandomNormal"], ["normal", "RandomNormal"], ["uniform", "RandomUniform"], ["truncated_normal", "TruncatedNormal"],
    ["zeros", "Zeros"], ["zero", "Zeros"], ["one", "Ones"], ["constant", "Constant"], ["variance_scaling", "VarianceScaling"],
    ["identity", "IdentityInitializer"],
  ];
  for (const [name, cls] of pairs) assert.equal(initializers.get(name).className, cls, name);
  const fromConfig = initializers.get({ className: "VarianceScaling", config: { scale: 2, mode: "fan_out", distribution: "uniform", seed: 9 } });
  assert.ok(fromConfig instanceof initializers.VarianceScaling);
  assert.deepEqual(fromConfig.getConfig(), { seed: 9, scale: 2, mode: "fan_out", distribution: "uniform" });
  const kerasJson = initializers.get({ class_name: "RandomUniform", config: { minval: -1, maxval: 1, seed: null } });
  assert.deepEqual(kerasJson.getConfig(), { seed: null, minval: -1, maxval: 1 });
  const obj = initializers.HeUniform({ seed: 1 });
  assert.equal(initializers.get(obj), obj);
  const fn = initializers.get((shape, dtype) => tf.fill(shape, 7, dtype));
  assert.deepEqual(fn.call([2]).arraySync(), [7, 7]);
  const fromTensor = initializers.get(tf.constant([[1, 2]]));
  assert.deepEqual(fromTensor.call([1, 2]).arraySync(), [[1, 2]]);
  assert.throws(() => fromTensor.call([2, 1]), /shape/);
});

test("getConfig uses Keras' keys and round-trips through serialize/get", () => {
  assert.deepEqual(initializers.GlorotUniform().getConfig(), { seed: null });
  assert.deepEqual(initializers.HeNormal({ seed: 3 }).serialize(), { className: "HeNormal", config: { seed: 3 } });
  assert.deepEqual(initializers.RandomNormal().getConfig(), { seed: null, mean: 0, stddev: 0.05 });
  assert.deepEqual(initializers.TruncatedNormal().getConfig(), { seed: null, mean: 0, stddev: 0.05 });
  assert.deepEqual(initializers.RandomUniform().getConfig(), { seed: null, minval: -0.05, maxval: 0.05 });
  assert.deepEqual(initializers.VarianceScaling().getConfig(), { seed: null, scale: 1, mode: "fan_in", distribution: "truncated_normal" });
  assert.deepEqual(initializers.Orthogonal().getConfig(), { seed: null, gain: 1 });
  assert.deepEqual(initializers.Zeros().getConfig(), {});
  for (const init of [initializers.LecunNormal({ seed: 11 }), initializers.Orthogonal({ gain: 3, seed: 2 }), initializers.Constant({ value: 2 })]) {
    const back = initializers.get(init.serialize());
    assert.equal(back.className, init.className);
    assert.deepEqual(back.getConfig(), init.getConfig());
    assert.deepEqual([...back.call([3, 2]).dataSync()], [...init.call([3, 2]).dataSync()]);
  }
});

test("errors name the initializer, list valid names, and reject bad arguments", () => {
  assert.throws(() => initializers.get("he_norma"), (e: Error) =>
    /unknown initializer "he_norma"/.test(e.message) && /Did you mean "he_normal"/.test(e.message) &&
    /"glorot_uniform"/.test(e.message) && /"Orthogonal"/.test(e.message));
  assert.throws(() => initializers.get({ className: "HeNormal", config: { scale: 2 } }), /HeNormal: unknown config key "scale"/);
  assert.throws(() => initializers.VarianceScaling({ scale: -1 }), /scale must be a positive/);
  assert.throws(() => initializers.VarianceScaling({ mode: "fan_x" as "fan_in" }), /mode "fan_x"/);
  assert.throws(() => initializers.VarianceScaling({ distribution: "cauchy" as "uniform" }), /distribution "cauchy"/);
  assert.throws(() => initializers.RandomUniform({ minval: 1, maxval: 0 }), /minval 1 must be smaller/);
  assert.throws(() => initializers.HeNormal({ seed: 1.5 }), /seed must be an integer/);
  assert.throws(() => initializers.get(42 as unknown as string), /cannot interpret 42/);
});

test("Keras 3.5's export names: OrthogonalInitializer/orthogonal, IdentityInitializer/identity, their snake_case forms", () => {
  assert.ok(initializers.OrthogonalInitializer({ seed: 1 }) instanceof initializers.Orthogonal);
  assert.ok(initializers.orthogonal({ seed: 1 }) instanceof initializers.Orthogonal);
  assert.deepEqual(initializers.IdentityInitializer({ gain: 3 }).call([2, 2]).arraySync(), [[3, 0], [0, 3]]);
  assert.deepEqual(initializers.identity().call([1, 2]).arraySync(), [[1, 0]]);
  // keras.initializers.serialize(keras.initializers.Identity(2.0)) in Keras 3.5: class_name "IdentityInitializer".
  assert.equal(initializers.Identity({ gain: 2 }).serialize().className, "IdentityInitializer");
  assert.ok(initializers.get("orthogonal_initializer") instanceof initializers.Orthogonal);
  assert.equal((initializers.get({ className: "IdentityInitializer", config: { gain: 2 } }) as initializers.Identity).gain, 2);
  assert.ok(initializers.get("identity_initializer") instanceof initializers.Identity);
});

test("initializers.STFT gives Keras 3.15's windowed DFT kernels (values from numpy and scipy.signal.get_window)", () => {
  const values = (t: tf.Tensor): number[] => Array.from(t.dataSync() as Float32Array, (v) => Math.round(v * 1e8) / 1e8 + 0);
  const hann = tf.initializers.STFT({ side: "real", window: "hann", scaling: "density" }).call([4, 1, 3]);
  assert.deepEqual(values(hann), [0, 0, 0, 0.70710677, 0, -0.70710677, 0.70710677, -0.70710677, 0.70710677, 0, 0, 0]);
  const hamming = tf.initializers.STFTInitializer({ side: "imag", window: "hamming", scaling: "spectrum", periodic: true }).call([5, 1, 4]);
  assert.deepEqual(values(hamming), [0, 0, 0, 0, 0, -0.12761115, -0.12761115, 0, 0, -0.29257154, 0.29257154, 0, 0, 0, 0, 0, 0, 0.12761115, -0.12761115, 0]);
  assert.deepEqual(values(tf.initializers.get({ className: "stft", config: { window: null, scaling: null } }).call([3, 1, 3])), [1, 1, 1, 1, 0, -1, 1, -1, 1]);
  // Every channel gets the same kernel; the config round-trips under Keras' keys.
  const two = tf.initializers.STFT({ window: [1, 2, 3] }).call([3, 2, 2]).dataSync();
  assert.deepEqual([two[0], two[1]], [two[2], two[3]]);
  assert.deepEqual(tf.initializers.STFT({ window: "hamming" }).getConfig(), { side: "real", window: "hamming", scaling: "density", periodic: false });
  assert.throws(() => tf.initializers.STFT({ window: "kaiser" as "hann" }), /initializers\.STFT: window must be "hann", "hamming", a list of frameLength numbers or null, got "kaiser"/);
  assert.throws(() => tf.initializers.STFT({ window: [1, 2] }).call([3, 1, 2]), /the window has 2 values but frameLength \(shape\[0\]\) is 3/);
});
