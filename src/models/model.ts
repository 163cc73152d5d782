import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import type { Variable } from "../tensor/variable.js";
import { checkKeys } from "../optimizers/config.js";
import { gradientPool } from "../ops/engine.js";
import { Layer, type CallOptions, type LayerInput, type LayerShape, attributeLayers, callInContext, castFloatInputs, uniqueLayerName } from "../layers/layer.js";
import { LayerNode, SymbolicTensor } from "../layers/symbolic.js";
import { type SummaryOptions, type SummaryPrintOptions, summaryText } from "./summary.js";
import { type CompileArgs, noLossError, resolveCompile } from "./compile.js";
import type { CompiledState, ModelData, Logs, TrainingOptimizer, Targets, TestRunner } from "./training.js";
import { batchSampleWeights, checkClassWeight, sampleWeightsFor } from "./sample_weights.js";
import { checkFinite } from "./label_checks.js";
import { evaluateBatches, evaluateData } from "./evaluate_loop.js";
import { isKeyedData, numSamples, sliceRows, targetList, toTensorData } from "./data_rows.js";
import { type KeyedShapes, keyedCallKeys, packKeyedCall, packKeyedShapes } from "./keyed_call.js";
import type { KeyedCallInputs } from "../layers/call_context.js";
import { predictData } from "./predict_batches.js";
import type { PredictOutputs } from "./predict_outputs.js";
import { trainStep as builtinTrainStep, evaluateBatch } from "./builtin_steps.js";
import { totalLoss } from "./loss_total.js";
import { updateMetrics } from "./metric_logs.js";
import { type ModelMetric, type StepData, type StepLogs, metricsResult, modelMetrics, resultOrLogs, stepLogs } from "./custom_step.js";
import type { Optimizer } from "../optimizers/optimizer.js";
import { add } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { noGrad } from "../ops/engine.js";
import type { CallbackModel, CallbackParams } from "./callbacks/callback.js";
import type { History } from "./callbacks/history.js";
import { isInteractiveLoggingEnabled, printMsg } from "./callbacks/output.js";
import { pendingTrainable, takeTrainable } from "./trainable_state.js";
import { fileHooks, serializationHooks } from "../io/hooks.js";
import { functionalFoldPlan } from "./inference_folding.js";
import type { LoadWeightsOptions, SaveModelOptions, SaveWeightsOptions } from "../io/file_options.js";
import {
  type EvaluateArgs, type EvaluateResults, type FitArgs, type OnBatchArgs, type PredictArgs, type TrainOnBatchArgs,
  EVALUATE_OPTIONS, FIT_OPTIONS, PREDICT_OPTIONS, TEST_ON_BATCH_OPTIONS, TRAIN_ON_BATCH_OPTIONS,
  batchSizeOf, bothWeightings, checkOptions, datasetOptions, epochsOf, initialEpochOf, returnDictOf, shuffleOf, stepCount, verbosity,
} from "./model_args.js";
import { type BatchStream, type ElementPart, type TrainBatch, isBatchStream, knownBatchCount, refuseUnbatched, splitBatch } from "./batch_stream.js";
import { functionalGraph } from "./graph_order.js";
import { nodeInputKeys } from "../layers/node_keys.js";
import { cloneGraphNodes, isInputTensor } from "./graph_clone.js";
import { isOperation } from "../layers/op_layer.js";
import { type FoldPlan, runGraph } from "./graph_run.js";
import { isSequentialLikeGraph, layerInboundNamesOf, layerOutputShapesOf } from "./summary_graph.js";
import { checkData, inferredOutputShapes } from "./check_data.js";
import { inInputOrder, inputsFor, targetsFor } from "./model_data.js";
import { type IoStructure, type Keyed, type Structured, flatKeysOf, flattenStructure, packKeyed, warnKeysNotNames } from "./io_structure.js";
import { type Validation, type ValidationArrays, capValidationRows, splitValidation, streamValidation, validationBatchSizeOf } from "./fit_validation.js";
import { datasetEpochs, stepsPerEpochBatches, tensorEpochs, tensorStepsPlan, warnIfRanOut } from "./fit_batches.js";
import { cappedEpochs, cappedSteps, cappedTensorPlan } from "./debug_limits.js";
import { runEpochs } from "./fit_loop.js";
import { evaluateResult } from "./evaluate_result.js";
import { evaluateWithCallbacks } from "./evaluate_run.js";
import { type PredictRun, predictAwaitingHooks, predictSync } from "./predict_run.js";
import { streamInputs, streamSteps } from "./predict_stream.js";
import { PyDataset } from "./py_dataset.js";
import { pyDatasetSteps, pyDatasetStream, withEpochHooks } from "./py_dataset_stream.js";
import { valueText } from "../tensor/value_text.js";
import { booleanOption } from "../tensor/option_checks.js";
import type { DeserializeOptions } from "../io/serialization.js";
import { type ModelQuantizeOptions, quantizeLayers } from "../layers/quantize_layer.js";
import { markBaseGetConfig } from "../layers/auto_config.js";

export type { EvaluateArgs, EvaluateResults, FitArgs, OnBatchArgs, PredictArgs, TrainOnBatchArgs } from "./model_args.js";
export type { BatchStream } from "./batch_stream.js";

export interface ModelArgs {
  /** One Input, a list, or an object keyed by name (Keras' dict of Inputs; its keys should be the Inputs' names). */
  inputs?: Structured<SymbolicTensor>;
  /** One tensor, a list, or an object keyed by name: the model then returns such an object and is trained on labels keyed so. */
  outputs?: Structured<SymbolicTensor>;
  name?: string;
  trainable?: boolean;
}

const SUMMARY_OPTIONS = { lineLength: true, positions: true, showTrainable: true, expandNested: true, layerRange: true, printFn: true } as const satisfies Record<keyof SummaryPrintOptions, true>;

/** A functional model's inputs keyed by input name: model({ title, body, tags }), as Keras takes a dict. */
export type KeyedInputs = Readonly<Record<string, Tensor>> | Readonly<Record<string, SymbolicTensor>>;

/** A model is called as a layer is (layer(x)), and a functional model also on its inputs keyed by name. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Model {
  (inputs: Tensor, opts?: CallOptions): Tensor;
  (inputs: SymbolicTensor, opts?: CallOptions): SymbolicTensor;
  (inputs: readonly Tensor[], opts?: CallOptions): Tensor;
  (inputs: readonly SymbolicTensor[], opts?: CallOptions): SymbolicTensor;
  (inputs: Readonly<Record<string, Tensor>>, opts?: CallOptions): Tensor;
  (inputs: Readonly<Record<string, SymbolicTensor>>, opts?: CallOptions): SymbolicTensor;
  (inputs: LayerInput | KeyedInputs, opts?: CallOptions): ModelOutputs;
}

/**
 * What predict gives: a tensor, a list, or an object keyed by output key (a model built with keyed
 * outputs); a model's own predictStep may return any nesting of those, which predict keeps.
 */
export type Predicted = Tensor | Tensor[] | Keyed<Tensor> | PredictOutputs;

/** What calling a model gives: a tensor, a list, or (a model built with `outputs` keyed by name) an object keyed so. */
export type ModelOutputs = Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] | Keyed<Tensor> | Keyed<SymbolicTensor>;

/**
 * keras.Model: a functional graph when given `inputs`/`outputs`, or a subclassed model whose
 * `call` the user writes (its layers are found among its properties). Training lives on it too
 * (compile/fit/evaluate/predict), built from training.ts and the model_*, fit_*, evaluate_* and
 * predict_* files beside this one.
 */
export class Model extends Layer {
  /** Symbolic inputs and outputs of a functional model (empty for subclassed models). */
  private graphInputs: SymbolicTensor[] = [];
  private graphOutputs: SymbolicTensor[] = [];
  /** Nodes of the functional graph in execution order. */
  protected nodes: LayerNode[] = [];
  protected graphLayers: Layer[] = [];
  /** Set by a callback (EarlyStopping) to end fit after the current epoch. */
  stopTraining = false;
  /** Set by a callback to end predict after the current batch (Keras' stop_predicting); predict clears it when it starts. */
  stopPredicting = false;
  /** Set by a callback to end evaluate (or fit's validation) after the current batch (Keras' stop_evaluating); evaluate clears it when it starts. */
  stopEvaluating = false;
  /** Set by a callback in onTrainBegin (BackupAndRestore) to start that fit at this epoch (Keras' _initial_epoch). */
  resumeEpoch: number | null = null;
  /** The History of the latest fit (Keras' model.history), null before any. */
  history: History | null = null;
  /** Set by compile(). */
  compiled: CompiledState | null = null;
  /** The arguments of the last compile(), as given (for Keras' compile_config). */
  compileArgs: CompileArgs | null = null;
  /**
   * Whether the constructor got `inputs` / `outputs` as an array (even of one tensor): Keras'
   * Functional keeps that structure (_inputs_struct), and plot_model's shapes print it, e.g. [(None, 4)].
   */
  readonly inputsGivenAsList: boolean;
  readonly outputsGivenAsList: boolean;
  /** How `inputs` / `outputs` were given: a tensor, a list, or an object keyed by name (Keras' _inputs_struct / _outputs_struct). */
  readonly inputStructure: IoStructure = { kind: "single" };
  readonly outputStructure: IoStructure = { kind: "single" };

