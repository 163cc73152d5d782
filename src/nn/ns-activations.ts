/**
 * keras.activations: the functions, and get / serialize / deserialize by Keras' names
 * ("relu", "mish", "hard_swish" ...). `activations.get("swish") === activations.silu`, and
 * serialize gives the canonical name Keras writes ("silu", "hard_silu").
 */
import {
  type ActivationFn, activationName, activationNames, getActivation,
} from "./activations.js";
import { registeredUnder, scopedCustomObjects } from "../io/custom_objects.js";

export {
  relu, leakyRelu, relu6, softmax, elu, selu, softplus, softsign, silu, gelu, tanh, sigmoid, exponential,
  hardSigmoid, hardSilu, linear, mish, logSoftmax, type ActivationFn,
} from "./activations.js";
export { silu as swish, hardSilu as hardSwish } from "./activations.js";
export {
  celu, glu, hardShrink, hardTanh, logSigmoid, softShrink, sparsePlus, sparseSigmoid, sparsemax, squareplus, tanhShrink, threshold,
} from "./activations315.js";

/** A serialized activation: its name, or Keras' { class_name: "function", config: name } form. */
export type ActivationConfig = string | { readonly class_name: string; readonly config: unknown; readonly [key: string]: unknown };

/** keras.activations.get(identifier): null gives linear, a name or config its function, a function itself. */
export function get(identifier: ActivationConfig | ActivationFn | null | undefined): ActivationFn {
  if (identifier !== null && typeof identifier === "object") return deserialize(identifier);
  if (identifier !== null && identifier !== undefined && typeof identifier !== "string" && typeof identifier !== "function") {
    throw new TypeError(`activations.get: could not interpret activation function identifier ${JSON.stringify(identifier)}`);
  }
  return getActivation(identifier, "activations.get").fn;
}

/**
 * keras.activations.serialize(fn): the Keras name of a built-in activation ("silu" for swish,
 * "hard_silu" for hard_swish). A function of your own has no such name: save it with
 * serialization.registerKerasSerializable and load it with customObjects.
 */
export function serialize(fn: ActivationFn): string {
  const name = activationName(fn);
  if (name === undefined) {
    throw new RangeError(
      `activations.serialize: ${fn.name ? `function "${fn.name}"` : "this function"} is not one of Keras' activations ` +
        `(${activationNames().join(", ")}); register it with serialization.registerKerasSerializable to save it by name`,
    );
  }
  return name;
}

/**
 * keras.activations.deserialize(config, customObjects): a name, or { class_name: "function",
 * config: name }, to its function. Functions of your own come, as in Keras, from the enclosing
 * customObjectScope, then `customObjects`, then the registry ("<package>><name>"), before the
 * built-in names.
 */
export function deserialize(config: ActivationConfig, customObjects: Readonly<Record<string, ActivationFn>> = {}): ActivationFn {
  let name: unknown = config;
  if (typeof config === "object" && config !== null) {
    name = config.class_name === "function" ? config.config : config.class_name;
  }
  if (typeof name !== "string") {
    throw new TypeError(`activations.deserialize: expected a name such as "relu" or { class_name: "function", config: "relu" }, got ${JSON.stringify(config)}`);
  }
  // Not getRegisteredObject: its bare-name match (for Keras 2 class names) would let a registered
  // "<package>>relu" shadow the built-in "relu", which Keras never does.
  const scoped = scopedCustomObjects();
  if (Object.hasOwn(scoped, name)) return scoped[name] as ActivationFn;
  if (Object.hasOwn(customObjects, name)) return customObjects[name];
  const registered = registeredUnder(name);
  if (registered !== undefined) return registered as ActivationFn;
  if (!activationNames().includes(name)) {
    throw new RangeError(`activations.deserialize: unknown activation "${name}"; use one of ${activationNames().join(", ")}, or pass it in customObjects (or a customObjectScope)`);
  }
  return getActivation(name, "activations.deserialize").fn;
}
