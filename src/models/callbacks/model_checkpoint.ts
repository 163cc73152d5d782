/**
 * Keras' ModelCheckpoint: saves the model (or its weights) at the end of every epoch or every
 * `saveFreq` batches, to a file name formatted with the epoch and the logs
 * ("model-{epoch:02d}-{val_loss:.2f}.keras"), optionally only when the monitored value improves.
 */
import { dirname } from "node:path";
import { existsSync, mkdirSync, statSync } from "node:fs";
import type { CallbackModel, Logs } from "./callback.js";
import { MonitorCallback, type MonitorOptions, inferMonitorDirection } from "./monitor_callback.js";
import { formatFilepath } from "./filepath_format.js";
import { pathAndOptions } from "./path_options.js";
import { valueText } from "../../tensor/value_text.js";
import { formatFixed } from "./format.js";
import { type ProgressWriter, printMsg } from "./output.js";
import { verboseOption, writerOption } from "./callback_options.js";
import { booleanOption, nullableNumberOption } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

const OPTIONS = ["monitor", "verbose", "saveBestOnly", "saveWeightsOnly", "mode", "saveFreq", "initialValueThreshold", "warn", "writer"];

export interface ModelCheckpointOptions extends MonitorOptions {
  /** 1 prints a line per save (default 0). */
  verbose?: number;
  /** Save only when `monitor` improves on the best value so far (default false). */
  saveBestOnly?: boolean;
  /** Save the weights (a `.weights.h5` file) instead of the whole model (default false). */
  saveWeightsOnly?: boolean;
  /** "epoch" (default) or a number of batches between saves. */
  saveFreq?: "epoch" | number;
  /** With saveBestOnly: a value the monitor must beat before the first save (default none). */
  initialValueThreshold?: number | null;
  /** Output for the verbose messages (default: the callbacks' output writer). */
  writer?: ProgressWriter;
}

/** What saving needs of the model (models.Model has it). */
export interface SavableModel extends CallbackModel {
  save(path: string, options?: { overwrite?: boolean }): Promise<void>;
  saveWeights(path: string, options?: { overwrite?: boolean }): Promise<void>;
}

export function asSavable(model: CallbackModel, who: string): SavableModel {
  const m = model as Partial<SavableModel>;
  if (typeof m.save !== "function" || typeof m.saveWeights !== "function") {
    throw new TypeError(`${who}: the model ${model.name} cannot be saved (it has no save/saveWeights); use a models.Model or models.Sequential`);
  }
  return model as SavableModel;
}

export class ModelCheckpoint extends MonitorCallback {
  readonly filepath: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: "epoch" | number;
  private readonly writer: ProgressWriter | undefined;
  private batchesSinceSave = 0;
  private lastBatchSeen: number | null = null;
  private currentEpoch = 0;

