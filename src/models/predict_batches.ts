/** predict on tensors: the model (or its own predictStep) over batches in inference mode, the outputs joined. */
import { Tensor } from "../tensor/tensor.js";
import { gradientPool, noGrad } from "../ops/engine.js";
import { concat } from "../ops/shape.js";
import { callInContext } from "../layers/layer.js";
import { collectLayerLosses } from "../layers/layer_losses.js";
import { valueText } from "../tensor/value_text.js";
import type { TrainableModel } from "./training.js";
import { numSamples, sliceRows } from "./data_rows.js";
import { checkFinite } from "./label_checks.js";

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
