/**
 * `preprocessing.MinMaxScaler`, computing as scikit-learn 1.2 does (float32 data give float32
 * statistics, zero ranges are left unscaled); `partialFit` keeps a running minimum and maximum.
 */
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { type FloatOut, type Matrix, type ScalerInput, asMatrix, mapFeatures, refuseInfinite, checkChunk, shapeText, f32, id } from "./scaler_matrix.js";

/** numpy's minimum/maximum of two fitted vectors: NaN wins, as it does there. */
function combine(a: Float64Array, b: Float64Array, pick: (u: number, v: number) => number): Float64Array {
  return a.map((u, j) => (u !== u || b[j] !== b[j] ? NaN : pick(u, b[j])));
}

/** nanmin/nanmax per column of one chunk: NaN only where a column holds nothing but NaN. */
function columnExtremes(m: Matrix): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(m.f).fill(NaN), hi = new Float64Array(m.f).fill(NaN);
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.f; j++) {
      const v = m.data[i * m.f + j];
      if (v !== v) continue;
      if (!(v >= lo[j])) lo[j] = v;
      if (!(v <= hi[j])) hi[j] = v;
    }
  }
  return { lo, hi };
}

/** Scales each feature to a range (default [0, 1]): x * scale + min, as scikit-learn's MinMaxScaler. */
export class MinMaxScaler {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
  private dataMin_: Float64Array | null = null;
  private dataMax_: Float64Array | null = null;
  private dataRange_: Float64Array | null = null;
  private scale_: Float64Array | null = null;
  private min_: Float64Array | null = null;
  private nSeen = 0;
  private dtype: FloatOut = "float64";
  private lastShape = "";

  constructor(opts: { featureRange?: [number, number]; clip?: boolean } = {}) {
    const range = opts.featureRange ?? [0, 1];
    if (!(range[0] < range[1])) throw new RangeError(`MinMaxScaler: featureRange must be [min, max] with min < max, got [${range.join(", ")}]`);
    this.featureRange = [range[0], range[1]];
    this.clip = opts.clip ?? false;
  }

  private fitted(what: string): { scale_: Float64Array; min_: Float64Array; dataMin_: Float64Array; dataMax_: Float64Array; dataRange_: Float64Array } {
    if (!this.scale_ || !this.min_ || !this.dataMin_ || !this.dataMax_ || !this.dataRange_) throw new Error(`MinMaxScaler.${what}: this MinMaxScaler is not fitted yet; call fit(x), fitTransform(x) or partialFit(x) first`);
    return { scale_: this.scale_, min_: this.min_, dataMin_: this.dataMin_, dataMax_: this.dataMax_, dataRange_: this.dataRange_ };
  }
  /** Fitted vectors in scikit-learn's dtype: float32 while every chunk was float32, else float64. */
  private vec(a: Float64Array): Tensor {
    return makeTensor(this.dtype === "float32" ? Float32Array.from(a) : a.slice(), [a.length], this.dtype);
  }
  /** Per-feature minimum seen by fit and partialFit, `data_min_` (NaN ignored; NaN for a feature never seen). */
  get dataMin(): Tensor { return this.vec(this.fitted("dataMin").dataMin_); }
  /** Per-feature maximum seen by fit and partialFit, `data_max_`. */
  get dataMax(): Tensor { return this.vec(this.fitted("dataMax").dataMax_); }
  /** dataMax - dataMin, `data_range_`. */
  get dataRange(): Tensor { return this.vec(this.fitted("dataRange").dataRange_); }
  /** Per-feature factor, `scale_`. */
  get scale(): Tensor { return this.vec(this.fitted("scale").scale_); }
  /** Per-feature offset, `min_`. */
  get min(): Tensor { return this.vec(this.fitted("min").min_); }
  /** Rows seen by fit and every partialFit since, `n_samples_seen_` (rows holding NaN included, as scikit-learn counts them). */
  get nSamplesSeen(): number { this.fitted("nSamplesSeen"); return this.nSeen; }

  /** Computes each column's minimum and maximum, forgetting earlier fit and partialFit calls. */
  fit(x: ScalerInput): this {
    this.dataMin_ = this.dataMax_ = this.dataRange_ = this.scale_ = this.min_ = null;
    return this.update(x, "fit");
  }

  /** Widens the running minimum and maximum by the chunk x, as scikit-learn's partial_fit. */
  partialFit(x: ScalerInput): this {
    return this.update(x, "partialFit");
  }

  private update(x: ScalerInput, what: string): this {
    const m = asMatrix(x, `MinMaxScaler.${what}`);
    if (m.n === 0) throw new RangeError(`MinMaxScaler.${what}: x has 0 samples; at least one is needed`);
    checkChunk("MinMaxScaler", m, this.dataMin_ ? this.dataMin_.length : null, this.lastShape);
    refuseInfinite(m, `MinMaxScaler.${what}`);
    const { lo, hi } = columnExtremes(m);
    if (this.dataMin_ && this.dataMax_) {
      this.dataMin_ = combine(this.dataMin_, lo, Math.min);
      this.dataMax_ = combine(this.dataMax_, hi, Math.max);
      this.nSeen += m.n;
      // numpy's minimum of a float32 and a float64 vector is float64.
      if (m.dtype === "float64") this.dtype = "float64";
    } else {
      this.dataMin_ = lo; this.dataMax_ = hi; this.nSeen = m.n; this.dtype = m.dtype;
    }
    // numpy 1.x casts the Python floats of featureRange to the vectors' float32 before the arithmetic.
    const r = this.dtype === "float32" ? f32 : id;
    const [a, b] = this.featureRange;
    const eps = this.dtype === "float32" ? 2 ** -23 : 2 ** -52;
    const dataMin = this.dataMin_, dataMax = this.dataMax_;
    const range = dataMax.map((hiJ, j) => r(hiJ - dataMin[j]));
    this.scale_ = range.map((d) => r(r(b - a) / (d < 10 * eps ? 1 : d)));
    const scale = this.scale_;
    this.min_ = dataMin.map((loJ, j) => r(r(a) - r(loJ * scale[j])));
    this.dataRange_ = range;
    this.lastShape = shapeText(m);
    return this;
  }

  transform(x: ScalerInput): Tensor {
    const { scale_, min_ } = this.fitted("transform");
    const m = asMatrix(x, "MinMaxScaler.transform");
    if (m.f !== scale_.length) throw new RangeError(`MinMaxScaler.transform: x has ${m.f} features, but this MinMaxScaler was fitted on ${scale_.length}; pass data with the same columns`);
    const [a, b] = this.featureRange;
    return mapFeatures(m, (x, j, r) => {
      const v = r(r(x * scale_[j]) + min_[j]);
      return this.clip ? Math.min(b, Math.max(a, v)) : v;
    });
  }

  fitTransform(x: ScalerInput): Tensor {
    return this.fit(x).transform(x);
  }

  inverseTransform(x: ScalerInput): Tensor {
    const { scale_, min_ } = this.fitted("inverseTransform");
    const m = asMatrix(x, "MinMaxScaler.inverseTransform");
    if (m.f !== scale_.length) throw new RangeError(`MinMaxScaler.inverseTransform: x has ${m.f} features, but this MinMaxScaler was fitted on ${scale_.length}`);
    return mapFeatures(m, (x, j, r) => r(r(x - min_[j]) / scale_[j]));
  }
}
