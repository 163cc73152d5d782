/**
 * The built-in trainStep and testStep bodies: one batch forward, its loss, and (training) the
 * gradients and the optimizer's update (which applies the weights' constraints), then the tracker and metrics.
 */
import type { Tensor } from "../tensor/tensor.js";
import { runTrainingStep, type Variable } from "../tensor/variable.js";
import { GradientTape } from "../autograd/tape.js";
import { gradientPool, noGrad } from "../ops/engine.js";
import { callInContext } from "../layers/layer.js";
import { collectLayerLosses } from "../layers/layer_losses.js";
import { compiledTrainableWeights } from "./trainable_state.js";
import type { CompiledState, Targets, TrainableModel } from "./training.js";
import type { RunningMean } from "./running_mean.js";
import { regularizationLoss, totalLoss, withPenalties } from "./loss_total.js";
import { updateMetrics } from "./metric_logs.js";
import { numSamples, targetList } from "./data_rows.js";

/**
 * One training step: forward in training mode, loss, gradients, update, metrics. As in Keras 3.5's
 * train_step, the loss tracker gets the loss and the gradients are those of the optimizer's
 * scaleLoss(loss) (loss * lossScaleFactor; the optimizer divides them back). Once done, the
 * memory of its activations, its gradients and the weights the optimizer replaced goes back to the
 * buffer pool for the next step (see ops/engine.ts).
 */
export function trainStep(
  model: TrainableModel, state: CompiledState, x: Tensor | Tensor[], y: Targets | null, lossTracker: RunningMean,
  sampleWeight: Tensor | null = null,
): void {
  model.prepareCall(x);
  const { result: done, retired } = runTrainingStep(() => {
    const tape = new GradientTape();
    // The weights of compile time are trained even if a layer was frozen since (Keras), and a
    // frozen layer's Variables are no longer watched by themselves, so the tape is told of them.
    const compiledWeights = state.trainable?.weights ?? null;
    if (compiledWeights) tape.watch(compiledWeights);
    // No labels when compile() gave no loss: the layers' added losses are the whole loss.
    const ys = y === null ? [] : targetList(y);
    let preds: Tensor[] = [];
    let parts: Tensor[] = [];
    let layerLosses: Tensor[] = [];
    const { result: { loss, scaled }, activations } = gradientPool.forward(() => tape.run(() => {
      const { result: out, losses } = collectLayerLosses(() => callInContext(model, x, { training: true }));
      layerLosses = losses;
      preds = Array.isArray(out) ? out : [out];
      const l = totalLoss(state, ys, preds, sampleWeight);
      parts = l.parts;
      const total = withPenalties(l.total, losses, regularizationLoss(model.layers), model.name);
      // Recorded on the tape: the gradients are taken of the scaled loss.
      return { loss: total, scaled: state.optimizer.scaleLoss ? state.optimizer.scaleLoss(total) : total };
    }));
    const weights = trainedWeights(model, state);
    // Keras builds the optimizer on every trainable weight before the first step, so a weight that
    // gets no gradient still has its slots (and saved files hold as many variables as Keras').
    if (state.optimizer.built === false) state.optimizer.build?.(weights);
    const grads = tape.gradient(scaled, weights);
    // Only this step and its optimizer see the gradients: their memory is reused like the activations'.
    const freshGrads = gradientPool.takeReturnedGradients();
    const pairs: [Tensor, Variable][] = [];
    grads.forEach((g, i) => { if (g) pairs.push([g, weights[i]]); });
    if (pairs.length === 0 && weights.length > 0) {
      throw new Error(`fit: no gradient reaches any trainable weight of model ${model.name}; check that the loss depends on the model's output`);
    }
    // The optimizer applies the weights' constraints after its update (Keras' optimizer.apply).
    state.optimizer.applyGradients(pairs);
    // Weighted by the batch's size, as Keras' loss tracker (sample_weight = x's first dimension).
    lossTracker.add(loss.item(), numSamples(x, "x"), parts.map((p) => p.item()));
    noGrad(() => updateMetrics(state, ys, preds, sampleWeight));
    // The layers' losses stay readable afterwards as layer.losses.
    return { activations, freshGrads, keep: [loss, ...parts, ...preds, ...layerLosses] };
  });
  const { activations, freshGrads, keep } = done;
  if (activations !== null) {
    gradientPool.releaseStep({ fresh: [...activations.fresh, ...freshGrads], made: [...activations.made, ...freshGrads], retired }, keep);
  }
}

/** The variables a training step updates: those trainable at compile time (Keras), else the model's trainable weights now. */
export function trainedWeights(model: TrainableModel, state: CompiledState): Variable[] {
  return state.trainable ? compiledTrainableWeights(model, state.trainable) : model.trainableWeights;
}

/** Loss and metrics of one batch in inference mode, added to the tracker (weighted by its size): the built-in testStep. */
export function evaluateBatch(model: TrainableModel, state: CompiledState, xb: Tensor | Tensor[], ys: Tensor[], sampleWeight: Tensor | null, tracker: RunningMean): void {
  model.prepareCall(xb);
  noGrad(() => {
    const { result: layerLosses, activations } = gradientPool.forward(() => {
      const { result: out, losses } = collectLayerLosses(() => callInContext(model, xb, { training: false }));
      const preds = Array.isArray(out) ? out : [out];
      // As in Keras, sample weights weigh the loss and the weighted metrics, not the others.
      const l = totalLoss(state, ys, preds, sampleWeight);
      tracker.add(withPenalties(l.total, losses, regularizationLoss(model.layers), model.name).item(), numSamples(xb, "x"), l.parts.map((p) => p.item()));
      updateMetrics(state, ys, preds, sampleWeight);
      return losses;
    });
    // Nothing else of the batch's forward pass is kept: loss and metrics are numbers and variables now.
    if (activations !== null) gradientPool.releaseStep(activations, layerLosses);
  });
}
