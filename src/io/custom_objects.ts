/** Keras' custom-object registry (`register_keras_serializable`) and what loading takes as custom objects. */
import { AsyncLocalStorage } from "node:async_hooks";
import { isClass, describe, errorText } from "./config_json.js";
import { installRateFunctionRegistry } from "../optimizers/rate_function_config.js";
import { autoConfigClass, isAutoConfigCandidate, unwrapAutoConfigClass } from "../layers/auto_config.js";

/** A class that can be registered or passed in `customObjects`. */
export type SerializableClass = abstract new (...args: never[]) => unknown;
/** A custom class, or a function (an activation, a loss, a Lambda's function). */
export type CustomObject = SerializableClass | ((...args: never[]) => unknown);
/** Keras' `custom_objects`: custom classes and functions by the name a config uses. */
export type CustomObjects = Readonly<Record<string, CustomObject>>;

let unsafeDeserialization = false;

/**
 * keras.config.enable_unsafe_deserialization: turns safe mode off for the rest of the program,
 * whatever safeMode a load asks for (Keras' global setting overrides the argument).
 */
export function enableUnsafeDeserialization(): void {
  unsafeDeserialization = true;
}

/** Whether a load with this safeMode option refuses code: never once unsafe deserialization is enabled. */
export function inSafeMode(safeMode: boolean | undefined): boolean {
  return unsafeDeserialization ? false : (safeMode ?? true);
}

/** Puts back the default (safe mode per load); for tests, which must leave global state as they found it. */
export function resetUnsafeDeserialization(): void {
  unsafeDeserialization = false;
}

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

// A plain object rather than a Map: getCustomObjects hands it out live, as Keras' GLOBAL_CUSTOM_OBJECTS.
const registeredObjects: Record<string, CustomObject> = Object.create(null) as Record<string, CustomObject>;
const registeredNames = new Map<CustomObject, string>();

/**
 * Keras' `@keras.saving.register_keras_serializable(package, name)`: records a custom layer,
 * model or function under `"<package>><name>"` (package "Custom", name the class's name by
 * default), so configs that name it load without `customObjects`. Returns the object itself,
 * except for a layer or model class that writes no getConfig of its own: then it returns the
 * class wrapped so that constructing it records its options, which getConfig() writes as Keras'
 * auto-config does (the decorator form puts the wrapper in the class's place; otherwise use
 * what this returns, `const MyLayer = registerKerasSerializable(class MyLayer ...)`). The
 * wrapper is the class in all else: name, static members, prototype, instanceof, subclassing.
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
  const original = unwrapAutoConfigClass(obj);
  const registered = isAutoConfigCandidate(original) ? (autoConfigClass(original as SerializableClass) as unknown as T) : obj;
  const prev = Object.hasOwn(registeredObjects, key) ? registeredObjects[key] : undefined;
  if (prev !== undefined && unwrapAutoConfigClass(prev) !== original) {
    throw new RangeError(`registerKerasSerializable: "${key}" is already registered to another object; choose another package or name`);
  }
  // The registry keeps the class as given (Keras' get_custom_objects()[key] is the class): the
  // loader records the options it constructs a layer with itself, wrapper or not.
  registeredObjects[key] = original;
  // Instances name their class through the wrapper (their prototype's constructor), code through either.
  registeredNames.set(registered, key);
  registeredNames.set(original, key);
  return registered;
}

/** The `"<package>><name>"` key an object is registered under, if it is (an entry deleted from getCustomObjects() unregisters it). */
export function registrationKey(obj: CustomObject): string | undefined {
  const key = registeredNames.get(obj);
  if (key === undefined || !Object.hasOwn(registeredObjects, key)) return undefined;
  return unwrapAutoConfigClass(registeredObjects[key]) === unwrapAutoConfigClass(obj) ? key : undefined;
}

/** The object registered under exactly this `"<package>><name>"` key. */
export function registeredUnder(key: string): CustomObject | undefined {
  return Object.hasOwn(registeredObjects, key) ? registeredObjects[key] : undefined;
}

/** Every registration key, in registration order. */
export function registrationKeys(): string[] {
  return Object.keys(registeredObjects);
}

/** Keras' get_registered_name: `"<package>><name>"` for a registered object, else its own name. */
export function getRegisteredName(obj: CustomObject): string {
  return registrationKey(obj) ?? obj.name;
}

/** Keras' get_registered_object: the object registered (or given in customObjects) under `name`. */
export function getRegisteredObject(name: string, customObjects: CustomObjects = {}): CustomObject | undefined {
  const scoped = scopeStore.getStore();
  if (scoped !== undefined && Object.hasOwn(scoped, name)) return scoped[name];
  if (Object.hasOwn(customObjects, name)) return customObjects[name];
  const direct = registeredUnder(name);
  if (direct !== undefined) return direct;
  // A config from Keras 2 (or hand-written) may name only the class: match "<package>><name>".
  const matches = Object.entries(registeredObjects).filter(([k]) => k.slice(k.indexOf(">") + 1) === name);
  return matches.length === 1 ? matches[0][1] : undefined;
}

