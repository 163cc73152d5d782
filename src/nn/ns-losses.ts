/** `tf.losses` (keras.losses): Loss classes (callable with or without `new`), per-example functions, `get`. */
import { callableClass } from "./common.js";
import * as m from "./losses.js";

export const LossFunctionWrapper = callableClass(m.LossFunctionWrapper);
export type LossFunctionWrapper = m.LossFunctionWrapper;
export const MeanSquaredError = callableClass(m.MeanSquaredError);
export type MeanSquaredError = m.MeanSquaredError;
export const MeanAbsoluteError = callableClass(m.MeanAbsoluteError);
export type MeanAbsoluteError = m.MeanAbsoluteError;
export const MeanAbsolutePercentageError = callableClass(m.MeanAbsolutePercentageError);
export type MeanAbsolutePercentageError = m.MeanAbsolutePercentageError;
export const MeanSquaredLogarithmicError = callableClass(m.MeanSquaredLogarithmicError);
export type MeanSquaredLogarithmicError = m.MeanSquaredLogarithmicError;
export const Huber = callableClass(m.Huber);
export type Huber = m.Huber;
export const LogCosh = callableClass(m.LogCosh);
export type LogCosh = m.LogCosh;
export const KLDivergence = callableClass(m.KLDivergence);
export type KLDivergence = m.KLDivergence;
export const Poisson = callableClass(m.Poisson);
export type Poisson = m.Poisson;
export const Hinge = callableClass(m.Hinge);
export type Hinge = m.Hinge;
export const SquaredHinge = callableClass(m.SquaredHinge);
export type SquaredHinge = m.SquaredHinge;
export const CategoricalHinge = callableClass(m.CategoricalHinge);
export type CategoricalHinge = m.CategoricalHinge;
export const CosineSimilarity = callableClass(m.CosineSimilarity);
export type CosineSimilarity = m.CosineSimilarity;
export const BinaryCrossentropy = callableClass(m.BinaryCrossentropy);
export type BinaryCrossentropy = m.BinaryCrossentropy;
export const CategoricalCrossentropy = callableClass(m.CategoricalCrossentropy);
export type CategoricalCrossentropy = m.CategoricalCrossentropy;
export const SparseCategoricalCrossentropy = callableClass(m.SparseCategoricalCrossentropy);
export type SparseCategoricalCrossentropy = m.SparseCategoricalCrossentropy;

export {
  Loss, categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredLogarithmicError, huber, logCosh, klDivergence, poisson, hinge, squaredHinge, categoricalHinge, cosineSimilarity, l2Normalize, squeezeOrExpandToSameRank, reduceWeightedValues, isBinaryOrSparseCategorical, resolveLoss, get, deserialize, serialize, LOSS_NAMES,
} from "./losses.js";
export type {
  Reduction, LossOptions, LossFunction, LossIdentifier, CategoricalCrossentropyOptions, BinaryCrossentropyOptions, CrossentropyLossOptions,
  SparseCategoricalCrossentropyOptions,
} from "./losses.js";

export const BinaryFocalCrossentropy = callableClass(m.BinaryFocalCrossentropy);
export type BinaryFocalCrossentropy = m.BinaryFocalCrossentropy;
export const CategoricalFocalCrossentropy = callableClass(m.CategoricalFocalCrossentropy);
export type CategoricalFocalCrossentropy = m.CategoricalFocalCrossentropy;
export const Dice = callableClass(m.Dice);
export type Dice = m.Dice;
export const Tversky = callableClass(m.Tversky);
export type Tversky = m.Tversky;
export { binaryFocalCrossentropy, categoricalFocalCrossentropy, dice, tversky } from "./losses.js";
export type { BinaryFocalCrossentropyOptions, CategoricalFocalCrossentropyOptions, DiceAxis } from "./losses.js";
export const CTC = callableClass(m.CTC);
export type CTC = m.CTC;
export { ctc } from "./losses_ctc.js";
export const Circle = callableClass(m.Circle);
export type Circle = m.Circle;
export const CategoricalGeneralizedCrossEntropy = callableClass(m.CategoricalGeneralizedCrossEntropy);
export type CategoricalGeneralizedCrossEntropy = m.CategoricalGeneralizedCrossEntropy;
export { circle, categoricalGeneralizedCrossEntropy } from "./losses.js";
export type { CircleOptions, CircleLossOptions } from "./losses.js";
