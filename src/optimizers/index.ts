/**
 * The `optimizers` namespace (keras.optimizers): `optimizers.Adam({ learningRate: 1e-3 })`
 * (with or without `new`), `optimizers.get("adam")`, `optimizers.schedules.ExponentialDecay({...})`.
 */
import { Optimizer, serializeOptimizer } from "./optimizer.js";
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
import { type ConfigDict, type SerializedObject, isConfigDict } from "./config.js";
import * as schedulesModule from "./schedules.js";
import { valueText } from "../tensor/value_text.js";

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

/** Keras' identifiers (lower-case class names) and their classes. */
const OPTIMIZERS: Record<string, { className: string; fromConfig(config: ConfigDict): Optimizer }> = {
  sgd: { className: "SGD", fromConfig: (c) => SGDClass.fromConfig(c) },
  rmsprop: { className: "RMSprop", fromConfig: (c) => RMSpropClass.fromConfig(c) },
  adam: { className: "Adam", fromConfig: (c) => AdamClass.fromConfig(c) },
  adamw: { className: "AdamW", fromConfig: (c) => AdamWClass.fromConfig(c) },
  adagrad: { className: "Adagrad", fromConfig: (c) => AdagradClass.fromConfig(c) },
  adadelta: { className: "Adadelta", fromConfig: (c) => AdadeltaClass.fromConfig(c) },
  adamax: { className: "Adamax", fromConfig: (c) => AdamaxClass.fromConfig(c) },
  nadam: { className: "Nadam", fromConfig: (c) => NadamClass.fromConfig(c) },
  lion: { className: "Lion", fromConfig: (c) => LionClass.fromConfig(c) },
  lamb: { className: "Lamb", fromConfig: (c) => LambClass.fromConfig(c) },
  ftrl: { className: "Ftrl", fromConfig: (c) => FtrlClass.fromConfig(c) },
  adafactor: { className: "Adafactor", fromConfig: (c) => AdafactorClass.fromConfig(c) },
  muon: { className: "Muon", fromConfig: (c) => MuonClass.fromConfig(c) },
  schedulefreeadamw: { className: "ScheduleFreeAdamW", fromConfig: (c) => ScheduleFreeAdamWClass.fromConfig(c) },
};

/** The names optimizers.get accepts (case does not matter). */
export const optimizerNames: readonly string[] = Object.keys(OPTIMIZERS);

/** What optimizers.get accepts: a name ("adam"), a serialized `{ class_name, config }`, or an optimizer. */
export type OptimizerIdentifier = string | SerializedObject | Optimizer;

/** Keras' serialized form `{ module, class_name, config, registered_name }`. */
export const serialize = serializeOptimizer;

/** The optimizer described by `{ class_name, config }` (class names are case-insensitive, as in Keras). */
export function deserialize(obj: SerializedObject | ConfigDict): Optimizer {
  const className = isConfigDict(obj) ? obj.class_name : undefined;
  const config = isConfigDict(obj) ? (obj.config ?? {}) : undefined;
  if (typeof className !== "string" || !isConfigDict(config)) {
    throw new TypeError(`optimizers.deserialize: expected { class_name, config }, got ${valueText(obj)}`);
  }
  return lookup(className, "optimizers.deserialize").fromConfig(config);
}

/**
 * keras.optimizers.get: a new optimizer with Keras' defaults for a name ("sgd", "rmsprop", "adam",
 * "adamw", "adagrad", "adadelta", "adamax", "nadam", "lion", "lamb", "ftrl", "adafactor", "muon", "schedulefreeadamw"; any case), one from a serialized config, or
 * the optimizer itself.
 */
export function get(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === "string") return lookup(identifier, "optimizers.get").fromConfig({});
  if (isConfigDict(identifier)) return deserialize(identifier);
  throw new TypeError(
    `optimizers.get: could not interpret optimizer identifier ${String(identifier)}; pass a name (${optimizerNames.join(", ")}), ` +
      "an optimizer such as optimizers.Adam({ learningRate: 1e-3 }), or a { class_name, config } object",
  );
}

function lookup(name: string, where: string): { className: string; fromConfig(config: ConfigDict): Optimizer } {
  const key = name.toLowerCase();
  const entry = Object.hasOwn(OPTIMIZERS, key) ? OPTIMIZERS[key] : undefined;
  if (!entry) {
    throw new RangeError(`${where}: unknown optimizer ${JSON.stringify(name)}; valid names are ${optimizerNames.join(", ")} (any case)`);
  }
  return entry;
}
