/**
 * Keras 3's weight layout (`model.weights.h5` inside a `.keras` file, and `.weights.h5` files),
 * as keras/src/saving/saving_lib.py writes it:
 *
 * - every saveable object (the model, each layer, the optimizer) gets a group `<path>/vars` (the
 *   root model's is `vars`) with an attribute `name` (the object's name; Keras >= 3.6) and its own
 *   variables as datasets `0`, `1`, ... (a layer's: those created trainable first, then the others,
 *   each in creation order; an optimizer's: its `variables` list);
 * - the path of a Sequential's or functional model's layers is `layers/<snake_case class name>`,
 *   numbered `_1`, `_2`... when the class repeats (`layers/dense`, `layers/dense_1`,
 *   `layers/conv2d`...), never the layer's own name; a nested model's layers continue below it
 *   (`layers/functional/layers/conv2d`); the optimizer is `optimizer`;
 * - other objects are reached through attributes, sorted by name with `_private` ones last (a
 *   subclassed model's `this.encoder` is `encoder/vars`); an object reached twice is saved once.
 */
import type { Variable } from "../tensor/variable.js";
import { Tensor } from "../tensor/tensor.js";
import { shapeText, shapesEqual } from "../tensor/shape.js";
import type { DType, TypedArray } from "../tensor/dtype.js";
import { Layer, type VariableStore, ownVariables, ownVariablesLoaded, toSnakeCase } from "../layers/layer.js";
import { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import { Optimizer } from "../optimizers/index.js";
import type { H5Array, Hdf5File } from "./h5.js";
import { BUILD_FIRST, ModelFileError, notBuiltText } from "./file_error.js";
import { valueText } from "../tensor/value_text.js";

/** One saveable object and where its variables live. */
export interface StateEntry {
  /** Keras' inner path ("" for the root model). */
  path: string;
  /** The object's name, written as the `name` attribute of its vars group. */
  name: string;
  /** How messages name it: `layer "dense_1" (Dense)`. */
  label: string;
  layer?: Layer;
  optimizer?: Optimizer;
  /** The model whose trainable weights the optimizer updates (to build its slots before loading). */
  owner?: Model;
}

/** The HDF5 group holding an entry's variables. */
export function varsGroup(path: string): string {
  return path === "" ? "vars" : `${path}/vars`;
}

export { ownVariables } from "../layers/layer.js";

/** The variables an entry saves (an optimizer's as they are now). */
export function entryVariables(e: StateEntry): Variable[] {
  if (e.optimizer) return e.optimizer.variables();
  return ownVariables(e.layer as Layer);
}

let baseFields: { layer: Set<string>; model: Set<string>; sequential: Set<string> } | null = null;

/** Own property names every Layer / Model / Sequential has (Keras' skiplist: dir(Layer())). */
function baseFieldNames(obj: Layer): Set<string> {
  if (baseFields === null) {
    class ProbeLayer extends Layer {
      call(x: Tensor | Tensor[]): Tensor | Tensor[] {
        return x;
      }
    }
    baseFields = {
      layer: new Set(Object.keys(new ProbeLayer({ name: "__lamina_probe_layer__" }))),
      model: new Set(Object.keys(new Model({ name: "__lamina_probe_model__" }))),
      sequential: new Set(Object.keys(new Sequential([], { name: "__lamina_probe_sequential__" }))),
    };
  }
  return obj instanceof Sequential ? baseFields.sequential : obj instanceof Model ? baseFields.model : baseFields.layer;
}

/** saving_lib's _name_key: private attributes are visited last. */
function nameKey(name: string): string {
  return name.startsWith("_") ? `~${name}` : name;
}

function joinPath(a: string, b: string): string {
  return a === "" ? b : `${a}/${b}`;
}

/** The children saving_lib visits, in its order: [attribute, value]. */
function childrenOf(obj: Layer, includeOptimizer: boolean): [string, unknown][] {
  const out: [string, unknown][] = [];
  const graphModel = obj instanceof Sequential || (obj instanceof Model && obj.isFunctional);
  if (graphModel) out.push(["layers", (obj as Model).layers]);
  const attrs = new Map<string, unknown>();
  if (obj instanceof Model) {
    if (includeOptimizer && obj.compiled?.optimizer instanceof Optimizer) attrs.set("optimizer", obj.compiled.optimizer);
    if (!graphModel) attrs.set("layers", obj.layers);
  }
  // Fields every Layer/Model/Sequential has (the layer stack, graph nodes) are skipped, as Keras
  // skips dir(Layer()), Functional._operations and Sequential._functional.
  const skip = baseFieldNames(obj);
  // A built-in layer whose attributes Keras spells otherwise (Bidirectional's forward_layer) names them so.
  const renamed = (obj.constructor as { kerasAttributeNames?: Readonly<Record<string, string>> }).kerasAttributeNames ?? {};
  for (const key of Object.keys(obj)) {
    if (skip.has(key) || attrs.has(key)) continue;
    const v = (obj as unknown as Record<string, unknown>)[key];
    if (v instanceof Layer || (Array.isArray(v) && v.some((x) => x instanceof Layer))) attrs.set(renamed[key] ?? key, v);
  }
  for (const key of [...attrs.keys()].sort((a, b) => (nameKey(a) < nameKey(b) ? -1 : nameKey(a) > nameKey(b) ? 1 : 0))) {
    out.push([key, attrs.get(key)]);
  }
  return out;
}

/**
 * Every saveable object of `model` with its Keras path, in saving_lib's visiting order. The
 * optimizers of compiled models are included when `includeOptimizer`.
 */
export function stateEntries(model: Model, includeOptimizer: boolean): StateEntry[] {
  const out: StateEntry[] = [];
  const visited = new Set<unknown>();
  const visitLayer = (layer: Layer, path: string): void => {
    if (visited.has(layer)) return;
    visited.add(layer);
    out.push({ path, name: layer.name, label: `layer "${layer.name}" (${layer.className})`, layer });
    for (const [attr, child] of childrenOf(layer, includeOptimizer)) {
      const childPath = joinPath(path, attr);
      if (child instanceof Layer) visitLayer(child, childPath);
      else if (child instanceof Optimizer) visitOptimizer(child, childPath, layer as Model);
      else if (Array.isArray(child)) visitContainer(child, childPath);
    }
  };
  const visitOptimizer = (opt: Optimizer, path: string, owner: Model): void => {
    if (visited.has(opt)) return;
    visited.add(opt);
    out.push({ path, name: opt.name, label: `optimizer "${opt.name}" (${opt.className}) of model "${owner.name}"`, optimizer: opt, owner });
  };
  const visitContainer = (items: readonly unknown[], path: string): void => {
    const used = new Map<string, number>();
    const unique = (base: string): string => {
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      return n === undefined ? base : `${base}_${n + 1}`;
    };
    for (const item of items) {
      if (item instanceof Layer) visitLayer(item, joinPath(path, unique(toSnakeCase(item.className))));
      else if (Array.isArray(item)) visitContainer(item, joinPath(path, unique("container")));
    }
  };
  visitLayer(model, "");
  return out;
}

/** A variable's (or a saveOwnVariables tensor's) value as a dataset. */
export function variableArray(v: Tensor): H5Array {
  return { shape: [...v.shape], dtype: v.dtype, data: v.dataSync() as TypedArray };
}

/** The datasets an entry's vars group holds: [key, value], "0", "1"... or a layer's own saveOwnVariables keys. */
export function entryDatasets(e: StateEntry): [string, Tensor][] {
  if (e.layer && e.layer.saveOwnVariables !== Layer.prototype.saveOwnVariables) return Object.entries(ownStore(e.layer, e.label));
  return entryVariables(e).map((v, i): [string, Tensor] => [String(i), v]);
}

/** Writes every entry's `vars` group (with its `name` attribute) and datasets. */
export function writeState(h5: Hdf5File, entries: readonly StateEntry[]): void {
  for (const e of entries) {
    const group = varsGroup(e.path);
    h5.ensureGroup(group);
    h5.writeTextAttr(group, "name", e.name);
    for (const [key, t] of entryDatasets(e)) h5.writeArray(`${group}/${key}`, variableArray(t));
  }
}

/** What a layer's own saveOwnVariables puts in its store, checked before anything is written. */
function ownStore(layer: Layer, label: string): VariableStore {
  const store: VariableStore = {};
  layer.saveOwnVariables(store);
  for (const [key, t] of Object.entries(store)) {
    if (key === "" || key.includes("/") || key === "." || key === "..") {
      throw new TypeError(`saving ${label}: saveOwnVariables used the key ${JSON.stringify(key)}; a key names one dataset of the layer's vars group, so it must be a name other than "." or "..", non-empty and without "/"`);
    }
    if (!(t instanceof Tensor)) {
      throw new TypeError(`saving ${label}: saveOwnVariables put ${valueText(t)} under "${key}"; store a tensor (a Variable, or tf.constant(values) for other state)`);
    }
  }
  return store;
}

export interface ReadStateOptions {
  /** Skip (with a warning) objects whose weights do not match instead of failing. */
  skipMismatch?: boolean;
  /**
   * Match layers to groups by the `name` attribute of their vars groups (files from Keras >= 3.6
   * and lamina) instead of by path; layers without a match keep their weights.
   */
  byName?: boolean;
  /** The keras_version of the file's metadata.json, when it has one (decides between equally fitting variable orders). */
  kerasVersion?: string;
}

/** A value read from the file, converted to the variable's dtype. */
export function tensorFor(v: Variable, a: H5Array): Tensor {
  if (a.dtype === v.dtype) return new Tensor(a.data as never, a.shape, v.dtype);
  const n = a.data.length;
  if (v.dtype === "int64") return new Tensor(BigInt64Array.from(a.data as ArrayLike<number | bigint>, (x) => BigInt(x)) as never, a.shape, v.dtype);
  const src = a.data as ArrayLike<number | bigint>;
  const out = v.dtype === "float64" ? new Float64Array(n) : v.dtype === "int32" ? new Int32Array(n) : v.dtype === "uint8" || v.dtype === "bool" ? new Uint8Array(n) : v.dtype === "int8" ? new Int8Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(src[i]);
  return new Tensor(out as never, a.shape, v.dtype);
}

const FLOATS: readonly DType[] = ["float32", "float64"];

/**
 * Loads every entry's variables from the file. All layers are checked before any is assigned, so
 * a file that does not fit leaves the model as it was; the error lists each mismatch with the
 * layer, the weight, and both shapes. An optimizer whose variable count differs from the file's
 * is skipped with a warning, as Keras does.
 */
export function readState(h5: Hdf5File, entries: readonly StateEntry[], opts: ReadStateOptions = {}): void {
  const problems: string[] = [];
  const assignments: [Variable, Tensor][] = [];
  const ownLoads: [StateEntry, VariableStore, string][] = [];
  const loadedLayers: Layer[] = [];
  const legacyPaths = h5.kind("_layer_checkpoint_dependencies") === "group";
  const byName = opts.byName ? groupsByName(h5) : null;
  if (byName) {
    const named = entries.filter((e) => !e.optimizer && entryVariables(e).length > 0);
    if (named.length > 0 && !named.some((e) => byName.has(e.name))) {
      // Loading nothing would leave the model as it was without a word.
      throw new ModelFileError(
        h5.display,
        `loading by name matched no layer: the model's layers with weights are ${named.map((e) => `"${e.name}"`).join(", ")}, ` +
          `and the file has no group of those names (its groups: ${[...byName.keys()].slice(0, 12).map((n) => `"${n}"`).join(", ") || "none"}); ` +
          "give the layers the file's names, or load by structure into the same architecture",
      );
    }
  }
  for (const e of entries) {
    let group = varsGroup(e.path);
    if (byName) {
      if (e.optimizer) continue;
      const found = byName.get(e.name) ?? [];
      if (found.length === 0) continue;
      if (found.length > 1) {
        problems.push(`${e.label}: the file has ${found.length} groups named "${e.name}" (${found.join(", ")}); names must be unique to load by name`);
        continue;
      }
      group = found[0];
    } else if (h5.kind(group) === null && legacyPaths) {
      // Keras 2.13-2.15 wrote layers under "_layer_checkpoint_dependencies" (saving_lib does the same replacement).
      const alt = varsGroup(e.path.replace(/layers/g, "_layer_checkpoint_dependencies"));
      if (h5.kind(alt) === "group") group = alt;
    }
    const kind = h5.kind(group);
    if (kind !== null && kind !== "group") {
      problems.push(`${e.label}: "${group}" in the file is not a group`);
      continue;
    }
    const names = kind === "group" ? h5.children(group) : [];
    if (e.layer && e.layer.loadOwnVariables !== Layer.prototype.loadOwnVariables) {
      // The layer reads its own group: its datasets by key, handed over once the rest of the file fits.
      const store: VariableStore = {};
      for (const n of names) {
        const a = h5.readArray(`${group}/${n}`);
        store[n] = new Tensor(a.data as never, a.shape, a.dtype);
      }
      ownLoads.push([e, store, group]);
      continue;
    }
    let vars = entryVariables(e);
    if (e.optimizer) {
      if (names.length === 0) continue;
      if (names.length !== vars.length && !e.optimizer.built && e.owner) {
        e.optimizer.build(e.owner.trainableWeights);
        vars = entryVariables(e);
      }
      if (names.length !== vars.length) {
        console.warn(
          `loadModel: skipping the state of ${e.label}: it has ${vars.length} variables but the file has ${names.length} in "${group}" ` +
            "(the model's trainable weights differ from those it was saved with); training continues from a fresh optimizer state",
        );
        continue;
      }
      vars = savedOptimizerOrder(e.optimizer, (i) => h5.datasetShape(`${group}/${i}`), opts.kerasVersion);
    }
    const before = problems.length;
    const pending: [Variable, Tensor][] = [];
    if (names.length !== vars.length) {
      const inModel = vars.length === 0 ? "no weights" : `${vars.length} weight(s) (${vars.map((v) => `${v.name} ${shapeText(v.shape)}`).join(", ")})`;
      const inFile = names.length === 0 ? `none${kind === null ? ` (no group "${group}")` : ""}` : `${names.length} (${names.map((n) => `"${group}/${n}"`).join(", ")})`;
      problems.push(`${e.label} has ${inModel} but the file has ${inFile}`);
    } else {
      vars.forEach((v, i) => {
        const path = `${group}/${i}`;
        if (!names.includes(String(i))) {
          problems.push(`${e.label}: the file has no dataset "${path}" for weight ${i} (${v.name}); its datasets are ${names.join(", ")}`);
          return;
        }
        const a = h5.readArray(path);
        if (!shapesEqual(a.shape, v.shape)) {
          problems.push(`${e.label}: weight ${i} (${v.name}) has shape ${shapeText(v.shape)} in the model but ${shapeText(a.shape)} in the file ("${path}")`);
          return;
        }
        if (FLOATS.includes(v.dtype) !== FLOATS.includes(a.dtype)) {
          problems.push(`${e.label}: weight ${i} (${v.name}) is ${v.dtype} in the model but ${a.dtype} in the file ("${path}")`);
          return;
        }
        pending.push([v, tensorFor(v, a)]);
      });
    }
    if (problems.length > before && opts.skipMismatch) {
      console.warn(`loadWeights: skipping ${problems.splice(before).join("; ")}`);
      continue;
    }
    assignments.push(...pending);
    if (e.layer && pending.length > 0) loadedLayers.push(e.layer);
  }
  if (problems.length > 0) {
    const layers = entries.filter((e) => !e.optimizer);
    if (layers.every((e) => entryVariables(e).length === 0)) {
      // Every layer lacks weights the file has: the model is not built, not another architecture.
      throw new ModelFileError(h5.display, `${notBuiltText(problems.length)}; ${BUILD_FIRST}`);
    }
    throw new ModelFileError(h5.display, `does not match the model: ${problems.join("; ")}. Build the same architecture, or pass { skipMismatch: true } to load what fits`);
  }
  for (const [e, store, group] of ownLoads) {
    try {
      (e.layer as Layer).loadOwnVariables(store);
    } catch (err) {
      throw new ModelFileError(h5.display, `${e.label}: its loadOwnVariables failed on the file's "${group}" (keys ${Object.keys(store).map((k) => `"${k}"`).join(", ") || "none"}): ${(err as Error).message}`);
    }
  }
  for (const [v, t] of assignments) v.assign(t);
  // As Keras' load_own_variables ends (a LoRA layer zeroes its factors once its kernel is loaded).
  for (const l of loadedLayers) ownVariablesLoaded(l);
}

/**
 * The optimizer's variables in the order the file holds them: variables() (Keras >= 3.10 and
 * lamina), or Keras 3.0-3.9's order where that differs (Nadam's u_product before the slots). The
 * dataset shapes decide; when both orders fit them, the file's keras_version does (the current
 * order when unknown).
 */
export function savedOptimizerOrder(optimizer: Optimizer, savedShape: (index: number) => readonly number[] | null, kerasVersion: string | undefined): Variable[] {
  const current = optimizer.variables();
  const older = optimizer.variablesBeforeKeras310();
  if (older === null) return current;
  const fits = (vars: readonly Variable[]): boolean => vars.every((v, i) => {
    const shape = savedShape(i);
    return shape !== null && shapesEqual(shape, v.shape);
  });
  const currentFits = fits(current);
  const olderFits = fits(older);
  if (olderFits && (!currentFits || (kerasVersion !== undefined && versionBefore(kerasVersion, [3, 10])))) return older;
  return current;
}

/** Whether a version string "3.5.0" is below [major, minor]; false when it is not a version. */
function versionBefore(version: string, [major, minor]: [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a < major || (a === major && b < minor);
}

/** Every vars group of the file by its `name` attribute. */
function groupsByName(h5: Hdf5File): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (path: string, depth: number): void => {
    if (depth > 64) return;
    for (const child of h5.children(path)) {
      const p = path === "" ? child : `${path}/${child}`;
      if (h5.kind(p) !== "group") continue;
      if (child === "vars") {
        const name = h5.attr(p, "name");
        if (typeof name === "string") out.set(name, [...(out.get(name) ?? []), p]);
      } else {
        walk(p, depth + 1);
      }
    }
  };
  walk("", 0);
  return out;
}
