/**
 * The legacy Keras 2 HDF5 format (tf.keras `model.save("x.h5")`, read by Keras 2 and Keras 3):
 *
 * - root attributes: `model_config` (the model's JSON, Keras 2 form), `keras_version`, `backend`,
 *   and `training_config` (compile settings with `optimizer_config`) when compiled;
 * - group `model_weights` with attributes `layer_names` (the model's layers in order),
 *   `backend`, `keras_version`; one group per layer (created in name order) with attribute
 *   `weight_names` (`dense/kernel:0`, ... : the layer's trainable then non-trainable weights;
 *   an empty list for layers without weights) and the datasets at those names
 *   (`model_weights/dense/dense/kernel:0`); an empty `top_level_model_weights` group;
 * - group `optimizer_weights` (attribute `weight_names` and datasets) with the optimizer state.
 *
 * A weights-only `.h5` (save_weights) is the `model_weights` layout at the root. Loading is by
 * layer order (layers without weights skipped on both sides) or by layer name, as Keras' legacy
 * loader does; names that do not fit in one attribute are read from `layer_names0`, `1`... too.
 */
import type { Variable } from "../tensor/variable.js";
import type { Tensor } from "../tensor/tensor.js";
import { shapeText, shapesEqual } from "../tensor/shape.js";
import type { Layer } from "../layers/layer.js";
import { kerasTwoWeightName } from "../layers/weight_scope.js";
import { isOperation } from "../layers/op_layer.js";
import type { Model } from "../models/model.js";
import { type JsonObject, compileFromConfig, modelFromConfig, serializeLayer } from "./serialization.js";
import { Hdf5File } from "./h5.js";
import { BUILD_FIRST, ModelFileError, errorText, notBuiltText } from "./file_error.js";
import { writeAtomically } from "./atomic_write.js";
import { savedOptimizerOrder, tensorFor, variableArray } from "./keras_state.js";
import type { Optimizer } from "../optimizers/optimizer.js";
import { legacyLayer, legacyTrainingConfig } from "./legacy_config.js";
import type { LoadModelOptions, LoadWeightsOptions, SaveModelOptions, SaveWeightsOptions } from "./file_options.js";

/** The tf.keras release whose `.h5` layout lamina writes (with top_level_model_weights). */
export const LEGACY_KERAS_VERSION = "2.15.0";
/** Keras 2 converted conv kernels only from "theano" files; "tensorflow" means "as stored". */
const BACKEND = "tensorflow";

/** Keras 2's _legacy_weights: trainable weights, then non-trainable ones. */
export function legacyWeights(layer: Layer): Variable[] {
  return [...layer.trainableWeights, ...layer.nonTrainableWeights];
}

/**
 * A weight's Keras 2 name: the TensorFlow variable name, `<layer>/<weight>:0`, without the scope of
 * the model that built the layer (Keras 3's path sequential/dense/kernel is dense/kernel:0 here).
 */
function legacyWeightName(v: Variable): string {
  const name = kerasTwoWeightName(v);
  return /:\d+$/.test(name) ? name : `${name}:0`;
}

