/**
 * Keras' `serialize_keras_object` / `deserialize_keras_object` for any object lamina can save:
 * one entry point that picks the serializer of the object's kind (layers and models, losses,
 * metrics, optimizers, learning-rate schedules, initializers, regularizers, constraints,
 * functions) and writes Keras 3.5's `{ module, class_name, config, registered_name }`.
 */
import { Tensor } from "../tensor/tensor.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { constant } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { Layer } from "../layers/layer.js";
import { activationName, activationNames } from "../nn/activations.js";
import * as activations from "../nn/ns-activations.js";
import * as lossFns from "../nn/ns-losses.js";
import * as metricFns from "../nn/ns-metrics.js";
import * as losses from "../nn/losses.js";
import * as metrics from "../nn/metrics.js";
import * as initializers from "../nn/initializers.js";
import * as regularizers from "../nn/regularizers.js";
import * as constraints from "../nn/constraints.js";
import { toSnakeCase, type Config } from "../nn/common.js";
import { serializeObject } from "../layers/weights.js";
import { Optimizer, deserialize as deserializeOptimizer, serialize as serializeOptimizer } from "../optimizers/index.js";
import { LearningRateSchedule, deserialize as deserializeSchedule, serialize as serializeSchedule } from "../optimizers/schedules.js";
import type { ConfigDict } from "../optimizers/config.js";
import { type JsonValue, type JsonObject, isRecord, describe, errorText, snakeToCamel, toJson } from "./config_json.js";
import { type CustomObject, type CustomObjects, constructObject, customObjectScope, effectiveCustomObjects, getRegisteredObject, registrationKey } from "./custom_objects.js";
import { serializeLayer, deserializeLayer, knownLayerClassNames } from "./serialization.js";
import { serializeTrainingObject } from "./compile_config.js";

const WHERE = "serializeKerasObject";

/** Options of deserializeKerasObject, as Keras' deserialize_keras_object(config, custom_objects, safe_mode). */
export interface DeserializeKerasObjectOptions {
  /** Classes and functions by class name or registered name, as Keras' `custom_objects`. */
  customObjects?: CustomObjects;
  /** Refuse configs that carry code (a Lambda layer's function stored as source). Default true. */
  safeMode?: boolean;
}

/**
 * Keras' `keras.saving.serialize_keras_object(obj)`: null, numbers, strings and booleans as they
 * are, arrays and plain objects element by element, and every Keras object as Keras 3.5 writes it:
 * `{ module, class_name, config, registered_name }` (layers and models also with `build_config`,
 * compiled models with `compile_config`). A function (an activation, a loss or metric function,
 * one of your own) is written by name as `{ module: "builtins", class_name: "function", config:
 * "<name>", registered_name: "function" }`, Keras' own names for its functions ("relu",
 * "mean_squared_error"). A tensor is `{ class_name: "__tensor__", config: { value, dtype } }`.
 */
export function serializeKerasObject(obj: unknown): JsonValue {
  return serializeAt(obj, WHERE);
}

/**
 * Keras' serialize_dict on a value a layer's getConfig() returned: JSON values as they are, and
 * the Keras objects in it (a layer, a regularizer or initializer object, a registered custom
 * object, a function) in their `{ module, class_name, config, registered_name }` form, as Keras
 * writes a custom layer's config that holds them. `where` names the value in errors.
 */
export function serializeConfigValue(obj: unknown, where: string): JsonValue {
  return serializeAt(obj, where);
}

function serializeAt(obj: unknown, where: string): JsonValue {
  if (obj === null || obj === undefined) return null;
  if (typeof obj === "number" || typeof obj === "string" || typeof obj === "boolean") return toJson(obj, where);
  if (Array.isArray(obj)) return obj.map((x, i) => serializeAt(x, `${where}[${i}]`));
  if (obj instanceof Tensor) return { class_name: "__tensor__", config: { value: toJson(obj.arraySync(), where), dtype: obj.dtype } };
  if (obj instanceof Layer) return serializeLayer(obj) as unknown as JsonObject;
  const key = registrationKey((obj as object).constructor as CustomObject);
  if (key !== undefined) return serializeRegistered(obj, key, where);
  if (obj instanceof losses.Loss || obj instanceof metrics.Metric) {
    return serializeTrainingObject(obj, obj instanceof losses.Loss ? "keras.losses" : "keras.metrics", where);
  }
  if (obj instanceof Optimizer) return toJson(serializeOptimizer(obj), where);
  if (obj instanceof LearningRateSchedule) return toJson(serializeSchedule(obj), where);
  if (obj instanceof initializers.Initializer) return configObject("keras.initializers", obj, where);
  if (obj instanceof regularizers.Regularizer) return configObject("keras.regularizers", obj, where);
  if (obj instanceof constraints.Constraint) return configObject("keras.constraints", obj, where);
  // After the classes: a layer and some loss and metric objects are callable too.
  if (typeof obj === "function") return serializeFunction(obj as CustomObject, where);
  if (isRecord(obj) && isPlainObject(obj)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = serializeAt(v, `${where}.${k}`);
    return out;
  }
  throw new TypeError(
    `${where}: cannot serialize ${nameOf(obj)}; a class of your own needs a getConfig() method and registration ` +
      "with saving.registerKerasSerializable, as Keras needs get_config()",
  );
}

