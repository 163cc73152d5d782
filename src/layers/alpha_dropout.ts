import type { SeedGenerator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { uniform } from "../tensor/random.js";
import { isFloatDType } from "../tensor/dtype.js";
import { add, cast, greaterEqual, mul, sub } from "../ops/math.js";
import { valueText } from "../tensor/value_text.js";
import { type CallOptions, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { SEED_OPTIONS, SeededLayer } from "./seeded_layer.js";

/** SELU's constants (Klambauer et al.), as Keras writes them. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

export interface AlphaDropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate?: number;
  /** Shape of the keep/drop mask (null entries take the input's size), e.g. [null, 1, features] for one mask per sample. */
  noiseShape?: readonly (number | null)[] | null;
  /** Seed for a repeatable sequence of masks (each call draws a new mask from it). */
  seed?: number | SeedGenerator | null;
}

/**
 * Keras' AlphaDropout, the dropout of self-normalizing (SELU) networks: in training each value is
 * kept with probability 1 - rate or set to SELU's negative saturation -alpha * scale, then the
 * result is mapped by a * x + b so that mean and variance stay those of the input
 * (a = ((1 - rate) * (1 + rate * alphaP^2))^-1/2, b = -a * alphaP * rate). In inference it
 * returns its input.
 */
export class AlphaDropout extends SeededLayer {
  static readonly options = layerOptions<AlphaDropoutArgs>({ rate: true, noiseShape: true, ...SEED_OPTIONS });
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;

  constructor(args: AlphaDropoutArgs) {
    super(args);
    this.supportsMasking = true;
    const rate = args.rate;
    // Keras takes rate 1 too, where the affine map's a is infinite and every output NaN.
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`AlphaDropout ${this.name}: rate must be a number in [0, 1) (the fraction of inputs to drop), got ${valueText(rate)}; e.g. layers.AlphaDropout(0.1)`);
    }
    const ns = args.noiseShape;
    if (ns !== undefined && ns !== null && !(Array.isArray(ns) && ns.every((d) => d === null || (Number.isInteger(d) && d >= 0)))) {
      throw new TypeError(`AlphaDropout ${this.name}: noiseShape must be a list of sizes (null for the input's size), got ${valueText(ns)}`);
    }
    this.rate = rate;
    this.noiseShape = ns === undefined || ns === null ? null : [...ns];
  }

  /** The mask's shape for this input: Keras' _get_concrete_noise_shape, checked to broadcast. */
  private maskShape(shape: readonly number[]): number[] {
    if (this.noiseShape === null) return [...shape];
    const resolved = this.noiseShape.map((d, i) => (d === null ? shape[i] : d));
    if (this.noiseShape.length !== shape.length || resolved.some((d, i) => d !== shape[i] && d !== 1)) {
      throw new RangeError(
        `AlphaDropout ${this.name}: noiseShape ${JSON.stringify(this.noiseShape)} does not fit the input ${layerShapeText(shape)}; ` +
          "give one entry per input axis, each the input's size there, 1 or null",
      );
    }
    return resolved as number[];
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x0 = single(inputs, this);
    if (!opts.training || this.rate === 0) return x0;
    const x = isFloatDType(x0.dtype) ? x0 : cast(x0, isFloatDType(this.dtype) ? this.dtype : "float32");
    const dtype = x.dtype as "float32" | "float64";
    const u = uniform(this.maskShape(x.shape), 0, 1, { dtype, seed: this.opSeed() });
    const kept = cast(greaterEqual(u, this.rate), dtype);
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    // x * kept + alphaP * (1 - kept), then a * that + b.
    const masked = add(mul(x, kept), mul(sub(1, kept), alphaP));
    return add(mul(masked, a), b);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape === null ? null : [...this.noiseShape] };
  }
}
