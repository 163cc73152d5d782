import type { Tensor } from "../tensor/tensor.js";
import { RandomGenerator } from "../tensor/random.js";
import { dropout } from "../ops/dropout.js";
import { Layer, type CallOptions, type LayerArgs, type LayerShape } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";

export interface SpatialDropout2DArgs extends LayerArgs {
  /** Fraction of the channels to drop, in [0, 1). */
  rate?: number;
  /** Seed for a repeatable sequence of masks (each call draws a new mask from it). */
  seed?: number;
}

/**
 * Dropout of whole feature maps: during training each channel of each sample is zeroed with
 * probability `rate` (noise shape [batch, 1, 1, channels]) and the kept ones are scaled by
 * 1 / (1 - rate). In inference it returns its input.
 */
export class SpatialDropout2D extends Layer {
  readonly rate: number;
  readonly seed: number | null;
  private readonly generator: RandomGenerator | null;

  constructor(args: SpatialDropout2DArgs) {
    super(args);
    const rate = args.rate;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`SpatialDropout2D ${this.name}: rate must be a number in [0, 1) (the fraction of channels to drop), got ${String(rate)}`);
    }
    this.rate = rate;
    this.seed = args.seed ?? null;
    this.generator = args.seed === undefined ? null : new RandomGenerator(args.seed);
  }

  private check(shape: LayerShape): void {
    if (shape.length !== 4) {
      throw new RangeError(
        `SpatialDropout2D ${this.name}: expects inputs of rank 4 (batch, height, width, channels), got shape ${layerShapeText(shape)}; ` +
          `use layers.Dropout for other ranks`,
      );
    }
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    this.check(x.shape);
    if (!opts.training || this.rate === 0) return x;
    const seed = this.generator ? this.generator.nextUint32() : undefined;
    return dropout(x, this.rate, { noiseShape: [x.shape[0], 1, 1, x.shape[3]], seed });
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.check(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3's SpatialDropout2D config has no `trainable` entry.
    const cfg: Record<string, unknown> = { rate: this.rate, seed: this.seed, name: this.name, dtype: this.dtype, data_format: "channels_last" };
    if (this.batchInputShape) cfg.batch_input_shape = [...this.batchInputShape];
    return cfg;
  }
}
