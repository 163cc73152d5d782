import type { Tensor } from "../tensor/tensor.js";
import type { CompiledOutput, CompiledState, TrainingLoss, TrainingMetric } from "./training.js";
import { RunningMean } from "./running_mean.js";
import * as optimizers from "../optimizers/index.js";
import type { Optimizer } from "../optimizers/index.js";
import * as losses from "../nn/losses.js";
import * as metrics from "../nn/metrics.js";
import { checkKeys } from "../optimizers/config.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";

export type OptimizerArg = Parameters<typeof optimizers.get>[0];
export type LossArg = Parameters<typeof losses.get>[0];
export type MetricArg = Parameters<typeof metrics.get>[0];
/** Metrics of a single-output model, or one list per output (a list of lists, or keyed by output name). */
export type MetricsArg = readonly MetricArg[] | readonly (readonly MetricArg[])[] | Readonly<Record<string, MetricArg | readonly MetricArg[]>>;

export interface CompileArgs {
  /** Keras' default is "rmsprop". */
  optimizer?: OptimizerArg;
  /**
   * One loss, or one per output: a list in output order or an object keyed by output name, where
   * null (or, in the object, leaving the output out) gives an output no loss (Keras' loss=[None,
   * ...]). Left out (Keras' compile(optimizer=...)), the model trains on the losses its
   * layers add with addLoss, or computes its own in trainStep / computeLoss (a GAN).
   */
  loss?: LossArg | readonly (LossArg | null)[] | Readonly<Record<string, LossArg | null>>;
  /** The weight of each output's loss in the total (Keras' loss_weights); default 1 each. */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /** Metrics of a single-output model, or one list per output (a list of lists, or keyed by output name). */
  metrics?: MetricsArg;
  /**
   * Keras' weighted_metrics: metrics that, unlike `metrics`, take each batch's sample weights
   * (sampleWeight, or the weights classWeight gives) in fit, evaluate, validation and the on-batch
   * methods; in the same forms as `metrics`. One named like an unweighted metric logs as
   * `weighted_<name>` (Keras 3.5).
   */
  weightedMetrics?: MetricsArg;
  /**
   * Keras' run_eagerly. lamina always runs eagerly (there is no graph to compile), so both values
   * compute the same; it is taken so Keras code that sets it for debugging runs, and saved.
   */
  runEagerly?: boolean;
  /** Keras' jit_compile (true, false or "auto"): lamina has no compiler, so it changes nothing; saved. */
  jitCompile?: boolean | "auto";
  /** Keras' steps_per_execution: only 1 (one step per batch, batch callbacks after each). */
  stepsPerExecution?: number;
  /** Keras' auto_scale_loss, which acts only under mixed precision (which lamina lacks): taken, no effect. */
  autoScaleLoss?: boolean;
}

/** Every compile option: a misspelt one (optimiser, loss_weights) is refused, as Keras refuses it, rather than left at its default. */
const COMPILE_OPTIONS: Readonly<Record<keyof CompileArgs, true>> = {
  optimizer: true, loss: true, lossWeights: true, metrics: true, weightedMetrics: true, runEagerly: true, jitCompile: true, stepsPerExecution: true, autoScaleLoss: true,
};

/** The execution options Keras' compile takes, which change how Keras runs a step but not what it computes. */
function checkExecutionOptions(args: CompileArgs, where: string): void {
  for (const key of ["runEagerly", "autoScaleLoss"] as const) {
    booleanOption(where, key, args[key], false);
  }
  if (args.jitCompile !== undefined && typeof args.jitCompile !== "boolean" && args.jitCompile !== "auto") {
    throw new TypeError(`${where}: jitCompile must be true, false or "auto", got ${valueText(args.jitCompile)}`);
  }
  if (args.stepsPerExecution !== undefined && args.stepsPerExecution !== 1) {
    throw new RangeError(`${where}: stepsPerExecution ${valueText(args.stepsPerExecution)} is not supported; lamina runs one step per batch (stepsPerExecution 1), which computes the same weights`);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

/** Spreads a per-output setting given as one value, a list or an object keyed by output name. */
function perOutput<T>(value: T | readonly T[] | Readonly<Record<string, T>>, names: readonly string[], what: string, modelName: string, fill?: T): T[] {
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new RangeError(`Model ${modelName}.compile: ${what} has ${value.length} entries but the model has ${names.length} output(s) (${names.join(", ")})`);
    }
    return [...value];
  }
  // One output too may be keyed by its name ({ y: "mse" } for a model built with outputs { y }), as
  // Keras reads a dict of losses by key; a serialized loss ({ class_name, config }) is one value.
  if (isRecord(value) && (names.length > 1 || (typeof value.class_name !== "string" && typeof value.className !== "string"))) {
    const unknown = Object.keys(value).filter((k) => !names.includes(k));
    if (unknown.length) throw new RangeError(`Model ${modelName}.compile: ${what} names unknown output(s) ${unknown.join(", ")}; the outputs are ${names.join(", ")}`);
    return names.map((n) => {
      const v = (value as Record<string, T>)[n];
      if (v === undefined) {
        if (fill !== undefined) return fill;
        throw new RangeError(`Model ${modelName}.compile: ${what} has no entry for output "${n}"`);
      }
      return v;
    });
  }
  return names.map(() => value as T);
}

