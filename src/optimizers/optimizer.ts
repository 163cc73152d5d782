/**
 * The optimizer base class, Keras 3's BaseOptimizer: applyGradients divides the gradients by the
 * loss scale factor (if any), clips them, applies the decoupled weight decay, runs each optimizer's update step with the learning rate of the
 * current iteration, then counts the iteration. Updates run through ops (never recorded on a tape)
 * and `Variable.assign`; slot variables (momentums, velocities...) take their variable's dtype.
 */
import { Tensor } from "../tensor/tensor.js";
import { Variable } from "../tensor/variable.js";
import { constant, fill } from "../tensor/creation.js";
import { type DType, isFloatDType } from "../tensor/dtype.js";
import { shapeText, shapesEqual } from "../tensor/shape.js";
import { noGrad } from "../ops/engine.js";
import { add, cast, clipByValue, div, maximum, minimum, mul, sqrt, square, sub } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { clone } from "../ops/shape.js";
import { inDType } from "../ops/optimizer_update.js";
import { LearningRateSchedule, deserialize as deserializeSchedule, serialize as serializeSchedule } from "./schedules.js";
import { deserializeRateFunction, isRateFunctionConfig, serializeRateFunction } from "./rate_function_config.js";
import {
  type ConfigDict, type ConfigValue, type SerializedConfig, checkKeys, checkNumber, isConfigDict,
  booleanOption, nullableNumberOption, snakeToCamel, stringOption,
} from "./config.js";
import { valueText } from "../tensor/value_text.js";

/**
 * A function giving the learning rate, called with no arguments at every step (Keras' callable
 * learning_rate): a number, or a one-element tensor.
 */
export type LearningRateFunction = () => number | Tensor;

/** A learning rate: a number, a schedule asked at every step, or a function called at every step. */
export type LearningRate = number | LearningRateSchedule | LearningRateFunction;

/** The options every optimizer accepts (Keras' base optimizer arguments, camelCase). */
export interface OptimizerOptions {
  /**
   * The learning rate (stored as float32, as Keras does), a schedule (optimizers.schedules), or a
   * function of no arguments called at every step, `() => 0.01` (Keras' callable learning_rate).
   */
  learningRate?: LearningRate;
  /** The old name of learningRate (Keras 2, the notebooks); give one or the other. */
  lr?: LearningRate;
  /** Decoupled weight decay: before each update, `w -= w * weightDecay * learningRate`. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. At most one of clipnorm, clipvalue, globalClipnorm. */
  clipnorm?: number | null;
  /** Clip each gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Scale all gradients together so that their global L2 norm is at most this. */
  globalClipnorm?: number | null;
  name?: string;
  /** Keras 3 no longer supports `decay`: it warns and ignores it; so does lamina. Use a schedule. */
  decay?: number | null;
  /**
   * Keep an exponential moving average of the trained variables (Keras' use_ema). After each step
   * `average = m * average + (1 - m) * w` (the first step copies w); `fit` ends by writing the
   * averages into the model's weights (finalizeVariableValues). Default false.
   */
  useEma?: boolean;
  /** The weight `m` of the old average, in [0, 1]. Default 0.99. Used only with useEma. */
  emaMomentum?: number;
  /**
   * With useEma, every this many steps the model's weights are overwritten with their averages
   * (a positive integer), as well as at the end of fit; null (the default): only at the end of fit.
   */
  emaOverwriteFrequency?: number | null;
  /**
   * Keras' gradient_accumulation_steps: an integer >= 2, or null (the default: update at every
   * step). The gradients of that many applyGradients calls are summed, and every that many calls
   * the variables are updated with their mean (clipped, with weight decay, as one step). `iterations`
   * counts updates (calls // steps); learning-rate schedules see the calls; useEma's averages move at
   * every call, by `iterations`, as in Keras 3.5.
   */
  gradientAccumulationSteps?: number | null;
  /**
   * Keras' loss_scale_factor: a positive finite number, or null (the default: no scaling). A train
   * step multiplies the loss by it before taking gradients (`scaleLoss`; fit's built-in step does
   * it, logging the unscaled loss) and applyGradients divides every gradient by it first, before
   * gradient accumulation, clipping and weight decay, so the update is the unscaled one. It keeps
   * small float16 gradients from underflowing in Keras' mixed precision.
   */
  lossScaleFactor?: number | null;
}

/** A [gradient, variable] pair, in Keras' order. A null/undefined gradient skips the variable. */
export type GradientPair = readonly [Tensor | null | undefined, Variable];

/** What a subclass tells the base class about itself. */
export interface OptimizerDefaults {
  learningRate: number;
  name: string;
  weightDecay?: number | null;
}

/** The class of an optimizer, for fromConfig. */
export type OptimizerClass<T extends Optimizer> = new (options?: OptimizerOptions) => T;

/**
 * Any finite learning rate, as Keras 3.5 takes it: a negative one climbs the loss (gradient
 * ascent), and schedules may give negative rates too.
 */
const LEARNING_RATE_RULE = {} as const;

const BASE_KEYS = [
  "learningRate", "lr", "weightDecay", "clipnorm", "clipvalue", "globalClipnorm", "name", "decay", "useEma", "emaMomentum", "emaOverwriteFrequency",
  "gradientAccumulationSteps", "lossScaleFactor",
];

