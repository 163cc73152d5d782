/**
 * keras.optimizers.LossScaleOptimizer (keras/src/optimizers/loss_scale_optimizer.py): dynamic loss
 * scaling around another optimizer. The train step multiplies the loss by the current scale
 * (scaleLoss); a step whose gradients are all finite is unscaled and handed to the inner optimizer,
 * one with an inf or NaN is skipped and halves the scale; every dynamicGrowthSteps finite steps in
 * a row double it. It exists for float16 training, and works the same on float32.
 */
import { Tensor } from "../tensor/tensor.js";
import { Variable } from "../tensor/variable.js";
import { fill } from "../tensor/creation.js";
import { noGrad } from "../ops/engine.js";
import { cast, div, isFinite, mul } from "../ops/math.js";
import { all } from "../ops/reduce.js";
import { valueText } from "../tensor/value_text.js";
import { type ConfigDict, checkKeys, isConfigDict, numberOption } from "./config.js";
import { type GradientPair, type LearningRate, Optimizer, type OptimizerOptions, scalar, serializeOptimizer } from "./optimizer.js";
import { deserialize } from "./registry.js";
import { WrapperOptimizer } from "./wrapper_optimizer.js";

export interface LossScaleOptimizerOptions {
  /** The loss scale to start from (a positive number; a high power of 2). Default 2 ** 15. */
  initialScale?: number;
  /** Double the scale after this many finite steps in a row (a positive integer). Default 2000. */
  dynamicGrowthSteps?: number;
  /** Default "loss_scale_optimizer". */
  name?: string;
}

// The base options Keras' LossScaleOptimizer still accepts from old configs, only at their defaults.
const LEGACY_DEFAULTS: Readonly<Record<string, unknown>> = {
  weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null, use_ema: false, ema_momentum: 0.99,
  ema_overwrite_frequency: null, loss_scale_factor: null, gradient_accumulation_steps: null,
};

/**
 * LossScaleOptimizer(innerOptimizer, { initialScale = 2 ** 15, dynamicGrowthSteps = 2000 }). Its
 * learning rate and iterations are the inner optimizer's; its variables, in Keras' order, are its
 * own iteration and learning_rate (unused, as in Keras), `step_counter` (int64) and
 * `dynamic_scale` (float32), then the inner optimizer's. The inner optimizer's lossScaleFactor is
 * switched off, as Keras does, so that the gradients are not unscaled twice.
 */
export class LossScaleOptimizer extends WrapperOptimizer {
  readonly innerOptimizer: Optimizer;
  readonly initialScale: number;
  readonly dynamicGrowthSteps: number;
  private stepCounter: Variable | null = null;
  private dynamicScale: Variable | null = null;

  constructor(innerOptimizer: Optimizer, options: LossScaleOptimizerOptions = {}) {
    const k = "LossScaleOptimizer";
    if (!(innerOptimizer instanceof Optimizer)) {
      throw new TypeError(`${k}: expected the optimizer to wrap, e.g. LossScaleOptimizer(optimizers.SGD()), got ${valueText(innerOptimizer)}`);
    }
    if (innerOptimizer instanceof LossScaleOptimizer) throw new TypeError(`${k}: the inner optimizer is already a LossScaleOptimizer`);
    const o = options ?? {};
    checkKeys(k, o, ["initialScale", "dynamicGrowthSteps", "name"]);
    // Keras' super().__init__(learning_rate=0.0, name=name): an unused learning_rate variable of its own.
    super(k, { learningRate: 0, name: o.name } satisfies OptimizerOptions, [], { learningRate: 0, name: "loss_scale_optimizer" });
    this.innerOptimizer = innerOptimizer;
    this.initialScale = numberOption(k, "initialScale", o.initialScale, 2 ** 15, { min: 0, exclusiveMin: true });
    this.dynamicGrowthSteps = numberOption(k, "dynamicGrowthSteps", o.dynamicGrowthSteps, 2000, { min: 1, integer: true });
    innerOptimizer.lossScaleFactor = null;
  }

  /** The current loss scale (initialScale before the first step). */
  get scale(): number {
    return this.dynamicScale === null ? this.initialScale : this.dynamicScale.item();
  }

  /** Finite steps since the scale last changed. */
  get stepsSinceScaleChange(): number {
    return this.stepCounter === null ? 0 : this.stepCounter.item();
  }

  override get built(): boolean {
    return this.stepCounter !== null;
  }

  /** Creates step_counter and dynamic_scale, and builds the inner optimizer. */
  override build(variables: readonly Variable[]): void {
    if (this.built) return;
    this.stepCounter = new Variable(fill([], 0, "int64"), { trainable: false, name: "step_counter" });
    this.dynamicScale = new Variable(scalar(this.initialScale, "float32"), { trainable: false, name: "dynamic_scale" });
    this.innerOptimizer.build(variables);
    this.builtWith = [...variables];
  }

  /** Its own variables: iteration and learning_rate, then (once built) step_counter and dynamic_scale. */
  private ownVariables(): Variable[] {
    const own = super.variables();
    if (this.stepCounter !== null && this.dynamicScale !== null) own.push(this.stepCounter, this.dynamicScale);
    return own;
  }

