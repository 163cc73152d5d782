import { Tensor, type NestedArray } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { constant, zeros } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { add, cast, div, maximum, mul, sqrt, square, sub } from "../ops/math.js";
import { mean as meanOf, variance as varianceOf } from "../ops/reduce.js";
import { reshape, stack } from "../ops/shape.js";
import { noGrad } from "../ops/engine.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { epsilon } from "../tensor/config.js";

/** A mean or variance given directly: a number, nested lists of numbers, or a tensor. */
export type NormalizationValue = number | NestedArray | Tensor;

/**
 * What `adapt` learns from: a tensor, nested arrays of numbers, or a batched dataset (any async
 * iterable of tensors, such as `data.Dataset`; an unbatched one of vectors is batched by 128).
 */
export type NormalizationAdaptData = Tensor | NestedArray | AsyncIterable<Tensor | Tensor[]>;

export interface NormalizationArgs extends LayerArgs {
  /**
   * The axis or axes that keep a mean and variance per index; the others are reduced. Default -1
   * (one per feature of the last axis); null normalizes every element by one scalar mean.
   */
  axis?: number | readonly number[] | null;
  /** The mean to use instead of adapting, one value per kept index (or one for axis null). */
  mean?: NormalizationValue | null;
  /** The variance to use instead of adapting; given together with `mean`. */
  variance?: NormalizationValue | null;
  /** Apply the inverse: x * sqrt(variance) + mean. Default false. */
  invert?: boolean;
}

/** Keras batches an unbatched dataset of vectors by this many before adapting. */
const ADAPT_BATCH = 128;

/** adapt's running statistics over a dataset: float32 mean and variance, and the samples seen. */
interface StreamTotals { mean: Tensor | null; variance: Tensor | null; count: number }

function isAsyncIterable(x: unknown): x is AsyncIterable<Tensor | Tensor[]> {
  return typeof x === "object" && x !== null && !(x instanceof Tensor) && Symbol.asyncIterator in x;
}

/**
 * Keras 3's `layers.Normalization`: (x - mean) / max(sqrt(variance), 1e-7) with a mean and
 * variance per index of the kept `axis`, given directly or learned by `adapt(data)`; `invert`
 * turns normalized values back. Adapted statistics live in three non-trainable weights, as Keras
 * saves them: `mean` and `variance` (the kept axes' sizes) and `count` (an int32 scalar Keras 3
 * keeps only for older files and leaves 0). Given `mean`/`variance` are constants in the config,
 * with no weights.
 */
export class Normalization extends Layer {
  static readonly options = layerOptions<NormalizationArgs>({ axis: true, mean: true, variance: true, invert: true });
  /** The kept axes as given (Keras' tuple: [] for axis null). */
  readonly axis: readonly number[];
  readonly invert: boolean;
  /** Adapted statistics (null when mean and variance were given, or before building). */
  adaptMean: Variable | null = null;
  adaptVariance: Variable | null = null;
  count: Variable | null = null;
  private readonly inputMean: NormalizationValue | null;
  private readonly inputVariance: NormalizationValue | null;
  /** Set by build: the kept axes (sorted, non-negative), the reduced ones and the broadcast shape. */
  private keepAxes: number[] | null = null;
  private reduceAxes: number[] = [];
  private broadcastShape: number[] = [];
  /** Given mean and variance in the broadcast shape, made once at build. */
  private given: [Tensor, Tensor] | null = null;

  constructor(args: NormalizationArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const where = `Normalization ${this.name}`;
    const axis = args.axis === undefined ? -1 : args.axis;
    const list: readonly unknown[] | null = axis === null ? [] : typeof axis === "number" ? [axis] : Array.isArray(axis) ? axis : null;
    if (list === null || !list.every((a) => Number.isInteger(a))) {
      throw new TypeError(`${where}: axis must be an integer, a list of integers or null, got ${valueText(axis)}`);
    }
    this.axis = list as number[];
    this.invert = booleanOption(where, "invert", args.invert, false);
    this.inputMean = args.mean ?? null;
    this.inputVariance = args.variance ?? null;
    if ((this.inputMean === null) !== (this.inputVariance === null)) {
      throw new RangeError(
        `${where}: when setting values directly, both mean and variance must be set, got mean ${valueText(this.inputMean)} and variance ${valueText(this.inputVariance)}; ` +
          `give both, or neither and call adapt(data)`,
      );
    }
    for (const [what, v] of [["mean", this.inputMean], ["variance", this.inputVariance]] as const) {
      if (v !== null && !(v instanceof Tensor) && !isNumbers(v)) {
        throw new TypeError(`${where}: ${what} must be a number, a (nested) list of numbers or a tensor, got ${valueText(v)}`);
      }
    }
  }

