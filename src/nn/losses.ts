/**
 * keras.losses: loss functions (one value per example) and Loss objects that reduce them to
 * the scalar a model minimizes, with Keras 3's formulas and reduction (keras/src/losses).
 *
 * The cross-entropies, mean squared and mean absolute error per example are the ops of
 * src/ops/loss.ts (Keras' epsilon() clipping, log-softmax for logits); this file adds label smoothing,
 * the other Keras losses and the reduction: "sum_over_batch_size" (Keras' default) sums the
 * (weighted) per-example losses and divides by their number, whatever the weights.
 */
import { Tensor } from "../tensor/tensor.js";
import { maskOf } from "../tensor/keras_mask.js";
import { isFloatDType } from "../tensor/dtype.js";
import { type Shape, broadcastShapes, normalizeAxis, shapeText } from "../tensor/shape.js";
import { constant, fill } from "../tensor/creation.js";
import { type Input, toTensor } from "../ops/engine.js";
import {
  abs, add, cast, clipByValue, div, equal, log, logicalAnd, logicalOr, maximum, mul, notEqual, rsqrt, square, sub, where, lessEqual,
} from "../ops/math.js";
import { all, max, mean, sum } from "../ops/reduce.js";
import { softplus } from "../ops/activation.js";
import { reshape } from "../ops/shape.js";
import { valueText } from "../tensor/value_text.js";
import {
  binaryCrossentropy as binaryCrossentropyOp, categoricalCrossentropy as categoricalCrossentropyOp,
  assertBroadcastable, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy as sparseCategoricalCrossentropyOp,
  squeezeOrExpandToSameRank,
} from "../ops/loss.js";
import {
  type Config, type SerializedObject, checkConfigKeys, checkKeys, configAxis, configBoolean, configNumber,
  configString, integerAxisOption, isSerializedObject, labelSmoothingOption, serializedClassName, toSnakeCase, unknownIdentifier,
} from "./common.js";
import { booleanOption, nameOption, numberOption } from "../tensor/option_checks.js";

import {
  BINARY_FOCAL_OPTIONS, type BinaryFocalCrossentropyOptions, CATEGORICAL_FOCAL_OPTIONS, type CategoricalFocalCrossentropyOptions,
  type DiceAxis, lossAxis, binaryFocalCrossentropy, categoricalFocalCrossentropy, checkFocalAlpha, dice, tversky,
} from "./losses_extra.js";
import { ctc } from "./losses_ctc.js";
import { type CircleOptions, categoricalGeneralizedCrossEntropy, circle } from "./losses_k315.js";
import { floatPair, floatPred } from "./loss_inputs.js";
import { epsilon, floatx } from "../tensor/config.js";

export { meanAbsoluteError, meanSquaredError, squeezeOrExpandToSameRank };
export { categoricalGeneralizedCrossEntropy, circle, type CircleOptions };
export {
  binaryFocalCrossentropy, categoricalFocalCrossentropy, dice, tversky,
  type BinaryFocalCrossentropyOptions, type CategoricalFocalCrossentropyOptions, type DiceAxis,
};


// ---------------------------------------------------------------- per-example functions


