/**
 * Keras 3.15's quantize() walk and checks: Layer.quantize's refusals (a layer not built, or
 * already quantized) and Model.quantize, which quantizes every leaf layer that can be quantized
 * and that the filters select (a regex on the layer's name, a list of them, or a function).
 */
import { valueText } from "../tensor/value_text.js";
import { Int4QuantizationConfig, type QuantizationConfig, serialize, validateAndResolveConfig } from "../quantizers/quantization_config.js";
import type { Layer } from "./layer.js";
import { type QuantizedPolicy, quantizedPolicyConfig, quantizedPolicyName } from "./dtype_policy_config.js";

/** Which layers model.quantize quantizes: a regex (string or RegExp) searched in the layer's name, a list of them, or a predicate. */
export type QuantizeFilters = string | RegExp | readonly (string | RegExp)[] | ((layer: Layer) => boolean);

export interface QuantizeOptions {
  /** A quantizers.Int8QuantizationConfig or Int4QuantizationConfig (the mode's default when left out). */
  config?: QuantizationConfig | null;
}

export interface ModelQuantizeOptions extends QuantizeOptions {
  filters?: QuantizeFilters | null;
}

/** A layer that can be quantized (Dense, ...). */
interface Quantizable {
  quantize(mode?: string | null, options?: QuantizeOptions): void;
}

function isQuantizable(layer: Layer): layer is Layer & Quantizable {
  return typeof (layer as unknown as Partial<Quantizable>).quantize === "function";
}

/** Keras' _check_quantize_args: the layer must be built and not quantized yet. */
export function checkQuantizable(layer: Layer, where: string, mode: string, current: QuantizedPolicy | null, _options: QuantizeOptions): void {
  if (!layer.built) {
    throw new Error(`${where}: cannot quantize a layer that isn't yet built. Layer '${layer.name}' (of type '${layer.className}') is not built yet; call it on an input or build it first`);
  }
  if (current !== null) {
    throw new Error(`${where}: layer '${layer.name}' is already quantized with dtype_policy='${quantizedPolicyName(current)}'. Received: mode=${mode}`);
  }
}

/** Keras' should_quantize_layer. */
function selected(layer: Layer, filters: QuantizeFilters | null | undefined): boolean {
  if (filters === null || filters === undefined) return true;
  if (typeof filters === "function") return filters(layer);
  const list = typeof filters === "string" || filters instanceof RegExp ? [filters] : filters;
  return list.some((f) => new RegExp(f).test(layer.name));
}

/** The leaf layers under `layer` (Keras' _flatten_layers, keeping those with no sub-layers). */
function leafLayers(layer: Layer, out: Layer[] = [], seen = new Set<Layer>()): Layer[] {
  if (seen.has(layer)) return out;
  seen.add(layer);
  const subs = layer.subLayers;
  if (subs.length === 0) out.push(layer);
  for (const s of subs) leafLayers(s, out, seen);
  return out;
}

/**
 * Keras' Model.quantize(mode, config, filters): quantizes each selected leaf layer that has a
 * quantize method; the others (Dropout, Conv2D, ...) are left as they are.
 */
export function quantizeLayers(model: Layer, mode: string | null | undefined, options: ModelQuantizeOptions = {}): void {
  const where = `${model.className} ${model.name}.quantize`;
  const { filters, config } = options;
  if (filters !== undefined && filters !== null && typeof filters !== "string" && typeof filters !== "function" && !(filters instanceof RegExp) && !Array.isArray(filters)) {
    throw new TypeError(`${where}: filters must be a regex string, a list of regex strings, or a function. Received: ${valueText(filters)}`);
  }
  // Checked once up front, so a bad mode fails before any layer changes.
  const resolved = validateAndResolveConfig(where, mode, config);
  for (const layer of leafLayers(model)) {
    if (layer === model || !selected(layer, filters) || !isQuantizable(layer)) continue;
    layer.quantize(resolved.mode, { config: resolved });
  }
}

/**
 * What a layer's quantize(mode, { config }) settles before changing anything: Keras' resolved
 * config (validate_and_resolve_config), its checks, and the policy the layer takes.
 */
export function resolveQuantization(
  layer: Layer, where: string, mode: string | null | undefined, options: QuantizeOptions, current: QuantizedPolicy | null,
): { config: QuantizationConfig; policy: QuantizedPolicy } {
  const config = validateAndResolveConfig(where, mode, options.config);
  checkQuantizable(layer, where, config.mode, current, options);
  const blockSize = config instanceof Int4QuantizationConfig ? config.groupSize : null;
  return { config, policy: { mode: config.mode, blockSize, source: layer.dtype === "float64" ? "float64" : "float32" } };
}

/** A quantized layer's config entries: Keras' quantized dtype policy and its quantization_config; none for a float layer. */
export function quantizationConfigEntries(policy: QuantizedPolicy | null, config: QuantizationConfig | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (policy !== null) out.dtype = quantizedPolicyConfig(policy);
  if (config !== null) out.quantization_config = serialize(config);
  return out;
}
