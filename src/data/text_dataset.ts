/**
 * `utils.textDatasetFromDirectory`: Keras 3's `text_dataset_from_directory`. The same files, in the
 * same shuffled order and validation split as Keras for a seed (shared with
 * imageDatasetFromDirectory). lamina's tensors hold no strings, so the texts come as JavaScript
 * strings: each batch is `[texts: string[], labels: Tensor]` (or `texts` alone without labels), the
 * form TextVectorization and StringLookup take in `adapt` and `apply`.
 */
import { readFileSync } from "node:fs";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { Dataset, type Element } from "./dataset.js";
import { checkDirectoryOptions, listDirectoryFiles, splitPart, labelTensor, type DirectoryFilesOptions, type FileKind } from "./directory_files.js";
import { booleanOption } from "../tensor/option_checks.js";

const W = "textDatasetFromDirectory";
const TEXTS: FileKind = { one: "text", many: "text files", formats: [".txt"], example: "1.txt" };

export interface TextDatasetFromDirectoryOptions extends DirectoryFilesOptions {
  /**
   * "inferred" (default: one class per subdirectory), null (texts only), or one integer label per
   * .txt file in the files' alphanumeric order (the order Keras' os.walk listing gives).
   */
  labels?: "inferred" | readonly number[] | null;
  /** "int" (default: int32 [batch]), "categorical" (one-hot float32 [batch, classes]), "binary" (float32 [batch, 1], two classes) or null (texts only). */
  labelMode?: "int" | "categorical" | "binary" | null;
  /** Texts per batch (default 32); null yields single texts. */
  batchSize?: number | null;
  /** Keep at most this many bytes of each file's UTF-8, as Keras' tf.strings.substr (a character cut in two is dropped). Default: whole files. */
  maxLength?: number | null;
}

/** An element: texts (string[] per batch, a string with batchSize null), or [texts, labels]. */
export type TextElement = string | string[] | [string | string[], Tensor];

type Parts<E> = E extends [infer X, Tensor] ? [texts: X, labels: Tensor] : [texts: E];
type TextsOf<E> = E extends [infer X, Tensor] ? X : E;

/**
 * What textDatasetFromDirectory returns: an async iterable of batches (as a data.Dataset is) with
 * Keras' `class_names` and `file_paths`. Texts are strings, not tensors, so `map` turns it into a
 * data.Dataset of tensors (through a TextVectorization layer, say) for `model.fit`, of the same
 * cardinality, so fit knows its steps.
 */
export class TextDirectoryDataset<E extends TextElement = [string[], Tensor]> implements AsyncIterable<E> {
  /** @internal */
  constructor(
    private readonly source: () => AsyncIterator<E>,
    /** The class of each label index (Keras' class_names); null when the dataset has no labels. */
    readonly classNames: string[] | null,
    /** The text files, in the order of the (shuffled) file list. */
    readonly filePaths: string[],
    private readonly count: number,
  ) {}

  /** How many elements (batches, or texts with batchSize null) a pass yields, as tf.data's cardinality(). */
  cardinality(): number {
    return this.count;
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return this.source();
  }

  /** The texts alone, batch by batch (Keras' `ds.map(lambda x, y: x)`), e.g. for `TextVectorization.adapt`. */
  texts(): AsyncIterable<TextsOf<E>> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const e of self) yield (Array.isArray(e) && e.length === 2 && e[1] instanceof Tensor ? e[0] : e) as TextsOf<E>;
      },
    };
  }

  /**
   * A data.Dataset of tensors from each element: `fn(texts, labels)` (or `fn(texts)` without labels),
   * as Keras' `ds.map(lambda x, y: (vectorize(x), y))`; the result feeds `model.fit`.
   */
  map<F extends Element>(fn: (...parts: Parts<E>) => F | Promise<F>): Dataset<F> {
    if (typeof fn !== "function") throw new TypeError(`${W}: map takes a function (texts, labels) => tensors, got ${valueText(fn)}`);
    const self = this;
    return Dataset.fromGenerator(async function* () {
      for await (const e of self) {
        const parts = (Array.isArray(e) && e.length === 2 && e[1] instanceof Tensor ? e : [e]) as Parts<E>;
        yield await fn(...parts);
      }
    }).assertCardinality(this.count);
  }
}