function nameOf(x: unknown): string {
  const ctor = (x as { constructor?: { name?: string } }).constructor;
  return typeof x === "object" && x !== null && ctor?.name ? `an object of class ${ctor.name}` : describe(x);
}

function configObject(module: string, obj: { className: string }, where: string): JsonObject {
  // A weight helper wrapping a bare function has no Keras class to name.
  if (obj.className === "function") throw new TypeError(`${where}: a ${module.slice(6, -1)} made from a plain function cannot be serialized; use a class with getConfig() registered with saving.registerKerasSerializable`);
  // The form a layer's getConfig() gives it in: Keras' own classes under their module, others by class name.
  return toJson(serializeObject(obj), where) as JsonObject;
}

function serializeRegistered(obj: unknown, key: string, where: string): JsonObject {
  const o = obj as { getConfig?: () => unknown; constructor: { name: string } };
  if (typeof o.getConfig !== "function") throw new TypeError(`${where}: ${o.constructor.name} is registered but has no getConfig() method, which Keras needs to save it`);
  const config = toJson(o.getConfig(), `${where}: ${o.constructor.name}.getConfig()`);
  if (!isRecord(config)) throw new TypeError(`${where}: ${o.constructor.name}.getConfig() must return an object, got ${describe(config)}`);
  return { module: key.slice(0, key.indexOf(">")), class_name: o.constructor.name, config, registered_name: key };
}

/** Keras' name of a function: an activation's canonical name, a loss or metric function's snake_case name, else its own name. */
function serializeFunction(fn: CustomObject, where: string): JsonObject {
  if (!fn.name) throw new TypeError(`${where}: an anonymous function cannot be serialized (Keras stores a lambda as Python bytecode); give it a name and register it with saving.registerKerasSerializable`);
  // Keras' _get_class_or_fn_config: get_registered_name(fn), "package>name" for a registered function.
  const name = activationName(fn as activations.ActivationFn) ?? (isLibraryFunction(fn.name, fn) ? toSnakeCase(fn.name) : registrationKey(fn) ?? fn.name);
  return { module: "builtins", class_name: "function", config: name, registered_name: "function" };
}

/** Whether `fn` is lamina's own loss or metric function exported under `camelName`. */
function isLibraryFunction(camelName: string, fn: CustomObject): boolean {
  const snake = toSnakeCase(camelName);
  return (lossFns.LOSS_NAMES.includes(snake) && lookup(lossFns, camelName) === fn) || (metricFns.METRIC_NAMES.includes(snake) && lookup(metricFns, camelName) === fn);
}

function lookup(ns: object, name: string): unknown {
  return Object.hasOwn(ns, name) ? (ns as Record<string, unknown>)[name] : undefined;
}

/**
 * Keras' `keras.saving.deserialize_keras_object(config, custom_objects, safe_mode)`: the object a
 * config describes, chosen by its `module` ("keras.layers", "keras.losses", "keras.optimizers",
 * "keras.optimizers.schedules", "keras.initializers", ...) and `class_name`; custom classes and
 * functions come from `customObjects`, a customObjectScope or the registry first, as in Keras.
 * `{ class_name: "function", config: name }` gives the function (an activation, a loss or metric
 * function, or a custom one); arrays and plain objects are read element by element, other values
 * pass through.
 */
export function deserializeKerasObject(config: unknown, options: DeserializeKerasObjectOptions = {}): unknown {
  return deserializeAt(config, options, "deserializeKerasObject");
}

