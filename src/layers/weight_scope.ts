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
