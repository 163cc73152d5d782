/**
 * Keras' TensorBoard callback: writes the epoch (and, on request, batch) logs, the learning rate,
 * evaluation results against the optimizer's iterations, weight histograms and the model's
 * architecture as TensorFlow events files under `<logDir>/train` and `<logDir>/validation`,
 * which `tensorboard --logdir <logDir>` reads.
 *
 * Where lamina departs from Keras 3.5, on purpose:
 * - batch logs go at the global batch number (1, 2, ... across epochs), as later Keras writes
 *   them; Keras 3.5 writes every one at step 0;
 * - updateFreq N writes every N-th batch, as documented; Keras' record_if tests the step it was
 *   given at on_train_begin (0), so it writes every batch whatever N is;
 * - histogram tags are `<weight name>/histogram` with the weight names tf.keras gave (`dense/kernel`,
 *   without a Sequential's scope); Keras 3's bare `kernel` would put every layer's kernel under one tag.
 * Ignored as Keras ignores them off TensorFlow: the traced train-function graph (writeGraph still
 * writes the model's JSON, which is what Keras writes on its other backends).
 */
import { join } from "node:path";
import type { Tensor } from "../../tensor/tensor.js";
import { checkKeys } from "../../nn/common.js";
import { booleanOption } from "../../tensor/option_checks.js";
import { Callback, type CallbackModel, type Logs } from "./callback.js";
import { type SummaryValue, scalarValue } from "./tfevents/event.js";
import { histogramValue } from "./tfevents/histogram.js";
import { kerasTwoWeightName } from "../../layers/weight_scope.js";
import { weightImageValue } from "./tfevents/image.js";
import { EventFileWriter } from "./tfevents/writer.js";

export interface TensorBoardOptions {
  /** Where the `train/` and `validation/` event folders go (default "logs"); made if missing. */
  logDir?: string | URL;
  /** Every this many epochs, a histogram of each layer's weights (default 0: none). */
  histogramFreq?: number;
  /**
   * Write the model's architecture (Keras' to_json) for TensorBoard's graph view (default true).
   * Keras also writes the traced train-function graph, but only on the TensorFlow backend.
   */
  writeGraph?: boolean;
  /** With histogramFreq: each weight also as an image, as Keras draws them (default false). */
  writeImages?: boolean;
  /** Also log training steps per second (`epoch_steps_per_second`, `batch_steps_per_second`). */
  writeStepsPerSecond?: boolean;
  /** "epoch" (default), or "batch" / a number N: the batch logs every N batches as `batch_<name>`. */
  updateFreq?: "epoch" | "batch" | number;
  /** Profiling: refused unless 0, as Keras refuses it on its non-TensorFlow backends. */
  profileBatch?: number | string | readonly [number, number];
  /** Embedding projector: refused unless 0 (not done by lamina). */
  embeddingsFreq?: number;
  /** Embedding metadata file(s): only used with embeddingsFreq, as in Keras. */
  embeddingsMetadata?: string | Readonly<Record<string, string>> | null;
}

const WHO = "TensorBoard";
const OPTIONS = ["logDir", "histogramFreq", "writeGraph", "writeImages", "writeStepsPerSecond", "updateFreq", "profileBatch", "embeddingsFreq", "embeddingsMetadata"];

/** What TensorBoard reads of a model beyond CallbackModel (models.Model has it all). */
interface ModelParts {
  layers?: ReadonlyArray<{ readonly name: string; readonly weights: ReadonlyArray<Tensor & { readonly name: string }> }>;
  toJSON?: () => string;
}

function iterationsOf(model: CallbackModel): number | null {
  const it = (model.optimizer as { iterations?: unknown } | null)?.iterations;
  return typeof it === "number" ? it : null;
}

function nonNegativeInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${WHO}: ${name} must be a non-negative whole number of epochs (0 turns it off), got ${JSON.stringify(value)}`);
  }
  return value;
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  return booleanOption(WHO, name, value, fallback);
}

function updateFreqOf(value: unknown): "epoch" | number {
  if (value === undefined || value === "epoch") return "epoch";
  if (value === "batch") return 1;
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  throw new RangeError(`${WHO}: updateFreq must be "epoch", "batch" or a positive whole number of batches, got ${JSON.stringify(value)}`);
}

export class TensorBoard extends Callback {
  readonly logDir: string;
  readonly histogramFreq: number;
  readonly writeGraph: boolean;
  readonly writeImages: boolean;
  readonly writeStepsPerSecond: boolean;
  /** "epoch", or every how many batches the batch logs are written ("batch" is 1). */
  readonly updateFreq: "epoch" | number;
  readonly embeddingsMetadata: string | Readonly<Record<string, string>> | null;

  private writers: { train?: EventFileWriter; validation?: EventFileWriter } = {};
  private globalTrainBatch = 0;
  private batchStart = 0;
  private epochStart = 0;
  private epochStartIterations = 0;

  /** `TensorBoard("logs", options)`, or Keras' keywords as one object: `TensorBoard({ logDir: "logs" })`. */
  constructor(logDir: string | URL | TensorBoardOptions = {}, options: TensorBoardOptions = {}) {
    super();
    const opts: TensorBoardOptions = typeof logDir === "string" || logDir instanceof URL ? { ...options, logDir } : { ...logDir, ...options };
    if (typeof logDir === "object" && !(logDir instanceof URL) && logDir !== null) checkKeys(WHO, logDir, OPTIONS);
    checkKeys(WHO, options, OPTIONS);
    const dir = opts.logDir ?? "logs";
    if (!(dir instanceof URL) && (typeof dir !== "string" || dir.length === 0)) {
      throw new TypeError(`${WHO}: logDir must be a non-empty folder path, got ${JSON.stringify(dir)}`);
    }
    this.logDir = dir instanceof URL ? decodeURIComponent(dir.pathname) : dir;
    this.histogramFreq = nonNegativeInteger("histogramFreq", opts.histogramFreq, 0);
    this.writeGraph = flag("writeGraph", opts.writeGraph, true);
    this.writeImages = flag("writeImages", opts.writeImages, false);
    this.writeStepsPerSecond = flag("writeStepsPerSecond", opts.writeStepsPerSecond, false);
    this.updateFreq = updateFreqOf(opts.updateFreq);
    const profile = opts.profileBatch ?? 0;
    if (profile !== 0) {
      throw new RangeError(`${WHO}: profiling is not available in lamina (Keras refuses it too on its jax/torch/numpy backends); got profileBatch ${JSON.stringify(profile)}, it must be 0`);
    }
    const embeddingsFreq = nonNegativeInteger("embeddingsFreq", opts.embeddingsFreq, 0);
    if (embeddingsFreq !== 0) {
      throw new RangeError(`${WHO}: embeddingsFreq ${embeddingsFreq} is not supported by lamina (TensorBoard's embedding projector is not written); leave it 0`);
    }
    const meta = opts.embeddingsMetadata ?? null;
    if (meta !== null && typeof meta !== "string" && (typeof meta !== "object" || Object.values(meta).some((v) => typeof v !== "string"))) {
      throw new TypeError(`${WHO}: embeddingsMetadata must be a file name or an object of file names by Embedding layer name, got ${JSON.stringify(meta)}`);
    }
    this.embeddingsMetadata = meta;
  }

  /** Each fit / evaluate starts new event files, as Keras' set_model resets its writers. */
  override setModel(model: CallbackModel): void {
    super.setModel(model);
    this.writers = {};
    if (this.writeGraph) this.writeModelSummary();
  }

  private get trainWriter(): EventFileWriter {
    return (this.writers.train ??= new EventFileWriter(join(this.logDir, "train")));
  }

  private get validationWriter(): EventFileWriter {
    return (this.writers.validation ??= new EventFileWriter(join(this.logDir, "validation")));
  }

  /** Keras' keras_model_summary: the model's JSON under the tag "keras", for the graph plugin's conceptual graph. */
  private writeModelSummary(): void {
    const model = this.model as CallbackModel & ModelParts;
    if (typeof model.toJSON !== "function") return;
    let json: string;
    try {
      json = model.toJSON();
    } catch (e) {
      process.emitWarning(`Model failed to serialize as JSON. Ignoring... ${(e as Error).message ?? String(e)}`, "UserWarning");
      return;
    }
    const enc = new TextEncoder();
    const value: SummaryValue = {
      tag: "keras",
      tensor: { dtype: "string", shape: [], values: [enc.encode(json)] },
      pluginName: "graph_keras_model",
      pluginContent: enc.encode("1"),
    };
    this.trainWriter.write(0, [value]);
  }

  override onTrainBegin(): void {
    this.globalTrainBatch = 0;
    this.epochStartIterations = 0;
  }

  override onTrainBatchBegin(): void {
    this.globalTrainBatch++;
    if (this.writeStepsPerSecond) this.batchStart = performance.now();
  }

  override onTrainBatchEnd(_batch: number, logs: Logs): void {
    if (this.updateFreq === "epoch" || this.globalTrainBatch % this.updateFreq !== 0) return;
    const values: SummaryValue[] = [];
    if (this.writeStepsPerSecond) values.push(scalarValue("batch_steps_per_second", 1000 / (performance.now() - this.batchStart)));
    for (const [name, value] of Object.entries(logs ?? {})) values.push(scalarValue(`batch_${name}`, value));
    this.trainWriter.write(this.globalTrainBatch, values);
  }

  override onTestEnd(logs: Logs): void {
    const iterations = iterationsOf(this.model);
    if (iterations === null) return;
    const values = Object.entries(logs ?? {}).map(([name, value]) => scalarValue(`evaluation_${name}_vs_iterations`, value));
    this.validationWriter.write(iterations, values);
  }

  override onEpochBegin(): void {
    if (this.writeStepsPerSecond) {
      this.epochStartIterations = iterationsOf(this.model) ?? 0;
      this.epochStart = performance.now();
    }
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.logEpochMetrics(epoch, logs ?? {});
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0) this.logWeights(epoch);
  }

  private logEpochMetrics(epoch: number, logs: Logs): void {
    if (Object.keys(logs).length === 0) return;
    const train: Logs = {}, validation: Logs = {};
    for (const [k, v] of Object.entries(logs)) {
      if (k.startsWith("val_")) validation[k.slice(4)] = v;
      else train[k] = v;
    }
    const optimizer = this.model.optimizer;
    if (optimizer && typeof optimizer.learningRate === "number") train.learning_rate = optimizer.learningRate;
    if (this.writeStepsPerSecond) {
      const steps = (iterationsOf(this.model) ?? 0) - this.epochStartIterations;
      train.steps_per_second = steps / ((performance.now() - this.epochStart) / 1000);
    }
    const scalars = (l: Logs) => Object.entries(l).map(([name, value]) => scalarValue(`epoch_${name}`, value));
    this.trainWriter.write(epoch, scalars(train));
    this.validationWriter.write(epoch, scalars(validation));
  }

  /** Keras' _log_weights: every layer's weights, tagged `<weight name>/histogram` (and `/image`). */
  private logWeights(epoch: number): void {
    const layers = (this.model as CallbackModel & ModelParts).layers;
    if (!layers) throw new TypeError(`${WHO}: histogramFreq needs the model's layers, and model "${this.model.name}" has none; use a models.Model or models.Sequential, or set histogramFreq: 0`);
    const values: SummaryValue[] = [];
    for (const layer of layers) {
      for (const weight of layer.weights) {
        const name = kerasTwoWeightName(weight).replace(/:/g, "_");
        const raw = weight.dataSync();
        // int64 weights come as bigints; TF casts every weight to float64 for its histogram.
        const data = raw instanceof BigInt64Array ? Float64Array.from(raw, Number) : (raw as ArrayLike<number>);
        values.push(histogramValue(`${name}/histogram`, data));
        if (this.writeImages) {
          const image = weightImageValue(`${name}/image`, data, weight.shape);
          if (image) values.push(image);
        }
      }
    }
    this.trainWriter.write(epoch, values);
  }
}
