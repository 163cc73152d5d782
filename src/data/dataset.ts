/**
 * `data.Dataset`: a pipeline of elements (a tensor, or a tuple of tensors such as [x, y]) built from
 * tensors and consumed by async iteration, as tf.data: fromTensorSlices, shuffle (with a buffer),
 * batch, map, take, skip, prefetch. Each iteration starts the pipeline anew (shuffles differ per epoch).
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { allocStorage } from "../tensor/dtype.js";
import { generatorFor, RandomGenerator } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";

export type Element = Tensor | Tensor[];

/** tf.data.AUTOTUNE: lets the pipeline pick a buffer size (prefetch takes a few elements). */
export const AUTOTUNE = -1;
const AUTOTUNE_PREFETCH = 2;

/**
 * Calls a map/filter function on an element: tf.data's unpacking of a tuple into the arguments
 * for a function declaring two or more parameters, the element whole otherwise.
 */
function callOnElement<E extends Element, R>(fn: ((e: E) => R) | ((...parts: Tensor[]) => R), e: E): R {
  if (Array.isArray(e) && fn.length >= 2) return (fn as (...parts: Tensor[]) => R)(...e);
  return (fn as (e: E) => R)(e);
}

function rowOf(t: Tensor, i: number): Tensor {
  const inner = t.size / t.shape[0];
  return makeTensor(t.dataSync().slice(i * inner, (i + 1) * inner), t.shape.slice(1), t.dtype);
}

/** What a value is, for messages about elements that are not tensors. */
function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor [${v.shape.join(", ")}] ${v.dtype}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === "object" && v !== null ? "an object" : valueText(v);
}

/** Checks that `e` is an element (a tensor or an array of tensors), naming `where` and the fix. */
function checkElement(e: unknown, where: string): void {
  if (e instanceof Tensor) return;
  if (Array.isArray(e) && e.length > 0) {
    const bad = e.findIndex((t) => !(t instanceof Tensor));
    if (bad < 0) return;
    throw new TypeError(`${where}: an element must be a tensor or an array of tensors, got an array whose item ${bad} is ${describe(e[bad])}`);
  }
  throw new TypeError(`${where}: an element must be a tensor or an array of tensors such as [x, y], got ${describe(e)}`);
}

/** The structure (one tensor, or a tuple of k) every element of a batch must share. */
function checkSameStructure(items: readonly Element[], where: string): void {
  const arity = (e: Element): number => (e instanceof Tensor ? 0 : e.length);
  const k = arity(items[0]);
  const i = items.findIndex((e) => arity(e) !== k);
  if (i < 0) return;
  const text = (e: Element): string => (e instanceof Tensor ? "a single tensor" : `an array of ${e.length} tensors`);
  throw new TypeError(`${where}: element ${i} of the batch is ${text(items[i])} but element 0 is ${text(items[0])}; every element must have the same structure (check what map returns)`);
}

/** take/skip's count: a whole number, or -1 for "all", as tf.data. */
function checkCount(count: number, where: string, minusOne: string): void {
  if (!Number.isInteger(count) || count < -1) throw new RangeError(`${where}: count must be a non-negative integer, or -1 (${minusOne}), got ${valueText(count)}`);
}

function stack(items: Tensor[], where: string): Tensor {
  const first = items[0];
  const shapeKey = first.shape.join(",");
  const out = allocStorage(first.dtype, items.length * first.size);
  items.forEach((t, i) => {
    if (t.dtype !== first.dtype || t.shape.join(",") !== shapeKey) {
      throw new Error(`${where}: cannot batch elements of shapes [${first.shape.join(", ")}] ${first.dtype} and [${t.shape.join(", ")}] ${t.dtype}; every element must have the same shape and dtype`);
    }
    (out as Uint8Array).set(t.dataSync() as Uint8Array, i * first.size);
  });
  return makeTensor(out, [items.length, ...first.shape], first.dtype);
}

/** batchSize of datasets made directly by batch(): Keras' split_dataset reads tf.data's _batch_size to unbatch and rebatch. */
const batchSizes = new WeakMap<object, number>();

/** The batch size of a dataset made directly by `batch()` (not by a later map, prefetch...), else null, as Keras' get_batch_size. */
export function batchSizeOf(ds: Dataset<Element>): number | null {
  return batchSizes.get(ds) ?? null;
}

export class Dataset<E extends Element = Element> {
  private constructor(private readonly source: () => AsyncIterator<E>) {}