/** The slot holding a variable's moving average (Keras' `<variable>_average`). */
const AVERAGE_SLOT = "average";
/** The slot summing a variable's gradients between updates (Keras' `<variable>_gradient_accumulator`). */
const ACCUMULATOR_SLOT = "gradient_accumulator";

/** A 0-d tensor of `dtype`, for scalar arithmetic done in the variable's dtype as Keras does. */
export function scalar(value: number, dtype: DType): Tensor {
  return constant(value, [], dtype);
}

/**
 * The base of every optimizer. Subclasses declare their slots (`slotGroups`), implement
 * `updateStep` with ops, and `ownConfig` for their hyperparameters.
 *
 * Optimizer variables, in the order of `variables()`, `getWeights()` and `setWeights()` (Keras'
 * `optimizer.variables`, the order its saved files use):
 * 1. `iteration`: int64 scalar, the number of applyGradients calls so far;
 * 2. `learning_rate`: float32 scalar (absent when the learning rate is a schedule or a function);
 * 3. with useEma, every variable's moving average `<variable name>_average`, and with
 *    gradientAccumulationSteps its `<variable name>_gradient_accumulator`, variable by variable
 *    (Keras' base class creates them before the optimizer's own slots);
 * 4. the slots: for each slot group of the optimizer in turn, for each model variable in the order
 *    the optimizer first saw it, the group's slots of that variable (Adam: `w1_momentum,
 *    w1_velocity, w2_momentum, w2_velocity`, then every `velocity_hat` with amsgrad; RMSprop:
 *    every velocity, then every momentum, then every average_gradient), named
 *    `<variable name>_<slot>`;
 * 5. extra state of the optimizer (Nadam's `u_product`), last as in Keras >= 3.10 (Keras 3.0 to 3.9
 *    created it before the slots: see variablesBeforeKeras310, which loading files also accepts).
 *
 * Slots are created by `build`, or by the first applyGradients for the variables it is given; from
 * then on a variable the optimizer was not built with is refused ("Unknown variable", as Keras 3
 * refuses it), and a later `build` is ignored, as Keras' is.
 */
export abstract class Optimizer {
  /** Keras' class name ("Adam", "SGD"...), written as class_name when serialized. */
  readonly className: string;
  readonly name: string;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  /** Whether a moving average of the variables is kept (Keras' use_ema). */
  readonly useEma: boolean;
  /** The weight of the old average at each step (Keras' ema_momentum). */
  readonly emaMomentum: number;
  /** Every how many steps the variables are overwritten with their averages; null: only by finalizeVariableValues. */
  readonly emaOverwriteFrequency: number | null;
  /** Keras' gradient_accumulation_steps: update every this many calls with the mean gradient; null: every call. */
  readonly gradientAccumulationSteps: number | null;
  private lossScale: number | null;

  private readonly iterationVariable: Variable;
  private learningRateVariable: Variable | null = null;
  private schedule: LearningRateSchedule | null = null;
  private rateFunction: LearningRateFunction | null = null;
  /** Model variables in the order first seen. */
  private readonly tracked: Variable[] = [];
  private readonly slotMap = new Map<Variable, Map<string, Variable>>();
  private readonly excludedVariables = new Set<Variable>();
  private excludedNames: RegExp | null = null;

  protected constructor(className: string, options: OptimizerOptions | undefined, ownKeys: readonly string[], defaults: OptimizerDefaults) {
    this.className = className;
    const o = options ?? {};
    if (typeof o !== "object" || o === null || Array.isArray(o)) {
      throw new TypeError(`${className}: expected an options object, e.g. ${className}({ learningRate: 0.001 }), got ${valueText(options)}`);
    }
    checkKeys(className, o, [...BASE_KEYS, ...ownKeys]);
    if (o.learningRate !== undefined && o.lr !== undefined) {
      throw new TypeError(
        `${className}: got both lr=${describeRate(o.lr)} and learningRate=${describeRate(o.learningRate)}; ` +
          "lr is the old name of learningRate, pass only learningRate",
      );
    }
    if (o.decay !== undefined && o.decay !== null) {
      console.warn(`${className}: argument decay=${o.decay} is no longer supported (Keras 3) and is ignored; use a learning-rate schedule, e.g. optimizers.schedules.ExponentialDecay`);
    }
    this.name = stringOption(className, "name", o.name, defaults.name);
    // A negative decay grows every weight each step (Keras takes it without a word).
    this.weightDecay = nullableNumberOption(className, "weightDecay", o.weightDecay, defaults.weightDecay ?? null, { min: 0 });
    this.clipnorm = nullableNumberOption(className, "clipnorm", o.clipnorm, null, { min: 0 });
    this.clipvalue = nullableNumberOption(className, "clipvalue", o.clipvalue, null, { min: 0 });
    this.globalClipnorm = nullableNumberOption(className, "globalClipnorm", o.globalClipnorm, null, { min: 0 });
    const clips = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length;
    if (clips > 1) {
      throw new TypeError(
        `${className}: only one of clipnorm, clipvalue and globalClipnorm can be set; got clipnorm=${this.clipnorm}, ` +
          `clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm}`,
      );
    }
    this.useEma = booleanOption(className, "useEma", o.useEma, false);
    this.emaMomentum = emaMomentumOption(className, o.emaMomentum);
    this.emaOverwriteFrequency = emaOverwriteFrequencyOption(className, o.emaOverwriteFrequency);
    this.gradientAccumulationSteps = accumulationStepsOption(className, o.gradientAccumulationSteps);
    this.lossScale = lossScaleFactorOption(className, o.lossScaleFactor);
    this.iterationVariable = new Variable(fill([], 0, "int64"), { trainable: false, name: "iteration" });
    // An explicit null reaches checkNumber and is refused, as Keras refuses learning_rate=None; only an absent rate takes the default.
    const rate = o.learningRate !== undefined ? o.learningRate : o.lr !== undefined ? o.lr : defaults.learningRate;
    if (rate instanceof LearningRateSchedule) {
      this.schedule = rate;
    } else if (typeof rate === "function") {
      this.rateFunction = rate;
    } else {
      this.learningRateVariable = new Variable(scalar(checkNumber(className, "learningRate", rate, LEARNING_RATE_RULE), "float32"), {
        trainable: false,
        name: "learning_rate",
      });
    }
  }

