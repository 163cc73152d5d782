import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { abs, add, div, maximum, mul, pow, sub } from "../ops/math.js";
import { numberOption, type ConfigDict } from "./config.js";
import { Optimizer, scalar, type OptimizerOptions } from "./optimizer.js";

export interface AdamaxOptions extends OptimizerOptions {
  /** Decay of the first-moment estimate. Default 0.9. */
  beta1?: number;
  /** Decay of the exponentially weighted infinity norm. Default 0.999. */
  beta2?: number;
  /** Added to the infinity norm. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adamax, Adam with the infinity norm (Keras 3: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7).
 * With t = iterations + 1: `m += (g - m) * (1 - b1); u = max(b2 * u, |g|);
 * w -= lr * m / ((1 - b1^t) * (u + eps))`. Slots: `momentum` and `norm`, interleaved per variable.
 */
export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super("Adamax", options, ["beta1", "beta2", "epsilon"], { learningRate: 0.001, name: "adamax" });
    const o = options ?? {};
    this.beta1 = numberOption("Adamax", "beta1", o.beta1, 0.9, { min: 0, max: 1 });
    this.beta2 = numberOption("Adamax", "beta2", o.beta2, 0.999, { min: 0, max: 1 });
    this.epsilon = numberOption("Adamax", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  protected slotGroups(): string[][] {
    return [["momentum", "norm"]];
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const dtype = w.dtype;
    const beta1Power = pow(scalar(this.beta1, dtype), scalar(this.iterations + 1, dtype));
    const m = this.slot(w, "momentum");
    const u = this.slot(w, "norm");
    m.assign(add(m, mul(sub(g, m), 1 - this.beta1)));
    u.assign(maximum(mul(this.beta2, u), abs(g)));
    w.assign(sub(w, div(mul(lr, m), mul(sub(1, beta1Power), add(u, this.epsilon)))));
  }

  protected ownConfig(): ConfigDict {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}
