/**
 * keras.ops names with no lamina op under any name, built from existing ops (so gradients come
 * from their autograd): take, ravel, flip, var, amax/amin, append, select, segment_sum,
 * scatter/scatter_update, vectorize, dot, average, get_item and the small tensor helpers.
 * A few record themselves on symbolic tensors under Keras' operation class (layers/op_specs.ts).
 */
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { broadcastShapes, normalizeAxis, shapeText, sizeOf } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { constant, fill } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import { SymbolicValue, type Sym, symbolicOp } from "./symbolic.js";
import { add, cast, div, less, mul, where } from "./math.js";
import { max, min, sum } from "./reduce.js";
import { concat, expandDims, gather, reshape, reverse, stack, unstack } from "./shape.js";
import { broadcastTo } from "./broadcast.js";
import { scatterND, tensorScatterUpdate, unsortedSegmentSum } from "./scatter.js";
import { tensordot } from "./linalg.js";
import { customGrad } from "./custom_grad.js";
import * as sym from "./symbolic.js";
import { promoted, promoteTypes } from "./keras_promote.js";
import { kerasVariance } from "./keras_float.js";

type AxisArg = number | readonly number[] | null;

function axisConfig(axis: AxisArg): number | number[] | null {
  return axis === null ? null : typeof axis === "number" ? axis : [...axis];
}

/** keras.ops.ravel: x flattened to 1-D. */
export function ravel(x: Sym): Sym;
export function ravel(x: Input): Tensor;
export function ravel(x: Input | Sym): Tensor | Sym {
  if (x instanceof SymbolicValue) return symbolicOp("Ravel", [x]);
  return reshape(toTensor(x, "ravel"), [-1]);
}

/** keras.ops.flip: x reversed along `axis` (all axes when null). */
export function flip(x: Sym, axis?: AxisArg): Sym;
export function flip(x: Input, axis?: AxisArg): Tensor;
export function flip(xIn: Input | Sym, axis: AxisArg = null): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Flip", [xIn], { axis: axisConfig(axis) });
  const x = toTensor(xIn, "flip");
  if (x.rank === 0) return x;
  return reverse(x, axis === null ? Array.from({ length: x.rank }, (_, i) => i) : axis);
}

/** keras.ops.var: the population variance (numpy's ddof 0) over `axis` (all when null). */
export function kerasVar(x: Sym, axis?: AxisArg, keepdims?: boolean): Sym;
export function kerasVar(x: Input, axis?: AxisArg, keepdims?: boolean): Tensor;
export function kerasVar(xIn: Input | Sym, axis: AxisArg = null, keepdims = false): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Var", [xIn], { axis: axisConfig(axis), keepdims });
  return kerasVariance(xIn, axis, keepdims);
}

/** keras.ops.amax: the maximum over `axis` (all when null). */
export function amax(x: Sym, axis?: AxisArg, keepdims?: boolean): Sym;
export function amax(x: Input, axis?: AxisArg, keepdims?: boolean): Tensor;
export function amax(xIn: Input | Sym, axis: AxisArg = null, keepdims = false): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Amax", [xIn], { axis: axisConfig(axis), keepdims });
  return max(xIn, axis ?? undefined, keepdims);
}

/** keras.ops.amin: the minimum over `axis` (all when null). */
export function amin(x: Sym, axis?: AxisArg, keepdims?: boolean): Sym;
export function amin(x: Input, axis?: AxisArg, keepdims?: boolean): Tensor;
export function amin(xIn: Input | Sym, axis: AxisArg = null, keepdims = false): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Amin", [xIn], { axis: axisConfig(axis), keepdims });
  return min(xIn, axis ?? undefined, keepdims);
}

