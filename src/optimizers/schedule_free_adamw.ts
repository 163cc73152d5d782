/**
 * keras.optimizers.ScheduleFreeAdamW (Keras 3.15, keras/src/optimizers/schedule_free_adamw.py):
 * Defazio et al.'s schedule-free AdamW, which replaces a learning-rate schedule by averaging
 * iterates; the model's weights are the interpolation y between the gradient sequence z (the
 * `momentum` slot) and its running average x.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, div, minimum, mul, pow, sqrt, square, sub } from "../ops/math.js";
import { clone } from "../ops/shape.js";
import { numberOption, type ConfigDict } from "./config.js";
import { Optimizer, scalar, type OptimizerOptions } from "./optimizer.js";

export interface ScheduleFreeAdamWOptions extends OptimizerOptions {
  /** Decay of the first moment: the interpolation weight between z and x. Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment estimate. Default 0.999. */
  beta2?: number;
  /** Added to the bias-corrected sqrt(v). Default 1e-8. */
  epsilon?: number;
  /** The learning rate grows linearly from lr / warmupSteps to lr over this many steps (a non-negative integer). Default 0. */
  warmupSteps?: number;
}

/**
 * ScheduleFreeAdamW (Keras 3.15: lr 0.0025, beta1 0.9, beta2 0.999, epsilon 1e-8, warmupSteps 0,
 * no weight decay). With t = iterations + 1 and lr_t = lr * min(t / warmupSteps, 1):
 * `v += (g^2 - v) * (1 - b2); z -= lr_t * g / (sqrt(v / (1 - b2^t)) + eps)`, then with the
 * previous z and y (the variable): `x = (y - (1 - b1) z_prev) / b1`, `x = (1 - 1/t) x + z / t`,
 * `y = (1 - b1) z + b1 x`. The constants are cast to the variable's dtype first, as Keras does.
 * Slots: `momentum` (z, starting as a copy of the variable) and `velocity`, interleaved per variable.
 */
export class ScheduleFreeAdamW extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly warmupSteps: number;

  constructor(options: ScheduleFreeAdamWOptions = {}) {
    super("ScheduleFreeAdamW", options, ["beta1", "beta2", "epsilon", "warmupSteps"], { learningRate: 0.0025, name: "schedule_free_adam_w" });
    const o = options ?? {};
    const k = "ScheduleFreeAdamW";
    // beta1 divides: 0 would leave x undefined.
    this.beta1 = numberOption(k, "beta1", o.beta1, 0.9, { min: 0, max: 1, exclusiveMin: true });
    this.beta2 = numberOption(k, "beta2", o.beta2, 0.999, { min: 0, max: 1 });
    this.epsilon = numberOption(k, "epsilon", o.epsilon, 1e-8, { min: 0 });
    this.warmupSteps = numberOption(k, "warmupSteps", o.warmupSteps, 0, { min: 0, integer: true });
  }

  protected slotGroups(): string[][] {
    return [["momentum", "velocity"]];
  }

  /** Keras' build: each momentum (z) starts as a copy of its variable. */
  protected override buildExtra(newVariables: readonly Variable[]): void {
    for (const v of newVariables) this.slot(v, "momentum").assign(v);
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const dtype = w.dtype;
    const t = scalar(this.iterations + 1, dtype);
    let rate = scalar(lr, dtype);
    if (this.warmupSteps > 0) rate = mul(rate, minimum(div(t, scalar(this.warmupSteps, dtype)), 1));
    const one = scalar(1, dtype), b1 = scalar(this.beta1, dtype), b2 = scalar(this.beta2, dtype);
    const oneMinusB1 = sub(one, b1);
    const z = this.slot(w, "momentum"), v = this.slot(w, "velocity");
    const zPrev = clone(z);
    const biasCorrection2 = sub(one, pow(b2, t));
    v.assign(add(v, mul(sub(square(g), v), sub(one, b2))));
    const denom = add(sqrt(div(v, biasCorrection2)), scalar(this.epsilon, dtype));
    z.assign(sub(z, div(mul(rate, g), denom)));
    const weight = div(one, t);
    const xPrev = div(sub(w, mul(oneMinusB1, zPrev)), b1);
    const x = add(mul(sub(one, weight), xPrev), mul(weight, z));
    w.assign(add(mul(oneMinusB1, z), mul(b1, x)));
  }

  protected ownConfig(): ConfigDict {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, warmup_steps: this.warmupSteps };
  }
}