/** floatPair for an element-wise loss: the two must broadcast. */
function pair(op: string, yTrueIn: Input, yPredIn: Input): { yTrue: Tensor; yPred: Tensor } {
  const { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  assertBroadcastable(op, yTrue, yPred);
  return { yTrue, yPred };
}

/** The pair brought to the same rank as Keras' squeeze_or_expand_to_same_rank does. */
function alignedPair(op: string, yTrueIn: Input, yPredIn: Input): [Tensor, Tensor] {
  const { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
  assertBroadcastable(op, t, p);
  return [t, p];
}

export interface CategoricalCrossentropyOptions {
  /** yPred holds logits rather than probabilities (default false). */
  fromLogits?: boolean;
  /**
   * In [0, 1]: labels become yTrue * (1 - s) + s / numClasses (default 0), numClasses being the
   * size of yTrue's last axis whatever `axis` is, as in Keras 3.5.
   */
  labelSmoothing?: number;
  /** The class axis (default -1). */
  axis?: number;
}

/**
 * keras.losses.categorical_crossentropy: one-hot (or probability) labels, per-example loss over
 * `axis`. Probabilities are rescaled to sum to 1 and clipped to [epsilon(), 1 - epsilon()] (config.epsilon(), 1e-7 unless set); with
 * labelSmoothing s the labels become yTrue * (1 - s) + s / numClasses, numClasses the size of
 * yTrue's last axis (Keras 3.5's ops.shape(y_true)[-1], even when `axis` is another).
 */
export function categoricalCrossentropy(yTrueIn: Input, yPredIn: Input, opts: CategoricalCrossentropyOptions = {}): Tensor {
  const op = "categoricalCrossentropy";
  checkKeys(op, opts, CROSSENTROPY_OPTIONS);
  const s = labelSmoothingOption(op, opts.labelSmoothing);
  let { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  if (s > 0) {
    if (yPred.rank === 0 || yTrue.rank === 0) throw new RangeError(`${op}: yTrue and yPred must have a class axis, got a scalar`);
    // Keras 3.5 takes the class count from yTrue's last axis, whatever `axis` is.
    yTrue = add(mul(yTrue, 1 - s), s / yTrue.shape[yTrue.rank - 1]);
  }
  return categoricalCrossentropyOp(yTrue, yPred, { fromLogits: opts.fromLogits, axis: opts.axis });
}

export type BinaryCrossentropyOptions = CategoricalCrossentropyOptions;

/** The cross-entropy options: a misspelt fromLogits would compute the loss of logits as probabilities. */
const CROSSENTROPY_OPTIONS: readonly (keyof CategoricalCrossentropyOptions)[] = ["fromLogits", "labelSmoothing", "axis"];

/**
 * keras.losses.binary_crossentropy: elementwise binary cross-entropy (probabilities clipped to
 * [epsilon(), 1 - epsilon()] (config.epsilon(), 1e-7 unless set), or sigmoid cross-entropy on logits) averaged over `axis` (default the last);
 * labelSmoothing s squeezes the labels towards 0.5: yTrue * (1 - s) + 0.5 * s.
 */
export function binaryCrossentropy(yTrueIn: Input, yPredIn: Input, opts: BinaryCrossentropyOptions = {}): Tensor {
  const op = "binaryCrossentropy";
  checkKeys(op, opts, CROSSENTROPY_OPTIONS);
  const s = labelSmoothingOption(op, opts.labelSmoothing);
  let { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  if (s > 0) yTrue = add(mul(yTrue, 1 - s), 0.5 * s);
  return binaryCrossentropyOp(yTrue, yPred, { fromLogits: opts.fromLogits, axis: opts.axis });
}

export interface SparseCategoricalCrossentropyOptions {
  /** yPred holds logits rather than probabilities (default false). */
  fromLogits?: boolean;
  /**
   * A class id to ignore (Keras' ignore_class, default null): positions whose label equals it give
   * a loss of 0, and a Loss object leaves them out of the mean ("void" pixels of a segmentation map,
   * commonly -1 or 255).
   */
  ignoreClass?: number | null;
  /** The class axis: only -1 (the last) is supported. */
  axis?: number;
}

const SPARSE_CROSSENTROPY_OPTIONS: readonly (keyof SparseCategoricalCrossentropyOptions)[] = ["fromLogits", "ignoreClass", "axis"];

/** An ignoreClass as Keras takes it: an integer class id, or null/undefined for none. */
function checkIgnoreClass(who: string, ignoreClass: number | null | undefined): number | null {
  if (ignoreClass === undefined || ignoreClass === null) return null;
  if (typeof ignoreClass !== "number" || !Number.isInteger(ignoreClass)) {
    throw new RangeError(`${who}: ignoreClass must be an integer class id (such as -1 or 255) or null, got ${valueText(ignoreClass)}`);
  }
  return ignoreClass;
}

/**
 * Keras' sparse_categorical_crossentropy with its mask: with ignoreClass, positions whose label
 * equals it get label 0 for the computation and a loss of 0, and `mask` is false there (Keras
 * attaches it as the result's _keras_mask, which Loss objects use to leave them out of the mean).
 */
function sparseCrossentropyMasked(yTrueIn: Input, yPredIn: Input, opts: SparseCategoricalCrossentropyOptions, op: string): { values: Tensor; mask: Tensor | null } {
  checkKeys(op, opts, SPARSE_CROSSENTROPY_OPTIONS);
  const ignoreClass = checkIgnoreClass(op, opts.ignoreClass);
  const o = { fromLogits: opts.fromLogits, axis: opts.axis };
  if (ignoreClass === null) return { values: sparseCategoricalCrossentropyOp(yTrueIn, yPredIn, o), mask: null };
  const yPred = floatPred(op, yPredIn);
  // Keras compares the labels with ignore_class as yPred's float dtype.
  let t = yTrueIn instanceof Tensor ? yTrueIn : constant(yTrueIn, yPred.dtype);
  if (t.dtype !== yPred.dtype) t = cast(t, yPred.dtype);
  if (yPred.rank > 0 && t.rank === yPred.rank && t.shape[t.rank - 1] === 1) t = reshape(t, t.shape.slice(0, -1));
  const valid = notEqual(t, ignoreClass);
  // Ignored labels become class 0 (Keras' y_true * valid_mask), so any id, 255 included, is allowed.
  // yPred is left as it is (Keras zeroes its ignored rows, whose loss is then replaced by 0 anyway),
  // which keeps the gradient of those rows 0 rather than NaN.
  const values = sparseCategoricalCrossentropyOp(where(valid, t, 0), yPred, o);
  const mask = valid.rank === values.rank ? valid : reshape(valid, values.shape);
  return { values: where(mask, values, 0), mask };
}

/**
 * keras.losses.sparse_categorical_crossentropy: integer class labels (a trailing axis of 1 is
 * dropped), one loss per position; with ignoreClass, positions labelled with it give 0.
 */
export function sparseCategoricalCrossentropy(yTrueIn: Input, yPredIn: Input, opts: SparseCategoricalCrossentropyOptions = {}): Tensor {
  return sparseCrossentropyMasked(yTrueIn, yPredIn, opts, "sparseCategoricalCrossentropy").values;
}

/** keras.losses.mean_absolute_percentage_error: 100 * mean(|yTrue - yPred| / max(|yTrue|, epsilon())) over the last axis. */
export function meanAbsolutePercentageError(yTrueIn: Input, yPredIn: Input): Tensor {
  const [t, p] = alignedPair("meanAbsolutePercentageError", yTrueIn, yPredIn);
  return mul(mean(abs(div(sub(t, p), maximum(abs(t), epsilon()))), -1), 100);
}

/** keras.losses.mean_squared_logarithmic_error: mean((log(max(yPred, eps) + 1) - log(max(yTrue, eps) + 1))^2) over the last axis. */
export function meanSquaredLogarithmicError(yTrueIn: Input, yPredIn: Input): Tensor {
  const [t, p] = alignedPair("meanSquaredLogarithmicError", yTrueIn, yPredIn);
  return mean(square(sub(log(add(maximum(p, epsilon()), 1)), log(add(maximum(t, epsilon()), 1)))), -1);
}

/**
 * keras.losses.huber(yTrue, yPred, delta = 1): per element 0.5 * e^2 where |e| <= delta, else
 * delta * |e| - 0.5 * delta^2 (e = yPred - yTrue), averaged over the last axis.
 */
export function huber(yTrueIn: Input, yPredIn: Input, delta = 1): Tensor {
  const op = "huber";
  if (!(delta >= 0) || !Number.isFinite(delta)) throw new RangeError(`${op}: delta must be a finite number >= 0, got ${valueText(delta)}`);
  const [t, p] = alignedPair(op, yTrueIn, yPredIn);
  const e = sub(p, t);
  const a = abs(e);
  return mean(where(lessEqual(a, delta), mul(square(e), 0.5), sub(mul(a, delta), 0.5 * delta * delta)), -1);
}

/** keras.losses.log_cosh: mean(log(cosh(yPred - yTrue))) over the last axis, as x + softplus(-2x) - log 2. */
export function logCosh(yTrueIn: Input, yPredIn: Input): Tensor {
  const [t, p] = alignedPair("logCosh", yTrueIn, yPredIn);
  const x = sub(p, t);
  return mean(sub(add(x, softplus(mul(x, -2))), Math.LN2), -1);
}

/**
 * keras.losses.kl_divergence: sum(yTrue * log(yTrue / yPred)) over the last axis, both clipped
 * to [epsilon(), 1] first.
 */
export function klDivergence(yTrueIn: Input, yPredIn: Input): Tensor {
  const { yTrue, yPred } = pair("klDivergence", yTrueIn, yPredIn);
  const t = clipByValue(yTrue, epsilon(), 1);
  const p = clipByValue(yPred, epsilon(), 1);
  return sum(mul(t, log(div(t, p))), -1);
}

/** keras.losses.poisson: mean(yPred - yTrue * log(yPred + epsilon())) over the last axis. */
export function poisson(yTrueIn: Input, yPredIn: Input): Tensor {
  const { yTrue, yPred } = pair("poisson", yTrueIn, yPredIn);
  return mean(sub(yPred, mul(yTrue, log(add(yPred, epsilon())))), -1);
}

/** Keras' convert_binary_labels_to_hinge: labels that are all 0 or 1 become -1 or 1; others are kept. */
function hingeLabels(yTrue: Tensor): Tensor {
  if (yTrue.size === 0) return yTrue;
  const binary = all(logicalOr(equal(yTrue, 0), equal(yTrue, 1))).item() === 1;
  return binary ? sub(mul(yTrue, 2), 1) : yTrue;
}

/** keras.losses.hinge: mean(max(1 - yTrue * yPred, 0)) over the last axis; 0/1 labels are mapped to -1/1. */
export function hinge(yTrueIn: Input, yPredIn: Input): Tensor {
  const { yTrue, yPred } = pair("hinge", yTrueIn, yPredIn);
  return mean(maximum(sub(1, mul(hingeLabels(yTrue), yPred)), 0), -1);
}

/** keras.losses.squared_hinge: mean(max(1 - yTrue * yPred, 0)^2) over the last axis; 0/1 labels are mapped to -1/1. */
export function squaredHinge(yTrueIn: Input, yPredIn: Input): Tensor {
  const { yTrue, yPred } = pair("squaredHinge", yTrueIn, yPredIn);
  return mean(square(maximum(sub(1, mul(hingeLabels(yTrue), yPred)), 0)), -1);
}

/** keras.losses.categorical_hinge: max(max((1 - yTrue) * yPred) - sum(yTrue * yPred) + 1, 0) over the last axis. */
export function categoricalHinge(yTrueIn: Input, yPredIn: Input): Tensor {
  const { yTrue, yPred } = pair("categoricalHinge", yTrueIn, yPredIn);
  const pos = sum(mul(yTrue, yPred), -1);
  const neg = max(mul(sub(1, yTrue), yPred), -1);
  return maximum(add(sub(neg, pos), 1), 0);
}

/** Keras' L2 normalize: x * rsqrt(max(sum(x^2), eps^2)) along `axis` (a zero vector stays zero). */
export function l2Normalize(x: Tensor, axis = -1): Tensor {
  return mul(x, rsqrt(maximum(sum(square(x), axis, true), epsilon() * epsilon())));
}

/**
 * keras.losses.cosine_similarity: -sum(l2Normalize(yTrue) * l2Normalize(yPred)) along `axis`;
 * -1 for identical directions, 0 when either vector is zero.
 */
export function cosineSimilarity(yTrueIn: Input, yPredIn: Input, axis = -1): Tensor {
  const [t, p] = alignedPair("cosineSimilarity", yTrueIn, yPredIn);
  return mul(sum(mul(l2Normalize(t, axis), l2Normalize(p, axis)), axis), -1);
}

// ---------------------------------------------------------------- reduction

/** How a Loss turns per-example values into what it returns (Keras' `reduction`). */
export type Reduction = "sum_over_batch_size" | "sum" | "mean" | "mean_with_sample_weight" | "none" | null;

const REDUCTIONS: readonly (string | null)[] = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", null];

function checkReduction(where: string, r: Reduction | undefined): Reduction {
  const v = r === undefined ? "sum_over_batch_size" : r;
  if (!REDUCTIONS.includes(v)) {
    throw new RangeError(`${where}: reduction ${JSON.stringify(r)} is not one of ${REDUCTIONS.map((x) => JSON.stringify(x)).join(", ")}`);
  }
  return v;
}

/** a / b, or 0 where b is 0 (Keras' divide_no_nan), with a finite gradient. */
function divideNoNan(a: Tensor, b: Tensor | number): Tensor {
  const d = typeof b === "number" ? b : b.item();
  return d === 0 ? mul(a, 0) : div(a, b);
}

/**
 * Keras' reduce_weighted_values: multiplies the per-example losses by the sample weights (first
 * lined up by squeeze_or_expand_to_same_rank, then broadcast), then "sum" sums, "sum_over_batch_size"
 * and "mean" divide the sum by the number of loss values, "mean_with_sample_weight" by the sum of
 * the weights, "none"/null return the weighted values. An empty batch reduces to 0.
 *
 * `mask` (bool, the values' shape; Keras' _keras_mask, as SparseCategoricalCrossentropy with
 * ignoreClass makes it) is merged into the weights as Keras' apply_mask does: masked positions
 * weigh 0 and, for "sum_over_batch_size" and "mean", the others total / (valid + 1e-7), so the
 * mean is taken over the valid positions only.
 */
export function reduceWeightedValues(
  values: Tensor, sampleWeight: Input | null | undefined, reduction: Reduction, who = "loss", mask: Tensor | null = null,
): Tensor {
  let v = values;
  let w: Tensor | null = null;
  const misfit = (weights: Tensor, target: Shape): RangeError => new RangeError(
    `${who}: sample weights ${shapeText(weights.shape)} do not fit the per-example losses ${shapeText(target)}; ` +
      (target.length > 1
        ? `give weights of shape ${shapeText(target)} or ${shapeText([target[0], ...target.slice(1).map(() => 1)])}, or a scalar`
        : `give one weight per example (shape [${target[0] ?? ""}]) or a scalar`),
  );
  if (sampleWeight !== undefined && sampleWeight !== null) {
    const sw = sampleWeight instanceof Tensor ? sampleWeight : constant(sampleWeight, v.dtype);
    w = sw.dtype === v.dtype ? sw : cast(sw, v.dtype);
  }
  if (mask !== null) {
    let m = cast(mask, v.dtype);
    if (reduction === "sum_over_batch_size" || reduction === "mean") {
      const valid = sum(m).item();
      m = mul(m, m.size / (valid + epsilon()));
    }
    if (w !== null) {
      let sw: Tensor;
      [m, sw] = squeezeOrExpandToSameRank(m, w);
      try {
        broadcastShapes(m.shape, sw.shape, who);
      } catch {
        throw misfit(sw, m.shape);
      }
      w = mul(sw, m);
    } else {
      w = m;
    }
  }
  if (w !== null) {
    [v, w] = squeezeOrExpandToSameRank(v, w);
    try {
      broadcastShapes(v.shape, w.shape, who);
    } catch {
      throw misfit(w, v.shape);
    }
    v = mul(v, w);
  }
  if (reduction === null || reduction === "none" || v.rank === 0) return v;
  if (v.size === 0) return fill([], 0, v.dtype);
  const total = sum(v);
  if (reduction === "sum") return total;
  if (reduction === "mean_with_sample_weight" && w !== null) return divideNoNan(total, sum(w));
  return divideNoNan(total, v.size);
}

// ---------------------------------------------------------------- Loss objects

export interface LossOptions {
  /** Default: Keras' name for the loss ("mean_squared_error", "huber_loss", ...). */
  name?: string;
  /** Default "sum_over_batch_size". */
  reduction?: Reduction;
}

/**
 * A per-example loss function: (yTrue, yPred) => one value per example. It is called with tensors
 * (LossFunctionWrapper converts arrays first), so a function of your own may type both as Tensor,
 * as Keras' guides write `def loss(y_true, y_pred)`; lamina's loss functions, which also take
 * arrays, fit too. (Declared as a method's type, whose parameters TypeScript checks both ways, so
 * that `(yTrue: Tensor, yPred: Tensor) => Tensor` is accepted and an untyped inline function still
 * gets its parameter types.)
 */
export type LossFunction = { fn(yTrue: Input, yPred: Input): Tensor }["fn"];

/**
 * keras.losses.Loss: `call(yTrue, yPred)` gives per-example losses, `apply(yTrue, yPred,
 * sampleWeight?)` what Keras' `loss(y_true, y_pred, sample_weight)` returns (reduced). Subclass
 * it and implement `call` for a custom loss.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Loss {
  /**
   * Keras' `loss_fn(y_true, y_pred)`: the reduced loss, as apply(). With sample weights call
   * apply(yTrue, yPred, sampleWeight) (the signature stays that of a per-example function, so
   * that an inline (yTrue, yPred) => ... given where a loss is expected is typed from it).
   */
  (yTrue: Input, yPred: Input): Tensor;
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Loss {
  // The constructor returns a function standing in for `this` (a Keras loss is called like one),
  // so the base class sets its fields there instead of with initializers.
  declare readonly name: string;
  declare readonly reduction: Reduction;
  /** Keras' class name ("MeanSquaredError"), as in a saved model's config. */
  declare readonly className: string;

  constructor(opts: LossOptions = {}, defaultName?: string) {
    const self = function (yTrue: Input, yPred: Input, sampleWeight?: Input | null): Tensor {
      return (self as unknown as Loss).apply(yTrue, yPred, sampleWeight);
    } as unknown as Loss;
    Object.setPrototypeOf(self, new.target.prototype);
    const name = nameOption(`losses.${new.target.name}`, opts.name, defaultName ?? toSnakeCase(new.target.name));
    const own = (key: string, value: unknown): void => {
      Object.defineProperty(self, key, { value, writable: true, enumerable: true, configurable: true });
    };
    // A function's own `name` and `length` are read-only; make them ordinary properties.
    own("name", name);
    Object.defineProperty(self, "length", { value: 3, writable: true, configurable: true });
    own("reduction", checkReduction(`losses.${new.target.name}`, opts.reduction));
    own("className", "Loss");
    // Subclass field initializers then run on the returned callable.
    return self;
  }

  /** The per-example losses (no reduction, no sample weights). */
  abstract call(yTrue: Input, yPred: Input): Tensor;

  /**
   * The per-example losses and the mask Keras attaches to them (_keras_mask): false where a
   * position is left out of the reduction (SparseCategoricalCrossentropy's ignoreClass); null
   * when every position counts. The default is call() with the mask its values carry, if any.
   */
  protected callWithMask(yTrue: Input, yPred: Tensor): { values: Tensor; mask: Tensor | null } {
    const values = this.call(yTrue, yPred);
    // As Keras' Loss.__call__, a mask the function attached to its values (circle's) is used.
    return { values, mask: maskOf(values) };
  }

  /**
   * Keras' `loss(yTrue, yPred, sampleWeight)`: per-example losses, weighted and reduced. A mask on
   * yPred (tensor.kerasMask, from Embedding's maskZero or Masking through the model) leaves the
   * masked positions out, as Keras' Loss.__call__ does: the mean is over the unmasked ones.
   */
  apply(yTrue: Input, yPred: Input, sampleWeight?: Input | null): Tensor {
    const raw = toTensor(yPred, `losses.${this.name}`, "yPred");
    // Keras' Loss.__call__ converts y_pred to the loss dtype (floatx), so integer predictions
    // (a plain array of whole numbers) are scored rather than refused; float64 stays float64 here.
    const p = isFloatDType(raw.dtype) ? raw : cast(raw, floatx());
    const inMask = yPred instanceof Tensor ? maskOf(yPred) : null;
    const { values, mask: outMask } = this.callWithMask(yTrue, p);
    const mask = inMask !== null && outMask !== null ? logicalAnd(inMask, outMask) : inMask ?? outMask;
    return reduceWeightedValues(values, sampleWeight, this.reduction, `losses.${this.name}`, mask);
  }

  /** Keras' get_config(): name, reduction and the loss's own arguments (snake_case keys). */
  getConfig(): Config {
    return { name: this.name, reduction: this.reduction };
  }

  serialize(): { className: string; config: Config } {
    return { className: this.className, config: this.getConfig() };
  }
}

/**
 * keras.losses.LossFunctionWrapper: a Loss around a per-example function; yTrue and yPred are
 * first lined up with squeeze_or_expand_to_same_rank (so yTrue [n] meets yPred [n, 1]).
 */
export class LossFunctionWrapper extends Loss {
  override readonly className: string = "LossFunctionWrapper";
  /** The per-example function. */
  readonly fn: LossFunction;
  /** Keras' name of the function, written to the config as "fn". */
  readonly fnName: string | null;

  constructor(fn: LossFunction, opts: LossOptions & { fnName?: string } = {}) {
    // A built-in loss lists its own options (a subclass of it, without its own list, is not checked):
    // Keras refuses an unknown one, e.g. fromLogit for fromLogits, which would be ignored.
    const own = Object.hasOwn(new.target, "options") ? (new.target as unknown as { options: readonly string[] }).options : null;
    if (own !== null) {
      // fnName is how the class tells this constructor its function's name, not a user option.
      const { fnName: _set, ...given } = opts;
      checkKeys(`losses.${new.target.name}`, given, ["name", "reduction", ...own]);
    }
    if (typeof fn !== "function") {
      throw new TypeError(`losses.${new.target.name}: fn must be a function (yTrue, yPred) => per-example losses, got ${valueText(fn)}`);
    }
    const fnName = opts.fnName ?? (fn.name ? toSnakeCase(fn.name) : null);
    super(opts, fnName ?? "loss");
    this.fn = fn;
    this.fnName = fnName;
  }

  call(yTrue: Input, yPred: Input): Tensor {
    const p = toTensor(yPred, `losses.${this.name}`, "yPred");
    const t = yTrue instanceof Tensor ? yTrue : constant(yTrue, isFloatDType(p.dtype) ? p.dtype : "float32");
    const [a, b] = squeezeOrExpandToSameRank(t, p);
    return this.fn(a, b);
  }

  /** The function's own arguments, for the config (overridden by the Keras classes). */
  protected fnConfig(): Config {
    return {};
  }

  override getConfig(): Config {
    const base = super.getConfig();
    if (this.className === "LossFunctionWrapper") return { ...base, fn: this.fnName, ...this.fnConfig() };
    return { ...base, ...this.fnConfig() };
  }
}

/** keras.losses.MeanSquaredError (name "mean_squared_error"). */
export class MeanSquaredError extends LossFunctionWrapper {
  override readonly className = "MeanSquaredError";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(meanSquaredError, { ...opts, name: opts.name ?? "mean_squared_error", fnName: "mean_squared_error" });
  }
}

/** keras.losses.MeanAbsoluteError (name "mean_absolute_error"). */
export class MeanAbsoluteError extends LossFunctionWrapper {
  override readonly className = "MeanAbsoluteError";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(meanAbsoluteError, { ...opts, name: opts.name ?? "mean_absolute_error", fnName: "mean_absolute_error" });
  }
}

/** keras.losses.MeanAbsolutePercentageError (name "mean_absolute_percentage_error"). */
export class MeanAbsolutePercentageError extends LossFunctionWrapper {
  override readonly className = "MeanAbsolutePercentageError";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(meanAbsolutePercentageError, {
      ...opts, name: opts.name ?? "mean_absolute_percentage_error", fnName: "mean_absolute_percentage_error",
    });
  }
}

/** keras.losses.MeanSquaredLogarithmicError (name "mean_squared_logarithmic_error"). */
export class MeanSquaredLogarithmicError extends LossFunctionWrapper {
  override readonly className = "MeanSquaredLogarithmicError";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(meanSquaredLogarithmicError, {
      ...opts, name: opts.name ?? "mean_squared_logarithmic_error", fnName: "mean_squared_logarithmic_error",
    });
  }
}

