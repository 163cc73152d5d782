import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { mul, neg, sub } from "../ops/math.js";
import { relu } from "../ops/activation.js";
import { valueText } from "../tensor/value_text.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import {
  type ConstraintArg, type InitializerArg, type RegularizerArg, addResolvedWeight, checkWeightOptions, resolveConstraint,
  resolveInitializer, resolveRegularizer, serializeObject,
} from "./weights.js";

export interface PReLUArgs extends LayerArgs {
  /** Initial slopes. Default "zeros" (Keras' "Zeros"): the layer starts as a ReLU. */
  alphaInitializer?: InitializerArg;
  alphaRegularizer?: RegularizerArg;
  alphaConstraint?: ConstraintArg;
  /**
   * Input axes (1 = the first after the batch) along which one slope is shared, e.g. [1, 2] for one
   * slope per channel of (batch, height, width, channels) feature maps. Default null: one slope per value.
   */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * Keras' PReLU: f(x) = x for x >= 0, alpha * x for x < 0, with alpha a learned weight of the
 * input's shape without the batch (size 1 along sharedAxes), computed as relu(x) - alpha * relu(-x).
 */
export class PReLU extends Layer {
  static readonly options = layerOptions<PReLUArgs>({ alphaInitializer: true, alphaRegularizer: true, alphaConstraint: true, sharedAxes: true });
  readonly sharedAxes: number[] | null;
  alpha: Variable | null = null;
  private readonly args: PReLUArgs;

  constructor(args: PReLUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const where = `PReLU ${this.name}`;
    checkWeightOptions(where, args);
    const given = args.sharedAxes;
    const list = given === undefined || given === null ? null : typeof given === "number" ? [given] : Array.isArray(given) ? [...given] : undefined;
    if (list === undefined || (list !== null && !list.every((a) => Number.isInteger(a) && a >= 1))) {
      throw new TypeError(
        `${where}: sharedAxes must be null, an axis or a list of axes counted from 1 (the first axis after the batch), got ${valueText(given)}; ` +
          "e.g. sharedAxes: [1, 2] shares one slope per channel of images",
      );
    }
    this.sharedAxes = list;
    this.args = args;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = inputShape as LayerShape;
    const where = `PReLU ${this.name}`;
    const bad = (this.sharedAxes ?? []).filter((a) => a >= shape.length);
    if (bad.length > 0) {
      throw new RangeError(`${where}: sharedAxes ${JSON.stringify(this.sharedAxes)} name axes the input ${layerShapeText(shape)} does not have (its axes after the batch are 1..${shape.length - 1})`);
    }
    const param = shape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : d));
    if (param.some((d) => d === null)) {
      throw new RangeError(`${where}: the input ${layerShapeText(shape)} has an axis of unknown size where alpha needs one slope per position; give that axis a size or share it with sharedAxes`);
    }
    this.alpha = addResolvedWeight(this, "alpha", param as number[], "zeros", {
      initializer: this.args.alphaInitializer, regularizer: this.args.alphaRegularizer, constraint: this.args.alphaConstraint,
    });
    this.built = true;
  }

  /** Keras' InputSpec: every axis alpha is sized by keeps its size. */
  protected override weightAxes(): readonly number[] {
    const rank = this.alpha === null ? 0 : this.alpha.rank + 1;
    const axes: number[] = [];
    for (let i = 1; i < rank; i++) if (!this.sharedAxes?.includes(i)) axes.push(i);
    return axes;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    if (this.alpha === null) throw new Error(`PReLU ${this.name}: not built; call the layer on an input first`);
    if (x.rank !== this.alpha.rank + 1) {
      throw new RangeError(`PReLU ${this.name}: was built for inputs of rank ${this.alpha.rank + 1} but got ${layerShapeText(x.shape)}`);
    }
    return sub(relu(x), mul(this.alpha, relu(neg(x))));
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alpha_initializer: serializeObject(resolveInitializer(this.args.alphaInitializer ?? "zeros")),
      alpha_regularizer: serializeObject(resolveRegularizer(this.args.alphaRegularizer)),
      alpha_constraint: serializeObject(resolveConstraint(this.args.alphaConstraint)),
      shared_axes: this.sharedAxes === null ? null : [...this.sharedAxes],
    };
  }
}
