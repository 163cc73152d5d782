/** The scope a layer's weight names take from the layer whose build makes them (lstm/lstm_cell/kernel). */
import type { Layer } from "./layer.js";
import type { Variable } from "../tensor/variable.js";

/** The layer whose build makes each inner layer's weights (an RNN's cell, a wrapper's layer, a Sequential's layers). */
const scopeParents = new WeakMap<Layer, Layer>();
/** Inner layers whose scope parent is a model (a Sequential building its layers). */
const modelScoped = new WeakSet<Layer>();
/** Each layer weight's name as Keras 2 wrote it in a legacy .h5 file: without the models' scopes. */
const kerasTwoNames = new WeakMap<object, string>();

/**
 * Names the weights `inner` makes from now on under `outer`'s scope (Keras names the weights a
 * layer's build creates under that layer: lstm/lstm_cell/kernel). Kept out of the layers'
 * properties, where the outer layer would count as a sub-layer of the inner one.
 */
export function nestWeightScope(inner: Layer, outer: Layer): void {
  scopeParents.set(inner, outer);
  modelScoped.delete(inner);
}

/**
 * Names the weights `inner` makes from now on under the scope of `model`, whose build makes them
 * (Keras 3 builds a Sequential's layers in its name scope: sequential/dense/kernel). Keras 2 did
 * not put a model's name in its layers' weight names (dense/kernel:0), which kerasTwoWeightName keeps.
 */
export function nestModelScope(inner: Layer, model: Layer): void {
  scopeParents.set(inner, model);
  modelScoped.add(inner);
}

/** The layer under whose scope `inner`'s weights are named (nestWeightScope), if any. */
export function scopeParentOf(inner: Layer): Layer | undefined {
  return scopeParents.get(inner);
}

/** The name scopes open now (keras.name_scope), outermost first. */
const nameScopes: string[] = [];

/**
 * Runs `fn` inside Keras' name scope `name`: the weights any layer creates meanwhile are named
 * under it (`normal_A_block_0/block_1/separable_conv_1_normal_left1_0/depthwise_kernel`), as the
 * weights of a layer first called inside `with keras.name_scope(...)` are. Layer names are not
 * affected.
 */
export function withNameScope<T>(name: string, fn: () => T): T {
  if (typeof name !== "string" || name === "" || name.includes("/")) {
    throw new TypeError(`withNameScope: the scope name must be a non-empty string without "/"; got ${JSON.stringify(name)}`);
  }
  nameScopes.push(name);
  try {
    return fn();
  } finally {
    nameScopes.pop();
  }
}

/** The open name scopes as a weight-name prefix ("a/b/"), or "" outside any. */
export function nameScopePrefix(): string {
  return nameScopes.length === 0 ? "" : `${nameScopes.join("/")}/`;
}

/** The scope of `inner`'s weights as Keras 2 named them: up to, not including, the first model. */
export function kerasTwoScopeOf(inner: Layer): string {
  const outer = scopeParents.get(inner);
  return outer && !modelScoped.has(inner) ? `${kerasTwoScopeOf(outer)}/${inner.name}` : inner.name;
}

/** Records the Keras 2 name of a weight a layer made (see kerasTwoWeightName). */
export function recordKerasTwoName(v: Variable, name: string): void {
  kerasTwoNames.set(v, name);
}

/**
 * A weight's name as Keras 2 wrote it in a legacy .h5 file (dense/kernel for the Keras 3 path
 * sequential/dense/kernel, lstm/lstm_cell/kernel); the variable's own name for any other variable.
 */
export function kerasTwoWeightName(v: { readonly name: string }): string {
  return kerasTwoNames.get(v) ?? v.name;
}
