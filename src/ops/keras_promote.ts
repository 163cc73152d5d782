/**
 * Keras 3.5's dtype promotion (keras.backend.result_type) for the `ops` namespace: operands of
 * different dtypes meet at their least upper bound, and plain JavaScript numbers are weakly typed
 * like Python's scalars (an int32 tensor + 2 stays int32, + 0.5 becomes float32). lamina's
 * top-level ops keep TensorFlow's rule (mixed dtypes are an error); only `ops` promotes.
 *
 * JavaScript cannot tell 2.0 from 2: an integral number is a weak int, so `ops.add(int32, 2.0)`
 * is int32 where Keras' Python would give float32 (pass a float tensor to get float).
 */
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { floatx } from "../tensor/config.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { SymbolicValue } from "./symbolic.js";
import { cast } from "./math.js";
import { type Input, toTensor } from "./engine.js";

/** A Python scalar's weak type: its value defers to any tensor operand's dtype of its kind. */
export type WeakType = "int" | "float";
export type PromotionType = DType | WeakType;

// On lamina's dtypes Keras' (JAX's) promotion lattice is a chain; the weak int sits just above
// bool and the weak float just above int64 (so int64 with a Python float is floatx).
const LATTICE: readonly PromotionType[] = ["bool", "int", "uint8", "int8", "int32", "int64", "float", "float32", "float64"];

/** A weak type resolved at floatx()'s precision, as Keras does (int32/float32, or int64/float64). */
function resolveWeak(t: WeakType): DType {
  const wide = floatx() === "float64";
  return t === "int" ? (wide ? "int64" : "int32") : wide ? "float64" : "float32";
}

/** keras.backend.result_type over dtypes and weak types; none at all gives floatx(). */
export function promoteTypes(types: readonly PromotionType[]): DType {
  if (types.length === 0) return floatx();
  const weak = (t: PromotionType): t is WeakType => t === "int" || t === "float";
  if (types.every(weak)) return resolveWeak(types.includes("float") ? "float" : "int");
  // uint8 and int8 meet at int16 in Keras; lamina has no int16, so at int32, the next wider type.
  if (types.includes("int8") && types.includes("uint8")) types = [...types.filter((t) => t !== "int8" && t !== "uint8"), "int32"];
  let best = 0;
  for (const t of types) best = Math.max(best, LATTICE.indexOf(t));
  const top = LATTICE[best];
  return weak(top) ? resolveWeak(top) : top;
}

/** The promotion type of an operand: a tensor's (or symbolic tensor's) dtype, a number's weak type, an array's dtype as tf.constant gives it. */
export function promotionTypeOf(x: unknown, op: string): PromotionType {
  if (x instanceof Tensor || x instanceof SymbolicValue) return x.dtype;
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "bigint") return "int";
  if (typeof x === "boolean") return "bool";
  return toTensor(x as Input, op).dtype;
}

/** Keras' result type of the operands (plus extra types, such as the weak float of a true division). */
export function kerasResultType(operands: readonly unknown[], op: string, extra: readonly PromotionType[] = []): DType {
  return promoteTypes([...operands.map((x) => promotionTypeOf(x, op)), ...extra]);
}

/** An operand as a tensor of `dtype`: tensors cast, numbers and arrays created in it. */
export function asDType(x: Input, dtype: DType, op: string, arg: string): Tensor {
  if (x instanceof Tensor) return x.dtype === dtype ? x : cast(x, dtype);
  if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") {
    const v = typeof x === "number" ? x : Number(x);
    if (!Number.isFinite(v) && dtype !== "float32" && dtype !== "float64") {
      throw new TypeError(`ops.${op}: ${arg}=${valueText(x)} cannot be a ${dtype} value`);
    }
    return constant(v, [], dtype);
  }
  const t = toTensor(x, op, arg);
  return t.dtype === dtype ? t : cast(t, dtype);
}

/**
 * The operands converted to their Keras result type (widened by `extra`); `boolAs` replaces a
 * bool result for ops that compute in numbers (Keras' mod and clip of bools give int32).
 */
export function promoted(operands: readonly Input[], op: string, extra: readonly PromotionType[] = [], boolAs: DType = "bool"): Tensor[] {
  const found = kerasResultType(operands, op, extra);
  const dtype = found === "bool" ? boolAs : found;
  return operands.map((x, i) => asDType(x, dtype, op, `argument ${i}`));
}