/** keras.losses.Huber(delta = 1) (name "huber_loss"). */
export class Huber extends LossFunctionWrapper {
  override readonly className = "Huber";
  static readonly options: readonly string[] = ["delta"];
  readonly delta: number;
  constructor(opts: LossOptions & { delta?: number } = {}) {
    const delta = opts.delta ?? 1;
    // Checked here too, so that a bad delta fails at compile rather than at the first batch.
    if (typeof delta !== "number" || !(delta >= 0) || !Number.isFinite(delta)) throw new RangeError(`losses.Huber: delta must be a finite number >= 0, got ${valueText(delta)}`);
    super((t, p) => huber(t, p, delta), { ...opts, name: opts.name ?? "huber_loss", fnName: "huber" });
    this.delta = delta;
  }
  protected override fnConfig(): Config {
    return { delta: this.delta };
  }
}

/** keras.losses.LogCosh (name "log_cosh"). */
export class LogCosh extends LossFunctionWrapper {
  override readonly className = "LogCosh";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(logCosh, { ...opts, name: opts.name ?? "log_cosh", fnName: "log_cosh" });
  }
}

/** keras.losses.KLDivergence (name "kl_divergence"). */
export class KLDivergence extends LossFunctionWrapper {
  override readonly className = "KLDivergence";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(klDivergence, { ...opts, name: opts.name ?? "kl_divergence", fnName: "kl_divergence" });
  }
}

