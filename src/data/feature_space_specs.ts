/**
 * The pieces a FeatureSpace is made of (Keras 3.5's `Feature` and `Cross` in
 * keras/src/layers/preprocessing/feature_space.py): a feature's input dtype, its preprocessing
 * layer and how its output is encoded, and a cross of features hashed together.
 */
import { valueText } from "../tensor/value_text.js";
import type { Layer } from "../layers/layer.js";

/** How a feature's preprocessed output is encoded: one-hot of its ids, the ids, or the floats as they are. */
export type FeatureOutputMode = "int" | "one_hot" | "float";
/** The input a feature takes: float32 numbers, int32 integers or JavaScript strings. */
export type FeatureDType = "float32" | "int32" | "string";
export type CrossOutputMode = "int" | "one_hot";

/** Keras' module for Feature, Cross and TFDIdentity in saved configs. */
export const FEATURE_SPACE_MODULE = "keras.src.layers.preprocessing.feature_space";

/** One feature: the dtype of its input, the layer that preprocesses it and its output encoding. */
export class Feature {
  constructor(readonly dtype: FeatureDType, readonly preprocessor: Layer, readonly outputMode: FeatureOutputMode) {
    if (!["int", "one_hot", "float"].includes(outputMode)) {
      throw new RangeError(`FeatureSpace.feature: outputMode must be "int", "one_hot" or "float", got ${valueText(outputMode)}`);
    }
    if (!["float32", "int32", "string"].includes(dtype)) {
      throw new RangeError(`FeatureSpace.feature: dtype must be "float32", "int32" or "string", got ${valueText(dtype)}`);
    }
  }
}

/** Features crossed together: the bin of each combination of their preprocessed values (HashedCrossing). */
export class Cross {
  readonly featureNames: readonly string[];

  constructor(featureNames: readonly string[], readonly crossingDim: number, readonly outputMode: CrossOutputMode = "one_hot") {
    if (outputMode !== "int" && outputMode !== "one_hot") {
      throw new RangeError(`FeatureSpace.cross: outputMode must be "int" or "one_hot", got ${valueText(outputMode)}`);
    }
    if (!Array.isArray(featureNames) || featureNames.length < 2 || !featureNames.every((n) => typeof n === "string")) {
      throw new TypeError(`FeatureSpace.cross: featureNames must list at least two feature names, got ${valueText(featureNames)}; e.g. FeatureSpace.cross(["a", "b"], 32)`);
    }
    if (!Number.isInteger(crossingDim) || crossingDim <= 0) {
      throw new RangeError(`FeatureSpace.cross(${featureNames.join(", ")}): crossingDim must be a positive integer, got ${valueText(crossingDim)}`);
    }
    this.featureNames = [...featureNames];
  }

  /** Keras' name of the cross: the feature names joined by "_X_". */
  get name(): string {
    return this.featureNames.join("_X_");
  }

  getConfig(): { feature_names: string[]; crossing_dim: number; output_mode: CrossOutputMode } {
    return { feature_names: [...this.featureNames], crossing_dim: this.crossingDim, output_mode: this.outputMode };
  }
}
