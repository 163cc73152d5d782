/** Keras 3's `compile_config`: writing a compiled model's compile() arguments and compiling from them. */
import type { Config } from "../nn/common.js";
import * as losses from "../nn/losses.js";
import * as metrics from "../nn/metrics.js";
import { Optimizer, get as getOptimizer, serialize as serializeOptimizer } from "../optimizers/index.js";
import type { SerializedObject as OptimizerObject } from "../optimizers/config.js";
import { Model } from "../models/model.js";
import type { CompileArgs } from "../models/compile.js";
import { type JsonValue, type JsonObject, isRecord, describe, errorText, toJson } from "./config_json.js";
import { type CustomObject, type DeserializeOptions, getRegisteredName, getRegisteredObject, constructObject } from "./custom_objects.js";
import { customObjectScope, effectiveCustomObjects } from "./custom_objects.js";

// ------------------------------------------------------------------ compile config

/**
 * Keras 3's `compile_config` of a compiled model: `{ optimizer: { module: "keras.optimizers",
 * class_name, config, registered_name }, loss, loss_weights, metrics, weighted_metrics,
 * run_eagerly, steps_per_execution, jit_compile }`. loss, loss_weights, metrics and weighted_metrics keep the
 * structure compile() was given (one loss, a list per output, an object keyed by output name; a
 * list of metrics, a list of lists, an object keyed by output name), as Keras writes them; losses
 * and metrics given as strings stay strings, objects are serialized. Null for a model that is not
 * compiled.
 */
export function serializeCompileConfig(model: Model): JsonObject | null {
  const state = model.compiled;
  const args = model.compileArgs;
  if (!state || !args) return null;
  const where = `serializeCompileConfig: model "${model.name}"`;
  const opt = state.optimizer;
  if (!(opt instanceof Optimizer)) throw new TypeError(`${where}: the optimizer is not a lamina optimizer and cannot be serialized`);
  // An output given no loss (loss [null, ...]) is written null, as Keras writes None.
  const lossOne = (x: unknown, at: string): JsonValue => (x === null ? null : serializeTrainingObject(x, "keras.losses", `${where}: ${at}`));
  const metricOne = (x: unknown, at: string): JsonValue => serializeTrainingObject(x, "keras.metrics", `${where}: ${at}`);
  // A metric list (one output's, or a model's only one).
  const metricList = (x: unknown, at: string): JsonValue => (Array.isArray(x) ? x.map((m, i) => metricOne(m, `${at}[${i}]`)) : metricOne(x, at));
  // metrics or weighted_metrics in the structure compile() was given.
  const metricsJson = (metricsArg: unknown, key: string): JsonValue => {
    if (Array.isArray(metricsArg)) return metricsArg.map((m, i) => metricList(m, `${key}[${i}]`));
    if (isPerOutputRecord(metricsArg)) return mapRecord(metricsArg, (m, k) => metricList(m, `${key}.${k}`));
    return metricsArg === undefined || metricsArg === null ? null : metricList(metricsArg, key);
  };
  const lossArg: unknown = args.loss;
  return {
    optimizer: toJson(serializeOptimizer(opt), `${where}: optimizer`),
    // No loss (a model whose own trainStep computes it): Keras writes null.
    loss: lossArg === undefined || lossArg === null ? null
      : Array.isArray(lossArg) ? lossArg.map((l, i) => lossOne(l, `loss[${i}]`))
      : isPerOutputRecord(lossArg) ? mapRecord(lossArg, (l, k) => lossOne(l, `loss.${k}`))
      : lossOne(lossArg, "loss"),
    loss_weights: args.lossWeights === undefined ? null : toJson(args.lossWeights, `${where}: lossWeights`),
    metrics: metricsJson(args.metrics, "metrics"),
    weighted_metrics: metricsJson(args.weightedMetrics, "weightedMetrics"),
    run_eagerly: args.runEagerly === true,
    steps_per_execution: 1,
    jit_compile: args.jitCompile === true,
  };
}

/**
 * Whether a compile argument is a per-output object keyed by output name, rather than one
 * loss or metric: a plain object that is not a serialized `{ class_name, config }`.
 */
