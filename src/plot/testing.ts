/**
 * Helpers for the plot tests: decode a PNG, read pixels, find elements' attributes in SVG text.
 */
import { PNG } from "pngjs";

export interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
}

export function decodePng(bytes: Uint8Array): Pixels {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

export function pixel(img: Pixels, x: number, y: number): [number, number, number] {
  const i = 4 * (Math.floor(y) * img.width + Math.floor(x));
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

/** Number of distinct RGB colours. */
export function distinctColors(img: Pixels): number {
  const seen = new Set<number>();
  for (let i = 0; i < img.data.length; i += 4) seen.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
  return seen.size;
}

/** Share of pixels that are not (near) white, in the rectangle given or the whole image. */
export function inkShare(img: Pixels, x0 = 0, y0 = 0, x1 = img.width, y1 = img.height): number {
  let ink = 0;
  let all = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const [r, g, b] = pixel(img, x, y);
      all++;
      if (r < 235 || g < 235 || b < 235) ink++;
    }
  }
  return ink / all;
}

export function near(a: readonly number[], b: readonly number[], tol: number): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= tol);
}

/** The attributes of every `<tag ...>` whose attributes include `marker` (e.g. `class="line"`). */
export function elements(svg: string, tag: string, marker: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const re = new RegExp(`<${tag}\\s([^>]*?)/?>`, "g");
  for (const m of svg.matchAll(re)) {
    if (!m[1].includes(marker)) continue;
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = a[2];
    out.push(attrs);
  }
  return out;
}

/** The text content of every `<text class="cls">`, in document order (entities decoded). */
export function texts(svg: string, cls: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/<text\s([^>]*)>([^<]*)<\/text>/g)) {
    if (m[1].includes(`class="${cls}"`)) out.push(m[2].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
  }
  return out;
}
