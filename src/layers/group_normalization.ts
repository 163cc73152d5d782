import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { valueText } from "../tensor/value_text.js";
import { add, mul, neg, rsqrt } from "../ops/math.js";
import { moments } from "../ops/reduce.js";
import { reshape } from "../ops/shape.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import {
  type GammaBetaArgs,
  resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject, checkWeightOptions,
} from "./weights.js";

export interface GroupNormalizationArgs extends LayerArgs, GammaBetaArgs {
  /** Number of channel groups; the channel count must be a multiple of it. -1: one group per channel. Default 32. */
  groups?: number;
  /** The channel axis. Default -1. */
  axis?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Add the learned offset beta. Default true. */
  center?: boolean;
  /** Multiply by the learned scale gamma. Default true. */
  scale?: boolean;
}

/**
 * Keras 3's GroupNormalization: the channels of `axis` are split into `groups` consecutive groups,
 * and each sample is normalized per group over the group's channels and every other non-batch
 * axis, (x - mean) / sqrt(variance + epsilon) * gamma + beta, with gamma and beta per channel.
 * groups 1 is LayerNormalization over all non-batch axes, groups -1 (one per channel) instance
 * normalization; after building, -1 becomes the channel count, as Keras saves it.
 */
export class GroupNormalization extends Layer {
  static readonly options = layerOptions<GroupNormalizationArgs>({
    groups: true, axis: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true,
    betaRegularizer: true, gammaRegularizer: true, betaConstraint: true, gammaConstraint: true,
  });
  groups: number;
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private readonly args: GroupNormalizationArgs;
  /** The rank of the inputs the layer was built for: Keras' InputSpec(ndim=...) refuses any other. */
  private builtRank: number | null = null;

  constructor(args: GroupNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const where = `GroupNormalization ${this.name}`;
    const groups = args.groups ?? 32;
    if (!Number.isInteger(groups) || !(groups >= 1 || groups === -1)) {
      throw new RangeError(`${where}: groups must be a positive integer, or -1 for one group per channel, got ${valueText(args.groups)}`);
    }
    this.groups = groups;
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new TypeError(`${where}: axis must be one integer (the channel axis), got ${valueText(args.axis)}`);
    }
    this.axis = axis;
    const eps = args.epsilon ?? 1e-3;
    if (typeof eps !== "number" || !(eps >= 0)) throw new RangeError(`${where}: epsilon must be a non-negative number, got ${valueText(args.epsilon)}`);
    this.epsilon = eps;
    this.center = booleanOption(where, "center", args.center, true);
    this.scale = booleanOption(where, "scale", args.scale, true);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.args = args;
  }

  /** The channel axis as a non-negative index for inputs of this rank (never the batch axis). */
  private channelAxis(shape: LayerShape): number {
    const rank = shape.length;
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) {
      throw new RangeError(
        `GroupNormalization ${this.name}: axis ${this.axis} is out of range for inputs of shape ${layerShapeText(shape)} (rank ${rank}); ` +
          `use a channel axis in 1..${rank - 1} or -${rank - 1}..-1 (axis 0 is the batch)`,
      );
    }
    return a;
  }

  override build(inputShape: LayerShape): void {
    const where = `GroupNormalization ${this.name}`;
    const a = this.channelAxis(inputShape);
    const dim = inputShape[a];
    if (dim === null) {
      throw new RangeError(`${where}: axis ${this.axis} of the input ${layerShapeText(inputShape)} must have a known size (gamma and beta have one value per channel)`);
    }
    const groups = this.groups === -1 ? dim : this.groups;
    if (dim < groups) throw new RangeError(`${where}: the number of groups (${groups}) cannot be more than the number of channels (${dim}); use groups <= ${dim}`);
    if (dim % groups !== 0) {
      throw new RangeError(`${where}: the number of channels (${dim}) must be a multiple of the number of groups (${groups}); use a divisor of ${dim}`);
    }
    this.groups = groups;
    this.builtRank = inputShape.length;
    if (this.scale) {
      this.gamma = this.addWeight("gamma", [dim], {
        initializer: resolveInitializer(this.args.gammaInitializer ?? "ones"),
        regularizer: resolveRegularizer(this.args.gammaRegularizer),
        constraint: resolveConstraint(this.args.gammaConstraint),
      });
    }
    if (this.center) {
      this.beta = this.addWeight("beta", [dim], {
        initializer: resolveInitializer(this.args.betaInitializer ?? "zeros"),
        regularizer: resolveRegularizer(this.args.betaRegularizer),
        constraint: resolveConstraint(this.args.betaConstraint),
      });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    if (this.builtRank !== null && x.rank !== this.builtRank) {
      throw new RangeError(`GroupNormalization ${this.name}: was built for inputs of rank ${this.builtRank} but got ${layerShapeText(x.shape)}; use a new layer for inputs of another rank`);
    }
    const a = this.channelAxis(x.shape);
    const dim = x.shape[a];
    if (dim % this.groups !== 0) {
      throw new RangeError(`GroupNormalization ${this.name}: the input ${layerShapeText(x.shape)} has ${dim} channels on axis ${this.axis}, not a multiple of ${this.groups} groups`);
    }
    // [..., C, ...] -> [..., groups, C / groups, ...]; statistics over every non-batch axis but the group's.
    const grouped = [...x.shape.slice(0, a), this.groups, dim / this.groups, ...x.shape.slice(a + 1)];
    const xg = reshape(x, grouped);
    const axes = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== a);
    const { mean, variance } = moments(xg, axes, true);
    const bshape = grouped.map((d, i) => (i === a || i === a + 1 ? d : 1));
    // Keras 3's formula: inv = rsqrt(var + eps) * gamma; y = x * inv + (beta - mean * inv).
    let inv = rsqrt(add(variance, this.epsilon));
    if (this.gamma) inv = mul(inv, reshape(this.gamma, bshape));
    let res = neg(mul(mean, inv));
    if (this.beta) res = add(res, reshape(this.beta, bshape));
    return reshape(add(mul(xg, inv), res), x.shape);
  }

  protected override weightAxes(): readonly number[] {
    return [this.axis];
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.channelAxis(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), groups: this.groups, axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale,
      beta_initializer: serializeObject(resolveInitializer(this.args.betaInitializer ?? "zeros")),
      gamma_initializer: serializeObject(resolveInitializer(this.args.gammaInitializer ?? "ones")),
      beta_regularizer: serializeObject(resolveRegularizer(this.args.betaRegularizer)),
      gamma_regularizer: serializeObject(resolveRegularizer(this.args.gammaRegularizer)),
      beta_constraint: serializeObject(resolveConstraint(this.args.betaConstraint)),
      gamma_constraint: serializeObject(resolveConstraint(this.args.gammaConstraint)),
    };
  }
}
