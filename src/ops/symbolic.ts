/**
 * Ops on symbolic tensors (Keras' ops on KerasTensors): `tf.add(input, 3)` while a functional model
 * is being defined records an operation node instead of computing. Ops know nothing of layers or
 * graphs: they test their inputs against SymbolicValue (the base of layers' SymbolicTensor, one
 * instanceof check that eager tensors fail at once) and hand the call to the handler that
 * layers/op_layer.ts installs, naming it by Keras' operation class ("Add", "Reshape") and config.
 */
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import type { NestedArray } from "../tensor/tensor.js";

/** A value standing for a tensor with a shape and dtype but no data (layers' SymbolicTensor extends it). */
export abstract class SymbolicValue {
  // Makes the class nominal: a Tensor, which also has a shape and a dtype, is not one.
  declare private readonly symbolicBrand: never;
  abstract readonly shape: readonly (number | null)[];
  abstract readonly dtype: DType;
}

/**
 * Filled in by layers/symbolic.ts with its SymbolicTensor (declaration merging), so that ops
 * declare they return that class without importing layers.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SymbolicTypes {}

/** The symbolic tensor type ops return for symbolic inputs (layers' SymbolicTensor). */
export type Sym = SymbolicTypes extends { tensor: infer T } ? T : SymbolicValue;

/**
 * Records an operation on symbolic arguments: `className` is Keras 3.5's operation class, `args`
 * the call's positional arguments (symbolic tensors, lists of them, or constants), `config` the
 * operation's Keras config keys (snake_case), `kwargs` the keyword arguments Keras passes to the
 * operation's call (Pad's constant_values, Average's weights). Returns the op's outputs.
 */
export type SymbolicHandler = (className: string, args: readonly unknown[], config: Readonly<Record<string, unknown>>,
  kwargs: Readonly<Record<string, unknown>>) => readonly SymbolicValue[];

let handler: SymbolicHandler | null = null;

export function installSymbolicHandler(h: SymbolicHandler): void {
  handler = h;
}

/** The symbolic result of an op called on symbolic arguments (see SymbolicHandler). */
export function symbolicOp(className: string, args: readonly unknown[], config: Readonly<Record<string, unknown>> = {},
  kwargs: Readonly<Record<string, unknown>> = {}): Sym {
  return symbolicOps(className, args, config, kwargs)[0];
}

/** The symbolic outputs of an op with several (Keras' Split, TopK, Unstack, Moments). */
export function symbolicOps(className: string, args: readonly unknown[], config: Readonly<Record<string, unknown>> = {},
  kwargs: Readonly<Record<string, unknown>> = {}): Sym[] {
  if (handler === null) {
    throw new Error(`${className}: called on a symbolic tensor, but no functional-graph support is loaded; import the layers (import * as tf from "lamina")`);
  }
  return handler(className, args, config, kwargs) as Sym[];
}

/**
 * The error for an op that cannot be recorded on a symbolic tensor (Keras cannot apply it to a
 * KerasTensor either, it takes a function, or its output's shape depends on the values).
 */
export function symbolicRefused(op: string, why = "lamina does not record it as a Keras operation"): TypeError {
  return new TypeError(
    `${op}: called on a symbolic tensor (a functional model's input or an output computed from one), but it cannot sit in a functional model as an operation (${why}); ` +
      "wrap it in a layers.Lambda (layers.Lambda({ fn: (x) => ... })) or a custom layer, whose call() receives real tensors",
  );
}

/** A parameter of an op that also takes symbolic tensors: a symbolic tensor where a tensor goes, or a list of them. */
export type SymParam<T> = [Tensor] extends [T] ? T | Sym : [T] extends [readonly (infer E)[]] ? ([Tensor] extends [E] ? T | readonly (E | Sym)[] : T) : T;
export type SymParams<P extends readonly unknown[]> = { [K in keyof P]: SymParam<P[K]> };
/** An op's result on symbolic tensors: a symbolic tensor for each tensor it returns. */
export type SymResult<R> = R extends Tensor ? Sym : R extends readonly unknown[] ? { [K in keyof R]: R[K] extends Tensor ? Sym : R[K] } : R;
/** An op that records `record`'s Keras operation when any argument is symbolic (F's own signatures win for tensors). */
export type WithSymbolic<F extends (...args: never[]) => unknown> = F & ((...args: SymParams<Parameters<F>>) => SymResult<ReturnType<F>>);

/**
 * `fn`, recording Keras' operation instead when any argument (or an element of a list argument) is
 * symbolic: `record` receives the same arguments (defaults unapplied) and calls symbolicOp.
 */
export function withSymbolic<F extends (...args: never[]) => unknown>(fn: F, record: (...args: SymParams<Parameters<F>>) => SymResult<ReturnType<F>>): WithSymbolic<F> {
  const op = (...args: unknown[]): unknown => (anySymbolic(args) ? (record as unknown as (...a: unknown[]) => unknown)(...args) : (fn as unknown as (...a: unknown[]) => unknown)(...args));
  return op as WithSymbolic<F>;
}

/** Whether any of the values (or of the lists among them) is symbolic. */
export function anySymbolic(values: readonly unknown[]): boolean {
  for (const v of values) {
    if (v instanceof SymbolicValue) return true;
    if (Array.isArray(v) && v.some((x) => x instanceof SymbolicValue)) return true;
  }
  return false;
}

/** An axis argument as Keras writes it in a config: null, an integer or a list. */
export function axisConfig(axis: number | readonly number[] | null | undefined): number | number[] | null {
  return axis === undefined || axis === null ? null : typeof axis === "number" ? axis : [...axis];
}

/** A config value copied out of the caller's (possibly readonly, nested) arrays. */
export function jsonCopy<T>(v: T): T {
  return (Array.isArray(v) ? v.map(jsonCopy) : v) as T;
}

/** `fn`, refusing symbolic arguments with symbolicRefused's error (ops Keras cannot record either). */
export function refuseSymbolic<F extends (...args: never[]) => unknown>(op: string, fn: F, why: string): F {
  const guarded = (...args: unknown[]): unknown => {
    if (anySymbolic(args)) throw symbolicRefused(op, why);
    return (fn as unknown as (...a: unknown[]) => unknown)(...args);
  };
  return guarded as unknown as F;
}

/**
 * An op argument Keras takes as a tensor, as recorded: a JavaScript array becomes a tensor constant
 * (saved as Keras' `__tensor__`; Keras itself cannot trace a Python list there), of `dtype` when
 * given; tensors, symbolic tensors and numbers stay as they are.
 */
export function constantArg(v: unknown, dtype?: DType): unknown {
  if (!Array.isArray(v) || v.some((e) => e instanceof SymbolicValue)) return v;
  return dtype === undefined ? constant(v as NestedArray) : constant(v as NestedArray, dtype);
}
