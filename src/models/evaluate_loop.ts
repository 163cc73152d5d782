/** evaluate's loops over batches (of tensors, or of a dataset), each batch through the model's testStep. */
import type { Tensor } from "../tensor/tensor.js";
import type { Logs, StepHooks, Targets, TestRunner } from "./training.js";
import { numSamples, sliceRows } from "./data_rows.js";

/** Evaluates over data in batches through the model's testStep (the first `maxBatches` of them when given). */
export async function evaluateData(
  runner: TestRunner, x: Tensor | Tensor[], y: Targets | null, batchSize: number, hooks: StepHooks = {},
  sampleWeight: Tensor | null = null, maxBatches = Infinity,
): Promise<Logs> {
  const n = numSamples(x, "x");
  runner.resetMetrics();
  let batch = 0;
  let logs: Logs = {};
  for (let start = 0; start < n && batch < maxBatches; start += batchSize, batch++) {
    const count = Math.min(batchSize, n - start);
    await hooks.onBatchBegin?.(batch);
    const xb = sliceRows(x, start, count);
    const yb = y === null ? null : Array.isArray(y) ? y.map((t) => sliceRows(t, start, count) as Tensor) : (sliceRows(y, start, count) as Tensor);
    logs = runner.testBatch({ x: xb, y: yb, sampleWeight: sampleWeight ? (sliceRows(sampleWeight, start, count) as Tensor) : null });
    await hooks.onBatchEnd?.(batch, logs);
    if (hooks.stop?.()) break;
  }
  return runner.finalLogs(logs);
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
    if (hooks.stop?.()) break;
  }
  if (batch === 0) throw new RangeError("evaluate: the dataset yielded no batches");
  return runner.finalLogs(logs);
}
