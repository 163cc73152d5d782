/**
 * layers.InputSpec as users reach it: Keras writes `InputSpec(ndim=3)` and lamina's layers are
 * called without `new` (layers.Dense(4)), so it is a function that also works with `new`, with
 * `instanceof` and `fromConfig`, all on the one InputSpec class.
 */
import { InputSpec as InputSpecClass, type InputSpecArgs } from "./input_spec.js";

export type { InputSpecArgs, InputSpecConfig, InputSpecValue } from "./input_spec.js";

export interface InputSpecConstructor {
  (args?: InputSpecArgs): InputSpecClass;
  new (args?: InputSpecArgs): InputSpecClass;
  readonly prototype: InputSpecClass;
  fromConfig(config: Readonly<Record<string, unknown>>): InputSpecClass;
}

function InputSpecFunction(args?: InputSpecArgs): InputSpecClass {
  return new InputSpecClass(args);
}
Object.defineProperty(InputSpecFunction, "name", { value: "InputSpec" });
// `new InputSpec(...)` returns the object the function returns; instanceof reads this prototype.
InputSpecFunction.prototype = InputSpecClass.prototype;

export const InputSpec = Object.assign(InputSpecFunction, {
  fromConfig: (config: Readonly<Record<string, unknown>>): InputSpecClass => InputSpecClass.fromConfig(config),
}) as unknown as InputSpecConstructor;
export type InputSpec = InputSpecClass;
