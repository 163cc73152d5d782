import type { Layer } from "./layer.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import * as initializers from "../nn/initializers.js";
import * as regularizers from "../nn/regularizers.js";
import * as constraints from "../nn/constraints.js";
import { type CustomObject, registrationKey } from "../io/custom_objects.js";

/** Anything that turns a weight into a penalty added to the loss (Keras regularizers). */
export interface WeightRegularizer {
  call(weight: Tensor): Tensor;
}
/** Anything that projects a weight back into an allowed set after each update (Keras constraints). */
export interface WeightConstraint {
  call(weight: Tensor): Tensor;
}
/** Anything that makes a weight's initial value (Keras initializers). */
export interface WeightInitializer {
  call(shape: readonly number[], dtype: DType): Tensor;
}

export interface AddWeightOptions {
  /**
   * A Keras name ("random_normal", "zeros", "he_normal"), a config `{ className, config }` or an
   * initializer object; by default "glorot_uniform" for a float weight and "zeros" for another, as
   * Keras' add_weight.
   */
  initializer?: InitializerArg;
  trainable?: boolean;
  dtype?: DType;
  /** A Keras name ("l2") or a regularizer object. */
  regularizer?: RegularizerArg;
  /** A Keras name ("non_neg") or a constraint object. */
  constraint?: ConstraintArg;
}

/** What layer options accept for an initializer: a Keras name ("he_normal") or an object. */
export type InitializerArg = string | WeightInitializer | { className: string; config?: Record<string, unknown> };
export type RegularizerArg = string | WeightRegularizer | null | undefined;
export type ConstraintArg = string | WeightConstraint | null | undefined;

/** The learned offset beta and scale gamma of the normalization layers: their initializers, regularizers and constraints. */
export interface GammaBetaArgs {
  betaInitializer?: InitializerArg;
  gammaInitializer?: InitializerArg;
  betaRegularizer?: RegularizerArg;
  gammaRegularizer?: RegularizerArg;
  betaConstraint?: ConstraintArg;
  gammaConstraint?: ConstraintArg;
}

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

/**
 * Resolves every `...Initializer`, `...Regularizer` and `...Constraint` option now, so that a
 * misspelt name fails when the layer is made (as in Keras), naming the layer and the option,
 * rather than at its first call.
 */
export function checkWeightOptions(where: string, args: object): void {
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    const resolve = key.endsWith("Initializer") ? resolveInitializer
      : key.endsWith("Regularizer") ? resolveRegularizer
        : key.endsWith("Constraint") ? resolveConstraint : null;
    if (resolve === null) continue;
    try {
      resolve(value as never);
    } catch (e) {
      const err = e as Error;
      const Ctor = err instanceof RangeError ? RangeError : err instanceof TypeError ? TypeError : Error;
      throw new Ctor(`${where}: ${key}: ${err.message}`);
    }
  }
}

/**
 * An initializer, regularizer or constraint in the form Keras 3's serialize_keras_object writes
 * it inside a layer's config, or null: `{ module: "keras.initializers", class_name, config,
 * registered_name: null }` for Keras' own classes; for a class of your own, `module` its registered
 * package and `registered_name` its `"<package>><name>"` key (Keras: the class's Python module and
 * get_registered_name), or module null and its class name when it is not registered.
 */
export function serializeObject(x: unknown): SerializedWeightObject | null {
  if (x === null || x === undefined) return null;
  const o = x as { getConfig?: () => Record<string, unknown>; constructor: { name: string }; className?: string };
  const className = o.className ?? o.constructor.name;
  const config = o.getConfig ? o.getConfig() : {};
  const key = registrationKey(o.constructor as CustomObject);
  if (key !== undefined) return { module: key.slice(0, key.indexOf(">")), class_name: className, config, registered_name: key };
  const module = x instanceof initializers.Initializer ? "keras.initializers"
    : x instanceof regularizers.Regularizer ? "keras.regularizers"
      : x instanceof constraints.Constraint ? "keras.constraints" : null;
  // A weight helper wrapping a bare function (class name "function") has no class of its own to name.
  if (module !== null && (BUILT_IN_CLASSES.has(o.constructor) || className === "function")) return { module, class_name: className, config, registered_name: null };
  return { module: null, class_name: className, config, registered_name: className };
}

/** Keras 3's serialized form of an initializer, regularizer or constraint. */
export interface SerializedWeightObject {
  module: string | null;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: string | null;
}

// lamina's own initializer, regularizer and constraint classes: Keras writes those under their keras module.
const BUILT_IN_CLASSES: ReadonlySet<unknown> = new Set(
  [initializers, regularizers, constraints].flatMap((ns) => Object.values(ns).filter((v) => typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v)))),
);

/** The options of a layer with a kernel and a bias (Dense, Conv2D, Conv2DTranspose...). */
export interface KernelBiasArgs {
  kernelInitializer?: InitializerArg;
  biasInitializer?: InitializerArg;
  kernelRegularizer?: RegularizerArg;
  biasRegularizer?: RegularizerArg;
  kernelConstraint?: ConstraintArg;
  biasConstraint?: ConstraintArg;
}

/** The KernelBiasArgs keys, for the option lists of the layers that take them (layerOptions). */
export const KERNEL_BIAS_OPTIONS = {
  kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true, kernelConstraint: true, biasConstraint: true,
} as const satisfies Record<keyof KernelBiasArgs, true>;

/** Creates `<layer>/<name>` from Keras identifiers, falling back to Keras' default initializer. */
export function addResolvedWeight(
  layer: Layer, name: string, shape: readonly number[], defaultInitializer: string,
  w: { initializer?: InitializerArg; regularizer?: RegularizerArg; constraint?: ConstraintArg },
): Variable {
  return layer.addWeight(name, shape, {
    initializer: resolveInitializer(w.initializer ?? defaultInitializer),
    regularizer: resolveRegularizer(w.regularizer),
    constraint: resolveConstraint(w.constraint),
  });
}

export function addKernel(layer: Layer, shape: readonly number[], args: KernelBiasArgs): Variable {
  return addResolvedWeight(layer, "kernel", shape, "glorot_uniform", {
    initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint,
  });
}

export function addBias(layer: Layer, units: number, args: KernelBiasArgs): Variable {
  return addResolvedWeight(layer, "bias", [units], "zeros", {
    initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint,
  });
}

/** The six kernel/bias entries of a Keras config, with Keras' defaults filled in. */
export function kernelBiasConfig(args: KernelBiasArgs): Record<string, unknown> {
  return {
    kernel_initializer: serializeObject(resolveInitializer(args.kernelInitializer ?? "glorot_uniform")),
    bias_initializer: serializeObject(resolveInitializer(args.biasInitializer ?? "zeros")),
    kernel_regularizer: serializeObject(resolveRegularizer(args.kernelRegularizer)),
    bias_regularizer: serializeObject(resolveRegularizer(args.biasRegularizer)),
    kernel_constraint: serializeObject(resolveConstraint(args.kernelConstraint)),
    bias_constraint: serializeObject(resolveConstraint(args.biasConstraint)),
  };
}