/** keras.losses.Poisson (name "poisson"). */
export class Poisson extends LossFunctionWrapper {
  override readonly className = "Poisson";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(poisson, { ...opts, name: opts.name ?? "poisson", fnName: "poisson" });
  }
}

/** keras.losses.Hinge (name "hinge"). */
export class Hinge extends LossFunctionWrapper {
  override readonly className = "Hinge";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(hinge, { ...opts, name: opts.name ?? "hinge", fnName: "hinge" });
  }
}

/** keras.losses.SquaredHinge (name "squared_hinge"). */
export class SquaredHinge extends LossFunctionWrapper {
  override readonly className = "SquaredHinge";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(squaredHinge, { ...opts, name: opts.name ?? "squared_hinge", fnName: "squared_hinge" });
  }
}

/** keras.losses.CategoricalHinge (name "categorical_hinge"). */
export class CategoricalHinge extends LossFunctionWrapper {
  override readonly className = "CategoricalHinge";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(categoricalHinge, { ...opts, name: opts.name ?? "categorical_hinge", fnName: "categorical_hinge" });
  }
}

/** keras.losses.CosineSimilarity(axis = -1) (name "cosine_similarity"). */
export class CosineSimilarity extends LossFunctionWrapper {
  override readonly className = "CosineSimilarity";
  static readonly options: readonly string[] = ["axis"];
  readonly axis: number;
  constructor(opts: LossOptions & { axis?: number } = {}) {
    const axis = integerAxisOption("losses.CosineSimilarity", opts.axis, -1);
    super((t, p) => cosineSimilarity(t, p, axis), { ...opts, name: opts.name ?? "cosine_similarity", fnName: "cosine_similarity" });
    this.axis = axis;
  }
  protected override fnConfig(): Config {
    return { axis: this.axis };
  }
}

