/**
 * What each epoch of fit trains on: shuffled batches of tensors, or a dataset's batches; both
 * weighted by classWeight as Keras weighs them.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Targets } from "./training.js";
import { batchSampleWeights } from "./sample_weights.js";
import { epochBatches, numSamples, takeRows, targetList } from "./data_rows.js";
import type { StepData } from "./custom_step.js";
import type { TrainBatch } from "./batch_stream.js";
import { type FitArgs, bothWeightings } from "./model_args.js";

type ClassWeight = FitArgs["classWeight"];

/** An epoch's batches of x, y and the sample weights, shuffled anew each epoch unless `shuffle` is false. */
export function tensorEpochs(data: StepData, batchSize: number, shuffle: boolean, classWeight: ClassWeight): () => Generator<TrainBatch> {
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
 * An epoch's batches of a dataset, read by `open` (its elements checked against the model). With
 * stepsPerEpoch one iterator runs on across epochs, as in Keras, and a dataset that runs out
 * stops training (`model.stopTraining`) with a warning; otherwise each epoch reads the dataset anew.
 */
export function datasetEpochs(
  open: () => AsyncGenerator<TrainBatch>, classWeight: ClassWeight, epochs: number, stepsPerEpoch: number | null,
  model: { stopTraining: boolean },
): () => AsyncGenerator<TrainBatch> {
  let total = 0;
  let iterator: AsyncGenerator<TrainBatch> | null = null;
  return async function* (): AsyncGenerator<TrainBatch> {
    const batches = stepsPerEpoch === null ? open() : (iterator ??= open());
    for (let step = 0; stepsPerEpoch === null || step < stepsPerEpoch; step++) {
      const next = await batches.next();
      if (next.done) {
        if (stepsPerEpoch !== null && total > 0) {
          process.emitWarning(`fit: the dataset ran out of data after ${total} batches (stepsPerEpoch ${stepsPerEpoch} x epochs ${epochs} asks for ${stepsPerEpoch * epochs}); interrupting training, as Keras does. Repeat the dataset (dataset.repeat()) or lower stepsPerEpoch`, "UserWarning");
          model.stopTraining = true;
        }
        break;
      }
      total++;
      const { x: xb, y: yb, sampleWeight: sw } = next.value;
      if (sw && classWeight !== undefined) throw bothWeightings("fit", "the dataset yields sample weights");
      if (yb === null && classWeight !== undefined) throw new TypeError("fit: classWeight weighs samples by their labels, but the dataset yields x alone; yield [x, y]");
      yield { x: xb, y: yb, sampleWeight: yb === null ? sw : batchSampleWeights(targetList(yb)[0], sw, classWeight ?? null) };
    }
    if (total === 0) throw new RangeError("fit: the dataset yielded no batches");
  };
}