/** Writes the weights of `model`'s layers into `group` (the root of a weights file, or model_weights). */
function writeLayerWeights(h5: Hdf5File, group: string, model: Model): void {
  const layers = model.layers;
  const names = layers.map((l) => l.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ModelFileError(h5.display, `cannot be written: two layers are named "${dup}"; layer names must be unique in a .h5 file`);
  const slashed = names.find((n) => n.includes("/") || n === "." || n === "");
  if (slashed !== undefined) throw new ModelFileError(h5.display, `cannot be written: layer name ${JSON.stringify(slashed)} cannot name an HDF5 group (no "/", not empty); rename the layer`);
  h5.ensureGroup(group);
  h5.writeTextAttr(group, "layer_names", names, "ascii");
  h5.writeTextAttr(group, "backend", BACKEND, "ascii");
  h5.writeTextAttr(group, "keras_version", LEGACY_KERAS_VERSION, "ascii");
  const join = (name: string): string => (group === "" ? name : `${group}/${name}`);
  for (const layer of [...layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    writeWeightList(h5, join(layer.name), legacyWeights(layer), legacyWeightName);
  }
  writeWeightList(h5, join("top_level_model_weights"), [], legacyWeightName);
}

function writeWeightList(h5: Hdf5File, group: string, vars: readonly Variable[], nameOf: (v: Variable) => string): void {
  h5.ensureGroup(group);
  const names = vars.map(nameOf);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ModelFileError(h5.display, `cannot be written: two weights of "${group}" are named "${dup}"`);
  if (names.length === 0) h5.writeEmptyListAttr(group, "weight_names");
  else h5.writeTextAttr(group, "weight_names", names, "ascii");
  vars.forEach((v, i) => h5.writeArray(`${group}/${names[i]}`, variableArray(v)));
}

/** The first operation node in a functional model or the models it holds, or null. */
function firstOperation(model: { readonly operations: Layer[] }): Layer | null {
  for (const l of model.operations) {
    if (isOperation(l)) return l;
    const nested = l as Layer & { readonly operations?: Layer[] };
    if (nested.operations !== undefined) {
      const inner = firstOperation(nested as { readonly operations: Layer[] });
      if (inner !== null) return inner;
    }
  }
  return null;
}

export async function saveLegacyH5(model: Model, path: string, opts: SaveModelOptions): Promise<void> {
  const includeOptimizer = opts.includeOptimizer ?? true;
  const op = firstOperation(model);
  if (op !== null) {
    // Keras' legacy config drops the module that tells an operation from a layer of the same class
    // name (Reshape, Add): Keras 3.5 cannot load its own .h5 of such a model either.
    throw new ModelFileError(path, `cannot be written: the model holds the operation ${op.className} "${op.name}" (tf ops applied to symbolic tensors), which the legacy .h5 config cannot describe; save it as .keras`);
  }
  let modelConfig: string;
  let trainingConfig: string | null = null;
  try {
    const serialized = serializeLayer(model, { compileConfig: includeOptimizer }) as unknown as JsonObject;
    modelConfig = JSON.stringify(legacyLayer(serialized));
    const compile = serialized.compile_config;
    if (includeOptimizer && compile && typeof compile === "object" && !Array.isArray(compile)) {
      trainingConfig = JSON.stringify(legacyTrainingConfig(compile));
    }
  } catch (e) {
    throw new ModelFileError(path, `cannot be written: the model's config cannot be serialized (${errorText(e)})`);
  }
  await writeAtomically(path, async (tmp) => {
    const h5 = await Hdf5File.create(tmp, path);
    try {
      h5.writeTextAttr("", "keras_version", LEGACY_KERAS_VERSION);
      h5.writeTextAttr("", "backend", BACKEND);
      h5.writeTextAttr("", "model_config", modelConfig, "ascii");
      if (trainingConfig !== null) h5.writeTextAttr("", "training_config", trainingConfig, "ascii");
      writeLayerWeights(h5, "model_weights", model);
      const opt = model.compiled?.optimizer as { variables?: () => Variable[]; name?: string } | undefined;
      const vars = includeOptimizer && trainingConfig !== null && opt?.variables ? opt.variables() : [];
      if (vars.length > 0) writeWeightList(h5, "optimizer_weights", vars, (v) => optimizerWeightName(opt?.name, v));
    } finally {
      h5.close();
    }
  }, { overwrite: opts.overwrite });
}

export async function saveLegacyH5Weights(model: Model, path: string, opts: SaveWeightsOptions): Promise<void> {
  await writeAtomically(path, async (tmp) => {
    const h5 = await Hdf5File.create(tmp, path);
    try {
      writeLayerWeights(h5, "", model);
    } finally {
      h5.close();
    }
  }, opts);
}

/** A text attribute (a JSON config), or null when absent. */
function textAttr(h5: Hdf5File, path: string, name: string): string | null {
  const v = h5.attr(path, name);
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new ModelFileError(h5.display, `attribute "${name}" of "${path || "/"}" should be text but is ${JSON.stringify(v)}`);
  return v;
}

/** Keras' load_attributes_from_hdf5_group: a list attribute, or its chunks name0, name1, ... */
function listAttr(h5: Hdf5File, path: string, name: string): string[] {
  const read = (n: string): string[] | null => {
    const v = h5.attr(path, n);
    if (v === undefined) return null;
    if (v === null || (Array.isArray(v) && v.length === 0)) return [];
    if (typeof v === "string") return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
    throw new ModelFileError(h5.display, `attribute "${n}" of "${path || "/"}" should be a list of names but is ${JSON.stringify(v)}`);
  };
  const whole = read(name);
  if (whole !== null) return whole;
  const out: string[] = [];
  for (let k = 0; ; k++) {
    const chunk = read(`${name}${k}`);
    if (chunk === null) break;
    out.push(...chunk);
  }
  return out;
}

interface SavedLayer {
  name: string;
  group: string;
  weightNames: string[];
}

function savedLayers(h5: Hdf5File, group: string): SavedLayer[] {
  if (h5.attr(group, "layer_names") === undefined && h5.attr(group, "layer_names0") === undefined) {
    throw new ModelFileError(h5.display, `has no "layer_names" attribute${group ? ` in "${group}"` : ""}; it is not a Keras weights file`);
  }
  return listAttr(h5, group, "layer_names").map((name) => {
    const path = group === "" ? name : `${group}/${name}`;
    if (h5.kind(path) !== "group") throw new ModelFileError(h5.display, `lists layer "${name}" in layer_names but has no group "${path}" for it`);
    return { name, group: path, weightNames: listAttr(h5, path, "weight_names") };
  });
}

/**
 * Loads legacy layer weights from `group` into `model`: by order (Keras' topological loading),
 * or by layer name (with `everyLayer`, each of the model's layers with weights must be in the file).
 * Everything is checked before anything is assigned.
 */
function readLayerWeights(h5: Hdf5File, group: string, model: Model, opts: LoadWeightsOptions, everyLayer = false, notBuiltFix = BUILD_FIRST): void {
  const saved = savedLayers(h5, group);
  const savedWithWeights = saved.filter((s) => s.weightNames.length > 0).length;
  if (savedWithWeights > 0 && model.layers.every((l) => legacyWeights(l).length === 0)) {
    throw new ModelFileError(h5.display, `${notBuiltText(savedWithWeights)}; ${notBuiltFix}`);
  }
  const problems: string[] = [];
  const assignments: [Variable, Tensor][] = [];
  const skip = opts.skipMismatch ?? false;
  // skipShapes: Keras' by-name loader skips a weight whose shape differs and still loads the
  // layer's other weights (legacy_h5_format.load_weights_from_hdf5_group_by_name: `continue` per weight).
  const loadOne = (layer: Layer, s: SavedLayer, label: string, skipShapes = false): void => {
    const vars = legacyWeights(layer);
    if (vars.length !== s.weightNames.length) {
      problems.push(`${label}: layer "${layer.name}" has ${vars.length} weight(s) (${vars.map((v) => `${v.name} ${shapeText(v.shape)}`).join(", ") || "none"}) but the file's "${s.name}" has ${s.weightNames.length} (${s.weightNames.join(", ") || "none"})`);
      return;
    }
    const pending: [Variable, Tensor][] = [];
    let bad = false;
    vars.forEach((v, i) => {
      const path = `${s.group}/${s.weightNames[i]}`;
      if (h5.kind(path) !== "dataset") {
        problems.push(`${label}: the file lists weight "${s.weightNames[i]}" of "${s.name}" but has no dataset "${path}"`);
        bad = true;
        return;
      }
      const a = h5.readArray(path);
      if (!shapesEqual(a.shape, v.shape)) {
        const text = `${label}: layer "${layer.name}" weight ${v.name} has shape ${shapeText(v.shape)} in the model but the file's "${s.weightNames[i]}" has shape ${shapeText(a.shape)}`;
        if (skipShapes) {
          console.warn(`loadWeights: skipping weight ${text}; the layer's other weights are loaded`);
          return;
        }
        problems.push(text);
        bad = true;
        return;
      }
      pending.push([v, tensorFor(v, a)]);
    });
    if (!bad) assignments.push(...pending);
  };
  if (opts.byName) {
    const byName = new Map<string, Layer[]>();
    for (const l of model.layers) byName.set(l.name, [...(byName.get(l.name) ?? []), l]);
    const withWeights = saved.filter((s) => s.weightNames.length > 0);
    if (withWeights.length > 0 && !withWeights.some((s) => (byName.get(s.name) ?? []).some((l) => legacyWeights(l).length > 0))) {
      // Keras skips every unmatched layer without a word, which leaves a model wholly untrained; say so instead.
      throw new ModelFileError(
        h5.display,
        `loading by name matched no layer: the file's layers with weights are ${withWeights.map((s) => `"${s.name}"`).join(", ")}, ` +
          `the model's are ${model.layers.filter((l) => legacyWeights(l).length > 0).map((l) => `"${l.name}"`).join(", ") || "none"}; ` +
          "give the layers the file's names, or load by order (byName: false) into the same architecture",
      );
    }
    saved.forEach((s, k) => {
      for (const layer of byName.get(s.name) ?? []) {
        const before = problems.length;
        loadOne(layer, s, `layer #${k} ("${s.name}")`, skip);
        if (skip && problems.length > before) console.warn(`loadWeights: skipping ${problems.splice(before).join("; ")}`);
      }
    });
    if (everyLayer) {
      const inFile = new Set(saved.filter((s) => s.weightNames.length > 0).map((s) => s.name));
      for (const l of model.layers) {
        if (legacyWeights(l).length > 0 && !inFile.has(l.name)) problems.push(`layer "${l.name}" has weights in the model but none in the file`);
      }
    }
  } else {
    const modelLayers = model.layers.filter((l) => legacyWeights(l).length > 0);
    const fileLayers = saved.filter((s) => s.weightNames.length > 0);
    if (modelLayers.length !== fileLayers.length) {
      throw new ModelFileError(
        h5.display,
        `has weights for ${fileLayers.length} layer(s) (${fileLayers.map((s) => s.name).join(", ") || "none"}) but the model has ${modelLayers.length} layer(s) with weights ` +
          `(${modelLayers.map((l) => l.name).join(", ") || "none"}); loading by order needs the same architecture (or pass { byName: true })`,
      );
    }
    fileLayers.forEach((s, k) => {
      const before = problems.length;
      loadOne(modelLayers[k], s, `layer #${k}`);
      if (skip && problems.length > before) console.warn(`loadWeights: skipping ${problems.splice(before).join("; ")}`);
    });
  }
  if (problems.length > 0) throw new ModelFileError(h5.display, `does not match the model: ${problems.join("; ")}`);
  for (const [v, t] of assignments) v.assign(t);
}

/** Loads a legacy weights file (or a whole-model .h5's model_weights) into `model`. */
export function readLegacyWeights(h5: Hdf5File, model: Model, opts: LoadWeightsOptions): void {
  const hasNames = h5.attr("", "layer_names") !== undefined || h5.attr("", "layer_names0") !== undefined;
  const group = !hasNames && h5.kind("model_weights") === "group" ? "model_weights" : "";
  readLayerWeights(h5, group, model, opts);
}

function parseConfig(h5: Hdf5File, name: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(h5.display, `its ${name} attribute is not valid JSON (${errorText(e)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ModelFileError(h5.display, `its ${name} attribute is not a JSON object`);
  return parsed as Record<string, unknown>;
}

export async function loadLegacyH5(path: string, opts: LoadModelOptions): Promise<Model> {
  const h5 = await Hdf5File.openForReading(path);
  try {
    const configText = textAttr(h5, "", "model_config");
    if (configText === null) {
      const weightsOnly = h5.attr("", "layer_names") !== undefined;
      throw new ModelFileError(path, weightsOnly
        ? "holds only weights (a save_weights file), not a model; build the model in code and call model.loadWeights on it"
        : "has no model_config attribute; it is not a Keras model file");
    }
    const config = parseConfig(h5, "model_config", configText);
    let model: Model;
    try {
      model = modelFromConfig(config, { customObjects: opts.customObjects, safeMode: opts.safeMode ?? true, compile: false });
    } catch (e) {
      throw new ModelFileError(path, `its model_config cannot be turned into a model: ${errorText(e)}`);
    }
    if (h5.kind("model_weights") !== "group") throw new ModelFileError(path, "has no model_weights group; it is not a complete Keras model file");
    // By name: the model comes from this file's own config, so names identify its layers whatever
    // order the writer listed them in (lamina before 2026-11-24 listed branching graphs' layers in
    // another order than Keras).
    readLayerWeights(h5, "model_weights", model, { byName: true }, true,
      "a legacy .h5 file cannot build a subclassed model, whose layers make their weights on its first call: save subclassed models to .keras " +
        "(it records how to build them), or build the model in code, call it on data and use model.loadWeights");
    if (opts.compile ?? true) {
      const trainingText = textAttr(h5, "", "training_config");
      if (trainingText !== null) {
        try {
          compileFromConfig(model, parseConfig(h5, "training_config", trainingText), opts);
        } catch (e) {
          if (e instanceof ModelFileError) throw e;
          throw new ModelFileError(path, `its training_config cannot be used to compile the model: ${errorText(e)}`);
        }
        if (model.compiled !== null && h5.kind("optimizer_weights") === "group") readOptimizerWeights(h5, model);
      }
    }
    return model;
  } finally {
    h5.close();
  }
}

/** Restores optimizer_weights when the counts and shapes fit (Keras warns and skips otherwise). */
function readOptimizerWeights(h5: Hdf5File, model: Model): void {
  const names = listAttr(h5, "optimizer_weights", "weight_names");
  const opt = model.compiled?.optimizer as Optimizer;
  if (!opt.built && names.length > opt.variables().length) opt.build(model.trainableWeights);
  if (opt.variables().length !== names.length) {
    console.warn(`loadModel: ${h5.display}: the saved optimizer state has ${names.length} variables but optimizer "${opt.name}" has ${opt.variables().length} (a file from another Keras version?); training starts from a fresh optimizer state`);
    return;
  }
  // Only Keras 3 files say which Keras 3 order they hold; lamina's own say 2.15.0.
  const version = h5.attr("", "keras_version");
  const keras3 = typeof version === "string" && version.startsWith("3.") ? version : undefined;
  const vars = savedOptimizerOrder(opt, (i) => h5.datasetShape(`optimizer_weights/${names[i]}`), keras3);
  const source = savedNameOrder(names, vars.map((v) => optimizerWeightName(opt.name, v)));
  const values = vars.map((v, i) => {
    const n = names[source[i]];
    const a = h5.readArray(`optimizer_weights/${n}`);
    if (!shapesEqual(a.shape, v.shape)) {
      throw new ModelFileError(h5.display, `optimizer weight "${n}" has shape ${shapeText(a.shape)} but optimizer variable ${v.name} has shape ${shapeText(v.shape)}`);
    }
    return tensorFor(v, a);
  });
  vars.forEach((v, i) => v.assign(values[i]));
}

/** The name an optimizer variable is saved under in optimizer_weights. */
function optimizerWeightName(optimizerName: string | undefined, v: Variable): string {
  return `${optimizerName ?? "optimizer"}/${legacyWeightName(v)}`;
}

/**
 * For each current variable, the index of its saved value. Keras restores optimizer_weights by
 * position; lamina does too unless the saved names are exactly the current ones in another order
 * (a file written when lamina ordered a branching model's layers differently), where matching by
 * name keeps each slot with its own weight instead of a same-shaped neighbour's.
 */
function savedNameOrder(saved: readonly string[], current: readonly string[]): number[] {
  const byName = new Map(saved.map((n, i) => [n, i]));
  const sameSet = byName.size === saved.length && current.length === saved.length && current.every((n) => byName.has(n));
  return current.map((n, i) => (sameSet ? byName.get(n)! : i));
}
