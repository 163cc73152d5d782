import { test } from "node:test";
import assert from "node:assert/strict";
import { RandomGenerator, normal, permutation, setSeed, shuffle, truncatedNormal, uniform } from "./random.js";
import { Tensor } from "./tensor.js";

test("xoshiro128** stream equals an independent Python implementation (seed 42)", () => {
  const g = new RandomGenerator(42);
  assert.deepEqual([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()], [3704290710, 166753127, 957952423, 1464233848]);
});

test("setSeed makes draws repeat exactly", () => {
  setSeed(42);
  const a = normal([50]).dataSync().slice();
  const u = uniform([10]).dataSync().slice();
  setSeed(42);
  assert.deepEqual(normal([50]).dataSync(), a);
  assert.deepEqual(uniform([10]).dataSync(), u);
  setSeed(43);
  assert.notDeepEqual(normal([50]).dataSync(), a);
  assert.deepEqual(normal([5], 0, 1, { seed: 1 }).dataSync(), normal([5], 0, 1, { seed: 1 }).dataSync());
});

test("distributions have the right moments and bounds", () => {
  const n = 20000;
  const stats = (t: Tensor): { mean: number; std: number; min: number; max: number } => {
    const d = t.dataSync() as Float32Array;
    let s = 0, s2 = 0, mn = Infinity, mx = -Infinity;
    for (const v of d) { s += v; s2 += v * v; mn = Math.min(mn, v); mx = Math.max(mx, v); }
    const mean = s / d.length;
    return { mean, std: Math.sqrt(s2 / d.length - mean * mean), min: mn, max: mx };
  };
  const nrm = stats(normal([n], 2, 3, { seed: 5 }));
  assert.ok(Math.abs(nrm.mean - 2) < 0.1 && Math.abs(nrm.std - 3) < 0.1, JSON.stringify(nrm));
  const un = stats(uniform([n], -1, 3, { seed: 6 }));
  assert.ok(un.min >= -1 && un.max < 3 && Math.abs(un.mean - 1) < 0.05, JSON.stringify(un));
  // A standard normal truncated at +-2 has standard deviation 0.87962566 (the he_normal constant).
  const tn = stats(truncatedNormal([n], 0, 1, { seed: 7 }));
  assert.ok(tn.min >= -2 && tn.max <= 2 && Math.abs(tn.std - 0.87962566) < 0.02, JSON.stringify(tn));
  const ints = uniform([1000], 0, 10, { dtype: "int32", seed: 8 });
  assert.equal(ints.dtype, "int32");
  assert.ok([...ints.dataSync()].every((v) => Number(v) >= 0 && Number(v) < 10));
});

test("float32 uniform stays below float32(maxval) even when maxval itself rounds down to a float32", () => {
  // 1 + 1.2 ulp rounds down to 1 + 1 ulp; draws in [1 + 0.5 ulp, 1 + 1.2 ulp) would round onto it.
  const ulp = 2 ** -23;
  const maxval = 1 + 1.2 * ulp;
  assert.equal(Math.fround(maxval), 1 + ulp);
  const d = [...uniform([1000], 1, maxval, { seed: 9 }).dataSync()];
  assert.ok(d.every((v) => v >= 1 && v < Math.fround(maxval)), `values reached float32(maxval): ${d.filter((v) => v !== 1).length} of 1000`);
});

test("permutation and shuffle keep every element exactly once", () => {
  const p = [...permutation(100, 3)].sort((a, b) => a - b);
  assert.deepEqual(p, Array.from({ length: 100 }, (_, i) => i));
  const t = new Tensor(Int32Array.from([0, 1, 10, 11, 20, 21, 30, 31]), [4, 2], "int32");
  const s = shuffle(t, 9).arraySync() as number[][];
  assert.deepEqual(s.map((r) => r[1] - r[0]), [1, 1, 1, 1]);
  assert.deepEqual(s.map((r) => r[0]).sort((a, b) => a - b), [0, 10, 20, 30]);
});

test("reversed, non-finite or negative distribution parameters are refused, not drawn from", () => {
  assert.throws(() => uniform([3], 5, 1), /^RangeError: random\.uniform: needs finite minval <= maxval, got \[5, 1\); swap them/);
  assert.throws(() => uniform([3], 0, Infinity), /random\.uniform: needs finite minval <= maxval, got \[0, Infinity\)/);
  assert.throws(() => normal([3], 0, -1), /^RangeError: random\.normal: needs a finite mean and a finite stddev >= 0, got mean 0, stddev -1/);
  assert.throws(() => truncatedNormal([3], NaN, 1), /random\.truncatedNormal: .*got mean NaN, stddev 1/);
  // Degenerate but valid: an empty interval or a zero spread gives the constant.
  assert.deepEqual(Array.from(uniform([2], 3, 3).dataSync() as Float32Array), [3, 3]);
  assert.deepEqual(Array.from(normal([2], 1.5, 0).dataSync() as Float32Array), [1.5, 1.5]);
});

test("uniform, normal and truncatedNormal take TensorFlow.js' positional dtype and seed, and refuse an argument they cannot read", () => {
  const ints = uniform([50], 0, 10, "int32");
  assert.equal(ints.dtype, "int32");
  assert.ok([...ints.dataSync()].every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 10));
  assert.deepEqual([...uniform([4], 0, 1, "float32", 7).dataSync()], [...uniform([4], 0, 1, { seed: 7 }).dataSync()]);
  assert.equal(normal([3], 0, 1, "float64").dtype, "float64");
  assert.deepEqual([...truncatedNormal([4], 0, 1, "float32", 3).dataSync()], [...truncatedNormal([4], 0, 1, { seed: 3 }).dataSync()]);
  assert.throws(() => uniform([2], 0, 1, 5 as never), /^TypeError: random\.uniform: the argument after the shape's two numbers is a dtype \("float32"\) or options \{ dtype, seed \}, got 5$/);
  assert.throws(() => normal([2], 0, 1, { dtype: "float32" }, 4), /^TypeError: random\.normal: a seed after an options object is not read; put it in the options, \{ seed: 4 \}$/);
  assert.throws(() => uniform([2], 0, 1, { dtyp: "int32" } as never), /^TypeError: random\.uniform: unknown option dtyp; valid options are dtype, seed$/);
});

test("utils.setRandomSeed (Keras' set_random_seed) seeds the same generator as random.setSeed", async () => {
  const { utils } = await import("../index.js");
  utils.setRandomSeed(5);
  const a = [...uniform([3]).dataSync()];
  setSeed(5);
  assert.deepEqual([...uniform([3]).dataSync()], a);
});
