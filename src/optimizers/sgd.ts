import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, mul, sub } from "../ops/math.js";
import { booleanOption, numberOption, type ConfigDict } from "./config.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface SGDOptions extends OptimizerOptions {
  /** Momentum in [0, 1]; 0 (the default) is plain gradient descent. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * Gradient descent with optional momentum (Keras 3 defaults: learning rate 0.01, momentum 0):
 * `w -= lr * g`; with momentum `v = m * v - lr * g; w += v`; with nesterov `w += m * v - lr * g`.
 * Slot: `momentum` (only when momentum != 0).
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super("SGD", options, ["momentum", "nesterov"], { learningRate: 0.01, name: "SGD" });
    this.momentum = numberOption("SGD", "momentum", options.momentum, 0, { min: 0, max: 1 });
    this.nesterov = booleanOption("SGD", "nesterov", options.nesterov, false);
  }

  protected slotGroups(): string[][] {
    return this.momentum !== 0 ? [["momentum"]] : [];
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    if (this.momentum === 0) {
      w.assign(sub(w, mul(g, lr)));
      return;
    }
    const v = this.slot(w, "momentum");
    v.assign(sub(mul(v, this.momentum), mul(g, lr)));
    if (this.nesterov) w.assign(add(w, sub(mul(v, this.momentum), mul(g, lr))));
    else w.assign(add(w, v));
  }

  protected ownConfig(): ConfigDict {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}
