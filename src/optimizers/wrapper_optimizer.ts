/**
 * The base of the optimizers that step through other optimizers (LossScaleOptimizer,
 * MultiOptimizer): no slots and no update step of their own, and apply() without variables takes
 * the variables they were built with.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import type { ConfigDict } from "./config.js";
import { Optimizer } from "./optimizer.js";

export abstract class WrapperOptimizer extends Optimizer {
  /** The variables build() was given, in order. */
  protected builtWith: readonly Variable[] = [];

  protected slotGroups(): string[][] {
    return [];
  }

  protected updateStep(): void {
    throw new Error(`${this.className}: its inner optimizers take the update steps`);
  }

  protected ownConfig(): ConfigDict {
    return {};
  }

  override apply(gradients: readonly (Tensor | null | undefined)[], variables?: readonly Variable[] | null): number {
    if ((variables === undefined || variables === null) && this.built) return super.apply(gradients, this.builtWith);
    return super.apply(gradients, variables);
  }
}
