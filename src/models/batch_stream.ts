/**
 * Datasets as fit, evaluate and predict read them: what counts as one, and how an element splits
 * into the model's inputs, targets and sample weights.
 */
import { Tensor } from "../tensor/tensor.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import type { Element } from "../data/element.js";
import type { Targets } from "./training.js";
import { describeShapes } from "./data_rows.js";

/** Batches of [x, y] (a data.Dataset after .batch(), or any async iterable of them); x and y may be lists or objects keyed by name. */
export type BatchStream = AsyncIterable<Element>;

/** x or y as a dataset element holds it: a tensor, a list in model order, or an object keyed by input (output) name. */
export type ElementPart = Tensor | Tensor[] | Readonly<Record<string, Tensor>>;

/** A dataset batch split into x, y and sample weights, before x and y (which may be keyed by name) are put in the model's order. */
export interface ElementBatch {
  x: ElementPart;
  y: ElementPart | null;
  sampleWeight: Tensor | null;
}

/** One training batch as the epoch loop consumes it. */
export interface TrainBatch {
  x: Tensor | Tensor[];
  /** Null for a dataset that yields x alone (a custom trainStep without labels). */
  y: Targets | null;
  sampleWeight: Tensor | null;
}

/**
 * Where an element came from when the stream knows it ("MyData.getItem(3)" for a PyDataset), so a
 * malformed element's error names its source.
 */
export const elementOrigins = new WeakMap<object, string>();

export function isBatchStream(x: unknown): x is BatchStream {
  return typeof x === "object" && x !== null && !(x instanceof Tensor) && Symbol.asyncIterator in x;
}

/**
 * How many batches one pass over the stream yields, when the stream says (a data.Dataset of known,
 * finite cardinality), else null. Keras' epoch iterator reads tf.data's cardinality the same way,
 * so the progress bar has its target from the first epoch instead of "1/Unknown".
 */
