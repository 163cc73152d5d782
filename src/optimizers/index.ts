/**
 * The `optimizers` namespace (keras.optimizers): `optimizers.Adam({ learningRate: 1e-3 })`
 * (with or without `new`), `optimizers.get("adam")`, `optimizers.schedules.ExponentialDecay({...})`.
 */
import { serializeOptimizer } from "./optimizer.js";
import { SGD as SGDClass } from "./sgd.js";
import { RMSprop as RMSpropClass } from "./rmsprop.js";
import { Adam as AdamClass } from "./adam.js";
import { AdamW as AdamWClass } from "./adamw.js";
import { Adagrad as AdagradClass } from "./adagrad.js";
import { Adadelta as AdadeltaClass } from "./adadelta.js";
import { Adamax as AdamaxClass } from "./adamax.js";
import { Nadam as NadamClass } from "./nadam.js";
import { Lion as LionClass } from "./lion.js";
import { Lamb as LambClass } from "./lamb.js";
import { Ftrl as FtrlClass } from "./ftrl.js";
import { Adafactor as AdafactorClass } from "./adafactor.js";
import { Muon as MuonClass } from "./muon.js";
import { ScheduleFreeAdamW as ScheduleFreeAdamWClass } from "./schedule_free_adamw.js";
import { LossScaleOptimizer as LossScaleOptimizerClass } from "./loss_scale_optimizer.js";
import { MultiOptimizer as MultiOptimizerClass, OptimizerMap as OptimizerMapClass } from "./multi_optimizer.js";
import { registerOptimizer } from "./registry.js";
import * as schedulesModule from "./schedules.js";

export { Optimizer, type OptimizerOptions, type LearningRate, type GradientPair, type OptimizerDefaults, type OptimizerClass } from "./optimizer.js";
export type { SGDOptions } from "./sgd.js";
export type { RMSpropOptions } from "./rmsprop.js";
export type { AdamOptions } from "./adam.js";
export type { AdamWOptions } from "./adamw.js";
export type { AdagradOptions } from "./adagrad.js";
export type { AdadeltaOptions } from "./adadelta.js";
export type { AdamaxOptions } from "./adamax.js";
export type { NadamOptions } from "./nadam.js";
export type { LionOptions } from "./lion.js";
export type { LambOptions } from "./lamb.js";
export type { FtrlOptions } from "./ftrl.js";
export type { AdafactorOptions } from "./adafactor.js";
export type { MuonOptions } from "./muon.js";
export type { ScheduleFreeAdamWOptions } from "./schedule_free_adamw.js";
export type { LossScaleOptimizerOptions } from "./loss_scale_optimizer.js";
export type { MultiOptimizerOptions, OptimizerSelector } from "./multi_optimizer.js";
export type { ConfigDict, ConfigValue, SerializedObject, SerializedConfig } from "./config.js";

/** A class that can also be called without `new`, as Keras' constructors are: `SGD({...})`. */
export type CallableClass<C extends abstract new (...args: never[]) => object> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

function callable<C extends new (...args: never[]) => object>(cls: C): CallableClass<C> {
  function Factory(this: unknown, ...args: ConstructorParameters<C>): InstanceType<C> {
    // With `new` (also from a subclass) construct for new.target; without, construct cls.
    return Reflect.construct(cls, args, new.target ?? cls) as InstanceType<C>;
  }
  Object.setPrototypeOf(Factory, cls); // statics (fromConfig) through the prototype chain
  Factory.prototype = cls.prototype; // instanceof works with either name
  Object.defineProperty(Factory, "name", { value: cls.name });
  return Factory as unknown as CallableClass<C>;
}

