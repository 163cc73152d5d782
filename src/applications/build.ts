/**
 * What every keras.applications model does around its own layers: check the arguments, settle
 * the input shape, make (or adopt) the input, build the functional model, then load weights:
 * Keras' published file for "imagenet", or a local file, by layer name.
 */
import { existsSync, statSync } from "node:fs";
import { Input } from "../layers/index.js";
import { type LayerShape, type SymbolicTensor, layerShapeText } from "../layers/symbolic.js";
import type { ActivationIdentifier } from "../nn/activations.js";
import { Model } from "../models/model.js";
import { type ApplicationArgs, checkApplicationArgs, obtainInputShape, validateActivation } from "./imagenet_utils.js";
import { getSourceInputs } from "../layers/source_inputs.js";
import { getWeightsFile, type WeightsFileSpec } from "./weights_file.js";

/** The settled arguments a model body needs. */
export interface Built {
  includeTop: boolean;
  classes: number;
  classifierActivation: ActivationIdentifier | null;
  pooling: "avg" | "max" | null;
  weights: string | null;
  /** The input shape without the batch, after Keras' rules. */
  inputShape: LayerShape;
}

export interface ApplicationSpec {
  defaultSize: number;
  minSize: number;
  /** The default model name (may depend on the input shape, as MobileNetV2's does). */
  name: string | ((b: Built) => string);
  /** Keras' published weights for this configuration, or null where Keras publishes none. */
  imagenetWeights: (includeTop: boolean, b: Built) => WeightsFileSpec | null;
  /** The layers from the image input to the output. */
  body: (input: SymbolicTensor, b: Built) => SymbolicTensor;
  /**
   * The input shape from the given one (or the inputTensor's), where the model does not follow
   * obtain_input_shape (MobileNetV3 takes any size, [null, null, 3] by default).
   */
  inputShape?: (given: LayerShape | null, weights: string | null, includeTop: boolean) => LayerShape;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

export function buildApplication(where: string, args: ApplicationArgs, spec: ApplicationSpec): Model | Promise<Model> {
  checkApplicationArgs(where, args, isFile);
  const weights = args.weights === undefined ? "imagenet" : args.weights;
  const includeTop = args.includeTop ?? true;
  const classifierActivation = args.classifierActivation === undefined ? "softmax" : args.classifierActivation;
  let givenShape = args.inputShape ?? null;
  if (givenShape === null && args.inputTensor) givenShape = args.inputTensor.shape.slice(1);
  const inputShape = spec.inputShape ? spec.inputShape(givenShape, weights, includeTop) : obtainInputShape(givenShape, { where, defaultSize: spec.defaultSize, minSize: spec.minSize, requireFlatten: includeTop, weights });
  if (includeTop) validateActivation(where, classifierActivation, weights);
  const b: Built = { includeTop, classes: args.classes ?? 1000, classifierActivation, pooling: args.pooling ?? null, weights, inputShape };
  if (args.inputTensor) {
    const s = args.inputTensor.shape;
    const ok = s.length === 4 && inputShape.every((d, i) => d === null || s[i + 1] === null || s[i + 1] === d);
    if (!ok) throw new RangeError(`${where}: inputTensor has shape ${layerShapeText(s)} but the model needs ${layerShapeText([null, ...inputShape])}`);
  }

  // The weights file is found (or fetched) first, so a missing file fails before the model is built.
  if (weights === null) return makeModel(args, spec, b);
  return (async () => {
    let path = weights;
    if (weights === "imagenet") {
      const file = spec.imagenetWeights(includeTop, b);
      if (!file) throw new RangeError(`${where}: Keras publishes no "imagenet" weights for this configuration; use weights: null or a path`);
      path = await getWeightsFile(where, file);
    }
    const model = makeModel(args, spec, b);
    // Legacy .h5 files (Keras' published ones) by layer name: their groups are named after the
    // layers (block1_conv1, ...). A Keras 3 .weights.h5 by its object paths, as Keras' load_weights
    // does: Keras 3.5 names those groups after the layer classes (layers/conv2d_3), so matching
    // them by layer name would find nothing and leave the model random.
    await model.loadWeights(path, { byName: !path.endsWith(".weights.h5") });
    return model;
  })();
}

function makeModel(args: ApplicationArgs, spec: ApplicationSpec, b: Built): Model {
  const imgInput = args.inputTensor ?? Input({ batchShape: [null, ...b.inputShape] });
  const output = spec.body(imgInput, b);
  // With an inputTensor, the model starts at the Input(s) that tensor comes from (Keras' get_source_inputs).
  const inputs = args.inputTensor ? getSourceInputs(args.inputTensor) : [imgInput];
  const name = args.name ?? (typeof spec.name === "function" ? spec.name(b) : spec.name);
  return new Model({ inputs: inputs.length === 1 ? inputs[0] : inputs, outputs: output, name });
}
