import type { Tensor } from "../tensor/tensor.js";
import { elu, gelu, leakyRelu, relu, relu6, selu, sigmoid, softmax, softplus, softsign, swish, tanh, logSoftmax } from "../ops/activation.js";
import { exp, mul, add, minimum, maximum } from "../ops/math.js";

export type ActivationFn = (x: Tensor) => Tensor;

/** Keras' hard_sigmoid (Keras 3: relu6(x + 3) / 6). */
function hardSigmoid(x: Tensor): Tensor {
  return mul(relu6(add(x, 3)), 1 / 6);
}

// Keras' activation names (keras.activations.get) and what they compute.
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: (x) => x,
  relu: (x) => relu(x),
  relu6: (x) => relu6(x),
  leaky_relu: (x) => leakyRelu(x, 0.2),
  elu: (x) => elu(x),
  selu: (x) => selu(x),
  gelu: (x) => gelu(x, false),
  sigmoid: (x) => sigmoid(x),
  hard_sigmoid: hardSigmoid,
  tanh: (x) => tanh(x),
  softplus: (x) => softplus(x),
  softsign: (x) => softsign(x),
  swish: (x) => swish(x),
  silu: (x) => swish(x),
  softmax: (x) => softmax(x, -1),
  log_softmax: (x) => logSoftmax(x, -1),
  exponential: (x) => exp(x),
  hard_silu: (x) => mul(x, hardSigmoid(x)),
  relu_clipped: (x) => minimum(maximum(x, 0), 6),
};

export type ActivationIdentifier = string | ActivationFn | null | undefined;

/** keras.activations.get: a name (or null for linear) to the function; the name is kept for configs. */
export function getActivation(id: ActivationIdentifier, where: string): { fn: ActivationFn; name: string } {
  if (id === null || id === undefined) return { fn: ACTIVATIONS.linear, name: "linear" };
  if (typeof id === "function") return { fn: id, name: id.name || "custom" };
  const fn = ACTIVATIONS[id];
  if (!fn) {
    throw new RangeError(`${where}: unknown activation "${id}"; use one of ${Object.keys(ACTIVATIONS).join(", ")}, or pass a function`);
  }
  return { fn, name: id };
}

export function activationNames(): string[] {
  return Object.keys(ACTIVATIONS);
}