  /** ModelCheckpoint("best.keras", { monitor: "val_loss" }) or ModelCheckpoint({ filepath: "best.keras", monitor: "val_loss" }) (Keras' keyword style). */
  constructor(first: string | (ModelCheckpointOptions & { filepath: string }), second?: ModelCheckpointOptions) {
    const { path: filepath, options } = pathAndOptions<ModelCheckpointOptions>("ModelCheckpoint", first, second, "filepath");
    checkOptionKeys("ModelCheckpoint", options, OPTIONS);
    super({ monitor: options.monitor, mode: options.mode, warn: options.warn });
    const where = "ModelCheckpoint";
    if (typeof filepath !== "string" || filepath.length === 0) {
      throw new TypeError(`${where}: filepath must be a non-empty file path, got ${valueText(filepath)}; e.g. callbacks.ModelCheckpoint("best.keras", { monitor: "val_loss", saveBestOnly: true })`);
    }
    this.filepath = filepath;
    this.verbose = verboseOption(where, options.verbose, 0);
    this.saveBestOnly = booleanOption(where, "saveBestOnly", options.saveBestOnly, false);
    this.saveWeightsOnly = booleanOption(where, "saveWeightsOnly", options.saveWeightsOnly, false);
    this.saveFreq = options.saveFreq ?? "epoch";
    this.best = nullableNumberOption(where, "initialValueThreshold", options.initialValueThreshold, null);
    this.writer = writerOption(where, options.writer);
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new RangeError(`${where}: unrecognized saveFreq ${JSON.stringify(options.saveFreq)}; expected "epoch" or a positive integer number of batches`);
    }
    if (this.saveWeightsOnly) {
      if (!filepath.endsWith(".weights.h5")) {
        throw new RangeError(`${where}: with saveWeightsOnly: true the filepath must end in ".weights.h5" (Keras weights format); got "${filepath}"`);
      }
    } else if (!filepath.endsWith(".keras") && !filepath.endsWith(".h5")) {
      throw new RangeError(`${where}: the filepath must end in ".keras" (Keras model format) or ".h5" (legacy); got "${filepath}"`);
    }
  }

  /**
   * Keras 3.5's ModelCheckpoint reads "auto" from the name alone: a monitor containing "acc" (or
   * starting with "fmeasure") is maximized, any other minimized, so a custom metric needs no mode;
   * as in Keras 3.5, "val_auc" is then minimized unless mode: "max" is given. Where the metric is
   * known to grow (AUC, precision, recall...), a warning says so, once.
   */
  protected override setMonitorOp(): void {
    const grows = this.monitor.includes("acc") || this.monitor.startsWith("fmeasure");
    this.monitorOp = this.mode === "max" || (this.mode === "auto" && grows) ? "max" : "min";
    if (this.mode === "auto" && this.monitorOp === "min" && inferMonitorDirection(this.monitor, this.hasModel ? this.model : null) === "max") {
      this.warnOnce(
        `ModelCheckpoint: mode "auto" minimizes ${this.monitor}, as Keras 3.5 does (it maximizes only monitors containing "acc"), ` +
          `though ${this.monitor} grows as the model improves; pass mode: "max" to keep the checkpoint with the highest value ` +
          `(or mode: "min" to keep Keras 3.5's choice without this warning)`,
      );
    }
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.shouldSaveOnBatch(batch)) await this.saveModel(this.currentEpoch, batch, logs);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.monitorOp === null) this.setMonitorOp();
    if (this.saveFreq === "epoch") await this.saveModel(epoch, null, logs);
  }

  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === "epoch") return false;
    const add = this.lastBatchSeen === null || batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.batchesSinceSave += add;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      return true;
    }
    return false;
  }

  private print(message: string): void {
    printMsg(message, true, this.writer);
  }

  /** Keras' _should_save_model, with its messages. */
  private shouldSave(epoch: number, logs: Logs, filepath: string): boolean {
    if (!this.saveBestOnly) {
      if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: saving model to ${filepath}`);
      return true;
    }
    const current = logs[this.monitor];
    if (current === undefined) {
      this.warnOnce(`Can save best model only with ${this.monitor} available, skipping.`);
      return false;
    }
    if (this.monitorOp === null) this.setMonitorOp();
    // Keras starts from an infinite best (initialValueThreshold replaces it) and prints it as Python formats inf.
    const bestText = this.best === null ? (this.monitorOp === "min" ? "inf" : "-inf") : formatFixed(this.best, 5);
    if (this.isImprovement(current, this.best)) {
      if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestText} to ${formatFixed(current, 5)}, saving model to ${filepath}`);
      this.best = current;
      return true;
    }
    if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestText}`);
    return false;
  }

  /** The file name for this epoch (and batch): Python's str.format with epoch (1-based), batch and the logs. */
  filePathFor(epoch: number, batch: number | null, logs: Logs): string {
    const ints: Record<string, number> = { epoch: epoch + 1 };
    if (batch !== null && !("batch" in logs)) ints.batch = batch + 1;
    return formatFilepath(this.filepath, { ints, floats: logs }, "ModelCheckpoint");
  }

  private async saveModel(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const filepath = this.filePathFor(epoch, batch, logs);
    if (existsSync(filepath) && statSync(filepath).isDirectory()) {
      throw new Error(`ModelCheckpoint: please specify a non-directory filepath; the file path used is an existing directory: ${filepath}`);
    }
    if (!this.shouldSave(epoch, logs, filepath)) return;
    const dir = dirname(filepath);
    if (dir && !existsSync(dir)) mkdirSync(dir, { recursive: true });
    const model = asSavable(this.model, "ModelCheckpoint");
    if (this.saveWeightsOnly) await model.saveWeights(filepath, { overwrite: true });
    else await model.save(filepath, { overwrite: true });
  }
}
