import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { fusedOptimizerUpdate, inDType } from "../ops/optimizer_update.js";
import { booleanOption, numberOption, type ConfigDict } from "./config.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface RMSpropOptions extends OptimizerOptions {
  /** Discount of the running mean of squared gradients. Default 0.9. */
  rho?: number;
  /** Plain (not Nesterov) momentum. Default 0. */
  momentum?: number;
  /** Added to the mean square inside the square root. Default 1e-7. */
  epsilon?: number;
  /** Divide by the estimated variance (mean square minus squared mean) instead. Default false. */
  centered?: boolean;
}

/**
 * RMSprop (Keras 3: lr 0.001, rho 0.9, momentum 0, epsilon 1e-7 inside the root):
 * `v = rho * v + (1 - rho) * g^2; inc = lr * g / sqrt(v + eps)`; centered:
 * `a = rho * a + (1 - rho) * g; inc = lr * g / sqrt(v - a^2 + eps)`; then `w -= inc`, or with
 * momentum `m = momentum * m + inc; w -= m`.
 * Slots: every `velocity`, then every `momentum` (momentum > 0), then every `average_gradient` (centered).
 */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super("RMSprop", options, ["rho", "momentum", "epsilon", "centered"], { learningRate: 0.001, name: "rmsprop" });
    this.rho = numberOption("RMSprop", "rho", options.rho, 0.9, { min: 0, max: 1 });
    this.momentum = numberOption("RMSprop", "momentum", options.momentum, 0, { min: 0 });
    this.epsilon = numberOption("RMSprop", "epsilon", options.epsilon, 1e-7, { min: 0 });
    this.centered = booleanOption("RMSprop", "centered", options.centered, false);
  }

  protected slotGroups(): string[][] {
    const groups = [["velocity"]];
    if (this.momentum > 0) groups.push(["momentum"]);
    if (this.centered) groups.push(["average_gradient"]);
    return groups;
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const t = w.dtype;
    // One fused kernel for the class comment's formula, rounded after each operation as the
    // elementwise ops rho * v + (1 - rho) * g^2, ..., w - lr * g / sqrt(v + eps) would round it.
    const slots = [
      this.slot(w, "velocity"),
      this.momentum > 0 ? this.slot(w, "momentum") : null,
      this.centered ? this.slot(w, "average_gradient") : null,
    ];
    const next = fusedOptimizerUpdate({
      kind: "rmsprop", lr: inDType(lr, t), rho: inDType(this.rho, t), oneMinusRho: inDType(1 - this.rho, t), epsilon: inDType(this.epsilon, t),
      momentum: inDType(this.momentum, t), centered: this.centered,
    }, w, g, slots);
    slots.forEach((s, i) => s?.assignOwned(next.slots[i]!));
    w.assignOwned(next.w);
  }

  protected ownConfig(): ConfigDict {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
