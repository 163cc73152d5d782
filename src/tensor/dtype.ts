/** The element types a tensor can hold, spelled as TensorFlow spells them. */
export type DType = "float32" | "float64" | "int32" | "int64" | "bool" | "uint8" | "int8";

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "int64", "bool", "uint8", "int8"];

export type FloatDType = "float32" | "float64";

/** The typed array that stores each dtype. bool is stored as 0/1 bytes. */
export interface DTypeStorage {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
  uint8: Uint8Array;
  int8: Int8Array;
}

export type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array;
export type TypedArray = NumericArray | BigInt64Array;

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function assertDType(x: unknown, where: string): DType {
  if (!isDType(x)) {
    throw new TypeError(`${where}: unknown dtype ${JSON.stringify(x)}; expected one of ${DTYPES.join(", ")}`);
  }
  return x;
}

export function isFloatDType(d: DType): d is FloatDType {
  return d === "float32" || d === "float64";
}

export function isIntDType(d: DType): boolean {
  return d === "int32" || d === "int64" || d === "uint8" || d === "int8";
}

export function allocStorage<D extends DType>(dtype: D, size: number): DTypeStorage[D];
export function allocStorage(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(size);
    case "float64": return new Float64Array(size);
    case "int32": return new Int32Array(size);
    case "int64": return new BigInt64Array(size);
    case "bool": return new Uint8Array(size);
    case "uint8": return new Uint8Array(size);
    case "int8": return new Int8Array(size);
  }
}

/** The dtype a typed array maps to when handed to tf.constant. */
export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof BigInt64Array) return "int64";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof Int8Array) return "int8";
  throw new TypeError("unsupported typed array");
}

/** Number of bytes per element, as numpy's itemsize. */
export function itemSize(d: DType): number {
  switch (d) {
    case "float64": case "int64": return 8;
    case "float32": case "int32": return 4;
    case "bool": case "uint8": case "int8": return 1;
  }
}
