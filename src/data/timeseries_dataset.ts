/**
 * `utils.timeseriesDatasetFromArray`: Keras' timeseries_dataset_from_array. Sliding windows over
 * axis 0 of `data`, each paired with the target of the step where it starts; the same window
 * starts and the same numpy RandomState(seed) permutation of them as Keras.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { allocStorage } from "../tensor/dtype.js";
import { generatorFor } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { Dataset } from "./dataset.js";
import { TensorSpec } from "./tensor_spec.js";
import { NumpyRandomState } from "./mt19937.js";

export interface TimeseriesDatasetOptions {
  /** Steps per window. */
  sequenceLength: number;
  /** Steps between the starts of two consecutive windows (default 1). */
  sequenceStride?: number;
  /** Steps between two consecutive samples inside a window (default 1). */
  samplingRate?: number;
  /** Windows per batch (default 128); null yields single windows. */
  batchSize?: number | null;
  /** Shuffle the windows (default false: chronological order). */
  shuffle?: boolean;
  /** Integer seed in [0, 2^32) for the shuffles; drawn from lamina's generator (tf.random.setSeed) when absent. */
  seed?: number;
  /** First step used (default 0). */
  startIndex?: number;
  /** Steps from this one on are not used (default: the length of data). */
  endIndex?: number;
}

const W = "timeseriesDatasetFromArray";

function checkInt(v: unknown, name: string, fix: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`${W}: ${name} must be an integer, got ${valueText(v)}; ${fix}`);
  return v;
}

/** The validated steps of Keras' function: the window range [start, end) and the window-start offsets within it. */
export function timeseriesStartPositions(length: number, targetLength: number | null, opts: TimeseriesDatasetOptions): { start: number; end: number; positions: Int32Array; seed: number | null } {
  const known = new Set(["sequenceLength", "sequenceStride", "samplingRate", "batchSize", "shuffle", "seed", "startIndex", "endIndex"]);
  const unknown = Object.keys(opts).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new TypeError(`${W}: unknown option(s) ${unknown.join(", ")}; the options are ${[...known].join(", ")}`);
  const L = checkInt(opts.sequenceLength, "sequenceLength", "pass the number of steps per window, e.g. { sequenceLength: 10 }");
  if (L < 1) throw new RangeError(`${W}: sequenceLength must be at least 1, got ${L}`);
  const stride = checkInt(opts.sequenceStride ?? 1, "sequenceStride", "e.g. sequenceStride: 1");
  const rate = checkInt(opts.samplingRate ?? 1, "samplingRate", "e.g. samplingRate: 1");
  // Keras' checks and messages, in its order.
  let start = 0;
  if (opts.startIndex !== undefined) {
    start = checkInt(opts.startIndex, "startIndex", "pass the first step to use");
    if (start < 0) throw new RangeError(`${W}: startIndex must be 0 or greater. Received: startIndex=${start}`);
    if (start >= length) throw new RangeError(`${W}: startIndex must be lower than the length of the data. Received: startIndex=${start}, for data of length ${length}`);
  }
  let end = length;
  if (opts.endIndex !== undefined) {
    end = checkInt(opts.endIndex, "endIndex", "pass the step after the last one to use");
    if (end <= 0) throw new RangeError(`${W}: endIndex must be higher than 0. Received: endIndex=${end}`);
    if (end <= start) throw new RangeError(`${W}: endIndex must be higher than startIndex. Received: startIndex=${start}, and endIndex=${end}`);
    if (end >= length) throw new RangeError(`${W}: endIndex must be lower than the length of the data. Received: endIndex=${end}, for data of length ${length}; leave it out to use the data to its end`);
  }
  if (rate <= 0) throw new RangeError(`${W}: samplingRate must be higher than 0. Received: samplingRate=${rate}`);
  if (rate >= length) throw new RangeError(`${W}: samplingRate must be lower than the length of the data. Received: samplingRate=${rate}, for data of length ${length}`);
  if (stride <= 0) throw new RangeError(`${W}: sequenceStride must be higher than 0. Received: sequenceStride=${stride}`);
  if (stride >= length) throw new RangeError(`${W}: sequenceStride must be lower than the length of the data. Received: sequenceStride=${stride}, for data of length ${length}`);

  const span = (L - 1) * rate + 1;
  let numSeqs = end - start - (L - 1) * rate;
  // Keras yields an empty dataset here; an empty dataset is almost always a mistake, so say why.
  if (numSeqs <= 0) {
    throw new RangeError(`${W}: a window of sequenceLength=${L} with samplingRate=${rate} spans ${span} steps, more than the ${end - start} steps between startIndex=${start} and endIndex=${end}; shorten the window or use more data`);
  }
  if (targetLength !== null) {
    numSeqs = Math.min(numSeqs, targetLength);
    if (numSeqs <= 0) throw new RangeError(`${W}: targets is empty; pass one target per step of data, or null for no targets`);
  }
  const count = Math.ceil(numSeqs / stride);
  const lastStart = start + (count - 1) * stride;
  // Keras reads targets[start:end][p]; a window starting past the targets fails inside tf.data there, so say so up front.
  if (targetLength !== null && lastStart >= targetLength) {
    throw new RangeError(`${W}: targets has ${targetLength} steps but the window starting at data[${lastStart}] needs targets[${lastStart}]; targets[i] is the target of the window starting at data[i], so pass one target per step of data`);
  }
  const positions = new Int32Array(count);
  for (let i = 0; i < count; i++) positions[i] = i * stride;
  let seed: number | null = null;
  if (opts.shuffle) {
    // Keras: seed = np.random.randint(1e6) when absent.
    seed = opts.seed ?? generatorFor().nextInt(1_000_000);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`${W}: seed must be an integer between 0 and 2**32 - 1 (numpy's RandomState rule), got ${valueText(seed)}`);
    }
    new NumpyRandomState(seed).shuffle(positions);
  }
  return { start, end, positions, seed };
}

