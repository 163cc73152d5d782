/**
 * Calls of a functional model whose training mode is pinned, as Keras records a call's
 * `training=False` keyword (a frozen base model or BatchNormalization in a transfer-learning
 * model: `x = base(inputs, training=False)`). Such a call runs in that mode whatever mode the
 * whole model runs in. Filled when a model is read from a config that says so; kept when the
 * model is saved again. Not filled for the value Keras 3 records in every call of a Dropout-like
 * or augmentation layer (its call signature's default), which Keras itself overrides.
 */
import type { LayerNode } from "./symbolic.js";

export const pinnedTraining = new WeakMap<LayerNode, boolean>();
