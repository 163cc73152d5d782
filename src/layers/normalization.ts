import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, cast, div, mul, sqrt, square, sub } from "../ops/math.js";
import { expandDims, reshape } from "../ops/shape.js";
import { moments, sum } from "../ops/reduce.js";
import { batchNormalization } from "../ops/norm.js";
import { noGrad } from "../ops/engine.js";
import { batchNormInference, batchNormTraining } from "../ops/fused_norm.js";
import { Layer, type CallOptions, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { type GammaBetaArgs, type InitializerArg, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject, checkWeightOptions } from "./weights.js";
import { single } from "./core.js";
import { singleMask } from "./call_context.js";
import { shapeText } from "../tensor/shape.js";
import { epsilon } from "../tensor/config.js";
import { axisOption } from "./layer_axes.js";
import { valueText } from "../tensor/value_text.js";

export interface BatchNormalizationArgs extends LayerArgs, GammaBetaArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  movingMeanInitializer?: InitializerArg;
  movingVarianceInitializer?: InitializerArg;
}

/**
 * Keras' BatchNormalization: in training, normalizes with the batch's mean and biased variance and
 * moves the moving statistics by `moving * momentum + batch * (1 - momentum)`; in inference, and
 * whenever the layer is frozen (trainable = false), it uses the moving statistics.
 */
