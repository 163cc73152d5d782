/**
 * keras.utils.Config (keras/src/utils/config.py): a dict-like container of named values, read and
 * written as properties (`config.seed = 1`) or through get/update/pop, that can be frozen against
 * further changes and written as JSON.
 */
import { valueText } from "../tensor/value_text.js";

/** The closest of `names` to `name` (at least 70% alike, as Keras' difflib cutoff), for "did you mean". */
function closest(name: string, names: readonly string[]): string | null {
  let best: string | null = null, bestScore = 0.7;
  for (const n of names) {
    // Similarity 2 * (common prefix + common suffix) / total length: enough to catch a typo.
    let pre = 0;
    while (pre < Math.min(n.length, name.length) && n[pre] === name[pre]) pre++;
    let suf = 0;
    while (suf < Math.min(n.length, name.length) - pre && n[n.length - 1 - suf] === name[name.length - 1 - suf]) suf++;
    const score = (2 * (pre + suf)) / (n.length + name.length);
    if (score >= bestScore) [best, bestScore] = [n, score];
  }
  return best;
}

/**
 * keras.utils.Config: `new Config({ learning_rate: 0.1 })`, then `config.momentum = 0.9`,
 * `config.learning_rate`, `config.get("seed", 0)`. Reading an entry that is not there throws
 * (naming the closest entry), as Keras' AttributeError. `freeze()` makes every change throw until
 * `unfreeze()`. Iterating gives the keys sorted, as Keras' __iter__; keys(), values() and items()
 * keep insertion order. Names of Config's own members (get, keys, frozen...) reach the members;
 * use get()/update() for entries of those names.
 */
export class Config {
  // The entries live beside the object; the Proxy routes every other property to them.
  [key: string]: unknown;
  private readonly entries: Record<string, unknown>;
  private isFrozen = false;

  constructor(values: Readonly<Record<string, unknown>> = {}) {
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      throw new TypeError(`Config: expected an object of named values, e.g. new Config({ learning_rate: 0.1 }), got ${valueText(values)}`);
    }
    this.entries = { ...values };
    return new Proxy(this, {
      get: (target, key, receiver) => {
        if (typeof key === "symbol" || key in target) return Reflect.get(target, key, receiver);
        if (Object.hasOwn(target.entries, key)) return target.entries[key];
        // Not thenable: `await config` must not look for a then entry.
        if (key === "then") return undefined;
        const near = closest(key, Object.keys(target.entries));
        throw new RangeError(`Config: unknown attribute '${key}'.${near !== null ? ` Did you mean '${near}'?` : ""}`);
      },
      set: (target, key, value, receiver) => {
        if (typeof key === "symbol" || key in target) return Reflect.set(target, key, value, receiver);
        target.raiseIfFrozen();
        target.entries[key] = value;
        return true;
      },
      has: (target, key) => (typeof key === "string" && Object.hasOwn(target.entries, key)) || key in target,
      deleteProperty: (target, key) => {
        if (typeof key === "symbol" || !Object.hasOwn(target.entries, key)) return Reflect.deleteProperty(target, key);
        target.raiseIfFrozen();
        delete target.entries[key];
        return true;
      },
    });
  }

  private raiseIfFrozen(): void {
    if (this.isFrozen) throw new Error("Config: cannot mutate attribute(s) because the config is frozen; unfreeze() it first");
  }

  /** Whether the config is frozen. */
  get frozen(): boolean {
    return this.isFrozen;
  }
  /** Marks the config as frozen: every change throws until unfreeze(). */
  freeze(): void {
    this.isFrozen = true;
  }
  unfreeze(): void {
    this.isFrozen = false;
  }
  /** A copy of the entries as a plain object (Keras' as_dict). */
  asDict(): Record<string, unknown> {
    return { ...this.entries };
  }
  /** The entries as JSON (Keras' to_json). */
  toJson(): string {
    return JSON.stringify(this.entries);
  }
  /** JSON.stringify(config) writes the entries, as toJson(). */
  toJSON(): Record<string, unknown> {
    return this.asDict();
  }
  keys(): string[] {
    return Object.keys(this.entries);
  }
  values(): unknown[] {
    return Object.values(this.entries);
  }
  items(): [string, unknown][] {
    return Object.entries(this.entries);
  }
  /** The entry `key`, or `fallback` (default undefined) when it is absent. */
  get(key: string, fallback?: unknown): unknown {
    return Object.hasOwn(this.entries, key) ? this.entries[key] : fallback;
  }
  /** Whether there is an entry `key` (Keras' `key in config`). */
  has(key: string): boolean {
    return Object.hasOwn(this.entries, key);
  }
  /** Removes the entry `key` and returns it; without `fallback` a missing key throws, as dict.pop. */
  pop(key: string, ...fallback: [unknown?]): unknown {
    this.raiseIfFrozen();
    if (!Object.hasOwn(this.entries, key)) {
      if (fallback.length > 0) return fallback[0];
      throw new RangeError(`Config.pop: no entry '${key}' (entries: ${this.keys().join(", ") || "none"}); pass a fallback to get it instead`);
    }
    const value = this.entries[key];
    delete this.entries[key];
    return value;
  }
  /** Sets every entry of `values`. */
  update(values: Readonly<Record<string, unknown>>): void {
    this.raiseIfFrozen();
    Object.assign(this.entries, values);
  }
  /** The number of entries (Keras' len). */
  get length(): number {
    return Object.keys(this.entries).length;
  }
  /** The keys, sorted (Keras' __iter__). */
  *[Symbol.iterator](): IterableIterator<string> {
    yield* Object.keys(this.entries).sort();
  }
  /** `<Config {...}>`, as Keras' repr. */
  toString(): string {
    return `<Config ${this.toJson()}>`;
  }
}
