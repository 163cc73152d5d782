/**
 * keras.regularizers: penalties added to the loss for a weight, as Keras 3 computes them
 * (keras/src/regularizers/regularizers.py). `call(weight)` returns a scalar built from ops, so
 * its gradient reaches the weight.
 */
import type { Tensor } from "../tensor/tensor.js";
import { isFloatDType } from "../tensor/dtype.js";
import { shapeText } from "../tensor/shape.js";
import { fill } from "../tensor/creation.js";
import { abs, add, div, maximum, mul, sqrt, square, sub } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { matmul } from "../ops/matmul.js";
import { eye } from "../tensor/creation.js";
import {
  type Config, type SerializedObject, checkConfigKeys, configNumber, isSerializedObject, serializedClassName,
  unknownIdentifier,
} from "./common.js";
import { valueText } from "../tensor/value_text.js";

/** Keras' validate_float_arg: a finite number >= 0. */
function penalty(kind: string, name: string, value: number | null | undefined, dflt: number): number {
  const v = value ?? dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`regularizers.${kind}: ${name} must be a finite number >= 0, got ${valueText(value)}`);
  }
  return v;
}

function floatWeight(kind: string, x: Tensor): Tensor {
  if (!isFloatDType(x.dtype)) {
    throw new TypeError(`regularizers.${kind}: the weight must be float32 or float64, got ${x.dtype} ${shapeText(x.shape)}`);
  }
  return x;
}

/** The base class: `call(weight)` returns the penalty, a scalar tensor of the weight's dtype. */
export abstract class Regularizer {
  abstract readonly className: string;
  abstract call(weight: Tensor): Tensor;
  abstract getConfig(): Config;
  serialize(): { className: string; config: Config } {
    return { className: this.className, config: this.getConfig() };
  }
}

export interface L1L2Options {
  l1?: number;
  l2?: number;
}

/**
 * keras.regularizers.L1L2(l1 = 0, l2 = 0): l1 * sum(|w|) + l2 * sum(w^2). The class's defaults are
 * 0 (as in Keras 3); the `l1_l2()` function and the string "l1_l2" default both to 0.01, as
 * tf.keras' l1_l2 function did.
 */
