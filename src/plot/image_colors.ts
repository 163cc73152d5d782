/**
 * How `plot.image` and `plot.images` turn pixel values into colours, following matplotlib's `imshow`
 * (lib/matplotlib/image.py `_normalize_image_array`, colors.py `Normalize` and `Colormap.__call__`):
 *
 * - single-channel images of any dtype, uint8 included, go through `Normalize`: vmin and vmax
 *   default to the image's own minimum and maximum (NaN and infinities left out), a value v becomes
 *   x = (v - vmin) / (vmax - vmin) (0 when vmin == vmax), and the colormap entry is
 *   floor(256 x), clamped to 0..255; non-finite values are "bad" and left transparent (white);
 * - RGB(A) images are not normalized: integers are clipped to 0..255 and shown as they are, floats
 *   clipped to [0, 1] and written as trunc(255 v), as matplotlib's `to_rgba(bytes=True)`; alpha is
 *   composited over the white background. `vmin`/`vmax` are ignored there by matplotlib; lamina
 *   uses them, when given, to stretch [vmin, vmax] to the full range (e.g. float RGB in 0..255).
 */
import { colormapTable, type Colormap } from "./colors.js";

/** How pixel values become colours. */
export interface ImageScaleOptions {
  /**
   * Colormap of single-channel images (ignored for RGB): "gray" (0 black), "binary" (0 white, as
   * the notebooks' grids) or "viridis" (matplotlib's default).
   */
  cmap?: Colormap;
  /**
   * Value drawn as the colormap's low end. Default: the image's minimum, as matplotlib's `imshow`
   * (uint8 images too: pass `vmin: 0, vmax: 255` for a fixed scale). RGB images: see `vmax`.
   */
  vmin?: number;
  /**
   * Value drawn as the colormap's high end. Default: the image's maximum. RGB images ignore both
   * unless given (then [vmin, vmax] is stretched to the full range; missing ends default to 0 and
   * 1 for floats, 255 for integers).
   */
  vmax?: number;
}

export interface ImageLayout {
  h: number;
  w: number;
  c: number;
}

/** Pixels of one image as RGBA bytes, whether they are all gray, and the value range of the colormap (null for RGB). */
export interface Rendered {
  rgba: Uint8Array;
  gray: boolean;
  range: [number, number] | null;
}

const INTEGER_DTYPES = new Set(["uint8", "int32", "int64"]);

/**
 * Colours one image of `values` starting at `offset` (h × w × c, row-major): channel `channel` through
 * the colormap, or RGB(A) when `channel` is undefined and c is 3 or 4.
 */
export function colorize(values: ArrayLike<number>, offset: number, layout: ImageLayout, dtype: string, channel: number | undefined, o: ImageScaleOptions): Rendered {
  if (channel === undefined && (layout.c === 3 || layout.c === 4)) return trueColor(values, offset, layout, dtype, o);
  return colormapped(values, offset, layout, channel ?? 0, o);
}

/** matplotlib's Normalize + Colormap for one channel. */
function colormapped(values: ArrayLike<number>, offset: number, { h, w, c }: ImageLayout, ch: number, o: ImageScaleOptions): Rendered {
  const n = h * w;
  let lo = o.vmin;
  let hi = o.vmax;
  if (lo === undefined || hi === undefined) {
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = values[offset + i * c + ch];
      if (!Number.isFinite(v)) continue;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    if (mn > mx) { mn = 0; mx = 1; } // nothing finite: every pixel is drawn as bad anyway
    lo ??= mn;
    hi ??= mx;
  }
  const cmap = o.cmap ?? "gray";
  const table = colormapTable(cmap);
  const span = hi - lo;
  const rgba = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    const v = values[offset + i * c + ch];
    rgba[4 * i + 3] = 255;
    if (!Number.isFinite(v)) {
      rgba.fill(255, 4 * i, 4 * i + 3);
      continue;
    }
    const x = span > 0 ? ((v - lo) / span) * 256 : 0;
    const idx = x < 0 ? 0 : Math.min(255, Math.floor(x));
    rgba[4 * i] = table[3 * idx];
    rgba[4 * i + 1] = table[3 * idx + 1];
    rgba[4 * i + 2] = table[3 * idx + 2];
  }
  return { rgba, gray: cmap !== "viridis", range: [lo, hi] };
}

const clip = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** RGB(A) as matplotlib shows it: clipped, not normalized; alpha over white. */
function trueColor(values: ArrayLike<number>, offset: number, { h, w, c }: ImageLayout, dtype: string, o: ImageScaleOptions): Rendered {
  const n = h * w;
  const integer = INTEGER_DTYPES.has(dtype);
  const top = integer ? 255 : 1;
  const stretch = o.vmin !== undefined || o.vmax !== undefined;
  const lo = o.vmin ?? 0;
  const span = (o.vmax ?? top) - lo;
  // float32 data: matplotlib multiplies by 255 in float32 before truncating.
  const round32 = dtype === "float32" ? Math.fround : (v: number): number => v;
  const byte = (v: number): number => {
    if (v !== v) return 0; // matplotlib sets NaN channels to 0
    if (stretch) return Math.round(255 * clip((v - lo) / span, 0, 1));
    return integer ? Math.trunc(clip(v, 0, 255)) : Math.trunc(round32(clip(v, 0, 1) * 255));
  };
  const rgba = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    const at = offset + i * c;
    const a = c === 4 ? (values[at + 3] !== values[at + 3] ? 0 : clip(values[at + 3], 0, top) / top) : 1;
    for (let k = 0; k < 3; k++) {
      const b = byte(values[at + k]);
      rgba[4 * i + k] = a === 1 ? b : Math.round(b * a + 255 * (1 - a));
    }
    rgba[4 * i + 3] = 255;
  }
  return { rgba, gray: false, range: null };
}
