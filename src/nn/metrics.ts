/**
 * keras.metrics: stateful metrics (`updateState`, `result`, `resetState`) and the per-example
 * metric functions, with Keras 3's semantics (keras/src/metrics). Values are computed with ops;
 * the running state (totals, counts, confusion counts) is kept as plain JavaScript numbers, so
 * results are float64 accumulations of the per-batch values where Keras accumulates in float32.
 */
import { Tensor, storageOf } from "../tensor/tensor.js";
import { maskOf } from "../tensor/keras_mask.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { type Shape, broadcastShapes, shapeText, shapesEqual } from "../tensor/shape.js";
import { constant, range } from "../tensor/creation.js";
import { type Input, noGrad, toTensor } from "../ops/engine.js";
import {
  cast, ceil, clipByValue, equal, greater, greaterEqual, maximum, mul,
  notEqual, square, sub,
} from "../ops/math.js";
import { argMax, mean, sum } from "../ops/reduce.js";
import { inTopK } from "../ops/sort.js";
import { assertBroadcastable } from "../ops/loss.js";
import { broadcastTo } from "../ops/broadcast.js";
import { expandDims, reshape, slice } from "../ops/shape.js";
import { sigmoid } from "../ops/activation.js";
import {
  binaryCrossentropy, categoricalCrossentropy, categoricalHinge, cosineSimilarity, hinge, logCosh, meanSquaredLogarithmicError, poisson, klDivergence, meanAbsoluteError,
  meanAbsolutePercentageError, meanSquaredError, sparseCategoricalCrossentropy, squaredHinge,
  squeezeOrExpandToSameRank, isBinaryOrSparseCategorical,
} from "./losses.js";
import {
  type Config, type ConfigValue, type SerializedObject, autoName, checkConfigKeys, checkKeys, configAxis, configBoolean, configNumber, configString,
  integerAxisOption, isSerializedObject, labelSmoothingOption, serializedClassName, toSnakeCase, unknownIdentifier,
} from "./common.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption, nullableNumberOption } from "../tensor/option_checks.js";
import { F1Score, FBetaScore, type FScoreAverage } from "./metrics_fscore.js";
import { R2Score, type R2ClassAggregation } from "./metrics_r2.js";
import { type CorrelationAxis, checkCorrelationAxis, concordanceCorrelation, pearsonCorrelation } from "./metrics_correlation.js";
import { BinaryIoU, IoU, IOU_METRIC_FACTORIES, MeanIoU, OneHotIoU, OneHotMeanIoU } from "./metrics_iou.js";
import { type NameOption, Metric, checkMetricOptions, floatPred, labels } from "./metric_base.js";
import { epsilon } from "../tensor/config.js";

export { Metric } from "./metric_base.js";
export { F1Score, FBetaScore, R2Score };
export { concordanceCorrelation, pearsonCorrelation, type CorrelationAxis };
export { BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU };

// ---------------------------------------------------------------- helpers

const asValues = (x: Tensor): Tensor => cast(x, "float32");

function axesFrom(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

/**
 * Keras' reduce_to_samplewise_values (with a mean for Mean, a sum for Sum): weights lined up with
 * the values, values reduced to the weights' rank, weights broadcast and multiplied in, then
 * everything reduced to one value per sample.
 */
function reduceToSamplewise(
  who: string, valuesIn: Tensor, sampleWeight: Input | null | undefined, reduce: (x: Tensor, axes: number[]) => Tensor = mean,
): { values: Tensor; weights: Tensor | null } {
  let v = isFloatDType(valuesIn.dtype) ? valuesIn : cast(valuesIn, "float32");
  let w: Tensor | null = null;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    w = labels(sampleWeight, v.dtype, v.dtype);
    [v, w] = squeezeOrExpandToSameRank(v, w);
    if (v.rank > w.rank) v = reduce(v, axesFrom(w.rank, v.rank));
    let fits = w.rank <= v.rank;
    if (fits) {
      try {
        fits = shapesEqual(broadcastShapes(w.shape, v.shape, who), v.shape);
      } catch {
        fits = false;
      }
    }
    if (!fits) {
      throw new RangeError(
        `${who}: sample weights ${shapeText(w.shape)} do not fit the metric values ${shapeText(v.shape)}; ` +
          `give one weight per sample (shape [${v.shape[0] ?? ""}]) or a scalar`,
      );
    }
    const wb = broadcastTo(w, v.shape);
    v = mul(v, wb);
    w = wb.rank > 1 ? reduce(wb, axesFrom(1, wb.rank)) : wb;
  }
  if (v.rank > 1) v = reduce(v, axesFrom(1, v.rank));
  return { values: v, weights: w };
}

/**
 * Keras 3.5's apply_mask with reduction "sum", as its metrics use it: given sample weights, a
 * mask (false where a value is left out) multiplies them; without weights the mask is not used.
 */
function weightsWithMask(who: string, sampleWeight: Input | null | undefined, mask: Tensor | null, dtype: DType): Input | null | undefined {
  if (sampleWeight === undefined || sampleWeight === null || mask === null) return sampleWeight;
  const sw = toTensor(sampleWeight, who, "sampleWeight");
  const [m, w] = squeezeOrExpandToSameRank(cast(mask, dtype), sw.dtype === dtype ? sw : cast(sw, dtype));
  return mul(w, m);
}

/** The running (weighted) mean behind Mean and every MeanMetricWrapper. */
class MeanAccumulator {
  total = 0;
  count = 0;
  // Keras' Mean keeps total and count in float32 variables (its dtype, floatx): each update and
  // the result round as theirs do.
  add(who: string, values: Tensor, sampleWeight: Input | null | undefined): void {
    const { values: v, weights } = reduceToSamplewise(who, values, sampleWeight);
    this.total = Math.fround(this.total + sum(v).item());
    this.count = Math.fround(this.count + (weights !== null ? sum(weights).item() : v.rank >= 1 ? v.shape[0] : 1));
  }
  result(): number {
    return this.count === 0 ? 0 : Math.fround(this.total / this.count);
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
}

// ---------------------------------------------------------------- per-example metric functions

/** keras.metrics.accuracy: 1 where yTrue equals yPred exactly (after lining up ranks), else 0. */
export function accuracy(yTrueIn: Input, yPredIn: Input): Tensor {
  const p = toTensor(yPredIn, "accuracy", "yPred");
  const [t, q] = squeezeOrExpandToSameRank(labels(yTrueIn, p.dtype, p.dtype), p);
  assertBroadcastable("accuracy", t, q);
  return asValues(equal(t, q));
}

/**
 * keras.metrics.binary_accuracy: 1 where yTrue equals (yPred > threshold), else 0, per element
 * (a Mean metric then averages each sample's elements).
 */
export function binaryAccuracy(yTrueIn: Input, yPredIn: Input, threshold = 0.5): Tensor {
  const who = "binaryAccuracy";
  const p = floatPred(who, yPredIn);
  const [t, q] = squeezeOrExpandToSameRank(labels(yTrueIn, p.dtype), p);
  assertBroadcastable(who, t, q);
  const predicted = cast(greater(q, threshold), t.dtype);
  return asValues(equal(t, predicted));
}

/** keras.metrics.categorical_accuracy: 1 where argmax(yTrue) equals argmax(yPred) over the last axis. */
export function categoricalAccuracy(yTrueIn: Input, yPredIn: Input): Tensor {
  const who = "categoricalAccuracy";
  const p = floatPred(who, yPredIn);
  const t = labels(yTrueIn, p.dtype);
  if (p.rank === 0 || !shapesEqual(t.shape, p.shape)) {
    throw new RangeError(
      `${who}: yTrue ${shapeText(t.shape)} must be one-hot with the shape of yPred ${shapeText(p.shape)}; ` +
        `for integer class labels use SparseCategoricalAccuracy (or "accuracy", which picks it from the shapes)`,
    );
  }
  return asValues(equal(argMax(t, -1), argMax(p, -1)));
}

/** Integer class labels with a trailing axis of size 1 dropped, checked against yPred [..., classes]. */
function sparseLabels(who: string, yTrueIn: Input, p: Tensor, dtype: DType): Tensor {
  let t = labels(yTrueIn, dtype, dtype);
  if (p.rank === 0) throw new RangeError(`${who}: yPred must have a class axis, got a scalar`);
  if (t.rank === p.rank && t.shape[t.rank - 1] === 1) t = reshape(t, t.shape.slice(0, -1));
  if (!shapesEqual(t.shape, p.shape.slice(0, -1))) {
    throw new RangeError(
      `${who}: yTrue ${shapeText(t.shape)} must hold one class index per row of yPred ${shapeText(p.shape)} ` +
        `(shape ${shapeText(p.shape.slice(0, -1))}); for one-hot labels use the categorical version`,
    );
  }
  return t;
}

/**
 * keras.metrics.sparse_categorical_accuracy: 1 where the class index yTrue equals argmax(yPred)
 * (labels are compared as yPred's float dtype, as Keras does).
 */
export function sparseCategoricalAccuracy(yTrueIn: Input, yPredIn: Input): Tensor {
  const who = "sparseCategoricalAccuracy";
  const p = floatPred(who, yPredIn);
  const t = sparseLabels(who, yTrueIn, p, p.dtype);
  return asValues(equal(t, cast(argMax(p, -1), p.dtype)));
}

/** tf.math.in_top_k, an op (ops/sort.ts); metrics.inTopK is the same function. */
export { inTopK };

/** keras.metrics.top_k_categorical_accuracy: 1 where argmax(yTrue) is among the k best predictions (k = 5). */
export function topKCategoricalAccuracy(yTrueIn: Input, yPredIn: Input, k = 5): Tensor {
  const who = "topKCategoricalAccuracy";
  const p = floatPred(who, yPredIn);
  const t = labels(yTrueIn, p.dtype);
  if (p.rank === 0 || !shapesEqual(t.shape, p.shape)) {
    throw new RangeError(
      `${who}: yTrue ${shapeText(t.shape)} must be one-hot with the shape of yPred ${shapeText(p.shape)}; ` +
        `for integer class labels use SparseTopKCategoricalAccuracy`,
    );
  }
  const target = argMax(t, -1);
  const classes = p.shape[p.rank - 1];
  const hits = inTopK(reshape(target, [-1]), reshape(p, [-1, classes]), k);
  return asValues(reshape(hits, target.shape));
}

/**
 * keras.metrics.sparse_top_k_categorical_accuracy: 1 where the class index yTrue (truncated to
 * an integer) is among the k best predictions (k = 5).
 */
export function sparseTopKCategoricalAccuracy(yTrueIn: Input, yPredIn: Input, k = 5): Tensor {
  const who = "sparseTopKCategoricalAccuracy";
  const p = floatPred(who, yPredIn);
  const t = sparseLabels(who, yTrueIn, p, "int32");
  const classes = p.shape[p.rank - 1];
  const hits = inTopK(reshape(t, [-1]), reshape(p, [-1, classes]), k);
  return asValues(reshape(hits, t.shape));
}

/** keras.metrics.cosine_similarity (the metric): sum(l2Normalize(yTrue) * l2Normalize(yPred)) along `axis`. */
export function cosineSimilarityMetric(yTrueIn: Input, yPredIn: Input, axis = -1): Tensor {
  return mul(cosineSimilarity(yTrueIn, yPredIn, axis), -1);
}

/**
 * keras.metrics.Mean: the weighted running mean of the values given to `updateState(values,
 * sampleWeight?)` (per sample: higher axes are averaged first). fit's `loss` is a Mean named
 * "loss" updated with each batch's loss and the batch size as weight.
 */
/** Keras' `mean(values, sampleWeight?)`: updateState with them, then result(). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Mean {
  (values: Input, sampleWeight?: Input | null): number;
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Mean extends Metric {
  readonly className: string = "Mean";
  private readonly acc = new MeanAccumulator();
  constructor(opts: { name?: string } = {}) {
    checkMetricOptions(new.target, Mean, opts, { name: true });
    super(opts.name ?? "mean");
  }
  /** A mask on `values` (tensor.kerasMask) weighs them only with sample weights, as Keras 3.5's reduce_to_samplewise_values. */
  updateState(values: Input, sampleWeight?: Input | null): void {
    const who = `metrics.${this.name}`;
    noGrad(() => {
      const v = toTensor(values, who, "values");
      const w = weightsWithMask(who, sampleWeight, values instanceof Tensor ? maskOf(values) : null, isFloatDType(v.dtype) ? v.dtype : "float32");
      this.acc.add(who, v, w);
    });
  }
  /** The running total (sum of weighted per-sample values). */
  get total(): number {
    return this.acc.total;
  }
  /** The running count (sum of the weights, or number of samples). */
  get count(): number {
    return this.acc.count;
  }
  result(): number {
    return this.acc.result();
  }
  resetState(): void {
    this.acc.reset();
  }
}

