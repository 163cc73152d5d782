/**
 * `utils.imageDatasetFromDirectory`: Keras 3's `image_dataset_from_directory`. One subdirectory per
 * class, files listed as Keras lists them (os.walk order), the file list shuffled exactly as numpy's
 * `RandomState(seed).shuffle` does (so `seed` picks the same files for training and validation as
 * in Keras), then a data.Dataset that decodes and resizes the images lazily, batch by batch.
 */
import { readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { generatorFor } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { Dataset } from "./dataset.js";
import { loadImage } from "./image.js";
import { NumpyRandomState } from "./mt19937.js";
import { RESAMPLE_FILTERS, type ResampleFilter } from "./resample.js";

const W = "imageDatasetFromDirectory";

/** Keras' ALLOWLIST_FORMATS; lamina decodes the JPEG and PNG ones. */
const ALLOWLIST_FORMATS = [".bmp", ".gif", ".jpeg", ".jpg", ".png"] as const;
const UNDECODABLE_FORMATS = [".bmp", ".gif"] as const;

/** Keras' interpolation names that have a Pillow filter of the same kind. */
const INTERPOLATION_ALIASES: Readonly<Record<string, ResampleFilter>> = { area: "box", lanczos3: "lanczos" };

export interface ImageDatasetFromDirectoryOptions {
  /**
   * "inferred" (default: one class per subdirectory), null (images only), or one integer label per
   * image file in the files' alphanumeric order (the order Keras' os.walk listing gives).
   */
  labels?: "inferred" | readonly number[] | null;
  /** "int" (default: int32 [batch]), "categorical" (one-hot float32 [batch, classes]), "binary" (float32 [batch, 1], two classes) or null (images only). */
  labelMode?: "int" | "categorical" | "binary" | null;
  /** With labels "inferred": the classes to use, in this order (names of subdirectories, all of them or some); alphanumeric order of all subdirectories when absent. */
  classNames?: readonly string[] | null;
  /** "rgb" (default, 3 channels), "grayscale" (1) or "rgba" (4). */
  colorMode?: "rgb" | "grayscale" | "rgba";
  /** Images per batch (default 32); null yields single images [h, w, c]. */
  batchSize?: number | null;
  /** [height, width] every image is resized to (default [256, 256]). */
  imageSize?: readonly [number, number];
  /** Shuffle the file list (numpy's RandomState(seed).shuffle, as Keras) and, each epoch, the dataset (default true); false keeps alphanumeric order. */
  shuffle?: boolean;
  /** Integer seed in [0, 2^32) for both shuffles; drawn from lamina's generator (tf.random.setSeed) when absent. Required with validationSplit and shuffle. */
  seed?: number;
  /** Fraction in (0, 1) of the files kept for validation: the last ones after the shuffle, as Keras. Needs subset. */
  validationSplit?: number;
  /** With validationSplit: "training", "validation", or "both" (returns [training, validation]). */
  subset?: "training" | "validation" | "both";
  /**
   * How to resize (Pillow's filters, as utils.loadImage): "bilinear" (default), "nearest", "bicubic",
   * "hamming", "box" or "lanczos"; Keras' "area" and "lanczos3" are read as "box" and "lanczos".
   */
  interpolation?: ResampleFilter | "area" | "lanczos3";
  /** Descend into subdirectories that are symbolic links (default false). */
  followLinks?: boolean;
  /** Crop each image's center to imageSize's aspect ratio before resizing, instead of stretching it (default false). */
  cropToAspectRatio?: boolean;
  /** Print "Found N files belonging to K classes." and the split's "Using M files for ..." lines (default true). */
  verbose?: boolean;
}

/** The dataset imageDatasetFromDirectory returns: a data.Dataset with Keras' class_names and file_paths. */
export type ImageDirectoryDataset<E extends Tensor | Tensor[] = Tensor[]> = Dataset<E> & {
  /** The class of each label index (Keras' class_names); null when the dataset has no labels. */
  readonly classNames: E extends Tensor[] ? string[] : null;
  /** The image files, in the order of the (shuffled) file list. */
  readonly filePaths: string[];
};

type BaseOptions = Omit<ImageDatasetFromDirectoryOptions, "labels" | "labelMode" | "subset">;
type Labelled = { labels?: "inferred" | readonly number[]; labelMode?: "int" | "categorical" | "binary" };
type Unlabelled = { labels: null; labelMode?: ImageDatasetFromDirectoryOptions["labelMode"] } | { labels?: ImageDatasetFromDirectoryOptions["labels"]; labelMode: null };
type OneSubset = { subset?: "training" | "validation" };
type BothSubsets = { subset: "both" };

/** Python's sorted() order on strings: by code point (JS's < compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
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
function validFiles(directory: string, followLinks: boolean): string[] {
  const found: string[] = [];
  for (const { root, files } of walk(directory, followLinks).sort((a, b) => byCodePoint(a.root, b.root))) {
    for (const f of files.sort(byCodePoint)) {
      const lower = f.toLowerCase();
      if (ALLOWLIST_FORMATS.some((ext) => lower.endsWith(ext))) found.push(join(root, f));
    }
  }
  return found;
}

interface Indexed { paths: string[]; labels: number[] | null; classNames: string[] | null }

/** Keras' index_directory, without the shuffle. */
function indexDirectory(directory: string, labels: "inferred" | readonly number[] | null, classNames: readonly string[] | null, followLinks: boolean): Indexed {
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
      for (const p of validFiles(join(directory, c), followLinks)) { paths.push(p); inferred.push(k); }
    });
    return { paths, labels: inferred, classNames: classes };
  }
  const paths = validFiles(directory, followLinks);
  if (labels === null) return { paths, labels: null, classNames: null };
  if (labels.length !== paths.length) {
    throw new RangeError(`${W}: labels has ${labels.length} entries but ${directory} holds ${paths.length} image files; pass one label per file (in the files' alphanumeric order), or labels: "inferred" to take them from the subdirectories`);
  }
  const distinct = [...new Set(labels)].sort((a, b) => a - b);
  return { paths, labels: [...labels], classNames: distinct.map(String) };
}

