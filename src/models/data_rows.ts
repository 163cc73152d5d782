/** x, y and weights as tensors: conversion from what the user gives, sample counts, and the rows of a batch. */
import { Tensor } from "../tensor/tensor.js";
import { constant, type TensorLike } from "../tensor/creation.js";
import { permutation } from "../tensor/random.js";
import { shapeText } from "../tensor/shape.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { cast } from "../ops/math.js";
import { gather, slice } from "../ops/shape.js";
import type { Data, KeyedData, Targets } from "./training.js";

export function targetList(y: Targets): Tensor[] {
  return Array.isArray(y) ? y : [y];
}

/** Whether x or y is given as an object keyed by name (not a tensor, an array or a typed array). */
export function isKeyedData(x: unknown): x is KeyedData {
  return typeof x === "object" && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/**
 * Model inputs as tensors. Integer inputs (uint8 images, int32 arrays) become float32, since Keras'
 * layers promote them to their float compute dtype, unless the model's Input declares an integer
 * dtype (token indices for an Embedding): those become that dtype, exact beyond float32's 2^24.
 * Labels keep their dtype.
 */
export function toTensorData(x: Data | readonly Data[], what: string, op: string, inputDTypes: readonly DType[] = []): Tensor | Tensor[] {
  const asInput = (t: Tensor, k = 0): Tensor => {
    if (what === "y" || t.dtype === "bool") return t;
    const declared = inputDTypes[k];
    if (declared !== undefined && (declared === "int32" || declared === "int64") && !isFloatDType(t.dtype)) {
      return t.dtype === declared ? t : cast(t, declared);
    }
    return isFloatDType(t.dtype) ? t : cast(t, "float32");
  };
  if (x instanceof Tensor) return asInput(x);
  if (Array.isArray(x) && x.length > 0 && x.every((e) => e instanceof Tensor)) return (x as Tensor[]).map(asInput);
  try {
    return asInput(constant(x as TensorLike));
  } catch (e) {
    throw new TypeError(`${op}: ${what} cannot be converted to a tensor: ${(e as Error).message}`);
  }
}

export function numSamples(x: Tensor | Tensor[], what: string): number {
  const list = Array.isArray(x) ? x : [x];
  const n = list[0].shape[0];
  for (const t of list) {
    if (t.rank === 0) throw new RangeError(`${what} must have a batch axis; got a scalar`);
    if (t.shape[0] !== n) throw new RangeError(`${what}: all inputs need the same number of samples, got ${list.map((u) => u.shape[0]).join(" and ")}`);
  }
  return n;
}

export function takeRows(x: Tensor | Tensor[], idx: Tensor): Tensor | Tensor[] {
  return Array.isArray(x) ? x.map((t) => gather(t, idx)) : gather(x, idx);
}

export function sliceRows(x: Tensor | Tensor[], start: number, count: number): Tensor | Tensor[] {
  const f = (t: Tensor): Tensor => slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]);
  return Array.isArray(x) ? x.map(f) : f(x);
}

/**
 * Batch index tensors for one epoch: all samples shuffled (true), in order (false), or, with
 * Keras' "batch", the batches in order and the samples shuffled inside each one.
 */
export function epochBatches(n: number, batchSize: number, shuffle: boolean | "batch"): Tensor[] {
  const order = shuffle === true ? permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const out: Tensor[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const count = Math.min(batchSize, n - s);
    const rows = order.slice(s, s + count);
    if (shuffle === "batch") {
      const within = permutation(count);
      for (let i = 0; i < count; i++) rows[i] = s + within[i];
    }
    out.push(new Tensor(rows, [count], "int32"));
  }
  return out;
}

export function describeShapes(x: Tensor | Tensor[]): string {
  return Array.isArray(x) ? x.map((t) => shapeText(t.shape)).join(", ") : shapeText(x.shape);
}
