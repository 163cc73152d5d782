/** The values the hashing layers hash: strings as given, tensors as TensorFlow's as_string writes them. */
import { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { flatten, isString } from "./nested_values.js";

/** One hashed input: each element's text, its original value (for mask comparisons) and the shape. */
export interface HashValues {
  texts: string[];
  /** int64 values as TensorFlow holds them (for crosses of integer features); null for strings. */
  ints: bigint[] | null;
  raw: (string | number)[];
  shape: number[];
}

/**
 * Strings (nested arrays) or an integer or float tensor. Keras' Hashing casts floats to int64
 * (truncating) and writes integers in decimal before hashing, so 3.7 hashes as "3".
 */
export function hashValues(x: unknown, where: string): HashValues {
  if (x instanceof Tensor) {
    if (x.dtype === "bool") throw new TypeError(`${where}: takes strings, integers or floats, got a bool tensor; cast it to int32 first`);
    const data = x.dataSync() as ArrayLike<number | bigint>;
    const raw: number[] = [];
    const ints: bigint[] = [];
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v === "bigint") {
        raw.push(Number(v));
        ints.push(v);
      } else {
        if (isFloatDType(x.dtype) && !Number.isFinite(v)) {
          throw new RangeError(`${where}: cannot hash the non-finite value ${v} (Keras casts floats to int64 first, which has no such value); replace it first`);
        }
        raw.push(v);
        ints.push(BigInt(Math.trunc(v)));
      }
    }
    return { texts: ints.map(String), ints, raw, shape: [...x.shape] };
  }
  try {
    const flat = flatten(x, isString, "strings", where);
    return { texts: flat.values, ints: null, raw: flat.values, shape: flat.shape };
  } catch (e) {
    throw new TypeError(`${where}: takes strings (nested arrays of them) or an integer or float tensor, got ${valueText(x)} (${(e as Error).message})`);
  }
}
