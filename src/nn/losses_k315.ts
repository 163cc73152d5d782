/**
 * Keras 3.15's per-example losses that Keras 3.5 lacked (keras/src/losses/losses.py): circle
 * (metric learning on L2-normalized embeddings, with the mask Keras attaches to its values) and
 * categorical_generalized_cross_entropy (a noise-robust cross-entropy on integer labels). The Loss
 * classes around them live in losses.ts with the others.
 */
import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { setMask } from "../tensor/keras_mask.js";
import { eye } from "../tensor/creation.js";
import { type Input, toTensor } from "../ops/engine.js";
import { add, cast, div, equal, exp, greater, log, logicalAnd, logicalNot, maximum, mul, pow, sub, where } from "../ops/math.js";
import { any, max, sum } from "../ops/reduce.js";
import { softplus } from "../ops/activation.js";
import { matmul } from "../ops/matmul.js";
import { oneHot, reshape, squeeze, transpose } from "../ops/shape.js";
import { stopGradient } from "../ops/gradient_stop.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";
import { checkKeys } from "./common.js";
import { floatPred } from "./loss_inputs.js";

export interface CircleOptions {
  /** Labels of the reference embeddings. Default: yTrue (the batch against itself). */
  refLabels?: Input | null;
  /** L2-normalized reference embeddings [refs, dim]. Default: yPred. */
  refEmbeddings?: Input | null;
  /** Leave each example's similarity to itself out of its positives. Default true. */
  removeDiagonal?: boolean;
  /** The scale of the similarity scores. Default 80. */
  gamma?: number;
  /** The relaxation margin. Default 0.4. */
  margin?: number;
}
export const CIRCLE_OPTIONS: readonly (keyof CircleOptions)[] = ["refLabels", "refEmbeddings", "removeDiagonal", "gamma", "margin"];

function finiteNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${op}: ${name} must be a finite number, got ${valueText(v)}`);
  return v;
}

/** Integer labels as a column [n, 1] (Keras' cast to int32, then build_pos_neg_masks' reshape). */
function labelColumn(op: string, what: string, labelsIn: Input): Tensor {
  const l = toTensor(labelsIn, op, what);
  if (l.rank > 2 || (l.rank === 2 && l.shape[1] !== 1)) {
    throw new RangeError(`${op}: ${what} must be integer labels of shape [n] or [n, 1], got ${shapeText(l.shape)}`);
  }
  return reshape(l.dtype === "int32" ? l : cast(l, "int32"), [-1, 1]);
}

/**
 * Keras' logsumexp(where(mask, x, -inf), axis=1) for rows that may have no entry: those give
 * `has` false (and a finite placeholder value), so that neither the value nor the gradient of
 * the rows that have entries meets an infinity.
 */
function maskedLogSumExp(x: Tensor, mask: Tensor): { value: Tensor; has: Tensor } {
  const has = any(mask, 1);
  const rowMax = max(where(mask, x, -Infinity), 1, true);
  const m = stopGradient(where(reshape(has, [-1, 1]), rowMax, 0));
  const s = sum(exp(where(mask, sub(x, m), -Infinity)), 1);
  return { value: add(squeeze(m, [1]), log(where(has, s, 1))), has };
}

/**
 * keras.losses.circle(yTrue, yPred, { refLabels, refEmbeddings, removeDiagonal = true, gamma = 80,
 * margin = 0.4 }): the Circle loss of each embedding of yPred [batch, dim] (L2-normalized) against
 * the reference embeddings, from the cosine distances d = max(1 - yPred . ref^T, 0):
 * softplus(logsumexp over positives of -gamma * max(margin + d, 0) * (margin - d) + logsumexp over
 * negatives of gamma * max(1 + margin - d, 0) * (1 - margin - d)). A row without positives (or
 * negatives) scores 0, as Keras' -inf gives. The returned tensor carries Keras' mask (loss > 0),
 * so Loss reductions average over the rows that have a loss.
 */
export function circle(yTrueIn: Input, yPredIn: Input, opts: CircleOptions = {}): Tensor {
  const op = "circle";
  checkKeys(op, opts, CIRCLE_OPTIONS);
  const gamma = finiteNumber(op, "gamma", opts.gamma ?? 80);
  const margin = finiteNumber(op, "margin", opts.margin ?? 0.4);
  const removeDiagonal = booleanOption(op, "removeDiagonal", opts.removeDiagonal, true);
  const yPred = floatPred(op, yPredIn);
  if (yPred.rank !== 2) throw new RangeError(`${op}: yPred must be embeddings [batch, dim], got ${shapeText(yPred.shape)}`);
  const ref = opts.refEmbeddings === undefined || opts.refEmbeddings === null ? yPred : floatPred(op, opts.refEmbeddings);
  if (ref.rank !== 2 || ref.shape[1] !== yPred.shape[1] || ref.dtype !== yPred.dtype) {
    throw new RangeError(`${op}: refEmbeddings ${ref.dtype} ${shapeText(ref.shape)} must be [refs, ${yPred.shape[1]}] ${yPred.dtype}, as yPred ${shapeText(yPred.shape)}`);
  }
  const query = labelColumn(op, "yTrue", yTrueIn);
  const keys = opts.refLabels === undefined || opts.refLabels === null ? query : labelColumn(op, "refLabels", opts.refLabels);
  if (query.shape[0] !== yPred.shape[0] || keys.shape[0] !== ref.shape[0]) {
    throw new RangeError(
      `${op}: ${query.shape[0]} labels for ${yPred.shape[0]} embeddings and ${keys.shape[0]} reference labels for ${ref.shape[0]} reference embeddings; ` +
        "give one label per embedding",
    );
  }
  const d = maximum(sub(1, matmul(yPred, ref, false, true)), 0);
  let pos = equal(query, transpose(keys));
  const neg = logicalNot(pos);
  if (removeDiagonal) pos = logicalAnd(pos, logicalNot(cast(eye(query.shape[0], keys.shape[0]), "bool")));
  const posWeights = maximum(mul(add(d, margin), cast(pos, d.dtype)), 0);
  const negWeights = maximum(mul(sub(1 + margin, d), cast(neg, d.dtype)), 0);
  const p = maskedLogSumExp(mul(mul(posWeights, sub(margin, d)), -gamma), pos);
  const n = maskedLogSumExp(mul(mul(negWeights, sub(1 - margin, d)), gamma), neg);
  const valid = logicalAnd(p.has, n.has);
  const loss = where(valid, softplus(where(valid, add(p.value, n.value), 0)), 0);
  // Keras' set_keras_mask(loss, loss > 0): a Loss reads it back (Loss.callWithMask) and averages
  // over the rows that have a loss.
  setMask(loss, greater(loss, 0));
  return loss;
}

/**
 * keras.losses.categorical_generalized_cross_entropy(yTrue, yPred, q): (1 - p^q) / q per example,
 * p the probability yPred [..., classes] gives the integer label yTrue [...] (a trailing axis of 1
 * on yTrue is dropped). q near 0 behaves as the cross-entropy, q near 1 as the mean absolute error.
 */
export function categoricalGeneralizedCrossEntropy(yTrueIn: Input, yPredIn: Input, q: number): Tensor {
  const op = "categoricalGeneralizedCrossEntropy";
  if (typeof q !== "number" || !Number.isFinite(q) || q === 0) throw new RangeError(`${op}: q must be a non-zero finite number (Keras' class takes it in (0, 1)), got ${valueText(q)}`);
  const yPred = floatPred(op, yPredIn);
  if (yPred.rank === 0) throw new RangeError(`${op}: yPred must have a class axis, got a scalar`);
  let t = toTensor(yTrueIn, op, "yTrue");
  // Keras' docstring takes labels [batch] or [batch, 1]; its one_hot of [batch, 1] would broadcast
  // against [batch, classes] into [batch, batch], so the trailing 1 is dropped here.
  if (t.rank === yPred.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, [t.rank - 1]);
  const lead = yPred.shape.slice(0, -1);
  if (t.rank !== lead.length || t.shape.some((v, i) => v !== lead[i])) {
    throw new RangeError(`${op}: yTrue ${shapeText(t.shape)} must be integer class indices of shape ${shapeText(lead)} for yPred ${shapeText(yPred.shape)}`);
  }
  const classes = yPred.shape[yPred.rank - 1];
  const hot = oneHot(t.dtype === "int32" ? t : cast(t, "int32"), classes, 1, 0, yPred.dtype);
  const p = sum(mul(yPred, hot), -1);
  return div(sub(1, pow(p, q)), q);
}
