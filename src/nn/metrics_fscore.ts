/**
 * keras.metrics.FBetaScore and F1Score (keras/src/metrics/f_score_metrics.py): per-class true
 * positives, false positives, false negatives and label support, accumulated over batches of
 * [samples, classes] data, then the F-beta score per class or averaged.
 */
import { type Tensor, storageOf } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, noGrad } from "../ops/engine.js";
import { abs, cast, greater, greaterEqual, logicalAnd, mul, sub } from "../ops/math.js";
import { max, sum } from "../ops/reduce.js";
import { expandDims } from "../ops/shape.js";
import { type Config } from "./common.js";
import { type NameOption, Metric, checkMetricOptions, floatPred, labels } from "./metric_base.js";
import { valueText } from "../tensor/value_text.js";
import { epsilon } from "../tensor/config.js";


export type FScoreAverage = "micro" | "macro" | "weighted" | null;

export interface FBetaScoreOptions extends NameOption {
  /**
   * null (default): one score per class; "micro": one score from the counts pooled over all
   * classes; "macro": the mean of the per-class scores; "weighted": their mean weighted by each
   * class's number of true labels.
   */
  average?: FScoreAverage;
  /** The weight of recall against precision (default 1). */
  beta?: number;
  /**
   * A prediction counts as positive when greater than this (0 < threshold <= 1); null (default):
   * the largest prediction of each row is the positive one (ties all count, an all-zero row none).
   */
  threshold?: number | null;
}

interface FScoreCounts {
  tp: number[];
  fp: number[];
  fn: number[];
  support: number[];
}

/**
 * keras.metrics.FBetaScore: (1 + beta^2) * precision * recall / (beta^2 * precision + recall),
 * from counts accumulated over [samples, classes] labels and predictions (multi-class or
 * multi-label); named "fbeta_score". With average null the score is per class: result() then
 * gives it only for a single class, resultPerClass() for any number.
 */
export class FBetaScore extends Metric {
  readonly className: string = "FBetaScore";
  readonly average: FScoreAverage;
  readonly beta: number;
  readonly threshold: number | null;
  /** null until the first batch fixes the number of classes. */
  private counts: FScoreCounts | null = null;
  private numClasses = 0;

