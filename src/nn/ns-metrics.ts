/** `tf.metrics` (keras.metrics): stateful metrics (callable with or without `new`), metric functions, `get`, `resolveAccuracy`. */
import { callableClass } from "./common.js";
import * as m from "./metrics.js";

export const Mean = callableClass(m.Mean);
export type Mean = m.Mean;
export const Sum = callableClass(m.Sum);
export type Sum = m.Sum;
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

export const MeanSquaredLogarithmicError = callableClass(m.MeanSquaredLogarithmicError);
export type MeanSquaredLogarithmicError = m.MeanSquaredLogarithmicError;
export const LogCoshError = callableClass(m.LogCoshError);
export type LogCoshError = m.LogCoshError;
export const Poisson = callableClass(m.Poisson);
export type Poisson = m.Poisson;
export const CategoricalHinge = callableClass(m.CategoricalHinge);
export type CategoricalHinge = m.CategoricalHinge;
export const TruePositives = callableClass(m.TruePositives);
export type TruePositives = m.TruePositives;
export const FalsePositives = callableClass(m.FalsePositives);
export type FalsePositives = m.FalsePositives;
export const TrueNegatives = callableClass(m.TrueNegatives);
export type TrueNegatives = m.TrueNegatives;
export const FalseNegatives = callableClass(m.FalseNegatives);
export type FalseNegatives = m.FalseNegatives;
export const SensitivityAtSpecificity = callableClass(m.SensitivityAtSpecificity);
export type SensitivityAtSpecificity = m.SensitivityAtSpecificity;
export const SpecificityAtSensitivity = callableClass(m.SpecificityAtSensitivity);
export type SpecificityAtSensitivity = m.SpecificityAtSensitivity;
export const PrecisionAtRecall = callableClass(m.PrecisionAtRecall);
export type PrecisionAtRecall = m.PrecisionAtRecall;
export const RecallAtPrecision = callableClass(m.RecallAtPrecision);
export type RecallAtPrecision = m.RecallAtPrecision;
export const FBetaScore = callableClass(m.FBetaScore);
export type FBetaScore = m.FBetaScore;
export const F1Score = callableClass(m.F1Score);
export type F1Score = m.F1Score;
export const R2Score = callableClass(m.R2Score);
export type R2Score = m.R2Score;
export const PearsonCorrelation = callableClass(m.PearsonCorrelation);
export type PearsonCorrelation = m.PearsonCorrelation;
export const ConcordanceCorrelation = callableClass(m.ConcordanceCorrelation);
export type ConcordanceCorrelation = m.ConcordanceCorrelation;
export const IoU = callableClass(m.IoU);
export type IoU = m.IoU;
export const MeanIoU = callableClass(m.MeanIoU);
export type MeanIoU = m.MeanIoU;
export const BinaryIoU = callableClass(m.BinaryIoU);
export type BinaryIoU = m.BinaryIoU;
export const OneHotIoU = callableClass(m.OneHotIoU);
export type OneHotIoU = m.OneHotIoU;
export const OneHotMeanIoU = callableClass(m.OneHotMeanIoU);
export type OneHotMeanIoU = m.OneHotMeanIoU;

export {
  Metric, accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy, inTopK, cosineSimilarityMetric, resolveAccuracy, resolveMetric, get, deserialize, serialize, METRIC_NAMES,
} from "./metrics.js";
export type {
  MetricFunction, MetricIdentifier, PrecisionRecallOptions, AUCOptions, AUCCurve, AUCSummationMethod,
} from "./metrics.js";
export type { ConfusionCountOptions, SensitivitySpecificityOptions } from "./metrics.js";
export type { FBetaScoreOptions, FScoreAverage } from "./metrics_fscore.js";
export type { R2ScoreOptions, R2ClassAggregation } from "./metrics_r2.js";
export { pearsonCorrelation, concordanceCorrelation } from "./metrics.js";
export type { CorrelationAxis } from "./metrics.js";
export type { IoUOptions, MeanIoUOptions, OneHotIoUOptions, OneHotMeanIoUOptions, BinaryIoUOptions, IoUDType } from "./metrics_iou.js";
/**
 * The loss functions keras.metrics also exports (keras.metrics.mean_squared_error and the others):
 * one value per sample, the same functions as tf.losses'.
 */
export {
  binaryCrossentropy, binaryFocalCrossentropy, categoricalCrossentropy, categoricalFocalCrossentropy, categoricalHinge, hinge, huber,
  klDivergence, logCosh, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, meanSquaredLogarithmicError, poisson,
  sparseCategoricalCrossentropy, squaredHinge,
} from "./ns-losses.js";
