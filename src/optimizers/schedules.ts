/**
 * Learning-rate schedules (keras.optimizers.schedules). An optimizer built with a schedule asks it
 * for the learning rate at every step, passing its `iterations` (0 on the first step).
 *
 * As in Keras, a schedule computes in float32 (the dtype of its initial learning rate), so every
 * intermediate result here is rounded to float32 with Math.fround.
 */
import {
  type ConfigDict, type SerializedConfig, type SerializedObject, booleanOption, checkKeys, checkNumber, isConfigDict,
  nullableNumberOption, numberArrayOption, numberOption, snakeToCamel, stringOption,
} from "./config.js";
import { valueText } from "../tensor/value_text.js";

const f = Math.fround;

/**
 * The base of every schedule: `call(step)` gives the learning rate at an optimizer step.
 * Subclass it for a custom schedule (implement `call`, `className` and `getConfig`).
 */
export abstract class LearningRateSchedule {
  /** Keras' class name, written as `class_name` when the schedule is serialized. */
  abstract readonly className: string;
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
  readonly name: string;

  constructor(opts: ExponentialDecayOptions) {
    super();
    const w = "ExponentialDecay";
    requireOptions(w, opts, ["initialLearningRate", "decaySteps", "decayRate"]);
    checkKeys(w, opts, ["initialLearningRate", "decaySteps", "decayRate", "staircase", "name"]);
    this.initialLearningRate = checkNumber(w, "initialLearningRate", opts.initialLearningRate);
    this.decaySteps = checkNumber(w, "decaySteps", opts.decaySteps, { min: 0, exclusiveMin: true });
    this.decayRate = checkNumber(w, "decayRate", opts.decayRate);
    this.staircase = booleanOption(w, "staircase", opts.staircase, false);
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
  readonly name: string;

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
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(opts: CosineDecayOptions) {
    super();
    const w = "CosineDecay";
    requireOptions(w, opts, ["initialLearningRate", "decaySteps"]);
    checkKeys(w, opts, ["initialLearningRate", "decaySteps", "alpha", "name", "warmupTarget", "warmupSteps"]);
    this.initialLearningRate = checkNumber(w, "initialLearningRate", opts.initialLearningRate);
    this.decaySteps = checkNumber(w, "decaySteps", opts.decaySteps, { min: 0, exclusiveMin: true });
    this.alpha = numberOption(w, "alpha", opts.alpha, 0);
    this.name = stringOption(w, "name", opts.name, "CosineDecay");
    this.warmupTarget = nullableNumberOption(w, "warmupTarget", opts.warmupTarget, null);
    this.warmupSteps = numberOption(w, "warmupSteps", opts.warmupSteps, 0, { min: 0 });
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

// ---------------------------------------------------------------- serialization

const SCHEDULES: Record<string, (config: ConfigDict) => LearningRateSchedule> = {
  ExponentialDecay: ExponentialDecay.fromConfig,
  PiecewiseConstantDecay: PiecewiseConstantDecay.fromConfig,
  CosineDecay: CosineDecay.fromConfig,
};

/** Keras' serialized form: `{ module: "keras.optimizers.schedules", class_name, config, registered_name }`. */
export function serialize(schedule: LearningRateSchedule): SerializedConfig {
  return { module: "keras.optimizers.schedules", class_name: schedule.className, config: schedule.getConfig(), registered_name: null };
}

/** The schedule described by a serialized `{ class_name, config }` (as written by serialize or Keras). */
export function deserialize(obj: SerializedObject | ConfigDict): LearningRateSchedule {
  const className = isConfigDict(obj) ? obj.class_name : undefined;
  const config = isConfigDict(obj) ? (obj.config ?? {}) : undefined;
  if (typeof className !== "string" || !isConfigDict(config)) {
    throw new TypeError(`schedules.deserialize: expected { class_name, config }, got ${valueText(obj)}`);
  }
  const make = Object.hasOwn(SCHEDULES, className) ? SCHEDULES[className] : undefined;
  if (!make) {
    throw new RangeError(
      `schedules.deserialize: unknown learning-rate schedule ${JSON.stringify(className)}; ` +
        `known schedules are ${Object.keys(SCHEDULES).join(", ")}`,
    );
  }
  return make(config);
}

function requireOptions(where: string, opts: object, keys: readonly string[]): void {
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError(`${where}: expected an options object { ${keys.join(", ")}, ... }, got ${String(opts)}`);
  }
  for (const k of keys) {
    if ((opts as Record<string, unknown>)[k] === undefined) {
      throw new TypeError(`${where}: option ${k} is required (options: { ${keys.join(", ")}, ... })`);
    }
  }
}

/** Keras' snake_case config as camelCase options; the constructor then checks every value. */
function camelOptions<T>(config: ConfigDict): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[snakeToCamel(k)] = v;
  return out as T;
}