/** Keras' get_training_or_validation_split. */
function splitOf<T>(items: T[], validationSplit: number, subset: "training" | "validation"): T[] {
  const numVal = Math.floor(validationSplit * items.length);
  return subset === "training" ? items.slice(0, items.length - numVal) : items.slice(items.length - numVal);
}

function checkOptions(opts: ImageDatasetFromDirectoryOptions): void {
  const known = new Set(["labels", "labelMode", "classNames", "colorMode", "batchSize", "imageSize", "shuffle", "seed", "validationSplit", "subset", "interpolation", "followLinks", "cropToAspectRatio", "verbose"]);
  for (const k of Object.keys(opts)) {
    if (!known.has(k)) throw new TypeError(`${W}: unknown option ${JSON.stringify(k)}; the options are ${[...known].join(", ")}`);
  }
  for (const k of ["shuffle", "followLinks", "cropToAspectRatio", "verbose"] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== "boolean") throw new TypeError(`${W}: ${k} must be true or false, got ${valueText(opts[k])}`);
  }
}

/**
 * Keras' `image_dataset_from_directory`: a data.Dataset of [images, labels] batches (images float32
 * [batch, h, w, channels] with values 0..255) from a directory with one subdirectory per class, for
 * `model.fit(ds, { epochs })`. `ds.classNames` gives the class of each label.
 *
 * ```ts
 * const [train, val] = utils.imageDatasetFromDirectory("flowers", { validationSplit: 0.2, subset: "both", seed: 123, imageSize: [180, 180] });
 * ```
 *
 * The files chosen for training and validation with a given seed are those Keras chooses; images are
 * decoded and resized while iterating (Pillow's resampling, as utils.loadImage, where Keras uses
 * tf.image.resize: pixel values can differ slightly), and only JPEG and PNG files can be read.
 */
