// Notebook 000, "Séance 2 - Réseau de neurones convolutionnel": every cell, in order, on
// Fashion-MNIST: the data (split, image grid, StandardScaler), the CNN (parameters by hand and
// with summary(), training), the BatchNormalization study (getModel, three runs with and without,
// aggregateResults, learning curves with 95% confidence bands) and the three "pour continuer"
// directions: MaxPool vs AveragePooling vs no pooling, a ResNet by hand, and the sharpened
// cosine-similarity convolution of the blog post the notebook links to (layers.CosSim2D with
// layers.MaxAbsPool2D).
//
// Run: npm run example -- 000 [options]         (everything, the notebook's protocol: several hours)
//   --parts data,cnn,bn,pooling,resnet,cossim   the parts to run (default all; data always runs)
//   --epochs N        CNN, ResNet and CosSim2D training epochs (default 5)
//   --study-epochs N  epochs of each run of the BatchNormalization and pooling studies (default 10)
//   --runs N          runs per network type in those studies (default 3, the notebook's)
//   --lr X            the studies' SGD learning rate, getModel's learningRate (default 0.01)
//   --train-samples N use only the first N training images (default all 48,000)
// QUICK=1: 256 training images, 1 epoch (2 for the studies, so that their curves are lines), 2 runs
// per study: the CI smoke run.
// Figures go to runs/examples/000-cnn-batchnorm/ (LAMINA_OUT overrides).
//
// The notebook gives no epochs or optimizer for its cells ("quelques époques", "les paramètres
// adaptés"); the defaults above are this port's choices and are printed with the results.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "../src/index.js";
const { layers, models, optimizers, datasets, utils, preprocessing, plot } = tf;

const QUICK = process.env.QUICK === "1";
const PARTS = ["data", "cnn", "bn", "pooling", "resnet", "cossim"] as const;
type Part = (typeof PARTS)[number];

