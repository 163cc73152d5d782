/**
 * Keras 3.5's serialized DTypePolicy, which Layer.get_config writes as a layer's `dtype`
 * (`dtype_policies.serialize(self.dtype_policy)`), and which a layer's dtype option also takes, as
 * Keras' Layer(dtype=...) reads it through dtype_policies.get: so `new Cls(layer.getConfig())`
 * style rebuilds work whichever form the config holds.
 */
import { type DType, isDType } from "../tensor/dtype.js";

export interface DTypePolicyConfig {
  readonly module: "keras";
  readonly class_name: "DTypePolicy";
  readonly config: { readonly name: DType };
  readonly registered_name: null;
}

/** `{ module: "keras", class_name: "DTypePolicy", config: { name }, registered_name: null }`, as serialize_keras_object writes it. */
export function dtypePolicyConfig(dtype: DType): DTypePolicyConfig {
  return { module: "keras", class_name: "DTypePolicy", config: { name: dtype }, registered_name: null };
}

// Keras 2's files name the same policy "Policy"; Keras 3.0-3.4 wrote "FloatDTypePolicy".
const POLICY_CLASSES = new Set(["DTypePolicy", "FloatDTypePolicy", "Policy"]);

/** The dtype a serialized policy names, or undefined when `v` is not one (a dtype string is not). */
export function policyDType(v: unknown): DType | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const { class_name: cls, config } = v as { class_name?: unknown; config?: unknown };
  if (typeof cls !== "string" || !POLICY_CLASSES.has(cls) || typeof config !== "object" || config === null) return undefined;
  const name = (config as { name?: unknown }).name;
  return isDType(name) ? name : undefined;
}
