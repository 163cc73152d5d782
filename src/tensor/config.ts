/**
 * Keras' backend configuration (keras.config / keras.backend): the fuzz factor epsilon, the
 * default float dtype and the default image data format. Global, read at the moment of use as
 * Keras reads them, so a setter changes every later loss, metric, layer and op. It lives in
 * tensor/ because every other folder (ops, nn, layers) reads it and tensor/ sits above them all.
 */
import type { FloatDType } from "./dtype.js";
import { valueText } from "./value_text.js";

export type ImageDataFormat = "channels_last" | "channels_first";

let currentEpsilon = 1e-7;
let currentFloatx: FloatDType = "float32";
let currentImageDataFormat: ImageDataFormat = "channels_last";

/** Keras' backend.epsilon(): the fuzz factor of clipping and divisions (default 1e-7). */
export function epsilon(): number {
  return currentEpsilon;
}

/** keras.config.set_epsilon. Refuses what is not a finite number at least 0. */
export function setEpsilon(value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`config.setEpsilon: epsilon must be a finite number >= 0 (Keras' default is 1e-7), got ${valueText(value)}`);
  }
  currentEpsilon = value;
}

/** Keras' floatx(): the dtype layers, initializers and conversions use when none is given ("float32"). */
export function floatx(): FloatDType {
  return currentFloatx;
}

/**
 * keras.config.set_floatx. lamina's floats are float32 and float64; Keras' "float16" and
 * "bfloat16" have no storage here and are refused rather than silently computed in float32.
 */
export function setFloatx(value: string): void {
  if (value === "float32" || value === "float64") {
    currentFloatx = value;
    return;
  }
  if (value === "float16" || value === "bfloat16") {
    throw new RangeError(`config.setFloatx: lamina has no ${value} tensors; use "float32" (the default) or "float64"`);
  }
  throw new RangeError(`config.setFloatx: unknown floatx ${valueText(value)}; expected "float32" or "float64" (Keras also names "float16" and "bfloat16", which lamina lacks)`);
}

/** Keras' image_data_format(): what a layer or op given no dataFormat uses ("channels_last"). */
export function imageDataFormat(): ImageDataFormat {
  return currentImageDataFormat;
}

/** keras.config.set_image_data_format: "channels_last" or "channels_first", any letter case. */
export function setImageDataFormat(dataFormat: string): void {
  currentImageDataFormat = standardizeDataFormat("config.setImageDataFormat", dataFormat);
}

/**
 * Keras' standardize_data_format: null or undefined is the global imageDataFormat(), a string is
 * lower-cased and must be one of the two formats.
 */
export function standardizeDataFormat(where: string, v: unknown, subject = "images"): ImageDataFormat {
  if (v === undefined || v === null) return currentImageDataFormat;
  const s = typeof v === "string" ? v.toLowerCase() : v;
  if (s === "channels_last" || s === "channels_first") return s;
  throw new RangeError(
    `${where}: dataFormat must be "channels_last" (${subject} [batch, height, width, channels]) or "channels_first" ` +
      `([batch, channels, height, width]), got ${valueText(v)}`,
  );
}

/** Keras' DTypePolicy as far as lamina has one: a single float dtype for variables and computations. */
export interface DTypePolicy {
  readonly name: FloatDType;
  readonly computeDtype: FloatDType;
  readonly variableDtype: FloatDType;
}

// null: no policy set, so the policy follows floatx() as Keras' default FloatDTypePolicy(floatx()) does.
let currentPolicy: "float32" | null = null;

/** keras.config.dtype_policy: the global policy, floatx() unless setDtypePolicy chose one. */
export function dtypePolicy(): DTypePolicy {
  const name = currentPolicy ?? currentFloatx;
  return Object.freeze({ name, computeDtype: name, variableDtype: name });
}

/**
 * keras.config.set_dtype_policy for "float32" (a name or a policy object with that name); null
 * restores the default. Mixed precision ("mixed_float16", "mixed_bfloat16"), float16, bfloat16
 * and the quantized policies need dtypes lamina lacks and are refused.
 */
export function setDtypePolicy(policy: string | { readonly name: string } | null): void {
  if (policy === null) {
    currentPolicy = null;
    return;
  }
  const name = typeof policy === "string" ? policy : policy?.name;
  if (name === "float32") {
    currentPolicy = name;
    return;
  }
  throw new RangeError(
    `config.setDtypePolicy: lamina supports only the "float32" policy, got ${valueText(name ?? policy)}; ` +
      `mixed precision and float16/bfloat16 need dtypes lamina lacks (for float64 layers use config.setFloatx("float64") or a layer's dtype option)`,
  );
}
