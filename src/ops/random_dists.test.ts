import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

/**
 * Sample moments against the distribution's: each check allows 6 standard errors of the estimate
 * (from the sample size and the distribution's own moments), and the seeds are fixed, so the
 * tests are deterministic and a wrong distribution misses by far more.
 */
function moments(t: tf.Tensor): { mean: number; variance: number; n: number } {
  const d = t.dataSync() as Float32Array;
  let s = 0, s2 = 0;
  for (const v of d) { s += v; s2 += v * v; }
  const mean = s / d.length;
  return { mean, variance: s2 / d.length - mean * mean, n: d.length };
}

function near(what: string, got: number, want: number, se: number): void {
  assert.ok(Math.abs(got - want) <= 6 * se, `${what}: ${got} vs ${want} (6 standard errors = ${6 * se})`);
}

/** Standard error of the sample variance: sqrt((mu4 - sigma^4) / n). */
const varSe = (mu4: number, v: number, n: number): number => Math.sqrt((mu4 - v * v) / n);

test("random.gamma: mean alpha, variance alpha, for alpha above and below 1", () => {
  for (const alpha of [0.5, 2, 7.5]) {
    const m = moments(tf.random.gamma([100000], alpha, { seed: 3 }));
    near(`gamma(${alpha}) mean`, m.mean, alpha, Math.sqrt(alpha / m.n));
    // Gamma(a)'s fourth central moment: 3a^2 + 6a
    near(`gamma(${alpha}) variance`, m.variance, alpha, varSe(3 * alpha * alpha + 6 * alpha, alpha, m.n));
  }
  const t = tf.random.gamma([2, 3], 1, { dtype: "float64", seed: 1 });
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, "float64");
  assert.ok((t.dataSync() as Float64Array).every((v) => v > 0));
  assert.throws(() => tf.random.gamma([2], 0), /alpha must be > 0/);
});

test("random.beta: mean a/(a+b), variance ab/((a+b)^2 (a+b+1)); parameters broadcast", () => {
  const [a, b] = [2, 5];
  const m = moments(tf.random.beta([100000], a, b, { seed: 4 }));
  const mean = a / (a + b), v = (a * b) / ((a + b) ** 2 * (a + b + 1));
  near("beta mean", m.mean, mean, Math.sqrt(v / m.n));
  // values lie in [0, 1], so (x - mean)^4 <= max(mean, 1 - mean)^2 (x - mean)^2
  near("beta variance", m.variance, v, varSe(Math.max(mean, 1 - mean) ** 2 * v, v, m.n));
  const cols = tf.random.beta([50000, 2], tf.constant([1, 10]), 1, { seed: 5 });
  const c = cols.arraySync() as number[][];
  const mean0 = c.reduce((s, r) => s + r[0], 0) / c.length, mean1 = c.reduce((s, r) => s + r[1], 0) / c.length;
  near("beta(1,1) mean", mean0, 0.5, Math.sqrt(1 / 12 / c.length));
  near("beta(10,1) mean", mean1, 10 / 11, Math.sqrt(10 / (121 * 12) / c.length));
  assert.throws(() => tf.random.beta([2], tf.constant([1, 2, 3]), 1), /does not broadcast/);
});

test("random.beta with parameters far below 1 stays in [0, 1] (log-space gammas), where X / (X + Y) would be 0 / 0", () => {
  // Beta(a, a) for a -> 0 puts half its mass near 0 and half near 1.
  const t = tf.random.beta([20000], 1e-6, 1e-6, { dtype: "float64", seed: 8 });
  const d = Array.from(t.dataSync() as Float64Array);
  assert.ok(d.every((v) => v >= 0 && v <= 1), "no NaN, none outside [0, 1]");
  const m = moments(t);
  near("beta(1e-6, 1e-6) mean", m.mean, 0.5, Math.sqrt(0.25 / m.n));
  assert.ok(d.filter((v) => v < 1e-3 || v > 1 - 1e-3).length > 0.99 * d.length, "almost all the mass at the ends");
  // Beta(0.2, 0.2) (MixUp's default): mean 1/2, variance 1 / (4 (2 a + 1)).
  const small = moments(tf.random.beta([100000], 0.2, 0.2, { seed: 9 }));
  const v = 1 / (4 * 1.4);
  near("beta(0.2, 0.2) mean", small.mean, 0.5, Math.sqrt(v / small.n));
  near("beta(0.2, 0.2) variance", small.variance, v, varSe(0.25 * v, v, small.n));
});

test("random.binomial: mean np, variance np(1-p), in the inversion and counting regimes", () => {
  for (const [n, p] of [[10, 0.3], [200, 0.6], [1, 0.2]]) {
    const m = moments(tf.random.binomial([50000], n, p, { seed: 6 }));
    const v = n * p * (1 - p);
    near(`binomial(${n}, ${p}) mean`, m.mean, n * p, Math.sqrt(v / m.n));
    // fourth central moment: np(1-p)(1 + 3(n-2)p(1-p))
    near(`binomial(${n}, ${p}) variance`, m.variance, v, varSe(v * (1 + 3 * (n - 2) * p * (1 - p)), v, m.n));
  }
  const d = tf.random.binomial([1000], 7, 0.4, { seed: 2 }).dataSync() as Float32Array;
  assert.ok(d.every((x) => Number.isInteger(x) && x >= 0 && x <= 7));
  assert.deepEqual(tf.random.binomial([3], 5, 1).arraySync(), [5, 5, 5]);
  assert.throws(() => tf.random.binomial([2], 3, 1.5), /probabilities must be in \[0, 1\]/);
});

