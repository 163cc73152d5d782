/**
 * `data.Dataset`: a pipeline of elements (a tensor, or tf.data's structures: arrays such as [x, y]
 * and plain objects such as { title, body }, nested as deep as wanted; see ./element.ts) built
 * from tensors and consumed by async iteration, as tf.data: fromTensorSlices, fromTensors,
 * fromGenerator, range, counter, zip, sampleFromDatasets, chooseFromDatasets, shuffle (with a buffer),
 * batch, paddedBatch, rebatch, unbatch, map, flatMap, interleave, scan, filter, takeWhile, unique,
 * take, skip, shard, window, groupByWindow, bucketBySequenceLength, enumerate, concatenate, cache,
 * repeat, prefetch, ignoreErrors, apply, cardinality (and assertCardinality), elementSpec (and lamina's ensureSpec), reduce, asArrays,
 * getSingleElement. Each iteration starts the pipeline anew (shuffles differ per epoch unless
 * reshuffleEachIteration is false).
 *
 * zip and enumerate spread an array element's items into their list: where tf.data nests
 * ((x1, x2), y), lamina's zip gives the flat [x1, x2, y], as fit reads it (a model's inputs and
 * targets in one list); a tensor or a dict is one item ([{ title, body }, y]).
 */
import { Tensor, makeTensor, type NestedArray } from "../tensor/tensor.js";
import { allocStorage, type DType } from "../tensor/dtype.js";
import { type TensorLike } from "../tensor/creation.js";
import { generatorFor, RandomGenerator } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { checkOptionKeys } from "../tensor/option_keys.js";
import { flattenWithPath } from "../tree.js";
import { isPlainObject } from "../tensor/plain_object.js";
import {
  DatasetSpec, TensorSpec, type ElementSpec, isTensorsSpec, mapSpecs, mergeSpecs, specLeaves, specMismatch, specSignature, specText, tensorsSpec,
} from "./tensor_spec.js";
import {
  type PaddedBatchOptions, type PaddedShape, type PaddedShapes, type PaddingValues, asPaddedShape, fillUnknown, mapSpecShapes, padInto, paddedSpec, specsLike,
} from "./padded_shapes.js";
import {
  type Element, type ElementBound, checkElement, describe as describeValue, leavesOf, mapLeaves, packLike, pathText, rowOf, sharedFirstDim,
  structureText, structureWords, toElement,
} from "./element.js";
import { booleanOption } from "../tensor/option_checks.js";

export type { Element, ElementBound, ElementDict, Parts } from "./element.js";
export { DatasetSpec, TensorSpec, type ElementSpec, type SpecShape, specText } from "./tensor_spec.js";
export type { PaddedBatchOptions, PaddedShape, PaddedShapes, PaddingValues } from "./padded_shapes.js";

/** What fromTensorSlices/fromTensors take: tensors or tf.constant's numbers, in arrays and plain objects. */
export type ElementLike = Tensor | TensorLike | readonly ElementLike[] | { readonly [key: string]: ElementLike };

/** What a dataset yields: an element, or, for a dataset made by window(), a dataset of elements. */
export type DatasetItem = Element | Dataset<any>;

/** tf.data.AUTOTUNE: lets the pipeline pick a buffer size (prefetch takes a few elements). */
export const AUTOTUNE = -1;
const AUTOTUNE_PREFETCH = 2;

/** tf.data.INFINITE_CARDINALITY: what cardinality() returns for an endless dataset (repeat()). */
export const INFINITE_CARDINALITY = -1;
/** tf.data.UNKNOWN_CARDINALITY: what cardinality() returns when the count is not known without reading (filter, fromGenerator). */
export const UNKNOWN_CARDINALITY = -2;

const known = (n: number): boolean => n >= 0;

/**
 * A function given an element: whole when it declares one parameter, or an array element's items
 * as its arguments when it declares two or more (tf.data's unpacking of tuples). TypeScript cannot
 * type a parameter by how many parameters the function declares, and overloads for the two forms
 * leave `(x, y) => ...` untyped (the one-parameter overload is tried first and fixes them as any),
 * so there is one form: the first parameter is typed as both the element and its first item (an
 * intersection: `ds.map((x, y) => ...)` and `ds.map(([x, y]) => ...)` both infer), the others as
 * the items after it.
 */
export type ElementFn<E, R> = (first: FirstArg<E>, ...rest: RestArgs<E>) => R;
/** The first parameter of an ElementFn: the element, and for an array element its first item too. */
export type FirstArg<E> = E extends readonly Element[] ? E & E[0] : E;
/** The parameters after the first of an ElementFn: an array element's later items. */
export type RestArgs<E> = E extends readonly [unknown, ...infer R] ? R : E extends readonly (infer X)[] ? X[] : [];

/**
 * Calls a map/filter function on an element: tf.data's unpacking of a tuple into the arguments
 * for a function declaring two or more parameters, the element whole otherwise (a dict element
 * is always passed whole, as tf.data passes it).
 */
function callOnElement<E, R>(fn: ElementFn<E, R>, e: E): R {
  if (Array.isArray(e) && fn.length >= 2) return (fn as (...parts: unknown[]) => R)(...(e as unknown[]));
  return (fn as unknown as (e: E) => R)(e);
}

/** Checks fromGenerator's outputSignature: TensorSpecs nested in arrays and objects. */
function checkSignature(sig: unknown, where: string): void {
  if (!isTensorsSpec(sig)) throw new TypeError(`${where}: outputSignature must be a TensorSpec, or arrays and objects of them such as [new data.TensorSpec([null, 2], "float32"), new data.TensorSpec([], "int32")], got ${describe(sig)}`);
}

/** Checks a generated element against outputSignature, naming the place at fault. */
function checkAgainstSignature(e: unknown, sig: ElementSpec, where: string): void {
  const m = specMismatch(e, sig);
  if (m !== null) throw new TypeError(`${where} does not match outputSignature ${specText(sig)}: ${m}`);
}

/** What a value is, for messages: a window's dataset says how to read it. */
function describe(v: unknown): string {
  if (v instanceof Dataset) return "a Dataset (a window: read it with flatMap, e.g. ds.flatMap((w) => w.batch(n)))";
  return describeValue(v);
}

/** Checks that `e` is an element (not a window's dataset), naming `where` and the fix. */
function checkItem(e: unknown, where: string): asserts e is Element {
  if (e instanceof Dataset) throw new TypeError(`${where}: an element must be a tensor, or arrays and objects of tensors, got ${describe(e)}`);
  checkElement(e, where);
}

/** The items zip and enumerate put side by side for an element: an array's items (lamina's flat tuples), anything else whole. */
function itemsOf(e: unknown, where: string): Element[] {
  checkItem(e, where);
  return Array.isArray(e) ? e : [e];
}

/** The structure (a tensor, a tuple of k, a dict with the same keys, nested alike) every element of a batch must share. */
function checkSameStructure(items: readonly Element[], where: string): void {
  const first = structureText(items[0]);
  const i = items.findIndex((e) => structureText(e) !== first);
  if (i < 0) return;
  throw new TypeError(`${where}: element ${i} of the batch is ${structureWords(items[i])} but element 0 is ${structureWords(items[0])}; every element must have the same structure (check what map returns)`);
}

/** take/skip's count: a whole number; a negative one means "all", as tf.data. */
function checkCount(count: number, where: string, negative: string): void {
  if (!Number.isInteger(count)) throw new RangeError(`${where}: count must be an integer (a negative one, e.g. -1, ${negative}), got ${valueText(count)}`);
}

function checkPositive(n: unknown, where: string, name: string): asserts n is number {
  if (!Number.isInteger(n) || (n as number) < 1) throw new RangeError(`${where}: ${name} must be a positive integer, got ${valueText(n)}`);
}

function checkBoolean(v: unknown, where: string, name: string): void {
  booleanOption(where, name, v, false);
}

/** Stacks one component of a batch's elements; `component` names it in a structure ("" for a single tensor). */
function stack(items: Tensor[], where: string, component = ""): Tensor {
  const first = items[0];
  const shapeKey = first.shape.join(",");
  const out = allocStorage(first.dtype, items.length * first.size);
  items.forEach((t, i) => {
    if (t.dtype !== first.dtype || t.shape.join(",") !== shapeKey) {
      throw new Error(`${where}: cannot batch elements ${component === "" ? "" : `whose component ${component} has `}shapes [${first.shape.join(", ")}] ${first.dtype} and [${t.shape.join(", ")}] ${t.dtype}; every element must have the same shape and dtype${where === "Dataset.batch" ? " (paddedBatch pads them to one shape)" : ""}`);
    }
    (out as Uint8Array).set(t.dataSync() as Uint8Array, i * first.size);
  });
  return makeTensor(out, [items.length, ...first.shape], first.dtype);
}

/** Stacks a batch's elements (each checked, all of one structure) part by part along a new first axis. */
function stackBatch(items: Element[], where: string): Element {
  items.forEach((e) => checkItem(e, where));
  checkSameStructure(items, where);
  const leaves = items.map(leavesOf);
  const names = items[0] instanceof Tensor ? [""] : flattenWithPath(items[0]).map(([p]) => pathText(p));
  return packLike(items[0], leaves[0].map((_, c) => stack(leaves.map((l) => l[c]), where, names[c])));
}

/** What filter and takeWhile's predicates return, as a boolean: a boolean, or a scalar tensor's truth. */
// As tf.data's filter, which wants a scalar tf.bool: a number or a numeric tensor is refused rather
// than read as truthy, and so is undefined from a predicate that forgot its return.
function truthOf(keep: unknown, where: string): boolean {
  if (keep instanceof Tensor) {
    if (keep.size !== 1) throw new TypeError(`${where}: the predicate must return a boolean or a scalar tensor, got a tensor of shape [${keep.shape.join(", ")}]; reduce it, e.g. tf.all(...)`);
    if (keep.dtype !== "bool") throw new TypeError(`${where}: the predicate must return a boolean or a bool scalar tensor, got a tensor of dtype ${keep.dtype}; compare it, e.g. tf.greater(x, 0), or cast it with tf.cast(x, "bool")`);
    return Boolean(keep.dataSync()[0]);
  }
  if (typeof keep !== "boolean") throw new TypeError(`${where}: the predicate must return a boolean or a bool scalar tensor, got ${keep === undefined ? "undefined (does the predicate return its result?)" : typeof keep}`);
  return keep;
}