/**
 * compile's metrics or weightedMetrics (`what`) as one list per output: a flat list for one output;
 * for several, a list per output (Keras 3 refuses a flat list) or an object keyed by output name.
 */
function metricListsOf(given: MetricsArg | undefined, what: string, outputNames: readonly string[], modelName: string): MetricArg[][] {
  if (given === undefined || given === null) return outputNames.map(() => []);
  if (outputNames.length === 1) {
    // Keras takes an object keyed by the only output's name too.
    if (isRecord(given)) {
      const unknown = Object.keys(given).filter((k) => k !== outputNames[0]);
      if (unknown.length) throw new RangeError(`Model ${modelName}.compile: ${what} names unknown output(s) ${unknown.join(", ")}; the output is ${outputNames[0]}`);
      return [Object.values(given).flatMap((m) => (Array.isArray(m) ? [...(m as MetricArg[])] : [m as MetricArg]))];
    }
    return [[...(given as readonly MetricArg[])]];
  }
  if (Array.isArray(given) && given.length > 0 && !given.every((m) => Array.isArray(m))) {
    throw new TypeError(`Model ${modelName}.compile: with ${outputNames.length} outputs give ${what} per output, e.g. { ${outputNames.map((n) => `${n}: ["accuracy"]`).join(", ")} } or a list of lists`);
  }
  if (Array.isArray(given)) {
    return given.length === 0 ? outputNames.map(() => []) : perOutput<readonly MetricArg[]>(given as readonly (readonly MetricArg[])[], outputNames, what, modelName).map((l) => [...l]);
  }
  return perOutput<MetricArg | readonly MetricArg[]>(given as Record<string, MetricArg | readonly MetricArg[]>, outputNames, what, modelName, [])
    .map((m) => (Array.isArray(m) ? [...(m as MetricArg[])] : [m as MetricArg]));
}

/** The refusal when a step has nothing to minimize: no compiled loss and no loss added by the layers (Keras' "No loss to compute"). */
export function noLossError(modelName: string): Error {
  return new Error(
    `Model ${modelName}: no loss to compute (Keras: "No loss to compute. Provide a \`loss\` argument in \`compile()\`"): compile() gave no output a loss and no layer added one with addLoss; ` +
      'pass one, e.g. compile({ loss: "mse", optimizer: "adam" }), add one in a layer\'s call (this.addLoss(...)), or compute the loss in your own trainStep/testStep',
  );
}

/** An output's loss when compile() was given none: never computed (totalLoss skips it); calling it is refused, saying what to do. */
function noLoss(modelName: string): TrainingLoss {
  return {
    name: "no_loss",
    ignoreClass: null,
    call: () => {
      throw noLossError(modelName);
    },
  };
}

/**
 * Resolves Keras' identifiers to objects for a model with the given output names. Metrics given
 * as strings ("accuracy") depend on the label and prediction shapes, so, as in Keras, they are
 * resolved on the first batch.
 */
