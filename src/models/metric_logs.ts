/** The compiled metrics' state (updates, resets) and the log keys Keras reports them and the loss under. */
import type { Tensor } from "../tensor/tensor.js";
import type { CompiledState, Logs } from "./training.js";
import type { RunningMean } from "./running_mean.js";

/**
 * Updates every compiled metric, resolving them on the first batch. As in Keras 3.5 compile's
 * `metrics` stay unweighted; its `weightedMetrics` take the batch's sample weights (one weight per
 * sample, the same for every output).
 */
export function updateMetrics(state: CompiledState, ys: readonly Tensor[], preds: readonly Tensor[], sampleWeight: Tensor | null = null): void {
  if (ys.length === 0) {
    // No labels (a model compiled without a loss, fit on x alone): fine while no compiled metric needs them.
    if (state.metricsResolved && state.metrics.length === 0) return;
    throw new TypeError("the compiled metrics compare the outputs with labels, but none were given (y is null); pass y to fit/evaluate, or compile without metrics (a layer may keep its own metrics.Mean and update it in call())");
  }
  state.resolveMetrics(ys, preds);
  state.metrics.forEach((m, i) => {
    const k = state.metricOutput(i);
    if (state.metricWeighted(i) && sampleWeight !== null) m.updateState(ys[k], preds[k], sampleWeight);
    else m.updateState(ys[k], preds[k]);
  });
}

/**
 * The loss logs of a compiled model: `loss`, and `<output>_loss` per output given a loss when
 * there are several (each after its loss weight, as Keras 3 logs them; Keras adds one tracker per
 * loss only when compile gave more than one).
 */
export function lossLogs(tracker: RunningMean, state: CompiledState): Logs {
  const logs: Logs = { loss: tracker.result() };
  const lossy = state.outputs.filter((o) => o.hasLoss);
  if (lossy.length > 1) {
    tracker.partResults().forEach((v, i) => { logs[`${lossy[i].name}_loss`] = v; });
  }
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
