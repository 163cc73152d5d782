/**
 * Shared logic of callbacks that watch one logged quantity (EarlyStopping, ReduceLROnPlateau):
 * the direction of improvement (`mode`) and `minDelta`, as Keras' MonitorCallback.
 */
import { Callback, type CallbackModel } from "./callback.js";
import { defaultWarn, type WarnFn } from "./output.js";
import { warnOption } from "./callback_options.js";
import { numberOption, stringOption } from "../../tensor/option_checks.js";

export type MonitorMode = "auto" | "min" | "max";

// Keras' built-in metrics whose `_direction` is "up" (larger is better), by name without "val_".
const LARGER_IS_BETTER =
  /^(acc|accuracy|binary_accuracy|categorical_accuracy|sparse_categorical_accuracy|top_k_categorical_accuracy|sparse_top_k_categorical_accuracy|auc|precision|recall|f1_score|fbeta_score|r2_score|iou|mean_iou|binary_iou|one_hot_iou|one_hot_mean_iou|cosine_similarity|precision_at_recall|recall_at_precision|sensitivity_at_specificity|specificity_at_sensitivity|pearson_correlation|concordance_correlation)(_\d+)?$|(^|_)(acc|accuracy|auc)(_\d+)?$/;
// ... and "down" (smaller is better); any name ending in "loss" (per-output losses) too.
const SMALLER_IS_BETTER =
  /^(mse|mae|mape|msle|rmse|mean_squared_error|mean_absolute_error|mean_absolute_percentage_error|mean_squared_logarithmic_error|root_mean_squared_error|log_cosh_error|logcosh|hinge|squared_hinge|categorical_hinge|binary_crossentropy|categorical_crossentropy|sparse_categorical_crossentropy|binary_focal_crossentropy|categorical_focal_crossentropy|kl_divergence|kld|kullback_leibler_divergence|poisson|huber)(_\d+)?$|(^|_)loss(_\d+)?$/;

/** Whether `monitor` (e.g. "val_accuracy") should grow or shrink; null when it cannot be told. */
export function inferMonitorDirection(monitor: string, model: CallbackModel | null): "min" | "max" | null {
  const name = monitor.startsWith("val_") ? monitor.slice(4) : monitor;
  let direction: "min" | "max" | null = name === "loss" ? "min" : null;
  for (const m of model?.metrics ?? []) {
    if (m.name === name && m.direction !== undefined) direction = m.direction === "up" ? "max" : "min";
  }
  if (direction !== null) return direction;
  if (LARGER_IS_BETTER.test(name)) return "max";
  if (SMALLER_IS_BETTER.test(name)) return "min";
  return null;
}

export interface MonitorOptions {
  /** Logged quantity to watch (default "val_loss"). */
  monitor?: string;
  /** "min", "max", or "auto" to infer it from the name (default "auto"). */
  mode?: MonitorMode;
  /** Where warnings go (default: process.emitWarning as a UserWarning). */
  warn?: WarnFn;
}

export class MonitorCallback extends Callback {
  readonly monitor: string;
  readonly mode: MonitorMode;
  /** Minimum change that counts as an improvement (absolute value; the sign follows the mode). */
  minDelta: number;
  /** Best value seen so far (null before the first). */
  best: number | null = null;
  /** "min" or "max" once resolved (at the first epoch end). */
  monitorOp: "min" | "max" | null = null;
  protected readonly warnFn: WarnFn;
  private readonly warned = new Set<string>();

  /** `unknownMode` words the warning for a mode other than auto/min/max, as each Keras callback words its own. */
  constructor(options: MonitorOptions & { minDelta?: number; unknownMode?: (mode: string) => string }) {
    super();
    const where = new.target.name;
    let mode = options.mode ?? "auto";
    this.warnFn = warnOption(where, options.warn) ?? defaultWarn;
    if (mode !== "auto" && mode !== "min" && mode !== "max") {
      this.warnOnce(options.unknownMode?.(String(mode)) ?? `${this.constructor.name} mode '${String(mode)}' is unknown, fallback to auto mode.`);
      mode = "auto";
    }
    this.monitor = stringOption(where, "monitor", options.monitor, "val_loss");
    this.mode = mode;
    this.minDelta = Math.abs(numberOption(where, "minDelta", options.minDelta, 0));
  }

  /** Warns once per distinct message (Python shows a repeated warning once, too). */
  protected warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnFn(message);
  }

  protected setMonitorOp(): void {
    if (this.mode === "min" || this.mode === "max") {
      this.monitorOp = this.mode;
      return;
    }
    const direction = inferMonitorDirection(this.monitor, this.hasModel ? this.model : null);
    if (direction === null) {
      throw new Error(
        `${this.constructor.name} callback received monitor=${this.monitor}, but lamina isn't able to ` +
          "automatically determine whether that metric should be maximized or minimized. Pass " +
          `mode: "max" in order to monitor based on the highest metric value, or pass mode: "min" ` +
          "in order to use the lowest value.",
      );
    }
    this.monitorOp = direction;
  }

  /**
   * Keras' `_is_improvement`: beyond `reference` by more than minDelta in the monitored direction.
   * A NaN is never one: Keras 3.5 starts from an infinite best that NaN does not beat, whereas
   * taking it as the first best would leave no later value able to improve on it (so training
   * would stop, or the learning rate fall, however well the following epochs do).
   */
  protected isImprovement(value: number, reference: number | null): boolean {
    if (Number.isNaN(value)) return false;
    if (reference === null) return true;
    if (this.monitorOp === null) this.setMonitorOp();
    return this.monitorOp === "min" ? value + this.minDelta < reference : value - this.minDelta > reference;
  }
}