  /** Slices tensors along their first axis: element i is x[i] (or [x[i], y[i]] for [x, y]). */
  static fromTensorSlices(tensors: Tensor): Dataset<Tensor>;
  static fromTensorSlices(tensors: Tensor[]): Dataset<Tensor[]>;
  static fromTensorSlices(tensors: Tensor | Tensor[]): Dataset<Element> {
    const list = tensors instanceof Tensor ? [tensors] : tensors;
    if (!Array.isArray(list) || list.length === 0) throw new Error("Dataset.fromTensorSlices: pass a tensor or a non-empty array of tensors");
    list.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`Dataset.fromTensorSlices: item ${i} is ${describe(t)}, not a tensor; pass a tensor or an array of tensors such as [x, y] (make one with tf.constant)`);
    });
    list.forEach((t, i) => { if (t.rank === 0) throw new RangeError(`Dataset.fromTensorSlices: tensor ${i} is a scalar; it needs a first axis to slice`); });
    const n = list[0].shape[0];
    if (list.some((t) => t.shape[0] !== n)) {
      throw new RangeError(`Dataset.fromTensorSlices: the tensors have different first dimensions [${list.map((t) => t.shape[0]).join(", ")}]; they must match`);
    }
    const single = tensors instanceof Tensor;
    return new Dataset<Element>(async function* () {
      for (let i = 0; i < n; i++) yield single ? rowOf(list[0], i) : list.map((t) => rowOf(t, i));
    });
  }

  /** A dataset over elements produced by a (sync or async) generator function. */
  static fromGenerator<E extends Element>(gen: () => Iterable<E> | AsyncIterable<E>): Dataset<E> {
    return new Dataset<E>(async function* () { yield* gen(); });
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return this.source();
  }

  /** Fills a buffer of `bufferSize` elements and emits a random one of them each step, as tf.data. */
  shuffle(bufferSize: number, opts: { seed?: number } = {}): Dataset<E> {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new RangeError(`Dataset.shuffle: bufferSize must be a positive integer, got ${valueText(bufferSize)}`);
    // NaN would seed like 0, silently: the same order for every "random" seed.
    if (opts.seed !== undefined && !(typeof opts.seed === "number" && Number.isFinite(opts.seed))) {
      throw new RangeError(`Dataset.shuffle: seed must be a finite number, got ${valueText(opts.seed)}; leave it out to use tf.random's generator`);
    }
    const seeded = opts.seed === undefined ? null : new RandomGenerator(opts.seed);
    const self = this;
    return new Dataset<E>(async function* () {
      const g = seeded ?? generatorFor();
      const buf: E[] = [];
      for await (const e of self) {
        if (buf.length < bufferSize) { buf.push(e); continue; }
        const j = g.nextInt(buf.length);
        const out = buf[j];
        buf[j] = e;
        yield out;
      }
      while (buf.length > 0) {
        const j = g.nextInt(buf.length);
        const out = buf[j];
        buf[j] = buf[buf.length - 1];
        buf.pop();
        yield out;
      }
    });
  }

  /** Groups `batchSize` consecutive elements, stacking along a new first axis. */
  batch(batchSize: number, opts: { dropRemainder?: boolean } = {}): Dataset<E> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`Dataset.batch: batchSize must be a positive integer, got ${valueText(batchSize)}`);
    const self = this;
    const make = (items: E[]): E => {
      items.forEach((e) => checkElement(e, "Dataset.batch"));
      checkSameStructure(items, "Dataset.batch");
      if (items[0] instanceof Tensor) return stack(items as Tensor[], "Dataset.batch") as E;
      const k = (items[0] as Tensor[]).length;
      return Array.from({ length: k }, (_, c) => stack(items.map((it) => (it as Tensor[])[c]), "Dataset.batch")) as E;
    };
    const out = new Dataset<E>(async function* () {
      let items: E[] = [];
      for await (const e of self) {
        items.push(e);
        if (items.length === batchSize) { yield make(items); items = []; }
      }
      if (items.length > 0 && !opts.dropRemainder) yield make(items);
    });
    batchSizes.set(out, batchSize);
    return out;
  }

  /**
   * Applies `fn` to every element (sync or async). As tf.data unpacks a tuple into the function's
   * arguments, an element [x, y] is passed as (x, y) to a function of two or more parameters
   * (`ds.map((x: Tensor, y: Tensor) => [tf.div(x, 255), y])`; TypeScript needs the parameter types
   * there); a function of one parameter gets the element whole (`ds.map(([x, y]) => ...)`).
   */
  map<F extends Element>(fn: (e: E) => F | Promise<F>): Dataset<F>;
  map<F extends Element>(fn: (...parts: Tensor[]) => F | Promise<F>): Dataset<F>;
  map<F extends Element>(fn: ((e: E) => F | Promise<F>) | ((...parts: Tensor[]) => F | Promise<F>)): Dataset<F> {
    const self = this;
    return new Dataset<F>(async function* () {
      for await (const e of self) {
        const out = await callOnElement(fn, e);
        checkElement(out, "Dataset.map");
        yield out;
      }
    });
  }

  /** Only the first `count` elements; -1 keeps them all, as tf.data. */
  take(count: number): Dataset<E> {
    checkCount(count, "Dataset.take", "all of them");
    if (count === -1) return this;
    const self = this;
    return new Dataset<E>(async function* () {
      if (count === 0) return;
      let i = 0;
      for await (const e of self) { yield e; if (++i >= count) return; }
    });
  }

  /** Everything after the first `count` elements; -1 skips them all, as tf.data. */
  skip(count: number): Dataset<E> {
    checkCount(count, "Dataset.skip", "skip all of them");
    const self = this;
    return new Dataset<E>(async function* () {
      if (count === -1) return;
      let i = 0;
      for await (const e of self) if (i++ >= count) yield e;
    });
  }

  /**
   * Keeps the elements of the first complete pass in memory and replays them on later passes, as
   * tf.data's cache() (e.g. images decoded once rather than every epoch). Whatever comes before it
   * runs once: a shuffle placed before cache() is frozen, one placed after it still shuffles each
   * pass. A pass stopped early (take) keeps nothing, and the next one reads the source again.
   */
  cache(): Dataset<E> {
    const self = this;
    let stored: E[] | null = null;
    return new Dataset<E>(async function* () {
      if (stored !== null) {
        yield* stored;
        return;
      }
      const filling: E[] = [];
      for await (const e of self) {
        filling.push(e);
        yield e;
      }
      stored = filling;
    });
  }

  /** The dataset `count` times over (each pass a new iteration, so shuffles differ), or endlessly when count is left out or -1, as tf.data. */
  repeat(count = -1): Dataset<E> {
    if (!Number.isInteger(count) || count < -1) throw new RangeError(`Dataset.repeat: count must be a non-negative integer, or -1 (or nothing) to repeat forever, got ${valueText(count)}`);
    const self = this;
    return new Dataset<E>(async function* () {
      for (let pass = 0; count === -1 || pass < count; pass++) {
        let any = false;
        for await (const e of self) {
          any = true;
          yield e;
        }
        // An empty dataset repeated forever would loop without yielding.
        if (!any) return;
      }
    });
  }

  /**
   * Only the elements for which `predicate` returns true (or a true scalar tensor); an element
   * [x, y] is passed as (x, y) to a predicate of two or more parameters, as in map.
   */
  filter(predicate: (e: E) => boolean | Tensor | Promise<boolean | Tensor>): Dataset<E>;
  filter(predicate: (...parts: Tensor[]) => boolean | Tensor | Promise<boolean | Tensor>): Dataset<E>;
  filter(predicate: ((e: E) => boolean | Tensor | Promise<boolean | Tensor>) | ((...parts: Tensor[]) => boolean | Tensor | Promise<boolean | Tensor>)): Dataset<E> {
    const self = this;
    return new Dataset<E>(async function* () {
      for await (const e of self) {
        const keep = await callOnElement(predicate, e);
        if (keep instanceof Tensor && keep.size !== 1) {
          throw new TypeError(`Dataset.filter: the predicate must return a boolean or a scalar tensor, got a tensor of shape [${keep.shape.join(", ")}]; reduce it, e.g. tf.all(...)`);
        }
        if (keep instanceof Tensor ? Boolean(keep.dataSync()[0]) : keep) yield e;
      }
    });
  }

  /** Splits batches back into elements (the inverse of batch), as tf.data's unbatch(). */
  unbatch(): Dataset<E> {
    const self = this;
    return new Dataset<E>(async function* () {
      for await (const e of self) {
        const parts = e instanceof Tensor ? [e] : (e as Tensor[]);
        const n = parts[0].shape[0];
        if (parts.some((t) => t.rank === 0 || t.shape[0] !== n)) {
          throw new RangeError(`Dataset.unbatch: the element's tensors must share a first (batch) dimension, got shapes ${parts.map((t) => `[${t.shape.join(", ")}]`).join(", ")}`);
        }
        for (let i = 0; i < n; i++) yield (e instanceof Tensor ? rowOf(e, i) : parts.map((t) => rowOf(t, i))) as E;
      }
    });
  }

  /** Prepares up to `bufferSize` elements ahead of the consumer (AUTOTUNE: a few). */
  prefetch(bufferSize: number): Dataset<E> {
    if (bufferSize === AUTOTUNE) bufferSize = AUTOTUNE_PREFETCH;
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new RangeError(`Dataset.prefetch: bufferSize must be a positive integer or data.AUTOTUNE, got ${valueText(bufferSize)}`);
    const self = this;
    return new Dataset<E>(async function* () {
      const it = self[Symbol.asyncIterator]();
      const pending: Promise<IteratorResult<E>>[] = [];
      for (let i = 0; i < bufferSize; i++) pending.push(it.next());
      while (true) {
        const r = await (pending.shift() as Promise<IteratorResult<E>>);
        if (r.done) return;
        pending.push(it.next());
        yield r.value;
      }
    });
  }

  /** Every element, in order. */
  async toArray(): Promise<E[]> {
    const out: E[] = [];
    for await (const e of this) out.push(e);
    return out;
  }
}
