import { type DType, type TypedArray, allocStorage, assertDType, dtypeOfTypedArray, isIntDType } from "./dtype.js";
import { type Shape, assertShape, sizeOf, shapeText } from "./shape.js";
import { Tensor, type NestedArray, storageOf } from "./tensor.js";
import { floatx } from "./config.js";
import { valueText } from "./value_text.js";

export type TensorLike = NestedArray | TypedArray | bigint | readonly bigint[] | Tensor;

/**
 * tf.constant(value, dtype?) or tf.constant(value, shape?, dtype?).
 * Integer literals give int32 and other numbers config.floatx() (float32 unless set); typed arrays keep
 * their own dtype; booleans give bool; bigints give int64.
 */
export function constant(value: TensorLike, shapeOrDType?: Shape | DType | null, dtypeArg?: DType): Tensor {
  let shape: number[] | undefined;
  let dtype: DType | undefined = dtypeArg;
  if (typeof shapeOrDType === "string") dtype = shapeOrDType;
  else if (shapeOrDType) shape = assertShape([...shapeOrDType], "constant");
  if (dtype !== undefined) assertDType(dtype, "constant");

  if (value instanceof Tensor) {
    const t = dtype && dtype !== value.dtype ? castValues(storageOf(value), value.dtype, dtype) : storageOf(value).slice();
    return reshapeChecked(new Tensor(t, value.shape, dtype ?? value.dtype), shape);
  }
  if (ArrayBuffer.isView(value)) {
    const arr = value as TypedArray;
    const src = dtypeOfTypedArray(arr);
    const d = dtype ?? src;
    const data = d === src ? arr.slice() : castValues(arr, src, d);
    return new Tensor(data, checkShape(shape ?? [arr.length], data.length), d);
  }
  const { flat, inferredShape, kind } = flatten(value);
  // JavaScript floats take config.floatx(), as Keras' convert_to_tensor gives Python floats floatx.
  const d: DType = dtype ?? (kind === "bool" ? "bool" : kind === "bigint" ? "int64" : kind === "int" ? "int32" : floatx());
  const data = fromValues(flat, d);
  if (shape && sizeOf(shape) !== flat.length && flat.length === 1) {
    return fill(shape, Number(flat[0]), d);
  }
  return new Tensor(data, checkShape(shape ?? inferredShape, flat.length), d);
}

function checkShape(shape: number[], n: number): number[] {
  if (sizeOf(shape) !== n) {
    throw new RangeError(`constant: ${n} values cannot fill shape ${shapeText(shape)} (it needs ${sizeOf(shape)}); pass a matching shape or omit it`);
  }
  return shape;
}

function reshapeChecked(t: Tensor, shape: number[] | undefined): Tensor {
  if (!shape) return t;
  return new Tensor(storageOf(t), checkShape(shape, t.size), t.dtype);
}

type Kind = "int" | "float" | "bool" | "bigint";

function flatten(value: unknown): { flat: (number | boolean | bigint)[]; inferredShape: number[]; kind: Kind } {
  const flat: (number | boolean | bigint)[] = [];
  let kind: Kind = "int";
  let sawBool = false, sawNum = false, sawBig = false;
  const shape: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const arr = v as ArrayLike<unknown>;
      if (shape.length === depth) shape.push(arr.length);
      else if (shape[depth] !== arr.length || shape.length <= depth) {
        throw new RangeError(`constant: ragged nested array: at depth ${depth} found length ${arr.length}, expected ${shape[depth]}; every row must have the same length`);
      }
      for (let i = 0; i < arr.length; i++) walk(arr[i], depth + 1);
      return;
    }
    if (depth !== shape.length && flat.length > 0) {
      throw new RangeError(`constant: ragged nested array: a scalar at depth ${depth} where depth ${shape.length} was expected`);
    }
    if (typeof v === "number") {
      sawNum = true;
      if (!Number.isInteger(v)) kind = "float";
    } else if (typeof v === "boolean") sawBool = true;
    else if (typeof v === "bigint") sawBig = true;
    else throw new TypeError(`constant: cannot make a tensor from ${v === null ? "null" : typeof v} value ${String(v)}`);
    flat.push(v);
  };
  walk(value, 0);
  if ([sawBool, sawNum, sawBig].filter(Boolean).length > 1) {
    throw new TypeError("constant: mixed booleans, numbers and bigints in one array; use one kind of value");
  }
  if (sawBool) kind = "bool";
  if (sawBig) kind = "bigint";
  if (!sawNum && !sawBool && !sawBig) kind = "float";
  return { flat, inferredShape: shape, kind };
}

function fromValues(values: readonly (number | boolean | bigint)[], dtype: DType): TypedArray {
  const out = allocStorage(dtype, values.length);
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === "number" && !Number.isInteger(v)) throw new TypeError(`constant: ${v} is not an integer and cannot be stored as int64`);
      out[i] = BigInt(typeof v === "boolean" ? Number(v) : v);
    }
    return out;
  }
  const intLike = isIntDType(dtype);
  // The typed array would wrap 3e9 to -1294967296 and store NaN as 0 without a word.
  const [lo, hi] = dtype === "uint8" ? [0, 255] : dtype === "int8" ? [-128, 127] : [-(2 ** 31), 2 ** 31 - 1];
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (intLike && !Number.isInteger(v)) {
      throw new TypeError(`constant: ${v} is not an integer and cannot be stored as ${dtype}; round it or use a float dtype`);
    }
    if (intLike && (v < lo || v > hi)) {
      throw new RangeError(`constant: ${v} is outside ${dtype}'s range [${lo}, ${hi}]; use a wider dtype (int64, float64)`);
    }
    out[i] = dtype === "bool" ? (v !== 0 ? 1 : 0) : v;
  }
  return out;
}

