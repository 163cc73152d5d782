/**
 * Shared pieces of nn/: Keras-style configs, identifiers, automatic names and the wrapper that
 * lets a class be called with or without `new` (`metrics.AUC()` as in Keras, `new metrics.AUC()`).
 */

import { valueText } from "../tensor/value_text.js";
import { checkOptionKeys } from "../tensor/option_keys.js";
import { booleanOption } from "../tensor/option_checks.js";

/** A JSON value as found in a Keras config. */
export type ConfigValue = number | string | boolean | null | readonly ConfigValue[] | { readonly [key: string]: ConfigValue };

/** A Keras `get_config()` dictionary: snake_case keys, JSON values. */
export type Config = { [key: string]: ConfigValue };

/**
 * A serialized Keras object: `{ className: "HeNormal", config: { seed: 42 } }`. Keras' own
 * spelling `class_name` (as in config.json) is accepted too.
 */
export interface SerializedObject {
  className?: string;
  class_name?: string;
  config?: Config;
}

/** A class that may also be called as a function: `C(...args)` returns `new C(...args)`. */
export type CallableClass<C extends abstract new (...args: never[]) => unknown> =
  C & ((...args: ConstructorParameters<C>) => InstanceType<C>);

/** Wraps a class so that calling it without `new` constructs it (Keras' `metrics.AUC()`). */
export function callableClass<C extends new (...args: never[]) => unknown>(cls: C): CallableClass<C> {
  const wrapped: C = new Proxy(cls, {
    apply: (target, _thisArg, args: unknown[]) => Reflect.construct(target, args) as unknown,
    // `new` on the wrapper constructs the class itself, so its constructor sees new.target === cls
    // (how built-ins tell themselves from a user's subclass); a subclass's new.target is kept.
    construct: (target, args: unknown[], newTarget: Function) => Reflect.construct(target, args, newTarget === wrapped ? target : newTarget) as object,
  });
  return wrapped as CallableClass<C>;
}

/** Keras' to_snake_case: "TopKCategoricalAccuracy" -> "top_k_categorical_accuracy", "AUC" -> "auc". */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

const nameUids = new Map<string, number>();

/**
 * Keras' auto_name: the snake_case prefix the first time ("precision"), then "precision_1",
 * "precision_2", ... as Keras' global name counter does for metrics created without a name.
 */
export function autoName(prefix: string): string {
  const base = toSnakeCase(prefix);
  const n = nameUids.get(base) ?? 0;
  nameUids.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Forgets the automatic names handed out so far (part of keras.backend.clear_session()). */
export function resetAutoNames(): void {
  nameUids.clear();
}

/** The class name of a serialized object, from `className` or Keras' `class_name`. */
export function serializedClassName(obj: SerializedObject): string | undefined {
  return obj.className ?? obj.class_name;
}

/** True for a plain `{ className | class_name, config }` object. */
export function isSerializedObject(x: unknown): x is SerializedObject {
  if (typeof x !== "object" || x === null) return false;
  const o = x as { className?: unknown; class_name?: unknown };
  return typeof o.className === "string" || typeof o.class_name === "string";
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The error for a name that is not in a registry: names the registry (`kind`, e.g. "losses") and
 * the kind of object (`noun`, e.g. "loss"), suggests the closest names and lists every valid one.
 */
export function unknownIdentifier(kind: string, noun: string, name: string, valid: readonly string[]): Error {
  const lower = name.toLowerCase();
  const scored = valid
    .map((v) => ({ v, d: editDistance(lower, v.toLowerCase()) }))
    .filter(({ v, d }) => d <= Math.max(2, Math.floor(v.length / 4)) || (lower.length >= 3 && v.toLowerCase().includes(lower)))
    .sort((a, b) => a.d - b.d);
  const close = [...new Set(scored.map((s) => s.v))].slice(0, 3);
  const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "";
  return new RangeError(`${kind}.get: unknown ${noun} "${name}".${hint} Valid names: ${valid.map((v) => `"${v}"`).join(", ")}`);
}

/** Reads an optional number from a Keras config, checking its type. */
export function configNumber(kind: string, config: Config, key: string): number | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number") throw new TypeError(`${kind}: config key "${key}" must be a number, got ${valueText(v)}`);
  return v;
}

/** Reads an optional string from a Keras config, checking its type. */
export function configString(kind: string, config: Config, key: string): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new TypeError(`${kind}: config key "${key}" must be a string, got ${valueText(v)}`);
  return v;
}

/** Reads an optional boolean from a Keras config, checking its type. */
export function configBoolean(kind: string, config: Config, key: string): boolean | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  return booleanOption(kind, `config key "${key}"`, v, false);
}

/** The class axis of a cross-entropy or similarity: an integer, or `fallback` when absent or null. */
export function integerAxisOption(where: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${where}: axis must be an integer (-1 for the last axis), got ${valueText(value)}`);
  }
  return value;
}

/**
 * labelSmoothing of the cross-entropies: a number in [0, 1], 0 when absent or null (Keras' falsy
 * None smooths nothing). A string such as "0.1" is refused: it compares as a number in JavaScript.
 */
export function labelSmoothingOption(where: string, value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number") throw new TypeError(`${where}: labelSmoothing must be a number in [0, 1], got ${valueText(value)}`);
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${where}: labelSmoothing must lie in [0, 1], got ${valueText(value)}`);
  return value;
}

/** Reads an optional axis (a number or a list of numbers) from a Keras config. */
export function configAxis(kind: string, config: Config, key: string): number | number[] | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return v;
  if (Array.isArray(v) && v.every((a) => typeof a === "number")) return v as number[];
  throw new TypeError(`${kind}: config key "${key}" must be an axis or a list of axes, got ${valueText(v)}`);
}

/** Rejects config keys a class does not take (Keras' `cls(**config)` raises on them too). */
export function checkConfigKeys(kind: string, config: Config, allowed: readonly string[]): void {
  const extra = Object.keys(config).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw new RangeError(
      `${kind}: unknown config key${extra.length > 1 ? "s" : ""} ${extra.map((k) => `"${k}"`).join(", ")}; ` +
        (allowed.length > 0 ? `the keys it takes are ${allowed.map((k) => `"${k}"`).join(", ")}` : "it takes no config keys"),
    );
  }
}

export { snakeToCamel } from "../tensor/option_keys.js";

/**
 * Refuses option keys outside `allowed`, suggesting the camelCase spelling for Keras' snake_case
 * names (learning_rate -> learningRate).
 */
export function checkKeys(where: string, opts: object, allowed: readonly string[]): void {
  checkOptionKeys(where, opts, allowed);
}
