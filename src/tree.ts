/**
 * `tf.tree`: Keras 3.15's keras.tree (optree semantics) on JavaScript structures. Arrays stand for
 * Python lists and tuples, plain objects for dicts; everything else (tensors, numbers, strings,
 * null, class instances) is a leaf, null included as in Keras (none_is_leaf). Objects are
 * flattened in sorted key order, as Keras sorts dict keys, and rebuilt in their own key order.
 * JavaScript has no tuples, so the list/tuple distinction Keras draws does not exist here.
 */
import { valueText } from "./tensor/value_text.js";
import { isPlainObject } from "./tensor/plain_object.js";

/** keras.tree.is_nested: an array or a plain object. */
export function isNested(structure: unknown): boolean {
  return Array.isArray(structure) || isPlainObject(structure);
}

const sortedKeys = (o: Record<string, unknown>): string[] => Object.keys(o).sort();

/** The children of a nested value in flattening order (objects by sorted key). */
function children(s: unknown): unknown[] {
  if (Array.isArray(s)) return s as unknown[];
  const o = s as Record<string, unknown>;
  return sortedKeys(o).map((k) => o[k]);
}

/** A nested value of the same kind as `like` holding `values` (given in flattening order). */
function rebuild(like: unknown, values: unknown[]): unknown {
  if (Array.isArray(like)) return values;
  const o = like as Record<string, unknown>;
  const bySorted = new Map(sortedKeys(o).map((k, i) => [k, values[i]]));
  return Object.fromEntries(Object.keys(o).map((k) => [k, bySorted.get(k)]));
}

/** keras.tree.flatten: the leaves, depth first, objects in sorted key order. */
export function flatten(structure: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (s: unknown): void => {
    if (isNested(s)) for (const c of children(s)) walk(c);
    else out.push(s);
  };
  walk(structure);
  return out;
}

/** A leaf's path: the array indices and object keys that lead to it from the top. */
export type TreePath = (number | string)[];

/** keras.tree.flatten_with_path: [path, leaf] pairs in flatten's order. */
export function flattenWithPath(structure: unknown): [TreePath, unknown][] {
  const out: [TreePath, unknown][] = [];
  const walk = (s: unknown, path: TreePath): void => {
    if (Array.isArray(s)) s.forEach((c, i) => walk(c, [...path, i]));
    else if (isPlainObject(s)) for (const k of sortedKeys(s)) walk(s[k], [...path, k]);
    else out.push([path, s]);
  };
  walk(structure, []);
  return out;
}

/**
 * keras.tree.assert_same_paths: the two structures lead to leaves along the same paths (the kind of
 * container is not compared); the error lists the paths each one lacks.
 */
export function assertSamePaths(a: unknown, b: unknown): void {
  const paths = (s: unknown): Set<string> => new Set(flattenWithPath(s).map(([p]) => JSON.stringify(p)));
  const pa = paths(a), pb = paths(b);
  const onlyA = [...pa].filter((p) => !pb.has(p)), onlyB = [...pb].filter((p) => !pa.has(p));
  if (onlyA.length === 0 && onlyB.length === 0) return;
  let msg = "tree.assertSamePaths: `a` and `b` don't have the same paths.";
  if (onlyA.length > 0) msg += `\nPaths in \`a\` missing in \`b\`:\n${onlyA.join(", ")}`;
  if (onlyB.length > 0) msg += `\nPaths in \`b\` missing in \`a\`:\n${onlyB.join(", ")}`;
  throw new RangeError(msg);
}

/** How a structure is shaped, for error messages: leaves as "*". */
function structureText(s: unknown): string {
  if (Array.isArray(s)) return `[${s.map(structureText).join(", ")}]`;
  if (isPlainObject(s)) return `{${sortedKeys(s).map((k) => `${JSON.stringify(k)}: ${structureText(s[k])}`).join(", ")}}`;
  return "*";
}

/** Whether two structures have the same nesting (arrays of equal length, objects with the same keys). */
function sameStructure(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameStructure(x, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const ka = sortedKeys(a), kb = sortedKeys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameStructure(a[k], b[k]));
  }
  return true;
}

/** Python's `type(x) is type(y)` for JavaScript leaves: the same typeof, and for objects the same prototype. */
function sameLeafType(x: unknown, y: unknown): boolean {
  if (x === null || y === null) return x === y;
  if (typeof x !== typeof y) return false;
  return typeof x !== "object" || Object.getPrototypeOf(x) === Object.getPrototypeOf(y);
}

/**
 * keras.tree.assert_same_structure: throws unless `a` and `b` nest alike; with checkTypes (the
 * default) their leaves must also be of the same type (JavaScript has one number type, so 1 and
 * 1.5 match, where Keras would tell int from float).
 */
export function assertSameStructure(a: unknown, b: unknown, checkTypes = true): void {
  if (!sameStructure(a, b)) {
    throw new RangeError(`tree.assertSameStructure: a and b don't have the same structure; a is ${structureText(a)}, b is ${structureText(b)}`);
  }
  if (checkTypes) {
    const fa = flatten(a), fb = flatten(b);
    const i = fa.findIndex((x, j) => !sameLeafType(x, fb[j]));
    if (i >= 0) throw new TypeError(`tree.assertSameStructure: the type of the leaves of a and b doesn't match (leaf ${i}: ${valueText(fa[i])} and ${valueText(fb[i])})`);
  }
}

/**
 * keras.tree.map_structure: `func` applied to the leaves of one or more structures of the same
 * nesting, in a structure like the first.
 */
