/**
 * Keras' BackupAndRestore: backs up the training state (weights with the optimizer's state, and
 * the epoch) into `backupDir` at the end of each epoch (or every `saveFreq` batches); when fit
 * starts and a backup exists (a previous fit was interrupted), it restores it and fit continues
 * from the epoch after the last completed one. The backup is deleted when fit ends normally.
 *
 * Beyond Keras, the backup also holds lamina's global random generator state, so the resumed
 * epochs shuffle the data and draw dropout masks exactly as an uninterrupted run with the same
 * seed would: resuming from an epoch-end backup gives bit-identical weights.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { globalRandomState, setGlobalRandomState, type RandomState } from "../../tensor/random.js";
import { Callback, type CallbackModel, type Logs } from "./callback.js";
import { pathAndOptions } from "./path_options.js";
import { valueText } from "../../tensor/value_text.js";
import { booleanOption } from "../../tensor/option_checks.js";
import { checkOptionKeys } from "../../tensor/option_keys.js";

export interface BackupAndRestoreOptions {
  /** "epoch" (default) or a number of batches between backups. */
  saveFreq?: "epoch" | number;
  /** Keep the previous backup too (`*.bkp`), used when the latest one cannot be read (default false). */
  doubleCheckpoint?: boolean;
  /** Delete the backup folder when fit ends normally (default true). */
  deleteCheckpoint?: boolean;
}

/** What restoring needs of the model (models.Model has it). */
interface RestorableModel extends CallbackModel {
  readonly built: boolean;
  resumeEpoch: number | null;
  saveWeights(path: string, options?: { overwrite?: boolean }): Promise<void>;
  loadWeights(path: string): Promise<void>;
}

interface TrainingMetadata {
  /** Completed epochs: fit resumes at this (0-based) epoch. */
  epoch: number;
  batch: number;
  /** lamina's addition: the random generator's state at the start of `epoch`. */
  lamina_random_state?: RandomState;
}

export class BackupAndRestore extends Callback {
  readonly backupDir: string;
  readonly saveFreq: "epoch" | number;
  readonly doubleCheckpoint: boolean;
  readonly deleteCheckpoint: boolean;
  private readonly weightsPath: string;
  private readonly metadataPath: string;
  private batchesSinceSave = 0;
  private lastBatchSeen = 0;
  private currentEpoch = 0;
  private randomAtEpochStart: RandomState | null = null;

  /** BackupAndRestore("backup") or BackupAndRestore({ backupDir: "backup" }) (Keras' keyword style). */
  constructor(first: string | (BackupAndRestoreOptions & { backupDir: string }), second?: BackupAndRestoreOptions) {
    super();
    const { path: backupDir, options } = pathAndOptions<BackupAndRestoreOptions>("BackupAndRestore", first, second, "backupDir");
    if (typeof backupDir !== "string" || backupDir.length === 0) throw new TypeError("BackupAndRestore: empty backupDir argument; give the folder the backup goes to");
    checkOptionKeys("BackupAndRestore", options, ["saveFreq", "doubleCheckpoint", "deleteCheckpoint"]);
    this.backupDir = backupDir;
    this.saveFreq = options.saveFreq ?? "epoch";
    this.doubleCheckpoint = booleanOption("BackupAndRestore", "doubleCheckpoint", options.doubleCheckpoint, false);
    this.deleteCheckpoint = booleanOption("BackupAndRestore", "deleteCheckpoint", options.deleteCheckpoint, true);
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new RangeError(`BackupAndRestore: invalid saveFreq ${JSON.stringify(options.saveFreq)}; expected "epoch" or a positive integer number of batches`);
    }
    this.weightsPath = join(backupDir, "latest.weights.h5");
    this.metadataPath = join(backupDir, "training_metadata.json");
  }

  private get restorable(): RestorableModel {
    const m = this.model as Partial<RestorableModel>;
    if (typeof m.saveWeights !== "function" || typeof m.loadWeights !== "function" || !("resumeEpoch" in m)) {
      throw new TypeError(`BackupAndRestore: the model ${this.model.name} cannot be backed up (it has no saveWeights/loadWeights); use a models.Model or models.Sequential`);
    }
    return this.model as RestorableModel;
  }

  override async onTrainBegin(): Promise<void> {
    this.batchesSinceSave = 0;
    this.lastBatchSeen = 0;
    this.currentEpoch = 0;
    try {
      await this.restore();
    } catch (e) {
      // The latest backup may be damaged (a crash while writing it); fall back to the previous one.
      const prevWeights = `${this.weightsPath}.bkp`, prevMeta = `${this.metadataPath}.bkp`;
      if (!existsSync(prevWeights)) throw e;
      copyFileSync(prevWeights, this.weightsPath);
      if (existsSync(prevMeta)) copyFileSync(prevMeta, this.metadataPath);
      else rmSync(this.metadataPath, { force: true });
      await this.restore();
    }
  }

  private async restore(): Promise<void> {
    const model = this.restorable;
    if (!model.built) {
      throw new Error(`BackupAndRestore: the model ${model.name} must be built before fit() (give it an Input or an inputShape, or call it on a batch of data first)`);
    }
    if (existsSync(this.weightsPath)) await model.loadWeights(this.weightsPath);
    if (existsSync(this.metadataPath)) {
      const meta = readMetadata(this.metadataPath);
      model.resumeEpoch = meta.epoch;
      this.currentEpoch = meta.epoch;
      if (meta.lamina_random_state) setGlobalRandomState(meta.lamina_random_state);
    }
  }

  override onEpochBegin(): void {
    this.randomAtEpochStart = globalRandomState();
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    this.currentEpoch = epoch + 1;
    this.lastBatchSeen = 0;
    // The generator now stands where the next epoch will start drawing.
    if (this.saveFreq === "epoch") await this.save(globalRandomState());
  }

  override async onTrainBatchEnd(batch: number): Promise<void> {
    if (this.shouldSaveOnBatch(batch)) await this.save(this.randomAtEpochStart);
  }

  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === "epoch") return false;
    const add = batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.batchesSinceSave += add;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      return true;
    }
    return false;
  }

  private async save(random: RandomState | null): Promise<void> {
    mkdirSync(this.backupDir, { recursive: true });
    if (this.doubleCheckpoint && existsSync(this.weightsPath)) copyFileSync(this.weightsPath, `${this.weightsPath}.bkp`);
    if (this.doubleCheckpoint && existsSync(this.metadataPath)) copyFileSync(this.metadataPath, `${this.metadataPath}.bkp`);
    await this.restorable.saveWeights(this.weightsPath, { overwrite: true });
    const meta: TrainingMetadata = { epoch: this.currentEpoch, batch: this.lastBatchSeen };
    if (random) meta.lamina_random_state = random;
    writeTextAtomically(this.metadataPath, JSON.stringify(meta));
  }

  override onTrainEnd(_logs: Logs): void {
    if (this.deleteCheckpoint && existsSync(this.backupDir)) rmSync(this.backupDir, { recursive: true, force: true });
  }
}

function readMetadata(path: string): TrainingMetadata {
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`BackupAndRestore: ${path} is not valid JSON (${(e as Error).message})`);
  }
  const epoch = (meta as { epoch?: unknown } | null)?.epoch;
  if (!Number.isInteger(epoch) || (epoch as number) < 0) throw new Error(`BackupAndRestore: ${path} has no valid "epoch" (got ${valueText(epoch)})`);
  return meta as TrainingMetadata;
}

/** A crash while writing leaves the previous metadata in place. */
function writeTextAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
