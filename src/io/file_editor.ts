/**
 * keras.saving.KerasFileEditor (Keras 3.15): opens a `.keras` or `.weights.h5` file as a tree of
 * weights (object paths such as `layers/dense` down to their datasets "0", "1"...), prints it,
 * compares it with a model, edits it (rename, delete or add objects and weights) and writes the
 * result as a `.weights.h5` file, to adapt saved weights to a changed architecture.
 */
import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import type { Model } from "../models/model.js";
import { printMsg } from "../models/callbacks/output.js";
import { Hdf5File } from "./h5.js";
import { ModelFileError } from "./file_error.js";
import { CONFIG, METADATA, parseJsonEntry, readKerasArchive, withArchiveWeights } from "./keras_file.js";
import { entryDatasets, stateEntries, variableArray } from "./keras_state.js";
import { writeAtomically } from "./atomic_write.js";

/** An object's weights and sub-objects: dataset names ("0", "1"...) map to tensors, attribute names to sub-trees. */
export interface WeightsTree {
  [key: string]: WeightsTree | Tensor;
}

/** What compare() found: Keras' status, error_count and match_count. */
export interface CompareResult {
  status: "success" | "error";
  errorCount: number;
  matchCount: number;
}

/** Weights given to addObject/addWeights: tensors, or numbers and nested arrays of them (float32). */
export type WeightValues = Readonly<Record<string, Tensor | number | readonly unknown[]>>;

const isTree = (v: WeightsTree | Tensor | undefined): v is WeightsTree => v !== undefined && !(v instanceof Tensor);
const join = (a: string, b: string): string => (a === "" ? b : `${a}/${b}`);

/**
 * The weights below an HDF5 group, Keras' layout undone: an object's `vars` datasets become its
 * keys next to its sub-objects; empty objects are left out. `names` collects each object's `name`
 * attribute by path.
 */
function readTree(h5: Hdf5File, group: string, path: string, names: Map<string, string>): WeightsTree {
  const out: WeightsTree = {};
  const prefix = group === "" ? "" : `${group}/`;
  for (const key of h5.children(group)) {
    const child = `${prefix}${key}`;
    const kind = h5.kind(child);
    if (kind === "dataset") {
      const a = h5.readArray(child);
      out[key] = new Tensor(a.data as never, a.shape, a.dtype);
    } else if (kind === "group" && key === "vars") {
      const name = h5.attr(child, "name");
      if (typeof name === "string" && path !== "") names.set(path, name);
      Object.assign(out, readTree(h5, child, path, names));
    } else if (kind === "group") {
      const sub = readTree(h5, child, join(path, key), names);
      if (Object.keys(sub).length > 0) out[key] = sub;
    }
  }
  return out;
}

/** Every object in the tree holding `name` as a key: [the object, its path]. */
function holders(tree: WeightsTree, name: string, path = ""): [WeightsTree, string][] {
  const out: [WeightsTree, string][] = [];
  for (const [key, v] of Object.entries(tree)) if (isTree(v)) out.push(...holders(v, name, join(path, key)));
  if (name in tree) out.push([tree, path]);
  return out;
}

/** A model's weight layout as a tree of shapes (Keras' get_weight_spec_of_saveable). */
function modelSpec(model: Model): WeightsTree {
  const spec: WeightsTree = {};
  for (const entry of stateEntries(model, true)) {
    const datasets = entryDatasets(entry);
    if (datasets.length === 0) continue;
    let node = spec;
    for (const part of entry.path === "" ? [] : entry.path.split("/")) {
      const next = node[part];
      node = isTree(next) ? next : (node[part] = {});
    }
    for (const [key, t] of datasets) node[key] = t;
  }
  return spec;
}

export class KerasFileEditor {
  private constructor(
    /** The file opened. */
    readonly filepath: string,
    /** The weights, by object path. */
    readonly weightsDict: WeightsTree,
    /** The model config of a `.keras` file (null for `.weights.h5`). */
    readonly config: Record<string, unknown> | null,
    /** metadata.json of a `.keras` file (keras_version, date_saved), or null. */
    readonly metadata: Record<string, unknown> | null,
    private readonly objectNames: Map<string, string>,
  ) {}

