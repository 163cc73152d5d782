/**
 * Keras 3.15's ContrastLimitedAdaptiveHistogramEqualization (CLAHE), as Keras 3.15.1's clahe.py
 * computes it: per-tile histograms, clipped and redistributed, turned into lookup tables that are
 * blended bilinearly between the four nearest tile centres.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { add, cast, clipByValue, div, equal, mul, sub, where } from "../ops/math.js";
import { min, sum } from "../ops/reduce.js";
import { gather, reshape, slice, transpose } from "../ops/shape.js";
import { bincount } from "../ops/count.js";
import { cumsum } from "../ops/cumulative.js";
import { layerOptions } from "./layer.js";
import { type DataFormatArgs, DATA_FORMAT_OPTIONS } from "./data_format.js";
import { type ValueRange, checkValueRange, FixedImageLayer, transformValueRange } from "./image_color_common.js";

export interface ContrastLimitedAdaptiveHistogramEqualizationArgs extends DataFormatArgs {
  /** The images' pixel range [low, high]. Default [0, 255]. */
  valueRange?: ValueRange;
  /** Each tile's histogram is clipped at clipLimit * (tile pixels) / 256 (<= 0: no clipping). Default 4. */
  clipLimit?: number;
  /** [rows, columns] of tiles the image is cut into. Default [8, 8]. */
  tileGridSize?: readonly [number, number];
}

const BINS = 256;

/**
 * numpy's pad(mode="symmetric") at the end of an axis of `size` values to `padded` values, as
 * gather indices: the axis mirrored with its edge repeated (d c b a | a b c d | d c b a), again
 * and again when the padding is longer than the axis.
 */
function symmetricIndices(size: number, padded: number): number[] {
  return Array.from({ length: padded }, (_, i) => {
    const k = i % (2 * size);
    return k < size ? k : 2 * size - 1 - k;
  });
}

/**
 * For each padded row (or column) p of a grid of `grid` tiles of `tile` pixels: the two tiles
 * whose centres surround it and the weight of the second. Keras pads the grid of lookup tables
 * with a copy of its edge tiles and clips into it; here the same tile is named directly.
 */
function tileBlend(tile: number, grid: number): { t0: number[]; t1: number[]; w: number[] } {
  const t0: number[] = [], t1: number[] = [], w: number[] = [];
  // The padded grid's tile p is the real tile p - 1, clamped to the grid (edge copies at 0 and grid + 1).
  const real = (p: number): number => Math.min(Math.max(Math.min(Math.max(p, 0), grid + 1) - 1, 0), grid - 1);
  for (let p = 0; p < tile * grid; p++) {
    // Math.fround: Keras computes the position in float32.
    const pos = Math.fround(Math.fround(Math.fround(p - tile / 2) / tile) + 1);
    const p0 = Math.floor(pos);
    t0.push(real(p0));
    t1.push(real(p0 + 1));
    w.push(pos - p0);
  }
  return { t0, t1, w };
}

/**
 * Equalizes each channel of each image tile by tile (tileGridSize tiles), with each tile's
 * histogram clipped at clipLimit times its mean bin count and the excess spread over all bins;
 * each pixel's value is the bilinear blend of the lookup tables of the four tiles whose centres
 * surround it. As in Keras 3.15.1: values are taken on the [0, 255] scale and truncated to integer
 * bins, a height or width that the grid does not divide is padded at the bottom and right by
 * mirroring, and the layer applies in inference as in training.
 */
export class ContrastLimitedAdaptiveHistogramEqualization extends FixedImageLayer {
  static readonly options = layerOptions<ContrastLimitedAdaptiveHistogramEqualizationArgs>({
    valueRange: true, clipLimit: true, tileGridSize: true, ...DATA_FORMAT_OPTIONS,
  });
  /** As given: Keras 3.15.1 does not sort CLAHE's value_range. */
  readonly valueRange: [number, number];
  readonly clipLimit: number;
  readonly tileGridSize: [number, number];