/** keras.ops.append: x2 appended to x1 along `axis`; both flattened first when axis is null. */
export function append(x1: Sym, x2: Input | Sym, axis?: number | null): Sym;
export function append(x1: Input, x2: Sym, axis?: number | null): Sym;
export function append(x1: Input, x2: Input, axis?: number | null): Tensor;
export function append(x1In: Input | Sym, x2In: Input | Sym, axis: number | null = null): Tensor | Sym {
  if (x1In instanceof SymbolicValue || x2In instanceof SymbolicValue) return symbolicOp("Append", [x1In, x2In], { axis });
  const [x1, x2] = promoted([x1In, x2In], "append");
  if (axis === null) return concat([reshape(x1, [-1]), reshape(x2, [-1])], 0);
  if (x1.rank !== x2.rank) {
    throw new RangeError(`ops.append: x1 ${shapeText(x1.shape)} and x2 ${shapeText(x2.shape)} must have the same rank to append along axis ${axis}; pass axis null to append flattened`);
  }
  return concat([x1, x2], axis);
}

/** Indices as int32 with negative ones counted from the end of an axis of length n (numpy's take). */
function wrappedIndices(op: string, indicesIn: Input, n: number): Tensor {
  const t = toTensor(indicesIn, op, "indices");
  if (t.dtype === "float32" || t.dtype === "float64" || t.dtype === "bool") {
    throw new TypeError(`ops.${op}: indices must be integers, got ${t.dtype} ${shapeText(t.shape)}; cast them with ops.cast(indices, "int32")`);
  }
  const i32 = t.dtype === "int32" ? t : cast(t, "int32");
  return where(less(i32, 0), add(i32, n), i32);
}

/** keras.ops.take: the elements of x at `indices` along `axis` (of flattened x when null); negative indices count from the end. */
export function take(x: Sym, indices: Input, axis?: number | null): Sym;
export function take(x: Input, indices: Input, axis?: number | null): Tensor;
export function take(xIn: Input | Sym, indicesIn: Input, axis: number | null = null): Tensor | Sym {
  if (xIn instanceof SymbolicValue) return symbolicOp("Take", [xIn, indicesIn], { axis });
  let x = toTensor(xIn, "take");
  if (axis === null) x = reshape(x, [-1]);
  const ax = normalizeAxis(axis ?? 0, x.rank, "ops.take");
  return gather(x, wrappedIndices("take", indicesIn, x.shape[ax]), ax);
}

export { getItem } from "./get_item.js";

/**
 * keras.ops.select(condlist, choicelist, default): numpy's select; where several conditions hold
 * the first wins, where none does the result is `default`.
 */
function selectEager(condlist: readonly Input[], choicelist: readonly Input[], defaultValue: Input = 0): Tensor {
  if (condlist.length !== choicelist.length || condlist.length === 0) {
    throw new RangeError(`ops.select: condlist (${condlist.length} entries) and choicelist (${choicelist.length}) must be non-empty lists of the same length`);
  }
  // Keras' select gives the result type of the choices and the default.
  const all = promoted([...choicelist, defaultValue], "select");
  const choices = all.slice(0, -1);
  let out = all[all.length - 1];
  for (let i = condlist.length - 1; i >= 0; i--) {
    const c = toTensor(condlist[i], "select", `condlist[${i}]`);
    if (c.dtype !== "bool") throw new TypeError(`ops.select: condlist[${i}] must be bool, got ${c.dtype} ${shapeText(c.shape)}; compare first (ops.greater(x, 0))`);
    out = where(c, choices[i], out);
  }
  return out;
}
export const select = sym.withSymbolic(selectEager, (condlist, choicelist, defaultValue = 0) => sym.symbolicOp("Select", [[...condlist], [...choicelist], defaultValue]));

/** keras.ops.segment_sum: sums of data's rows per segment id; numSegments defaults to max(id) + 1. */
function segmentSumEager(data: Input, segmentIds: Input, numSegments: number | null = null, _sorted = false): Tensor {
  const ids = toTensor(segmentIds, "segmentSum", "segmentIds");
  let n = numSegments;
  if (n === null) n = ids.size === 0 ? 0 : Math.max(...Array.from(ids.dataSync() as ArrayLike<number | bigint>, Number)) + 1;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`ops.segmentSum: numSegments must be a non-negative integer, got ${valueText(numSegments)}`);
  return unsortedSegmentSum(data, ids, n);
}
export const segmentSum = sym.withSymbolic(segmentSumEager, (data, ids, numSegments = null, sorted = false) => sym.symbolicOp("SegmentSum", [data, ids], { num_segments: numSegments, sorted }));

