import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import type { DType } from "../tensor/dtype.js";
import { div, mul, pow, sqrt, sub } from "../ops/math.js";
import { fusedOptimizerUpdate, inDType } from "../ops/optimizer_update.js";
import { booleanOption, numberOption, type ConfigDict } from "./config.js";
import { Optimizer, scalar, type OptimizerDefaults, type OptimizerOptions } from "./optimizer.js";

export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first-moment estimate. Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment estimate. Default 0.999. */
  beta2?: number;
  /** Added to sqrt(v) (outside the root; Kingma and Ba's "epsilon hat"). Default 1e-7. */
  epsilon?: number;
  /** AMSGrad: divide by the running maximum of v. Default false. */
  amsgrad?: boolean;
}

const ADAM_KEYS = ["beta1", "beta2", "epsilon", "amsgrad"];

/**
 * Adam (Keras 3: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). With t = iterations + 1:
 * `m += (g - m) * (1 - b1); v += (g^2 - v) * (1 - b2)`, amsgrad `vhat = max(vhat, v)`,
 * `alpha = lr * sqrt(1 - b2^t) / (1 - b1^t); w -= alpha * m / (sqrt(v) + eps)`.
 * Slots: `momentum` and `velocity` interleaved per variable, then every `velocity_hat` (amsgrad).
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  /** Class name and defaults; AdamW overrides them. */
  protected static readonly identity: { className: string } & OptimizerDefaults = {
    className: "Adam",
    learningRate: 0.001,
    name: "adam",
  };

  constructor(options: AdamOptions = {}) {
    const { className, ...defaults } = (new.target as typeof Adam).identity;
    super(className, options, ADAM_KEYS, defaults);
    const o = options ?? {};
    this.beta1 = numberOption(className, "beta1", o.beta1, 0.9, { min: 0, max: 1 });
    this.beta2 = numberOption(className, "beta2", o.beta2, 0.999, { min: 0, max: 1 });
    this.epsilon = numberOption(className, "epsilon", o.epsilon, 1e-7, { min: 0 });
    this.amsgrad = booleanOption(className, "amsgrad", o.amsgrad, false);
  }

  protected slotGroups(): string[][] {
    return this.amsgrad ? [["momentum", "velocity"], ["velocity_hat"]] : [["momentum", "velocity"]];
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const dtype = w.dtype;
    // One fused kernel for the class comment's formula, rounded after each operation as the
    // elementwise ops m + (g - m) * (1 - b1), ..., w - m * alpha / (sqrt(v) + eps) would round it.
    const slots = [this.slot(w, "momentum"), this.slot(w, "velocity"), this.amsgrad ? this.slot(w, "velocity_hat") : null];
    const next = fusedOptimizerUpdate({
      kind: "adam", alpha: this.stepSize(lr, dtype), oneMinusBeta1: inDType(1 - this.beta1, dtype), oneMinusBeta2: inDType(1 - this.beta2, dtype),
      epsilon: inDType(this.epsilon, dtype), amsgrad: this.amsgrad,
    }, w, g, slots);
    slots.forEach((s, i) => s?.assignOwned(next.slots[i]!));
    w.assignOwned(next.w);
  }

  private stepSizeCache: { key: string; value: number } | null = null;

  /** alpha = lr * sqrt(1 - b2^t) / (1 - b1^t) with t = iterations + 1, in the variable's dtype (the same for every variable of a step). */
  private stepSize(lr: number, dtype: DType): number {
    const key = `${this.iterations}:${lr}:${dtype}`;
    if (this.stepSizeCache?.key === key) return this.stepSizeCache.value;
    const t = scalar(this.iterations + 1, dtype);
    const beta1Power = pow(scalar(this.beta1, dtype), t);
    const beta2Power = pow(scalar(this.beta2, dtype), t);
    const value = div(mul(lr, sqrt(sub(1, beta2Power))), sub(1, beta1Power)).item();
    this.stepSizeCache = { key, value };
    return value;
  }

  protected ownConfig(): ConfigDict {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
