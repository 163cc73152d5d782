import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, cast, mul, neg, rsqrt } from "../ops/math.js";
import { moments } from "../ops/reduce.js";
import { reshape } from "../ops/shape.js";
import { Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { layerAxes } from "./layer_axes.js";
import { single } from "./core.js";
import {
  type GammaBetaArgs,
  resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject, checkWeightOptions,
} from "./weights.js";
import { valueText } from "../tensor/value_text.js";

export interface LayerNormalizationArgs extends LayerArgs, GammaBetaArgs {
  /** The axis or axes normalized over (each sample separately). Default -1. */
  axis?: number | readonly number[];
  /** Added to the variance. Default 1e-3 (Keras 3). */
  epsilon?: number;
  /** Add the learned offset beta. Default true. */
  center?: boolean;
  /** Multiply by the learned scale gamma. Default true. */
  scale?: boolean;
  /**
   * Keras 3.5's rms_scaling: y = x * rsqrt(variance + epsilon) * gamma, with gamma always made and
   * no beta (center and scale are then ignored). Keras 3.5 takes the variance about the mean, not
   * the mean square, and does not subtract the mean from x. Default false.
   */
  rmsScaling?: boolean;
}

/**
 * Keras' LayerNormalization: for each sample, (x - mean) / sqrt(variance + epsilon) * gamma + beta
 * with the mean and biased variance taken over `axis`; gamma and beta have the shape of the
 * normalized axes, in the order `axis` lists them (Keras 3: axis [2, 1] of (None, 3, 4, 2) inputs
 * makes (4, 3) weights, laid over the input's (3, 4) axes as they are, by a reshape). Same in
 * training and inference. After building, an integer `axis` becomes a one-element list; negative
 * and unsorted axes stay as given, as Keras 3 stores them.
 */
export class LayerNormalization extends Layer {
  static readonly options = layerOptions<LayerNormalizationArgs>({
    axis: true, epsilon: true, center: true, scale: true, rmsScaling: true, betaInitializer: true, gammaInitializer: true,
    betaRegularizer: true, gammaRegularizer: true, betaConstraint: true, gammaConstraint: true,
  });
  axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly rmsScaling: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private readonly args: LayerNormalizationArgs;
  /** The normalized axes as non-negative indices for the input the layer was built for. */
  private builtAxes: number[] | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const where = `LayerNormalization ${this.name}`;
    const axis = args.axis ?? -1;
    const list: readonly number[] = typeof axis === "number" ? [axis] : Array.isArray(axis) ? axis : [];
    if (list.length === 0 || !list.every((a) => Number.isInteger(a))) {
      throw new TypeError(`${where}: axis must be an integer or a non-empty list of integers, got ${valueText(axis)}`);
    }
    this.axis = typeof axis === "number" ? axis : [...axis];
    const eps = args.epsilon ?? 1e-3;
    if (typeof eps !== "number" || !(eps >= 0)) throw new RangeError(`${where}: epsilon must be a non-negative number, got ${valueText(args.epsilon)}`);
    this.epsilon = eps;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.rmsScaling = args.rmsScaling ?? false;
    if (typeof this.rmsScaling !== "boolean") throw new TypeError(`${where}: rmsScaling must be true or false, got ${valueText(args.rmsScaling)}`);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.args = args;
  }

  /** The normalized axes as non-negative indices for inputs of this shape, in `axis`' order. */
  private axesFor(shape: LayerShape): number[] {
    return layerAxes(`LayerNormalization ${this.name}`, this.axis, shape);
  }

  override build(inputShape: LayerShape): void {
    const axes = this.axesFor(inputShape);
    const shape = axes.map((a) => inputShape[a]);
    if (shape.some((d) => d === null)) {
      throw new RangeError(
        `LayerNormalization ${this.name}: the normalized axes ${JSON.stringify(axes)} of the input ${layerShapeText(inputShape)} must have known sizes ` +
          `(gamma and beta take their shape); normalize over other axes`,
      );
    }
    if (typeof this.axis === "number") this.axis = [this.axis];
    this.builtAxes = axes;
    const wshape = shape as number[];
    if (this.scale || this.rmsScaling) {
      this.gamma = this.addWeight("gamma", wshape, {
        initializer: resolveInitializer(this.args.gammaInitializer ?? "ones"),
        regularizer: resolveRegularizer(this.args.gammaRegularizer),
        constraint: resolveConstraint(this.args.gammaConstraint),
      });
    }
    if (this.center && !this.rmsScaling) {
      this.beta = this.addWeight("beta", wshape, {
        initializer: resolveInitializer(this.args.betaInitializer ?? "zeros"),
        regularizer: resolveRegularizer(this.args.betaRegularizer),
        constraint: resolveConstraint(this.args.betaConstraint),
      });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const input = single(inputs, this);
    // Keras 3.5's call starts with ops.cast(inputs, self.compute_dtype): integer inputs too.
    const x = input.dtype === this.dtype ? input : cast(input, this.dtype);
    const given = this.axesFor(x.shape);
    const axes = [...given].sort((a, b) => a - b);
    const weight = this.gamma ?? this.beta;
    const want = given.map((a) => x.shape[a]);
    if (weight && (weight.rank !== want.length || !weight.shape.every((d, i) => d === want[i]))) {
      throw new RangeError(
        `LayerNormalization ${this.name}: was built for normalized axes of sizes ${JSON.stringify(weight.shape)} but the input ${layerShapeText(x.shape)} ` +
          `has ${JSON.stringify(want)} there; a layer keeps the shape it was first called with`,
      );
    }
    // Parameters broadcast as they are when only the last axis is normalized; else they are
    // reshaped (not transposed) to the input's layout, as Keras 3 does with unsorted axes.
    const lastOnly = axes.length === 1 && axes[0] === x.rank - 1;
    const bshape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const view = (v: Tensor): Tensor => (lastOnly ? v : reshape(v, bshape));
    const { mean, variance } = moments(x, axes, true);
    if (this.rmsScaling) return mul(mul(x, rsqrt(add(variance, this.epsilon))), view(this.gamma as Tensor));
    // Keras 3's formula: inv = rsqrt(var + eps) * gamma; y = x * inv + (beta - mean * inv).
    let inv = rsqrt(add(variance, this.epsilon));
    if (this.gamma) inv = mul(inv, view(this.gamma));
    let res = neg(mul(mean, inv));
    if (this.beta) res = add(res, view(this.beta));
    return add(mul(x, inv), res);
  }

  protected override weightAxes(): readonly number[] {
    return this.builtAxes ?? (typeof this.axis === "number" ? [this.axis] : this.axis);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.axesFor(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), axis: typeof this.axis === "number" ? this.axis : [...this.axis], epsilon: this.epsilon,
      center: this.center, scale: this.scale, rms_scaling: this.rmsScaling,
      beta_initializer: serializeObject(resolveInitializer(this.args.betaInitializer ?? "zeros")),
      gamma_initializer: serializeObject(resolveInitializer(this.args.gammaInitializer ?? "ones")),
      beta_regularizer: serializeObject(resolveRegularizer(this.args.betaRegularizer)),
      gamma_regularizer: serializeObject(resolveRegularizer(this.args.gammaRegularizer)),
      beta_constraint: serializeObject(resolveConstraint(this.args.betaConstraint)),
      gamma_constraint: serializeObject(resolveConstraint(this.args.gammaConstraint)),
    };
  }
}
