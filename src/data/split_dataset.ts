/**
 * `utils.splitDataset`: Keras' split_dataset. A tensor (rows are samples), a list of tensors
 * (tuples of rows) or a `data.Dataset` split into a left and a right dataset, with Keras' size
 * rules (counts or fractions, Python's round-half-even) and, for a given seed, Keras' order
 * (Python's `random.seed(seed); random.shuffle(samples)`).
 */
import { Tensor } from "../tensor/tensor.js";
import { generatorFor } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { Dataset, batchSizeOf, type Element } from "./dataset.js";
import { structureWords } from "./element.js";
import { PythonRandom } from "./python_random.js";
import { takeRows } from "./rows.js";

export interface SplitDatasetOptions {
  /** Samples in the left part: a count, or a fraction in (0, 1). The complement of rightSize when absent. */
  leftSize?: number;
  /** Samples in the right part (the last ones): a count, or a fraction in (0, 1). The complement of leftSize when absent. */
  rightSize?: number;
  /** Shuffle the samples before splitting (default false). */
  shuffle?: boolean;
  /** Integer seed of the shuffle (Python's random.seed); drawn from lamina's generator (tf.random.setSeed) when absent. */
  seed?: number;
}

const W = "splitDataset";

/** Python's round() of a non-negative float: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Keras' _rescale_dataset_split_sizes: [left, right] as counts. An integer is a count and any other
 * number a fraction (Keras tells them by Python type; JavaScript has one number type).
 */
export function splitSizes(leftSize: number | undefined, rightSize: number | undefined, total: number): [number, number] {
  for (const [v, name] of [[leftSize, "leftSize"], [rightSize, "rightSize"]] as const) {
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
      throw new TypeError(`${W}: ${name} must be a count, a fraction in (0, 1) or left out, got ${valueText(v)}`);
    }
  }
  if (leftSize === undefined && rightSize === undefined) {
    throw new RangeError(`${W}: at least one of leftSize and rightSize must be given, e.g. { leftSize: 0.8 }`);
  }
  if (leftSize === 0 && rightSize === 0) throw new RangeError(`${W}: leftSize and rightSize are both zero; at least one of the split sizes must be non-zero`);
  const isCount = (v: number): boolean => Number.isInteger(v);
  for (const [v, name] of [[leftSize, "leftSize"], [rightSize, "rightSize"]] as const) {
    if (v === undefined) continue;
    if (isCount(v) ? v <= 0 || v >= total : v <= 0 || v >= 1) {
      throw new RangeError(`${W}: ${name} should be either a positive integer smaller than ${total} (the number of samples), or a fraction in (0, 1). Received: ${name}=${v}`);
    }
  }
  if (leftSize !== undefined && rightSize !== undefined && !isCount(leftSize) && !isCount(rightSize) && leftSize + rightSize > 1) {
    throw new RangeError(`${W}: the sum of leftSize and rightSize is ${leftSize + rightSize}, greater than 1; it must be at most 1`);
  }
  const count = (v: number | undefined): number | undefined => (v === undefined ? undefined : isCount(v) ? v : roundHalfEven(v * total));
  let left = count(leftSize), right = count(rightSize);
  if (left === undefined) left = total - (right as number);
  else if (right === undefined) right = total - left;
  if (left + (right as number) > total) {
    throw new RangeError(`${W}: leftSize + rightSize = ${left + (right as number)} samples, more than the ${total} in the dataset; reduce them`);
  }
  for (const [n, side] of [[left, "left"], [right as number, "right"]] as const) {
    if (n === 0) {
      throw new RangeError(`${W}: with a dataset of ${total} samples, leftSize=${leftSize} and rightSize=${rightSize} leave the ${side} part empty (${left} left, ${right} right samples); adjust them`);
    }
  }
  return [left, right as number];
}

