/** The `models` namespace: Sequential, the functional/subclassed Model. */
export { Model, type ModelArgs, type ModelOutputs, type Predicted, type FitArgs, type EvaluateArgs, type EvaluateResults, type OnBatchArgs, type TrainOnBatchArgs, type PredictArgs, type BatchStream } from "./model.js";
export type { PredictOutputs } from "./predict_outputs.js";
export type { Keyed, Structured } from "./io_structure.js";
export { Sequential, type SequentialArgs } from "./sequential.js";
export { readableBytes, summaryText, type SummaryOptions, type SummaryPrintOptions } from "./summary.js";
export { modelFromJSON } from "../io/serialization.js";
/** keras.models.model_from_json under its camelCase name (the same function as modelFromJSON). */
export { modelFromJSON as modelFromJson } from "../io/serialization.js";
export { cloneModel, type CloneModelOptions } from "./clone_model.js";
export { loadModel, saveModel } from "../io/model_files.js";
export { ModelFileError } from "../io/file_error.js";
export type { LoadModelOptions, LoadWeightsOptions, SaveModelOptions, SaveWeightsOptions } from "../io/file_options.js";
export type { StepData, StepLogs, ModelMetric } from "./custom_step.js";
export type { CompileArgs } from "./compile.js";
