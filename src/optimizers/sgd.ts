import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { booleanOption, numberOption, type ConfigDict } from "./config.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";
import { fusedOptimizerUpdate, inDType } from "../ops/optimizer_update.js";

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
    // One fused kernel: the formula of the class comment, rounded after each operation as the
    // elementwise ops sub(w, mul(g, lr)) etc. would round it.
    const t = w.dtype;
    if (this.momentum === 0) {
      w.assignOwned(fusedOptimizerUpdate({ kind: "sgd", lr: inDType(lr, t) }, w, g, []).w);
      return;
    }
    const v = this.slot(w, "momentum");
    const next = fusedOptimizerUpdate({ kind: "momentum", lr: inDType(lr, t), momentum: inDType(this.momentum, t), nesterov: this.nesterov }, w, g, [v]);
    v.assignOwned(next.slots[0]!);
    w.assignOwned(next.w);
  }

  protected ownConfig(): ConfigDict {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}
