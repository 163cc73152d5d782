/**
 * Line and bar charts: `plot.history` (pandas' `DataFrame(history.history).plot()`),
 * `plot.learningCurves` (mean curves with confidence bands per group of runs) and `plot.bar`.
 */
import { Axes, legend, samplePolyline, ticksFor, type LegendEntry } from "./axes.js";
import { seriesColor } from "./colors.js";
import { Figure } from "./figure.js";
import { confidenceBand } from "./stats.js";
import { el, finiteRuns, linePath, num, svgDocument, text, textWidth } from "./svg.js";
import { autoRange, formatValue } from "./ticks.js";
import { valueText } from "../tensor/value_text.js";

/** Keras' History (what `fit` returns) or anything shaped like it. */
export interface HistoryLike {
  history: Record<string, readonly number[]>;
  epoch?: readonly number[];
}

export interface FigureSize {
  /** Width in pixels (SVG units); default 800. */
  width?: number;
  /** Height in pixels (SVG units); default 500. */
  height?: number;
}

export const DEFAULT_WIDTH = 800;
export const DEFAULT_HEIGHT = 500;

/** Checks a figure size option: a finite number within [100, 10000]. */
export function sizeOption(v: number | undefined, fallback: number, name: string, where: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 100 || v > 10000) {
    throw new RangeError(`${where}: ${name} must be a number of pixels between 100 and 10000, got ${valueText(v)}`);
  }
  return v;
}

/** Checks an axis range option: [low, high], finite, low < high. */
export function limOption(lim: unknown, name: string, where: string): [number, number] | undefined {
  if (lim === undefined) return undefined;
  if (!Array.isArray(lim) || lim.length !== 2 || !lim.every((v) => typeof v === "number" && Number.isFinite(v)) || !(lim[0] < lim[1])) {
    throw new RangeError(`${where}: ${name} must be [low, high] with low < high, e.g. [0, 1]; got ${valueText(lim)}`);
  }
  return [lim[0], lim[1]];
}

function numbers(values: unknown, what: string, where: string): number[] {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
    throw new TypeError(`${where}: ${what} must be an array of numbers, got ${values === null ? "null" : typeof values}`);
  }
  return Array.from(values as ArrayLike<unknown>, (v, i) => {
    if (v === null || v === undefined) return NaN;
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    throw new TypeError(`${where}: ${what}[${i}] is ${JSON.stringify(v)}, not a number`);
  });
}

interface Series {
  label: string;
  x: number[];
  y: number[];
  color: string;
  dash?: string;
  lower?: number[];
  upper?: number[];
}

interface LineChartSpec {
  width: number;
  height: number;
  title?: string;
  xlabel?: string;
  ylabel?: string;
  ylim?: [number, number];
  legend: boolean;
}

function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

function lineChart(series: readonly Series[], spec: LineChartSpec): Figure {
  let [x0, x1] = extent(series.flatMap((s) => s.x.filter((_, i) => Number.isFinite(s.y[i]))));
  if (!(x1 >= x0)) { x0 = 0; x1 = 1; }
  if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
  const [y0, y1] = extent(series.flatMap((s) => [...s.y, ...(s.lower ?? []), ...(s.upper ?? [])]));
  const ylim = spec.ylim ?? autoRange(y0, y1);
  const axes = new Axes({
    width: spec.width, height: spec.height, title: spec.title, xlabel: spec.xlabel, ylabel: spec.ylabel,
    xlim: [x0, x1], ylim,
    xticks: ticksFor([x0, x1], { integer: series.every((s) => s.x.every(Number.isInteger)), maxTicks: 10 }),
    yticks: ticksFor(ylim, { maxTicks: 9 }),
  });
  const bands: string[] = [];
  const lines: string[] = [];
  const avoid: [number, number][] = [];
  for (const s of series) {
    if (s.lower && s.upper) {
      const pts = s.x.map((x, i) => [x, s.lower![i], s.upper![i]] as const);
      for (const run of finiteRuns(pts)) {
        if (run.length < 2) continue;
        const up = run.map(([x, , u]) => [axes.sx(x), axes.sy(u)] as const);
        const lo = run.map(([x, l]) => [axes.sx(x), axes.sy(l)] as const).reverse();
        bands.push(el("path", { class: "band", "data-series": s.label, d: linePath([...up, ...lo]) + "Z", fill: s.color, "fill-opacity": 0.2, stroke: "none" }));
        avoid.push(...samplePolyline(up), ...samplePolyline(lo));
      }
    }
    const px = s.x.map((x, i) => [axes.sx(x), axes.sy(s.y[i])] as const);
    lines.push(el("path", { class: "line", "data-series": s.label, d: linePath(px), fill: "none", stroke: s.color, "stroke-width": 2, "stroke-dasharray": s.dash, "stroke-linejoin": "round", "stroke-linecap": "round" }));
    for (const run of finiteRuns(px)) {
      if (run.length === 1) lines.push(el("circle", { class: "marker", cx: run[0][0], cy: run[0][1], r: 3.5, fill: s.color }));
    }
    avoid.push(...samplePolyline(px));
  }
  const entries: LegendEntry[] = series.map((s) => ({ label: s.label, color: s.color, dash: s.dash, band: !!(s.lower && s.upper) }));
  const body =
    axes.defs() + axes.grid() +
    el("g", { class: "data", "clip-path": axes.clipAttr() }, [...bands, ...lines]) +
    axes.decorations() +
    (spec.legend ? legend(entries, axes.box, avoid) : "");
  return new Figure(svgDocument(spec.width, spec.height, body, spec.title), spec.width, spec.height, spec.title ?? "");
}