/**
 * keras.metrics.Sum: the weighted running sum of the values given to `updateState(values,
 * sampleWeight?)` (higher axes are summed, weights multiplied in), in float32 as Keras' variable.
 */
/** Keras' `sum(values, sampleWeight?)`: updateState with them, then result(). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Sum {
  (values: Input, sampleWeight?: Input | null): number;
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Sum extends Metric {
  readonly className: string = "Sum";
  private sumSoFar = 0;
  constructor(opts: { name?: string } = {}) {
    checkMetricOptions(new.target, Sum, opts, { name: true });
    super(opts.name ?? "sum");
  }
  /** A mask on `values` weighs them only with sample weights, as for Mean. */
  updateState(values: Input, sampleWeight?: Input | null): void {
    const who = `metrics.${this.name}`;
    noGrad(() => {
      const x = toTensor(values, who, "values");
      const w = weightsWithMask(who, sampleWeight, values instanceof Tensor ? maskOf(values) : null, isFloatDType(x.dtype) ? x.dtype : "float32");
      const { values: v } = reduceToSamplewise(who, x, w, sum);
      this.sumSoFar = Math.fround(this.sumSoFar + sum(v).item());
    });
  }
  /** The running total, as Keras' `total` variable. */
  get total(): number {
    return this.sumSoFar;
  }
  result(): number {
    return this.sumSoFar;
  }
  resetState(): void {
    this.sumSoFar = 0;
  }
}

/**
 * A per-example metric function: (yTrue, yPred) => one value per example (or per element). It is
 * called with tensors (MeanMetricWrapper converts arrays first), so a function of your own may
 * type both as Tensor (a method's type, checked both ways, as losses.LossFunction).
 */
export type MetricFunction = { fn(yTrue: Input, yPred: Input): Tensor }["fn"];

/** keras.metrics.MeanMetricWrapper: the running mean of a per-example function. */
export class MeanMetricWrapper extends Metric {
  readonly className: string = "MeanMetricWrapper";
  readonly fn: MetricFunction;
  private readonly acc = new MeanAccumulator();
  constructor(fn: MetricFunction, opts: { name?: string } = {}) {
    checkMetricOptions(new.target, MeanMetricWrapper, opts, { name: true });
    if (typeof fn !== "function") {
      throw new TypeError(`metrics.${new.target.name}: fn must be a function (yTrue, yPred) => per-example values, got ${valueText(fn)}`);
    }
    super(opts.name ?? (fn.name ? toSnakeCase(fn.name) : "mean_metric_wrapper"));
    this.fn = fn;
  }
  /**
   * Labels given as plain arrays take yPred's float dtype (mixing dtypes is an error in lamina's ops).
   * As Keras 3.5's MeanMetricWrapper, a mask on yPred (tensor.kerasMask) weighs the values only
   * when sample weights are given: the weights are multiplied by it; without weights it is not used.
   */
  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const p = toTensor(yPred, `metrics.${this.name}`, "yPred");
      const t = yTrue instanceof Tensor ? yTrue : isFloatDType(p.dtype) ? constant(yTrue, p.dtype) : toTensor(yTrue, `metrics.${this.name}`, "yTrue");
      const mask = yPred instanceof Tensor ? maskOf(yPred) : null;
      const w = weightsWithMask(`metrics.${this.name}`, sampleWeight, mask, isFloatDType(p.dtype) ? p.dtype : "float32");
      this.acc.add(`metrics.${this.name}`, this.fn(t, p), w);
    });
  }
  result(): number {
    return this.acc.result();
  }
  resetState(): void {
    this.acc.reset();
  }
}

/** keras.metrics.Accuracy (name "accuracy"): exact equality of yTrue and yPred. */
export class Accuracy extends MeanMetricWrapper {
  override readonly className = "Accuracy";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, Accuracy, opts, { name: true });
    super(accuracy, { name: opts.name ?? "accuracy" });
  }
}

/** keras.metrics.BinaryAccuracy(threshold = 0.5) (name "binary_accuracy"). */
export class BinaryAccuracy extends MeanMetricWrapper {
  override readonly className = "BinaryAccuracy";
  readonly threshold: number;
  constructor(opts: NameOption & { threshold?: number } = {}) {
    checkMetricOptions(new.target, BinaryAccuracy, opts, { name: true, threshold: true });
    // Any finite threshold, as Keras takes it (above 1 nothing counts as positive).
    const threshold = nullableNumberOption("metrics.BinaryAccuracy", "threshold", opts.threshold, 0.5) ?? 0.5;
    super((t, p) => binaryAccuracy(t, p, threshold), { name: opts.name ?? "binary_accuracy" });
    this.threshold = threshold;
  }
  override getConfig(): Config {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

/** keras.metrics.CategoricalAccuracy (name "categorical_accuracy"): one-hot labels. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  override readonly className = "CategoricalAccuracy";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, CategoricalAccuracy, opts, { name: true });
    super(categoricalAccuracy, { name: opts.name ?? "categorical_accuracy" });
  }
}

/** keras.metrics.SparseCategoricalAccuracy (name "sparse_categorical_accuracy"): integer labels. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className = "SparseCategoricalAccuracy";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, SparseCategoricalAccuracy, opts, { name: true });
    super(sparseCategoricalAccuracy, { name: opts.name ?? "sparse_categorical_accuracy" });
  }
}

function checkK(who: string, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`metrics.${who}: k must be a positive integer, got ${valueText(k)}`);
  return k;
}

/** keras.metrics.TopKCategoricalAccuracy(k = 5) (name "top_k_categorical_accuracy"): one-hot labels. */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className = "TopKCategoricalAccuracy";
  readonly k: number;
  constructor(opts: NameOption & { k?: number } = {}) {
    checkMetricOptions(new.target, TopKCategoricalAccuracy, opts, { name: true, k: true });
    const k = checkK("TopKCategoricalAccuracy", opts.k ?? 5);
    super((t, p) => topKCategoricalAccuracy(t, p, k), { name: opts.name ?? "top_k_categorical_accuracy" });
    this.k = k;
  }
  override getConfig(): Config {
    return { ...super.getConfig(), k: this.k };
  }
}

/** keras.metrics.SparseTopKCategoricalAccuracy(k = 5) (name "sparse_top_k_categorical_accuracy"): integer labels. */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className = "SparseTopKCategoricalAccuracy";
  readonly k: number;
  constructor(opts: NameOption & { k?: number } = {}) {
    checkMetricOptions(new.target, SparseTopKCategoricalAccuracy, opts, { name: true, k: true });
    const k = checkK("SparseTopKCategoricalAccuracy", opts.k ?? 5);
    super((t, p) => sparseTopKCategoricalAccuracy(t, p, k), { name: opts.name ?? "sparse_top_k_categorical_accuracy" });
    this.k = k;
  }
  override getConfig(): Config {
    return { ...super.getConfig(), k: this.k };
  }
}

/** keras.metrics.MeanSquaredError (name "mean_squared_error"). */
export class MeanSquaredError extends MeanMetricWrapper {
  override readonly className = "MeanSquaredError";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, MeanSquaredError, opts, { name: true });
    super(meanSquaredError, { name: opts.name ?? "mean_squared_error" });
  }
}

/** keras.metrics.MeanAbsoluteError (name "mean_absolute_error"). */
export class MeanAbsoluteError extends MeanMetricWrapper {
  override readonly className = "MeanAbsoluteError";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, MeanAbsoluteError, opts, { name: true });
    super(meanAbsoluteError, { name: opts.name ?? "mean_absolute_error" });
  }
}

/** keras.metrics.MeanAbsolutePercentageError (name "mean_absolute_percentage_error"). */
export class MeanAbsolutePercentageError extends MeanMetricWrapper {
  override readonly className = "MeanAbsolutePercentageError";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, MeanAbsolutePercentageError, opts, { name: true });
    super(meanAbsolutePercentageError, { name: opts.name ?? "mean_absolute_percentage_error" });
  }
}

