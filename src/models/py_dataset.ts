/**
 * keras.utils.PyDataset (alias keras.utils.Sequence): a dataset written as a class that returns
 * batch `index` on request, which fit, evaluate and predict read batch by batch. It lives beside
 * the models because fit reads it; `tf.utils` exports it.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";

/**
 * What getItem returns for one batch: x alone, [x, y] or [x, y, sampleWeight], where x and y are a
 * tensor, (several inputs/outputs) a list of tensors, or an object keyed by input (output) name,
 * as Keras' tuples and dicts; the flat form of lamina's datasets,
 * [x1, ..., xn, y1, ..., ym(, sampleWeight)], is read too.
 */
export type PyDatasetBatch = Tensor | PyDatasetDict | readonly (Tensor | readonly Tensor[] | PyDatasetDict)[];
/** x or y keyed by input or output name. */
export type PyDatasetDict = Readonly<Record<string, Tensor>>;

export interface PyDatasetArgs {
  /**
   * How many getItem calls may run at once while fit reads ahead (Keras' workers, default 1:
   * batches are read one at a time, when needed). Above 1 lamina starts the calls for the next
   * batches before they are needed and yields them in order; this overlaps an async getItem's
   * waiting (file reads, decoding in a worker, fetches), not synchronous JavaScript, which has
   * one thread.
   */
  workers?: number;
  /**
   * Keras' use_multiprocessing: refused when true (with workers > 0), since a JavaScript object
   * cannot be copied into other processes; use workers > 1 with an async getItem instead.
   */
  useMultiprocessing?: boolean;
  /** With workers > 1: at most this many batches requested ahead of the one training (Keras' max_queue_size, default 10). */
  maxQueueSize?: number;
}

/**
 * Subclass it and define `length` (the number of batches, Keras' __len__; Infinity for an endless
 * dataset, Keras' num_batches None) and `getItem(index)` (batch `index`, Keras' __getitem__; may
 * be async); optionally onEpochBegin/onEpochEnd. Pass the subclass's constructor options to super.
 *
 * ```ts
 * class Batches extends tf.utils.PyDataset {
 *   constructor(private x: Tensor, private y: Tensor, private batchSize: number, args?: PyDatasetArgs) { super(args); }
 *   get length() { return Math.ceil(this.x.shape[0] / this.batchSize); }
 *   getItem(i: number) { return [tf.slice(this.x, ...), tf.slice(this.y, ...)]; }
 * }
 * await model.fit(new Batches(x, y, 32), { epochs: 5 });   // batch order shuffled each epoch
 * ```
 */
export abstract class PyDataset {
  workers: number;
  useMultiprocessing: boolean;
  maxQueueSize: number;

  constructor(args: PyDatasetArgs = {}) {
    if (typeof args !== "object" || args === null) throw new TypeError(`utils.PyDataset: the constructor's options must be an object { workers, useMultiprocessing, maxQueueSize }, got ${valueText(args)}`);
    const known = ["workers", "useMultiprocessing", "maxQueueSize"];
    const unknown = Object.keys(args).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new TypeError(`utils.PyDataset ${new.target.name}: unknown option(s) ${unknown.join(", ")}; the options are ${known.join(", ")}`);
    this.workers = args.workers ?? 1;
    this.useMultiprocessing = args.useMultiprocessing ?? false;
    this.maxQueueSize = args.maxQueueSize ?? 10;
    checkParallelism(this, new.target.name);
  }

  /** The number of batches (Keras' __len__); Infinity for an endless dataset. */
  abstract readonly length: number;

  /** Batch `index` (0 <= index < length): x, [x, y] or [x, y, sampleWeight]. */
  abstract getItem(index: number): PyDatasetBatch | Promise<PyDatasetBatch>;

  /** Called at the start of every epoch of fit, and of each evaluate, validation and predict. */
  onEpochBegin(): void | Promise<void> {}

  /** Called at the end of every epoch of fit (also when stepsPerEpoch ends it), and of each evaluate, validation and predict. */
  onEpochEnd(): void | Promise<void> {}
}

/** keras.utils.Sequence: the older name of PyDataset, the same class. */
export const Sequence = PyDataset;
export type Sequence = PyDataset;

/** The class name error messages give a dataset. */
export function datasetName(ds: PyDataset): string {
  return ds.constructor.name || "PyDataset";
}

/** workers, useMultiprocessing and maxQueueSize as Keras reads them, checked (they may be set after construction). */
export function checkParallelism(ds: PyDataset, name = datasetName(ds)): void {
  if (!Number.isInteger(ds.workers) || ds.workers < 0) throw new RangeError(`utils.PyDataset ${name}: workers must be a whole number >= 0 (getItem calls running at once), got ${valueText(ds.workers)}`);
  booleanOption(`utils.PyDataset ${name}`, "useMultiprocessing", ds.useMultiprocessing);
  if (!Number.isInteger(ds.maxQueueSize) || ds.maxQueueSize < 1) throw new RangeError(`utils.PyDataset ${name}: maxQueueSize must be a whole number >= 1 (batches read ahead), got ${valueText(ds.maxQueueSize)}`);
  // Keras starts worker processes when useMultiprocessing is set and workers > 0.
  if (ds.useMultiprocessing && ds.workers > 0) {
    throw new TypeError(`utils.PyDataset ${name}: useMultiprocessing is not supported by lamina (a JavaScript object cannot be copied into worker processes); set useMultiprocessing: false and use workers > 1 with an async getItem to read batches concurrently`);
  }
}

/** The dataset's length, checked: a whole number >= 0, or Infinity for an endless dataset. */
export function batchCountOf(ds: PyDataset): number {
  const n: unknown = ds.length;
  if (n === Infinity || (typeof n === "number" && Number.isInteger(n) && n >= 0)) return n as number;
  throw new TypeError(`utils.PyDataset ${datasetName(ds)}: length must be the number of batches, a whole number >= 0 (or Infinity for an endless dataset), got ${valueText(n)}; define it in the subclass, e.g. get length() { return Math.ceil(n / batchSize); }`);
}
