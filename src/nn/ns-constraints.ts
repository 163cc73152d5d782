/** `tf.constraints` (keras.constraints): MaxNorm, NonNeg, UnitNorm, MinMaxNorm (callable with or without `new`), `get`. */
import { callableClass } from "./common.js";
import * as m from "./constraints.js";

export const MaxNorm = callableClass(m.MaxNorm);
export type MaxNorm = m.MaxNorm;
export const NonNeg = callableClass(m.NonNeg);
export type NonNeg = m.NonNeg;
export const UnitNorm = callableClass(m.UnitNorm);
export type UnitNorm = m.UnitNorm;
export const MinMaxNorm = callableClass(m.MinMaxNorm);
export type MinMaxNorm = m.MinMaxNorm;

export {
  Constraint, max_norm, non_neg, unit_norm, min_max_norm, get, deserialize, serialize, CONSTRAINT_NAMES,
} from "./constraints.js";
/** lamina's camelCase spellings of Keras' max_norm, non_neg, unit_norm and min_max_norm. */
export { max_norm as maxNorm, non_neg as nonNeg, unit_norm as unitNorm, min_max_norm as minMaxNorm } from "./constraints.js";
export type {
  AxisOption, MaxNormOptions, UnitNormOptions, MinMaxNormOptions, ConstraintFunction, ConstraintIdentifier,
} from "./constraints.js";
