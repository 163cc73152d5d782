import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, cast, mul, neg, rsqrt } from "../ops/math.js";
import { moments } from "../ops/reduce.js";
import { reshape } from "../ops/shape.js";
import { type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { AxisNormalization, type AxisNormalizationArgs } from "./axis_normalization.js";
import { single } from "./core.js";
import {
  type GammaBetaArgs,
  resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject, checkWeightOptions,
} from "./weights.js";

export interface LayerNormalizationArgs extends AxisNormalizationArgs, GammaBetaArgs {
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
export class LayerNormalization extends AxisNormalization {
  static readonly options = layerOptions<LayerNormalizationArgs>({
    axis: true, epsilon: true, center: true, scale: true, rmsScaling: true, betaInitializer: true, gammaInitializer: true,
    betaRegularizer: true, gammaRegularizer: true, betaConstraint: true, gammaConstraint: true,
  });
  readonly center: boolean;
  readonly scale: boolean;
  readonly rmsScaling: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private readonly args: LayerNormalizationArgs;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args, 1e-3);
    this.supportsMasking = true;
    const where = `LayerNormalization ${this.name}`;
    this.center = booleanOption(where, "center", args.center, true);
    this.scale = booleanOption(where, "scale", args.scale, true);
    this.rmsScaling = booleanOption(where, "rmsScaling", args.rmsScaling, false);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.args = args;
  }

  override build(inputShape: LayerShape): void {
    const wshape = this.weightShape(inputShape, this.axesFor(inputShape), "gamma and beta take");
    if (typeof this.axis === "number") this.axis = [this.axis];
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
    this.checkWeightSizes(this.gamma ?? this.beta, x, given);
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

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), center: this.center, scale: this.scale, rms_scaling: this.rmsScaling,
      beta_initializer: serializeObject(resolveInitializer(this.args.betaInitializer ?? "zeros")),
      gamma_initializer: serializeObject(resolveInitializer(this.args.gammaInitializer ?? "ones")),
      beta_regularizer: serializeObject(resolveRegularizer(this.args.betaRegularizer)),
      gamma_regularizer: serializeObject(resolveRegularizer(this.args.gammaRegularizer)),
      beta_constraint: serializeObject(resolveConstraint(this.args.betaConstraint)),
      gamma_constraint: serializeObject(resolveConstraint(this.args.gammaConstraint)),
    };
  }
}