/** keras.ops.scatter: zeros of `shape` with `values` added at `indices` (repeats add up). */
function scatterEager(indices: Input, values: Input, shape: readonly number[]): Tensor {
  return scatterND(indices, values, shape);
}

/** keras.ops.scatter_update: `inputs` with the entries at `indices` replaced by `updates`. */
function scatterUpdateEager(inputs: Input, indices: Input, updates: Input): Tensor {
  return tensorScatterUpdate(inputs, indices, updates);
}

/** numpy's dot: products summed over x1's last axis and x2's second-to-last (its only, for 1-D x2). */
function dotEager(x1In: Input, x2In: Input): Tensor {
  const [x1, x2] = promoted([x1In, x2In], "dot");
  if (x1.rank === 0 || x2.rank === 0) return mul(x1, x2);
  const bAxis = x2.rank === 1 ? 0 : x2.rank - 2;
  if (x1.shape[x1.rank - 1] !== x2.shape[bAxis]) {
    throw new RangeError(`ops.dot: x1 ${shapeText(x1.shape)} last axis (${x1.shape[x1.rank - 1]}) must equal x2 ${shapeText(x2.shape)} axis ${bAxis} (${x2.shape[bAxis]})`);
  }
  return tensordot(x1, x2, [[x1.rank - 1], [bAxis]]);
}
export const dot = sym.withSymbolic(dotEager, (a, b) => sym.symbolicOp("Dot", [a, b]));

/**
 * keras.ops.average: the (weighted) mean over `axis`; 1-D weights lie along `axis`. Computed in
 * result_type(x, weights, float) as Keras does: float32 for int32 x.
 */
function averageEager(xIn: Input, axis: number | null = null, weightsIn: Input | null = null): Tensor {
  const x0 = toTensor(xIn, "average");
  const w0 = weightsIn === null ? null : toTensor(weightsIn, "average", "weights", x0.dtype);
  const dtype = promoteTypes([x0.dtype, ...(w0 === null ? [] : [w0.dtype]), "float"]);
  const x = x0.dtype === dtype ? x0 : cast(x0, dtype);
  if (w0 === null) return div(sum(x, axis ?? undefined), axis === null ? x.size : x.shape[normalizeAxis(axis, x.rank, "ops.average")]);
  let w = w0.dtype === dtype ? w0 : cast(w0, dtype);
  if (axis === null) {
    if (w.rank !== x.rank || !w.shape.every((d, i) => d === x.shape[i])) {
      throw new RangeError(`ops.average: with axis null, weights ${shapeText(w.shape)} must have x's shape ${shapeText(x.shape)}`);
    }
    return div(sum(mul(x, w)), sum(w));
  }
  const ax = normalizeAxis(axis, x.rank, "ops.average");
  if (w.rank === 1) {
    if (w.shape[0] !== x.shape[ax]) throw new RangeError(`ops.average: 1-D weights of length ${w.shape[0]} must match x ${shapeText(x.shape)} along axis ${axis} (${x.shape[ax]})`);
    w = reshape(w, x.shape.map((d, i) => (i === ax ? d : 1)));
  }
  return div(sum(mul(x, w), ax), sum(broadcastTo(w, x.shape), ax));
}
export const average = sym.withSymbolic(averageEager, (x, axis = null, weights = null) => sym.symbolicOp("Average", [x], { axis }, { weights }));

/** keras.ops.full: a tensor of `shape` filled with fillValue (float32 unless dtype says otherwise). */
export function full(shape: readonly number[], fillValue: number | boolean, dtype: DType | null = null): Tensor {
  return fill(shape, fillValue, dtype ?? (typeof fillValue === "boolean" ? "bool" : "float32"));
}

/** Parses numpy's "(m,n),(n)->(m)" into core-dimension names per input and output. */
function parseSignature(sig: string): { ins: string[][]; out: string[] } {
  const m = /^\s*(\(.*\))\s*->\s*(\(.*\))\s*$/.exec(sig);
  const group = (s: string): string[][] => [...s.matchAll(/\(([^()]*)\)/g)].map((g) => g[1].split(",").map((d) => d.trim()).filter((d) => d !== ""));
  if (m === null || group(m[2]).length !== 1) {
    throw new RangeError(`ops.vectorize: signature ${valueText(sig)} must look like "(m,n),(n)->(m)" with one output`);
  }
  return { ins: group(m[1]), out: group(m[2])[0] };
}

