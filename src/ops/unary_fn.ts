/** Public elementwise ops that also record Keras' operation when called on a symbolic tensor. */
import type { Tensor } from "../tensor/tensor.js";
import type { UnaryOp } from "../backend/backend.js";
import type { Input } from "./engine.js";
import { unaryOp } from "./math.js";
import { type Sym, SymbolicValue, symbolicOp } from "./symbolic.js";

export interface UnaryFn {
  (x: Sym): Sym;
  (x: Input): Tensor;
}

/** unaryOp as a public op: on a symbolic input it records Keras' `className` operation (one instanceof check on tensors). */
export function unary(op: UnaryOp, className: string, floatOnly: boolean): UnaryFn {
  return ((x: Input | Sym) => (x instanceof SymbolicValue ? symbolicOp(className, [x]) : unaryOp(op, x, { floatOnly }))) as UnaryFn;
}
