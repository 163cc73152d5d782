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
 * keras.metrics.Metric: `updateState(yTrue, yPred, sampleWeight?)` accumulates a batch,
 * `result()` the value so far, `resetState()` starts again. `name` is the key in fit's history.
 */
export abstract class Metric {
  /** The key under which fit/evaluate report it; compile renames metrics given as strings. */
  name: string;
  /** Keras' metric dtype (the state here is JavaScript numbers). */
  readonly dtype: DType = "float32";
  /** Keras' class name, as in a saved model's config. */
  abstract readonly className: string;
  /**
   * Keras' `_direction`: "up" when larger is better. EarlyStopping and ReduceLROnPlateau with
   * mode "auto" read it off the model's metrics; unset, they go by the metric's name.
   */
  readonly direction?: "up" | "down";

  constructor(name: string) {
    this.name = name;
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