  override build(inputShape: LayerShape): void {
    const where = `Normalization ${this.name}`;
    const ndim = inputShape.length;
    const bad = this.axis.find((a) => a < -ndim || a >= ndim);
    if (bad !== undefined) {
      throw new RangeError(
        `${where}: axis ${bad} is out of range for inputs of shape ${layerShapeText(inputShape)} (rank ${ndim}); use axes in ${-ndim}..${ndim - 1}`,
      );
    }
    const keep = [...new Set(this.axis.map((a) => (a < 0 ? a + ndim : a)))].sort((a, b) => a - b);
    const unknown = keep.find((d) => inputShape[d] === null);
    if (unknown !== undefined) {
      throw new RangeError(
        `${where}: the kept axis ${unknown} of inputs of shape ${layerShapeText(inputShape)} has no known size, but a mean and variance are kept per index there; ` +
          `keep other axes (axis), or give inputs of known size`,
      );
    }
    this.keepAxes = keep;
    this.reduceAxes = inputShape.map((_, d) => d).filter((d) => !keep.includes(d));
    this.broadcastShape = inputShape.map((s, d) => (keep.includes(d) ? (s as number) : 1));
    const statShape = keep.map((d) => inputShape[d] as number);
    if (this.inputMean === null) {
      this.adaptMean = this.addWeight("mean", statShape, { initializer: "zeros", trainable: false });
      this.adaptVariance = this.addWeight("variance", statShape, { initializer: "ones", trainable: false });
      this.count = this.addWeight("count", [], { dtype: "int32", initializer: "zeros", trainable: false });
    } else {
      // Checked now, as Keras reshapes them to the broadcast shape when it builds.
      this.given = [this.givenStat(this.inputMean, "mean"), this.givenStat(this.inputVariance as NormalizationValue, "variance")];
    }
    this.built = true;
  }

  /** A given mean or variance reshaped to the broadcast shape (Keras reshapes, it does not broadcast). */
  private givenStat(v: NormalizationValue, what: string): Tensor {
    const t = v instanceof Tensor ? (v.dtype === this.dtype ? v : cast(v, this.dtype)) : constant(v, this.dtype);
    const need = this.broadcastShape.reduce((a, b) => a * b, 1);
    if (t.size !== need) {
      throw new RangeError(
        `Normalization ${this.name}: ${what} has ${t.size} value${t.size === 1 ? "" : "s"} but the kept axes [${(this.keepAxes ?? []).join(", ")}] need ${need} ` +
          `(one per index of shape [${this.broadcastShape.filter((_, d) => this.keepAxes?.includes(d)).join(", ")}]); give one value per kept index, ` +
          `or use axis null for a single scalar mean and variance`,
      );
    }
    return reshape(t, this.broadcastShape);
  }

  /** The mean and variance in the broadcast shape, as call uses them. */
  private stats(): [Tensor, Tensor] {
    if (this.adaptMean && this.adaptVariance) {
      const m = this.adaptMean.dtype === this.dtype ? this.adaptMean : cast(this.adaptMean, this.dtype);
      const v = this.adaptVariance.dtype === this.dtype ? this.adaptVariance : cast(this.adaptVariance, this.dtype);
      return [reshape(m, this.broadcastShape), reshape(v, this.broadcastShape)];
    }
    return this.given as [Tensor, Tensor];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const input = single(inputs, this);
    const x = input.dtype === this.dtype ? input : cast(input, this.dtype);
    const [m, v] = this.stats();
    const scale = maximum(sqrt(v), epsilon());
    return this.invert ? add(m, mul(x, scale)) : div(sub(x, m), scale);
  }

  /**
   * Learns the mean and variance of `data` per kept index (Keras' adapt). A tensor or array is
   * reduced at once, in float64 (numpy's float64 for arrays); a dataset is read batch by batch and
   * combined in float32 as Keras does: with n the samples so far and b those of the batch,
   * mean = mean * (1 - b/n) + batch_mean * b/n and variance = (variance + (old_mean - mean)^2) * (1 - b/n)
   * + (batch_variance + (batch_mean - mean)^2) * b/n. A dataset makes adapt asynchronous.
   */
  adapt(data: Tensor | NestedArray): void;
  adapt(data: AsyncIterable<Tensor | Tensor[]>): Promise<void>;
  adapt(data: NormalizationAdaptData): void | Promise<void>;
  adapt(data: NormalizationAdaptData): void | Promise<void> {
    if (isAsyncIterable(data)) return this.adaptStream(data);
    const where = `Normalization ${this.name}.adapt`;
    let t: Tensor;
    if (data instanceof Tensor) {
      t = data;
    } else if (isNumbers(data)) {
      t = constant(data, "float64");
    } else {
      throw new TypeError(`${where}: data must be a tensor, a (nested) array of numbers or a batched dataset, got ${valueText(data)}`);
    }
    if (t.dtype === "bool") throw new TypeError(`${where}: cannot adapt to a bool tensor; cast it to float32 first`);
    this.prepareAdapt(t.shape, where);
    const [m, v] = noGrad(() => this.momentsOf(t));
    this.assignStats(m, v);
  }

