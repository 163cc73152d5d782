/**
 * Cartesian axes: margins from the labels' sizes, linear scales, grid, frame, ticks, axis labels,
 * title, a clip path for the data, and a legend placed where it hides the fewest data points
 * (matplotlib's loc="best", over the four corners and the right edge).
 */
import { AXIS_COLOR, GRID_COLOR, el, num, text, textWidth, uniqueId } from "./svg.js";
import { formatTicks, niceTicks, type TickOptions } from "./ticks.js";

export const TICK_FONT = 13;
export const LABEL_FONT = 14;
export const TITLE_FONT = 17;
export const LEGEND_FONT = 13;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tick {
  value: number;
  label: string;
}

/** Nice ticks inside `lim`, labelled with a common number of decimals. */
export function ticksFor(lim: readonly [number, number], opts: TickOptions = {}): Tick[] {
  const values = niceTicks(lim[0], lim[1], opts);
  const labels = formatTicks(values);
  return values.map((value, i) => ({ value, label: labels[i] }));
}

export interface AxesSpec {
  width: number;
  height: number;
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Data range of the x axis, left to right. */
  xlim: readonly [number, number];
  /** Data range of the y axis, bottom to top (reversed for images: [h - 0.5, -0.5]). */
  ylim: readonly [number, number];
  xticks: readonly Tick[];
  yticks: readonly Tick[];
  /** Grid lines at the ticks: both axes (default), y only, or none. */
  grid?: "both" | "y" | "none";
  /** Rotate the x tick labels by 45° (long category names). */
  rotateXTicks?: boolean;
  /** Room kept free on the right of the axes (a colorbar). */
  rightExtra?: number;
  /** Keep the plot area's aspect ratio: width / height in pixels. */
  aspect?: number;
}

export interface Margins {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Room around the plot area for tick labels, axis labels, title and `rightExtra`. */
export function axesMargins(spec: Omit<AxesSpec, "width" | "height" | "xlim" | "ylim">): Margins {
  const yTickWidth = Math.max(0, ...spec.yticks.map((t) => textWidth(t.label, TICK_FONT)));
  const xTickDepth = spec.rotateXTicks
    ? Math.max(TICK_FONT, ...spec.xticks.map((t) => textWidth(t.label, TICK_FONT) * Math.SQRT1_2 + TICK_FONT * 0.6))
    : TICK_FONT;
  const left = 14 + (spec.ylabel ? LABEL_FONT + 10 : 0) + yTickWidth + 8;
  const bottom = 10 + xTickDepth + 8 + (spec.xlabel ? LABEL_FONT + 10 : 0);
  const top = spec.title ? TITLE_FONT + 26 : 16;
  const lastX = spec.xticks.length ? textWidth(spec.xticks[spec.xticks.length - 1].label, TICK_FONT) / 2 : 0;
  const right = Math.max(20, spec.rotateXTicks ? 0 : lastX + 6) + (spec.rightExtra ?? 0);
  return { left, right, top, bottom };
}

/** Axes laid out inside a figure: scales plus the SVG pieces around the data. */
export class Axes {
  readonly box: Box;
  readonly spec: AxesSpec;
  readonly clipId: string;

  constructor(spec: AxesSpec) {
    this.spec = spec;
    this.clipId = uniqueId("clip");
    const m = axesMargins(spec);
    let box: Box = { x: m.left, y: m.top, width: Math.max(40, spec.width - m.left - m.right), height: Math.max(40, spec.height - m.top - m.bottom) };
    if (spec.aspect) {
      const w = Math.min(box.width, box.height * spec.aspect);
      const h = w / spec.aspect;
      box = { x: box.x + (box.width - w) / 2, y: box.y + (box.height - h) / 2, width: w, height: h };
    }
    this.box = box;
  }

  sx(v: number): number {
    const [a, b] = this.spec.xlim;
    return this.box.x + ((v - a) / (b - a)) * this.box.width;
  }

  sy(v: number): number {
    const [a, b] = this.spec.ylim;
    return this.box.y + this.box.height - ((v - a) / (b - a)) * this.box.height;
  }

  /** The clip path definition; data elements refer to it with `clip-path="url(#id)"`. */
  defs(): string {
    const { x, y, width, height } = this.box;
    return el("defs", {}, el("clipPath", { id: this.clipId }, el("rect", { x, y, width, height })));
  }

  clipAttr(): string {
    return `url(#${this.clipId})`;
  }

  /** Grid lines, drawn under the data. */
  grid(): string {
    const mode = this.spec.grid ?? "both";
    if (mode === "none") return "";
    const { x, y, width, height } = this.box;
    const lines: string[] = [];
    if (mode === "both") {
      for (const t of this.spec.xticks) {
        const px = this.sx(t.value);
        if (px >= x - 0.5 && px <= x + width + 0.5) lines.push(`M${num(px)} ${num(y)}V${num(y + height)}`);
      }
    }
    for (const t of this.spec.yticks) {
      const py = this.sy(t.value);
      if (py >= y - 0.5 && py <= y + height + 0.5) lines.push(`M${num(x)} ${num(py)}H${num(x + width)}`);
    }
    return lines.length ? el("path", { class: "grid", d: lines.join(""), stroke: GRID_COLOR, "stroke-width": 0.8, fill: "none" }) : "";
  }