export type CrossentropyLossOptions = LossOptions & CategoricalCrossentropyOptions;

/** fromLogits, labelSmoothing and axis of a cross-entropy class, checked and with their defaults. */
function crossentropyOptions(where: string, opts: CategoricalCrossentropyOptions): Required<CategoricalCrossentropyOptions> {
  return {
    fromLogits: booleanOption(where, "fromLogits", opts.fromLogits, false),
    labelSmoothing: labelSmoothingOption(where, opts.labelSmoothing),
    axis: integerAxisOption(where, opts.axis, -1),
  };
}

/** keras.losses.BinaryCrossentropy(fromLogits = false, labelSmoothing = 0, axis = -1) (name "binary_crossentropy"). */
export class BinaryCrossentropy extends LossFunctionWrapper {
  override readonly className = "BinaryCrossentropy";
  static readonly options: readonly string[] = CROSSENTROPY_OPTIONS;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: CrossentropyLossOptions = {}) {
    const o = crossentropyOptions("losses.BinaryCrossentropy", opts);
    super((t, p) => binaryCrossentropy(t, p, o), { ...opts, name: opts.name ?? "binary_crossentropy", fnName: "binary_crossentropy" });
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }
  protected override fnConfig(): Config {
    return { from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis };
  }
}

/** keras.losses.CategoricalCrossentropy(fromLogits = false, labelSmoothing = 0, axis = -1) (name "categorical_crossentropy"). */
export class CategoricalCrossentropy extends LossFunctionWrapper {
  override readonly className = "CategoricalCrossentropy";
  static readonly options: readonly string[] = CROSSENTROPY_OPTIONS;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: CrossentropyLossOptions = {}) {
    const o = crossentropyOptions("losses.CategoricalCrossentropy", opts);
    super((t, p) => categoricalCrossentropy(t, p, o), {
      ...opts, name: opts.name ?? "categorical_crossentropy", fnName: "categorical_crossentropy",
    });
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }
  protected override fnConfig(): Config {
    return { from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis };
  }
}

/**
 * keras.losses.SparseCategoricalCrossentropy(fromLogits = false, ignoreClass = null, axis = -1)
 * (name "sparse_categorical_crossentropy"). With ignoreClass, positions labelled with it give 0
 * and are left out of the mean: "sum_over_batch_size" divides by the number of the other positions.
 */
export class SparseCategoricalCrossentropy extends LossFunctionWrapper {
  override readonly className = "SparseCategoricalCrossentropy";
  static readonly options: readonly string[] = SPARSE_CROSSENTROPY_OPTIONS;
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;
  readonly axis: number;
  constructor(opts: LossOptions & SparseCategoricalCrossentropyOptions = {}) {
    const o = {
      fromLogits: booleanOption("losses.SparseCategoricalCrossentropy", "fromLogits", opts.fromLogits, false),
      ignoreClass: checkIgnoreClass("losses.SparseCategoricalCrossentropy", opts.ignoreClass),
      axis: integerAxisOption("losses.SparseCategoricalCrossentropy", opts.axis, -1),
    };
    super((t, p) => sparseCategoricalCrossentropy(t, p, o), {
      ...opts, name: opts.name ?? "sparse_categorical_crossentropy", fnName: "sparse_categorical_crossentropy",
    });
    this.fromLogits = o.fromLogits;
    this.ignoreClass = o.ignoreClass;
    this.axis = o.axis;
  }
  protected override callWithMask(yTrue: Input, yPred: Tensor): { values: Tensor; mask: Tensor | null } {
    const t = yTrue instanceof Tensor ? yTrue : constant(yTrue, isFloatDType(yPred.dtype) ? yPred.dtype : "float32");
    const [a, b] = squeezeOrExpandToSameRank(t, yPred);
    const o = { fromLogits: this.fromLogits, ignoreClass: this.ignoreClass, axis: this.axis };
    return sparseCrossentropyMasked(a, b, o, `losses.${this.name}`);
  }
  /**
   * Keras 3.5's keys: from_logits and ignore_class, no axis (its SparseCategoricalCrossentropy loss
   * takes none and refuses one, so a .keras file whose compile_config held it did not load in
   * Keras); only the last axis works here.
   */
  protected override fnConfig(): Config {
    return { from_logits: this.fromLogits, ignore_class: this.ignoreClass };
  }
}

