import { test } from "node:test";
import assert from "node:assert/strict";
import { confidenceBand, tCdf, tQuantile, logGamma } from "./stats.js";

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("tQuantile matches scipy.stats.t.ppf", () => {
  // scipy 1.17: stats.t.ppf(q, df)
  const cases: [number, number, number][] = [
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 4, 2.7764451051977934],
    [0.975, 9, 2.262157162798205],
    [0.995, 3, 5.840909309733355],
    [0.95, 29, 1.6991270265334972],
    [0.975, 199, 1.9719565442517533],
  ];
  for (const [p, df, want] of cases) close(tQuantile(p, df), want, 1e-9 * want, `t(${p}, ${df})`);
  assert.equal(tQuantile(0.975, 2).toFixed(3), "4.303");
  close(tQuantile(0.025, 2), -4.302652729749462, 1e-9, "lower tail is symmetric");
  assert.equal(tQuantile(0.5, 7), 0);
  for (const df of [3, 5.5, 30]) for (const p of [0.6, 0.9, 0.999]) close(tCdf(tQuantile(p, df), df), p, 1e-12, `cdf(ppf(${p}), ${df})`);
  close(logGamma(5), Math.log(24), 1e-13, "lnΓ(5)");
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, "lnΓ(1/2)");
});

test("tQuantile rejects impossible arguments", () => {
  assert.throws(() => tQuantile(0.975, 0), /degrees of freedom must be positive, got 0; a confidence interval needs at least two runs/);
  assert.throws(() => tQuantile(1.5, 3), /probability must be within \[0, 1\], got 1.5/);
});

test("confidenceBand: mean ± t · s / √n over runs, by hand", () => {
  const t2 = 4.302652729749462;
  const b = confidenceBand([[1, 2], [2, 4], [3, 6]]);
  assert.deepEqual(b.mean, [2, 4]);
  assert.deepEqual(b.count, [3, 3]);
  close(b.std[0], 1, 1e-15, "std epoch 0");
  close(b.std[1], 2, 1e-15, "std epoch 1");
  close(b.upper[0], 2 + t2 / Math.sqrt(3), 1e-9, "upper epoch 0");
  close(b.lower[0], 2 - t2 / Math.sqrt(3), 1e-9, "lower epoch 0");
  close(b.upper[1], 4 + (2 * t2) / Math.sqrt(3), 1e-9, "upper epoch 1");
  // two runs, 90%: t(0.95, 1) = 6.313751514675043; values 0.5 and 0.7: s = 0.1414..., half = 6.3138 * s / √2 = 0.63138
  const b90 = confidenceBand([[0.5], [0.7]], 0.9);
  close(b90.mean[0], 0.6, 1e-15, "mean");
  close(b90.upper[0] - b90.mean[0], 0.6313751514675043 * 1, 1e-9, "half-width");
});

test("confidenceBand: runs of different lengths and missing values count only the runs that reached the epoch", () => {
  const b = confidenceBand([[1, 2, 3], [3, 4], [5, NaN, 9]]);
  assert.deepEqual(b.count, [3, 2, 2]);
  assert.deepEqual(b.mean, [3, 3, 6]);
  const one = confidenceBand([[1, 2, 3], [3, 4]]);
  assert.equal(one.count[2], 1);
  assert.equal(one.mean[2], 3);
  assert.ok(Number.isNaN(one.lower[2]) && Number.isNaN(one.upper[2]), "one run gives no interval");
  assert.throws(() => confidenceBand([], 0.95), /no runs given/);
  assert.throws(() => confidenceBand([[1]], 1), /ci must be strictly between 0 and 1/);
});