function shapeText(t: Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

/** The samples of a dataset in order (unbatched when it was made by batch(), as Keras), with Keras' checks. */
async function samplesOf(ds: Dataset<Element>): Promise<Element[]> {
  const batch = batchSizeOf(ds);
  const out: Element[] = [];
  for await (const e of batch === null ? ds : ds.unbatch()) {
    const first = out[0];
    // Keras compares the shapes of single-tensor samples only.
    if (first instanceof Tensor && (!(e instanceof Tensor) || shapeText(e) !== shapeText(first))) {
      const got = e instanceof Tensor ? shapeText(e) : structureWords(e);
      throw new RangeError(`${W}: all dataset samples must have the same shape; sample 0 has shape ${shapeText(first)}, sample ${out.length} has ${got}`);
    }
    out.push(e);
  }
  if (out.length === 0) throw new RangeError(`${W}: the dataset is empty; pass a non-empty dataset, tensor or list of tensors`);
  return out;
}

function checkTensors(list: readonly Tensor[]): void {
  if (list.length === 0) throw new RangeError(`${W}: received an empty list; pass a non-empty list of tensors with the same first dimension, e.g. [x, y]`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${W}: item ${i} of the list is ${valueText(t)}, not a Tensor; wrap arrays with tf.constant(...)`);
    if (t.rank === 0) throw new RangeError(`${W}: item ${i} of the list is a scalar; every tensor needs a first (samples) axis`);
  });
  const n = list[0].shape[0];
  const bad = list.findIndex((t) => t.shape[0] !== n);
  if (bad >= 0) {
    throw new RangeError(`${W}: the tensors have different lengths: item 0 has shape ${shapeText(list[0])}, item ${bad} has ${shapeText(list[bad])}; pass tensors with the same first dimension`);
  }
}

/**
 * Splits a dataset into a left and a right part (e.g. train and test), as Keras' split_dataset:
 * `const [train, test] = await utils.splitDataset([x, y], { leftSize: 0.8, shuffle: true, seed: 1 })`.
 * `dataset` is a tensor (its rows are the samples), a list of tensors with the same first dimension
 * (samples are tuples of their rows), or a `data.Dataset` (one made directly by `batch()` is
 * unbatched, split and both parts rebatched with its batch size). The left part holds the first
 * leftSize samples, the right part the last rightSize; with `shuffle` and a seed the samples are
 * those Keras puts in each part.
 */
export async function splitDataset(dataset: Tensor, opts: SplitDatasetOptions): Promise<[Dataset<Tensor>, Dataset<Tensor>]>;
export async function splitDataset(dataset: Tensor[], opts: SplitDatasetOptions): Promise<[Dataset<Tensor[]>, Dataset<Tensor[]>]>;
export async function splitDataset<E extends Element>(dataset: Dataset<E>, opts: SplitDatasetOptions): Promise<[Dataset<E>, Dataset<E>]>;
export async function splitDataset(dataset: Tensor | Tensor[] | Dataset<Element>, opts: SplitDatasetOptions): Promise<[Dataset<Element>, Dataset<Element>]> {
  if (opts === null || typeof opts !== "object") throw new TypeError(`${W}: pass the options, e.g. { leftSize: 0.8 }`);
  const known = new Set(["leftSize", "rightSize", "shuffle", "seed"]);
  const unknown = Object.keys(opts).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new TypeError(`${W}: unknown option(s) ${unknown.join(", ")}; the options are leftSize, rightSize, shuffle, seed`);
  if (opts.leftSize === undefined && opts.rightSize === undefined) {
    throw new RangeError(`${W}: at least one of leftSize and rightSize must be given, e.g. { leftSize: 0.8 }`);
  }
  let total: number;
  let samples: Element[] | null = null;
  if (dataset instanceof Tensor) {
    if (dataset.rank === 0) throw new RangeError(`${W}: the tensor is a scalar; it needs a first (samples) axis`);
    total = dataset.shape[0];
    if (total === 0) throw new RangeError(`${W}: the tensor has no rows; pass a non-empty dataset`);
  } else if (Array.isArray(dataset)) {
    checkTensors(dataset);
    total = dataset[0].shape[0];
    if (total === 0) throw new RangeError(`${W}: the tensors have no rows; pass a non-empty dataset`);
  } else if (dataset instanceof Dataset) {
    samples = await samplesOf(dataset);
    total = samples.length;
  } else {
    throw new TypeError(`${W}: dataset must be a Tensor, a list of Tensors (e.g. [x, y]) or a data.Dataset, got ${valueText(dataset)}`);
  }

  const order = new Int32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  if (opts.shuffle) {
    // Keras: seed = random.randint(0, 1e6) when absent.
    const seed = opts.seed ?? generatorFor().nextInt(1_000_001);
    if (!Number.isSafeInteger(seed)) throw new RangeError(`${W}: seed must be an integer, got ${valueText(seed)}`);
    new PythonRandom(seed).pyShuffle(order);
  }
  const [nLeft, nRight] = splitSizes(opts.leftSize, opts.rightSize, total);
  const leftIdx = order.slice(0, nLeft), rightIdx = order.slice(total - nRight);

  if (dataset instanceof Tensor) return [Dataset.fromTensorSlices(takeRows(dataset, leftIdx)), Dataset.fromTensorSlices(takeRows(dataset, rightIdx))];
  if (Array.isArray(dataset)) {
    return [Dataset.fromTensorSlices(dataset.map((t) => takeRows(t, leftIdx))), Dataset.fromTensorSlices(dataset.map((t) => takeRows(t, rightIdx)))];
  }
  const all = samples as Element[];
  const batch = batchSizeOf(dataset);
  const part = (idx: Int32Array): Dataset<Element> => {
    const items = Array.from(idx, (i) => all[i]);
    const ds = Dataset.fromGenerator(() => items);
    return batch === null ? ds : ds.batch(batch);
  };
  return [part(leftIdx), part(rightIdx)];
}