export class BatchNormalization extends Layer {
  static readonly options = layerOptions<BatchNormalizationArgs>({
    axis: true, momentum: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true,
    movingMeanInitializer: true, movingVarianceInitializer: true, betaRegularizer: true, gammaRegularizer: true,
    betaConstraint: true, gammaConstraint: true,
  });
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private readonly args: BatchNormalizationArgs;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const where = `BatchNormalization ${this.name}`;
    this.axis = axisOption(where, args.axis, -1, "integer");
    const momentum = args.momentum ?? 0.99, epsilon = args.epsilon ?? 1e-3;
    // Outside these ranges the moving statistics run away, or sqrt(variance + epsilon) turns NaN.
    if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) {
      throw new RangeError(`${where}: momentum must be in [0, 1] (Keras' default 0.99), got ${valueText(args.momentum)}`);
    }
    if (typeof epsilon !== "number" || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
      throw new RangeError(`${where}: epsilon must be a finite non-negative number (Keras' default 1e-3), got ${valueText(args.epsilon)}`);
    }
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.center = booleanOption(where, "center", args.center, true);
    this.scale = booleanOption(where, "scale", args.scale, true);
    checkWeightOptions(`${this.className} ${this.name}`, args);
    this.args = args;
  }

  private channelAxis(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new RangeError(`BatchNormalization ${this.name}: axis ${this.axis} is out of range for inputs of rank ${rank}`);
    return a;
  }

  override build(inputShape: LayerShape): void {
    const axis = this.channelAxis(inputShape.length);
    const c = inputShape[axis];
    if (c === null) throw new RangeError(`BatchNormalization ${this.name}: the normalized axis must have a known size`);
    if (this.scale) {
      this.gamma = this.addWeight("gamma", [c], {
        initializer: resolveInitializer(this.args.gammaInitializer ?? "ones"),
        regularizer: resolveRegularizer(this.args.gammaRegularizer), constraint: resolveConstraint(this.args.gammaConstraint),
      });
    }
    if (this.center) {
      this.beta = this.addWeight("beta", [c], {
        initializer: resolveInitializer(this.args.betaInitializer ?? "zeros"),
        regularizer: resolveRegularizer(this.args.betaRegularizer), constraint: resolveConstraint(this.args.betaConstraint),
      });
    }
    this.movingMean = this.addWeight("moving_mean", [c], { initializer: resolveInitializer(this.args.movingMeanInitializer ?? "zeros"), trainable: false });
    this.movingVariance = this.addWeight("moving_variance", [c], { initializer: resolveInitializer(this.args.movingVarianceInitializer ?? "ones"), trainable: false });
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor {
    const x = single(inputs, this);
    const axis = this.channelAxis(x.rank);
    const mask = singleMask(this, opts.mask);
    if (mask !== null && mask.rank !== x.rank - 1) {
      throw new RangeError(
        `BatchNormalization ${this.name}: the mask must have one dimension less than the inputs; got mask.shape=${shapeText(mask.shape)}, ` +
          `inputs.shape=${shapeText(x.shape)} (a sequence mask is [batch, steps] for inputs [batch, steps, features])`,
      );
    }
    // Parameters of shape [c] broadcast against x when the channel axis is last; otherwise reshape.
    const bshape = x.shape.map((d, i) => (i === axis ? d : 1));
    const view = (v: Tensor | null): Tensor | null => (v === null ? null : axis === x.rank - 1 ? v : reshape(v, bshape));
    if (mask !== null && opts.training && this.trainable) {
      const { mean, variance } = this.maskedMoments(x, mask, axis);
      this.updateMovingStatistics(mean, variance);
      return batchNormalization(x, view(mean)!, view(variance)!, view(this.beta), view(this.gamma), this.epsilon);
    }
    // Channels last (the common case): one fused op per pass.
    const fused = axis === x.rank - 1 && (x.dtype === "float32" || x.dtype === "float64") && x.dtype === this.movingMean!.dtype;
    if (fused && opts.training && this.trainable) {
      const { y, mean, variance } = batchNormTraining(x, this.gamma, this.beta, this.epsilon);
      this.updateMovingStatistics(mean, variance);
      return y;
    }
    if (fused) {
      return batchNormInference(x, this.movingMean!, this.movingVariance!, this.gamma, this.beta, this.epsilon);
    }
    if (opts.training && this.trainable) {
      const reduceAxes = x.shape.map((_, i) => i).filter((i) => i !== axis);
      const { mean, variance } = moments(x, reduceAxes);
      this.updateMovingStatistics(mean, variance);
      return batchNormalization(x, view(mean)!, view(variance)!, view(this.beta), view(this.gamma), this.epsilon);
    }
    return batchNormalization(x, view(this.movingMean)!, view(this.movingVariance)!, view(this.beta), view(this.gamma), this.epsilon);
  }

  /**
   * Keras 3.5's BatchNormalization._moments with a mask: each step weighs by its mask value w
   * (expanded on the last axis), mean = sum(w * x) / (sum(w) + epsilon()) and
   * variance = sum(w * (w * x - mean)^2) / (sum(w) + epsilon()), over every axis but the channel axis.
   */
  private maskedMoments(x: Tensor, mask: Tensor, axis: number): { mean: Tensor; variance: Tensor } {
    const reduceAxes = x.shape.map((_, i) => i).filter((i) => i !== axis);
    const w = expandDims(cast(mask, x.dtype), -1);
    let weighted: Tensor;
    try {
      weighted = mul(w, x);
    } catch {
      throw new RangeError(
        `BatchNormalization ${this.name}: the mask ${shapeText(mask.shape)} (expanded to ${shapeText(w.shape)}) does not broadcast against ` +
          `the inputs ${shapeText(x.shape)}; give a mask of the inputs' shape without the last axis`,
      );
    }
    const count = add(sum(w, reduceAxes, true), epsilon());
    const mean = div(sum(weighted, reduceAxes, true), count);
    const variance = div(sum(mul(w, square(sub(weighted, mean))), reduceAxes, true), count);
    const c = [x.shape[axis]];
    return { mean: reshape(mean, c), variance: reshape(variance, c) };
  }

  /**
   * The per-channel map y = x * scale + shift this layer applies in inference:
   * scale = gamma / sqrt(moving_variance + epsilon), shift = beta - moving_mean * scale.
   */
  inferenceAffine(): { scale: Tensor; shift: Tensor } {
    if (this.movingMean === null || this.movingVariance === null) {
      throw new Error(`BatchNormalization ${this.name}.inferenceAffine: the layer is not built yet; call it on data first`);
    }
    const invStd = div(1, sqrt(add(this.movingVariance, this.epsilon)));
    const scale = this.gamma === null ? invStd : mul(this.gamma, invStd);
    const shifted = mul(this.movingMean, scale);
    return { scale, shift: this.beta === null ? mul(shifted, -1) : sub(this.beta, shifted) };
  }

  /** moving = moving * momentum + batch * (1 - momentum), outside any gradient. */
  private updateMovingStatistics(mean: Tensor, variance: Tensor): void {
    const m = this.momentum;
    noGrad(() => {
      this.movingMean!.assign(add(mul(this.movingMean!, m), mul(mean, 1 - m)));
      this.movingVariance!.assign(add(mul(this.movingVariance!, m), mul(variance, 1 - m)));
    });
  }

  protected override weightAxes(): readonly number[] {
    return [this.axis];
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      beta_initializer: serializeObject(resolveInitializer(this.args.betaInitializer ?? "zeros")),
      gamma_initializer: serializeObject(resolveInitializer(this.args.gammaInitializer ?? "ones")),
      moving_mean_initializer: serializeObject(resolveInitializer(this.args.movingMeanInitializer ?? "zeros")),
      moving_variance_initializer: serializeObject(resolveInitializer(this.args.movingVarianceInitializer ?? "ones")),
      beta_regularizer: serializeObject(resolveRegularizer(this.args.betaRegularizer)),
      gamma_regularizer: serializeObject(resolveRegularizer(this.args.gammaRegularizer)),
      beta_constraint: serializeObject(resolveConstraint(this.args.betaConstraint)),
      gamma_constraint: serializeObject(resolveConstraint(this.args.gammaConstraint)),
      synchronized: false,
    };
  }
}
