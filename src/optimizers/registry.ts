/**
 * The optimizers by Keras' identifiers (lower-case class names), for optimizers.get and
 * optimizers.deserialize. Kept apart from index.ts, which registers every optimizer, so that an
 * optimizer holding another (LossScaleOptimizer's inner optimizer) can deserialize it without an
 * import cycle.
 */
import { Optimizer } from "./optimizer.js";
import { type ConfigDict, type SerializedObject, isConfigDict } from "./config.js";
import { valueText } from "../tensor/value_text.js";

interface Entry {
  className: string;
  fromConfig(config: ConfigDict): Optimizer;
}

const OPTIMIZERS: Record<string, Entry> = {};
const names: string[] = [];

/** The names optimizers.get accepts (case does not matter). */
export const optimizerNames: readonly string[] = names;

/** Makes an optimizer known to get/deserialize under its class name (any case). */
export function registerOptimizer(className: string, fromConfig: (config: ConfigDict) => Optimizer): void {
  const key = className.toLowerCase();
  if (!Object.hasOwn(OPTIMIZERS, key)) names.push(key);
  OPTIMIZERS[key] = { className, fromConfig };
}

/** What optimizers.get accepts: a name ("adam"), a serialized `{ class_name, config }`, or an optimizer. */
export type OptimizerIdentifier = string | SerializedObject | Optimizer;

/** The optimizer described by `{ class_name, config }` (class names are case-insensitive, as in Keras). */
export function deserialize(obj: SerializedObject | ConfigDict): Optimizer {
  const className = isConfigDict(obj) ? obj.class_name : undefined;
  const config = isConfigDict(obj) ? (obj.config ?? {}) : undefined;
  if (typeof className !== "string" || !isConfigDict(config)) {
    throw new TypeError(`optimizers.deserialize: expected { class_name, config }, got ${valueText(obj)}`);
  }
  return lookup(className, "optimizers.deserialize").fromConfig(config);
}

/**
 * keras.optimizers.get: a new optimizer with Keras' defaults for a name (optimizerNames: "sgd",
 * "rmsprop", "adam", ...; any case), one from a serialized config, or the optimizer itself.
 */
export function get(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === "string") return lookup(identifier, "optimizers.get").fromConfig({});
  if (isConfigDict(identifier)) return deserialize(identifier);
  throw new TypeError(
    `optimizers.get: could not interpret optimizer identifier ${String(identifier)}; pass a name (${optimizerNames.join(", ")}), ` +
      "an optimizer such as optimizers.Adam({ learningRate: 1e-3 }), or a { class_name, config } object",
  );
}

function lookup(name: string, where: string): Entry {
  const key = name.toLowerCase();
  const entry = Object.hasOwn(OPTIMIZERS, key) ? OPTIMIZERS[key] : undefined;
  if (!entry) {
    throw new RangeError(`${where}: unknown optimizer ${JSON.stringify(name)}; valid names are ${optimizerNames.join(", ")} (any case)`);
  }
  return entry;
}
