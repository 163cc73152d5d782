/**
 * CIFAR's Python version, the files Keras downloads (cifar-10-batches-py/data_batch_1 ... test_batch,
 * cifar-100-python/train and test): each a pickled dict (written by Python 2's cPickle, so its keys
 * are byte strings) holding "data", a uint8 numpy array [n, 3072] (per image 1024 red, 1024 green,
 * 1024 blue bytes, each plane 32 rows of 32), and the labels, a list of ints under "labels"
 * (CIFAR-10) or "fine_labels" and "coarse_labels" (CIFAR-100). Read as Keras' load_batch reads them,
 * then transposed to channels last as its load_data does.
 */
import { makeTensor } from "../tensor/tensor.js";
import { bytesOf } from "./bytes.js";
import { planarToChannelsLast, type CifarBatch } from "./cifar.js";
import { readPickle, PickledArray, PickledDict, integersOf } from "./pickle.js";
import { valueText } from "../tensor/value_text.js";

export interface CifarPickleOptions {
  /** The dict's key of the labels: "labels" (CIFAR-10, the default), "fine_labels" or "coarse_labels" (CIFAR-100). */
  labelKey?: string;
}

const IMAGE = 3 * 32 * 32;

function kindOf(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "None";
  if (v instanceof PickledArray) return `a numpy array of dtype ${v.dtype?.code ?? "?"} and shape [${v.shape.join(", ")}]`;
  if (v instanceof PickledDict) return "a dict";
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `a list of ${v.length} items`;
  return `the ${typeof v} ${valueText(v)}`;
}

/** The pixels of "data" as C-ordered bytes [n, 3072]; the message says what was found instead. */
function pixelsOf(data: unknown, fail: (what: string) => never): { n: number; bytes: Uint8Array } {
  const shapeOk = data instanceof PickledArray && data.shape.length >= 1
    && data.shape.slice(1).reduce((a, b) => a * b, 1) === IMAGE;
  if (!(data instanceof PickledArray) || !data.raw || !data.dtype || !/^[|<>=]?u1$/.test(data.dtype.code) || !shapeOk) {
    fail(`its "data" is ${kindOf(data)}, where a CIFAR batch holds a uint8 numpy array [n, 3072] (n images of 3 x 32 x 32)`);
  }
  const n = data.shape[0];
  if (data.raw.length !== n * IMAGE) fail(`its "data" array [${data.shape.join(", ")}] holds ${data.raw.length} bytes, not ${n * IMAGE}: the file is damaged`);
  if (!data.fortran || n <= 1) return { n, bytes: data.raw };
  // A Fortran-ordered [n, 3072] array (numpy may pickle one so) stores image i's byte j at j * n + i.
  const c = new Uint8Array(n * IMAGE);
  for (let i = 0; i < n; i++) for (let j = 0; j < IMAGE; j++) c[i * IMAGE + j] = data.raw[j * n + i];
  return { n, bytes: c };
}

/**
 * Reads one batch of CIFAR's Python version (a path or the bytes, gzipped or not): uint8 images
 * [n, 32, 32, 3] and uint8 labels [n, 1]. Only numpy arrays, dicts, lists and plain values are
 * rebuilt from the pickle (see pickle.ts): a file naming any other Python object is refused.
 */
export function readCifarPickle(source: string | Uint8Array, opts: CifarPickleOptions = {}): CifarBatch {
  const where = "readCifarPickle";
  const labelKey = opts.labelKey ?? "labels";
  if (typeof labelKey !== "string" || labelKey === "") throw new TypeError(`${where}: labelKey must be a key name such as "labels", "fine_labels" or "coarse_labels", got ${valueText(labelKey)}`);
  const { bytes, name } = bytesOf(source, where);
  const todo = "it is not a batch of CIFAR's Python version (cifar-10-batches-py/data_batch_1 ..., cifar-100-python/train, test): delete it and load the data set again";
  const fail: (what: string) => never = (what) => { throw new Error(`${where}: ${name}: ${what}; ${todo}`); };
  let d: unknown;
  try {
    d = readPickle(bytes, `${where}: ${name}`);
  } catch (e) {
    // Protocol 2 and later start with PROTO (0x80), as CIFAR's files do; the binary version's records have a label byte there.
    const binary = bytes.length > 0 && bytes[0] !== 0x80 && (bytes.length % 3073 === 0 || bytes.length % 3074 === 0)
      ? `; its size is a whole number of the binary version's records (1 or 2 label bytes + 3072 pixels): read it with readCifarBinary` : "";
    throw new Error(`${(e as Error).message}${binary}; ${todo}`);
  }
  if (!(d instanceof PickledDict)) fail(`the pickle holds ${kindOf(d)}, where a CIFAR batch is a dict with "data" and "${labelKey}"`);
  const keys = d.keyNames();
  const data = d.get("data");
  if (data === undefined) fail(`the dict has no "data" (its keys: ${keys.join(", ") || "none"})`);
  const rawLabels = d.get(labelKey);
  if (rawLabels === undefined) {
    const hint = keys.includes("fine_labels") ? `; it is a CIFAR-100 file: pass labelKey "fine_labels" or "coarse_labels" (datasets.cifar100.loadData does)`
      : keys.includes("labels") ? `; it is a CIFAR-10 file: pass labelKey "labels" (datasets.cifar10.loadData does)` : "";
    throw new Error(`${where}: ${name}: the dict has no "${labelKey}" (its keys: ${keys.join(", ")})${hint || `; ${todo}`}`);
  }
  const { n, bytes: pixels } = pixelsOf(data, fail);
  let labels: number[] = [];
  try {
    labels = integersOf(rawLabels, `${where}: ${name}`);
  } catch {
    fail(`its "${labelKey}" is ${kindOf(rawLabels)}, where a CIFAR batch holds a list of integer labels`);
  }
  if (labels.length !== n) fail(`it holds ${n} images but ${labels.length} labels under "${labelKey}"`);
  const bad = labels.findIndex((v) => v < 0 || v > 255);
  if (bad >= 0) fail(`label ${bad} under "${labelKey}" is ${labels[bad]}, outside 0..255 (CIFAR's labels are 0..9, 0..99 or 0..19)`);
  const images = new Uint8Array(n * IMAGE);
  for (let i = 0; i < n; i++) planarToChannelsLast(pixels, i * IMAGE, images, i * IMAGE);
  return { images: makeTensor(images, [n, 32, 32, 3], "uint8"), labels: makeTensor(Uint8Array.from(labels), [n, 1], "uint8") };
}