  constructor(args: ModelArgs = {}) {
    // Keras 3 names functional models "functional", "functional_1", ...
    const functional = args.inputs !== undefined && args.outputs !== undefined;
    super({ name: args.name ?? (functional ? uniqueLayerName("functional") : undefined), trainable: args.trainable });
    this.inputsGivenAsList = Array.isArray(args.inputs);
    this.outputsGivenAsList = Array.isArray(args.outputs);
    if (args.inputs !== undefined || args.outputs !== undefined) {
      if (args.inputs === undefined || args.outputs === undefined) {
        throw new TypeError(`Model ${this.name}: a functional model needs both inputs and outputs: new models.Model({ inputs, outputs })`);
      }
      const given = `Model ${this.name}`;
      const inFlat = flattenStructure(args.inputs, "inputs", given), outFlat = flattenStructure(args.outputs, "outputs", given);
      let inputs = inFlat.flat, outputs = outFlat.flat;
      this.inputStructure = inFlat.structure;
      this.outputStructure = outFlat.structure;
      // Keras' Function refuses an empty structure rather than building a model that computes nothing.
      if (inputs.length === 0) throw new TypeError(`Model ${this.name}: the inputs argument cannot be empty; pass the tensors layers.Input(...) returned`);
      if (outputs.length === 0) throw new TypeError(`Model ${this.name}: the outputs argument cannot be empty; pass the tensors the model computes`);
      // Keras 3.5's Functional.__init__: a model may start at intermediate tensors, whose graph it clones.
      if (inputs.every((t) => t instanceof SymbolicTensor) && !inputs.every(isInputTensor)) ({ inputs, outputs } = cloneGraphNodes(inputs, outputs));
      this.initGraph(inputs, outputs);
      warnKeysNotNames(inFlat.structure, inFlat.flat as SymbolicTensor[], given);
    }
  }

  /** A functional model's input tensors (empty for a subclassed model). */
  get inputs(): SymbolicTensor[] {
    return this.graphInputs;
  }

  /** A functional model's output tensors (empty for a subclassed model). */
  get outputs(): SymbolicTensor[] {
    return this.graphOutputs;
  }

  get isFunctional(): boolean {
    return this.graphOutputs.length > 0;
  }

  /**
   * Layer's apply, and for a functional model also its inputs as an object keyed by input name
   * (Keras' Functional takes a dict of every input by name), put in input order.
   */
  override apply(inputs: LayerInput | KeyedInputs, opts: CallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    if (isKeyedInputs(inputs)) {
      if (this.takesKeyedCallInputs) return super.apply(this.keyedCallList<Tensor | SymbolicTensor>(inputs, `Model ${this.name}`), opts);
      if (!this.isFunctional) {
        throw new TypeError(`Model ${this.name}: inputs keyed by name need a functional model (new models.Model({ inputs, outputs })) whose inputs have those names, or a subclassed model whose call() reads them; pass a tensor or a list of tensors`);
      }
      const keyed = inputs as Readonly<Record<string, Tensor | SymbolicTensor>>;
      const list = inInputOrder(this, keyed, "the input object", `Model ${this.name}`);
      const nodes = this.inboundNodes.length;
      const out = super.apply(list.length === 1 ? list[0] : list, opts);
      // A symbolic call made a node: a saved config writes its inputs keyed, as they were given.
      if (this.inboundNodes.length > nodes) nodeInputKeys.set(this.inboundNodes[nodes], [...(this.inputKeys ?? this.inputs.map((t) => t.sourceLayer.name))]);
      return out;
    }
    this.checkListForKeyedInputs(inputs);
    return super.apply(inputs, opts);
  }