/** A key or size returned by groupByWindow's functions: an integer, or an integer scalar tensor (int32/int64), as a number. */
function integerOf(v: unknown, where: string, what: string): number {
  let n: unknown = v;
  if (v instanceof Tensor) {
    if (v.size !== 1 || v.rank !== 0 || !["int32", "int64"].includes(v.dtype)) throw new TypeError(`${where}: ${what} must be an integer or an int32/int64 scalar tensor, got ${describe(v)}`);
    n = Number(v.dataSync()[0]);
  }
  if (!Number.isSafeInteger(n)) throw new TypeError(`${where}: ${what} must be an integer or an int32/int64 scalar tensor, got ${describe(v)}`);
  return n as number;
}

/** A scalar tensor holding `v` (int32 and float dtypes in a typed array, int64 as a BigInt). */
function scalar(v: number, dtype: DType): Tensor {
  const data = allocStorage(dtype, 1);
  if (data instanceof BigInt64Array) data[0] = BigInt(v);
  else data[0] = v;
  return makeTensor(data, [], dtype);
}

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

export interface InterleaveOptions {
  /** How many datasets are read at once; required (tf.data's AUTOTUNE default depends on the machine). */
  cycleLength?: number;
  /** Elements taken from one dataset before moving to the next; default 1. */
  blockLength?: number;
  /** Accepted, as tf.data takes it; lamina reads sequentially, in tf.data's deterministic order. */
  numParallelCalls?: number;
  /** Accepted; the order is always tf.data's deterministic one. */
  deterministic?: boolean;
}

/** batchSize of datasets made directly by batch(): Keras' split_dataset reads tf.data's _batch_size to unbatch and rebatch. */
const batchSizes = new WeakMap<object, number>();

/** The batch size of a dataset made directly by `batch()` (not by a later map, prefetch...), else null, as Keras' get_batch_size. */
export function batchSizeOf(ds: Dataset<Element>): number | null {
  return batchSizes.get(ds) ?? null;
}

/** unbatch's element spec: each tensor's first (batch) dimension dropped. */
function unbatchedSpec(spec: ElementSpec, where: string): ElementSpec {
  return mapSpecs(spec, (t) => {
    if (t.rank === 0) throw new RangeError(`${where}: the elements hold a scalar (${t}); unbatch splits the tensors along their first (batch) axis`);
    return new TensorSpec(t.shape.slice(1), t.dtype);
  });
}

/** An element's structure and dtypes as concatenate compares them, e.g. "an array of 2 tensors [float32, int32]". */
function signatureOf(e: DatasetItem): string {
  if (e instanceof Dataset) return "a dataset";
  if (e instanceof Tensor) return `a ${e.dtype} tensor`;
  if (Array.isArray(e) && e.every((t) => t instanceof Tensor)) return `an array of ${e.length} tensors [${e.map((t) => t.dtype).join(", ")}]`;
  return structureText(e, (t) => t.dtype);
}

/**
 * How a dataset's element spec is found: known when it is made (fromTensorSlices, range...),
 * derived from its inputs' specs (batch, zip, take...), or found only by running a function
 * (`run` names the step; map keeps its input and function to run it on one input element).
 */
type SpecRule =
  | { readonly known: ElementSpec }
  | { readonly from: readonly Dataset<any>[]; readonly derive: (specs: ElementSpec[]) => ElementSpec }
  | { readonly run: string; readonly mapped?: { readonly input: Dataset<any>; readonly fn: (e: any) => unknown } };

/** A step that ignoreErrors can replay one input element at a time (map, filter, prefetch): the outputs of one element. */
interface PerElement {
  readonly input: Dataset<any>;
  readonly apply: (e: any) => Promise<unknown[]>;
}

/** The rule of a step that keeps its input's elements as they are (take, shuffle, filter...). */
const sameAs = (ds: Dataset<any>): SpecRule => ({ from: [ds], derive: ([s]) => s });

/** Each TensorSpec with `lead` put before its shape (batch's new first axis). */
const withLead = (spec: ElementSpec, lead: number | null): ElementSpec => mapSpecs(spec, (t) => new TensorSpec([lead, ...t.shape], t.dtype));

/** The items zip and enumerate put side by side for a spec: a tuple's items, anything else whole (as itemsOf). */
const specItems = (spec: ElementSpec): ElementSpec[] => (Array.isArray(spec) ? spec : [spec]);

/** The spec of what a dataset yields: a DatasetSpec for a dataset (a window), else its tensors' shapes. */
async function itemSpec(e: unknown): Promise<ElementSpec> {
  return e instanceof Dataset ? new DatasetSpec(await e.inferElementSpec()) : tensorsSpec(e);
}

/** The first element of a fresh pass over `ds` (the pass is then closed), or null when it is empty. */
async function firstOf<E>(ds: AsyncIterable<E>): Promise<{ value: E } | null> {
  const it = ds[Symbol.asyncIterator]();
  const r = await it.next();
  await it.return?.();
  return r.done ? null : { value: r.value };
}

/** An element with each tensor as JavaScript values (asArrays): typed for a tensor or a tuple of tensors, else nested as the element. */
export type ElementArrays<E> = E extends Tensor ? NestedArray : E extends readonly Tensor[] ? { [K in keyof E]: NestedArray } : unknown;

/** An element with each tensor replaced by its arraySync() values. */
function arraysOf(e: Element): unknown {
  if (e instanceof Tensor) return e.arraySync();
  if (Array.isArray(e)) return e.map(arraysOf);
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, arraysOf(v)]));
}

/** Checks sampleFromDatasets/chooseFromDatasets' list: a non-empty array of datasets. */
function checkDatasetList(datasets: unknown, where: string): void {
  if (!Array.isArray(datasets) || datasets.length === 0) throw new TypeError(`${where}: datasets must be a non-empty array of Datasets, got ${describe(datasets)}`);
  datasets.forEach((d, i) => { if (!(d instanceof Dataset)) throw new TypeError(`${where}: item ${i} of datasets is ${describe(d)}, not a Dataset`); });
}

/** The spec covering every input's (sampleFromDatasets, chooseFromDatasets), or an error naming the first that differs. */
function mergedSpec(specs: ElementSpec[], where: string): ElementSpec {
  let out = specs[0];
  for (let i = 1; i < specs.length; i++) {
    const m = mergeNamed(out, specs[i], where);
    if (m === null) throw new TypeError(`${where}: dataset ${i}'s elements are ${specSignature(specs[i])} but dataset 0's are ${specSignature(specs[0])}; all must have the same structure and dtypes`);
    out = m;
  }
  return out;
}

/** mergeSpecs, its error for tensors of different ranks naming `where`. */
function mergeNamed(a: ElementSpec, b: ElementSpec, where: string): ElementSpec | null {
  try {
    return mergeSpecs(a, b);
  } catch (err) {
    throw new RangeError(`${where}: ${(err as Error).message}`);
  }
}

export class Dataset<E extends Element | Dataset<any> = Element> {
  /** The spec found by inferElementSpec for a step that runs a function, kept for later calls. */
  private inferred: Promise<ElementSpec> | null = null;

  private constructor(
    private readonly source: () => AsyncIterator<E>,
    private readonly count: number,
    private readonly specRule: SpecRule,
    /** For map, filter and prefetch: the input and what the step makes of one of its elements, so ignoreErrors can replay it element by element. */
    private readonly perElement: PerElement | null = null,
  ) {}

  /** A dataset over elements already in memory (fromTensors, the windows of window()). */
  private static fromItems<E extends Element | Dataset<any>>(items: readonly E[], spec: SpecRule): Dataset<E> {
    return new Dataset<E>(async function* () { yield* items; }, items.length, spec);
  }

  /**
   * tf.data's element_spec: the TensorSpec (shape, with null for a dimension that varies between
   * elements, and dtype) of every tensor of an element, nested as the elements are; a DatasetSpec
   * for window()'s datasets. `data.specText(ds.elementSpec)` writes it as tf.data prints it.
   * Known without reading data for every step lamina can follow: fromTensorSlices, fromTensors,
   * range, zip, batch (first dimension null, or batchSize with dropRemainder, as tf.data),
   * paddedBatch, rebatch, unbatch, window, enumerate, concatenate, and the steps that keep their
   * input's elements (take, skip, shuffle, filter, repeat, cache, prefetch...); fromGenerator when
   * given an `outputSignature`. tf.data traces map's, flatMap's and scan's functions to know what
   * they return; lamina does not trace them, so for those (and for steps after them) this getter
   * throws, naming the step, and `await ds.inferElementSpec()` finds the spec by running them.
   */
  get elementSpec(): ElementSpec {
    const r = this.specRule;
    if ("known" in r) return r.known;
    if ("from" in r) return r.derive(r.from.map((d) => d.elementSpec));
    throw new TypeError(`Dataset.elementSpec: the elements made by ${r.run} are not known without running its function (tf.data traces it, lamina does not); \`await ds.inferElementSpec()\` runs the pipeline up to one element to find them`);
  }

