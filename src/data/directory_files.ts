/**
 * What Keras' image_dataset_from_directory and text_dataset_from_directory share (dataset_utils'
 * index_directory, check_validation_split_arg and get_training_or_validation_split): the option
 * checks, the file listing in os.walk order, numpy's RandomState(seed) shuffle of the file list and
 * the validation split, so both utilities pick the files Keras picks for a seed.
 */
import { readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { generatorFor } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { NumpyRandomState } from "./mt19937.js";
import { TensorSpec } from "./tensor_spec.js";

/** The options both utilities take, with Keras' meanings. */
/** The options every *DatasetFromDirectory takes; each documents its own labels, labelMode and batchSize. */
export interface DirectoryFilesOptions {
  labels?: "inferred" | readonly number[] | null;
  labelMode?: "int" | "categorical" | "binary" | null;
  /** With labels "inferred": the classes to use, in this order (names of subdirectories, all of them or some); alphanumeric order of all subdirectories when absent. */
  classNames?: readonly string[] | null;
  batchSize?: number | null;
  /** Shuffle the file list (numpy's RandomState(seed).shuffle, as Keras) and, each epoch, the dataset (default true); false keeps alphanumeric order. */
  shuffle?: boolean;
  /** Integer seed in [0, 2^32) for both shuffles; drawn from lamina's generator (tf.random.setSeed) when absent. Required with validationSplit and shuffle. */
  seed?: number;
  /** Fraction in (0, 1) of the files kept for validation: the last ones after the shuffle, as Keras. Needs subset. */
  validationSplit?: number;
  /** With validationSplit: "training", "validation", or "both" (returns [training, validation]). */
  subset?: "training" | "validation" | "both";
  /** Descend into subdirectories that are symbolic links (default false). */
  followLinks?: boolean;
  /** Print "Found N files belonging to K classes." and the split's "Using M files for ..." lines (default true). */
  verbose?: boolean;
}

/** The words messages use for the files: "image"/"images" or "text"/"text files". */
export interface FileKind { one: string; many: string; formats: readonly string[]; example: string }

/** Checked options with Keras' defaults applied. */
export interface DirectorySettings {
  labels: "inferred" | readonly number[] | null;
  labelMode: "int" | "categorical" | "binary" | null;
  classNames: readonly string[] | null;
  batchSize: number | null;
  shuffle: boolean;
  seed: number;
  validationSplit: number | undefined;
  subset: "training" | "validation" | "both" | undefined;
  followLinks: boolean;
  verbose: boolean;
}

/** Python's sorted() order on strings: by code point (JS's < compares UTF-16 units). */
export function byCodePoint(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) as number) - (y[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** os.walk(top, followlinks) as (root, files) pairs; a symlink to a directory counts as a directory. */
function walk(top: string, followLinks: boolean, out: { root: string; files: string[] }[] = []): { root: string; files: string[] }[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(top, { withFileTypes: true });
  } catch {
    return out; // os.walk ignores directories it cannot list
  }
  const files: string[] = [], dirs: string[] = [];
  for (const e of entries) {
    const dir = e.isDirectory() || (e.isSymbolicLink() && isDir(join(top, e.name)));
    if (!dir) files.push(e.name);
    else if (followLinks || !e.isSymbolicLink()) dirs.push(e.name);
  }
  out.push({ root: top, files });
  for (const d of dirs) walk(join(top, d), followLinks, out);
  return out;
}

/** Keras' iter_valid_files: walk roots in sorted order, each root's files sorted, allowlisted extensions. */
function validFiles(directory: string, followLinks: boolean, formats: readonly string[]): string[] {
  const found: string[] = [];
  for (const { root, files } of walk(directory, followLinks).sort((a, b) => byCodePoint(a.root, b.root))) {
    for (const f of files.sort(byCodePoint)) {
      const lower = f.toLowerCase();
      if (formats.some((ext) => lower.endsWith(ext))) found.push(join(root, f));
    }
  }
  return found;
}

interface Indexed { paths: string[]; labels: number[] | null; classNames: string[] | null }

/** Keras' index_directory, without the shuffle. */
function indexDirectory(W: string, kind: FileKind, directory: string, s: DirectorySettings): Indexed {
  const { labels, classNames } = s;
  if (labels === "inferred") {
    const subdirs = readdirSync(directory).filter((d) => !d.startsWith(".") && isDir(join(directory, d))).sort(byCodePoint);
    let classes = subdirs;
    if (classNames !== null) {
      const unknown = classNames.filter((c) => !subdirs.includes(c));
      if (unknown.length > 0) {
        throw new Error(`${W}: classNames ${valueText(classNames)} do not match the subdirectories of ${directory}: ${unknown.map((c) => JSON.stringify(c)).join(", ")} ${unknown.length === 1 ? "is" : "are"} not among them; classNames must be some or all of ${valueText(subdirs)}`);
      }
      const dup = classNames.find((c, i) => classNames.indexOf(c) !== i);
      if (dup !== undefined) throw new Error(`${W}: classNames ${valueText(classNames)} names ${JSON.stringify(dup)} twice; list each class once`);
      classes = [...classNames];
    }
    const paths: string[] = [], inferred: number[] = [];
    classes.forEach((c, k) => {
      for (const p of validFiles(join(directory, c), s.followLinks, kind.formats)) { paths.push(p); inferred.push(k); }
    });
    return { paths, labels: inferred, classNames: classes };
  }
  const paths = validFiles(directory, s.followLinks, kind.formats);
  if (labels === null) return { paths, labels: null, classNames: null };
  if (labels.length !== paths.length) {
    throw new RangeError(`${W}: labels has ${labels.length} entries but ${directory} holds ${paths.length} ${kind.one} files; pass one label per file (in the files' alphanumeric order), or labels: "inferred" to take them from the subdirectories`);
  }
  const distinct = [...new Set(labels)].sort((a, b) => a - b);
  return { paths, labels: [...labels], classNames: distinct.map(String) };
}

/** Keras' checks of labels, labelMode, classNames, batchSize, shuffle, seed and the split (check_validation_split_arg), with its defaults. */
export function checkDirectoryOptions(W: string, kind: FileKind, opts: DirectoryFilesOptions): DirectorySettings {
  let labels = opts.labels === undefined ? "inferred" : opts.labels;
  let labelMode = opts.labelMode === undefined ? "int" : opts.labelMode;
  const classNames = opts.classNames ?? null;
  if (labels !== "inferred" && labels !== null) {
    if (!Array.isArray(labels)) {
      throw new TypeError(`${W}: labels must be "inferred" (labels from the subdirectory names), null (${kind.many} only) or an array of integer labels, one per ${kind.one} file; got ${valueText(labels)}`);
    }
    const bad = labels.findIndex((l) => !Number.isInteger(l) || l < -(2 ** 31) || l >= 2 ** 31);
    if (bad >= 0) throw new TypeError(`${W}: labels[${bad}] is ${valueText(labels[bad])}; labels must be integers (class indices)`);
    if (classNames !== null) throw new Error(`${W}: classNames can only be given with labels: "inferred" (with an array of labels the classes are the sorted distinct labels); got labels ${valueText(labels)} and classNames ${valueText(classNames)}`);
  }
  if (labelMode !== "int" && labelMode !== "categorical" && labelMode !== "binary" && labelMode !== null) {
    throw new RangeError(`${W}: labelMode must be "int", "categorical", "binary" or null, got ${valueText(labelMode)}`);
  }
  if (labels === null || labelMode === null) {
    if (classNames !== null) throw new Error(`${W}: classNames cannot be given for a dataset without labels (labels: null or labelMode: null); remove classNames, or set labels: "inferred" and a labelMode`);
    labels = null;
    labelMode = null;
  }
  if (classNames !== null && (!Array.isArray(classNames) || !classNames.every((c) => typeof c === "string"))) {
    throw new TypeError(`${W}: classNames must be an array of subdirectory names, got ${valueText(classNames)}`);
  }
  const batchSize = opts.batchSize === undefined ? 32 : opts.batchSize;
  if (batchSize !== null && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`${W}: batchSize must be a positive integer or null (single ${kind.many}), got ${valueText(batchSize)}`);
  }
  return { labels, labelMode, classNames, batchSize, ...checkSplit(W, opts), followLinks: opts.followLinks ?? false, verbose: opts.verbose ?? true };
}

