import { Tensor, storageOf } from "../tensor/tensor.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { concat, slice, stack, unstack } from "./shape.js";
import { valueText } from "../tensor/value_text.js";

/*
 * keras.ops' control flow (cond, switch, while_loop, fori_loop, scan, associative_scan, map,
 * vectorized_map), run eagerly: the branches and bodies are ordinary TypeScript calls on tensors,
 * so the tape records whatever ops they run and gradients flow through them as through any code.
 */

/** A scalar boolean from a JS boolean or a one-element tensor (nonzero is true). */
function truth(op: string, v: boolean | Tensor): boolean {
  if (typeof v === "boolean") return v;
  if (!(v instanceof Tensor) || v.size !== 1) {
    throw new TypeError(`${op}: the condition must be a boolean or a one-element tensor, got ${v instanceof Tensor ? `${v.dtype} ${shapeText(v.shape)}` : typeof v}`);
  }
  return Number(storageOf(v)[0]) !== 0;
}

/** keras.ops.cond(pred, trueFn, falseFn): trueFn() when pred holds, else falseFn(). */
export function cond<T>(pred: boolean | Tensor, trueFn: () => T, falseFn: () => T): T {
  return truth("cond", pred) ? trueFn() : falseFn();
}

/**
 * keras.ops.switch(index, branches, ...operands): branches[index](...operands), index clamped to
 * [0, branches.length - 1] as Keras does. Exported as `switch` (tf.switch); switchCase is the same.
 */
export function switchCase<A extends unknown[], T>(index: number | Tensor, branches: readonly ((...operands: A) => T)[], ...operands: A): T {
  if (branches.length === 0) throw new RangeError("switch: branches must hold at least one function");
  let i: number;
  if (typeof index === "number") i = index;
  else if (index instanceof Tensor && index.size === 1) i = Number(storageOf(index)[0]);
  else throw new TypeError(`switch: index must be a number or a one-element integer tensor, got ${index instanceof Tensor ? shapeText(index.shape) : typeof index}`);
  if (!Number.isFinite(i)) throw new RangeError(`switch: index must be finite, got ${valueText(i)}`);
  const k = Math.min(Math.max(Math.trunc(i), 0), branches.length - 1);
  return branches[k](...operands);
}
export { switchCase as switch };

/**
 * keras.ops.while_loop(cond, body, loopVars, maximumIterations?): while cond(...vars) holds,
 * vars = body(...vars); loopVars is an array of values (tensors) passed spread, as Keras unpacks a
 * tuple. Stops after maximumIterations when given.
 */
export function whileLoop<T extends readonly unknown[]>(
  condFn: (...vars: T) => boolean | Tensor,
  body: (...vars: T) => T,
  loopVars: T,
  maximumIterations?: number,
): T {
  if (!Array.isArray(loopVars as unknown)) throw new TypeError("whileLoop: loopVars must be an array of loop variables (e.g. [i, x]); wrap a single tensor as [x]");
  if (maximumIterations !== undefined && (!Number.isInteger(maximumIterations) || maximumIterations < 0)) {
    throw new RangeError(`whileLoop: maximumIterations must be a non-negative integer, got ${valueText(maximumIterations)}`);
  }
  let vars = loopVars;
  for (let it = 0; maximumIterations === undefined || it < maximumIterations; it++) {
    if (!truth("whileLoop", condFn(...vars))) break;
    const next = body(...vars);
    if (!Array.isArray(next as unknown) || next.length !== vars.length) {
      throw new TypeError(`whileLoop: body must return an array of ${vars.length} loop variables (as many as loopVars), got ${Array.isArray(next as unknown) ? next.length : typeof next}`);
    }
    vars = next;
  }
  return vars;
}

/** keras.ops.fori_loop(lower, upper, body, initVal): val = body(i, val) for i = lower .. upper - 1. */
export function foriLoop<T>(lower: number, upper: number, body: (i: number, val: T) => T, initVal: T): T {
  if (!Number.isInteger(lower) || !Number.isInteger(upper)) throw new RangeError(`foriLoop: lower (${lower}) and upper (${upper}) must be integers`);
  let val = initVal;
  for (let i = lower; i < upper; i++) val = body(i, val);
  return val;
}

/** What scan's f may emit per step: a tensor, an array of tensors, or null for nothing. */
export type ScanOutput = Tensor | readonly Tensor[] | null;

function stackOutputs(op: string, ys: ScanOutput[]): ScanOutput {
  if (ys.length === 0 || ys[0] === null) return null;
  if (ys[0] instanceof Tensor) return stack(ys as Tensor[], 0);
  const n = ys[0].length;
  return Array.from({ length: n }, (_, j) => {
    const col = ys.map((y) => {
      if (y === null || y instanceof Tensor || y.length !== n) throw new TypeError(`${op}: every step must emit the same structure (${n} tensors)`);
      return y[j];
    });
    return stack(col, 0);
  });
}

