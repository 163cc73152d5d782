/** Keras 3's RandomColorJitter (3.10, as Keras 3.15.1 composes it). */
import type { Tensor } from "../tensor/tensor.js";
import { SeedGenerator } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { layerOptions } from "./layer.js";
import { adjustContrast, RandomBrightness } from "./image_adjust.js";
import { type FactorArg, boundedFactor } from "./image_layer_common.js";
import { RandomHue, RandomSaturation } from "./image_color.js";
import {
  type ColorFactorArg, type ColorLayerArgs, type ValueRange, checkValueRange, ColorImageLayer, COLOR_LAYER_OPTIONS, perImage,
} from "./image_color_common.js";

export interface RandomColorJitterArgs extends ColorLayerArgs {
  /** The images' pixel range [low, high], handed to each part. Default [0, 255]. */
  valueRange?: ValueRange;
  /** RandomBrightness' factor (a fraction of the value range: f for [-f, f], or [lower, upper]); null or omitted: no brightness change. */
  brightnessFactor?: FactorArg | null;
  /** Keras 3.15.1 RandomContrast's factor: f for contrast factors in [1, 1 + f], or [lower, upper] for [1 - lower, 1 + upper]; null: none. */
  contrastFactor?: ColorFactorArg | null;
  /** RandomSaturation's factor (0.5 keeps the colours); null: none. */
  saturationFactor?: ColorFactorArg | null;
  /** RandomHue's factor; null: none. */
  hueFactor?: ColorFactorArg | null;
}

/** The parts a RandomColorJitter runs, in Keras' order; kept out of the layer's own properties, so that they are not tracked as sub-layers. */
interface JitterParts {
  brightness: RandomBrightness | null;
  /** The contrast factor range [lower, upper]. */
  contrast: [number, number] | null;
  saturation: RandomSaturation | null;
  hue: RandomHue | null;
}

/**
 * In training, applies in turn random brightness, contrast, saturation and hue changes, each part
 * that has a factor, each drawing per image from the layer's one generator, as Keras 3.15.1's
 * RandomColorJitter does. Its contrast is Keras 3.15.1's RandomContrast (a factor per image,
 * clipped to valueRange), not Keras 3.5's that layers.RandomContrast follows. Unlike Keras, which
 * builds its saturation and hue parts with the default data_format, every part works in the
 * jitter's own dataFormat.
 */
export class RandomColorJitter extends ColorImageLayer {
  static readonly options = layerOptions<RandomColorJitterArgs>({
    valueRange: true, brightnessFactor: true, contrastFactor: true, saturationFactor: true, hueFactor: true, ...COLOR_LAYER_OPTIONS,
  });
  /** As given: Keras keeps RandomColorJitter's value_range unsorted and lets each part read it. */
  readonly valueRange: [number, number];
  readonly brightnessFactor: FactorArg | null;
  readonly contrastFactor: ColorFactorArg | null;
  readonly saturationFactor: ColorFactorArg | null;
  readonly hueFactor: ColorFactorArg | null;
  private readonly parts: JitterParts;
  protected override readonly channelCounts: readonly number[] | null;

  constructor(args: RandomColorJitterArgs = {}) {
    // One stream for the jitter and its parts, as Keras draws every part from the jitter's own seed generator.
    const stream = typeof args.seed === "number" ? new SeedGenerator(args.seed) : args.seed;
    super({ ...args, seed: stream });
    this.valueRange = checkValueRange(this, args.valueRange, false);
    const factor = <F>(v: F | null | undefined, what: string): F | null => {
      if (v === undefined || v === null) return null;
      if (typeof v !== "number" && !Array.isArray(v)) {
        throw new TypeError(`RandomColorJitter ${this.name}: ${what} must be a number, a pair [lower, upper] or null, got ${valueText(v)}`);
      }
      return (typeof v === "number" ? v : [...(v as readonly number[])]) as F;
    };
    this.brightnessFactor = factor(args.brightnessFactor, "brightnessFactor");
    this.contrastFactor = factor(args.contrastFactor, "contrastFactor");
    this.saturationFactor = factor(args.saturationFactor, "saturationFactor");
    this.hueFactor = factor(args.hueFactor, "hueFactor");
    const valueRange = this.valueRange;
    const part = <L>(what: string, make: () => L): L => {
      try {
        return make();
      } catch (e) {
        const err = e as Error;
        throw new (err instanceof RangeError ? RangeError : TypeError)(`RandomColorJitter ${this.name}: ${what}: ${err.message}`);
      }
    };
    const common = { valueRange, seed: stream, dtype: this.dtype, dataFormat: "channels_last" } as const;
    this.parts = {
      brightness: this.brightnessFactor === null ? null : part("brightnessFactor", () => new RandomBrightness({ factor: this.brightnessFactor!, valueRange, seed: stream, dtype: this.dtype })),
      contrast: this.contrastFactor === null ? null
        : boundedFactor(this, "contrastFactor", this.contrastFactor, [0, 1], "layers.RandomColorJitter({ contrastFactor: 0.2 }) or { contrastFactor: [0.2, 0.5] }"),
      saturation: this.saturationFactor === null ? null : part("saturationFactor", () => new RandomSaturation({ ...common, factor: this.saturationFactor! })),
      hue: this.hueFactor === null ? null : part("hueFactor", () => new RandomHue({ ...common, factor: this.hueFactor! })),
    };
    this.channelCounts = this.parts.saturation !== null || this.parts.hue !== null ? [3] : null;
  }

  augment(x: Tensor): Tensor {
    const { brightness, contrast, saturation, hue } = this.parts;
    let y = x;
    if (brightness !== null) y = brightness.call(y, { training: true });
    if (contrast !== null) {
      const [lower, upper] = contrast;
      const lo = Math.min(...this.valueRange), hi = Math.max(...this.valueRange);
      y = adjustContrast(y, perImage(this.uniforms(y.shape[0], 1 - lower, 1 + upper), y), [lo, hi]);
    }
    if (saturation !== null) y = saturation.augment(y);
    if (hue !== null) y = hue.augment(y);
    return y;
  }

  override getConfig(): Record<string, unknown> {
    const copy = (f: ColorFactorArg | null): number | number[] | null => (f === null || typeof f === "number" ? f : [...f]);
    return {
      ...super.getConfig(), value_range: [...this.valueRange], brightness_factor: copy(this.brightnessFactor), contrast_factor: copy(this.contrastFactor),
      saturation_factor: copy(this.saturationFactor), hue_factor: copy(this.hueFactor),
    };
  }
}