export const SGD = callable(SGDClass);
export type SGD = SGDClass;
export const RMSprop = callable(RMSpropClass);
export type RMSprop = RMSpropClass;
export const Adam = callable(AdamClass);
export type Adam = AdamClass;
export const AdamW = callable(AdamWClass);
export type AdamW = AdamWClass;
export const Adagrad = callable(AdagradClass);
export type Adagrad = AdagradClass;
export const Adadelta = callable(AdadeltaClass);
export type Adadelta = AdadeltaClass;
export const Adamax = callable(AdamaxClass);
export type Adamax = AdamaxClass;
export const Nadam = callable(NadamClass);
export type Nadam = NadamClass;
export const Lion = callable(LionClass);
export type Lion = LionClass;
export const Lamb = callable(LambClass);
export type Lamb = LambClass;
export const Ftrl = callable(FtrlClass);
export type Ftrl = FtrlClass;
export const Adafactor = callable(AdafactorClass);
export type Adafactor = AdafactorClass;
export const Muon = callable(MuonClass);
export type Muon = MuonClass;
export const ScheduleFreeAdamW = callable(ScheduleFreeAdamWClass);
export type ScheduleFreeAdamW = ScheduleFreeAdamWClass;
export const LossScaleOptimizer = callable(LossScaleOptimizerClass);
export type LossScaleOptimizer = LossScaleOptimizerClass;
export const MultiOptimizer = callable(MultiOptimizerClass);
export type MultiOptimizer = MultiOptimizerClass;
export const OptimizerMap = callable(OptimizerMapClass);
export type OptimizerMap = OptimizerMapClass;

/** keras.optimizers.schedules. */
export namespace schedules {
  export const LearningRateSchedule = schedulesModule.LearningRateSchedule;
  export type LearningRateSchedule = schedulesModule.LearningRateSchedule;
  export const ExponentialDecay = callable(schedulesModule.ExponentialDecay);
  export type ExponentialDecay = schedulesModule.ExponentialDecay;
  export const PiecewiseConstantDecay = callable(schedulesModule.PiecewiseConstantDecay);
  export type PiecewiseConstantDecay = schedulesModule.PiecewiseConstantDecay;
  export const CosineDecay = callable(schedulesModule.CosineDecay);
  export type CosineDecay = schedulesModule.CosineDecay;
  export const InverseTimeDecay = callable(schedulesModule.InverseTimeDecay);
  export type InverseTimeDecay = schedulesModule.InverseTimeDecay;
  export const PolynomialDecay = callable(schedulesModule.PolynomialDecay);
  export type PolynomialDecay = schedulesModule.PolynomialDecay;
  export const CosineDecayRestarts = callable(schedulesModule.CosineDecayRestarts);
  export type CosineDecayRestarts = schedulesModule.CosineDecayRestarts;
  export type ExponentialDecayOptions = schedulesModule.ExponentialDecayOptions;
  export type PiecewiseConstantDecayOptions = schedulesModule.PiecewiseConstantDecayOptions;
  export type CosineDecayOptions = schedulesModule.CosineDecayOptions;
  export type InverseTimeDecayOptions = schedulesModule.InverseTimeDecayOptions;
  export type PolynomialDecayOptions = schedulesModule.PolynomialDecayOptions;
  export type CosineDecayRestartsOptions = schedulesModule.CosineDecayRestartsOptions;
  export const serialize = schedulesModule.serialize;
  export const deserialize = schedulesModule.deserialize;
}

// Keras' identifiers (lower-case class names) and their classes, for get and deserialize.
registerOptimizer("SGD", (c) => SGDClass.fromConfig(c));
registerOptimizer("RMSprop", (c) => RMSpropClass.fromConfig(c));
registerOptimizer("Adam", (c) => AdamClass.fromConfig(c));
registerOptimizer("AdamW", (c) => AdamWClass.fromConfig(c));
registerOptimizer("Adagrad", (c) => AdagradClass.fromConfig(c));
registerOptimizer("Adadelta", (c) => AdadeltaClass.fromConfig(c));
registerOptimizer("Adamax", (c) => AdamaxClass.fromConfig(c));
registerOptimizer("Nadam", (c) => NadamClass.fromConfig(c));
registerOptimizer("Lion", (c) => LionClass.fromConfig(c));
registerOptimizer("Lamb", (c) => LambClass.fromConfig(c));
registerOptimizer("Ftrl", (c) => FtrlClass.fromConfig(c));
registerOptimizer("Adafactor", (c) => AdafactorClass.fromConfig(c));
registerOptimizer("Muon", (c) => MuonClass.fromConfig(c));
registerOptimizer("ScheduleFreeAdamW", (c) => ScheduleFreeAdamWClass.fromConfig(c));
registerOptimizer("LossScaleOptimizer", (c) => LossScaleOptimizerClass.fromConfig(c));
registerOptimizer("MultiOptimizer", (c) => MultiOptimizerClass.fromConfig(c));

export { deserialize, get, optimizerNames, type OptimizerIdentifier } from "./registry.js";

/** Keras' serialized form `{ module, class_name, config, registered_name }`. */
export const serialize = serializeOptimizer;
