/**
 * Keras 3.5's approximate-quantile summary, which Discretization.adapt learns its bin boundaries
 * with: a summary is a list of (value, weight) pairs sorted by value. The arithmetic follows
 * Keras' numpy code step by step (float32 values and weights, float64 percentages and
 * interpolation, float32 running sums) so that the boundaries come out bit for bit the same.
 */

export interface QuantileSummary {
  values: number[];
  weights: number[];
}

export const emptySummary = (): QuantileSummary => ({ values: [], weights: [] });

/**
 * Keras' summarize: from sorted float32 values, every step-th one from the increment-th on,
 * each weighted by the (fractional) step, where the increment is n * epsilon.
 */
export function summarize(sorted: readonly number[], epsilon: number): QuantileSummary {
  const n = sorted.length;
  const increment = n / (1 / epsilon);
  const step = Math.max(increment, 1);
  const first = Math.trunc(increment), stride = Math.trunc(step);
  const values: number[] = [];
  for (let i = first; i < n; i += stride) values.push(sorted[i]);
  const weight = Math.fround(step);
  return { values, weights: values.map(() => weight) };
}

/**
 * Keras' merge_summaries(next, prev): the pairs of both, sorted by value, compressed to epsilon.
 * Ties keep next's pairs first (a stable sort, where numpy's quicksort may order equal values of
 * different weights otherwise; only then can the boundaries differ in the last bits).
 */
export function mergeSummaries(next: QuantileSummary, prev: QuantileSummary, epsilon: number): QuantileSummary {
  const values = [...next.values, ...prev.values], weights = [...next.weights, ...prev.weights];
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  return compressSummary({ values: order.map((i) => values[i]), weights: order.map((i) => weights[i]) }, epsilon);
}

/** The boundaries of numBins bins of (approximately) equal weight: Keras' get_bin_boundaries. */
export function binBoundaries(summary: QuantileSummary, numBins: number): number[] {
  return compressSummary(summary, 1 / numBins).values.slice(0, -1);
}

/**
 * Keras' compress_summary: the values and weights at the cumulative-weight fractions epsilon,
 * 2 epsilon, ..., 1, interpolated linearly; summaries shorter than 1 / epsilon are kept as they are.
 */
export function compressSummary(summary: QuantileSummary, epsilon: number): QuantileSummary {
  const n = summary.values.length;
  if (n * epsilon < 1) return summary;
  // numpy's arange(0.0, 1.0, epsilon): ceil(1 / epsilon) entries i * epsilon.
  const count = Math.ceil(1 / epsilon);
  const percents = Array.from({ length: count }, (_, i) => epsilon + i * epsilon);
  const cum: number[] = [];
  let running = 0;
  for (const w of summary.weights) cum.push((running = Math.fround(running + w)));
  const total = cum[n - 1];
  const fractions = cum.map((c) => Math.fround(c / total));
  const bins = interp(percents, fractions, summary.values);
  const cumAt = interp(percents, fractions, cum);
  return {
    values: bins.map(Math.fround),
    weights: cumAt.map((c, i) => Math.fround(c - (i === 0 ? 0 : cumAt[i - 1]))),
  };
}

/** numpy.interp for increasing xp: fp[0] left of it, fp[last] right of it, the same float64 steps. */
export function interp(x: readonly number[], xp: readonly number[], fp: readonly number[]): number[] {
  const last = xp.length - 1;
  return x.map((v) => {
    if (v < xp[0]) return fp[0];
    if (v >= xp[last]) return fp[last];
    // The largest j with xp[j] <= v (so xp[j] <= v < xp[j + 1]).
    let lo = 0, hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xp[mid] <= v) lo = mid;
      else hi = mid;
    }
    if (xp[lo] === v) return fp[lo];
    const slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
    let r = slope * (v - xp[lo]) + fp[lo];
    if (Number.isNaN(r)) {
      r = slope * (v - xp[lo + 1]) + fp[lo + 1];
      if (Number.isNaN(r) && fp[lo] === fp[lo + 1]) r = fp[lo];
    }
    return r;
  });
}