const USAGE = "usage: npm run example -- 000 [--parts data,cnn,bn,pooling,resnet,cossim] [--epochs N] [--study-epochs N] [--runs N] [--lr X] [--train-samples N]";
const flags = ((): Record<string, string | undefined> => {
  try {
    return parseArgs({
      options: {
        parts: { type: "string" }, epochs: { type: "string" }, "study-epochs": { type: "string" }, runs: { type: "string" },
        lr: { type: "string" }, "train-samples": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`000: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();

function numberFlag(name: string, fallback: number, integer = true): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    console.error(`000: --${name} must be a positive ${integer ? "integer" : "number"}, got "${v}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const parts = new Set<Part>((flags.parts ?? PARTS.join(",")).split(",").map((p) => p.trim()) as Part[]);
for (const p of parts) {
  if (!PARTS.includes(p)) {
    console.error(`000: unknown part "${p}"; the parts are ${PARTS.join(", ")}\n${USAGE}`);
    process.exit(2);
  }
}
const EPOCHS = numberFlag("epochs", QUICK ? 1 : 5);
const STUDY_EPOCHS = numberFlag("study-epochs", QUICK ? 2 : 10);
const RUNS = numberFlag("runs", QUICK ? 2 : 3);
const LEARNING_RATE = numberFlag("lr", 0.01, false);
const TRAIN_SAMPLES = numberFlag("train-samples", QUICK ? 256 : Number.POSITIVE_INFINITY);
const BATCH_SIZE = 64;

const OUT = process.env.LAMINA_OUT ?? join("runs", "examples", "000-cnn-batchnorm");
mkdirSync(OUT, { recursive: true });

tf.random.setSeed(42);
console.log(`backend ${tf.getBackend()}; parts ${[...parts].join(", ")}; epochs ${EPOCHS}, study epochs ${STUDY_EPOCHS}, runs ${RUNS}, ` +
  `study learning rate ${LEARNING_RATE}, batch ${BATCH_SIZE}${QUICK ? " (QUICK)" : ""}`);

/** A shape as Python prints a tuple. */
const py = (shape: readonly number[]): string => `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
/** The first n rows of x. */
const head = (x: tf.Tensor, n: number): tf.Tensor => (n >= x.shape[0] ? x : tf.slice(x, [0], [n]));
const seconds = (t0: number): number => (performance.now() - t0) / 1000;

// ## Exploration des données
// (X_train_full, y_train_full), (X_test, y_test) = keras.datasets.fashion_mnist.load_data()
const [[xTrainFull, yTrainFull], [xTest0, yTest0]] = await datasets.fashionMnist.loadData();

// Consigne: split the full training set into training and validation sets; print their sizes.
const [xTrain0, xValid0, yTrain0, yValid0] = utils.trainTestSplit(xTrainFull, yTrainFull, { trainSize: 0.8, randomState: 42 });
console.log(`train: ${xTrain0.shape[0]}, validation: ${xValid0.shape[0]}, test: ${xTest0.shape[0]}`);
console.log(`X_train ${JSON.stringify(xTrain0.shape)} ${xTrain0.dtype}, y_train ${JSON.stringify(yTrain0.shape)} ${yTrain0.dtype}`);

const labelMap: Record<number, string> = {
  0: "t-shirt/top", 1: "trouser", 2: "pullover", 3: "dress", 4: "coat",
  5: "sandal", 6: "shirt", 7: "sneaker", 8: "bag", 9: "ankle boot",
};
const classNames = Object.values(labelMap);
console.log(`first training labels: ${Array.from(yTrain0.dataSync().slice(0, 5), Number).map((v) => labelMap[v]).join(", ")}`);

// Consigne: show several training images picked at random, titled with the dictionary.
{
  const picks = tf.cast(tf.floor(tf.random.uniform([40], 0, xTrain0.shape[0], { seed: 0 })), "int32");
  const labels = tf.gather(yTrain0, picks);
  const file = join(OUT, "random-images.png");
  await plot.images(tf.gather(xTrain0, picks), { labels, classNames, rows: 4, cols: 10, cmap: "binary" }).save(file);
  console.log(`random training images: ${Array.from(labels.dataSync().slice(0, 10), Number).map((v) => labelMap[v]).join(", ")}, ... (written to ${file})`);
}

// Consigne: standardize with StandardScaler: flatten the images (reshape(-1, 28 * 28)), scale,
// reshape back; the network takes them with a channel axis, (-1, 28, 28, 1).
const scaler = new preprocessing.StandardScaler();
const flat = (x: tf.Tensor): tf.Tensor => tf.reshape(tf.cast(x, "float32"), [-1, 28 * 28]);
const scaledTrain = scaler.fitTransform(flat(xTrain0));
{
  // Per pixel, the scaled training data has mean ~0 and standard deviation ~1.
  const check = new preprocessing.StandardScaler().fit(scaledTrain);
  const means = Array.from(check.mean.dataSync() as Float64Array), stds = Array.from(check.scale.dataSync() as Float64Array);
  console.log(`scaled train: max |mean| per pixel = ${Math.max(...means.map(Math.abs)).toExponential(1)}, std per pixel in [${Math.min(...stds).toFixed(4)}, ${Math.max(...stds).toFixed(4)}]`);
}
const image = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [-1, 28, 28, 1]);
let xTrain = image(scaledTrain), xValid = image(scaler.transform(flat(xValid0))), xTest = image(scaler.transform(flat(xTest0)));
let yTrain = yTrain0, yValid = yValid0, yTest = yTest0;
console.log(`X_train ${JSON.stringify(xTrain.shape)} ${xTrain.dtype}, X_valid ${JSON.stringify(xValid.shape)}, X_test ${JSON.stringify(xTest.shape)}`);

if (Number.isFinite(TRAIN_SAMPLES)) {
  const n = TRAIN_SAMPLES;
  [xTrain, yTrain] = [head(xTrain, n), head(yTrain, n)];
  if (QUICK) [xValid, yValid, xTest, yTest] = [head(xValid, 256), head(yValid, 256), head(xTest, 512), head(yTest, 512)];
  console.log(`training on the first ${xTrain.shape[0]} images, validating on ${xValid.shape[0]}, testing on ${xTest.shape[0]}`);
}

/** Test loss and accuracy. */
async function testScores(model: tf.models.Model): Promise<[number, number]> {
  return (await model.evaluate(xTest, yTest, { batchSize: 256, verbose: 0 })) as [number, number];
}

/** Where the report table's rows accumulate: one per trained network. */
const report: { name: string; params: number; epochs: number; runs: number; testAccuracy: number; secondsPerEpoch: number }[] = [];

// ## Modélisation
// Two convolutions of 32 3x3 filters keeping the size, a 2x2 max pooling of stride 2, Flatten,
// a dense layer of 64 neurons and the 10 outputs. ReLU with He initialization for the hidden
// layers, softmax for the output.
function cnn(name = "cnn"): tf.models.Sequential {
  return new models.Sequential([
    layers.Input({ shape: [28, 28, 1] }),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    layers.MaxPool2D([2, 2], { strides: 2 }),
    layers.Flatten(),
    layers.Dense(64, { activation: "relu", kernelInitializer: "he_normal" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name });
}

if (parts.has("cnn")) {
  const model = cnn();
  // Consigne: count the parameters by hand, then check with summary().
  const conv1 = 3 * 3 * 1 * 32 + 32, conv2 = 3 * 3 * 32 * 32 + 32, dense = 14 * 14 * 32 * 64 + 64, out = 64 * 10 + 10;
  console.log(`by hand: conv 3*3*1*32 + 32 = ${conv1}, conv 3*3*32*32 + 32 = ${conv2}, pooling 0, flatten 0 (14*14*32 = 6272 values), ` +
    `dense 6272*64 + 64 = ${dense}, output 64*10 + 10 = ${out}: total ${conv1 + conv2 + dense + out}`);
  model.summary();
  console.log(`summary() agrees: ${model.countParams() === conv1 + conv2 + dense + out}`);

  // Consigne: train a few epochs to check that it works.
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const t0 = performance.now();
  const history = await model.fit(xTrain, yTrain, { epochs: EPOCHS, batchSize: BATCH_SIZE, validationData: [xValid, yValid] });
  const took = seconds(t0);
  const [testLoss, testAccuracy] = await testScores(model);
  console.log(`CNN: test loss ${testLoss.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)} after ${EPOCHS} epochs (${took.toFixed(1)} s)`);
  const file = join(OUT, "cnn-history.png");
  await plot.history(history, { ylim: [0, 1], title: "CNN on Fashion-MNIST" }).save(file);
  console.log(`(curves written to ${file})`);
  report.push({ name: "CNN (Adam)", params: model.countParams(), epochs: EPOCHS, runs: 1, testAccuracy, secondsPerEpoch: took / EPOCHS });
}

// ## Couche BatchNormalization
// Consigne: getModel(normalization, learningRate) returns the compiled CNN, with a
// BatchNormalization layer between the two convolutions when `normalization` is true.
function getModel(normalization: boolean, learningRate: number): tf.models.Sequential {
  const model = new models.Sequential([
    layers.Input({ shape: [28, 28, 1] }),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    ...(normalization ? [layers.BatchNormalization()] : []),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    layers.MaxPool2D([2, 2], { strides: 2 }),
    layers.Flatten(),
    layers.Dense(64, { activation: "relu", kernelInitializer: "he_normal" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: normalization ? "cnn_batchnorm" : "cnn" });
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ learningRate }), metrics: ["accuracy"] });
  return model;
}

/** One entry per training run: the network type and its history, as the notebook's list of dicts. */
interface RunResult { type: string; history: tf.callbacks.History; testAccuracy: number; seconds: number }

/**
 * Consigne: aggregateResults(results, networkType, metricName) gives two matrices of shape
 * (number of runs, number of epochs): the metric on the training set and on the validation set.
 */
function aggregateResults(results: readonly RunResult[], networkType: string, metricName: string): [number[][], number[][]] {
  const runs = results.filter((r) => r.type === networkType);
  if (runs.length === 0) throw new Error(`aggregateResults: no run of type ${JSON.stringify(networkType)}; the types are ${[...new Set(results.map((r) => r.type))].join(", ")}`);
  return [runs.map((r) => [...r.history.history[metricName]]), runs.map((r) => [...r.history.history[`val_${metricName}`]])];
}

/** Trains `runs` fresh models of each type on the same data; returns the notebook's list of results. */
async function study(types: readonly string[], make: (type: string) => tf.models.Model, what: string): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const type of types) {
      const model = make(type);
      console.log(`\n${what}: run ${run + 1}/${RUNS}, ${type} (${model.countParams().toLocaleString("en-US")} parameters)`);
      const t0 = performance.now();
      const history = await model.fit(xTrain, yTrain, { epochs: STUDY_EPOCHS, batchSize: BATCH_SIZE, validationData: [xValid, yValid], verbose: 2 });
      const took = seconds(t0);
      const [, testAccuracy] = await testScores(model);
      results.push({ type, history, testAccuracy, seconds: took });
    }
  }
  return results;
}

/**
 * Consigne: the learning curves with confidence intervals (the previous session's show_results):
 * for each type, the mean over runs of the training curve (solid) and the validation curve
 * (dashed) with their 95% bands; and the final values, mean ± half-width, as a table.
 */
async function showResults(results: readonly RunResult[], types: readonly string[], stem: string, params: (type: string) => number): Promise<void> {
  for (const metric of ["accuracy", "loss"]) {
    const groups: Record<string, Record<string, number[]>[]> = {};
    console.log(`\n${metric}: final epoch, mean ± 95% half-width over ${RUNS} runs`);
    for (const type of types) {
      const [train, valid] = aggregateResults(results, type, metric);
      console.log(`  aggregateResults(results, ${JSON.stringify(type)}, ${JSON.stringify(metric)}): train ${py([train.length, train[0].length])}, validation ${py([valid.length, valid[0].length])}`);
      groups[type] = train.map((curve, i) => ({ [metric]: curve, [`val_${metric}`]: valid[i] }));
      const at = (m: number[][]): string => {
        const band = plot.confidenceBand(m.map((c) => [c[c.length - 1]]));
        const half = band.upper[0] - band.mean[0];
        return `${band.mean[0].toFixed(4)} ± ${Number.isFinite(half) ? half.toFixed(4) : "n/a"}`;
      };
      console.log(`  ${type.padEnd(22)} train ${at(train)}   validation ${at(valid)}`);
    }
    const figure = plot.learningCurves(groups, { metric, ci: 0.95 });
    const file = join(OUT, `${stem}-${metric}`);
    await figure.save(`${file}.png`);
    await figure.save(`${file}.svg`);
    console.log(`  (learning curves written to ${file}.png and .svg)`);
  }
  for (const type of types) {
    const runs = results.filter((r) => r.type === type);
    const acc = runs.map((r) => r.testAccuracy);
    report.push({
      name: `${stem}: ${type}`, params: params(type), epochs: STUDY_EPOCHS, runs: runs.length,
      testAccuracy: acc.reduce((a, b) => a + b, 0) / acc.length,
      secondsPerEpoch: runs.reduce((a, r) => a + r.seconds, 0) / (runs.length * STUDY_EPOCHS),
    });
  }
}

if (parts.has("bn")) {
  // Consigne: how many parameters with BatchNormalization? The same as without?
  const withBN = getModel(true, LEARNING_RATE), without = getModel(false, LEARNING_RATE);
  withBN.summary();
  const bn = withBN.layers.find((l) => l instanceof layers.classes.BatchNormalization)!;
  console.log(`with BatchNormalization: ${withBN.countParams().toLocaleString("en-US")} parameters, without: ${without.countParams().toLocaleString("en-US")}; ` +
    `the difference, ${withBN.countParams() - without.countParams()}, is 4 x 32 channels: gamma and beta are trained ` +
    `(${bn.trainableWeights.reduce((n, w) => n + w.size, 0)}), the moving mean and variance are not (${bn.nonTrainableWeights.reduce((n, w) => n + w.size, 0)})`);

  // Consigne: the training loop, three runs of each type; each result is { type, history }.
  const types = ["without BatchNormalization", "with BatchNormalization"];
  const results = await study(types, (type) => getModel(type === types[1], LEARNING_RATE), "BatchNormalization study");
  await showResults(results, types, "batchnorm", (type) => getModel(type === types[1], LEARNING_RATE).countParams());
}

// ## Pour continuer
// 1. MaxPool2D, AveragePooling2D, or no pooling at all: the same network and protocol as the study.
function poolingModel(pooling: string, learningRate: number): tf.models.Sequential {
  const pool = pooling === "MaxPool2D" ? [layers.MaxPool2D([2, 2], { strides: 2 })] : pooling === "AveragePooling2D" ? [layers.AveragePooling2D([2, 2], { strides: 2 })] : [];
  const model = new models.Sequential([
    layers.Input({ shape: [28, 28, 1] }),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    layers.Conv2D(32, [3, 3], { padding: "same", activation: "relu", kernelInitializer: "he_normal" }),
    ...pool,
    layers.Flatten(),
    layers.Dense(64, { activation: "relu", kernelInitializer: "he_normal" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: `cnn_${pooling.toLowerCase()}` });
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ learningRate }), metrics: ["accuracy"] });
  return model;
}

if (parts.has("pooling")) {
  const types = ["MaxPool2D", "AveragePooling2D", "no pooling"];
  for (const t of types) console.log(`${t}: ${poolingModel(t, LEARNING_RATE).countParams().toLocaleString("en-US")} parameters`);
  const results = await study(types, (type) => poolingModel(type, LEARNING_RATE), "pooling comparison");
  await showResults(results, types, "pooling", (type) => poolingModel(type, LEARNING_RATE).countParams());
  console.log("\n| pooling | parameters | final val_accuracy (mean) | test accuracy (mean) | s/epoch |\n| --- | ---: | ---: | ---: | ---: |");
  const testMeans: Record<string, number> = {};
  for (const t of types) {
    const runs = results.filter((r) => r.type === t);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    testMeans[t] = mean(runs.map((r) => r.testAccuracy));
    const val = mean(runs.map((r) => r.history.history.val_accuracy.at(-1)!));
    console.log(`| ${t} | ${poolingModel(t, LEARNING_RATE).countParams().toLocaleString("en-US")} | ${val.toFixed(4)} | ${testMeans[t].toFixed(4)} | ${(mean(runs.map((r) => r.seconds)) / STUDY_EPOCHS).toFixed(1)} |`);
  }
  const file = join(OUT, "pooling-test-accuracy.png");
  await plot.bar(testMeans, { title: `Test accuracy, mean of ${RUNS} runs of ${STUDY_EPOCHS} epochs`, ylabel: "accuracy" }).save(file);
  console.log(`(bar chart written to ${file})`);
}

// 2. A residual network by hand (functional API): the block of the original paper,
// conv-BN-ReLU-conv-BN, plus the block's input, then ReLU.
function residualBlock(input: tf.layers.SymbolicTensor, filters: number): tf.layers.SymbolicTensor {
  let x = layers.Conv2D(filters, 3, { padding: "same", kernelInitializer: "he_normal" })(input);
  x = layers.BatchNormalization()(x);
  x = layers.ReLU()(x);
  x = layers.Conv2D(filters, 3, { padding: "same", kernelInitializer: "he_normal" })(x);
  x = layers.BatchNormalization()(x);
  x = layers.Add()([input, x]);
  return layers.ReLU()(x);
}

if (parts.has("resnet")) {
  // The CNN above with its second convolution replaced by a residual block (32 filters).
  const input = layers.Input({ shape: [28, 28, 1] });
  let x = layers.Conv2D(32, 3, { padding: "same", activation: "relu", kernelInitializer: "he_normal" })(input);
  x = residualBlock(x, 32);
  x = layers.MaxPool2D(2)(x);
  x = layers.Flatten()(x);
  x = layers.Dense(64, { activation: "relu", kernelInitializer: "he_normal" })(x);
  const output = layers.Dense(10, { activation: "softmax" })(x);
  const model = new models.Model({ inputs: input, outputs: output, name: "resnet_by_hand" });
  model.summary();
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const t0 = performance.now();
  const history = await model.fit(xTrain, yTrain, { epochs: EPOCHS, batchSize: BATCH_SIZE, validationData: [xValid, yValid] });
  const took = seconds(t0);
  const [testLoss, testAccuracy] = await testScores(model);
  console.log(`ResNet by hand: test loss ${testLoss.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)} after ${EPOCHS} epochs (${took.toFixed(1)} s)`);
  const file = join(OUT, "resnet-history.png");
  await plot.history(history, { ylim: [0, 1], title: "ResNet by hand on Fashion-MNIST" }).save(file);
  console.log(`(curves written to ${file})`);
  report.push({ name: "ResNet by hand (Adam)", params: model.countParams(), epochs: EPOCHS, runs: 1, testAccuracy, secondsPerEpoch: took / EPOCHS });
}

// 3. The blog post's alternative to convolution, sharpened cosine similarity: each output is the
// cosine between a patch and a kernel raised to a learned power p, sign kept; paired with max-abs
// pooling, which keeps strong negative matches too. No activation functions: the sharpening is
// the non-linearity.
if (parts.has("cossim")) {
  const model = new models.Sequential([
    layers.Input({ shape: [28, 28, 1] }),
    layers.CosSim2D(32, { kernelSize: 3, padding: "same" }),
    layers.MaxAbsPool2D(2),
    layers.CosSim2D(64, { kernelSize: 3, padding: "same" }),
    layers.MaxAbsPool2D(2),
    layers.CosSim2D(64, { kernelSize: 3, padding: "same" }),
    layers.MaxAbsPool2D(2),
    layers.Flatten(),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: "sharpened_cosine_similarity" });
  model.summary();
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.Adam({ learningRate: 0.01 }), metrics: ["accuracy"] });
  const t0 = performance.now();
  const history = await model.fit(xTrain, yTrain, { epochs: EPOCHS, batchSize: BATCH_SIZE, validationData: [xValid, yValid] });
  const took = seconds(t0);
  const [testLoss, testAccuracy] = await testScores(model);
  console.log(`CosSim2D network: test loss ${testLoss.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)} after ${EPOCHS} epochs (${took.toFixed(1)} s, ${(took / EPOCHS).toFixed(1)} s/epoch)`);
  const ps = model.layers.filter((l): l is tf.layers.CosSim2DLayer => l instanceof layers.CosSim2DLayer).map((l) => {
    const values = Array.from(tf.exp(tf.div(l.p!, l.pScale)).dataSync() as Float32Array);
    return `${l.name}: p in [${Math.min(...values).toFixed(2)}, ${Math.max(...values).toFixed(2)}]`;
  });
  console.log(`learned exponents (p = exp(pVar / pScale), e = 2.72 at the start): ${ps.join("; ")}`);
  const file = join(OUT, "cossim-history.png");
  await plot.history(history, { ylim: [0, 1], title: "Sharpened cosine similarity on Fashion-MNIST" }).save(file);
  console.log(`(curves written to ${file})`);
  report.push({ name: "CosSim2D + MaxAbsPool2D (Adam 0.01)", params: model.countParams(), epochs: EPOCHS, runs: 1, testAccuracy, secondsPerEpoch: took / EPOCHS });
}

if (report.length > 0) {
  console.log(`\n| network | parameters | epochs | runs | test accuracy | s/epoch |\n| --- | ---: | ---: | ---: | ---: | ---: |`);
  for (const r of report) {
    console.log(`| ${r.name} | ${r.params.toLocaleString("en-US")} | ${r.epochs} | ${r.runs} | ${r.testAccuracy.toFixed(4)} | ${r.secondsPerEpoch.toFixed(1)} |`);
  }
}
