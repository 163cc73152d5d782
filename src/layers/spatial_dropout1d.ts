import type { SeedGenerator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropout } from "../ops/dropout.js";
import { type CallOptions, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { single } from "./core.js";
import { SEED_OPTIONS, SeededLayer } from "./seeded_layer.js";
import { checkRank3 } from "./conv1d.js";
import { valueText } from "../tensor/value_text.js";

export interface SpatialDropout1DArgs extends LayerArgs {
  /** Fraction of the channels to drop, in [0, 1). */
  rate?: number;
  /** Seed for a repeatable sequence of masks (each call draws a new mask from it). */
  seed?: number | SeedGenerator | null;
}

/**
 * Dropout of whole channels of a sequence: in training each channel of each sample is zeroed at
 * every step with probability `rate` (noise shape [batch, 1, channels]) and the kept ones are
 * scaled by 1 / (1 - rate). In inference it returns its input.
 */
export class SpatialDropout1D extends SeededLayer {
  static readonly options = layerOptions<SpatialDropout1DArgs>({ rate: true, ...SEED_OPTIONS });
  readonly rate: number;

  constructor(args: SpatialDropout1DArgs) {
    super(args);
    const rate = args.rate;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`SpatialDropout1D ${this.name}: rate must be a number in [0, 1) (the fraction of channels to drop), got ${valueText(rate)}`);
    }
    this.rate = rate;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    checkRank3(`SpatialDropout1D ${this.name}`, x.shape);
    if (!opts.training || this.rate === 0) return x;
    return dropout(x, this.rate, { noiseShape: [x.shape[0], 1, x.shape[2]], seed: this.opSeed() });
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    checkRank3(`SpatialDropout1D ${this.name}`, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3's SpatialDropout1D config is these four entries, dtype a plain string.
    const cfg: Record<string, unknown> = { rate: this.rate, seed: this.seed, name: this.name, dtype: this.dtype };
    if (this.batchInputShape) cfg.batch_input_shape = [...this.batchInputShape];
    return cfg;
  }
}
