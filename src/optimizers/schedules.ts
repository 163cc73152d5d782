/**
 * Learning-rate schedules (keras.optimizers.schedules). An optimizer built with a schedule asks it
 * for the learning rate at every step, passing its `iterations` (0 on the first step).
 *
 * As in Keras, a schedule computes in float32 (the dtype of its initial learning rate), so every
 * intermediate result here is rounded to float32 with Math.fround.
 */
import {
  type ConfigDict, type NumberRule, type SerializedConfig, type SerializedObject, booleanOption, checkKeys, checkNumber, isConfigDict,
  nullableNumberOption, numberArrayOption, numberOption, snakeToCamel, stringOption,
} from "./config.js";
import { valueText } from "../tensor/value_text.js";
import { customObjectRegistry } from "./rate_function_config.js";

const f = Math.fround;

/**
 * A schedule instance is also a function, as Keras' LearningRateSchedule.__call__:
 * `schedule(step)` is `schedule.call(step)`, the learning rate at optimizer step `step` (a number
 * here, where Keras takes and returns tensors).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LearningRateSchedule {
  (step: number): number;
}

/**
 * The base of every schedule: `call(step)` gives the learning rate at an optimizer step, and so
 * does calling the schedule, `schedule(step)`. Subclass it for a custom schedule (implement
 * `call`, `className` and `getConfig`); `instanceof` works as for any class.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class LearningRateSchedule {
  /** Keras' class name, written as `class_name` when the schedule is serialized. */
  abstract readonly className: string;

  constructor() {
    // The constructor returns a function standing in for `this` (as Metric's does), so that the
    // schedule can be called; its prototype is the subclass's, so methods and instanceof work.
    const self = ((step: number): number => {
      if (typeof step !== "number") throw new TypeError(`${self.className}: call the schedule with an optimizer step (a number), e.g. schedule(100), got ${valueText(step)}`);
      return self.call(step);
    }) as LearningRateSchedule;
    Object.setPrototypeOf(self, new.target.prototype);
    // A function's own `name` and `length` are read-only; make them ordinary properties that subclasses set (Keras' schedules have a `name`).
    Object.defineProperty(self, "name", { value: undefined, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(self, "length", { value: 1, writable: true, configurable: true });
    // Subclass field initializers then run on the returned callable.
    return self;
  }
  /** The learning rate at optimizer step `step` (0, 1, 2, ...). */
  abstract call(step: number): number;
  /** Keras' config: snake_case keys, the values as given. */
  abstract getConfig(): ConfigDict;
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay at whole multiples of decaySteps only (floor(step / decaySteps)). Default false. */
  staircase?: boolean;
  name?: string;
}

/** `initialLearningRate * decayRate ^ (step / decaySteps)` (the exponent floored with staircase). */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = "ExponentialDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  override readonly name: string;

  constructor(opts: ExponentialDecayOptions) {
    super();
    const w = "ExponentialDecay";
    requireOptions(w, opts, ["initialLearningRate", "decaySteps", "decayRate"]);
    checkKeys(w, opts, ["initialLearningRate", "decaySteps", "decayRate", "staircase", "name"]);
    this.initialLearningRate = learningRateOption(w, "initialLearningRate", opts.initialLearningRate);
    this.decaySteps = stepsOption(w, "decaySteps", opts.decaySteps);
    this.staircase = booleanOption(w, "staircase", opts.staircase, false);
    // Any finite rate is Keras-legal: 0 drops to 0 after step 0, above 1 grows, and a negative one
    // flips the sign at each whole exponent. Between whole exponents a negative base has no real
    // power (NaN), so a negative rate needs every exponent whole: staircase, or decaySteps 1.
    const wholeExponents = this.staircase || this.decaySteps === 1;
    this.decayRate = checked(w, "decayRate", opts.decayRate, wholeExponents ? {} : { min: 0 },
      "a negative decayRate makes the rate NaN between multiples of decaySteps; pass decayRate >= 0 (0.96 takes 4% off every decaySteps steps), or staircase: true to flip the rate's sign at each multiple");
    this.name = stringOption(w, "name", opts.name, "ExponentialDecay");
  }

  call(step: number): number {
    const lr0 = f(this.initialLearningRate);
    let p = f(f(step) / f(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    return f(lr0 * f(Math.pow(f(this.decayRate), p)));
  }

  getConfig(): ConfigDict {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }

  static fromConfig(config: ConfigDict): ExponentialDecay {
    return new ExponentialDecay(camelOptions<ExponentialDecayOptions>(config));
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Strictly increasing optimizer steps. */
  boundaries: readonly number[];
  /** One more value than boundaries: values[0] while step <= boundaries[0], ... */
  values: readonly number[];
  name?: string;
}

/**
 * `values[0]` while step <= boundaries[0], `values[i]` while boundaries[i-1] < step <= boundaries[i],
 * and the last value after the last boundary.
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = "PiecewiseConstantDecay";
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  override readonly name: string;

  constructor(opts: PiecewiseConstantDecayOptions) {
    super();
    const w = "PiecewiseConstantDecay";
    requireOptions(w, opts, ["boundaries", "values"]);
    checkKeys(w, opts, ["boundaries", "values", "name"]);
    const boundaries = numberArrayOption(w, "boundaries", opts.boundaries);
    const values = numberArrayOption(w, "values", opts.values);
    if (boundaries.length !== values.length - 1) {
      throw new RangeError(
        `${w}: the length of boundaries should be 1 less than the length of values; got boundaries=` +
          `${JSON.stringify(boundaries)} of length ${boundaries.length} and values=${JSON.stringify(values)} of length ${values.length}`,
      );
    }
    for (let i = 1; i < boundaries.length; i++) {
      if (!(boundaries[i] > boundaries[i - 1])) {
        throw new RangeError(`${w}: boundaries must be strictly increasing, got ${valueText(boundaries)}`);
      }
    }
    this.boundaries = Object.freeze(boundaries);
    this.values = Object.freeze(values);
    this.name = stringOption(w, "name", opts.name, "PiecewiseConstant");
  }

  call(step: number): number {
    const b = this.boundaries, v = this.values;
    if (b.length === 0 || step <= b[0]) return f(v[0]);
    for (let i = 1; i < b.length; i++) if (step <= b[i]) return f(v[i]);
    return f(v[v.length - 1]);
  }

  getConfig(): ConfigDict {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }

  static fromConfig(config: ConfigDict): PiecewiseConstantDecay {
    return new PiecewiseConstantDecay(camelOptions<PiecewiseConstantDecayOptions>(config));
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  /** Steps of the cosine decay (after the warmup, if any). */
  decaySteps: number;
  /** The final learning rate as a fraction of the decay's starting rate. Default 0. */
  alpha?: number;
  name?: string;
  /** If set, a linear warmup from initialLearningRate to this rate over warmupSteps comes first. */
  warmupTarget?: number | null;
  warmupSteps?: number;
}

/**
 * Cosine decay (SGDR without restarts), optionally after a linear warmup:
 * `lr = from * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)`,
 * `from` being initialLearningRate, or warmupTarget after a warmup of warmupSteps steps.
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = "CosineDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  override readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(opts: CosineDecayOptions) {
    super();
    const w = "CosineDecay";
    requireOptions(w, opts, ["initialLearningRate", "decaySteps"]);
    checkKeys(w, opts, ["initialLearningRate", "decaySteps", "alpha", "name", "warmupTarget", "warmupSteps"]);
    this.initialLearningRate = learningRateOption(w, "initialLearningRate", opts.initialLearningRate);
    this.decaySteps = stepsOption(w, "decaySteps", opts.decaySteps);
    // Any finite alpha is Keras-legal (above 1 the rate rises along the cosine, below 0 it ends negative).
    this.alpha = numberOption(w, "alpha", opts.alpha, 0);
    this.name = stringOption(w, "name", opts.name, "CosineDecay");
    const target = nullableNumberOption(w, "warmupTarget", opts.warmupTarget, null);
    this.warmupTarget = target === null ? null : learningRateOption(w, "warmupTarget", target);
    // A negative warmupSteps is Keras-legal: no warmup, and the decay starts |warmupSteps| steps in.
    this.warmupSteps = numberOption(w, "warmupSteps", opts.warmupSteps, 0);
  }

  private decay(step: number, decaySteps: number, from: number): number {
    const fraction = f(step / decaySteps);
    const cosine = f(0.5 * f(1 + f(Math.cos(f(f(Math.PI) * fraction)))));
    const decayed = f(f(f(1 - this.alpha) * cosine) + f(this.alpha));
    return f(from * decayed);
  }

  call(step: number): number {
    const lr0 = f(this.initialLearningRate);
    const decaySteps = f(this.decaySteps);
    let s = f(step);
    if (this.warmupTarget === null) return this.decay(Math.min(s, decaySteps), decaySteps, lr0);
    const target = f(this.warmupTarget);
    const warmupSteps = f(this.warmupSteps);
    s = Math.min(s, f(decaySteps + warmupSteps));
    if (s < warmupSteps) return f(f(f(target - lr0) * f(s / warmupSteps)) + lr0);
    return this.decay(f(s - warmupSteps), decaySteps, target);
  }

  getConfig(): ConfigDict {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget,
      warmup_steps: this.warmupSteps,
    };
  }

  static fromConfig(config: ConfigDict): CosineDecay {
    return new CosineDecay(camelOptions<CosineDecayOptions>(config));
  }
}

export interface InverseTimeDecayOptions {
  initialLearningRate: number;
  /** The step scale: after decaySteps steps the rate is initialLearningRate / (1 + decayRate). */
  decaySteps: number;
  decayRate: number;
  /** Decay at whole multiples of decaySteps only (floor(step / decaySteps)). Default false. */
  staircase?: boolean;
  name?: string;
}

/** `initialLearningRate / (1 + decayRate * step / decaySteps)` (`step / decaySteps` floored with staircase). */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = "InverseTimeDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  override readonly name: string;

  constructor(opts: InverseTimeDecayOptions) {
    super();
    const w = "InverseTimeDecay";
    requireOptions(w, opts, ["initialLearningRate", "decaySteps", "decayRate"]);
    checkKeys(w, opts, ["initialLearningRate", "decaySteps", "decayRate", "staircase", "name"]);
    this.initialLearningRate = learningRateOption(w, "initialLearningRate", opts.initialLearningRate);
    this.decaySteps = stepsOption(w, "decaySteps", opts.decaySteps);
    // A negative decayRate is Keras-legal: the rate grows, is infinite where 1 + decayRate * p is 0,
    // and negative after.
    this.decayRate = checkNumber(w, "decayRate", opts.decayRate);
    this.staircase = booleanOption(w, "staircase", opts.staircase, false);
    this.name = stringOption(w, "name", opts.name, "InverseTimeDecay");
  }

  call(step: number): number {
    let p = f(f(step) / f(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    return f(f(this.initialLearningRate) / f(1 + f(f(this.decayRate) * p)));
  }

  getConfig(): ConfigDict {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }

  static fromConfig(config: ConfigDict): InverseTimeDecay {
    return new InverseTimeDecay(camelOptions<InverseTimeDecayOptions>(config));
  }
}

export interface PolynomialDecayOptions {
  initialLearningRate: number;
  /** Steps from initialLearningRate to endLearningRate. */
  decaySteps: number;
  /** The rate reached after decaySteps. Default 0.0001, as in Keras. */
  endLearningRate?: number;
  /** The power of the polynomial. Default 1 (linear). */
  power?: number;
  /** Decay again over the next multiple of decaySteps instead of staying at endLearningRate. Default false. */
  cycle?: boolean;
  name?: string;
}

/**
 * `(initialLearningRate - endLearningRate) * (1 - step / decaySteps) ^ power + endLearningRate`,
 * step capped at decaySteps; with cycle, decaySteps is instead the first multiple of itself that
 * is >= step (decaySteps itself at step 0).
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = "PolynomialDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  override readonly name: string;

  constructor(opts: PolynomialDecayOptions) {
    super();
    const w = "PolynomialDecay";
    requireOptions(w, opts, ["initialLearningRate", "decaySteps"]);
    checkKeys(w, opts, ["initialLearningRate", "decaySteps", "endLearningRate", "power", "cycle", "name"]);
    this.initialLearningRate = learningRateOption(w, "initialLearningRate", opts.initialLearningRate);
    this.decaySteps = stepsOption(w, "decaySteps", opts.decaySteps);
    this.endLearningRate = opts.endLearningRate === undefined ? 0.0001 : learningRateOption(w, "endLearningRate", opts.endLearningRate);
    this.power = opts.power === undefined ? 1 : checked(w, "power", opts.power, { min: 0 },
      "a negative power makes the rate infinite at the end of the decay; pass power >= 0 (1 decays linearly, 0.5 as a square root)");
    this.cycle = booleanOption(w, "cycle", opts.cycle, false);
    this.name = stringOption(w, "name", opts.name, "PolynomialDecay");
  }

  call(step: number): number {
    const lr0 = f(this.initialLearningRate), end = f(this.endLearningRate);
    let s = f(step);
    let decaySteps = f(this.decaySteps);
    if (this.cycle) {
      const multiplier = s === 0 ? 1 : Math.ceil(f(s / decaySteps));
      decaySteps = f(decaySteps * multiplier);
    } else {
      s = Math.min(s, decaySteps);
    }
    const p = f(s / decaySteps);
    return f(f(f(lr0 - end) * f(Math.pow(f(1 - p), f(this.power)))) + end);
  }

  getConfig(): ConfigDict {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      end_learning_rate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }

  static fromConfig(config: ConfigDict): PolynomialDecay {
    return new PolynomialDecay(camelOptions<PolynomialDecayOptions>(config));
  }
}

export interface CosineDecayRestartsOptions {
  initialLearningRate: number;
  /** Steps of the first cosine period. */
  firstDecaySteps: number;
  /** Each period is tMul times longer than the one before. Default 2. */
  tMul?: number;
  /** Each period starts at mMul times the starting rate of the one before. Default 1. */
  mMul?: number;
  /** The rate at the end of a period as a fraction of that period's starting rate. Default 0. */
  alpha?: number;
  /** Default "SGDRDecay", as in Keras. */
  name?: string;
}

/**
 * Cosine decay with warm restarts (SGDR, Loshchilov & Hutter): the multiplier decays from 1 to
 * alpha over firstDecaySteps, then restarts; period i lasts `firstDecaySteps * tMul^i` steps and
 * starts at `initialLearningRate * mMul^i`.
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className = "CosineDecayRestarts";
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  override readonly name: string;

  constructor(opts: CosineDecayRestartsOptions) {
    super();
    const w = "CosineDecayRestarts";
    requireOptions(w, opts, ["initialLearningRate", "firstDecaySteps"]);
    checkKeys(w, opts, ["initialLearningRate", "firstDecaySteps", "tMul", "mMul", "alpha", "name"]);
    this.initialLearningRate = learningRateOption(w, "initialLearningRate", opts.initialLearningRate);
    this.firstDecaySteps = stepsOption(w, "firstDecaySteps", opts.firstDecaySteps);
    // Keras accepts any tMul, but below 1 the periods shrink and run out after
    // firstDecaySteps / (1 - tMul) steps (at once for tMul <= 0): from there the rate is NaN.
    this.tMul = opts.tMul === undefined ? 2 : checked(w, "tMul", opts.tMul, { min: 1 },
      "periods shorter than the one before run out after firstDecaySteps / (1 - tMul) steps and the rate turns NaN; pass tMul >= 1 (1 repeats the same period, 2 doubles it)");
    // Any finite mMul and alpha are Keras-legal (a negative mMul flips every other period's sign).
    this.mMul = numberOption(w, "mMul", opts.mMul, 1);
    this.alpha = numberOption(w, "alpha", opts.alpha, 0);
    this.name = stringOption(w, "name", opts.name, "SGDRDecay");
  }

  call(step: number): number {
    const lr0 = f(this.initialLearningRate), alpha = f(this.alpha), tMul = f(this.tMul), mMul = f(this.mMul);
    let fraction = f(f(step) / f(this.firstDecaySteps));
    let restart: number;
    if (tMul === 1) {
      restart = Math.floor(fraction);
      fraction = f(fraction - restart);
    } else {
      // Periods grow geometrically: period i starts at fraction (1 - tMul^i) / (1 - tMul).
      restart = Math.floor(f(f(Math.log(f(1 - f(fraction * f(1 - tMul))))) / f(Math.log(tMul))));
      const grown = f(Math.pow(tMul, restart));
      const sumR = f(f(1 - grown) / f(1 - tMul));
      fraction = f(f(fraction - sumR) / grown);
    }
    const mFac = f(Math.pow(mMul, restart));
    const cosine = f(f(0.5 * mFac) * f(1 + f(Math.cos(f(f(Math.PI) * fraction)))));
    const decayed = f(f(f(1 - alpha) * cosine) + alpha);
    return f(lr0 * decayed);
  }

  getConfig(): ConfigDict {
    return {
      initial_learning_rate: this.initialLearningRate,
      first_decay_steps: this.firstDecaySteps,
      t_mul: this.tMul,
      m_mul: this.mMul,
      alpha: this.alpha,
      name: this.name,
    };
  }

  static fromConfig(config: ConfigDict): CosineDecayRestarts {
    return new CosineDecayRestarts(camelOptions<CosineDecayRestartsOptions>(config));
  }
}

// ---------------------------------------------------------------- serialization

// Custom subclasses may reuse a built-in's className; only these classes are written as Keras' own.
const BUILTIN_CLASSES: ReadonlySet<unknown> = new Set([ExponentialDecay, PiecewiseConstantDecay, CosineDecay, InverseTimeDecay, PolynomialDecay, CosineDecayRestarts]);

const SCHEDULES: Record<string, (config: ConfigDict) => LearningRateSchedule> = {
  ExponentialDecay: ExponentialDecay.fromConfig,
  PiecewiseConstantDecay: PiecewiseConstantDecay.fromConfig,
  CosineDecay: CosineDecay.fromConfig,
  InverseTimeDecay: InverseTimeDecay.fromConfig,
  PolynomialDecay: PolynomialDecay.fromConfig,
  CosineDecayRestarts: CosineDecayRestarts.fromConfig,
};

/**
 * Keras' serialized form: `{ module: "keras.optimizers.schedules", class_name, config, registered_name }`.
 * A custom schedule is written as Keras' serialize_keras_object writes a custom class: module its
 * registration package (null when unregistered), registered_name `"<package>><Name>"` or its name.
 */
export function serialize(schedule: LearningRateSchedule): SerializedConfig {
  const builtin = Object.hasOwn(SCHEDULES, schedule.className) && BUILTIN_CLASSES.has(schedule.constructor);
  if (builtin) return { module: "keras.optimizers.schedules", class_name: schedule.className, config: schedule.getConfig(), registered_name: null };
  const key = customObjectRegistry().registeredName(schedule.constructor as (...args: never[]) => unknown);
  const at = key.indexOf(">");
  return { module: at > 0 ? key.slice(0, at) : null, class_name: schedule.className, config: schedule.getConfig(), registered_name: key };
}

/**
 * The schedule described by a serialized `{ class_name, config }` (as written by serialize or Keras).
 * A custom schedule class is found as Keras finds it: by registered_name, then class_name, among
 * registered classes, customObjects and customObjectScope; it is rebuilt by its own static
 * fromConfig(config) or, as Keras' default from_config, `new Class(config)`.
 */
export function deserialize(obj: SerializedObject | ConfigDict): LearningRateSchedule {
  const className = isConfigDict(obj) ? obj.class_name : undefined;
  const config = isConfigDict(obj) ? (obj.config ?? {}) : undefined;
  if (typeof className !== "string" || !isConfigDict(config)) {
    throw new TypeError(`schedules.deserialize: expected { class_name, config }, got ${valueText(obj)}`);
  }
  const make = Object.hasOwn(SCHEDULES, className) ? SCHEDULES[className] : undefined;
  if (make) return make(config);
  const registered = isConfigDict(obj) && typeof obj.registered_name === "string" ? obj.registered_name : null;
  const cls = (registered !== null ? customObjectRegistry().lookupClass(registered) : undefined) ?? customObjectRegistry().lookupClass(className);
  if (cls === undefined) {
    throw new RangeError(
      `schedules.deserialize: unknown learning-rate schedule ${JSON.stringify(className)}; ` +
        `known schedules are ${Object.keys(SCHEDULES).join(", ")}; for a custom schedule class, register it with ` +
        "saving.registerKerasSerializable before loading, or pass it in customObjects",
    );
  }
  if (!(cls.prototype instanceof LearningRateSchedule)) {
    throw new TypeError(`schedules.deserialize: ${JSON.stringify(className)} names the class ${cls.name}, which does not extend LearningRateSchedule`);
  }
  // A built-in's fromConfig, inherited by a custom subclass, would build the built-in class.
  const fromConfig = (cls as unknown as { fromConfig?: unknown }).fromConfig;
  const own = typeof fromConfig === "function" && !Object.values(SCHEDULES).includes(fromConfig as (c: ConfigDict) => LearningRateSchedule);
  const built: unknown = own
    ? (fromConfig as (c: ConfigDict) => unknown).call(cls, config)
    : new (cls as unknown as new (c: ConfigDict) => unknown)(config);
  if (!(built instanceof LearningRateSchedule)) {
    throw new TypeError(`schedules.deserialize: ${cls.name}.fromConfig returned ${valueText(built)}, not a learning-rate schedule`);
  }
  return built;
}

function requireOptions(where: string, opts: object, keys: readonly string[]): void {
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError(`${where}: expected an options object { ${keys.join(", ")}, ... }, got ${valueText(opts)}`);
  }
  for (const k of keys) {
    if ((opts as Record<string, unknown>)[k] === undefined) {
      throw new TypeError(`${where}: option ${k} is required (options: { ${keys.join(", ")}, ... })`);
    }
  }
}

/** A finite number within `rule`; out of range, the error says why the value is wrong and what to pass. */
function checked(where: string, key: string, value: unknown, rule: NumberRule, fix: string): number {
  try {
    return checkNumber(where, key, value, rule);
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${e.message}: ${fix}`);
    throw e;
  }
}

/** A learning rate: any finite number (Keras takes a negative one too: the optimizer then climbs the loss). */
function learningRateOption(where: string, key: string, value: unknown): number {
  return checkNumber(where, key, value);
}

/** A count of optimizer steps: finite and > 0. */
function stepsOption(where: string, key: string, value: unknown): number {
  return checked(where, key, value, { min: 0, exclusiveMin: true },
    `it is the number of optimizer steps (batches) the decay runs over; pass a positive count, e.g. ${key}: 1000`);
}

/** Keras' snake_case config as camelCase options; the constructor then checks every value. */
function camelOptions<T>(config: ConfigDict): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[snakeToCamel(k)] = v;
  return out as T;
}