/** keras.metrics.RootMeanSquaredError (name "root_mean_squared_error"): sqrt of the running mean of squared errors. */
export class RootMeanSquaredError extends Metric {
  readonly className = "RootMeanSquaredError";
  private readonly acc = new MeanAccumulator();
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, RootMeanSquaredError, opts, { name: true });
    super(opts.name ?? "root_mean_squared_error");
  }
  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const p = floatPred(`metrics.${this.name}`, yPred);
      const [t, q] = squeezeOrExpandToSameRank(labels(yTrue, p.dtype, p.dtype), p);
      assertBroadcastable(`metrics.${this.name}`, t, q);
      this.acc.add(`metrics.${this.name}`, square(sub(q, t)), sampleWeight);
    });
  }
  result(): number {
    return Math.fround(Math.sqrt(this.acc.result()));
  }
  resetState(): void {
    this.acc.reset();
  }
}

/** keras.metrics.KLDivergence (name "kl_divergence"). */
export class KLDivergence extends MeanMetricWrapper {
  override readonly className = "KLDivergence";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, KLDivergence, opts, { name: true });
    super(klDivergence, { name: opts.name ?? "kl_divergence" });
  }
}

/** keras.metrics.Hinge (name "hinge"). */
export class Hinge extends MeanMetricWrapper {
  override readonly className = "Hinge";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, Hinge, opts, { name: true });
    super(hinge, { name: opts.name ?? "hinge" });
  }
}

/** keras.metrics.SquaredHinge (name "squared_hinge"). */
export class SquaredHinge extends MeanMetricWrapper {
  override readonly className = "SquaredHinge";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, SquaredHinge, opts, { name: true });
    super(squaredHinge, { name: opts.name ?? "squared_hinge" });
  }
}

/** keras.metrics.CosineSimilarity(axis = -1) (name "cosine_similarity"): +1 for identical directions. */
export class CosineSimilarity extends MeanMetricWrapper {
  override readonly className = "CosineSimilarity";
  readonly axis: number;
  constructor(opts: NameOption & { axis?: number } = {}) {
    checkMetricOptions(new.target, CosineSimilarity, opts, { name: true, axis: true });
    const axis = integerAxisOption("metrics.CosineSimilarity", opts.axis, -1);
    super((t, p) => cosineSimilarityMetric(t, p, axis), { name: opts.name ?? "cosine_similarity" });
    this.axis = axis;
  }
  // Keras 3.15's get_config leaves axis out, so a reloaded CosineSimilarity(axis=1) measures along -1;
  // writing it keeps the metric, and Keras' from_config (cls(**config)) accepts the key.
  override getConfig(): Config {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** Keras 3.15's correlation metrics: the running (weighted) mean over examples of a correlation along `axis`. */
abstract class CorrelationMetric extends MeanMetricWrapper {
  /** Larger is better (Keras' _direction "up"). */
  override readonly direction = "up";
  readonly axis: number | number[];
  constructor(
    builtIn: abstract new (...a: never[]) => unknown, fn: (yTrue: Input, yPred: Input, axis: CorrelationAxis) => Tensor, defaultName: string,
    opts: NameOption & { axis?: CorrelationAxis },
  ) {
    checkMetricOptions(new.target, builtIn, opts, { name: true, axis: true });
    const axis = checkCorrelationAxis(`metrics.${builtIn.name}`, opts.axis ?? -1);
    super((t, p) => fn(t, p, axis), { name: opts.name ?? defaultName });
    this.axis = axis;
  }
  /** Keras 3.15's keys: name, dtype, axis. */
  override getConfig(): Config {
    return { ...super.getConfig(), axis: typeof this.axis === "number" ? this.axis : [...this.axis] };
  }
}

/** keras.metrics.PearsonCorrelation(axis = -1) (name "pearson_correlation"): 1 for a perfect positive linear relation. */
export class PearsonCorrelation extends CorrelationMetric {
  override readonly className = "PearsonCorrelation";
  constructor(opts: NameOption & { axis?: CorrelationAxis } = {}) {
    super(PearsonCorrelation, pearsonCorrelation, "pearson_correlation", opts);
  }
}

/** keras.metrics.ConcordanceCorrelation(axis = -1) (name "concordance_correlation"): 1 for perfect agreement. */
export class ConcordanceCorrelation extends CorrelationMetric {
  override readonly className = "ConcordanceCorrelation";
  constructor(opts: NameOption & { axis?: CorrelationAxis } = {}) {
    super(ConcordanceCorrelation, concordanceCorrelation, "concordance_correlation", opts);
  }
}

/** keras.metrics.MeanSquaredLogarithmicError (name "mean_squared_logarithmic_error"; "msle" in compile). */
export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  override readonly className = "MeanSquaredLogarithmicError";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, MeanSquaredLogarithmicError, opts, { name: true });
    super(meanSquaredLogarithmicError, { name: opts.name ?? "mean_squared_logarithmic_error" });
  }
}

/** keras.metrics.LogCoshError (name "logcosh"): the mean of log(cosh(yPred - yTrue)). */
export class LogCoshError extends MeanMetricWrapper {
  override readonly className = "LogCoshError";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, LogCoshError, opts, { name: true });
    super(logCosh, { name: opts.name ?? "logcosh" });
  }
}

/** keras.metrics.Poisson (name "poisson"): the mean of yPred - yTrue * log(yPred + 1e-7). */
export class Poisson extends MeanMetricWrapper {
  override readonly className = "Poisson";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, Poisson, opts, { name: true });
    super(poisson, { name: opts.name ?? "poisson" });
  }
}

/** keras.metrics.CategoricalHinge (name "categorical_hinge"): max(0, max(other classes' yPred) - the true class's yPred + 1). */
export class CategoricalHinge extends MeanMetricWrapper {
  override readonly className = "CategoricalHinge";
  constructor(opts: NameOption = {}) {
    checkMetricOptions(new.target, CategoricalHinge, opts, { name: true });
    super(categoricalHinge, { name: opts.name ?? "categorical_hinge" });
  }
}

interface CrossentropyMetricOptions extends NameOption {
  fromLogits?: boolean;
  labelSmoothing?: number;
}

/** keras.metrics.BinaryCrossentropy(fromLogits = false, labelSmoothing = 0) (name "binary_crossentropy"). */
export class BinaryCrossentropy extends MeanMetricWrapper {
  override readonly className = "BinaryCrossentropy";
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(opts: CrossentropyMetricOptions = {}) {
    checkMetricOptions(new.target, BinaryCrossentropy, opts, { name: true, fromLogits: true, labelSmoothing: true });
    const w = "metrics.BinaryCrossentropy";
    const o = { fromLogits: booleanOption(w, "fromLogits", opts.fromLogits, false), labelSmoothing: labelSmoothingOption(w, opts.labelSmoothing) };
    super((t, p) => binaryCrossentropy(t, p, o), { name: opts.name ?? "binary_crossentropy" });
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
  }
  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing };
  }
}

/** keras.metrics.CategoricalCrossentropy(fromLogits = false, labelSmoothing = 0, axis = -1) (name "categorical_crossentropy"). */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className = "CategoricalCrossentropy";
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(opts: CrossentropyMetricOptions & { axis?: number } = {}) {
    checkMetricOptions(new.target, CategoricalCrossentropy, opts, { name: true, fromLogits: true, labelSmoothing: true, axis: true });
    const w = "metrics.CategoricalCrossentropy";
    const o = {
      fromLogits: booleanOption(w, "fromLogits", opts.fromLogits, false), labelSmoothing: labelSmoothingOption(w, opts.labelSmoothing),
      axis: integerAxisOption(w, opts.axis, -1),
    };
    super((t, p) => categoricalCrossentropy(t, p, o), { name: opts.name ?? "categorical_crossentropy" });
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }
  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis };
  }
}

/** keras.metrics.SparseCategoricalCrossentropy(fromLogits = false, axis = -1) (name "sparse_categorical_crossentropy"). */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className = "SparseCategoricalCrossentropy";
  readonly fromLogits: boolean;
  readonly axis: number;
  constructor(opts: NameOption & { fromLogits?: boolean; axis?: number } = {}) {
    checkMetricOptions(new.target, SparseCategoricalCrossentropy, opts, { name: true, fromLogits: true, axis: true });
    const w = "metrics.SparseCategoricalCrossentropy";
    const o = { fromLogits: booleanOption(w, "fromLogits", opts.fromLogits, false), axis: integerAxisOption(w, opts.axis, -1) };
    super((t, p) => sparseCategoricalCrossentropy(t, p, o), { name: opts.name ?? "sparse_categorical_crossentropy" });
    this.fromLogits = o.fromLogits;
    this.axis = o.axis;
  }
  /** Keras' keys: no ignore_class (Keras' metric refuses one, so a .keras file holding it did not load in Keras). */
  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.fromLogits, axis: this.axis };
  }
}

// ---------------------------------------------------------------- confusion-matrix metrics

/** Per-threshold weighted counts of one batch. */
interface ConfusionCounts {
  tp: number[];
  fp: number[];
  tn: number[];
  fn: number[];
}

/** Keras' metrics_utils.NEG_INF: what top_k filtering puts in place of the other predictions. */
const NEG_INF = -1e10;

/**
 * Keras' _filter_top_k: along the last axis, the k largest predictions of each row are kept and
 * the others set to NEG_INF (-1e10). Ties go to the lower index, as tf.math.top_k.
 */
function filterTopK(who: string, x: Tensor, k: number): Tensor {
  if (x.rank === 0) throw new RangeError(`${who}: topK needs yPred with a class axis, got a scalar`);
  const classes = x.shape[x.rank - 1];
  if (k > classes) {
    throw new RangeError(`${who}: topK ${k} is larger than the ${classes} classes of yPred ${shapeText(x.shape)}; use a topK of at most ${classes}`);
  }
  const data = storageOf(x.dtype === "float64" ? x : cast(x, "float64")) as Float64Array;
  const out = new Float64Array(data.length).fill(NEG_INF);
  const order = Array.from({ length: classes }, (_, i) => i);
  for (let row = 0; row < data.length; row += classes) {
    order.sort((a, b) => data[row + b] - data[row + a] || a - b);
    for (let i = 0; i < k; i++) out[row + order[i]] = data[row + order[i]];
  }
  const kept = new Tensor(out, x.shape, "float64");
  return x.dtype === "float64" ? kept : cast(kept, x.dtype);
}

