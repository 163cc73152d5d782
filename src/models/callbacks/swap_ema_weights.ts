import type { Variable } from "../../tensor/variable.js";
import { checkKeys } from "../../nn/common.js";
import { booleanOption, optionsObject } from "../../tensor/option_checks.js";
import { Callback, type CallbackModel } from "./callback.js";

export interface SwapEMAWeightsOptions {
  /**
   * Also swap at each epoch's end (and back at the next epoch's start), so that callbacks after
   * this one, such as ModelCheckpoint, see the averaged weights. Default false.
   */
  swapOnEpoch?: boolean;
}

/** What SwapEMAWeights needs of the optimizer: lamina's optimizers created with useEma: true. */
interface AveragingOptimizer {
  swapVariablesWithAverages(variables: readonly Variable[], who: string): void;
  copyVariablesToAverages(variables: readonly Variable[], who: string): void;
}

const WHO = "SwapEMAWeights";

function averagingOptimizer(model: CallbackModel): AveragingOptimizer {
  const opt = model.optimizer as Partial<AveragingOptimizer> | null;
  if (!opt || typeof opt.swapVariablesWithAverages !== "function" || typeof opt.copyVariablesToAverages !== "function") {
    throw new Error(`${WHO}: model "${model.name}" has no optimizer keeping moving averages; compile it with one created with useEma: true, e.g. optimizers.SGD({ learningRate: 0.01, useEma: true })`);
  }
  return opt as AveragingOptimizer;
}

/**
 * Keras' SwapEMAWeights: with an optimizer created with useEma: true, validation, evaluate and
 * predict run on the moving averages of the weights (Polyak averaging) instead of the weights themselves,
 * which are put back afterwards; the values are exchanged in place. With swapOnEpoch, the averages
 * also sit in the model at each epoch's end, for the callbacks placed after this one.
 */
export class SwapEMAWeights extends Callback {
  readonly swapOnEpoch: boolean;
  private averagesInModel = false;

  constructor(given: SwapEMAWeightsOptions = {}) {
    super();
    const options = optionsObject(WHO, given, "{ swapOnEpoch: true }");
    checkKeys(WHO, options, ["swapOnEpoch"]);
    this.swapOnEpoch = booleanOption(WHO, "swapOnEpoch", options.swapOnEpoch, false);
  }

  private weights(): readonly Variable[] {
    const weights = this.model.trainableWeights;
    if (!weights) throw new Error(`${WHO}: model "${this.model.name}" does not expose trainableWeights to swap`);
    return weights;
  }

  private swap(): void {
    averagingOptimizer(this.model).swapVariablesWithAverages(this.weights(), WHO);
    this.averagesInModel = !this.averagesInModel;
  }

  override onEpochBegin(): void {
    if (this.swapOnEpoch && this.averagesInModel) this.swap();
  }

  override onEpochEnd(epoch: number): void {
    if (!this.swapOnEpoch || this.averagesInModel) return;
    this.swap();
    // fit ends by writing the averages into the weights (finalizeVariableValues); after the last
    // epoch the averages sit in the model and the averages hold the raw weights, so copy them back.
    if (epoch === this.params.epochs - 1) averagingOptimizer(this.model).copyVariablesToAverages(this.weights(), WHO);
  }

  override onTestBegin(): void {
    if (!this.averagesInModel) this.swap();
  }

  override onTestEnd(): void {
    if (this.averagesInModel) this.swap();
  }

  override onPredictBegin(): void {
    if (!this.averagesInModel) this.swap();
  }

  // Keras 3.5 tests `not _ema_weights_in_model` here, so its predict leaves the averages in the
  // model; the trained weights are put back, as after evaluate.
  override onPredictEnd(): void {
    if (this.averagesInModel) this.swap();
  }
}
