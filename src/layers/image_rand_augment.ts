/** Keras 3.15's RandAugment: num_ops operations picked at random from eleven, as Keras 3.15.1's rand_augment.py applies them. */
import type { Tensor } from "../tensor/tensor.js";
import { layerOptions } from "./layer.js";
import { RANDOM_IMAGE_OPTIONS } from "./image_layer_common.js";
import { DATA_FORMAT_OPTIONS } from "./data_format.js";
import { type AugmentOpName, type PolicyArgs, PolicyImageLayer, checkCount } from "./image_policy_ops.js";

/** Keras' _AUGMENT_LAYERS, in its order (a drawn index names one of them). */
export const RAND_AUGMENT_OPS: readonly AugmentOpName[] = [
  "random_shear", "random_translation", "random_rotation", "random_brightness", "random_color_degeneration", "random_contrast",
  "random_sharpness", "random_posterization", "solarization", "auto_contrast", "equalization",
];

export interface RandAugmentArgs extends PolicyArgs {
  /** How many operations each call applies, one after the other. Default 2. */
  numOps?: number;
}

/**
 * In training, draws numOps operation indices for the call (one pick for the whole batch, as
 * Keras' randint of shape (num_ops,)) and applies those operations in turn to the batch; each
 * operation draws its own parameters per image. An operation picked twice in a call is applied
 * twice with the same parameters, as Keras draws one transformation per operation and call.
 * factor (default 0.5, i.e. [0, 0.5]) sets the operations' strength; see PolicyImageLayer.
 */
export class RandAugment extends PolicyImageLayer {
  static readonly options = layerOptions<RandAugmentArgs>({
    valueRange: true, numOps: true, factor: true, interpolation: true, ...RANDOM_IMAGE_OPTIONS, ...DATA_FORMAT_OPTIONS,
  });
  readonly numOps: number;

  constructor(args: RandAugmentArgs = {}) {
    super(args, 0.5, "layers.RandAugment([0, 255], { factor: 0.5 })");
    this.numOps = checkCount(this, "numOps", args.numOps ?? 2, 0, "layers.RandAugment([0, 255], { numOps: 2 })");
    this.addOps(RAND_AUGMENT_OPS);
  }

  protected augment(x: Tensor): Tensor {
    const count = RAND_AUGMENT_OPS.length;
    const picks = this.uniforms(this.numOps, 0, count).map((u) => Math.min(count - 1, Math.floor(u)));
    return picks.reduce((y, k) => this.applyOp(RAND_AUGMENT_OPS[k], y, true), x);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), num_ops: this.numOps };
  }
}
