/**
 * Config values as Keras serializes them (JSON-compatible), and the checks shared by the
 * constructors of optimizers and schedules.
 */
import { valueText } from "../tensor/value_text.js";
import { checkNumber } from "../tensor/option_checks.js";

export type ConfigValue = number | string | boolean | null | ConfigValue[] | ConfigDict;
export interface ConfigDict {
  [key: string]: ConfigValue;
}

/** Keras' serialized form of an object, as read: `{ class_name, config }` (module and registered_name optional). */
export interface SerializedObject {
  module?: string;
  class_name: string;
  config?: ConfigDict;
  registered_name?: string | null;
}

/** Keras' serialized form of an object, as written: `{ module, class_name, config, registered_name }`. */
export type SerializedConfig = {
  module: string | null;
  class_name: string;
  config: ConfigDict;
  registered_name: string | null;
};

export function isConfigDict(x: unknown): x is ConfigDict {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

// Shared with the losses, metrics, layers and models, whose options are checked the same way.
export { checkKeys, snakeToCamel } from "../nn/common.js";

/** learningRate -> learning_rate, beta1 -> beta_1. */
export function camelToSnake(key: string): string {
  return key.replace(/([A-Z])/g, (c) => `_${c.toLowerCase()}`).replace(/([a-z])([0-9])/g, "$1_$2");
}

// The option checks every layer of the code shares (src/tensor/option_checks.ts).
export {
  type NumberRule, booleanOption, checkNumber, nullableNumberOption, numberOption, stringOption,
} from "../tensor/option_checks.js";

export function numberArrayOption(where: string, key: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${where}: ${key} must be an array of numbers, got ${valueText(value)}`);
  return value.map((v, i) => checkNumber(where, `${key}[${i}]`, v));
}