  constructor(opts: FBetaScoreOptions = {}) {
    checkMetricOptions(new.target, FBetaScore, opts, { name: true, average: true, beta: true, threshold: true });
    super(opts.name ?? "fbeta_score");
    const who = `metrics.${this.constructor.name}`;
    const average = opts.average ?? null;
    if (!([null, "micro", "macro", "weighted"] as unknown[]).includes(average)) {
      throw new RangeError(`${who}: average must be null, "micro", "macro" or "weighted", got ${valueText(average)}`);
    }
    const beta = opts.beta ?? 1;
    if (typeof beta !== "number" || !Number.isFinite(beta) || beta <= 0) throw new RangeError(`${who}: beta must be a number > 0, got ${valueText(beta)}`);
    const threshold = opts.threshold ?? null;
    if (threshold !== null && (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1))) {
      throw new RangeError(`${who}: threshold must satisfy 0 < threshold <= 1 (or be null for the row's largest prediction), got ${valueText(threshold)}`);
    }
    this.average = average;
    this.beta = beta;
    this.threshold = threshold;
  }

  updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void {
    noGrad(() => {
      const who = `metrics.${this.name}`;
      const p = cast(floatPred(who, yPred), "float64");
      const t = labels(yTrue, "float64", "float64");
      if (p.rank !== 2 || t.rank !== 2) {
        throw new RangeError(`${who}: FBetaScore needs [samples, classes] labels and predictions, got yTrue ${shapeText(t.shape)} and yPred ${shapeText(p.shape)}; one-hot encode the labels (utils.toCategorical) or add a class axis of size 1`);
      }
      if (t.shape[0] !== p.shape[0] || t.shape[1] !== p.shape[1]) {
        throw new RangeError(`${who}: yTrue ${shapeText(t.shape)} and yPred ${shapeText(p.shape)} must have the same shape`);
      }
      const classes = p.shape[1];
      if (this.counts !== null && classes !== this.numClasses) {
        throw new RangeError(`${who}: yPred ${shapeText(p.shape)} has ${classes} classes, but earlier batches had ${this.numClasses}; call resetState() or use a new metric`);
      }
      const predicted = cast(this.threshold === null
        ? logicalAnd(greaterEqual(p, max(p, -1, true)), greater(abs(p), 1e-9))
        : greater(p, this.threshold), "float64");
      let w: Tensor | null = null;
      if (sampleWeight !== undefined && sampleWeight !== null) {
        w = labels(sampleWeight, "float64", "float64");
        if (w.rank > 1 || (w.rank === 1 && w.shape[0] !== p.shape[0] && w.shape[0] !== 1)) {
          throw new RangeError(`${who}: sample weights ${shapeText(w.shape)} must be one per sample (shape [${p.shape[0]}]) or a scalar`);
        }
        if (w.rank === 1) w = expandDims(w, 1);
      }
      const micro = this.average === "micro";
      const weightedSum = (x: Tensor): number[] => {
        const v = w === null ? x : mul(x, w);
        return Array.from(storageOf(micro ? sum(v) : sum(v, 0)) as Float64Array);
      };
      const notPred = sub(1, predicted);
      const batch: FScoreCounts = {
        tp: weightedSum(mul(predicted, t)),
        fp: weightedSum(mul(predicted, sub(1, t))),
        fn: weightedSum(mul(notPred, t)),
        support: weightedSum(t),
      };
      if (this.counts === null) {
        this.numClasses = classes;
        this.counts = batch;
        return;
      }
      for (const k of ["tp", "fp", "fn", "support"] as const) {
        const into = this.counts[k];
        batch[k].forEach((v, i) => { into[i] += v; });
      }
    });
  }

  /** The F-beta score of each class (of the pooled counts with average "micro"); empty before any update. */
  private scores(): number[] {
    if (this.counts === null) return [];
    const b2 = this.beta * this.beta;
    const { tp, fp, fn } = this.counts;
    return tp.map((t, i) => {
      const precision = t / (t + fp[i] + epsilon());
      const recall = t / (t + fn[i] + epsilon());
      return ((precision * recall) / (b2 * precision + recall + epsilon())) * (1 + b2);
    });
  }

  /**
   * The score of each class, as Keras' result() with average null (also for "macro" and
   * "weighted", before their averaging); empty before the first update.
   */
  resultPerClass(): number[] {
    if (this.average === "micro") {
      throw new RangeError(`metrics.${this.name}: average "micro" pools the counts of all classes, so there is no score per class; use average null`);
    }
    return this.scores();
  }

  /**
   * The averaged score (0 before any update); with average null, the score of the single class
   * ([samples, 1] data): with more classes the result is a list, which resultPerClass() gives.
   */
  result(): number {
    const s = this.scores();
    if (s.length === 0) return 0;
    if (this.average === null) {
      if (s.length !== 1) {
        throw new RangeError(
          `metrics.${this.name}: with average null the score is per class (${s.length} classes) and result() is one number; ` +
            `call resultPerClass(), or pass average "macro", "micro" or "weighted" (fit and evaluate log one number per metric)`,
        );
      }
      return s[0];
    }
    if (this.average === "weighted") {
      const support = this.counts!.support;
      const total = support.reduce((a, b) => a + b, 0) + epsilon();
      return s.reduce((a, v, i) => a + v * (support[i] / total), 0);
    }
    return s.reduce((a, b) => a + b, 0) / s.length;
  }

  resetState(): void {
    if (this.counts === null) return;
    for (const a of Object.values(this.counts)) a.fill(0);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), average: this.average, beta: this.beta, threshold: this.threshold };
  }
}

/** keras.metrics.F1Score: FBetaScore with beta 1, the harmonic mean of precision and recall; named "f1_score". */
export class F1Score extends FBetaScore {
  override readonly className: string = "F1Score";
  constructor(opts: NameOption & { average?: FScoreAverage; threshold?: number | null } = {}) {
    checkMetricOptions(new.target, F1Score, opts, { name: true, average: true, threshold: true });
    super({ ...opts, beta: 1, name: opts.name ?? "f1_score" });
  }

  /** Keras' keys without beta (F1Score's constructor takes none). */
  override getConfig(): Config {
    const { beta: _beta, ...rest } = super.getConfig();
    void _beta;
    return rest;
  }
}
