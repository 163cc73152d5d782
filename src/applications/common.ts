/**
 * Pieces several keras.applications models share: the classifier top (or the feature pooling
 * without it), a preprocessInput bound to one mode, and Python's number formatting in names.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import { Dense, GlobalAveragePooling2D, GlobalMaxPooling2D } from "../layers/index.js";
import { preprocessInput as imagenetPreprocess, type PreprocessMode, type PreprocessOptions } from "./imagenet_utils.js";
import type { Built } from "./build.js";

/** The names Keras gives the pooling layers (undefined: Keras leaves it to the automatic name). */
export interface TopNames {
  avg?: string;
  max?: string;
  /** The pooling before the classifier, when it differs from the feature pooling's name. */
  topAvg?: string;
}

/**
 * includeTop: global average pooling then Dense(classes) "predictions"; otherwise the optional
 * feature pooling ("avg"/"max").
 */
export function classifierTop(x: SymbolicTensor, b: Built, names: TopNames = {}): SymbolicTensor {
  if (b.includeTop) {
    x = GlobalAveragePooling2D({ name: names.topAvg ?? names.avg })(x);
    return Dense(b.classes, { activation: b.classifierActivation, name: "predictions" })(x);
  }
  if (b.pooling === "avg") return GlobalAveragePooling2D({ name: names.avg })(x);
  if (b.pooling === "max") return GlobalMaxPooling2D({ name: names.max })(x);
  return x;
}

/** A model family's preprocessInput: eager on images, or as a layer on a symbolic tensor. */
export interface PreprocessFunction {
  (x: Tensor, opts?: PreprocessOptions): Tensor;
  (x: SymbolicTensor, opts?: PreprocessOptions): SymbolicTensor;
}

/** keras.applications.<family>.preprocess_input for a family using imagenet_utils' `mode`. */
export function preprocessWithMode(mode: PreprocessMode): PreprocessFunction {
  return ((x: Tensor | SymbolicTensor, opts: PreprocessOptions = {}) => imagenetPreprocess(x, mode, opts)) as PreprocessFunction;
}

/** Python's f"{v:.2f}" for the width multipliers in model names (0.25 -> "0.25", 1 -> "1.00"). */
export const fixed2 = (v: number): string => v.toFixed(2);