export class L1L2 extends Regularizer {
  readonly className = "L1L2";
  readonly l1: number;
  readonly l2: number;
  constructor(opts: L1L2Options = {}) {
    super();
    this.l1 = penalty("L1L2", "l1", opts.l1, 0);
    this.l2 = penalty("L1L2", "l2", opts.l2, 0);
  }
  call(weight: Tensor): Tensor {
    const w = floatWeight("L1L2", weight);
    let r = fill([], 0, w.dtype);
    if (this.l1 !== 0) r = add(r, mul(sum(abs(w)), this.l1));
    if (this.l2 !== 0) r = add(r, mul(sum(square(w)), this.l2));
    return r;
  }
  getConfig(): Config {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** keras.regularizers.L1(l1 = 0.01): l1 * sum(|w|). */
export class L1 extends Regularizer {
  readonly className = "L1";
  readonly l1: number;
  constructor(opts: { l1?: number } | number = {}) {
    super();
    this.l1 = penalty("L1", "l1", typeof opts === "number" ? opts : opts.l1, 0.01);
  }
  call(weight: Tensor): Tensor {
    return mul(sum(abs(floatWeight("L1", weight))), this.l1);
  }
  getConfig(): Config {
    return { l1: this.l1 };
  }
}

/** keras.regularizers.L2(l2 = 0.01): l2 * sum(w^2) (no factor 1/2, as in Keras). */
export class L2 extends Regularizer {
  readonly className = "L2";
  readonly l2: number;
  constructor(opts: { l2?: number } | number = {}) {
    super();
    this.l2 = penalty("L2", "l2", typeof opts === "number" ? opts : opts.l2, 0.01);
  }
  call(weight: Tensor): Tensor {
    return mul(sum(square(floatWeight("L2", weight))), this.l2);
  }
  getConfig(): Config {
    return { l2: this.l2 };
  }
}

export type OrthogonalMode = "rows" | "columns";

export interface OrthogonalRegularizerOptions {
  /** The penalty's factor (default 0.01). */
  factor?: number;
  /** Whose vectors should be orthogonal: "rows" (default) or "columns". */
  mode?: OrthogonalMode;
}

/**
 * keras.regularizers.OrthogonalRegularizer(factor = 0.01, mode = "rows"): factor * 0.5 * the
 * sum of |dot products| between distinct L2-normalized rows (or columns), divided by the number of
 * pairs n(n-1)/2. Rows are normalized as keras.ops.normalize does: x / max(||x||, 1e-12).
 */
export class OrthogonalRegularizer extends Regularizer {
  readonly className = "OrthogonalRegularizer";
  readonly factor: number;
  readonly mode: OrthogonalMode;
  constructor(opts: OrthogonalRegularizerOptions | number = {}) {
    super();
    const o = typeof opts === "number" ? { factor: opts } : opts;
    this.factor = penalty("OrthogonalRegularizer", "factor", o.factor, 0.01);
    const mode = o.mode ?? "rows";
    if (mode !== "rows" && mode !== "columns") {
      throw new RangeError(`regularizers.OrthogonalRegularizer: mode must be "rows" or "columns", got ${valueText(mode)}`);
    }
    this.mode = mode;
  }
  call(weight: Tensor): Tensor {
    const w = floatWeight("OrthogonalRegularizer", weight);
    if (w.rank !== 2) {
      throw new RangeError(`regularizers.OrthogonalRegularizer: the weight must have rank 2, got shape ${shapeText(w.shape)}; use it on Dense kernels`);
    }
    const rows = this.mode === "rows";
    const axis = rows ? 1 : 0;
    const n = w.shape[rows ? 0 : 1];
    if (n < 2) {
      throw new RangeError(`regularizers.OrthogonalRegularizer: ${this.mode} mode needs at least 2 ${this.mode}, the weight ${shapeText(w.shape)} has ${n} (Keras divides by zero pairs)`);
    }
    const unit = div(w, maximum(sqrt(sum(square(w), axis, true)), fill([], 1e-12, w.dtype)));
    const product = rows ? matmul(unit, unit, false, true) : matmul(unit, unit, true, false);
    const offDiagonal = mul(product, sub(fill([n, n], 1, w.dtype), eye(n, n, w.dtype)));
    const pairs = (n * (n - 1)) / 2;
    return mul(sum(abs(offDiagonal)), (this.factor * 0.5) / pairs);
  }
  getConfig(): Config {
    return { factor: this.factor, mode: this.mode };
  }
}

/** keras.regularizers.orthogonal_regularizer: the same class. */
export function orthogonal_regularizer(opts: OrthogonalRegularizerOptions | number = {}): OrthogonalRegularizer {
  return new OrthogonalRegularizer(opts);
}

/** keras.regularizers.l1(l1 = 0.01). */
export function l1(opts: { l1?: number } | number = {}): L1 {
  return new L1(opts);
}

/** keras.regularizers.l2(l2 = 0.01). */
export function l2(opts: { l2?: number } | number = {}): L2 {
  return new L2(opts);
}

/** keras.regularizers.l1_l2(l1 = 0.01, l2 = 0.01) (tf.keras' function defaults). */
export function l1_l2(opts: L1L2Options = {}): L1L2 {
  return new L1L2({ l1: opts.l1 ?? 0.01, l2: opts.l2 ?? 0.01 });
}

/** A function used as a regularizer: weight => scalar penalty. */
export type RegularizerFunction = (weight: Tensor) => Tensor;

export type RegularizerIdentifier = string | SerializedObject | Regularizer | RegularizerFunction;

class FunctionRegularizer extends Regularizer {
  readonly className = "function";
  constructor(private readonly fn: RegularizerFunction) {
    super();
  }
  call(weight: Tensor): Tensor {
    return this.fn(weight);
  }
  getConfig(): Config {
    return {};
  }
}

type Factory = (c: Config) => Regularizer;

const FACTORIES: Record<string, Factory> = {
  L1: (c) => {
    checkConfigKeys("regularizers.L1", c, ["l1"]);
    return new L1({ l1: configNumber("regularizers.L1", c, "l1") });
  },
  L2: (c) => {
    checkConfigKeys("regularizers.L2", c, ["l2"]);
    return new L2({ l2: configNumber("regularizers.L2", c, "l2") });
  },
  L1L2: (c) => {
    checkConfigKeys("regularizers.L1L2", c, ["l1", "l2"]);
    return new L1L2({ l1: configNumber("regularizers.L1L2", c, "l1"), l2: configNumber("regularizers.L1L2", c, "l2") });
  },
  OrthogonalRegularizer: (c) => {
    const k = "regularizers.OrthogonalRegularizer";
    checkConfigKeys(k, c, ["factor", "mode"]);
    const mode = c.mode;
    if (mode !== undefined && mode !== "rows" && mode !== "columns") throw new RangeError(`${k}: mode must be "rows" or "columns", got ${valueText(mode)}`);
    return new OrthogonalRegularizer({ factor: configNumber(k, c, "factor"), mode });
  },
  l1_l2: (c) => {
    checkConfigKeys("regularizers.l1_l2", c, ["l1", "l2"]);
    return l1_l2({ l1: configNumber("regularizers.l1_l2", c, "l1"), l2: configNumber("regularizers.l1_l2", c, "l2") });
  },
};

const NAMES: Record<string, string> = {
  L1: "L1", l1: "L1", L2: "L2", l2: "L2", L1L2: "L1L2", l1l2: "L1L2", l1_l2: "l1_l2",
  OrthogonalRegularizer: "OrthogonalRegularizer", orthogonal_regularizer: "OrthogonalRegularizer",
};

/** Every string regularizers.get() understands. */
export const REGULARIZER_NAMES: readonly string[] = Object.keys(NAMES);

/** keras.regularizers.serialize: `{ className, config }`, which `deserialize` reads back. */
export function serialize(regularizer: Regularizer): { className: string; config: Config } {
  return regularizer.serialize();
}

/** A regularizer from `{ className, config }`, as keras.regularizers.deserialize. */
export function deserialize(obj: SerializedObject): Regularizer {
  const cls = serializedClassName(obj) ?? "";
  const key = NAMES[cls];
  if (key === undefined) throw unknownIdentifier("regularizers", "regularizer", cls, REGULARIZER_NAMES);
  return FACTORIES[key](obj.config ?? {});
}

/**
 * keras.regularizers.get: "l1", "l2" (0.01), "L1L2" (0 and 0, Keras 3's class), "l1_l2" (0.01
 * and 0.01), `{ className, config }`, a Regularizer, or a function weight => penalty.
 */
export function get(identifier: RegularizerIdentifier): Regularizer {
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === "string") return deserialize({ className: identifier });
  if (typeof identifier === "function") return new FunctionRegularizer(identifier);
  if (isSerializedObject(identifier)) return deserialize(identifier);
  throw new TypeError(
    `regularizers.get: cannot interpret ${JSON.stringify(identifier)} as a regularizer; pass "l1", "l2", "l1_l2", ` +
      `{ className, config }, a Regularizer, or a function weight => penalty`,
  );
}
