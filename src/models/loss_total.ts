/** The loss a step minimizes: the compiled losses of every output, the layers' losses and the weights' penalties. */
import type { Tensor } from "../tensor/tensor.js";
import { add, cast, mul } from "../ops/math.js";
import type { Layer } from "../layers/layer.js";
import type { CompiledState } from "./training.js";
import { noLossError } from "./compile.js";

/**
 * The weighted sum of the losses of the outputs compile() gave one (Keras' loss_weights), and
 * each such output's weighted loss: Keras 3 logs `<output>_loss` after the weight, so that the
 * parts add up to the loss. Outputs without a loss (Keras' loss=[None, ...]) are left out; with
 * none at all the total is null (the step then trains on the layers' losses alone).
 */
export function totalLoss(state: CompiledState, ys: readonly Tensor[], preds: readonly Tensor[], sampleWeight: Tensor | null): { total: Tensor | null; parts: Tensor[] } {
  if (!state.hasLoss) return { total: null, parts: [] };
  if (ys.length !== state.outputs.length || preds.length !== state.outputs.length) {
    throw new RangeError(`fit: the model was compiled for ${state.outputs.length} output(s) (${state.outputs.map((o) => o.name).join(", ")}) but got ${ys.length} label tensor(s) for ${preds.length} output(s)`);
  }
  const parts: Tensor[] = [];
  state.outputs.forEach((o, i) => {
    if (!o.hasLoss) return;
    const p = o.loss.call(ys[i], preds[i], sampleWeight);
    parts.push(o.weight === 1 ? p : mul(p, o.weight));
  });
  const total = parts.reduce((acc, p) => add(acc, p));
  return { total, parts };
}

/**
 * The loss as Keras' compute_loss totals it: the compiled loss (null when compile() gave none),
 * plus each loss the layers added in the forward pass (addLoss, activity regularization), plus the
 * weights' regularization penalties. With none of them there is nothing to minimize: refused, as
 * Keras refuses ("No loss to compute").
 */
export function withPenalties(loss: Tensor | null, layerLosses: readonly Tensor[], weightPenalty: Tensor | null, modelName: string): Tensor {
  let total = loss;
  for (const p of layerLosses) total = total === null ? p : add(total, p.dtype === total.dtype ? p : cast(p, total.dtype));
  if (weightPenalty) total = total === null ? weightPenalty : add(total, weightPenalty);
  if (total === null) throw noLossError(modelName);
  return total;
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
