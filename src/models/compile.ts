import type { Tensor } from "../tensor/tensor.js";
import type { CompiledState, TrainingLoss, TrainingMetric } from "./training.js";
import * as optimizers from "../optimizers/index.js";
import type { Optimizer } from "../optimizers/index.js";
import * as losses from "../nn/losses.js";
import * as metrics from "../nn/metrics.js";

export type OptimizerArg = Parameters<typeof optimizers.get>[0];
export type LossArg = Parameters<typeof losses.get>[0];
export type MetricArg = Parameters<typeof metrics.get>[0];

export interface CompileArgs {
  /** Keras' default is "rmsprop". */
  optimizer?: OptimizerArg;
  loss: LossArg;
  metrics?: readonly MetricArg[];
}

/**
 * Resolves Keras' identifiers to objects. Metrics given as strings ("accuracy") depend on the
 * label and prediction shapes, so, as in Keras, they are resolved on the first batch.
 */
export function resolveCompile(args: CompileArgs, modelName: string): CompiledState {
  if (!args || args.loss === undefined || args.loss === null) {
    throw new TypeError(`Model ${modelName}.compile: a loss is required, e.g. { loss: "sparse_categorical_crossentropy", optimizer: "adam" }`);
  }
  const optimizer: Optimizer = optimizers.get(args.optimizer ?? "rmsprop");
  const lossObj = losses.get(args.loss);
  const loss: TrainingLoss = {
    name: lossObj.name,
    call: (yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null) => lossObj.apply(yTrue, yPred, sampleWeight),
  };
  const metricArgs = [...(args.metrics ?? [])];
  // Fail at compile time on unknown names, as Keras does, without fixing the shapes yet.
  for (const m of metricArgs) {
    if (typeof m === "string" && !["accuracy", "acc"].includes(m.toLowerCase())) metrics.get(m);
  }
  let resolved: TrainingMetric[] | null = metricArgs.length === 0 ? [] : null;
  return {
    optimizer,
    loss,
    get metrics(): TrainingMetric[] {
      return resolved ?? [];
    },
    resolveMetrics(yTrue: Tensor, yPred: Tensor): void {
      if (resolved) return;
      resolved = metricArgs.map((m) => metrics.resolveMetric(m, yTrue.shape, yPred.shape));
    },
  };
}
