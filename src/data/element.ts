/**
 * data.Dataset's elements as tf.data's structures: a tensor, or any nesting of arrays (tf.data's
 * tuples, such as [x, y]) and plain objects (its dicts, such as { title, body }) whose leaves are
 * tensors. The helpers here convert what users pass, check what functions return, and walk the
 * leaves in keras.tree's order (src/tree.ts: objects by sorted key), so that batching, slicing and
 * comparing treat every structure alike.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { constant, type TensorLike } from "../tensor/creation.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { valueText } from "../tensor/value_text.js";
import { flatten, flattenWithPath, packSequenceAs, type TreePath } from "../tree.js";

/** One element: a tensor, an array of elements (a tuple such as [x, y]) or an object of them (a dict). */
export type Element = Tensor | Element[] | ElementDict;
/** tf.data's dict structure: elements keyed by name, e.g. { title: t, body: b }. */
export interface ElementDict { [key: string]: Element }

/**
 * Element, as a type parameter's bound: the same types, but the tuple in it makes TypeScript read
 * an array literal such as `[{ title: x }, y]` as a tuple of its parts' own types (else it would
 * merge the parts into one object type with optional keys, which is not an element).
 */
export type ElementBound = Element | [Element, ...Element[]];

/** What a structure-unpacking function receives: an array element's items, else the element whole. */
export type Parts<E> = E extends Element[] ? E : Element[];

/** What a value is, for messages about elements that are not tensors. */
export function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor [${v.shape.join(", ")}] ${v.dtype}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    return keys.length > 0 ? `an object with keys ${keys.join(", ")}` : "an empty object";
  }
  if (typeof v === "object" && v !== null && !ArrayBuffer.isView(v)) return "an object";
  return valueText(v);
}

