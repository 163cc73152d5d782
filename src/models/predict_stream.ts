/** predict over a dataset: the inputs of each element, which predict_run predicts on and joins. */
import { Tensor } from "../tensor/tensor.js";
import { type BatchStream, type ElementPart, elementOrigins, isFlat, partNames, splitNested } from "./batch_stream.js";
import { type PredictArgs, stepCount } from "./model_args.js";

/** The number of batches predict reads from a dataset: `args.steps`, or undefined for all of them (batchSize is ignored, as Keras ignores it for a dataset). */
export function streamSteps(args: PredictArgs): number | undefined {
  return args.steps === undefined ? undefined : stepCount(args.steps, "predict: steps");
}

/**
 * The x of every element of `stream` (its first `steps`), as Keras' predict on a dataset reads
 * it, still keyed by input name where the element keys it. `model` gives the input and output
 * counts that tell a flat element's x from its y.
 */
export async function* streamInputs(
  stream: BatchStream, steps: number | undefined, model: { readonly inputs: readonly unknown[]; readonly outputs: readonly unknown[] },
): AsyncGenerator<ElementPart> {
  const nInputs = Math.max(1, model.inputs.length), nOutputs = Math.max(1, model.outputs.length);
  let count = 0;
  for await (const element of stream) {
    // Keras' form (x a list or an object keyed by input name, alone or in [x, y] / [x, y, sampleWeight]): its x.
    if (!isFlat(element)) {
      yield splitNested(element, "predict", true).x;
      if (steps !== undefined && ++count >= steps) return;
      continue;
    }
    const parts = element instanceof Tensor ? [element] : element;
    // [x..., y...] or [x..., y..., sampleWeight]: the targets and weights a training dataset
    // carries are not the model's inputs (Keras' predict ignores them too).
    const xs = parts.length === nInputs + nOutputs || parts.length === nInputs + nOutputs + 1 ? parts.slice(0, nInputs) : parts;
    if (xs.length !== nInputs) {
      const x = partNames("x", nInputs), y = partNames("y", nOutputs);
      const origin = elementOrigins.get(element);
      throw new TypeError(`predict: ${origin === undefined ? "a dataset element holds" : `${origin} returned`} ${parts.length} tensors; the model takes ${nInputs} input${nInputs === 1 ? "" : "s"} (elements are [${x}], [${x}, ${y}] or [${x}, ${y}, sampleWeight])`);
    }
    yield nInputs === 1 ? xs[0] : xs;
    if (steps !== undefined && ++count >= steps) return;
  }
}
