/**
 * A learning-rate function in an optimizer's config, as Keras 3.5 writes a callable learning_rate
 * (base_optimizer.get_config: `serialization_lib.serialize_keras_object(self._learning_rate)`):
 * `{ module, class_name: "function", config: "<name>", registered_name }`, found again by name when
 * loading (from_config: `deserialize_keras_object(config["learning_rate"], custom_objects)`).
 *
 * The names come from the custom-object registry (saving.registerKerasSerializable, customObjects,
 * customObjectScope), which lives in io/, below this layer: io installs it here when it loads.
 */
import { type ConfigDict, type ConfigValue, isConfigDict } from "./config.js";
import { valueText } from "../tensor/value_text.js";

/** What the optimizers need of the custom-object registry. */
export interface RateFunctionRegistry {
  /** Keras' get_registered_name: `"<package>><name>"` for a registered function or class, else its own name. */
  registeredName(obj: (...args: never[]) => unknown): string;
  /** Keras' get_registered_object: the function known under `name` (scope, customObjects, registry), if any. */
  lookup(name: string): (() => unknown) | undefined;
  /** The same for a class (a custom learning-rate schedule). */
  lookupClass(name: string): (abstract new (...args: never[]) => unknown) | undefined;
}

// Without io loaded (an optimizer module imported alone) objects are written by name and found nowhere.
let registry: RateFunctionRegistry = { registeredName: (fn) => fn.name, lookup: () => undefined, lookupClass: () => undefined };

/** The registry io installed (or the empty one), for the custom schedules' config too. */
export function customObjectRegistry(): RateFunctionRegistry {
  return registry;
}

/** Called once by io when it loads. */
export function installRateFunctionRegistry(r: RateFunctionRegistry): void {
  registry = r;
}

// A function written inline in the options (`{ learningRate: () => 0.01 }`) takes the option's name,
// which names no function anyone could register: treated as anonymous (Keras' lambda).
const INFERRED_NAMES: readonly string[] = ["learningRate", "lr"];

/** The config of a learning-rate function; an anonymous one is refused, since it could not be found again. */
export function serializeRateFunction(fn: () => unknown, where: string): ConfigDict {
  if (!fn.name || INFERRED_NAMES.includes(fn.name)) {
    // Keras writes a lambda as Python bytecode, loadable only with safe_mode=False; JavaScript has no such form.
    throw new TypeError(
      `${where}: the learning rate is an anonymous function${fn.name ? ` (named "${fn.name}" after the option)` : ""}, which cannot be ` +
        "written into a config; define it as a named function (function warmup() { ... }), register it with " +
        "saving.registerKerasSerializable(warmup) (or pass it in customObjects when loading), or use a number or a learning-rate schedule",
    );
  }
  // module "builtins": Keras 3.5's loader then also finds a function registered under any package
  // by its name (_retrieve_class_or_fn's `k.endswith(config)` search of the custom objects).
  return { module: "builtins", class_name: "function", config: fn.name, registered_name: registry.registeredName(fn) };
}

/** Whether a learning_rate config value is a serialized function (rather than a schedule). */
export function isRateFunctionConfig(value: ConfigValue): value is ConfigDict {
  return isConfigDict(value) && value.class_name === "function";
}

/** The function a config names, as Keras finds it: by its name, then by its registered name. */
export function deserializeRateFunction(config: ConfigDict, where: string): () => unknown {
  const name = config.config;
  if (typeof name !== "string") throw new TypeError(`${where}: the config of a learning-rate function must be its name, got ${valueText(name)}`);
  const registered = typeof config.registered_name === "string" ? config.registered_name : null;
  const fn = registry.lookup(name) ?? (registered !== null ? registry.lookup(registered) : undefined);
  if (fn === undefined) {
    throw new TypeError(
      `${where}: could not locate the learning-rate function "${name}"${registered !== null && registered !== name ? ` (registered as "${registered}")` : ""}; ` +
        "register it with saving.registerKerasSerializable before loading, or pass it in customObjects",
    );
  }
  return fn;
}