  // ---------------------------------------------------------------- what subclasses provide

  /**
   * Slot names in Keras' creation order: groups one after the other, the names of a group
   * interleaved per variable (see the class comment).
   */
  protected abstract slotGroups(): readonly (readonly string[])[];
  /** The initial value of a slot (0; Adagrad's accumulator starts at initialAccumulatorValue). */
  protected slotInitialValue(_slot: string): number {
    return 0;
  }
  /** The shape of a slot: its variable's, unless the optimizer keeps less (Adafactor's factored r and c). */
  protected slotShape(_slot: string, variable: Variable): readonly number[] {
    return variable.shape;
  }
  /**
   * Whether `variable` gets the slot `slot`: every variable gets every slot, unless an optimizer
   * keeps some for some variables only (Muon: the Adam velocity of the variables it steps with AdamW).
   */
  protected hasSlot(_slot: string, _variable: Variable): boolean {
    return true;
  }
  /** The decoupled weight decay of `variable`, null for none: weightDecay, unless the optimizer decays its variables differently (Muon). */
  protected weightDecayOf(_variable: Variable): number | null {
    return this.weightDecay;
  }
  /** Extra state created when variables are first seen (Nadam's u_product). */
  protected buildExtra(_newVariables: readonly Variable[]): void {}
  /** Extra state variables, listed after the slots. */
  protected extraVariables(): Variable[] {
    return [];
  }
  /** Runs once per step after clipping and weight decay, before the update steps (Nadam). */
  protected beforeUpdates(_variables: readonly Variable[]): void {}
  /**
   * Updates one variable (and its slots) from its gradient, already clipped and cast to the
   * variable's dtype. `learningRate` is the float32 learning rate of this step.
   */
  protected abstract updateStep(gradient: Tensor, variable: Variable, learningRate: number): void;
  /** The subclass's entries of getConfig (snake_case, as Keras writes them). */
  protected abstract ownConfig(): ConfigDict;

  // ---------------------------------------------------------------- state

  /**
   * Keras' loss_scale_factor: scaleLoss multiplies the loss by it, applyGradients divides the
   * gradients by it; null: none. Settable, as Keras' attribute is (LossScaleOptimizer sets its
   * inner optimizer's to null, so that the gradients are not unscaled twice).
   */
  get lossScaleFactor(): number | null {
    return this.lossScale;
  }
  set lossScaleFactor(value: number | null) {
    this.lossScale = lossScaleFactorOption(this.className, value);
  }

  /**
   * Number of updates so far (Keras' `iterations`, 0 before the first step): the number of
   * applyGradients calls, divided by gradientAccumulationSteps (rounded down) when set.
   */
  get iterations(): number {
    const calls = this.calls;
    return this.gradientAccumulationSteps ? Math.floor(calls / this.gradientAccumulationSteps) : calls;
  }
  set iterations(value: number) {
    checkNumber(this.className, "iterations", value, { min: 0, integer: true });
    this.calls = value * (this.gradientAccumulationSteps ?? 1);
  }

  /** applyGradients calls so far: the `iteration` variable (Keras' `_iterations`). */
  private get calls(): number {
    return this.iterationVariable.item();
  }
  private set calls(value: number) {
    this.iterationVariable.assign(fill([], value, "int64"));
  }

