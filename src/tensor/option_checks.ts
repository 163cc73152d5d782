/**
 * The value checks shared by every options object (ops, losses, metrics, optimizers, callbacks):
 * JavaScript callers and JSON configs reach them without TypeScript's help, so a wrong type or an
 * out-of-range value is refused with the class, the option, the value and what is expected,
 * rather than taken silently ("y" is truthy, "0.1" compares as a number).
 * `where` names the class or function, e.g. "callbacks.EarlyStopping" or "SGD".
 */
import { valueText } from "./value_text.js";

/**
 * The options object itself: a plain object, {} when absent (undefined or null), else an error
 * such as "EarlyStopping: options must be an object such as { patience: 3 }, got "x"".
 */
export function optionsObject<O extends object>(where: string, value: O | null | undefined, example: string): O {
  if (value === undefined || value === null) return {} as O;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${where}: options must be an object such as ${example}, got ${valueText(value)}`);
  }
  return value;
}

/**
 * A boolean option: true or false, or `fallback` when left out (without a fallback, leaving it out
 * is refused too). Anything else is refused naming the option: JavaScript callers and JSON configs
 * get no compiler check, and a truthy "no" would silently act as true and be saved as "no".
 */
export function booleanOption(where: string, key: string, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${where}: ${key} must be true or false, got ${valueText(value)}`);
  return value;
}

/** A non-empty string, or `fallback` when absent. */
export function stringOption(where: string, key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "") throw new TypeError(`${where}: ${key} must be a non-empty string, got ${valueText(value)}`);
  return value;
}

/**
 * A name given as an option: a string, or `fallback` when absent, null or empty (Keras'
 * `name or auto_name(...)` picks the default for None and "").
 */
export function nameOption(where: string, value: unknown, fallback: string): string {
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value !== "string") throw new TypeError(`${where}: name must be a string, got ${valueText(value)}`);
  return value;
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** Whether min itself is refused. */
  exclusiveMin?: boolean;
  integer?: boolean;
}

/** A finite number within `rule`; the error names the option and the bound it breaks. */
export function checkNumber(where: string, key: string, value: unknown, rule: NumberRule = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${where}: ${key} must be a finite number, got ${valueText(value)}`);
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

/** A finite number option within its range, or `fallback` when absent. */
export function numberOption(where: string, key: string, value: unknown, fallback: number, rule: NumberRule = {}): number {
  if (value === undefined) return fallback;
  return checkNumber(where, key, value, rule);
}

/** A number option that may be null (Keras' None), or `fallback` when absent. */
export function nullableNumberOption(where: string, key: string, value: unknown, fallback: number | null, rule: NumberRule = {}): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  return checkNumber(where, key, value, rule);
}

/** A count such as patience or cooldown: an integer >= 0, or `fallback` when absent. */
export function countOption(where: string, key: string, value: unknown, fallback: number): number {
  return numberOption(where, key, value, fallback, { integer: true, min: 0 });
}
