/**
 * Keras 3's intensity augmentation layers (3.6 to 3.10, as Keras 3.15.1 computes them):
 * Solarization, RandomInvert and RandomPosterization. Each acts only in training, per image,
 * on any number of channels.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { add, clipByValue, div, floor, greater, less, mul, sub, where } from "../ops/math.js";
import { layerOptions } from "./layer.js";
import {
  type ColorFactorArg, type ColorFactorLayerArgs, type ColorLayerArgs, type ValueRange, checkValueRange, ColorFactorLayer, ColorImageLayer, COLOR_LAYER_OPTIONS,
  FACTOR_LAYER_OPTIONS, perImage, transformValueRange,
} from "./image_color_common.js";
import { boundedFactor } from "./image_layer_common.js";

// ---------------------------------------------------------------- Solarization

export interface SolarizationArgs extends ColorLayerArgs {
  /** A fraction of 255 added to each pixel before solarizing: f for [0, f], or [lower, upper], in [0, 1]. Default 0. */
  additionFactor?: ColorFactorArg;
  /** Pixels at or above this fraction of 255 are inverted: f for [0, f], or [lower, upper], in [0, 1]. Default 0 (all). */
  thresholdFactor?: ColorFactorArg;
  /** The images' pixel range [low, high]. Default [0, 255]. */
  valueRange?: ValueRange;
}

const solarizationExample = "layers.Solarization({ additionFactor: 0.1, thresholdFactor: 0.5 })";

/**
 * In training, per image: the pixels (rescaled from valueRange to [0, 255]) get an addition a,
 * are clipped to [0, 255], and those at or above a threshold t become 255 - x; then they are
 * rescaled back. As Keras 3.15.1, a and t are drawn from [lower, upper * 255): only the upper end
 * of each factor range is scaled by 255.
 */
export class Solarization extends ColorImageLayer {
  static readonly options = layerOptions<SolarizationArgs>({ additionFactor: true, thresholdFactor: true, valueRange: true, ...COLOR_LAYER_OPTIONS });
  readonly additionFactor: [number, number];
  readonly thresholdFactor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: SolarizationArgs = {}) {
    super(args);
    this.additionFactor = boundedFactor(this, "additionFactor", args.additionFactor ?? 0, [0, 1], solarizationExample, true);
    this.thresholdFactor = boundedFactor(this, "thresholdFactor", args.thresholdFactor ?? 0, [0, 1], solarizationExample, true);
    this.valueRange = checkValueRange(this, args.valueRange);
  }

  augment(x: Tensor): Tensor {
    const n = x.shape[0];
    const additions = perImage(this.uniforms(n, this.additionFactor[0], this.additionFactor[1] * 255), x);
    const thresholds = perImage(this.uniforms(n, this.thresholdFactor[0], this.thresholdFactor[1] * 255), x);
    const shifted = clipByValue(add(transformValueRange(x, this.valueRange, [0, 255]), additions), 0, 255);
    return transformValueRange(where(less(shifted, thresholds), shifted, sub(255, shifted)), [0, 255], this.valueRange);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), value_range: [...this.valueRange], addition_factor: [...this.additionFactor], threshold_factor: [...this.thresholdFactor],
    };
  }
}


// ---------------------------------------------------------------- RandomInvert

/**
 * In training, inverts each image (x becomes valueRange[1] - x, as Keras writes it, not low + high - x)
 * when a uniform draw falls below a probability itself drawn from the factor range, per image.
 */
export class RandomInvert extends ColorFactorLayer {
  static readonly options = layerOptions<ColorFactorLayerArgs>(FACTOR_LAYER_OPTIONS);

  /**
   * factor: the probability of inverting, itself drawn per image from [0, f] for a number f, or
   * from [lower, upper]; in [0, 1]. Default 1 ([0, 1]). valueRange is kept as given, as Keras keeps it.
   */
  constructor(args: ColorFactorLayerArgs = {}) {
    super(args, { bounds: [0, 1], example: "layers.RandomInvert(0.5) or layers.RandomInvert([1, 1]) (always)", defaultFactor: 1, sortRange: false });
  }

  augment(x: Tensor): Tensor {
    const n = x.shape[0];
    // As Keras: all the probabilities are drawn, then all the thresholds.
    const probability = this.uniforms(n, ...this.factor);
    const apply = this.uniforms(n, 0, 1).map((t, i) => (t < probability[i] ? 1 : 0));
    return where(greater(perImage(apply, x), 0), sub(this.valueRange[1], x), x);
  }
}

// ---------------------------------------------------------------- RandomPosterization

const posterizationExample = "layers.RandomPosterization(4) or layers.RandomPosterization([3, 3]) (always 3 bits)";

/**
 * In training, keeps the top b bits of each channel value (rescaled from valueRange to [0, 255]
 * and truncated to 8-bit integers), b drawn per image as Keras' randint(lower, upper) (upper
 * excluded, so a number factor 8 keeps 1 to 7 bits) or fixed when lower equals upper; then
 * rescales back. Values outside [0, 255] after rescaling are clipped to it before the
 * truncation, which Keras' cast to uint8 leaves to the backend.
 */
export class RandomPosterization extends ColorFactorLayer {
  static readonly options = layerOptions<ColorFactorLayerArgs>(FACTOR_LAYER_OPTIONS);

  /** factor: the bits kept per channel, an integer in [1, 8]: b for [1, b), or [lower, upper) (equal values fix it). Required. */
  constructor(args: ColorFactorLayerArgs) {
    super(args, { bounds: [1, 8], example: posterizationExample });
    // Keras' randint and bit shifts need whole bit counts; its own check lets a fraction through.
    if (!this.factor.every((b) => Number.isInteger(b) && b >= 1 && b <= 8)) {
      throw new RangeError(
        `RandomPosterization ${this.name}: factor must be an integer in [1, 8] (the bits kept per channel) or a pair [lower, upper] of such integers, got ${valueText(args.factor)}; e.g. ${posterizationExample}`,
      );
    }
  }

  augment(x: Tensor): Tensor {
    const n = x.shape[0];
    const [lo, hi] = this.factor;
    const bits = lo === hi ? Array<number>(n).fill(lo) : this.uniforms(n, lo, hi).map((u) => Math.min(hi - 1, Math.floor(u)));
    const step = perImage(bits.map((b) => 2 ** (8 - b)), x);
    const bytes = floor(clipByValue(transformValueRange(x, this.valueRange, [0, 255]), 0, 255));
    // (v >> s) << s on the integers 0..255 is floor(v / 2^s) * 2^s, exact in floating point.
    return transformValueRange(mul(floor(div(bytes, step)), step), [0, 255], this.valueRange);
  }
}
