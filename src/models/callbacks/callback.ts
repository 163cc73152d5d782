/**
 * The Callback base class with every Keras hook, and CallbackList, which the training loop
 * (fit / evaluate / predict) drives. Hooks may be async; the list awaits each in turn.
 */
import type { Tensor } from "../../tensor/tensor.js";
import type { Variable } from "../../tensor/variable.js";
import type { PredictOutputs } from "../predict_outputs.js";

/** Metric values by name, as Keras passes them to callbacks (`loss`, `accuracy`, `val_loss`, ...). */
export type Logs = Record<string, number>;

/** What callbacks may use of a model. */
export interface CallbackModel {
  name: string;
  /** Set to true to end `fit` after the current epoch (or batch). */
  stopTraining: boolean;
  /** Set to true in a predict hook to end predict after the current batch (Keras' stop_predicting). */
  stopPredicting?: boolean;
  /** Set to true in a test hook to end evaluate (or fit's validation) after the current batch (Keras' stop_evaluating). */
  stopEvaluating?: boolean;
  optimizer: { learningRate: number } | null;
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
  /** Optional: the weights training updates (SwapEMAWeights swaps them with their moving averages). */
  readonly trainableWeights?: readonly Variable[];
  /**
   * Optional: the compiled metrics and whether larger is better, used by `mode: "auto"` monitors
   * (EarlyStopping, ReduceLROnPlateau) for metric names they do not know.
   */
  readonly metrics?: ReadonlyArray<{ readonly name: string; readonly direction?: "up" | "down" }>;
}

/** What fit / evaluate / predict tell callbacks (and History.params), with Keras' keys. */
export interface CallbackParams {
  /** The verbose argument as given ("auto" unless one was), as Keras' CallbackList keeps it; ProgbarLogger reads "auto" as 1. */
  verbose: 0 | 1 | 2 | "auto";
  epochs: number;
  /** Steps (batches) per epoch; null when unknown (the progress bar learns it after one epoch). */
  steps: number | null;
}

export type HookResult = void | Promise<void>;

/**
 * What predict passes to onPredictBatchEnd, as Keras' `{"outputs": batch_outputs}`: the batch's
 * outputs as predict returns them (a list for several, an object keyed by output key for a model
 * built with keyed outputs, whatever a model's own predictStep returns).
 */
export interface PredictBatchLogs {
  outputs: PredictOutputs;
}

/**
 * Base class for callbacks: override the hooks you need. `model` and `params` are set by
 * fit / evaluate / predict before the first hook runs.
 */
export class Callback {
  private _model: CallbackModel | null = null;
  private _params: CallbackParams | null = null;

  get model(): CallbackModel {
    if (this._model === null) {
      throw new Error(`${this.constructor.name}: no model yet; fit/evaluate/predict call setModel() before any hook runs`);
    }
    return this._model;
  }
  set model(model: CallbackModel) {
    this._model = model;
  }

  get params(): CallbackParams {
    if (this._params === null) {
      throw new Error(`${this.constructor.name}: no params yet; fit/evaluate/predict call setParams() before any hook runs`);
    }
    return this._params;
  }
  set params(params: CallbackParams) {
    this._params = params;
  }

  /** True once setModel has been called. */
  get hasModel(): boolean {
    return this._model !== null;
  }

  /** True once setParams has been called. */
  get hasParams(): boolean {
    return this._params !== null;
  }

  setModel(model: CallbackModel): void {
    this._model = model;
  }

  setParams(params: CallbackParams): void {
    this._params = params;
  }

  /** Legacy alias: the default onTrainBatchBegin calls it, as in Keras. */
  onBatchBegin(batch: number, logs: Logs): HookResult {}
  /** Legacy alias: the default onTrainBatchEnd calls it, as in Keras. */
  onBatchEnd(batch: number, logs: Logs): HookResult {}
  onEpochBegin(epoch: number, logs: Logs): HookResult {}
  onEpochEnd(epoch: number, logs: Logs): HookResult {}
  onTrainBatchBegin(batch: number, logs: Logs): HookResult {
    return this.onBatchBegin(batch, logs);
  }
  onTrainBatchEnd(batch: number, logs: Logs): HookResult {
    return this.onBatchEnd(batch, logs);
  }
  onTestBatchBegin(batch: number, logs: Logs): HookResult {}
  onTestBatchEnd(batch: number, logs: Logs): HookResult {}
  onPredictBatchBegin(batch: number, logs: Logs): HookResult {}
  onPredictBatchEnd(batch: number, logs: PredictBatchLogs): HookResult {}
  onTrainBegin(logs: Logs): HookResult {}
  onTrainEnd(logs: Logs): HookResult {}
  /**
   * lamina's addition (Keras has no such hook): fit failed with `error`, so onTrainEnd will not
   * come. Lets a callback release what onTrainBegin took (a server, a file); fit rethrows the error.
   */
  onTrainError(error: unknown): HookResult {}
  onTestBegin(logs: Logs): HookResult {}
  onTestEnd(logs: Logs): HookResult {}
  onPredictBegin(logs: Logs): HookResult {}
  onPredictEnd(logs: Logs): HookResult {}
}