  /**
   * The learning rate of the current step: the schedule's value at `iterations`, the function's
   * value now (it is called), or the stored float32 value (so 0.001 reads back as
   * 0.0010000000474974513, as in Keras' _get_current_learning_rate).
   */
  get learningRate(): number {
    // Keras' schedules see the calls (_iterations), not the updates, under gradient accumulation.
    if (this.schedule) return this.schedule.call(this.calls);
    if (this.rateFunction) return this.callRateFunction(this.rateFunction);
    return (this.learningRateVariable as Variable).item();
  }
  /**
   * Sets a new learning rate (ReduceLROnPlateau), schedule or function. A number cannot replace a
   * schedule or a function (Keras refuses it too); a schedule or a function replaces the stored
   * learning_rate variable, which leaves variables().
   */
  set learningRate(value: LearningRate) {
    if (value instanceof LearningRateSchedule || typeof value === "function") {
      this.schedule = value instanceof LearningRateSchedule ? value : null;
      this.rateFunction = value instanceof LearningRateSchedule ? null : value;
      this.learningRateVariable = null;
      return;
    }
    if (this.schedule || this.rateFunction) {
      const what = this.schedule ? `a learning-rate schedule (${this.schedule.className})` : "a learning-rate function";
      throw new TypeError(
        `${this.className}: this optimizer was created with ${what}, so its ` +
          "learning rate cannot be set to a number; create the optimizer with a number learningRate to make it settable",
      );
    }
    checkNumber(this.className, "learningRate", value, LEARNING_RATE_RULE);
    (this.learningRateVariable as Variable).assign(scalar(value, "float32"));
  }

  /** The function's learning rate, as a number (it may return a one-element tensor). */
  private callRateFunction(fn: LearningRateFunction): number {
    const value: unknown = fn();
    if (typeof value === "number") return value;
    if (value instanceof Tensor && value.size === 1 && isFloatDType(value.dtype)) return Number(value.item());
    throw new TypeError(
      `${this.className}: the learningRate function must return a number (or a one-element float tensor), got ${describe(value)}; ` +
        "e.g. learningRate: () => 0.01",
    );
  }

  /** The learning-rate function, when the learning rate is one (Keras' callable learning_rate). */
  get learningRateFunction(): LearningRateFunction | null {
    return this.rateFunction;
  }

  /** The schedule, when the learning rate is one. */
  get learningRateSchedule(): LearningRateSchedule | null {
    return this.schedule;
  }

  /**
   * Creates the slots of `variables` (the first applyGradients does it for its variables; call it
   * yourself before setWeights, to restore a saved state). Once built, a call does nothing, as
   * Keras 3.5's build (`if self.built: return` in every optimizer's build): a new set of variables
   * needs a new optimizer.
   */
  build(variables: readonly Variable[]): void {
    if (this.built) return;
    const fresh: Variable[] = [];
    for (const v of variables) {
      if (!(v instanceof Variable)) {
        throw new TypeError(`${this.className}.build: expected Variables (tf.variable(...)), got ${describe(v)}`);
      }
      if (this.slotMap.has(v) || fresh.includes(v)) continue;
      if (!isFloatDType(v.dtype)) {
        throw new TypeError(`${this.className}: variable '${v.name}' is ${v.dtype}; optimizers update float32 or float64 variables only`);
      }
      fresh.push(v);
    }
    if (fresh.length === 0) return;
    const base = (v: Variable): string => v.name.replace(/[/:]/g, "_");
    for (const v of fresh) {
      const slots = new Map<string, Variable>();
      // Keras' base build creates the averages and the accumulators (zeros) before the optimizer's own slots.
      if (this.useEma) slots.set(AVERAGE_SLOT, new Variable(fill(v.shape, 0, v.dtype), { trainable: false, name: `${base(v)}_${AVERAGE_SLOT}` }));
      if (this.gradientAccumulationSteps) {
        slots.set(ACCUMULATOR_SLOT, new Variable(fill(v.shape, 0, v.dtype), { trainable: false, name: `${base(v)}_${ACCUMULATOR_SLOT}` }));
      }
      for (const group of this.slotGroups()) {
        for (const slotName of group) {
          if (!this.hasSlot(slotName, v)) continue;
          slots.set(slotName, new Variable(fill([...this.slotShape(slotName, v)], this.slotInitialValue(slotName), v.dtype), {
            trainable: false,
            name: `${base(v)}_${slotName}`,
          }));
        }
      }
      this.slotMap.set(v, slots);
      this.tracked.push(v);
    }
    this.buildExtra(fresh);
  }

  /** Whether `build` (or a first applyGradients) has created slots for some variable. */
  get built(): boolean {
    return this.tracked.length > 0;
  }

  /** The slot `name` ("momentum", "velocity"...) of a variable, or null if it has none. */
  getSlot(variable: Variable, name: string): Variable | null {
    return this.slotMap.get(variable)?.get(name) ?? null;
  }

  /** For subclasses: the slot of a variable that build() created. */
  protected slot(variable: Variable, name: string): Variable {
    const s = this.slotMap.get(variable)?.get(name);
    if (!s) throw new Error(`${this.className}: variable '${variable.name}' has no slot ${name}; was it built?`);
    return s;
  }

  /** The optimizer's variables in Keras' order (see the class comment). Live: they change as it steps. */
  variables(): Variable[] {
    return [...this.leadingVariables(), ...this.slotVariables(), ...this.extraVariables()];
  }

  /**
   * The variables in the order Keras 3.0 to 3.9 saved them, where that differs from variables()
   * (those versions created Nadam's u_product before the slots; keras-team/keras#21247, in 3.10,
   * moved it last), else null. Loading a file matches its datasets against both orders.
   */
  variablesBeforeKeras310(): Variable[] | null {
    const extras = this.extraVariables();
    if (extras.length === 0) return null;
    return [...this.leadingVariables(), ...extras, ...this.slotVariables()];
  }