export interface HistoryPlotOptions extends FigureSize {
  /**
   * Metrics to draw (default: every key of the history, as pandas plots every column). A name
   * without the `val_` prefix brings its validation curve along: `["loss"]` draws loss and val_loss.
   */
  metrics?: string[];
  /** The y range, as `plt.gca().set_ylim(0, 1)`: [0, 1]. Default: the data range plus 5% margins. */
  ylim?: [number, number];
  /** Default "Training history"; "" for none. */
  title?: string;
  /** Default "epoch". */
  xlabel?: string;
  /** Default: the metric's name when only one is drawn, else none. */
  ylabel?: string;
}

function isHistoryLike(h: object): h is HistoryLike {
  const inner = (h as { history?: unknown }).history;
  return typeof inner === "object" && inner !== null && !Array.isArray(inner) && !ArrayBuffer.isView(inner);
}

/**
 * The learning curves of one training: one line per metric (loss, accuracy, val_loss, ...) against
 * the epoch, with a legend and a grid — the notebooks' `pd.DataFrame(history.history).plot()`.
 *
 * ```ts
 * const history = await model.fit(x, y, { epochs: 10, validationSplit: 0.1 });
 * await plot.history(history, { ylim: [0, 1] }).save("history.png");
 * ```
 */
export function history(h: HistoryLike | Record<string, readonly number[]>, opts: HistoryPlotOptions = {}): Figure {
  const where = "plot.history";
  if (typeof h !== "object" || h === null) throw new TypeError(`${where}: expected the History returned by model.fit (or its .history record), got ${h === null ? "null" : typeof h}`);
  const record: Record<string, readonly number[]> = isHistoryLike(h) ? h.history : (h as Record<string, readonly number[]>);
  const keys = Object.keys(record);
  if (keys.length === 0) throw new Error(`${where}: the history has no metrics; it fills in during model.fit (pass the History that fit returns, after training)`);
  let chosen = keys;
  if (opts.metrics !== undefined) {
    if (!Array.isArray(opts.metrics) || opts.metrics.length === 0) throw new TypeError(`${where}: metrics must be a non-empty array of names, e.g. ["loss", "accuracy"]; the history has ${keys.join(", ")}`);
    chosen = [];
    for (const m of opts.metrics) {
      if (!keys.includes(m)) throw new Error(`${where}: the history has no metric ${JSON.stringify(m)}; it has ${keys.join(", ")}`);
      if (!chosen.includes(m)) chosen.push(m);
      const val = `val_${m}`;
      if (!m.startsWith("val_") && keys.includes(val) && !opts.metrics.includes(val)) chosen.push(val);
    }
  }
  const columns = chosen.map((k) => numbers(record[k], `history.${k}`, where));
  const n = Math.max(...columns.map((c) => c.length));
  if (n === 0) throw new Error(`${where}: the history's metrics hold no values yet (${chosen.join(", ")}); train for at least one epoch first`);
  const epochs = isHistoryLike(h) && h.epoch && h.epoch.length === n ? numbers(h.epoch, "history.epoch", where) : Array.from({ length: n }, (_, i) => i);
  const series: Series[] = chosen.map((k, i) => ({ label: k, x: epochs.slice(0, columns[i].length), y: columns[i], color: seriesColor(i) }));
  return lineChart(series, {
    width: sizeOption(opts.width, DEFAULT_WIDTH, "width", where),
    height: sizeOption(opts.height, DEFAULT_HEIGHT, "height", where),
    title: opts.title ?? "Training history",
    xlabel: opts.xlabel ?? "epoch",
    ylabel: opts.ylabel ?? (chosen.length === 1 ? chosen[0] : undefined),
    ylim: limOption(opts.ylim, "ylim", where),
    legend: true,
  });
}

