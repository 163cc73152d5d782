/**
 * `preprocessing.StandardScaler`, computing as scikit-learn 1.2 does: statistics of float32 data
 * are accumulated in float64, results keep the input's float dtype, features of zero variance are
 * left unscaled; `partialFit` adds chunks with scikit-learn's `_incremental_mean_and_var` (Chan,
 * Golub and LeVeque), `fit` starts over.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { type Matrix, type ScalerInput, asMatrix, mapFeatures, refuseInfinite, checkChunk, shapeText } from "./scaler_matrix.js";

/** Which statistic a StandardScaler keeps: a Tensor when its option is on, null (scikit-learn's None) when off. */
export type ScalerStat<On extends boolean> = On extends true ? Tensor : null;
/** `mean_` is kept while either option is on (the variance update needs it), None only when both are off. */
export type ScalerMean<WithMean extends boolean, WithStd extends boolean> = WithMean extends true ? Tensor : ScalerStat<WithStd>;

/** numpy's `x ** 2` is x * x; Math.pow is not specified to round the same way. */
const sqr = (v: number): number => v * v;

/** scikit-learn's `_is_constant_feature` and `_handle_zeros_in_scale`: a near-constant feature keeps scale 1. */
function constantAwareScale(variance: Float64Array, mean: Float64Array, count: Float64Array): Float64Array {
  const eps = 2 ** -52;
  return variance.map((v, j) => (v <= count[j] * eps * v + sqr(count[j] * mean[j] * eps) ? 1 : Math.sqrt(v)));
}

function vector(a: Float64Array): Tensor { return makeTensor(a.slice(), [a.length], "float64"); }

/**
 * Standardizes features by removing the mean and dividing by the population standard deviation.
 * The type parameters follow the options so that `var`/`scale` are typed `null` exactly when
 * scikit-learn's `var_`/`scale_` are None (withStd: false), and `mean` when both options are off.
 */
export class StandardScaler<WithMean extends boolean = true, WithStd extends boolean = true> {
  readonly withMean: WithMean;
  readonly withStd: WithStd;
  private count: Float64Array | null = null;
  private mean_: Float64Array | null = null;
  private var_: Float64Array | null = null;
  private scale_: Float64Array | null = null;
  private lastShape = "";

  constructor(opts: { withMean?: WithMean; withStd?: WithStd } = {}) {
    this.withMean = opts.withMean ?? (true as WithMean);
    this.withStd = opts.withStd ?? (true as WithStd);
  }

  /** Per-feature mean (float64 [features]), scikit-learn's `mean_`; null when withMean and withStd are both false. */
  get mean(): ScalerMean<WithMean, WithStd> {
    this.fitted("mean");
    return (this.mean_ ? vector(this.mean_) : null) as ScalerMean<WithMean, WithStd>;
  }
  /** Per-feature population variance (float64), `var_`; null when withStd is false. */
  get var(): ScalerStat<WithStd> {
    this.fitted("var");
    return (this.var_ ? vector(this.var_) : null) as ScalerStat<WithStd>;
  }
  /** Per-feature scale: the standard deviation, 1 where it is zero (float64), `scale_`; null when withStd is false. */
  get scale(): ScalerStat<WithStd> {
    this.fitted("scale");
    return (this.scale_ ? vector(this.scale_) : null) as ScalerStat<WithStd>;
  }
  /**
   * Samples seen by fit and every partialFit since, `n_samples_seen_`: one number when every feature
   * counted the same samples, else a count per feature (NaN is not counted).
   */
  get nSamplesSeen(): number | number[] {
    const count = this.fitted("nSamplesSeen");
    return count.every((c) => c === count[0]) ? count[0] : Array.from(count);
  }

  private fitted(what: string): Float64Array {
    if (!this.count) throw new Error(`StandardScaler.${what}: this StandardScaler is not fitted yet; call fit(x), fitTransform(x) or partialFit(x) first`);
    return this.count;
  }

  /**
   * Computes the mean and standard deviation of each column of x [samples, features], forgetting
   * earlier fit and partialFit calls. As scikit-learn, NaN values are left out of each column's
   * statistics (and kept as NaN by transform), and an infinite value is refused.
   */
  fit(x: ScalerInput): this {
    this.count = this.mean_ = this.var_ = this.scale_ = null;
    return this.update(x, "fit");
  }

