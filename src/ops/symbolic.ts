/**
 * Ops on symbolic tensors (Keras' ops on KerasTensors): `tf.add(input, 3)` while a functional model
 * is being defined records an operation node instead of computing. Ops know nothing of layers or
 * graphs: they test their inputs against SymbolicValue (the base of layers' SymbolicTensor, one
 * instanceof check that eager tensors fail at once) and hand the call to the handler that
 * layers/op_layer.ts installs, naming it by Keras' operation class ("Add", "Reshape") and config.
 */
import type { DType } from "../tensor/dtype.js";

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
 * operation's Keras config keys (snake_case).
 */
export type SymbolicHandler = (className: string, args: readonly unknown[], config: Readonly<Record<string, unknown>>) => SymbolicValue;

let handler: SymbolicHandler | null = null;

export function installSymbolicHandler(h: SymbolicHandler): void {
  handler = h;
}

/** The symbolic result of an op called on symbolic arguments (see SymbolicHandler). */
export function symbolicOp(className: string, args: readonly unknown[], config: Readonly<Record<string, unknown>> = {}): Sym {
  if (handler === null) {
    throw new Error(`${className}: called on a symbolic tensor, but no functional-graph support is loaded; import the layers (import * as tf from "lamina")`);
  }
  return handler(className, args, config) as Sym;
}

/** Whether any of the values (or of the lists among them) is symbolic. */
export function anySymbolic(values: readonly unknown[]): boolean {
  for (const v of values) {
    if (v instanceof SymbolicValue) return true;
    if (Array.isArray(v) && v.some((x) => x instanceof SymbolicValue)) return true;
  }
  return false;
}
