import type { CallbackModel, Logs } from "./callback.js";
import { pyFloatRepr } from "./format.js";
import { MonitorCallback, type MonitorOptions, inferMonitorDirection } from "./monitor_callback.js";
import { type ProgressWriter, getOutputWriter, printMsg } from "./output.js";
import { verboseOption, writerOption } from "./callback_options.js";
import { countOption, numberOption, optionsObject } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

// Keras 3.5 swallows other keywords (**kwargs); here a misspelt option (minLR) is an error, not ignored.
const OPTIONS = ["monitor", "factor", "patience", "verbose", "mode", "minDelta", "cooldown", "minLr", "warn", "writer"];

export interface ReduceLROnPlateauOptions extends MonitorOptions {
  /** New learning rate = old * factor; must be below 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** 1 prints each reduction (default 0). */
  verbose?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the learning rate (default 0). */
  minLr?: number;
  /** Output for the verbose messages (default: the callbacks' output writer). */
  writer?: ProgressWriter;
}

/** The optimizer of a compiled model, or a clear error. */
export function requireOptimizer(model: CallbackModel, who: string): { learningRate: number } {
  const opt = model.optimizer;
  if (opt === null || opt === undefined || typeof opt.learningRate !== "number") {
    throw new Error(
      `${who}: model "${model.name}" has no optimizer with a learningRate; compile the model with an optimizer before fit`,
    );
  }
  return opt;
}

/**
 * Keras keeps the learning rate in a float32 variable, so the value it logs and prints is the
 * float32 one (0.0010000000474974513 for 1e-3); lamina reports the same.
 */
export function readLearningRate(opt: { learningRate: number }): number {
  return Math.fround(opt.learningRate);
}

/** Reduces the learning rate when the monitored quantity has stopped improving (Keras 3 semantics). */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly cooldown: number;
  readonly minLr: number;
  cooldownCounter = 0;
  wait = 0;
  private readonly writer: ProgressWriter | undefined;

  constructor(given: ReduceLROnPlateauOptions = {}) {
    const options = optionsObject("ReduceLROnPlateau", given, "{ factor: 0.5, patience: 2 }");
    checkOptionKeys("ReduceLROnPlateau", options, OPTIONS);
    super({
      monitor: options.monitor, mode: options.mode, minDelta: options.minDelta ?? 1e-4, warn: options.warn,
      // Keras 3.5's _reset: f"Learning rate reduction mode {self.mode} is unknown, fallback to auto mode."
      unknownMode: (mode) => `Learning rate reduction mode ${mode} is unknown, fallback to auto mode.`,
    });
    // Keras' ReduceLROnPlateau keeps min_delta as given (its sign is not dropped, unlike EarlyStopping's).
    const where = "ReduceLROnPlateau";
    this.minDelta = numberOption(where, "minDelta", options.minDelta, 1e-4);
    // Keras refuses only a factor >= 1; a negative one is no factor either (the rate would jump to minLr at once).
    const factor = numberOption(where, "factor", options.factor, 0.1, { min: 0 });
    if (!(factor < 1.0)) {
      throw new RangeError(`ReduceLROnPlateau does not support a factor >= 1.0. Received factor=${factor}`);
    }
    this.factor = factor;
    this.patience = countOption(where, "patience", options.patience, 10);
    this.verbose = verboseOption(where, options.verbose, 0);
    this.cooldown = countOption(where, "cooldown", options.cooldown, 0);
    this.minLr = numberOption(where, "minLr", options.minLr, 0);
    this.writer = writerOption(where, options.writer);
  }

  private reset(): void {
    this.best = null;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  /**
   * Keras 3.5's ReduceLROnPlateau reads "auto" from the name alone (unlike EarlyStopping): a
   * monitor containing "acc" is maximized, any other minimized, so a custom metric needs no mode
   * and, as in Keras 3.5, "val_auc" is minimized unless mode: "max" is given (the same learning
   * rates as Keras; Keras 3.11 moved to EarlyStopping's rule). Where the metric is known to grow
   * (AUC, precision, recall...), a warning says so, once.
   */
  protected override setMonitorOp(): void {
    this.monitorOp = this.mode === "max" || (this.mode === "auto" && this.monitor.includes("acc")) ? "max" : "min";
    if (this.mode === "auto" && this.monitorOp === "min" && inferMonitorDirection(this.monitor, this.hasModel ? this.model : null) === "max") {
      this.warnOnce(
        `ReduceLROnPlateau: mode "auto" minimizes ${this.monitor}, as Keras 3.5 does (it maximizes only monitors containing "acc"), ` +
          `though ${this.monitor} grows as the model improves; pass mode: "max" to reduce the learning rate when it stops growing ` +
          `(or mode: "min" to keep Keras 3.5's choice without this warning)`,
      );
    }
  }

  /**
   * Keras 3.5's test, a < b - minDelta (a > b + minDelta when maximizing): written as
   * MonitorCallback's a + minDelta < b it rounds differently (0.3 against 0.4 with minDelta 0.1).
   */
  protected override isImprovement(value: number, reference: number | null): boolean {
    if (Number.isNaN(value)) return false;
    if (reference === null) return true;
    if (this.monitorOp === null) this.setMonitorOp();
    return this.monitorOp === "min" ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  override onTrainBegin(logs: Logs): void {
    this.reset();
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (this.monitorOp === null) this.setMonitorOp();
    const optimizer = requireOptimizer(this.model, "ReduceLROnPlateau");
    // Like Keras 3, the current learning rate joins the epoch logs (History records it).
    logs.learning_rate = readLearningRate(optimizer);
    const current = logs[this.monitor];
    if (current === undefined) {
      this.warnOnce(
        `Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. ` +
          `Available metrics are: ${Object.keys(logs).join(",")}.`,
      );
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const oldLr = readLearningRate(optimizer);
        if (oldLr > Math.fround(this.minLr)) {
          const newLr = Math.max(oldLr * this.factor, this.minLr);
          optimizer.learningRate = newLr;
          if (this.verbose > 0) {
            printMsg(
              `\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pyFloatRepr(newLr)}.`,
              true,
              this.writer ?? getOutputWriter(),
            );
          }
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