  /**
   * Adds the chunk x [samples, features] to the statistics of the chunks seen so far, as
   * scikit-learn's partial_fit: for data too large for one fit, or read from a stream.
   */
  partialFit(x: ScalerInput): this {
    return this.update(x, "partialFit");
  }

  /** scikit-learn's `_incremental_mean_and_var` (Chan, Golub and LeVeque's update), NaN-aware per column. */
  private update(x: ScalerInput, what: string): this {
    const m = asMatrix(x, `StandardScaler.${what}`);
    const { n, f, data } = m;
    if (n === 0) throw new RangeError(`StandardScaler.${what}: x has 0 samples; at least one is needed`);
    checkChunk("StandardScaler", m, this.count ? this.count.length : null, this.lastShape);
    refuseInfinite(m, `StandardScaler.${what}`);
    const lastCount = this.count ?? new Float64Array(f);
    const newSum = new Float64Array(f), newCount = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const v = data[i * f + j];
        if (v === v) { newSum[j] += v; newCount[j]++; }
      }
    }
    const count = lastCount.map((c, j) => c + newCount[j]);
    if (this.withMean || this.withStd) {
      const lastMean = this.mean_ ?? new Float64Array(f);
      const lastSum = lastMean.map((mu, j) => mu * lastCount[j]);
      const mean = lastSum.map((s, j) => (s + newSum[j]) / count[j]);
      if (this.withStd) {
        const lastVar = this.var_ ?? new Float64Array(f);
        const chunkMean = newSum.map((s, j) => s / newCount[j]);
        const correction = new Float64Array(f), sq = new Float64Array(f);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < f; j++) {
            const d = data[i * f + j] - chunkMean[j];
            if (d === d) { correction[j] += d; sq[j] += d * d; }
          }
        }
        const variance = new Float64Array(f);
        for (let j = 0; j < f; j++) {
          // Written in scikit-learn's order of operations so results agree to the last bit.
          const newUnnormalized = sq[j] - (correction[j] * correction[j]) / newCount[j];
          const lastOverNew = lastCount[j] / newCount[j];
          const unnormalized = lastCount[j] === 0 ? newUnnormalized
            : lastVar[j] * lastCount[j] + newUnnormalized + (lastOverNew / count[j]) * sqr(lastSum[j] / lastOverNew - newSum[j]);
          variance[j] = unnormalized / count[j];
        }
        this.var_ = variance;
        this.scale_ = constantAwareScale(variance, mean, count);
      }
      this.mean_ = mean;
    }
    this.count = count;
    this.lastShape = shapeText(m);
    return this;
  }

  /** (x - mean) / scale, in x's float dtype (each step only when its option is on). */
  transform(x: ScalerInput): Tensor {
    const m = this.checked(x, "transform");
    refuseInfinite(m, "StandardScaler.transform");
    const { mean_, scale_ } = this;
    const center = this.withMean ? mean_ : null;
    return mapFeatures(m, (v, j, r) => {
      if (center) v = r(v - center[j]);
      return scale_ ? r(v / scale_[j]) : v;
    });
  }

  fitTransform(x: ScalerInput): Tensor {
    return this.fit(x).transform(x);
  }

  /** x * scale + mean: back to the original units. */
  inverseTransform(x: ScalerInput): Tensor {
    const m = this.checked(x, "inverseTransform");
    const { mean_, scale_ } = this;
    const center = this.withMean ? mean_ : null;
    return mapFeatures(m, (v, j, r) => {
      if (scale_) v = r(v * scale_[j]);
      return center ? r(v + center[j]) : v;
    });
  }

  private checked(x: ScalerInput, what: string): Matrix {
    const expected = this.fitted(what).length;
    const m = asMatrix(x, `StandardScaler.${what}`);
    if (m.f !== expected) throw new RangeError(`StandardScaler.${what}: x has ${m.f} features, but this StandardScaler was fitted on ${expected}; pass data with the same columns`);
    return m;
  }
}