export function mapStructure(func: (...leaves: unknown[]) => unknown, ...structures: unknown[]): unknown {
  if (typeof func !== "function") throw new TypeError(`tree.mapStructure: func must be a function, got ${valueText(func)}`);
  if (structures.length === 0) throw new TypeError("tree.mapStructure: pass at least one structure after func");
  for (const s of structures.slice(1)) {
    if (!sameStructure(structures[0], s)) {
      throw new RangeError(`tree.mapStructure: the structures don't nest alike: ${structureText(structures[0])} and ${structureText(s)}`);
    }
  }
  const flats = structures.map(flatten);
  return packSequenceAs(structures[0], flats[0].map((_, i) => func(...flats.map((f) => f[i]))));
}

/** The subtrees of `input` at the leaves of `shallow`, in flattening order. */
function flatUpTo(shallow: unknown, input: unknown, path: readonly (string | number)[]): unknown[] {
  if (!isNested(shallow)) return [input];
  const out: unknown[] = [];
  if (Array.isArray(shallow)) {
    if (!Array.isArray(input)) {
      throw new TypeError(`tree.mapStructureUpTo: at path [${path.join(", ")}] the shallow structure has an array but the input has ${valueText(input)}`);
    }
    // As Keras, an input longer than the shallow array is read up to the shallow array's length.
    shallow.forEach((s, i) => {
      if (i >= input.length) throw new RangeError(`tree.mapStructureUpTo: could not find index ${i} in the input at path [${path.join(", ")}] (${input.length} items)`);
      out.push(...flatUpTo(s, input[i] as unknown, [...path, i]));
    });
    return out;
  }
  const sh = shallow as Record<string, unknown>;
  for (const k of sortedKeys(sh)) {
    if (!isPlainObject(input) || !(k in input)) {
      throw new RangeError(`tree.mapStructureUpTo: could not find key ${JSON.stringify(k)} in the input at path [${path.join(", ")}]; the inputs must be compatible with the shallow structure`);
    }
    out.push(...flatUpTo(sh[k], input[k], [...path, k]));
  }
  return out;
}

/**
 * keras.tree.map_structure_up_to: like mapStructure, but `func` receives the inputs' subtrees at
 * the leaves of `shallowStructure` (deeper nesting is passed whole) and the result nests like it.
 */
export function mapStructureUpTo(shallowStructure: unknown, func: (...subtrees: unknown[]) => unknown, ...structures: unknown[]): unknown {
  if (typeof func !== "function") throw new TypeError(`tree.mapStructureUpTo: func must be a function, got ${valueText(func)}`);
  const flats = structures.map((s) => flatUpTo(shallowStructure, s, []));
  const n = flatten(shallowStructure).length;
  return packSequenceAs(shallowStructure, Array.from({ length: n }, (_, i) => func(...flats.map((f) => f[i]))));
}

/**
 * keras.tree.pack_sequence_as: the leaves of `flatSequence`, in order, put into the nesting of
 * `structure` (objects filled in sorted key order, returned in their own key order).
 */
export function packSequenceAs(structure: unknown, flatSequence: readonly unknown[]): unknown {
  if (!Array.isArray(flatSequence)) throw new TypeError(`tree.packSequenceAs: flatSequence must be an array, got ${valueText(flatSequence)}`);
  const need = flatten(structure).length;
  if (need !== flatSequence.length) {
    throw new RangeError(`tree.packSequenceAs: could not pack sequence; the structure has ${need} leaves but flatSequence has ${flatSequence.length} items (structure ${structureText(structure)})`);
  }
  let index = 0;
  const pack = (s: unknown): unknown => (isNested(s) ? rebuild(s, children(s).map(pack)) : flatSequence[index++]);
  return pack(structure);
}

/**
 * keras.tree.lists_to_tuples. JavaScript has no tuples, so this returns a copy of the nesting
 * with the same leaves (new arrays and objects), which is all the conversion changes here.
 */
export function listsToTuples(structure: unknown): unknown {
  return packSequenceAs(structure, flatten(structure));
}

/** Keras' shape tuple: an array whose items are all integers or null (the empty array included). */
function isShapeTuple(x: unknown): boolean {
  return Array.isArray(x) && x.every((e) => e === null || (typeof e === "number" && Number.isInteger(e)));
}

/** keras.tree.map_shape_structure: mapStructure where shapes (arrays of integers and nulls) are leaves. */
export function mapShapeStructure(func: (shape: unknown) => unknown, structure: unknown): unknown {
  if (typeof func !== "function") throw new TypeError(`tree.mapShapeStructure: func must be a function, got ${valueText(func)}`);
  const walk = (s: unknown): unknown => (isShapeTuple(s) || !isNested(s) ? func(s) : rebuild(s, children(s).map(walk)));
  return walk(structure);
}

/** keras.tree.MAP_TO_NONE: returned by traverse's func, replaces the subtree with null (returning null does too). */
export const MAP_TO_NONE: unique symbol = Symbol("keras.tree.MAP_TO_NONE");

/**
 * keras.tree.traverse: visits every subtree depth first, parents before children (topDown, the
 * default) or after. `func` returning undefined (Python's None) keeps the subtree (and, top down,
 * goes into it); any other value, null included, replaces it (Keras spells "replace with None"
 * with its MAP_TO_NONE sentinel, which lamina also takes).
 */
export function traverse(func: (subtree: unknown) => unknown, structure: unknown, topDown = true): unknown {
  const children_ = (s: unknown): unknown => (isNested(s) ? rebuild(s, children(s).map((c) => traverse(func, c, topDown))) : s);
  const replaced = (ret: unknown): unknown => (ret === MAP_TO_NONE ? null : ret);
  if (topDown) {
    const ret = func(structure);
    return ret === undefined ? children_(structure) : replaced(ret);
  }
  const traversed = children_(structure);
  const ret = func(traversed);
  return ret === undefined ? traversed : replaced(ret);
}