  /**
   * Opens a `.keras` or `.weights.h5` file (Keras' `KerasFileEditor(filepath)`; opening is
   * asynchronous here, as reading HDF5 is) and prints which file it is.
   */
  static async open(filepath: string): Promise<KerasFileEditor> {
    if (typeof filepath !== "string") throw new TypeError(`saving.KerasFileEditor: filepath must be a string, got ${valueText(filepath)}`);
    const names = new Map<string, string>();
    let editor: KerasFileEditor;
    if (filepath.endsWith(".keras")) {
      const zip = readKerasArchive(filepath);
      const asObject = (v: unknown, entry: string): Record<string, unknown> => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ModelFileError(filepath, `its ${entry} is not a JSON object`);
        return v as Record<string, unknown>;
      };
      const config = asObject(parseJsonEntry(zip, CONFIG, filepath), CONFIG);
      const metadata = zip.has(METADATA) ? asObject(parseJsonEntry(zip, METADATA, filepath), METADATA) : null;
      const weights = await withArchiveWeights(zip, filepath, (h5) => readTree(h5, "", "", names));
      editor = new KerasFileEditor(filepath, weights, config, metadata, names);
    } else if (filepath.endsWith(".weights.h5")) {
      const h5 = await Hdf5File.openForReading(filepath);
      try {
        editor = new KerasFileEditor(filepath, readTree(h5, "", "", names), null, null, names);
      } finally {
        h5.close();
      }
    } else {
      throw new RangeError(`saving.KerasFileEditor: expected a file name ending in .keras or .weights.h5, got ${JSON.stringify(filepath)}`);
    }
    printMsg(`Keras model file '${filepath}'`);
    if (editor.metadata !== null) printMsg(`Saved with Keras ${String(editor.metadata.keras_version)} - date: ${String(editor.metadata.date_saved)}`);
    return editor;
  }

  /** The weight structure as summary() prints it. */
  summaryText(): string {
    const lines = ["Weights structure"];
    let first = true;
    const walk = (tree: WeightsTree, prefix: string, path: string): void => {
      const entries = Object.entries(tree);
      entries.forEach(([key, value], i) => {
        const last = i === entries.length - 1;
        const connector = first ? "> " : last ? "└─ " : "├─ ";
        first = false;
        const childPath = join(path, key);
        if (isTree(value)) {
          const name = this.objectNames.get(childPath);
          lines.push(`${prefix}${connector}${key}${name === undefined ? "" : ` ('${name}')`}`);
          walk(value, prefix + (last ? "    " : "│   "), childPath);
        } else {
          lines.push(`${prefix}${connector}${key}: shape=${shapeText(value.shape)}, dtype=${value.dtype}`);
        }
      });
    };
    walk(this.weightsDict, "  ", "");
    return lines.join("\n");
  }

  /** Prints the weight structure of the opened file (Keras' summary()). */
  summary(): void {
    printMsg(this.summaryText());
  }

  /**
   * Lists every difference between the file and `referenceModel`'s weights (objects or weights one
   * of them lacks, shapes that differ) and returns the counts; status "success" when the file's
   * weights would load into the model.
   */
  compare(referenceModel: Model): CompareResult {
    printMsg("Running comparison");
    const spec = modelSpec(referenceModel);
    const checked = new Set<string>();
    let errors = 0, matches = 0;
    const walk = (target: WeightsTree, ref: WeightsTree, path: string, targetName: string, refName: string, countMatches: boolean): void => {
      for (const [key, refVal] of Object.entries(ref)) {
        const inner = `${path}/${key}`;
        if (checked.has(inner)) continue;
        const got = target[key];
        if (got === undefined) {
          errors++;
          checked.add(inner);
          if (isTree(refVal)) {
            printMsg(`...Object ${inner} present in ${refName}, missing from ${targetName}`);
            printMsg(`    In ${refName}, ${inner} contains the following keys: ${JSON.stringify(Object.keys(refVal))}`);
          } else {
            printMsg(`...Weight ${inner} present in ${refName}, missing from ${targetName}`);
          }
        } else if (isTree(refVal) || isTree(got)) {
          if (isTree(refVal) && isTree(got)) {
            walk(got, refVal, inner, targetName, refName, countMatches);
          } else {
            errors++;
            checked.add(inner);
            printMsg(`...${inner} is an object in ${isTree(refVal) ? refName : targetName} but a weight in ${isTree(refVal) ? targetName : refName}`);
          }
        } else if (shapeText(got.shape) !== shapeText(refVal.shape)) {
          errors++;
          checked.add(inner);
          printMsg(`...Weight shape mismatch for ${inner}\n    In ${refName}: shape=${shapeText(refVal.shape)}\n    In ${targetName}: shape=${shapeText(got.shape)}`);
        } else if (countMatches) {
          matches++;
        }
      }
    };
    walk(this.weightsDict, spec, "", "saved file", "reference model", true);
    walk(spec, this.weightsDict, "", "reference model", "saved file", false);
    printMsg("─────────────────────");
    if (errors === 0) {
      printMsg("Comparison successful: saved file is compatible with the reference model");
      printMsg(`    Found ${matches} matching weight${matches === 1 ? "" : "s"}`);
    } else {
      printMsg(`Found ${errors} error${errors === 1 ? "" : "s"}: saved file is not compatible with the reference model`);
    }
    return { status: errors === 0 ? "success" : "error", errorCount: errors, matchCount: matches };
  }

  /**
   * Runs `edit` on the object holding `source`: a path ("layers/dense_2") or a key that occurs
   * once in the whole tree ("dense_2").
   */
  private editObject(op: string, source: string, edit: (holder: WeightsTree, key: string) => void): void {
    if (typeof source !== "string" || source === "") throw new TypeError(`KerasFileEditor.${op}: the object name must be a non-empty string, got ${valueText(source)}`);
    if (source.includes("/")) {
      const parts = source.split("/");
      let node: WeightsTree = this.weightsDict;
      for (const part of parts.slice(0, -1)) {
        const next = node[part];
        if (!isTree(next)) throw new RangeError(`KerasFileEditor.${op}: path '${source}' not found in the file; summary() lists its objects`);
        node = next;
      }
      if (!(parts[parts.length - 1] in node)) throw new RangeError(`KerasFileEditor.${op}: path '${source}' not found in the file; summary() lists its objects`);
      edit(node, parts[parts.length - 1]);
      return;
    }
    const found = holders(this.weightsDict, source);
    if (found.length > 1) {
      const paths = found.map(([, p]) => join(p, source));
      throw new RangeError(`KerasFileEditor.${op}: name '${source}' occurs more than once in the file (${paths.join(", ")}); pass the full path`);
    }
    if (found.length === 0) throw new RangeError(`KerasFileEditor.${op}: name '${source}' does not appear in the file; summary() lists its objects`);
    edit(found[0][0], source);
  }

  /** Renames an object (a name or a path such as "layers/dense_2"); `newName` is a leaf name. */
  renameObject(objectName: string, newName: string): void {
    if (typeof newName !== "string" || newName === "" || newName.includes("/")) {
      throw new RangeError(`KerasFileEditor.renameObject: newName must be a leaf name, not a path, got ${valueText(newName)}`);
    }
    this.editObject("renameObject", objectName, (holder, key) => {
      if (newName in holder && newName !== key) throw new RangeError(`KerasFileEditor.renameObject: '${newName}' already exists next to '${key}'; delete it first or pick another name`);
      // Rebuilt in order so that the renamed object keeps its place (the order files are written in).
      const entries = Object.entries(holder);
      for (const [k] of entries) delete holder[k];
      for (const [k, v] of entries) holder[k === key ? newName : k] = v;
    });
  }

  /** Removes an object (a name or a path such as "layers/dense_2") and everything below it. */
  deleteObject(objectName: string): void {
    this.editObject("deleteObject", objectName, (holder, key) => {
      delete holder[key];
    });
  }

  /** Adds an object at a full path ("layers/dense_2", its parents existing) with weights { "0": kernel, "1": bias }. */
  addObject(objectPath: string, weights: WeightValues): void {
    const tensors = weightTensors("addObject", weights);
    if (typeof objectPath !== "string" || objectPath === "") throw new TypeError(`KerasFileEditor.addObject: objectPath must be a non-empty string, got ${valueText(objectPath)}`);
    const parts = objectPath.split("/");
    let node: WeightsTree = this.weightsDict;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (!isTree(next)) throw new RangeError(`KerasFileEditor.addObject: path '${parts.slice(0, -1).join("/")}' not found in the file; add the parent object first`);
      node = next;
    }
    node[parts[parts.length - 1]] = tensors;
  }

  /** Removes one weight ("0", "1"...) from an object (a name or a path). */
  deleteWeight(objectName: string, weightName: string): void {
    this.editObject("deleteWeight", objectName, (holder, key) => {
      const object = holder[key];
      if (!isTree(object) || !(object[weightName] instanceof Tensor)) {
        const present = isTree(object) ? Object.keys(object).filter((k) => object[k] instanceof Tensor) : [];
        throw new RangeError(`KerasFileEditor.deleteWeight: weight ${JSON.stringify(weightName)} not found in object ${objectName}; weights found: ${JSON.stringify(present)}`);
      }
      delete object[weightName];
    });
  }

  /** Adds (or replaces) weights of an existing object (a name or a path): { "2": value, ... }. */
  addWeights(objectName: string, weights: WeightValues): void {
    const tensors = weightTensors("addWeights", weights);
    this.editObject("addWeights", objectName, (holder, key) => {
      const object = holder[key];
      if (!isTree(object)) throw new RangeError(`KerasFileEditor.addWeights: '${objectName}' is a weight, not an object; pass the object that holds it`);
      Object.assign(object, tensors);
    });
  }

  /**
   * Writes the edited weights as a `.weights.h5` file in Keras' layout (each object's weights in
   * its `vars` group), atomically: a failed write leaves any file already there as it was.
   */
  async save(filepath: string): Promise<void> {
    if (typeof filepath !== "string" || !filepath.endsWith(".weights.h5")) {
      throw new RangeError(`KerasFileEditor.save: expected a file name ending in .weights.h5, got ${valueText(filepath)}; the editor writes weights only`);
    }
    await writeAtomically(filepath, async (tmp) => {
      const h5 = await Hdf5File.create(tmp, filepath);
      try {
        const write = (tree: WeightsTree, path: string): void => {
          const vars = path === "" ? "vars" : `${path}/vars`;
          const datasets = Object.entries(tree).filter((e): e is [string, Tensor] => e[1] instanceof Tensor);
          if (datasets.length > 0) {
            h5.ensureGroup(vars);
            const name = this.objectNames.get(path);
            if (name !== undefined) h5.writeTextAttr(vars, "name", name);
            for (const [key, t] of datasets) h5.writeArray(`${vars}/${key}`, variableArray(t));
          }
          for (const [key, v] of Object.entries(tree)) if (isTree(v) && Object.keys(v).length > 0) write(v, join(path, key));
        };
        write(this.weightsDict, "");
      } finally {
        h5.close();
      }
    });
  }

  /** Keras' resave_weights: the same as save. */
  resaveWeights(filepath: string): Promise<void> {
    return this.save(filepath);
  }
}

/** Weights given to the editor as tensors (numbers and arrays become float32 tensors). */
function weightTensors(op: string, weights: WeightValues): WeightsTree {
  if (typeof weights !== "object" || weights === null || Array.isArray(weights) || weights instanceof Tensor) {
    throw new TypeError(`KerasFileEditor.${op}: weights must be an object mapping weight names (usually "0", "1"...) to values, got ${valueText(weights)}`);
  }
  const out: WeightsTree = {};
  for (const [key, v] of Object.entries(weights)) {
    if (key === "" || key.includes("/")) throw new RangeError(`KerasFileEditor.${op}: weight name ${JSON.stringify(key)} must be non-empty and without "/"`);
    out[key] = v instanceof Tensor ? v : constant(v as number[], undefined, "float32");
  }
  return out;
}
