import { Tensor, storageOf } from "../tensor/tensor.js";
import { runTrainingStep, type Variable } from "../tensor/variable.js";
import { constant, fill, type TensorLike } from "../tensor/creation.js";
import { permutation } from "../tensor/random.js";
import { shapeText } from "../tensor/shape.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { GradientTape } from "../autograd/tape.js";
import { gradientPool, noGrad } from "../ops/engine.js";
import { add, cast, equal, floor, isNaN, mul, notEqual, sub, where } from "../ops/math.js";
import { gather, slice, concat, reshape } from "../ops/shape.js";
import { argMax, argMin, max, min, sum } from "../ops/reduce.js";
import { type Layer, type LayerShape, callInContext } from "../layers/layer.js";
import { layerShapeText } from "../layers/symbolic.js";
import { collectLayerLosses } from "../layers/layer_losses.js";
import { valueText } from "../tensor/value_text.js";
import type { Input } from "../ops/engine.js";
import { Mean } from "../nn/metrics.js";
import { compiledTrainableWeights, type TrainableSnapshot } from "./trainable_state.js";

/** What fit needs of an optimizer (optimizers/ implements it). */
export interface TrainingOptimizer {
  applyGradients(pairs: [Tensor, Variable][]): void;
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
  readonly loss: TrainingLoss;
  readonly weight: number;
}