  override variables(): Variable[] {
    return [...this.ownVariables(), ...this.innerOptimizer.variables()];
  }

  /** Its own variables, then the inner optimizer's in the order Keras 3.0 to 3.9 saved them (Nadam's differs). */
  override variablesBeforeKeras310(): Variable[] | null {
    const inner = this.innerOptimizer.variablesBeforeKeras310();
    return inner === null ? null : [...this.ownVariables(), ...inner];
  }

  override getSlot(variable: Variable, name: string): Variable | null {
    return this.innerOptimizer.getSlot(variable, name);
  }

  override get iterations(): number {
    return this.innerOptimizer.iterations;
  }
  override set iterations(value: number) {
    this.innerOptimizer.iterations = value;
  }

  override get learningRate(): number {
    return this.innerOptimizer.learningRate;
  }
  override set learningRate(value: LearningRate) {
    this.innerOptimizer.learningRate = value;
  }

  /** Keras' scale_loss: the loss times the current scale (initialScale before the first step). */
  override scaleLoss(loss: Tensor): Tensor;
  override scaleLoss(loss: number): number;
  override scaleLoss(loss: Tensor | number): Tensor | number {
    if (typeof loss === "number") return loss * this.scale;
    if (!(loss instanceof Tensor)) throw new TypeError(`LossScaleOptimizer.scaleLoss: expected the loss as a Tensor (or a number), got ${valueText(loss)}`);
    return mul(loss, scalar(this.scale, loss.dtype));
  }

  /**
   * Keras' apply: with every gradient finite, the gradients divided by the scale go to the inner
   * optimizer and the scale doubles once dynamicGrowthSteps such steps have passed; otherwise the
   * step is skipped (the inner optimizer does not count it) and the scale halves. Returns the inner
   * optimizer's iterations.
   */
  override applyGradients(pairs: Iterable<GradientPair>): number {
    const list = Array.from(pairs);
    if (!this.built) this.build(list.map((p) => p[1]));
    noGrad(() => {
      const counter = this.stepCounter as Variable, scaleVar = this.dynamicScale as Variable;
      // Keras' check_finite: every gradient given (null ones aside) holds only finite values.
      const finite = list.every(([g]) => !(g instanceof Tensor) || Boolean(all(isFinite(g)).item()));
      if (!finite) {
        counter.assign(fill([], 0, "int64"));
        scaleVar.assign(mul(scaleVar, 0.5));
        return;
      }
      const unscaled = list.map(([g, v]) => [g instanceof Tensor ? div(g, cast(scaleVar, g.dtype)) : g, v] as const);
      this.innerOptimizer.applyGradients(unscaled);
      if (counter.item() === this.dynamicGrowthSteps - 1) {
        counter.assign(fill([], 0, "int64"));
        scaleVar.assign(mul(scaleVar, 2));
      } else {
        counter.assign(fill([], counter.item() + 1, "int64"));
      }
    });
    return this.iterations;
  }

  override finalizeVariableValues(variables: readonly Variable[]): void {
    this.innerOptimizer.finalizeVariableValues(variables);
  }

  /** Keras' keys: name, inner_optimizer (serialized), initial_scale, dynamic_growth_steps. */
  override getConfig(): ConfigDict {
    return {
      name: this.name, inner_optimizer: serializeOptimizer(this.innerOptimizer), initial_scale: this.initialScale, dynamic_growth_steps: this.dynamicGrowthSteps,
    };
  }

  /** From Keras' config; the base options older Keras versions wrote are taken at their defaults only. */
  static override fromConfig<T extends Optimizer>(config: ConfigDict): T {
    const k = "LossScaleOptimizer";
    if (!isConfigDict(config)) throw new TypeError(`${k}.fromConfig: expected a config object, got ${valueText(config)}`);
    const { inner_optimizer: inner, initial_scale: initialScale, dynamic_growth_steps: growth, name, dynamic, ...rest } = config;
    if (dynamic === false) {
      throw new RangeError(`${k}: dynamic=false is no longer supported (Keras 3); set lossScaleFactor on the inner optimizer instead`);
    }
    for (const [key, value] of Object.entries(rest)) {
      if (!Object.hasOwn(LEGACY_DEFAULTS, key)) throw new RangeError(`${k}: unknown config key "${key}"; the keys it takes are "name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"`);
      if (value !== LEGACY_DEFAULTS[key]) throw new RangeError(`${k} does not support ${key}=${valueText(value)}; set it on the inner optimizer`);
    }
    if (!isConfigDict(inner)) throw new TypeError(`${k}.fromConfig: inner_optimizer must be a serialized optimizer { class_name, config }, got ${valueText(inner)}`);
    const opts: LossScaleOptimizerOptions = {};
    if (initialScale !== undefined) opts.initialScale = initialScale as number;
    if (growth !== undefined) opts.dynamicGrowthSteps = growth as number;
    if (name !== undefined && name !== null) opts.name = name as string;
    return new LossScaleOptimizer(deserialize(inner), opts) as unknown as T;
  }
}
