import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, div, mul, neg, sqrt, square } from "../ops/math.js";
import { numberOption, type ConfigDict } from "./config.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface AdadeltaOptions extends OptimizerOptions {
  /** Decay of both running averages. Default 0.95. */
  rho?: number;
  /** Added inside the square roots. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adadelta (Keras 3: lr 0.001 (1.0 is the paper's form), rho 0.95, epsilon 1e-7), with
 * `rms(x) = sqrt(x + eps)`: `ag = rho * ag + (1 - rho) * g^2; d = -rms(ad) * g / rms(ag);
 * ad = rho * ad + (1 - rho) * d^2; w += lr * d`.
 * Slots: `accumulated_grad` and `accumulated_delta_var`, interleaved per variable.
 */
export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super("Adadelta", options, ["rho", "epsilon"], { learningRate: 0.001, name: "adadelta" });
    const o = options ?? {};
    this.rho = numberOption("Adadelta", "rho", o.rho, 0.95, { min: 0, max: 1 });
    this.epsilon = numberOption("Adadelta", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  protected slotGroups(): string[][] {
    return [["accumulated_grad", "accumulated_delta_var"]];
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const rho = this.rho;
    const accGrad = this.slot(w, "accumulated_grad");
    const accDelta = this.slot(w, "accumulated_delta_var");
    const rms = (x: Tensor): Tensor => sqrt(add(x, this.epsilon));
    accGrad.assign(add(mul(rho, accGrad), mul(1 - rho, square(g))));
    const delta = neg(div(mul(rms(accDelta), g), rms(accGrad)));
    accDelta.assign(add(mul(rho, accDelta), mul(1 - rho, square(delta))));
    w.assign(add(w, mul(lr, delta)));
  }

  protected ownConfig(): ConfigDict {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}