test("random.categorical: class frequencies follow softmax(logits) row by row", () => {
  const logits = tf.constant([[0, Math.log(3)], [Math.log(0.2), Math.log(0.3)]]);
  const s = tf.random.categorical(logits, 40000, { seed: 7 });
  assert.deepEqual(s.shape, [2, 40000]);
  assert.equal(s.dtype, "int32");
  const rows = s.arraySync() as number[][];
  const f0 = rows[0].filter((c) => c === 1).length / 40000, f1 = rows[1].filter((c) => c === 1).length / 40000;
  near("row 0 P(class 1)", f0, 0.75, Math.sqrt(0.75 * 0.25 / 40000));
  near("row 1 P(class 1)", f1, 0.6, Math.sqrt(0.6 * 0.4 / 40000));
  assert.deepEqual(tf.random.categorical(tf.constant([[-Infinity, 0, -Infinity]]), 5).arraySync(), [[1, 1, 1, 1, 1]]);
  assert.throws(() => tf.random.categorical(tf.constant([1, 2]), 3), /\[batch, classes\]/);
});

test("random.randint: every integer of [minval, maxval) about equally often, none outside", () => {
  const d = tf.random.randint([60000], -2, 4, { seed: 8 }).dataSync() as Int32Array;
  const counts = new Map<number, number>();
  for (const v of d) counts.set(v, (counts.get(v) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-2, -1, 0, 1, 2, 3]);
  for (const c of counts.values()) near("randint frequency", c / 60000, 1 / 6, Math.sqrt((1 / 6) * (5 / 6) / 60000));
  assert.throws(() => tf.random.randint([2], 3, 3), /minval < maxval/);
});

test("random.dropout: zeroes about rate of the values, scales the rest by 1/(1-rate)", () => {
  const out = tf.random.dropout(tf.ones([40000]), 0.25, { seed: 9 }).dataSync() as Float32Array;
  const kept = out.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
  near("kept fraction", kept.length / 40000, 0.75, Math.sqrt(0.75 * 0.25 / 40000));
  const cols = tf.random.dropout(tf.ones([4, 100]), 0.5, { noiseShape: [1, 100], seed: 1 }).arraySync() as number[][];
  assert.deepEqual(cols[1], cols[0]);
});

test("SeedGenerator: each draw advances its state, the same starting seed repeats the sequence", () => {
  const g1 = new tf.random.SeedGenerator(42);
  const a = tf.random.normal([4], 0, 1, { seed: g1 }).dataSync();
  const b = tf.random.normal([4], 0, 1, { seed: g1 }).dataSync();
  assert.notDeepEqual(a, b);
  const g2 = new tf.random.SeedGenerator(42);
  assert.deepEqual(tf.random.normal([4], 0, 1, { seed: g2 }).dataSync(), a);
  assert.deepEqual(tf.random.normal([4], 0, 1, { seed: g2 }).dataSync(), b);
  // an integer seed does not advance: the same draw each time
  assert.deepEqual(tf.random.uniform([3], 0, 1, { seed: 5 }).dataSync(), tf.random.uniform([3], 0, 1, { seed: 5 }).dataSync());
  const g3 = new tf.random.SeedGenerator(1), g4 = new tf.random.SeedGenerator(1);
  assert.deepEqual(tf.random.gamma([3], 2, { seed: g3 }).dataSync(), tf.random.gamma([3], 2, { seed: g4 }).dataSync());
  assert.notDeepEqual(tf.random.gamma([3], 2, { seed: g3 }).dataSync(), tf.random.gamma([3], 2, { seed: 1 }).dataSync());
  assert.deepEqual(g1.getConfig(), { seed: 42 });
  tf.random.setSeed(3);
  const s1 = new tf.random.SeedGenerator().seed;
  tf.random.setSeed(3);
  assert.equal(new tf.random.SeedGenerator().seed, s1);
  assert.throws(() => new tf.random.SeedGenerator(1.5), /integer/);
});

test("layers take a SeedGenerator as seed: Dropout and GaussianNoise draw from its stream", () => {
  const x = tf.ones([2, 50]);
  const d1 = tf.layers.Dropout({ rate: 0.5, seed: new tf.random.SeedGenerator(11) });
  const d2 = tf.layers.Dropout({ rate: 0.5, seed: new tf.random.SeedGenerator(11) });
  const a1 = (d1.apply(x, { training: true }) as tf.Tensor).arraySync(), b1 = (d1.apply(x, { training: true }) as tf.Tensor).arraySync();
  assert.notDeepEqual(a1, b1);
  assert.deepEqual((d2.apply(x, { training: true }) as tf.Tensor).arraySync(), a1);
  assert.equal(d1.getConfig().seed, 11);
  const n1 = tf.layers.GaussianNoise({ stddev: 1, seed: new tf.random.SeedGenerator(4) });
  const n2 = tf.layers.GaussianNoise({ stddev: 1, seed: new tf.random.SeedGenerator(4) });
  assert.deepEqual((n1.apply(x, { training: true }) as tf.Tensor).arraySync(), (n2.apply(x, { training: true }) as tf.Tensor).arraySync());
  assert.equal(n1.getConfig().seed, 4);
});
