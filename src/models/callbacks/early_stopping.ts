import { Tensor, storageOf } from "../../tensor/tensor.js";
import type { Logs } from "./callback.js";
import { MonitorCallback, type MonitorOptions } from "./monitor_callback.js";
import { type ProgressWriter, getOutputWriter, printMsg } from "./output.js";
import { verboseOption, writerOption } from "./callback_options.js";
import { booleanOption, countOption, nullableNumberOption, optionsObject } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

const OPTIONS = ["monitor", "minDelta", "patience", "verbose", "mode", "baseline", "restoreBestWeights", "startFromEpoch", "warn", "writer"];

export interface EarlyStoppingOptions extends MonitorOptions {
  /** Minimum change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement after which training stops (default 0). */
  patience?: number;
  /** 1 prints when training stops and when weights are restored (default 0). */
  verbose?: number;
  /** Training stops if the model does not improve on it (default: none). */
  baseline?: number | null;
  /** Restore the weights of the best epoch when training ends (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before monitoring starts (warm-up, default 0). */
  startFromEpoch?: number;
  /** Output for the verbose messages (default: the callbacks' output writer). */
  writer?: ProgressWriter;
}

/** Copies of the weights: a later in-place update must not change the saved best. */
function snapshot(weights: Tensor[]): Tensor[] {
  return weights.map((w) => new Tensor(storageOf(w).slice(), w.shape, w.dtype));
}

/**
 * Stops training when the monitored quantity has stopped improving for `patience` epochs
 * (Keras 3 semantics: sets model.stopTraining; optionally restores the best epoch's weights).
 */
export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly verbose: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** Epoch (0-based) at which training was stopped; 0 if it was not. */
  stoppedEpoch = 0;
  bestWeights: Tensor[] | null = null;
  bestEpoch = 0;
  private readonly writer: ProgressWriter | undefined;

  /**
   * Keras 3.5 checks none of these; a patience of -1 or 1.5 behaves there as 0 or 2, and a truthy
   * restore_best_weights such as "y" restores. Here each must be what its documentation says.
   */
  constructor(given: EarlyStoppingOptions = {}) {
    const options = optionsObject("EarlyStopping", given, "{ monitor: \"val_loss\", patience: 3 }");
    checkOptionKeys("EarlyStopping", options, OPTIONS);
    super({
      monitor: options.monitor, mode: options.mode, minDelta: options.minDelta ?? 0, warn: options.warn,
      // Keras 3.5's f"EarlyStopping mode {mode} is unknown, ...": the mode unquoted.
      unknownMode: (mode) => `EarlyStopping mode ${mode} is unknown, fallback to auto mode.`,
    });
    const where = "EarlyStopping";
    this.patience = countOption(where, "patience", options.patience, 0);
    this.verbose = verboseOption(where, options.verbose, 0);
    this.baseline = nullableNumberOption(where, "baseline", options.baseline, null);
    this.restoreBestWeights = booleanOption(where, "restoreBestWeights", options.restoreBestWeights, false);
    this.startFromEpoch = countOption(where, "startFromEpoch", options.startFromEpoch, 0);
    this.writer = writerOption(where, options.writer);
  }

  override onTrainBegin(logs: Logs): void {
    // Instances may be reused across fit calls.
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (this.monitorOp === null) this.setMonitorOp();
    const current = this.getMonitorValue(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      // Until something better comes, the current weights are the best.
      this.bestWeights = snapshot(this.model.getWeights());
      this.bestEpoch = epoch;
    }

    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = snapshot(this.model.getWeights());
      // Patience restarts only when both the baseline and the previous best are beaten.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }

    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override onTrainEnd(logs: Logs): void {
    const out = this.writer ?? getOutputWriter();
    if (this.stoppedEpoch > 0 && this.verbose > 0) printMsg(`Epoch ${this.stoppedEpoch + 1}: early stopping`, true, out);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) {
        printMsg(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`, true, out);
      }
      this.model.setWeights(this.bestWeights);
    }
  }

  /** The monitored value, or undefined (with a warning listing the available keys). */
  getMonitorValue(logs: Logs | undefined): number | undefined {
    const l = logs ?? {};
    const value = l[this.monitor];
    if (value === undefined || value === null) {
      this.warnOnce(
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. ` +
          `Available metrics are: ${Object.keys(l).join(",")}`,
      );
      return undefined;
    }
    return value;
  }
}
