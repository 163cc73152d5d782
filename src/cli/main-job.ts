/**
 * `npm start`: notebook 000's CNN on the bundled Fashion-MNIST, end to end. Trains with a
 * validation split, prints the summary and Keras' progress bar, evaluates on the test set and
 * writes runs/<date-time>/ with history.csv, history.png, samples.png, confusion.png, model.json
 * and report.html.
 */
import { parseArgs } from "node:util";
import { mkdir, writeFile, rename } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "../index.js";

const { layers, models, datasets, utils, preprocessing, callbacks, plot } = tf;

const CLASS_NAMES = ["t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

const USAGE = `usage: npm start -- [--epochs N] [--batch-size N] [--train-samples N] [--seed N] [--out DIR]
  --epochs         training epochs (default 3)
  --batch-size     batch size (default 64)
  --train-samples  use only the first N training images (default: all 60,000)
  --seed           random seed (default 42)
  --out            folder that receives runs/<date-time> (default runs)`;

function positiveInt(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`lamina: --${name} must be a positive integer, got "${v}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function atomicWrite(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        epochs: { type: "string" }, "batch-size": { type: "string" }, "train-samples": { type: "string" },
        seed: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`lamina: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const epochs = positiveInt(values.epochs as string | undefined, "epochs", 3);
  const batchSize = positiveInt(values["batch-size"] as string | undefined, "batch-size", 64);
  const seed = positiveInt(values.seed as string | undefined, "seed", 42);
  tf.random.setSeed(seed);
  if (tf.getBackend() !== "native") {
    console.error("lamina: running on the plain-TypeScript backend; the default run takes far longer than with the native addon (npm run build:native)");
  }

  // The notebook: load, split 80/20, standardize the flattened pixels, add the channel axis.
  const [[xFull, yFull], [xTest0, yTest]] = await datasets.fashionMnist.loadData();
  const limit = positiveInt(values["train-samples"] as string | undefined, "train-samples", xFull.shape[0]);
  const n = Math.min(limit, xFull.shape[0]);
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

  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const dir = join((values.out as string | undefined) ?? "runs", stamp);
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  const history = await model.fit(xTrain, yTrain, {
    epochs, batchSize, validationData: [xValid, yValid],
    callbacks: [callbacks.CSVLogger(join(dir, "history.csv"))],
  });
  const seconds = (Date.now() - started) / 1000;
  const [testLoss, testAccuracy] = (await model.evaluate(xTest, yTest, { batchSize: 256 })) as number[];
  console.log(`test loss ${testLoss.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)}`);

  const probs = model.predict(xTest, { batchSize: 256 });
  const predicted = tf.argMax(probs, -1);
  await plot.history(history, { ylim: [0, 1], title: "notebook 000 CNN on Fashion-MNIST" }).save(join(dir, "history.png"));
  await plot.images(tf.slice(xTest0, [0, 0, 0], [40, -1, -1]), {
    labels: tf.slice(predicted, [0], [40]), classNames: CLASS_NAMES, rows: 4, cols: 10,
  }).save(join(dir, "samples.png"));
  await plot.confusionMatrix(yTest, predicted, { classNames: CLASS_NAMES }).save(join(dir, "confusion.png"));
  await atomicWrite(join(dir, "model.json"), model.toJSON());
  const h = history.history;
  const rows = h.loss.map((_, e) => `<tr><td>${e + 1}</td>${["loss", "accuracy", "val_loss", "val_accuracy"].map((k) => `<td>${h[k][e].toFixed(4)}</td>`).join("")}</tr>`).join("\n");
  await atomicWrite(join(dir, "report.html"), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lamina run ${stamp}</title>
<style>body{font-family:sans-serif;max-width:980px;margin:2em auto}td,th{padding:2px 10px;text-align:right}img{max-width:100%}</style></head>
<body>
<h1>Notebook 000's CNN on Fashion-MNIST</h1>
<p>${xTrain.shape[0]} training and ${xValid.shape[0]} validation images, ${epochs} epochs at batch ${batchSize}, Adam;
backend <code>${tf.getBackend()}</code>; training took ${seconds.toFixed(0)} s.</p>
<p><b>Test accuracy ${testAccuracy.toFixed(4)}</b> (loss ${testLoss.toFixed(4)}) on ${xTest.shape[0]} images.</p>
<h2>Training history</h2><img src="history.png" alt="loss and accuracy per epoch">
<table><tr><th>epoch</th><th>loss</th><th>accuracy</th><th>val_loss</th><th>val_accuracy</th></tr>
${rows}</table>
<h2>Test images with the predicted class</h2><img src="samples.png" alt="40 test images">
<h2>Confusion matrix</h2><img src="confusion.png" alt="confusion matrix">
<h2>Model</h2><pre>${summary.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</pre>
<p>The architecture is in <code>model.json</code> (Keras 3 config layout); saving weights in Keras' .keras format is not available yet.</p>
</body></html>
`);
  console.log(`wrote ${dir}/ (report.html, history.csv, history.png, samples.png, confusion.png, model.json)`);
}

await main();
