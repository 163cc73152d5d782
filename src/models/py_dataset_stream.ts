/**
 * A PyDataset read as fit, evaluate and predict read a dataset (Keras' PyDatasetAdapter): its
 * batches in index order or shuffled, read ahead by `workers` concurrent getItem calls, each
 * checked and made a dataset element (flattened, unless it holds an object keyed by name).
 */
import { Tensor } from "../tensor/tensor.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { permutation } from "../tensor/random.js";
import type { Element } from "../data/element.js";
import { type BatchStream, elementOrigins } from "./batch_stream.js";
import { type PyDataset, batchCountOf, checkParallelism, datasetName } from "./py_dataset.js";

export interface PyDatasetPass {
  /** Visit the batches in a new random order each pass (lamina's seeded generator; endless datasets are read in order, as Keras). */
  shuffle: boolean;
  /** Call onEpochBegin before and onEpochEnd after each pass (evaluate, validation, predict); fit calls them per epoch itself. */
  hooks: boolean;
  /** Read at most this many batches per pass (evaluate's and predict's steps, validationSteps). */
  steps?: number;
}

/** The dataset as a stream: every iteration is one pass over its batches. */
export function pyDatasetStream(ds: PyDataset, pass: PyDatasetPass): BatchStream {
  return { [Symbol.asyncIterator]: () => readPass(ds, pass) };
}

/**
 * The progress bar's steps for a PyDataset: `steps` if given, else its length; an endless one
 * needs `steps` (Keras would loop forever).
 */
export function pyDatasetSteps(ds: PyDataset, steps: number | undefined | null, op: string, stepsName: string): number {
  const n = batchCountOf(ds);
  if (steps !== undefined && steps !== null) return steps;
  if (n === Infinity) throw new RangeError(`${op}: ${datasetName(ds)}.length is Infinity (an endless PyDataset); pass ${stepsName} to say how many batches to read`);
  return n;
}

/** fit's epochs of a PyDataset, onEpochBegin before and onEpochEnd after each epoch's batches, as Keras' epoch iterator calls them. */
export function withEpochHooks<T>(ds: PyDataset, epoch: () => AsyncIterable<T>): () => AsyncGenerator<T> {
  return async function* (): AsyncGenerator<T> {
    await ds.onEpochBegin();
    yield* epoch();
    // Not reached when training stops inside the epoch, as in Keras, whose generator is abandoned there.
    await ds.onEpochEnd();
  };
}

async function* readPass(ds: PyDataset, pass: PyDatasetPass): AsyncGenerator<Element> {
  checkParallelism(ds);
  const n = batchCountOf(ds);
  if (pass.hooks) await ds.onEpochBegin();
  const limit = Math.min(n, pass.steps ?? Infinity);
  const order = n !== Infinity && pass.shuffle ? permutation(n) : null;
  const indices = function* (): Generator<number> {
    for (let k = 0; k < limit; k++) yield order === null ? k : order[k];
  };
  // Keras reads in turn unless workers > 1 (its useMultiprocessing case is refused by checkParallelism).
  if (ds.workers > 1) yield* readAhead(ds, indices(), ds.workers, ds.maxQueueSize);
  else for (const i of indices()) yield elementOf(ds, i, await ds.getItem(i));
  if (pass.hooks) await ds.onEpochEnd();
}

/**
 * Keras' OrderedEnqueuer for async work: up to `queueSize` batches requested ahead, at most
 * `workers` getItem calls running at once, yielded in index order.
 */
async function* readAhead(ds: PyDataset, indices: Iterator<number>, workers: number, queueSize: number): AsyncGenerator<Element> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    while (running >= workers) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const free = (): void => {
    running--;
    waiting.shift()?.();
  };
  const queue: { index: number; item: Promise<unknown> }[] = [];
  const refill = (): void => {
    while (queue.length < queueSize) {
      const next = indices.next();
      if (next.done) return;
      const index = next.value;
      const item = (async () => {
        await slot();
        try { return await ds.getItem(index); } finally { free(); }
      })();
      // A batch read ahead and never reached (training stopped) must not fail as an unhandled rejection.
      item.catch(() => undefined);
      queue.push({ index, item });
    }
  };
  refill();
  while (queue.length > 0) {
    const { index, item } = queue.shift()!;
    const value = await item;
    refill();
    yield elementOf(ds, index, value);
  }
}

/**
 * getItem's batch as a dataset element (a tensor, a flat list [x..., y..., sampleWeight?], or
 * Keras' form holding an object keyed by name), remembered as coming from `ds.getItem(index)` for
 * the messages of the checks that follow.
 */
function elementOf(ds: PyDataset, index: number, batch: unknown): Element {
  const where = `${datasetName(ds)}.getItem(${index})`;
  const wrong = (got: string): TypeError => new TypeError(
    `utils.PyDataset: ${where} returned ${got}; it must return one batch as x, [x, y] or [x, y, sampleWeight] of tensors ` +
    "(x and y lists of tensors, or objects keyed by name, for several inputs or outputs), as Keras' __getitem__");
  let element: Element;
  if (batch instanceof Tensor) element = batch;
  else if (isPlainObject(batch) || (Array.isArray(batch) && batch.some(isPlainObject))) {
    // Keras' dict form: x (or y) keyed by input (output) name, kept nested for splitBatch to read as Keras reads it.
    const parts: unknown[] = Array.isArray(batch) ? batch : [batch];
    if (parts.length > 3) throw wrong(`${parts.length} entries holding an object (the form is x, [x, y] or [x, y, sampleWeight])`);
    parts.forEach((part, k) => {
      const leaves: unknown[] = part instanceof Tensor ? [part] : Array.isArray(part) ? part : isPlainObject(part) ? Object.values(part) : [part];
      leaves.forEach((t) => { if (!(t instanceof Tensor)) throw wrong(`${describe(t)} in entry ${k}`); });
    });
    element = (Array.isArray(batch) ? [...batch] : { ...batch }) as Element;
  } else if (!Array.isArray(batch)) throw wrong(describe(batch));
  else if (batch.some((part) => Array.isArray(part))) {
    // Keras' nested form (inputs, targets, sampleWeight), its inputs and targets lists for several of them.
    if (batch.length > 3) throw wrong(`${batch.length} entries holding lists (the nested form is [x, y] or [x, y, sampleWeight])`);
    if (batch.length === 3 && Array.isArray(batch[2])) throw wrong("a list of sample weights (lamina takes one sampleWeight tensor per batch)");
    element = batch.flatMap((part: unknown, k) => (Array.isArray(part) ? part : [part]).map((t: unknown) => {
      if (!(t instanceof Tensor)) throw wrong(`${describe(t)} in entry ${k}`);
      return t;
    }));
  } else {
    if (batch.length === 0) throw wrong("an empty list");
    batch.forEach((t: unknown, k) => { if (!(t instanceof Tensor)) throw wrong(`${describe(t)} in entry ${k}`); });
    element = [...(batch as Tensor[])];
  }
  elementOrigins.set(element, where);
  return element;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return `an object (${v.constructor?.name ?? "Object"})`;
  return `${typeof v} ${String(v)}`;
}
