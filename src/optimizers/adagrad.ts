import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { add, div, mul, sqrt, square, sub } from "../ops/math.js";
import { numberOption, type ConfigDict } from "./config.js";
import { Optimizer, type OptimizerOptions } from "./optimizer.js";

export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the accumulators. Default 0.1. */
  initialAccumulatorValue?: number;
  /** Added inside the square root. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad (Keras 3: lr 0.001, initial accumulator 0.1, epsilon 1e-7):
 * `acc += g^2; w -= lr * g / sqrt(acc + eps)`. Slot: `accumulator`.
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super("Adagrad", options, ["initialAccumulatorValue", "epsilon"], { learningRate: 0.001, name: "adagrad" });
    const o = options ?? {};
    this.initialAccumulatorValue = numberOption("Adagrad", "initialAccumulatorValue", o.initialAccumulatorValue, 0.1, { min: 0 });
    this.epsilon = numberOption("Adagrad", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  protected slotGroups(): string[][] {
    return [["accumulator"]];
  }

  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected updateStep(g: Tensor, w: Variable, lr: number): void {
    const acc = this.slot(w, "accumulator");
    acc.assign(add(acc, square(g)));
    w.assign(sub(w, div(mul(lr, g), sqrt(add(acc, this.epsilon)))));
  }

  protected ownConfig(): ConfigDict {
    return { initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