function isPerOutputRecord(x: unknown): x is Readonly<Record<string, unknown>> {
  return isRecord(x) && Object.getPrototypeOf(x) === Object.prototype && typeof x.class_name !== "string" && typeof x.className !== "string";
}

function mapRecord<T>(x: Readonly<Record<string, unknown>>, f: (v: unknown, key: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, f(v, k)]));
}

/** A loss or metric as compile_config writes it: a name stays a string, an object is `{ module, class_name, config, registered_name }`. */
export function serializeTrainingObject(x: unknown, module: string, where: string): JsonValue {
  if (typeof x === "string") return x;
  if (x instanceof losses.Loss || x instanceof metrics.Metric) {
    return { module, class_name: x.className, config: toJson(x.getConfig(), `${where}.config`), registered_name: null };
  }
  if (typeof x === "function") {
    if (!x.name) throw new TypeError(`${where}: an anonymous function cannot be saved; give it a name and register it with serialization.registerKerasSerializable`);
    return { module: null, class_name: "function", config: x.name, registered_name: getRegisteredName(x as CustomObject) };
  }
  if (isRecord(x) && (typeof x.class_name === "string" || typeof x.className === "string")) {
    return { module, class_name: String(x.class_name ?? x.className), config: toJson(x.config ?? {}, `${where}.config`), registered_name: null };
  }
  throw new TypeError(`${where}: cannot serialize ${describe(x)}`);
}

/**
 * Keras' compile_from_config: compiles `model` with the optimizer, loss, loss weights and metrics
 * of a `compile_config` (Keras 3) or a `training_config` (Keras 2 .h5, `optimizer_config`), in any
 * structure compile() takes: one loss or one per output (a list, or an object keyed by output
 * name), and likewise loss_weights, metrics and weighted_metrics. A config without a loss compiles
 * the model with its optimizer alone, as Keras does (the model then minimizes what its layers add).
 */
export function compileFromConfig(model: Model, config: Readonly<Record<string, unknown>>, options: DeserializeOptions = {}): void {
  const where = `compileFromConfig: model "${model.name}"`;
  if (!isRecord(config)) throw new TypeError(`${where}: expected a compile_config object, got ${describe(config)}`);
  // Without a loss Keras compiles the model with its optimizer alone (it may train on added losses).
  const noLoss = config.loss === undefined || config.loss === null;
  const optConfig = config.optimizer ?? config.optimizer_config ?? "rmsprop";
  let optimizer: Optimizer;
  try {
    // In scope, the customObjects reach a learning-rate function's lookup (Keras' from_config passes custom_objects on).
    optimizer = customObjectScope(effectiveCustomObjects(options.customObjects), () =>
      typeof optConfig === "string" ? getOptimizer(optConfig) : getOptimizer(optConfig as unknown as OptimizerObject));
  } catch (e) {
    throw new Error(`${where}: cannot restore the optimizer: ${errorText(e)}`);
  }
  const single = !model.isFunctional || model.outputs.length === 1;
  const lossOne = (x: unknown, at: string): unknown => (x === null ? null : readTrainingObject(x, "loss", `${where}: ${at}`, options));
  const metricOne = (x: unknown, at: string): unknown => readTrainingObject(x, "metric", `${where}: ${at}`, options);
  const metricList = (x: unknown, at: string): unknown => (Array.isArray(x) ? x.map((m, i) => metricOne(m, `${at}[${i}]`)) : metricOne(x, at));
  // Keras 2 keyed a single-output model's loss and metrics by its output's name, and wrote its
  // metrics as one list per output: a single output takes the one entry.
  const onlyEntry = (x: unknown): unknown => {
    if (!single) return x;
    if (isPerOutputRecord(x) && Object.keys(x).length === 1) return Object.values(x)[0];
    return x;
  };
  const lossConfig = onlyEntry(config.loss);
  const loss = (noLoss ? undefined : Array.isArray(lossConfig) ? lossConfig.map((l, i) => lossOne(l, `loss[${i}]`))
    : isPerOutputRecord(lossConfig) ? mapRecord(lossConfig, (l, k) => lossOne(l, `loss.${k}`))
    : lossOne(lossConfig, "loss")) as CompileArgs["loss"];
  // metrics or weighted_metrics (`key`) as compile() takes them.
  const readMetrics = (given: unknown, key: string): CompileArgs["metrics"] => {
    let metricsConfig = onlyEntry(given);
    if (single && Array.isArray(metricsConfig) && metricsConfig.length === 1 && Array.isArray(metricsConfig[0])) metricsConfig = metricsConfig[0];
    let metricArgs: unknown;
    // No metrics (Keras writes null) stay absent, so that saving the loaded model writes null again.
    if (metricsConfig === undefined || metricsConfig === null) metricArgs = undefined;
    else if (Array.isArray(metricsConfig)) metricArgs = metricsConfig.map((m, i) => (single ? metricOne(m, `${key}[${i}]`) : metricList(m, `${key}[${i}]`)));
    else if (isPerOutputRecord(metricsConfig)) metricArgs = mapRecord(metricsConfig, (m, k) => metricList(m, `${key}.${k}`));
    else metricArgs = [metricOne(metricsConfig, key)];
    return metricArgs as CompileArgs["metrics"];
  };
  const lossWeights = readLossWeights(onlyEntry(config.loss_weights), single, where);
  const args: CompileArgs = { optimizer, loss, metrics: readMetrics(config.metrics, "metrics") };
  const weightedMetrics = readMetrics(config.weighted_metrics, "weighted_metrics");
  if (weightedMetrics !== undefined) args.weightedMetrics = weightedMetrics;
  if (lossWeights !== undefined) args.lossWeights = lossWeights;
  // Kept so that saving again writes them back (steps_per_execution is not: lamina runs one step per batch, with the same result).
  if (config.run_eagerly === true) args.runEagerly = true;
  if (config.jit_compile === true) args.jitCompile = true;
  model.compile(args);
}