function checkSplit(W: string, opts: DirectoryFilesOptions): Pick<DirectorySettings, "shuffle" | "seed" | "validationSplit" | "subset"> {
  const shuffle = opts.shuffle ?? true;
  const { validationSplit, subset } = opts;
  if (validationSplit !== undefined && !(typeof validationSplit === "number" && validationSplit > 0 && validationSplit < 1)) {
    throw new RangeError(`${W}: validationSplit must be a fraction between 0 and 1 (exclusive), got ${valueText(validationSplit)}`);
  }
  if (subset !== undefined && subset !== "training" && subset !== "validation" && subset !== "both") {
    throw new RangeError(`${W}: subset must be "training", "validation" or "both", got ${valueText(subset)}`);
  }
  if (validationSplit !== undefined && subset === undefined) {
    throw new Error(`${W}: validationSplit ${validationSplit} needs subset: "training", "validation" or "both" (which part to return)`);
  }
  if (subset !== undefined && validationSplit === undefined) {
    throw new Error(`${W}: subset ${JSON.stringify(subset)} needs validationSplit (the fraction of files kept for validation, e.g. 0.2)`);
  }
  if (validationSplit !== undefined && shuffle && opts.seed === undefined) {
    throw new Error(`${W}: with validationSplit and shuffle: true you must pass a seed, so that the training and validation subsets (made by separate calls) do not overlap; e.g. seed: 123`);
  }
  if (opts.seed !== undefined && !(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed <= 0xffffffff)) {
    throw new RangeError(`${W}: seed must be an integer between 0 and 2**32 - 1 (numpy's rule), got ${valueText(opts.seed)}`);
  }
  // Keras draws np.random.randint(1e6) when no seed is given.
  const seed = opts.seed ?? (shuffle ? generatorFor().nextInt(1_000_000) : 0);
  return { shuffle, seed, validationSplit, subset };
}

