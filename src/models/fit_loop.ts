/** fit's epoch loop, shared by fit on tensors and on datasets. */
import type { History } from "./callbacks/history.js";
import type { CallbackModel, CallbackParams } from "./callbacks/callback.js";
import { configureCallbacks } from "./callbacks/configure.js";
import { TerminateOnNaN } from "./callbacks/terminate_on_nan.js";
import type { CompiledState, Logs, TestRunner } from "./training.js";
import { initialEpochOf } from "./model_args.js";
import { trainedWeights } from "./builtin_steps.js";
import { stepLogs } from "./custom_step.js";
import { takeTrainable, warnIfTrainableChanged } from "./trainable_state.js";
import type { BatchStream, TrainBatch } from "./batch_stream.js";
import type { FitArgs } from "./model_args.js";
import { type Validation, runValidation, validationSchedule } from "./fit_validation.js";
import type { Model } from "./model.js";

/** One fit's plan for the epoch loop. */
export interface EpochPlan {
  state: CompiledState;
  args: FitArgs;
  params: CallbackParams;
  /** The batches of one epoch, read anew each epoch. */
  batchesOf: () => Iterable<TrainBatch> | AsyncIterable<TrainBatch>;
  validation: Validation | null;
  /** The model's testStep for validation (see TestRunner); its finalLogs also give each epoch's logs. */
  runner: TestRunner;
  /** A validation dataset's batches, checked as fit checks its own. */
  validationBatches: (stream: BatchStream, steps?: number) => AsyncIterable<TrainBatch>;
  /** The model overrides trainStep (its optimizer is then built on all trained weights before the first step, as Keras builds it). */
  customTrainStep: boolean;
}

/**
 * The epoch loop: callbacks, training steps on the batches each epoch yields, validation, History.
 */
export async function runEpochs(model: Model, plan: EpochPlan): Promise<History> {
  const { state, args, params, batchesOf, validation, runner, validationBatches, customTrainStep } = plan;
  const shouldValidate = validationSchedule(args.validationFreq);
  // Keras' order: the user's callbacks, then History, then the progress bar.
  const { list, history } = configureCallbacks(args.callbacks, {
    addHistory: true, addProgbar: params.verbose !== 0, model: model as CallbackModel, params,
  });
  model.stopTraining = false;
  model.history = history;
  // The first fit after compile fixes the trainable variables (as Keras traces its step); a later one warns of changes since.
  if (state.trainable) {
    if (state.trainable.taken) warnIfTrainableChanged(model, state.trainable);
    else takeTrainable(model, state.trainable);
  }
  let lastLogs: Logs = {};
  const validationRanOut = { warned: false };
  try {
    await list.onTrainBegin({});
    // lamina's own divergence warning (Keras has none) stays silent beside a TerminateOnNaN, whose
    // "Batch N: Invalid loss, terminating training" is all Keras prints then.
    let divergenceReported = list.callbacks.some((c) => c instanceof TerminateOnNaN);
    const initialEpoch = model.resumeEpoch ?? initialEpochOf(args.initialEpoch);
    model.resumeEpoch = null;
    // As Keras 3.5's fit, stopTraining is read only after a batch and after onEpochEnd: set in
    // onTrainBegin or onEpochBegin, it still lets one batch run and that epoch end (into History).
    for (let epoch = initialEpoch; epoch < params.epochs; epoch++) {
      // Keras resets the metrics before onEpochBegin, so a callback reading them there sees zeros.
      model.resetMetrics();
      await list.onEpochBegin(epoch, {});
      let b = 0;
      let batchLogs: Logs = {};
      for await (const batch of batchesOf()) {
        await list.onTrainBatchBegin(b, {});
        // Built before its first step, as Keras builds a model before fit's steps, so a step may read its weights first.
        model.prepareCall(batch.x);
        // Keras' fit builds the compiled optimizer on all trainable variables before the first step,
        // so a custom trainStep may apply it to a different subset of them at each step.
        if (customTrainStep && state.optimizer.built === false) state.optimizer.build?.(trainedWeights(model, state));
        batchLogs = stepLogs(model.trainStep({ x: batch.x, y: batch.y, sampleWeight: batch.sampleWeight }), `Model ${model.name}.trainStep`);
        if (!divergenceReported && "loss" in batchLogs && !Number.isFinite(batchLogs.loss)) {
          divergenceReported = true;
          process.emitWarning(`fit: the loss became ${batchLogs.loss} at epoch ${epoch + 1}, batch ${b + 1}: training diverged; lower the learning rate${learningRateNote(state.optimizer)}, or add callbacks.TerminateOnNaN() to stop at the first such batch`, "UserWarning");
        }
        await list.onTrainBatchEnd(b, batchLogs);
        b++;
        if (model.stopTraining) break;
      }
      const logs: Logs = { ...runner.finalLogs(batchLogs) };
      if (validation && shouldValidate(epoch)) {
        for (const [k, val] of Object.entries(await runValidation(validation, runner, list, validationBatches, validationRanOut))) logs[`val_${k}`] = val;
      }
      await list.onEpochEnd(epoch, logs);
      lastLogs = logs;
      if (model.stopTraining) break;
    }
    // Keras' finalize_variable_values (with use_ema the weights take their moving averages), after
    // the last epoch or an early stop, before onTrainEnd (so EarlyStopping's restore comes after it).
    if (params.epochs > 0) state.optimizer.finalizeVariableValues?.(trainedWeights(model, state));
  } catch (e) {
    await list.onTrainError(e);
    throw e;
  }
  // As Keras: onTrainEnd hears the last epoch's logs.
  await list.onTrainEnd(lastLogs);
  return history!;
}

/** " (it is 0.001)" for the divergence warning; nothing for an optimizer without one learning rate (MultiOptimizer's getter throws, as Keras'). */
function learningRateNote(optimizer: { readonly learningRate: number }): string {
  try {
    return ` (it is ${Number(optimizer.learningRate.toPrecision(7))})`;
  } catch {
    return " (of the sub-optimizers)";
  }
}
