import type { Tensor } from "../tensor/tensor.js";
import { cast, maximum, mul, rsqrt, square } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { axisOption, layerAxes } from "./layer_axes.js";
import { single } from "./core.js";

export interface UnitNormalizationArgs extends LayerArgs {
  /** The axis or axes whose vector is scaled to length 1 (each sample separately). Default -1. */
  axis?: number | readonly number[];
}

/**
 * Keras 3's UnitNormalization: x / sqrt(max(sum(x^2 over axis), 1e-12)), so each vector along
 * `axis` gets L2 norm 1 (an all-zero vector stays zero). No weights.
 */
export class UnitNormalization extends Layer {
  static readonly options = layerOptions<UnitNormalizationArgs>({ axis: true });
  /** As given: an integer, or a list (Keras keeps the two apart in its config). */
  readonly axis: number | readonly number[];

  constructor(args: UnitNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.axis = axisOption(`UnitNormalization ${this.name}`, args.axis, -1, "list");
  }

  private axesFor(shape: LayerShape): number[] {
    return layerAxes(`UnitNormalization ${this.name}`, this.axis, shape);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const input = single(inputs, this);
    const x = input.dtype === this.dtype ? input : cast(input, this.dtype);
    const squares = sum(square(x), this.axesFor(x.shape), true);
    return mul(x, rsqrt(maximum(squares, 1e-12)));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.axesFor(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === "number" ? this.axis : [...this.axis] };
  }
}