export interface VectorizeOptions {
  /** Positions of arguments passed to the function unchanged. */
  excluded?: readonly number[];
  /** numpy's generalized-ufunc signature, e.g. "(n),(n)->()"; default: every input element on its own. */
  signature?: string | null;
}

/**
 * keras.ops.vectorize: `pyfunc` applied to every element (or, with a signature, every core
 * sub-array) of its broadcast tensor arguments; results stacked back into the batch shape.
 */
export function vectorize(pyfunc: (...args: Tensor[]) => Tensor, opts: VectorizeOptions = {}): (...args: Input[]) => Tensor {
  const excluded = new Set(opts.excluded ?? []);
  const sig = opts.signature ? parseSignature(opts.signature) : null;
  return (...args: Input[]): Tensor => {
    const pos = args.map((_, i) => i).filter((i) => !excluded.has(i));
    if (sig !== null && sig.ins.length !== pos.length) {
      throw new RangeError(`ops.vectorize: signature ${valueText(opts.signature)} names ${sig.ins.length} inputs but ${pos.length} tensor arguments were given`);
    }
    const ts = pos.map((i) => toTensor(args[i], "vectorize", `args[${i}]`));
    const core = ts.map((t, j) => {
      const c = sig === null ? 0 : sig.ins[j].length;
      if (t.rank < c) throw new RangeError(`ops.vectorize: argument ${pos[j]} ${shapeText(t.shape)} has fewer axes than its core dimensions (${sig?.ins[j].join(",")})`);
      return t.shape.slice(t.rank - c);
    });
    let batch: number[] = [];
    ts.forEach((t, j) => { batch = broadcastShapes(batch, t.shape.slice(0, t.rank - core[j].length), "ops.vectorize"); });
    const n = sizeOf(batch);
    const columns = ts.map((t, j) => unstack(reshape(broadcastTo(t, [...batch, ...core[j]]), [n, ...core[j]]), 0));
    const outs: Tensor[] = [];
    for (let b = 0; b < n; b++) {
      const call = args.map((a, i) => (excluded.has(i) ? a : columns[pos.indexOf(i)][b])) as Tensor[];
      outs.push(pyfunc(...call));
    }
    if (n === 0) throw new RangeError("ops.vectorize: the broadcast batch is empty, so the output's shape cannot be known");
    const y = stack(outs, 0);
    return reshape(y, [...batch, ...y.shape.slice(1)]);
  };
}

/** What a Keras custom-gradient function returns: its value and the gradient from the upstream one. */
export type KerasGradFn = (upstream: Tensor) => Tensor | readonly Tensor[];

/**
 * keras.ops.custom_gradient: `f(...args)` returns [value, gradFn]; gradFn(upstream) gives the
 * gradient of each argument.
 */
export function customGradient(f: (...args: Tensor[]) => readonly [Tensor, KerasGradFn]): (...args: Tensor[]) => Tensor {
  return customGrad((...args: Tensor[]) => {
    const [value, gradFn] = f(...args);
    return { value, gradFunc: (dy: Tensor) => { const g = gradFn(dy); return g instanceof Tensor ? g : [...g]; } };
  });
}

/** expandDims at each of `axes` in turn (used by numpy-style tiling). */
export function expandLeading(x: Tensor, count: number): Tensor {
  let y = x;
  for (let i = 0; i < count; i++) y = expandDims(y, 0);
  return y;
}

/** scatter, recording Keras' operation on symbolic tensors (see scatterEager). */
export const scatter = sym.withSymbolic(scatterEager, (indices, values, shape) => sym.symbolicOp("Scatter", [sym.constantArg(indices, "int32"), sym.constantArg(values), [...shape]]));

/** scatterUpdate, recording Keras' operation on symbolic tensors (see scatterUpdateEager). */
export const scatterUpdate = sym.withSymbolic(scatterUpdateEager, (inputs, indices, updates) => sym.symbolicOp("ScatterUpdate", [inputs, sym.constantArg(indices, "int32"), sym.constantArg(updates)]));