/**
 * keras.ops.scan(f, init, xs = null, length = null, reverse = false): carry = init; for each
 * slice x of xs along its first axis (or `length` times with x = null), [carry, y] = f(carry, x);
 * returns [final carry, the ys stacked along a new first axis] (ys kept in xs' order when reverse).
 */
export function scan<C, Y extends ScanOutput>(
  f: (carry: C, x: Tensor | null) => readonly [C, Y],
  init: C,
  xs: Tensor | null = null,
  length: number | null = null,
  reverse = false,
): [C, ScanOutput] {
  const op = "scan";
  if (xs === null && length === null) throw new RangeError(`${op}: give xs or length (the number of steps)`);
  if (xs !== null && xs.rank === 0) throw new RangeError(`${op}: xs must have a leading axis to scan over, got a scalar`);
  const n = xs !== null ? xs.shape[0] : (length as number);
  if (xs !== null && length !== null && length !== n) throw new RangeError(`${op}: length ${length} differs from xs' leading axis ${n} (${shapeText(xs.shape)})`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: length must be a non-negative integer, got ${n}`);
  const slices = xs !== null ? unstack(xs, 0) : null;
  let carry = init;
  const ys: ScanOutput[] = new Array<ScanOutput>(n);
  for (let s = 0; s < n; s++) {
    const i = reverse ? n - 1 - s : s;
    const [next, y] = f(carry, slices === null ? null : slices[i]);
    carry = next;
    ys[i] = y;
  }
  return [carry, stackOutputs(op, ys)];
}

/**
 * keras.ops.associative_scan(f, elems, reverse = false, axis = 0): the inclusive prefix
 * combination out[i] = f(out[i - 1], elems[i]) along `axis` for an associative f. f receives
 * slices that keep `axis` (length 1), so an elementwise f works; elems may be one tensor or an
 * array of tensors combined together (f then takes and returns arrays).
 */
export function associativeScan<T extends Tensor | readonly Tensor[]>(f: (a: T, b: T) => T, elems: T, reverse = false, axis = 0): T {
  const op = "associativeScan";
  const list: readonly Tensor[] = elems instanceof Tensor ? [elems] : elems;
  if (list.length === 0) throw new RangeError(`${op}: elems must hold at least one tensor`);
  const a = normalizeAxis(axis, list[0].rank, op);
  const n = list[0].shape[a];
  for (const t of list) {
    if (t.rank <= a || t.shape[a] !== n) throw new RangeError(`${op}: every tensor of elems must have length ${n} along axis ${axis}, got ${shapeText(t.shape)}`);
  }
  if (n === 0) return elems;
  const pick = (i: number): T => {
    const parts = list.map((t) => slice(t, t.shape.map((_, d) => (d === a ? i : 0)), t.shape.map((_, d) => (d === a ? 1 : -1))));
    return (elems instanceof Tensor ? parts[0] : parts) as T;
  };
  const order = Array.from({ length: n }, (_, s) => (reverse ? n - 1 - s : s));
  const out: T[] = [];
  let acc = pick(order[0]);
  out.push(acc);
  for (const i of order.slice(1)) {
    // Reversed, the running total is on the right: out[i] = f(elems[i], out[i + 1]).
    acc = reverse ? f(pick(i), acc) : f(acc, pick(i));
    out.push(acc);
  }
  if (reverse) out.reverse();
  const join = (j: number): Tensor => concat(out.map((o) => (o instanceof Tensor ? o : (o as readonly Tensor[])[j])), a);
  return (elems instanceof Tensor ? join(0) : list.map((_, j) => join(j))) as T;
}

/** keras.ops.map(f, xs): f applied to each slice of xs along its first axis, the results stacked. */
export function map(f: (x: Tensor) => Tensor, xs: Tensor): Tensor {
  if (!(xs instanceof Tensor) || xs.rank === 0) throw new RangeError("map: xs must be a tensor with a leading axis to map over");
  const ys = unstack(xs, 0).map((x) => f(x));
  if (ys.length === 0) throw new RangeError(`map: xs ${shapeText(xs.shape)} has no slices; the output shape is unknown`);
  return stack(ys, 0);
}

/**
 * keras.ops.vectorized_map(f, elements): f over the slices of elements along its first axis, the
 * results stacked. lamina runs it as a loop (map); f sees one unbatched slice, as in Keras.
 */
export function vectorizedMap(f: (x: Tensor) => Tensor, elements: Tensor): Tensor {
  return map(f, elements);
}
