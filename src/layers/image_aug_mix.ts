/** Keras 3.15's AugMix: chains of random operations mixed with Dirichlet weights, then with the image, as Keras 3.15.1's aug_mix.py computes it. */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { add, clipByValue, mul } from "../ops/math.js";
import { booleanOption, layerOptions } from "./layer.js";
import { RANDOM_IMAGE_OPTIONS } from "./image_layer_common.js";
import { DATA_FORMAT_OPTIONS } from "./data_format.js";
import { type AugmentOpName, type PolicyArgs, PolicyImageLayer, checkCount } from "./image_policy_ops.js";

/** Keras' AUGMENT_LAYERS_ALL (allOps), in its order. */
export const AUG_MIX_OPS_ALL: readonly AugmentOpName[] = [
  "random_shear", "random_translation", "random_rotation", "random_posterization", "solarization", "auto_contrast", "equalization",
  "random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness",
];
/** Keras' AUGMENT_LAYERS (allOps false): the operations that leave colour balance and contrast alone. */
export const AUG_MIX_OPS: readonly AugmentOpName[] = AUG_MIX_OPS_ALL.slice(0, 7);

export interface AugMixArgs extends PolicyArgs {
  /** How many chains are mixed. Default 3. */
  numChains?: number;
  /** Each chain's number of steps; each step applies a random operation or none. Default 3. */
  chainDepth?: number;
  /** The Dirichlet parameter of the chain weights and both parameters of the Beta mixing weight, > 0. Default 1. */
  alpha?: number;
  /** Also use brightness, colour degeneration, contrast and sharpness. Default true. */
  allOps?: boolean;
}

/**
 * In training, per call: chain weights w drawn from Dirichlet(alpha, ..., alpha) (Gamma draws
 * over their sum), a mixing weight m from Beta(alpha, alpha); each of numChains chains applies
 * chainDepth steps to the batch, each step an operation picked at random or none (Keras picks
 * among the operations and None alike); the result m x + (1 - m) sum_i w_i chain_i(x), clipped to
 * valueRange. Each application of an operation draws its own parameters per image. factor
 * (default 0.3, i.e. [0, 0.3]) sets the operations' strength; see PolicyImageLayer.
 */
export class AugMix extends PolicyImageLayer {
  static readonly options = layerOptions<AugMixArgs>({
    valueRange: true, numChains: true, chainDepth: true, factor: true, alpha: true, allOps: true, interpolation: true,
    ...RANDOM_IMAGE_OPTIONS, ...DATA_FORMAT_OPTIONS,
  });
  readonly numChains: number;
  readonly chainDepth: number;
  readonly alpha: number;
  readonly allOps: boolean;
  private readonly opNames: readonly AugmentOpName[];

  constructor(args: AugMixArgs = {}) {
    super(args, 0.3, "layers.AugMix([0, 255], { factor: 0.3 })");
    this.numChains = checkCount(this, "numChains", args.numChains ?? 3, 1, "layers.AugMix([0, 255], { numChains: 3 })");
    this.chainDepth = checkCount(this, "chainDepth", args.chainDepth ?? 3, 0, "layers.AugMix([0, 255], { chainDepth: 3 })");
    const alpha = args.alpha ?? 1;
    if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0) {
      throw new RangeError(`AugMix ${this.name}: alpha must be a number > 0 (the Dirichlet and Beta parameter), got ${valueText(alpha)}; e.g. layers.AugMix([0, 255], { alpha: 1 })`);
    }
    this.alpha = alpha;
    const allOps = booleanOption(`AugMix ${this.name}`, "allOps", args.allOps, true);
    this.allOps = allOps;
    this.opNames = allOps ? AUG_MIX_OPS_ALL : AUG_MIX_OPS;
    this.addOps(this.opNames);
  }

  protected augment(x: Tensor): Tensor {
    const gammas = this.gammas(this.numChains, this.alpha);
    const total = gammas.reduce((a, b) => a + b, 0);
    const [m] = this.betas(1, this.alpha, this.alpha);
    const count = this.opNames.length;
    let mixed: Tensor | null = null;
    for (let chain = 0; chain < this.numChains; chain++) {
      let y = x;
      for (let step = 0; step < this.chainDepth; step++) {
        const [u] = this.uniforms(1, 0, count + 1);
        const k = Math.min(count, Math.floor(u));
        // The last choice is Keras' None: the step is skipped.
        if (k < count) y = this.applyOp(this.opNames[k], y, false);
      }
      const weighted = mul(y, gammas[chain] / total);
      mixed = mixed === null ? weighted : add(mixed, weighted);
    }
    // Keras casts the weight to the images' dtype before taking 1 - m.
    const m32 = Math.fround(m);
    const out = add(mul(x, m32), mul(mixed ?? x, 1 - m32));
    return clipByValue(out, Math.min(...this.valueRange), Math.max(...this.valueRange));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), num_chains: this.numChains, chain_depth: this.chainDepth, alpha: this.alpha, all_ops: this.allOps };
  }
}
