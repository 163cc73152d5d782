/** The scope a layer's weight names take from the layer whose build makes them (lstm/lstm_cell/kernel). */
import type { Layer } from "./layer.js";

/** The layer whose build makes each inner layer's weights (an RNN's cell, a wrapper's layer). */
const scopeParents = new WeakMap<Layer, Layer>();

/**
 * Names the weights `inner` makes from now on under `outer`'s scope (Keras names the weights a
 * layer's build creates under that layer: lstm/lstm_cell/kernel). Kept out of the layers'
 * properties, where the outer layer would count as a sub-layer of the inner one.
 */
export function nestWeightScope(inner: Layer, outer: Layer): void {
  scopeParents.set(inner, outer);
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
