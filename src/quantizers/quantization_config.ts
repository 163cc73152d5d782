/**
 * Keras 3.15's quantization configs (keras.quantizers.QuantizationConfig, Int8QuantizationConfig,
 * Int4QuantizationConfig), the quantizers namespace's serialize/deserialize/get, and
 * validateAndResolveConfig, which turns quantize()'s (mode, config) into one config as Keras'
 * Layer.quantize wrapper does. lamina quantizes to int8 and int4 only: float8 needs float8
 * storage dtypes, and GPTQ/AWQ need their calibration algorithms, none of which lamina has.
 */
import { valueText } from "../tensor/value_text.js";
import type { Config, ConfigValue } from "../nn/common.js";
import { AbsMaxQuantizer, Quantizer } from "./quantizers.js";

/** Keras' QUANTIZATION_MODES, in its order. */
export const QUANTIZATION_MODES = ["int8", "float8", "int4", "gptq", "awq"] as const;
export type QuantizationMode = (typeof QUANTIZATION_MODES)[number];
/** The modes lamina builds. */
export type SupportedQuantizationMode = "int8" | "int4";

/** Why a Keras mode lamina lacks is absent, for its error. */
const ABSENT: Readonly<Record<string, string>> = {
  float8: "float8 training needs float8 (e4m3/e5m2) storage dtypes, which lamina does not have",
  gptq: "GPTQ needs its calibration algorithm (Hessian-based error correction over a calibration dataset), which lamina does not implement",
  awq: "AWQ needs its activation-aware calibration over a calibration dataset, which lamina does not implement",
};

/**
 * Refuses a mode lamina does not build: an unknown one with Keras' list of modes, Keras'
 * float8/gptq/awq with the reason they are absent.
 */
export function checkQuantizationMode(where: string, mode: unknown): SupportedQuantizationMode {
  if (mode === "int8" || mode === "int4") return mode;
  if (typeof mode === "string" && mode in ABSENT) {
    throw new Error(`${where}: quantization mode "${mode}" is not supported: lamina supports "int8" and "int4" because ${ABSENT[mode]}`);
  }
  throw new RangeError(`${where}: invalid quantization mode. Expected one of ${valueText([...QUANTIZATION_MODES])}. Received: mode=${valueText(mode)}`);
}

/** keras.quantizers.QuantizationConfig: the weight and activation quantizers of a mode. */
export abstract class QuantizationConfig {
  readonly weightQuantizer: Quantizer | null;
  readonly activationQuantizer: Quantizer | null;

  constructor(weightQuantizer: Quantizer | null, activationQuantizer: Quantizer | null) {
    this.weightQuantizer = weightQuantizer;
    this.activationQuantizer = activationQuantizer;
  }

  abstract get mode(): SupportedQuantizationMode;
  abstract get className(): string;

  getConfig(): Config {
    return { weight_quantizer: serialize(this.weightQuantizer), activation_quantizer: serialize(this.activationQuantizer) };
  }
}

export interface Int8QuantizationConfigArgs {
  weightQuantizer?: Quantizer | null;
  /** "default" (AbsMaxQuantizer per row, Keras' default), a quantizer, or null for weight-only. */
  activationQuantizer?: Quantizer | null | "default";
}

/** keras.quantizers.Int8QuantizationConfig: int8 weights, and by default int8 inputs (AbsMaxQuantizer on the last axis). */
export class Int8QuantizationConfig extends QuantizationConfig {
  constructor(args: Int8QuantizationConfigArgs = {}) {
    const act = args.activationQuantizer === undefined || args.activationQuantizer === "default" ? new AbsMaxQuantizer() : args.activationQuantizer;
    super(args.weightQuantizer ?? null, act);
    if (this.weightQuantizer !== null && this.weightQuantizer.outputDtype !== "int8") {
      throw new RangeError(`Int8QuantizationConfig requires a weightQuantizer with outputDtype "int8". Received: outputDtype=${valueText(this.weightQuantizer.outputDtype)}`);
    }
  }
  get mode(): "int8" {
    return "int8";
  }
  get className(): string {
    return "Int8QuantizationConfig";
  }
}

export interface Int4QuantizationConfigArgs extends Int8QuantizationConfigArgs {
  /**
   * Rows per group along the input axis (sub-channel quantization with a zero point); null or -1
   * for one scale per output channel. Keras' default is 128.
   */
  blockSize?: number | null;
}

/** keras.quantizers.Int4QuantizationConfig: int4 weights (packed two per byte), weight-only by default. */
export class Int4QuantizationConfig extends QuantizationConfig {
  readonly blockSize: number | null;

  constructor(args: Int4QuantizationConfigArgs = {}) {
    const act = args.activationQuantizer === undefined || args.activationQuantizer === "default" ? null : args.activationQuantizer;
    super(args.weightQuantizer ?? null, act);
    const b = args.blockSize === undefined ? 128 : args.blockSize;
    if (b !== null && b !== -1 && !(Number.isInteger(b) && b > 0)) {
      throw new RangeError(`Int4QuantizationConfig: blockSize must be null, -1, or a positive integer. Received: blockSize=${valueText(b)}`);
    }
    this.blockSize = b;
    if (b !== null && b > 0 && (this.weightQuantizer !== null || this.activationQuantizer !== null)) {
      throw new RangeError(
        `Int4QuantizationConfig: int4 sub-channel quantization (blockSize > 0) does not support custom quantizers. Either set blockSize to null or -1 ` +
          `for per-channel quantization, or remove the custom quantizer arguments. Received: blockSize=${b}`,
      );
    }
    const wq = this.weightQuantizer;
    if (wq instanceof AbsMaxQuantizer && (wq.valueRange[0] !== -8 || wq.valueRange[1] !== 7)) {
      throw new RangeError(`Int4QuantizationConfig requires a weightQuantizer with valueRange [-8, 7]. Received: valueRange=${valueText(wq.valueRange)}`);
    }
    if (wq !== null && wq.outputDtype !== "int8") {
      throw new RangeError(`Int4QuantizationConfig requires a weightQuantizer with outputDtype "int8". Received: outputDtype=${valueText(wq.outputDtype)}`);
    }
  }
  get mode(): "int4" {
    return "int4";
  }
  get className(): string {
    return "Int4QuantizationConfig";
  }
  /** The block size as a layer uses it: null for per-channel (Keras' None or -1). */
  get groupSize(): number | null {
    return this.blockSize === null || this.blockSize === -1 ? null : this.blockSize;
  }
  override getConfig(): Config {
    return { ...super.getConfig(), block_size: this.blockSize };
  }
}