export function knownBatchCount(stream: BatchStream): number | null {
  const cardinality = (stream as { cardinality?: unknown }).cardinality;
  if (typeof cardinality !== "function") return null;
  const n: unknown = cardinality.call(stream);
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** "x", "x1, x2", "x1, ..., x5": the names of n tensors in an error message. */
export function partNames(base: string, n: number): string {
  if (n === 1) return base;
  return n <= 3 ? Array.from({ length: n }, (_, i) => `${base}${i + 1}`).join(", ") : `${base}1, ..., ${base}${n}`;
}

/** Whether an element is lamina's flat form: one tensor, or a list of tensors [x1, ..., xn, y1, ..., ym, sampleWeight?]. */
export function isFlat(element: Element): element is Tensor | Tensor[] {
  return element instanceof Tensor || (Array.isArray(element) && element.every((t) => t instanceof Tensor));
}

/** A part of an element as x or y: a tensor, a list of tensors or an object of tensors (one level), else an error naming `name`. */
function elementPart(v: Element, name: string, op: string): ElementPart {
  if (v instanceof Tensor) return v;
  const items = Array.isArray(v) ? v : Object.values(v);
  if (items.every((t) => t instanceof Tensor)) return v as ElementPart;
  throw new TypeError(`${op}: the dataset element's ${name} nests deeper than a list or an object of tensors; give ${name} as a tensor, a list in model order or an object keyed by ${name === "x" ? "input" : "output"} name`);
}

/**
 * An element in Keras' form, where x and y are each a tensor, a list or an object keyed by name:
 * x alone (an object, or a 1-array, when the model needs no labels), [x, y] or
 * [x, y, sampleWeight], as Keras' unpack_x_y_sample_weight reads a tuple.
 */
export function splitNested(element: Element, op: string, xAlone: boolean): ElementBatch {
  const parts = Array.isArray(element) ? element : [element];
  if (parts.length > 3 || (parts.length === 1 && !xAlone)) {
    const got = Array.isArray(element) ? `an array of ${parts.length}` : "an object (x alone)";
    throw new TypeError(`${op}: each dataset element must be [x, y] or [x, y, sampleWeight], where x and y are tensors, lists of them or objects keyed by input and output name (e.g. [{ title, body }, y]); got ${got}`);
  }
  const [x, y, sw] = parts;
  if (sw !== undefined && !(sw instanceof Tensor)) {
    throw new TypeError(`${op}: the dataset element's sampleWeight (its third part) must be one tensor of per-sample weights; per-output weights (a list or an object) are not supported`);
  }
  return { x: elementPart(x, "x", op), y: y === undefined ? null : elementPart(y, "y", op), sampleWeight: sw ?? null };
}

/**
 * A dataset element as Keras reads one: [x, y] or [x, y, sampleWeight] for a model with one input
 * and one output; [x1, ..., xn, y1, ..., ym] and the same followed by sampleWeight for n inputs
 * and m outputs (lamina's flat lists, where the model's input and output counts tell the forms
 * apart); and Keras' nested form, where x or y is a list or an object keyed by name
 * ([{ title, body }, y], [[x1, x2], { out1, out2 }], or x alone).
 */
export function splitBatch(element: Element, op: string, nInputs: number, nOutputs: number, xAlone = false): ElementBatch {
  if (!isFlat(element)) return splitNested(element, op, xAlone);
  // x alone (Keras' unpack_x_y_sample_weight of a 1-tuple), for a model whose own step needs no labels.
  if (xAlone && element instanceof Tensor && nInputs === 1) return { x: element, y: null, sampleWeight: null };
  const size = Array.isArray(element) ? element.length : 1;
  const n = nInputs + nOutputs;
  if (!Array.isArray(element) || (size !== n && size !== n + 1)) {
    const parts = `${partNames("x", nInputs)}, ${partNames("y", nOutputs)}`;
    const counts = `${nInputs} input${nInputs === 1 ? "" : "s"}${nOutputs === 1 ? "" : ` and ${nOutputs} outputs`}`;
    const got = Array.isArray(element) ? `${size} tensor${size === 1 ? "" : "s"}` : "a single tensor";
    const origin = elementOrigins.get(element);
    if (origin !== undefined) throw new TypeError(`${op}: ${origin} returned ${got}; it must return a batch [${parts}] or [${parts}, sampleWeight] (the model takes ${counts})`);
    throw new TypeError(`${op}: each dataset element must be a batch [${parts}] or [${parts}, sampleWeight] (the model takes ${counts}), got ${got}; build it with data.Dataset.fromTensorSlices([x, y]).batch(32) (x and y may also be lists or objects keyed by name: [{ a: x1, b: x2 }, y])`);
  }
  const xs = element.slice(0, nInputs), ys = element.slice(nInputs, n);
  return { x: nInputs === 1 ? xs[0] : xs, y: nOutputs === 1 ? ys[0] : ys, sampleWeight: size === n + 1 ? element[n] : null };
}

/**
 * A dataset whose elements are single samples (fromTensorSlices without .batch): its "batch" of
 * labels is a scalar, or x lacks the batch axis the model's input has. The sample counts would
 * otherwise be compared along an image's height.
 */
export function refuseUnbatched(batch: TrainBatch, inputs: readonly SymbolicTensor[], what: string): void {
  const xs = Array.isArray(batch.x) ? batch.x : [batch.x];
  const ys = batch.y === null ? [] : Array.isArray(batch.y) ? batch.y : [batch.y];
  const declared = inputs.map((t) => t.shape.length);
  const missingAxis = declared.length === xs.length && xs.some((x, i) => x.rank === declared[i] - 1);
  if (ys.some((y) => y.rank === 0) || missingAxis) {
    throw new TypeError(`${what}: the dataset yields single samples (x ${describeShapes(batch.x)}, y ${batch.y === null ? "none" : describeShapes(batch.y)}), not batches; batch it first, e.g. dataset.batch(32)`);
  }
}
