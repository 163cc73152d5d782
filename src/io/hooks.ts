/**
 * Late-bound links from the Layer and Model classes to io/serialization.ts. Those classes cannot
 * import the serializer (it imports them, and ES module cycles through `class ... extends` break),
 * so the serializer installs its entry points here when it is loaded; importing "lamina" loads it.
 */
import type { Layer } from "../layers/layer.js";
import type { DeserializeOptions } from "./serialization.js";
import type { Model } from "../models/model.js";
import type { LoadWeightsOptions, SaveModelOptions, SaveWeightsOptions } from "./file_options.js";

export interface SerializationHooks {
  /** Keras' from_config on `cls` (Layer itself: a full serialized layer; a subclass: its get_config dict). */
  layerFromConfig(cls: abstract new (...args: never[]) => Layer, config: Readonly<Record<string, unknown>>, options: DeserializeOptions): Layer;
  /** Keras' serialize_keras_object for a layer (a wrapper's config holds its inner layers so). */
  serializeLayer(layer: Layer): Record<string, unknown>;
  /** Keras' to_json: the serialized model as a JSON string. */
  modelToJSON(model: Layer): string;
  /** Keras' get_build_config: `{ input_shape }` (or `{ shapes_dict }`) of a built layer, else null. */
  buildConfig(layer: Layer): Record<string, unknown> | null;
  /** Keras' build_from_config: builds `layer` for a build config (a built layer stays as it is). */
  buildFromConfig(layer: Layer, config: unknown, where: string): void;
  /** Keras' get_compile_config: a compiled model's compile() arguments, serialized; null when not compiled. */
  compileConfig(model: Model): Record<string, unknown> | null;
  /** Keras' compile_from_config. */
  compileFromConfig(model: Model, config: Readonly<Record<string, unknown>>, options: DeserializeOptions): void;
}

let installed: SerializationHooks | null = null;

/** Called once by io/serialization.ts when it loads. */
export function installSerializationHooks(hooks: SerializationHooks): void {
  installed = hooks;
}

/** The installed entry points, or a clear error naming the caller when the serializer is not loaded. */
export function serializationHooks(where: string): SerializationHooks {
  if (installed === null) {
    throw new Error(
      `${where}: lamina's serialization module is not loaded; import "lamina" (or src/io/serialization.js) before using fromConfig/toJSON`,
    );
  }
  return installed;
}

/** Late-bound links from Model to the model-file code in io/model_files.ts. */
export interface FileHooks {
  saveModel(model: Model, path: string, options: SaveModelOptions): Promise<void>;
  saveWeights(model: Model, path: string, options: SaveWeightsOptions): Promise<void>;
  loadWeights(model: Model, path: string, options: LoadWeightsOptions): Promise<void>;
}

let fileHooksInstalled: FileHooks | null = null;

/** Called once by io/model_files.ts when it loads. */
export function installFileHooks(hooks: FileHooks): void {
  fileHooksInstalled = hooks;
}

/** The installed model-file entry points, or a clear error naming the caller. */
export function fileHooks(where: string): FileHooks {
  if (fileHooksInstalled === null) {
    throw new Error(`${where}: lamina's model-file module is not loaded; import "lamina" (or src/io/model_files.js) before saving or loading models`);
  }
  return fileHooksInstalled;
}
