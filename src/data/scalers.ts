/**
 * `preprocessing.StandardScaler` and `preprocessing.MinMaxScaler`, computing as scikit-learn 1.2 does:
 * statistics of float32 data are accumulated in float64, results keep the input's float dtype
 * (integer inputs give float64, as scikit-learn converts them), features of zero variance or zero
 * range are left unscaled.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import type { NestedArray } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";

type FloatOut = "float32" | "float64";
export type ScalerInput = Tensor | number[][];

interface Matrix { data: ArrayLike<number>; n: number; f: number; dtype: FloatOut }

function asMatrix(x: ScalerInput, where: string): Matrix {
  const t = x instanceof Tensor ? x : constant(x as NestedArray, "float64");
  if (t.rank !== 2) {
    throw new RangeError(`${where}: expected a 2D tensor [samples, features], got shape [${t.shape.join(", ")}]; reshape it first, e.g. tf.reshape(x, [-1, 1]) for one feature or tf.reshape(x, [x.shape[0], -1]) for images`);
  }
  if (t.dtype === "bool") throw new TypeError(`${where}: a bool tensor cannot be scaled; cast it to float32 first`);
  const src = t.dataSync();
  // Read the storage in place (no float64 copy of a large image matrix); only int64 needs converting.
  const data: ArrayLike<number> = src instanceof BigInt64Array ? Float64Array.from(src, (v) => Number(v)) : src;
  return { data, n: t.shape[0], f: t.shape[1], dtype: t.dtype === "float32" ? "float32" : "float64" };
}

/** A result buffer in the output dtype (values written there are rounded by the array itself). */
function alloc(m: Matrix): Float32Array | Float64Array {
  return m.dtype === "float32" ? new Float32Array(m.n * m.f) : new Float64Array(m.n * m.f);
}

function out(data: Float32Array | Float64Array, m: Matrix): Tensor {
  return makeTensor(data, [m.n, m.f], m.dtype);
}

/** scikit-learn's check_array(force_all_finite="allow-nan"): NaN passes, an infinity does not. */
function refuseInfinite(m: Matrix, where: string): void {
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (v === Infinity || v === -Infinity) {
      const row = Math.floor(i / m.f), col = i % m.f;
      throw new RangeError(`${where}: x holds ${v} (sample ${row}, feature ${col}); scikit-learn refuses infinite values (NaN is allowed and left out of the statistics); replace or drop it first`);
    }
  }
}

const f32 = Math.fround;
const id = (v: number): number => v;

