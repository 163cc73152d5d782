import type { Tensor } from "../tensor/tensor.js";
import * as ops from "../ops/activation.js";
import { add, clipByValue, div, exp, greater, less, lessEqual, logicalAnd, maximum, minimum, mul, sub, where } from "../ops/math.js";
import { type GradSaveFunc, customGrad } from "../ops/custom_grad.js";
import { valueText } from "../tensor/value_text.js";
import { registrationKey } from "../io/custom_objects.js";
import * as k315 from "./activations315.js";

export type ActivationFn = (x: Tensor) => Tensor;

/*
 * keras.activations: each function under its Keras name (camelCase here), with Keras' optional
 * arguments. A layer's `activation: "name"` resolves to these very functions, so that
 * serialize(fn) finds a layer's activation by identity.
 */

/**
 * keras.activations.relu(x, { negativeSlope = 0, maxValue, threshold = 0 }), Keras' formula:
 * (x where x > threshold, else 0), clipped to [0, maxValue] when given, minus
 * negativeSlope * relu(threshold - x).
 */
export function relu(x: Tensor, opts: { negativeSlope?: number; maxValue?: number | null; threshold?: number } = {}): Tensor {
  const { negativeSlope = 0, maxValue = null, threshold = 0 } = opts;
  for (const [k, v] of Object.entries({ negativeSlope, threshold, maxValue: maxValue ?? 0 })) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`activations.relu: ${k} must be a finite number, got ${valueText(v)}`);
  }
  let y = threshold === 0 ? ops.relu(x) : where(greater(x, threshold), x, 0);
  if (maxValue !== null) y = clipByValue(y, 0, maxValue);
  if (negativeSlope !== 0) y = sub(y, mul(ops.relu(sub(threshold, x)), negativeSlope));
  return y;
}

/** keras.activations.leaky_relu(x, negativeSlope = 0.2). */
export const leakyRelu = (x: Tensor, negativeSlope = 0.2): Tensor => ops.leakyRelu(x, negativeSlope);
export const relu6 = (x: Tensor): Tensor => ops.relu6(x);
/** keras.activations.softmax(x, axis = -1). */
export const softmax = (x: Tensor, axis = -1): Tensor => ops.softmax(x, axis);
/** keras.activations.elu(x, alpha = 1). */
export const elu = (x: Tensor, alpha = 1): Tensor => ops.elu(x, alpha);
export const selu = (x: Tensor): Tensor => ops.selu(x);
export const softplus = (x: Tensor): Tensor => ops.softplus(x);
export const softsign = (x: Tensor): Tensor => ops.softsign(x);
/** x * sigmoid(x); Keras' "swish" is this function (and serializes as "silu"). */
export const silu = (x: Tensor): Tensor => ops.swish(x);
/** keras.activations.gelu(x, approximate = false). */
export const gelu = (x: Tensor, approximate = false): Tensor => ops.gelu(x, approximate);
export const tanh = (x: Tensor): Tensor => ops.tanh(x);
export const sigmoid = (x: Tensor): Tensor => ops.sigmoid(x);
export const exponential = (x: Tensor): Tensor => exp(x);
/**
 * Keras 3's hard_sigmoid: relu6(x + 3) / 6. Its gradient is torch's hardsigmoid_backward (Keras
 * 3.5's torch backend; TF's relu6 gives the same): dy / 6 strictly inside (-3, 3), else 0, NaN
 * included (relu6's own gradient would pass dy / 6 on at NaN).
 */
export const hardSigmoid: ActivationFn = customGrad((x: Tensor, save: GradSaveFunc) => {
  save([x]);
  return {
    value: mul(ops.relu6(add(x, 3)), 1 / 6),
    gradFunc: (dy: Tensor, [xs]: Tensor[]) => where(logicalAnd(greater(xs, -3), less(xs, 3)), mul(dy, 1 / 6), 0),
  };
});
/**
 * x * hard_sigmoid(x); Keras' "hard_swish" is this function (and serializes as "hard_silu"). Its
 * gradient is torch's hardswish_backward: 0 below -3, dy * (x / 3 + 0.5) on [-3, 3], dy above and
 * at NaN (the product rule would give NaN there, and 0 and 1 at -3 and 3).
 */
