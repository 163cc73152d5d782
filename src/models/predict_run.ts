/**
 * predict's loop over batches as callbacks hear it (Keras' predict): onPredictBegin, then
 * onPredictBatchBegin / onPredictBatchEnd({ outputs }) per batch, then onPredictEnd; a hook may set
 * model.stopPredicting to end after the current batch. Run synchronously for predict on tensors,
 * awaited for predictAsync and datasets.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Callback, CallbackModel } from "./callbacks/callback.js";
import { configureCallbacks } from "./callbacks/configure.js";
import { awaitedPredictHooks, synchronousPredictHooks } from "./callbacks/predict_hooks.js";
import { type PredictArgs, verbosity } from "./model_args.js";
import { type PredictOutputs, joinPredictBatches } from "./predict_outputs.js";

/** predict's run; X is what a batch of inputs is before predictBatch reads it (tensors, or a dataset's x still keyed by name). */
export interface PredictRun<X = Tensor | Tensor[]> {
  model: CallbackModel;
  callbacks: readonly Callback[] | undefined;
  verbose: PredictArgs["verbose"];
  /** Batches to come, for the callbacks' params and the progress bar; null when unknown (a dataset). */
  steps: number | null;
  /** The outputs for one batch of inputs, in the structure the hooks hear and predict returns (keyed by output key for a model with keyed outputs). */
  predictBatch: (x: X) => PredictOutputs;
}

/** The callback list as Keras builds predict's: the user's callbacks, then the progress bar unless verbose is 0 (lamina's default). */
function callbackList<X>(run: PredictRun<X>) {
  const verbose = run.verbose === undefined ? 0 : verbosity(run.verbose);
  return configureCallbacks(run.callbacks, { addProgbar: verbose !== 0, model: run.model, params: { verbose, epochs: 1, steps: run.steps } }).list;
}

/** predict over `batches`, every hook called synchronously (an async hook is refused). */
export function predictSync(run: PredictRun, batches: Iterable<Tensor | Tensor[]>): PredictOutputs {
  const hooks = synchronousPredictHooks(callbackList(run));
  run.model.stopPredicting = false;
  hooks.begin();
  const outputs: PredictOutputs[] = [];
  for (const x of batches) {
    hooks.batchBegin(outputs.length);
    const out = run.predictBatch(x);
    outputs.push(out);
    hooks.batchEnd(outputs.length - 1, out);
    if (run.model.stopPredicting) break;
  }
  if (outputs.length === 0) throw new RangeError("predict: x has no samples");
  hooks.end();
  return joinPredictBatches(outputs);
}

/** predict over `batches`, awaiting every hook. */
export async function predictAwaitingHooks<X>(run: PredictRun<X>, batches: Iterable<X> | AsyncIterable<X>): Promise<PredictOutputs> {
  const hooks = awaitedPredictHooks(callbackList(run));
  run.model.stopPredicting = false;
  await hooks.begin();
  const outputs: PredictOutputs[] = [];
  for await (const x of batches) {
    await hooks.batchBegin(outputs.length);
    const out = run.predictBatch(x);
    outputs.push(out);
    await hooks.batchEnd(outputs.length - 1, out);
    if (run.model.stopPredicting) break;
  }
  if (outputs.length === 0) throw new RangeError("predict: the dataset yielded no batches");
  await hooks.end();
  return joinPredictBatches(outputs);
}
