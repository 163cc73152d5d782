/** Rectangular nested JavaScript arrays (of strings or numbers) as flat values and a shape, for the text layers. */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";

/** A string, or nested arrays of strings: what the string lookup and text layers take (no tensor holds strings). */
export type NestedStrings = string | readonly NestedStrings[];
/** A number, or nested arrays of numbers. */
export type NestedNumbers = number | readonly NestedNumbers[];

export interface Flat<T> { values: T[]; shape: number[] }

/** Flattens a rectangular nested array whose leaves pass `isLeaf`; `what` names the leaves in errors. */
export function flatten<T>(x: unknown, isLeaf: (v: unknown) => v is T, what: string, where: string): Flat<T> {
  const values: T[] = [];
  const shape: number[] = [];
  let depthSeen = -1;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (isLeaf(v)) {
      if (depthSeen === -1) depthSeen = depth;
      else if (depth !== depthSeen) throw new RangeError(`${where}: the input is ragged at ${path}; every row must have the same length (pad the rows, or pass one row at a time)`);
      values.push(v);
      return;
    }
    if (!Array.isArray(v)) throw new TypeError(`${where}: expected ${what} or nested arrays of them, got ${valueText(v)} at ${path || "the top"}`);
    if (depth === shape.length) shape.push(v.length);
    else if (shape[depth] !== v.length) throw new RangeError(`${where}: the input is ragged at ${path}; every row must have the same length (pad the rows, or pass one row at a time)`);
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(x, 0, "");
  if (depthSeen !== -1 && depthSeen !== shape.length) throw new RangeError(`${where}: the input is ragged; every row must have the same length`);
  return { values, shape };
}

/** Rebuilds nested arrays of `shape` from flat values. */
export function nest<T>(values: readonly T[], shape: readonly number[]): T | T[] | unknown[] {
  if (shape.length === 0) return values[0];
  const build = (offset: number, d: number): unknown[] => {
    const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[d] }, (_, i) => (d === shape.length - 1 ? values[offset + i] : build(offset + i * inner, d + 1)));
  };
  return build(0, 0);
}

export const isString = (v: unknown): v is string => typeof v === "string";
export const isInteger = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** Integer values of a tensor or nested arrays of integers. */
export function integersIn(x: unknown, where: string): Flat<number> {
  if (x instanceof Tensor) {
    if (x.dtype !== "int32" && x.dtype !== "int64" && x.dtype !== "uint8") {
      throw new TypeError(`${where}: expects integer inputs, got a ${x.dtype} tensor; cast it to int32 first`);
    }
    return { values: Array.from(x.dataSync() as ArrayLike<number | bigint>, Number), shape: [...x.shape] };
  }
  return flatten(x, isInteger, "integers", where);
}

/** UTF-8 byte order (numpy's and TensorFlow's order of strings): code points, not UTF-16 units. */
export function compareUtf8(a: string, b: string): number {
  const ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next(), y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = (x.value as string).codePointAt(0) as number, cy = (y.value as string).codePointAt(0) as number;
    if (cx !== cy) return cx - cy;
  }
}
