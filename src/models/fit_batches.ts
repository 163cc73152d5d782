/**
 * What each epoch of fit trains on: shuffled batches of tensors, or a dataset's batches; both
 * weighted by classWeight as Keras weighs them, and cut into epochs of stepsPerEpoch batches.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Targets } from "./training.js";
import { batchSampleWeights } from "./sample_weights.js";
import { epochBatches, numSamples, takeRows, targetList } from "./data_rows.js";
import type { StepData } from "./custom_step.js";
import type { TrainBatch } from "./batch_stream.js";
import { DEFAULT_BATCH_SIZE, type FitArgs, bothWeightings } from "./model_args.js";

type ClassWeight = FitArgs["classWeight"];

/** One pass over x, y and the sample weights in batches, shuffled anew each pass unless `shuffle` is false ("batch": within batches). */
export function tensorEpochs(data: StepData, batchSize: number, shuffle: boolean | "batch", classWeight: ClassWeight): () => Generator<TrainBatch> {
  const { x, y, sampleWeight } = data;
  const n = numSamples(x, "x");
  return function* (): Generator<TrainBatch> {
    for (const idx of epochBatches(n, batchSize, shuffle)) {
      const yb: Targets | null = y === null ? null : Array.isArray(y) ? y.map((t) => takeRows(t, idx) as Tensor) : (takeRows(y, idx) as Tensor);
      const swb = sampleWeight ? (takeRows(sampleWeight, idx) as Tensor) : null;
      const sw = yb === null ? swb : batchSampleWeights(targetList(yb)[0], swb, classWeight ?? null);
      yield { x: takeRows(x, idx), y: yb, sampleWeight: sw };
    }
  };
}

/**
 * One pass over a dataset's batches, read by `open` (its elements checked against the model), each
 * weighted by classWeight. Without stepsPerEpoch an epoch is one pass; the first must yield a batch.
 */
export function datasetEpochs(open: () => AsyncGenerator<TrainBatch>, classWeight: ClassWeight): () => AsyncGenerator<TrainBatch> {
  let total = 0;
  return async function* (): AsyncGenerator<TrainBatch> {
    for await (const { x: xb, y: yb, sampleWeight: sw } of open()) {
      total++;
      if (sw && classWeight !== undefined) throw bothWeightings("fit", "the dataset yields sample weights");
      if (yb === null && classWeight !== undefined) throw new TypeError("fit: classWeight weighs samples by their labels, but the dataset yields x alone; yield [x, y]");
      yield { x: xb, y: yb, sampleWeight: yb === null ? sw : batchSampleWeights(targetList(yb)[0], sw, classWeight ?? null) };
    }
    if (total === 0) throw new RangeError("fit: the dataset yielded no batches");
  };
}

/**
 * Epochs of `stepsPerEpoch` batches, as Keras' EpochIterator cuts them: one pass (`passes()`) runs
 * on across epochs. A pass that ends inside an epoch ends that epoch early, and the next epoch
 * starts a new pass; one that ends exactly at an epoch's end is followed by a new pass at once. The
 * first early end warns, once per fit: Keras' warnings.warn says it once (Python shows a warning
 * once per place it is raised from), however many epochs run short. A new pass that yields
 * nothing (a one-shot generator read again) stops training with a warning.
 */
export function stepsPerEpochBatches(
  passes: () => Iterator<TrainBatch> | AsyncIterator<TrainBatch>, stepsPerEpoch: number, model: { stopTraining: boolean },
): () => AsyncGenerator<TrainBatch> {
  let pass: Iterator<TrainBatch> | AsyncIterator<TrainBatch> | null = null;
  let warned = false;
  return async function* (): AsyncGenerator<TrainBatch> {
    for (let step = 0; step < stepsPerEpoch; step++) {
      const fresh = pass === null;
      pass ??= passes();
      let next = await pass.next();
      if (next.done && !fresh && step === 0) {
        pass = passes();
        next = await pass.next();
      }
      if (next.done) {
        pass = null;
        if (step === 0) {
          process.emitWarning("fit: the data yielded no batches in a new pass (a generator can be read only once); interrupting training. Pass a data.Dataset, which each pass reads anew, or use dataset.repeat()", "UserWarning");
          model.stopTraining = true;
        } else if (!warned) {
          warned = true;
          warnRanOut("fit", step, stepsPerEpoch, "stepsPerEpoch", " (the next epoch starts a new pass; said once per fit)");
        }
        return;
      }
      yield next.value;
    }
  };
}

/** Keras' "Your input ran out of data; interrupting epoch" warning, with the counts. */
export function warnRanOut(op: string, got: number, steps: number, name: string, next = ""): void {
  process.emitWarning(`${op}: your input ran out of data after ${got} of ${name} ${steps} batches; interrupting epoch, as Keras does${next}. Make sure that your data can generate at least ${name} batches: use dataset.repeat(), a smaller batchSize, or lower ${name}`, "UserWarning");
}

/** Whether a ran-out warning was said already: once per evaluate, or once per fit's validations. */
export interface RanOutNotice {
  warned: boolean;
}

/**
 * One pass that should give `steps` batches (evaluate's steps, validationSteps), passed on as it
 * comes; a pass that ends sooner gets Keras' ran-out warning (once per `notice`), as Keras'
 * epoch iterator warns when its iterator stops before steps_per_epoch. Without `steps`, a pass is
 * simply read to its end. A pass that yields nothing is left to the caller's own error.
 */
export async function* warnIfRanOut<T>(
  batches: AsyncIterable<T>, steps: number | undefined, op: string, name: string, notice: RanOutNotice, next = "",
): AsyncGenerator<T> {
  let count = 0;
  for await (const batch of batches) {
    count++;
    yield batch;
  }
  if (steps !== undefined && count > 0 && count < steps && !notice.warned) {
    notice.warned = true;
    warnRanOut(op, count, steps, name, next);
  }
}

/**
 * The batch size and batch count of evaluate or predict over n samples: Keras' array adapter takes
 * the given batchSize (already checked), or, given `steps` and no batchSize, spreads the samples
 * over that many, else 32; `steps` then reads only the first batches, with Keras' warning when
 * there are fewer.
 */
export function tensorStepsPlan(n: number, batchSize: number | null, steps: number | null, op: string): { batchSize: number; batches: number } {
  const size = batchSize ?? (steps !== null ? Math.ceil(n / steps) : DEFAULT_BATCH_SIZE);
  const available = Math.ceil(n / size);
  if (steps !== null && steps > available) warnRanOut(op, available, steps, "steps");
  return { batchSize: size, batches: steps === null ? available : Math.min(steps, available) };
}
