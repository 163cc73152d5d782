/** The loss tracker: Keras' running Mean of the loss over an epoch or an evaluation. */
import type { Input } from "../ops/engine.js";
import { Mean } from "../nn/metrics.js";

const f32 = Math.fround;

/**
 * The mean over an epoch so far, weighted by batch sizes (what Keras' progress bar shows). As
 * Keras' loss trackers (Mean metrics) do, the total and count are float32: each batch adds
 * float32(loss * batch size), and the result is their float32 quotient, so History and evaluate
 * give Keras' float32 numbers (as Python floats) rather than a float64 mean near them.
 */
export class RunningMean {
  /** Keras' name for the loss tracker: the key of its value in the logs. */
  readonly name: string = "loss";
  private total = 0;
  private count = 0;
  private partTotals: number[] = [];
  /** `parts`: each output's weighted loss, for the `<output>_loss` logs of multi-output models. */
  add(value: number, weight: number, parts: readonly number[] = []): void {
    this.total = f32(this.total + f32(f32(value) * weight));
    this.count = f32(this.count + weight);
    parts.forEach((p, i) => { this.partTotals[i] = f32((this.partTotals[i] ?? 0) + f32(f32(p) * weight)); });
  }
  result(): number {
    return this.count === 0 ? 0 : f32(this.total / this.count);
  }
  partResults(): number[] {
    return this.partTotals.map((t) => (this.count === 0 ? 0 : f32(t / this.count)));
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
    this.partTotals = [];
  }
  /**
   * Keras' Mean.update_state, so a custom trainStep can feed the loss tracker as Keras' guide does:
   * updateState(loss) counts the batch once, updateState(loss, batchSize) weighs it by its size
   * (what the built-in step does).
   */
  updateState(values: Input, sampleWeight?: Input | null): void {
    const m = new Mean({ name: this.name });
    m.updateState(values, sampleWeight);
    this.total = f32(this.total + m.total);
    this.count = f32(this.count + m.count);
  }
  resetState(): void {
    this.reset();
  }
}