/** Rows `first, first + step, ...` (count of them) of `t` as one tensor [count, ...rest]. */
function gatherRows(t: Tensor, first: number, step: number, count: number, keepAxis: boolean): Tensor {
  const inner = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const src = t.dataSync() as Uint8Array;
  const out = allocStorage(t.dtype, count * inner) as Uint8Array;
  for (let k = 0; k < count; k++) {
    const r = (first + k * step) * inner;
    out.set(src.subarray(r, r + inner), k * inner);
  }
  return makeTensor(out, keepAxis ? [count, ...t.shape.slice(1)] : t.shape.slice(1), t.dtype);
}

/**
 * Windows over a timeseries (axis 0 is time) as a `data.Dataset`, as Keras'
 * `timeseries_dataset_from_array`: window i holds `data[start + p, start + p + samplingRate, ...]`
 * (`sequenceLength` steps) for the i-th start offset p (0, sequenceStride, 2 sequenceStride, ...),
 * paired with `targets[start + p]` when targets are given; batched by `batchSize`.
 *
 * With `shuffle`, the start offsets are permuted exactly as Keras permutes them (numpy's
 * RandomState(seed).shuffle), then the windows pass a shuffle buffer of batchSize * 8 (1024 when
 * unbatched) reshuffled each pass, as Keras' tf.data pipeline does; that buffer draws from lamina's
 * generator seeded by `seed` (tf.data's own generator is not reproduced), so the batches hold the
 * same windows as Keras' only without shuffle.
 */
export function timeseriesDatasetFromArray(data: Tensor, targets: Tensor | null, opts: TimeseriesDatasetOptions): Dataset<Tensor> | Dataset<Tensor[]> {
  if (!(data instanceof Tensor)) throw new TypeError(`${W}: data must be a Tensor whose axis 0 is time, got ${valueText(data)}; wrap arrays with tf.constant(...)`);
  if (data.rank === 0) throw new RangeError(`${W}: data is a scalar; it needs a time axis (axis 0)`);
  if (targets !== null && !(targets instanceof Tensor)) throw new TypeError(`${W}: targets must be a Tensor (one target per step) or null, got ${valueText(targets)}`);
  if (targets !== null && targets.rank === 0) throw new RangeError(`${W}: targets is a scalar; pass one target per step of data (a tensor with axis 0 = time) or null`);
  if (opts === null || typeof opts !== "object") throw new TypeError(`${W}: pass the options, e.g. { sequenceLength: 10 }`);
  const batchSize = opts.batchSize === undefined ? 128 : opts.batchSize;
  if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1)) {
    throw new RangeError(`${W}: batchSize must be a positive integer or null (no batching), got ${valueText(batchSize)}`);
  }
  const { start, positions, seed } = timeseriesStartPositions(data.shape[0], targets === null ? null : targets.shape[0], opts);
  const L = opts.sequenceLength;
  const rate = opts.samplingRate ?? 1;
  const tgt = targets;
  const windowSpec = new TensorSpec([L, ...data.shape.slice(1)], data.dtype);
  let ds: Dataset<Tensor> | Dataset<Tensor[]> = tgt === null
    ? Dataset.fromGenerator(function* () {
        for (const p of positions) yield gatherRows(data, start + p, rate, L, true);
      }, { outputSignature: windowSpec })
    : Dataset.fromGenerator(function* () {
        for (const p of positions) yield [gatherRows(data, start + p, rate, L, true), gatherRows(tgt, start + p, 1, 1, false)];
      }, { outputSignature: [windowSpec, new TensorSpec(tgt.shape.slice(1), tgt.dtype)] });
  if (seed !== null) ds = (ds as Dataset<Tensor>).shuffle(batchSize === null ? 1024 : batchSize * 8, { seed });
  if (batchSize !== null) ds = (ds as Dataset<Tensor>).batch(batchSize);
  return ds;
}
