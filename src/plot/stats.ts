/**
 * Statistics behind the learning-curve bands: Student's t quantile (computed, not tabulated: its
 * CDF through the regularized incomplete beta function, inverted by bisection) and the mean curve
 * of several runs with its confidence interval, mean ± t_{(1+ci)/2, n-1} · s / √n (s the sample
 * standard deviation, ddof = 1, as scipy.stats.sem).
 */
import { valueText } from "../tensor/value_text.js";

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 671/128, 14 terms, as Numerical Recipes 3rd ed.; ~1e-15). */
export function logGamma(x: number): number {
  const cof = [
    57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
    0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3,
    -0.210264441724104883e-3, 0.217439618115212643e-3, -0.164318106536763890e-3, 0.844182239838527433e-4,
    -0.261908384015814087e-4, 0.368991826595316234e-5,
  ];
  if (!(x > 0)) throw new RangeError(`logGamma: x must be positive, got ${valueText(x)}`);
  let y = x;
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = 0.999999999999997092;
  for (const c of cof) ser += c / ++y;
  return tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t distribution with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The quantile of Student's t distribution: the t with P(T ≤ t) = p (scipy's `stats.t.ppf(p, df)`).
 * `tQuantile(0.975, 2)` = 4.3027 (the 95% interval of three runs).
 */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`tQuantile: degrees of freedom must be positive, got ${valueText(df)}; a confidence interval needs at least two runs`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`tQuantile: probability must be within [0, 1], got ${valueText(p)}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) { lo = hi; hi *= 2; if (hi > 1e300) return Infinity; }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (tCdf(mid, df) < p) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The mean curve of several runs and its confidence band, epoch by epoch. */
export interface ConfidenceBand {
  mean: number[];
  /** mean − half-width; NaN where fewer than two runs reach the epoch. */
  lower: number[];
  /** mean + half-width; NaN where fewer than two runs reach the epoch. */
  upper: number[];
  /** Sample standard deviation (ddof = 1); NaN where fewer than two runs reach the epoch. */
  std: number[];
  /** How many runs have a finite value at each epoch. */
  count: number[];
}

/**
 * Mean and `ci` confidence interval over runs (each run one curve, values per epoch): at each epoch
 * mean ± t_{(1+ci)/2, n−1} · s / √n over the n runs with a finite value there. Runs may differ in
 * length (early stopping): an epoch counts the runs that reached it.
 */
export function confidenceBand(runs: readonly (readonly number[])[], ci = 0.95): ConfidenceBand {
  if (!(ci > 0 && ci < 1)) throw new RangeError(`confidenceBand: ci must be strictly between 0 and 1 (e.g. 0.95), got ${valueText(ci)}`);
  if (!Array.isArray(runs) || runs.length === 0) throw new Error("confidenceBand: no runs given; pass one array of values per run, e.g. [[0.9, 0.5], [0.8, 0.4]]");
  const len = Math.max(...runs.map((r) => r.length));
  const out: ConfidenceBand = { mean: [], lower: [], upper: [], std: [], count: [] };
  for (let e = 0; e < len; e++) {
    const vals = runs.map((r) => r[e]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    const n = vals.length;
    const mean = n ? vals.reduce((s, v) => s + v, 0) / n : NaN;
    let std = NaN;
    let half = NaN;
    if (n >= 2) {
      std = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
      half = (tQuantile((1 + ci) / 2, n - 1) * std) / Math.sqrt(n);
    }
    out.mean.push(mean);
    out.std.push(std);
    out.lower.push(mean - half);
    out.upper.push(mean + half);
    out.count.push(n);
  }
  return out;
}
