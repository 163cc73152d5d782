import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { cast, mul, notEqual } from "../ops/math.js";
import { any } from "../ops/reduce.js";
import { noGrad } from "../ops/engine.js";
import { Layer, type LayerArgs, type LayerShape, type Mask, layerOptions } from "./layer.js";
import { single } from "./core.js";

export interface MaskingArgs extends LayerArgs {
  /** A timestep whose features all equal this value is masked (skipped by later layers). Default 0. */
  maskValue?: number;
}

/**
 * Keras' Masking: masks the timesteps of [batch, time, features] inputs whose features all equal
 * maskValue (padding), so the recurrent layers after it skip them, and zeroes those steps. The
 * mask is [batch, time], false at the masked steps.
 */
export class Masking extends Layer {
  static readonly options = layerOptions<MaskingArgs>({ maskValue: true });
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const v = args.maskValue ?? 0;
    if (typeof v !== "number") throw new TypeError(`Masking ${this.name}: maskValue must be a number, got ${valueText(v)}; e.g. layers.Masking(0)`);
    this.maskValue = v;
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const keep = noGrad(() => cast(any(notEqual(x, this.maskValue), -1, true), x.dtype));
    return mul(x, keep);
  }

  override computeMask(inputs: Tensor | Tensor[], _previousMask: Mask = null): Mask {
    return noGrad(() => any(notEqual(single(inputs, this), this.maskValue), -1));
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    if (Array.isArray(inputShape[0])) throw new TypeError(`Masking ${this.name}: expects one input tensor, got ${inputShape.length}`);
    return inputShape as LayerShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mask_value: this.maskValue };
  }
}