/*
 * Float to integer conversions as x86's cvttss2si/cvttsd2si make them, and so numpy's astype,
 * torch's .to() and TF's cast on x86: truncation toward zero for values in range, and the type's
 * smallest value (INT_MIN) for NaN, +-Infinity and anything beyond the range (the typed array
 * alone would store NaN as 0 and wrap 3e9 to -1294967296).
 */
const INT32_MIN = -2147483648;
const INT64_MIN = -(2n ** 63n);
const TWO_63 = 2 ** 63;

function floatToInt32(v: number): number {
  return v > -2147483649 && v < 2147483648 ? Math.trunc(v) : INT32_MIN;
}

function floatToInt64(v: number): bigint {
  return v >= -TWO_63 && v < TWO_63 ? BigInt(Math.trunc(v)) : INT64_MIN;
}

/**
 * Converts storage between dtypes with TensorFlow's cast rules on x86: floats truncate toward
 * zero, NaN, +-Infinity and out-of-range floats give INT_MIN; integers wrap to a narrower type
 * (int64 -> int32 keeps the low 32 bits exactly; uint8 and int8 keep the low byte of the int32 value, as
 * numpy does); anything nonzero is true.
 */
export function castValues(src: TypedArray, from: DType, to: DType): TypedArray {
  const out = allocStorage(to, src.length);
  if (from === to) {
    (out as TypedArray).set(src as never);
    return out;
  }
  const n = src.length;
  if (out instanceof BigInt64Array) {
    if (src instanceof Float32Array || src instanceof Float64Array) {
      for (let i = 0; i < n; i++) out[i] = floatToInt64(src[i]);
    } else {
      for (let i = 0; i < n; i++) out[i] = BigInt(src[i] as number);
    }
    return out;
  }
  if (src instanceof BigInt64Array) {
    if (to === "bool") for (let i = 0; i < n; i++) out[i] = src[i] !== 0n ? 1 : 0;
    else if (to === "int32" || to === "uint8" || to === "int8") for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(32, src[i]));
    else for (let i = 0; i < n; i++) out[i] = Number(src[i]);
    return out;
  }
  if (to === "bool") {
    for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else if (to === "int32" || to === "uint8" || to === "int8") {
    // Storing the int32 value into a Uint8Array (Int8Array) keeps its low byte, as numpy does.
    for (let i = 0; i < n; i++) out[i] = floatToInt32(src[i]);
  } else {
    for (let i = 0; i < n; i++) out[i] = src[i];
  }
  return out;
}

export function fill(shape: Shape, value: number | boolean, dtype?: DType): Tensor {
  const s = assertShape([...shape], "fill");
  const d = dtype ?? (typeof value === "boolean" ? "bool" : Number.isInteger(value) ? "int32" : floatx());
  const out = allocStorage(d, sizeOf(s));
  if (out instanceof BigInt64Array) out.fill(BigInt(Number(value)));
  else out.fill(Number(value));
  return new Tensor(out, s, d);
}

export function zeros(shape: Shape, dtype: DType = floatx()): Tensor {
  return fill(shape, 0, dtype);
}
export function ones(shape: Shape, dtype: DType = floatx()): Tensor {
  return fill(shape, 1, dtype);
}
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, t.dtype);
}
export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, t.dtype);
}

/** tf.range(start, limit?, delta?, dtype?): like Python's range; int32 when all arguments are integers. */
export function range(start: number, limit?: number, delta = 1, dtype?: DType): Tensor {
  if (limit === undefined) {
    limit = start;
    start = 0;
  }
  if (delta === 0) throw new RangeError("range: delta must not be 0");
  const d = dtype ?? ([start, limit, delta].every(Number.isInteger) ? "int32" : "float32");
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  const vals = Array.from({ length: n }, (_, i) => start + i * delta);
  return new Tensor(castValues(new Float64Array(vals), "float64", d), [n], d);
}

export function linspace(start: number, stop: number, num: number, dtype: DType = "float32"): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${valueText(num)}`);
  const vals = new Float64Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) vals[i] = start + i * step;
  if (num > 1) vals[num - 1] = stop;
  return new Tensor(castValues(vals, "float64", dtype), [num], dtype);
}

export function eye(numRows: number, numColumns: number = numRows, dtype: DType = "float32"): Tensor {
  const out = zeros([numRows, numColumns], dtype);
  const data = storageOf(out);
  for (let i = 0; i < Math.min(numRows, numColumns); i++) {
    if (data instanceof BigInt64Array) data[i * numColumns + i] = 1n;
    else data[i * numColumns + i] = 1;
  }
  return out;
}