/** Options of Keras' update_confusion_matrix_variables beyond the inputs. */
interface ConfusionOptions {
  classId?: number | null;
  topK?: number | null;
  /** Weights per label (the last axis of yPred), multiplied into the sample weights. */
  labelWeights?: readonly number[] | null;
}

/**
 * Keras' update_confusion_matrix_variables, inputs part: predictions and labels lined up
 * (squeeze_or_expand_to_same_rank), the sample weights lined up with the labels and broadcast,
 * the predictions outside each row's top k set to -1e10, an optional class column picked, label
 * weights multiplied in. Labels count as positive when nonzero. All three come back in yPred's
 * (lined-up) shape.
 */
function confusionTensors(
  who: string, yTrueIn: Input, yPredIn: Input, sampleWeight: Input | null | undefined, o: ConfusionOptions,
): { p: Tensor; pos: Tensor; weight: Tensor } {
  let p = floatPred(who, yPredIn);
  let t = labels(yTrueIn, p.dtype, p.dtype);
  [p, t] = squeezeOrExpandToSameRank(p, t);
  let w: Tensor | null = null;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    w = expandDims(labels(sampleWeight, "float64", "float64"), -1);
    // squeeze_or_expand_to_same_rank(yTrue, w, expand_rank_1=False): only ever squeezes w.
    if (w.rank === t.rank + 1 && w.shape[w.rank - 1] === 1) w = reshape(w, w.shape.slice(0, -1));
  }
  if (o.topK !== undefined && o.topK !== null) p = filterTopK(who, p, o.topK);
  const classId = o.classId ?? null;
  if (classId !== null) {
    if (p.rank < 2) {
      throw new RangeError(`${who}: classId needs yPred of shape [samples, classes], got ${shapeText(p.shape)}`);
    }
    const classes = p.shape[p.rank - 1];
    if (classId >= classes) throw new RangeError(`${who}: classId ${classId} is out of range for ${classes} classes`);
    const pick = (x: Tensor): Tensor => slice(x, [...x.shape.slice(0, -1).map(() => 0), classId], [...x.shape.slice(0, -1), 1]);
    t = pick(t);
    p = pick(p);
  }
  if (!shapesEqual(t.shape, p.shape)) {
    throw new RangeError(`${who}: yTrue ${shapeText(t.shape)} and yPred ${shapeText(p.shape)} must have the same shape (one label per prediction)`);
  }
  let weight: Tensor;
  if (w === null) {
    weight = broadcastTo(cast(constant(1), "float64"), p.shape);
  } else {
    try {
      weight = broadcastTo(w, p.shape);
    } catch {
      throw new RangeError(`${who}: sample weights ${shapeText(w.shape)} do not fit the predictions ${shapeText(p.shape)}; give one weight per sample or a scalar`);
    }
  }
  const lw = o.labelWeights ?? null;
  if (lw !== null) {
    const labelsAxis = p.rank === 0 ? 1 : p.shape[p.rank - 1];
    if (lw.length !== labelsAxis) {
      throw new RangeError(`${who}: labelWeights has ${lw.length} weights but yPred ${shapeText(p.shape)} has ${labelsAxis} labels on its last axis; give one weight per label`);
    }
    weight = mul(weight, constant([...lw], "float64"));
  }
  return { p, pos: cast(notEqual(t, 0), "float64"), weight };
}

/** confusionTensors flattened: one prediction, label and weight per element. */
function confusionInputs(
  who: string, yTrueIn: Input, yPredIn: Input, sampleWeight: Input | null | undefined, o: ConfusionOptions,
): { pred: Tensor; pos: Tensor; weight: Tensor } {
  const { p, pos, weight } = confusionTensors(who, yTrueIn, yPredIn, sampleWeight, o);
  const flat = (x: Tensor): Tensor => reshape(x, [x.size]);
  return { pred: flat(p), pos: flat(pos), weight: flat(weight) };
}

/** Rows of at most this many comparisons are built at once (thresholds x samples). */
const CHUNK_ELEMENTS = 1 << 22;

/**
 * Weighted confusion counts for each threshold. `above(predChunk)` returns a [thresholds, n]
 * bool tensor: where each prediction counts as positive for each threshold.
 */
function countConfusion(
  pred: Tensor, pos: Tensor, weight: Tensor, numThresholds: number, above: (p: Tensor) => Tensor,
): ConfusionCounts {
  const n = pred.shape[0];
  const tp = new Array<number>(numThresholds).fill(0);
  const fp = new Array<number>(numThresholds).fill(0);
  const truePos = mul(pos, weight);
  const trueNeg = mul(sub(1, pos), weight);
  const totalPos = sum(truePos).item();
  const totalNeg = sum(trueNeg).item();
  const step = Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(1, numThresholds)));
  for (let start = 0; start < n; start += step) {
    const len = Math.min(step, n - start);
    const predPos = cast(above(slice(pred, [start], [len])), "float64");
    const tpc = storageOf(sum(mul(predPos, reshape(slice(truePos, [start], [len]), [1, len])), 1));
    const fpc = storageOf(sum(mul(predPos, reshape(slice(trueNeg, [start], [len]), [1, len])), 1));
    for (let i = 0; i < numThresholds; i++) {
      tp[i] += Number(tpc[i]);
      fp[i] += Number(fpc[i]);
    }
  }
  return { tp, fp, tn: fp.map((v) => totalNeg - v), fn: tp.map((v) => totalPos - v) };
}

/** Positive where prediction > threshold (Keras' general path), thresholds in the predictions' dtype. */
function aboveThresholds(thresholds: readonly number[]): (p: Tensor) => Tensor {
  return (p) => greater(reshape(p, [1, p.shape[0]]), reshape(constant([...thresholds], p.dtype), [thresholds.length, 1]));
}

/**
 * Keras' bucket path for evenly spaced thresholds t_i = i / (T - 1): a prediction p (clipped to
 * [0, 1]) falls in bucket ceil(p * (T - 1)) - 1, computed in p's dtype as Keras does, and counts
 * as positive for every threshold index up to its bucket. With the end thresholds moved to -eps
 * and 1 + eps (AUC), bucket -1 becomes 0.
 */
function aboveBuckets(numThresholds: number, withEpsilon: boolean): (p: Tensor) => Tensor {
  return (p) => {
    let b = sub(ceil(mul(clipByValue(p, 0, 1), numThresholds - 1)), 1);
    if (withEpsilon) b = maximum(b, 0);
    return greaterEqual(reshape(b, [1, p.shape[0]]), reshape(range(0, numThresholds, 1, p.dtype), [numThresholds, 1]));
  };
}

function divNoNan(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** thresholds as given: a number or a list (a string would be spread into its characters). */
function checkThresholdsType(who: string, thresholds: unknown): void {
  if (typeof thresholds !== "number" && !Array.isArray(thresholds)) {
    throw new TypeError(`${who}: thresholds must be a number or a list of numbers in [0, 1], got ${valueText(thresholds)}`);
  }
}

function checkThresholds(who: string, thresholds: readonly number[]): void {
  const bad = thresholds.filter((t) => typeof t !== "number" || !(t >= 0 && t <= 1));
  if (bad.length > 0) throw new RangeError(`${who}: thresholds must lie in [0, 1], got ${valueText(bad)}`);
}

function checkClassId(who: string, classId: number | null | undefined): number | null {
  if (classId === undefined || classId === null) return null;
  if (!Number.isInteger(classId) || classId < 0) throw new RangeError(`${who}: classId must be a non-negative integer, got ${valueText(classId)}`);
  return classId;
}

function checkTopK(who: string, topK: number | null | undefined): number | null {
  if (topK === undefined || topK === null) return null;
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`${who}: topK must be a positive integer (or null for all predictions), got ${valueText(topK)}`);
  return topK;
}

export interface PrecisionRecallOptions extends NameOption {
  /**
   * A threshold or list of thresholds in [0, 1]: a prediction p counts as positive when
   * p > threshold. Default 0.5, or with topK -1e10 (every top-k prediction is positive). Three or
   * more evenly spaced thresholds (i / (n - 1)) take Keras' bucket path, as Keras does: the
   * predictions are clipped to [0, 1] and compared in float32 as ceil(p * (n - 1)) - 1 >= i.
   */
  thresholds?: number | readonly number[];
  /**
   * Only the k largest predictions of each row (last axis) can count as positive: the others are
   * set to -1e10 before the thresholds are applied (Keras' top_k).
   */
  topK?: number | null;
  /** Only this class's column of [samples, classes] predictions and labels is used (after topK). */
  classId?: number | null;
}

const PRECISION_RECALL_OPTIONS = { name: true, thresholds: true, topK: true, classId: true } as const satisfies Record<keyof PrecisionRecallOptions, true>;

abstract class ThresholdMetric extends Metric {
  readonly thresholds: readonly number[];
  readonly initThresholds: number | readonly number[] | null;
  readonly topK: number | null;
  readonly classId: number | null;
  protected tp: number[];
  protected fp: number[];
  protected fn: number[];
  /** Keras' bucket path applies (evenly spaced thresholds), as in _ConfusionMatrixConditionCount. */
  private readonly evenly: boolean;

  constructor(kind: string, opts: PrecisionRecallOptions) {
    super(opts.name ?? autoName(kind));
    const who = `metrics.${kind}`;
    this.initThresholds = opts.thresholds ?? null;
    this.topK = checkTopK(who, opts.topK);
    if (opts.thresholds !== undefined) {
      checkThresholdsType(who, opts.thresholds);
      this.thresholds = typeof opts.thresholds === "number" ? [opts.thresholds] : [...opts.thresholds];
      checkThresholds(who, this.thresholds);
    } else {
      this.thresholds = [this.topK === null ? 0.5 : NEG_INF];
    }
    if (this.thresholds.length === 0) throw new RangeError(`${who}: thresholds must not be empty`);
    this.classId = checkClassId(who, opts.classId);
    this.evenly = evenlyDistributed(this.thresholds);
    this.tp = this.thresholds.map(() => 0);
    this.fp = this.thresholds.map(() => 0);
    this.fn = this.thresholds.map(() => 0);
  }

  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const { pred, pos, weight } = confusionInputs(`metrics.${this.name}`, yTrue, yPred, sampleWeight, { classId: this.classId, topK: this.topK });
      const n = this.thresholds.length;
      // Evenly spaced thresholds take Keras' bucket path (predictions clipped to [0, 1], its rounding).
      const c = countConfusion(pred, pos, weight, n, this.evenly ? aboveBuckets(n, false) : aboveThresholds(this.thresholds));
      for (let i = 0; i < n; i++) {
        this.tp[i] += c.tp[i];
        this.fp[i] += c.fp[i];
        this.fn[i] += c.fn[i];
      }
    });
  }

  /** The value at each threshold. */
  abstract resultPerThreshold(): number[];

  /** The value at the threshold (with several thresholds, use resultPerThreshold()). */
  result(): number {
    if (this.thresholds.length !== 1) {
      throw new RangeError(
        `metrics.${this.name}: result() is one number but this metric has ${this.thresholds.length} thresholds; ` +
          `call resultPerThreshold() for all of them`,
      );
    }
    return this.resultPerThreshold()[0];
  }

  resetState(): void {
    this.tp.fill(0);
    this.fp.fill(0);
    this.fn.fill(0);
  }

  override getConfig(): Config {
    const init = this.initThresholds;
    return {
      ...super.getConfig(),
      thresholds: init === null ? null : typeof init === "number" ? init : [...init],
      top_k: this.topK,
      class_id: this.classId,
    };
  }
}