/**
 * A copy of the logs with keys in Keras' order (this is why the bar shows `accuracy` before
 * `loss`): Keras sorts a step's logs (Trainer._pythonify_logs), and fit appends the validation
 * logs, sorted too, after the training ones, so `zz_loss` comes before `val_aa_loss`. One copy is
 * shared by all callbacks of a hook, so a callback that adds a key (ReduceLROnPlateau's
 * `learning_rate`) is seen by later ones.
 */
function sortedLogs(logs: Logs | undefined): Logs {
  const out: Logs = {};
  if (!logs) return out;
  const keys = Object.keys(logs).sort();
  for (const key of keys) if (!key.startsWith("val_")) out[key] = logs[key];
  for (const key of keys) if (key.startsWith("val_")) out[key] = logs[key];
  return out;
}

export interface CallbackListOptions {
  model?: CallbackModel;
  params?: CallbackParams;
}

/** Calls every hook on each callback in order, awaiting hooks that return promises. */
export class CallbackList extends Callback {
  readonly callbacks: Callback[];

  constructor(callbacks: Iterable<Callback> = [], options: CallbackListOptions = {}) {
    super();
    this.callbacks = [];
    for (const cb of callbacks) this.append(cb);
    if (options.model) this.setModel(options.model);
    if (options.params) this.setParams(options.params);
  }

  /** Adds a callback at the end, giving it the list's model and params if already set. */
  append(callback: Callback): void {
    if (!(callback instanceof Callback)) {
      const got = callback === null ? "null" : typeof callback;
      throw new TypeError(
        `callbacks[${this.callbacks.length}] is not a Callback (got ${got}); ` +
          "subclass callbacks.Callback or wrap plain functions with callbacks.LambdaCallback({ onEpochEnd: ... })",
      );
    }
    this.callbacks.push(callback);
    if (this.hasModel) callback.setModel(this.model);
    if (this.hasParams) callback.setParams(this.params);
  }

  override setModel(model: CallbackModel): void {
    super.setModel(model);
    for (const cb of this.callbacks) cb.setModel(model);
  }

  override setParams(params: CallbackParams): void {
    super.setParams(params);
    for (const cb of this.callbacks) cb.setParams(params);
  }

  override async onBatchBegin(batch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onBatchBegin(batch, l);
  }
  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onBatchEnd(batch, l);
  }
  override async onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onEpochBegin(epoch, l);
  }
  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onEpochEnd(epoch, l);
    // Keras' callbacks share fit's epoch_logs dict, so what they add (ReduceLROnPlateau's
    // learning_rate) reaches onTrainEnd; the sorted copy hands its keys back.
    if (logs) Object.assign(logs, l);
  }
  override async onTrainBatchBegin(batch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTrainBatchBegin(batch, l);
  }
  override async onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTrainBatchEnd(batch, l);
  }
  override async onTestBatchBegin(batch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTestBatchBegin(batch, l);
  }
  override async onTestBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTestBatchEnd(batch, l);
  }
  override async onPredictBatchBegin(batch: number, logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onPredictBatchBegin(batch, l);
  }
  override async onPredictBatchEnd(batch: number, logs: PredictBatchLogs): Promise<void> {
    const l = { ...logs };
    for (const cb of this.callbacks) await cb.onPredictBatchEnd(batch, l);
  }
  override async onTrainBegin(logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTrainBegin(l);
  }
  override async onTrainEnd(logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTrainEnd(l);
  }
  /** Every callback hears of the failure, even if one of them fails in turn (that one is reported on stderr). */
  override async onTrainError(error: unknown): Promise<void> {
    for (const cb of this.callbacks) {
      try {
        await cb.onTrainError(error);
      } catch (e) {
        console.error(`${cb.constructor.name}.onTrainError failed: ${(e as Error).message ?? String(e)}`);
      }
    }
  }
  override async onTestBegin(logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTestBegin(l);
  }
  override async onTestEnd(logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onTestEnd(l);
  }
  override async onPredictBegin(logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onPredictBegin(l);
  }
  override async onPredictEnd(logs?: Logs): Promise<void> {
    const l = sortedLogs(logs);
    for (const cb of this.callbacks) await cb.onPredictEnd(l);
  }
}
