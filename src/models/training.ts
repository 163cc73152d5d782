/**
 * The contract between a Model and its training loops: what fit needs of an optimizer, a loss, a
 * metric and the model, the compiled state they share, and the shapes of data and logs.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import type { TensorLike } from "../tensor/creation.js";
import type { Layer } from "../layers/layer.js";
import type { TrainableSnapshot } from "./trainable_state.js";
import type { RunningMean } from "./running_mean.js";

/** What fit needs of an optimizer (optimizers/ implements it). */
export interface TrainingOptimizer {
  applyGradients(pairs: [Tensor, Variable][]): void;
  /** Keras' scale_loss: the loss the step takes gradients of (loss * lossScaleFactor); applyGradients divides them back. */
  scaleLoss?(loss: Tensor): Tensor;
  /** Whether it holds state for some variables already, and build to create it (Keras' optimizer.build). */
  readonly built?: boolean;
  build?(variables: readonly Variable[]): void;
  learningRate: number;
  /** Run when fit ends (Keras' finalize_variable_values: with use_ema, the weights take their averages). */
  finalizeVariableValues?(variables: readonly Variable[]): void;
}

/** What fit needs of a loss: per-batch scalar (already reduced over the batch). */
export interface TrainingLoss {
  readonly name: string;
  /** The loss function it computes, by Keras' canonical name ("mean_squared_error" for "mse"), for data checks. */
  readonly kind?: string;
  /** A class id the loss ignores (SparseCategoricalCrossentropy's ignoreClass): labels equal to it need not be classes. */
  readonly ignoreClass?: number | null;
  call(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): Tensor;
}

/** What fit needs of a metric: Keras' stateful protocol. */
export interface TrainingMetric {
  readonly name: string;
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void;
  result(): number;
  resetState(): void;
}

/** One model output as compiled: its name (the output layer's), loss and weight in the total. */
export interface CompiledOutput {
  readonly name: string;
  /** False for an output compile() gave no loss (Keras' loss=[None, ...]): it adds nothing to the total. */
  readonly hasLoss: boolean;
  readonly loss: TrainingLoss;
  readonly weight: number;
}

export interface CompiledState {
  optimizer: TrainingOptimizer;
  /**
   * False when compile() gave no output a loss (Keras allows it): the built-in steps then train on
   * the losses the layers add (addLoss) and the weights' penalties, and refuse when there are none;
   * a model's own trainStep or computeLoss may do without. `loss` and such outputs' losses refuse to run.
   */
  readonly hasLoss: boolean;
  /** The first output's loss (the only one for single-output models). */
  loss: TrainingLoss;
  /** One entry per model output. */
  readonly outputs: readonly CompiledOutput[];
  /** Empty until resolveMetrics has seen the first batch's labels and predictions. */
  readonly metrics: TrainingMetric[];
  /** The output each metric of `metrics` reads. */
  metricOutput(index: number): number;
  /** Whether a metric of `metrics` came from compile's weightedMetrics (it takes the sample weights). */
  metricWeighted(index: number): boolean;
  resolveMetrics(yTrue: readonly Tensor[], yPred: readonly Tensor[]): void;
  /** Whether resolveMetrics has run (or there were no metrics to resolve). */
  readonly metricsResolved: boolean;
  /** The trainable variables as of compile() (Keras); without it every step reads the model's current ones. */
  trainable?: TrainableSnapshot;
  /**
   * The running mean of the loss (Keras' loss tracker), shared like the metrics' state by fit,
   * evaluate, trainOnBatch and testOnBatch: fit resets both at each epoch, evaluate at its start,
   * model.resetMetrics() on request; trainOnBatch and testOnBatch only add to them, as in Keras 3.5.
   */
  readonly lossTracker: RunningMean;
}

/** Labels: one tensor, or one per output for multi-output models. */
export type Targets = Tensor | Tensor[];

/** Keras' logs: metric name to value, e.g. { loss, accuracy, val_loss, val_accuracy }. */
export type Logs = Record<string, number>;

export interface StepHooks {
  onBatchBegin?(batch: number): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** Asked after each batch's onBatchEnd: true ends the loop there (a callback set model.stopEvaluating). */
  stop?(): boolean;
}

export type Data = Tensor | TensorLike;
/** x or y given as an object keyed by input or output name (Keras' dict form). */
export type KeyedData = Readonly<Record<string, Data>>;
/** What fit, evaluate and predict take as x or y: one array, a list in model order, or an object keyed by name. */
export type ModelData = Data | Data[] | KeyedData;

/** The model interface the loop drives (models/model.ts provides it). */
export interface TrainableModel {
  readonly name: string;
  call(inputs: Tensor | Tensor[], opts: { training?: boolean }): Tensor | Tensor[];
  /** Builds a model not built yet for inputs like these, as its first call does (the loop calls `call` itself). */
  prepareCall(inputs: Tensor | Tensor[]): void;
  readonly trainableWeights: Variable[];
  readonly layers: Layer[];
}

/**
 * What the evaluation loops drive (Keras' evaluate): the model's metrics, reset at the start, and
 * its testStep, one batch at a time.
 */
export interface TestRunner {
  resetMetrics(): void;
  /** One batch through the model's testStep, its logs as numbers. */
  testBatch(batch: { x: Tensor | Tensor[]; y: Targets | null; sampleWeight: Tensor | null }): Logs;
  /** The logs of the whole run, from the last batch's (Keras' _get_metrics_result_or_logs). */
  finalLogs(last: Logs): Logs;
}
