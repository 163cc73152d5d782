/**
 * Images: `plot.images` (the notebooks' grids of samples titled with their class names) and
 * `plot.image` (one image, a convolution output or a pooled map, with pixel axes and a colorbar).
 * Pixels are embedded as PNG data URIs, enlarged by a whole factor beforehand so that small images
 * (28×28) stay sharp in every viewer. Values become colours in `image_colors.ts`, as matplotlib's imshow.
 */
import { PNG } from "pngjs";
import type { Tensor } from "../tensor/tensor.js";
import { Axes, TICK_FONT, TITLE_FONT, axesMargins, ticksFor, titleText, type Tick } from "./axes.js";
import { assertColormap, colormapTable, type Colormap } from "./colors.js";
import { colorize, type ImageScaleOptions } from "./image_colors.js";
import { Figure } from "./figure.js";
import { AXIS_COLOR, el, num, svgDocument, text, textWidth } from "./svg.js";
import { formatTicks, niceTicks } from "./ticks.js";
import { valueText } from "../tensor/value_text.js";

export type { ImageScaleOptions } from "./image_colors.js";

/** Labels of samples: class indices, as a tensor ([n], [n, 1], or one-hot / scores [n, k]) or an array. */
export type LabelsLike = Tensor | ArrayLike<number> | ArrayLike<bigint>;

export function isTensor(x: unknown): x is Tensor {
  return typeof x === "object" && x !== null && "shape" in x && "dtype" in x && typeof (x as Tensor).dataSync === "function";
}

/** The values of a tensor as JavaScript numbers. */
export function numbersOf(t: Tensor): ArrayLike<number> {
  const d = t.dataSync();
  return d instanceof BigInt64Array ? Array.from(d, Number) : d;
}

/**
 * Class indices from labels: [n] or [n, 1] as they are; [n, k] (one-hot or scores) by argmax.
 * `where` names the caller for errors.
 */