export function imageDatasetFromDirectory(directory: string, opts: BaseOptions & Unlabelled & BothSubsets): [ImageDirectoryDataset<Tensor>, ImageDirectoryDataset<Tensor>];
export function imageDatasetFromDirectory(directory: string, opts: BaseOptions & Unlabelled & OneSubset): ImageDirectoryDataset<Tensor>;
export function imageDatasetFromDirectory(directory: string, opts: BaseOptions & Labelled & BothSubsets): [ImageDirectoryDataset, ImageDirectoryDataset];
export function imageDatasetFromDirectory(directory: string, opts?: BaseOptions & Labelled & OneSubset): ImageDirectoryDataset;
/** Options whose labelMode or subset are only known at run time: the element and result types are unions. */
export function imageDatasetFromDirectory(directory: string, opts?: ImageDatasetFromDirectoryOptions): ImageDirectoryDataset<Tensor | Tensor[]> | [ImageDirectoryDataset<Tensor | Tensor[]>, ImageDirectoryDataset<Tensor | Tensor[]>];
export function imageDatasetFromDirectory(directory: string, opts: ImageDatasetFromDirectoryOptions = {}): ImageDirectoryDataset<Tensor | Tensor[]> | ImageDirectoryDataset<Tensor | Tensor[]>[] {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new TypeError(`${W}: options must be an object, got ${valueText(opts)}`);
  checkOptions(opts);
  if (typeof directory !== "string" || directory === "") throw new TypeError(`${W}: directory must be a path (a non-empty string), got ${valueText(directory)}`);
  let labels = opts.labels === undefined ? "inferred" : opts.labels;
  let labelMode = opts.labelMode === undefined ? "int" : opts.labelMode;
  const classNamesOpt = opts.classNames ?? null;
  if (labels !== "inferred" && labels !== null) {
    if (!Array.isArray(labels)) {
      throw new TypeError(`${W}: labels must be "inferred" (labels from the subdirectory names), null (images only) or an array of integer labels, one per image file; got ${valueText(labels)}`);
    }
    const bad = labels.findIndex((l) => !Number.isInteger(l) || l < -(2 ** 31) || l >= 2 ** 31);
    if (bad >= 0) throw new TypeError(`${W}: labels[${bad}] is ${valueText(labels[bad])}; labels must be integers (class indices)`);
    if (classNamesOpt !== null) throw new Error(`${W}: classNames can only be given with labels: "inferred" (with an array of labels the classes are the sorted distinct labels); got labels ${valueText(labels)} and classNames ${valueText(classNamesOpt)}`);
  }
  if (labelMode !== "int" && labelMode !== "categorical" && labelMode !== "binary" && labelMode !== null) {
    throw new RangeError(`${W}: labelMode must be "int", "categorical", "binary" or null, got ${valueText(labelMode)}`);
  }
  if (labels === null || labelMode === null) {
    if (classNamesOpt !== null) throw new Error(`${W}: classNames cannot be given for a dataset without labels (labels: null or labelMode: null); remove classNames, or set labels: "inferred" and a labelMode`);
    labels = null;
    labelMode = null;
  }
  if (classNamesOpt !== null && (!Array.isArray(classNamesOpt) || !classNamesOpt.every((c) => typeof c === "string"))) {
    throw new TypeError(`${W}: classNames must be an array of subdirectory names, got ${valueText(classNamesOpt)}`);
  }
  const colorMode = opts.colorMode ?? "rgb";
  const channels = colorMode === "rgb" ? 3 : colorMode === "rgba" ? 4 : colorMode === "grayscale" ? 1 : 0;
  if (channels === 0) throw new RangeError(`${W}: colorMode must be "rgb", "rgba" or "grayscale", got ${valueText(colorMode)}`);
  const rawInterp: unknown = opts.interpolation ?? "bilinear";
  const lowered = typeof rawInterp === "string" ? rawInterp.toLowerCase() : "";
  const interpolation = INTERPOLATION_ALIASES[lowered] ?? (RESAMPLE_FILTERS as readonly string[]).find((f) => f === lowered);
  if (interpolation === undefined) {
    throw new RangeError(`${W}: interpolation must be one of ${RESAMPLE_FILTERS.map((f) => `"${f}"`).join(", ")} (or Keras' "area" and "lanczos3"), got ${valueText(rawInterp)}`);
  }
  if (colorMode === "rgba" && interpolation !== "nearest") {
    throw new RangeError(`${W}: colorMode "rgba" resizes with interpolation "nearest" only (utils.loadImage does not reproduce Pillow's premultiplied-alpha filters), got "${interpolation}"; pass interpolation: "nearest", or colorMode "rgb"`);
  }
  const batchSize = opts.batchSize === undefined ? 32 : opts.batchSize;
  if (batchSize !== null && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`${W}: batchSize must be a positive integer or null (single images), got ${valueText(batchSize)}`);
  }
  const imageSize = opts.imageSize ?? [256, 256];
  if (!Array.isArray(imageSize) || imageSize.length !== 2 || !imageSize.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${W}: imageSize must be two positive integers [height, width], got ${valueText(imageSize)}`);
  }
  const targetSize: [number, number] = [imageSize[0], imageSize[1]];
  const shuffle = opts.shuffle ?? true;
  const { validationSplit, subset } = opts;
  // Keras' check_validation_split_arg
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

  let st;
  try {
    st = statSync(directory);
  } catch {
    throw new Error(`${W}: directory ${JSON.stringify(directory)} does not exist; pass the folder that holds one subdirectory of images per class`);
  }
  if (!st.isDirectory()) throw new Error(`${W}: ${JSON.stringify(directory)} is a file, not a directory; pass the folder that holds one subdirectory of images per class`);

  const indexed = indexDirectory(directory, labels, classNamesOpt, opts.followLinks ?? false);
  const numClasses = indexed.classNames?.length ?? 0;
  const unreadable = indexed.paths.filter((p) => UNDECODABLE_FORMATS.some((ext) => p.toLowerCase().endsWith(ext)));
  if (unreadable.length > 0) {
    throw new Error(`${W}: ${unreadable[0]} is a ${unreadable[0].slice(unreadable[0].lastIndexOf(".") + 1).toUpperCase()} file${unreadable.length > 1 ? ` (and ${unreadable.length - 1} more .bmp/.gif file(s))` : ""}, which lamina cannot decode (JPEG and PNG only); convert them to .png (e.g. Pillow's Image.open(f).save(f + ".png") or ImageMagick's mogrify -format png) and remove the originals`);
  }
  const verbose = opts.verbose ?? true;
  if (verbose) console.log(indexed.labels === null ? `Found ${indexed.paths.length} files.` : `Found ${indexed.paths.length} files belonging to ${numClasses} classes.`);
  if (indexed.paths.length === 0) {
    const where = labels === "inferred"
      ? numClasses === 0 ? `: it has no class subdirectories (with labels "inferred" each class's images go in a subdirectory, e.g. ${join(directory, "cat", "1.jpg")})` : ` (in its ${numClasses} class subdirectories, searched recursively)`
      : " (searched recursively)";
    throw new Error(`${W}: no images found in directory ${directory}${where}. Allowed formats: ${ALLOWLIST_FORMATS.join(", ")}`);
  }
  if (labelMode === "binary" && numClasses !== 2) {
    throw new RangeError(`${W}: labelMode "binary" needs exactly 2 classes, got ${numClasses}: ${valueText(indexed.classNames)}; use labelMode "categorical" or "int" for more classes, or keep 2 with classNames`);
  }
  if (indexed.labels !== null && labels !== "inferred") {
    const lab = indexed.labels;
    if (labelMode === "categorical") {
      const bad = lab.find((l) => l < 0 || l >= numClasses);
      if (bad !== undefined) throw new RangeError(`${W}: labelMode "categorical" one-hot encodes labels 0..${numClasses - 1} (there are ${numClasses} distinct labels), got label ${bad}; number the classes 0, 1, 2, ...`);
    } else if (labelMode === "binary") {
      const bad = lab.find((l) => l !== 0 && l !== 1);
      if (bad !== undefined) throw new RangeError(`${W}: labelMode "binary" needs labels 0 and 1, got label ${bad}`);
    }
  }

  let paths = indexed.paths, fileLabels = indexed.labels;
  if (shuffle) {
    // Keras: RandomState(seed).shuffle(file_paths), and a fresh RandomState(seed) for the labels: the same permutation.
    const order = new NumpyRandomState(seed).permutation(paths.length);
    paths = Array.from(order, (i) => paths[i]);
    if (fileLabels !== null) { const l = fileLabels; fileLabels = Array.from(order, (i) => l[i]); }
  }

  const shuffleBuffer = batchSize === null ? 1024 : batchSize * 8;
  const build = (part: "training" | "validation" | null, reshuffle: boolean): ImageDirectoryDataset<Tensor | Tensor[]> => {
    let p = paths, l = fileLabels;
    if (part !== null && validationSplit !== undefined) {
      p = splitOf(paths, validationSplit, part);
      l = l === null ? null : splitOf(l, validationSplit, part);
      const numVal = Math.floor(validationSplit * paths.length);
      if (verbose) console.log(part === "training" ? `Using ${paths.length - numVal} files for training.` : `Using ${numVal} files for validation.`);
      if (p.length === 0) {
        throw new RangeError(`${W}: validationSplit ${validationSplit} of ${paths.length} files leaves ${p.length} for ${part} (${paths.length - numVal} for training, ${numVal} for validation); each part needs at least one file: choose another validationSplit or add images`);
      }
    }
    const files = p, fileLabelsPart = l;
    const n = files.length;
    let ds: Dataset<Tensor> = Dataset.fromGenerator(function* () {
      for (let i = 0; i < n; i++) yield makeTensor(Int32Array.of(i), [], "int32");
    });
    if (reshuffle) ds = ds.shuffle(shuffleBuffer, { seed });
    const load = (i: number): Tensor => {
      const img = loadImage(files[i], { colorMode, targetSize, interpolation, keepAspectRatio: opts.cropToAspectRatio ?? false });
      return makeTensor(Float32Array.from(img.dataSync() as Uint8Array), img.shape, "float32");
    };
    const labelOf = (i: number): Tensor => {
      const k = (fileLabelsPart as number[])[i];
      if (labelMode === "int") return makeTensor(Int32Array.of(k), [], "int32");
      if (labelMode === "binary") return makeTensor(Float32Array.of(k), [1], "float32");
      const oneHot = new Float32Array(numClasses);
      oneHot[k] = 1;
      return makeTensor(oneHot, [numClasses], "float32");
    };
    let out: Dataset<Tensor | Tensor[]> = ds.map((t): Tensor | Tensor[] => {
      const i = (t.dataSync() as Int32Array)[0];
      return labelMode === null ? load(i) : [load(i), labelOf(i)];
    });
    if (batchSize !== null) out = out.batch(batchSize);
    return Object.assign(out, { classNames: labelMode === null ? null : indexed.classNames, filePaths: files }) as ImageDirectoryDataset<Tensor | Tensor[]>;
  };
  if (subset === "both") return [build("training", shuffle), build("validation", false)];
  return build(subset ?? null, shuffle);
}

