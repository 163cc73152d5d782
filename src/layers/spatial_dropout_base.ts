/** What the SpatialDropout layers share: Keras' rate check and the channel-wise dropout, rate 1 included. */
import type { Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { dropout } from "../ops/dropout.js";
import { SeededLayer, type SeededLayerArgs } from "./seeded_layer.js";

export abstract class SpatialDropoutBase extends SeededLayer {
  readonly rate: number;

  constructor(args: SeededLayerArgs & { rate?: number }) {
    super(args);
    const rate = args.rate;
    // Keras 3.5's Dropout check, which its SpatialDropout layers inherit: 0 <= rate <= 1.
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`${this.className} ${this.name}: rate must be a number in [0, 1] (the fraction of channels to drop), got ${valueText(rate)}`);
    }
    this.rate = rate;
  }

  /** Drops whole channels as the noise shape lays them out; rate 1 keeps none (every output 0, as Keras' dropout with keep probability 0). */
  protected dropChannels(x: Tensor, noiseShape: number[]): Tensor {
    const seed = this.opSeed();
    return this.rate === 1 ? zerosLike(x) : dropout(x, this.rate, { noiseShape, seed });
  }
}