export function resolveCompile(args: CompileArgs, modelName: string, outputNames: readonly string[] = ["output"]): CompiledState {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new TypeError(`Model ${modelName}.compile: expected the options as one object, e.g. { loss: "sparse_categorical_crossentropy", optimizer: "adam" }, got ${valueText(args)}`);
  }
  // Keras 3 compiles without a loss: the model may train on the losses its layers add, or in its own
  // trainStep; the step says "no loss to compute" when there is nothing to minimize.
  const lossGiven = args.loss !== undefined && args.loss !== null;
  checkKeys(`Model ${modelName}.compile`, args, Object.keys(COMPILE_OPTIONS));
  checkExecutionOptions(args, `Model ${modelName}.compile`);
  const multi = outputNames.length > 1;
  const optimizer: Optimizer = optimizers.get(args.optimizer ?? "rmsprop");
  // An object naming some outputs leaves the others without loss, as Keras 3.5 (and the keras.io
  // guide) has it; Keras 3.8+ asks for every output's name there.
  const lossIds: (LossArg | null)[] = lossGiven ? perOutput<LossArg | null>(args.loss as LossArg, outputNames, "loss", modelName, null) : outputNames.map(() => null);
  const weights = args.lossWeights === undefined ? outputNames.map(() => 1) : perOutput<number>(args.lossWeights as readonly number[], outputNames, "lossWeights", modelName, 1);
  // A NaN weight makes every loss NaN, a negative one climbs its output's loss (Keras takes both).
  weights.forEach((w, i) => {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) {
      throw new RangeError(`Model ${modelName}.compile: lossWeights gives output "${outputNames[i]}" the weight ${valueText(w)}; loss weights must be finite numbers >= 0`);
    }
  });
  const outputs: CompiledOutput[] = lossIds.map((id, i) => {
    if (id === null) return { name: outputNames[i], hasLoss: false, loss: noLoss(modelName), weight: weights[i] };
    const lossObj = losses.get(id);
    const loss: TrainingLoss = {
      name: lossObj.name,
      kind: lossObj instanceof losses.LossFunctionWrapper && lossObj.fnName !== null ? lossObj.fnName : lossObj.name,
      ignoreClass: lossObj instanceof losses.SparseCategoricalCrossentropy ? lossObj.ignoreClass : null,
      call: (yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null) => lossObj.apply(yTrue, yPred, sampleWeight),
    };
    return { name: outputNames[i], hasLoss: true, loss, weight: weights[i] };
  });
  const unweighted = metricListsOf(args.metrics, "metrics", outputNames, modelName);
  const weightedLists = metricListsOf(args.weightedMetrics, "weightedMetrics", outputNames, modelName);
  // Keras 3.5's order: every output's metrics, then every output's weighted metrics.
  const metricArgs = [...unweighted, ...weightedLists];
  // Fail at compile time on unknown names, as Keras does, without fixing the shapes yet.
  for (const m of metricArgs.flat()) {
    if (typeof m === "string" && !["accuracy", "acc"].includes(m.toLowerCase())) metrics.get(m);
  }
  const owner: number[] = metricArgs.flatMap((list, k) => list.map(() => k % outputNames.length));
  const weighted: boolean[] = metricArgs.flatMap((list, k) => list.map(() => k >= outputNames.length));
  let resolved: TrainingMetric[] | null = owner.length === 0 ? [] : null;
  return {
    optimizer,
    hasLoss: outputs.some((o) => o.hasLoss),
    get metricsResolved(): boolean {
      return resolved !== null;
    },
    loss: outputs[0].loss,
    outputs,
    lossTracker: new RunningMean(),
    get metrics(): TrainingMetric[] {
      return resolved ?? [];
    },
    metricOutput: (i: number) => owner[i],
    metricWeighted: (i: number) => weighted[i],
    resolveMetrics(yTrue: readonly Tensor[], yPred: readonly Tensor[]): void {
      if (resolved) return;
      resolved = metricArgs.flatMap((list, j) => list.map((m) => {
        const k = j % outputNames.length;
        const metric = metrics.resolveMetric(m, yTrue[k].shape, yPred[k].shape);
        if (!multi) return metric;
        // Keras 3 prefixes a multi-output model's metrics with the output's name in the logs. The
        // metric object given to compile keeps its own name: it is saved in the compile_config,
        // and renaming it would prefix it once more with every save and load.
        const name = `${outputNames[k]}_${metric.name}`;
        return {
          name,
          updateState: (t: Tensor, p: Tensor, w?: Tensor | null) => metric.updateState(t, p, w),
          result: () => metric.result(),
          resetState: () => metric.resetState(),
        };
      }));
    },
  };
}