  /**
   * The element spec (see elementSpec), found by running the pipeline where a function decides it:
   * for map, one element is read from a fresh pass over its input (running every step before it,
   * e.g. filling a shuffle buffer) and the function is called on it once, so its side effects
   * (random draws, counters) happen once more; the shapes are that element's, except that a first
   * dimension equal to the input's batch size becomes null when the input is batched (its spec's
   * first dimensions null), as a map over batches keeps the batch. For flatMap, interleave, scan,
   * groupByWindow and fromGenerator the first element of a fresh pass gives the spec. Either way a
   * dimension that varies between elements in a way lamina cannot see (sequence lengths, say)
   * shows the size it has in that one element, where tf.data's traced spec says None:
   * declare such specs with ensureSpec (or fromGenerator's outputSignature). The result is kept:
   * later calls and later steps do not run the pipeline again. Steps whose spec is known return it
   * without reading anything.
   */
  async inferElementSpec(): Promise<ElementSpec> {
    const r = this.specRule;
    if ("known" in r) return r.known;
    if ("from" in r) {
      const specs: ElementSpec[] = [];
      for (const d of r.from) specs.push(await d.inferElementSpec());
      return r.derive(specs);
    }
    this.inferred ??= this.runForSpec(r);
    return this.inferred;
  }

  /** inferElementSpec for a step that runs a function (see there). */
  private async runForSpec(r: { readonly run: string; readonly mapped?: { readonly input: Dataset<any>; readonly fn: (e: any) => unknown } }): Promise<ElementSpec> {
    const empty = (): Error => new RangeError(`Dataset.inferElementSpec: the dataset made by ${r.run} yields no element, so running it cannot tell its element spec`);
    if (r.mapped === undefined) {
      const first = await firstOf(this);
      if (first === null) throw empty();
      return itemSpec(first.value);
    }
    const { input, fn } = r.mapped;
    const inputSpec: ElementSpec = await input.inferElementSpec();
    const first = await firstOf<unknown>(input);
    if (first === null) throw empty();
    const out = await fn(first.value);
    checkItem(out, "Dataset.map");
    const spec = tensorsSpec(out);
    const inputLeaves = specLeaves(inputSpec);
    const batched = inputLeaves.length > 0 && inputLeaves.every((t) => t.rank > 0 && t.shape[0] === null);
    if (!batched) return spec;
    const size = leavesOf(first.value as Element)[0].shape[0];
    return mapSpecs(spec, (t) => (t.rank > 0 && t.shape[0] === size ? new TensorSpec([null, ...t.shape.slice(1)], t.dtype) : t));
  }

  /**
   * Slices tensors along their first axis: element i is x[i] ([x[i], y[i]] for [x, y], { a: a[i],
   * b: b[i] } for { a, b }; every tensor must have the same first dimension). As
   * tf.data converts its argument, numbers and nested number arrays are made one tensor with
   * tf.constant's dtype rules (`fromTensorSlices([1, 2, 3])`: three int32 scalars;
   * `[[1, 2], [3, 4]]`: two rows); an array of tensors stays a tuple of components.
   */
  static fromTensorSlices(tensors: Tensor[]): Dataset<Tensor[]>;
  static fromTensorSlices(tensors: Tensor | TensorLike): Dataset<Tensor>;
  static fromTensorSlices<S extends ElementBound>(tensors: S): Dataset<S>;
  static fromTensorSlices(tensors: ElementLike): Dataset<Element>;
  static fromTensorSlices(tensors: ElementLike): Dataset<Element> {
    const where = "Dataset.fromTensorSlices";
    const element = toElement(tensors, where);
    const n = sharedFirstDim(element, where, "it needs a first axis to slice (fromTensors makes a dataset of one element)");
    return new Dataset<Element>(async function* () {
      for (let i = 0; i < n; i++) yield mapLeaves(element, (t) => rowOf(t, i));
    }, n, { known: mapSpecs(tensorsSpec(element), (t) => new TensorSpec(t.shape.slice(1), t.dtype)) });
  }

  /** A dataset of one element, `element` whole (tf.data's from_tensors); numbers are converted as in fromTensorSlices. */
  static fromTensors(element: Tensor[]): Dataset<Tensor[]>;
  static fromTensors(element: Tensor | TensorLike): Dataset<Tensor>;
  static fromTensors<S extends ElementBound>(element: S): Dataset<S>;
  static fromTensors(element: ElementLike): Dataset<Element>;
  static fromTensors(element: ElementLike): Dataset<Element> {
    const e = toElement(element, "Dataset.fromTensors");
    return Dataset.fromItems<Element>([e], { known: tensorsSpec(e) });
  }

  /**
   * A dataset over elements produced by a (sync or async) generator function; its cardinality is
   * unknown. `outputSignature` (tf.data's output_signature: TensorSpecs nested as the elements)
   * gives the element spec, and every element is checked against it (structure, dtype, and each
   * known dimension); without it, inferElementSpec reads the first element.
   */
  static fromGenerator<E extends Element>(gen: () => Iterable<E> | AsyncIterable<E>, opts: { outputSignature?: ElementSpec } = {}): Dataset<E> {
    const where = "Dataset.fromGenerator";
    if (typeof gen !== "function") throw new TypeError(`${where}: pass a generator function (e.g. function* () { yield x; }), got ${describe(gen)}`);
    checkOptionKeys(where, opts, ["outputSignature"]);
    const signature = opts.outputSignature;
    if (signature !== undefined) checkSignature(signature, where);
    return new Dataset<E>(async function* () {
      let i = 0;
      for await (const e of gen()) {
        if (signature !== undefined) checkAgainstSignature(e, signature, `${where}: element ${i}`);
        i++;
        yield e;
      }
    }, UNKNOWN_CARDINALITY, signature === undefined ? { run: "fromGenerator (pass { outputSignature } to give it)" } : { known: signature });
  }

  /**
   * tf.data's Dataset.range: range(stop), range(start, stop) or range(start, stop, step), scalar
   * elements as Python's range gives them. tf.data gives int64; lamina gives int32 (as its
   * tf.range and integer constants, since int64 tensors only support creation, comparison and
   * shape ops), or the dtype passed as a last argument `{ dtype: "int64" }` (also float32/float64).
   */
  static range(stop: number, opts?: { dtype?: DType }): Dataset<Tensor>;
  static range(start: number, stop: number, opts?: { dtype?: DType }): Dataset<Tensor>;
  static range(start: number, stop: number, step: number, opts?: { dtype?: DType }): Dataset<Tensor>;
  static range(...args: (number | { dtype?: DType } | undefined)[]): Dataset<Tensor> {
    const where = "Dataset.range";
    const last = args[args.length - 1];
    const opts = typeof last === "object" || (last === undefined && args.length > 1) ? (args.pop() ?? {}) as { dtype?: DType } : {};
    checkOptionKeys(where, opts, ["dtype"]);
    const dtype = opts.dtype ?? "int32";
    if (!["int32", "int64", "float32", "float64"].includes(dtype)) throw new TypeError(`${where}: dtype must be int32, int64, float32 or float64, got ${valueText(dtype)}`);
    if (args.length < 1 || args.length > 3) throw new TypeError(`${where}: pass (stop), (start, stop) or (start, stop, step), got ${args.length} numbers`);
    args.forEach((a) => { if (!Number.isSafeInteger(a)) throw new TypeError(`${where}: start, stop and step must be integers (as tf.data's int64 arguments), got ${valueText(a)}`); });
    const [start, stop, step] = args.length === 1 ? [0, args[0] as number, 1] : [args[0] as number, args[1] as number, (args[2] ?? 1) as number];
    if (step === 0) throw new RangeError(`${where}: step must not be 0`);
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (dtype === "int32" && n > 0) {
      const end = start + (n - 1) * step;
      if (Math.min(start, end) < INT32_MIN || Math.max(start, end) > INT32_MAX) throw new RangeError(`${where}: values from ${start} to ${end} do not fit int32; pass { dtype: "int64" }`);
    }
    return new Dataset<Tensor>(async function* () {
      for (let i = 0; i < n; i++) yield scalar(start + i * step, dtype);
    }, n, { known: new TensorSpec([], dtype) });
  }