  /**
   * Calling the model (`model(x)`, Keras' __call__): apply's outputs, and for a model built with
   * `outputs` keyed by name, an object keyed so ({ y: tensor, z: tensor }), on tensors and on
   * symbolic tensors alike. `apply` itself gives the flat list (in sorted key order), as layers do.
   */
  protected override invoke(inputs: unknown, opts?: CallOptions, ...rest: unknown[]): unknown {
    const out = super.invoke(inputs, opts, ...rest) as Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];
    return packKeyed<Tensor | SymbolicTensor>(this.outputStructure, out);
  }

  /**
   * Calls a model built with `outputs` keyed by name, typed as the object it returns: on tensors
   * `{ y: Tensor, z: Tensor }`, on symbolic tensors the same of SymbolicTensors (to wire the model
   * into another one: `const { y } = inner.callKeyed({ a, b })`). `model(x)` returns the same object.
   */
  callKeyed(inputs: Tensor | readonly Tensor[] | Keyed<Tensor>, opts?: CallOptions): Keyed<Tensor>;
  callKeyed(inputs: SymbolicTensor | readonly SymbolicTensor[] | Keyed<SymbolicTensor>, opts?: CallOptions): Keyed<SymbolicTensor>;
  callKeyed(inputs: LayerInput | KeyedInputs, opts: CallOptions = {}): Keyed<Tensor> | Keyed<SymbolicTensor> {
    if (this.outputKeys === null) {
      throw new TypeError(`Model ${this.name}.callKeyed: the model's outputs are ${this.isFunctional ? "not keyed by name" : "not declared (a subclassed model)"}; build it with outputs: { name: tensor, ... }, or call it as model(x)`);
    }
    return this.invoke(inputs, opts) as Keyed<Tensor> | Keyed<SymbolicTensor>;
  }

  /**
   * Keras' _standardize_inputs: a model whose inputs are an object written in other than sorted key
   * order cannot tell which listed tensor is which input; a list is read in sorted key order otherwise.
   */
  private checkListForKeyedInputs(inputs: unknown): void {
    const s = this.inputStructure;
    if (s.kind !== "dict" || !Array.isArray(inputs) || s.keys.every((k, i) => k === s.flatKeys[i])) return;
    throw new TypeError(
      `Model ${this.name}: its inputs are an object keyed ${s.keys.map((k) => `"${k}"`).join(", ")}, not in sorted order, so a list of inputs is ambiguous; ` +
        `pass an object with those keys (a list would be read in sorted key order: ${s.flatKeys.join(", ")})`,
    );
  }

  /**
   * Keras' Functional.output_names: the names of the layers that compute the outputs, in order
   * (sorted key order for outputs keyed by name; empty for a subclassed model). compile, fit and
   * the logs name a keyed model's outputs by its keys instead (see outputKeys).
   */
  get outputNames(): string[] {
    return this.outputs.map((o) => o.sourceLayer.name);
  }

  /** The keys of a model built with `inputs` as an object, in flat (sorted) order; null otherwise. */
  get inputKeys(): readonly string[] | null {
    return flatKeysOf(this.inputStructure);
  }

  /** The keys of a model built with `outputs` as an object, in flat (sorted) order; null otherwise. */
  get outputKeys(): readonly string[] | null {
    return flatKeysOf(this.outputStructure);
  }

  /**
   * The names compile() gives the outputs: for outputs keyed by name, the keys (Keras'
   * CompileLoss / CompileMetrics read the dict of predictions by key, and log `<key>_loss`),
   * otherwise the output layers' names.
   */
  private compileOutputNames(): string[] {
    if (!this.isFunctional) return ["output"];
    return [...(this.outputKeys ?? this.outputNames)];
  }

  /** Outputs as the model returns them: keyed by name for a model built with keyed outputs (flat otherwise). */
  private structuredOutputs<T extends Tensor | SymbolicTensor>(flat: T | T[]): T | T[] | Keyed<T> {
    return packKeyed(this.outputStructure, flat) as T | T[] | Keyed<T>;
  }

  /** Predictions given keyed by output key (a step's own `this(x)`), as the flat list the compiled losses read. */
  private flatPredictions(yPred: Tensor | Tensor[] | Keyed<Tensor>, who: string): Tensor | Tensor[] {
    if (yPred instanceof Tensor || Array.isArray(yPred)) return yPred;
    const keys = this.outputKeys ?? this.compiled?.outputs.map((o) => o.name) ?? [];
    return inInputOrder({ name: this.name, inputs: [], inputKeys: keys }, yPred, "yPred", `Model ${this.name}.${who}`, "output");
  }

  /**
   * A functional model's own inputs as its constructor was given them (Keras' Functional.input is
   * `_inputs_struct`): `inputs: [x]` gives back a list of one, `inputs: x` the tensor. Inputs
   * keyed by name come back as the flat list (sorted by key); inputStruct gives the object.
   */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    if (!this.isFunctional) return super.input;
    return this.inputsGivenAsList || this.inputKeys !== null ? [...this.inputs] : this.inputs[0];
  }

  /**
   * Keras' `model.input` for every structure: the inputs as the constructor was given them, an
   * object keyed by name included (`input` gives such a model's inputs as the flat list, sorted by key).
   */
  get inputStruct(): SymbolicTensor | SymbolicTensor[] | Keyed<SymbolicTensor> {
    return this.inputKeys === null ? this.input : (packKeyed(this.inputStructure, this.inputs) as Keyed<SymbolicTensor>);
  }

  /** Keras' `model.output` for every structure (see inputStruct). */
  get outputStruct(): SymbolicTensor | SymbolicTensor[] | Keyed<SymbolicTensor> {
    return this.outputKeys === null ? this.output : (packKeyed(this.outputStructure, this.outputs) as Keyed<SymbolicTensor>);
  }

  /** A functional model's own outputs as its constructor was given them (Keras' Functional.output is `_outputs_struct`). */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    if (!this.isFunctional) return super.output;
    return this.outputsGivenAsList || this.outputKeys !== null ? [...this.outputs] : this.outputs[0];
  }

  /**
   * Keras' `model.input_shape`: the shape of the model's input (with None as null), or the list of
   * them for a model with several inputs. Only a model that knows its inputs has one.
   */
  get inputShape(): LayerShape | LayerShape[] {
    return this.boundaryShapes(this.inputs, "input");
  }

  /** Keras' `model.output_shape`: the shape of the model's output, or the list of them. */
  get outputShape(): LayerShape | LayerShape[] {
    return this.boundaryShapes(this.outputs, "output");
  }

  private boundaryShapes(tensors: SymbolicTensor[], what: string): LayerShape | LayerShape[] {
    if (tensors.length === 0) {
      throw new Error(
        `Model ${this.name} has no defined ${what} shape: a subclassed model's inputs are not declared; ` +
          "read the shapes of the tensors it is called on, or build it with the functional API (layers.Input)",
      );
    }
    const shapes = tensors.map((t) => [...t.shape]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** "Functional" for a model built from inputs and outputs, as Keras 3's class for it is named. */
  override get className(): string {
    return this.constructor === Model && this.isFunctional ? "Functional" : super.className;
  }

  private initGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    const { nodes, layers } = functionalGraph(inputs, outputs, this.name);
    this.graphInputs = inputs;
    this.graphOutputs = outputs;
    this.nodes = nodes;
    this.graphLayers = layers;
    this.built = true;
    this.builtInputShape = inputs.length === 1 ? inputs[0].shape : inputs.map((t) => t.shape);
  }

  /** The nodes (layer calls) of a functional model's graph, in execution order. */
  get graphNodes(): readonly LayerNode[] {
    return [...this.nodes];
  }

  /**
   * Keras' get_config: for a functional model, its whole graph (layers, input_layers,
   * output_layers), which Model.fromConfig rebuilds; a subclassed model keeps Layer's.
   */
  override getConfig(): Record<string, unknown> {
    if (this.constructor !== Model || !this.isFunctional) return super.getConfig();
    return serializationHooks(`Model ${this.name}.getConfig`).serializeLayer(this).config as Record<string, unknown>;
  }

  /**
   * Keras' Model.from_config: the model `getConfig()` describes (a functional model's graph, or
   * a subclass's own config), typed as a Model so that `layers`, `fit` and `predict` are at hand.
   */
  static override fromConfig(config: Readonly<Record<string, unknown>>, options: DeserializeOptions = {}): Model {
    const made = super.fromConfig(config, options);
    if (!(made instanceof Model)) throw new TypeError(`${this.name}.fromConfig: the config describes ${made.className} "${made.name}", not a model; use layers.deserialize or that class's fromConfig`);
    return made;
  }

  /** Keras' to_json(): the architecture (and compile settings) as Keras 3's config.json text. */
  toJSON(): string {
    return serializationHooks(`Model ${this.name}.toJSON`).modelToJSON(this);
  }

  /**
   * Keras' model.save: the architecture, weights and (unless `includeOptimizer: false`) compile
   * settings and optimizer state, in Keras 3's `.keras` format or, for a `.h5` name, the legacy
   * Keras 2 HDF5 format. Written to a temporary file first, then renamed over `path`.
   */
  async save(path: string, options: SaveModelOptions = {}): Promise<void> {
    return fileHooks(`Model ${this.name}.save`).saveModel(this, path, options);
  }

  /** Keras' save_weights: `.weights.h5` (Keras 3 layout) or another `.h5` name (legacy Keras 2 layout). */
  async saveWeights(path: string, options: SaveWeightsOptions = {}): Promise<void> {
    return fileHooks(`Model ${this.name}.saveWeights`).saveWeights(this, path, options);
  }

  /**
   * Keras' load_weights from a `.weights.h5`, `.keras` or legacy `.h5` file (by layer order, or by
   * name with `byName: true`). A weight whose shape differs is an error naming the layer, the
   * weight and both shapes (or skipped with `skipMismatch: true`).
   */
  async loadWeights(path: string, options: LoadWeightsOptions = {}): Promise<void> {
    return fileHooks(`Model ${this.name}.loadWeights`).loadWeights(this, path, options);
  }

  /**
   * The model's layers: the graph's for functional models (without its operations, as Keras'
   * `layers`), the properties' for subclassed ones.
   */
  get layers(): Layer[] {
    if (this.isFunctional) return this.graphLayers.filter((l) => !isOperation(l));
    return attributeLayers(this);
  }

  /** Keras' `operations`: a functional model's layers and operation nodes (tf.add on symbolic tensors), in Keras' order. */
  get operations(): Layer[] {
    return this.isFunctional ? [...this.graphLayers] : this.layers;
  }

  override get subLayers(): Layer[] {
    return this.layers;
  }

  /**
   * model.getLayer("dense_1") or model.getLayer(3), or Keras' keyword form
   * `getLayer({ name: "dense_1" })` / `getLayer({ index: 3 })` (get_layer(name=..., index=...)).
   */
  getLayer(nameOrIndex: string | number | { name?: string; index?: number }): Layer {
    const ls = this.layers;
    if (typeof nameOrIndex === "object" && nameOrIndex !== null) return this.getLayer(layerKey(this.name, nameOrIndex));
    if (typeof nameOrIndex !== "number" && typeof nameOrIndex !== "string") {
      throw new TypeError(`getLayer: expected a layer name, an index or { name } / { index }, got ${valueText(nameOrIndex)}`);
    }
    if (typeof nameOrIndex === "number") {
      const l = ls.at(nameOrIndex);
      if (!l) throw new RangeError(`getLayer: index ${nameOrIndex} is out of range; model ${this.name} has ${ls.length} layers`);
      return l;
    }
    const l = ls.find((x) => x.name === nameOrIndex);
    if (!l) throw new RangeError(`getLayer: no layer named "${nameOrIndex}" in model ${this.name}; its layers are ${ls.map((x) => x.name).join(", ")}`);
    return l;
  }

  /**
   * Runs the functional graph; subclassed models override this. A subclassed model called (or fit)
   * on an object of tensors keyed by name gets that object here, as Keras' call(inputs) does.
   */
  call(inputs: Tensor | Tensor[] | KeyedCallInputs, opts: CallOptions): Tensor | Tensor[] {
    if (!this.isFunctional) {
      throw new Error(`Model ${this.name}: a subclassed model must define call(inputs), or build a functional model with new models.Model({ inputs, outputs })`);
    }
    // A functional model's inputs keyed by name were put in input order by apply: never an object here.
    return runGraph(this, this.nodes, inputs as Tensor | Tensor[], opts, () => this.foldPlan());
  }

  /**
   * The keys of the object of inputs a subclassed model was first called or fit on (sorted), null
   * while it has had none: its call() then gets such an object back (see keyed_call.ts).
   */
  private keyedCallInputKeys: readonly string[] | null = null;

  /** Whether call() takes an object of inputs keyed by name as it is (a subclassed model's own call; not Sequential's). */
  protected get takesKeyedCallInputs(): boolean {
    return !this.isFunctional;
  }

  /** A subclassed model's object of inputs as the list the loops carry (its values in sorted key order), its keys recorded. */
  private keyedCallList<T>(inputs: Readonly<Record<string, T>>, what: string): T[] {
    if (Object.values(inputs).some((v) => v instanceof SymbolicTensor)) {
      throw new TypeError(`${what}: a subclassed model cannot be called on symbolic inputs keyed by name (its call() runs on real tensors); call it on tensors, or build a functional model with inputs keyed by name`);
    }
    const keys = keyedCallKeys(this.name, this.keyedCallInputKeys, inputs, what);
    this.keyedCallInputKeys = keys;
    return keys.map((k) => inputs[k]);
  }

  /**
   * Creates the model's weights for inputs of this shape. A subclassed model first called (or fit)
   * on an object of inputs keyed by name gets the object of their shapes, as Keras' build gets a
   * dict of shapes for dict inputs; a list of shapes for a list of inputs, else one shape.
   */
  override build(_inputShape: LayerShape | LayerShape[] | KeyedShapes): void {
    this.built = true;
  }

  protected override callBuild(shape: LayerShape | LayerShape[], asList: boolean): void {
    if (this.keyedCallInputKeys === null) return super.callBuild(shape, asList);
    this.build(packKeyedShapes(this.keyedCallInputKeys, shape, asList));
  }

  /** What call() gets: for a subclassed model given objects of inputs, the object the list stands for. */
  callInputs(inputs: Tensor | Tensor[]): Tensor | Tensor[] | KeyedCallInputs {
    if (this.keyedCallInputKeys === null) return inputs;
    return packKeyedCall(this.name, this.keyedCallInputKeys, inputs);
  }

  /**
   * Builds a model not built yet (a subclassed one) for inputs like `x`, as its first call does:
   * fit, evaluate and predict run `call` themselves, as Keras runs the model's __call__, so a
   * `build(inputShape)` that creates weights runs before the first batch, and the model is built.
   */
  prepareCall(x: Tensor | Tensor[]): void {
    if (this.built) return;
    this.maybeBuild(Array.isArray(x) ? x.map((t) => t.shape) : x.shape, Array.isArray(x));
  }

  private foldPlanCache: FoldPlan | null = null;

  /** The Conv2D -> BatchNormalization (-> activation) chains inference runs as one convolution. */
  private foldPlan(): FoldPlan {
    this.foldPlanCache ??= functionalFoldPlan(this.nodes, this.outputs);
    return this.foldPlanCache;
  }

  /**
   * Keras' Function.compute_output_spec keeps the structure of the model's outputs: a model built
   * with `outputs: [y]` called on a symbolic tensor gives a list of one (called on data, its
   * Functional.call unpacks the list: predict and apply give the tensor).
   */
  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    if (!this.isFunctional) return super.computeOutputShape(inputShape);
    const shapes = this.outputs.map((o) => o.shape);
    // Keyed outputs stay a list (of one too), which calling the model packs into the object.
    return this.outputsGivenAsList || this.outputKeys !== null ? shapes : shapes[0];
  }

  /**
   * The output shape of each layer, for summary(): a shared layer shows its latest call's, as
   * Keras' format_layer_shape (which keeps the last of the layer's inbound nodes).
   */
  layerOutputShapes(): Map<Layer, LayerShape[]> {
    return layerOutputShapesOf(this.nodes, this.layers);
  }

  /**
   * Whether summary() prints the three-column table, by Keras' rule (summary_utils.print_summary):
   * a subclassed model always; a functional one when each depth of its graph holds one node, no
   * node takes several tensors and no layer is called twice. Otherwise "Connected to" is added.
   */
  isSequentialLike(): boolean {
    return !this.isFunctional || isSequentialLikeGraph(this.nodes, this.inputs);
  }

  /** The nodes feeding each layer (for summary's "Connected to"). */
  layerInboundNames(): Map<Layer, string[]> {
    return layerInboundNamesOf(this.nodes);
  }

  /**
   * Keras 3.15's model.quantize(mode, { config, filters }): quantizes the weights of every layer
   * that can be quantized (Dense) to "int8" or "int4", or those the filters select (a regex on the
   * layer name, a list of them, or a function of the layer). The model must be built. Keras'
   * "float8", "gptq" and "awq" are refused: lamina has no float8 dtypes nor the GPTQ/AWQ
   * calibration algorithms.
   */
  quantize(mode?: string | null, options: ModelQuantizeOptions = {}): void {
    quantizeLayers(this, mode, options);
  }

  /**
   * Prints the Keras table of layers, output shapes and parameter counts, and returns it.
   * `model.summary()`, `model.summary(printFn)`, `model.summary({ lineLength, positions,
   * showTrainable, expandNested, layerRange, printFn })` or `model.summary(printFn, { ... })`, as
   * Keras' summary() arguments.
   */
  summary(printFnOrOptions?: ((text: string) => void) | SummaryPrintOptions, options: SummaryOptions = {}): string {
    const given: SummaryPrintOptions =
      printFnOrOptions === undefined ? { ...options } : typeof printFnOrOptions === "function" ? { ...options, printFn: printFnOrOptions } : printFnOrOptions;
    checkKeys(`Model ${this.name}.summary`, given, Object.keys(SUMMARY_OPTIONS));
    // Keras prints to stdout, or with interactive logging off hands the table to print_msg (the log) as one message.
    const { printFn = isInteractiveLoggingEnabled() ? console.log : (text: string) => printMsg(text, false), ...layout } = given;
    // A model not built yet still prints, as in Keras 3: "?" shapes and "0 (unbuilt)" counts.
    const text = summaryText(this, layout);
    printFn(text);
    return text;
  }

  optimizerVariables(): Variable[] {
    const opt = this.compiled?.optimizer as (TrainingOptimizer & { built?: boolean; variables?: () => Variable[] }) | undefined;
    return opt && opt.built && opt.variables ? opt.variables() : [];
  }

  /** The compiled optimizer (compile() makes every one an Optimizer), for a custom trainStep's applyGradients. */
  get optimizer(): Optimizer | null {
    return (this.compiled?.optimizer as Optimizer | undefined) ?? null;
  }

  /**
   * model.compile({ optimizer, loss, metrics }) with Keras' strings or objects. The loss may be
   * left out (Keras' compile(optimizer=...)): the model then trains on the losses its layers add
   * (addLoss), or computes its own in trainStep / computeLoss. `compile()` alone is Keras' compile()
   * with its defaults (RMSprop, no loss), as a subclass's own compile calls it.
   */
  compile(args: CompileArgs = {}): void {
    this.compiled = resolveCompile(args, this.name, this.compileOutputNames());
    this.compiled.trainable = pendingTrainable();
    this.compileArgs = args;
  }

  /**
   * Keras' model.metrics: the loss tracker (once compiled), the keras.metrics objects held in the
   * model's own properties and its layers' (Layer.metrics), then the compiled metrics. fit and evaluate reset them all at the start
   * of each epoch and run; override it (`get metrics()`) to list a custom step's own trackers.
   */
  override get metrics(): ModelMetric[] {
    return modelMetrics(super.metrics, this.compiled, this.name);
  }

  /**
   * Keras' metrics_names: the names of `metrics`, in the order evaluate() returns its values once
   * fit or evaluate has run (["loss", "accuracy"]). Before that the compiled metrics are one
   * "compile_metrics" entry, as in Keras 3; after it lamina names them one by one, as the logs do,
   * where Keras 3 keeps "compile_metrics".
   */
  get metricsNames(): string[] {
    return this.metrics.map((m) => m.name);
  }

  /** Keras' get_compile_config: the compile() arguments as `.keras` files store them (compile_config), or null when not compiled. */
  getCompileConfig(): Record<string, unknown> | null {
    return serializationHooks(`Model ${this.name}.getCompileConfig`).compileConfig(this);
  }

  /**
   * Keras' compile_from_config: compiles the model from what getCompileConfig() (or a `.keras`
   * file's compile_config) holds: the optimizer, with its settings but fresh state, the losses and metrics.
   */
  compileFromConfig(config: Readonly<Record<string, unknown>>, options: DeserializeOptions = {}): void {
    const where = `Model ${this.name}.compileFromConfig`;
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
      throw new TypeError(`${where}: expected a compile config { optimizer, loss, metrics, ... }, as getCompileConfig() returns, got ${valueText(config)}`);
    }
    serializationHooks(where).compileFromConfig(this, config, options);
  }

  /**
   * Keras' get_metrics_result(): the result of each metric of `metrics` by name, as logs. The loss
   * tracker adds `<output>_loss` per output of a multi-output model; repeated compiled metric names
   * are numbered (mae, mae_1) as Keras 3.5 numbers them.
   */
  getMetricsResult(): Logs {
    return metricsResult(this.metrics, this.compiled);
  }

  /**
   * Keras' compute_loss: the compiled loss of (y, yPred), weighted by sampleWeight, plus
   * `this.losses` (the activity penalties of the model's latest call and the weights'
   * regularization penalties), as a scalar tensor to differentiate. x and training are there for
   * an override to use (the built-in one does not read them).
   */
  computeLoss(args: { x?: Tensor | Tensor[]; y: Targets | null; yPred: Tensor | Tensor[] | Keyed<Tensor>; sampleWeight?: Tensor | null; training?: boolean }): Tensor {
    const state = this.requireCompiled("computeLoss");
    const penalties = this.losses;
    const reg = penalties.length === 0 ? null : penalties.map((p) => sum(p)).reduce((acc, p) => add(acc, p));
    if (!state.hasLoss) {
      if (reg) return reg;
      throw noLossError(this.name);
    }
    const ys = targetList(this.requireTargets(args.y, "computeLoss"));
    const yPred = this.flatPredictions(args.yPred, "computeLoss");
    const preds = Array.isArray(yPred) ? yPred : [yPred];
    if (ys.length !== state.outputs.length || preds.length !== state.outputs.length) {
      throw new RangeError(`Model ${this.name}.computeLoss: the model was compiled for ${state.outputs.length} output(s) (${state.outputs.map((o) => o.name).join(", ")}) but got ${ys.length} label tensor(s) and ${preds.length} prediction(s)`);
    }
    // Not null: some output has a loss (state.hasLoss).
    const total = totalLoss(state, ys, preds, args.sampleWeight ?? null).total!;
    return reg ? add(total, reg) : total;
  }

  /**
   * Keras' compute_metrics: updates the compiled metrics with (y, yPred), sampleWeight weighing
   * only compile's weightedMetrics (as in Keras), and returns getMetricsResult(). The loss tracker
   * is the step's to update.
   */
  computeMetrics(x: Tensor | Tensor[] | null, y: Targets, yPredGiven: Tensor | Tensor[] | Keyed<Tensor>, sampleWeight: Tensor | null = null): Logs {
    void x;
    const state = this.requireCompiled("computeMetrics");
    const yPred = this.flatPredictions(yPredGiven, "computeMetrics");
    noGrad(() => updateMetrics(state, targetList(y), Array.isArray(yPred) ? yPred : [yPred], sampleWeight ?? null));
    return this.getMetricsResult();
  }

  /**
   * What fit runs on each batch (Keras' train_step): forward in training mode, loss, gradients,
   * optimizer update, metrics; returns the logs fit hands to the callbacks, the progress bar and
   * History. Override it for a custom training algorithm (GANs, VAEs, contrastive learning): compute
   * with tf.GradientTape, apply with this.optimizer.applyGradients, return `{ loss, ... }`.
   */
  trainStep(data: StepData): StepLogs {
    const state = this.requireCompiled("trainStep");
    builtinTrainStep(this, state, data.x, this.stepTargets(state, data.y, "trainStep"), state.lossTracker, data.sampleWeight);
    return this.getMetricsResult();
  }

  /** What evaluate (and fit's validation) runs on each batch (Keras' test_step): loss and metrics in inference mode. */
  testStep(data: StepData): StepLogs {
    const state = this.requireCompiled("testStep");
    evaluateBatch(this, state, data.x, targetList(this.stepTargets(state, data.y, "testStep")), data.sampleWeight, state.lossTracker);
    return this.getMetricsResult();
  }

  /**
   * What predict runs on each batch (Keras' predict_step): the model's outputs in inference mode.
   * An override may return any structure of tensors (a list, an object, nested), which predict
   * joins over the batches leaf by leaf.
   */
  predictStep(data: StepData): Tensor | Tensor[] | PredictOutputs {
    return callInContext(this, data.x, { training: false });
  }

  /** Labels a step needs: the built-in steps compare the outputs with y. */
  private requireTargets(y: Targets | null, who: string): Targets {
    if (y === null || y === undefined) {
      throw new TypeError(`Model ${this.name}.${who}: the compiled loss needs labels, but none were given (y is null); pass y to fit/evaluate, or override ${who} to work without labels`);
    }
    return y;
  }

  /**
   * The labels of a built-in step: none needed (an empty list) when compile() had no loss, as
   * Keras' `fit(x)` trains a model on the losses its layers add (a VAE's); compiled metrics still
   * need labels, refused here before the step changes any weight.
   */
  private stepTargets(state: CompiledState, y: Targets | null, who: string): Targets {
    if ((y === null || y === undefined) && !state.hasLoss) {
      if (state.metricsResolved && state.metrics.length === 0) return [];
      throw new TypeError(
        `Model ${this.name}.${who}: the compiled metrics compare the outputs with labels, but none were given (y is null); ` +
          "pass y to fit/evaluate, or compile without metrics (a layer may keep its own metrics.Mean and update it in call())",
      );
    }
    return this.requireTargets(y, who);
  }

  /** fit's and evaluate's view of the model's testStep (see TestRunner). */
  private testRunner(): TestRunner {
    return {
      resetMetrics: () => this.resetMetrics(),
      testBatch: (b) => {
        this.prepareCall(b.x);
        return stepLogs(this.testStep(b), `Model ${this.name}.testStep`);
      },
      finalLogs: (last) => resultOrLogs(this.getMetricsResult(), last),
    };
  }

  private requireCompiled(what: string): CompiledState {
    if (!this.compiled) throw new Error(`Model ${this.name}.${what}: compile the model first, e.g. model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] })`);
    return this.compiled;
  }

  /** x and y as the model takes them, checked against it and each other (checkData). */
  private checkedData(xIn: ModelData, yIn: ModelData | null, state: CompiledState, op: string): { x: Tensor | Tensor[]; y: Targets | null } {
    const x = this.toInputs(xIn, "x", op), y = targetsFor(yIn, state, op);
    checkData(this, x, y, state, op);
    return { x, y };
  }

  /** fit's validationData, [x, y] or [x, y, sampleWeight], checked like the training data. */
  private validationSet(data: ValidationArrays, state: CompiledState): StepData {
    if (!Array.isArray(data) || (data.length !== 2 && data.length !== 3)) {
      throw new TypeError(`fit: validationData must be [x, y] or [x, y, sampleWeight], got ${Array.isArray(data) ? `${data.length} entries` : typeof data}`);
    }
    const vx = this.toInputs(data[0], "validationData x", "fit");
    const vy = targetsFor(data[1], state, "fit (validationData)");
    checkData(this, vx, vy, state, "fit (validationData)");
    const vw = data.length === 3 ? sampleWeightsFor(data[2], numSamples(vx, "validationData x"), "fit", "validationData's sampleWeight") : null;
    return { x: vx, y: vy, sampleWeight: vw };
  }

  /** The model's Inputs, or none while they are not known yet (a Sequential model not built yet overrides it). */
  protected knownInputs(): SymbolicTensor[] {
    return this.inputs;
  }

  /** The model's outputs, or none while they are not known yet (as knownInputs). */
  protected knownOutputs(): SymbolicTensor[] {
    return this.outputs;
  }

  /**
   * Keras converts a functional model's inputs to its Inputs' dtypes (and a Sequential's to its
   * InputLayer's), not to the model's own dtype: float64 data given to a float64 Input stays float64
   * when the model is called, as in fit and predict. Models without Inputs autocast as layers do.
   */
  override autocast(inputs: Tensor[]): Tensor[] {
    const dtypes = this.declaredInputDTypes();
    if (dtypes.length === 0 || dtypes.length !== inputs.length) return super.autocast(inputs);
    return castFloatInputs(inputs, (i) => dtypes[i]);
  }

  /** The dtypes of the model's Inputs, in input order; none when they are not known yet (a subclassed model). */
  protected declaredInputDTypes(): DType[] {
    return this.inputs.map((t) => t.dtype);
  }

  /** Inputs as the model takes them (see inputsFor). */
  private toInputs(xIn: ModelData, what: string, op: string): Tensor | Tensor[] {
    if (this.takesKeyedCallInputs && isKeyedData(xIn)) {
      const values = this.keyedCallList(xIn, op);
      const keys = this.keyedCallInputKeys!;
      const list = values.map((v, k) => toTensorData(v, `${what} "${keys[k]}"`, op) as Tensor);
      return list.length === 1 ? list[0] : list;
    }
    this.checkListForKeyedInputs(xIn);
    return inputsFor(this, this.declaredInputDTypes(), xIn, what, op);
  }

  /**
   * Trains for `epochs` over (x, y) in shuffled batches and returns the History, with Keras' keys
   * (loss, accuracy, val_loss, val_accuracy, ...).
   */
  async fit(xIn: ModelData, yIn?: ModelData | null, args?: FitArgs): Promise<History>;
  /**
   * fit(dataset, args): batches [x, y] streamed from a data.Dataset (or any async iterable), or
   * read from a utils.PyDataset (its batch order shuffled each epoch unless shuffle is false).
   */
  async fit(dataset: BatchStream | PyDataset, args?: FitArgs): Promise<History>;
  /** fit(dataset, null, args): Keras' `fit(dataset, None, epochs=5)`, the same as fit(dataset, args). */
  async fit(dataset: BatchStream | PyDataset, y: null | undefined, args?: FitArgs): Promise<History>;
  async fit(xIn: ModelData | BatchStream | PyDataset, yOrArgs?: ModelData | FitArgs | null, maybeArgs: FitArgs = {}): Promise<History> {
    try {
      if (isDataset(xIn)) {
        const args = datasetOptions<FitArgs>("fit", yOrArgs, maybeArgs, arguments.length) ?? {};
        checkOptions("fit", args, FIT_OPTIONS);
        if (xIn instanceof PyDataset) return await this.fitPyDataset(xIn, args);
        if (isBatchStream(xIn)) return await this.fitStream(xIn, args);
      }
      checkOptions("fit", maybeArgs, FIT_OPTIONS);
      // fit(x) alone (Keras' fit(x) with y None): a model compiled without a loss needs no labels.
      return await this.fitTensors(xIn as ModelData, (yOrArgs ?? null) as ModelData | null, maybeArgs);
    } finally {
      // The pool holds a training step's working set; once training is over it goes back to the garbage collector.
      gradientPool.trim();
    }
  }

  private async fitTensors(xIn: ModelData, yIn: ModelData | null, args: FitArgs): Promise<History> {
    const state = this.requireCompiled("fit");
    const epochs = cappedEpochs(epochsOf(args.epochs));
    this.checkFitWeighting(args, state);
    let stepsPerEpoch = args.stepsPerEpoch === undefined ? null : stepCount(args.stepsPerEpoch, "fit: stepsPerEpoch");
    const { x, y } = this.checkedData(xIn, yIn, state, "fit");
    if (y === null && args.classWeight !== undefined) throw new TypeError("fit: classWeight weighs samples by their labels, but y is null; pass y, or weigh the samples with sampleWeight");
    const sampleWeight = args.sampleWeight === undefined ? null : sampleWeightsFor(args.sampleWeight, numSamples(x, "x"), "fit");
    let train: StepData = { x, y, sampleWeight };
    let held: StepData | null = null;
    const valStream = streamValidation(args);
    if (valStream === null && args.validationData) {
      held = this.validationSet(args.validationData as ValidationArrays, state);
    } else if (valStream === null && args.validationSplit !== undefined && args.validationSplit !== 0) {
      [train, held] = splitValidation(args.validationSplit, train);
    }
    const nTrain = numSamples(train.x, "x");
    // As Keras' array adapter: given stepsPerEpoch and no batchSize, the batch size spreads the samples over that many steps.
    let batchSize = stepsPerEpoch !== null && args.batchSize === undefined ? Math.ceil(nTrain / stepsPerEpoch) : batchSizeOf(args.batchSize, "fit");
    const planned = stepsPerEpoch ?? Math.ceil(nTrain / batchSize);
    const capped = cappedSteps("fit", "stepsPerEpoch", planned) ?? planned;
    if (capped < planned) {
      stepsPerEpoch = capped;
      if (args.batchSize === undefined) batchSize = Math.ceil(nTrain / capped);
    }
    const verbose = verbosity(args.verbose);
    const passes = tensorEpochs(train, batchSize, shuffleOf(args.shuffle, "fit"), args.classWeight);
    const batchesOf = stepsPerEpoch === null ? passes : stepsPerEpochBatches(passes, stepsPerEpoch, this);
    const steps = stepsPerEpoch ?? Math.ceil(nTrain / batchSize);
    // Keras validates in batches of validationBatchSize, else fit's batch_size argument (32 when not given), not the one stepsPerEpoch implies.
    const valBatchSize = validationBatchSizeOf(args, batchSizeOf(args.batchSize, "fit"));
    const validation: Validation | null = valStream ?? (held ? { ...capValidationRows(held, valBatchSize), batchSize: valBatchSize } : null);
    return this.runEpochs(state, args, { verbose, epochs, steps }, batchesOf, validation);
  }

  /** fit's epoch loop (see runEpochs) on this model, its testStep validating. */
  private runEpochs(
    state: CompiledState, args: FitArgs, params: CallbackParams,
    batchesOf: () => Iterable<TrainBatch> | AsyncIterable<TrainBatch>,
    validation: Validation | null,
  ): Promise<History> {
    return runEpochs(this, {
      state, args, params, batchesOf, validation, runner: this.testRunner(),
      validationBatches: (stream, steps) => this.checkedBatches(stream, state, "fit (validationData batch)", steps),
      customTrainStep: this.trainStep !== Model.prototype.trainStep,
    });
  }

  /**
   * fit over a PyDataset: the dataset path, each epoch a new pass (shuffled unless shuffle is
   * false) with the dataset's epoch hooks, and the progress bar's steps known from its length.
   */
  private fitPyDataset(ds: PyDataset, args: FitArgs): Promise<History> {
    const shuffle = booleanOption("fit", "shuffle", args.shuffle, true);
    const stepsPerEpoch = args.stepsPerEpoch === undefined ? undefined : stepCount(args.stepsPerEpoch, "fit: stepsPerEpoch");
    const steps = pyDatasetSteps(ds, stepsPerEpoch, "fit", "stepsPerEpoch");
    const stream = pyDatasetStream(ds, { shuffle, hooks: false });
    return this.fitStream(stream, args, { steps, epochHooks: (epoch) => withEpochHooks(ds, epoch) });
  }

  /** fit over a stream of [x, y] or [x, y, sampleWeight] batches; the number of steps is learnt in the first epoch unless `known` gives it. */
  private async fitStream(
    stream: BatchStream, args: FitArgs,
    known?: { steps: number; epochHooks: (epoch: () => AsyncGenerator<TrainBatch>) => () => AsyncGenerator<TrainBatch> },
  ): Promise<History> {
    const state = this.requireCompiled("fit");
    const epochs = cappedEpochs(epochsOf(args.epochs));
    this.checkFitWeighting(args, state);
    if (args.validationSplit !== undefined && args.validationSplit !== 0) throw new TypeError("fit: validationSplit cannot split a dataset; pass validationData instead (as Keras requires)");
    if (args.sampleWeight !== undefined) throw new TypeError("fit: sampleWeight cannot be combined with a dataset; yield it from the dataset instead, as elements [x, y, sampleWeight]");
    const verbose = verbosity(args.verbose);
    let validation: Validation | null = streamValidation(args);
    if (validation === null && args.validationData) {
      validation = { ...this.validationSet(args.validationData as ValidationArrays, state), batchSize: validationBatchSizeOf(args, batchSizeOf(args.batchSize, "fit")) };
    }
    const givenSteps = args.stepsPerEpoch === undefined ? null : stepCount(args.stepsPerEpoch, "fit: stepsPerEpoch");
    const stepsPerEpoch = givenSteps === null ? null : cappedSteps("fit", "stepsPerEpoch", givenSteps) ?? givenSteps;
    // Without stepsPerEpoch, config.setMaxStepsPerEpoch's cap ends each pass early.
    const passLimit = givenSteps === null ? cappedSteps("fit", "stepsPerEpoch", known?.steps ?? knownBatchCount(stream) ?? undefined) : undefined;
    const passes = datasetEpochs(() => this.checkedBatches(stream, state, "fit (dataset batch)", passLimit), args.classWeight);
    const epochBatches = stepsPerEpoch === null ? passes : stepsPerEpochBatches(passes, stepsPerEpoch, this);
    const batchesOf = known ? known.epochHooks(epochBatches) : epochBatches;
    return this.runEpochs(state, args, { verbose, epochs, steps: stepsPerEpoch ?? passLimit ?? known?.steps ?? null }, batchesOf, validation);
  }

  /** fit's initialEpoch and classWeight, checked before any data is read. */
  private checkFitWeighting(args: FitArgs, state: CompiledState): void {
    initialEpochOf(args.initialEpoch);
    this.checkClassWeighting("fit", args, state);
  }

  /** fit's and trainOnBatch's classWeight: not with sampleWeight, and a weight for classes the output has. */
  private checkClassWeighting(op: string, args: Pick<FitArgs, "classWeight" | "sampleWeight"> | undefined, state: CompiledState): void {
    if (args?.classWeight !== undefined && args.sampleWeight !== undefined) throw bothWeightings(op, "sampleWeight is given");
    if (args?.classWeight !== undefined) checkClassWeight(args.classWeight, state.outputs.length, inferredOutputShapes(this)[0] ?? null, op, state.loss.ignoreClass ?? null);
  }

  /** With returnDict: true, `{ loss, <metric name>: value, ... }` (Keras' return_dict=True). */
  async evaluate(xIn: ModelData, yIn: ModelData | null, args: EvaluateArgs & { returnDict: true }): Promise<EvaluateResults>;
  /** The loss alone, or [loss, ...metrics] when metrics were compiled, like Keras. */
  async evaluate(xIn: ModelData, yIn?: ModelData | null, args?: EvaluateArgs & { returnDict?: false }): Promise<number | number[]>;
  /** returnDict known only when the program runs: either form. */
  async evaluate(xIn: ModelData, yIn: ModelData | null, args?: EvaluateArgs): Promise<number | number[] | EvaluateResults>;
  /** evaluate(dataset, { returnDict: true }): `{ loss, <metric name>: value, ... }` over a dataset's batches. */
  async evaluate(dataset: BatchStream | PyDataset, args: Omit<EvaluateArgs, "sampleWeight"> & { returnDict: true }): Promise<EvaluateResults>;
  /** evaluate(dataset, args): over the [x, y] batches of a data.Dataset (or any async iterable) or a utils.PyDataset (in index order); batchSize is ignored (as Keras), sampleWeight comes from the elements. */
  async evaluate(dataset: BatchStream | PyDataset, args?: Omit<EvaluateArgs, "sampleWeight"> & { returnDict?: false }): Promise<number | number[]>;
  /** evaluate(dataset, args) with returnDict known only when the program runs: either form. */
  async evaluate(dataset: BatchStream | PyDataset, args?: Omit<EvaluateArgs, "sampleWeight">): Promise<number | number[] | EvaluateResults>;
  /** evaluate(dataset, null, args): Keras' `evaluate(dataset, None, ...)`, the same as evaluate(dataset, args). */
  async evaluate(dataset: BatchStream | PyDataset, y: null | undefined, args?: Omit<EvaluateArgs, "sampleWeight">): Promise<number | number[] | EvaluateResults>;
  async evaluate(xIn: ModelData | BatchStream | PyDataset, yOrArgs?: ModelData | EvaluateArgs | null, maybeArgs: EvaluateArgs = {}): Promise<number | number[] | EvaluateResults> {
    if (isDataset(xIn)) {
      const args = datasetOptions<EvaluateArgs>("evaluate", yOrArgs, maybeArgs, arguments.length) ?? {};
      checkOptions("evaluate", args, EVALUATE_OPTIONS);
      return this.evaluateStream(xIn, args, returnDictOf(args.returnDict, "evaluate"));
    }
    checkOptions("evaluate", maybeArgs, EVALUATE_OPTIONS);
    const returnDict = returnDictOf(maybeArgs.returnDict, "evaluate");
    const yIn = (yOrArgs ?? null) as ModelData | null;
    const args = maybeArgs;
    const state = this.requireCompiled("evaluate");
    const steps = args.steps === undefined ? null : stepCount(args.steps, "evaluate: steps");
    const givenBatchSize = args.batchSize === undefined ? null : batchSizeOf(args.batchSize, "evaluate");
    const { x, y } = this.checkedData(xIn, yIn, state, "evaluate");
    const verbose = verbosity(args.verbose);
    const n = numSamples(x, "x");
    const { batchSize, batches, capped } = cappedTensorPlan(n, givenBatchSize, steps, "evaluate");
    const logs = await evaluateWithCallbacks(this as CallbackModel, args.callbacks, verbose, capped ? batches : steps ?? batches, (hooks) => {
      const sampleWeight = args.sampleWeight === undefined ? null : sampleWeightsFor(args.sampleWeight, n, "evaluate");
      return evaluateData(this.testRunner(), x, y, batchSize, hooks, sampleWeight, batches);
    });
    return evaluateResult(logs, state, returnDict);
  }

  /** evaluate over a stream (or PyDataset) of [x, y] or [x, y, sampleWeight] batches. */
  private async evaluateStream(source: BatchStream | PyDataset, args: EvaluateArgs, returnDict: boolean): Promise<number | number[] | EvaluateResults> {
    const state = this.requireCompiled("evaluate");
    // batchSize is ignored, as Keras' data adapters ignore batch_size for a dataset (its batches are made already).
    if (args.sampleWeight !== undefined) throw new TypeError("evaluate: sampleWeight cannot be combined with a dataset; yield it from the dataset instead, as elements [x, y, sampleWeight]");
    const givenSteps = args.steps === undefined ? undefined : stepCount(args.steps, "evaluate: steps");
    const verbose = verbosity(args.verbose);
    // A PyDataset's pass stops after `steps` itself, so that its onEpochEnd runs (as Keras').
    const py = source instanceof PyDataset;
    const steps = cappedSteps("evaluate", "steps", py ? pyDatasetSteps(source, givenSteps, "evaluate", "steps") : givenSteps);
    const total = py ? pyDatasetSteps(source, steps, "evaluate", "steps") : steps ?? knownBatchCount(source);
    const stream = py ? pyDatasetStream(source, { shuffle: false, hooks: true, steps }) : source;
    const batches = this.checkedBatches(stream, state, "evaluate (dataset batch)", py ? undefined : steps);
    // Only steps the user asked for can run out; a cap (config.setMaxStepsPerEpoch) is a ceiling.
    const asked = givenSteps === undefined ? undefined : steps;
    const logs = await evaluateWithCallbacks(this as CallbackModel, args.callbacks, verbose, total, (hooks) =>
      evaluateBatches(this.testRunner(), warnIfRanOut(batches, asked, "evaluate", "steps", { warned: false }), hooks));
    return evaluateResult(logs, state, returnDict);
  }

  /**
   * A dataset's elements (the first `limit` of them) as batches, the first one checked against the
   * model like tensors are, and every batch's sample weights (a third part) checked as fit's.
   */
  private async *checkedBatches(stream: BatchStream, state: CompiledState, what: string, limit?: number): AsyncGenerator<TrainBatch> {
    let checked = false, count = 0;
    if (limit === 0) return;
    const op = what.split(" ")[0];
    for await (const element of stream) {
      const ownSteps = this.trainStep !== Model.prototype.trainStep || this.testStep !== Model.prototype.testStep;
      // A Sequential model started without an Input has no inputs until its first batch builds it.
      const inputs = this.knownInputs();
      const raw = splitBatch(element, op, Math.max(1, inputs.length), state.outputs.length, ownSteps || !state.hasLoss);
      // Integer inputs become the model's input dtype, as they do from tensors (and as Keras casts
      // them); x and y keyed by name are put in the model's input and output order.
      const batch: TrainBatch = {
        x: this.toInputs(raw.x, "x", what),
        y: raw.y === null || !isKeyedData(raw.y) ? raw.y as Targets | null : targetsFor(raw.y, state, what),
        sampleWeight: raw.sampleWeight,
      };
      if (!checked) {
        refuseUnbatched(batch, inputs, what);
        checkData(this, batch.x, batch.y, state, what);
        checked = true;
      }
      if (batch.sampleWeight) batch.sampleWeight = sampleWeightsFor(batch.sampleWeight, numSamples(batch.x, "x"), what, "sampleWeight (the element's last tensor)");
      yield batch;
      if (limit !== undefined && ++count >= limit) return;
    }
  }

  /**
   * Outputs for x, computed in batches in inference mode; a model with several outputs gives a list
   * (type it: model.predict<Tensor[]>(x)). Returns synchronously, so `callbacks` are called
   * synchronously and an async hook is refused: use predictAsync to have it awaited.
   */
  predict<T extends Predicted = Tensor>(xIn: ModelData, args?: PredictArgs): T;
  /**
   * predict(dataset): outputs for every batch of a data.Dataset (or any async iterable), joined
   * along the batch axis, as Keras; elements are x batches, or [x, y] whose y is ignored. `steps`
   * reads only the first batches (needed for an endless dataset). Callbacks' hooks are awaited.
   */
  predict<T extends Predicted = Tensor>(dataset: BatchStream | PyDataset, args?: PredictArgs): Promise<T>;
  predict<T extends Predicted = Tensor>(xIn: ModelData | BatchStream | PyDataset, args: PredictArgs = {}): T | Promise<T> {
    checkOptions("predict", args, PREDICT_OPTIONS);
    if (isDataset(xIn)) return this.predictStream(xIn, args) as Promise<T>;
    const { run, batches } = this.predictTensors(xIn, args, "predict");
    return predictSync(run, batches) as T;
  }

  /**
   * predict that awaits its callbacks' hooks (they may be async: write a file, send a batch's
   * outputs somewhere) and returns a Promise: the same outputs as predict, for tensors or a dataset.
   */
  predictAsync<T extends Predicted = Tensor>(xIn: ModelData, args?: PredictArgs): Promise<T>;
  predictAsync<T extends Predicted = Tensor>(dataset: BatchStream | PyDataset, args?: PredictArgs): Promise<T>;
  async predictAsync<T extends Predicted = Tensor>(xIn: ModelData | BatchStream | PyDataset, args: PredictArgs = {}): Promise<T> {
    checkOptions("predictAsync", args, PREDICT_OPTIONS);
    if (isDataset(xIn)) return (await this.predictStream(xIn, args)) as T;
    const { run, batches } = this.predictTensors(xIn, args, "predictAsync");
    return (await predictAwaitingHooks(run, batches)) as T;
  }

  /** predict's run over tensors: x checked (as a whole, before any hook runs) and cut into batches of batchSize. */
  private predictTensors(xIn: ModelData, args: PredictArgs, op: string): { run: PredictRun; batches: Iterable<Tensor | Tensor[]> } {
    const steps = args.steps === undefined ? null : stepCount(args.steps, `${op}: steps`);
    const givenBatchSize = args.batchSize === undefined ? null : batchSizeOf(args.batchSize, op);
    const x = this.toInputs(xIn, "x", op);
    const n = numSamples(x, "x");
    if (n === 0) throw new RangeError(`${op}: x has no samples`);
    const { batchSize, batches, capped } = cappedTensorPlan(n, givenBatchSize, steps, op);
    (Array.isArray(x) ? x : [x]).forEach((xk, k) => checkFinite(xk, `${op}: x${Array.isArray(x) ? `[${k}]` : ""}`));
    const step = this.ownPredictStep();
    const run: PredictRun = {
      model: this, callbacks: args.callbacks, verbose: args.verbose, steps: capped ? batches : steps ?? batches,
      predictBatch: (xb) => this.predicted(predictData(this, xb, numSamples(xb, "x"), undefined, step)),
    };
    return { run, batches: rowBatches(x, Math.min(n, batches * batchSize), batchSize) };
  }

  private async predictStream(source: BatchStream | PyDataset, args: PredictArgs): Promise<Predicted> {
    const givenSteps = streamSteps(args);
    const step = this.ownPredictStep();
    // A PyDataset is read in index order, its pass stopping after `steps` itself so that its onEpochEnd runs (as Keras').
    const py = source instanceof PyDataset;
    const steps = cappedSteps("predict", "steps", py ? pyDatasetSteps(source, givenSteps, "predict", "steps") : givenSteps);
    const total = py ? pyDatasetSteps(source, steps, "predict", "steps") : steps ?? knownBatchCount(source);
    const stream = py ? pyDatasetStream(source, { shuffle: false, hooks: true, steps }) : source;
    const run: PredictRun<ElementPart> = {
      model: this, callbacks: args.callbacks, verbose: args.verbose, steps: total,
      predictBatch: (xs) => {
        const x = this.toInputs(xs, "x", "predict (dataset batch)");
        return this.predicted(predictData(this, x, Math.max(1, numSamples(x, "x")), undefined, step));
      },
    };
    const io = { inputs: this.knownInputs(), outputs: this.knownOutputs() };
    // Only steps the user asked for can run out, as in evaluate.
    const asked = givenSteps === undefined ? undefined : steps;
    return predictAwaitingHooks(run, warnIfRanOut(streamInputs(stream, py ? undefined : steps, io), asked, "predict", "steps", { warned: false }));
  }

  /**
   * Keras' reset_metrics(): the running loss and every compiled metric start over. trainOnBatch and
   * testOnBatch report running means since the last reset (fit resets at each epoch, evaluate at
   * its start); call this to have the next call report its own batch. Nothing to do before compile.
   */
  resetMetrics(): void {
    for (const m of this.metrics) m.resetState();
  }

  /**
   * A batch's outputs as predict's hooks hear them and predict returns them: the built-in
   * predictStep's keyed by output key for a model built with keyed outputs (Keras' predict_step
   * returns what calling the model does); a subclass's own predictStep's as it returns them.
   */
  private predicted(out: PredictOutputs): PredictOutputs {
    return this.ownPredictStep() === undefined ? this.structuredOutputs(out as Tensor | Tensor[]) : out;
  }

  /** A subclass's own predictStep for predict to run on each batch; undefined for the built-in one (predict runs it pooled). */
  private ownPredictStep(): ((xb: Tensor | Tensor[]) => unknown) | undefined {
    if (this.predictStep === Model.prototype.predictStep) return undefined;
    return (xb) => noGrad(() => this.predictStep({ x: xb, y: null, sampleWeight: null }));
  }

  /** One training step on one batch; with returnDict: true, `{ loss, <metric name>: value, ... }` (Keras' return_dict=True). */
  trainOnBatch(xIn: ModelData, yIn: ModelData | null, args: TrainOnBatchArgs & { returnDict: true }): EvaluateResults;
  /** One training step on one batch; returns the loss, or [loss, ...metrics] in evaluate's order, like Keras. */
  trainOnBatch(xIn: ModelData, yIn: ModelData | null, args?: TrainOnBatchArgs & { returnDict?: false }): number | number[];
  /** returnDict known only when the program runs: either form. */
  trainOnBatch(xIn: ModelData, yIn: ModelData | null, args?: TrainOnBatchArgs): number | number[] | EvaluateResults;
  trainOnBatch(xIn: ModelData, yIn: ModelData | null, args?: TrainOnBatchArgs): number | number[] | EvaluateResults {
    checkOptions("trainOnBatch", args, TRAIN_ON_BATCH_OPTIONS);
    const returnDict = returnDictOf(args?.returnDict, "trainOnBatch");
    const state = this.requireCompiled("trainOnBatch");
    this.checkClassWeighting("trainOnBatch", args, state);
    const { x, y } = this.checkedData(xIn, yIn, state, "trainOnBatch");
    // As fit: the sample weights times the class weights of the labels.
    const given = args?.sampleWeight === undefined ? null : sampleWeightsFor(args.sampleWeight, numSamples(x, "x"), "trainOnBatch");
    if (y === null && args?.classWeight !== undefined) throw new TypeError("trainOnBatch: classWeight weighs samples by their labels, but y is null; pass y, or weigh the samples with sampleWeight");
    const sampleWeight = y === null ? given : batchSampleWeights(targetList(y)[0], given, args?.classWeight ?? null);
    // As Keras 3.5: the loss and metrics are running means over the calls since the last reset
    // (fit's epoch, evaluate, resetMetrics()), not this batch's alone.
    this.prepareCall(x);
    if (state.trainable) takeTrainable(this, state.trainable);
    const logs = stepLogs(this.trainStep({ x, y, sampleWeight }), `Model ${this.name}.trainStep`);
    return evaluateResult(logs, state, returnDict);
  }

  /** Loss and metrics on one batch in inference mode, with returnDict: true as a record (Keras' test_on_batch(return_dict=True)). */
  async testOnBatch(xIn: ModelData, yIn: ModelData | null, args: OnBatchArgs & { returnDict: true }): Promise<EvaluateResults>;
  /** Loss (and metrics) on one batch in inference mode, like Keras' test_on_batch. */
  async testOnBatch(xIn: ModelData, yIn: ModelData | null, args?: OnBatchArgs & { returnDict?: false }): Promise<number | number[]>;
  /** returnDict known only when the program runs: either form. */
  async testOnBatch(xIn: ModelData, yIn: ModelData | null, args?: OnBatchArgs): Promise<number | number[] | EvaluateResults>;
  async testOnBatch(xIn: ModelData, yIn: ModelData | null, args?: OnBatchArgs): Promise<number | number[] | EvaluateResults> {
    checkOptions("testOnBatch", args, TEST_ON_BATCH_OPTIONS);
    const returnDict = returnDictOf(args?.returnDict, "testOnBatch");
    const state = this.requireCompiled("testOnBatch");
    const { x, y } = this.checkedData(xIn, yIn, state, "testOnBatch");
    const n = numSamples(x, "x");
    const sampleWeight = args?.sampleWeight === undefined ? null : sampleWeightsFor(args.sampleWeight, n, "testOnBatch");
    // Added to the running loss and metrics, as trainOnBatch adds (Keras 3.5 resets neither).
    this.prepareCall(x);
    return evaluateResult(stepLogs(this.testStep({ x, y, sampleWeight }), `Model ${this.name}.testStep`), state, returnDict);
  }

  predictOnBatch<T extends Predicted = Tensor>(xIn: ModelData): T {
    const x = this.toInputs(xIn, "x", "predictOnBatch");
    return this.predicted(predictData(this, x, numSamples(x, "x"), undefined, this.ownPredictStep())) as T;
  }
}

