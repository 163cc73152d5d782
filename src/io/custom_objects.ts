/** Keras' custom-object registry (`register_keras_serializable`) and what loading takes as custom objects. */
import { isClass, describe, errorText } from "./config_json.js";

/** A class that can be registered or passed in `customObjects`. */
export type SerializableClass = abstract new (...args: never[]) => unknown;
/** A custom class, or a function (an activation, a loss, a Lambda's function). */
export type CustomObject = SerializableClass | ((...args: never[]) => unknown);
/** Keras' `custom_objects`: custom classes and functions by the name a config uses. */
export type CustomObjects = Readonly<Record<string, CustomObject>>;

export interface DeserializeOptions {
  /** Classes and functions by class name or registered name, as Keras' `custom_objects`. */
  customObjects?: CustomObjects;
  /**
   * Refuse configs that carry code (a Lambda's function stored as source), as Keras'
   * `safe_mode`. Default true. With false, JavaScript code is rebuilt with `new Function`.
   */
  safeMode?: boolean;
  /** Compile a model whose config has a `compile_config` (Keras does). Default true. */
  compile?: boolean;
}


// ------------------------------------------------------------------ registry

const registeredObjects = new Map<string, CustomObject>();
const registeredNames = new Map<CustomObject, string>();

/**
 * Keras' `@keras.saving.register_keras_serializable(package, name)`: records a custom layer,
 * model or function under `"<package>><name>"` (package "Custom", name the class's name by
 * default), so configs that name it load without `customObjects`. Returns the object itself.
 */
export function registerKerasSerializable<T extends CustomObject>(obj: T, opts: { package?: string; name?: string } = {}): T {
  if (typeof obj !== "function") {
    throw new TypeError(`registerKerasSerializable: expected a class or a function, got ${describe(obj)}`);
  }
  const pkg = opts.package ?? "Custom";
  const name = opts.name ?? obj.name;
  if (!name) throw new TypeError("registerKerasSerializable: the object has no name; pass { name } explicitly");
  if (pkg.includes(">") || name.includes(">")) {
    throw new RangeError(`registerKerasSerializable: package and name must not contain ">" (got package ${JSON.stringify(pkg)}, name ${JSON.stringify(name)})`);
  }
  const key = `${pkg}>${name}`;
  const prev = registeredObjects.get(key);
  if (prev !== undefined && prev !== obj) {
    throw new RangeError(`registerKerasSerializable: "${key}" is already registered to another object; choose another package or name`);
  }
  registeredObjects.set(key, obj);
  registeredNames.set(obj, key);
  return obj;
}

/** The `"<package>><name>"` key an object was registered under, if it was. */
export function registrationKey(obj: CustomObject): string | undefined {
  return registeredNames.get(obj);
}

/** The object registered under exactly this `"<package>><name>"` key. */
export function registeredUnder(key: string): CustomObject | undefined {
  return registeredObjects.get(key);
}

/** Every registration key, in registration order. */
export function registrationKeys(): string[] {
  return [...registeredObjects.keys()];
}

/** Keras' get_registered_name: `"<package>><name>"` for a registered object, else its own name. */
export function getRegisteredName(obj: CustomObject): string {
  return registeredNames.get(obj) ?? obj.name;
}

/** Keras' get_registered_object: the object registered (or given in customObjects) under `name`. */
export function getRegisteredObject(name: string, customObjects: CustomObjects = {}): CustomObject | undefined {
  if (Object.hasOwn(customObjects, name)) return customObjects[name];
  const direct = registeredObjects.get(name);
  if (direct !== undefined) return direct;
  // A config from Keras 2 (or hand-written) may name only the class: match "<package>><name>".
  const matches = [...registeredObjects.entries()].filter(([k]) => k.slice(k.indexOf(">") + 1) === name);
  return matches.length === 1 ? matches[0][1] : undefined;
}


/** A custom (non-layer) class from its config: its static fromConfig, else `new cls(config)`. */
export function constructObject(cls: CustomObject, config: Readonly<Record<string, unknown>>, where: string): unknown {
  const c = cls as unknown as { fromConfig?: (config: Readonly<Record<string, unknown>>) => unknown } & (new (config: Readonly<Record<string, unknown>>) => unknown);
  try {
    if (typeof c.fromConfig === "function") return c.fromConfig(config);
    if (isClass(cls)) return new c(config);
    return cls;
  } catch (e) {
    throw new Error(`${where}: ${cls.name}: ${errorText(e)}`);
  }
}
