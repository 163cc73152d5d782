import type { WeightConstraint, WeightInitializer, WeightRegularizer } from "./layer.js";
import * as initializers from "../nn/initializers.js";
import * as regularizers from "../nn/regularizers.js";
import * as constraints from "../nn/constraints.js";

/** What layer options accept for an initializer: a Keras name ("he_normal") or an object. */
export type InitializerArg = string | WeightInitializer | { className: string; config?: Record<string, unknown> };
export type RegularizerArg = string | WeightRegularizer | null | undefined;
export type ConstraintArg = string | WeightConstraint | null | undefined;

export function resolveInitializer(id: InitializerArg): WeightInitializer {
  return initializers.get(id as Parameters<typeof initializers.get>[0]);
}

export function resolveRegularizer(id: RegularizerArg): WeightRegularizer | null {
  if (id === null || id === undefined) return null;
  return regularizers.get(id as Parameters<typeof regularizers.get>[0]);
}

export function resolveConstraint(id: ConstraintArg): WeightConstraint | null {
  if (id === null || id === undefined) return null;
  return constraints.get(id as Parameters<typeof constraints.get>[0]);
}

/** The config form Keras saves for an initializer/regularizer/constraint, or null. */
export function serializeObject(x: unknown): unknown {
  if (x === null || x === undefined) return null;
  const o = x as { getConfig?: () => Record<string, unknown>; constructor: { name: string }; className?: string };
  return { class_name: o.className ?? o.constructor.name, config: o.getConfig ? o.getConfig() : {} };
}
