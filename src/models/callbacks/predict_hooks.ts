/**
 * predict's four callback hooks, called either synchronously (predict on tensors, which returns
 * its result directly) or awaited (predictAsync, and predict on a dataset).
 */
import type { PredictOutputs } from "../predict_outputs.js";
import { Callback, CallbackList, type HookResult } from "./callback.js";

/** The hooks predict calls, in Keras' order: begin, then batchBegin / batchEnd per batch, then end. */
export interface PredictHooks<R> {
  begin(): R;
  batchBegin(batch: number): R;
  batchEnd(batch: number, outputs: PredictOutputs): R;
  end(): R;
}

const PREDICT_HOOKS = ["onPredictBegin", "onPredictBatchBegin", "onPredictBatchEnd", "onPredictEnd"] as const;
type PredictHookName = (typeof PREDICT_HOOKS)[number];

/** The hooks of `list`, each awaited before predict goes on. */
export function awaitedPredictHooks(list: CallbackList): PredictHooks<Promise<void>> {
  return {
    begin: () => list.onPredictBegin({}),
    batchBegin: (batch) => list.onPredictBatchBegin(batch, {}),
    batchEnd: (batch, outputs) => list.onPredictBatchEnd(batch, { outputs }),
    end: () => list.onPredictEnd({}),
  };
}

/**
 * The hooks of `list` called synchronously. A hook declared `async` is refused here, before any
 * hook runs (so SwapEMAWeights has not swapped yet); one that returns a promise without being
 * declared async is refused when it does.
 */
export function synchronousPredictHooks(list: CallbackList): PredictHooks<void> {
  const callbacks = flatten(list.callbacks);
  callbacks.forEach((cb, i) => {
    for (const name of PREDICT_HOOKS) {
      if (isAsyncFunction(cb[name])) throw asyncHookError(cb, i, name);
    }
  });
  const fire = (name: PredictHookName, call: (cb: Callback) => HookResult): void => {
    callbacks.forEach((cb, i) => {
      const result = call(cb);
      if (isThenable(result)) {
        // predict throws instead of waiting; the promise's own failure would otherwise surface
        // later as an unhandled rejection that ends the process.
        result.then(undefined, () => {});
        throw asyncHookError(cb, i, name);
      }
    });
  };
  return {
    begin: () => fire("onPredictBegin", (cb) => cb.onPredictBegin({})),
    batchBegin: (batch) => fire("onPredictBatchBegin", (cb) => cb.onPredictBatchBegin(batch, {})),
    batchEnd: (batch, outputs) => {
      const logs = { outputs };
      fire("onPredictBatchEnd", (cb) => cb.onPredictBatchEnd(batch, logs));
    },
    end: () => fire("onPredictEnd", (cb) => cb.onPredictEnd({})),
  };
}

/** A CallbackList given as one of the callbacks stands for its members (their async list methods would be refused). */
function flatten(callbacks: readonly Callback[]): Callback[] {
  return callbacks.flatMap((cb) => (cb instanceof CallbackList ? flatten(cb.callbacks) : [cb]));
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor.name === "AsyncFunction";
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function asyncHookError(cb: Callback, index: number, name: PredictHookName): TypeError {
  return new TypeError(
    `predict: callbacks[${index}] (${cb.constructor.name}).${name} is async (it returns a Promise), but predict on tensors ` +
      "returns its result synchronously and cannot wait for it; use `await model.predictAsync(x, { callbacks })`, or predict " +
      "on a data.Dataset (which returns a Promise), to have predict await each hook, or make the hook synchronous",
  );
}