export interface CompiledState {
  optimizer: TrainingOptimizer;
  /**
   * False when compile() was given no loss (Keras allows it): only a model whose own trainStep or
   * computeLoss does without the compiled loss can train then; `loss` and the outputs' losses refuse to run.
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

export function targetList(y: Targets): Tensor[] {
  return Array.isArray(y) ? y : [y];
}

/**
 * The weighted sum of every output's loss (Keras' loss_weights), and each output's weighted loss:
 * Keras 3 logs `<output>_loss` after the weight, so that the parts add up to the loss.
 */
export function totalLoss(state: CompiledState, ys: readonly Tensor[], preds: readonly Tensor[], sampleWeight: Tensor | null): { total: Tensor; parts: Tensor[] } {
  if (ys.length !== state.outputs.length || preds.length !== state.outputs.length) {
    throw new RangeError(`fit: the model was compiled for ${state.outputs.length} output(s) (${state.outputs.map((o) => o.name).join(", ")}) but got ${ys.length} label tensor(s) for ${preds.length} output(s)`);
  }
  const parts = state.outputs.map((o, i) => {
    const p = o.loss.call(ys[i], preds[i], sampleWeight);
    return o.weight === 1 ? p : mul(p, o.weight);
  });
  const total = parts.reduce((acc, p) => add(acc, p));
  return { total, parts };
}

/**
 * Updates every compiled metric, resolving them on the first batch. As in Keras 3.5 compile's
 * `metrics` stay unweighted; its `weightedMetrics` take the batch's sample weights (one weight per
 * sample, the same for every output).
 */
export function updateMetrics(state: CompiledState, ys: readonly Tensor[], preds: readonly Tensor[], sampleWeight: Tensor | null = null): void {
  state.resolveMetrics(ys, preds);
  state.metrics.forEach((m, i) => {
    const k = state.metricOutput(i);
    if (state.metricWeighted(i) && sampleWeight !== null) m.updateState(ys[k], preds[k], sampleWeight);
    else m.updateState(ys[k], preds[k]);
  });
}

/** Keras' logs: metric name to value, e.g. { loss, accuracy, val_loss, val_accuracy }. */
export type Logs = Record<string, number>;

export interface StepHooks {
  onBatchBegin?(batch: number): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export type Data = Tensor | TensorLike;
/** x or y given as an object keyed by input or output name (Keras' dict form). */
export type KeyedData = Readonly<Record<string, Data>>;
/** What fit, evaluate and predict take as x or y: one array, a list in model order, or an object keyed by name. */
export type ModelData = Data | Data[] | KeyedData;

/** Whether x or y is given as an object keyed by name (not a tensor, an array or a typed array). */
export function isKeyedData(x: unknown): x is KeyedData {
  return typeof x === "object" && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

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
 * Model inputs as tensors. Integer inputs (uint8 images, int32 arrays) become float32, since Keras'
 * layers promote them to their float compute dtype, unless the model's Input declares an integer
 * dtype (token indices for an Embedding): those become that dtype, exact beyond float32's 2^24.
 * Labels keep their dtype.
 */
export function toTensorData(x: Data | readonly Data[], what: string, op: string, inputDTypes: readonly DType[] = []): Tensor | Tensor[] {
  const asInput = (t: Tensor, k = 0): Tensor => {
    if (what === "y" || t.dtype === "bool") return t;
    const declared = inputDTypes[k];
    if (declared !== undefined && (declared === "int32" || declared === "int64") && !isFloatDType(t.dtype)) {
      return t.dtype === declared ? t : cast(t, declared);
    }
    return isFloatDType(t.dtype) ? t : cast(t, "float32");
  };
  if (x instanceof Tensor) return asInput(x);
  if (Array.isArray(x) && x.length > 0 && x.every((e) => e instanceof Tensor)) return (x as Tensor[]).map(asInput);
  try {
    return asInput(constant(x as TensorLike));
  } catch (e) {
    throw new TypeError(`${op}: ${what} cannot be converted to a tensor: ${(e as Error).message}`);
  }
}

export function numSamples(x: Tensor | Tensor[], what: string): number {
  const list = Array.isArray(x) ? x : [x];
  const n = list[0].shape[0];
  for (const t of list) {
    if (t.rank === 0) throw new RangeError(`${what} must have a batch axis; got a scalar`);
    if (t.shape[0] !== n) throw new RangeError(`${what}: all inputs need the same number of samples, got ${list.map((u) => u.shape[0]).join(" and ")}`);
  }
  return n;
}

export function takeRows(x: Tensor | Tensor[], idx: Tensor): Tensor | Tensor[] {
  return Array.isArray(x) ? x.map((t) => gather(t, idx)) : gather(x, idx);
}

export function sliceRows(x: Tensor | Tensor[], start: number, count: number): Tensor | Tensor[] {
  const f = (t: Tensor): Tensor => slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]);
  return Array.isArray(x) ? x.map(f) : f(x);
}

/**
 * The loss as Keras' compute_loss totals it: the compiled loss, plus each loss the layers added in
 * the forward pass (activity regularization), plus the weights' regularization penalties.
 */
function withPenalties(loss: Tensor, layerLosses: readonly Tensor[], weightPenalty: Tensor | null): Tensor {
  let total = loss;
  for (const p of layerLosses) total = add(total, p.dtype === total.dtype ? p : cast(p, total.dtype));
  return weightPenalty ? add(total, weightPenalty) : total;
}

/** Sums every weight regularizer's penalty over the model's layers (Keras adds them to the loss). */
export function regularizationLoss(layers: readonly Layer[]): Tensor | null {
  let total: Tensor | null = null;
  const visit = (l: Layer): void => {
    for (const [w, reg] of l.weightRegularizers) {
      const p = reg.call(w);
      total = total ? add(total, p) : p;
    }
    l.subLayers.forEach(visit);
  };
  layers.forEach(visit);
  return total;
}

function applyConstraints(layers: readonly Layer[]): void {
  const visit = (l: Layer): void => {
    for (const [w, c] of l.weightConstraints) w.assign(c.call(w));
    l.subLayers.forEach(visit);
  };
  noGrad(() => layers.forEach(visit));
}

/**
 * One training step: forward in training mode, loss, gradients, update, metrics. Once done, the
 * memory of its activations, its gradients and the weights the optimizer replaced goes back to the
 * buffer pool for the next step (see ops/engine.ts).
 */
export function trainStep(
  model: TrainableModel, state: CompiledState, x: Tensor | Tensor[], y: Targets, lossTracker: RunningMean,
  sampleWeight: Tensor | null = null,
): void {
  model.prepareCall(x);
  const { result: done, retired } = runTrainingStep(() => {
    const tape = new GradientTape();
    // The weights of compile time are trained even if a layer was frozen since (Keras), and a
    // frozen layer's Variables are no longer watched by themselves, so the tape is told of them.
    const compiledWeights = state.trainable?.weights ?? null;
    if (compiledWeights) tape.watch(compiledWeights);
    const ys = targetList(y);
    let preds: Tensor[] = [];
    let parts: Tensor[] = [];
    let layerLosses: Tensor[] = [];
    const { result: loss, activations } = gradientPool.forward(() => tape.run(() => {
      const { result: out, losses } = collectLayerLosses(() => callInContext(model, x, { training: true }));
      layerLosses = losses;
      preds = Array.isArray(out) ? out : [out];
      const l = totalLoss(state, ys, preds, sampleWeight);
      parts = l.parts;
      return withPenalties(l.total, losses, regularizationLoss(model.layers));
    }));
    const weights = trainedWeights(model, state);
    // Keras builds the optimizer on every trainable weight before the first step, so a weight that
    // gets no gradient still has its slots (and saved files hold as many variables as Keras').
    if (state.optimizer.built === false) state.optimizer.build?.(weights);
    const grads = tape.gradient(loss, weights);
    // Only this step and its optimizer see the gradients: their memory is reused like the activations'.
    const freshGrads = gradientPool.takeReturnedGradients();
    const pairs: [Tensor, Variable][] = [];
    grads.forEach((g, i) => { if (g) pairs.push([g, weights[i]]); });
    if (pairs.length === 0 && weights.length > 0) {
      throw new Error(`fit: no gradient reaches any trainable weight of model ${model.name}; check that the loss depends on the model's output`);
    }
    state.optimizer.applyGradients(pairs);
    applyConstraints(model.layers);
    lossTracker.add(loss.item(), numSamples(ys[0], "y"), parts.map((p) => p.item()));
    noGrad(() => updateMetrics(state, ys, preds, sampleWeight));
    // The layers' losses stay readable afterwards as layer.losses.
    return { activations, freshGrads, keep: [loss, ...parts, ...preds, ...layerLosses] };
  });
  const { activations, freshGrads, keep } = done;
  if (activations !== null) {
    gradientPool.releaseStep({ fresh: [...activations.fresh, ...freshGrads], made: [...activations.made, ...freshGrads], retired }, keep);
  }
}

/** The variables a training step updates: those trainable at compile time (Keras), else the model's trainable weights now. */
export function trainedWeights(model: TrainableModel, state: CompiledState): Variable[] {
  return state.trainable ? compiledTrainableWeights(model, state.trainable) : model.trainableWeights;
}

const f32 = Math.fround;

/**
 * The mean over an epoch so far, weighted by batch sizes (what Keras' progress bar shows). As
 * Keras' loss trackers (Mean metrics) do, the total and count are float32: each batch adds
 * float32(loss * batch size), and the result is their float32 quotient, so History and evaluate
 * give Keras' float32 numbers (as Python floats) rather than a float64 mean near them.
 */
export class RunningMean {
  /** Keras' name for the loss tracker: the key of its value in the logs. */
  readonly name: string = "loss";
  private total = 0;
  private count = 0;
  private partTotals: number[] = [];
  /** `parts`: each output's weighted loss, for the `<output>_loss` logs of multi-output models. */
  add(value: number, weight: number, parts: readonly number[] = []): void {
    this.total = f32(this.total + f32(f32(value) * weight));
    this.count = f32(this.count + weight);
    parts.forEach((p, i) => { this.partTotals[i] = f32((this.partTotals[i] ?? 0) + f32(f32(p) * weight)); });
  }
  result(): number {
    return this.count === 0 ? 0 : f32(this.total / this.count);
  }
  partResults(): number[] {
    return this.partTotals.map((t) => (this.count === 0 ? 0 : f32(t / this.count)));
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
    this.partTotals = [];
  }
  /**
   * Keras' Mean.update_state, so a custom trainStep can feed the loss tracker as Keras' guide does:
   * updateState(loss) counts the batch once, updateState(loss, batchSize) weighs it by its size
   * (what the built-in step does).
   */
  updateState(values: Input, sampleWeight?: Input | null): void {
    const m = new Mean({ name: this.name });
    m.updateState(values, sampleWeight);
    this.total = f32(this.total + m.total);
    this.count = f32(this.count + m.count);
  }
  resetState(): void {
    this.reset();
  }
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

/** Evaluates over data in batches through the model's testStep. */
export async function evaluateData(
  runner: TestRunner, x: Tensor | Tensor[], y: Targets | null, batchSize: number, hooks: StepHooks = {},
  sampleWeight: Tensor | null = null,
): Promise<Logs> {
  const n = numSamples(x, "x");
  runner.resetMetrics();
  let batch = 0;
  let logs: Logs = {};
  for (let start = 0; start < n; start += batchSize, batch++) {
    const count = Math.min(batchSize, n - start);
    await hooks.onBatchBegin?.(batch);
    const xb = sliceRows(x, start, count);
    const yb = y === null ? null : Array.isArray(y) ? y.map((t) => sliceRows(t, start, count) as Tensor) : (sliceRows(y, start, count) as Tensor);
    logs = runner.testBatch({ x: xb, y: yb, sampleWeight: sampleWeight ? (sliceRows(sampleWeight, start, count) as Tensor) : null });
    await hooks.onBatchEnd?.(batch, logs);
  }
  return runner.finalLogs(logs);
}

/** Keras' reset_metrics of a model without metrics of its own: the loss tracker and every compiled metric start over; returns the tracker. */
export function resetMetrics(state: CompiledState): RunningMean {
  state.lossTracker.reset();
  state.metrics.forEach((m) => m.resetState());
  return state.lossTracker;
}

/** Loss and metrics of one batch in inference mode, added to the tracker (weighted by its size): the built-in testStep. */
export function evaluateBatch(model: TrainableModel, state: CompiledState, xb: Tensor | Tensor[], ys: Tensor[], sampleWeight: Tensor | null, tracker: RunningMean): void {
  model.prepareCall(xb);
  noGrad(() => {
    const { result: layerLosses, activations } = gradientPool.forward(() => {
      const { result: out, losses } = collectLayerLosses(() => callInContext(model, xb, { training: false }));
      const preds = Array.isArray(out) ? out : [out];
      // As in Keras, sample weights weigh the loss and the weighted metrics, not the others.
      const l = totalLoss(state, ys, preds, sampleWeight);
      tracker.add(withPenalties(l.total, losses, regularizationLoss(model.layers)).item(), numSamples(xb, "x"), l.parts.map((p) => p.item()));
      updateMetrics(state, ys, preds, sampleWeight);
      return losses;
    });
    // Nothing else of the batch's forward pass is kept: loss and metrics are numbers and variables now.
    if (activations !== null) gradientPool.releaseStep(activations, layerLosses);
  });
}

/** Evaluates over a stream of [x, y] batches (a data.Dataset) through the model's testStep. */
export async function evaluateBatches(
  runner: TestRunner, batches: AsyncIterable<{ x: Tensor | Tensor[]; y: Targets | null; sampleWeight: Tensor | null }>, hooks: StepHooks = {},
): Promise<Logs> {
  runner.resetMetrics();
  let batch = 0;
  let logs: Logs = {};
  for await (const element of batches) {
    await hooks.onBatchBegin?.(batch);
    logs = runner.testBatch(element);
    await hooks.onBatchEnd?.(batch, logs);
    batch++;
  }
  if (batch === 0) throw new RangeError("evaluate: the dataset yielded no batches");
  return runner.finalLogs(logs);
}

/**
 * The loss logs of a compiled model: `loss`, and `<output>_loss` per output of a multi-output
 * model (each after its loss weight, as Keras 3 logs them).
 */
export function lossLogs(tracker: RunningMean, state: CompiledState): Logs {
  const logs: Logs = { loss: tracker.result() };
  if (state.outputs.length > 1 && state.hasLoss) {
    tracker.partResults().forEach((v, i) => { logs[`${state.outputs[i].name}_loss`] = v; });
  }
  return logs;
}

/**
 * Keras' log keys: loss, the metrics, and `<output>_loss` per output of a multi-output model. A
 * metric name met again gets `_1`, `_2`, ... (Keras 3.5's CompileMetrics.result): metrics
 * ["mae", "mae"] log mae and mae_1, rather than one overwriting the other. The values are float32,
 * as Keras' metric results are.
 */
export function logsOf(tracker: RunningMean, state: CompiledState): Logs {
  const logs = lossLogs(tracker, state);
  // Keras' metric results are float32 tensors, logged as their Python float.
  metricLogNames(state).forEach((name, i) => { logs[name] = Math.fround(state.metrics[i].result()); });
  return logs;
}

/**
 * The log key of each metric, as Keras 3.5's CompileMetrics.result names them: the first "mae" is
 * "mae", the next ones "mae_1", "mae_2". A weighted metric (compile's weightedMetrics, listed after
 * the others) whose name is taken becomes "weighted_mae" ("<output>_weighted_mae" with several
 * outputs), then "weighted_mae_1". As in Keras only the names metrics give are counted, so a
 * metric named "mae_1" by its user and a numbered "mae_1" share one key (the later one's value).
 */
export function metricLogNames(state: Pick<CompiledState, "metrics" | "metricOutput" | "metricWeighted" | "outputs">): string[] {
  const seen = new Map<string, number>();
  const numbered = (name: string): string => {
    const count = seen.get(name);
    seen.set(name, (count ?? 0) + 1);
    return count === undefined ? name : `${name}_${count}`;
  };
  return state.metrics.map((m, i) => {
    if (!seen.has(m.name) || !state.metricWeighted(i)) return numbered(m.name);
    const prefix = state.outputs.length > 1 ? `${state.outputs[state.metricOutput(i)].name}_` : "";
    return numbered(`${prefix}weighted_${metricOwnName(state, i)}`);
  });
}

/** A compiled metric's own name: its log name without the `<output>_` prefix of a multi-output model. */
export function metricOwnName(state: Pick<CompiledState, "metrics" | "metricOutput" | "outputs">, i: number): string {
  const name = state.metrics[i].name;
  const prefix = `${state.outputs[state.metricOutput(i)].name}_`;
  return state.outputs.length > 1 && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * Predicts in batches (inference mode) and concatenates the outputs. `step`: a model's own
 * predictStep, run as given (without the buffer pool, which would reuse the memory of whatever
 * tensors it keeps); its outputs are checked to be tensors.
 */
export function predictData(
  model: TrainableModel, x: Tensor | Tensor[], batchSize: number, onBatchEnd?: (batch: number) => void,
  step?: (xb: Tensor | Tensor[]) => unknown,
): Tensor | Tensor[] {
  const n = numSamples(x, "x");
  (Array.isArray(x) ? x : [x]).forEach((xk, k) => checkFinite(xk, `predict: x${Array.isArray(x) ? `[${k}]` : ""}`));
  const batches: Tensor[][] = [];
  let multi = false;
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const xb = sliceRows(x, start, Math.min(batchSize, n - start));
      model.prepareCall(xb);
      if (step) {
        const out = predictStepOutput(step(xb), model.name);
        multi = Array.isArray(out);
        batches.push(Array.isArray(out) ? out : [out]);
        onBatchEnd?.(batches.length - 1);
        continue;
      }
      const { result: { result: out, losses }, activations } = gradientPool.forward(() => collectLayerLosses(() => callInContext(model, xb, { training: false })));
      multi = Array.isArray(out);
      const outs = Array.isArray(out) ? out : [out];
      batches.push(outs);
      if (activations !== null) gradientPool.releaseStep(activations, [...outs, ...losses]);
      onBatchEnd?.(batches.length - 1);
    }
  });
  if (batches.length === 0) throw new RangeError("predict: x has no samples");
  const outs = batches[0].map((_, k) => (batches.length === 1 ? batches[0][k] : concat(batches.map((b) => b[k]), 0)));
  return multi ? outs : outs[0];
}

