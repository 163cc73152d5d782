/**
 * keras.ops.get_item(x, key): Python's `x[key]` with integers, slices, `None` (a new axis) and `...`,
 * as Keras' GetItem records it. A slice is `{ start, stop, step }` (each optional, null as
 * Python's omitted bound); in a Keras config it is `{ class_name: "__slice__", config }` and `...`
 * is `{ class_name: "__ellipsis__" }`, which this module reads and writes.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import { SymbolicValue, type Sym, symbolicOp } from "./symbolic.js";
import { gather, stridedSlice } from "./shape.js";

/** Python's slice `start:stop:step`; a missing or null bound is omitted (the whole axis, step 1). */
export interface SliceSpec {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}
/** One entry of an index: an integer, a slice, null (numpy's newaxis) or "..." (Ellipsis). */
export type IndexEntry = number | SliceSpec | null | "...";
export type IndexKey = IndexEntry | readonly IndexEntry[];

const isSlice = (k: unknown): k is SliceSpec => typeof k === "object" && k !== null && !Array.isArray(k) && !(k instanceof Tensor) && !(k instanceof SymbolicValue);

/** x[key]; an integer tensor key takes along axis 0 (numpy's integer-array indexing of the first axis). */
export function getItem(x: Sym, key: IndexKey | Sym | Tensor): Sym;
export function getItem(x: Input, key: IndexKey | Tensor): Tensor;
export function getItem(xIn: Input | Sym, key: IndexKey | Tensor | Sym): Tensor | Sym {
  if (xIn instanceof SymbolicValue || key instanceof SymbolicValue) return symbolicOp("GetItem", [xIn, key instanceof Tensor || key instanceof SymbolicValue ? key : kerasKey(key)]);
  const x = toTensor(xIn, "ops.getItem");
  if (key instanceof Tensor) return gather(x, key, 0);
  const entries: readonly IndexEntry[] = Array.isArray(key) ? key : [key as IndexEntry];
  const begin: number[] = [], end: number[] = [], strides: number[] = [];
  let beginMask = 0, endMask = 0, ellipsisMask = 0, newAxisMask = 0, shrinkAxisMask = 0;
  entries.forEach((k, i) => {
    const bit = 1 << i;
    if (k === null) { newAxisMask |= bit; begin.push(0); end.push(0); strides.push(1); }
    else if (k === "...") { ellipsisMask |= bit; begin.push(0); end.push(0); strides.push(1); }
    else if (typeof k === "number" && Number.isInteger(k)) { shrinkAxisMask |= bit; begin.push(k); end.push(k + 1); strides.push(1); }
    else if (isSlice(k) && [k.start, k.stop, k.step].every((v) => v === undefined || v === null || Number.isInteger(v))) {
      if (k.start === undefined || k.start === null) beginMask |= bit;
      if (k.stop === undefined || k.stop === null) endMask |= bit;
      begin.push(k.start ?? 0); end.push(k.stop ?? 0); strides.push(k.step ?? 1);
    } else {
      throw new TypeError(`ops.getItem: key entry ${valueText(k)} is not an integer, a slice { start, stop, step }, null (a new axis) or "..."; x is ${shapeText(x.shape)}`);
    }
  });
  try {
    return stridedSlice(x, begin, end, strides, { beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask });
  } catch (e) {
    throw new RangeError(`ops.getItem: key ${valueText(key)} does not index x ${shapeText(x.shape)}: ${(e as Error).message}`);
  }
}

/** A key as Keras' GetItem config holds it (slices and Ellipsis as Keras serializes them). */
function kerasKey(key: IndexKey): unknown {
  const one = (k: IndexEntry): unknown => {
    if (k === "...") return { class_name: "__ellipsis__", config: {} };
    if (isSlice(k)) return { class_name: "__slice__", config: { start: k.start ?? null, stop: k.stop ?? null, step: k.step ?? null } };
    return k;
  };
  return Array.isArray(key) ? key.map(one) : one(key as IndexEntry);
}

/** A key read from a Keras config (the inverse of kerasKey); `where` names the operation for errors. */
export function keyFromKeras(key: unknown, where: string): IndexKey | Tensor {
  if (key instanceof Tensor) return key;
  const one = (k: unknown): IndexEntry => {
    if (k === null || typeof k === "number") return k;
    if (typeof k === "object" && !Array.isArray(k)) {
      const r = k as { class_name?: unknown; config?: Record<string, unknown> };
      if (r.class_name === "__ellipsis__") return "...";
      if (r.class_name === "__slice__" && r.config !== undefined) return { start: r.config.start as number | null, stop: r.config.stop as number | null, step: r.config.step as number | null };
    }
    throw new TypeError(`${where}: key entry ${valueText(k)} is not an integer, a __slice__, null or an __ellipsis__`);
  };
  return Array.isArray(key) ? key.map(one) : one(key);
}

