/**
 * The pieces every keras.metrics class shares: the Metric base class, the option check and the
 * input helpers. Kept apart from metrics.ts so that metric families in their own files
 * (metrics_fscore.ts, metrics_r2.ts, metrics_iou.ts) can extend Metric while metrics.ts registers them by name.
 */
import { Tensor } from "../tensor/tensor.js";
import { type DType } from "../tensor/dtype.js";
import { constant } from "../tensor/creation.js";
import { Variable } from "../tensor/variable.js";
import { valueText } from "../tensor/value_text.js";
import { type InitializerIdentifier, get as getInitializer } from "./initializers.js";
import { type Input } from "../ops/engine.js";
import { cast } from "../ops/math.js";
import { type Config, autoName, checkKeys } from "./common.js";
import { nameOption } from "../tensor/option_checks.js";

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

/** What Metric.addVariable takes (Keras' add_variable(shape, initializer, dtype, name)). */
export interface AddMetricVariableOptions {
  /** The variable's shape; [] (a scalar) when left out. */
  shape?: readonly number[];
  /** Its starting value: "zeros", an Initializer, a function (shape, dtype) => Tensor, ... */
  initializer: InitializerIdentifier;
  /** Default: the metric's dtype (float32). */
  dtype?: DType;
  /** Default "variable"; the variable's path is `<metric name>/<name>`, as Keras names it. */
  name?: string;
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
 *
 * A subclass keeps its state either in JavaScript fields (the built-in metrics do) or, as Keras'
 * guides write it, in variables made by `addVariable` (Keras' add_variable / add_weight), which
 * its resetState assigns again. lamina's `result()` is a number where Keras returns a tensor:
 * return `variable.item()` for a scalar variable.
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

  /** The variables made by addVariable, in order (Keras' _variables). */
  declare private readonly ownVariables: Variable[];

  /** `name` undefined, null or "" gets Keras' automatic name (the class name in snake_case, numbered). */
  constructor(name: string) {
    name = nameOption(`metrics.${new.target.name}`, name, "") || autoName(new.target.name);
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
    Object.defineProperty(self, "ownVariables", { value: [], writable: false, enumerable: false, configurable: true });
    // Subclass field initializers then run on the returned callable.
    return self;
  }

  abstract updateState(yTrue: Input, yPred: Input, sampleWeight?: Input | null): void;
  abstract result(): number;

  /**
   * Starts the state again. Keras' default sets every variable back to zeros; here each metric
   * says what its state is, e.g. `resetState() { this.truePositives.assign(0); }`.
   */
  abstract resetState(): void;

  /**
   * Keras' Metric.add_variable: a non-trainable state variable named `<metric name>/<name>`,
   * listed in `variables`, e.g.
   * `this.truePositives = this.addVariable({ shape: [], initializer: "zeros", name: "tp" })`.
   */
  addVariable(opts: AddMetricVariableOptions): Variable {
    const where = `metrics.${this.constructor.name} ${this.name}.addVariable`;
    if (typeof opts !== "object" || opts === null) {
      throw new TypeError(`${where}: expected an options object { shape, initializer, dtype?, name? }, got ${valueText(opts)}; e.g. this.addVariable({ shape: [], initializer: "zeros", name: "total" })`);
    }
    checkKeys(where, opts, ["shape", "initializer", "dtype", "name"]);
    const shape = opts.shape ?? [];
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new TypeError(`${where}: shape must be a list of sizes (integers >= 0), got ${valueText(shape)}`);
    }
    if (opts.initializer === undefined || opts.initializer === null) {
      throw new TypeError(`${where}: an initializer is needed (Keras' add_variable takes one), e.g. { initializer: "zeros" }`);
    }
    let initial: Tensor;
    try {
      initial = getInitializer(opts.initializer).call(shape, opts.dtype ?? this.dtype);
    } catch (e) {
      throw new TypeError(`${where}: initializer: ${(e as Error).message}`);
    }
    const v = new Variable(initial, { name: `${this.name}/${opts.name ?? "variable"}`, trainable: false });
    this.ownVariables.push(v);
    return v;
  }

  /** Keras' add_weight: the older name of addVariable (shape [] unless given). */
  addWeight(opts: AddMetricVariableOptions): Variable {
    return this.addVariable(opts);
  }

  /** Keras' metric.variables: those made by addVariable, then those of the metrics this one holds in its fields. */
  get variables(): Variable[] {
    const out = [...this.ownVariables];
    for (const v of Object.values(this)) {
      for (const it of Array.isArray(v) ? v : [v]) if (it instanceof Metric && it !== this) out.push(...it.variables);
    }
    return out;
  }

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

