/**
 * What predict gets from each batch and how it joins them: a tensor, a list, an object keyed by
 * output key, or (a model's own predictStep) any nesting of those, joined leaf by leaf along the
 * batch axis in the first batch's structure, as Keras' predict joins its batch outputs with
 * tree.map_structure_up_to(batch_outputs, np.concatenate, outputs).
 */
import { Tensor } from "../tensor/tensor.js";
import { concat } from "../ops/shape.js";
import { valueText } from "../tensor/value_text.js";
import { assertSameStructure, flatten, isNested, packSequenceAs } from "../tree.js";

/** One batch's outputs (and predict's result): tensors, in lists or objects nested to any depth. */
export type PredictOutputs = Tensor | readonly PredictOutputs[] | { readonly [key: string]: PredictOutputs };

/** What a model's own predictStep returned, checked: a structure of tensors with a batch axis, at least one. */
export function predictStepOutput(out: unknown, modelName: string): PredictOutputs {
  if (out instanceof Tensor && out.rank > 0) return out;
  const leaves = isNested(out) ? flatten(out) : [];
  if (leaves.length > 0 && leaves.every((t) => t instanceof Tensor && t.rank > 0)) return out as PredictOutputs;
  throw new TypeError(
    `Model ${modelName}.predictStep must return a tensor (or a list or an object of tensors, nested as you like) with a batch axis, ` +
      `which predict joins over the batches; it returned ${out instanceof Tensor ? "a scalar tensor" : valueText(out)}`,
  );
}

/** The batches' outputs joined along the batch axis, each leaf on its own, in the first batch's structure. */
export function joinPredictBatches(batches: readonly PredictOutputs[]): PredictOutputs {
  if (batches.length === 1) return batches[0];
  const first = batches[0];
  const flats = batches.map((b, i) => {
    try {
      assertSameStructure(first, b, false);
    } catch {
      throw new TypeError(`predict: batch ${i}'s outputs ${nesting(b)} nest differently from batch 0's ${nesting(first)}; predictStep must return the same structure for every batch`);
    }
    return flatten(b) as Tensor[];
  });
  return packSequenceAs(first, flats[0].map((_, k) => concat(flats.map((f) => f[k]), 0))) as PredictOutputs;
}

/** A structure as an error message shows it: its nesting, with each tensor's shape. */
function nesting(s: unknown): string {
  if (Array.isArray(s)) return `[${s.map(nesting).join(", ")}]`;
  if (isNested(s)) {
    const o = s as Record<string, unknown>;
    return `{ ${Object.keys(o).sort().map((k) => `${k}: ${nesting(o[k])}`).join(", ")} }`;
  }
  return s instanceof Tensor ? `(${s.shape.join(", ")})` : valueText(s);
}
