/** The options every layer takes (Keras' base Layer kwargs) and their checks where a layer is made. */
import { type DType, DTYPES, isDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { checkKeys } from "../nn/common.js";
import { type RegularizerArg, type WeightRegularizer, resolveRegularizer } from "./weights.js";
import type { Layer } from "./layer.js";
import { type DTypePolicyConfig, type QuantizedDTypePolicyConfig, type QuantizedPolicyName, policyDType, quantizedPolicyOf } from "./dtype_policy_config.js";
import { type DTypePolicyMapConfig, isDTypePolicyMapConfig } from "./dtype_policy_map.js";
import { booleanOption } from "../tensor/option_checks.js";

/** What every layer accepts besides its own options (Keras' base Layer kwargs). */
export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /**
   * The layer's dtype, or Keras' serialized DTypePolicy naming it (what getConfig().dtype holds);
   * on the layers that can be quantized (Dense, Embedding, ...), also a quantized policy
   * ("int8_from_float32", or its serialized form), which builds the layer quantized; on the
   * attention layers (MultiHeadAttention, GroupQueryAttention), also a serialized DTypePolicyMap
   * naming the policies of their projections by path ("mha/query"), as their saved config holds
   * once a projection is quantized.
   */
  dtype?: DType | DTypePolicyConfig | QuantizedDTypePolicyConfig | QuantizedPolicyName | DTypePolicyMapConfig;
  /**
   * Shape of one sample, without the batch (declares the model's input on a first layer); null
   * for a size that varies, as Keras' `input_shape=(None, 28)` for sequences of any length.
   */
  inputShape?: readonly (number | null)[];
  batchSize?: number;
  /**
   * A penalty on the layer's output added to the loss in fit and evaluate (Keras'
   * activity_regularizer): a Keras name ("l2") or a regularizer object, e.g.
   * regularizers.L1L2({ l1: 1e-5 }). Keras 3 adds it whole, not divided by the batch size.
   */
  activityRegularizer?: RegularizerArg;
}

const BASE_OPTIONS = Object.keys({
  name: true, trainable: true, dtype: true, inputShape: true, batchSize: true, activityRegularizer: true,
} satisfies Record<keyof LayerArgs, true>);

/** The activityRegularizer option resolved where the layer is made, so a misspelt name fails there, naming the layer. */
export function resolveActivityRegularizer(cls: abstract new (...a: never[]) => Layer, args: LayerArgs): WeightRegularizer | null {
  try {
    return resolveRegularizer(args.activityRegularizer);
  } catch (e) {
    const err = e as Error;
    const where = `${cls.name}${typeof args.name === "string" ? ` ${args.name}` : ""}`;
    throw new (err instanceof RangeError ? RangeError : TypeError)(`${where}: activityRegularizer: ${err.message}`);
  }
}

/**
 * The options a built-in layer takes besides LayerArgs, as its `static readonly options`: the
 * constructor then refuses any other, as Keras does ("Unrecognized keyword arguments passed to
 * Dense"), where a misspelt or unsupported one (activaton, dataFormat: "channels_first") would
 * be ignored. The record form lets the compiler check the list against the Args interface.
 */
export function layerOptions<A extends LayerArgs>(own: Readonly<Record<Exclude<keyof A, keyof LayerArgs>, true>>): readonly string[] {
  return Object.keys(own);
}

/** Layers read their boolean options (useBias, returnSequences, trainable, ...) through the shared check. */
export { booleanOption };

/**
 * The base options every layer takes, checked where the layer is made: a bad one would otherwise
 * surface later as a crash with no layer in it ("args.inputShape is not iterable") or, for a
 * name with "/", as weights named like another layer's (Keras refuses it too).
 */
export function checkLayerArgs(cls: abstract new (...a: never[]) => Layer, args: LayerArgs): void {
  const where = `${cls.name}${typeof args.name === "string" ? ` ${args.name}` : ""}`;
  if (typeof args !== "object" || args === null) throw new TypeError(`${where}: options must be an object, got ${valueText(args)}`);
  // A built-in class lists its options (layerOptions); a user's subclass without its own list is not checked.
  if (Object.hasOwn(cls, "options")) checkKeys(where, args, [...BASE_OPTIONS, ...(cls as unknown as { options: readonly string[] }).options]);
  if (args.name !== undefined && (typeof args.name !== "string" || args.name.includes("/"))) {
    throw new TypeError(`${where}: name must be a string without "/" (weights are named <layer>/<weight>), got ${valueText(args.name)}`);
  }
  booleanOption(where, "trainable", args.trainable, true);
  if (quantizedPolicyOf(args.dtype, where) !== undefined && !(cls as unknown as { quantizable?: boolean }).quantizable) {
    throw new TypeError(`${where}: the quantized dtype policy ${valueText(args.dtype)} is for the layers lamina can quantize (Dense, EinsumDense, Embedding, ReversibleEmbedding); ${cls.name} cannot be quantized`);
  }
  if (isDTypePolicyMapConfig(args.dtype) && !(cls as unknown as { takesDTypePolicyMap?: boolean }).takesDTypePolicyMap) {
    throw new TypeError(`${where}: a DTypePolicyMap dtype names the policies of a layer's sub-layers; lamina reads one on MultiHeadAttention and GroupQueryAttention (their projections), not on ${cls.name}; give ${cls.name} a dtype or a dtype policy`);
  }
  if (args.dtype !== undefined && !isDType(args.dtype) && policyDType(args.dtype) === undefined) {
    throw new TypeError(`${where}: unknown dtype ${valueText(args.dtype)}; use one of ${DTYPES.join(", ")} (layers compute in float32, the default, or float64)`);
  }
  const shape: unknown = args.inputShape;
  if (shape !== undefined && (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && d >= 0)))) {
    throw new TypeError(`${where}: inputShape must be a list of non-negative integers or null (the shape of one sample, without the batch; null for a size that varies), got ${valueText(shape)}; e.g. inputShape: [28, 28, 1] or [null, 28]`);
  }
  if (args.batchSize !== undefined && !(Number.isInteger(args.batchSize) && args.batchSize > 0)) {
    throw new RangeError(`${where}: batchSize must be a positive integer, got ${valueText(args.batchSize)}`);
  }
}