/** Standardizes features by removing the mean and dividing by the population standard deviation. */
export class StandardScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  private mean_: Float64Array | null = null;
  private var_: Float64Array | null = null;
  private scale_: Float64Array | null = null;
  private nSeen: number | number[] = 0;

  constructor(opts: { withMean?: boolean; withStd?: boolean } = {}) {
    this.withMean = opts.withMean ?? true;
    this.withStd = opts.withStd ?? true;
  }

  /** Per-feature mean (float64 [features]), as scikit-learn's `mean_`. */
  get mean(): Tensor { return makeTensor(this.fitted("mean").mean_.slice(), [this.mean_!.length], "float64"); }
  /** Per-feature population variance (float64), `var_`. */
  get var(): Tensor { return makeTensor(this.fitted("var").var_.slice(), [this.var_!.length], "float64"); }
  /** Per-feature scale: the standard deviation, 1 where it is zero (float64), `scale_`. */
  get scale(): Tensor { return makeTensor(this.fitted("scale").scale_.slice(), [this.scale_!.length], "float64"); }
  /** Number of samples seen by fit, `n_samples_seen_` (per feature when NaN left features with different counts). */
  get nSamplesSeen(): number | number[] { return this.nSeen; }

  private fitted(what: string): { mean_: Float64Array; var_: Float64Array; scale_: Float64Array } {
    if (!this.mean_ || !this.var_ || !this.scale_) throw new Error(`StandardScaler.${what}: this StandardScaler is not fitted yet; call fit(x) or fitTransform(x) first`);
    return { mean_: this.mean_, var_: this.var_, scale_: this.scale_ };
  }

  /**
   * Computes the mean and standard deviation of each column of x [samples, features]. As
   * scikit-learn, NaN values are left out of each column's statistics (and kept as NaN by
   * transform), and an infinite value is refused.
   */
  fit(x: ScalerInput): this {
    const m = asMatrix(x, "StandardScaler.fit");
    const { n, f, data } = m;
    if (n === 0) throw new RangeError("StandardScaler.fit: x has 0 samples; at least one is needed");
    refuseInfinite(m, "StandardScaler.fit");
    const sum = new Float64Array(f), count = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const v = data[i * f + j];
        if (v === v) { sum[j] += v; count[j]++; }
      }
    }
    const mean = sum.map((s, j) => s / count[j]);
    const correction = new Float64Array(f), sq = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const d = data[i * f + j] - mean[j];
        if (d === d) { correction[j] += d; sq[j] += d * d; }
      }
    }
    const variance = new Float64Array(f);
    for (let j = 0; j < f; j++) variance[j] = (sq[j] - (correction[j] * correction[j]) / count[j]) / count[j];
    const eps = 2 ** -52;
    const scale = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      const constantFeature = variance[j] <= count[j] * eps * variance[j] + (count[j] * mean[j] * eps) ** 2;
      scale[j] = constantFeature ? 1 : Math.sqrt(variance[j]);
    }
    // scikit-learn keeps mean_ even with withMean: false (it is needed for the variance).
    this.mean_ = mean;
    this.var_ = variance;
    this.scale_ = this.withStd ? scale : new Float64Array(f).fill(1);
    // As scikit-learn: one number when every feature counted the same samples, else a count per feature.
    this.nSeen = count.every((c) => c === count[0]) ? count[0] : Array.from(count);
    return this;
  }

  /** (x - mean) / scale, in x's float dtype. */
  transform(x: ScalerInput): Tensor {
    const { mean_, scale_ } = this.fitted("transform");
    const m = asMatrix(x, "StandardScaler.transform");
    this.checkFeatures(m.f, "transform");
    refuseInfinite(m, "StandardScaler.transform");
    const r = m.dtype === "float32" ? f32 : id;
    const o = alloc(m);
    for (let i = 0; i < m.n; i++) {
      for (let j = 0; j < m.f; j++) {
        let v = m.data[i * m.f + j];
        if (this.withMean) v = r(v - mean_[j]);
        if (this.withStd) v = r(v / scale_[j]);
        o[i * m.f + j] = v;
      }
    }
    return out(o, m);
  }

  fitTransform(x: ScalerInput): Tensor {
    return this.fit(x).transform(x);
  }

  /** x * scale + mean: back to the original units. */
  inverseTransform(x: ScalerInput): Tensor {
    const { mean_, scale_ } = this.fitted("inverseTransform");
    const m = asMatrix(x, "StandardScaler.inverseTransform");
    this.checkFeatures(m.f, "inverseTransform");
    const r = m.dtype === "float32" ? f32 : id;
    const o = alloc(m);
    for (let i = 0; i < m.n; i++) {
      for (let j = 0; j < m.f; j++) {
        let v = m.data[i * m.f + j];
        if (this.withStd) v = r(v * scale_[j]);
        if (this.withMean) v = r(v + mean_[j]);
        o[i * m.f + j] = v;
      }
    }
    return out(o, m);
  }

  private checkFeatures(f: number, what: string): void {
    const expected = this.mean_!.length;
    if (f !== expected) throw new RangeError(`StandardScaler.${what}: x has ${f} features, but this StandardScaler was fitted on ${expected}; pass data with the same columns`);
  }
}

/** Scales each feature to a range (default [0, 1]): x * scale + min, as scikit-learn's MinMaxScaler. */
export class MinMaxScaler {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
  private dataMin_: Float64Array | null = null;
  private dataMax_: Float64Array | null = null;
  private scale_: Float64Array | null = null;
  private min_: Float64Array | null = null;
  private dtype: FloatOut = "float64";

  constructor(opts: { featureRange?: [number, number]; clip?: boolean } = {}) {
    const range = opts.featureRange ?? [0, 1];
    if (!(range[0] < range[1])) throw new RangeError(`MinMaxScaler: featureRange must be [min, max] with min < max, got [${range.join(", ")}]`);
    this.featureRange = [range[0], range[1]];
    this.clip = opts.clip ?? false;
  }

