/**
 * `plot.scatter`: matplotlib's `plt.scatter(x, y, c=labels)` followed by `plt.colorbar()`, the
 * picture of a 2-D embedding coloured by class (the VAE example's latent space). Values given as
 * `c` go through a colormap normalized from their minimum to their maximum, as matplotlib's
 * default `Normalize`, with a colorbar; without `c` every point is matplotlib's C0 blue.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { Axes, ticksFor } from "./axes.js";
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, limOption, sizeOption, type FigureSize } from "./charts.js";
import { assertColormap, colormapTable, seriesColor, type Colormap } from "./colors.js";
import { Figure } from "./figure.js";
import { colorbar, colorbarWidth, isTensor, numbersOf } from "./images.js";
import { el, svgDocument } from "./svg.js";
import { autoRange } from "./ticks.js";

/** Coordinates or colour values: a 1-D tensor ([n] or [n, 1]) or an array of numbers. */
export type ScatterValues = Tensor | ArrayLike<number> | ArrayLike<bigint>;

export interface ScatterOptions extends FigureSize {
  /** One value per point, coloured through `cmap` (matplotlib's `c=`); class labels, typically. */
  c?: ScatterValues;
  /** Colormap for `c` (default "viridis", matplotlib's default). */
  cmap?: Colormap;
  /** Draw a colorbar for `c` (matplotlib's `plt.colorbar()`; default true when `c` is given). */
  colorbar?: boolean;
  /** Marker area in points², as matplotlib's `s` (default 36: a 6-point disc). */
  s?: number;
  /** Marker opacity in [0, 1] (default 1). */
  alpha?: number;
  title?: string;
  xlabel?: string;
  ylabel?: string;
  xlim?: [number, number];
  ylim?: [number, number];
}

/** The values as numbers, checked to be one per point. */
function values(v: ScatterValues, what: string, where: string): number[] {
  if (isTensor(v)) {
    const s = v.shape;
    if (!(s.length === 1 || (s.length === 2 && s[1] === 1))) {
      throw new RangeError(`${where}: ${what} must be 1-D ([n] or [n, 1]), got shape [${s.join(", ")}]; take one column, e.g. tf.slice(z, [0, 0], [-1, 1])`);
    }
    return Array.from(numbersOf(v));
  }
  if (v === null || typeof v !== "object" || typeof (v as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${where}: ${what} must be a tensor or an array of numbers, got ${valueText(v)}`);
  }
  return Array.from(v as ArrayLike<number | bigint>, (x, i) => {
    if (typeof x !== "number" && typeof x !== "bigint") throw new TypeError(`${where}: ${what}[${i}] is ${JSON.stringify(x)}, not a number`);
    return Number(x);
  });
}

function finiteExtent(v: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) if (Number.isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; }
  return [lo, hi];
}

/**
 * Points at (x[i], y[i]), coloured by `c[i]` when given. Points with a non-finite coordinate are
 * left out, as matplotlib does; a non-finite `c` is drawn in the colormap's lowest colour.
 *
 * ```ts
 * const [zMean] = encoder.predict(x) as tf.Tensor[];
 * const z0 = tf.slice(zMean, [0, 0], [-1, 1]), z1 = tf.slice(zMean, [0, 1], [-1, 1]);
 * await plot.scatter(z0, z1, { c: labels, xlabel: "z[0]", ylabel: "z[1]" }).save("clusters.png");
 * ```
 */
export function scatter(x: ScatterValues, y: ScatterValues, opts: ScatterOptions = {}): Figure {
  const where = "plot.scatter";
  const xs = values(x, "x", where);
  const ys = values(y, "y", where);
  if (xs.length !== ys.length) throw new RangeError(`${where}: x has ${xs.length} values and y has ${ys.length}; give one x and one y per point`);
  if (xs.length === 0) throw new RangeError(`${where}: no points to draw (x and y are empty)`);
  const cs = opts.c === undefined ? undefined : values(opts.c, "c", where);
  if (cs && cs.length !== xs.length) throw new RangeError(`${where}: c has ${cs.length} values for ${xs.length} points; give one colour value per point`);
  const cmap = opts.cmap === undefined ? "viridis" : assertColormap(opts.cmap, where);
  const s = opts.s ?? 36;
  if (typeof s !== "number" || !(s > 0) || !Number.isFinite(s)) throw new RangeError(`${where}: s (marker area in points²) must be a positive number, got ${valueText(s)}`);
  const alpha = opts.alpha ?? 1;
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1)) throw new RangeError(`${where}: alpha must be in [0, 1], got ${valueText(alpha)}`);
  const width = sizeOption(opts.width, DEFAULT_WIDTH, "width", where);
  const height = sizeOption(opts.height, DEFAULT_HEIGHT, "height", where);
  const xlimOpt = limOption(opts.xlim, "xlim", where);
  const ylimOpt = limOption(opts.ylim, "ylim", where);

  const keep = xs.map((v, i) => Number.isFinite(v) && Number.isFinite(ys[i]));
  const xlim = xlimOpt ?? autoRange(...finiteExtent(xs.filter((_, i) => keep[i])));
  const ylim = ylimOpt ?? autoRange(...finiteExtent(ys.filter((_, i) => keep[i])));
  // matplotlib's Normalize(vmin=min(c), vmax=max(c)); a constant c maps to 0, the lowest colour.
  const [clo, chi] = cs ? finiteExtent(cs) : [0, 1];
  const withBar = cs !== undefined && opts.colorbar !== false && Number.isFinite(clo);
  const axes = new Axes({
    width, height, title: opts.title, xlabel: opts.xlabel, ylabel: opts.ylabel, xlim, ylim,
    xticks: ticksFor(xlim, { maxTicks: 10 }),
    yticks: ticksFor(ylim, { maxTicks: 9 }),
    grid: "none",
    rightExtra: withBar ? colorbarWidth(clo, chi) : 0,
  });
  // A marker of area s points² is a disc of diameter √s points; 1 point is 100/72 pixels at
  // matplotlib's 100 dpi, which the 800 × 500 default figure (8 × 5 inches) assumes.
  const r = (Math.sqrt(s) / 2) * (100 / 72);
  const table = colormapTable(cmap);
  const colorOf = (v: number): string => {
    // matplotlib: index floor(N * t) of the N = 256 entries, t = (v - vmin) / (vmax - vmin), clipped.
    const t = chi > clo && Number.isFinite(v) ? (v - clo) / (chi - clo) : 0;
    const i = Math.min(255, Math.max(0, Math.floor(256 * t)));
    return "#" + [0, 1, 2].map((k) => table[3 * i + k].toString(16).padStart(2, "0")).join("");
  };
  const dots: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (!keep[i]) continue;
    dots.push(el("circle", { class: "point", cx: axes.sx(xs[i]), cy: axes.sy(ys[i]), r, fill: cs ? colorOf(cs[i]) : seriesColor(0), "fill-opacity": alpha === 1 ? undefined : alpha }));
  }
  let body = axes.defs() + el("g", { class: "data", "clip-path": axes.clipAttr() }, dots) + axes.decorations();
  if (withBar) body += colorbar(axes.box.x + axes.box.width + 22, axes.box.y, axes.box.height, cmap, clo, chi);
  return new Figure(svgDocument(width, height, body, opts.title), width, height, opts.title ?? "");
}
