/**
 * Keras 3.15's RMSNormalization layer: x * rsqrt(mean(x^2 over axis) + epsilon) * scale (Zhang &
 * Sennrich 2019), by keras.ops.rms_normalization, with a learned `scale` over the normalized axes.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { valueText } from "../tensor/value_text.js";
import { reshape } from "../ops/shape.js";
import { rmsNormalization } from "../ops/norm315.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { layerAxes } from "./layer_axes.js";
import { single } from "./core.js";

export interface RMSNormalizationArgs extends LayerArgs {
  /** The axis or axes normalized over (each sample separately). Default -1. */
  axis?: number | readonly number[];
  /** Added to the mean square. Default 1e-6 (Keras'). */
  epsilon?: number;
}

/**
 * keras.layers.RMSNormalization(axis = -1, epsilon = 1e-6): one weight, `scale` (ones), of the sizes
 * of the normalized axes in increasing order. As in Keras, building turns `axis` into a list, sorted.
 */
export class RMSNormalization extends Layer {
  static readonly options = layerOptions<RMSNormalizationArgs>({ axis: true, epsilon: true });
  axis: number | number[];
  readonly epsilon: number;
  scale: Variable | null = null;
  /** The normalized axes as non-negative indices for the input the layer was built for. */
  private builtAxes: number[] | null = null;

  constructor(args: RMSNormalizationArgs = {}) {
    super(args);
    const where = `RMSNormalization ${this.name}`;
    const axis = args.axis ?? -1;
    const list: readonly unknown[] = typeof axis === "number" ? [axis] : Array.isArray(axis) ? axis : [];
    if (list.length === 0 || !list.every((a) => Number.isInteger(a))) {
      throw new TypeError(`${where}: axis must be an integer or a non-empty list of integers, got ${valueText(args.axis)}`);
    }
    this.axis = typeof axis === "number" ? axis : [...axis];
    const eps = args.epsilon ?? 1e-6;
    if (typeof eps !== "number" || !(eps >= 0)) throw new RangeError(`${where}: epsilon must be a non-negative number, got ${valueText(args.epsilon)}`);
    this.epsilon = eps;
  }

  /** The normalized axes as non-negative indices for inputs of this shape, in increasing order. */
  private axesFor(shape: LayerShape): number[] {
    return layerAxes(`RMSNormalization ${this.name}`, this.axis, shape).sort((a, b) => a - b);
  }

  override build(inputShape: LayerShape): void {
    const axes = this.axesFor(inputShape);
    const shape = axes.map((a) => inputShape[a]);
    if (shape.some((d) => d === null)) {
      throw new RangeError(
        `RMSNormalization ${this.name}: the normalized axes ${JSON.stringify(axes)} of the input ${layerShapeText(inputShape)} must have known sizes ` +
          "(scale takes their shape); normalize over other axes",
      );
    }
    // Keras keeps the axes it was given (negative ones too), as a sorted list.
    this.axis = (typeof this.axis === "number" ? [this.axis] : [...this.axis]).sort((a, b) => a - b);
    this.builtAxes = axes;
    this.scale = this.addWeight("scale", shape as number[], { initializer: "ones" });
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    const axes = this.axesFor(x.shape);
    const scale = this.scale as Tensor;
    const want = axes.map((a) => x.shape[a]);
    if (scale.rank !== want.length || !scale.shape.every((d, i) => d === want[i])) {
      throw new RangeError(
        `RMSNormalization ${this.name}: was built for normalized axes of sizes ${JSON.stringify(scale.shape)} but the input ${layerShapeText(x.shape)} ` +
          `has ${JSON.stringify(want)} there; a layer keeps the shape it was first called with`,
      );
    }
    // Keras multiplies by scale as it is, which fits trailing axes only; laid over the axes by a
    // reshape, it fits any (the same values where Keras' fits).
    const trailing = axes.every((a, i) => a === x.rank - axes.length + i);
    const s = trailing ? scale : reshape(scale, x.shape.map((d, i) => (axes.includes(i) ? d : 1)));
    return rmsNormalization(x, s, axes, this.epsilon);
  }

  protected override weightAxes(): readonly number[] {
    return this.builtAxes ?? (typeof this.axis === "number" ? [this.axis] : this.axis);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.axesFor(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === "number" ? this.axis : [...this.axis], epsilon: this.epsilon };
  }
}
