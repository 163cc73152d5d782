/**
 * Config values as Keras serializes them (JSON-compatible), and the checks shared by the
 * constructors of optimizers and schedules.
 */
import { valueText } from "../tensor/value_text.js";

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

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object" && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}


export interface NumberRule {
  min?: number;
  max?: number;
  /** Whether min itself is refused. */
  exclusiveMin?: boolean;
  integer?: boolean;
}

/** A finite number option within its range, or the default when absent. */
export function numberOption(where: string, key: string, value: unknown, fallback: number, rule: NumberRule = {}): number {
  if (value === undefined) return fallback;
  return checkNumber(where, key, value, rule);
}

/** A number option that may be null (Keras' None), or the default when absent. */
export function nullableNumberOption(where: string, key: string, value: unknown, fallback: number | null, rule: NumberRule = {}): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  return checkNumber(where, key, value, rule);
}

export function checkNumber(where: string, key: string, value: unknown, rule: NumberRule = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${where}: ${key} must be a finite number, got ${show(value)}`);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new RangeError(`${where}: ${key} must be an integer, got ${valueText(value)}`);
  }
  if (rule.min !== undefined && (value < rule.min || (rule.exclusiveMin && value === rule.min))) {
    throw new RangeError(`${where}: ${key} must be ${rule.exclusiveMin ? ">" : ">="} ${rule.min}, got ${valueText(value)}`);
  }
  if (rule.max !== undefined && value > rule.max) {
    throw new RangeError(`${where}: ${key} must be <= ${rule.max}, got ${valueText(value)}`);
  }
  return value;
}

export function booleanOption(where: string, key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${where}: ${key} must be true or false, got ${show(value)}`);
  return value;
}

export function stringOption(where: string, key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "") throw new TypeError(`${where}: ${key} must be a non-empty string, got ${show(value)}`);
  return value;
}

export function numberArrayOption(where: string, key: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${where}: ${key} must be an array of numbers, got ${show(value)}`);
  return value.map((v, i) => checkNumber(where, `${key}[${i}]`, v));
}
