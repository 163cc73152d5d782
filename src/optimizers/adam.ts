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

/** Adam's alpha = lr * sqrt(1 - b2^t) / (1 - b1^t) at step t (iterations + 1), in `dtype` as Keras computes it. */
export function adamStepSize(lr: number, beta1: number, beta2: number, t: number, dtype: DType): number {
  const step = scalar(t, dtype);
  const beta1Power = pow(scalar(beta1, dtype), step);
  const beta2Power = pow(scalar(beta2, dtype), step);
  return div(mul(lr, sqrt(sub(1, beta2Power))), sub(1, beta1Power)).item();
}

/**
 * One Adam update of `w` and its momentum, velocity (and velocity_hat with amsgrad) slots with step
 * size `alpha`: one fused kernel for Adam's formula, rounded after each operation as the
 * elementwise ops m + (g - m) * (1 - b1), ..., w - m * alpha / (sqrt(v) + eps) would round it.
 */
export function adamUpdate(
  w: Variable, g: Tensor, slots: readonly [Variable, Variable, Variable | null], alpha: number,
  h: { readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly amsgrad?: boolean },
): void {
  const dtype = w.dtype;
  const next = fusedOptimizerUpdate({
    kind: "adam", alpha, oneMinusBeta1: inDType(1 - h.beta1, dtype), oneMinusBeta2: inDType(1 - h.beta2, dtype),
    epsilon: inDType(h.epsilon, dtype), amsgrad: h.amsgrad ?? false,
  }, w, g, slots);
  slots.forEach((s, i) => s?.assignOwned(next.slots[i]!));
  w.assignOwned(next.w);
}

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
    const slots = [this.slot(w, "momentum"), this.slot(w, "velocity"), this.amsgrad ? this.slot(w, "velocity_hat") : null] as const;
    adamUpdate(w, g, slots, this.stepSize(lr, w.dtype), this);
  }

  private stepSizeCache: { key: string; value: number } | null = null;

  /** adamStepSize at this step (the same for every variable of a step, so kept). */
  private stepSize(lr: number, dtype: DType): number {
    const key = `${this.iterations}:${lr}:${dtype}`;
    if (this.stepSizeCache?.key === key) return this.stepSizeCache.value;
    const value = adamStepSize(lr, this.beta1, this.beta2, this.iterations + 1, dtype);
    this.stepSizeCache = { key, value };
    return value;
  }

  protected ownConfig(): ConfigDict {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
