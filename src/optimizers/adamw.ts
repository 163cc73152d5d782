import { Adam, type AdamOptions } from "./adam.js";
import type { OptimizerDefaults } from "./optimizer.js";

export type AdamWOptions = AdamOptions;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): Keras 3's AdamW is Adam with
 * weightDecay 0.004 by default, applied before each update as `w -= w * weightDecay * lr`.
 * weightDecay cannot be null.
 */
export class AdamW extends Adam {
  protected static override readonly identity: { className: string } & OptimizerDefaults = {
    className: "AdamW",
    learningRate: 0.001,
    name: "adamw",
    weightDecay: 0.004,
  };

  constructor(options: AdamWOptions = {}) {
    super(options);
    if (this.weightDecay === null) {
      throw new TypeError("AdamW: weightDecay must be a number (default 0.004), got null; use Adam for no weight decay");
    }
  }
}