/**
 * keras.metrics.Precision: tp / (tp + fp) with prediction > threshold (0.5) as positive, optionally
 * only among each row's topK predictions and for one classId; named "precision", "precision_1", ...
 */
export class Precision extends ThresholdMetric {
  readonly className = "Precision";
  constructor(opts: PrecisionRecallOptions = {}) {
    checkMetricOptions(new.target, Precision, opts, PRECISION_RECALL_OPTIONS);
    super("Precision", opts);
  }
  resultPerThreshold(): number[] {
    return this.tp.map((tp, i) => divNoNan(tp, tp + this.fp[i]));
  }
}

/**
 * keras.metrics.Recall: tp / (tp + fn) with prediction > threshold (0.5) as positive, optionally
 * only among each row's topK predictions and for one classId; named "recall", "recall_1", ...
 */
export class Recall extends ThresholdMetric {
  readonly className = "Recall";
  constructor(opts: PrecisionRecallOptions = {}) {
    checkMetricOptions(new.target, Recall, opts, PRECISION_RECALL_OPTIONS);
    super("Recall", opts);
  }
  resultPerThreshold(): number[] {
    return this.tp.map((tp, i) => divNoNan(tp, tp + this.fn[i]));
  }
}

export type ConfusionCondition = "tp" | "fp" | "tn" | "fn";

/**
 * Keras' _ConfusionMatrixConditionCount: the weighted count of one confusion-matrix cell at each
 * threshold (prediction > threshold counts as positive; labels count as positive when nonzero).
 */
abstract class ConfusionConditionCount extends Metric {
  readonly thresholds: readonly number[];
  readonly initThresholds: number | readonly number[] | null;
  private readonly evenly: boolean;
  private readonly accumulator: number[];

  constructor(kind: string, private readonly condition: ConfusionCondition, opts: NameOption & { thresholds?: number | readonly number[] | null }) {
    super(opts.name ?? autoName(kind));
    const who = `metrics.${kind}`;
    const init = opts.thresholds ?? null;
    if (init !== null) checkThresholdsType(who, init);
    this.initThresholds = init === null ? null : typeof init === "number" ? init : [...init];
    this.thresholds = init === null ? [0.5] : typeof init === "number" ? [init] : [...init];
    if (this.thresholds.length === 0) throw new RangeError(`${who}: thresholds must not be empty`);
    checkThresholds(who, this.thresholds);
    this.evenly = evenlyDistributed(this.thresholds);
    this.accumulator = this.thresholds.map(() => 0);
  }

  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const { pred, pos, weight } = confusionInputs(`metrics.${this.name}`, yTrue, yPred, sampleWeight, {});
      const n = this.thresholds.length;
      // Keras' bucket path for thresholds i / (n - 1): the same comparisons, as Keras rounds them.
      const c = countConfusion(pred, pos, weight, n, this.evenly ? aboveBuckets(n, false) : aboveThresholds(this.thresholds));
      c[this.condition].forEach((v, i) => { this.accumulator[i] += v; });
    });
  }

  /** The count at each threshold. */
  resultPerThreshold(): number[] {
    return [...this.accumulator];
  }

  /** The count at the threshold (with several thresholds, use resultPerThreshold()). */
  result(): number {
    if (this.thresholds.length !== 1) {
      throw new RangeError(`metrics.${this.name}: result() is one number but this metric has ${this.thresholds.length} thresholds; call resultPerThreshold() for all of them`);
    }
    return this.accumulator[0];
  }

  resetState(): void {
    this.accumulator.fill(0);
  }

  override getConfig(): Config {
    const init = this.initThresholds;
    return { ...super.getConfig(), thresholds: init === null ? null : typeof init === "number" ? init : [...init] };
  }
}

export interface ConfusionCountOptions extends NameOption {
  /** A threshold or list of thresholds in [0, 1] (default 0.5): a prediction p counts as positive when p > threshold. */
  thresholds?: number | readonly number[] | null;
}

const CONFUSION_COUNT_OPTIONS = { name: true, thresholds: true } as const satisfies Record<keyof ConfusionCountOptions, true>;

/** keras.metrics.TruePositives: the weighted number of positive labels predicted positive; named "true_positives", ... */
export class TruePositives extends ConfusionConditionCount {
  readonly className = "TruePositives";
  constructor(opts: ConfusionCountOptions = {}) {
    checkMetricOptions(new.target, TruePositives, opts, CONFUSION_COUNT_OPTIONS);
    super("TruePositives", "tp", opts);
  }
}

/** keras.metrics.FalsePositives: the weighted number of negative labels predicted positive; named "false_positives", ... */
export class FalsePositives extends ConfusionConditionCount {
  readonly className = "FalsePositives";
  constructor(opts: ConfusionCountOptions = {}) {
    checkMetricOptions(new.target, FalsePositives, opts, CONFUSION_COUNT_OPTIONS);
    super("FalsePositives", "fp", opts);
  }
}

/** keras.metrics.TrueNegatives: the weighted number of negative labels predicted negative; named "true_negatives", ... */
export class TrueNegatives extends ConfusionConditionCount {
  readonly className = "TrueNegatives";
  constructor(opts: ConfusionCountOptions = {}) {
    checkMetricOptions(new.target, TrueNegatives, opts, CONFUSION_COUNT_OPTIONS);
    super("TrueNegatives", "tn", opts);
  }
}

/** keras.metrics.FalseNegatives: the weighted number of positive labels predicted negative; named "false_negatives", ... */
export class FalseNegatives extends ConfusionConditionCount {
  readonly className = "FalseNegatives";
  constructor(opts: ConfusionCountOptions = {}) {
    checkMetricOptions(new.target, FalseNegatives, opts, CONFUSION_COUNT_OPTIONS);
    super("FalseNegatives", "fn", opts);
  }
}

export interface SensitivitySpecificityOptions extends NameOption {
  /** Number of thresholds (default 200): i / (n - 1) for i = 0..n-1, or just 0.5 when 1. */
  numThresholds?: number;
  /** Only this class's column of [samples, classes] labels and predictions is used. */
  classId?: number | null;
}

const SENSITIVITY_OPTIONS = { name: true, numThresholds: true, classId: true } as const satisfies Record<keyof SensitivitySpecificityOptions, true>;

/**
 * Keras' SensitivitySpecificityBase: confusion counts at numThresholds thresholds; the result is
 * the best `dependent` value among the thresholds whose `constrained` value reaches the target
 * (0 when none does).
 */
abstract class SensitivitySpecificityBase extends Metric {
  readonly numThresholds: number;
  readonly classId: number | null;
  /** The target the constrained quantity must reach (in [0, 1]). */
  readonly value: number;
  readonly thresholds: readonly number[];
  protected readonly counts: ConfusionCounts;
  /** Keras' config key for `value`: "specificity", "sensitivity", "recall" or "precision". */
  protected abstract readonly valueKey: string;