/** The runs of one group: one curve per run, or one History (or history record) per run. */
export type RunCurves = readonly (readonly number[])[] | readonly (HistoryLike | Record<string, readonly number[]>)[];

export interface LearningCurvesOptions extends FigureSize {
  /**
   * With histories: the metric to draw (default "loss", else the first key); its `val_` curve is
   * drawn dashed in the same colour. With plain curves: the name for the y label.
   */
  metric?: string;
  /** Confidence level of the bands (default 0.95). */
  ci?: number;
  /** With histories, also draw the validation curves (default true). */
  validation?: boolean;
  ylim?: [number, number];
  /** Default: "<metric>: mean and 95% confidence interval over runs". */
  title?: string;
  xlabel?: string;
  ylabel?: string;
}

/**
 * Learning curves compared across groups of runs (notebook 000: "with BN" against "without BN",
 * three runs each): for each group the mean curve over its runs and a band, the `ci` confidence
 * interval of the mean, mean ± t_{(1+ci)/2, n−1} · s / √n (see `confidenceBand`).
 *
 * ```ts
 * plot.learningCurves({ "with BN": [h1, h2, h3], "without BN": [h4, h5, h6] }, { metric: "accuracy" })
 * plot.learningCurves({ adam: [[0.9, 0.5, 0.3], [0.8, 0.5, 0.4]] }, { metric: "loss" })
 * ```
 */
export function learningCurves(runs: Record<string, RunCurves>, opts: LearningCurvesOptions = {}): Figure {
  const where = "plot.learningCurves";
  if (typeof runs !== "object" || runs === null || Array.isArray(runs)) {
    throw new TypeError(`${where}: expected a record of groups, e.g. { "with BN": [run1, run2, run3], "without BN": [...] }, got ${Array.isArray(runs) ? "an array" : runs === null ? "null" : typeof runs}`);
  }
  const groups = Object.entries(runs);
  if (groups.length === 0) throw new Error(`${where}: no groups given; pass { name: [run, run, ...] }`);
  const ci = opts.ci ?? 0.95;
  if (!(typeof ci === "number" && ci > 0 && ci < 1)) throw new RangeError(`${where}: ci must be strictly between 0 and 1 (e.g. 0.95), got ${valueText(ci)}`);
  let metric = opts.metric;
  const series: Series[] = [];
  groups.forEach(([name, group], gi) => {
    if (!Array.isArray(group) || group.length === 0) throw new Error(`${where}: group ${JSON.stringify(name)} has no runs; give it an array of curves or histories`);
    const color = seriesColor(gi);
    const kinds = new Set(group.map((r) => (Array.isArray(r) || ArrayBuffer.isView(r) ? "curve" : typeof r === "object" && r !== null ? "history" : "bad")));
    if (kinds.has("bad") || kinds.size !== 1) {
      throw new TypeError(`${where}: the runs of group ${JSON.stringify(name)} must all be arrays of numbers or all be histories (what model.fit returns)`);
    }
    const add = (label: string, curves: number[][], dash?: string): void => {
      const band = confidenceBand(curves, ci);
      series.push({ label, x: band.mean.map((_, i) => i), y: band.mean, lower: band.lower, upper: band.upper, color, dash });
    };
    if (kinds.has("curve")) {
      add(name, group.map((r, i) => numbers(r, `runs[${JSON.stringify(name)}][${i}]`, where)));
      return;
    }
    const records = (group as readonly (HistoryLike | Record<string, readonly number[]>)[]).map((r) => (isHistoryLike(r) ? r.history : r));
    const first = Object.keys(records[0]);
    metric ??= first.includes("loss") ? "loss" : first[0];
    if (metric === undefined) throw new Error(`${where}: the histories of group ${JSON.stringify(name)} are empty; train first`);
    const m = metric;
    records.forEach((r, i) => {
      if (!(m in r)) throw new Error(`${where}: run ${i} of group ${JSON.stringify(name)} has no metric ${JSON.stringify(m)}; it has ${Object.keys(r).join(", ") || "nothing"}`);
    });
    add(name, records.map((r, i) => numbers(r[m], `runs[${JSON.stringify(name)}][${i}].${m}`, where)));
    const val = `val_${m}`;
    if (opts.validation !== false && !m.startsWith("val_") && records.every((r) => val in r)) {
      add(`${name} (validation)`, records.map((r, i) => numbers(r[val], `runs[${JSON.stringify(name)}][${i}].${val}`, where)), "7 4");
    }
  });
  const label = metric ?? "value";
  return lineChart(series, {
    width: sizeOption(opts.width, DEFAULT_WIDTH, "width", where),
    height: sizeOption(opts.height, DEFAULT_HEIGHT, "height", where),
    title: opts.title ?? `${label}: mean and ${formatValue(ci * 100)}% confidence interval over runs`,
    xlabel: opts.xlabel ?? "epoch",
    ylabel: opts.ylabel ?? label,
    ylim: limOption(opts.ylim, "ylim", where),
    legend: true,
  });
}

