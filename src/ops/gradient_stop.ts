import { type Tensor, makeTensor, storageOf } from "../tensor/tensor.js";
import { Variable } from "../tensor/variable.js";
import type { DType } from "../tensor/dtype.js";
import { fill } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import { installMethods } from "./methods.js";

/**
 * tf.stopGradient(x) (keras.ops.stop_gradient): x's values, with no gradient flowing back through
 * them. A tensor's storage is shared (tensors never change); a Variable's is copied, so that a
 * later assign does not change the result.
 */
export function stopGradient(xIn: Input): Tensor {
  const x = toTensor(xIn, "stopGradient");
  const data = x instanceof Variable ? storageOf(x).slice() : storageOf(x);
  return makeTensor(data, x.shape, x.dtype);
}

/** keras.ops.full_like(x, fillValue, dtype?): a tensor of x's shape filled with fillValue, in x's dtype unless given. */
export function fullLike(xIn: Input, fillValue: number | boolean, dtype?: DType): Tensor {
  const x = toTensor(xIn, "fullLike");
  const d = dtype ?? x.dtype;
  if (typeof fillValue === "number" && (d === "int32" || d === "int64" || d === "uint8" || d === "int8") && !Number.isInteger(fillValue)) {
    throw new TypeError(`fullLike: fillValue ${fillValue} is not an integer but the dtype is ${d}; pass a float dtype, e.g. fullLike(x, ${fillValue}, "float32")`);
  }
  return fill(x.shape, fillValue, d);
}

declare module "../tensor/tensor.js" {
  interface Tensor {
    stopGradient(): Tensor;
  }
}

installMethods({ stopGradient });
