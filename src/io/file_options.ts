/**
 * Options of the model-file API (model.save, models.loadModel, model.saveWeights,
 * model.loadWeights). Types only, so that models/ can name them without importing io/ code.
 */
import type { DeserializeOptions } from "./serialization.js";

export interface SaveModelOptions {
  /**
   * Save the optimizer's state and the compile settings (default true). With false the file
   * holds an uncompiled model, as Keras' include_optimizer=False does for `.h5` files.
   */
  includeOptimizer?: boolean;
  /** Replace an existing file (default true); false refuses with an error. */
  overwrite?: boolean;
}

export interface SaveWeightsOptions {
  /** Replace an existing file (default true); false refuses with an error. */
  overwrite?: boolean;
}

export interface LoadModelOptions extends DeserializeOptions {}

export interface LoadWeightsOptions {
  /**
   * Match layers by name instead of by position. Legacy `.h5` files: by the file's layer names,
   * as Keras' load_weights(by_name=True). Keras 3 files: by the `name` attribute of each layer's
   * vars group. Layers without a match keep their weights.
   */
  byName?: boolean;
  /**
   * Skip, with a warning, layers whose weight count or shapes differ instead of failing. With
   * `byName` on a legacy `.h5` file, as Keras' by-name loader: only the weights whose shape differs
   * are skipped, and the layer's other weights are loaded.
   */
  skipMismatch?: boolean;
}
