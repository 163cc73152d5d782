/**
 * `datasets.imdb` and `datasets.reuters`: Keras' word-index sequence datasets, read from the same
 * files at the same URLs (checksums Keras checks), shuffled with numpy's RandomState(seed) as Keras
 * does, so the same options give the same sequences in the same order.
 */
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { Tensor } from "../tensor/tensor.js";
import { NumpyRandomState } from "./mt19937.js";
import { takeRows, sliceRows } from "./rows.js";
import { locate, type DatasetOptions } from "./locate.js";
import { downloadFile } from "./download.js";
import { readNpzSequences, type NpzArray } from "./npz_sequences.js";
import { valueText } from "../tensor/value_text.js";

const KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

/** Keras' load_data options of imdb and reuters, camelCased. */
export interface SequenceDatasetOptions extends DatasetOptions {
  /** Keep only the `numWords` most frequent words (indices below it); others become oovChar. Default all. */
  numWords?: number | null;
  /** Treat the `skipTop` most frequent words as out of vocabulary (default 0). */
  skipTop?: number;
  /** Drop sequences of `maxlen` or more indices (after startChar is added), as Keras does. */
  maxlen?: number | null;
  /** The seed of numpy's RandomState that shuffles the data (default 113). */
  seed?: number;
  /** Index marking the start of each sequence (default 1; null for none). */
  startChar?: number | null;
  /** Index replacing the words cut by numWords/skipTop (default 2; null drops them). */
  oovChar?: number | null;
  /** Offset added to every word index (default 3). */
  indexFrom?: number;
}

/** `[[xTrain, yTrain], [xTest, yTest]]`: sequences of word indices (ragged, pad them with utils.padSequences) and labels. */
export type SequenceLoadDataResult = [[number[][], Tensor], [number[][], Tensor]];

interface Prepared { xs: number[][]; labels: Tensor }

function checkOptions(where: string, o: SequenceDatasetOptions): void {
  const int = (key: keyof SequenceDatasetOptions, min: number, nullable: boolean): void => {
    const v = o[key];
    if (v === undefined || (v === null && nullable)) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      throw new RangeError(`${where}: ${key} must be an integer >= ${min}${nullable ? " or null" : ""}, got ${valueText(v)}`);
    }
  };
  int("numWords", 0, true); int("skipTop", 0, false); int("maxlen", 0, true); int("seed", 0, false);
  int("startChar", 0, true); int("oovChar", 0, true); int("indexFrom", 0, false);
}

function sequencesIn(where: string, a: Record<string, NpzArray>, key: string, path: string): number[][] {
  const v = a[key];
  if (!Array.isArray(v)) throw new Error(`${where}: ${path} has ${v === undefined ? "no array" : "a numeric array"} ${key}${v === undefined ? ` (it holds ${Object.keys(a).join(", ")})` : " where an object array of sequences is expected"}; it is not Keras' file: delete it and load again`);
  return v;
}

function labelsIn(where: string, a: Record<string, NpzArray>, key: string, path: string, n: number): Tensor {
  const v = a[key];
  if (!(v instanceof Tensor) || v.rank !== 1 || v.shape[0] !== n) {
    throw new Error(`${where}: ${path} has no 1-D label array ${key} of ${n} labels (one per sequence); it is not Keras' file: delete it and load again`);
  }
  return v;
}

/** Keras' steps after loading: shuffle (one RandomState across the calls), start/index offsets, maxlen filter. */
function offsetAndFilter(xs: number[][], labels: Tensor, order: Int32Array, o: SequenceDatasetOptions): Prepared {
  const startChar = o.startChar === undefined ? 1 : o.startChar, indexFrom = o.indexFrom ?? 3;
  let seqs = Array.from(order, (i) => xs[i]);
  let lab = takeRows(labels, order);
  seqs = seqs.map((x) => (startChar !== null ? [startChar, ...x.map((w) => w + indexFrom)] : x.map((w) => w + indexFrom)));
  if (o.maxlen) {
    const keep: number[] = [];
    seqs.forEach((x, i) => { if (x.length < (o.maxlen as number)) keep.push(i); });
    seqs = keep.map((i) => seqs[i]);
    lab = takeRows(lab, keep);
  }
  return { xs: seqs, labels: lab };
}

/** Keras' vocabulary cut over all sequences (train and test together): numWords defaults to the largest index, exclusive as Keras' is. */
function cutVocabulary(all: number[][], o: SequenceDatasetOptions): number[][] {
  const skipTop = o.skipTop ?? 0, oovChar = o.oovChar === undefined ? 2 : o.oovChar;
  let numWords = o.numWords ?? 0;
  if (!numWords) numWords = all.reduce((m, x) => x.reduce((a, w) => Math.max(a, w), m), -Infinity);
  return all.map((x) => (oovChar !== null
    ? x.map((w) => (skipTop <= w && w < numWords ? w : oovChar))
    : x.filter((w) => skipTop <= w && w < numWords)));
}

