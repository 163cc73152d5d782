import { checkKeys } from "../nn/common.js";
import { type DeserializeOptions, modelFromConfig, serializeLayer } from "../io/serialization.js";
import { Model } from "./model.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import type { Structured } from "./io_structure.js";
import { valueText } from "../tensor/value_text.js";

export interface CloneModelOptions {
  /** Custom layer classes of the model, by class name, as loadModel's (Keras' custom_objects). */
  customObjects?: DeserializeOptions["customObjects"];
  /** As loadModel's: with false, a Lambda whose function is JavaScript source is rebuilt. Default true. */
  safeMode?: boolean;
}

/**
 * Keras' clone_model: a new model with the same architecture and layer names but new layers, whose
 * weights are freshly initialized (copy them with `clone.setWeights(model.getWeights())`), and not
 * compiled. Built from the model's config, so a custom layer class must be passed in customObjects
 * or registered (tf.serialization.registerKerasSerializable). Keras' input_tensors and
 * clone_function are not taken.
 */
export function cloneModel(model: Model, options: CloneModelOptions = {}): Model {
  if (!(model instanceof Model)) throw new TypeError(`cloneModel: expected a Sequential or functional model, got ${valueText(model)}`);
  checkKeys("cloneModel", options, ["customObjects", "safeMode"]);
  const config = serializeLayer(model);
  delete config.compile_config;
  const clone = modelFromConfig(JSON.parse(JSON.stringify(config)) as Record<string, unknown>, { ...options, compile: false });
  return withStructureOf(model, clone);
}

/**
 * Keras' _clone_functional_model makes its inputs with the structure of `model.input` and runs the
 * graph into that of `model.output`, so a model built with `inputs: [x]` clones into one whose
 * `input` is a list of one too; the config (as a saved file) keeps no such structure.
 */
function withStructureOf(model: Model, clone: Model): Model {
  if (clone.constructor !== Model || !clone.isFunctional) return clone;
  if (clone.inputsGivenAsList === model.inputsGivenAsList && clone.outputsGivenAsList === model.outputsGivenAsList) return clone;
  // An object of inputs or outputs is in the config, and so in the clone, already.
  const pick = (listed: boolean, ts: SymbolicTensor[], struct: Structured<SymbolicTensor>, keyed: boolean): Structured<SymbolicTensor> => (keyed ? struct : listed ? ts : ts[0]);
  return new Model({
    inputs: pick(model.inputsGivenAsList, clone.inputs, clone.inputStruct, clone.inputKeys !== null),
    outputs: pick(model.outputsGivenAsList, clone.outputs, clone.outputStruct, clone.outputKeys !== null),
    name: clone.name, trainable: clone.trainable,
  });
}
