/**
 * Axis ticks at "nice" numbers (1, 2, 2.5, 5 times a power of ten), their labels, and the
 * automatic axis range (the data range widened by a margin, as matplotlib's 5% margins).
 */

const STEPS = [1, 2, 2.5, 5, 10];

export interface TickOptions {
  /** At most this many ticks (default 8). */
  maxTicks?: number;
  /** Only whole-number steps (epochs, pixel indices, class indices). */
  integer?: boolean;
}

/** The tick step for a range: the smallest nice step giving at most `maxTicks` ticks. */
export function niceStep(lo: number, hi: number, opts: TickOptions = {}): number {
  const maxTicks = Math.max(2, opts.maxTicks ?? 8);
  const span = Math.abs(hi - lo);
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const rough = span / (maxTicks - 1);
  const mag = 10 ** Math.floor(Math.log10(rough));
  for (let e = 0; e < 3; e++) {
    for (const s of STEPS) {
      const step = s * mag * 10 ** e;
      if (opts.integer && (step < 1 || Math.abs(step - Math.round(step)) > 1e-9)) continue;
      if (Math.floor(hi / step + 1e-9) - Math.ceil(lo / step - 1e-9) + 1 <= maxTicks) return step;
    }
  }
  return opts.integer ? Math.max(1, Math.ceil(rough)) : rough;
}

/** Tick values inside [min(lo, hi), max(lo, hi)], in increasing order. */
export function niceTicks(lo: number, hi: number, opts: TickOptions = {}): number[] {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  if (!(b > a)) return Number.isFinite(a) ? [a] : [];
  const step = niceStep(a, b, opts);
  const first = Math.ceil(a / step - 1e-9);
  const last = Math.floor(b / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(cleanFloat(i * step));
  return ticks;
}

/** Rounds away binary noise such as 0.30000000000000004. */
function cleanFloat(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(12));
}

/** Number of decimals that shows every tick of step `step` exactly. */
export function decimalsFor(step: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 12;
}

/** Labels for ticks: the same number of decimals for all of them, never "-0". */
export function formatTicks(ticks: readonly number[]): string[] {
  if (ticks.length === 0) return [];
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0]) || 1;
  const big = Math.max(...ticks.map(Math.abs));
  if (big >= 1e6 || (big > 0 && big < 1e-4)) return ticks.map((t) => (t === 0 ? "0" : Number(t.toPrecision(4)).toExponential()));
  const d = decimalsFor(step);
  return ticks.map((t) => {
    const s = t.toFixed(d);
    return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
  });
}

/** A value as a short label: integers as they are, others with `digits` significant digits. */
export function formatValue(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  const a = Math.abs(v);
  if (a >= 1e7 || a < 1e-3) return v.toExponential(digits - 1);
  const d = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return String(Number(v.toFixed(d)));
}

/**
 * The automatic range of an axis showing [lo, hi]: widened by `margin` of the span on each side
 * (matplotlib's 5%); a single value gets a unit-wide (or 10%-wide) range around it.
 */
export function autoRange(lo: number, hi: number, margin = 0.05): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * margin;
  return [lo - pad, hi + pad];
}