/** A leaf's path as messages write it: `title`, `[1]`, `[0].title`. */
export function pathText(path: TreePath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/**
 * The nesting of an element with each leaf written by `leaf` ("tensor" by default), keys sorted:
 * equal texts, equal structures (tf.data's nest.assert_same_structure).
 */
export function structureText(e: unknown, leaf: (t: Tensor) => string = () => "tensor"): string {
  if (Array.isArray(e)) return `[${e.map((v) => structureText(v, leaf)).join(", ")}]`;
  if (isPlainObject(e)) return `{ ${Object.keys(e).sort().map((k) => `${k}: ${structureText(e[k], leaf)}`).join(", ")} }`;
  return leaf(e as Tensor);
}

/** An element's structure in words: "a single tensor", "an array of 2 tensors", else its nesting. */
export function structureWords(e: Element): string {
  if (e instanceof Tensor) return "a single tensor";
  if (Array.isArray(e) && e.every((t) => t instanceof Tensor)) return `an array of ${e.length} tensors`;
  return structureText(e);
}

/** The element's tensors in keras.tree's order (depth first, objects by sorted key). */
export function leavesOf(e: Element): Tensor[] {
  return flatten(e) as Tensor[];
}

/** An element nesting like `like` whose leaves are `leaves` (in leavesOf's order). */
export function packLike<E extends Element>(like: E, leaves: readonly Tensor[]): E {
  return (like instanceof Tensor ? leaves[0] : packSequenceAs(like, leaves)) as E;
}

/** The element with `fn` applied to each tensor. */
export function mapLeaves<E extends Element>(e: E, fn: (t: Tensor) => Tensor): E {
  return packLike(e, leavesOf(e).map(fn));
}

/** Where a value that is not part of an element sits in it, or null when it is an element. */
function firstFault(e: unknown, path: TreePath): { path: TreePath; value: unknown } | null {
  if (e instanceof Tensor) return null;
  const parts: [string | number, unknown][] | null = Array.isArray(e) ? e.map((v, i) => [i, v]) : isPlainObject(e) ? Object.entries(e) : null;
  if (parts === null || parts.length === 0) return { path, value: e };
  for (const [k, v] of parts) {
    const fault = firstFault(v, [...path, k]);
    if (fault !== null) return fault;
  }
  return null;
}

/** Where in an element a path leads, in words: `item 1`, `key "b"`, `item 0, key "a"`. */
function placeText(path: TreePath): string {
  return path.map((p) => (typeof p === "number" ? `item ${p}` : `key ${JSON.stringify(p)}`)).join(", ");
}

/** Checks that `e` is an element (tensors in arrays and objects, none empty), naming `where`, the place at fault and the fix. */
export function checkElement(e: unknown, where: string): asserts e is Element {
  const fault = firstFault(e, []);
  if (fault === null) return;
  const form = "a tensor, or arrays and objects of tensors such as [x, y] or { a: x, b: y }";
  if (fault.path.length === 0) throw new TypeError(`${where}: an element must be ${form}, got ${describe(e)}`);
  const empty = Array.isArray(fault.value) || isPlainObject(fault.value) ? " (an empty one holds no tensor)" : "";
  throw new TypeError(`${where}: an element must be ${form}, got one whose ${placeText(fault.path)} is ${describe(fault.value)}${empty}`);
}

/** Whether an array or object holds a tensor anywhere (a structure), rather than numbers alone (one tensor's values). */
function holdsTensors(v: unknown): boolean {
  if (v instanceof Tensor || isPlainObject(v)) return true;
  return Array.isArray(v) && v.some(holdsTensors);
}

/**
 * An element from what a user passes to fromTensorSlices/fromTensors, as tf.data converts its
 * arguments: tensors stay; an object is a dict of components; an array holding tensors is a tuple
 * of components ([x, y]); numbers, booleans, nested number arrays or a typed array (anywhere) are
 * made one tensor by tf.constant's rules (integers int32, other numbers float32).
 */
export function toElement(v: unknown, where: string, path: TreePath = []): Element {
  if (v instanceof Tensor) return v;
  const at = path.length === 0 ? "" : ` (at ${placeText(path)})`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) throw new TypeError(`${where}: got an empty object${at}; a dict element needs at least one component, e.g. { a: x }`);
    return Object.fromEntries(keys.map((k) => [k, toElement(v[k], where, [...path, k])]));
  }
  if (Array.isArray(v) && holdsTensors(v)) {
    const bad = v.findIndex((item) => !holdsTensors(item));
    if (bad >= 0) {
      const good = v.findIndex(holdsTensors);
      throw new TypeError(`${where}: item ${good} is ${describe(v[good])} but item ${bad} is ${describe(v[bad])}${at}; pass an array of tensors such as [x, y] (make each component with tf.constant), or numbers (nested arrays) for a single component`);
    }
    return v.map((item, i) => toElement(item, where, [...path, i]));
  }
  if (typeof v === "object" && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v)) {
    throw new TypeError(`${where}: got ${describe(v)}${at}; an element is a tensor, an array of them such as [x, y] or a plain object of them such as { a: x, b: y }`);
  }
  try {
    return constant(v as TensorLike);
  } catch (err) {
    const Kind = err instanceof RangeError ? RangeError : TypeError;
    throw new Kind(`${where}: cannot make a tensor from ${describe(v)}${at} (${(err as Error).message}); pass a tensor, an array of tensors such as [x, y], or numbers (nested arrays of equal lengths)`);
  }
}

/** Row i of a tensor along its first axis. */
export function rowOf(t: Tensor, i: number): Tensor {
  const inner = t.size / t.shape[0];
  return makeTensor(t.dataSync().slice(i * inner, (i + 1) * inner), t.shape.slice(1), t.dtype);
}

/**
 * The first dimension every tensor of `e` shares (fromTensorSlices' and unbatch's rows). A scalar
 * or sizes that disagree are refused, naming each tensor's place and size.
 */
export function sharedFirstDim(e: Element, where: string, what: string): number {
  const withPaths = flattenWithPath(e) as [TreePath, Tensor][];
  const name = (p: TreePath): string => (p.length === 0 ? "the tensor" : `tensor ${pathText(p)}`);
  const scalar = withPaths.find(([, t]) => t.rank === 0);
  if (scalar) throw new RangeError(`${where}: ${name(scalar[0])} is a scalar; ${what}`);
  const n = withPaths[0][1].shape[0];
  if (withPaths.every(([, t]) => t.shape[0] === n)) return n;
  const flat = withPaths.every(([p]) => p.length === 1 && typeof p[0] === "number");
  const sizes = flat ? `[${withPaths.map(([, t]) => t.shape[0]).join(", ")}]` : `(${withPaths.map(([p, t]) => `${pathText(p)}: ${t.shape[0]}`).join(", ")})`;
  throw new RangeError(`${where}: the tensors have different first dimensions ${sizes}; they must match`);
}
