/**
 * `utils.imageDatasetFromDirectory`: Keras 3's `image_dataset_from_directory`. One subdirectory per
 * class, files listed as Keras lists them (os.walk order), the file list shuffled exactly as numpy's
 * `RandomState(seed).shuffle` does (so `seed` picks the same files for training and validation as
 * in Keras), then a data.Dataset that decodes and resizes the images lazily, batch by batch.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { Dataset } from "./dataset.js";
import { TensorSpec } from "./tensor_spec.js";
import { loadImage } from "./image.js";
import { checkDirectoryOptions, listDirectoryFiles, splitPart, labelSpec, labelTensor, type DirectoryFilesOptions, type FileKind } from "./directory_files.js";
import { RESAMPLE_FILTERS, type ResampleFilter } from "./resample.js";
import { booleanOption } from "../tensor/option_checks.js";

const W = "imageDatasetFromDirectory";

/** Keras' ALLOWLIST_FORMATS; lamina decodes the JPEG and PNG ones. */
const ALLOWLIST_FORMATS = [".bmp", ".gif", ".jpeg", ".jpg", ".png"] as const;
const UNDECODABLE_FORMATS = [".bmp", ".gif"] as const;
const IMAGES: FileKind = { one: "image", many: "images", formats: ALLOWLIST_FORMATS, example: "1.jpg" };

/** Keras' interpolation names that have a Pillow filter of the same kind. */
const INTERPOLATION_ALIASES: Readonly<Record<string, ResampleFilter>> = { area: "box", lanczos3: "lanczos" };

export interface ImageDatasetFromDirectoryOptions extends DirectoryFilesOptions {
  /**
   * "inferred" (default: one class per subdirectory), null (images only), or one integer label per
   * image file in the files' alphanumeric order (the order Keras' os.walk listing gives).
   */
  labels?: "inferred" | readonly number[] | null;
  /** "int" (default: int32 [batch]), "categorical" (one-hot float32 [batch, classes]), "binary" (float32 [batch, 1], two classes) or null (images only). */
  labelMode?: "int" | "categorical" | "binary" | null;
  /** "rgb" (default, 3 channels), "grayscale" (1) or "rgba" (4). */
  colorMode?: "rgb" | "grayscale" | "rgba";
  /** Images per batch (default 32); null yields single images [h, w, c]. */
  batchSize?: number | null;
  /** [height, width] every image is resized to (default [256, 256]). */
  imageSize?: readonly [number, number];
  /**
   * How to resize (Pillow's filters, as utils.loadImage): "bilinear" (default), "nearest", "bicubic",
   * "hamming", "box" or "lanczos"; Keras' "area" and "lanczos3" are read as "box" and "lanczos".
   */
  interpolation?: ResampleFilter | "area" | "lanczos3";
  /** Crop each image's center to imageSize's aspect ratio before resizing, instead of stretching it (default false). */
  cropToAspectRatio?: boolean;
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

function checkOptions(opts: ImageDatasetFromDirectoryOptions): void {
  const known = new Set(["labels", "labelMode", "classNames", "colorMode", "batchSize", "imageSize", "shuffle", "seed", "validationSplit", "subset", "interpolation", "followLinks", "cropToAspectRatio", "verbose"]);
  for (const k of Object.keys(opts)) {
    if (!known.has(k)) throw new TypeError(`${W}: unknown option ${JSON.stringify(k)}; the options are ${[...known].join(", ")}`);
  }
  for (const k of ["shuffle", "followLinks", "cropToAspectRatio", "verbose"] as const) {
    booleanOption(W, k, opts[k], false);
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
  const settings = checkDirectoryOptions(W, IMAGES, opts);
  const { labelMode, batchSize, shuffle, seed, subset } = settings;
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
  const imageSize = opts.imageSize ?? [256, 256];
  if (!Array.isArray(imageSize) || imageSize.length !== 2 || !imageSize.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${W}: imageSize must be two positive integers [height, width], got ${valueText(imageSize)}`);
  }
  const targetSize: [number, number] = [imageSize[0], imageSize[1]];
  const files = listDirectoryFiles(W, IMAGES, directory, settings, (paths) => {
    const unreadable = paths.filter((p) => UNDECODABLE_FORMATS.some((ext) => p.toLowerCase().endsWith(ext)));
    if (unreadable.length > 0) {
      throw new Error(`${W}: ${unreadable[0]} is a ${unreadable[0].slice(unreadable[0].lastIndexOf(".") + 1).toUpperCase()} file${unreadable.length > 1 ? ` (and ${unreadable.length - 1} more .bmp/.gif file(s))` : ""}, which lamina cannot decode (JPEG and PNG only); convert them to .png (e.g. Pillow's Image.open(f).save(f + ".png") or ImageMagick's mogrify -format png) and remove the originals`);
    }
  });
  const numClasses = files.numClasses;

  const shuffleBuffer = batchSize === null ? 1024 : batchSize * 8;
  const build = (part: "training" | "validation" | null, reshuffle: boolean): ImageDirectoryDataset<Tensor | Tensor[]> => {
    const { paths: partFiles, labels: fileLabelsPart } = splitPart(W, IMAGES, files, settings, part);
    const n = partFiles.length;
    let ds: Dataset<Tensor> = Dataset.range(n);
    if (reshuffle) ds = ds.shuffle(shuffleBuffer, { seed });
    const load = (i: number): Tensor => {
      const img = loadImage(partFiles[i], { colorMode, targetSize, interpolation, keepAspectRatio: opts.cropToAspectRatio ?? false });
      return makeTensor(Float32Array.from(img.dataSync() as Uint8Array), img.shape, "float32");
    };
    const labelOf = (i: number): Tensor => labelTensor(labelMode, (fileLabelsPart as number[])[i], numClasses);
    // The images' shape is known (imageSize, colorMode), so the spec is declared rather than found by running the loader.
    const imageSpec = new TensorSpec([targetSize[0], targetSize[1], channels], "float32");
    let out: Dataset<Tensor | Tensor[]> = ds.map((t): Tensor | Tensor[] => {
      const i = (t.dataSync() as Int32Array)[0];
      return labelMode === null ? load(i) : [load(i), labelOf(i)];
    }).ensureSpec(labelMode === null ? imageSpec : [imageSpec, labelSpec(labelMode, numClasses)]);
    if (batchSize !== null) out = out.batch(batchSize);
    return Object.assign(out, { classNames: labelMode === null ? null : files.classNames, filePaths: partFiles }) as ImageDirectoryDataset<Tensor | Tensor[]>;
  };
  if (subset === "both") return [build("training", shuffle), build("validation", false)];
  return build(subset ?? null, shuffle);
}