export function classIndices(labels: LabelsLike, where: string, what = "labels"): number[] {
  if (isTensor(labels)) {
    const s = labels.shape;
    const v = numbersOf(labels);
    if (s.length === 1 || (s.length === 2 && s[1] === 1)) return Array.from(v);
    if (s.length === 2) {
      const [n, k] = s;
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (v[i * k + j] > v[i * k + best]) best = j;
        out.push(best);
      }
      return out;
    }
    throw new RangeError(`${where}: ${what} must have shape [n], [n, 1] or [n, classes], got [${s.join(", ")}]`);
  }
  if (labels === null || typeof labels !== "object" || typeof (labels as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${where}: ${what} must be a tensor or an array of class indices`);
  }
  return Array.from(labels as ArrayLike<number | bigint>, (v, i) => {
    const x = Number(v);
    if (typeof v !== "number" && typeof v !== "bigint") throw new TypeError(`${where}: ${what}[${i}] is ${JSON.stringify(v)}, not a class index`);
    return x;
  });
}

/** PNG data URI of RGBA pixels, each pixel enlarged to a k × k block. */
export function pngDataUri(rgba: Uint8Array, w: number, h: number, k = 1, gray = false): string {
  const W = w * k;
  const H = h * k;
  const png = new PNG({ width: W, height: H });
  const out = png.data;
  for (let y = 0; y < H; y++) {
    const sy = Math.floor(y / k);
    for (let x = 0; x < W; x++) {
      const s = 4 * (sy * w + Math.floor(x / k));
      const d = 4 * (y * W + x);
      out[d] = rgba[s]; out[d + 1] = rgba[s + 1]; out[d + 2] = rgba[s + 2]; out[d + 3] = 255;
    }
  }
  return "data:image/png;base64," + PNG.sync.write(png, { colorType: gray ? 0 : 2 }).toString("base64");
}

/** An `<image>` element showing pixels at (x, y), `dw` × `dh`, without smoothing where viewers allow. */
function imageElement(uri: string, x: number, y: number, dw: number, dh: number, cls: string, extra: Record<string, string | number> = {}): string {
  return el("image", { class: cls, ...extra, x, y, width: dw, height: dh, preserveAspectRatio: "none", "image-rendering": "optimizeSpeed", "xlink:href": uri });
}

/** Display size of an h × w image whose longer side should be about `target` px: a whole enlargement factor when it is smaller. */
function displaySize(h: number, w: number, target: number): { k: number; dw: number; dh: number } {
  const long = Math.max(h, w);
  if (long <= target) {
    const k = Math.max(1, Math.floor(target / long));
    return { k, dw: w * k, dh: h * k };
  }
  const s = target / long;
  return { k: 1, dw: w * s, dh: h * s };
}

function checkScale(o: ImageScaleOptions, where: string): void {
  if (o.cmap !== undefined) assertColormap(o.cmap, where);
  for (const key of ["vmin", "vmax"] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) throw new TypeError(`${where}: ${key} must be a finite number, got ${valueText(v)}`);
  }
  if (o.vmin !== undefined && o.vmax !== undefined && !(o.vmax > o.vmin)) throw new RangeError(`${where}: vmax (${o.vmax}) must be greater than vmin (${o.vmin})`);
}

function checkTensor(x: unknown, where: string, expected: string): Tensor {
  if (!isTensor(x)) throw new TypeError(`${where}: expected a tensor ${expected}, got ${x === null ? "null" : Array.isArray(x) ? "an array (wrap it with tf.constant)" : typeof x}`);
  return x;
}

export interface ImagesOptions extends ImageScaleOptions {
  /** Class index of each image (tensor [n], [n, 1], one-hot [n, k], or an array). */
  labels?: LabelsLike;
  /** Names of the classes; titles show `classNames[label]`. */
  classNames?: readonly string[];
  /** Titles of the images, used as given (instead of labels). */
  titles?: readonly string[];
  /** Grid rows (default: enough for the images shown). */
  rows?: number;
  /** Grid columns (default: min(n, 10)). */
  cols?: number;
  /** Longer side of each image in pixels, about (default 100; small images are enlarged by a whole factor). */
  cellSize?: number;
  /** Title above the grid. */
  title?: string;
}

function positiveInt(v: unknown, name: string, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new RangeError(`${where}: ${name} must be a positive whole number, got ${valueText(v)}`);
  return v;
}

/**
 * The rule for `plot.images`' argument: rank 4 is [n, h, w, c] (c = 1, 3 or 4), rank 3 is [n, h, w].
 * A rank-3 shape whose last axis is 1, 3 or 4 also reads as one image [h, w, c] (what `plt.imshow`
 * would take), so it is refused rather than guessed: [n, h, w, 1] says "n single-channel images",
 * plot.image(x) says "one image".
 */
function batchLayout(s: readonly number[], where: string): void {
  const shape = `[${s.join(", ")}]`;
  if (s.length === 4) {
    if (![1, 3, 4].includes(s[3])) throw new RangeError(`${where}: images [n, height, width, channels] need 1, 3 (RGB) or 4 (RGBA) channels, got shape ${shape}; for one channel of feature maps use plot.image(x, { channel })`);
    return;
  }
  if (s.length !== 3) {
    const hint = s.length === 2 ? "; for one image use plot.image(x)" : "";
    throw new RangeError(`${where}: expected a batch of images [n, height, width] or [n, height, width, 1 | 3 | 4], got shape ${shape}${hint}`);
  }
  const [n, h, w] = s;
  if (w === 1 || w === 3 || w === 4) {
    const kind = w === 1 ? "single-channel" : w === 3 ? "RGB" : "RGBA";
    throw new RangeError(`${where}: shape ${shape} is ambiguous: ${n} single-channel images of ${h}×${w}, or one ${n}×${h} ${kind} image; say which: tf.expandDims(x, -1) (shape [${n}, ${h}, ${w}, 1]) for ${n} images, or plot.image(x) for one image (tf.expandDims(x, 0) to show it in a grid)`);
  }
}

/**
 * A grid of images with their class names as titles (the notebooks' `plt.subplot` + `imshow` +
 * `plt.title(class_names[y])` loops). `x` is always a batch: [n, h, w] (single-channel) or
 * [n, h, w, c] with c = 1, 3 (RGB) or 4 (RGBA); see `batchLayout` for the one shape that is refused
 * as ambiguous. Each image is drawn as matplotlib's `imshow` draws it (single-channel: scaled from
 * its own minimum to maximum unless `vmin`/`vmax` are given; RGB: clipped, not scaled). The first
 * rows·cols images are shown, row by row. Single-channel images default to cmap "binary", as the
 * notebooks.
 *
 * ```ts
 * await plot.images(xTrain, { labels: yTrain, classNames, rows: 4, cols: 10 }).save("grid.png");
 * ```
 */
export function images(x: Tensor, opts: ImagesOptions = {}): Figure {
  const where = "plot.images";
  const t = checkTensor(x, where, "of images [n, height, width] or [n, height, width, 1 | 3 | 4]");
  const s = t.shape;
  batchLayout(s, where);
  checkScale(opts, where);
  const [n, h, w] = s;
  const c = s.length === 4 ? s[3] : 1;
  if (n === 0 || h === 0 || w === 0) throw new RangeError(`${where}: no pixels to show (shape [${s.join(", ")}])`);
  let cols = opts.cols !== undefined ? positiveInt(opts.cols, "cols", where) : undefined;
  const rowsOpt = opts.rows !== undefined ? positiveInt(opts.rows, "rows", where) : undefined;
  if (cols === undefined) cols = rowsOpt !== undefined ? Math.ceil(n / rowsOpt) : Math.min(n, 10);
  const rows = rowsOpt ?? Math.ceil(Math.min(n, cols * 10) / cols);
  const count = Math.min(n, rows * cols);

  let titles: string[] | undefined;
  if (opts.titles !== undefined) {
    if (!Array.isArray(opts.titles)) throw new TypeError(`${where}: titles must be an array of strings`);
    titles = opts.titles.map(String);
  } else if (opts.labels !== undefined) {
    const idx = classIndices(opts.labels, where);
    if (idx.length < count) throw new RangeError(`${where}: ${idx.length} labels for ${count} images shown; pass one label per image`);
    const names = opts.classNames;
    if (names !== undefined && !Array.isArray(names)) throw new TypeError(`${where}: classNames must be an array of strings, e.g. ["t-shirt/top", "trouser", ...]`);
    titles = idx.slice(0, count).map((v, i) => {
      if (names === undefined) return String(v);
      const name = names[v];
      if (name === undefined) throw new RangeError(`${where}: label ${v} of image ${i} has no entry in classNames (${names.length} names, indices 0..${names.length - 1})`);
      return String(name);
    });
  } else if (opts.classNames !== undefined) {
    throw new Error(`${where}: classNames given without labels; pass labels too, e.g. { labels: yTrain, classNames }`);
  }

  const target = opts.cellSize === undefined ? 100 : opts.cellSize;
  if (!(typeof target === "number" && target >= 8 && target <= 2000)) throw new RangeError(`${where}: cellSize must be between 8 and 2000 pixels, got ${valueText(target)}`);
  const { k, dw, dh } = displaySize(h, w, target);
  const fontSize = 12;
  const titleH = titles ? fontSize + 8 : 0;
  const gapX = Math.max(12, Math.round(0.15 * dw));
  const gapY = Math.max(10, Math.round(0.1 * dh));
  const margin = 12;
  const top = margin + (opts.title ? TITLE_FONT + 18 : 0);
  const width = Math.ceil(2 * margin + cols * dw + (cols - 1) * gapX);
  const height = Math.ceil(top + margin + rows * (titleH + dh) + (rows - 1) * gapY);
  const values = numbersOf(t);
  const per = h * w * c;
  const cmap = opts.cmap ?? "binary";
  const cells: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.floor(i / cols);
    const q = i % cols;
    const cx = margin + q * (dw + gapX);
    const cy = top + r * (titleH + dh + gapY);
    const img = colorize(values, i * per, { h, w, c }, t.dtype, undefined, { ...opts, cmap });
    const parts = [imageElement(pngDataUri(img.rgba, w, h, k, img.gray), cx, cy + titleH, dw, dh, "img", { "data-index": i })];
    const label = titles?.[i];
    if (label !== undefined && label !== "") {
      const size = Math.max(8, Math.min(fontSize, (fontSize * (dw + gapX - 4)) / Math.max(1, textWidth(label, fontSize))));
      parts.push(text(cx + dw / 2, cy + titleH - 6, label, { size, anchor: "middle", cls: "cell-title" }));
    }
    cells.push(el("g", { class: "cell" }, parts));
  }
  const body = (opts.title ? titleText(opts.title, width / 2) : "") + el("g", { class: "grid-images" }, cells);
  return new Figure(svgDocument(width, height, body, opts.title), width, height, opts.title ?? "");
}

export interface ImageOptions extends ImageScaleOptions {
  title?: string;
  /** For multi-channel images that are not RGB (feature maps [h, w, 32]): the channel to show (default 0). */
  channel?: number;
  /** Draw a colorbar beside single-channel images (default true). */
  colorbar?: boolean;
  /** Longer side of the image in pixels, about (default 480; small images are enlarged by a whole factor). */
  size?: number;
  /** Pixel-index axes with ticks (default true). */
  axes?: boolean;
  /** Tick positions in pixel coordinates (matplotlib's `plt.xticks(ticks, labels)`; default: nice integers). */
  xticks?: readonly number[];
  /** The labels of `xticks`, one each (default: the positions). */
  xtickLabels?: readonly string[];
  /** Tick positions on the vertical axis, in pixel rows (row 0 at the top, as imshow). */
  yticks?: readonly number[];
  /** The labels of `yticks`, one each (default: the positions). */
  ytickLabels?: readonly string[];
  xlabel?: string;
  ylabel?: string;
}

/** Ticks given by the caller, checked: finite positions and one label per position. */
function givenTicks(positions: readonly number[], labels: readonly string[] | undefined, axis: "x" | "y", where: string): Tick[] {
  if (!Array.isArray(positions) || !positions.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new TypeError(`${where}: ${axis}ticks must be an array of finite pixel positions, got ${valueText(positions)}`);
  }
  if (labels !== undefined && (!Array.isArray(labels) || labels.length !== positions.length)) {
    throw new RangeError(`${where}: ${axis}tickLabels must have one label per tick: ${positions.length} ticks, got ${valueText(labels)}`);
  }
  return positions.map((value, i) => ({ value, label: labels ? String(labels[i]) : String(value) }));
}

/** A vertical colorbar: the colormap from `lo` (bottom) to `hi` (top) with ticks on its right. */
export function colorbar(x: number, y: number, height: number, cmap: Colormap | "blues", lo: number, hi: number): string {
  const table = colormapTable(cmap);
  const rgba = new Uint8Array(4 * 256);
  for (let i = 0; i < 256; i++) {
    const j = 255 - i;
    rgba.set([table[3 * j], table[3 * j + 1], table[3 * j + 2], 255], 4 * i);
  }
  const barW = 18;
  const parts = [el("image", { class: "colorbar-image", x, y, width: barW, height, preserveAspectRatio: "none", "xlink:href": pngDataUri(rgba, 1, 256) })];
  parts.push(el("rect", { x, y, width: barW, height, fill: "none", stroke: AXIS_COLOR, "stroke-width": 1 }));
  if (hi > lo) {
    const ticks = niceTicks(lo, hi, { maxTicks: 7 });
    const labels = formatTicks(ticks);
    let marks = "";
    ticks.forEach((v, i) => {
      const py = y + height - ((v - lo) / (hi - lo)) * height;
      marks += `M${num(x + barW)} ${num(py)}h4`;
      parts.push(text(x + barW + 7, py, labels[i], { size: TICK_FONT, valign: "middle", cls: "colorbar-label" }));
    });
    parts.push(el("path", { d: marks, stroke: AXIS_COLOR, "stroke-width": 1, fill: "none" }));
  }
  return el("g", { class: "colorbar" }, parts);
}

/** Horizontal room a colorbar needs, labels included. */
export function colorbarWidth(lo: number, hi: number): number {
  const labels = hi > lo ? formatTicks(niceTicks(lo, hi, { maxTicks: 7 })) : [];
  return 22 + 18 + 7 + Math.max(0, ...labels.map((l) => textWidth(l, TICK_FONT))) + 6;
}

/**
 * One image: [h, w], [h, w, c] or [1, h, w, c] — a photograph, a convolution output, a pooled map —
 * with pixel-index axes as matplotlib's `imshow`, and a colorbar for single-channel images. RGB
 * when c is 3 (RGBA when 4, drawn over white); other channel counts show `channel` (default 0) through `cmap`
 * (default "viridis", matplotlib's default; use "gray" for photographs in gray levels).
 *
 * ```ts
 * const out = tf.nn.conv2d(img, kernel, { strides: 1, padding: "SAME" });  // [1, h, w, 1]
 * await plot.image(out, { cmap: "gray", title: "edges" }).save("edges.png");
 * ```
 */
export function image(t: Tensor, opts: ImageOptions = {}): Figure {
  const where = "plot.image";
  const x = checkTensor(t, where, "[height, width], [height, width, channels] or [1, height, width, channels]");
  checkScale(opts, where);
  let s = x.shape;
  if (s.length === 4) {
    if (s[0] !== 1) throw new RangeError(`${where}: got a batch of ${s[0]} images (shape [${s.join(", ")}]); show one, e.g. with tf.slice, or use plot.images for a grid`);
    s = s.slice(1);
  }
  if (s.length !== 2 && s.length !== 3) throw new RangeError(`${where}: expected [height, width], [height, width, channels] or [1, height, width, channels], got shape [${x.shape.join(", ")}]`);
  const [h, w] = s;
  const c = s.length === 3 ? s[2] : 1;
  if (h === 0 || w === 0 || c === 0) throw new RangeError(`${where}: no pixels to show (shape [${x.shape.join(", ")}])`);
  let channel = opts.channel;
  if (channel !== undefined && (!Number.isInteger(channel) || channel < 0 || channel >= c)) {
    throw new RangeError(`${where}: channel ${channel} does not exist; the image has ${c} channel${c === 1 ? "" : "s"} (0..${c - 1})`);
  }
  if (channel === undefined && c !== 1 && c !== 3 && c !== 4) channel = 0;
  const target = opts.size ?? 480;
  if (!(typeof target === "number" && target >= 8 && target <= 4000)) throw new RangeError(`${where}: size must be between 8 and 4000 pixels, got ${valueText(target)}`);
  const img = colorize(numbersOf(x), 0, { h, w, c }, x.dtype, channel, { ...opts, cmap: opts.cmap ?? "viridis" });
  const { k, dw, dh } = displaySize(h, w, target);
  const showAxes = opts.axes !== false;
  const withBar = img.range !== null && opts.colorbar !== false;
  const [lo, hi] = img.range ?? [0, 1];
  const rightExtra = withBar ? colorbarWidth(lo, hi) : 0;
  const xlim: [number, number] = [-0.5, w - 0.5];
  const ylim: [number, number] = [h - 0.5, -0.5];
  if (opts.xtickLabels !== undefined && opts.xticks === undefined) throw new TypeError(`${where}: xtickLabels needs xticks, the positions they label`);
  if (opts.ytickLabels !== undefined && opts.yticks === undefined) throw new TypeError(`${where}: ytickLabels needs yticks, the positions they label`);
  const xticks = opts.xticks !== undefined ? givenTicks(opts.xticks, opts.xtickLabels, "x", where) : ticksFor([0, w - 1], { integer: true, maxTicks: Math.max(2, Math.min(8, Math.floor(dw / 60))) });
  const yticks = opts.yticks !== undefined ? givenTicks(opts.yticks, opts.ytickLabels, "y", where) : ticksFor([0, h - 1], { integer: true, maxTicks: Math.max(2, Math.min(8, Math.floor(dh / 40))) });
  const spec = {
    title: opts.title,
    xlabel: opts.xlabel,
    ylabel: opts.ylabel,
    xticks: showAxes ? xticks : [],
    yticks: showAxes ? yticks : [],
    rightExtra,
    grid: "none" as const,
  };
  const m = axesMargins(spec);
  const width = Math.ceil(m.left + dw + m.right);
  const height = Math.ceil(m.top + dh + m.bottom);
  const axes = new Axes({ ...spec, width, height, xlim, ylim });
  const { x: bx, y: by } = axes.box;
  let body = imageElement(pngDataUri(img.rgba, w, h, k, img.gray), bx, by, dw, dh, "img");
  body += axes.decorations();
  if (withBar) body += colorbar(bx + dw + 22, by, dh, opts.cmap ?? "viridis", lo, hi);
  return new Figure(svgDocument(width, height, body, opts.title), width, height, opts.title ?? "");
}
