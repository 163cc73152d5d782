/**
 * The pieces of Keras' "customizing what happens in fit()": what a model's trainStep, testStep and
 * predictStep receive and return, the logs they give fit, and the metrics a model tracks.
 */
import { Tensor } from "../tensor/tensor.js";
import type { Input } from "../ops/engine.js";
import type { ModelMetric } from "../nn/metric_base.js";
import { valueText } from "../tensor/value_text.js";
import type { CompiledState, Logs, Targets } from "./training.js";
import { lossLogs, metricLogNames, updateMetrics } from "./metric_logs.js";
import { targetList } from "./data_rows.js";

/** One batch as fit, evaluate and predict hand it to a step (Keras' `data`, unpacked). */
export interface StepData {
  readonly x: Tensor | Tensor[];
  /** The labels; null when fit or evaluate was given none (fit(x, null, ...)), and always in predictStep. */
  readonly y: Targets | null;
  readonly sampleWeight: Tensor | null;
}

/**
 * What a trainStep or testStep returns: Keras' logs dict. Values are numbers or one-element
 * tensors; a nested object is flattened into the logs, as Keras flattens a metric whose result is a dict.
 */
export interface StepLogs {
  readonly [name: string]: number | Tensor | StepLogs;
}

export type { ModelMetric } from "../nn/metric_base.js";

/**
 * The compiled metrics before their first batch: "accuracy" and the like become a concrete metric
 * only once label and prediction shapes are seen (Keras' CompileMetrics builds then too).
 * updateState(y, yPred) resolves and updates them; from then on model.metrics lists them one by one.
 */
export class PendingCompileMetrics implements ModelMetric {
  readonly name = "compile_metrics";
  constructor(private readonly state: CompiledState, private readonly modelName: string) {}
  updateState(y: Input, yPred?: Input | null, sampleWeight?: Input | null): void {
    if (!(y instanceof Tensor || Array.isArray(y)) || !(yPred instanceof Tensor || Array.isArray(yPred))) {
      throw new TypeError(`Model ${this.modelName}: the compiled metrics update with (y, yPred) tensors, got ${valueText(y)} and ${valueText(yPred)}`);
    }
    if (!(sampleWeight === undefined || sampleWeight === null || sampleWeight instanceof Tensor)) {
      throw new TypeError(`Model ${this.modelName}: the compiled metrics take sampleWeight as a tensor (one weight per sample), got ${valueText(sampleWeight)}`);
    }
    updateMetrics(this.state, targetList(y as Targets), targetList(yPred as Targets), sampleWeight ?? null);
  }
  result(): number {
    throw new Error(`Model ${this.modelName}: the compiled metrics have no result before their first update: call updateState(y, yPred) (or this.computeMetrics) in the step first`);
  }
  resetState(): void {
    // Nothing accumulated yet.
  }
}

/**
 * Keras' model.metrics of a model compiled to `state`: the loss tracker (once compiled), `own`
 * (the keras.metrics objects the model and its layers hold: Layer.metrics), then the compiled
 * metrics, in Keras 3.5's order.
 */
export function modelMetrics(own: readonly ModelMetric[], state: CompiledState | null, modelName: string): ModelMetric[] {
  if (!state) return [...own];
  const compiledMetrics: ModelMetric[] = state.metricsResolved ? state.metrics : [new PendingCompileMetrics(state, modelName)];
  return [state.lossTracker, ...own.filter((m) => m !== (state.lossTracker as unknown)), ...compiledMetrics];
}

/**
 * Keras' get_metrics_result(): each metric's result by name, the loss tracker's as the loss and
 * each output's loss, compiled metrics by their log names (numbered where repeated).
 */
export function metricsResult(metrics: readonly ModelMetric[], state: CompiledState | null): Logs {
  const names = new Map<ModelMetric, string>();
  if (state) metricLogNames(state).forEach((n, i) => names.set(state.metrics[i], n));
  const logs: Logs = {};
  for (const m of metrics) {
    if (m instanceof PendingCompileMetrics) continue;
    if (state && m === state.lossTracker) Object.assign(logs, lossLogs(state.lossTracker, state));
    else logs[names.get(m) ?? m.name] = Number(m.result());
  }
  return logs;
}

/**
 * Keras' _get_metrics_result_or_logs: the metrics' results when the step's logs name the same
 * keys, else the last step's logs (a custom step that returns other keys).
 */
export function resultOrLogs(all: Logs, last: Logs): Logs {
  const keys = Object.keys(all);
  return keys.length === Object.keys(last).length && keys.every((k) => k in last) ? all : last;
}

/**
 * A step's logs as fit, evaluate and the callbacks take them: an object of numbers (Keras'
 * _pythonify_logs), nested objects flattened. Anything else is refused, naming the step and the key.
 */
export function stepLogs(raw: unknown, who: string): Logs {
  if (raw !== null && typeof raw === "object" && typeof (raw as { then?: unknown }).then === "function") {
    throw new TypeError(`${who} returned a Promise; steps run synchronously: compute with tensors and return the logs object itself (no async)`);
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
  if (!isRecord(raw)) {
    throw new TypeError(`${who} must return its logs as an object of numbers, e.g. { loss: 0.25, mae: 0.4 } (Keras' dict of metric results), got ${raw instanceof Tensor ? `a tensor of shape [${raw.shape.join(", ")}]` : valueText(raw)}`);
  }
  const out: Logs = {};
  const visit = (rec: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(rec)) {
      if (typeof value === "number") out[key] = value;
      else if (value instanceof Tensor && value.size === 1) out[key] = Number(value.item());
      else if (isRecord(value)) visit(value);
      else {
        const what = value instanceof Tensor ? `a tensor of shape [${value.shape.join(", ")}] (reduce it to one value, e.g. tf.mean)` : valueText(value);
        throw new TypeError(`${who} returned logs whose "${key}" is ${what}; each log must be a number or a one-element tensor (return metric.result() or loss)`);
      }
    }
  };
  visit(raw);
  return out;
}
