/**
 * Keras 3's auto-config (Operation.__new__ and get_config): a custom layer or model that writes no
 * getConfig() still saves and loads, its config being the base config merged with the arguments it
 * was constructed with, when those are all plain values (strings, numbers, booleans, null, lists and
 * plain objects of them, as Keras allows); from_config is then `new cls(config)`.
 *
 * JavaScript gives a base constructor no view of its subclass's arguments, so they are recorded
 * where the class is constructed: registerKerasSerializable returns the class wrapped in a Proxy
 * whose construct trap records the first argument (lamina's layers take one options object), and
 * the loader records the options it constructs a layer with. Nothing here imports Layer: the base
 * classes mark their getConfig as a base one (markBaseGetConfig), which is how an auto-config
 * candidate is told from a class with its own getConfig.
 */
import { isPlainObject } from "../tensor/plain_object.js";
import { valueText } from "../tensor/value_text.js";

/** What a layer was constructed with, as auto-config saw it. */
type Recorded =
  /** One options object (or nothing): the usual lamina constructor. */
  | { readonly kind: "options"; readonly options: Readonly<Record<string, unknown>> }
  /** Arguments that `new cls(config)` cannot give back (positional ones, a first argument that is no object). */
  | { readonly kind: "positional"; readonly args: readonly unknown[] }
  /** Only what an unregistered subclass passed to its registered base class's constructor was seen. */
  | { readonly kind: "inherited"; readonly base: string };

const recorded = new WeakMap<object, Recorded>();
const baseGetConfigs = new Set<unknown>();
const proxyOf = new WeakMap<object, object>();
const originalOf = new WeakMap<object, object>();

/** Called by Layer and Model for their own getConfig: a class whose getConfig is one of these writes none of its own. */
export function markBaseGetConfig(fn: unknown): void {
  baseGetConfigs.add(fn);
}

/** Whether `obj` (a layer) has no getConfig of its own class's writing, so auto-config speaks for it. */
export function usesBaseGetConfig(obj: object): boolean {
  return baseGetConfigs.has((obj as { getConfig?: unknown }).getConfig);
}

/** Whether instances of `cls` would take their config from auto-config (a layer class with no getConfig of its own). */
export function isAutoConfigCandidate(cls: unknown): boolean {
  if (typeof cls !== "function" || originalOf.has(cls)) return false;
  const proto = (cls as { prototype?: unknown }).prototype;
  return typeof proto === "object" && proto !== null && baseGetConfigs.has((proto as { getConfig?: unknown }).getConfig);
}

/** The class an auto-config Proxy wraps (the object itself when it is none). */
export function unwrapAutoConfigClass<T>(cls: T): T {
  const original = typeof cls === "function" ? originalOf.get(cls) : undefined;
  return original === undefined ? cls : (original as T);
}

/**
 * The class, wrapped so that constructing it records its first argument on the instance (one
 * Proxy per class: wrapping twice gives the same one). The wrapper is the class in every way
 * code can see (name, static members, prototype, instanceof, `instance.constructor`), and
 * subclasses of it work: their own arguments are recorded when they are wrapped too.
 */
export function autoConfigClass<T extends abstract new (...args: never[]) => unknown>(cls: T): T {
  const original = unwrapAutoConfigClass(cls);
  const known = proxyOf.get(original);
  if (known !== undefined) return known as T;
  const proxy: T = new Proxy(original, {
    construct(target, args, newTarget) {
      // The class itself, not its wrapper, is what the constructor sees as new.target.
      const direct = newTarget === proxy;
      const instance = Reflect.construct(target, args, direct ? target : newTarget) as object;
      // A wrapped subclass's trap runs after this one returns and records its own arguments over these.
      recordConstructorArgs(instance, direct ? args : null, target.name);
      return instance;
    },
  });
  proxyOf.set(original, proxy);
  originalOf.set(proxy, original);
  // `instance.constructor === MyLayer` holds for the wrapper, and `new layer.constructor(config)` records too.
  Object.defineProperty(original.prototype, "constructor", { value: proxy, writable: true, enumerable: false, configurable: true });
  return proxy;
}

/**
 * Records what `instance` was constructed with: the constructor's arguments, or null when only
 * the arguments a subclass passed on to `base`'s constructor were seen. A snapshot of the plain
 * structure is kept, so that changing the options object later does not change the config.
 */