  /** Frame, tick marks and labels, axis labels and title, drawn over the data. */
  decorations(): string {
    const { x, y, width, height } = this.box;
    const s = this.spec;
    const parts: string[] = [];
    parts.push(el("rect", { class: "frame", x, y, width, height, fill: "none", stroke: AXIS_COLOR, "stroke-width": 1 }));
    const xt: string[] = [];
    let marks = "";
    for (const t of s.xticks) {
      const px = this.sx(t.value);
      if (px < x - 0.5 || px > x + width + 0.5) continue;
      marks += `M${num(px)} ${num(y + height)}v5`;
      if (s.rotateXTicks) xt.push(text(px + 3, y + height + 10, t.label, { size: TICK_FONT, anchor: "end", valign: "top", rotate: -45, cls: "tick-label" }));
      else xt.push(text(px, y + height + 8, t.label, { size: TICK_FONT, anchor: "middle", valign: "top", cls: "tick-label" }));
    }
    const yt: string[] = [];
    for (const t of s.yticks) {
      const py = this.sy(t.value);
      if (py < y - 0.5 || py > y + height + 0.5) continue;
      marks += `M${num(x)} ${num(py)}h-5`;
      yt.push(text(x - 8, py, t.label, { size: TICK_FONT, anchor: "end", valign: "middle", cls: "tick-label" }));
    }
    if (marks) parts.push(el("path", { class: "ticks", d: marks, stroke: AXIS_COLOR, "stroke-width": 1, fill: "none" }));
    parts.push(el("g", { class: "xaxis" }, xt), el("g", { class: "yaxis" }, yt));
    if (s.xlabel) parts.push(text(x + width / 2, s.height - 10, s.xlabel, { size: LABEL_FONT, anchor: "middle", cls: "xlabel" }));
    if (s.ylabel) {
      const cx = 14 + LABEL_FONT * 0.8;
      parts.push(text(cx, y + height / 2, s.ylabel, { size: LABEL_FONT, anchor: "middle", rotate: -90, cls: "ylabel" }));
    }
    if (s.title) parts.push(titleText(s.title, x + width / 2));
    return parts.join("");
  }
}

export function titleText(title: string, cx: number): string {
  return text(cx, 12, title, { size: TITLE_FONT, anchor: "middle", valign: "top", cls: "title" });
}

export interface LegendEntry {
  label: string;
  color: string;
  /** stroke-dasharray of the line sample. */
  dash?: string;
  /** Draw a translucent band behind the line sample (confidence intervals). */
  band?: boolean;
}

/**
 * The legend box, placed in the corner (or at the right edge) of `box` that covers the fewest of
 * `points` (pixel coordinates of the data).
 */
export function legend(entries: readonly LegendEntry[], box: Box, points: readonly (readonly [number, number])[]): string {
  if (entries.length === 0) return "";
  const row = LEGEND_FONT * 1.45;
  const sample = 28;
  const w = 10 + sample + 8 + Math.max(...entries.map((e) => textWidth(e.label, LEGEND_FONT))) + 10;
  const h = 8 + row * entries.length + 4;
  const pad = 8;
  const spots: [number, number][] = [
    [box.x + box.width - w - pad, box.y + pad],
    [box.x + pad, box.y + pad],
    [box.x + pad, box.y + box.height - h - pad],
    [box.x + box.width - w - pad, box.y + box.height - h - pad],
    [box.x + box.width - w - pad, box.y + (box.height - h) / 2],
  ];
  let best = spots[0];
  let bestCount = Infinity;
  for (const [lx, ly] of spots) {
    let count = 0;
    for (const [px, py] of points) if (px >= lx - 4 && px <= lx + w + 4 && py >= ly - 4 && py <= ly + h + 4) count++;
    if (count < bestCount) { best = [lx, ly]; bestCount = count; }
  }
  const [lx, ly] = best;
  const items = entries.map((e, i) => {
    const cy = ly + 8 + row * i + row / 2;
    const sx = lx + 10;
    const parts: string[] = [];
    if (e.band) parts.push(el("rect", { x: sx, y: cy - 7, width: sample, height: 14, fill: e.color, "fill-opacity": 0.2 }));
    parts.push(el("path", { d: `M${num(sx)} ${num(cy)}h${sample}`, stroke: e.color, "stroke-width": 2, "stroke-dasharray": e.dash, fill: "none" }));
    parts.push(text(sx + sample + 8, cy, e.label, { size: LEGEND_FONT, valign: "middle", cls: "legend-label" }));
    return parts.join("");
  });
  return el("g", { class: "legend" }, [
    el("rect", { class: "legend-box", x: lx, y: ly, width: w, height: h, rx: 3, fill: "#ffffff", "fill-opacity": 0.85, stroke: "#cccccc", "stroke-width": 1 }),
    ...items,
  ]);
}

/** Points sampled along polylines (pixel coordinates), for legend placement. */
export function samplePolyline(points: readonly (readonly [number, number])[], perSegment = 8): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    out.push([x, y]);
    const next = points[i + 1];
    if (!next || !Number.isFinite(next[0]) || !Number.isFinite(next[1])) continue;
    for (let k = 1; k < perSegment; k++) out.push([x + ((next[0] - x) * k) / perSegment, y + ((next[1] - y) * k) / perSegment]);
  }
  return out;
}