/**
 * keras.losses.BinaryFocalCrossentropy(applyClassBalancing = false, alpha = 0.25, gamma = 2,
 * fromLogits = false, labelSmoothing = 0, axis = -1) (name "binary_focal_crossentropy").
 */
export class BinaryFocalCrossentropy extends LossFunctionWrapper {
  override readonly className = "BinaryFocalCrossentropy";
  static readonly options: readonly string[] = BINARY_FOCAL_OPTIONS;
  readonly applyClassBalancing: boolean;
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: LossOptions & BinaryFocalCrossentropyOptions = {}) {
    const o = {
      applyClassBalancing: booleanOption("losses.BinaryFocalCrossentropy", "applyClassBalancing", opts.applyClassBalancing, false),
      alpha: numberOption("losses.BinaryFocalCrossentropy", "alpha", opts.alpha, 0.25, { min: 0, max: 1 }),
      gamma: numberOption("losses.BinaryFocalCrossentropy", "gamma", opts.gamma, 2, { min: 0 }),
      ...crossentropyOptions("losses.BinaryFocalCrossentropy", opts),
    };
    // A bad option fails at compile rather than at the first batch.
    binaryFocalCrossentropy([0], [0.5], o);
    super((t, p) => binaryFocalCrossentropy(t, p, o), { ...opts, name: opts.name ?? "binary_focal_crossentropy", fnName: "binary_focal_crossentropy" });
    this.applyClassBalancing = o.applyClassBalancing;
    this.alpha = o.alpha;
    this.gamma = o.gamma;
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }
  protected override fnConfig(): Config {
    return {
      from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis,
      apply_class_balancing: this.applyClassBalancing, alpha: this.alpha, gamma: this.gamma,
    };
  }
}

/**
 * keras.losses.CategoricalFocalCrossentropy(alpha = 0.25, gamma = 2, fromLogits = false,
 * labelSmoothing = 0, axis = -1) (name "categorical_focal_crossentropy"); alpha may list one
 * weight per class.
 */
export class CategoricalFocalCrossentropy extends LossFunctionWrapper {
  override readonly className = "CategoricalFocalCrossentropy";
  static readonly options: readonly string[] = CATEGORICAL_FOCAL_OPTIONS;
  readonly alpha: number | number[];
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: LossOptions & CategoricalFocalCrossentropyOptions = {}) {
    const o = {
      alpha: checkFocalAlpha("losses.CategoricalFocalCrossentropy", opts.alpha ?? 0.25),
      gamma: numberOption("losses.CategoricalFocalCrossentropy", "gamma", opts.gamma, 2, { min: 0 }),
      ...crossentropyOptions("losses.CategoricalFocalCrossentropy", opts),
    };
    categoricalFocalCrossentropy([[0, 1]], [[0.5, 0.5]], { ...o, alpha: typeof o.alpha === "number" ? o.alpha : 1 });
    super((t, p) => categoricalFocalCrossentropy(t, p, o), {
      ...opts, name: opts.name ?? "categorical_focal_crossentropy", fnName: "categorical_focal_crossentropy",
    });
    this.alpha = o.alpha;
    this.gamma = o.gamma;
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }
  protected override fnConfig(): Config {
    return {
      from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis,
      alpha: typeof this.alpha === "number" ? this.alpha : [...this.alpha], gamma: this.gamma,
    };
  }
}

/**
 * keras.losses.Dice(axis = null) (name "dice"): 1 - 2 * sum(yTrue * yPred) / (sum(yTrue) +
 * sum(yPred) + 1e-7) over `axis`; without one, one value for the whole batch.
 */
export class Dice extends LossFunctionWrapper {
  override readonly className = "Dice";
  static readonly options: readonly string[] = ["axis"];
  readonly axis: number | number[] | null;
  constructor(opts: LossOptions & { axis?: DiceAxis } = {}) {
    const axis = lossAxis("losses.Dice", opts.axis ?? null);
    super((t, p) => dice(t, p, axis), { ...opts, name: opts.name ?? "dice", fnName: "dice" });
    this.axis = axis;
  }
  protected override fnConfig(): Config {
    return { axis: this.axis === null || typeof this.axis === "number" ? this.axis : [...this.axis] };
  }
}

/**
 * keras.losses.CTC (name "ctc"): the connectionist temporal classification loss of keras.losses.ctc
 * (yTrue [batch, maxLength] labels padded with 0, the blank; yPred [batch, steps, classes] logits).
 */
export class CTC extends LossFunctionWrapper {
  override readonly className = "CTC";
  static readonly options: readonly string[] = [];
  constructor(opts: LossOptions = {}) {
    super(ctc, { ...opts, name: opts.name ?? "ctc", fnName: "ctc" });
  }
}

/**
 * keras.losses.Tversky(alpha = 0.5, beta = 0.5, axis = null) (name "tversky"): 1 - TP / (TP +
 * alpha * FP + beta * FN + 1e-7) over the whole batch (one value, which no reduction changes), or
 * over `axis` only (Keras 3.8+).
 */
export class Tversky extends LossFunctionWrapper {
  override readonly className = "Tversky";
  static readonly options: readonly string[] = ["alpha", "beta", "axis"];
  readonly alpha: number;
  readonly beta: number;
  readonly axis: number | number[] | null;
  constructor(opts: LossOptions & { alpha?: number; beta?: number; axis?: DiceAxis } = {}) {
    // Any finite weights, as Keras takes them.
    const alpha = numberOption("losses.Tversky", "alpha", opts.alpha, 0.5), beta = numberOption("losses.Tversky", "beta", opts.beta, 0.5);
    const axis = lossAxis("losses.Tversky", opts.axis ?? null);
    tversky([1], [0.5], alpha, beta);
    super((t, p) => tversky(t, p, alpha, beta, axis), { ...opts, name: opts.name ?? "tversky", fnName: "tversky" });
    this.alpha = alpha;
    this.beta = beta;
    this.axis = axis;
  }
  /**
   * Keras 3.5's key order: name, alpha, beta, reduction; `axis` (Keras 3.8+) only when given, so
   * that files with the default still load in Keras 3.5-3.7.
   */
  override getConfig(): Config {
    const config: Config = { name: this.name, alpha: this.alpha, beta: this.beta, reduction: this.reduction };
    if (this.axis !== null) config.axis = typeof this.axis === "number" ? this.axis : [...this.axis];
    return config;
  }
}

/** Circle's own options: those of keras.losses.circle that its class takes. */
export type CircleLossOptions = Pick<CircleOptions, "gamma" | "margin" | "removeDiagonal">;

/**
 * keras.losses.Circle(gamma = 80, margin = 0.4, removeDiagonal = true) (name "circle"): the Circle
 * loss of keras.losses.circle, the batch against itself; yTrue integer labels [batch], yPred
 * L2-normalized embeddings [batch, dim] (e.g. a Dense without activation, then UnitNormalization).
 * Rows without positives score 0 and are left out of the mean, as Keras' mask leaves them.
 */
