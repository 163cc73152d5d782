/**
 * Colours: matplotlib's "tab10" cycle for series, and the colormaps images are drawn with
 * (gray, binary, viridis, and Blues for heatmaps) as 256-entry lookup tables.
 */

/** matplotlib's default colour cycle (tab10): C0 blue, C1 orange, C2 green, C3 red, ... */
export const TAB10 = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
] as const;

/** The colour of the i-th series, cycling as matplotlib does. */
export function seriesColor(i: number): string {
  return TAB10[i % TAB10.length];
}

/** Names accepted by the `cmap` options. */
export type Colormap = "gray" | "binary" | "viridis";
export const COLORMAPS: readonly Colormap[] = ["gray", "binary", "viridis"];

/**
 * matplotlib's viridis (van der Walt, Smith and Firing; CC0): every 8th of its 256 entries and the
 * last, interpolated linearly in between (within one level of the full table).
 */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [0.267004, 0.004874, 0.329415], [0.277018, 0.050344, 0.375715], [0.282327, 0.094955, 0.417331],
  [0.282884, 0.13592, 0.453427], [0.278826, 0.17549, 0.483397], [0.270595, 0.214069, 0.507052],
  [0.258965, 0.251537, 0.524736], [0.244972, 0.287675, 0.53726], [0.229739, 0.322361, 0.545706],
  [0.214298, 0.355619, 0.551184], [0.19943, 0.387607, 0.554642], [0.185556, 0.41857, 0.556753],
  [0.172719, 0.448791, 0.557885], [0.160665, 0.47854, 0.558115], [0.149039, 0.508051, 0.55725],
  [0.13777, 0.537492, 0.554906], [0.127568, 0.566949, 0.550556], [0.120565, 0.596422, 0.543611],
  [0.120638, 0.625828, 0.533488], [0.132268, 0.655014, 0.519661], [0.157851, 0.683765, 0.501686],
  [0.196571, 0.711827, 0.479221], [0.24607, 0.73891, 0.452024], [0.304148, 0.764704, 0.419943],
  [0.369214, 0.788888, 0.382914], [0.440137, 0.811138, 0.340967], [0.515992, 0.831158, 0.294279],
  [0.595839, 0.848717, 0.243329], [0.678489, 0.863742, 0.189503], [0.762373, 0.876424, 0.137064],
  [0.845561, 0.887322, 0.099702], [0.926106, 0.89733, 0.104071], [0.993248, 0.906157, 0.143936],
];
const VIRIDIS_AT = [...Array.from({ length: 32 }, (_, i) => (8 * i) / 255), 1];

/** ColorBrewer's Blues (matplotlib's "Blues"), 9 classes from white to dark blue. */
const BLUES: readonly (readonly [number, number, number])[] = [
  [0xf7, 0xfb, 0xff], [0xde, 0xeb, 0xf7], [0xc6, 0xdb, 0xef], [0x9e, 0xca, 0xe1], [0x6b, 0xae, 0xd6],
  [0x42, 0x92, 0xc6], [0x21, 0x71, 0xb5], [0x08, 0x51, 0x9c], [0x08, 0x30, 0x6b],
].map(([r, g, b]) => [r / 255, g / 255, b / 255] as const);
const BLUES_AT = BLUES.map((_, i) => i / (BLUES.length - 1));

function interpolate(stops: readonly (readonly [number, number, number])[], at: readonly number[], t: number): [number, number, number] {
  let k = 1;
  while (k < at.length - 1 && at[k] < t) k++;
  const f = (t - at[k - 1]) / (at[k] - at[k - 1]);
  const a = stops[k - 1];
  const b = stops[k];
  return [0, 1, 2].map((c) => Math.round(255 * (a[c] + (b[c] - a[c]) * Math.min(1, Math.max(0, f))))) as [number, number, number];
}

/**
 * Entry i of a matplotlib colormap made of one linear segment from `from` to `to` ("gray", "binary"),
 * as bytes: its `_create_lookup_table` in the same float64 steps, then `to_rgba(bytes=True)`'s
 * truncation of lut * 255, which makes some entries one below i (gray: 33 gives 32).
 */
function segmentByte(i: number, from: number, to: number): number {
  if (i === 0) return Math.trunc(from * 255);
  if (i === 255) return Math.trunc(to * 255);
  const distance = (255 * (i * (1 / 255))) / 255;
  return Math.trunc(Math.min(1, Math.max(0, distance * (to - from) + from)) * 255);
}

const tables = new Map<string, Uint8Array>();

/** 256 RGB triples: entry i is the colour of the value i / 255 of the normalized range. */
export function colormapTable(name: Colormap | "blues"): Uint8Array {
  let t = tables.get(name);
  if (t) return t;
  t = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    let rgb: [number, number, number];
    if (name === "gray") rgb = [0, 1, 2].map(() => segmentByte(i, 0, 1)) as [number, number, number];
    else if (name === "binary") rgb = [0, 1, 2].map(() => segmentByte(i, 1, 0)) as [number, number, number];
    else if (name === "viridis") rgb = interpolate(VIRIDIS, VIRIDIS_AT, i / 255);
    else rgb = interpolate(BLUES, BLUES_AT, i / 255);
    t.set(rgb, 3 * i);
  }
  tables.set(name, t);
  return t;
}

/** `#rrggbb` of the colormap at t in [0, 1]. */
export function colormapHex(name: Colormap | "blues", t: number): string {
  const table = colormapTable(name);
  const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255);
  return "#" + [0, 1, 2].map((c) => table[3 * i + c].toString(16).padStart(2, "0")).join("");
}

/** Relative luminance (0 black .. 1 white) of `#rrggbb`, to pick readable text on a fill. */
export function luminance(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  return (0.299 * ((v >> 16) & 255) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255)) / 255;
}

export function assertColormap(name: unknown, where: string): Colormap {
  if (typeof name === "string" && (COLORMAPS as readonly string[]).includes(name)) return name as Colormap;
  throw new Error(`${where}: unknown cmap ${JSON.stringify(name)}; use one of ${COLORMAPS.map((c) => JSON.stringify(c)).join(", ")}`);
}