export const hardSilu: ActivationFn = customGrad((x: Tensor, save: GradSaveFunc) => {
  save([x]);
  return {
    value: mul(x, hardSigmoid(x)),
    gradFunc: (dy: Tensor, [xs]: Tensor[]) => where(less(xs, -3), 0, where(lessEqual(xs, 3), mul(dy, add(div(xs, 3), 0.5)), dy)),
  };
});
export const linear = (x: Tensor): Tensor => x;
/** x * tanh(softplus(x)) (Misra 2019). */
export const mish = (x: Tensor): Tensor => mul(x, ops.tanh(ops.softplus(x)));
/** keras.activations.log_softmax(x, axis = -1). */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => ops.logSoftmax(x, axis);
/** lamina's own: min(max(x, 0), 6) by two ops (not a Keras name). */
const reluClipped = (x: Tensor): Tensor => minimum(maximum(x, 0), 6);

/** Keras' names (ALL_OBJECTS_DICT) and what they compute; an alias maps to its canonical function. */
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear, relu, relu6, leaky_relu: leakyRelu, elu, selu, gelu, sigmoid, hard_sigmoid: hardSigmoid, tanh, softplus,
  softsign, silu, swish: silu, softmax, log_softmax: logSoftmax, exponential, hard_silu: hardSilu, hard_swish: hardSilu,
  mish, relu_clipped: reluClipped,
  // Keras 3.6-3.15's additions.
  celu: k315.celu, glu: k315.glu, hard_shrink: k315.hardShrink, hard_tanh: k315.hardTanh, log_sigmoid: k315.logSigmoid,
  soft_shrink: k315.softShrink, sparse_plus: k315.sparsePlus, sparse_sigmoid: k315.sparseSigmoid, sparsemax: k315.sparsemax,
  squareplus: k315.squareplus, tanh_shrink: k315.tanhShrink, threshold: k315.threshold,
};

/** The name each function serializes under: Keras writes "silu" for "swish", "hard_silu" for "hard_swish". */
const CANONICAL = new Map<ActivationFn, string>();
for (const [name, fn] of Object.entries(ACTIVATIONS)) if (!CANONICAL.has(fn)) CANONICAL.set(fn, name);

export type ActivationIdentifier = string | ActivationFn | null | undefined;

/** The Keras name of a built-in activation function, or undefined for any other function. */
export function activationName(fn: ActivationFn): string | undefined {
  return CANONICAL.get(fn);
}

/** keras.activations.get: a name (or null for linear) to the function; the (canonical) name is kept for configs. */
export function getActivation(id: ActivationIdentifier, where: string): { fn: ActivationFn; name: string } {
  if (id === null || id === undefined) return { fn: linear, name: "linear" };
  if (typeof id === "function") {
    const canonical = CANONICAL.get(id);
    if (canonical !== undefined) return { fn: id, name: canonical };
    // A function of the user's is saved under its registered name ("my_package>custom_fn"), as
    // Keras' activations.serialize writes get_registered_name(fn): read when the config is written,
    // so a function registered after the layer was made is found too.
    return {
      fn: id,
      get name(): string {
        return registrationKey(id) ?? (id.name || "custom");
      },
    };
  }
  const fn = Object.hasOwn(ACTIVATIONS, id) ? ACTIVATIONS[id] : undefined;
  if (!fn) {
    throw new RangeError(`${where}: unknown activation "${id}"; use one of ${Object.keys(ACTIVATIONS).join(", ")}, or pass a function`);
  }
  return { fn, name: CANONICAL.get(fn) as string };
}

export function activationNames(): string[] {
  return Object.keys(ACTIVATIONS);
}
