/**
 * Keras 3.15's RMSNormalization layer: x * rsqrt(mean(x^2 over axis) + epsilon) * scale (Zhang &
 * Sennrich 2019), by keras.ops.rms_normalization, with a learned `scale` over the normalized axes.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { reshape } from "../ops/shape.js";
import { rmsNormalization } from "../ops/norm315.js";
import { type LayerShape, layerOptions } from "./layer.js";
import { AxisNormalization, type AxisNormalizationArgs } from "./axis_normalization.js";
import { single } from "./core.js";

export interface RMSNormalizationArgs extends AxisNormalizationArgs {
  /** Added to the mean square. Default 1e-6 (Keras'). */
  epsilon?: number;
}

/**
 * keras.layers.RMSNormalization(axis = -1, epsilon = 1e-6): one weight, `scale` (ones), of the sizes
 * of the normalized axes in increasing order. As in Keras, building turns `axis` into a list, sorted.
 */
export class RMSNormalization extends AxisNormalization {
  static readonly options = layerOptions<RMSNormalizationArgs>({ axis: true, epsilon: true });
  scale: Variable | null = null;

  constructor(args: RMSNormalizationArgs = {}) {
    super(args, 1e-6);
  }

  /** The normalized axes as non-negative indices for inputs of this shape, in increasing order. */
  protected override axesFor(shape: LayerShape): number[] {
    return super.axesFor(shape).sort((a, b) => a - b);
  }

  override build(inputShape: LayerShape): void {
    const shape = this.weightShape(inputShape, this.axesFor(inputShape), "scale takes");
    // Keras keeps the axes it was given (negative ones too), as a sorted list.
    this.axis = (typeof this.axis === "number" ? [this.axis] : [...this.axis]).sort((a, b) => a - b);
    this.scale = this.addWeight("scale", shape, { initializer: "ones" });
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const axes = this.axesFor(x.shape);
    const scale = this.scale as Tensor;
    this.checkWeightSizes(scale, x, axes);
    // Keras multiplies by scale as it is, which fits trailing axes only; laid over the axes by a
    // reshape, it fits any (the same values where Keras' fits).
    const trailing = axes.every((a, i) => a === x.rank - axes.length + i);
    const s = trailing ? scale : reshape(scale, x.shape.map((d, i) => (axes.includes(i) ? d : 1)));
    return rmsNormalization(x, s, axes, this.epsilon);
  }
}
