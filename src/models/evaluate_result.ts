/** What evaluate, trainOnBatch and testOnBatch return: Keras' list of values in its order, or its dict. */
import type { CompiledState, Logs } from "./training.js";
import { metricOwnName } from "./metric_logs.js";
import type { EvaluateResults } from "./model_args.js";

/**
 * The list evaluate, trainOnBatch and testOnBatch return, in Keras 3.5's order
 * (Trainer._flatten_metrics_in_order): first the logs named by model.metrics, in its order (the
 * loss, each compiled metric by its own name, then each output's loss with several outputs),
 * then every other key of the logs, sorted. With several outputs the logs name a metric
 * `<output>_<metric>`, not its own name, so those come in the sorted part: [loss, zz_loss,
 * aa_loss, aa_mae, zz_accuracy]; with one output the metrics keep compile's order.
 */
function resultValues(logs: Logs, state: CompiledState): number[] {
  const multi = state.outputs.length > 1;
  const metricNames = [
    "loss",
    ...state.metrics.map((_, i) => metricOwnName(state, i)),
    ...(multi ? state.outputs.map((o) => `${o.name}_loss`) : []),
  ];
  // As Keras' loop: a name listed twice is taken twice.
  const values = metricNames.filter((name) => name in logs).map((name) => logs[name]);
  for (const key of Object.keys(logs).sort()) if (!metricNames.includes(key)) values.push(logs[key]);
  return values;
}

/** evaluate's result: Keras' dict (return_dict=True: keys sorted, as Keras 3 sorts them), else the loss alone or the list. */
export function evaluateResult(logs: Logs, state: CompiledState, returnDict: boolean): number | number[] | EvaluateResults {
  if (!returnDict) {
    const values = resultValues(logs, state);
    return values.length === 1 ? values[0] : values;
  }
  // Keras 3 sorts the names (Python's sorted(), by code point: JavaScript's default sort for them).
  return Object.fromEntries(Object.keys(logs).sort().map((name) => [name, logs[name]])) as EvaluateResults;
}