/** The listed files, each with its label (null without labels), shuffled as Keras shuffles them. */
export interface DirectoryFiles { paths: string[]; labels: number[] | null; classNames: string[] | null; numClasses: number }

/**
 * Keras' index_directory with its messages and checks: lists the files, prints "Found N files...",
 * refuses an empty listing and impossible labels, then shuffles paths and labels with numpy's
 * RandomState(seed). `checkFiles` may refuse listed files before anything is printed.
 */
export function listDirectoryFiles(W: string, kind: FileKind, directory: string, s: DirectorySettings, checkFiles?: (paths: string[]) => void): DirectoryFiles {
  if (typeof directory !== "string" || directory === "") throw new TypeError(`${W}: directory must be a path (a non-empty string), got ${valueText(directory)}`);
  let st;
  try {
    st = statSync(directory);
  } catch {
    throw new Error(`${W}: directory ${JSON.stringify(directory)} does not exist; pass the folder that holds one subdirectory of ${kind.many} per class`);
  }
  if (!st.isDirectory()) throw new Error(`${W}: ${JSON.stringify(directory)} is a file, not a directory; pass the folder that holds one subdirectory of ${kind.many} per class`);
  const indexed = indexDirectory(W, kind, directory, s);
  const numClasses = indexed.classNames?.length ?? 0;
  checkFiles?.(indexed.paths);
  if (s.verbose) console.log(indexed.labels === null ? `Found ${indexed.paths.length} files.` : `Found ${indexed.paths.length} files belonging to ${numClasses} classes.`);
  if (indexed.paths.length === 0) {
    const where = s.labels === "inferred"
      ? numClasses === 0 ? `: it has no class subdirectories (with labels "inferred" each class's ${kind.many} go in a subdirectory, e.g. ${join(directory, "cat", kind.example)})` : ` (in its ${numClasses} class subdirectories, searched recursively)`
      : " (searched recursively)";
    throw new Error(`${W}: no ${kind.many} found in directory ${directory}${where}. Allowed formats: ${kind.formats.join(", ")}`);
  }
  if (s.labelMode === "binary" && numClasses !== 2) {
    throw new RangeError(`${W}: labelMode "binary" needs exactly 2 classes, got ${numClasses}: ${valueText(indexed.classNames)}; use labelMode "categorical" or "int" for more classes, or keep 2 with classNames`);
  }
  if (indexed.labels !== null && s.labels !== "inferred") {
    const lab = indexed.labels;
    if (s.labelMode === "categorical") {
      const bad = lab.find((l) => l < 0 || l >= numClasses);
      if (bad !== undefined) throw new RangeError(`${W}: labelMode "categorical" one-hot encodes labels 0..${numClasses - 1} (there are ${numClasses} distinct labels), got label ${bad}; number the classes 0, 1, 2, ...`);
    } else if (s.labelMode === "binary") {
      const bad = lab.find((l) => l !== 0 && l !== 1);
      if (bad !== undefined) throw new RangeError(`${W}: labelMode "binary" needs labels 0 and 1, got label ${bad}`);
    }
  }
  let paths = indexed.paths, labels = indexed.labels;
  if (s.shuffle) {
    // Keras: RandomState(seed).shuffle(file_paths), and a fresh RandomState(seed) for the labels: the same permutation.
    const order = new NumpyRandomState(s.seed).permutation(paths.length);
    paths = Array.from(order, (i) => paths[i]);
    if (labels !== null) { const l = labels; labels = Array.from(order, (i) => l[i]); }
  }
  return { paths, labels, classNames: indexed.classNames, numClasses };
}

