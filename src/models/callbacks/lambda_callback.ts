import { Callback, type HookResult, type Logs, type PredictBatchLogs } from "./callback.js";

type BatchHook = (batch: number, logs: Logs) => HookResult;
type EpochHook = (epoch: number, logs: Logs) => HookResult;
type PhaseHook = (logs: Logs) => HookResult;
type PredictBatchEndHook = (batch: number, logs: PredictBatchLogs) => HookResult;

/** Any of the Callback hooks, as plain functions. */
export interface LambdaCallbackOptions {
  onEpochBegin?: EpochHook;
  onEpochEnd?: EpochHook;
  onTrainBegin?: PhaseHook;
  onTrainEnd?: PhaseHook;
  onTrainBatchBegin?: BatchHook;
  onTrainBatchEnd?: BatchHook;
  onBatchBegin?: BatchHook;
  onBatchEnd?: BatchHook;
  onTestBegin?: PhaseHook;
  onTestEnd?: PhaseHook;
  onTestBatchBegin?: BatchHook;
  onTestBatchEnd?: BatchHook;
  onPredictBegin?: PhaseHook;
  onPredictEnd?: PhaseHook;
  onPredictBatchBegin?: BatchHook;
  /** Gets the batch's outputs, `logs.outputs` (Keras' logs["outputs"]). */
  onPredictBatchEnd?: PredictBatchEndHook;
}

const HOOKS = [
  "onEpochBegin", "onEpochEnd", "onTrainBegin", "onTrainEnd", "onTrainBatchBegin", "onTrainBatchEnd",
  "onBatchBegin", "onBatchEnd", "onTestBegin", "onTestEnd", "onTestBatchBegin", "onTestBatchEnd",
  "onPredictBegin", "onPredictEnd", "onPredictBatchBegin", "onPredictBatchEnd",
] as const;

/** A callback built from functions: `LambdaCallback({ onEpochEnd: (epoch, logs) => ... })`. */
export class LambdaCallback extends Callback {
  constructor(hooks: LambdaCallbackOptions = {}) {
    super();
    const known = new Set<string>(HOOKS);
    for (const [name, fn] of Object.entries(hooks)) {
      if (!known.has(name)) {
        throw new TypeError(`LambdaCallback: unknown hook "${name}"; expected one of ${HOOKS.join(", ")}`);
      }
      if (fn === undefined) continue;
      if (typeof fn !== "function") throw new TypeError(`LambdaCallback: ${name} must be a function`);
    }
    for (const name of HOOKS) {
      const fn = hooks[name];
      // Own properties shadow the prototype's no-op hooks.
      if (fn !== undefined) Object.defineProperty(this, name, { value: fn, writable: true, configurable: true });
    }
  }
}