  constructor(kind: string, valueName: string, value: number, opts: SensitivitySpecificityOptions) {
    super(opts.name ?? autoName(kind));
    const who = `metrics.${kind}`;
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      throw new RangeError(`${who}: ${valueName} must be a number in [0, 1], got ${valueText(value)}; e.g. metrics.${kind}(0.5)`);
    }
    const n = opts.numThresholds ?? 200;
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${who}: numThresholds must be an integer > 0, got ${valueText(n)}`);
    this.value = value;
    this.numThresholds = n;
    this.classId = checkClassId(who, opts.classId);
    this.thresholds = n === 1 ? [0.5] : Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i === n - 1 ? 1 : i / (n - 1)));
    const z = (): number[] => new Array<number>(this.thresholds.length).fill(0);
    this.counts = { tp: z(), fp: z(), tn: z(), fn: z() };
  }

  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const { pred, pos, weight } = confusionInputs(`metrics.${this.name}`, yTrue, yPred, sampleWeight, { classId: this.classId });
      const n = this.thresholds.length;
      addCounts(this.counts, countConfusion(pred, pos, weight, n, n === 1 ? aboveThresholds(this.thresholds) : aboveBuckets(n, false)));
    });
  }

  /** Running confusion counts at each threshold (copies). */
  confusion(): ConfusionCounts {
    return copyCounts(this.counts);
  }

  protected sensitivities(): number[] {
    return this.counts.tp.map((tp, i) => divNoNan(tp, tp + this.counts.fn[i]));
  }

  protected specificities(): number[] {
    return this.counts.tn.map((tn, i) => divNoNan(tn, tn + this.counts.fp[i]));
  }

  protected precisions(): number[] {
    return this.counts.tp.map((tp, i) => divNoNan(tp, tp + this.counts.fp[i]));
  }

  /** Keras' _find_max_under_constraint: max(0, dependent where constrained >= value), or 0 when no threshold qualifies. */
  protected maxUnderConstraint(constrained: readonly number[], dependent: readonly number[]): number {
    let best = 0;
    constrained.forEach((c, i) => { if (c >= this.value) best = Math.max(best, dependent[i]); });
    return best;
  }

  resetState(): void {
    for (const a of [this.counts.tp, this.counts.fp, this.counts.tn, this.counts.fn]) a.fill(0);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), class_id: this.classId, num_thresholds: this.numThresholds, [this.valueKey]: this.value };
  }
}

/** keras.metrics.SensitivityAtSpecificity(specificity): the best sensitivity (recall) at a specificity >= the target. */
export class SensitivityAtSpecificity extends SensitivitySpecificityBase {
  readonly className = "SensitivityAtSpecificity";
  protected readonly valueKey = "specificity";
  constructor(specificity: number, opts: SensitivitySpecificityOptions = {}) {
    checkMetricOptions(new.target, SensitivityAtSpecificity, opts, SENSITIVITY_OPTIONS);
    super("SensitivityAtSpecificity", "specificity", specificity, opts);
  }
  get specificity(): number {
    return this.value;
  }
  result(): number {
    return this.maxUnderConstraint(this.specificities(), this.sensitivities());
  }
}

/** keras.metrics.SpecificityAtSensitivity(sensitivity): the best specificity at a sensitivity (recall) >= the target. */
export class SpecificityAtSensitivity extends SensitivitySpecificityBase {
  readonly className = "SpecificityAtSensitivity";
  protected readonly valueKey = "sensitivity";
  constructor(sensitivity: number, opts: SensitivitySpecificityOptions = {}) {
    checkMetricOptions(new.target, SpecificityAtSensitivity, opts, SENSITIVITY_OPTIONS);
    super("SpecificityAtSensitivity", "sensitivity", sensitivity, opts);
  }
  get sensitivity(): number {
    return this.value;
  }
  result(): number {
    return this.maxUnderConstraint(this.sensitivities(), this.specificities());
  }
}

/** keras.metrics.PrecisionAtRecall(recall): the best precision at a recall >= the target. */
export class PrecisionAtRecall extends SensitivitySpecificityBase {
  readonly className = "PrecisionAtRecall";
  protected readonly valueKey = "recall";
  constructor(recall: number, opts: SensitivitySpecificityOptions = {}) {
    checkMetricOptions(new.target, PrecisionAtRecall, opts, SENSITIVITY_OPTIONS);
    super("PrecisionAtRecall", "recall", recall, opts);
  }
  get recall(): number {
    return this.value;
  }
  result(): number {
    return this.maxUnderConstraint(this.sensitivities(), this.precisions());
  }
}

/** keras.metrics.RecallAtPrecision(precision): the best recall at a precision >= the target. */
export class RecallAtPrecision extends SensitivitySpecificityBase {
  readonly className = "RecallAtPrecision";
  protected readonly valueKey = "precision";
  constructor(precision: number, opts: SensitivitySpecificityOptions = {}) {
    checkMetricOptions(new.target, RecallAtPrecision, opts, SENSITIVITY_OPTIONS);
    super("RecallAtPrecision", "precision", precision, opts);
  }
  get precision(): number {
    return this.value;
  }
  result(): number {
    return this.maxUnderConstraint(this.precisions(), this.sensitivities());
  }
}

export type AUCCurve = "ROC" | "PR";
export type AUCSummationMethod = "interpolation" | "minoring" | "majoring";

export interface AUCOptions extends NameOption {
  /** Number of thresholds (default 200), evenly spaced on [0, 1] with the ends moved to -epsilon() and 1 + epsilon() (1e-7 by default). */
  numThresholds?: number;
  /** "ROC" (default) or "PR". */
  curve?: AUCCurve;
  /** "interpolation" (default: trapezoids for ROC, Davis & Goadrich for PR), "minoring" or "majoring". */
  summationMethod?: AUCSummationMethod;
  /** Explicit thresholds in [0, 1] instead of numThresholds (-epsilon() and 1 + epsilon() are added). */
  thresholds?: readonly number[];
  /** yPred holds logits (a sigmoid is applied first). */
  fromLogits?: boolean;
  /**
   * [samples, labels] data is multi-label: one AUC per label (column), then their mean, or their
   * labelWeights-weighted mean (default false: every label-prediction pair is one data point).
   */
  multiLabel?: boolean;
  /** With multiLabel, the number of labels (default: yPred's second axis at the first update). */
  numLabels?: number | null;
  /**
   * Non-negative weights, one per label: with multiLabel they weight the per-label AUCs in the
   * mean; without, they weight each label's predictions in the counts.
   */
  labelWeights?: readonly number[] | null;
}

/** Keras' is_evenly_distributed_thresholds: at least 3 thresholds, i / (n - 1) within epsilon() (np.allclose). */
function evenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => Math.abs(t - Math.fround(i / (n - 1))) <= epsilon() + 1e-5 * Math.abs(Math.fround(i / (n - 1))));
}

/**
 * keras.metrics.AUC: the area under the ROC (or PR) curve, approximated from confusion counts
 * at `numThresholds` (200) thresholds with Keras' Riemann sums; named "auc", "auc_1", ... With
 * multiLabel, one curve per label (column of [samples, labels] data), their AUCs averaged.
 */
export class AUC extends Metric {
  readonly className = "AUC";
  readonly numThresholds: number;
  readonly curve: AUCCurve;
  readonly summationMethod: AUCSummationMethod;
  readonly fromLogits: boolean;
  readonly multiLabel: boolean;
  /** numLabels as given (null: taken from the first batch). */
  readonly numLabels: number | null;
  /** The label weights as float32 values, as Keras keeps them (null: none). */
  readonly labelWeights: readonly number[] | null;
  /** Every threshold, the end points -epsilon() and 1 + epsilon() included. */
  readonly thresholds: readonly number[];
  private readonly initFromThresholds: boolean;
  private readonly evenly: boolean;
  /** Confusion counts per label (one entry unless multiLabel); null until the labels are known. */
  private counts: ConfusionCounts[] | null = null;

  constructor(opts: AUCOptions = {}) {
    checkMetricOptions(new.target, AUC, opts, {
      name: true, numThresholds: true, curve: true, summationMethod: true, thresholds: true, fromLogits: true,
      multiLabel: true, numLabels: true, labelWeights: true,
    });
    super(opts.name ?? autoName("AUC"));
    const who = `metrics.${new.target.name}`;
    const curve = opts.curve ?? "ROC";
    if (curve !== "ROC" && curve !== "PR") throw new RangeError(`${who}: curve must be "ROC" or "PR", got ${valueText(curve)}`);
    const sm = opts.summationMethod ?? "interpolation";
    if (!["interpolation", "minoring", "majoring"].includes(sm)) {
      throw new RangeError(`${who}: summationMethod must be "interpolation", "minoring" or "majoring", got ${valueText(sm)}`);
    }
    this.curve = curve;
    this.summationMethod = sm;
    this.fromLogits = booleanOption(who, "fromLogits", opts.fromLogits, false);
    const multiLabel = booleanOption(who, "multiLabel", opts.multiLabel, false);
    this.multiLabel = multiLabel;
    const numLabels = opts.numLabels ?? null;
    if (numLabels !== null) {
      if (!multiLabel) {
        throw new RangeError(`${who}: numLabels ${valueText(numLabels)} is only used with multiLabel: true (as in Keras); pass multiLabel: true or drop numLabels`);
      }
      if (!Number.isInteger(numLabels) || numLabels < 1) throw new RangeError(`${who}: numLabels must be a positive integer, got ${valueText(numLabels)}`);
    }
    this.numLabels = numLabels;
    const lw = opts.labelWeights ?? null;
    if (lw !== null) {
      if (!Array.isArray(lw) || lw.length === 0 || !lw.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0)) {
        throw new RangeError(`${who}: labelWeights must be a non-empty list of finite numbers >= 0, one per label, got ${valueText(lw)}`);
      }
      if (numLabels !== null && lw.length !== numLabels) {
        throw new RangeError(`${who}: labelWeights has ${lw.length} weights but numLabels is ${numLabels}; give one weight per label`);
      }
    }
    this.labelWeights = lw === null ? null : lw.map((x) => Math.fround(x));
    let inner: number[];
    if (opts.thresholds !== undefined) {
      if (!Array.isArray(opts.thresholds)) throw new TypeError(`${who}: thresholds must be a list of numbers in [0, 1], got ${valueText(opts.thresholds)}`);
      inner = [...opts.thresholds].sort((a, b) => a - b);
      checkThresholds(who, inner);
      this.numThresholds = inner.length + 2;
      this.evenly = evenlyDistributed([0, ...inner, 1]);
      this.initFromThresholds = true;
    } else {
      const n = opts.numThresholds ?? 200;
      if (!Number.isInteger(n) || n <= 1) throw new RangeError(`${who}: numThresholds must be an integer > 1, got ${n}`);
      inner = [];
      for (let i = 0; i < n - 2; i++) inner.push((i + 1) / (n - 1));
      this.numThresholds = n;
      this.evenly = true;
      this.initFromThresholds = false;
    }
    // Keras reads backend.epsilon() when the metric is made, so a later setEpsilon leaves it unchanged.
    this.thresholds = [0 - epsilon(), ...inner, 1 + epsilon()];
    if (!multiLabel) this.counts = [this.zeroCounts()];
    else if (numLabels !== null) this.counts = Array.from({ length: numLabels }, () => this.zeroCounts());
  }

  private zeroCounts(): ConfusionCounts {
    const z = (): number[] => new Array<number>(this.numThresholds).fill(0);
    return { tp: z(), fp: z(), tn: z(), fn: z() };
  }

  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const who = `metrics.${this.name}`;
      const p0 = floatPred(who, yPred);
      if (this.multiLabel && p0.rank !== 2) {
        throw new RangeError(`${who}: with multiLabel, yPred must have rank 2 ([samples, labels]), got ${shapeText(p0.shape)}`);
      }
      const p1 = this.fromLogits ? sigmoid(p0) : p0;
      const above = this.evenly ? aboveBuckets(this.numThresholds, true) : aboveThresholds(this.thresholds);
      if (!this.multiLabel) {
        const { pred, pos, weight } = confusionInputs(who, yTrue, p1, sampleWeight, { labelWeights: this.labelWeights });
        addCounts(this.counts![0], countConfusion(pred, pos, weight, this.numThresholds, above));
        return;
      }
      const labelsGiven = p0.shape[1];
      if (this.labelWeights !== null && this.labelWeights.length !== labelsGiven) {
        throw new RangeError(`${who}: labelWeights has ${this.labelWeights.length} weights but yPred ${shapeText(p0.shape)} has ${labelsGiven} labels; give one weight per label`);
      }
      if (this.counts === null) this.counts = Array.from({ length: labelsGiven }, () => this.zeroCounts());
      if (this.counts.length !== labelsGiven) {
        throw new RangeError(`${who}: yPred ${shapeText(p0.shape)} has ${labelsGiven} labels, but this metric counts ${this.counts.length} (${this.numLabels !== null ? "numLabels" : "from its first batch"})`);
      }
      const { p, pos, weight } = confusionTensors(who, yTrue, p1, sampleWeight, {});
      if (p.rank !== 2) throw new RangeError(`${who}: with multiLabel, yTrue and yPred must be [samples, labels], got yPred ${shapeText(p.shape)}`);
      const n = p.shape[0];
      const column = (x: Tensor, j: number): Tensor => reshape(slice(x, [0, j], [n, 1]), [n]);
      for (let j = 0; j < labelsGiven; j++) {
        addCounts(this.counts[j], countConfusion(column(p, j), column(pos, j), column(weight, j), this.numThresholds, above));
      }
    });
  }

  /** Running confusion counts at each threshold (copies); for multiLabel see confusionPerLabel(). */
  confusion(): ConfusionCounts {
    if (this.multiLabel) {
      throw new RangeError(`metrics.${this.name}: a multiLabel AUC has counts per label; call confusionPerLabel()`);
    }
    return copyCounts(this.counts![0]);
  }

  /** Running confusion counts per label (one entry unless multiLabel; none before the first update when numLabels was not given). */
  confusionPerLabel(): ConfusionCounts[] {
    return (this.counts ?? []).map(copyCounts);
  }

  /** Keras' interpolate_pr_auc (Davis & Goadrich): precision interpolated between thresholds. */
  private interpolatePrAuc(c: ConfusionCounts): number {
    const n = this.numThresholds;
    const p = c.tp.map((tp, i) => tp + c.fp[i]);
    let total = 0;
    for (let i = 0; i < n - 1; i++) {
      const dtp = c.tp[i] - c.tp[i + 1];
      const dp = p[i] - p[i + 1];
      const precSlope = divNoNan(dtp, Math.max(dp, 0));
      const intercept = c.tp[i + 1] - precSlope * p[i + 1];
      const safeRatio = p[i] > 0 && p[i + 1] > 0 ? divNoNan(p[i], Math.max(p[i + 1], 0)) : 1;
      total += divNoNan(precSlope * (dtp + intercept * Math.log(safeRatio)), Math.max(c.tp[i + 1] + c.fn[i + 1], 0));
    }
    return total;
  }

  /** The area under one curve. */
  private area(c: ConfusionCounts): number {
    if (this.curve === "PR" && this.summationMethod === "interpolation") return this.interpolatePrAuc(c);
    const n = this.numThresholds;
    const recall = c.tp.map((tp, i) => divNoNan(tp, tp + c.fn[i]));
    let x: number[], y: number[];
    if (this.curve === "ROC") {
      x = c.fp.map((fp, i) => divNoNan(fp, fp + c.tn[i]));
      y = recall;
    } else {
      x = recall;
      y = c.tp.map((tp, i) => divNoNan(tp, tp + c.fp[i]));
    }
    let total = 0;
    for (let i = 0; i < n - 1; i++) {
      const h = this.summationMethod === "interpolation" ? (y[i] + y[i + 1]) / 2
        : this.summationMethod === "minoring" ? Math.min(y[i], y[i + 1]) : Math.max(y[i], y[i + 1]);
      total += (x[i] - x[i + 1]) * h;
    }
    return total;
  }

  /** With multiLabel, the AUC of each label (those result() averages). */
  resultPerLabel(): number[] {
    return (this.counts ?? []).map((c) => this.area(c));
  }

  /**
   * The AUC; with multiLabel the mean of the per-label AUCs, or with labelWeights
   * sum(auc * w) / sum(w) (0 when the weights sum to 0), as Keras. A multiLabel AUC with no
   * update yet and no numLabels gives 0 (Keras' has no counts to average yet).
   */
  result(): number {
    const per = this.resultPerLabel();
    if (!this.multiLabel) return per[0];
    if (per.length === 0) return 0;
    const lw = this.labelWeights;
    if (lw === null) return per.reduce((a, b) => a + b, 0) / per.length;
    return divNoNan(per.reduce((a, v, j) => a + v * lw[j], 0), lw.reduce((a, b) => a + b, 0));
  }

  resetState(): void {
    for (const c of this.counts ?? []) for (const a of [c.tp, c.fp, c.tn, c.fn]) a.fill(0);
  }

  override getConfig(): Config {
    const config: Config = {
      ...super.getConfig(),
      num_thresholds: this.numThresholds,
      curve: this.curve,
      summation_method: this.summationMethod,
      multi_label: this.multiLabel,
      num_labels: this.numLabels,
      // A plain list, which Keras 3.5's constructor takes. Keras 3.5 itself writes its label_weights
      // tensor as { class_name: "__tensor__", config: { value, dtype } }, which its own load_model
      // then fails on ("Invalid dtype: object": AUC.from_config gets the dict); lamina reads both.
      label_weights: this.labelWeights === null ? null : [...this.labelWeights],
      from_logits: this.fromLogits,
    };
    if (this.initFromThresholds) config.thresholds = this.thresholds.slice(1, -1);
    return config;
  }
}

function addCounts(into: ConfusionCounts, c: ConfusionCounts): void {
  for (let i = 0; i < into.tp.length; i++) {
    into.tp[i] += c.tp[i];
    into.fp[i] += c.fp[i];
    into.tn[i] += c.tn[i];
    into.fn[i] += c.fn[i];
  }
}

function copyCounts(c: ConfusionCounts): ConfusionCounts {
  return { tp: [...c.tp], fp: [...c.fp], tn: [...c.tn], fn: [...c.fn] };
}

// ---------------------------------------------------------------- get

type MetricFactory = (c: Config) => Metric;

function nameOf(kind: string, c: Config): string | undefined {
  return configString(`metrics.${kind}`, c, "name");
}

function plain(kind: string, Cls: new (o: NameOption) => Metric): MetricFactory {
  return (c) => {
    checkConfigKeys(`metrics.${kind}`, c, ["name", "dtype"]);
    return new Cls({ name: nameOf(kind, c) });
  };
}

function thresholdsOf(k: string, c: Config): number | number[] | undefined {
  const v = c.thresholds;
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
  throw new TypeError(`${k}: config key "thresholds" must be a number or a list of numbers`);
}

function isConfigObject(v: ConfigValue | undefined): v is { readonly [key: string]: ConfigValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** AUC's label_weights: a list, or Keras' serialized tensor { class_name: "__tensor__", config: { value } }. */
function labelWeightsOf(k: string, c: Config): number[] | undefined {
  let v = c.label_weights;
  if (v === undefined || v === null) return undefined;
  if (isConfigObject(v) && v.class_name === "__tensor__" && isConfigObject(v.config)) v = v.config.value;
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
  throw new TypeError(`${k}: config key "label_weights" must be a list of numbers (or Keras' serialized tensor of them), got ${valueText(c.label_weights)}`);
}

function precisionRecall(kind: string, Cls: new (o: PrecisionRecallOptions) => Metric): MetricFactory {
  return (c) => {
    const k = `metrics.${kind}`;
    checkConfigKeys(k, c, ["name", "dtype", "thresholds", "top_k", "class_id"]);
    return new Cls({ name: nameOf(kind, c), thresholds: thresholdsOf(k, c), topK: configNumber(k, c, "top_k"), classId: configNumber(k, c, "class_id") });
  };
}

function confusionCount(kind: string, Cls: new (o: ConfusionCountOptions) => Metric): MetricFactory {
  return (c) => {
    const k = `metrics.${kind}`;
    checkConfigKeys(k, c, ["name", "dtype", "thresholds"]);
    return new Cls({ name: nameOf(kind, c), thresholds: thresholdsOf(k, c) });
  };
}

/** SensitivityAtSpecificity and its kin: the target under Keras' key `valueKey` is required, as Keras' constructor requires it. */
function sensitivitySpecificity(kind: string, valueKey: string, Cls: new (value: number, o: SensitivitySpecificityOptions) => Metric): MetricFactory {
  return (c) => {
    const k = `metrics.${kind}`;
    checkConfigKeys(k, c, ["name", "dtype", "num_thresholds", "class_id", valueKey]);
    const value = configNumber(k, c, valueKey);
    if (value === undefined) {
      throw new RangeError(`${k}: needs its ${valueKey} (a number in [0, 1]), which a name alone cannot give; use metrics.${kind}(0.5) or { className: "${kind}", config: { ${valueKey}: 0.5 } }`);
    }
    return new Cls(value, { name: nameOf(kind, c), numThresholds: configNumber(k, c, "num_thresholds"), classId: configNumber(k, c, "class_id") });
  };
}

function averageOf(k: string, c: Config): FScoreAverage | undefined {
  if (c.average === undefined) return undefined;
  return (configString(k, c, "average") ?? null) as FScoreAverage;
}

const CLASSES: Record<string, MetricFactory> = {
  Mean: plain("Mean", Mean),
  Sum: plain("Sum", Sum),
  Accuracy: plain("Accuracy", Accuracy),
  CategoricalAccuracy: plain("CategoricalAccuracy", CategoricalAccuracy),
  SparseCategoricalAccuracy: plain("SparseCategoricalAccuracy", SparseCategoricalAccuracy),
  MeanSquaredError: plain("MeanSquaredError", MeanSquaredError),
  MeanAbsoluteError: plain("MeanAbsoluteError", MeanAbsoluteError),
  MeanAbsolutePercentageError: plain("MeanAbsolutePercentageError", MeanAbsolutePercentageError),
  RootMeanSquaredError: plain("RootMeanSquaredError", RootMeanSquaredError),
  KLDivergence: plain("KLDivergence", KLDivergence),
  Hinge: plain("Hinge", Hinge),
  SquaredHinge: plain("SquaredHinge", SquaredHinge),
  CosineSimilarity: (c) => {
    checkConfigKeys("metrics.CosineSimilarity", c, ["name", "dtype", "axis"]);
    return new CosineSimilarity({ name: nameOf("CosineSimilarity", c), axis: configNumber("metrics.CosineSimilarity", c, "axis") });
  },
  BinaryAccuracy: (c) => {
    checkConfigKeys("metrics.BinaryAccuracy", c, ["name", "dtype", "threshold"]);
    return new BinaryAccuracy({ name: nameOf("BinaryAccuracy", c), threshold: configNumber("metrics.BinaryAccuracy", c, "threshold") });
  },
  TopKCategoricalAccuracy: (c) => {
    checkConfigKeys("metrics.TopKCategoricalAccuracy", c, ["name", "dtype", "k"]);
    return new TopKCategoricalAccuracy({ name: nameOf("TopKCategoricalAccuracy", c), k: configNumber("metrics.TopKCategoricalAccuracy", c, "k") });
  },
  SparseTopKCategoricalAccuracy: (c) => {
    const k = "metrics.SparseTopKCategoricalAccuracy";
    checkConfigKeys(k, c, ["name", "dtype", "k", "from_sorted_ids"]);
    if (c.from_sorted_ids === true) throw new RangeError(`${k}: from_sorted_ids is not supported`);
    return new SparseTopKCategoricalAccuracy({ name: nameOf("SparseTopKCategoricalAccuracy", c), k: configNumber(k, c, "k") });
  },
  BinaryCrossentropy: (c) => {
    const k = "metrics.BinaryCrossentropy";
    checkConfigKeys(k, c, ["name", "dtype", "from_logits", "label_smoothing"]);
    return new BinaryCrossentropy({ name: nameOf("BinaryCrossentropy", c), fromLogits: configBoolean(k, c, "from_logits"), labelSmoothing: configNumber(k, c, "label_smoothing") });
  },
  CategoricalCrossentropy: (c) => {
    const k = "metrics.CategoricalCrossentropy";
    checkConfigKeys(k, c, ["name", "dtype", "from_logits", "label_smoothing", "axis"]);
    return new CategoricalCrossentropy({
      name: nameOf("CategoricalCrossentropy", c), fromLogits: configBoolean(k, c, "from_logits"),
      labelSmoothing: configNumber(k, c, "label_smoothing"), axis: configNumber(k, c, "axis"),
    });
  },
  SparseCategoricalCrossentropy: (c) => {
    const k = "metrics.SparseCategoricalCrossentropy";
    checkConfigKeys(k, c, ["name", "dtype", "from_logits", "ignore_class", "axis"]);
    if (c.ignore_class !== undefined && c.ignore_class !== null) {
      throw new RangeError(
        `${k}: ignore_class ${valueText(c.ignore_class)}: the SparseCategoricalCrossentropy metric takes no ignore_class (Keras 3.5's refuses it too); ` +
          `the loss losses.SparseCategoricalCrossentropy({ ignoreClass }) does`,
      );
    }
    return new SparseCategoricalCrossentropy({ name: nameOf("SparseCategoricalCrossentropy", c), fromLogits: configBoolean(k, c, "from_logits"), axis: configNumber(k, c, "axis") });
  },
  MeanSquaredLogarithmicError: plain("MeanSquaredLogarithmicError", MeanSquaredLogarithmicError),
  LogCoshError: plain("LogCoshError", LogCoshError),
  Poisson: plain("Poisson", Poisson),
  CategoricalHinge: plain("CategoricalHinge", CategoricalHinge),
  TruePositives: confusionCount("TruePositives", TruePositives),
  FalsePositives: confusionCount("FalsePositives", FalsePositives),
  TrueNegatives: confusionCount("TrueNegatives", TrueNegatives),
  FalseNegatives: confusionCount("FalseNegatives", FalseNegatives),
  SensitivityAtSpecificity: sensitivitySpecificity("SensitivityAtSpecificity", "specificity", SensitivityAtSpecificity),
  SpecificityAtSensitivity: sensitivitySpecificity("SpecificityAtSensitivity", "sensitivity", SpecificityAtSensitivity),
  PrecisionAtRecall: sensitivitySpecificity("PrecisionAtRecall", "recall", PrecisionAtRecall),
  RecallAtPrecision: sensitivitySpecificity("RecallAtPrecision", "precision", RecallAtPrecision),
  FBetaScore: (c) => {
    const k = "metrics.FBetaScore";
    checkConfigKeys(k, c, ["name", "dtype", "average", "beta", "threshold"]);
    return new FBetaScore({ name: nameOf("FBetaScore", c), average: averageOf(k, c), beta: configNumber(k, c, "beta"), threshold: configNumber(k, c, "threshold") });
  },
  F1Score: (c) => {
    const k = "metrics.F1Score";
    checkConfigKeys(k, c, ["name", "dtype", "average", "threshold"]);
    return new F1Score({ name: nameOf("F1Score", c), average: averageOf(k, c), threshold: configNumber(k, c, "threshold") });
  },
  R2Score: (c) => {
    const k = "metrics.R2Score";
    checkConfigKeys(k, c, ["name", "dtype", "class_aggregation", "num_regressors"]);
    return new R2Score({
      name: nameOf("R2Score", c), numRegressors: configNumber(k, c, "num_regressors"),
      // An absent key takes Keras' default; null (no aggregation) is kept.
      classAggregation: c.class_aggregation === undefined ? undefined : (configString(k, c, "class_aggregation") ?? null) as R2ClassAggregation,
    });
  },
  PearsonCorrelation: (c) => {
    const k = "metrics.PearsonCorrelation";
    checkConfigKeys(k, c, ["name", "dtype", "axis"]);
    return new PearsonCorrelation({ name: nameOf("PearsonCorrelation", c), axis: configAxis(k, c, "axis") });
  },
  ConcordanceCorrelation: (c) => {
    const k = "metrics.ConcordanceCorrelation";
    checkConfigKeys(k, c, ["name", "dtype", "axis"]);
    return new ConcordanceCorrelation({ name: nameOf("ConcordanceCorrelation", c), axis: configAxis(k, c, "axis") });
  },
  Precision: precisionRecall("Precision", Precision),
  Recall: precisionRecall("Recall", Recall),
  AUC: (c) => {
    const k = "metrics.AUC";
    checkConfigKeys(k, c, ["name", "dtype", "num_thresholds", "curve", "summation_method", "multi_label", "num_labels", "label_weights", "from_logits", "thresholds"]);
    const th = thresholdsOf(k, c);
    return new AUC({
      name: nameOf("AUC", c), numThresholds: configNumber(k, c, "num_thresholds"),
      curve: configString(k, c, "curve") as AUCCurve | undefined,
      summationMethod: configString(k, c, "summation_method") as AUCSummationMethod | undefined,
      fromLogits: configBoolean(k, c, "from_logits"), thresholds: typeof th === "number" ? [th] : th,
      multiLabel: configBoolean(k, c, "multi_label"), numLabels: configNumber(k, c, "num_labels"), labelWeights: labelWeightsOf(k, c),
    });
  },  ...IOU_METRIC_FACTORIES,
};

/** Keras' metric names: class names, their snake_case forms, and Keras' aliases. */
const NAMES: Record<string, string> = { mse: "MeanSquaredError", MSE: "MeanSquaredError", mae: "MeanAbsoluteError", MAE: "MeanAbsoluteError", mape: "MeanAbsolutePercentageError", MAPE: "MeanAbsolutePercentageError", bce: "BinaryCrossentropy", BCE: "BinaryCrossentropy" };
NAMES.msle = NAMES.MSLE = "MeanSquaredLogarithmicError";
for (const k of Object.keys(CLASSES)) {
  NAMES[k] = k;
  NAMES[toSnakeCase(k)] = k;
}

/** Every string metrics.get() understands ("accuracy"/"acc" as compile reads them: see resolveMetric). */
export const METRIC_NAMES: readonly string[] = Object.keys(NAMES);

/** What metrics.get() accepts. */
export type MetricIdentifier = string | SerializedObject | Metric | MetricFunction;

/** A metric from `{ className, config }`, as keras.metrics.deserialize. */
export function deserialize(obj: SerializedObject): Metric {
  const cls = serializedClassName(obj) ?? "";
  const key = NAMES[cls];
  if (key === undefined) throw unknownIdentifier("metrics", "metric", cls, METRIC_NAMES);
  return CLASSES[key](obj.config ?? {});
}

/**
 * keras.metrics.get: a class or snake_case name ("AUC", "sparse_categorical_accuracy", "mse")
 * gives a new metric with Keras' defaults (note: "accuracy" here is the exact-equality Accuracy,
 * as in Keras; compile's "accuracy" goes through resolveMetric), `{ className, config }` the
 * configured metric, a Metric is returned as is, a function (yTrue, yPred) => values is wrapped
 * in a MeanMetricWrapper named after it.
 */
export function get(identifier: MetricIdentifier): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === "string") return deserialize({ className: identifier });
  if (typeof identifier === "function") return new MeanMetricWrapper(identifier);
  if (isSerializedObject(identifier)) return deserialize(identifier);
  throw new TypeError(
    `metrics.get: cannot interpret ${JSON.stringify(identifier)} as a metric; pass a name such as "accuracy" or "mse", ` +
      `{ className, config }, a Metric, or a function (yTrue, yPred) => values`,
  );
}

