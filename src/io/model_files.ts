/**
 * The model-file API: `model.save`, `models.loadModel`, `model.saveWeights`, `model.loadWeights`.
 * The format follows the file name, as in Keras: `.keras` is Keras 3's zip format; `.weights.h5`
 * is Keras 3's weights-only HDF5 layout; any other `.h5` / `.hdf5` is the legacy Keras 2 HDF5
 * format (a whole model for save/loadModel, weights only for saveWeights). Every write goes to a
 * temporary file renamed over the target.
 */
import { Model } from "../models/model.js";
import { Hdf5File } from "./h5.js";
import { ModelFileError } from "./file_error.js";
import { writeAtomically } from "./atomic_write.js";
import { installFileHooks } from "./hooks.js";
import { loadKerasFile, loadKerasFileWeights, saveKerasFile } from "./keras_file.js";
import { readState, stateEntries, writeState } from "./keras_state.js";
import { loadLegacyH5, readLegacyWeights, saveLegacyH5, saveLegacyH5Weights } from "./legacy_h5.js";
import type { LoadModelOptions, LoadWeightsOptions, SaveModelOptions, SaveWeightsOptions } from "./file_options.js";
import { valueText } from "../tensor/value_text.js";

type Format = "keras" | "weights.h5" | "h5";

/**
 * The format a file name says, which must be one of `allowed`; `misplaced` explains a known format
 * the call does not take (a `.weights.h5` name given to save, which writes whole models).
 */
function formatOf(path: string, where: string, allowed: readonly Format[], misplaced: Partial<Record<Format, string>> = {}): Format {
  if (typeof path !== "string" || path.length === 0) throw new TypeError(`${where}: expected a file path, got ${valueText(path)}`);
  const lower = path.toLowerCase();
  const format: Format | null = lower.endsWith(".keras") ? "keras" : lower.endsWith(".weights.h5") ? "weights.h5" : lower.endsWith(".h5") || lower.endsWith(".hdf5") ? "h5" : null;
  if (format !== null && !allowed.includes(format) && misplaced[format] !== undefined) {
    throw new ModelFileError(path, `${where}: ${misplaced[format]}`);
  }
  if (format === null || !allowed.includes(format)) {
    const names: Record<Format, string> = { keras: ".keras (Keras 3)", "weights.h5": ".weights.h5 (Keras 3 weights)", h5: ".h5 (legacy Keras 2)" };
    throw new ModelFileError(path, `${where}: unknown file type; the name must end in ${allowed.map((f) => names[f]).join(", or ")}`);
  }
  return format;
}

const WEIGHTS_FILE = "the name ends in .weights.h5, the extension of Keras 3 weights-only files (no architecture)";

function checkModel(model: unknown, where: string): asserts model is Model {
  if (!(model instanceof Model)) throw new TypeError(`${where}: expected a model, got ${valueText(model)}`);
}

/** Keras' model.save(filepath): `.keras` (Keras 3) or `.h5` (legacy Keras 2). */
export async function saveModel(model: Model, path: string, options: SaveModelOptions = {}): Promise<void> {
  checkModel(model, "saveModel");
  const format = formatOf(path, `Model ${model.name}.save`, ["keras", "h5"], {
    "weights.h5": `${WEIGHTS_FILE}; save the weights with model.saveWeights(path), or the whole model to a .keras (Keras 3) or .h5 (legacy Keras 2) file`,
  });
  if (format === "keras") return saveKerasFile(model, path, options);
  return saveLegacyH5(model, path, options);
}

/** Keras' keras.models.load_model(filepath): a model with its weights, compiled when the file says how. */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<Model> {
  const format = formatOf(path, "loadModel", ["keras", "h5"], {
    "weights.h5": `${WEIGHTS_FILE}; build the same model in code and read them with model.loadWeights(path), or load a .keras or .h5 model file`,
  });
  if (format === "keras") return loadKerasFile(path, options);
  return loadLegacyH5(path, options);
}

/** Keras' model.save_weights(filepath): `.weights.h5` (Keras 3 layout) or `.h5` (legacy layout). */
export async function saveWeights(model: Model, path: string, options: SaveWeightsOptions = {}): Promise<void> {
  checkModel(model, "saveWeights");
  const format = formatOf(path, `Model ${model.name}.saveWeights`, ["weights.h5", "h5"], {
    keras: "the name ends in .keras, the extension of whole-model files; save the whole model with model.save(path), or the weights to a name ending in .weights.h5 (Keras 3) or .h5 (legacy Keras 2)",
  });
  if (format === "h5") return saveLegacyH5Weights(model, path, options);
  await writeAtomically(path, async (tmp) => {
    const h5 = await Hdf5File.create(tmp, path);
    try {
      writeState(h5, stateEntries(model, true));
    } finally {
      h5.close();
    }
  }, options);
}

/** Keras' model.load_weights(filepath): from `.weights.h5`, `.keras` or legacy `.h5` files. */
export async function loadWeights(model: Model, path: string, options: LoadWeightsOptions = {}): Promise<void> {
  checkModel(model, "loadWeights");
  const format = formatOf(path, `Model ${model.name}.loadWeights`, ["weights.h5", "keras", "h5"]);
  if (format === "keras") return loadKerasFileWeights(model, path, options);
  // The layout decides, not the name: Keras' published weight files (VGG16's ...notop.h5) are
  // legacy, while a Keras 3 save_weights file always has a root "vars" group.
  const h5 = await Hdf5File.openForReading(path);
  try {
    if (h5.kind("vars") === "group" || h5.kind("layers") === "group") {
      readState(h5, stateEntries(model, model.compiled !== null), options);
    } else if (h5.attr("", "layer_names") !== undefined || h5.attr("", "layer_names0") !== undefined || h5.kind("model_weights") === "group") {
      readLegacyWeights(h5, model, options);
    } else {
      throw new ModelFileError(path, "is an HDF5 file but not a Keras weights file (no vars/layers groups of Keras 3, no layer_names of Keras 2)");
    }
  } finally {
    h5.close();
  }
}

installFileHooks({ saveModel, saveWeights, loadWeights });
