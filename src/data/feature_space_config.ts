/**
 * FeatureSpace's config as Keras 3.5 writes it (get_config / from_config): each Feature and
 * Cross as `{ module: "keras.src.layers.preprocessing.feature_space", class_name, config,
 * registered_name }`, preprocessors as serialized layers ("float" features' pass-through as
 * Keras' TFDIdentity).
 */
import { valueText } from "../tensor/value_text.js";
import { Layer } from "../layers/layer.js";
import { Identity } from "../layers/identity.js";
import { serializeKerasObject, deserializeKerasObject } from "../io/keras_object.js";
import { Cross, Feature, FEATURE_SPACE_MODULE, type CrossOutputMode, type FeatureDType, type FeatureOutputMode } from "./feature_space_specs.js";
import type { FeatureSpaceArgs } from "./feature_space.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface FeatureSpaceConfig {
  features: Record<string, Json>;
  output_mode: "concat" | "dict";
  crosses: Json[];
  crossing_dim: number;
  hashing_dim: number;
  num_discretization_bins: number;
}

/** What featureSpaceConfig reads from a FeatureSpace. */
interface FeatureSpaceLike {
  features: Readonly<Record<string, Feature>>;
  crosses: readonly Cross[];
  outputMode: "concat" | "dict";
  crossingDim: number;
  hashingDim: number;
  numDiscretizationBins: number;
}

function wrap(className: string, config: Json): Json {
  return { module: FEATURE_SPACE_MODULE, class_name: className, config, registered_name: className };
}

function serializePreprocessor(layer: Layer): Json {
  const s = serializeKerasObject(layer) as { [k: string]: Json };
  if (!(layer instanceof Identity)) return s;
  const c = s.config as { [k: string]: Json };
  return wrap("TFDIdentity", { name: c.name, dtype: c.dtype, trainable: c.trainable ?? true });
}

export function featureSpaceConfig(fs: FeatureSpaceLike): FeatureSpaceConfig {
  const features: Record<string, Json> = {};
  for (const [name, f] of Object.entries(fs.features)) {
    features[name] = wrap("Feature", { dtype: f.dtype, preprocessor: serializePreprocessor(f.preprocessor), output_mode: f.outputMode });
  }
  return {
    features,
    output_mode: fs.outputMode,
    crosses: fs.crosses.map((c) => wrap("Cross", c.getConfig())),
    crossing_dim: fs.crossingDim,
    hashing_dim: fs.hashingDim,
    num_discretization_bins: fs.numDiscretizationBins,
  };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function readPreprocessor(name: string, spec: unknown): Layer {
  const where = `FeatureSpace.fromConfig: feature "${name}"`;
  if (!isRecord(spec)) throw new TypeError(`${where}: the preprocessor must be a serialized layer, got ${valueText(spec)}`);
  if (spec.class_name === "TFDIdentity") {
    const c = isRecord(spec.config) ? spec.config : {};
    return new Identity({ name: typeof c.name === "string" ? c.name : undefined, dtype: "float32" });
  }
  const layer = deserializeKerasObject(spec);
  if (!(layer instanceof Layer)) throw new TypeError(`${where}: the preprocessor config does not describe a layer (class_name ${valueText(spec.class_name)})`);
  return layer;
}

function readFeature(name: string, spec: unknown): Feature | string {
  if (typeof spec === "string") return spec;
  const where = `FeatureSpace.fromConfig: feature "${name}"`;
  if (!isRecord(spec) || spec.class_name !== "Feature" || !isRecord(spec.config)) {
    throw new TypeError(`${where} must be a type name or a serialized Feature ({ class_name: "Feature", config: { dtype, preprocessor, output_mode } }), got ${valueText(spec)}`);
  }
  const c = spec.config;
  return new Feature(c.dtype as FeatureDType, readPreprocessor(name, c.preprocessor), c.output_mode as FeatureOutputMode);
}

function readCross(spec: unknown, i: number): Cross | readonly string[] {
  if (Array.isArray(spec)) return spec as string[];
  if (!isRecord(spec) || spec.class_name !== "Cross" || !isRecord(spec.config)) {
    throw new TypeError(`FeatureSpace.fromConfig: crosses[${i}] must be a list of feature names or a serialized Cross, got ${valueText(spec)}`);
  }
  const c = spec.config;
  return new Cross(c.feature_names as string[], c.crossing_dim as number, (c.output_mode ?? "one_hot") as CrossOutputMode);
}

/** Reads a config (or Keras' whole `{ class_name: "FeatureSpace", config }`) into the constructor's arguments. */
export function featureSpaceFromConfig<T>(config: unknown, make: (args: FeatureSpaceArgs) => T): T {
  const c = isRecord(config) && config.class_name === "FeatureSpace" && isRecord(config.config) ? config.config : config;
  if (!isRecord(c) || !isRecord(c.features)) throw new TypeError(`FeatureSpace.fromConfig: expected a config with features, got ${valueText(config)}`);
  const features = Object.fromEntries(Object.entries(c.features).map(([n, f]) => [n, readFeature(n, f)]));
  const crosses = Array.isArray(c.crosses) ? c.crosses.map(readCross) : null;
  return make({
    features: features as FeatureSpaceArgs["features"],
    outputMode: (c.output_mode ?? "concat") as "concat" | "dict",
    crosses,
    crossingDim: (c.crossing_dim ?? 32) as number,
    hashingDim: (c.hashing_dim ?? 32) as number,
    numDiscretizationBins: (c.num_discretization_bins ?? 32) as number,
  });
}
