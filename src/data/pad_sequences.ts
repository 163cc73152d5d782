/** `utils.padSequences`: Keras' `keras.utils.pad_sequences`, variable-length sequences to one tensor. */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { isDType, type DType } from "../tensor/dtype.js";
import { cast } from "../ops/math.js";
import { valueText } from "../tensor/value_text.js";

/** One step of a sequence: a number, or a (nested) array of numbers for sequences of vectors. */
export type SequenceStep = number | readonly SequenceStep[];
/** A sequence: an array of steps, a typed array, or a tensor whose first axis is the time axis. */
export type Sequence = readonly SequenceStep[] | ArrayLike<number> | Tensor;

export interface PadSequencesOptions {
  /** The length of every output sequence; default the longest input sequence. */
  maxlen?: number | null;
  /** The output dtype (default "int32", as Keras). */
  dtype?: DType;
  /** Pad before each sequence ("pre", the default) or after it ("post"). */
  padding?: "pre" | "post";
  /** Drop the start of longer sequences ("pre", the default) or their end ("post"). */
  truncating?: "pre" | "post";
  /** The padding value (default 0). */
  value?: number;
}

const WHERE = "utils.padSequences";

/** A sequence as its steps, each step's shape and flat values. */
function stepsOf(s: Sequence, i: number): { shape: number[]; values: number[] }[] {
  if (s instanceof Tensor) {
    if (s.rank === 0) throw new TypeError(`${WHERE}: sequence ${i} is a scalar tensor; each sequence must be a list of steps (a 1-D or higher tensor)`);
    const flat = Array.from(s.dataSync() as ArrayLike<number | bigint>, Number);
    const inner = s.shape.slice(1), size = inner.reduce((a, b) => a * b, 1);
    return Array.from({ length: s.shape[0] }, (_, t) => ({ shape: inner, values: flat.slice(t * size, (t + 1) * size) }));
  }
  if (s === null || typeof s !== "object" || typeof (s as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${WHERE}: sequence ${i} is ${valueText(s)}, not a list; sequences must be a list of lists (Keras: "sequences must be a list of iterables")`);
  }
  return Array.from(s as ArrayLike<SequenceStep>, (step, t) => {
    const shape: number[] = [], values: number[] = [];
    const walk = (v: SequenceStep, depth: number): void => {
      if (typeof v === "number") {
        if (depth < shape.length) throw new RangeError(`${WHERE}: step ${t} of sequence ${i} is ragged; every step must have the same shape`);
        values.push(v);
        return;
      }
      if (!Array.isArray(v)) throw new TypeError(`${WHERE}: step ${t} of sequence ${i} holds ${valueText(v)}; steps must be numbers or arrays of numbers`);
      if (depth === shape.length) shape.push(v.length);
      else if (shape[depth] !== v.length) throw new RangeError(`${WHERE}: step ${t} of sequence ${i} is ragged; every step must have the same shape`);
      for (const x of v) walk(x, depth + 1);
    };
    walk(step, 0);
    return { shape, values };
  });
}

/**
 * Pads (or truncates) each sequence to `maxlen` steps, as Keras' pad_sequences: output shape
 * `[numSequences, maxlen, ...stepShape]`, filled with `value`; the step shape comes from the first
 * non-empty sequence. Values are converted to `dtype` as numpy's assignment does (floats truncate
 * toward zero in an integer dtype).
 */
export function padSequences(sequences: readonly Sequence[], opts: PadSequencesOptions = {}): Tensor {
  if (!Array.isArray(sequences)) throw new TypeError(`${WHERE}: sequences must be a list of sequences (number[][] or tensors), got ${valueText(sequences)}`);
  const dtype = opts.dtype ?? "int32", padding = opts.padding ?? "pre", truncating = opts.truncating ?? "pre", value = opts.value ?? 0;
  if (!isDType(dtype)) throw new TypeError(`${WHERE}: unknown dtype ${valueText(dtype)}; use "int32" (the default), "float32", "int64", ...`);
  if (padding !== "pre" && padding !== "post") throw new RangeError(`${WHERE}: padding must be "pre" or "post", got ${valueText(padding)} (Keras: Padding type not understood)`);
  if (truncating !== "pre" && truncating !== "post") throw new RangeError(`${WHERE}: truncating must be "pre" or "post", got ${valueText(truncating)} (Keras: Truncating type not understood)`);
  if (typeof value !== "number") throw new TypeError(`${WHERE}: value must be a number, got ${valueText(value)}; lamina tensors hold no strings`);
  const all = sequences.map((s, i) => stepsOf(s, i));
  const maxlen = opts.maxlen ?? all.reduce((m, s) => Math.max(m, s.length), 0);
  if (!Number.isInteger(maxlen) || maxlen < 1 && all.some((s) => s.length > 0)) {
    throw new RangeError(`${WHERE}: maxlen must be a positive integer (or null for the longest sequence), got ${valueText(opts.maxlen)}`);
  }
  const first = all.find((s) => s.length > 0);
  const stepShape = first ? first[0].shape : [];
  const stepSize = stepShape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(sequences.length * maxlen * stepSize).fill(value);
  all.forEach((steps, i) => {
    const kept = truncating === "pre" ? steps.slice(Math.max(0, steps.length - maxlen)) : steps.slice(0, maxlen);
    const start = padding === "pre" ? maxlen - kept.length : 0;
    kept.forEach((step, t) => {
      if (step.shape.join(",") !== stepShape.join(",")) {
        throw new RangeError(`${WHERE}: sequence ${i} has steps of shape [${step.shape.join(", ")}] but the first non-empty sequence's are [${stepShape.join(", ")}]; every step must have the same shape`);
      }
      out.set(step.values, ((i * maxlen) + start + t) * stepSize);
    });
  });
  return cast(makeTensor(out, [sequences.length, maxlen, ...stepShape], "float64"), dtype);
}