/** Keras' loss_weights: null, a list in output order or an object keyed by output name (a bare number for a single output). */
function readLossWeights(x: unknown, single: boolean, where: string): CompileArgs["lossWeights"] {
  if (x === undefined || x === null) return undefined;
  const check = (w: unknown, at: string): number => {
    if (typeof w !== "number") throw new TypeError(`${where}: loss_weights${at} is ${describe(w)}; each loss weight must be a number`);
    return w;
  };
  if (typeof x === "number" && single) return [check(x, "")];
  if (Array.isArray(x)) return x.map((w, i) => check(w, `[${i}]`));
  if (isPerOutputRecord(x)) return mapRecord(x, (w, k) => check(w, `.${k}`));
  throw new TypeError(`${where}: loss_weights must be a list or an object keyed by output name, got ${describe(x)}`);
}

function readTrainingObject(x: unknown, kind: "loss" | "metric", where: string, options: DeserializeOptions): unknown {
  if (typeof x === "string") return x;
  if (!isRecord(x) || typeof x.class_name !== "string") {
    throw new TypeError(`${where}: expected a ${kind} name or a serialized { class_name, config }, got ${describe(x)}`);
  }
  const custom = effectiveCustomObjects(options.customObjects);
  if (x.class_name === "function") {
    const name = typeof x.config === "string" ? x.config : String(x.registered_name ?? "");
    const reg = typeof x.registered_name === "string" ? x.registered_name : name;
    const fn = getRegisteredObject(reg, custom) ?? getRegisteredObject(name, custom);
    if (typeof fn === "function") return fn;
    // Keras' own functions (keras.losses.mean_squared_error) are written this way too.
    return name;
  }
  if (x.class_name === "LossFunctionWrapper" && isRecord(x.config) && typeof x.config.fn === "string") return x.config.fn;
  const reg = typeof x.registered_name === "string" ? x.registered_name : x.class_name;
  const cls = getRegisteredObject(reg, custom) ?? (Object.hasOwn(custom, x.class_name) ? custom[x.class_name] : undefined);
  const inner = isRecord(x.config) ? x.config : {};
  if (cls !== undefined) return constructObject(cls, inner, where);
  try {
    return kind === "loss"
      ? losses.deserialize({ class_name: x.class_name, config: inner as Config })
      : metrics.deserialize({ class_name: x.class_name, config: inner as Config });
  } catch (e) {
    throw new Error(`${where}: ${errorText(e)}; for a custom ${kind} class, register it with serialization.registerKerasSerializable or pass it in customObjects`);
  }
}