  constructor(args: ContrastLimitedAdaptiveHistogramEqualizationArgs = {}) {
    super(args);
    const where = `ContrastLimitedAdaptiveHistogramEqualization ${this.name}`;
    this.valueRange = checkValueRange(this, args.valueRange, false);
    const clip = args.clipLimit ?? 4;
    if (typeof clip !== "number" || !Number.isFinite(clip)) {
      throw new RangeError(`${where}: clipLimit must be a number (a multiple of a tile's mean bin count; <= 0 turns clipping off), got ${valueText(clip)}; e.g. { clipLimit: 4 }`);
    }
    this.clipLimit = clip;
    const grid = args.tileGridSize ?? [8, 8];
    if (!Array.isArray(grid) || grid.length !== 2 || !grid.every((g) => typeof g === "number" && Number.isInteger(g) && g > 0)) {
      throw new RangeError(`${where}: tileGridSize must be a pair [rows, columns] of positive integers (how many tiles to cut each image into), got ${valueText(grid)}; e.g. { tileGridSize: [8, 8] }`);
    }
    this.tileGridSize = [grid[0], grid[1]];
  }

  protected transformBatch(x: Tensor): Tensor {
    const [n, h, w, c] = x.shape;
    const [gh, gw] = this.tileGridSize;
    const th = Math.ceil(h / gh), tw = Math.ceil(w / gw);
    const ph = th * gh, pw = tw * gw;
    let images = transformValueRange(cast(x, "float32"), this.valueRange, [0, 255]);
    if (ph !== h) images = gather(images, constant(symmetricIndices(h, ph), [ph], "int32"), 1);
    if (pw !== w) images = gather(images, constant(symmetricIndices(w, pw), [pw], "int32"), 2);

    // One 256-bin histogram per image, tile and channel: rows [n, gh, gw, c], each tile's pixels in a row.
    const tiles = reshape(transpose(reshape(images, [n, gh, th, gw, tw, c]), [0, 1, 3, 5, 2, 4]), [n * gh * gw * c, th * tw]);
    let hists = cast(bincount(clipByValue(cast(tiles, "int32"), 0, BINS - 1), null, BINS), "float32");
    if (this.clipLimit > 0) {
      const clipped = clipByValue(hists, 0, Math.fround((this.clipLimit * th * tw) / BINS));
      hists = add(clipped, div(sum(sub(hists, clipped), -1, true), BINS));
    }
    const cdf = cumsum(hists, 1);
    const cdfMin = min(cdf, -1, true);
    const denominator = sub(th * tw, cdfMin);
    const lut = clipByValue(div(mul(sub(cdf, cdfMin), 255), where(equal(denominator, 0), 1, denominator)), 0, 255);
    const lutFlat = reshape(lut, [-1]);

    // Each pixel's entry in the lookup table of a tile: flat index ((((b gh + ty) gw + tx) c + ch) 256 + value).
    const pixels = cast(clipByValue(images, 0, 255), "int32");
    const base = add(
      add(pixels, constant(Array.from({ length: n }, (_, b) => b * gh * gw * c * BINS), [n, 1, 1, 1], "int32")),
      constant(Array.from({ length: c }, (_, ch) => ch * BINS), [1, 1, 1, c], "int32"),
    );
    const rows = tileBlend(th, gh), cols = tileBlend(tw, gw);
    const rowOffset = (t: number[]): Tensor => constant(t.map((ty) => ty * gw * c * BINS), [1, ph, 1, 1], "int32");
    const colOffset = (t: number[]): Tensor => constant(t.map((tx) => tx * c * BINS), [1, 1, pw, 1], "int32");
    const look = (r: number[], q: number[]): Tensor => gather(lutFlat, add(add(base, rowOffset(r)), colOffset(q)));
    const wy = constant(rows.w, [1, ph, 1, 1], "float32"), wx = constant(cols.w, [1, 1, pw, 1], "float32");
    const blendX = (r: number[]): Tensor => add(mul(look(r, cols.t0), sub(1, wx)), mul(look(r, cols.t1), wx));
    const result = add(mul(blendX(rows.t0), sub(1, wy)), mul(blendX(rows.t1), wy));
    const cropped = ph === h && pw === w ? result : slice(result, [0, 0, 0, 0], [n, h, w, c]);
    return cast(transformValueRange(cropped, [0, 255], this.valueRange), x.dtype);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), value_range: [...this.valueRange], clip_limit: this.clipLimit, tile_grid_size: [...this.tileGridSize] };
  }
}
