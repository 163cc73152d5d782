/**
 * The options of fit, evaluate, predict, trainOnBatch and testOnBatch, and the checks every one of
 * those methods runs on them before reading any data.
 */
import { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";
import { checkKeys } from "../optimizers/config.js";
import type { Data, ModelData } from "./training.js";
import type { Callback } from "./callbacks/callback.js";
import type { BatchStream } from "./batch_stream.js";
import type { PyDataset } from "./py_dataset.js";

export interface FitArgs {
  epochs?: number;
  /** Samples per batch of tensors (default 32); ignored for a dataset, which is already batched (as Keras ignores batch_size there). */
  batchSize?: number;
  verbose?: 0 | 1 | 2 | "auto";
  /** [x, y] or [x, y, sampleWeight] (the weights weigh the validation loss, as in Keras), a data.Dataset of [x, y] batches, or a utils.PyDataset. */
  validationData?: readonly [ModelData, ModelData] | readonly [ModelData, ModelData, Data] | BatchStream | PyDataset;
  validationSplit?: number;
  /**
   * Shuffle the samples (tensors) or a utils.PyDataset's batch order before each epoch; default
   * true. With tensors, "batch" keeps the batches in order and shuffles the samples inside each
   * (Keras' shuffle="batch"). A data.Dataset is read as it is: shuffle it with dataset.shuffle().
   */
  shuffle?: boolean | "batch";
  callbacks?: readonly Callback[];
  initialEpoch?: number;
  /** Weights of the loss per class index, e.g. { 0: 1, 1: 5 } (Keras' class_weight). */
  classWeight?: Readonly<Record<number, number>>;
  /** One weight per sample of x (Keras' sample_weight); with validationSplit, the last ones weigh the validation loss. */
  sampleWeight?: Data;
  /**
   * Batches per epoch (Keras' steps_per_epoch), read on from where the last epoch stopped, so an
   * endless dataset (dataset.repeat()) can be trained on; a pass over the data that runs out inside
   * an epoch ends that epoch with a warning, and the next starts a new pass (Keras 3.5). With tensors
   * and no batchSize, the batch size spreads x over that many steps, as in Keras.
   */
  stepsPerEpoch?: number;
  /** With a dataset as validationData: the batches validated on after each epoch (Keras' validation_steps). */
  validationSteps?: number;
  /** Batch size of the validation on tensors (or validationSplit); default batchSize (Keras' validation_batch_size); ignored for a validation dataset. */
  validationBatchSize?: number;
  /**
   * Validate every N epochs (after epoch N, 2N, ...), or after the epochs listed (1-based), as
   * Keras' validation_freq; default 1. Epochs without validation log no val_ metrics.
   */
  validationFreq?: number | readonly number[];
}

/**
 * Every option of fit, evaluate and predict, so that a misspelt or snake_case one (epoch,
 * batch_size) is refused as Keras refuses it instead of silently taking the default. The
 * Record type makes the compiler keep these lists in step with the interfaces.
 */
export const FIT_OPTIONS: Readonly<Record<keyof FitArgs, true>> = {
  epochs: true, batchSize: true, verbose: true, validationData: true, validationSplit: true, shuffle: true, callbacks: true,
  initialEpoch: true, classWeight: true, sampleWeight: true, stepsPerEpoch: true, validationSteps: true,
  validationBatchSize: true, validationFreq: true,
};

export interface EvaluateArgs {
  /** Samples per batch of tensors (default 32); ignored for a dataset, as Keras ignores batch_size there. */
  batchSize?: number;
  /**
   * Evaluate on the first `steps` batches only (Keras' steps; needed for an endless dataset). With
   * tensors and no batchSize, the batch size spreads x over that many steps, as in Keras.
   */
  steps?: number;
  /** One weight per sample: they weigh the loss (Keras' sample_weight); compiled metrics stay unweighted. */
  sampleWeight?: Data;
  verbose?: 0 | 1 | 2 | "auto";
  callbacks?: readonly Callback[];
  /**
   * Return `{ loss, <metric name>: value, ... }` instead of a number or an array (Keras'
   * return_dict), keyed as in fit's history and in Keras' order (sorted by name). Default false.
   */
  returnDict?: boolean;
}

/**
 * What `evaluate(..., { returnDict: true })` returns: the loss, each output's loss (`<output>_loss`,
 * several outputs; after its loss weight, as Keras 3 logs it) and each metric by name, keys sorted as Keras 3 sorts them.
 */
export interface EvaluateResults {
  loss: number;
  [name: string]: number;
}

export const EVALUATE_OPTIONS: Readonly<Record<keyof EvaluateArgs, true>> = {
  batchSize: true, steps: true, sampleWeight: true, verbose: true, callbacks: true, returnDict: true,
};
export const PREDICT_OPTIONS: Readonly<Record<keyof PredictArgs, true>> = { batchSize: true, steps: true, verbose: true, callbacks: true };

/** testOnBatch's options (Keras' sample_weight and return_dict); trainOnBatch takes classWeight too. */
export interface OnBatchArgs {
  /**
   * Return `{ loss, <metric name>: value, ... }` (keys sorted, as Keras 3 sorts them) instead of
   * the loss alone or the list (Keras' return_dict). Default false.
   */
  returnDict?: boolean;
  /** One weight per sample of the batch: they weigh the loss (Keras' sample_weight); compiled metrics stay unweighted. */
  sampleWeight?: Data;
}
/** trainOnBatch's options: testOnBatch's and Keras' class_weight. */
export interface TrainOnBatchArgs extends OnBatchArgs {
  /** Weights of the loss per class index, e.g. { 0: 1, 1: 5 } (Keras' class_weight), checked as fit checks it. */
  classWeight?: Readonly<Record<number, number>>;
}
export const TEST_ON_BATCH_OPTIONS: Readonly<Record<keyof OnBatchArgs, true>> = { returnDict: true, sampleWeight: true };
export const TRAIN_ON_BATCH_OPTIONS: Readonly<Record<keyof TrainOnBatchArgs, true>> = { ...TEST_ON_BATCH_OPTIONS, classWeight: true };

/** predict's options (Keras' predict arguments). */
export interface PredictArgs {
  /** Samples per batch of tensors (default 32); ignored for a dataset, as Keras ignores batch_size there. */
  batchSize?: number;
  /** Read only the first `steps` batches (with tensors and no batchSize, x is spread over that many, as in Keras). */
  steps?: number;
  /**
   * 1 (or "auto") shows Keras' progress bar, 2 one line when done, 0 nothing. lamina's default
   * is 0, not Keras' "auto": predict returns its result synchronously and is often called in
   * loops, where a bar per call would bury the output.
   */
  verbose?: 0 | 1 | 2 | "auto";
  /**
   * Heard at onPredictBegin, onPredictBatchBegin, onPredictBatchEnd (`logs.outputs`: the batch's
   * outputs) and onPredictEnd, as in Keras. predict on tensors calls them synchronously and
   * refuses async hooks; predictAsync and predict on a dataset await them.
   */
  callbacks?: readonly Callback[];
}

/** Refuses an options object holding a key its method does not take. */
export function checkOptions(op: string, args: unknown, known: Readonly<Record<string, true>>): void {
  if (args === undefined) return;
  if (typeof args !== "object" || args === null || Array.isArray(args)) throw new TypeError(`${op}: options must be an object, e.g. { batchSize: 32 }, got ${valueText(args)}`);
  checkKeys(op, args, Object.keys(known));
}

/**
 * Keras' verbose argument as callbacks' params hold it: the value given, "auto" by default (Keras'
 * CallbackList passes it on unchanged; only ProgbarLogger turns "auto" into 1).
 */
export function verbosity(v: 0 | 1 | 2 | "auto" | undefined): 0 | 1 | 2 | "auto" {
  return v ?? "auto";
}

/** A positive whole number of batches (stepsPerEpoch, validationSteps, steps). */
export function stepCount(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be a positive integer (batches), got ${valueText(v)}`);
  return v;
}

/** returnDict of evaluate, trainOnBatch and testOnBatch: true or false, as Keras' return_dict takes a bool. */
export function returnDictOf(value: unknown, op: string): boolean {
  return booleanOption(op, "returnDict", value, false);
}

/** Keras refuses class_weight together with sample_weight rather than pick a way to combine them. */
export function bothWeightings(op: string, where: string): TypeError {
  return new TypeError(`${op}: classWeight cannot be combined with sample weights (${where}), as in Keras; multiply each sample's weight by its class's weight and pass sampleWeight alone`);
}

/**
 * The options of fit(dataset, ...) / evaluate(dataset, ...). The dataset already yields the
 * targets (Keras: "`y` argument is not supported when using dataset as input"), so a y is refused;
 * without that the targets would be read as the options object. An empty y (null or undefined)
 * before the options is Keras' `fit(dataset, None, epochs=5)` and is accepted.
 */
export function datasetOptions<A>(op: string, second: unknown, third: A | undefined, argCount: number): A | undefined {
  if (argCount > 2 && (second === undefined || second === null)) return third;
  if (argCount > 2 || second instanceof Tensor || Array.isArray(second) || ArrayBuffer.isView(second)) {
    throw new TypeError(`${op}: y cannot be given with a dataset, whose elements already hold the targets ([x, y]); pass the options second: model.${op}(dataset, ${op === "fit" ? "{ epochs: 5 }" : "{ verbose: 0 }"})`);
  }
  return second as A | undefined;
}

/** The epochs of a fit call: Keras' default 1, else a non-negative integer. */
export function epochsOf(given: number | undefined): number {
  const e = given ?? 1;
  if (!Number.isInteger(e) || e < 0) throw new RangeError(`fit: epochs must be a non-negative integer, got ${valueText(given)}`);
  return e;
}

/** fit's initialEpoch: the epoch to start at (to resume a run), a non-negative integer. */
export function initialEpochOf(given: number | undefined): number {
  const e = given ?? 0;
  if (!Number.isInteger(e) || e < 0) throw new RangeError(`fit: initialEpoch must be a non-negative integer (the epoch to resume at), got ${valueText(given)}`);
  return e;
}

/** The batch size of a fit, evaluate or predict call: Keras' default 32, else a positive integer. */
/** fit's shuffle for tensors: true (default), false, or "batch". */
export function shuffleOf(given: unknown, what: string): boolean | "batch" {
  if (given === undefined) return true;
  if (typeof given === "boolean" || given === "batch") return given;
  throw new TypeError(`${what}: shuffle must be true, false or "batch" (shuffle inside each batch), got ${valueText(given)}`);
}

/** Keras' batch size when none is given (and no steps spread the samples). */
export const DEFAULT_BATCH_SIZE = 32;

export function batchSizeOf(given: number | undefined, what: string, name = "batchSize"): number {
  const b = given ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(b) || b <= 0) throw new RangeError(`${what}: ${name} must be a positive integer, got ${valueText(given)}`);
  return b;
}
