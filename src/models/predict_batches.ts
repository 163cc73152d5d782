/** predict on tensors: the model (or its own predictStep) over batches in inference mode, the outputs joined. */
import type { Tensor } from "../tensor/tensor.js";
import { gradientPool, noGrad } from "../ops/engine.js";
import { callInContext } from "../layers/layer.js";
import { collectLayerLosses } from "../layers/layer_losses.js";
import type { TrainableModel } from "./training.js";
import { numSamples, sliceRows } from "./data_rows.js";
import { checkFinite } from "./label_checks.js";
import { type PredictOutputs, joinPredictBatches, predictStepOutput } from "./predict_outputs.js";

/**
 * Predicts in batches (inference mode) and concatenates the outputs. `step`: a model's own
 * predictStep, run as given (without the buffer pool, which would reuse the memory of whatever
 * tensors it keeps); its outputs are checked to be tensors, in any structure.
 */
export function predictData(
  model: TrainableModel, x: Tensor | Tensor[], batchSize: number, onBatchEnd?: (batch: number) => void,
  step?: (xb: Tensor | Tensor[]) => unknown,
): PredictOutputs {
  const n = numSamples(x, "x");
  (Array.isArray(x) ? x : [x]).forEach((xk, k) => checkFinite(xk, `predict: x${Array.isArray(x) ? `[${k}]` : ""}`));
  const batches: PredictOutputs[] = [];
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const xb = sliceRows(x, start, Math.min(batchSize, n - start));
      model.prepareCall(xb);
      if (step) {
        batches.push(predictStepOutput(step(xb), model.name));
        onBatchEnd?.(batches.length - 1);
        continue;
      }
      const { result: { result: out, losses }, activations } = gradientPool.forward(() => collectLayerLosses(() => callInContext(model, xb, { training: false })));
      batches.push(out);
      if (activations !== null) gradientPool.releaseStep(activations, [...(Array.isArray(out) ? out : [out]), ...losses]);
      onBatchEnd?.(batches.length - 1);
    }
  });
  if (batches.length === 0) throw new RangeError("predict: x has no samples");
  return joinPredictBatches(batches);
}
