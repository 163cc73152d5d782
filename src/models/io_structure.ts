/**
 * The structure a functional model's inputs or outputs were given in (Keras' `_inputs_struct` /
 * `_outputs_struct`): one tensor, a list, or an object keyed by name, one level deep. The model
 * works on the flat list; this turns the structure into that list and packs a flat list back.
 * As Keras' tree.flatten, an object flattens in sorted key order, whatever order it was written in.
 */
import { isPlainObject } from "../tensor/plain_object.js";

/** Values keyed by name, as a dict-structured model takes or returns them. */
export type Keyed<T> = Readonly<Record<string, T>>;

/** One value, a list, or an object keyed by name: how a model's inputs or outputs may be given. */
export type Structured<T> = T | readonly T[] | Keyed<T>;

export type IoStructure =
  | { readonly kind: "single" }
  | { readonly kind: "list" }
  /** `keys` in the order the object was written (Keras writes the config so), `flatKeys` sorted: the flat order. */
  | { readonly kind: "dict"; readonly keys: readonly string[]; readonly flatKeys: readonly string[] };

/** Python's sorted() of str keys: by code point (JavaScript's default sort compares UTF-16 units, which differs above U+FFFF). */
export function sortedKeys(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => {
    const x = [...a], y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
      if (d !== 0) return d;
    }
    return x.length - y.length;
  });
}

/**
 * The flat list and structure of a model's `inputs` or `outputs` argument (`what`). Deeper nesting
 * (a list of objects, an object of lists) is refused; what the leaves are is the graph's to check.
 */
export function flattenStructure<T>(given: Structured<T>, what: string, where: string): { flat: T[]; structure: IoStructure } {
  const leaf = (v: unknown, path: string): T => {
    if (Array.isArray(v) || isPlainObject(v)) {
      throw new TypeError(
        `${where}: ${what}${path} is nested (${Array.isArray(v) ? "a list" : "an object"}); lamina takes ${what} as one tensor, a list of tensors ` +
          "or an object of tensors keyed by name, one level deep (Keras' deeper structures are not supported)",
      );
    }
    return v as T;
  };
  if (Array.isArray(given)) return { flat: (given as readonly unknown[]).map((v, i) => leaf(v, `[${i}]`)), structure: { kind: "list" } };
  if (isPlainObject(given)) {
    const keys = Object.keys(given);
    const flatKeys = sortedKeys(keys);
    return { flat: flatKeys.map((k) => leaf(given[k], `["${k}"]`)), structure: { kind: "dict", keys, flatKeys } };
  }
  return { flat: [leaf(given, "")], structure: { kind: "single" } };
}

/** The keys of a dict structure in flat order, or null for a tensor or a list. */
export function flatKeysOf(structure: IoStructure): readonly string[] | null {
  return structure.kind === "dict" ? structure.flatKeys : null;
}

/** A flat list (or the one value a single-output graph gives) packed into a dict structure; other structures pass it through. */
export function packKeyed<T>(structure: IoStructure, flat: T | readonly T[]): T | readonly T[] | Keyed<T> {
  if (structure.kind !== "dict") return flat;
  const list: readonly T[] = Array.isArray(flat) ? (flat as readonly T[]) : [flat as T];
  if (list.length !== structure.flatKeys.length) {
    throw new RangeError(`packKeyed: ${list.length} value(s) for the ${structure.flatKeys.length} key(s) ${structure.flatKeys.join(", ")}`);
  }
  return Object.fromEntries(structure.flatKeys.map((k, i) => [k, list[i]]));
}

/** A structure as the given-order object of its flat values (for configs, which Keras writes in the order given). */
export function inGivenOrder<T, U>(structure: IoStructure, flat: readonly T[], map: (v: T) => U): U[] | Record<string, U> {
  if (structure.kind === "dict") {
    const byKey = new Map(structure.flatKeys.map((k, i) => [k, flat[i]]));
    return Object.fromEntries(structure.keys.map((k) => [k, map(byKey.get(k) as T)]));
  }
  return flat.map(map);
}

/**
 * Keras' Functional warns when an `inputs` object keys an Input by another name than its own: the
 * model takes its inputs by those keys, while the config and error messages show the Inputs' names.
 */
export function warnKeysNotNames(structure: IoStructure, flat: readonly { readonly name: string }[], where: string): void {
  if (structure.kind !== "dict") return;
  structure.flatKeys.forEach((k, i) => {
    if (flat[i].name !== k) {
      process.emitWarning(`${where}: the inputs object keys the Input named "${flat[i].name}" as "${k}"; all keys should match the names of their tensors: name it so (layers.Input({ shape, name: "${k}" }))`, "UserWarning");
    }
  });
}