async function locateFile(where: string, file: string, hash: { sha256?: string; md5?: string }, opts: DatasetOptions): Promise<string> {
  const [path] = await locate({
    where, subdir: "", files: [{ names: [file] }], systemDirs: [], inKerasCache: true,
    download: async (dir, origin) => {
      const base = origin ? (origin.endsWith("/") ? origin : `${origin}/`) : KERAS_ORIGIN;
      await downloadFile(base + file, join(dir, file), hash);
    },
    howTo: `put Keras' ${file} (${KERAS_ORIGIN}${file}, ${hash.sha256 ? `SHA-256 ${hash.sha256}` : `MD5 ${hash.md5}`}) in $LAMINA_DATASETS or ~/.lamina/datasets`,
  }, { ...opts, searchDirs: opts.searchDirs ?? [] });
  return path;
}

async function readWordIndex(where: string, file: string, md5: string, opts: DatasetOptions): Promise<Record<string, number>> {
  const path = await locateFile(where, file, { md5 }, opts);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf-8"));
  } catch (e) {
    throw new Error(`${where}: ${path} is not valid JSON (${(e as Error).message}); delete it and load again`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => !Number.isInteger(v))) {
    throw new Error(`${where}: ${path} is not a word index (a JSON object of word -> integer index); delete it and load again`);
  }
  return parsed as Record<string, number>;
}

const IMDB_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f";
const IMDB_WORDS_MD5 = "bfafd718b763782e994055a2d397834f";

/** The IMDB movie-review sentiment dataset: 25,000 training and 25,000 test reviews as word-index sequences, labels 0/1. */
export const imdb = {
  async loadData(opts: SequenceDatasetOptions = {}): Promise<SequenceLoadDataResult> {
    const where = "datasets.imdb.loadData";
    checkOptions(where, opts);
    const path = await locateFile(where, "imdb.npz", { sha256: IMDB_SHA256 }, opts);
    const a = readNpzSequences(path);
    const xTr = sequencesIn(where, a, "x_train", path), xTe = sequencesIn(where, a, "x_test", path);
    const yTr = labelsIn(where, a, "y_train", path, xTr.length), yTe = labelsIn(where, a, "y_test", path, xTe.length);
    const rng = new NumpyRandomState(opts.seed ?? 113);
    const train = offsetAndFilter(xTr, yTr, rng.permutation(xTr.length), opts);
    const test = offsetAndFilter(xTe, yTe, rng.permutation(xTe.length), opts);
    if (opts.maxlen && (train.xs.length === 0 || test.xs.length === 0)) {
      throw new RangeError(`${where}: after filtering for sequences shorter than maxlen=${opts.maxlen}, no sequence was kept; increase maxlen`);
    }
    const all = cutVocabulary([...train.xs, ...test.xs], opts);
    return [[all.slice(0, train.xs.length), train.labels], [all.slice(train.xs.length), test.labels]];
  },
  /** The word -> index mapping (indices before indexFrom is added: add 3 to match loadData's defaults). */
  getWordIndex(opts: DatasetOptions = {}): Promise<Record<string, number>> {
    return readWordIndex("datasets.imdb.getWordIndex", "imdb_word_index.json", IMDB_WORDS_MD5, opts);
  },
};

const REUTERS_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916";
const REUTERS_WORDS_MD5 = "4d44cc38712099c9e383dc6e5f11a921";
const REUTERS_LABELS = [
  "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar", "trade", "reserves", "ship",
  "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
  "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
  "dlr", "gas", "silver", "wpi", "hog", "lead",
] as const;

/** The Reuters newswire topic dataset: 11,228 newswires as word-index sequences over 46 topics, split by testSplit after shuffling. */
export const reuters = {
  async loadData(opts: SequenceDatasetOptions & { testSplit?: number } = {}): Promise<SequenceLoadDataResult> {
    const where = "datasets.reuters.loadData";
    checkOptions(where, opts);
    const testSplit = opts.testSplit ?? 0.2;
    if (typeof testSplit !== "number" || !(testSplit >= 0 && testSplit <= 1)) throw new RangeError(`${where}: testSplit must be a number in [0, 1], got ${valueText(testSplit)}`);
    const path = await locateFile(where, "reuters.npz", { sha256: REUTERS_SHA256 }, opts);
    const a = readNpzSequences(path);
    const xs = sequencesIn(where, a, "x", path);
    const ys = labelsIn(where, a, "y", path, xs.length);
    const rng = new NumpyRandomState(opts.seed ?? 113);
    const { xs: seqs, labels } = offsetAndFilter(xs, ys, rng.permutation(xs.length), opts);
    const all = cutVocabulary(seqs, opts);
    const cut = Math.trunc(all.length * (1 - testSplit));
    return [[all.slice(0, cut), sliceRows(labels, 0, cut)], [all.slice(cut), sliceRows(labels, cut, all.length)]];
  },
  /** The word -> index mapping (indices before indexFrom is added). */
  getWordIndex(opts: DatasetOptions = {}): Promise<Record<string, number>> {
    return readWordIndex("datasets.reuters.getWordIndex", "reuters_word_index.json", REUTERS_WORDS_MD5, opts);
  },
  /** The 46 topic names, indexed by label, as Keras' get_label_names. */
  getLabelNames(): readonly string[] {
    return REUTERS_LABELS;
  },
};