export class Circle extends LossFunctionWrapper {
  override readonly className = "Circle";
  static readonly options: readonly string[] = ["gamma", "margin", "removeDiagonal"];
  readonly gamma: number;
  readonly margin: number;
  readonly removeDiagonal: boolean;
  constructor(opts: LossOptions & CircleLossOptions = {}) {
    const w = "losses.Circle";
    const o = {
      gamma: numberOption(w, "gamma", opts.gamma, 80), margin: numberOption(w, "margin", opts.margin, 0.4),
      removeDiagonal: booleanOption(w, "removeDiagonal", opts.removeDiagonal, true),
    };
    // A bad option fails here rather than at the first batch.
    circle([0, 1], [[0.5, 0.5], [0.5, -0.5]], o);
    super((t, p) => circle(t, p, o), { ...opts, name: opts.name ?? "circle", fnName: "circle" });
    this.gamma = o.gamma;
    this.margin = o.margin;
    this.removeDiagonal = o.removeDiagonal;
  }
  /** Keras 3.15's keys: name, reduction, gamma, margin, remove_diagonal. */
  protected override fnConfig(): Config {
    return { gamma: this.gamma, margin: this.margin, remove_diagonal: this.removeDiagonal };
  }
}

/**
 * keras.losses.CategoricalGeneralizedCrossEntropy(q = 0.5) (name
 * "categorical_generalized_cross_entropy"): (1 - p^q) / q of the probability p yPred gives the
 * integer label; q in (0, 1).
 */
export class CategoricalGeneralizedCrossEntropy extends LossFunctionWrapper {
  override readonly className = "CategoricalGeneralizedCrossEntropy";
  static readonly options: readonly string[] = ["q"];
  readonly q: number;
  constructor(opts: LossOptions & { q?: number } = {}) {
    const q = opts.q ?? 0.5;
    if (typeof q !== "number" || !(q > 0 && q < 1)) {
      throw new RangeError(`losses.CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1), got ${valueText(q)}`);
    }
    super((t, p) => categoricalGeneralizedCrossEntropy(t, p, q), {
      ...opts, name: opts.name ?? "categorical_generalized_cross_entropy", fnName: "categorical_generalized_cross_entropy",
    });
    this.q = q;
  }
  protected override fnConfig(): Config {
    return { q: this.q };
  }
}

// ---------------------------------------------------------------- get

/** Keras' loss function names (and aliases) -> the per-example function. */
const FUNCTIONS: Record<string, { fnName: string; fn: LossFunction }> = {};
function registerFunction(names: readonly string[], fnName: string, fn: LossFunction): void {
  for (const n of names) FUNCTIONS[n] = { fnName, fn };
}
registerFunction(["mean_squared_error", "mse", "MSE"], "mean_squared_error", meanSquaredError);
registerFunction(["mean_absolute_error", "mae", "MAE"], "mean_absolute_error", meanAbsoluteError);
registerFunction(["mean_absolute_percentage_error", "mape", "MAPE"], "mean_absolute_percentage_error", meanAbsolutePercentageError);
registerFunction(["mean_squared_logarithmic_error", "msle", "MSLE"], "mean_squared_logarithmic_error", meanSquaredLogarithmicError);
registerFunction(["binary_crossentropy", "bce", "BCE"], "binary_crossentropy", (t, p) => binaryCrossentropy(t, p));
registerFunction(["categorical_crossentropy"], "categorical_crossentropy", (t, p) => categoricalCrossentropy(t, p));
registerFunction(["sparse_categorical_crossentropy"], "sparse_categorical_crossentropy", (t, p) => sparseCategoricalCrossentropy(t, p));
registerFunction(["kl_divergence", "kld", "KLD", "kullback_leibler_divergence"], "kl_divergence", klDivergence);
registerFunction(["huber"], "huber", (t, p) => huber(t, p));
registerFunction(["log_cosh", "logcosh"], "log_cosh", logCosh);
registerFunction(["poisson"], "poisson", poisson);
registerFunction(["hinge"], "hinge", hinge);
registerFunction(["squared_hinge"], "squared_hinge", squaredHinge);
registerFunction(["categorical_hinge"], "categorical_hinge", categoricalHinge);
registerFunction(["cosine_similarity"], "cosine_similarity", (t, p) => cosineSimilarity(t, p));
registerFunction(["binary_focal_crossentropy"], "binary_focal_crossentropy", (t, p) => binaryFocalCrossentropy(t, p));
registerFunction(["categorical_focal_crossentropy"], "categorical_focal_crossentropy", (t, p) => categoricalFocalCrossentropy(t, p));
registerFunction(["dice"], "dice", (t, p) => dice(t, p));
registerFunction(["tversky"], "tversky", (t, p) => tversky(t, p));
registerFunction(["ctc"], "ctc", ctc);
registerFunction(["circle"], "circle", (t, p) => circle(t, p));
// Keras' function has no default q; by name it takes its class's, 0.5.
registerFunction(["categorical_generalized_cross_entropy"], "categorical_generalized_cross_entropy", (t, p) => categoricalGeneralizedCrossEntropy(t, p, 0.5));

type LossClassFactory = (c: Config) => Loss;

function baseOpts(kind: string, c: Config): LossOptions {
  const name = configString(kind, c, "name");
  const r = c.reduction;
  if (r !== undefined && r !== null && typeof r !== "string") throw new TypeError(`${kind}: config key "reduction" must be a string or null`);
  return { name, reduction: r === undefined ? undefined : (r as Reduction) };
}

function simple(kind: string, Cls: new (o: LossOptions) => Loss): LossClassFactory {
  return (c) => {
    checkConfigKeys(`losses.${kind}`, c, ["name", "reduction", "dtype"]);
    return new Cls(baseOpts(`losses.${kind}`, c));
  };
}

function crossentropyOpts(k: string, c: Config): CrossentropyLossOptions {
  const axis = configAxis(k, c, "axis");
  if (Array.isArray(axis)) throw new TypeError(`${k}: axis must be a single axis`);
  return {
    ...baseOpts(k, c), fromLogits: configBoolean(k, c, "from_logits"),
    labelSmoothing: configNumber(k, c, "label_smoothing"), axis: axis as number | undefined,
  };
}

