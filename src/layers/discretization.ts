import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { constant, zeros } from "../tensor/creation.js";
import { add, cast, less, sub } from "../ops/math.js";
import { reshape } from "../ops/shape.js";
import { sort } from "../ops/sort.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { single } from "./core.js";
import {
  type CategoricalOutputMode, CATEGORICAL_OUTPUT_MODES, categoricalOutputShape, checkOutputMode, defaultOutputDType, encodeCategorical,
} from "./categorical_output.js";
import { binBoundaries, emptySummary, mergeSummaries, type QuantileSummary, summarize } from "./quantile_summary.js";
import type { NestedNumbers } from "./nested_values.js";

export interface DiscretizationArgs extends LayerArgs {
  /** Sorted bin edges: [0, 1, 2] makes bins (-inf, 0), [0, 1), [1, 2), [2, inf). Not with adapt. */
  binBoundaries?: readonly number[] | null;
  /** How many bins adapt learns (numBins - 1 boundaries). */
  numBins?: number | null;
  /** adapt's quantile error tolerance (default 0.01): larger is coarser but cheaper. */
  epsilon?: number;
  /** "int" (bin ids, the default), "one_hot", "multi_hot" or "count" (vectors of numBins). */
  outputMode?: CategoricalOutputMode;
  /** Keras' sparse outputs (TensorFlow backend only): lamina has no sparse tensors, so only false. */
  sparse?: boolean;
}

/** What adapt learns from: a tensor, nested arrays of numbers, or an async iterable of batches of them. */
export type DiscretizationAdaptData = Tensor | NestedNumbers | AsyncIterable<Tensor | NestedNumbers>;

function isAsyncIterable(x: unknown): x is AsyncIterable<Tensor | NestedNumbers> {
  return typeof x === "object" && x !== null && !(x instanceof Tensor) && Symbol.asyncIterator in x;
}

/**
 * Keras 3.5's Discretization: the bin id of each value (the number of boundaries <= it, compared
 * in float32 as Keras does), or its one-hot/multi-hot/count encoding. The boundaries are given,
 * or learned by `adapt` with Keras' approximate-quantile summary, so the same data gives the same
 * boundaries as in Keras. Ids are int64 by default, as in Keras (dtype "int32" is accepted).
 */
export class Discretization extends Layer {
  static readonly options = layerOptions<DiscretizationArgs>({ binBoundaries: true, numBins: true, epsilon: true, outputMode: true, sparse: true });
  /** The boundaries in use: given, or learned by adapt (empty before it). */
  binBoundaries: number[];
  readonly numBins: number | null;
  readonly epsilon: number;
  readonly outputMode: CategoricalOutputMode;
  private readonly givenBoundaries: boolean;
  private summary: QuantileSummary = emptySummary();

  constructor(args: DiscretizationArgs = {}) {
    const where = `Discretization ${args.name ?? ""}`.trim();
    const mode = checkOutputMode(args.outputMode ?? "int", CATEGORICAL_OUTPUT_MODES, where);
    super({ ...args, dtype: defaultOutputDType(mode, args.dtype as DType | undefined, where) });
    const at = `Discretization ${this.name}`;
    this.outputMode = mode;
    if (booleanOption(at, "sparse", args.sparse, false)) throw new TypeError(`${at}: sparse outputs are not supported (lamina has no sparse tensors); leave sparse false`);
    const n = args.numBins ?? null;
    if (n !== null && (typeof n !== "number" || !Number.isInteger(n) || n < 0)) {
      throw new RangeError(`${at}: numBins must be an integer >= 0, got ${valueText(n)}`);
    }
    const given = args.binBoundaries ?? null;
    if (given !== null) {
      if (!Array.isArray(given) || !given.every((b) => typeof b === "number" && !Number.isNaN(b))) {
        throw new TypeError(`${at}: binBoundaries must be a list of numbers, got ${valueText(given)}`);
      }
      if (given.some((b, i) => i > 0 && b < given[i - 1])) {
        throw new RangeError(`${at}: binBoundaries must be sorted in increasing order, got ${valueText(given)}`);
      }
      if (n !== null && given.length !== n - 1) {
        throw new RangeError(`${at}: numBins ${n} and binBoundaries of ${given.length} entries disagree (numBins must be their count + 1); give only one of them`);
      }
    }
    const eps = args.epsilon ?? 0.01;
    if (typeof eps !== "number" || !(eps > 0 && eps <= 1)) throw new RangeError(`${at}: epsilon must be a number in (0, 1], got ${valueText(eps)}`);
    this.numBins = n;
    this.epsilon = eps;
    this.givenBoundaries = given !== null;
    this.binBoundaries = given !== null ? [...given] : [];
    this.built = true;
  }