function deserializeAt(config: unknown, options: DeserializeKerasObjectOptions, where: string): unknown {
  if (Array.isArray(config)) return config.map((x, i) => deserializeAt(x, options, `${where}[${i}]`));
  if (!isRecord(config)) return config;
  if (typeof config.class_name !== "string") {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, deserializeAt(v, options, `${where}.${k}`)]));
  }
  const className = config.class_name;
  const inner = isRecord(config.config) ? config.config : {};
  const module = typeof config.module === "string" ? config.module : null;
  const at = `${where}: ${className}`;
  switch (className) {
    case "function": return deserializeFunction(config.config, options, at);
    case "__tensor__":
    case "__numpy__": return constant(inner.value as number[], inner.dtype as DType);
    case "__bytes__": return inner.value;
    case "__lambda__": throw new TypeError(`${at}: the config holds a Python lambda (bytecode), which JavaScript cannot run; rebuild it as a named function passed in customObjects`);
  }
  const custom = effectiveCustomObjects(options.customObjects);
  const registered = typeof config.registered_name === "string" ? config.registered_name : null;
  const cls = (registered !== null ? getRegisteredObject(registered, custom) : undefined) ?? (Object.hasOwn(custom, className) ? custom[className] : undefined);
  const isLayerClass = (c: CustomObject): boolean => typeof c === "function" && (c === Layer || c.prototype instanceof Layer);
  if (cls !== undefined && !isLayerClass(cls)) return constructObject(cls, inner, at);
  const kind = cls !== undefined ? "layer" : kindOf(module, className);
  try {
    switch (kind) {
      case "layer": return deserializeLayer(config, { customObjects: options.customObjects, safeMode: options.safeMode });
      case "loss": return losses.deserialize({ class_name: className, config: inner as Config });
      case "metric": return metrics.deserialize({ class_name: className, config: inner as Config });
      case "schedule": return deserializeSchedule({ class_name: className, config: inner as ConfigDict });
      // In scope, the customObjects reach a learning-rate function's lookup.
      case "optimizer": return customObjectScope(effectiveCustomObjects(options.customObjects), () => deserializeOptimizer({ class_name: className, config: inner as ConfigDict }));
      case "initializer": return initializers.deserialize({ class_name: className, config: inner as Config });
      case "regularizer": return regularizers.deserialize({ class_name: className, config: inner as Config });
      case "constraint": return constraints.deserialize({ class_name: className, config: inner as Config });
    }
  } catch (e) {
    throw new Error(`${where}: ${errorText(e)}`, { cause: e });
  }
  throw new TypeError(
    `${at}: could not locate class "${className}"${module ? ` of module "${module}"` : ""}; a class of your own needs ` +
      "saving.registerKerasSerializable or customObjects, and a Keras object needs its module (\"keras.layers\", \"keras.losses\", ...)",
  );
}

type Kind = "layer" | "loss" | "metric" | "schedule" | "optimizer" | "initializer" | "regularizer" | "constraint";

const KIND_BY_MODULE: Readonly<Record<string, Kind>> = {
  "keras.losses": "loss", "keras.metrics": "metric", "keras.optimizers.schedules": "schedule", "keras.optimizers": "optimizer",
  "keras.initializers": "initializer", "keras.regularizers": "regularizer", "keras.constraints": "constraint",
  "keras.layers": "layer", "keras.models": "layer", keras: "layer",
};

function kindOf(module: string | null, className: string): Kind | null {
  if (module !== null && Object.hasOwn(KIND_BY_MODULE, module)) return KIND_BY_MODULE[module];
  // Keras on the torch or jax backend writes an optimizer's backend module ("keras.src.backend.torch.optimizers.torch_sgd").
  if (module !== null && /^keras\.src\.backend\.\w+\.optimizers\b/.test(module)) return "optimizer";
  // Keras 2 configs carry no module: only layer class names are recognised without one.
  if (module === null && knownLayerClassNames().includes(className)) return "layer";
  return null;
}

/** A function by name: custom objects and the registry first, then Keras' activations, losses and metrics functions. */
function deserializeFunction(name: unknown, options: DeserializeKerasObjectOptions, where: string): unknown {
  if (typeof name !== "string") throw new TypeError(`${where}: the config of a function must be its name, got ${describe(name)}`);
  const custom = effectiveCustomObjects(options.customObjects);
  const found = getRegisteredObject(name, custom);
  if (found !== undefined) return found;
  if (activationNames().includes(name)) return activations.get(name);
  const camel = snakeToCamel(name);
  if (lossFns.LOSS_NAMES.includes(name) && typeof lookup(lossFns, camel) === "function") return lookup(lossFns, camel);
  if (metricFns.METRIC_NAMES.includes(name) && typeof lookup(metricFns, camel) === "function") return lookup(metricFns, camel);
  throw new TypeError(`${where}: could not locate function "${name}"; pass it in customObjects or register it with saving.registerKerasSerializable`);
}