  /** iteration, learning_rate, then each variable's average (useEma) and gradient accumulator. */
  private leadingVariables(): Variable[] {
    const out: Variable[] = [this.iterationVariable];
    if (this.learningRateVariable) out.push(this.learningRateVariable);
    for (const v of this.tracked) {
      if (this.useEma) out.push(this.slot(v, AVERAGE_SLOT));
      if (this.gradientAccumulationSteps) out.push(this.slot(v, ACCUMULATOR_SLOT));
    }
    return out;
  }

  private slotVariables(): Variable[] {
    const out: Variable[] = [];
    for (const group of this.slotGroups()) {
      for (const v of this.tracked) {
        const slots = this.slotMap.get(v) as Map<string, Variable>;
        for (const slotName of group) {
          const slot = slots.get(slotName);
          if (slot) out.push(slot);
        }
      }
    }
    return out;
  }

  /** Copies of the values of variables(), in that order. */
  getWeights(): Tensor[] {
    return this.variables().map((v) => constant(v));
  }

  /** Sets the values of variables(), in that order (same shapes; float dtypes are cast). */
  setWeights(weights: readonly Tensor[]): void {
    const vars = this.variables();
    const where = `${this.className}.setWeights`;
    if (!Array.isArray(weights) || weights.length !== vars.length) {
      const n = Array.isArray(weights) ? weights.length : describe(weights);
      throw new RangeError(
        `${where}: got ${n} arrays for ${vars.length} optimizer variables (${vars.map((v) => v.name).join(", ")}); ` +
          "build the optimizer on the model's trainable variables first (optimizer.build(variables)) so that its slots exist",
      );
    }
    weights.forEach((w, i) => {
      const v = vars[i];
      if (!(w instanceof Tensor)) throw new TypeError(`${where}: weight ${i} (${v.name}) is not a tensor: ${describe(w)}`);
      if (!shapesEqual(w.shape, v.shape)) {
        throw new RangeError(`${where}: weight ${i} has shape ${shapeText(w.shape)} but optimizer variable ${v.name} has shape ${shapeText(v.shape)}`);
      }
    });
    weights.forEach((w, i) => vars[i].assign(cast(w as Tensor, vars[i].dtype)));
  }

  /**
   * Keras' exclude_from_weight_decay: variables in `varList`, or whose name contains one of
   * `varNames` (regular expressions), get no weight decay. Call it before the first step.
   */
  excludeFromWeightDecay(opts: { varList?: readonly Variable[]; varNames?: readonly string[] }): void {
    if (this.built) {
      throw new Error(`${this.className}.excludeFromWeightDecay: call it before the optimizer is built (before the first applyGradients)`);
    }
    this.excludedVariables.clear();
    for (const v of opts.varList ?? []) this.excludedVariables.add(v);
    const names = [...new Set(opts.varNames ?? [])];
    this.excludedNames = names.length > 0 ? new RegExp(names.join("|")) : null;
  }

  private useWeightDecay(v: Variable): boolean {
    if (this.excludedVariables.has(v)) return false;
    return !(this.excludedNames && this.excludedNames.test(v.name));
  }

  // ---------------------------------------------------------------- stepping

  /**
   * Keras' scale_loss: the loss times lossScaleFactor (the loss itself when it is null). A custom
   * trainStep calls it on the loss inside the tape, before taking the gradients, and passes those
   * gradients to applyGradients/apply, which divides them by the same factor; log the unscaled loss.
   */
  scaleLoss(loss: Tensor): Tensor;
  scaleLoss(loss: number): number;
  scaleLoss(loss: Tensor | number): Tensor | number {
    if (typeof loss === "number") return this.lossScaleFactor === null ? loss : loss * this.lossScaleFactor;
    if (!(loss instanceof Tensor)) {
      throw new TypeError(`${this.className}.scaleLoss: expected the loss as a Tensor (or a number), got ${describe(loss)}`);
    }
    if (this.lossScaleFactor === null) return loss;
    // Keras: loss * loss_scale_factor, the Python float taken in the loss's dtype.
    return mul(loss, scalar(this.lossScaleFactor, loss.dtype));
  }

  /**
   * One optimizer step over [gradient, variable] pairs (Keras' order). Pairs with a null
   * gradient are skipped with a warning. Returns the number of calls so far (Keras' _iterations: `iterations` unless gradients accumulate).
   */
  applyGradients(pairs: Iterable<GradientPair>): number {
    const where = `${this.className}.applyGradients`;
    if (pairs === null || typeof pairs !== "object" || !(Symbol.iterator in pairs)) {
      throw new TypeError(`${where}: expected an array of [gradient, variable] pairs, got ${describe(pairs)}`);
    }
    const list = Array.from(pairs);
    list.forEach((pair, i) => checkPair(where, pair, i));
    return noGrad(() => this.step(list));
  }

