/** JSON values as config.json holds them, and the checks and conversions every config reader shares. */
import type { DType } from "../tensor/dtype.js";
import { isDType } from "../tensor/dtype.js";
import { type LayerShape } from "../layers/layer.js";

// ------------------------------------------------------------------ types

/** A JSON value, as found in config.json. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Keras' serialized object: what `keras.saving.serialize_keras_object` returns for a layer or model. */
/** A layer's build_config: the shape it was built for, or an attention layer's shapes by argument. */
export type BuildConfig = { input_shape: JsonValue } | { shapes_dict: JsonObject };

export interface KerasObject {
  module: string | null;
  class_name: string;
  config: JsonObject;
  registered_name: string | null;
  /** The input shape the layer was built for (Keras' get_build_config). */
  build_config?: BuildConfig;
  /** A compiled model's compile() arguments (Keras' get_compile_config). */
  compile_config?: JsonObject;
}

// ------------------------------------------------------------------ helpers

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function asRecord(x: unknown, where: string): Readonly<Record<string, unknown>> {
  if (x === null || x === undefined) return {};
  if (!isRecord(x)) throw new TypeError(`${where}: config must be an object, got ${describe(x)}`);
  return x;
}

export function isClass(f: unknown): boolean {
  return typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "function") return `function ${x.name || "(anonymous)"}`;
  if (typeof x === "object") {
    try {
      const s = JSON.stringify(x);
      return s.length > 120 ? `${s.slice(0, 117)}...` : s;
    } catch {
      return Object.prototype.toString.call(x);
    }
  }
  return typeof x === "string" ? JSON.stringify(x) : String(x);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function expectString(v: unknown, where: string, key: string): string {
  if (typeof v !== "string") throw new TypeError(`${where}: config key "${key}" must be a string, got ${describe(v)}`);
  return v;
}

export function expectBoolean(v: unknown, where: string, key: string): boolean {
  if (typeof v !== "boolean") throw new TypeError(`${where}: config key "${key}" must be true or false, got ${describe(v)}`);
  return v;
}

export function expectIndex(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new TypeError(`${where}: expected a non-negative integer index, got ${describe(v)}`);
  return v;
}

export function readShape(v: unknown, where: string): (number | null)[] {
  if (!Array.isArray(v) || !v.every((d) => d === null || (typeof d === "number" && Number.isInteger(d) && d >= 0))) {
    throw new TypeError(`${where}: expected a shape (a list of non-negative integers or null), got ${describe(v)}`);
  }
  return [...(v as (number | null)[])];
}

export function shapeJson(shape: LayerShape | LayerShape[]): JsonValue {
  return (shape as readonly unknown[]).map((d) => (Array.isArray(d) ? shapeJson(d as LayerShape) : (d as number | null)));
}

/** A dtype from Keras' spelling: "float32", or a DTypePolicy / Policy object. */
export function readDType(v: unknown, where: string): DType | undefined {
  if (v === null || v === undefined) return undefined;
  let name: unknown = v;
  if (isRecord(v)) {
    const cls = v.class_name;
    if (cls !== "DTypePolicy" && cls !== "Policy" && cls !== "FloatDTypePolicy") {
      throw new RangeError(`${where}: dtype policy ${describe(v)} is not supported; lamina layers compute in one dtype (float32 or float64)`);
    }
    name = isRecord(v.config) ? v.config.name : undefined;
  }
  if (isDType(name)) return name;
  throw new RangeError(
    `${where}: dtype ${describe(name)} is not supported by lamina (mixed precision and 16-bit floats are not); use float32, float64, int32, int64, bool or uint8`,
  );
}

/** A deep copy of a JSON value as read from a config. */
export function cloneJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneJson);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneJson(x)]));
  return v;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Checks that a config value is JSON (what a config.json can hold) and copies it. */
export function toJson(v: unknown, where: string): JsonValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new RangeError(`${where}: ${v} cannot be written to JSON`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => (x === undefined ? null : toJson(x, `${where}[${i}]`)));
  if (isRecord(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x, `${where}.${k}`);
    return out;
  }
  throw new TypeError(`${where}: ${describe(v)} is not a JSON value (a layer's getConfig must return numbers, strings, booleans, null, lists and plain objects)`);
}