  private async adaptStream(data: AsyncIterable<Tensor | Tensor[]>): Promise<void> {
    const where = `Normalization ${this.name}.adapt`;
    const acc: StreamTotals = { mean: null, variance: null, count: 0 };
    let pending: Tensor[] = [];
    let unbatched: boolean | null = null;
    for await (const element of data) {
      if (!(element instanceof Tensor)) {
        throw new TypeError(
          `${where}: each dataset element must be one tensor of features, got ${Array.isArray(element) ? `an array of ${element.length}` : valueText(element)}; ` +
            `map the dataset to its features first, e.g. ds.map(([x]) => x)`,
        );
      }
      // Keras batches a dataset whose elements are vectors (rank 1) by 128 first.
      unbatched ??= element.rank === 1;
      if (!unbatched) {
        this.takeBatch(acc, element, where);
        continue;
      }
      pending.push(element);
      if (pending.length === ADAPT_BATCH) {
        this.takeBatch(acc, noGrad(() => stack(pending)), where);
        pending = [];
      }
    }
    if (pending.length > 0) this.takeBatch(acc, noGrad(() => stack(pending)), where);
    if (acc.mean === null || acc.variance === null) {
      throw new RangeError(`${where}: the dataset is empty; there is nothing to learn a mean and variance from`);
    }
    this.assignStats(acc.mean, acc.variance);
  }

  /** Folds one batch into the running float32 totals with Keras' weights b/n and 1 - b/n. */
  private takeBatch(acc: StreamTotals, batch: Tensor, where: string): void {
    if (acc.mean === null || acc.variance === null) {
      this.prepareAdapt([null, ...batch.shape.slice(1)], where);
      const statShape = (this.keepAxes as number[]).map((d) => this.broadcastShape[d]);
      acc.mean = zeros(statShape, "float32");
      acc.variance = zeros(statShape, "float32");
    } else {
      this.checkKeptSizes(batch.shape, where);
    }
    const batchCount = this.reduceAxes.reduce((n, d) => n * batch.shape[d], 1);
    acc.count += batchCount;
    const bw = batchCount / acc.count;
    const ew = 1 - bw;
    const tm = acc.mean, tv = acc.variance;
    const [nm, nv] = noGrad((): [Tensor, Tensor] => {
      const [bm, bv] = this.momentsOf(batch).map((s) => cast(s, "float32"));
      const m = add(mul(tm, ew), mul(bm, bw));
      return [m, add(mul(add(tv, square(sub(tm, m))), ew), mul(add(bv, square(sub(bm, m))), bw))];
    });
    acc.mean = nm;
    acc.variance = nv;
  }

  /** Builds for the data's shape, or checks its kept axes against the built shape; refuses given mean/variance. */
  private prepareAdapt(shape: LayerShape, where: string): void {
    if (this.inputMean !== null) {
      throw new Error(`${where}: the layer was given mean and variance, so it has nothing to adapt; make it without mean and variance to learn them from data`);
    }
    if (!this.built) {
      this.maybeBuild(shape, false);
      return;
    }
    this.checkKeptSizes(shape, where);
  }

  private checkKeptSizes(shape: LayerShape, where: string): void {
    const keep = this.keepAxes as number[];
    if (shape.length !== this.broadcastShape.length || keep.some((d) => shape[d] !== this.broadcastShape[d])) {
      throw new RangeError(
        `${where}: the layer was built for inputs of shape ${layerShapeText(this.builtInputShape as LayerShape)}, but the data has the incompatible shape ` +
          `${layerShapeText(shape)}; the kept axes [${keep.join(", ")}] must have the same sizes`,
      );
    }
  }

  /** The mean and biased variance over the reduced axes, accumulated in float64, in the kept axes' shape. */
  private momentsOf(x: Tensor): [Tensor, Tensor] {
    const x64 = x.dtype === "float64" ? x : cast(x, "float64");
    const statShape = (this.keepAxes as number[]).map((d) => x.shape[d]);
    // Reducing over no axis (every axis kept) leaves each value its own mean, with variance 0.
    if (this.reduceAxes.length === 0) return [reshape(x64, statShape), zeros(statShape, "float64")];
    return [reshape(meanOf(x64, this.reduceAxes), statShape), reshape(varianceOf(x64, this.reduceAxes), statShape)];
  }

  private assignStats(m: Tensor, v: Tensor): void {
    const mean = this.adaptMean as Variable, variance = this.adaptVariance as Variable;
    mean.assign(noGrad(() => cast(m, mean.dtype)));
    variance.assign(noGrad(() => cast(v, variance.dtype)));
  }

  protected override weightAxes(): readonly number[] {
    return this.keepAxes ?? this.axis;
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    const value = (v: NormalizationValue | null): unknown => (v instanceof Tensor ? v.arraySync() : v);
    return { ...super.getConfig(), axis: [...this.axis], invert: this.invert, mean: value(this.inputMean), variance: value(this.inputVariance) };
  }
}

function isNumbers(v: unknown): v is NestedArray {
  if (typeof v === "number") return true;
  return Array.isArray(v) && v.every(isNumbers);
}