/**
 * The metric Keras 3's compile makes of "accuracy" / "acc" (compile_utils.get_metric): from the
 * label and prediction shapes alone, BinaryAccuracy when yPred's last axis is 1, else
 * SparseCategoricalAccuracy when yTrue has lower rank than yPred or a last axis of 1 (yPred's
 * larger), else CategoricalAccuracy; named `name`. `lossName` is not consulted: Keras 3 does not
 * look at the loss (Keras 2's get_metric_function did); it is taken so callers can pass it.
 */
export function resolveAccuracy(lossName: string | null | undefined, yTrueShape: Shape, yPredShape: Shape, name = "accuracy"): Metric {
  void lossName;
  const { isBinary, isSparseCategorical } = isBinaryOrSparseCategorical(yTrueShape, yPredShape);
  if (isBinary) return new BinaryAccuracy({ name });
  if (isSparseCategorical) return new SparseCategoricalAccuracy({ name });
  return new CategoricalAccuracy({ name });
}

/**
 * Keras 3's compile_utils.get_metric: "accuracy"/"acc" (any case) through resolveAccuracy,
 * anything else through get(); a metric given as a string is named by that string (so "mse"
 * reports as "mse"), one given as an object keeps its name.
 */
export function resolveMetric(identifier: MetricIdentifier, yTrueShape: Shape, yPredShape: Shape): Metric {
  if (typeof identifier === "string" && ["accuracy", "acc"].includes(identifier.toLowerCase())) {
    return resolveAccuracy(null, yTrueShape, yPredShape, identifier);
  }
  const m = get(identifier);
  if (typeof identifier === "string") m.name = identifier;
  return m;
}

/** keras.metrics.serialize. */
export function serialize(metric: Metric): { className: string; config: Config } {
  return metric.serialize();
}