// An optimizer's learning-rate function or custom schedule is written and found through this registry, as Keras'
// serialize/deserialize_keras_object do (optimizers cannot import io, which lies below them).
installRateFunctionRegistry({
  registeredName: (fn) => getRegisteredName(fn),
  lookup: (name) => {
    const found = getRegisteredObject(name);
    return typeof found === "function" && !isClass(found) ? (found as () => unknown) : undefined;
  },
  lookupClass: (name) => {
    const found = getRegisteredObject(name);
    return isClass(found) ? (found as SerializableClass) : undefined;
  },
});

// ------------------------------------------------------------------ scopes

// AsyncLocalStorage keeps a scope to the code run inside it, awaits included, so concurrent loads
// outside the scope never see its objects.
const scopeStore = new AsyncLocalStorage<CustomObjects>();

function checkCustomObjects(where: string, objects: unknown): CustomObjects {
  if (typeof objects !== "object" || objects === null || Array.isArray(objects)) {
    throw new TypeError(`${where}: expected an object of custom classes and functions by name, e.g. { MyLayer }, got ${describe(objects)}`);
  }
  for (const [k, v] of Object.entries(objects)) {
    if (typeof v !== "function") throw new TypeError(`${where}: the custom object "${k}" is ${describe(v)}; each value must be a class or a function`);
  }
  return objects as CustomObjects;
}

/**
 * Keras' `custom_object_scope(objects)` (`with` block) as a function: runs `fn` (sync or async)
 * with `objects` visible to every deserialization inside it (loadModel, modelFromConfig,
 * Layer.fromConfig, activations...), as if passed in `customObjects`, and returns what `fn`
 * returns. Objects of a scope take precedence over `customObjects`, as in Keras. A nested scope
 * replaces the outer one's objects for its duration, as Keras 3.5's does (pass both to see both).
 */
export function customObjectScope<T>(objects: CustomObjects, fn: () => T): T {
  const where = "customObjectScope";
  const own = checkCustomObjects(where, objects);
  if (typeof fn !== "function") throw new TypeError(`${where}: the second argument must be the function to run inside the scope, e.g. customObjectScope({ MyLayer }, () => loadModel(path)), got ${describe(fn)}`);
  return scopeStore.run({ ...own }, fn);
}

/**
 * Keras' `CustomObjectScope(custom_objects)` as an object: `enter()` makes its objects visible to
 * every deserialization that follows (loadModel, modelFromConfig, Layer.fromConfig...), as Keras'
 * `with` block does, until `exit()` puts back the scope that was there before; `run(fn)` does both
 * around fn (customObjectScope). A scope replaces the outer one's objects while entered, as Keras'
 * does. `using scope = new CustomObjectScope({ MyLayer }).enter()` exits at the end of the block.
 */
export class CustomObjectScope {
  /** The objects of the scope (a copy of those given). */
  readonly customObjects: CustomObjects;
  private backup: CustomObjects | undefined = undefined;
  private entered = false;

  constructor(customObjects: CustomObjects | null = null) {
    this.customObjects = { ...checkCustomObjects("CustomObjectScope", customObjects ?? {}) };
  }

  /**
   * Keras' __enter__: from now on (in this call chain, awaits included) the scope's objects are
   * found when deserializing. Returns the scope.
   */
  enter(): this {
    if (this.entered) throw new Error("CustomObjectScope.enter: this scope is already entered; exit() it first, or make another scope");
    this.backup = scopeStore.getStore();
    scopeStore.enterWith({ ...this.customObjects });
    this.entered = true;
    return this;
  }

  /** Keras' __exit__: the scope around enter() (none, outside any) is back. */
  exit(): void {
    if (!this.entered) throw new Error("CustomObjectScope.exit: this scope was not entered; call enter() first");
    // An empty store is what no scope at all amounts to: nothing scoped, customObjects alone count.
    scopeStore.enterWith(this.backup ?? {});
    this.backup = undefined;
    this.entered = false;
  }

  [Symbol.dispose](): void {
    if (this.entered) this.exit();
  }

  /** Runs `fn` (sync or async) inside the scope, as customObjectScope(this.customObjects, fn). */
  run<T>(fn: () => T): T {
    return customObjectScope(this.customObjects, fn);
  }
}

/** The custom objects of the innermost customObjectScope around the caller (empty outside one). */
export function scopedCustomObjects(): CustomObjects {
  return scopeStore.getStore() ?? {};
}

/** The custom objects a deserialization uses: those passed, then (overriding, as Keras) the scope's. */
export function effectiveCustomObjects(customObjects: CustomObjects | undefined): CustomObjects {
  const scoped = scopeStore.getStore();
  return scoped === undefined ? customObjects ?? {} : { ...customObjects, ...scoped };
}

/**
 * Keras' `get_custom_objects()`: the live registry of custom objects by name. registerKerasSerializable
 * adds to it under "<package>><name>"; an entry set here by hand (`getCustomObjects().MyLayer = MyLayer`)
 * is found by that name when loading; deleting an entry unregisters it. Scopes' objects are not in it.
 */
export function getCustomObjects(): Record<string, CustomObject> {
  return registeredObjects;
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
