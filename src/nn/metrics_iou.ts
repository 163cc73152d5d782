/**
 * keras.metrics.IoU, MeanIoU, BinaryIoU, OneHotIoU and OneHotMeanIoU
 * (keras/src/metrics/iou_metrics.py): a weighted confusion matrix of class ids accumulated over
 * batches (per-pixel labels of segmentation maps included), then the intersection over union
 * TP / (TP + FP + FN) of each target class, averaged over the classes that occur.
 */
import { type Tensor, storageOf } from "../tensor/tensor.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { normalizeAxis, shapeText } from "../tensor/shape.js";
import { type Input, noGrad, toTensor } from "../ops/engine.js";
import { cast, greaterEqual } from "../ops/math.js";
import { argMax } from "../ops/reduce.js";
import { broadcastTo } from "../ops/broadcast.js";
import { reshape } from "../ops/shape.js";
import { type Config, autoName, checkConfigKeys, configBoolean, configNumber, configString } from "./common.js";
import { type NameOption, Metric, checkMetricOptions, labels } from "./metric_base.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";
import { shortestRepr } from "../tensor/format.js";
import { epsilon } from "../tensor/config.js";


/** The result dtype Keras records; lamina's confusion matrix is float64 whichever is named. */
export type IoUDType = "float32" | "float64";

export interface IoUOptions extends NameOption {
  /** The number of classes: the confusion matrix is numClasses x numClasses. */
  numClasses: number;
  /** The classes whose IoUs are averaged (one id: that class's IoU). */
  targetClassIds: readonly number[];
  dtype?: IoUDType;
  /** Positions whose label is this class (say -1 or 255, a "void" class) are left out. */
  ignoreClass?: number | null;
  /** true (default): yTrue holds class ids; false: one score per class along `axis`, reduced by argmax. */
  sparseYTrue?: boolean;
  /** true (default): yPred holds class ids; false: one score per class along `axis`, reduced by argmax. */
  sparseYPred?: boolean;
  /** The class axis of non-sparse labels or predictions (default -1). */
  axis?: number;
}

export type MeanIoUOptions = Omit<IoUOptions, "targetClassIds">;
export type OneHotIoUOptions = Omit<IoUOptions, "sparseYTrue">;
export type OneHotMeanIoUOptions = Omit<MeanIoUOptions, "sparseYTrue">;

export interface BinaryIoUOptions extends NameOption {
  /** [0], [1] or [0, 1] (default): the IoU of class 0, of class 1, or their mean. */
  targetClassIds?: readonly number[];
  /** A prediction >= threshold is class 1, below it class 0 (default 0.5). */
  threshold?: number;
  dtype?: IoUDType;
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/**
 * keras.metrics.IoU: the mean over `targetClassIds` of TP / (TP + FP + FN), from a confusion
 * matrix (rows: true class, columns: predicted class) of sample weights accumulated over batches;
 * named "io_u" (Keras' automatic name). A target class absent from both labels and predictions
 * has no IoU and is left out of the mean, as in Keras (0 when none occurs).
 */
export class IoU extends Metric {
  readonly className: string = "IoU";
  override readonly dtype: DType;
  readonly numClasses: number;
  readonly targetClassIds: readonly number[];
  readonly ignoreClass: number | null;
  readonly sparseYTrue: boolean;
  readonly sparseYPred: boolean;
  readonly axis: number;
  /** Row-major numClasses x numClasses sums of sample weights: [true class][predicted class]. */
  private readonly cm: Float64Array;

