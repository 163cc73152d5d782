/**
 * fit's validation: what it validates on (tensors, a split of x, or a dataset), after which epochs,
 * and the run itself, which Keras makes an evaluate, so callbacks hear its test hooks.
 */
import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import type { Logs, Targets, TestRunner } from "./training.js";
import { batchSizeOf } from "./model_args.js";
import { evaluateBatches, evaluateData } from "./evaluate_loop.js";
import { numSamples, sliceRows } from "./data_rows.js";
import type { StepData } from "./custom_step.js";
import type { CallbackList } from "./callbacks/callback.js";
import { type BatchStream, type TrainBatch, isBatchStream } from "./batch_stream.js";
import { type FitArgs, stepCount } from "./model_args.js";
import { withTestHooks } from "./evaluate_run.js";
import { PyDataset } from "./py_dataset.js";
import { pyDatasetSteps, pyDatasetStream } from "./py_dataset_stream.js";
import { cappedSteps, cappedValidationRows } from "./debug_limits.js";
import { type RanOutNotice, warnIfRanOut } from "./fit_batches.js";

/** What fit validates on after each epoch: tensors, or a dataset's batches. */
export type Validation = ValidationSet | StreamValidation;

/** A validation dataset, with the batches to read from it and how many the user asked for. */
export interface StreamValidation {
  stream: BatchStream;
  /** Read at most this many batches (undefined when the stream stops after them itself, as a PyDataset's pass does). */
  steps?: number;
  /** validationSteps as given (capped by config.setMaxStepsPerEpoch): a pass that gives fewer warns, as Keras. */
  asked?: number;
}

export interface ValidationSet {
  x: Tensor | Tensor[];
  y: Targets | null;
  batchSize: number;
  sampleWeight: Tensor | null;
}

/** fit's validationData as tensors: [x, y] or [x, y, sampleWeight]. */
export type ValidationArrays = Exclude<NonNullable<FitArgs["validationData"]>, BatchStream | PyDataset>;

/**
 * fit's validationBatchSize (checked), else the training batch size. Validation tensors only:
 * Keras passes validation_batch_size to an evaluate that ignores it for a dataset.
 */
export function validationBatchSizeOf(args: FitArgs, batchSize: number): number {
  if (args.validationBatchSize === undefined) return batchSize;
  return batchSizeOf(args.validationBatchSize, "fit", "validationBatchSize");
}

/** Keras' validation_freq: whether to validate after epoch `epoch` (0-based). */
export function validationSchedule(freq: FitArgs["validationFreq"]): (epoch: number) => boolean {
  if (freq === undefined) return () => true;
  if (Array.isArray(freq)) {
    if (!freq.every((e) => Number.isInteger(e) && e >= 1)) throw new RangeError(`fit: validationFreq as a list names the epochs to validate after, 1-based whole numbers, got ${valueText(freq)}`);
    const epochs = new Set(freq as readonly number[]);
    return (epoch) => epochs.has(epoch + 1);
  }
  if (typeof freq !== "number" || !Number.isInteger(freq) || freq < 1) {
    throw new RangeError(`fit: validationFreq must be a whole number >= 1 (validate every N epochs) or a list of 1-based epochs, got ${valueText(freq)}`);
  }
  return (epoch) => (epoch + 1) % freq === 0;
}

/** fit's validationData when it is a dataset (with validationSteps), else null; validationSteps needs one. */
export function streamValidation(args: FitArgs): StreamValidation | null {
  const data = args.validationData;
  if (!isBatchStream(data) && !(data instanceof PyDataset)) {
    if (args.validationSteps !== undefined) throw new TypeError("fit: validationSteps applies to validationData given as a dataset");
    return null;
  }
  const given = args.validationSteps === undefined ? undefined : stepCount(args.validationSteps, "fit: validationSteps");
  if (data instanceof PyDataset) {
    // Each validation is one pass from batch 0 with the dataset's epoch hooks, as Keras' evaluate;
    // the pass itself stops after validationSteps so that onEpochEnd still runs.
    const steps = cappedSteps("fit", "validationSteps", pyDatasetSteps(data, given, "fit", "validationSteps"));
    return { stream: pyDatasetStream(data, { shuffle: false, hooks: true, steps }), asked: given === undefined ? undefined : steps };
  }
  const steps = cappedSteps("fit", "validationSteps", given);
  return { stream: data, steps, asked: given === undefined ? undefined : steps };
}

/**
 * validationSplit: the training data and the part held out for validation. Keras takes the last
 * fraction of the data (and of the sample weights), before any shuffling.
 */
export function splitValidation(f: unknown, data: StepData): [train: StepData, held: StepData] {
  if (typeof f !== "number" || !(f > 0 && f < 1)) throw new RangeError(`fit: validationSplit must be a number in (0, 1), got ${valueText(f)}`);
  const n = numSamples(data.x, "x");
  const nTrain = Math.floor(n * (1 - f));
  if (nTrain === 0 || nTrain === n) {
    throw new RangeError(`fit: validationSplit ${f} of ${n} sample(s) leaves ${nTrain} for training and ${n - nTrain} for validation; each part needs at least one sample: pass more data or another validationSplit (as Keras refuses)`);
  }
  const held = sliceData(data, nTrain, n - nTrain);
  const train = sliceData(data, 0, nTrain);
  return [train, held];
}

/** The held-out tensors fit validates on, cut to the batches config.setMaxStepsPerEpoch allows (Keras' capped validation steps). */
export function capValidationRows(held: StepData, batchSize: number): StepData {
  const n = numSamples(held.x, "x"), rows = cappedValidationRows(n, batchSize);
  if (rows === n) return held;
  return sliceData(held, 0, rows);
}

/** Rows start..start + count of x, y and the sample weights. */
function sliceData({ x, y, sampleWeight }: StepData, start: number, count: number): StepData {
  return {
    x: sliceRows(x, start, count),
    y: y === null ? null : sliceTargets(y, start, count),
    sampleWeight: sampleWeight ? (sliceRows(sampleWeight, start, count) as Tensor) : null,
  };
}

function sliceTargets(y: Targets, start: number, count: number): Targets {
  return Array.isArray(y) ? y.map((t) => sliceRows(t, start, count) as Tensor) : (sliceRows(y, start, count) as Tensor);
}

/**
 * fit's validation after an epoch: Keras runs it as an evaluate, so callbacks get its test hooks.
 * `streamBatches` reads a validation dataset, checked as fit checks its own; a dataset that runs
 * out before validationSteps warns once per fit (`ranOut`, kept by the fit).
 */
export function runValidation(
  validation: Validation, runner: TestRunner, list: CallbackList,
  streamBatches: (stream: BatchStream, steps?: number) => AsyncIterable<TrainBatch>, ranOut: RanOutNotice,
): Promise<Logs> {
  return withTestHooks(list, (hooks) => "stream" in validation
    ? evaluateBatches(runner, warnIfRanOut(streamBatches(validation.stream, validation.steps), validation.asked, "fit", "validationSteps", ranOut, " (validation; said once per fit)"), hooks)
    : evaluateData(runner, validation.x, validation.y, validation.batchSize, hooks, validation.sampleWeight));
}
