/**
 * `npm start`: notebook 000's CNN on the bundled Fashion-MNIST, end to end. Trains with a
 * validation split, prints the summary and Keras' progress bar, evaluates on the test set and
 * writes runs/<date-time>/ with the saved model, run.json, history.csv, history.png, samples.png,
 * confusion.png and report.html (the pieces `lamina train` writes too: run-folder.ts).
 */
import { join } from "node:path";
import * as tf from "../index.js";
import { UsageError, intFlag, parseFlags, stringFlag } from "./args.js";
import {
  FILE_DESCRIPTIONS, createRunDir, escapeHtml, saveModelFiles, writeClassifierFigures, writeReport, writeRunInfo,
} from "./run-folder.js";

const { layers, models, datasets, utils, preprocessing, callbacks, plot } = tf;

const CLASS_NAMES = ["t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

const USAGE = `usage: npm start -- [--epochs N] [--batch-size N] [--train-samples N] [--seed N] [--out DIR]
  --epochs         training epochs (default 3)
  --batch-size     batch size (default 64)
  --train-samples  use only the first N training images (default: all 60,000)
  --seed           random seed (default 42)
  --out            folder that receives runs/<date-time> (default runs)`;

const FLAGS = {
  epochs: { type: "string" }, "batch-size": { type: "string" }, "train-samples": { type: "string" },
  seed: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" },
} as const;

async function main(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, FLAGS, 0);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const epochs = intFlag(values, "epochs", 3);
  const batchSize = intFlag(values, "batch-size", 64);
  const seed = intFlag(values, "seed", 42);
  const limit = intFlag(values, "train-samples", null);
  tf.random.setSeed(seed);
  if (tf.getBackend() !== "native") {
    console.error("lamina: running on the plain-TypeScript backend; the default run takes far longer than with the native addon (npm run build:native)");
  }

  // The notebook: load, split 80/20, standardize the flattened pixels, add the channel axis.
  const [[xFull, yFull], [xTest0, yTest]] = await datasets.fashionMnist.loadData();
  const n = Math.min(limit ?? xFull.shape[0], xFull.shape[0]);
  const [xTrain0, xValid0, yTrain, yValid] = utils.trainTestSplit(
    tf.slice(xFull, [0, 0, 0], [n, -1, -1]), tf.slice(yFull, [0], [n]), { trainSize: 0.8, randomState: seed },
  );
  console.log(`train ${xTrain0.shape[0]}, validation ${xValid0.shape[0]}, test ${xTest0.shape[0]}`);
  const scaler = new preprocessing.StandardScaler();
  const flat = (x: tf.Tensor): tf.Tensor => tf.reshape(tf.cast(x, "float32"), [-1, 28 * 28]);
  const image = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [-1, 28, 28, 1]);
  const xTrain = image(scaler.fitTransform(flat(xTrain0)));
  const xValid = image(scaler.transform(flat(xValid0)));
  const xTest = image(scaler.transform(flat(xTest0)));

  const model = new models.Sequential([
    layers.Input({ shape: [28, 28, 1] }),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    layers.MaxPool2D([2, 2]),
    layers.Flatten(),
    layers.Dense(64, { activation: "relu", kernelInitializer: "he_normal" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: "cnn" });
  const summary = model.summary();
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });

  const dir = await createRunDir(stringFlag(values, "out") ?? "runs");
  const started = Date.now();
  const history = await model.fit(xTrain, yTrain, {
    epochs, batchSize, validationData: [xValid, yValid],
    callbacks: [callbacks.CSVLogger(join(dir, "history.csv"))],
  });
  const seconds = (Date.now() - started) / 1000;
  const [testLoss, testAccuracy] = (await model.evaluate(xTest, yTest, { batchSize: 256 })) as number[];
  console.log(`test loss ${testLoss.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)}`);

  const predicted = tf.argMax(model.predict<tf.Tensor>(xTest, { batchSize: 256 }), -1);
  await plot.history(history, { ylim: [0, 1], title: "notebook 000 CNN on Fashion-MNIST" }).save(join(dir, "history.png"));
  await writeClassifierFigures(dir, xTest0, yTest, predicted, CLASS_NAMES);
  const modelFiles = await saveModelFiles(model, dir);
  await writeRunInfo(dir, {
    model: "cnn", dataset: "fashion_mnist", task: "classification", classNames: CLASS_NAMES, inputShape: [28, 28, 1], imageShape: [28, 28, 1],
    preprocessing: { kind: "standardize", mean: Array.from(scaler.mean.dataSync(), Number), scale: Array.from(scaler.scale.dataSync(), Number) },
  });
  const files = [...modelFiles, "run.json", "history.csv", "history.png", "samples.png", "confusion.png"];
  await writeReport(dir, {
    title: `lamina run ${dir}`,
    heading: "Notebook 000's CNN on Fashion-MNIST",
    intro: [
      `${xTrain.shape[0]} training and ${xValid.shape[0]} validation images, ${epochs} epochs at batch ${batchSize}, Adam;
backend <code>${escapeHtml(tf.getBackend())}</code>; training took ${seconds.toFixed(0)} s.`,
      `<b>Test accuracy ${testAccuracy.toFixed(4)}</b> (loss ${testLoss.toFixed(4)}) on ${xTest.shape[0]} images.`,
    ],
    history: history.history,
    summary,
    figures: [
      { file: "history.png", heading: "Training history", alt: "loss and accuracy per epoch" },
      { file: "samples.png", heading: "Test images with the predicted class", alt: "40 test images" },
      { file: "confusion.png", heading: "Confusion matrix", alt: "confusion matrix" },
    ],
    files: files.map((name) => ({ name, what: FILE_DESCRIPTIONS[name] ?? "" })),
  });
  console.log(`wrote ${dir}/ (report.html, ${files.join(", ")})`);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`lamina: ${e.message}\n${USAGE}`);
  process.exitCode = 2;
}