  /**
   * Keras' apply(grads, variables): the same as applyGradients over zipped lists. Without
   * `variables`, the gradients go to the variables the optimizer was built with, in that order
   * (optimizer.build(variables), or its first step). An empty list of gradients does nothing.
   */
  apply(gradients: readonly (Tensor | null | undefined)[], variables?: readonly Variable[] | null): number {
    const where = `${this.className}.apply`;
    if (!Array.isArray(gradients)) {
      throw new TypeError(`${where}: expected a list of gradients (one per variable), got ${describe(gradients)}`);
    }
    if (gradients.length === 0) return this.calls;
    if (variables === undefined || variables === null) {
      if (!this.built) {
        throw new Error(
          `${where}: got gradients without variables, but the optimizer is not built on any variables yet; ` +
            "pass the variables, optimizer.apply(grads, variables), or build it first with optimizer.build(variables)",
        );
      }
      if (gradients.length !== this.tracked.length) {
        throw new RangeError(
          `${where}: got ${gradients.length} gradients without variables, but the optimizer is tracking ${this.tracked.length} ` +
            `variables (${this.tracked.map((v) => v.name).join(", ")}); pass one gradient per variable, in that order, or pass the variables too`,
        );
      }
      variables = this.tracked;
    } else if (!Array.isArray(variables)) {
      throw new TypeError(`${where}: expected variables as a list of Variables, got ${describe(variables)}`);
    }
    if (gradients.length !== variables.length) {
      throw new RangeError(`${where}: got ${gradients.length} gradients for ${variables.length} variables; pass one gradient per variable`);
    }
    const vars = variables;
    return this.applyGradients(gradients.map((g, i) => [g, vars[i]] as const));
  }

  private step(pairs: GradientPair[]): number {
    if (pairs.length === 0) return this.calls;
    // Keras: the first step builds the optimizer; afterwards it only takes the variables it was built with.
    if (this.built) this.checkVariablesAreKnown(pairs.map((p) => p[1]));
    else this.build(pairs.map((p) => p[1]));
    const grads: Tensor[] = [];
    const vars: Variable[] = [];
    const missing: string[] = [];
    for (const [g, v] of pairs) {
      if (g === null || g === undefined) missing.push(v.name);
      else {
        grads.push(g);
        vars.push(v);
      }
    }
    if (grads.length === 0) {
      throw new Error(
        `${this.className}.applyGradients: no gradients provided for any variable (${missing.join(", ")}); ` +
          "check that the loss depends on the variables and that the tape watched them",
      );
    }
    if (missing.length > 0) {
      console.warn(
        `${this.className}: gradients do not exist for variables [${missing.join(", ")}] when minimizing the loss; ` +
          "they were not updated. If using model.compile(), did you forget to provide a loss?",
      );
    }
    grads.forEach((g, i) => {
      const v = vars[i];
      if (!shapesEqual(g.shape, v.shape)) {
        throw new RangeError(
          `${this.className}.applyGradients: the gradient for variable '${v.name}' has shape ${shapeText(g.shape)} but the ` +
            `variable has shape ${shapeText(v.shape)}; pass [gradient, variable] pairs where each gradient was computed for its own variable`,
        );
      }
      if (!isFloatDType(g.dtype)) {
        throw new TypeError(`${this.className}.applyGradients: the gradient for variable '${v.name}' is ${g.dtype}; gradients must be float32 or float64`);
      }
    });
    // Keras' apply unscales the gradients (g / loss_scale_factor, in the gradient's dtype) before
    // _backend_apply_gradients accumulates, clips and decays.
    const scale = this.lossScaleFactor;
    if (scale !== null) grads.forEach((g, i) => { grads[i] = div(g, scalar(scale, g.dtype)); });
    const steps = this.gradientAccumulationSteps;
    if (!steps) {
      this.update(grads, vars);
    } else if ((this.calls + 1) % steps === 0) {
      // Keras' _update_step_fn: (g + accumulated) / steps, one update, every accumulator reset.
      const mean = grads.map((g, i) => {
        const v = vars[i];
        return div(add(cast(g, v.dtype), this.slot(v, ACCUMULATOR_SLOT)), scalar(steps, v.dtype));
      });
      this.update(mean, vars);
      for (const v of this.tracked) this.slot(v, ACCUMULATOR_SLOT).assign(fill(v.shape, 0, v.dtype));
    } else {
      vars.forEach((v, i) => {
        const acc = this.slot(v, ACCUMULATOR_SLOT);
        acc.assignOwned(add(cast(grads[i], v.dtype), acc));
      });
    }
    if (this.useEma) this.updateMovingAverages();
    const next = this.calls + 1;
    this.calls = next;
    // Keras' apply ends with the constraints of the variables given, after the moving averages
    // (which so average the unconstrained values) and the iteration count.
    for (const v of vars) if (v.constraint) v.assign(v.constraint.call(v));
    return next;
  }

  /** Clipping, weight decay and the optimizer's update step: one update of `vars`. */
  private update(grads: Tensor[], vars: Variable[]): void {
    const clipped = this.clipGradients(grads);
    const lr = this.learningRate;
    for (const v of vars) {
      const wd = this.weightDecayOf(v);
      if (wd !== null && this.useWeightDecay(v)) v.assign(sub(v, mul(mul(v, wd), lr)));
    }
    this.beforeUpdates(vars);
    vars.forEach((v, i) => this.updateStep(cast(clipped[i], v.dtype), v, lr));
  }

