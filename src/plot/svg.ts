/**
 * A small SVG builder: escaped text, elements from attribute records, numbers rounded for compact
 * output, and a width estimate for laying out labels (the figures use DejaVu Sans, matplotlib's
 * default font, whose average advance is about 0.6 em for digits and lowercase letters).
 */

export type Attrs = Record<string, string | number | undefined | null>;

/** Font stack of every text element: DejaVu Sans first, as matplotlib. */
export const FONT_FAMILY = "DejaVu Sans, Bitstream Vera Sans, Verdana, Arial, Helvetica, sans-serif";

export const TEXT_COLOR = "#222222";
export const AXIS_COLOR = "#333333";
export const GRID_COLOR = "#b0b0b0";

/** Escapes text and attribute values for XML. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/** A coordinate as short text: two decimals at most, no trailing zeros, never "-0". */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) || r === 0 ? "0" : String(r);
}

function attrText(attrs: Attrs): string {
  let out = "";
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    out += ` ${k}="${typeof v === "number" ? num(v) : esc(v)}"`;
  }
  return out;
}

/** `<tag attrs>children</tag>`, or `<tag attrs/>` without children. Children are SVG text already. */
export function el(tag: string, attrs: Attrs, children?: string | readonly string[]): string {
  const inner = children === undefined ? "" : typeof children === "string" ? children : children.join("");
  return inner === "" ? `<${tag}${attrText(attrs)}/>` : `<${tag}${attrText(attrs)}>${inner}</${tag}>`;
}

export interface TextOptions {
  size?: number;
  anchor?: "start" | "middle" | "end";
  /** Vertical placement of `y`: the baseline (default), or the middle / top of the glyphs. */
  valign?: "baseline" | "middle" | "top";
  /** Rotation in degrees about (x, y). */
  rotate?: number;
  fill?: string;
  weight?: "normal" | "bold";
  cls?: string;
}

/**
 * A text element. Vertical centring is done with an offset rather than `dominant-baseline`, which
 * renderers disagree on.
 */
export function text(x: number, y: number, s: string, o: TextOptions = {}): string {
  const size = o.size ?? 12;
  const dy = o.valign === "middle" ? 0.35 * size : o.valign === "top" ? 0.76 * size : 0;
  return el("text", {
    x, y: y + dy,
    "font-size": size,
    "text-anchor": o.anchor && o.anchor !== "start" ? o.anchor : undefined,
    fill: o.fill ?? TEXT_COLOR,
    "font-weight": o.weight === "bold" ? "bold" : undefined,
    transform: o.rotate ? `rotate(${num(o.rotate)} ${num(x)} ${num(y)})` : undefined,
    class: o.cls,
  }, esc(s));
}

/** Estimated advance width of `s` at `size` px in DejaVu Sans (generous, for layout only). */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) {
    if ("il.,:;'|!ljtf1I() []".includes(ch)) w += 0.36;
    else if ("mwMW@%".includes(ch)) w += 0.92;
    else if (ch >= "A" && ch <= "Z") w += 0.72;
    else w += 0.62;
  }
  return w * size;
}

/** A path through points, broken where a coordinate is not finite. Returns "" when nothing is drawable. */
export function linePath(points: readonly (readonly [number, number])[]): string {
  let d = "";
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
    d += `${pen ? "L" : d === "" ? "M" : " M"}${num(x)} ${num(y)}`;
    pen = true;
  }
  return d;
}

/** Splits points into runs of consecutive finite points. */
export function finiteRuns<T extends readonly number[]>(points: readonly T[]): T[][] {
  const runs: T[][] = [];
  let cur: T[] = [];
  for (const p of points) {
    if (p.every((v) => Number.isFinite(v))) cur.push(p);
    else if (cur.length) { runs.push(cur); cur = []; }
  }
  if (cur.length) runs.push(cur);
  return runs;
}

let nextId = 0;
/** A document-unique id prefix, so figures inlined in one HTML page keep distinct clip paths. */
export function uniqueId(kind: string): string {
  return `lamina-${kind}-${(nextId++).toString(36)}`;
}

/** The whole SVG document with a white background. */
export function svgDocument(width: number, height: number, body: string, title?: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ` +
    `width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" ` +
    `font-family="${esc(FONT_FAMILY)}">` +
    (title ? `<title>${esc(title)}</title>` : "") +
    el("rect", { x: 0, y: 0, width, height, fill: "#ffffff", class: "background" }) +
    body +
    `</svg>\n`
  );
}