// A subclassed model that writes no getConfig gets Layer's, with auto-config (Keras: Model has no get_config of its own).
markBaseGetConfig(Model.prototype.getConfig);

/** x's rows in batches of batchSize, cut as predict reaches each. */
function* rowBatches(x: Tensor | Tensor[], n: number, batchSize: number): Generator<Tensor | Tensor[]> {
  for (let start = 0; start < n; start += batchSize) yield sliceRows(x, start, Math.min(batchSize, n - start));
}

/** x given as a dataset (a data.Dataset or other async iterable of batches, or a utils.PyDataset) rather than tensors. */
function isDataset(x: unknown): x is BatchStream | PyDataset {
  return isBatchStream(x) || x instanceof PyDataset;
}



/** getLayer's keyword form: exactly one of name and index, as Keras' get_layer requires. */
function layerKey(model: string, key: { name?: string; index?: number }): string | number {
  const extra = Object.keys(key).filter((k) => k !== "name" && k !== "index");
  if (extra.length > 0) throw new TypeError(`getLayer: unknown option ${extra.join(", ")} for model ${model}; give { name } or { index }`);
  const { name, index } = key;
  if (name !== undefined && index !== undefined) {
    throw new TypeError(`getLayer: provide only a layer name or a layer index, got index ${valueText(index)} and name ${valueText(name)} for model ${model}`);
  }
  if (index !== undefined) {
    if (!Number.isInteger(index)) throw new TypeError(`getLayer: index must be an integer, got ${valueText(index)}`);
    return index;
  }
  if (name === undefined) throw new TypeError(`getLayer: provide either a layer name or a layer index ({ name } or { index }) for model ${model}`);
  if (typeof name !== "string") throw new TypeError(`getLayer: name must be a string, got ${valueText(name)}`);
  return name;
}

/** An object of named inputs, as opposed to a tensor or a list of them. */
function isKeyedInputs(x: unknown): x is KeyedInputs {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !(x instanceof SymbolicTensor);
}
