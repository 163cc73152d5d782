/**
 * keras.constraints: projections applied to a weight after each optimizer step, as Keras 3
 * computes them (keras/src/constraints/constraints.py). `call(weight)` returns the new value.
 */
import type { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { normalizeAxes, shapeText } from "../tensor/shape.js";
import { add, clipByValue, div, maximum, mul, sqrt, square } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import {
  type Config, type SerializedObject, checkConfigKeys, configAxis, configNumber, isSerializedObject,
  serializedClassName, unknownIdentifier,
} from "./common.js";
import { epsilon } from "../tensor/config.js";
import { valueText } from "../tensor/value_text.js";


export type AxisOption = number | readonly number[];

function floatWeight(kind: string, w: Tensor): Tensor {
  if (!isFloatDType(w.dtype)) {
    throw new TypeError(`constraints.${kind}: the weight must be float32 or float64, got ${w.dtype} ${shapeText(w.shape)}`);
  }
  return w;
}

/** sqrt(sum(w^2)) over `axis`, kept as size-1 axes. */
function norms(kind: string, w: Tensor, axis: AxisOption): Tensor {
  normalizeAxes(axis, w.rank, `constraints.${kind}`);
  return sqrt(sum(square(w), axis, true));
}

function axisConfig(axis: AxisOption): number | number[] {
  return typeof axis === "number" ? axis : [...axis];
}

/** The base class: `call(weight)` returns the constrained weight. */
export abstract class Constraint {
  abstract readonly className: string;
  abstract call(weight: Tensor): Tensor;
  getConfig(): Config {
    return {};
  }
  serialize(): { className: string; config: Config } {
    return { className: this.className, config: this.getConfig() };
  }
}

export interface MaxNormOptions {
  /** The largest norm allowed (default 2). */
  maxValue?: number;
  /** The axis (or axes) the norm runs over (default 0: each output unit of a dense kernel [in, out]; use [0, 1, 2] for a conv kernel). */
  axis?: AxisOption;
}

/** keras.constraints.MaxNorm(max_value = 2, axis = 0): w * clip(n, 0, max) / (eps + n). */
export class MaxNorm extends Constraint {
  readonly className = "MaxNorm";
  readonly maxValue: number;
  readonly axis: AxisOption;
  constructor(opts: MaxNormOptions = {}) {
    super();
    this.maxValue = opts.maxValue ?? 2;
    this.axis = opts.axis ?? 0;
    if (!(this.maxValue >= 0)) throw new RangeError(`constraints.MaxNorm: maxValue must be >= 0, got ${valueText(this.maxValue)}`);
  }
  call(weight: Tensor): Tensor {
    const w = floatWeight(this.className, weight);
    const n = norms(this.className, w, this.axis);
    return mul(w, div(clipByValue(n, 0, this.maxValue), add(n, epsilon())));
  }
  override getConfig(): Config {
    return { max_value: this.maxValue, axis: axisConfig(this.axis) };
  }
}

/** keras.constraints.NonNeg: max(w, 0). */
export class NonNeg extends Constraint {
  readonly className = "NonNeg";
  call(weight: Tensor): Tensor {
    return maximum(floatWeight(this.className, weight), 0);
  }
}

export interface UnitNormOptions {
  /** The axis (or axes) the norm runs over (default 0). */
  axis?: AxisOption;
}

/** keras.constraints.UnitNorm(axis = 0): w / (eps + n). */
export class UnitNorm extends Constraint {
  readonly className = "UnitNorm";
  readonly axis: AxisOption;
  constructor(opts: UnitNormOptions = {}) {
    super();
    this.axis = opts.axis ?? 0;
  }
  call(weight: Tensor): Tensor {
    const w = floatWeight(this.className, weight);
    return div(w, add(norms(this.className, w, this.axis), epsilon()));
  }
  override getConfig(): Config {
    return { axis: axisConfig(this.axis) };
  }
}

export interface MinMaxNormOptions {
  minValue?: number;
  maxValue?: number;
  /** 1 (default) projects exactly; r < 1 moves the norm a fraction r of the way. */
  rate?: number;
  axis?: AxisOption;
}

/**
 * keras.constraints.MinMaxNorm(min_value = 0, max_value = 1, rate = 1, axis = 0):
 * w * (rate * clip(n, min, max) + (1 - rate) * n) / (eps + n).
 */
export class MinMaxNorm extends Constraint {
  readonly className = "MinMaxNorm";
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: AxisOption;
  constructor(opts: MinMaxNormOptions = {}) {
    super();
    this.minValue = opts.minValue ?? 0;
    this.maxValue = opts.maxValue ?? 1;
    this.rate = opts.rate ?? 1;
    this.axis = opts.axis ?? 0;
    if (!(this.minValue <= this.maxValue)) {
      throw new RangeError(`constraints.MinMaxNorm: minValue ${this.minValue} must be <= maxValue ${this.maxValue}`);
    }
  }
  call(weight: Tensor): Tensor {
    const w = floatWeight(this.className, weight);
    const n = norms(this.className, w, this.axis);
    const desired = add(mul(clipByValue(n, this.minValue, this.maxValue), this.rate), mul(n, 1 - this.rate));
    return mul(w, div(desired, add(n, epsilon())));
  }
  override getConfig(): Config {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: axisConfig(this.axis) };
  }
}