  constructor(opts: IoUOptions) {
    checkMetricOptions(new.target, IoU, opts ?? {}, {
      name: true, numClasses: true, targetClassIds: true, dtype: true, ignoreClass: true, sparseYTrue: true, sparseYPred: true, axis: true,
    });
    super(opts?.name ?? autoName(new.target.name));
    const who = `metrics.${new.target.name}`;
    const n = opts?.numClasses;
    if (!isInt(n) || n < 1) throw new RangeError(`${who}: numClasses must be an integer >= 1 (the number of classes), got ${valueText(n)}`);
    const ids = opts.targetClassIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every(isInt)) {
      throw new RangeError(`${who}: targetClassIds must be a non-empty list of class ids, got ${valueText(ids)}; pass [c] for the IoU of class c alone`);
    }
    const bad = ids.find((c) => c < 0 || c >= n);
    if (bad !== undefined) throw new RangeError(`${who}: target class id ${bad} is out of range for numClasses ${n} (valid 0..${n - 1})`);
    const ignore = opts.ignoreClass ?? null;
    if (ignore !== null && !isInt(ignore)) throw new RangeError(`${who}: ignoreClass must be an integer class id (or null), got ${valueText(ignore)}`);
    const axis = opts.axis ?? -1;
    if (!isInt(axis)) throw new RangeError(`${who}: axis must be an integer, got ${valueText(axis)}`);
    for (const k of ["sparseYTrue", "sparseYPred"] as const) {
      booleanOption(who, k, opts[k], false);
    }
    const dtype = opts.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") {
      throw new RangeError(`${who}: dtype must be "float32" or "float64", got ${valueText(dtype)}; it only names the result's dtype (the confusion matrix is kept in float64)`);
    }
    this.dtype = dtype;
    this.numClasses = n;
    this.targetClassIds = [...ids];
    this.ignoreClass = ignore;
    this.sparseYTrue = opts.sparseYTrue ?? true;
    this.sparseYPred = opts.sparseYPred ?? true;
    this.axis = axis;
    this.cm = new Float64Array(n * n);
  }

  /**
   * Adds a batch: labels and predictions as class ids (or per-class scores along `axis`, for
   * sparseYTrue/sparseYPred false), any shape with one id per position. Sample weights: a scalar,
   * one per position (Keras' rule: any shape of that many values), or one per sample.
   */
  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const who = `metrics.${this.name}`;
      const t = this.classIds(who, "yTrue", labels(yTrue, "float64"), this.sparseYTrue);
      const p = this.classIds(who, "yPred", toTensor(yPred, who, "yPred"), this.sparseYPred);
      if (t.size !== p.size) {
        throw new RangeError(
          `${who}: the class ids of yTrue ${shapeText(t.shape)} and yPred ${shapeText(p.shape)} must match one to one, got ${t.size} against ${p.size}` +
            (this.sparseYPred && p.size > t.size ? `. If yPred holds one score per class, pass sparseYPred: false` : "") +
            (this.sparseYTrue && t.size > p.size ? `. If yTrue is one-hot, pass sparseYTrue: false (or use OneHotIoU / OneHotMeanIoU)` : ""),
        );
      }
      const tv = storageOf(cast(t, "float64")) as Float64Array;
      const pv = storageOf(cast(p, "float64")) as Float64Array;
      const wv = sampleWeight === undefined || sampleWeight === null ? null : this.weights(who, labels(sampleWeight, "float64", "float64"), t);
      const n = this.numClasses;
      const cm = new Float64Array(n * n);
      for (let i = 0; i < tv.length; i++) {
        const c = tv[i];
        if (c === this.ignoreClass) continue;
        const q = pv[i];
        if (!(Number.isInteger(c) && c >= 0 && c < n)) throw this.badId(who, "yTrue", c, i, t.dtype);
        if (!(Number.isInteger(q) && q >= 0 && q < n)) throw this.badId(who, "yPred", q, i, p.dtype);
        cm[c * n + q] += wv === null ? 1 : wv[i];
      }
      // Only a batch that passed every check changes the state.
      for (let i = 0; i < cm.length; i++) this.cm[i] += cm[i];
    });
  }

  private badId(who: string, what: "yTrue" | "yPred", value: number, i: number, dtype: DType): RangeError {
    const n = this.numClasses;
    const v = shortestRepr(value, dtype === "float32" ? "float32" : "float64");
    const fix = !Number.isInteger(value)
      ? `class ids are integers; if ${what} holds ${what === "yTrue" ? "one-hot rows" : "scores"}, pass sparse${what === "yTrue" ? "YTrue" : "YPred"}: false`
      : what === "yTrue" ? `pass ignoreClass: ${v} to leave such positions out, or a larger numClasses` : `use a larger numClasses`;
    return new RangeError(`${who}: ${what} has class id ${v} at position ${i} (of the flattened ids), outside 0..${n - 1} for numClasses ${n}; ${fix}`);
  }

  /** One class id per position: argmax over `axis` for scores, else the values as given. */
  private classIds(who: string, what: string, x: Tensor, sparse: boolean): Tensor {
    if (sparse) return x;
    if (x.rank === 0) throw new RangeError(`${who}: ${what} is a scalar, but with sparse${what === "yTrue" ? "YTrue" : "YPred"} false it needs one score per class along axis ${this.axis}`);
    normalizeAxis(this.axis, x.rank, who);
    return argMax(isFloatDType(x.dtype) ? x : cast(x, "float64"), this.axis);
  }

  /** Keras flattens the weights and broadcasts them over the flattened ids; one per sample is repeated over each sample's positions. */
  private weights(who: string, w: Tensor, ids: Tensor): Float64Array {
    if (w.size === ids.size) return storageOf(w) as Float64Array;
    if (w.size === 1) return new Float64Array(ids.size).fill(storageOf(w)[0] as number);
    let b = w;
    if (w.rank === 1 && ids.rank > 1 && w.shape[0] === ids.shape[0]) b = reshape(w, [w.shape[0], ...new Array<number>(ids.rank - 1).fill(1)]);
    try {
      return storageOf(cast(broadcastTo(b, ids.shape), "float64")) as Float64Array;
    } catch {
      throw new RangeError(
        `${who}: sample weights ${shapeText(w.shape)} do not fit the ${ids.size} class ids ${shapeText(ids.shape)}; ` +
          `give a scalar, one weight per position (${ids.size} values)` + (ids.rank > 1 ? ` or one per sample (${ids.shape[0]} values)` : ""),
      );
    }
  }

  /** The accumulated confusion matrix, rows the true classes, columns the predicted ones (Keras' total_cm). */
  confusionMatrix(): number[][] {
    const n = this.numClasses;
    return Array.from({ length: n }, (_, r) => Array.from(this.cm.subarray(r * n, (r + 1) * n)));
  }

  /**
   * Keras' result(): sum of TP / (TP + FP + FN + eps) over the target classes, divided by the
   * number of them whose TP + FP + FN exceeds 1e-9 (plus eps); 0 before any update.
   */
  result(): number {
    const n = this.numClasses;
    let total = 0;
    let valid = 0;
    for (const c of this.targetClassIds) {
      let predicted = 0;
      let actual = 0;
      for (let k = 0; k < n; k++) {
        predicted += this.cm[k * n + c];
        actual += this.cm[c * n + k];
      }
      const tp = this.cm[c * n + c];
      const union = predicted + actual - tp;
      if (union > 1e-9) valid++;
      total += tp / (union + epsilon());
    }
    return total / (valid + epsilon());
  }

  resetState(): void {
    this.cm.fill(0);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      num_classes: this.numClasses,
      target_class_ids: [...this.targetClassIds],
      ignore_class: this.ignoreClass,
      sparse_y_true: this.sparseYTrue,
      sparse_y_pred: this.sparseYPred,
      axis: this.axis,
    };
  }
}

