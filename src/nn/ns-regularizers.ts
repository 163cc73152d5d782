/** `tf.regularizers` (keras.regularizers): L1, L2, L1L2 (callable with or without `new`), l1, l2, l1_l2, `get`. */
import { callableClass } from "./common.js";
import * as m from "./regularizers.js";

export const L1 = callableClass(m.L1);
export type L1 = m.L1;
export const L2 = callableClass(m.L2);
export type L2 = m.L2;
export const L1L2 = callableClass(m.L1L2);
export type L1L2 = m.L1L2;

export const OrthogonalRegularizer = callableClass(m.OrthogonalRegularizer);
export type OrthogonalRegularizer = m.OrthogonalRegularizer;

export {
  Regularizer, l1, l2, l1_l2, orthogonal_regularizer, get, deserialize, serialize, REGULARIZER_NAMES,
} from "./regularizers.js";
/** lamina's camelCase spellings of Keras' l1_l2 and orthogonal_regularizer. */
export { l1_l2 as l1L2, orthogonal_regularizer as orthogonalRegularizer } from "./regularizers.js";
export type {
  L1L2Options, OrthogonalRegularizerOptions, OrthogonalMode, RegularizerFunction, RegularizerIdentifier,
} from "./regularizers.js";
