/**
 * The activation layers of Keras 3: ReLU, LeakyReLU, ELU and Softmax. Each keeps the input's
 * shape and has no weights; formulas and defaults are Keras 3's.
 */
import { Tensor } from "../tensor/tensor.js";
import { clipByValue, exp, lessEqual, mul, neg, add, sub, where } from "../ops/math.js";
import { logSumExp } from "../ops/reduce.js";
import { elu, leakyRelu, relu, relu6, softmax } from "../ops/activation.js";
import { type CallOptions, Layer, type LayerArgs, type LayerShape, layerOptions } from "./layer.js";
import { maskedSoftmax, softmaxKeep } from "./softmax_mask.js";
import { single } from "./core.js";
import { layerShapeText as shapeText } from "./symbolic.js";
import { axisOption } from "./layer_axes.js";
import { valueText } from "../tensor/value_text.js";

function checkNumber(where: string, what: string, v: unknown, min: number | null): number {
  if (typeof v !== "number" || !Number.isFinite(v) || (min !== null && v < min)) {
    const rule = min === null ? "a finite number" : `a number >= ${min}`;
    throw new RangeError(`${where}: ${what} must be ${rule}, got ${valueText(v)}`);
  }
  return v;
}

// ------------------------------------------------------------------ ReLU

export interface ReLUArgs extends LayerArgs {
  /** Largest output value (null: unbounded). Default null. */
  maxValue?: number | null;
  /** Slope below the threshold. Default 0. */
  negativeSlope?: number;
  /** Inputs at or below it are damped (negativeSlope * (x - threshold)). Default 0. */
  threshold?: number;
}

/**
 * Keras' ReLU layer: f(x) = maxValue for x >= maxValue, x for threshold < x < maxValue,
 * negativeSlope * (x - threshold) otherwise.
 */
export class ReLU extends Layer {
  static readonly options = layerOptions<ReLUArgs>({ maxValue: true, negativeSlope: true, threshold: true });
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const where = `ReLU ${this.name}`;
    this.maxValue = args.maxValue === undefined || args.maxValue === null ? null : checkNumber(where, "maxValue", args.maxValue, 0);
    this.negativeSlope = checkNumber(where, "negativeSlope", args.negativeSlope ?? 0, 0);
    this.threshold = checkNumber(where, "threshold", args.threshold ?? 0, 0);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    let x = single(inputs, this);
    const slope = this.negativeSlope, threshold = this.threshold;
    // Keras 3's activations.relu, step by step.
    if (slope !== 0 && this.maxValue === null && threshold === 0) return leakyRelu(x, slope);
    const negativePart = slope !== 0 ? relu(threshold !== 0 ? add(neg(x), threshold) : neg(x)) : null;
    let clipMax = this.maxValue !== null;
    if (threshold !== 0) {
      // x for x > threshold, else 0; NaN stays NaN (Keras multiplies by the mask: NaN * 0 = NaN).
      x = where(lessEqual(x, threshold), 0, x);
    } else if (this.maxValue === 6) {
      x = relu6(x);
      clipMax = false;
    } else {
      x = relu(x);
    }
    if (clipMax) x = clipByValue(x, 0, this.maxValue!);
    if (negativePart) x = sub(x, mul(negativePart, slope));
    return x;
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }
}

// ------------------------------------------------------------------ LeakyReLU

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0. Keras 3's default is 0.3 (the op's is 0.2). */
  negativeSlope?: number;
  /** The old Keras name of negativeSlope, deprecated: as in Keras, it is used in its place (even when negativeSlope is given too), with a warning. */
  alpha?: number;
}

/** Keras warns of alpha with warnings.warn, which Python shows once per place it is raised from: once per process here too. */
let warnedLeakyAlpha = false;

/** x for x >= 0, negativeSlope * x otherwise (negativeSlope 0.3 by default, as Keras 3). */
export class LeakyReLU extends Layer {
  static readonly options = layerOptions<LeakyReLUArgs>({ negativeSlope: true, alpha: true });
  readonly negativeSlope: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const where = `LeakyReLU ${this.name}`;
    // Keras 3's LeakyReLU pops `alpha` from its kwargs over negative_slope and warns that it is deprecated.
    if (args.alpha !== undefined && !warnedLeakyAlpha) {
      warnedLeakyAlpha = true;
      process.emitWarning(`${where}: argument alpha is deprecated, use negativeSlope instead (alpha ${args.alpha} is used${args.negativeSlope !== undefined ? `, not negativeSlope ${args.negativeSlope}` : ""}, as Keras does)`, "UserWarning");
    }
    this.negativeSlope = checkNumber(where, "negativeSlope", args.alpha ?? args.negativeSlope ?? 0.3, 0);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return leakyRelu(single(inputs, this), this.negativeSlope);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }
}

// ------------------------------------------------------------------ ELU

export interface ELUArgs extends LayerArgs {
  /** Scale of the negative part: alpha * (exp(x) - 1) for x < 0. Default 1. */
  alpha?: number;
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export class ELU extends Layer {
  static readonly options = layerOptions<ELUArgs>({ alpha: true });
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.alpha = checkNumber(`ELU ${this.name}`, "alpha", args.alpha ?? 1, null);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return elu(single(inputs, this), this.alpha);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3's ELU has no get_config of its own; its automatic config records alpha.
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

// ------------------------------------------------------------------ Softmax

export interface SoftmaxArgs extends LayerArgs {
  /** The axis (or axes) normalized over. Default -1. */
  axis?: number | readonly number[];
}

/** exp(x) / sum(exp(x)) along `axis` (one axis or several). */
export class Softmax extends Layer {
  static readonly options = layerOptions<SoftmaxArgs>({ axis: true });
  readonly axis: number | readonly number[];

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.axis = axisOption(`Softmax ${this.name}`, args.axis, -1, "list");
  }

  private axes(rank: number, shape: LayerShape): number[] {
    const list = typeof this.axis === "number" ? [this.axis] : this.axis;
    return list.map((a) => {
      if (a < -rank || a >= rank) {
        throw new RangeError(`Softmax ${this.name}: axis ${a} is out of range for inputs of shape ${shapeText(shape)} (rank ${rank}); use an axis in ${-rank}..${rank - 1}`);
      }
      return a < 0 ? a + rank : a;
    });
  }

  /**
   * Keras 3.15's Softmax.call(inputs, mask): masked logits become -1e9 and masked outputs 0, so a
   * fully masked slice gives zeros (not Keras 3.5's uniform distribution).
   */
  call(inputs: Tensor | Tensor[], opts: CallOptions = {}): Tensor {
    const x = single(inputs, this);
    const axes = this.axes(x.rank, x.shape);
    const normalize = (logits: Tensor): Tensor => (axes.length === 1 ? softmax(logits, axes[0]) : exp(sub(logits, logSumExp(logits, axes, true))));
    const mask = opts.mask;
    if (!(mask instanceof Tensor)) return normalize(x);
    return maskedSoftmax(x, softmaxKeep(`Softmax ${this.name}`, x, mask), normalize);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.axes(inputShape.length, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: typeof this.axis === "number" ? this.axis : [...this.axis] };
  }
}