/** Keras' config less the keys a subclass's constructor does not take. */
function without(config: Config, ...keys: string[]): Config {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !keys.includes(k)));
}

/** keras.metrics.MeanIoU: IoU averaged over every class; named "mean_io_u". */
export class MeanIoU extends IoU {
  override readonly className: string = "MeanIoU";
  constructor(opts: MeanIoUOptions) {
    checkMetricOptions(new.target, MeanIoU, opts ?? {}, { name: true, numClasses: true, dtype: true, ignoreClass: true, sparseYTrue: true, sparseYPred: true, axis: true });
    const n = opts?.numClasses;
    super({ ...opts, targetClassIds: isInt(n) && n > 0 ? Array.from({ length: n }, (_, i) => i) : [0] });
  }

  override getConfig(): Config {
    return without(super.getConfig(), "target_class_ids");
  }
}

/**
 * keras.metrics.OneHotIoU: IoU of one-hot labels (argmax over `axis`) against per-class scores
 * (or class ids with sparseYPred true); named "one_hot_io_u".
 */
export class OneHotIoU extends IoU {
  override readonly className: string = "OneHotIoU";
  constructor(opts: OneHotIoUOptions) {
    checkMetricOptions(new.target, OneHotIoU, opts ?? {}, { name: true, numClasses: true, targetClassIds: true, dtype: true, ignoreClass: true, sparseYPred: true, axis: true });
    super({ ...opts, sparseYTrue: false, sparseYPred: opts?.sparseYPred ?? false });
  }

  override getConfig(): Config {
    return without(super.getConfig(), "sparse_y_true");
  }
}

/** keras.metrics.OneHotMeanIoU: MeanIoU of one-hot labels against per-class scores; named "one_hot_mean_io_u". */
export class OneHotMeanIoU extends MeanIoU {
  override readonly className: string = "OneHotMeanIoU";
  constructor(opts: OneHotMeanIoUOptions) {
    checkMetricOptions(new.target, OneHotMeanIoU, opts ?? {}, { name: true, numClasses: true, dtype: true, ignoreClass: true, sparseYPred: true, axis: true });
    super({ ...opts, sparseYTrue: false, sparseYPred: opts?.sparseYPred ?? false });
  }

  override getConfig(): Config {
    return without(super.getConfig(), "sparse_y_true");
  }
}

/**
 * keras.metrics.BinaryIoU: IoU of two classes, a prediction >= threshold counting as class 1
 * and labels as class ids 0 and 1; named "binary_io_u".
 */
