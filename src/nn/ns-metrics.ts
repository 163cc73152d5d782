/** `tf.metrics` (keras.metrics): stateful metrics (callable with or without `new`), metric functions, `get`, `resolveAccuracy`. */
import { callableClass } from "./common.js";
import * as m from "./metrics.js";

export const Mean = callableClass(m.Mean);
export type Mean = m.Mean;
export const MeanMetricWrapper = callableClass(m.MeanMetricWrapper);
export type MeanMetricWrapper = m.MeanMetricWrapper;
export const Accuracy = callableClass(m.Accuracy);
export type Accuracy = m.Accuracy;
export const BinaryAccuracy = callableClass(m.BinaryAccuracy);
export type BinaryAccuracy = m.BinaryAccuracy;
export const CategoricalAccuracy = callableClass(m.CategoricalAccuracy);
export type CategoricalAccuracy = m.CategoricalAccuracy;
export const SparseCategoricalAccuracy = callableClass(m.SparseCategoricalAccuracy);
export type SparseCategoricalAccuracy = m.SparseCategoricalAccuracy;
export const TopKCategoricalAccuracy = callableClass(m.TopKCategoricalAccuracy);
export type TopKCategoricalAccuracy = m.TopKCategoricalAccuracy;
export const SparseTopKCategoricalAccuracy = callableClass(m.SparseTopKCategoricalAccuracy);
export type SparseTopKCategoricalAccuracy = m.SparseTopKCategoricalAccuracy;
export const MeanSquaredError = callableClass(m.MeanSquaredError);
export type MeanSquaredError = m.MeanSquaredError;
export const MeanAbsoluteError = callableClass(m.MeanAbsoluteError);
export type MeanAbsoluteError = m.MeanAbsoluteError;
export const MeanAbsolutePercentageError = callableClass(m.MeanAbsolutePercentageError);
export type MeanAbsolutePercentageError = m.MeanAbsolutePercentageError;
export const RootMeanSquaredError = callableClass(m.RootMeanSquaredError);
export type RootMeanSquaredError = m.RootMeanSquaredError;
export const KLDivergence = callableClass(m.KLDivergence);
export type KLDivergence = m.KLDivergence;
export const Hinge = callableClass(m.Hinge);
export type Hinge = m.Hinge;
export const SquaredHinge = callableClass(m.SquaredHinge);
export type SquaredHinge = m.SquaredHinge;
export const CosineSimilarity = callableClass(m.CosineSimilarity);
export type CosineSimilarity = m.CosineSimilarity;
export const BinaryCrossentropy = callableClass(m.BinaryCrossentropy);
export type BinaryCrossentropy = m.BinaryCrossentropy;
export const CategoricalCrossentropy = callableClass(m.CategoricalCrossentropy);
export type CategoricalCrossentropy = m.CategoricalCrossentropy;
export const SparseCategoricalCrossentropy = callableClass(m.SparseCategoricalCrossentropy);
export type SparseCategoricalCrossentropy = m.SparseCategoricalCrossentropy;
export const Precision = callableClass(m.Precision);
export type Precision = m.Precision;
export const Recall = callableClass(m.Recall);
export type Recall = m.Recall;
export const AUC = callableClass(m.AUC);
export type AUC = m.AUC;

export {
  Metric, accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy, inTopK, cosineSimilarityMetric, resolveAccuracy, resolveMetric, get, deserialize, serialize, METRIC_NAMES,
} from "./metrics.js";
export type {
  MetricFunction, MetricIdentifier, PrecisionRecallOptions, AUCOptions, AUCCurve, AUCSummationMethod,
} from "./metrics.js";
