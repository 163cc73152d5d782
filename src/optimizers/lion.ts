import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, mul, sign, sub } from "../ops/math.js";
import { numberOption, type ConfigDict } from "./config.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";
import { valueText } from "../tensor/value_text.js";

export interface LionOptions extends OptimizerOptions {
  /** Weight of the old momentum in the direction whose sign is taken, in (0, 1]. Default 0.9. */
  beta1?: number;
  /** Decay of the momentum kept between steps. Default 0.99. */
  beta2?: number;
}

/**
 * Lion (Chen et al., 2023; Keras 3: lr 0.001, beta1 0.9, beta2 0.99): the update is the sign of an
 * interpolation of the momentum and the gradient, so every weight moves by exactly lr:
 * `w -= lr * sign(b1 * m + (1 - b1) * g); m = b2 * m + (1 - b2) * g`.
 * `1 - b1` and `1 - b2` are formed in double and then take the variable's dtype, as Keras' torch
 * backend passes them. Slot: `momentum`.
 */
export class Lion extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;

  constructor(options: LionOptions = {}) {
    super("Lion", options, ["beta1", "beta2"], { learningRate: 0.001, name: "lion" });
    const o = options ?? {};
    const beta1 = numberOption("Lion", "beta1", o.beta1, 0.9);
    // Keras' own rule: beta1 = 0 makes Lion sign-SGD, and outside [0, 1] the interpolation extrapolates.
    if (beta1 <= 0 || beta1 > 1) {
      throw new RangeError(`Lion: beta1 must be in (0, 1] (with 0 Lion degenerates to sign-SGD), got ${valueText(beta1)}; Keras' default is 0.9`);
    }
    this.beta1 = beta1;
    this.beta2 = numberOption("Lion", "beta2", o.beta2, 0.99, { min: 0, max: 1 });
  }

  protected slotGroups(): string[][] {
    return [["momentum"]];
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const m = this.slot(w, "momentum");
    const direction = add(mul(m, this.beta1), mul(g, 1 - this.beta1));
    w.assign(sub(w, mul(sign(direction), lr)));
    m.assign(add(mul(m, this.beta2), mul(g, 1 - this.beta2)));
  }

  protected ownConfig(): ConfigDict {
    return { beta_1: this.beta1, beta_2: this.beta2 };
  }
}