  /**
   * Learns the boundaries of numBins bins holding about equal shares of the data (Keras'
   * adapt): from a tensor or nested arrays, or from each batch of an async iterable (`steps`
   * limits how many are read).
   */
  adapt(data: Tensor | NestedNumbers): void;
  adapt(data: AsyncIterable<Tensor | NestedNumbers>, opts?: { steps?: number }): Promise<void>;
  adapt(data: DiscretizationAdaptData, opts: { steps?: number } = {}): void | Promise<void> {
    const at = `Discretization ${this.name}.adapt`;
    if (this.givenBoundaries) throw new TypeError(`${at}: the layer was given binBoundaries; to learn them, make it with numBins instead`);
    if (this.numBins === null || this.numBins < 1) {
      throw new RangeError(`${at}: numBins must be set (>= 1) to learn boundaries, got ${valueText(this.numBins)}; e.g. layers.Discretization({ numBins: 4 })`);
    }
    if (isAsyncIterable(data)) {
      return (async () => {
        this.summary = emptySummary();
        let step = 0;
        for await (const batch of data) {
          if (opts.steps !== undefined && step++ >= opts.steps) break;
          this.update(batch, at);
        }
        this.finalize();
      })();
    }
    this.summary = emptySummary();
    this.update(data, at);
    this.finalize();
  }

  private update(batch: Tensor | NestedNumbers, where: string): void {
    let t: Tensor;
    try {
      t = batch instanceof Tensor ? batch : constant(batch as number[], "float32");
    } catch (e) {
      throw new TypeError(`${where}: expects a tensor or (nested) arrays of numbers, got ${valueText(batch)} (${(e as Error).message})`);
    }
    // numpy's float32 sort puts NaN last, as the comparisons below do.
    const sorted = sort(reshape(cast(t, "float32"), [-1])).arraySync() as number[];
    this.summary = mergeSummaries(summarize(sorted, this.epsilon), this.summary, this.epsilon);
  }

  private finalize(): void {
    this.binBoundaries = binBoundaries(this.summary, this.numBins as number);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = cast(single(inputs, this), "float32");
    // np.digitize / torch.bucketize(right=True): how many float32 boundaries are <= x (NaN passes all).
    const bounds = this.binBoundaries.map(Math.fround);
    let below: Tensor = zeros(x.shape, "int32");
    for (const b of bounds) below = add(below, cast(less(x, b), "int32"));
    const ids = sub(bounds.length, below);
    return encodeCategorical(ids, this.outputMode, bounds.length + 1, this.dtype, `Discretization ${this.name}`);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return categoricalOutputShape(this.outputMode, inputShape as LayerShape, this.binBoundaries.length + 1, `Discretization ${this.name}`);
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3.5's get_config: these keys only (no trainable), the dtype as a plain string.
    return {
      bin_boundaries: [...this.binBoundaries], num_bins: this.numBins, epsilon: this.epsilon, output_mode: this.outputMode, sparse: false,
      name: this.name, dtype: this.dtype,
    };
  }
}
