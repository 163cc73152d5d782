/**
 * What LayerNormalization and RMSNormalization share: an `axis` (one or a list) normalized over
 * for each sample, an `epsilon`, weights sized by the normalized axes (which must then keep their
 * sizes), and `axis` turned into a list when the layer is built, as Keras stores it.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { Layer, type LayerArgs, type LayerShape } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { axisOption, layerAxes } from "./layer_axes.js";

export interface AxisNormalizationArgs extends LayerArgs {
  /** The axis or axes normalized over (each sample separately). Default -1. */
  axis?: number | readonly number[];
  epsilon?: number;
}

export abstract class AxisNormalization extends Layer {
  axis: number | number[];
  readonly epsilon: number;
  /** The normalized axes as non-negative indices for the input the layer was built for. */
  protected builtAxes: number[] | null = null;

  constructor(args: AxisNormalizationArgs, defaultEpsilon: number) {
    super(args);
    const where = `${this.className} ${this.name}`;
    this.axis = axisOption(where, args.axis, -1, "list");
    const eps = args.epsilon ?? defaultEpsilon;
    if (typeof eps !== "number" || !(eps >= 0)) throw new RangeError(`${where}: epsilon must be a non-negative number, got ${valueText(args.epsilon)}`);
    this.epsilon = eps;
  }

  /** The normalized axes as non-negative indices for inputs of this shape, in `axis`' order. */
  protected axesFor(shape: LayerShape): number[] {
    return layerAxes(`${this.className} ${this.name}`, this.axis, shape);
  }

  /** The sizes of the normalized axes, which size the weights (`what` names them): they must be known. */
  protected weightShape(inputShape: LayerShape, axes: readonly number[], what: string): number[] {
    const shape = axes.map((a) => inputShape[a]);
    if (shape.some((d) => d === null)) {
      throw new RangeError(
        `${this.className} ${this.name}: the normalized axes ${JSON.stringify(axes)} of the input ${layerShapeText(inputShape)} must have known sizes ` +
          `(${what} their shape); normalize over other axes`,
      );
    }
    this.builtAxes = [...axes];
    return shape as number[];
  }

  /** Refuses an input whose normalized axes do not have the sizes `weight` was built for. */
  protected checkWeightSizes(weight: Tensor | null, x: Tensor, axes: readonly number[]): void {
    const want = axes.map((a) => x.shape[a]);
    if (weight && (weight.rank !== want.length || !weight.shape.every((d, i) => d === want[i]))) {
      throw new RangeError(
        `${this.className} ${this.name}: was built for normalized axes of sizes ${JSON.stringify(weight.shape)} but the input ${layerShapeText(x.shape)} ` +
          `has ${JSON.stringify(want)} there; a layer keeps the shape it was first called with`,
      );
    }
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