export function recordConstructorArgs(instance: object, args: readonly unknown[] | null, base = ""): void {
  if (args === null) {
    recorded.set(instance, { kind: "inherited", base });
    return;
  }
  const given = [...args];
  while (given.length > 0 && given[given.length - 1] === undefined) given.pop();
  if (given.length === 0) recorded.set(instance, { kind: "options", options: {} });
  else if (given.length === 1 && isPlainObject(given[0])) recorded.set(instance, { kind: "options", options: snapshot(given[0], new Set()) as Record<string, unknown> });
  else recorded.set(instance, { kind: "positional", args: given });
}

function snapshot(v: unknown, path: Set<unknown>): unknown {
  if (!Array.isArray(v) && !isPlainObject(v)) return v;
  // A structure that holds itself is kept as it is; writing the config reports it.
  if (path.has(v)) return v;
  path.add(v);
  const out = Array.isArray(v) ? v.map((x) => snapshot(x, path)) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, snapshot(x, path)]));
  path.delete(v);
  return out;
}

/** The options a layer's base config already writes (name, trainable, dtype, activity_regularizer), left out of the recorded ones. */
const BASE_KEYS: ReadonlySet<string> = new Set(["name", "trainable", "dtype", "activityRegularizer"]);

const EXAMPLE =
  "e.g. override getConfig() { return { ...super.getConfig(), units: this.units }; } (and a static fromConfig(config) " +
  "when the constructor cannot take that config back as its options)";

/**
 * The recorded options of a layer that writes no getConfig, in Keras' form: keys in snake_case
 * (the loader gives them back in camelCase), values as they were given. Null when nothing was
 * recorded (a class constructed without going through registerKerasSerializable's class): the
 * base config alone is written then, as before auto-config. Throws, naming the layer and the
 * argument, when the arguments cannot be written into a config (where Keras' get_config raises, asking for a get_config of the layer's own).
 */
export function autoConfigEntries(obj: object, who: string): Record<string, unknown> | null {
  const rec = recorded.get(obj);
  if (rec === undefined) return null;
  const where = `${who}.getConfig`;
  if (rec.kind === "inherited") {
    throw new TypeError(
      `${where}: the class extends the registered class ${rec.base} but was not constructed through a class registerKerasSerializable ` +
        `returned for it, so auto-config saw only the options it passed to ${rec.base}'s constructor, not its own; register it too ` +
        `with the decorator @saving.registerKerasSerializable() (or construct it through the class registerKerasSerializable(Class) ` +
        `returns), or write getConfig(): ${EXAMPLE}`,
    );
  }
  if (rec.kind === "positional") {
    throw new TypeError(
      `${where}: the layer was constructed with ${rec.args.length === 1 ? "the argument" : `${rec.args.length} positional arguments`} ` +
        `(${rec.args.map(argText).join(", ")}), but auto-config rebuilds a layer as new Class(config) from one options object ` +
        `(Keras' cls(**config)); take one options object in the constructor, or write getConfig(): ${EXAMPLE}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rec.options)) {
    if (BASE_KEYS.has(key) || value === undefined) continue;
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snakeToCamel(snake) !== key) {
      throw new TypeError(
        `${where}: the option "${key}" would be written as "${snake}" and read back as "${snakeToCamel(snake)}" (configs keep Keras' ` +
          `snake_case keys, options are camelCase); name the option in camelCase, or write getConfig(): ${EXAMPLE}`,
      );
    }
    out[snake] = plainValue(value, `options.${key}`, where, new Set());
  }
  return out;
}

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The value if it is made of strings, finite numbers, booleans and null in lists and plain objects (Keras' supported_types); else a clear error. */
function plainValue(v: unknown, at: string, where: string, path: Set<unknown>): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) return v;
  if ((Array.isArray(v) || isPlainObject(v)) && !path.has(v)) {
    path.add(v);
    const out = Array.isArray(v)
      ? v.map((x, i) => (x === undefined ? null : plainValue(x, `${at}[${i}]`, where, path)))
      : Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, plainValue(x, `${at}.${k}`, where, path)]));
    path.delete(v);
    return out;
  }
  const what = Array.isArray(v) || isPlainObject(v) ? "a structure that holds itself" : argText(v);
  throw new TypeError(
    `${where}: the layer was constructed with ${at} = ${what}, which auto-config cannot write into a config: it keeps only strings, ` +
      `finite numbers, booleans, null, and lists and plain objects of them, as Keras' auto-config does. Write getConfig() for this ` +
      `class (serializing that value, e.g. with saving.serializeKerasObject, and rebuilding it in a static fromConfig): ${EXAMPLE}`,
  );
}

function argText(v: unknown): string {
  // A layer is a function object: name it as a layer rather than as a function.
  const l = v as { className?: unknown; name?: unknown };
  if (typeof v === "function" && typeof l.className === "string") return `${l.className} "${String(l.name)}"`;
  return valueText(v);
}