export interface BarOptions extends FigureSize {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Bar colour (default matplotlib's C0 blue). */
  color?: string;
}

/**
 * A bar chart of named values (run comparisons: test accuracy per model, seconds per epoch per
 * backend, ...), each bar labelled with its value.
 */
export function bar(values: Record<string, number>, opts: BarOptions = {}): Figure {
  const where = "plot.bar";
  if (typeof values !== "object" || values === null || Array.isArray(values)) throw new TypeError(`${where}: expected a record of named numbers, e.g. { mlp: 0.88, cnn: 0.91 }`);
  const entries = Object.entries(values);
  if (entries.length === 0) throw new Error(`${where}: no values given; pass e.g. { mlp: 0.88, cnn: 0.91 }`);
  for (const [k, v] of entries) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${where}: the value of ${JSON.stringify(k)} is ${String(v)}; every value must be a finite number`);
  }
  const width = sizeOption(opts.width, DEFAULT_WIDTH, "width", where);
  const height = sizeOption(opts.height, DEFAULT_HEIGHT, "height", where);
  const color = opts.color ?? seriesColor(0);
  const n = entries.length;
  const lo = Math.min(0, ...entries.map(([, v]) => v));
  const hi = Math.max(0, ...entries.map(([, v]) => v));
  const span = hi - lo || 1;
  const ylim: [number, number] = lo === 0 && hi === 0 ? [0, 1] : [lo < 0 ? lo - 0.1 * span : 0, hi > 0 ? hi + 0.1 * span : 0];
  const slot = (width - 120) / n;
  const rotate = entries.some(([k]) => textWidth(k, 13) > slot * 0.95);
  const axes = new Axes({
    width, height, title: opts.title, xlabel: opts.xlabel, ylabel: opts.ylabel,
    xlim: [-0.5, n - 0.5], ylim,
    xticks: entries.map(([k], i) => ({ value: i, label: k })),
    yticks: ticksFor(ylim, { maxTicks: 9 }),
    grid: "y",
    rotateXTicks: rotate,
  });
  const bars: string[] = [];
  const labels: string[] = [];
  const y0 = axes.sy(0);
  entries.forEach(([k, v], i) => {
    const xa = axes.sx(i - 0.4);
    const xb = axes.sx(i + 0.4);
    const yv = axes.sy(v);
    bars.push(el("rect", { class: "bar", "data-label": k, x: xa, y: Math.min(y0, yv), width: xb - xa, height: Math.abs(yv - y0), fill: color }));
    labels.push(text((xa + xb) / 2, v >= 0 ? yv - 5 : yv + 5, formatValue(v, 4), { size: 12, anchor: "middle", valign: v >= 0 ? "baseline" : "top", cls: "bar-value" }));
  });
  const zero = ylim[0] < 0 ? el("path", { class: "zero", d: `M${num(axes.box.x)} ${num(y0)}h${num(axes.box.width)}`, stroke: "#333333", "stroke-width": 1 }) : "";
  const body = axes.defs() + axes.grid() + el("g", { class: "data", "clip-path": axes.clipAttr() }, [...bars, zero]) + axes.decorations() + el("g", { class: "bar-values" }, labels);
  return new Figure(svgDocument(width, height, body, opts.title), width, height, opts.title ?? "");
}
