/**
 * `lamina train`: a built-in or user model on a named dataset, with Keras' validation_split,
 * the progress bar (and optionally the live dashboard), a test evaluation and the run folder that
 * `npm start` writes too (run-folder.ts).
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "../index.js";
import { PortInUseError } from "../dashboard/server.js";
import { UsageError, booleanFlag, choiceFlag, intFlag, numberFlag, portInUse, stringFlag } from "./args.js";
import type { CommandInput } from "./cli.js";
import { OPTIMIZER_NAMES } from "./commands.js";
import { DATASET_NAMES, InputShapeMismatch, defaultPreprocessing, loadCliDataset, prepareInputs, sizeOf, type CliDataset } from "./cli-data.js";
import { loadModelSpec, modelInputShape, modelOutputUnits } from "./model-source.js";
import { MODEL_NAMES, REFERENCE_MODELS } from "./reference-models.js";
import {
  FILE_DESCRIPTIONS, createRunDir, escapeHtml, saveModelFiles, writeClassifierFigures, writeReport, writeRunInfo,
} from "./run-folder.js";

type Tensor = tf.Tensor;
type Optimizer = tf.optimizers.Optimizer;

interface TrainOptions {
  modelSpec: string;
  dataset: (typeof DATASET_NAMES)[number];
  epochs: number;
  batchSize: number | null;
  optimizer: (typeof OPTIMIZER_NAMES)[number] | null;
  lr: number | null;
  seed: number;
  validationSplit: number;
  trainSamples: number | null;
  testSamples: number | null;
  out: string;
  dashboard: boolean;
  port: number;
  keepAlive: boolean;
  open: boolean;
}

function readOptions(values: CommandInput["values"]): TrainOptions {
  const o: TrainOptions = {
    modelSpec: stringFlag(values, "model") ?? "cnn",
    dataset: choiceFlag(values, "dataset", DATASET_NAMES, "fashion_mnist"),
    epochs: intFlag(values, "epochs", 3),
    batchSize: intFlag(values, "batch-size", null),
    optimizer: choiceFlag(values, "optimizer", OPTIMIZER_NAMES, null),
    lr: numberFlag(values, "lr", null, { min: 0, what: "a positive number" }),
    seed: intFlag(values, "seed", 42, 0),
    validationSplit: numberFlag(values, "validation-split", 0.2, { min: 0, minInclusive: true, max: 1, what: "a fraction from 0 up to (not including) 1" }) ?? 0.2,
    trainSamples: intFlag(values, "train-samples", null),
    testSamples: intFlag(values, "test-samples", null),
    out: stringFlag(values, "out") ?? "runs",
    dashboard: booleanFlag(values, "dashboard"),
    port: intFlag(values, "port", 0, 0),
    keepAlive: booleanFlag(values, "keep-alive"),
    open: booleanFlag(values, "open"),
  };
  if (o.port > 65535) throw new UsageError(`--port must be at most 65535, got ${o.port}`);
  if (!o.dashboard) {
    const orphan = (["port", "keep-alive", "open"] as const).filter((f) => values[f] !== undefined);
    if (orphan.length > 0) throw new UsageError(`${orphan.map((f) => `--${f}`).join(", ")} only make sense with --dashboard`);
  }
  return o;
}

/** The built-in models whose inputs have as many values as the dataset's samples. */
function modelsFor(ds: CliDataset): string[] {
  const size = sizeOf(ds.xTrain.shape.slice(1));
  return MODEL_NAMES.filter((m) => sizeOf(REFERENCE_MODELS[m].inputShape) === size);
}

function firstRows(t: Tensor, start: number, count: number): Tensor {
  return tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]);
}