  /**
   * tf.data's Dataset.counter: start, start + step, start + 2 step... endlessly (its cardinality
   * INFINITE_CARDINALITY), scalars of int32 (tf.data: int64; see range) or `{ dtype }`.
   */
  static counter(start = 0, step = 1, opts: { dtype?: DType } = {}): Dataset<Tensor> {
    const where = "Dataset.counter";
    checkOptionKeys(where, opts, ["dtype"]);
    const dtype = opts.dtype ?? "int32";
    if (!["int32", "int64", "float32", "float64"].includes(dtype)) throw new TypeError(`${where}: dtype must be int32, int64, float32 or float64, got ${valueText(dtype)}`);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(step)) throw new TypeError(`${where}: start and step must be integers, got ${valueText(start)} and ${valueText(step)}`);
    return new Dataset<Tensor>(async function* () {
      for (let v = start; ; v += step) {
        if (dtype === "int32" && (v > INT32_MAX || v < INT32_MIN)) throw new RangeError(`${where}: ${v} does not fit int32; pass { dtype: "int64" }`);
        yield scalar(v, dtype);
      }
    }, INFINITE_CARDINALITY, { known: new TensorSpec([], dtype) });
  }

  /**
   * tf.data's Dataset.zip: element i is the elements i of every dataset, side by side; it stops
   * at the shortest. `zip([a, b])` or `zip(a, b)`. An array element's items are spread into the
   * list (a dataset of [x, y] zipped with one of z gives [x, y, z], where tf.data nests
   * ((x, y), z)); a tensor or a dict is one item (zipping a dataset of { a, b } dicts with one of
   * labels gives [{ a, b }, y], as fit reads it).
   */
  static zip(datasets: readonly Dataset<Tensor | Tensor[]>[]): Dataset<Tensor[]>;
  static zip(...datasets: Dataset<Tensor | Tensor[]>[]): Dataset<Tensor[]>;
  static zip(datasets: readonly Dataset<Element>[]): Dataset<Element[]>;
  static zip(...datasets: Dataset<Element>[]): Dataset<Element[]>;
  static zip(...args: (Dataset<Element> | readonly Dataset<Element>[])[]): Dataset<Element[]> {
    const where = "Dataset.zip";
    const list = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as Dataset<Element>[];
    if (list.length === 0) throw new TypeError(`${where}: pass at least one dataset`);
    list.forEach((d, i) => { if (!(d instanceof Dataset)) throw new TypeError(`${where}: item ${i} is ${describe(d)}, not a Dataset`); });
    let count = INFINITE_CARDINALITY;
    for (const d of list) {
      const n = d.cardinality();
      if (n === UNKNOWN_CARDINALITY) { count = n; break; }
      if (n !== INFINITE_CARDINALITY && (count === INFINITE_CARDINALITY || n < count)) count = n;
    }
    return new Dataset<Element[]>(async function* () {
      const its = list.map((d) => d[Symbol.asyncIterator]());
      try {
        while (true) {
          const out: Element[] = [];
          for (const it of its) {
            const r = await it.next();
            if (r.done) return;
            out.push(...itemsOf(r.value, where));
          }
          yield out;
        }
      } finally {
        await Promise.all(its.map((it) => it.return?.()));
      }
    }, count, { from: list, derive: (specs) => specs.flatMap(specItems) });
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    return this.source();
  }

  /**
   * How many elements the dataset yields, as tf.data's cardinality(): the count when it is known
   * without reading the data, INFINITE_CARDINALITY (-1) for an endless one (repeat()), or
   * UNKNOWN_CARDINALITY (-2) after filter, flatMap, interleave, unbatch or fromGenerator.
   */
  cardinality(): number {
    return this.count;
  }

  /**
   * Fills a buffer of `bufferSize` elements and emits a random one of them each step, as tf.data.
   * `seed` fixes the orders; each pass (epoch) shuffles anew unless `reshuffleEachIteration` is
   * false, which gives every pass the first pass's order (without a seed, one drawn from
   * tf.random's generator on the first pass).
   */
  shuffle(bufferSize: number, opts: { seed?: number; reshuffleEachIteration?: boolean } = {}): Dataset<E> {
    const where = "Dataset.shuffle";
    checkOptionKeys(where, opts, ["seed", "reshuffleEachIteration"]);
    checkPositive(bufferSize, where, "bufferSize");
    // NaN would seed like 0, silently: the same order for every "random" seed.
    if (opts.seed !== undefined && !(typeof opts.seed === "number" && Number.isFinite(opts.seed))) {
      throw new RangeError(`${where}: seed must be a finite number, got ${valueText(opts.seed)}; leave it out to use tf.random's generator`);
    }
    checkBoolean(opts.reshuffleEachIteration, where, "reshuffleEachIteration");
    const reshuffle = opts.reshuffleEachIteration ?? true;
    const seeded = opts.seed === undefined ? null : new RandomGenerator(opts.seed);
    let fixedSeed = opts.seed ?? null;
    const self = this;
    return new Dataset<E>(async function* () {
      let g: RandomGenerator;
      if (reshuffle) g = seeded ?? generatorFor();
      else {
        fixedSeed ??= generatorFor().nextInt(2 ** 32);
        g = new RandomGenerator(fixedSeed);
      }
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
    }, this.count, sameAs(this));
  }

  /** The cardinality of batches of `size` (batch, paddedBatch). */
  private batchedCount(size: number, dropRemainder: boolean | undefined): number {
    const n = this.count;
    if (!known(n)) return n;
    return dropRemainder ? Math.floor(n / size) : Math.ceil(n / size);
  }

  /** Groups consecutive elements by `batchSize`, making each batch with `make`. */
  private grouped(batchSize: number, dropRemainder: boolean | undefined, make: (items: Element[]) => Element, spec: SpecRule): Dataset<E> {
    const self = this;
    return new Dataset<E>(async function* () {
      let items: E[] = [];
      for await (const e of self) {
        items.push(e);
        if (items.length === batchSize) { yield make(items as Element[]) as E; items = []; }
      }
      if (items.length > 0 && !dropRemainder) yield make(items as Element[]) as E;
    }, this.batchedCount(batchSize, dropRemainder), spec);
  }

  /** Groups `batchSize` consecutive elements, stacking along a new first axis. */
  batch(batchSize: number, opts: { dropRemainder?: boolean } = {}): Dataset<E> {
    checkPositive(batchSize, "Dataset.batch", "batchSize");
    const make = (items: Element[]): Element => stackBatch(items, "Dataset.batch");
    const out = this.grouped(batchSize, opts.dropRemainder, make, { from: [this], derive: ([s]) => withLead(s, opts.dropRemainder ? batchSize : null) });
    batchSizes.set(out, batchSize);
    return out;
  }

  /**
   * tf.data's padded_batch: like batch, but the elements of a batch may differ in shape; each
   * component is padded (at the end of every dimension, with `paddingValues`, default 0) to the
   * batch's longest along each dimension, or to `paddedShapes` where given (`null` or -1 in a shape
   * takes the batch's longest). The components must keep their rank and dtype across elements.
   */
  paddedBatch(batchSize: number, opts: PaddedBatchOptions = {}): Dataset<E> {
    const where = "Dataset.paddedBatch";
    checkOptionKeys(where, opts, ["paddedShapes", "paddingValues", "dropRemainder"]);
    checkPositive(batchSize, where, "batchSize");
    checkBoolean(opts.dropRemainder, where, "dropRemainder");
    const { paddedShapes, paddingValues } = opts;
    const isValues = (v: unknown): boolean => typeof v === "number" || (Array.isArray(v) && v.every(isValues)) || (isPlainObject(v) && Object.values(v).every(isValues));
    if (paddingValues !== undefined && !isValues(paddingValues)) {
      throw new TypeError(`${where}: paddingValues must be a number or one number per component, got ${valueText(paddingValues)}`);
    }
    const isShapes = (s: unknown): boolean => s === null || asPaddedShape(s) !== null || (Array.isArray(s) && s.every(isShapes)) || (isPlainObject(s) && Object.values(s).every(isShapes));
    if (paddedShapes !== undefined && !isShapes(paddedShapes)) {
      throw new TypeError(`${where}: paddedShapes must be a shape (sizes, null or -1 for the batch's longest) or one shape per component, got ${valueText(paddedShapes)}`);
    }
    const make = (items: Element[]): Element => {
      items.forEach((e) => checkItem(e, where));
      checkSameStructure(items, where);
      const like = items[0];
      const single = like instanceof Tensor;
      const leafPaths = flattenWithPath(like).map(([p]) => p);
      const k = leafPaths.length;
      // A single tensor's paddedShapes is one shape; a structure's, one per component nested alike (null: the batch's longest in every dimension).
      let shapes: (PaddedShape | null)[] = new Array(k).fill(null);
      if (paddedShapes !== undefined) {
        const given = single ? [paddedShapes] : specsLike(like, paddedShapes);
        const parsed = given?.map((s) => (s === null && !single ? null : asPaddedShape(s)));
        if (!given || !parsed || parsed.some((s, i) => s === null && given[i] !== null)) {
          throw new TypeError(`${where}: paddedShapes ${valueText(paddedShapes)} does not match the elements: ${single ? "a single tensor takes one shape, e.g. [null, 5] (null or -1: the batch's longest)" : Array.isArray(like) && k === like.length ? `an array of ${k} tensors takes ${k} shapes, e.g. [[null], []]` : `the elements are ${structureText(like)}; give a shape for each tensor, nested alike`}`);
        }
        shapes = parsed;
      }
      let values: readonly number[] = new Array(k).fill(0);
      if (typeof paddingValues === "number") values = new Array(k).fill(paddingValues);
      else if (paddingValues !== undefined) {
        const given = single ? (Array.isArray(paddingValues) && paddingValues.length === 1 ? paddingValues : null) : specsLike(like, paddingValues);
        if (!given || given.some((v) => typeof v !== "number")) {
          const count = Array.isArray(paddingValues) ? `${paddingValues.length} values` : structureText(paddingValues);
          throw new TypeError(`${where}: paddingValues has ${count} but the elements have ${single ? "1 component" : Array.isArray(like) && k === like.length ? `${k} components` : `the structure ${structureText(like)}`}; pass one number, or one per component`);
        }
        values = given as number[];
      }
      const leaves = items.map(leavesOf);
      const out = leafPaths.map((path, c) => {
        const ts = leaves.map((l) => l[c]);
        const { rank, dtype } = ts[0];
        const name = single ? "the element" : `component ${pathText(path)}`;
        const odd = ts.findIndex((t) => t.rank !== rank || t.dtype !== dtype);
        if (odd >= 0) throw new TypeError(`${where}: ${name} of element ${odd} of the batch is ${describe(ts[odd])} but element 0's is ${describe(ts[0])}; padding keeps the rank and dtype`);
        const declared = shapes[c];
        if (declared !== null && declared.length !== rank) throw new RangeError(`${where}: paddedShapes for ${name} has rank ${declared.length} but the tensors have rank ${rank} (shape [${ts[0].shape.join(", ")}])`);
        const target = Array.from({ length: rank }, (_, d) => {
          const longest = Math.max(...ts.map((t) => t.shape[d]));
          const want = declared?.[d];
          if (want === undefined || want === null || want === -1) return longest;
          if (longest > want) throw new RangeError(`${where}: cannot pad ${name} of shape [${ts[ts.findIndex((t) => t.shape[d] > want)].shape.join(", ")}] to [${declared!.map((s) => s ?? -1).join(", ")}]: dimension ${d} is larger than ${want}`);
          return want;
        });
        const pad = values[c];
        if (dtype !== "float32" && dtype !== "float64" && !Number.isInteger(pad)) throw new TypeError(`${where}: padding value ${pad} cannot be stored in ${name}'s dtype ${dtype}`);
        const size = target.reduce((a, b) => a * b, 1);
        const data = allocStorage(dtype, ts.length * size);
        if (data instanceof BigInt64Array) data.fill(BigInt(pad));
        else (data as Float64Array).fill(dtype === "bool" ? Number(pad !== 0) : pad);
        ts.forEach((t, b) => padInto(data, b * size, t.dataSync(), t.shape, target));
        return makeTensor(data, [ts.length, ...target], dtype);
      });
      return packLike(like, out);
    };
    return this.grouped(batchSize, opts.dropRemainder, make, { from: [this], derive: ([s]) => paddedSpec(s, paddedShapes, opts.dropRemainder ? batchSize : null) });
  }

  /**
   * Applies `fn` to every element (sync or async). As tf.data unpacks a tuple into the function's
   * arguments, an element [x, y] is passed as (x, y) to a function of two or more parameters
   * (`ds.map((x, y) => [tf.div(x, 255), y])`); a function of one parameter gets the element whole
   * (`ds.map(([x, y]) => ...)`). Both infer without annotations (see ElementFn).
   */
  map<F extends ElementBound>(fn: ElementFn<E, F | Promise<F>>): Dataset<F> {
    const self = this;
    return new Dataset<F>(async function* () {
      for await (const e of self) {
        const out = await callOnElement(fn, e);
        checkItem(out, "Dataset.map");
        yield out;
      }
    }, this.count, { run: "map", mapped: { input: this, fn: (e: E) => callOnElement(fn, e) } }, {
      input: this,
      apply: async (e: E) => {
        const out = await callOnElement(fn, e);
        checkItem(out, "Dataset.map");
        return [out];
      },
    });
  }

  /**
   * tf.data's flat_map: `fn` maps each element to a dataset (unpacking [x, y] as map does), and
   * the elements of those datasets follow one another. With window():
   * `ds.window(3).flatMap((w) => w.batch(3))`.
   */
  flatMap<F extends Element | Dataset<any>>(fn: ElementFn<E, Dataset<F> | Promise<Dataset<F>>>): Dataset<F> {
    const self = this;
    return new Dataset<F>(async function* () {
      for await (const e of self) yield* await datasetFrom(fn, e, "Dataset.flatMap");
    }, UNKNOWN_CARDINALITY, { run: "flatMap" });
  }

  /**
   * tf.data's interleave with its deterministic order: `fn` maps each element to a dataset;
   * `cycleLength` of them are read at once, `blockLength` (default 1) elements from each in turn,
   * and one that ends is replaced by the next element's dataset. Runs sequentially:
   * `numParallelCalls` and `deterministic` are accepted and change nothing. `cycleLength` must be
   * given (tf.data's default, AUTOTUNE, uses the number of CPU cores, so the order would depend on
   * the machine).
   */
  interleave<F extends Element | Dataset<any>>(
    fn: ElementFn<E, Dataset<F> | Promise<Dataset<F>>>,
    opts: InterleaveOptions = {},
  ): Dataset<F> {
    const where = "Dataset.interleave";
    checkOptionKeys(where, opts, ["cycleLength", "blockLength", "numParallelCalls", "deterministic"]);
    if (opts.cycleLength === undefined || opts.cycleLength === AUTOTUNE) {
      throw new RangeError(`${where}: pass cycleLength (how many datasets are read at once); tf.data's default, AUTOTUNE, is the number of CPU cores, which would make the order depend on the machine`);
    }
    const cycleLength = opts.cycleLength, blockLength = opts.blockLength ?? 1;
    checkPositive(cycleLength, where, "cycleLength");
    checkPositive(blockLength, where, "blockLength");
    const self = this;
    return new Dataset<F>(async function* () {
      const input = self[Symbol.asyncIterator]();
      const slots: (AsyncIterator<F> | null)[] = new Array(cycleLength).fill(null);
      let open = 0, endOfInput = false, cycle = 0, block = 0;
      const advance = (): void => { block = 0; cycle = (cycle + 1) % cycleLength; };
      while (!endOfInput || open > 0) {
        const current = slots[cycle];
        if (current !== null) {
          const r = await current.next();
          if (!r.done) {
            if (++block === blockLength) advance();
            yield r.value;
            continue;
          }
          slots[cycle] = null;
          open--;
          advance();
        } else if (!endOfInput) {
          const r = await input.next();
          if (r.done) endOfInput = true;
          else {
            slots[cycle] = (await datasetFrom(fn, r.value, where))[Symbol.asyncIterator]();
            open++;
          }
        } else advance();
      }
    }, UNKNOWN_CARDINALITY, { run: "interleave" });
  }

  /** Only the first `count` elements; a negative count (-1) keeps them all, as tf.data. */
  take(count: number): Dataset<E> {
    checkCount(count, "Dataset.take", "keeps all of them");
    if (count < 0) return this;
    const n = this.count;
    const self = this;
    return new Dataset<E>(async function* () {
      if (count === 0) return;
      let i = 0;
      for await (const e of self) { yield e; if (++i >= count) return; }
    }, n === UNKNOWN_CARDINALITY ? n : n === INFINITE_CARDINALITY ? count : Math.min(n, count), sameAs(this));
  }

  /** Everything after the first `count` elements; a negative count (-1) skips them all, as tf.data. */
  skip(count: number): Dataset<E> {
    checkCount(count, "Dataset.skip", "skips all of them");
    const n = this.count;
    const self = this;
    return new Dataset<E>(async function* () {
      if (count < 0) return;
      let i = 0;
      for await (const e of self) if (i++ >= count) yield e;
    }, count < 0 ? 0 : known(n) ? Math.max(0, n - count) : n, sameAs(this));
  }

  /**
   * tf.data's shard: every `numShards`-th element, starting at `index` (elements i with
   * i % numShards === index), so that `numShards` workers each read a different part.
   */
  shard(numShards: number, index: number): Dataset<E> {
    const where = "Dataset.shard";
    checkPositive(numShards, where, "numShards");
    if (!Number.isInteger(index) || index < 0 || index >= numShards) throw new RangeError(`${where}: index must be an integer from 0 to numShards - 1 = ${numShards - 1}, got ${valueText(index)}`);
    const n = this.count;
    const self = this;
    return new Dataset<E>(async function* () {
      let i = 0;
      for await (const e of self) if (i++ % numShards === index) yield e;
    }, known(n) ? Math.floor(n / numShards) + (index < n % numShards ? 1 : 0) : n, sameAs(this));
  }

  /**
   * tf.data's window: groups the elements into windows of `size`, a window starting every `shift`
   * elements (default `size`) and taking every `stride`-th element (default 1); the last windows
   * may be shorter unless `dropRemainder`. tf.data yields a dataset per window (a tuple of
   * datasets, one per component, for [x, y] elements); lamina's window is one dataset of the
   * window's elements in both cases. Read the windows with flatMap:
   * `ds.window(3, { shift: 1 }).flatMap((w) => w.batch(3))`.
   */
  window(size: number, opts: { shift?: number; stride?: number; dropRemainder?: boolean } = {}): Dataset<Dataset<E>> {
    const where = "Dataset.window";
    checkOptionKeys(where, opts, ["shift", "stride", "dropRemainder"]);
    checkPositive(size, where, "size");
    const shift = opts.shift ?? size, stride = opts.stride ?? 1;
    checkPositive(shift, where, "shift");
    checkPositive(stride, where, "stride");
    checkBoolean(opts.dropRemainder, where, "dropRemainder");
    const dropRemainder = opts.dropRemainder ?? false;
    const n = this.count;
    let count = n;
    if (known(n)) {
      const rest = n - ((size - 1) * stride + 1);
      count = dropRemainder ? (rest < 0 ? 0 : Math.floor(rest / shift) + 1) : Math.ceil(n / shift);
    }
    const self = this;
    return new Dataset<Dataset<E>>(async function* () {
      const it = self[Symbol.asyncIterator]();
      // buf[0] is the element at index `base` of the input.
      const buf: E[] = [];
      let base = 0, ended = false;
      const readThrough = async (index: number): Promise<void> => {
        while (!ended && base + buf.length <= index) {
          const r = await it.next();
          if (r.done) ended = true;
          else buf.push(r.value);
        }
      };
      for (let start = 0; ; start += shift) {
        await readThrough(start);
        if (base + buf.length <= start) return;
        buf.splice(0, start - base);
        base = start;
        await readThrough(start + (size - 1) * stride);
        const win: E[] = [];
        for (let j = 0; j < size && j * stride < buf.length; j++) win.push(buf[j * stride]);
        if (win.length < size && dropRemainder) return;
        yield Dataset.fromItems(win, sameAs(self));
      }
    }, count, { from: [this], derive: ([s]) => new DatasetSpec(s) });
  }

  /**
   * tf.data's enumerate: element i becomes [start + i, element], the index an int32 scalar
   * (int64 in tf.data; see Dataset.range). An element [x, y] gives the flat [i, x, y]; a dict
   * element d gives [i, d].
   */
  enumerate(start = 0): Dataset<E extends Tensor | Tensor[] ? Tensor[] : Element[]> {
    const where = "Dataset.enumerate";
    if (!Number.isInteger(start)) throw new TypeError(`${where}: start must be an integer, got ${valueText(start)}`);
    const self = this;
    return new Dataset<Element[]>(async function* () {
      let i = start;
      for await (const e of self) {
        if (i > INT32_MAX || i < INT32_MIN) throw new RangeError(`${where}: index ${i} does not fit int32`);
        yield [scalar(i++, "int32"), ...itemsOf(e, where)];
      }
    }, this.count, { from: [this], derive: ([s]) => [new TensorSpec([], "int32"), ...specItems(s)] }) as Dataset<E extends Tensor | Tensor[] ? Tensor[] : Element[]>;
  }

  /**
   * tf.data's concatenate: this dataset's elements, then `other`'s. Their elements must have the
   * same structure (a tensor, or an array of as many tensors) and dtypes; checked as `other`'s
   * elements arrive, against this dataset's first element.
   */
  concatenate(other: Dataset<E>): Dataset<E> {
    const where = "Dataset.concatenate";
    if (!(other instanceof Dataset)) throw new TypeError(`${where}: other must be a Dataset, got ${describe(other)}`);
    const a = this.count, b = other.count;
    const count = a === UNKNOWN_CARDINALITY || b === UNKNOWN_CARDINALITY ? UNKNOWN_CARDINALITY
      : a === INFINITE_CARDINALITY || b === INFINITE_CARDINALITY ? INFINITE_CARDINALITY : a + b;
    const self = this;
    return new Dataset<E>(async function* () {
      let first: string | null = null;
      for await (const e of self) {
        first ??= signatureOf(e);
        yield e;
      }
      let i = 0;
      for await (const e of other) {
        const sig = signatureOf(e);
        first ??= sig;
        if (sig !== first) throw new TypeError(`${where}: the datasets' elements differ: this dataset's are ${first} but the other's element ${i} is ${sig}; both must have the same structure and dtypes, as tf.data requires`);
        i++;
        yield e;
      }
    }, count, { from: [this, other], derive: ([a, b]) => {
      const merged = mergeNamed(a, b, where);
      if (merged === null) throw new TypeError(`${where}: the datasets' elements differ: this dataset's are ${specSignature(a)} but the other's are ${specSignature(b)}; both must have the same structure and dtypes, as tf.data requires`);
      return merged;
    } });
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
    }, this.count, sameAs(this));
  }

  /** The dataset `count` times over (each pass a new iteration, so shuffles differ), or endlessly when count is left out or -1, as tf.data. */
  repeat(count = -1): Dataset<E> {
    if (!Number.isInteger(count) || count < -1) throw new RangeError(`Dataset.repeat: count must be a non-negative integer, or -1 (or nothing) to repeat forever, got ${valueText(count)}`);
    const n = this.count;
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
    }, count === -1 ? (n === 0 ? 0 : INFINITE_CARDINALITY) : count === 0 ? 0 : known(n) ? n * count : n, sameAs(this));
  }

  /**
   * Only the elements for which `predicate` returns true (or a true scalar tensor); an element
   * [x, y] is passed as (x, y) to a predicate of two or more parameters, as in map.
   */
  filter(predicate: ElementFn<E, boolean | Tensor | Promise<boolean | Tensor>>): Dataset<E> {
    const self = this;
    return new Dataset<E>(async function* () {
      for await (const e of self) {
        if (truthOf(await callOnElement(predicate, e), "Dataset.filter")) yield e;
      }
    }, UNKNOWN_CARDINALITY, sameAs(this), { input: this, apply: async (e: E) => (truthOf(await callOnElement(predicate, e), "Dataset.filter") ? [e] : []) });
  }

  /** Splits batches back into elements (the inverse of batch), as tf.data's unbatch(). */
  unbatch(): Dataset<E> {
    const where = "Dataset.unbatch";
    const self = this;
    return new Dataset<E>(async function* () {
      for await (const e of self) {
        checkItem(e, where);
        const n = sharedFirstDim(e, where, "unbatch splits the tensors along their first (batch) axis");
        for (let i = 0; i < n; i++) yield mapLeaves(e, (t) => rowOf(t, i)) as E;
      }
    }, UNKNOWN_CARDINALITY, { from: [this], derive: ([s]) => unbatchedSpec(s, where) });
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
    }, this.count, sameAs(this), { input: this, apply: async (e: E) => [e] });
  }

  /**
   * tf.data's rebatch: the same rows regrouped into batches of `batchSize` (as
   * `unbatch().batch(batchSize)`), or of the sizes of a list in turn (`[2, 3]`: 2, 3, 2, 3...);
   * the last batch may be shorter unless `dropRemainder`. Every tensor of an element must share
   * its first (batch) dimension.
   */
  rebatch(batchSize: number | readonly number[], opts: { dropRemainder?: boolean } = {}): Dataset<E> {
    const where = "Dataset.rebatch";
    checkOptionKeys(where, opts, ["dropRemainder"]);
    checkBoolean(opts.dropRemainder, where, "dropRemainder");
    const sizes = typeof batchSize === "number" ? [batchSize] : batchSize;
    if (!Array.isArray(sizes) || sizes.length === 0) throw new TypeError(`${where}: batchSize must be a positive integer or a non-empty array of them, got ${valueText(batchSize)}`);
    sizes.forEach((n) => checkPositive(n, where, "every batch size"));
    const dropRemainder = opts.dropRemainder ?? false;
    const n = this.count;
    const self = this;
    const lead = dropRemainder && sizes.every((b) => b === sizes[0]) ? sizes[0] : null;
    return new Dataset<E>(async function* () {
      let rows: Element[] = [], k = 0;
      for await (const e of self) {
        checkItem(e, where);
        const count = sharedFirstDim(e, where, "rebatch splits the tensors along their first (batch) axis");
        for (let i = 0; i < count; i++) {
          rows.push(mapLeaves(e, (t) => rowOf(t, i)));
          if (rows.length === sizes[k % sizes.length]) {
            yield stackBatch(rows, where) as E;
            rows = [];
            k++;
          }
        }
      }
      if (rows.length > 0 && !dropRemainder) yield stackBatch(rows, where) as E;
    }, n === 0 || n === INFINITE_CARDINALITY ? n : UNKNOWN_CARDINALITY, { from: [this], derive: ([s]) => withLead(unbatchedSpec(s, where), lead) });
  }

  /** tf.data's ragged_batch, refused: lamina has no ragged tensors. */
  raggedBatch(batchSize: number, _opts: { dropRemainder?: boolean } = {}): never {
    throw new TypeError(`Dataset.raggedBatch: lamina has no ragged tensors; pad the elements of a batch to one shape with paddedBatch(${valueText(batchSize)}), or group them by length first with bucketBySequenceLength`);
  }

  /**
   * tf.data's scan: map with a state. `fn(state, element)` (sync or async) returns
   * `[newState, output]`; the outputs are the new dataset's elements, and each pass starts from
   * `initialState`. The element is passed whole (as tf.data passes scan_func (state, element)); the
   * state may be tensors, numbers or any value (tf.data requires tensors).
   */
  scan<S, F extends ElementBound>(initialState: S, fn: (state: S, element: E) => readonly [S, F] | Promise<readonly [S, F]>): Dataset<F> {
    const where = "Dataset.scan";
    if (typeof fn !== "function") throw new TypeError(`${where}: fn must be a function (state, element) => [newState, output], got ${describe(fn)}`);
    const self = this;
    return new Dataset<F>(async function* () {
      let state = initialState;
      for await (const e of self) {
        const r = await fn(state, e);
        if (!Array.isArray(r) || r.length !== 2) throw new TypeError(`${where}: fn must return [newState, output], got ${describe(r)}`);
        checkItem(r[1], `${where} (the output, fn's second item)`);
        state = r[0];
        yield r[1];
      }
    }, this.count, { run: "scan" });
  }

  /**
   * tf.data's take_while: the elements up to (not including) the first for which `predicate`
   * returns false (or a false scalar tensor); an element [x, y] is unpacked as in filter.
   */
  takeWhile(predicate: ElementFn<E, boolean | Tensor | Promise<boolean | Tensor>>): Dataset<E> {
    const where = "Dataset.takeWhile";
    if (typeof predicate !== "function") throw new TypeError(`${where}: predicate must be a function, got ${describe(predicate)}`);
    const self = this;
    return new Dataset<E>(async function* () {
      for await (const e of self) {
        if (!truthOf(await callOnElement(predicate, e), where)) return;
        yield e;
      }
    }, this.count === 0 ? 0 : UNKNOWN_CARDINALITY, sameAs(this));
  }

  /**
   * tf.data's unique: each distinct element once, in the order first seen. As tf.data, the
   * elements must be single tensors of an integer dtype (int32, int64; tf.data's strings do not
   * exist in lamina); tensors of any shape compare by shape and values.
   */
  unique(): Dataset<E> {
    const where = "Dataset.unique";
    const self = this;
    return new Dataset<E>(async function* () {
      const seen = new Set<string>();
      for await (const e of self) {
        if (!(e instanceof Tensor) || !["int32", "int64"].includes(e.dtype)) {
          throw new TypeError(`${where}: the elements must be single int32 or int64 tensors (as tf.data's unique), got ${describe(e)}${e instanceof Tensor ? "" : "; map them to one tensor first"}`);
        }
        const key = `${e.dtype}:${e.shape.join(",")}:${Array.from(e.dataSync() as ArrayLike<number | bigint>, String).join(",")}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield e;
      }
    }, this.count === 0 ? 0 : UNKNOWN_CARDINALITY, sameAs(this));
  }

  /**
   * tf.data's group_by_window: `keyFunc` maps each element (unpacked as in map) to an integer key
   * (a number or an int32/int64 scalar tensor); elements with the same key gather in a window, and
   * when a window holds `windowSize` elements (or `windowSizeFunc(key)`), `reduceFunc(key, window)`
   * turns that window (a dataset of its elements) into a dataset whose elements are emitted. At the
   * end, the windows not yet full are reduced in increasing key order, as tf.data. The key is
   * given to reduceFunc and windowSizeFunc as a number (tf.data gives an int64 tensor).
   */
  groupByWindow<F extends Element | Dataset<any>>(
    keyFunc: ElementFn<E, number | Tensor | Promise<number | Tensor>>,
    reduceFunc: (key: number, window: Dataset<E>) => Dataset<F> | Promise<Dataset<F>>,
    opts: { windowSize?: number; windowSizeFunc?: (key: number) => number | Tensor },
  ): Dataset<F> {
    const where = "Dataset.groupByWindow";
    if (typeof keyFunc !== "function") throw new TypeError(`${where}: keyFunc must be a function from an element to an integer key, got ${describe(keyFunc)}`);
    if (typeof reduceFunc !== "function") throw new TypeError(`${where}: reduceFunc must be a function (key, window) => dataset, e.g. (key, w) => w.batch(4), got ${describe(reduceFunc)}`);
    checkOptionKeys(where, opts ?? {}, ["windowSize", "windowSizeFunc"]);
    const { windowSize, windowSizeFunc } = opts ?? {};
    if ((windowSize === undefined) === (windowSizeFunc === undefined)) throw new TypeError(`${where}: pass exactly one of windowSize and windowSizeFunc`);
    if (windowSize !== undefined) checkPositive(windowSize, where, "windowSize");
    if (windowSizeFunc !== undefined && typeof windowSizeFunc !== "function") throw new TypeError(`${where}: windowSizeFunc must be a function from a key to a size, got ${describe(windowSizeFunc)}`);
    const sizeFor = (key: number): number => {
      if (windowSizeFunc === undefined) return windowSize as number;
      const n = integerOf(windowSizeFunc(key), where, `windowSizeFunc(${key})`);
      checkPositive(n, where, `windowSizeFunc(${key})`);
      return n;
    };
    const self = this;
    const reduceWindow = async (key: number, items: E[]): Promise<Dataset<F>> => {
      const out = await reduceFunc(key, Dataset.fromItems(items, sameAs(self)));
      if (!(out instanceof Dataset)) throw new TypeError(`${where}: reduceFunc must return a Dataset (e.g. (key, window) => window.batch(4)), got ${describe(out)}`);
      return out;
    };
    return new Dataset<F>(async function* () {
      const groups = new Map<number, E[]>();
      for await (const e of self) {
        const key = integerOf(await callOnElement(keyFunc, e), where, "keyFunc's result");
        const group = groups.get(key) ?? [];
        groups.set(key, group);
        group.push(e);
        if (group.length >= sizeFor(key)) {
          groups.delete(key);
          yield* await reduceWindow(key, group);
        }
      }
      for (const key of [...groups.keys()].sort((a, b) => a - b)) yield* await reduceWindow(key, groups.get(key) as E[]);
    }, this.count === 0 ? 0 : UNKNOWN_CARDINALITY, { run: "groupByWindow" });
  }

  /**
   * tf.data's bucket_by_sequence_length: elements are put in buckets by `elementLengthFunc`'s
   * length (bucket i holds lengths from bucketBoundaries[i - 1] up to, not including,
   * bucketBoundaries[i]; the first from 0, the last with no end), and each bucket is batched by
   * its own size from `bucketBatchSizes` (one more than the boundaries), padded as paddedBatch
   * pads (`paddedShapes`, `paddingValues`; `noPadding` batches as batch). `padToBucketBoundary`
   * pads the dimensions that vary between elements (null in the element spec, or null/-1 in
   * paddedShapes) to the bucket's boundary - 1; elements must then be shorter than the last
   * boundary. Built on groupByWindow, as tf.data: full batches come as they fill, the rest at the
   * end in bucket order.
   */
  bucketBySequenceLength(
    elementLengthFunc: ElementFn<E, number | Tensor | Promise<number | Tensor>>,
    bucketBoundaries: readonly number[],
    bucketBatchSizes: readonly number[],
    opts: { paddedShapes?: PaddedShapes; paddingValues?: PaddingValues; padToBucketBoundary?: boolean; noPadding?: boolean; dropRemainder?: boolean } = {},
  ): Dataset<E> {
    const where = "Dataset.bucketBySequenceLength";
    checkOptionKeys(where, opts, ["paddedShapes", "paddingValues", "padToBucketBoundary", "noPadding", "dropRemainder"]);
    if (typeof elementLengthFunc !== "function") throw new TypeError(`${where}: elementLengthFunc must be a function from an element to its length, got ${describe(elementLengthFunc)}`);
    if (!Array.isArray(bucketBoundaries) || !bucketBoundaries.every((b, i) => Number.isInteger(b) && b > 0 && (i === 0 || b > bucketBoundaries[i - 1]))) {
      throw new RangeError(`${where}: bucketBoundaries must be positive integers in increasing order, got ${valueText(bucketBoundaries)}`);
    }
    if (!Array.isArray(bucketBatchSizes) || bucketBatchSizes.length !== bucketBoundaries.length + 1) {
      throw new RangeError(`${where}: bucketBatchSizes must have one size more than bucketBoundaries (${bucketBoundaries.length + 1} for ${bucketBoundaries.length} boundaries: a bucket below each boundary and one above the last), got ${valueText(bucketBatchSizes)}`);
    }
    bucketBatchSizes.forEach((n) => checkPositive(n, where, "every bucket batch size"));
    for (const name of ["padToBucketBoundary", "noPadding", "dropRemainder"] as const) checkBoolean(opts[name], where, name);
    const { paddedShapes, paddingValues, padToBucketBoundary = false, noPadding = false, dropRemainder = false } = opts;
    if (noPadding && (paddedShapes !== undefined || paddingValues !== undefined || padToBucketBoundary)) {
      throw new TypeError(`${where}: noPadding batches without padding; leave out paddedShapes, paddingValues and padToBucketBoundary`);
    }
    const bucketOf = async (e: E): Promise<number> => {
      const length = integerOf(await callOnElement(elementLengthFunc, e), where, "elementLengthFunc's result");
      const bucket = bucketBoundaries.findIndex((b) => length < b);
      if (bucket >= 0) return bucket;
      if (padToBucketBoundary) throw new RangeError(`${where}: an element has length ${length}, not below the last boundary ${bucketBoundaries[bucketBoundaries.length - 1]}; with padToBucketBoundary every element must be shorter than the last boundary (add a boundary above ${length})`);
      return bucketBoundaries.length;
    };
    // The shapes padToBucketBoundary fills in: paddedShapes, or the element spec's (whose nulls say which dimensions vary; an inferred spec would not).
    let baseShapes: PaddedShapes | undefined = paddedShapes;
    if (padToBucketBoundary && paddedShapes === undefined) {
      let spec: ElementSpec;
      try {
        spec = this.elementSpec;
      } catch (err) {
        throw new TypeError(`${where}: padToBucketBoundary pads the dimensions that vary between elements, but ${(err as Error).message.replace(/^Dataset\.elementSpec: /, "").replace(/;.*$/, "")}; pass paddedShapes with null for the dimensions to pad`);
      }
      baseShapes = (spec instanceof TensorSpec ? spec.shape : mapSpecShapes(spec)) as PaddedShapes;
    }
    const shapesFor = (bucket: number): PaddedShapes | undefined =>
      padToBucketBoundary ? fillUnknown(baseShapes as PaddedShapes, bucketBoundaries[bucket] - 1) : paddedShapes;
    // A one-parameter function: groupByWindow passes the element whole, and bucketOf unpacks it for elementLengthFunc.
    const wholeElement = ((e: E) => bucketOf(e)) as unknown as ElementFn<E, Promise<number>>;
    const grouped = this.groupByWindow<E>(wholeElement, (bucket, window) => {
      const size = bucketBatchSizes[bucket];
      if (noPadding) return window.batch(size, { dropRemainder });
      return window.paddedBatch(size, { paddedShapes: shapesFor(bucket), paddingValues, dropRemainder });
    }, { windowSizeFunc: (bucket) => bucketBatchSizes[bucket] });
    const lead = dropRemainder && bucketBatchSizes.every((b) => b === bucketBatchSizes[0]) ? bucketBatchSizes[0] : null;
    return new Dataset<E>(() => grouped[Symbol.asyncIterator](), this.count === 0 ? 0 : UNKNOWN_CARDINALITY,
      { from: [this], derive: ([s]) => (noPadding ? withLead(s, lead) : paddedSpec(s, padToBucketBoundary ? undefined : paddedShapes, lead)) });
  }

  /**
   * tf.data's sample_from_datasets: each element comes from one of `datasets`, drawn at random
   * with probabilities `weights` (default equal; any non-negative numbers, normalized). A dataset
   * that runs out is left out of the draws (its weight shared among the rest) unless
   * `stopOnEmptyDataset` (default false, as tf.data), which ends the dataset there. `seed` fixes
   * the draws of every pass; without it they come from tf.random's generator. The elements must
   * have the same structure and dtypes. tf.data's own sequence of draws is not reproduced.
   */
  static sampleFromDatasets<E extends Element>(datasets: readonly Dataset<E>[], opts: { weights?: readonly number[]; seed?: number; stopOnEmptyDataset?: boolean } = {}): Dataset<E> {
    const where = "Dataset.sampleFromDatasets";
    checkOptionKeys(where, opts, ["weights", "seed", "stopOnEmptyDataset"]);
    checkDatasetList(datasets, where);
    checkBoolean(opts.stopOnEmptyDataset, where, "stopOnEmptyDataset");
    const k = datasets.length;
    if ((opts.weights as unknown) instanceof Dataset) throw new TypeError(`${where}: weights given as a dataset are not supported; pass one number per dataset`);
    const weights = opts.weights ?? new Array<number>(k).fill(1);
    if (!Array.isArray(weights) || weights.length !== k || !weights.every((w) => typeof w === "number" && Number.isFinite(w) && w >= 0) || !weights.some((w) => w > 0)) {
      throw new RangeError(`${where}: weights must be ${k} non-negative numbers (one per dataset), not all 0, got ${valueText(opts.weights)}`);
    }
    if (opts.seed !== undefined && !(typeof opts.seed === "number" && Number.isFinite(opts.seed))) throw new RangeError(`${where}: seed must be a finite number, got ${valueText(opts.seed)}`);
    const stop = opts.stopOnEmptyDataset ?? false;
    const seed = opts.seed;
    const counts = datasets.map((d) => d.count);
    const count = counts.every((n) => n === INFINITE_CARDINALITY) ? INFINITE_CARDINALITY : !stop && counts.every(known) ? counts.reduce((a, b) => a + b, 0) : UNKNOWN_CARDINALITY;
    return new Dataset<E>(async function* () {
      const g = seed === undefined ? generatorFor() : new RandomGenerator(seed);
      const its = datasets.map((d) => d[Symbol.asyncIterator]());
      const live = [...weights];
      try {
        while (live.some((w) => w > 0)) {
          const total = live.reduce((a, b) => a + b, 0);
          let u = g.nextDouble() * total, i = 0;
          while (i < k - 1 && (live[i] === 0 || u >= live[i])) { u -= live[i]; i++; }
          while (live[i] === 0) i--; // rounding at the top end: the last dataset still drawn
          const r = await its[i].next();
          if (!r.done) { yield r.value; continue; }
          if (stop) return;
          live[i] = 0;
        }
      } finally {
        await Promise.all(its.map((it) => it.return?.()));
      }
    }, count, { from: datasets, derive: (specs) => mergedSpec(specs, where) });
  }

  /**
   * tf.data's choose_from_datasets: element i comes from `datasets[c]`, c being element i of
   * `choiceDataset` (int32 or int64 scalars, each from 0 to datasets.length - 1). When the chosen
   * dataset has run out, the dataset ends if `stopOnEmptyDataset` (default true, as tf.data), else
   * that choice is skipped. The elements must have the same structure and dtypes.
   */
  static chooseFromDatasets<E extends Element>(datasets: readonly Dataset<E>[], choiceDataset: Dataset<Tensor>, opts: { stopOnEmptyDataset?: boolean } = {}): Dataset<E> {
    const where = "Dataset.chooseFromDatasets";
    checkOptionKeys(where, opts, ["stopOnEmptyDataset"]);
    checkDatasetList(datasets, where);
    if (!(choiceDataset instanceof Dataset)) throw new TypeError(`${where}: choiceDataset must be a Dataset of integer scalars (e.g. Dataset.range(3).repeat()), got ${describe(choiceDataset)}`);
    checkBoolean(opts.stopOnEmptyDataset, where, "stopOnEmptyDataset");
    const stop = opts.stopOnEmptyDataset ?? true;
    const k = datasets.length;
    return new Dataset<E>(async function* () {
      const its = datasets.map((d) => d[Symbol.asyncIterator]());
      const ended = new Array<boolean>(k).fill(false);
      let i = 0;
      try {
        for await (const c of choiceDataset) {
          if (!(c instanceof Tensor) || c.rank !== 0 || !["int32", "int64"].includes(c.dtype)) throw new TypeError(`${where}: choice ${i} must be an int32 or int64 scalar tensor, got ${describe(c)}`);
          const d = Number(c.dataSync()[0]);
          if (d < 0 || d >= k) throw new RangeError(`${where}: choice ${i} is ${d}, but there are ${k} datasets (choices from 0 to ${k - 1})`);
          i++;
          if (ended[d]) continue;
          const r = await its[d].next();
          if (!r.done) { yield r.value; continue; }
          if (stop) return;
          ended[d] = true;
          if (ended.every(Boolean)) return;
        }
      } finally {
        await Promise.all(its.map((it) => it.return?.()));
      }
    }, choiceDataset.count === 0 ? 0 : UNKNOWN_CARDINALITY, { from: datasets, derive: (specs) => mergedSpec(specs, where) });
  }

  /** tf.data's apply: `fn(this)`, for chaining a function that transforms datasets: `ds.apply(addNoise).batch(8)`. */
  apply<F extends Element | Dataset<any>>(fn: (ds: Dataset<E>) => Dataset<F>): Dataset<F> {
    if (typeof fn !== "function") throw new TypeError(`Dataset.apply: fn must be a function from a dataset to a dataset, got ${describe(fn)}`);
    const out = fn(this);
    if (!(out instanceof Dataset)) throw new TypeError(`Dataset.apply: fn must return a Dataset, got ${describe(out)}`);
    return out;
  }

  /**
   * tf.data.experimental.assert_cardinality: the same elements, with cardinality() declared as
   * `expected` (so fit, evaluate and predict know their steps from the first epoch); a pass that
   * yields fewer or more elements fails, as tf.data's does. INFINITE_CARDINALITY is accepted.
   */
  assertCardinality(expected: number): Dataset<E> {
    const where = "Dataset.assertCardinality";
    if (!(Number.isSafeInteger(expected) && (expected >= 0 || expected === INFINITE_CARDINALITY))) {
      throw new RangeError(`${where}: expected must be a count >= 0 or data.INFINITE_CARDINALITY (-1), got ${valueText(expected)}`);
    }
    const self = this;
    return new Dataset<E>(async function* () {
      let n = 0;
      for await (const e of self) {
        if (n === expected) throw new RangeError(`${where}: the input dataset was expected to contain ${expected} elements but contained at least ${expected + 1}`);
        n++;
        yield e;
      }
      if (n !== expected) {
        throw new RangeError(`${where}: the input dataset was expected to contain ${expected === INFINITE_CARDINALITY ? "an infinite number of" : expected} elements but contained only ${n}`);
      }
    }, expected, sameAs(this));
  }

  /**
   * tf.data's as_numpy_iterator: the elements with each tensor as JavaScript values (its
   * arraySync(): nested arrays, a number or boolean for a scalar), nested as the element.
   */
  async *asArrays(): AsyncGenerator<ElementArrays<E>, void, undefined> {
    for await (const e of this) {
      if (e instanceof Dataset) throw new TypeError("Dataset.asArrays: the elements are datasets (windows); read each with asArrays, or flatMap them first");
      yield arraysOf(e) as ElementArrays<E>;
    }
  }

  /** tf.data's get_single_element: the only element of a dataset of exactly one element. */
  async getSingleElement(): Promise<E> {
    const it = this[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw new RangeError("Dataset.getSingleElement: the dataset is empty; it must have exactly one element");
    const second = await it.next();
    await it.return?.();
    if (!second.done) throw new RangeError("Dataset.getSingleElement: the dataset has more than one element; it must have exactly one (take(1) keeps the first)");
    return first.value;
  }

  /**
   * Declares the element spec of a dataset whose elements a function makes (map, flatMap,
   * fromGenerator...), so that elementSpec knows it without running the pipeline; every element is
   * checked against it as it passes (structure, dtypes, each known dimension), the error naming the
   * element and the place at fault. lamina's own step: tf.data traces the function instead
   * (`tf.ensure_shape` in a map is TensorFlow's nearest form).
   */
  ensureSpec(spec: ElementSpec): Dataset<E> {
    const where = "Dataset.ensureSpec";
    if (!isTensorsSpec(spec)) throw new TypeError(`${where}: spec must be a TensorSpec, or arrays and objects of them such as [new data.TensorSpec([null, 2], "float32"), new data.TensorSpec([], "int32")], got ${describe(spec)}`);
    const self = this;
    return new Dataset<E>(async function* () {
      let i = 0;
      for await (const e of self) {
        const m = specMismatch(e, spec);
        if (m !== null) throw new TypeError(`${where}: element ${i} does not match ${specText(spec)}: ${m}`);
        i++;
        yield e;
      }
    }, this.count, { known: spec });
  }

  /**
   * tf.data's ignore_errors: drops the elements whose making threw. The map and filter steps
   * (and prefetches) just before it are replayed element by element, so an element whose map or
   * filter function throws is left out and the next one follows, as tf.data. An error from an
   * earlier step (a generator, a batch of mismatched shapes) cannot be stepped over, since that
   * step has stopped: the pass ends there, with a warning naming the error. `logWarning` (default
   * false) also prints a warning for each element dropped. Read-ahead of the replayed prefetches
   * is not kept.
   */
  ignoreErrors(logWarning = false): Dataset<E> {
    const where = "Dataset.ignoreErrors";
    checkBoolean(logWarning, where, "logWarning");
    const steps: ((e: unknown) => Promise<unknown[]>)[] = [];
    let base: Dataset<any> = this;
    while (base.perElement !== null) {
      steps.unshift(base.perElement.apply);
      base = base.perElement.input;
    }
    const input: Dataset<any> = base;
    return new Dataset<E>(async function* () {
      const it = input[Symbol.asyncIterator]();
      let index = 0;
      while (true) {
        let r: IteratorResult<unknown>;
        try {
          r = await it.next();
        } catch (err) {
          console.warn(`${where}: the pass ends at input element ${index}: ${(err as Error).message} (only errors of the map and filter steps just before ignoreErrors can be stepped over)`);
          return;
        }
        if (r.done) return;
        let items: unknown[] = [r.value];
        try {
          for (const step of steps) {
            const next: unknown[] = [];
            for (const item of items) next.push(...await step(item));
            items = next;
          }
        } catch (err) {
          if (logWarning) console.warn(`${where}: dropped input element ${index}: ${(err as Error).message}`);
          items = [];
        }
        index++;
        yield* items as E[];
      }
    }, this.count === 0 ? 0 : UNKNOWN_CARDINALITY, sameAs(this));
  }

  /**
   * tf.data's reduce: folds every element into a state, `fn(state, element)` (sync or async), and
   * resolves to the last state (`initial` for an empty dataset). Async, as iteration is.
   */
  async reduce<S>(initial: S, fn: (state: S, element: E) => S | Promise<S>): Promise<S> {
    if (typeof fn !== "function") throw new TypeError(`Dataset.reduce: fn must be a function (state, element) => state, got ${describe(fn)}`);
    let state = initial;
    for await (const e of this) state = await fn(state, e);
    return state;
  }

  /** Every element, in order. */
  async toArray(): Promise<E[]> {
    const out: E[] = [];
    for await (const e of this) out.push(e);
    return out;
  }
}

/** Calls flatMap/interleave's function on an element and checks that it returned a Dataset. */
async function datasetFrom<E, F extends Element | Dataset<any>>(fn: ElementFn<E, Dataset<F> | Promise<Dataset<F>>>, e: E, where: string): Promise<Dataset<F>> {
  const ds = await callOnElement(fn, e);
  if (!(ds instanceof Dataset)) throw new TypeError(`${where}: the function must return a Dataset (e.g. Dataset.fromTensorSlices(...), or a window's .batch(n)), got ${describe(ds)}`);
  return ds;
}
