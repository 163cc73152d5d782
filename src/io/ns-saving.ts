/**
 * `tf.saving` (keras.saving): model files, weights files, the custom-object registry and the
 * generic object serializer, under Keras' names. Every function is the one models,
 * serialization and utils already export; this is Keras' grouping of them.
 */
import { type CustomObject, registerKerasSerializable as register } from "./custom_objects.js";
import { valueText } from "../tensor/value_text.js";

/** Keras' load_model(filepath, { customObjects, compile, safeMode }), save_model(model, filepath), load_weights(model, filepath), save_weights(model, filepath). */
export { loadModel, saveModel, loadWeights, saveWeights } from "./model_files.js";
export type { LoadModelOptions, LoadWeightsOptions, SaveModelOptions, SaveWeightsOptions } from "./file_options.js";
export { getRegisteredName, getRegisteredObject, customObjectScope, CustomObjectScope, getCustomObjects } from "./custom_objects.js";
export type { CustomObject, CustomObjects, SerializableClass } from "./custom_objects.js";
export { serializeKerasObject, deserializeKerasObject, type DeserializeKerasObjectOptions } from "./keras_object.js";

/** Keras' register_keras_serializable arguments: the package (default "Custom") and the name (default the object's own). */
export interface RegisterOptions {
  package?: string;
  name?: string;
}

/**
 * Keras' `@keras.saving.register_keras_serializable(package, name)`. Called with options only
 * (or nothing) it returns the decorator, as in Keras: `@saving.registerKerasSerializable({ package:
 * "my" }) class MyLayer ...`, or `saving.registerKerasSerializable({ package: "my" })(myFn)` for a
 * function. Called with the object first, it registers it at once (tf.serialization's form).
 * On a layer or model class that writes no getConfig, both forms return the class wrapped so that
 * its constructor's options are recorded for getConfig (Keras' auto-config): the decorator puts the
 * wrapper in the class's place; with the direct call, construct through what it returns.
 */
export function registerKerasSerializable(options?: RegisterOptions): <T extends CustomObject>(obj: T, context?: unknown) => T;
export function registerKerasSerializable<T extends CustomObject>(obj: T, options?: RegisterOptions): T;
export function registerKerasSerializable<T extends CustomObject>(
  first?: T | RegisterOptions,
  options: RegisterOptions = {},
): T | (<U extends CustomObject>(obj: U, context?: unknown) => U) {
  if (typeof first === "function") return register(first, options);
  if (first !== undefined && (typeof first !== "object" || first === null)) {
    throw new TypeError(`saving.registerKerasSerializable: expected options { package, name } or a class or function, got ${valueText(first)}`);
  }
  const opts = first ?? {};
  return <U extends CustomObject>(obj: U): U => register(obj, opts);
}
export { KerasFileEditor, type WeightsTree, type CompareResult, type WeightValues } from "./file_editor.js";
