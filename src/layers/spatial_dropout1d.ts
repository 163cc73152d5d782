import type { SeedGenerator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { single } from "./core.js";
import { SEED_OPTIONS } from "./seeded_layer.js";
import { SpatialDropoutBase } from "./spatial_dropout_base.js";
import { checkRank3 } from "./conv1d.js";

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
export class SpatialDropout1D extends SpatialDropoutBase {
  static readonly options = layerOptions<SpatialDropout1DArgs>({ rate: true, ...SEED_OPTIONS });

  constructor(args: SpatialDropout1DArgs) {
    super(args);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    checkRank3(`SpatialDropout1D ${this.name}`, x.shape);
    if (!opts.training || this.rate === 0) return x;
    return this.dropChannels(x, [x.shape[0], 1, x.shape[2]]);
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