export async function trainCommand({ values, io }: CommandInput): Promise<number> {
  const o = readOptions(values);
  tf.random.setSeed(o.seed);
  const { model, reference } = await loadModelSpec(o.modelSpec, { builtIn: true });
  const inputShape = modelInputShape(model, "lamina train");
  const ds = await loadCliDataset(o.dataset, { trainSamples: o.trainSamples, testSamples: o.testSamples });

  const units = modelOutputUnits(model, inputShape);
  const fitting = modelsFor(ds);
  const advice = fitting.length > 0 ? `built-in models for ${ds.name}: ${fitting.join(", ")}` : `none of the built-in models fits ${ds.name}; give --model a file`;
  if (ds.task === "classification" && units !== ds.numClasses) {
    throw new UsageError(`model "${model.name}" ends in ${units ?? "an unknown number of"} units but ${ds.name} has ${ds.numClasses} classes; ${advice}`);
  }
  if (ds.task === "regression" && units !== 1) {
    throw new UsageError(`${ds.name} is a regression (one price per sample) but model "${model.name}" ends in ${units} units; ${advice}`);
  }
  const prep = defaultPreprocessing(ds);
  let xTrain: Tensor, xTest: Tensor;
  try {
    xTrain = prepareInputs(ds.xTrain, prep, inputShape, ds.name);
    xTest = prepareInputs(ds.xTest, prep, inputShape, ds.name);
  } catch (e) {
    if (e instanceof InputShapeMismatch) throw new UsageError(`${e.message}; ${advice}`);
    throw e;
  }

  const classification = ds.task === "classification";
  const metricName = classification ? "accuracy" : "mae";
  let optimizer: Optimizer | null = null;
  const fileOptimizer = reference === null && model.compiled?.optimizer instanceof tf.optimizers.Optimizer ? model.compiled.optimizer : null;
  if (fileOptimizer !== null && o.optimizer === null) {
    // A compiled model file keeps its optimizer (and loss and metrics); --lr alone only changes its rate.
    if (o.lr !== null) fileOptimizer.learningRate = o.lr;
  } else if (model.compiled === null || reference !== null || o.optimizer !== null || o.lr !== null) {
    optimizer = o.optimizer !== null ? tf.optimizers.get(o.optimizer) : reference !== null ? reference.optimizer() : tf.optimizers.get("adam");
    if (o.lr !== null) optimizer.learningRate = o.lr;
    model.compile({ loss: classification ? "sparse_categorical_crossentropy" : "mse", optimizer, metrics: [metricName] });
  }
  const shown = optimizer ?? fileOptimizer;
  const optimizerText = shown ? `${shown.constructor.name} lr ${Number(shown.learningRate.toPrecision(6))}${optimizer ? "" : " (the model file's)"}` : "the model file's optimizer";
  const batchSize = o.batchSize ?? reference?.batch ?? 32;

  const n = xTrain.shape[0];
  const nTrain = o.validationSplit > 0 ? Math.floor(n * (1 - o.validationSplit)) : n;
  if (nTrain < 1 || (o.validationSplit > 0 && nTrain === n)) {
    throw new UsageError(`--validation-split ${o.validationSplit} of ${n} samples leaves ${nTrain} for training and ${n - nTrain} for validation; both need at least one`);
  }
  const summary = model.summary((text) => io.out(text));
  io.out(`train ${nTrain}, validation ${n - nTrain}, test ${xTest.shape[0]} (${ds.name})`);

  const dir = await createRunDir(o.out);
  const fitCallbacks: tf.callbacks.Callback[] = [tf.callbacks.CSVLogger(join(dir, "history.csv"))];
  if (o.dashboard) {
    // Sample predictions: the first validation samples (Keras' split takes the last rows), else test ones.
    const fromValidation = n - nTrain > 0;
    const source = fromValidation ? { raw: ds.xTrain, x: xTrain, y: ds.yTrain, start: nTrain, n } : { raw: ds.xTest, x: xTest, y: ds.yTest, start: 0, n: xTest.shape[0] };
    const count = Math.min(10, source.n - source.start);
    fitCallbacks.push(tf.callbacks.Dashboard({
      port: o.port, keepAlive: o.keepAlive, open: o.open, runDir: dir,
      title: `${model.name} on ${ds.name}`,
      info: { dataset: ds.name, optimizer: optimizerText, "batch size": String(batchSize), "run folder": dir },
      samples: classification ? {
        x: firstRows(source.x, source.start, count), y: firstRows(source.y, source.start, count),
        images: ds.imageShape ? firstRows(source.raw, source.start, count) : undefined,
        classNames: ds.classNames ?? undefined, count,
      } : undefined,
    }));
  }
  const started = Date.now();
  let history: tf.callbacks.History;
  try {
    history = await model.fit(xTrain, ds.yTrain, {
      epochs: o.epochs, batchSize, validationSplit: o.validationSplit > 0 ? o.validationSplit : undefined, callbacks: fitCallbacks,
    });
  } catch (e) {
    if (!(e instanceof PortInUseError)) throw e;
    // Nothing trained: the run folder holds only the empty history.csv and the dashboard's record.
    await rm(dir, { recursive: true, force: true });
    throw portInUse(e.port, e.host);
  }
  const seconds = (Date.now() - started) / 1000;

  let testLogs: Record<string, number> = {};
  await model.evaluate(xTest, ds.yTest, {
    batchSize: 256, callbacks: [tf.callbacks.LambdaCallback({ onTestEnd: (logs) => { testLogs = { ...logs }; } })],
  });
  io.out(`test ${Object.entries(testLogs).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ")}`);

  await tf.plot.history(history, { title: `${model.name} on ${ds.name}` }).save(join(dir, "history.png"));
  const figures = [{ file: "history.png", heading: "Training history", alt: "loss and metrics per epoch" }];
  const written = ["history.png"];
  if (classification && ds.imageShape) {
    const predicted = tf.argMax(model.predict<Tensor>(xTest, { batchSize: 256 }), -1);
    written.push(...await writeClassifierFigures(dir, ds.xTest, ds.yTest, predicted, ds.classNames));
    figures.push(
      { file: "samples.png", heading: "Test images with the predicted class", alt: "test images" },
      { file: "confusion.png", heading: "Confusion matrix", alt: "confusion matrix" },
    );
  }
  const modelFiles = await saveModelFiles(model, dir);
  await writeRunInfo(dir, {
    model: model.name, dataset: ds.name, task: ds.task, classNames: ds.classNames, inputShape, imageShape: ds.imageShape, preprocessing: prep,
    testSamples: o.testSamples,
  });
  const files = [...modelFiles, "run.json", "history.csv", ...written, ...(o.dashboard ? ["dashboard.json"] : [])];
  // A model file compiled without the usual metric has only its loss (and its own metrics) to report.
  const reported = testLogs[metricName] !== undefined ? `<b>Test ${escapeHtml(metricName)} ${testLogs[metricName].toFixed(4)}</b> (loss ${(testLogs.loss ?? NaN).toFixed(4)})`
    : `<b>Test loss ${(testLogs.loss ?? NaN).toFixed(4)}</b>`;
  const headline = `${reported} on ${xTest.shape[0]} samples${classification ? "" : "; prices in $100,000"}.`;
  await writeReport(dir, {
    title: `lamina run ${dir}`,
    heading: `${model.name} on ${ds.name}`,
    intro: [
      `${nTrain} training and ${n - nTrain} validation samples, ${o.epochs} epochs at batch ${batchSize}, ${escapeHtml(optimizerText)}, seed ${o.seed};
backend <code>${escapeHtml(tf.getBackend())}</code>; training took ${seconds.toFixed(0)} s.`,
      headline,
    ],
    history: history.history,
    summary,
    figures,
    files: files.map((name) => ({ name, what: FILE_DESCRIPTIONS[name] ?? "" })),
  });
  io.out(`wrote ${dir}/ (report.html, ${files.join(", ")})`);
  return 0;
}