  private fitted(what: string): { scale_: Float64Array; min_: Float64Array; dataMin_: Float64Array; dataMax_: Float64Array } {
    if (!this.scale_ || !this.min_ || !this.dataMin_ || !this.dataMax_) throw new Error(`MinMaxScaler.${what}: this MinMaxScaler is not fitted yet; call fit(x) or fitTransform(x) first`);
    return { scale_: this.scale_, min_: this.min_, dataMin_: this.dataMin_, dataMax_: this.dataMax_ };
  }
  private vec(a: Float64Array): Tensor {
    return makeTensor(this.dtype === "float32" ? Float32Array.from(a) : a.slice(), [a.length], this.dtype);
  }
  /** Per-feature minimum seen by fit, `data_min_`. */
  get dataMin(): Tensor { return this.vec(this.fitted("dataMin").dataMin_); }
  /** Per-feature maximum seen by fit, `data_max_`. */
  get dataMax(): Tensor { return this.vec(this.fitted("dataMax").dataMax_); }
  /** Per-feature factor, `scale_`. */
  get scale(): Tensor { return this.vec(this.fitted("scale").scale_); }
  /** Per-feature offset, `min_`. */
  get min(): Tensor { return this.vec(this.fitted("min").min_); }

  fit(x: ScalerInput): this {
    const m = asMatrix(x, "MinMaxScaler.fit");
    refuseInfinite(m, "MinMaxScaler.fit");
    if (m.n === 0) throw new RangeError("MinMaxScaler.fit: x has 0 samples; at least one is needed");
    const r = m.dtype === "float32" ? f32 : id;
    const lo = new Float64Array(m.f).fill(Infinity), hi = new Float64Array(m.f).fill(-Infinity);
    for (let i = 0; i < m.n; i++) {
      for (let j = 0; j < m.f; j++) {
        const v = m.data[i * m.f + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
    const [a, b] = this.featureRange;
    const eps = m.dtype === "float32" ? 2 ** -23 : 2 ** -52;
    const scale = new Float64Array(m.f), min = new Float64Array(m.f);
    for (let j = 0; j < m.f; j++) {
      let range = r(hi[j] - lo[j]);
      if (range < 10 * eps) range = 1;
      scale[j] = r((b - a) / range);
      min[j] = r(a - r(lo[j] * scale[j]));
    }
    this.dataMin_ = lo; this.dataMax_ = hi; this.scale_ = scale; this.min_ = min; this.dtype = m.dtype;
    return this;
  }

  transform(x: ScalerInput): Tensor {
    const { scale_, min_ } = this.fitted("transform");
    const m = asMatrix(x, "MinMaxScaler.transform");
    if (m.f !== scale_.length) throw new RangeError(`MinMaxScaler.transform: x has ${m.f} features, but this MinMaxScaler was fitted on ${scale_.length}; pass data with the same columns`);
    const r = m.dtype === "float32" ? f32 : id;
    const [a, b] = this.featureRange;
    const o = alloc(m);
    for (let i = 0; i < m.n; i++) {
      for (let j = 0; j < m.f; j++) {
        let v = r(r(m.data[i * m.f + j] * scale_[j]) + min_[j]);
        if (this.clip) v = Math.min(b, Math.max(a, v));
        o[i * m.f + j] = v;
      }
    }
    return out(o, m);
  }

  fitTransform(x: ScalerInput): Tensor {
    return this.fit(x).transform(x);
  }

  inverseTransform(x: ScalerInput): Tensor {
    const { scale_, min_ } = this.fitted("inverseTransform");
    const m = asMatrix(x, "MinMaxScaler.inverseTransform");
    if (m.f !== scale_.length) throw new RangeError(`MinMaxScaler.inverseTransform: x has ${m.f} features, but this MinMaxScaler was fitted on ${scale_.length}`);
    const r = m.dtype === "float32" ? f32 : id;
    const o = alloc(m);
    for (let i = 0; i < m.n; i++) for (let j = 0; j < m.f; j++) o[i * m.f + j] = r(r(m.data[i * m.f + j] - min_[j]) / scale_[j]);
    return out(o, m);
  }
}
