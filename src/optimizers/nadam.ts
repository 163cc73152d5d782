import type { Tensor } from "../tensor/tensor.js";
import { Variable } from "../tensor/variable.js";
import { add, cast, div, mul, pow, sqrt, square, sub } from "../ops/math.js";
import { numberOption, type ConfigDict } from "./config.js";
import { Optimizer, scalar, type OptimizerOptions } from "./optimizer.js";

export interface NadamOptions extends OptimizerOptions {
  /** Decay of the first-moment estimate. Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment estimate. Default 0.999. */
  beta2?: number;
  /** Added to sqrt(vhat). Default 1e-7. */
  epsilon?: number;
}

/**
 * Nadam, Adam with Nesterov momentum (Dozat), in Keras 3's momentum-cache form (lr 0.001,
 * beta1 0.9, beta2 0.999, epsilon 1e-7). With t = iterations + 1 and
 * `u_t = b1 * (1 - 0.5 * 0.96^t)`, `u_t1 = b1 * (1 - 0.5 * 0.96^(t+1))`, the running product
 * `P = P * u_t` (updated once per step) and `P1 = P * u_t1`:
 * `m += (g - m) * (1 - b1); v += (g^2 - v) * (1 - b2);
 * mhat = u_t1 * m / (1 - P1) + (1 - u_t) * g / (1 - P); vhat = v / (1 - b2^t);
 * w -= lr * mhat / (sqrt(vhat) + eps)`.
 * Slots: `momentum` and `velocity` interleaved per variable; then `u_product` (P, a scalar of the
 * first variable's dtype).
 */
export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private uProduct: Variable | null = null;

  constructor(options: NadamOptions = {}) {
    super("Nadam", options, ["beta1", "beta2", "epsilon"], { learningRate: 0.001, name: "nadam" });
    const o = options ?? {};
    this.beta1 = numberOption("Nadam", "beta1", o.beta1, 0.9, { min: 0, max: 1 });
    this.beta2 = numberOption("Nadam", "beta2", o.beta2, 0.999, { min: 0, max: 1 });
    this.epsilon = numberOption("Nadam", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  protected slotGroups(): string[][] {
    return [["momentum", "velocity"]];
  }

  protected override buildExtra(newVariables: readonly Variable[]): void {
    if (this.uProduct === null) {
      this.uProduct = new Variable(scalar(1, newVariables[0].dtype), { trainable: false, name: "u_product" });
    }
  }

  protected override extraVariables(): Variable[] {
    return this.uProduct ? [this.uProduct] : [];
  }

  protected override beforeUpdates(): void {
    const p = this.uProduct as Variable;
    const t = scalar(this.iterations + 1, p.dtype);
    p.assign(mul(mul(p, this.beta1), sub(1, mul(0.5, pow(scalar(0.96, p.dtype), t)))));
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const dtype = w.dtype;
    const t = scalar(this.iterations + 1, dtype);
    const t1 = scalar(this.iterations + 2, dtype);
    const decay = scalar(0.96, dtype);
    const beta1 = scalar(this.beta1, dtype);
    const beta2 = scalar(this.beta2, dtype);
    const uT = mul(beta1, sub(1, mul(0.5, pow(decay, t))));
    const uT1 = mul(beta1, sub(1, mul(0.5, pow(decay, t1))));
    const uProductT = cast(this.uProduct as Variable, dtype);
    const uProductT1 = mul(uProductT, uT1);
    const beta2Power = pow(beta2, t);
    const m = this.slot(w, "momentum");
    const v = this.slot(w, "velocity");
    m.assign(add(m, mul(sub(g, m), sub(1, beta1))));
    v.assign(add(v, mul(sub(square(g), v), sub(1, beta2))));
    const mHat = add(div(mul(uT1, m), sub(1, uProductT1)), div(mul(sub(1, uT), g), sub(1, uProductT)));
    const vHat = div(v, sub(1, beta2Power));
    w.assign(sub(w, div(mul(mHat, lr), add(sqrt(vHat), this.epsilon))));
  }

  protected ownConfig(): ConfigDict {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}
