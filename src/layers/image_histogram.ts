/**
 * Keras 3's deterministic intensity layers built on each channel's range or histogram (3.6 to
 * 3.10, as Keras 3.15.1 computes them): AutoContrast and Equalization.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { add, cast, clipByValue, div, equal, greater, isNaN, lessEqual, mul, neg, round, sub, where } from "../ops/math.js";
import { max, min } from "../ops/reduce.js";
import { gather, reshape, slice, transpose } from "../ops/shape.js";
import { bincount, countNonzero } from "../ops/count.js";
import { cumsum } from "../ops/cumulative.js";
import { layerOptions } from "./layer.js";
import { type DataFormatArgs, DATA_FORMAT_OPTIONS } from "./data_format.js";
import { type ValueRange, checkValueRange, FixedImageLayer, transformValueRange } from "./image_color_common.js";

// ---------------------------------------------------------------- AutoContrast

export interface AutoContrastArgs extends DataFormatArgs {
  /** The images' pixel range [low, high]. Default [0, 255]. */
  valueRange?: ValueRange;
}

/**
 * Stretches each channel of each image linearly so that its lowest value becomes the range's low
 * and its highest the range's high, in training and in inference alike. A flat channel (or one
 * holding NaN) is left as it is, as Keras leaves the NaN its division gives. Keras 3.15.1 takes
 * the extremes over axes 1 and 2 whatever its data_format; lamina takes them over height and width
 * in both layouts, so a channels_first image gets what its channels_last transpose gets.
 */
export class AutoContrast extends FixedImageLayer {
  static readonly options = layerOptions<AutoContrastArgs>({ valueRange: true, ...DATA_FORMAT_OPTIONS });
  readonly valueRange: [number, number];

  constructor(args: AutoContrastArgs = {}) {
    super(args);
    this.valueRange = checkValueRange(this, args.valueRange);
  }

  protected transformBatch(x: Tensor): Tensor {
    const images = transformValueRange(x, this.valueRange, [0, 255]);
    const low = min(images, [1, 2], true), high = max(images, [1, 2], true);
    // A flat channel divides by zero here: its values become NaN below and are given back unchanged.
    const scale = div(255, sub(high, low));
    const stretched = clipByValue(add(mul(images, scale), mul(neg(low), scale)), 0, 255);
    const back = transformValueRange(stretched, [0, 255], this.valueRange);
    return where(isNaN(back), x, back);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), value_range: [...this.valueRange] };
  }
}

// ---------------------------------------------------------------- Equalization

export interface EqualizationArgs extends DataFormatArgs {
  /** The images' pixel range [low, high]. Default [0, 255]. */
  valueRange?: ValueRange;
  /** The histogram's number of bins, a positive integer. Default 256. */
  bins?: number;
}

/**
 * In training, equalizes each channel's histogram: values (rescaled to [0, 255]) are counted in
 * `bins` bins and mapped through round(255 (cdf - cdf_min) / (n - cdf_min)). As Keras 3.15.1, the
 * histogram of a channel is taken over the whole batch (a single image is a batch of one), a
 * channel with at most one occupied bin is left unchanged, and inference returns the input.
 */
export class Equalization extends FixedImageLayer {
  static readonly options = layerOptions<EqualizationArgs>({ valueRange: true, bins: true, ...DATA_FORMAT_OPTIONS });
  readonly valueRange: [number, number];
  readonly bins: number;

  constructor(args: EqualizationArgs = {}) {
    super(args);
    this.valueRange = checkValueRange(this, args.valueRange);
    const bins = args.bins ?? 256;
    if (typeof bins !== "number" || !Number.isInteger(bins) || bins < 1) {
      throw new RangeError(`Equalization ${this.name}: bins must be a positive integer (the histogram's number of bins), got ${valueText(bins)}; e.g. layers.Equalization({ bins: 128 })`);
    }
    this.bins = bins;
  }

  protected transformBatch(x: Tensor, training: boolean): Tensor {
    if (!training) return x;
    const [n, h, w, c] = x.shape;
    const bins = this.bins;
    const [lo, hi] = this.valueRange;
    // Keras' _scale_values: scale and offset computed in double precision, applied in the images' dtype.
    const toBytes = 255 / (hi - lo);
    const channels = transpose(reshape(add(mul(x, toBytes), 0 - lo * toBytes), [n * h * w, c]));
    // Keras counts in float32 as ((x - 0) * (bins - 1)) / 255, and looks up as (x / 255) * (bins - 1) in the
    // layer's dtype; the two orders can truncate to different bins, so each is kept.
    const binOf = (v: Tensor): Tensor => clipByValue(cast(v, "int32"), 0, bins - 1);
    const hist = bincount(binOf(div(mul(cast(channels, "float32"), bins - 1), 255)), null, bins);
    const cdf = cumsum(hist, 1);
    const total = slice(cdf, [0, bins - 1], [c, 1]);
    const cdfMin = min(where(greater(cdf, 0), cdf, total), 1, true);
    const span = sub(total, cdfMin);
    const denominator = cast(where(equal(span, 0), 1, span), "float64");
    const lut = clipByValue(round(div(mul(cast(sub(cdf, cdfMin), "float64"), 255), denominator)), 0, 255);
    const lookup = clipByValue(mul(div(channels, 255), bins - 1), 0, bins - 1);
    const equalized = gather(lut, cast(lookup, "int32"), 1, 1);
    const kept = where(lessEqual(countNonzero(hist, 1, true), 1), cast(channels, "float64"), equalized);
    const back = add(mul(kept, (hi - lo) / 255), lo);
    return cast(reshape(transpose(back), [n, h, w, c]), x.dtype);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), bins: this.bins, value_range: [...this.valueRange] };
  }
}
