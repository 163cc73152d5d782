/**
 * Keras 3.5's focal cross-entropies and image-segmentation losses (keras/src/losses/losses.py):
 * binary_focal_crossentropy, categorical_focal_crossentropy, dice and tversky, per example (or,
 * for dice without an axis and for tversky, one value for the whole batch, as Keras computes them).
 */
import { Tensor } from "../tensor/tensor.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { constant } from "../tensor/creation.js";
import { type Input } from "../ops/engine.js";
import { add, clipByValue, div, log, mul, neg, pow, sub } from "../ops/math.js";
import { mean, sum } from "../ops/reduce.js";
import { sigmoid, softmax } from "../ops/activation.js";
import { reshape } from "../ops/shape.js";
import { assertBroadcastable } from "../ops/loss.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";
import { checkKeys } from "./common.js";
import { floatPair } from "./loss_inputs.js";
import { epsilon } from "../tensor/config.js";



function checkNumber(op: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== "number" || !(v >= lo && v <= hi)) throw new RangeError(`${op}: ${name} must be a number in [${lo}, ${hi}], got ${valueText(v)}`);
  return v;
}

function checkSameShape(op: string, yTrue: Tensor, yPred: Tensor): void {
  if (yTrue.shape.length !== yPred.shape.length || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new RangeError(`${op}: yTrue ${shapeText(yTrue.shape)} and yPred ${shapeText(yPred.shape)} must have the same shape`);
  }
}

export interface BinaryFocalCrossentropyOptions {
  /** Weigh positives by alpha and negatives by 1 - alpha. Default false. */
  applyClassBalancing?: boolean;
  /** The positives' weight with applyClassBalancing. Default 0.25. */
  alpha?: number;
  /** The focusing exponent of (1 - p_t). Default 2; 0 gives the binary cross-entropy. */
  gamma?: number;
  /** yPred holds logits (a sigmoid is applied first). Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become yTrue * (1 - s) + 0.5 * s. Default 0. */
  labelSmoothing?: number;
  /** The axis averaged over. Default -1. */
  axis?: number;
}
export const BINARY_FOCAL_OPTIONS: readonly (keyof BinaryFocalCrossentropyOptions)[] = ["applyClassBalancing", "alpha", "gamma", "fromLogits", "labelSmoothing", "axis"];

/**
 * keras.losses.binary_focal_crossentropy: (1 - p_t)^gamma * bce, with p_t = yTrue * p + (1 - yTrue) * (1 - p)
 * and bce the cross-entropy of p clipped to [epsilon(), 1 - epsilon()] (config.epsilon(), 1e-7 unless set); with applyClassBalancing also
 * times alpha (positives) or 1 - alpha (negatives); averaged over `axis`.
 */
