import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, div, maximum, minimum, mul, pow, sqrt, square, sub } from "../ops/math.js";
import { mean } from "../ops/reduce.js";
import { expandDims } from "../ops/shape.js";
import { booleanOption, numberOption, type ConfigDict } from "./config.js";
import { Optimizer, scalar, type OptimizerOptions } from "./optimizer.js";

export interface AdafactorOptions extends OptimizerOptions {
  /** The second-moment decay at step t is `1 - t^beta2Decay`. Default -0.8. */
  beta2Decay?: number;
  /** Added to g^2, keeping the denominator away from 0. Default 1e-30. */
  epsilon1?: number;
  /** The least scale of a step, relative to the weights' RMS. Default 1e-3. */
  epsilon2?: number;
  /** The RMS the update is clipped to (Adafactor's own clipping, apart from clipnorm/clipvalue). Default 1. */
  clipThreshold?: number;
  /** Cap a constant learning rate at 1 / sqrt(t). Default true. */
  relativeStep?: boolean;
}

const ADAFACTOR_KEYS = ["beta2Decay", "epsilon1", "epsilon2", "clipThreshold", "relativeStep"];

/** RMS of all elements. */
function rms(x: Tensor): Tensor {
  return sqrt(mean(square(x)));
}

/**
 * Adafactor (Shazeer and Stern, 2018; Keras 3: lr 0.001, beta2Decay -0.8, epsilon1 1e-30,
 * epsilon2 1e-3, clipThreshold 1, relativeStep true). With t = iterations + 1:
 * `rho = min(lr, 1 / sqrt(t)); alpha = max(epsilon2, rms(w)) * rho; b2 = 1 - t^beta2Decay;
 * G = g^2 + epsilon1`. A variable of rank >= 2 keeps factored second moments over its last two
 * axes: `r = b2 * r + (1 - b2) * mean(G, -1); c = b2 * c + (1 - b2) * mean(G, -2);
 * v = (r / mean(r, -1))[..., None] * c[..., None, :]`; a lower-rank one `v = b2 * v + (1 - b2) * G`.
 * Then `u = g / sqrt(v); w -= alpha * u / max(1, rms(u) / clipThreshold)`.
 * relativeStep caps a constant lr at 1 / sqrt(t), which rho already does, so (as in Keras) it
 * changes nothing.
 * Slots, interleaved per variable: `r` (shape[:-1]), `c` (shape[:-2] + shape[-1:]) and `velocity`;
 * below rank 2, r and c are unused scalars, as Keras keeps them for the variable count.
 * Keras names r and c after the variable alone ("kernel"); lamina `<variable>_r`, `<variable>_c`.
 */
export class Adafactor extends Optimizer {
  readonly beta2Decay: number;
  readonly epsilon1: number;
  readonly epsilon2: number;
  readonly clipThreshold: number;
  readonly relativeStep: boolean;

  constructor(options: AdafactorOptions = {}) {
    super("Adafactor", options, ADAFACTOR_KEYS, { learningRate: 0.001, name: "adafactor" });
    const o = options ?? {};
    this.beta2Decay = numberOption("Adafactor", "beta2Decay", o.beta2Decay, -0.8);
    this.epsilon1 = numberOption("Adafactor", "epsilon1", o.epsilon1, 1e-30, { min: 0 });
    this.epsilon2 = numberOption("Adafactor", "epsilon2", o.epsilon2, 1e-3, { min: 0 });
    // A zero threshold divides by 0; a negative one flips the update's sign.
    this.clipThreshold = numberOption("Adafactor", "clipThreshold", o.clipThreshold, 1, { min: 0, exclusiveMin: true });
    this.relativeStep = booleanOption("Adafactor", "relativeStep", o.relativeStep, true);
  }

  protected slotGroups(): string[][] {
    return [["r", "c", "velocity"]];
  }

  protected override slotShape(slot: string, variable: Variable): readonly number[] {
    const shape = variable.shape;
    if (slot === "velocity") return shape;
    if (shape.length < 2) return [];
    return slot === "r" ? shape.slice(0, -1) : [...shape.slice(0, -2), shape[shape.length - 1]];
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const dtype = w.dtype;
    const t = scalar(this.iterations + 1, dtype);
    const stepCap = div(1, sqrt(t));
    let rate = scalar(lr, dtype);
    // Keras: `not callable(self._learning_rate)`: a schedule or a function opts out of the step cap.
    if (this.learningRateSchedule === null && this.learningRateFunction === null && this.relativeStep) rate = minimum(rate, stepCap);
    const rho = minimum(rate, stepCap);
    const alpha = mul(maximum(rms(w), this.epsilon2), rho);
    const regulated = add(square(g), this.epsilon1);
    const beta2 = sub(1, pow(t, this.beta2Decay));
    const rest = sub(1, beta2);
    const v = this.slot(w, "velocity");
    if (w.rank >= 2) {
      const r = this.slot(w, "r");
      const c = this.slot(w, "c");
      r.assign(add(mul(beta2, r), mul(rest, mean(regulated, -1))));
      c.assign(add(mul(beta2, c), mul(rest, mean(regulated, -2))));
      v.assign(mul(expandDims(div(r, mean(r, -1, true)), -1), expandDims(c, -2)));
    } else {
      v.assign(add(mul(beta2, v), mul(rest, regulated)));
    }
    const u = div(g, sqrt(v));
    const clipped = div(u, maximum(div(rms(u), this.clipThreshold), 1));
    w.assign(sub(w, mul(alpha, clipped)));
  }

  protected ownConfig(): ConfigDict {
    return {
      beta_2_decay: this.beta2Decay,
      epsilon_1: this.epsilon1,
      epsilon_2: this.epsilon2,
      clip_threshold: this.clipThreshold,
      relative_step: this.relativeStep,
    };
  }
}
