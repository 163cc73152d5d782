/**
 * The keras.activations Keras 3.6-3.15 added (celu, glu, hard_shrink, hard_tanh, log_sigmoid,
 * soft_shrink, sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh_shrink, threshold), with
 * Keras' defaults: each is the keras.ops function of the same name on a tensor. activations.ts
 * registers them by name.
 */
import type { Tensor } from "../tensor/tensor.js";
import * as a from "../ops/activation315.js";
import { logSigmoid as logSigmoidOp } from "../ops/special.js";

/** keras.activations.celu(x, alpha = 1): x for x >= 0, alpha * (exp(x / alpha) - 1) below. */
export const celu = (x: Tensor, alpha = 1.0): Tensor => a.celuEager(x, alpha);
/** keras.activations.glu(x, axis = -1): the first half of x along axis times sigmoid of the second. */
export const glu = (x: Tensor, axis = -1): Tensor => a.gluEager(x, axis);
/** keras.activations.hard_shrink(x, threshold = 0.5). */
export const hardShrink = (x: Tensor, threshold = 0.5): Tensor => a.hardShrinkEager(x, threshold);
/** keras.activations.hard_tanh(x): x clipped to [-1, 1]. */
export const hardTanh = (x: Tensor): Tensor => a.hardTanhEager(x);
/** keras.activations.log_sigmoid(x): log(sigmoid(x)). */
export const logSigmoid = (x: Tensor): Tensor => logSigmoidOp(x);
/** keras.activations.soft_shrink(x, threshold = 0.5). */
export const softShrink = (x: Tensor, threshold = 0.5): Tensor => a.softShrinkEager(x, threshold);
/** keras.activations.sparse_plus(x). */
export const sparsePlus = (x: Tensor): Tensor => a.sparsePlusEager(x);
/** keras.activations.sparse_sigmoid(x). */
export const sparseSigmoid = (x: Tensor): Tensor => a.sparseSigmoidEager(x);
/** keras.activations.sparsemax(x, axis = -1). */
export const sparsemax = (x: Tensor, axis = -1): Tensor => a.sparsemaxEager(x, axis);
/** keras.activations.squareplus(x, b = 4). */
export const squareplus = (x: Tensor, b = 4): Tensor => a.squareplusEager(x, b);
/** keras.activations.tanh_shrink(x): x - tanh(x). */
export const tanhShrink = (x: Tensor): Tensor => a.tanhShrinkEager(x);

/**
 * keras.activations.threshold(x, threshold, defaultValue): both are required, as in Keras, so
 * `activation: "threshold"` fails when the layer is called; pass a function instead:
 * `activation: (x) => activations.threshold(x, 0.5, 0)`.
 */
export function threshold(x: Tensor, threshold?: number, defaultValue?: number): Tensor {
  if (threshold === undefined || defaultValue === undefined) {
    throw new TypeError(
      "activations.threshold: threshold and defaultValue are required (Keras' threshold has no defaults), so it cannot run by name alone; " +
        "pass a function such as (x) => activations.threshold(x, 0.5, 0)",
    );
  }
  return a.thresholdEager(x, threshold, defaultValue);
}