  /** Keras' _check_variables_are_known: a built optimizer refuses variables it has no state for. */
  private checkVariablesAreKnown(variables: readonly Variable[]): void {
    const unknown = variables.find((v) => !this.slotMap.has(v));
    if (unknown === undefined) return;
    const known = this.tracked.map((v) => v.name);
    throw new Error(
      `${this.className}: Unknown variable: '${unknown.name}' of shape ${shapeText(unknown.shape)}. This optimizer can only be called for the ` +
        `variables it was originally built with (${known.length}: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""}). ` +
        "When working with a new set of variables, create a new optimizer; e.g. after unfreezing layers, compile again with a new " +
        "optimizer (model.compile({ optimizer: optimizers.SGD({ learningRate: 0.001 }), ... }))",
    );
  }

  /**
   * Keras' _update_model_variables_moving_average over every variable the optimizer was built
   * with, then, every emaOverwriteFrequency steps, _overwrite_model_variables_with_average_value:
   * `average = m * average + (1 - m) * w` in the variable's dtype, with m = 0 on the first step.
   */
  private updateMovingAverages(): void {
    const iteration = this.iterations;
    for (const v of this.tracked) {
      const average = this.slot(v, AVERAGE_SLOT);
      const m = iteration === 0 ? 0 : inDType(this.emaMomentum, v.dtype);
      // 1 - m as the variable's dtype computes it (Keras: 1 - cast(not_first_step) * ema_momentum).
      const rest = inDType(1 - m, v.dtype);
      average.assignOwned(add(mul(average, scalar(m, v.dtype)), mul(v, scalar(rest, v.dtype))));
    }
    if (this.emaOverwriteFrequency !== null && (iteration + 1) % this.emaOverwriteFrequency === 0) {
      for (const v of this.tracked) v.assign(this.slot(v, AVERAGE_SLOT));
    }
  }

  /**
   * Keras' finalize_variable_values, which fit calls when training ends: with useEma, each of
   * `variables` takes the value of its moving average. Variables the optimizer never updated
   * (no average yet) are left as they are, as is everything before the first step.
   */
  finalizeVariableValues(variables: readonly Variable[]): void {
    if (!this.useEma || this.calls === 0) return;
    noGrad(() => {
      for (const v of variables) {
        if (!(v instanceof Variable)) {
          throw new TypeError(`${this.className}.finalizeVariableValues: expected the model's Variables (model.trainableWeights), got ${describe(v)}`);
        }
        const average = this.getSlot(v, AVERAGE_SLOT);
        if (average) v.assign(average);
      }
    });
  }

  /**
   * Keras' SwapEMAWeights: each of `variables` and its moving average exchange values, so that
   * the model can be evaluated (or saved) with the averages and put back afterwards. Variables
   * without an average yet (never updated) are left as they are. `who` names the caller in errors.
   */
  swapVariablesWithAverages(variables: readonly Variable[], who = `${this.className}.swapVariablesWithAverages`): void {
    this.requireEma(who);
    noGrad(() => {
      for (const v of variables) {
        const average = this.getSlot(v, AVERAGE_SLOT);
        if (!average) continue;
        const held = clone(v);
        v.assign(average);
        average.assignOwned(held);
      }
    });
  }

  /**
   * Each moving average takes its variable's value: SwapEMAWeights does this when the averages
   * sit in the model at the end of the last epoch, so that fit's finalizeVariableValues leaves them there.
   */
  copyVariablesToAverages(variables: readonly Variable[], who = `${this.className}.copyVariablesToAverages`): void {
    this.requireEma(who);
    noGrad(() => {
      for (const v of variables) this.getSlot(v, AVERAGE_SLOT)?.assign(v);
    });
  }

  private requireEma(who: string): void {
    if (!this.useEma) {
      throw new Error(`${who}: the optimizer ${this.className} keeps no moving averages of the weights (useEma is false); create it with useEma: true, e.g. optimizers.SGD({ learningRate: 0.01, useEma: true })`);
    }
  }