const CLASSES: Record<string, LossClassFactory> = {
  MeanSquaredError: simple("MeanSquaredError", MeanSquaredError),
  MeanAbsoluteError: simple("MeanAbsoluteError", MeanAbsoluteError),
  MeanAbsolutePercentageError: simple("MeanAbsolutePercentageError", MeanAbsolutePercentageError),
  MeanSquaredLogarithmicError: simple("MeanSquaredLogarithmicError", MeanSquaredLogarithmicError),
  LogCosh: simple("LogCosh", LogCosh),
  KLDivergence: simple("KLDivergence", KLDivergence),
  Poisson: simple("Poisson", Poisson),
  CTC: simple("CTC", CTC),
  Hinge: simple("Hinge", Hinge),
  SquaredHinge: simple("SquaredHinge", SquaredHinge),
  CategoricalHinge: simple("CategoricalHinge", CategoricalHinge),
  Huber: (c) => {
    const k = "losses.Huber";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "delta"]);
    return new Huber({ ...baseOpts(k, c), delta: configNumber(k, c, "delta") });
  },
  CosineSimilarity: (c) => {
    const k = "losses.CosineSimilarity";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "axis"]);
    const axis = configAxis(k, c, "axis");
    if (Array.isArray(axis)) throw new TypeError(`${k}: axis must be a single axis`);
    return new CosineSimilarity({ ...baseOpts(k, c), axis: axis as number | undefined });
  },
  BinaryCrossentropy: (c) => {
    const k = "losses.BinaryCrossentropy";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "from_logits", "label_smoothing", "axis"]);
    return new BinaryCrossentropy(crossentropyOpts(k, c));
  },
  CategoricalCrossentropy: (c) => {
    const k = "losses.CategoricalCrossentropy";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "from_logits", "label_smoothing", "axis"]);
    return new CategoricalCrossentropy(crossentropyOpts(k, c));
  },
  SparseCategoricalCrossentropy: (c) => {
    const k = "losses.SparseCategoricalCrossentropy";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "from_logits", "ignore_class", "axis"]);
    const { fromLogits, axis, ...base } = crossentropyOpts(k, c);
    return new SparseCategoricalCrossentropy({ ...base, fromLogits, ignoreClass: configNumber(k, c, "ignore_class"), axis });
  },
  BinaryFocalCrossentropy: (c) => {
    const k = "losses.BinaryFocalCrossentropy";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma"]);
    return new BinaryFocalCrossentropy({
      ...crossentropyOpts(k, c), applyClassBalancing: configBoolean(k, c, "apply_class_balancing"),
      alpha: configNumber(k, c, "alpha"), gamma: configNumber(k, c, "gamma"),
    });
  },
  CategoricalFocalCrossentropy: (c) => {
    const k = "losses.CategoricalFocalCrossentropy";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "from_logits", "label_smoothing", "axis", "alpha", "gamma"]);
    const alpha = c.alpha === undefined || c.alpha === null ? undefined : checkFocalAlpha(k, c.alpha);
    return new CategoricalFocalCrossentropy({ ...crossentropyOpts(k, c), alpha, gamma: configNumber(k, c, "gamma") });
  },
  Dice: (c) => {
    const k = "losses.Dice";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "axis"]);
    return new Dice({ ...baseOpts(k, c), axis: configAxis(k, c, "axis") ?? null });
  },
  Tversky: (c) => {
    const k = "losses.Tversky";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "alpha", "beta", "axis"]);
    return new Tversky({ ...baseOpts(k, c), alpha: configNumber(k, c, "alpha"), beta: configNumber(k, c, "beta"), axis: configAxis(k, c, "axis") ?? null });
  },
  Circle: (c) => {
    const k = "losses.Circle";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "gamma", "margin", "remove_diagonal"]);
    return new Circle({ ...baseOpts(k, c), gamma: configNumber(k, c, "gamma"), margin: configNumber(k, c, "margin"), removeDiagonal: configBoolean(k, c, "remove_diagonal") });
  },
  CategoricalGeneralizedCrossEntropy: (c) => {
    const k = "losses.CategoricalGeneralizedCrossEntropy";
    checkConfigKeys(k, c, ["name", "reduction", "dtype", "q"]);
    return new CategoricalGeneralizedCrossEntropy({ ...baseOpts(k, c), q: configNumber(k, c, "q") });
  },
};

/** Every string losses.get() understands. */
export const LOSS_NAMES: readonly string[] = [...Object.keys(FUNCTIONS), ...Object.keys(CLASSES)];

/** What losses.get() accepts. */
// LossFunction before Loss: an inline (yTrue, yPred) => ... is typed from it.
export type LossIdentifier = string | SerializedObject | LossFunction | Loss;

/** A Loss from `{ className, config }`, as keras.losses.deserialize. */
export function deserialize(obj: SerializedObject): Loss {
  const cls = serializedClassName(obj) ?? "";
  const make = CLASSES[cls];
  if (make !== undefined) return make(obj.config ?? {});
  const f = FUNCTIONS[cls];
  if (f !== undefined) {
    const c = obj.config ?? {};
    checkConfigKeys(`losses.${cls}`, c, ["name", "reduction"]);
    return new LossFunctionWrapper(f.fn, { ...baseOpts(`losses.${cls}`, c), name: configString(`losses.${cls}`, c, "name") ?? cls, fnName: f.fnName });
  }
  throw unknownIdentifier("losses", "loss", cls, LOSS_NAMES);
}

/**
 * keras.losses.get as model.compile uses it: a function name or alias ("mse",
 * "sparse_categorical_crossentropy") gives a LossFunctionWrapper named after the string (Keras'
 * compile names it so); a class name ("MeanSquaredError") an instance with Keras' defaults;
 * `{ className, config }` the configured class; a Loss is returned as is; a function
 * (yTrue, yPred) => per-example losses is wrapped, named after the function.
 */
export function get(identifier: LossIdentifier): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === "string") {
    const f = FUNCTIONS[identifier];
    if (f !== undefined) return new LossFunctionWrapper(f.fn, { name: identifier, fnName: f.fnName });
    return deserialize({ className: identifier });
  }
  if (typeof identifier === "function") return new LossFunctionWrapper(identifier);
  if (isSerializedObject(identifier)) return deserialize(identifier);
  throw new TypeError(
    `losses.get: cannot interpret ${JSON.stringify(identifier)} as a loss; pass a name such as "sparse_categorical_crossentropy" or "mse", ` +
      `{ className, config }, a Loss, or a function (yTrue, yPred) => per-example losses`,
  );
}

/**
 * Keras' compile_utils.is_binary_or_sparse_categorical: from the label and prediction shapes,
 * whether the task is binary (yPred's last axis is 1) and whether labels are sparse class indices
 * (yTrue has lower rank, or a last axis of 1 while yPred's is larger).
 */
export function isBinaryOrSparseCategorical(yTrueShape: Shape, yPredShape: Shape): { isBinary: boolean; isSparseCategorical: boolean } {
  const tLast = yTrueShape.length > 0 ? yTrueShape[yTrueShape.length - 1] : undefined;
  const pLast = yPredShape.length > 0 ? yPredShape[yPredShape.length - 1] : undefined;
  const isBinary = pLast === 1;
  const isSparseCategorical = yTrueShape.length < yPredShape.length || (tLast === 1 && pLast !== undefined && pLast > 1);
  return { isBinary, isSparseCategorical };
}

/**
 * Keras' compile_utils.get_loss: "crossentropy" / "ce" become binary, sparse categorical or
 * categorical cross-entropy from the shapes (named "crossentropy" / "ce"); anything else is get().
 */
export function resolveLoss(identifier: LossIdentifier, yTrueShape: Shape, yPredShape: Shape): Loss {
  if (typeof identifier === "string" && ["crossentropy", "ce"].includes(identifier.toLowerCase())) {
    const { isBinary, isSparseCategorical } = isBinaryOrSparseCategorical(yTrueShape, yPredShape);
    const fnName = isBinary ? "binary_crossentropy" : isSparseCategorical ? "sparse_categorical_crossentropy" : "categorical_crossentropy";
    return new LossFunctionWrapper(FUNCTIONS[fnName].fn, { name: identifier, fnName });
  }
  return get(identifier);
}

/** keras.losses.serialize. */
export function serialize(loss: Loss): { className: string; config: Config } {
  return loss.serialize();
}
