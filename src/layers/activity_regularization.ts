import type { Tensor } from "../tensor/tensor.js";
import { L1L2 } from "../nn/regularizers.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";

export interface ActivityRegularizationArgs extends Omit<LayerArgs, "activityRegularizer"> {
  /** Factor of the L1 penalty sum(|x|) on the input. Default 0. */
  l1?: number;
  /** Factor of the L2 penalty sum(x^2) on the input. Default 0. */
  l2?: number;
}

/**
 * Keras' ActivityRegularization: returns its input and adds l1 * sum(|x|) + l2 * sum(x^2) to the
 * loss (its activity regularizer is L1L2({ l1, l2 })), over the whole batch as Keras 3 adds it.
 */
export class ActivityRegularization extends Layer {
  static readonly options = layerOptions<ActivityRegularizationArgs>({ l1: true, l2: true });
  readonly l1: number;
  readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    const { l1, l2, ...base } = args;
    let reg: L1L2;
    try {
      reg = new L1L2({ l1, l2 });
    } catch (e) {
      throw new RangeError(`ActivityRegularization${typeof args.name === "string" ? ` ${args.name}` : ""}: ${(e as Error).message}`);
    }
    super({ ...base, activityRegularizer: reg });
    this.supportsMasking = true;
    this.l1 = reg.l1;
    this.l2 = reg.l2;
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras drops the regularizer from the config: l1 and l2 recreate it.
    const { activity_regularizer: _made, ...base } = super.getConfig();
    return { ...base, l1: this.l1, l2: this.l2 };
  }
}
