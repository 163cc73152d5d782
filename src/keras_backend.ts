/**
 * `tf.backend`: the names keras.backend exports in Keras 3.5, over lamina's own state. The dtype
 * helpers speak Keras' dtype names; lamina stores bool, uint8, int8, int32, int64, float32 and float64.
 */
import { DTYPES, type DType } from "./tensor/dtype.js";
import { floatx } from "./tensor/config.js";
import { valueText } from "./tensor/value_text.js";
import { SymbolicTensor } from "./layers/symbolic.js";
import { promoteTypes } from "./ops/keras_promote.js";

export { epsilon, setEpsilon, floatx, setFloatx, imageDataFormat, setImageDataFormat } from "./tensor/config.js";
export { getBackend as backend } from "./backend/registry.js";
export { clearSession, getUid } from "./layers/layer_names.js";

// Keras' ALLOWED_DTYPES: names it knows, whether or not lamina can store them.
const KERAS_DTYPES: readonly string[] = [
  "bfloat16", "bool", "float16", "float32", "float64", "float8_e4m3fn", "float8_e5m2", "int16", "int32", "int64", "int8",
  "string", "uint16", "uint32", "uint64", "uint8",
];

/** Keras' standardize_dtype on a name: null/undefined is floatx(), "int" is int32 (Keras outside TensorFlow), unknown names are refused. */
function kerasDtypeName(where: string, dtype: string | null | undefined): string {
  if (dtype === null || dtype === undefined) return floatx();
  const name = dtype === "int" ? "int32" : dtype;
  if (!KERAS_DTYPES.includes(name)) throw new TypeError(`${where}: invalid dtype ${valueText(dtype)}; Keras' dtypes are ${KERAS_DTYPES.join(", ")}`);
  return name;
}

/**
 * keras.backend.standardize_dtype: the dtype name lamina uses. A Keras dtype lamina cannot store
 * (float16, int16, string, ...) is refused, naming those it has.
 */
export function standardizeDtype(dtype?: string | null): DType {
  const name = kerasDtypeName("backend.standardizeDtype", dtype);
  if (!(DTYPES as readonly string[]).includes(name)) {
    throw new TypeError(`backend.standardizeDtype: lamina has no ${name} tensors; its dtypes are ${DTYPES.join(", ")}`);
  }
  return name as DType;
}

/** keras.backend.is_float_dtype: float16, bfloat16, float32, float64 and the float8 types. */
export function isFloatDtype(dtype?: string | null): boolean {
  const name = kerasDtypeName("backend.isFloatDtype", dtype);
  return name.startsWith("float") || name.startsWith("bfloat");
}

/** keras.backend.is_int_dtype: the signed and unsigned integers (not bool). */
export function isIntDtype(dtype?: string | null): boolean {
  const name = kerasDtypeName("backend.isIntDtype", dtype);
  return name.startsWith("int") || name.startsWith("uint");
}

/**
 * keras.backend.result_type: the dtype Keras promotes these to (int64 with float32 is float32,
 * as in Keras); none at all gives floatx(). The `ops` namespace promotes by the same rule.
 */
export function resultType(...dtypes: string[]): DType {
  return promoteTypes(dtypes.map((d) => standardizeDtype(d)));
}

/** keras.backend.is_keras_tensor: a symbolic tensor of a model being built (layers.Input or a layer's symbolic output). */
export function isKerasTensor(x: unknown): x is SymbolicTensor {
  return x instanceof SymbolicTensor;
}
