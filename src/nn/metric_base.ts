/**
 * The pieces every keras.metrics class shares: the Metric base class, the option check and the
 * input helpers. Kept apart from metrics.ts so that metric families in their own files
 * (metrics_fscore.ts, metrics_r2.ts, metrics_iou.ts) can extend Metric while metrics.ts registers them by name.
 */
import { Tensor } from "../tensor/tensor.js";
import { type DType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { type Input } from "../ops/engine.js";
import { cast } from "../ops/math.js";
import { type Config, checkKeys } from "./common.js";

export { floatPred } from "./loss_inputs.js";

/** yTrue as a tensor: plain arrays take `dtype`; tensors keep theirs unless `castTo` is given. */
export function labels(yTrueIn: Input, dtype: DType, castTo?: DType): Tensor {
  const t = yTrueIn instanceof Tensor ? yTrueIn : constant(yTrueIn, dtype);
  return castTo !== undefined && t.dtype !== castTo ? cast(t, castTo) : t;
}

/** A metric as `model.metrics` and `layer.metrics` list it: Keras' stateful protocol, as keras.metrics.Metric and the loss tracker implement it. */
export interface ModelMetric {
  readonly name: string;
  /** (yTrue, yPred, sampleWeight?) for most metrics; (values, sampleWeight?) for Mean and the loss tracker. */
  updateState(a: Input, b?: Input | null, c?: Input | null): void;
  result(): number;
  resetState(): void;
}

/**
 * A metric instance is also a function: Keras' `metric(yTrue, yPred)` updates its state and
 * returns result(). The signature is that of a per-example metric function's parameters, so that
 * an inline (yTrue, yPred) => ... given where a metric is expected is typed from it; with sample
 * weights call updateState(yTrue, yPred, sampleWeight). Mean and Sum add `(values, sampleWeight?)`.
 */
export interface Metric {
  (yTrue: Input, yPred: Input): number;
}

/**
 * keras.metrics.Metric: `updateState(yTrue, yPred, sampleWeight?)` accumulates a batch,
 * `result()` the value so far, `resetState()` starts again. `name` is the key in fit's history.
 * Calling the metric, `m(yTrue, yPred)` or `mean(values)`, is Keras' `__call__`: updateState with
 * those arguments, then result().
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Metric {
  // The constructor returns a function standing in for `this` (a Keras metric is called like one),
  // so the base class sets its fields there instead of with initializers.
  /** The key under which fit/evaluate report it; compile renames metrics given as strings. */
  declare name: string;
  /** Keras' metric dtype (the state here is JavaScript numbers). */
  declare readonly dtype: DType;
  /** Keras' class name, as in a saved model's config. */
  abstract readonly className: string;
  /**
   * Keras' `_direction`: "up" when larger is better. EarlyStopping and ReduceLROnPlateau with
   * mode "auto" read it off the model's metrics; unset, they go by the metric's name.
   */
  declare readonly direction?: "up" | "down";

  constructor(name: string) {
    const self = function (...args: unknown[]): number {
      // The arguments as given: Mean's updateState(values, sampleWeight?) takes no yPred.
      (self as unknown as { updateState(...a: unknown[]): void }).updateState(...args);
      return (self as unknown as Metric).result();
    } as unknown as Metric;
    Object.setPrototypeOf(self, new.target.prototype);
    // A function's own `name` and `length` are read-only; make them ordinary properties.
    Object.defineProperty(self, "name", { value: name, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(self, "length", { value: 3, writable: true, configurable: true });
    Object.defineProperty(self, "dtype", { value: "float32", writable: true, enumerable: true, configurable: true });
    // Subclass field initializers then run on the returned callable.
    return self;
  }

  abstract updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void;
  abstract result(): number;
  abstract resetState(): void;

  /** Keras' get_config(): { name, dtype, ...the metric's own arguments }. */
  getConfig(): Config {
    return { name: this.name, dtype: this.dtype };
  }

  serialize(): { className: string; config: Config } {
    return { className: this.className, config: this.getConfig() };
  }

  /** Keras' repr, `<Mean name=loss>` (the instance is a function, whose own toString would print its source). */
  toString(): string {
    return `<${this.className} name=${this.name}>`;
  }
}


export interface NameOption {
  name?: string;
}

/**
 * Keras refuses a metric option it does not know, where a misspelt one (fromLogit) would be
 * ignored and, say, score logits as probabilities. `cls` is new.target: a user's subclass of a
 * built-in metric may take options of its own. The record form lets the compiler check the list.
 */
export function checkMetricOptions<O extends object>(cls: abstract new (...a: never[]) => unknown, builtIn: abstract new (...a: never[]) => unknown, opts: O, allowed: Readonly<Record<keyof O, true>>): void {
  if (cls === builtIn) checkKeys(`metrics.${builtIn.name}`, opts, Object.keys(allowed));
}