/** An object the quantizers namespace serializes. */
export type QuantizerObject = Quantizer | QuantizationConfig;

/** keras.quantizers.serialize: `{ module: "keras.quantizers", class_name, config, registered_name: null }`, or null. */
export function serialize(obj: QuantizerObject | null): ConfigValue {
  if (obj === null) return null;
  return { module: "keras.quantizers", class_name: obj.className, config: obj.getConfig(), registered_name: null };
}

const SNAKE: Readonly<Record<string, string>> = {
  abs_max_quantizer: "AbsMaxQuantizer", int8_quantization_config: "Int8QuantizationConfig", int4_quantization_config: "Int4QuantizationConfig",
};

function classOf(where: string, name: unknown): string {
  const n = typeof name === "string" ? (SNAKE[name] ?? name) : name;
  if (n === "AbsMaxQuantizer" || n === "Int8QuantizationConfig" || n === "Int4QuantizationConfig") return n;
  if (n === "Float8QuantizationConfig" || n === "GPTQConfig" || n === "AWQConfig") {
    throw new Error(`${where}: ${n} is not supported: lamina quantizes to int8 and int4 only (float8 needs float8 dtypes; GPTQ and AWQ need calibration algorithms lamina does not have)`);
  }
  throw new RangeError(`${where}: could not interpret quantizer identifier ${valueText(name)}; lamina knows AbsMaxQuantizer, Int8QuantizationConfig and Int4QuantizationConfig`);
}

function quantizerOrNull(where: string, v: unknown): Quantizer | null {
  if (v === null || v === undefined) return null;
  const q = deserialize(v as Readonly<Record<string, unknown>>);
  if (!(q instanceof Quantizer)) throw new TypeError(`${where}: expected a quantizer, got ${valueText(v)}`);
  return q;
}

/** keras.quantizers.deserialize: a quantizer or config from its serialized form (`{ class_name, config }`). */
export function deserialize(config: Readonly<Record<string, unknown>>): QuantizerObject {
  const where = "quantizers.deserialize";
  if (typeof config !== "object" || config === null) throw new TypeError(`${where}: expected { class_name, config }, got ${valueText(config)}`);
  const cls = classOf(where, config.class_name ?? config.className);
  const inner = (config.config ?? {}) as Readonly<Record<string, unknown>>;
  if (cls === "AbsMaxQuantizer") return AbsMaxQuantizer.fromConfig(inner);
  const weightQuantizer = quantizerOrNull(where, inner.weight_quantizer);
  const activationQuantizer = quantizerOrNull(where, inner.activation_quantizer);
  if (cls === "Int8QuantizationConfig") return new Int8QuantizationConfig({ weightQuantizer, activationQuantizer });
  // Keras: a config saved before block_size existed was per-channel.
  const blockSize = inner.block_size === undefined ? null : (inner.block_size as number | null);
  return new Int4QuantizationConfig({ weightQuantizer, activationQuantizer, blockSize });
}

/**
 * keras.quantizers.get: null, an object (returned as is), a serialized form, or a class name
 * ("AbsMaxQuantizer", "abs_max_quantizer", ...), which makes an instance with default arguments.
 */
export function get(identifier: QuantizerObject | Readonly<Record<string, unknown>> | string | null): QuantizerObject | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Quantizer || identifier instanceof QuantizationConfig) return identifier;
  if (typeof identifier === "string") return deserialize({ class_name: identifier });
  if (typeof identifier === "object") return deserialize(identifier);
  throw new TypeError(`quantizers.get: could not interpret quantizer identifier ${valueText(identifier)}`);
}

/**
 * Keras' validate_and_resolve_config: one config from quantize()'s mode and config (a mode
 * alone gets that mode's default config; both must agree).
 */
export function validateAndResolveConfig(where: string, mode: string | null | undefined, config: QuantizationConfig | string | null | undefined): QuantizationConfig {
  let m = mode ?? null, c = config ?? null;
  if (typeof c === "string") {
    m = c;
    c = null;
  }
  if (m !== null) checkQuantizationMode(where, m);
  if (c === null) {
    if (m === null) throw new TypeError(`${where}: you must provide either mode or config to quantize()`);
    return m === "int8" ? new Int8QuantizationConfig() : new Int4QuantizationConfig();
  }
  if (!(c instanceof QuantizationConfig)) {
    throw new TypeError(`${where}: config must be a quantizers.QuantizationConfig (Int8QuantizationConfig or Int4QuantizationConfig), got ${valueText(c)}`);
  }
  if (m !== null && c.mode !== m) throw new RangeError(`${where}: contradictory arguments: mode="${m}" but config.mode="${c.mode}"`);
  return c;
}