/** keras.constraints.max_norm. */
export const max_norm = (opts: MaxNormOptions = {}): MaxNorm => new MaxNorm(opts);
/** keras.constraints.non_neg. */
export const non_neg = (): NonNeg => new NonNeg();
/** keras.constraints.unit_norm. */
export const unit_norm = (opts: UnitNormOptions = {}): UnitNorm => new UnitNorm(opts);
/** keras.constraints.min_max_norm. */
export const min_max_norm = (opts: MinMaxNormOptions = {}): MinMaxNorm => new MinMaxNorm(opts);

export type ConstraintFunction = (weight: Tensor) => Tensor;
export type ConstraintIdentifier = string | SerializedObject | Constraint | ConstraintFunction;

class FunctionConstraint extends Constraint {
  readonly className = "function";
  constructor(private readonly fn: ConstraintFunction) {
    super();
  }
  call(weight: Tensor): Tensor {
    return this.fn(weight);
  }
}

const FACTORIES: Record<string, (c: Config) => Constraint> = {
  MaxNorm: (c) => {
    const k = "constraints.MaxNorm";
    checkConfigKeys(k, c, ["max_value", "axis"]);
    return new MaxNorm({ maxValue: configNumber(k, c, "max_value"), axis: configAxis(k, c, "axis") });
  },
  NonNeg: (c) => {
    checkConfigKeys("constraints.NonNeg", c, []);
    return new NonNeg();
  },
  UnitNorm: (c) => {
    checkConfigKeys("constraints.UnitNorm", c, ["axis"]);
    return new UnitNorm({ axis: configAxis("constraints.UnitNorm", c, "axis") });
  },
  MinMaxNorm: (c) => {
    const k = "constraints.MinMaxNorm";
    checkConfigKeys(k, c, ["min_value", "max_value", "rate", "axis"]);
    return new MinMaxNorm({
      minValue: configNumber(k, c, "min_value"), maxValue: configNumber(k, c, "max_value"),
      rate: configNumber(k, c, "rate"), axis: configAxis(k, c, "axis"),
    });
  },
};

const NAMES: Record<string, string> = {
  MaxNorm: "MaxNorm", max_norm: "MaxNorm", NonNeg: "NonNeg", non_neg: "NonNeg",
  UnitNorm: "UnitNorm", unit_norm: "UnitNorm", MinMaxNorm: "MinMaxNorm", min_max_norm: "MinMaxNorm",
};

/** Every string constraints.get() understands. */
export const CONSTRAINT_NAMES: readonly string[] = Object.keys(NAMES);

/** keras.constraints.serialize: `{ className, config }`, which `deserialize` reads back. */
export function serialize(constraint: Constraint): { className: string; config: Config } {
  return constraint.serialize();
}

/** A constraint from `{ className, config }`, as keras.constraints.deserialize. */
export function deserialize(obj: SerializedObject): Constraint {
  const cls = serializedClassName(obj) ?? "";
  const key = NAMES[cls];
  if (key === undefined) throw unknownIdentifier("constraints", "constraint", cls, CONSTRAINT_NAMES);
  return FACTORIES[key](obj.config ?? {});
}

/** keras.constraints.get: "max_norm", "non_neg", ..., `{ className, config }`, a Constraint or a function. */
export function get(identifier: ConstraintIdentifier): Constraint {
  if (identifier instanceof Constraint) return identifier;
  if (typeof identifier === "string") return deserialize({ className: identifier });
  if (typeof identifier === "function") return new FunctionConstraint(identifier);
  if (isSerializedObject(identifier)) return deserialize(identifier);
  throw new TypeError(
    `constraints.get: cannot interpret ${JSON.stringify(identifier)} as a constraint; pass "max_norm", "non_neg", ` +
      `"unit_norm", "min_max_norm", { className, config }, a Constraint, or a function weight => weight`,
  );
}