/** Keras' get_training_or_validation_split, with its "Using N files for ..." line; an empty part is an error. */
export function splitPart(W: string, kind: FileKind, files: DirectoryFiles, s: DirectorySettings, part: "training" | "validation" | null): { paths: string[]; labels: number[] | null } {
  if (part === null || s.validationSplit === undefined) return { paths: files.paths, labels: files.labels };
  const n = files.paths.length, numVal = Math.floor(s.validationSplit * n);
  const cut = <T>(items: T[]): T[] => (part === "training" ? items.slice(0, n - numVal) : items.slice(n - numVal));
  if (s.verbose) console.log(part === "training" ? `Using ${n - numVal} files for training.` : `Using ${numVal} files for validation.`);
  const paths = cut(files.paths);
  if (paths.length === 0) {
    throw new RangeError(`${W}: validationSplit ${s.validationSplit} of ${n} files leaves 0 for ${part} (${n - numVal} for training, ${numVal} for validation); each part needs at least one file: choose another validationSplit or add ${kind.many}`);
  }
  return { paths, labels: files.labels === null ? null : cut(files.labels) };
}

/** One file's label as Keras encodes it: int32 [] ("int"), float32 [1] ("binary") or one-hot float32 [classes]. */
/** The spec of labelTensor's labels: int32 scalars, or float32 [1] (binary) or [numClasses] (categorical). */
export function labelSpec(labelMode: "int" | "categorical" | "binary", numClasses: number): TensorSpec {
  if (labelMode === "int") return new TensorSpec([], "int32");
  return new TensorSpec([labelMode === "binary" ? 1 : numClasses], "float32");
}

export function labelTensor(labelMode: "int" | "categorical" | "binary" | null, k: number, numClasses: number): Tensor {
  if (labelMode === "int") return makeTensor(Int32Array.of(k), [], "int32");
  if (labelMode === "binary") return makeTensor(Float32Array.of(k), [1], "float32");
  const oneHot = new Float32Array(numClasses);
  oneHot[k] = 1;
  return makeTensor(oneHot, [numClasses], "float32");
}
