/**
 * The benchmark of ../shared/bench/README.md, shared by `npm run bench` (bench/run.ts) and
 * `lamina bench`: trains and runs inference on the six reference models and prints one JSON line
 * per model; `--gemm` measures the 2048^3 float32 matmul instead.
 */
import { availableParallelism } from "node:os";
import * as tf from "../index.js";
import { nativeAddon } from "../backend/native/index.js";
import { gemmThreads } from "../backend/js/gemm-pool.js";
import { MODEL_NAMES, REFERENCE_MODELS, isModelName, type ModelName, type ReferenceModel } from "./reference-models.js";
import { UsageError, listFlag, parseFlags, type FlagSpecs } from "./args.js";

export const BENCH_FLAGS: FlagSpecs = {
  model: { type: "string" },
  "target-s": { type: "string" },
  gemm: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** The usage text; `command` is how the user started the benchmark ("npm run bench --", "lamina bench"). */
export function benchUsage(command: string): string {
  return `usage: ${command} [--model NAME[,NAME]] [--target-s S] [--gemm]
  --model       reference models to measure, comma-separated (default: all of ${MODEL_NAMES.join(", ")})
  --target-s    seconds to time each measurement, at least 2 steps (default 15)
  --gemm        2048x2048x2048 float32 matmul, GFLOP/s (alone: only the GEMM; with --model: the GEMM, then the models)
  -h, --help    this text
Prints one JSON line per model: {"engine", "model", "batch", "params", "train_samples_per_s", "infer_samples_per_s", "notes"}.`;
}

const WARMUP_STEPS = 3;
const MIN_TIMED_STEPS = 2;
const INFER_BATCH = 256;

export interface BenchOptions {
  /** Empty with --gemm alone. */
  models: ModelName[];
  targetS: number;
  gemm: boolean;
  help: boolean;
}

/** Where results (stdout) and progress (stderr) go; `prefix` starts every progress line. */
export interface BenchOutput {
  result(line: string): void;
  progress(line: string): void;
  prefix: string;
}

/** The flags of a benchmark run; UsageError on anything wrong. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseFlags(argv, BENCH_FLAGS, 0);
  const targetText = typeof values["target-s"] === "string" ? values["target-s"] : "15";
  const targetS = Number(targetText);
  if (targetText.trim() === "" || !Number.isFinite(targetS) || targetS <= 0) {
    throw new UsageError(`--target-s must be a positive number of seconds, got "${targetText}"`);
  }
  let models: ModelName[] | null = null;
  if (typeof values.model === "string") {
    if (values.model.trim() === "") throw new UsageError(`--model needs at least one name: ${MODEL_NAMES.join(", ")}`);
    // "a,,b" or "a,b,": an empty name is a typo, refused as --classes refuses it rather than dropped.
    const names = listFlag(values, "model", "model name", "mlp,cnn") ?? [];
    const unknown = names.filter((n) => !isModelName(n));
    if (unknown.length > 0) {
      throw new UsageError(`unknown model${unknown.length === 1 ? "" : "s"} ${unknown.map((n) => `"${n}"`).join(", ")}; the reference models are ${MODEL_NAMES.join(", ")}`);
    }
    models = [...new Set(names.filter(isModelName))];
  }
  const gemm = values.gemm === true;
  return { models: models ?? (gemm ? [] : [...MODEL_NAMES]), targetS, gemm, help: values.help === true };
}

interface Timing {
  steps: number;
  seconds: number;
}

/** Warm-up steps, then whole steps until at least targetS seconds and at least MIN_TIMED_STEPS steps. */
function timedLoop(step: () => void, targetS: number): Timing {
  for (let i = 0; i < WARMUP_STEPS; i++) step();
  let steps = 0;
  const t0 = performance.now();
  let seconds = 0;
  do {
    step();
    steps++;
    seconds = (performance.now() - t0) / 1000;
  } while (seconds < targetS || steps < MIN_TIMED_STEPS);
  return { steps, seconds };
}

/** Two decimals, or four significant digits below 10 samples/s (the JS backend's slow models). */
function roundRate(x: number): number {
  return x >= 10 ? Math.round(x * 100) / 100 : Number(x.toPrecision(4));
}

/** Threads the backend computes on: the JS backend runs on the main thread only, the native one on its pool. */
function backendThreads(backend: string): number {
  // The JS backend runs its large GEMMs on worker threads; the rest on the calling thread.
  if (backend === "js") return gemmThreads();
  const native = backend === "native" ? nativeAddon() : null;
  return native ? native.info().threads : availableParallelism();
}

/** The backend's name, plus the native micro-kernel in use. */
function backendNote(backend: string): string {
  const native = backend === "native" ? nativeAddon() : null;
  return native ? `backend=native (${native.info().simd})` : `backend=${backend}`;
}

/** A failed measurement: exit code 1, the message already says why. */
export class BenchFailure extends Error {
  override readonly name = "BenchFailure";
}

function buildChecked(spec: ReferenceModel): tf.models.Model {
  const model = spec.build();
  const params = model.countParams();
  if (params !== spec.params) {
    throw new BenchFailure(`${spec.name} has ${params} parameters but ../shared/bench/README.md requires ${spec.params}; its definition in src/cli/reference-models.ts is wrong, nothing was measured`);
  }
  return model;
}

function benchModel(spec: ReferenceModel, model: tf.models.Model, targetS: number, out: BenchOutput): void {
  const backend = tf.getBackend();
  tf.random.setSeed(0);
  model.compile({ optimizer: spec.optimizer(), loss: "sparse_categorical_crossentropy" });
  const x = tf.random.normal([spec.batch, ...spec.inputShape], 0, 1, { dtype: "float32" });
  const y = tf.random.uniform([spec.batch], 0, 10, { dtype: "int32" });

  out.progress(`${out.prefix}${spec.name}: training at batch ${spec.batch} (${WARMUP_STEPS} warm-up steps, then at least ${targetS}s)`);
  let lastLoss = NaN;
  const train = timedLoop(() => {
    const result = model.trainOnBatch(x, y);
    lastLoss = Array.isArray(result) ? result[0] : result;
  }, targetS);
  if (!Number.isFinite(lastLoss)) {
    throw new BenchFailure(`${spec.name}: the training loss is ${lastLoss}; the measurement is not trustworthy`);
  }

  const xi = tf.random.normal([INFER_BATCH, ...spec.inputShape], 0, 1, { dtype: "float32" });
  out.progress(`${out.prefix}${spec.name}: inference at batch ${INFER_BATCH}`);
  const infer = timedLoop(() => {
    const result = model.predictOnBatch(xi);
    if (result.shape[0] !== INFER_BATCH) throw new BenchFailure(`${spec.name}: predictOnBatch returned shape [${result.shape.join(", ")}]`);
    result.dataSync();
  }, targetS);

  const notes = [
    `threads=${backendThreads(backend)}`,
    backendNote(backend),
    `train ${train.steps} steps/${train.seconds.toFixed(1)}s after ${WARMUP_STEPS} warm-up`,
    `infer ${infer.steps} passes of ${INFER_BATCH}/${infer.seconds.toFixed(1)}s after ${WARMUP_STEPS} warm-up`,
    `opt=${spec.optimizerName}`,
    `last loss ${lastLoss.toFixed(4)}`,
  ];
  out.result(JSON.stringify({
    engine: `lamina-${backend}`,
    model: spec.name,
    batch: spec.batch,
    params: model.countParams(),
    train_samples_per_s: roundRate((spec.batch * train.steps) / train.seconds),
    infer_samples_per_s: roundRate((INFER_BATCH * infer.steps) / infer.seconds),
    notes: notes.join("; "),
  }));
}

function gemmBench(targetS: number, out: BenchOutput): void {
  const n = 2048;
  const a = tf.random.normal([n, n], 0, 1, { seed: 1 });
  const b = tf.random.normal([n, n], 0, 1, { seed: 2 });
  tf.matmul(a, b); // warm-up: JIT and packing buffers
  let reps = 0;
  const t0 = performance.now();
  do {
    tf.matmul(a, b);
    reps++;
  } while ((performance.now() - t0) / 1000 < targetS || reps < 2);
  const seconds = (performance.now() - t0) / 1000;
  const gflops = (2 * n ** 3 * reps) / seconds / 1e9;
  const backend = tf.getBackend();
  out.result(JSON.stringify({ engine: `lamina-${backend}`, gemm: `${n}x${n}x${n} fp32`, threads: backendThreads(backend), gflops: Number(gflops.toFixed(2)), notes: `reps=${reps}` }));
}

/** Runs the measurements `opts` asks for; BenchFailure when a model is wrong or its loss is not finite. */
export function runBench(opts: BenchOptions, out: BenchOutput): void {
  // Every parameter count is checked before anything is timed.
  const built = opts.models.map((name) => ({ spec: REFERENCE_MODELS[name], model: buildChecked(REFERENCE_MODELS[name]) }));
  if (opts.gemm) gemmBench(opts.targetS, out);
  for (const { spec, model } of built) benchModel(spec, model, opts.targetS, out);
}
