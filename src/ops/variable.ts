import type { Tensor } from "../tensor/tensor.js";
import { Variable, type VariableOptions } from "../tensor/variable.js";
import { add, cast, sub } from "./math.js";
import type { Input } from "./engine.js";

/** tf.variable(initialValue, { trainable, name, dtype }). */
export function variable(initial: Tensor, opts: VariableOptions = {}): Variable {
  return new Variable(opts.dtype && opts.dtype !== initial.dtype ? cast(initial, opts.dtype) : initial, opts);
}

declare module "../tensor/variable.js" {
  interface Variable {
    /** v.assignAdd(delta): v = v + delta. */
    assignAdd(delta: Input): this;
    /** v.assignSub(delta): v = v - delta. */
    assignSub(delta: Input): this;
  }
}

Variable.prototype.assignAdd = function (this: Variable, delta: Input) {
  return this.assign(add(this, delta));
};
Variable.prototype.assignSub = function (this: Variable, delta: Input) {
  return this.assign(sub(this, delta));
};