  private clipGradients(grads: Tensor[]): Tensor[] {
    if (this.clipnorm !== null && this.clipnorm > 0) {
      const c = this.clipnorm;
      // g * c / max(||g||, c): unchanged when the norm is at most c.
      return grads.map((g) => div(mul(g, c), maximum(sqrt(sum(square(g))), c)));
    }
    if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
      const c = this.globalClipnorm;
      const dtype = grads[0].dtype;
      let total: Tensor | null = null;
      for (const g of grads) {
        const s = cast(sum(square(g)), dtype);
        total = total === null ? s : add(total, s);
      }
      const norm = sqrt(total as Tensor);
      // c * min(1 / norm, 1 / c), plus (norm - norm) so that an infinite or NaN norm gives NaN.
      const scale = add(mul(minimum(div(1, norm), 1 / c), c), sub(norm, norm));
      return grads.map((g) => mul(g, cast(scale, g.dtype)));
    }
    if (this.clipvalue !== null && this.clipvalue > 0) {
      const c = this.clipvalue;
      return grads.map((g) => clipByValue(g, -c, c));
    }
    return grads;
  }

  // ---------------------------------------------------------------- serialization

  /** Keras' get_config: snake_case keys in Keras' order, the learning rate as stored (float32). */
  getConfig(): ConfigDict {
    // Keras 3.5 writes a callable learning rate with serialize_keras_object: a named function by name.
    const learningRate: ConfigValue = this.rateFunction
      ? serializeRateFunction(this.rateFunction, `${this.className}.getConfig`)
      : this.schedule
        ? serializeSchedule(this.schedule)
        : (this.learningRateVariable as Variable).item();
    return {
      name: this.name,
      learning_rate: learningRate,
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: this.useEma,
      ema_momentum: this.emaMomentum,
      ema_overwrite_frequency: this.emaOverwriteFrequency,
      loss_scale_factor: this.lossScaleFactor,
      gradient_accumulation_steps: this.gradientAccumulationSteps,
      ...this.ownConfig(),
    };
  }

  /** The optimizer described by a Keras config (snake_case keys, as getConfig writes them). */
  static fromConfig<T extends Optimizer>(this: OptimizerClass<T>, config: ConfigDict): T {
    return new this(optionsFromConfig(config));
  }
}

/** Keras' snake_case optimizer config as camelCase options (loss_scale_factor -> lossScaleFactor...). */
export function optionsFromConfig(config: ConfigDict): OptimizerOptions {
  if (!isConfigDict(config)) throw new TypeError(`fromConfig: expected a config object, got ${describe(config)}`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    switch (key) {
      case "ema_overwrite_frequency":
        // Keras takes 0 as None (`if ema_overwrite_frequency and ...`).
        out.emaOverwriteFrequency = value === 0 ? null : value;
        break;
      case "jit_compile":
      case "is_legacy_optimizer":
        break; // tf.keras 2 bookkeeping
      case "gradient_accumulation_steps":
        // Keras takes 0 as None (`if gradient_accumulation_steps:`).
        out.gradientAccumulationSteps = value === 0 ? null : value;
        break;
      case "learning_rate":
        out.learningRate = isRateFunctionConfig(value)
          ? (deserializeRateFunction(value, "fromConfig: learning_rate") as LearningRateFunction)
          : isConfigDict(value) ? deserializeSchedule(value) : value;
        break;
      default:
        out[snakeToCamel(key)] = value;
    }
  }
  return out as OptimizerOptions;
}

/** Keras' serialized form of an optimizer: `{ module: "keras.optimizers", class_name, config, registered_name }`. */
export function serializeOptimizer(optimizer: Optimizer): SerializedConfig {
  return { module: "keras.optimizers", class_name: optimizer.className, config: optimizer.getConfig(), registered_name: null };
}

function checkPair(where: string, pair: unknown, i: number): void {
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new TypeError(`${where}: element ${i} is not a [gradient, variable] pair: ${describe(pair)}`);
  }
  const [g, v] = pair as unknown[];
  if (!(v instanceof Variable)) {
    if (g instanceof Variable && v instanceof Tensor) {
      throw new TypeError(`${where}: pair ${i} is [variable '${g.name}', gradient]; Keras' order is [gradient, variable]`);
    }
    throw new TypeError(`${where}: the second element of pair ${i} must be a Variable (tf.variable(...)), got ${describe(v)}`);
  }
  if (g !== null && g !== undefined && !(g instanceof Tensor)) {
    throw new TypeError(`${where}: the gradient of pair ${i} (variable '${v.name}') must be a Tensor or null, got ${describe(g)}`);
  }
}

function describe(x: unknown): string {
  if (x instanceof Tensor) return `a ${x.dtype} tensor of shape ${shapeText(x.shape)}`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (x === null) return "null";
  return typeof x === "object" ? (x.constructor?.name ?? "an object") : `${typeof x} ${String(x)}`;
}

function emaMomentumOption(className: string, value: unknown): number {
  if (value === undefined) return 0.99;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new RangeError(
      `${className}: emaMomentum must be a number in [0, 1] (the weight of the old average in average = m * average + (1 - m) * w), ` +
        `got ${describeValue(value)}; Keras' default is 0.99`,
    );
  }
  return value;
}

function emaOverwriteFrequencyOption(className: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `${className}: emaOverwriteFrequency must be a positive integer (overwrite the weights with their averages every that many steps) ` +
        `or null (only when fit ends), got ${describeValue(value)}`,
    );
  }
  return value;
}

function accumulationStepsOption(className: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 2) {
    throw new RangeError(
      `${className}: gradientAccumulationSteps must be an integer >= 2 (update every that many steps with the mean gradient) ` +
        `or null (update at every step), got ${describeValue(value)}`,
    );
  }
  return value;
}

function lossScaleFactorOption(className: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `${className}: lossScaleFactor must be a positive finite number (the loss is multiplied by it and the gradients divided by it), ` +
        `or null for no loss scaling, got ${describeValue(value)}; e.g. ${className}({ lossScaleFactor: 1024 })`,
    );
  }
  return value;
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "object" && value !== null ? describe(value) : String(value);
}

function describeRate(r: LearningRate): string {
  return r instanceof LearningRateSchedule ? r.className : typeof r === "function" ? "a function" : String(r);
}
