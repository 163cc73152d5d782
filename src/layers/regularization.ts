import type { SeedGenerator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { normal } from "../tensor/random.js";
import { add, cast, mul } from "../ops/math.js";
import { isFloatDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { type CallOptions, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { SEED_OPTIONS, SeededLayer } from "./seeded_layer.js";
import { SpatialDropoutBase } from "./spatial_dropout_base.js";
import { type DataFormat, type DataFormatArgs, DATA_FORMAT_OPTIONS, checkDataFormat, layoutText } from "./data_format.js";

export interface SpatialDropout2DArgs extends DataFormatArgs {
  /** Fraction of the channels to drop, in [0, 1). */
  rate?: number;
  /** Seed for a repeatable sequence of masks (each call draws a new mask from it). */
  seed?: number | SeedGenerator | null;
}

/**
 * Dropout of whole feature maps: during training each channel of each sample is zeroed with
 * probability `rate` (noise shape [batch, 1, 1, channels], or [batch, channels, 1, 1] with
 * dataFormat "channels_first") and the kept ones are scaled by 1 / (1 - rate). In inference it
 * returns its input.
 */
export class SpatialDropout2D extends SpatialDropoutBase {
  static readonly options = layerOptions<SpatialDropout2DArgs>({ rate: true, ...SEED_OPTIONS, ...DATA_FORMAT_OPTIONS });
  readonly dataFormat: DataFormat;

  constructor(args: SpatialDropout2DArgs) {
    super(args);
    this.dataFormat = checkDataFormat(`SpatialDropout2D ${this.name}`, args.dataFormat);
  }

  private check(shape: LayerShape): void {
    if (shape.length !== 4) {
      throw new RangeError(
        `SpatialDropout2D ${this.name}: expects inputs of rank 4 ${layoutText(this.dataFormat)}, got shape ${layerShapeText(shape)}; ` +
          `use layers.Dropout for other ranks`,
      );
    }
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    this.check(x.shape);
    if (!opts.training || this.rate === 0) return x;
    // The mask's draws come in (sample, channel) order either way, so a seed drops the same channels in both layouts.
    const noiseShape = this.dataFormat === "channels_first" ? [x.shape[0], x.shape[1], 1, 1] : [x.shape[0], 1, 1, x.shape[3]];
    return this.dropChannels(x, noiseShape);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.check(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3's SpatialDropout2D config has no `trainable` entry.
    const cfg: Record<string, unknown> = { rate: this.rate, seed: this.seed, name: this.name, dtype: this.dtype, data_format: this.dataFormat };
    if (this.batchInputShape) cfg.batch_input_shape = [...this.batchInputShape];
    return cfg;
  }
}

/** What GaussianNoise and GaussianDropout share: a parameter in [0, 1], an optional seed, training-only noise. */
abstract class GaussianLayer extends SeededLayer {
  /** Keras' check: a number in [0, 1]. */
  protected unitParameter(what: string, v: unknown, example: string): number {
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new RangeError(`${this.constructor.name} ${this.name}: ${what} must be a number in [0, 1], got ${valueText(v)}; e.g. ${example}`);
    }
    return v;
  }

  /** x in a float dtype (integer inputs in the layer's), and normal noise of its shape and dtype from the layer's seed when it has one. */
  protected withNoise(x0: Tensor, mean: number, stddev: number): [Tensor, Tensor] {
    const x = isFloatDType(x0.dtype) ? x0 : cast(x0, isFloatDType(this.dtype) ? this.dtype : "float32");
    return [x, normal(x.shape, mean, stddev, { dtype: x.dtype as "float32" | "float64", seed: this.opSeed() })];
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }
}

export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the noise, in [0, 1] (Keras' bound). */
  stddev?: number;
  seed?: number | SeedGenerator | null;
}

/** In training, adds zero-mean normal noise of standard deviation `stddev` (a regularizer); in inference returns its input. */
export class GaussianNoise extends GaussianLayer {
  static readonly options = layerOptions<GaussianNoiseArgs>({ stddev: true, ...SEED_OPTIONS });
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    this.supportsMasking = true;
    this.stddev = this.unitParameter("stddev", args.stddev, "layers.GaussianNoise(0.1)");
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    if (!opts.training || this.stddev === 0) return x;
    const [xf, noise] = this.withNoise(x, 0, this.stddev);
    return add(xf, noise);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}

export interface GaussianDropoutArgs extends LayerArgs {
  /** Drop probability in [0, 1]: the noise has standard deviation sqrt(rate / (1 - rate)). */
  rate?: number;
  seed?: number | SeedGenerator | null;
}

/** In training, multiplies by normal noise of mean 1 and standard deviation sqrt(rate / (1 - rate)); in inference returns its input. */
export class GaussianDropout extends GaussianLayer {
  static readonly options = layerOptions<GaussianDropoutArgs>({ rate: true, ...SEED_OPTIONS });
  readonly rate: number;

  constructor(args: GaussianDropoutArgs) {
    super(args);
    this.supportsMasking = true;
    this.rate = this.unitParameter("rate", args.rate, "layers.GaussianDropout(0.2)");
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    // As Keras: no noise at rate 0 or 1 (rate 1 would need an infinite deviation).
    if (!opts.training || this.rate <= 0 || this.rate >= 1) return x;
    const [xf, noise] = this.withNoise(x, 1, Math.sqrt(this.rate / (1 - this.rate)));
    return mul(xf, noise);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
