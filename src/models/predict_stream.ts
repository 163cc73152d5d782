/** predict over a dataset: each element's inputs predicted on, the outputs joined along the batch axis. */
import { Tensor } from "../tensor/tensor.js";
import { concat } from "../ops/shape.js";
import { type BatchStream, partNames } from "./batch_stream.js";
import { type PredictArgs, stepCount } from "./model_args.js";
import { predictProgress } from "./predict_progress.js";

/**
 * The outputs for every batch of `stream` (its first `args.steps`), as Keras' predict on a dataset.
 * `model` gives the input and output counts that tell an element's x from its y; `predictBatch`
 * predicts one batch of x (one tensor, or a list for several inputs).
 */
export async function predictStream(
  stream: BatchStream, args: PredictArgs, model: { readonly inputs: readonly unknown[]; readonly outputs: readonly unknown[] },
  predictBatch: (x: Tensor | Tensor[]) => Tensor | Tensor[],
): Promise<Tensor | Tensor[]> {
  if (args.batchSize !== undefined) throw new TypeError("predict: batchSize cannot be combined with a dataset, which is already batched; set the batch size when building the dataset");
  const steps = args.steps === undefined ? undefined : stepCount(args.steps, "predict: steps");
  const bar = predictProgress(args.verbose, steps ?? null);
  const nInputs = Math.max(1, model.inputs.length), nOutputs = Math.max(1, model.outputs.length);
  const outputs: (Tensor | Tensor[])[] = [];
  for await (const element of stream) {
    const parts = element instanceof Tensor ? [element] : element;
    // [x..., y...] or [x..., y..., sampleWeight]: the targets and weights a training dataset
    // carries are not the model's inputs (Keras' predict ignores them too).
    const xs = parts.length === nInputs + nOutputs || parts.length === nInputs + nOutputs + 1 ? parts.slice(0, nInputs) : parts;
    if (xs.length !== nInputs) {
      const x = partNames("x", nInputs), y = partNames("y", nOutputs);
      throw new TypeError(`predict: a dataset element holds ${parts.length} tensors; the model takes ${nInputs} input${nInputs === 1 ? "" : "s"} (elements are [${x}], [${x}, ${y}] or [${x}, ${y}, sampleWeight])`);
    }
    outputs.push(predictBatch(nInputs === 1 ? xs[0] : xs));
    bar?.batchEnd(outputs.length - 1);
    if (steps !== undefined && outputs.length >= steps) break;
  }
  if (outputs.length === 0) throw new RangeError("predict: the dataset yielded no batches");
  bar?.end();
  if (!Array.isArray(outputs[0])) return outputs.length === 1 ? outputs[0] : concat(outputs as Tensor[], 0);
  const perOutput = (outputs[0] as Tensor[]).map((_, k) => (outputs as Tensor[][]).map((o) => o[k]));
  return perOutput.map((list) => (list.length === 1 ? list[0] : concat(list, 0)));
}