export class BinaryIoU extends IoU {
  override readonly className: string = "BinaryIoU";
  readonly threshold: number;
  constructor(opts: BinaryIoUOptions = {}) {
    checkMetricOptions(new.target, BinaryIoU, opts, { name: true, targetClassIds: true, threshold: true, dtype: true });
    super({ name: opts.name, dtype: opts.dtype, numClasses: 2, targetClassIds: opts.targetClassIds ?? [0, 1] });
    const th = opts.threshold ?? 0.5;
    if (typeof th !== "number" || !Number.isFinite(th)) throw new RangeError(`metrics.BinaryIoU: threshold must be a finite number, got ${valueText(th)}`);
    this.threshold = th;
  }

  override updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    const p = noGrad(() => {
      const x = toTensor(yPred, `metrics.${this.name}`, "yPred");
      return greaterEqual(isFloatDType(x.dtype) ? x : cast(x, "float64"), this.threshold);
    });
    super.updateState(yTrue, p, sampleWeight);
  }

  override getConfig(): Config {
    return { name: this.name, dtype: this.dtype, target_class_ids: [...this.targetClassIds], threshold: this.threshold };
  }
}

// ---------------------------------------------------------------- from Keras configs

function classIdsOf(k: string, c: Config, key: string): number[] | undefined {
  const v = c[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
  throw new TypeError(`${k}: config key "${key}" must be a list of class ids, got ${valueText(v)}`);
}

function numClassesOf(kind: string, c: Config): number {
  const k = `metrics.${kind}`;
  const n = configNumber(k, c, "num_classes");
  if (n === undefined) {
    throw new RangeError(`${k}: needs num_classes, which a name alone cannot give; use metrics.${kind}({ numClasses: 3${kind.includes("Mean") ? "" : ", targetClassIds: [0]"} }) or { className: "${kind}", config: { num_classes: 3${kind.includes("Mean") ? "" : ", target_class_ids: [0]"} } }`);
  }
  return n;
}

function targetsOf(kind: string, c: Config): number[] {
  const ids = classIdsOf(`metrics.${kind}`, c, "target_class_ids");
  if (ids === undefined) throw new RangeError(`metrics.${kind}: needs target_class_ids (the classes whose IoUs are averaged), e.g. { num_classes: 3, target_class_ids: [0] }`);
  return ids;
}

/** The options every IoU class shares, read from Keras' config keys. */
function common(kind: string, c: Config): Omit<MeanIoUOptions, "numClasses"> {
  const k = `metrics.${kind}`;
  return {
    name: configString(k, c, "name"),
    dtype: configString(k, c, "dtype") as IoUDType | undefined,
    ignoreClass: configNumber(k, c, "ignore_class"),
    sparseYPred: configBoolean(k, c, "sparse_y_pred"),
    axis: configNumber(k, c, "axis"),
  };
}

const BASE_KEYS = ["name", "dtype", "num_classes", "ignore_class", "sparse_y_pred", "axis"];

/** The IoU family for metrics.get/deserialize, by Keras' class name. */
export const IOU_METRIC_FACTORIES: Record<string, (c: Config) => Metric> = {
  IoU: (c) => {
    checkConfigKeys("metrics.IoU", c, [...BASE_KEYS, "target_class_ids", "sparse_y_true"]);
    return new IoU({ ...common("IoU", c), numClasses: numClassesOf("IoU", c), targetClassIds: targetsOf("IoU", c), sparseYTrue: configBoolean("metrics.IoU", c, "sparse_y_true") });
  },
  MeanIoU: (c) => {
    checkConfigKeys("metrics.MeanIoU", c, [...BASE_KEYS, "sparse_y_true"]);
    return new MeanIoU({ ...common("MeanIoU", c), numClasses: numClassesOf("MeanIoU", c), sparseYTrue: configBoolean("metrics.MeanIoU", c, "sparse_y_true") });
  },
  OneHotIoU: (c) => {
    checkConfigKeys("metrics.OneHotIoU", c, [...BASE_KEYS, "target_class_ids"]);
    return new OneHotIoU({ ...common("OneHotIoU", c), numClasses: numClassesOf("OneHotIoU", c), targetClassIds: targetsOf("OneHotIoU", c) });
  },
  OneHotMeanIoU: (c) => {
    checkConfigKeys("metrics.OneHotMeanIoU", c, BASE_KEYS);
    return new OneHotMeanIoU({ ...common("OneHotMeanIoU", c), numClasses: numClassesOf("OneHotMeanIoU", c) });
  },
  BinaryIoU: (c) => {
    const k = "metrics.BinaryIoU";
    checkConfigKeys(k, c, ["name", "dtype", "target_class_ids", "threshold"]);
    return new BinaryIoU({
      name: configString(k, c, "name"), dtype: configString(k, c, "dtype") as IoUDType | undefined,
      targetClassIds: classIdsOf(k, c, "target_class_ids"), threshold: configNumber(k, c, "threshold"),
    });
  },
};
