import { type Tensor, storageOf } from "../tensor/tensor.js";
import { castValues } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";

/** Index values of an integer tensor as plain numbers; `what` names them in errors. */
export function integerValues(op: string, t: Tensor, what: string): Int32Array {
  if (t.dtype === "int32") return storageOf(t) as Int32Array;
  if (t.dtype === "int64" || t.dtype === "uint8" || t.dtype === "int8") return castValues(storageOf(t), t.dtype, "int32") as Int32Array;
  throw new TypeError(`${op}: ${what} must be int32 or int64, got ${t.dtype} ${shapeText(t.shape)}; cast them with tf.cast(${what}, "int32")`);
}
