/** `lamina evaluate <model file>`: loss and metrics of a saved model on a dataset's test split. */
import * as tf from "../index.js";
import { UsageError, choiceFlag, intFlag } from "./args.js";
import type { CommandInput } from "./cli.js";
import { DATASET_NAMES, defaultPreprocessing, loadCliDataset, prepareInputs } from "./cli-data.js";
import { loadModelSpec, modelInputShape } from "./model-source.js";
import { readRunInfoBeside } from "./run-folder.js";

export async function evaluateCommand({ values, operands, io }: CommandInput): Promise<number> {
  const datasetFlag = choiceFlag(values, "dataset", DATASET_NAMES, null);
  const batchSize = intFlag(values, "batch-size", 256);
  const testSamplesFlag = intFlag(values, "test-samples", null);
  const { model, trained, source } = await loadModelSpec(operands[0], { builtIn: false });
  if (!trained) io.err(`lamina evaluate: ${operands[0]} holds no trained weights; evaluating freshly initialized ones`);
  const info = await readRunInfoBeside(source);
  const dataset = datasetFlag ?? info?.dataset ?? null;
  if (dataset === null) throw new UsageError(`--dataset is required: there is no run.json beside ${operands[0]} to say which dataset the model was trained on`);
  const inputShape = modelInputShape(model, "lamina evaluate");
  // The test samples the training run reported on, so that the saved model scores what it printed.
  const testSamples = testSamplesFlag ?? (info && info.dataset === dataset ? info.testSamples ?? null : null);
  const ds = await loadCliDataset(dataset, { testSamples });
  const prep = info && info.dataset === dataset ? info.preprocessing : defaultPreprocessing(ds);
  const x = prepareInputs(ds.xTest, prep, inputShape, ds.name);
  if (model.compiled === null) {
    const classification = ds.task === "classification";
    model.compile({ loss: classification ? "sparse_categorical_crossentropy" : "mse", optimizer: "adam", metrics: [classification ? "accuracy" : "mae"] });
  }
  let logs: Record<string, number> = {};
  await model.evaluate(x, ds.yTest, {
    batchSize, verbose: 0, callbacks: [tf.callbacks.LambdaCallback({ onTestEnd: (l) => { logs = { ...l }; } })],
  });
  io.out(`${model.name} on ${x.shape[0]} test samples of ${ds.name}:`);
  for (const [k, v] of Object.entries(logs)) io.out(`  ${k} ${v.toFixed(4)}`);
  return 0;
}