/** The file's text, cut to maxLength bytes at a character boundary. */
function readText(path: string, maxLength: number | null): string {
  let bytes: Uint8Array = readFileSync(path);
  if (maxLength !== null && bytes.length > maxLength) {
    let end = maxLength;
    // Back up over continuation bytes to the start of the character the cut falls in, unless it ends exactly there.
    let start = end;
    while (start > 0 && (bytes[start - 1] & 0xc0) === 0x80) start--;
    if (start > 0) {
      const lead = bytes[start - 1], need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (end - (start - 1) < need) end = start - 1;
    }
    bytes = bytes.subarray(0, end);
  }
  // ignoreBOM keeps a byte-order mark, as the bytes Keras reads keep it.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

function checkOptions(opts: TextDatasetFromDirectoryOptions): number | null {
  const known = new Set(["labels", "labelMode", "classNames", "batchSize", "maxLength", "shuffle", "seed", "validationSplit", "subset", "followLinks", "verbose"]);
  for (const k of Object.keys(opts)) {
    if (!known.has(k)) throw new TypeError(`${W}: unknown option ${JSON.stringify(k)}; the options are ${[...known].join(", ")}`);
  }
  for (const k of ["shuffle", "followLinks", "verbose"] as const) {
    booleanOption(W, k, opts[k], false);
  }
  const maxLength = opts.maxLength ?? null;
  if (maxLength !== null && !(Number.isInteger(maxLength) && maxLength >= 0)) {
    throw new RangeError(`${W}: maxLength must be a non-negative integer (bytes kept of each text) or null for whole files, got ${valueText(maxLength)}`);
  }
  return maxLength;
}

type BaseOptions = Omit<TextDatasetFromDirectoryOptions, "labels" | "labelMode" | "subset" | "batchSize"> & { batchSize?: number };
type Labelled = { labels?: "inferred" | readonly number[]; labelMode?: "int" | "categorical" | "binary" };
type Unlabelled = { labels: null; labelMode?: TextDatasetFromDirectoryOptions["labelMode"] } | { labels?: TextDatasetFromDirectoryOptions["labels"]; labelMode: null };
type OneSubset = { subset?: "training" | "validation" };
type BothSubsets = { subset: "both" };

/**
 * Keras' `text_dataset_from_directory`: batches `[texts, labels]` of the .txt files of a directory
 * with one subdirectory per class (texts: string[]; labels: int32 [batch], float32 [batch, 1] for
 * "binary" or one-hot float32 [batch, classes] for "categorical"). Files are read while iterating.
 *
 * ```ts
 * const [train, val] = utils.textDatasetFromDirectory("aclImdb/train", { validationSplit: 0.2, subset: "both", seed: 1337 });
 * const vectorize = layers.TextVectorization({ maxTokens: 20000, outputSequenceLength: 500 });
 * await vectorize.adapt(train.texts());
 * await model.fit(train.map((texts, labels) => [vectorize.apply(texts), labels]), { epochs: 3 });
 * ```
 */
export function textDatasetFromDirectory(directory: string, opts: BaseOptions & Unlabelled & BothSubsets): [TextDirectoryDataset<string[]>, TextDirectoryDataset<string[]>];
export function textDatasetFromDirectory(directory: string, opts: BaseOptions & Unlabelled & OneSubset): TextDirectoryDataset<string[]>;
export function textDatasetFromDirectory(directory: string, opts: BaseOptions & Labelled & BothSubsets): [TextDirectoryDataset, TextDirectoryDataset];
export function textDatasetFromDirectory(directory: string, opts?: BaseOptions & Labelled & OneSubset): TextDirectoryDataset;
/** Options known only at run time (or batchSize null, single texts): the element and result types are unions. */
export function textDatasetFromDirectory(directory: string, opts?: TextDatasetFromDirectoryOptions): TextDirectoryDataset<TextElement> | [TextDirectoryDataset<TextElement>, TextDirectoryDataset<TextElement>];
export function textDatasetFromDirectory(directory: string, opts: TextDatasetFromDirectoryOptions = {}): TextDirectoryDataset<TextElement> | TextDirectoryDataset<TextElement>[] {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new TypeError(`${W}: options must be an object, got ${valueText(opts)}`);
  const maxLength = checkOptions(opts);
  const settings = checkDirectoryOptions(W, TEXTS, opts);
  const { labelMode, batchSize, shuffle, seed, subset } = settings;
  const files = listDirectoryFiles(W, TEXTS, directory, settings);
  const shuffleBuffer = batchSize === null ? 1024 : batchSize * 8;

  const build = (part: "training" | "validation" | null, reshuffle: boolean): TextDirectoryDataset<TextElement> => {
    const { paths, labels } = splitPart(W, TEXTS, files, settings, part);
    const n = paths.length;
    let order: Dataset<Tensor> = Dataset.range(n);
    if (reshuffle) order = order.shuffle(shuffleBuffer, { seed });
    if (batchSize !== null) order = order.batch(batchSize);
    const labelsOf = (idx: number[]): Tensor => {
      const per = idx.map((i) => labelTensor(labelMode, (labels as number[])[i], files.numClasses));
      if (batchSize === null) return per[0];
      const width = per[0].size;
      const data = labelMode === "int" ? new Int32Array(idx.length) : new Float32Array(idx.length * width);
      per.forEach((t, r) => data.set(t.dataSync() as Int32Array | Float32Array, r * width));
      return makeTensor(data, [idx.length, ...per[0].shape], labelMode === "int" ? "int32" : "float32");
    };
    const source = async function* (): AsyncGenerator<TextElement> {
      for await (const t of order) {
        const idx = Array.from(t.dataSync() as Int32Array);
        const texts = idx.map((i) => readText(paths[i], maxLength));
        const x = batchSize === null ? texts[0] : texts;
        yield labelMode === null ? x : [x, labelsOf(idx)];
      }
    };
    return new TextDirectoryDataset<TextElement>(source, labelMode === null ? null : files.classNames, paths, order.cardinality());
  };
  if (subset === "both") return [build("training", shuffle), build("validation", false)];
  return build(subset ?? null, shuffle);
}
