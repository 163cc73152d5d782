/**
 * keras.layers.serialize / keras.layers.deserialize: a layer to and from Keras 3's serialized
 * form. The serializer lives in io/ (it imports the layer classes), hence the late-bound hooks.
 */
import { serializationHooks } from "../io/hooks.js";
import type { CustomObjects } from "../io/custom_objects.js";
import { valueText } from "../tensor/value_text.js";
import { Layer } from "./layer.js";

/**
 * Keras' `layers.serialize(layer)`: `{ module, class_name, config, registered_name }` (plus
 * `build_config` for a built layer), the form `.keras` files store and `deserialize` reads.
 */
export function serialize(layer: Layer): Record<string, unknown> {
  if (!(layer instanceof Layer)) throw new TypeError(`layers.serialize: expected a layer, got ${valueText(layer)}`);
  return serializationHooks("layers.serialize").serializeLayer(layer);
}

/**
 * Keras' `layers.deserialize(config, custom_objects)`: a new layer from its serialized form (as
 * `serialize` or Keras writes it), built from `build_config` when there is one. Custom classes come
 * from `customObjects` or the registry (`saving.registerKerasSerializable`).
 */
export function deserialize(config: Readonly<Record<string, unknown>>, customObjects?: CustomObjects): Layer {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new TypeError(`layers.deserialize: expected a serialized layer { module, class_name, config, registered_name }, got ${valueText(config)}; make one with layers.serialize(layer)`);
  }
  return serializationHooks("layers.deserialize").layerFromConfig(Layer, config, { customObjects });
}