/** What a predictStep returned, checked: a tensor or a non-empty list of tensors, joined over batches by predict. */
function predictStepOutput(out: unknown, modelName: string): Tensor | Tensor[] {
  if (out instanceof Tensor && out.rank > 0) return out;
  if (Array.isArray(out) && out.length > 0 && out.every((t) => t instanceof Tensor && t.rank > 0)) return out as Tensor[];
  throw new TypeError(`Model ${modelName}.predictStep must return a tensor (or a list of tensors) with a batch axis, which predict joins over the batches; it returned ${out instanceof Tensor ? "a scalar tensor" : valueText(out)}`);
}

/** The epochs of a fit call: Keras' default 1, else a non-negative integer. */
export function epochsOf(given: number | undefined): number {
  const e = given ?? 1;
  if (!Number.isInteger(e) || e < 0) throw new RangeError(`fit: epochs must be a non-negative integer, got ${given}`);
  return e;
}

/**
 * Keras' sample_weight: finite, non-negative weights, one per sample (shape [n]) or, for sequence
 * outputs, one per sample and timestep (Keras' temporal weights, shape [n, steps]).
 */
export function sampleWeightsFor(data: Data, n: number, op: string, what = "sampleWeight"): Tensor {
  const w = toTensorData(data, what, op);
  if (Array.isArray(w) || w.rank < 1 || w.shape[0] !== n) {
    throw new RangeError(`${op}: ${what} needs one weight per sample (shape (${n},)) or per sample and timestep (shape (${n}, steps)), got shape ${Array.isArray(w) ? "a list of tensors" : shapeText(w.shape)}`);
  }
  checkFinite(w, `${op}: ${what}`);
  // A negative weight rewards the loss on its sample (Keras takes it without a word).
  const lowest = n === 0 ? 0 : min(cast(w, "float64")).item();
  if (lowest < 0) {
    throw new RangeError(`${op}: ${what} holds negative weights (the lowest is ${lowest}, in sample ${argMin(cast(w, "float64")).item()}); weights scale each sample's loss and must be >= 0 (0 leaves a sample out)`);
  }
  return w;
}

