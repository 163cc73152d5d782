/** An evaluation as callbacks hear it (Keras' test hooks): evaluate's own, and fit's validation after each epoch. */
import type { Callback, CallbackList, CallbackModel, CallbackParams } from "./callbacks/callback.js";
import { configureCallbacks } from "./callbacks/configure.js";
import type { Logs, StepHooks } from "./training.js";

/**
 * onTestBegin, then `run` with the hooks of each batch, then onTestEnd with its logs. As Keras'
 * evaluate, it clears the model's stopEvaluating first and ends after a batch whose hooks set it.
 */
export async function withTestHooks(list: CallbackList, run: (hooks: StepHooks) => Promise<Logs>): Promise<Logs> {
  const model = list.hasModel ? list.model : null;
  if (model) model.stopEvaluating = false;
  await list.onTestBegin({});
  const logs = await run({
    onBatchBegin: (b) => list.onTestBatchBegin(b, {}),
    onBatchEnd: (b, l) => list.onTestBatchEnd(b, l),
    stop: () => model?.stopEvaluating === true,
  });
  await list.onTestEnd(logs);
  return logs;
}

/** evaluate's run, heard by the user's callbacks and (unless verbose is 0) the progress bar over `steps` batches. */
export function evaluateWithCallbacks(
  model: CallbackModel, callbacks: readonly Callback[] | undefined, verbose: CallbackParams["verbose"], steps: number | null,
  run: (hooks: StepHooks) => Promise<Logs>,
): Promise<Logs> {
  const { list } = configureCallbacks(callbacks, { addProgbar: verbose !== 0, model, params: { verbose, epochs: 1, steps } });
  return withTestHooks(list, run);
}