export function binaryFocalCrossentropy(yTrueIn: Input, yPredIn: Input, opts: BinaryFocalCrossentropyOptions = {}): Tensor {
  const op = "binaryFocalCrossentropy";
  checkKeys(op, opts, BINARY_FOCAL_OPTIONS);
  const s = checkNumber(op, "labelSmoothing", opts.labelSmoothing ?? 0, 0, 1);
  const alpha = checkNumber(op, "alpha", opts.alpha ?? 0.25, 0, 1);
  const gamma = checkNumber(op, "gamma", opts.gamma ?? 2, 0, Infinity);
  let { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  checkSameShape(op, yTrue, yPred);
  if (yPred.rank === 0) throw new RangeError(`${op}: yTrue and yPred must have rank >= 1, got scalars`);
  const axis = normalizeAxis(opts.axis ?? -1, yPred.rank, op);
  if (s > 0) yTrue = add(mul(yTrue, 1 - s), 0.5 * s);
  if (booleanOption(op, "fromLogits", opts.fromLogits, false)) yPred = sigmoid(yPred);
  const p = clipByValue(yPred, epsilon(), 1 - epsilon());
  const bce = neg(add(mul(yTrue, log(p)), mul(sub(1, yTrue), log(sub(1, p)))));
  // p_t from the unclipped probabilities, as Keras.
  const pT = add(mul(yTrue, yPred), mul(sub(1, yTrue), sub(1, yPred)));
  let focal = mul(pow(sub(1, pT), gamma), bce);
  if (booleanOption(op, "applyClassBalancing", opts.applyClassBalancing, false)) focal = mul(add(mul(yTrue, alpha), mul(sub(1, yTrue), 1 - alpha)), focal);
  return mean(focal, axis);
}

export interface CategoricalFocalCrossentropyOptions {
  /** Weight of every class (a number) or of each class (one per class). Default 0.25. */
  alpha?: number | readonly number[];
  /** The focusing exponent of (1 - p). Default 2. */
  gamma?: number;
  /** yPred holds logits (a softmax over `axis` is applied first). Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become yTrue * (1 - s) + s / numClasses. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}
export const CATEGORICAL_FOCAL_OPTIONS: readonly (keyof CategoricalFocalCrossentropyOptions)[] = ["alpha", "gamma", "fromLogits", "labelSmoothing", "axis"];

/** An alpha as Keras takes it: a number, or a list of numbers (one per class). */
export function checkFocalAlpha(op: string, alpha: unknown): number | number[] {
  if (typeof alpha === "number" && Number.isFinite(alpha)) return alpha;
  if (Array.isArray(alpha) && alpha.length > 0 && alpha.every((a) => typeof a === "number" && Number.isFinite(a))) return [...alpha] as number[];
  throw new TypeError(`${op}: alpha must be a number or a list of numbers (one per class), got ${valueText(alpha)}`);
}

/**
 * keras.losses.categorical_focal_crossentropy: sum over `axis` of alpha * (1 - p)^gamma * -yTrue * log(p),
 * with p = yPred rescaled to sum to 1 and clipped to [epsilon(), 1 - epsilon()] (config.epsilon(), 1e-7 unless set).
 */
export function categoricalFocalCrossentropy(yTrueIn: Input, yPredIn: Input, opts: CategoricalFocalCrossentropyOptions = {}): Tensor {
  const op = "categoricalFocalCrossentropy";
  checkKeys(op, opts, CATEGORICAL_FOCAL_OPTIONS);
  const s = checkNumber(op, "labelSmoothing", opts.labelSmoothing ?? 0, 0, 1);
  const alpha = checkFocalAlpha(op, opts.alpha ?? 0.25);
  const gamma = checkNumber(op, "gamma", opts.gamma ?? 2, 0, Infinity);
  let { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  checkSameShape(op, yTrue, yPred);
  if (yPred.rank === 0) throw new RangeError(`${op}: yTrue and yPred must have a class axis, got scalars`);
  const axis = normalizeAxis(opts.axis ?? -1, yPred.rank, op);
  // Keras smooths by the size of the last axis, whatever `axis` is.
  if (s > 0) yTrue = add(mul(yTrue, 1 - s), s / yTrue.shape[yTrue.rank - 1]);
  if (booleanOption(op, "fromLogits", opts.fromLogits, false)) yPred = softmax(yPred, axis);
  const p = clipByValue(div(yPred, sum(yPred, axis, true)), epsilon(), 1 - epsilon());
  const cce = neg(mul(yTrue, log(p)));
  let weighting = pow(sub(1, p), gamma);
  if (Array.isArray(alpha)) {
    const classes = yPred.shape[yPred.rank - 1];
    if (alpha.length !== classes) {
      throw new RangeError(`${op}: alpha lists ${alpha.length} weights but yPred ${shapeText(yPred.shape)} has ${classes} classes on its last axis; give one per class`);
    }
    weighting = mul(weighting, constant(alpha, [classes], yPred.dtype));
  } else {
    weighting = mul(weighting, alpha as number);
  }
  return sum(mul(weighting, cce), axis);
}

/** Dice's axis option: null (all axes: one value for the batch), an axis, or a list of axes. */
export type DiceAxis = number | readonly number[] | null;

/** Dice's and Tversky's axis option, checked: null, an axis or a list of axes (copied). */
export function lossAxis(where: string, a: unknown): number | number[] | null {
  const ok = a === null || Number.isInteger(a) || (Array.isArray(a) && a.every((v) => Number.isInteger(v)));
  if (!ok) throw new TypeError(`${where}: axis must be null, an axis or a list of axes, got ${valueText(a)}; e.g. axis: [1, 2, 3] for one value per image`);
  return a === null || typeof a === "number" ? a : [...(a as number[])];
}

/**
 * keras.losses.dice: 1 - 2 * sum(yTrue * yPred) / (sum(yTrue) + sum(yPred) + 1e-7), the sums over
 * `axis`: with the default null over everything (one value for the whole batch), with
 * axis [1, 2, 3] of images one value per image.
 */
export function dice(yTrueIn: Input, yPredIn: Input, axis: DiceAxis = null): Tensor {
  const op = "dice";
  const { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  assertBroadcastable(op, yTrue, yPred);
  const ax = axis === null ? undefined : typeof axis === "number" ? axis : [...axis];
  const inter = sum(mul(yTrue, yPred), ax);
  return sub(1, div(mul(inter, 2), add(add(sum(yTrue, ax), sum(yPred, ax)), epsilon())));
}

/**
 * keras.losses.tversky: 1 - TP / (TP + alpha * FP + beta * FN + 1e-7) over the whole batch
 * flattened (one value), with TP = sum(yTrue * yPred), FP = sum((1 - yPred) * yTrue) and
 * FN = sum(yPred * (1 - yTrue)), Keras 3.5's names for them; alpha = beta = 0.5 is the Dice loss.
 * With `axis` (Keras 3.8+), the sums run over those axes only, as dice's.
 */
export function tversky(yTrueIn: Input, yPredIn: Input, alpha = 0.5, beta = 0.5, axis: DiceAxis = null): Tensor {
  const op = "tversky";
  for (const [name, v] of [["alpha", alpha], ["beta", beta]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${op}: ${name} must be a finite number, got ${valueText(v)}`);
  }
  const { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  let t: Tensor, p: Tensor, ax: number | number[] | undefined;
  if (axis === null) {
    // Without an axis Keras 3.5 flattens both, so any shapes of the same size meet element by element.
    if (yTrue.size !== yPred.size) {
      throw new RangeError(`${op}: yTrue ${shapeText(yTrue.shape)} and yPred ${shapeText(yPred.shape)} must hold as many values (${yTrue.size} vs ${yPred.size})`);
    }
    [t, p, ax] = [reshape(yTrue, [-1]), reshape(yPred, [-1]), undefined];
  } else {
    // Keras 3.8+'s axis: the sums run over those axes of the broadcast product (one value per remaining index).
    assertBroadcastable(op, yTrue, yPred);
    [t, p, ax] = [yTrue, yPred, typeof axis === "number" ? axis : [...axis]];
  }
  const tp = sum(mul(t, p), ax);
  const fp = sum(mul(sub(1, p), t), ax);
  const fn = sum(mul(p, sub(1, t)), ax);
  return sub(1, div(tp, add(add(add(tp, mul(fp, alpha)), mul(fn, beta)), epsilon())));
}