/**
 * Checks the classWeight of fit (or trainOnBatch, `op`) before any step: Keras' class_weight for a single-output classifier,
 * class index -> finite weight >= 0. Keys it cannot look up (a name, a class the model does not
 * have, say 1-based classes) would leave those classes at weight 1 without a word; a NaN or
 * negative weight turns the loss into NaN or rewards it.
 * `outShape`: the model's output shape, when known. `ignoreClass`: the label the loss leaves out
 * (SparseCategoricalCrossentropy's ignoreClass); a weight keyed by it would change nothing. The
 * other classes keep their weights for the samples the loss counts, and the weighted sum is
 * divided by the number of samples not ignored, as in Keras 3.5.
 */
export function checkClassWeight(classWeight: unknown, outputs: number, outShape: LayerShape | null, op = "fit", ignoreClass: number | null = null): void {
  const w = `${op}: classWeight`;
  if (typeof classWeight !== "object" || classWeight === null || Array.isArray(classWeight)) {
    throw new TypeError(`${w} must be an object mapping class index to weight, e.g. { 0: 1, 1: 5 }, got ${valueText(classWeight)}`);
  }
  if (outputs > 1) {
    throw new RangeError(`${w} is only supported for models with a single output (as in Keras); this model has ${outputs}; weigh the samples with sampleWeight instead`);
  }
  if (outShape !== null && outShape.length > 2) {
    throw new RangeError(`${w} weighs one class label per sample, but the model's output ${layerShapeText(outShape)} holds one prediction per position; weigh the samples with sampleWeight instead`);
  }
  const units = outShape === null ? null : outShape[outShape.length - 1];
  const classes = units === null || units === undefined ? null : Math.max(units, 2);
  for (const [key, value] of Object.entries(classWeight)) {
    const k = Number(key);
    if (ignoreClass !== null && k === ignoreClass) {
      throw new RangeError(`${w} has the key ${JSON.stringify(key)}, the label the loss ignores (ignoreClass ${ignoreClass}): samples labelled ${ignoreClass} are left out of the loss whatever their weight, so the weight would change nothing (Keras 3.5 takes it silently); remove the key`);
    }
    if (!Number.isInteger(k) || k < 0 || String(k) !== key || (classes !== null && k >= classes)) {
      throw new RangeError(`${w} has the key ${JSON.stringify(key)}, which is not a class index ${classes === null ? "(an integer >= 0)" : `of this model (0..${classes - 1})`}; key the weights by class index, e.g. { 0: 1, 1: 5 }`);
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${w} gives class ${key} the weight ${valueText(value)}; class weights must be finite numbers >= 0`);
    }
  }
}

/** fit's initialEpoch: the epoch to start at (to resume a run), a non-negative integer. */
export function initialEpochOf(given: number | undefined): number {
  const e = given ?? 0;
  if (!Number.isInteger(e) || e < 0) throw new RangeError(`fit: initialEpoch must be a non-negative integer (the epoch to resume at), got ${valueText(given)}`);
  return e;
}

/** The batch size of a fit, evaluate or predict call: Keras' default 32, else a positive integer. */
export function batchSizeOf(given: number | undefined, what: string, name = "batchSize"): number {
  const b = given ?? 32;
  if (!Number.isInteger(b) || b <= 0) throw new RangeError(`${what}: ${name} must be a positive integer, got ${given}`);
  return b;
}

/**
 * Refuses float data holding NaN or ±Infinity before a step sees it: one such value turns the loss,
 * then every weight, into NaN.
 */
export function checkFinite(t: Tensor, what: string): void {
  if (!isFloatDType(t.dtype) || t.size === 0) return;
  // One pass that allocates nothing of the data's size: NaN and ±Infinity carry through a sum.
  if (Number.isFinite(sum(t).item())) return;
  const bad = cast(isNaN(sub(t, t)), "int32");
  const count = sum(bad).item();
  if (count === 0) return; // large finite values overflowed the sum
  const first = argMax(reshape(bad, [-1])).item();
  const value = slice(reshape(t, [-1]), [first], [1]).item();
  const sample = t.rank > 0 ? Math.floor(first / (t.size / t.shape[0])) : 0;
  throw new RangeError(`${what} holds ${count} non-finite value(s) (NaN or ±Infinity), the first (${value}) in sample ${sample}; remove those samples or replace the values (e.g. by the feature's mean) before training`);
}

/**
 * Checks sparse labels before any step runs: integer classes in [0, numClasses). Keras would cast
 * 1.5 to class 1 without a word; a fractional class index is a mistake in y, so it is refused.
 */
/** The smallest and largest value of a non-empty tensor, as numbers. */
function valueRange(y: Tensor): [number, number] {
  const wide = cast(y, "float64");
  return [min(wide).item(), max(wide).item()];
}

export function checkSparseLabels(yIn: Tensor, numClasses: number, lossName: string, what: string, ignoreClass: number | null = null): void {
  if (yIn.size === 0) return;
  // Labels equal to the loss's ignoreClass (-1, 255, ...) are left out of the mean, not classes.
  const y = ignoreClass === null ? yIn : where(equal(cast(yIn, "float64"), ignoreClass), fill(yIn.shape, 0, "float64"), cast(yIn, "float64"));
  const [lo, hi] = valueRange(y);
  if (lo < 0 || hi >= numClasses || !Number.isInteger(lo) || !Number.isInteger(hi)) {
    const besides = ignoreClass === null ? "" : ` (besides the ignored class ${ignoreClass})`;
    throw new RangeError(`${what}: ${lossName} needs integer labels in [0, ${numClasses})${besides} for a model with ${numClasses} outputs, but the labels range over [${lo}, ${hi}]; check y or the size of the last layer`);
  }
  if (!isFloatDType(y.dtype)) return;
  const fractional = cast(notEqual(y, floor(y)), "int32");
  const count = sum(fractional).item();
  if (count === 0) return;
  const first = argMax(reshape(fractional, [-1])).item();
  const value = slice(reshape(y, [-1]), [first], [1]).item();
  const sample = Math.floor(first / (y.size / y.shape[0]));
  throw new RangeError(`${what}: ${lossName} needs integer class labels, but y holds ${count} fractional value(s), the first (${value}) in sample ${sample}; labels are class indices 0..${numClasses - 1} (for soft or one-hot targets use loss "categorical_crossentropy")`);
}

/**
 * Checks binary labels before any step runs: 0/1 classes or soft targets in [0, 1]. Keras takes a
 * label of 2 silently and trains towards a target the sigmoid can never reach.
 */
export function checkBinaryLabels(y: Tensor, lossName: string, what: string): void {
  if (y.size === 0) return;
  const [lo, hi] = valueRange(y);
  if (lo < 0 || hi > 1) {
    throw new RangeError(`${what}: ${lossName} needs labels in [0, 1] (classes 0 and 1, or soft targets), but the labels range over [${lo}, ${hi}]; for more than two classes use loss "sparse_categorical_crossentropy" with a softmax output`);
  }
}

/**
 * Per-sample weights for a batch: the given sample weights, or Keras' class weights looked up by
 * the class of each label (the index, or the argmax of a one-hot row). Null when neither is set.
 * fit and trainOnBatch refuse the two together, as Keras does; given both, this multiplies them.
 */
export function batchSampleWeights(y: Tensor, sampleWeight: Tensor | null, classWeight: Readonly<Record<number, number>> | null): Tensor | null {
  let w = sampleWeight;
  if (classWeight) {
    const classes = y.rank === 2 && y.shape[1] > 1 ? argMax(y, -1) : reshape(cast(y, "int32"), [-1]);
    const ids = storageOf(classes) as Int32Array;
    const cw = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const v = classWeight[ids[i]];
      // Keras gives classes missing from class_weight a weight of 1.
      cw[i] = v === undefined ? 1 : v;
    }
    const t = new Tensor(cw, [ids.length], "float32");
    w = w ? mul(cast(w, "float32"), t) : t;
  }
  return w;
}

/** Shuffled (or ordered) batch index tensors for one epoch. */
export function epochBatches(n: number, batchSize: number, shuffle: boolean): Tensor[] {
  const order = shuffle ? permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const out: Tensor[] = [];
  for (let s = 0; s < n; s += batchSize) out.push(new Tensor(order.slice(s, Math.min(n, s + batchSize)), [Math.min(batchSize, n - s)], "int32"));
  return out;
}

export function describeShapes(x: Tensor | Tensor[]): string {
  return Array.isArray(x) ? x.map((t) => shapeText(t.shape)).join(", ") : shapeText(x.shape);
}

