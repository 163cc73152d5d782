/**
 * Training from a folder of images with data augmentation, the Keras way: one subfolder per class,
 * `utils.imageDatasetFromDirectory` for the training and validation subsets, augmentation layers
 * at the front of the model (active only in training), `fit` and `evaluate` on the datasets.
 *
 * The images are the bundled Fashion-MNIST, written out as PNG files (a few hundred per class) so
 * that the example needs no download; point `--data` at your own folder instead.
 *
 *   npm run example -- image-folders                     # 300 images per class, 5 epochs
 *   npm run example -- image-folders --data my/photos    # your folder (subfolders = classes)
 *   QUICK=1 npm run example -- image-folders             # 40 per class, 1 epoch (CI)
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "../src/index.js";

const { layers, models, utils, datasets, data } = tf;
const quick = process.env.QUICK === "1";
const { values: flags } = parseArgs({
  options: {
    data: { type: "string" },
    epochs: { type: "string", default: quick ? "1" : "5" },
    "per-class": { type: "string", default: quick ? "40" : "300" },
    out: { type: "string", default: "runs/examples/image-folders" },
  },
});
const epochs = Number(flags.epochs), perClass = Number(flags["per-class"]);
if (!Number.isInteger(epochs) || epochs < 1 || !Number.isInteger(perClass) || perClass < 2) {
  console.error("usage: image-folders [--data DIR] [--epochs N >= 1] [--per-class N >= 2] [--out DIR]");
  process.exit(2);
}
tf.random.setSeed(7);

/** Writes the first `perClass` training images of each Fashion-MNIST class to dir/<class>/<i>.png. */
async function writeFashionFolders(dir: string): Promise<void> {
  const [[x, y]] = await datasets.fashionMnist.loadData();
  const labels = y.dataSync() as Uint8Array;
  const names = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"];
  const written = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length && written.some((n) => n < perClass); i++) {
    const c = labels[i];
    if (written[c] >= perClass) continue;
    const folder = join(dir, names[c]);
    if (written[c] === 0) mkdirSync(folder, { recursive: true });
    utils.saveImage(tf.reshape(tf.slice(x, [i, 0, 0], [1, 28, 28]), [28, 28, 1]), join(folder, `${i}.png`));
    written[c]++;
  }
}

const dataDir = flags.data ?? join(flags.out, `fashion-${perClass}`);
if (flags.data === undefined && !existsSync(dataDir)) await writeFashionFolders(dataDir);

// The two subsets come from one shuffled file list: the same seed keeps them apart.
const [train, validation] = utils.imageDatasetFromDirectory(dataDir, {
  imageSize: [28, 28], colorMode: "grayscale", batchSize: 32, validationSplit: 0.2, subset: "both", seed: 1337,
});
console.log(`classes: ${train.classNames.join(", ")}`);
// Keras' tutorial pipeline: decode once and keep the images in memory, reshuffle the batches each epoch.
const trainDs = train.cache().shuffle(1000).prefetch(data.AUTOTUNE);
const validationDs = validation.cache().prefetch(data.AUTOTUNE);

const model = new models.Sequential([
  layers.Input({ shape: [28, 28, 1] }),
  layers.RandomTranslation(0.1, 0.1, { fillMode: "constant" }),
  layers.RandomZoom(0.1, null, { fillMode: "constant" }),
  layers.Rescaling(1 / 255),
  layers.Conv2D(32, 3, { activation: "relu", padding: "same" }),
  layers.MaxPooling2D(2),
  layers.Conv2D(64, 3, { activation: "relu", padding: "same" }),
  layers.MaxPooling2D(2),
  layers.Flatten(),
  layers.Dropout(0.3),
  layers.Dense(train.classNames.length, { activation: "softmax" }),
], { name: "image_folders" });
model.summary();
model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
await model.fit(trainDs, { epochs, validationData: validationDs, verbose: 2 });
const [loss, accuracy] = (await model.evaluate(validationDs, { verbose: 0 })) as number[];
console.log(`validation loss ${loss.toFixed(4)}, validation accuracy ${accuracy.toFixed(4)}`);
