/**
 * Keras 3.15's correlation metric functions (keras/src/metrics/correlation_metrics.py):
 * pearson_correlation and concordance_correlation, one value per example along `axis`. Their
 * stateful classes (the running mean of these values) are in metrics.ts with the other
 * MeanMetricWrappers.
 */
import { type Tensor } from "../tensor/tensor.js";
import { normalizeAxis } from "../tensor/shape.js";
import { type Input } from "../ops/engine.js";
import { add, div, mul, sqrt, square, sub } from "../ops/math.js";
import { mean, variance } from "../ops/reduce.js";
import { squeezeOrExpandToSameRank } from "../ops/loss.js";
import { valueText } from "../tensor/value_text.js";
import { epsilon } from "../tensor/config.js";
import { floatPair } from "./loss_inputs.js";

/** The axis (or axes) a correlation is taken along. */
export type CorrelationAxis = number | readonly number[];

/** `axis` as Keras takes it (an integer or a list of them), copied; refuses anything else. */
export function checkCorrelationAxis(op: string, axis: unknown): number | number[] {
  if (Number.isInteger(axis)) return axis as number;
  if (Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a))) return [...axis] as number[];
  throw new TypeError(`${op}: axis must be an integer or a non-empty list of integers, got ${valueText(axis)}`);
}

/** `axis` checked against the rank, as a list of distinct non-negative axes. */
function correlationAxes(op: string, axis: unknown, rank: number): number[] {
  const a = checkCorrelationAxis(op, axis);
  const axes = (typeof a === "number" ? [a] : a).map((v) => normalizeAxis(v, rank, op));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${op}: axis ${valueText(axis)} names the same axis twice`);
  return axes;
}

function aligned(op: string, yTrueIn: Input, yPredIn: Input, axis: CorrelationAxis): { t: Tensor; p: Tensor; axes: number[] } {
  const { yTrue, yPred } = floatPair(op, yTrueIn, yPredIn);
  const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
  if (p.rank === 0) throw new RangeError(`${op}: yTrue and yPred must have at least one axis to correlate along, got scalars`);
  return { t, p, axes: correlationAxes(op, axis, p.rank) };
}

/**
 * keras.metrics.pearson_correlation(yTrue, yPred, axis = -1): Pearson's r along `axis`, the mean
 * of the product of yTrue and yPred each centred and divided by its (population) standard
 * deviation. A constant row gives NaN, as in Keras.
 */
export function pearsonCorrelation(yTrueIn: Input, yPredIn: Input, axis: CorrelationAxis = -1): Tensor {
  const { t, p, axes } = aligned("pearsonCorrelation", yTrueIn, yPredIn, axis);
  const standardize = (x: Tensor): Tensor => {
    const c = sub(x, mean(x, axes, true));
    return div(c, sqrt(variance(c, axes, true)));
  };
  return mean(mul(standardize(t), standardize(p)), axes);
}

/**
 * keras.metrics.concordance_correlation(yTrue, yPred, axis = -1): Lin's concordance along `axis`,
 * mean(2 * (yTrue - mean(yPred)) * (yPred - mean(yPred)) / (var(yTrue) + var(yPred) +
 * (mean(yTrue) - mean(yPred))^2 + epsilon())). The covariance term centres yTrue on yPred's mean,
 * as Keras 3.15.1 computes it (the textbook form centres it on its own mean).
 */
export function concordanceCorrelation(yTrueIn: Input, yPredIn: Input, axis: CorrelationAxis = -1): Tensor {
  const { t, p, axes } = aligned("concordanceCorrelation", yTrueIn, yPredIn, axis);
  const tMean = mean(t, axes, true), pMean = mean(p, axes, true);
  const covar = mul(sub(t, pMean), sub(p, pMean));
  const norm = add(add(variance(t, axes, true), variance(p, axes, true)), square(sub(tMean, pMean)));
  return mean(div(mul(covar, 2), add(norm, epsilon())), axes);
}
