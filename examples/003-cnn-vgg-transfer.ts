// Notebook 003, "Les réseaux de neurones convolutifs": every code cell, in order: convolution and
// pooling on an image, the anatomy of a CNN, CNNs and VGG16 on CIFAR-10, transfer learning by hand
// on Fashion-MNIST (modelA saved as modelA.h5, reloaded, its layers reused, frozen, unfrozen), and
// VGG16 with ImageNet weights, frozen then fine-tuned.
// Run: npm run example -- 003
//   QUICK=1: one epoch on a handful of images for each model (the CI smoke run).
// CIFAR-10 is read from a local copy (Keras' cifar-10-batches-py, or CIFAR's binary version), else
// downloaded from Keras' URL when the network allows, and Fashion-MNIST from lamina's bundled copy;
// when CIFAR-10 is absent the CIFAR-10 training cells are skipped with the loader's error (which
// says how to get it), the models are still built. VGG16's ImageNet weights are Keras' own
// file (downloaded into ~/.lamina/models when the network allows; otherwise the message says where
// to put it, and the base starts from random weights).
// Figures and modelA.h5 are written to runs/examples/003-cnn-vgg-transfer/ (LAMINA_OUT overrides).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "../src/index.js";
const { layers, models, optimizers, metrics, datasets, utils, applications } = tf;
// from tensorflow.keras.layers import Dense, Flatten, Input, Activation, Conv2D, MaxPooling2D, ReLU
const { Dense, Flatten, Input, Activation, Conv2D, MaxPooling2D, MaxPool2D, AvgPool2D, ReLU } = layers;

const QUICK = process.env.QUICK === "1";
const started = Date.now();

console.log(tf.version);

// Freeze randomness for reproducible experiments: weights, shuffles and the default splits.
const RANDOM_SEED = 42;
tf.random.setSeed(RANDOM_SEED);

// !nvidia-smi shows the GPU Colab gives; lamina computes on the CPU, through the backend named here.
console.log(`backend: ${tf.getBackend()} (available: ${tf.listBackends().join(", ")})`);

/** A shape as Python prints a tuple: (427, 640), (8,). */
const py = (shape: readonly number[]): string => `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;

/** The first n rows of a tensor. */
const head = (x: tf.Tensor, n: number): tf.Tensor => tf.slice(x, [0], [Math.min(n, x.shape[0])]);

/** comp = pd.DataFrame(columns=['run', 'Perte', 'Précision']): one row per evaluated model. */
const comp: { run: string; Perte: number; "Précision": number }[] = [];

/** Where the figures (and modelA.h5) go: runs/examples/003-cnn-vgg-transfer/ unless LAMINA_OUT names another folder. */
const OUT = process.env.LAMINA_OUT ?? join("runs", "examples", "003-cnn-vgg-transfer");
mkdirSync(OUT, { recursive: true });

/** plt.imshow(...): the image goes to a PNG named after what it shows. */
async function imshow(img: tf.Tensor, name: string, cmap: "gray" | "viridis" = "viridis"): Promise<void> {
  const file = join(OUT, `${name}.png`);
  await tf.plot.image(img, { cmap, title: name }).save(file);
  console.log(`(image written to ${file})`);
}

/** pd.DataFrame(history.history).plot(); plt.gca().set_ylim(0, 2): a PNG, and the values printed. */
let figureCount = 0;
async function showHistory(history: tf.callbacks.History, ylim: [number, number] = [0, 2]): Promise<void> {
  for (const [key, values] of Object.entries(history.history)) {
    console.log(`${key.padEnd(30)} ${values.map((v) => v.toFixed(4)).join(" ")}`);
  }
  const file = join(OUT, `history-${++figureCount}.png`);
  await tf.plot.history(history, { ylim }).save(file);
  console.log(`(curves written to ${file})`);
}

/** The notebook's 4 x 10 grid of images titled with their class names: a PNG, and the names printed. */
async function showImageGrid(x: tf.Tensor, y: tf.Tensor, classNames: readonly string[], name: string): Promise<void> {
  const n = Math.min(40, x.shape[0]);
  const labels = Array.from(head(y, n).dataSync(), Number);
  for (let r = 0; r < n; r += 10) console.log(labels.slice(r, r + 10).map((l) => classNames[l]).join(", "));
  const file = join(OUT, `${name}.png`);
  await tf.plot.images(head(x, n), { labels: head(y, n), classNames, rows: Math.ceil(n / 10), cols: 10, cmap: "binary" }).save(file);
  console.log(`(images written to ${file})`);
}

// ## Introduction : Convolution et Pooling
// flower = load_sample_image('flower.jpg') / 255 (float64, as numpy's division gives)
const flower = tf.div(tf.cast(datasets.loadSampleImage("flower.jpg"), "float64"), 255);

// The image has 3 RGB channels; make it grayscale: np.dot(rgb[..., :3], [0.2989, 0.5870, 0.1140]).
function rgb2gray(rgb: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(rgb, tf.constant([0.2989, 0.5870, 0.1140], "float64")), -1);
}

const grayscale = tf.cast(rgb2gray(flower), "float32");

await imshow(grayscale, "grayscale", "gray");
console.log(py(grayscale.shape));

console.log(py(flower.shape), py(grayscale.shape));

// Convolution kernels used before deep learning.
const identity = tf.constant([[0, 0, 0],
                              [0, 1, 0],
                              [0, 0, 0]], "float32");

const contour1 = tf.constant([[1, 0, -1],
                              [0, 0, 0],
                              [-1, 0, 1]], "float32");

const contour2 = tf.constant([[0, 1, 0],
                              [1, -4, 1],
                              [0, 1, 0]], "float32");

const contour3 = tf.constant([[-1, -1, -1],
                              [-1, 8, -1],
                              [-1, -1, -1]], "float32");

const upscaling = tf.constant([[0, -1, 0],
                               [-1, 5, -1],
                               [0, -1, 0]], "float32");

const boxBlur = tf.constant([[1 / 9, 1 / 9, 1 / 9],
                             [1 / 9, 1 / 9, 1 / 9],
                             [1 / 9, 1 / 9, 1 / 9]], "float32");

const gaussBlur = tf.constant([[1 / 16, 1 / 8, 1 / 16],
                               [1 / 8, 1 / 4, 1 / 8],
                               [1 / 16, 1 / 8, 1 / 6]], "float32");

/** Convolves a grayscale image with a kernel ("SAME" padding) and shows outputs[0, :, :, 0]. */
async function conv(img: tf.Tensor, kernel: tf.Tensor, name: string): Promise<tf.Tensor> {
  const [kerHeight, kerWidth] = kernel.shape;
  const [height, width] = img.shape;

  const tfKer = tf.reshape(kernel, [kerHeight, kerWidth, 1, 1]);

  const tfImg = tf.reshape(img, [-1, height, width, 1]);

  const outputs = tf.nn.conv2d(tfImg, tfKer, { strides: 1, padding: "SAME" });

  console.log(`conv2d: ${py(tfImg.shape)} * ${py(tfKer.shape)} -> ${py(outputs.shape)}, ` +
    `values in [${tf.min(outputs).item().toFixed(3)}, ${tf.max(outputs).item().toFixed(3)}]`);
  await imshow(tf.squeeze(outputs, [0]), name, "gray");
  return outputs;
}

await conv(grayscale, gaussBlur, "conv-gauss_blur");

await conv(grayscale, contour1, "conv-contour1");

// identity, contour2, contour3, upscaling and boxBlur are there to try in the same way.

// ## Anatomie d'une couche convolutive, CNN: two convolutions, no classifier, to read the structure.
let model: tf.models.Model = new models.Sequential([
  Input({ shape: [4, 4, 3] }),
  Conv2D(8, [3, 3], { padding: "same", name: "conv1" }),
  Conv2D(4, [3, 3], { padding: "same", name: "conv2" }),
]);

model.summary();

// The first convolution, conv1: weights are (kernel_height, kernel_width, in_channels, out_channels).
{
  const layer = model.getLayer("conv1");
  const [weights, biases] = layer.getWeights();
  console.log(`Nombre de canaux en entrée : ${weights.shape[2]},\n` +
    `Nombre de neurones dans la couche : ${py(weights.shape)},\n` +
    `Biais : ${py(biases.shape)}`);
}

// ### Exercice: conv2
{
  const layer = model.getLayer("conv2");
  const [weights2, biases2] = layer.getWeights();
  console.log(`Nombre d'entrées : ${weights2.shape[2]},\n` +
    `Nombre de neurones dans la couche : ${py(weights2.shape)},\n` +
    `Biais : ${py(biases2.shape)}`);
}

// ## L'opération de pooling: pooling layers are callable on tensors.
// The exercise's tf.keras.layers.FONCTION is AvgPool2D (average pooling 2D)...
let pool = async (img: tf.Tensor, poolSize: number): Promise<void> => {
  const [height, width] = img.shape;
  const tfImg = tf.reshape(img, [-1, height, width, 1]);

  const out = AvgPool2D(poolSize, { padding: "valid" })(tfImg);
  const pooled = tf.squeeze(tf.slice(out, [0, 0, 0, 0], [1, -1, -1, 1])); // out[0, :, :, 0]

  await imshow(pooled, `avgpool-${poolSize}`);
  console.log(`Les dimensions avant pooling sont ${py(img.shape)} \n` +
    `Les dimensions après pooling sont ${py(pooled.shape)}`);
};

await pool(grayscale, 4);

// ...and MaxPool2D (maximum pooling 2D).
pool = async (img: tf.Tensor, poolSize: number): Promise<void> => {
  const [height, width] = img.shape;
  const tfImg = tf.reshape(img, [-1, height, width, 1]);

  const out = MaxPool2D(poolSize, { padding: "valid" })(tfImg);
  const pooled = tf.squeeze(tf.slice(out, [0, 0, 0, 0], [1, -1, -1, 1]));

  await imshow(pooled, `maxpool-${poolSize}`);
  console.log(`Les dimensions avant pooling sont ${py(img.shape)} \n` +
    `Les dimensions après pooling sont ${py(pooled.shape)}`);
};

await pool(grayscale, 2);

// An example by hand: an "8", taller than wide.
const testImg2 = tf.constant([[0, 0, 0, 0, 0, 0, 0, 0],
                              [0, 0, 1, 1, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 1, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 1, 1, 0, 0, 0]], "float32");
await imshow(testImg2, "8");

{
  const tfImg = tf.reshape(testImg2, [1, 8, 8, 1]);

  const out = MaxPool2D(2)(tfImg);
  const pooled = tf.squeeze(tf.slice(out, [0, 0, 0, 0], [1, -1, -1, 1]));

  await imshow(pooled, "8_pool");
  console.log(pooled.toString());

  console.log(py(pooled.shape));
}

// ## Construction et entraînement d'un CNN, on CIFAR-10
/** CIFAR-10 as the notebook prepares it: float32, a 75/25 train/validation split, [-1, 1], one-hot labels. */
interface Cifar { xTrain: tf.Tensor; xValid: tf.Tensor; xTest: tf.Tensor; yTrainOh: tf.Tensor; yValidOh: tf.Tensor; yTestOh: tf.Tensor }

async function loadCifar(): Promise<Cifar | null> {
  let loaded;
  try {
    loaded = await datasets.cifar10.loadData();
  } catch (e) {
    console.log(`\nCIFAR-10 is not available on this machine, so the training cells are skipped (the models are still built):\n${(e as Error).message}\n`);
    return null;
  }
  let [[xTrain, yTrain], [xTest, yTest]] = loaded;
  // QUICK: a handful of images (the bigger models below take about a second per image and epoch on the JS backend).
  if (QUICK) {
    [xTrain, yTrain] = [head(xTrain, 8), head(yTrain, 8)];
    [xTest, yTest] = [head(xTest, 4), head(yTest, 4)];
  }

  console.log(py(xTrain.shape), py(yTrain.shape));
  const classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
  await showImageGrid(xTrain, tf.reshape(yTrain, [-1]), classNames, "cifar10");

  // Shape it and one-hot encode the targets.
  xTrain = tf.reshape(tf.cast(xTrain, "float32"), [-1, 32, 32, 3]);
  xTest = tf.reshape(tf.cast(xTest, "float32"), [-1, 32, 32, 3]);

  let xValid: tf.Tensor, yValid: tf.Tensor;
  [xTrain, xValid, yTrain, yValid] = utils.trainTestSplit(xTrain, yTrain, { randomState: RANDOM_SEED });

  xTest = tf.div(tf.sub(xTest, 127.5), 127.5); // Normalize the images to [-1, 1]
  xTrain = tf.div(tf.sub(xTrain, 127.5), 127.5);
  xValid = tf.div(tf.sub(xValid, 127.5), 127.5);

  const yTrainOh = utils.toCategorical(yTrain, 10);
  const yTestOh = utils.toCategorical(yTest, 10);
  const yValidOh = utils.toCategorical(yValid, 10);

  console.log(py(yTrainOh.shape));
  return { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh };
}

const cifar = await loadCifar();

const EPOCHS = QUICK ? 1 : 20;

// Without padding each 3x3 convolution shrinks the feature maps, until the fourth cannot apply:
// Keras stops with "Negative dimension size caused by subtracting 3 from 2".
try {
  model = new models.Sequential([
    Input({ shape: [32, 32, 3] }),
    Conv2D(32, [3, 3], { activation: "relu" }),
    MaxPooling2D([2, 2]),
    Conv2D(64, [3, 3], { activation: "relu" }),
    MaxPooling2D([2, 2]),
    Conv2D(128, [3, 3], { activation: "relu" }),
    MaxPooling2D([2, 2]),
    Conv2D(128, [3, 3], { activation: "relu" }),
    MaxPooling2D([2, 2]),
    Flatten(),
    Dense(10, { activation: "softmax" }),
  ]);

  model.summary();
} catch (e) {
  console.log(`${(e as Error).name}: ${(e as Error).message}`);
}

// The fix: padding='same' keeps the size through each convolution.
model = new models.Sequential([
  Input({ shape: [32, 32, 3] }),
  Conv2D(32, [3, 3], { padding: "same" }),
  Activation("relu"),
  MaxPooling2D([2, 2]),
  Conv2D(64, [3, 3], { padding: "same" }),
  Activation("relu"),
  MaxPooling2D([2, 2]),
  Conv2D(128, [3, 3], { padding: "same" }),
  Activation("relu"),
  MaxPooling2D([2, 2]),
  Conv2D(128, [3, 3], { padding: "same" }),
  Activation("relu"),
  MaxPooling2D([2, 2]),
  Flatten(),
  Dense(10, { activation: "softmax" }),
]);

model.summary();

model.compile({
  loss: "categorical_crossentropy",
  optimizer: optimizers.SGD({ lr: 0.001 }),
  metrics: ["accuracy"],
});

// The model can also come from a function.
function defineModel(lr = 0.001, numClasses = 10): tf.models.Model {
  const model = new models.Sequential([
    Input({ shape: [32, 32, 3] }),
    Conv2D(32, [3, 3], { padding: "same" }),
    Activation("relu"),
    MaxPooling2D([2, 2]),
    Conv2D(64, [3, 3], { padding: "same" }),
    Activation("relu"),
    MaxPooling2D([2, 2]),
    Conv2D(128, [3, 3], { padding: "same" }),
    Activation("relu"),
    MaxPooling2D([2, 2]),
    Conv2D(128, [3, 3], { padding: "same" }),
    Activation("relu"),
    MaxPooling2D([2, 2]),
    Flatten(),
    Dense(numClasses, { activation: "softmax" }),
  ]);

  model.summary();

  model.compile({
    loss: "categorical_crossentropy",
    optimizer: optimizers.SGD({ lr }),
    metrics: ["accuracy"],
  });

  return model;
}

model = defineModel();

if (cifar) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = cifar;
  const history = await model.fit(xTrain, yTrainOh, {
    epochs: EPOCHS,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  await showHistory(history);

  const [loss, accuracy] = (await model.evaluate(xTest, yTestOh)) as number[];

  comp.push({ run: "basic_CNN", Perte: loss, "Précision": accuracy });
  console.table(comp);
}

// ### Exercice: a deeper CNN, relu everywhere, padding='same'.
const model2 = new models.Sequential([
  Input({ shape: [32, 32, 3] }),
  Conv2D(32, [3, 3], { activation: "relu", padding: "same" }),
  Conv2D(64, [3, 3], { activation: "relu", padding: "same" }),
  MaxPooling2D([2, 2]),
  Conv2D(128, [3, 3], { activation: "relu", padding: "same" }),
  Conv2D(128, [3, 3], { activation: "relu", padding: "same" }),
  MaxPooling2D([2, 2]),
  Conv2D(256, [3, 3], { activation: "relu", padding: "same" }),
  Conv2D(256, [3, 3], { activation: "relu", padding: "same" }),
  MaxPooling2D([2, 2]),
  Flatten(),
  Dense(256),
  Activation("relu"),
  Dense(128),
  Activation("relu"),
  Dense(10, { activation: "softmax" }),
]);

model2.summary();

model2.compile({
  loss: "categorical_crossentropy",
  optimizer: optimizers.SGD({ lr: 0.001 }),
  metrics: ["accuracy"],
});

if (cifar) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = cifar;
  const history = await model2.fit(xTrain, yTrainOh, {
    epochs: EPOCHS,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  await showHistory(history);

  const [loss, accuracy] = (await model2.evaluate(xTest, yTestOh)) as number[];

  comp.push({ run: "basic_CNN_2", Perte: loss, "Précision": accuracy });
  console.table(comp);
}

// ## VGG16, by hand with the functional API: 5 convolutional blocks (relu, padding='same',
// 2x2 max pooling of stride 2), then the dense layers.
let vgg: tf.models.Model;
{
  const input = Input({ shape: [32, 32, 3] });

  let x = Conv2D({ filters: 64, kernelSize: 3, padding: "same", activation: "relu" })(input);
  x = Conv2D({ filters: 64, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = MaxPooling2D({ poolSize: 2, strides: 2, padding: "same" })(x);

  x = Conv2D({ filters: 128, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = Conv2D({ filters: 128, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = MaxPooling2D({ poolSize: 2, strides: 2, padding: "same" })(x);

  x = Conv2D({ filters: 256, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = Conv2D({ filters: 256, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = Conv2D({ filters: 256, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = MaxPooling2D({ poolSize: 2, strides: 2, padding: "same" })(x);

  x = Conv2D({ filters: 512, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = Conv2D({ filters: 512, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = Conv2D({ filters: 512, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = MaxPooling2D({ poolSize: 2, strides: 2, padding: "same" })(x);

  x = Conv2D({ filters: 512, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = Conv2D({ filters: 512, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = Conv2D({ filters: 512, kernelSize: 3, padding: "same", activation: "relu" })(x);
  x = MaxPooling2D({ poolSize: 2, strides: 2, padding: "same" })(x);

  x = Flatten()(x);
  x = Dense({ units: 256, activation: "relu" })(x);
  x = Dense({ units: 128, activation: "relu" })(x);
  const output = Dense({ units: 10, activation: "softmax" })(x);

  vgg = new models.Model({ inputs: input, outputs: output });

  vgg.summary();
}

// Repeated blocks are best written as functions.
function conv2ReluMax(x: tf.layers.SymbolicTensor, filters: number, kernelSize: number): tf.layers.SymbolicTensor {
  x = Conv2D({ filters, kernelSize, padding: "same" })(x);
  x = ReLU()(x);
  x = Conv2D({ filters, kernelSize, padding: "same" })(x);
  x = ReLU()(x);
  x = MaxPooling2D({ poolSize: 2, strides: 2, padding: "same" })(x);
  return x;
}

function conv3ReluMax(x: tf.layers.SymbolicTensor, filters: number, kernelSize: number): tf.layers.SymbolicTensor {
  x = Conv2D({ filters, kernelSize, padding: "same" })(x);
  x = ReLU()(x);
  x = Conv2D({ filters, kernelSize, padding: "same" })(x);
  x = ReLU()(x);
  x = Conv2D({ filters, kernelSize, padding: "same" })(x);
  x = ReLU()(x);
  x = MaxPooling2D({ poolSize: 2, strides: 2, padding: "same" })(x);
  return x;
}

// VGG16, the shorter way.
{
  const input = Input({ shape: [32, 32, 3] });

  let x = conv2ReluMax(input, 64, 3);
  x = conv2ReluMax(x, 128, 3);
  x = conv3ReluMax(x, 256, 3);
  x = conv3ReluMax(x, 512, 3);
  x = conv3ReluMax(x, 512, 3);
  x = Flatten()(x);
  x = Dense({ units: 256, activation: "relu" })(x);
  x = Dense({ units: 128, activation: "relu" })(x);
  const output = Dense({ units: 10, activation: "softmax" })(x);

  const vggShort = new models.Model({ inputs: input, outputs: output });

  vggShort.summary();
}

// Top-5 accuracy: is the right class among the 5 most probable ones?
const top5 = metrics.TopKCategoricalAccuracy();

vgg.compile({
  loss: "categorical_crossentropy",
  optimizer: optimizers.SGD({ lr: 0.001 }),
  metrics: ["accuracy", top5],
});
console.log(`vgg compiled with metrics: accuracy, ${top5.name} (k=${top5.k})`);

if (cifar) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = cifar;
  const history = await vgg.fit(xTrain, yTrainOh, {
    epochs: EPOCHS,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  await showHistory(history);

  const [loss, accuracy, top5Accuracy] = (await vgg.evaluate(xTest, yTestOh)) as number[];

  console.log(`Perte : ${loss.toFixed(3)}, Précision : ${accuracy.toFixed(3)}`);
  console.log(`Top-5 : ${top5Accuracy.toFixed(3)}`);

  comp.push({ run: "vgg_scratch", Perte: loss, "Précision": accuracy });
  console.table(comp);
}

// ## Transfer Learning
// ### A la main: a CNN trained on 8 of Fashion-MNIST's classes lends its layers to a binary task
// on the other two, with only 200 training images.
{
  let [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();

  console.log(py(xTrain.shape), py(yTrain.shape));

  const classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

  await showImageGrid(xTrain, yTrain, classNames, "fashionmnist");

  // QUICK: the first 1,000 training and 400 test images only.
  if (QUICK) {
    [xTrain, yTrain, xTest, yTest] = [head(xTrain, 1000), head(yTrain, 1000), head(xTest, 400), head(yTest, 400)];
  }

  xTrain = tf.reshape(tf.cast(xTrain, "float32"), [-1, 28, 28, 1]);
  xTest = tf.reshape(tf.cast(xTest, "float32"), [-1, 28, 28, 1]);

  let xValid: tf.Tensor, yValid: tf.Tensor;
  [xTrain, xValid, yTrain, yValid] = utils.trainTestSplit(xTrain, yTrain, { randomState: RANDOM_SEED });

  xTest = tf.div(xTest, 255);
  xTrain = tf.div(xTrain, 255);
  xValid = tf.div(xValid, 255);

  /** x[mask] along the first axis (NumPy's boolean indexing). */
  const booleanMask = (x: tf.Tensor, mask: tf.Tensor): tf.Tensor => {
    const rows = Array.from(mask.dataSync() as Uint8Array).flatMap((m, i) => (m ? [i] : []));
    return tf.gather(x, tf.constant(rows, [rows.length], "int32"));
  };

  // Two tasks from one data set: A, the 8 classes other than 8 "Bag" and 9 "Ankle boot"; B, is it
  // an "Ankle boot" (class 9)? among images of bags and ankle boots.
  const splitDataset = (x: tf.Tensor, y: tf.Tensor): [[tf.Tensor, tf.Tensor], [tf.Tensor, tf.Tensor]] => {
    const y8Or9 = tf.logicalOr(tf.equal(y, 8), tf.equal(y, 9)); // "Bag", "Ankle boot"
    const notY8Or9 = tf.logicalNot(y8Or9);
    const yA = booleanMask(y, notY8Or9);
    const yB = tf.cast(tf.equal(booleanMask(y, y8Or9), 9), "float32"); // binary: is it an Ankle boot?
    return [[booleanMask(x, notY8Or9), yA], [booleanMask(x, y8Or9), yB]];
  };

  let [[xTrainA, yTrainA], [xTrainB, yTrainB]] = splitDataset(xTrain, yTrain);
  let [[xValidA, yValidA], [xValidB, yValidB]] = splitDataset(xValid, yValid);
  let [, [xTestB, yTestB]] = splitDataset(xTest, yTest);

  // For the example, far less data for the binary task.
  xTrainB = head(xTrainB, 200);
  yTrainB = head(yTrainB, 200);

  // QUICK: a few images of each set, one epoch per fit.
  if (QUICK) {
    [xTrainA, yTrainA] = [head(xTrainA, 32), head(yTrainA, 32)];
    [xValidA, yValidA] = [head(xValidA, 16), head(yValidA, 16)];
    [xTrainB, yTrainB] = [head(xTrainB, 16), head(yTrainB, 16)];
    [xValidB, yValidB] = [head(xValidB, 16), head(yValidB, 16)];
    [xTestB, yTestB] = [head(xTestB, 32), head(yTestB, 32)];
  }
  const epochs = (n: number): number => (QUICK ? 1 : n);

  console.log(`X_train_A.shape : ${py(xTrainA.shape)} \n` +
    `X_train_B.shape : ${py(xTrainB.shape)}`);

  // set(y_train_A), set(y_train_B)
  const valueSet = (t: tf.Tensor): number[] => [...new Set(t.arraySync() as number[])].sort((p, q) => p - q);
  console.log(`{${valueSet(yTrainA).join(", ")}}`);
  console.log(`{${valueSet(yTrainB).map((v) => v.toFixed(1)).join(", ")}}`);

  // The CNN from the start, on the big data set (task A).
  let modelA: tf.models.Model = new models.Sequential([
    Input({ shape: [28, 28, 1] }),
    Conv2D(32, [3, 3], { activation: "relu", padding: "same" }),
    Conv2D(64, [3, 3], { activation: "relu", padding: "same" }),
    MaxPooling2D([2, 2]),
    Conv2D(128, [3, 3], { activation: "relu", padding: "same" }),
    Conv2D(128, [3, 3], { activation: "relu", padding: "same" }),
    MaxPooling2D([2, 2]),
    Flatten(),
    Dense(256),
    Activation("relu"),
    Dense(128),
    Activation("relu"),
    Dense(8, { activation: "softmax" }),
  ]);

  modelA.compile({
    loss: "sparse_categorical_crossentropy",
    optimizer: optimizers.SGD({ lr: 0.001 }),
    metrics: ["accuracy"],
  });

  let history = await modelA.fit(xTrainA, yTrainA, {
    epochs: epochs(20),
    validationData: [xValidA, yValidA],
  });
  await showHistory(history, [0, 1]);

  // Save the model (architecture and weights) in Keras 2's HDF5 format, as the notebook does.
  const modelAPath = join(OUT, "modelA.h5");
  await modelA.save(modelAPath);
  console.log(`(modelA written to ${modelAPath})`);

  // The same architecture, trained from scratch on the binary task.
  const modelB = new models.Sequential([
    Input({ shape: [28, 28, 1] }),
    Conv2D(32, [3, 3], { activation: "relu", padding: "same" }),
    Conv2D(64, [3, 3], { activation: "relu", padding: "same" }),
    MaxPooling2D([2, 2]),
    Conv2D(128, [3, 3], { activation: "relu", padding: "same" }),
    Conv2D(128, [3, 3], { activation: "relu", padding: "same" }),
    MaxPooling2D([2, 2]),
    Flatten(),
    Dense(256),
    Activation("relu"),
    Dense(128),
    Activation("relu"),
    Dense(1, { activation: "sigmoid" }),
  ]);

  modelB.compile({
    loss: "binary_crossentropy",
    optimizer: optimizers.SGD({ lr: 1e-3 }),
    metrics: ["accuracy"],
  });

  history = await modelB.fit(xTrainB, yTrainB, {
    epochs: epochs(20),
    validationData: [xValidB, yValidB],
  });

  // Transfer learning: reload the 8-class model...
  modelA = await models.loadModel(modelAPath);

  // ...take its whole architecture and weights except the classification layer...
  const modelBOnA = new models.Sequential(modelA.layers.slice(0, -1));

  // ...and add the classifier of the new task.
  modelBOnA.add(layers.Dense(1, { activation: "sigmoid" }));

  // Freeze the reused layers: only the new classifier learns at first.
  for (const layer of modelBOnA.layers.slice(0, -1)) {
    layer.trainable = false;
  }

  modelBOnA.compile({
    loss: "binary_crossentropy",
    optimizer: optimizers.SGD({ lr: 0.001 }),
    metrics: ["accuracy"],
  });

  // 4 epochs with the reused weights frozen.
  history = await modelBOnA.fit(xTrainB, yTrainB, {
    epochs: epochs(4),
    validationData: [xValidB, yValidB],
  });

  // Then unfreeze everything for 16 epochs (the change takes effect at compile, as in Keras).
  for (const layer of modelBOnA.layers.slice(0, -1)) {
    layer.trainable = true;
  }

  modelBOnA.compile({
    loss: "binary_crossentropy",
    optimizer: optimizers.SGD({ lr: 0.001 }),
    metrics: ["accuracy"],
  });

  history = await modelBOnA.fit(xTrainB, yTrainB, {
    epochs: epochs(16),
    validationData: [xValidB, yValidB],
  });

  // The error rates, and by how much transfer learning divides the error.
  const [, accB] = (await modelB.evaluate(xTestB, yTestB)) as number[];
  const [, accBOnA] = (await modelBOnA.evaluate(xTestB, yTestB)) as number[];
  console.log(`Taux d'erreur, modelB (from scratch) : ${(100 - accB * 100).toFixed(2)}%`);
  console.log(`Taux d'erreur, model_B_on_A (transfer) : ${(100 - accBOnA * 100).toFixed(2)}%`);
  // np.round((100 - (accB*100)) / (100 - (accB_on_A*100)), 2)
  console.log(`Ratio : ${((100 - accB * 100) / (100 - accBOnA * 100)).toFixed(2)}`);
}

// ### Importation des poids de ImageNet: VGG16's convolutional part with Keras' ImageNet weights.
async function vgg16Base(): Promise<tf.models.Model> {
  try {
    return await applications.VGG16({ weights: "imagenet", includeTop: false, inputShape: [32, 32, 3] });
  } catch (e) {
    console.log(`\nVGG16's ImageNet weights are not available, so the base starts from random weights (weights: null):\n${(e as Error).message}\n`);
    return applications.VGG16({ weights: null, includeTop: false, inputShape: [32, 32, 3] });
  }
}

const convBase = await vgg16Base();

// Frozen: SGD does not update these weights.
convBase.trainable = false;
for (const layer of convBase.layers) {
  console.log(`${layer.name}, Trainable : ${layer.trainable}`);
}

// The whole CIFAR-10 again: the notebook reloads it because X_train now holds Fashion-MNIST; here
// `cifar` still holds it, prepared in the same way.

// The convolutional base is a layer of the new model.
const vggTf = new models.Sequential([
  convBase,
  Flatten(),
  Dense(256, { activation: "relu" }),
  Dense(128, { activation: "relu" }),
  Dense(10, { activation: "softmax" }),
]);

vggTf.summary();

vggTf.compile({
  loss: "categorical_crossentropy",
  optimizer: optimizers.SGD({ lr: 0.001 }),
  metrics: ["accuracy"],
});

if (cifar) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = cifar;
  const history = await vggTf.fit(xTrain, yTrainOh, {
    epochs: EPOCHS,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  await showHistory(history);

  const [loss, accuracy] = (await vggTf.evaluate(xTest, yTestOh)) as number[];

  comp.push({ run: "vgg_imagenet", Perte: loss, "Précision": accuracy });
  console.table(comp);
}

// ### Fine Tuning
// #### Dégel d'une partie: unfreeze from the layer named block5_conv1 on.
convBase.trainable = true;

let setTrainable = false;

for (const layer of convBase.layers) {
  if (layer.name === "block5_conv1") {
    setTrainable = true;
  }
  if (setTrainable) {
    layer.trainable = true;
  } else {
    layer.trainable = false;
  }
}

for (const layer of convBase.layers) {
  console.log(`${layer.name}, Trainable : ${layer.trainable}`);
}

// #### Dégel complet
convBase.trainable = true;
for (const layer of convBase.layers) {
  console.log(`${layer.name}, Trainable : ${layer.trainable}`);
}

// #### Lancement du fine tuning
vggTf.compile({
  loss: "categorical_crossentropy",
  optimizer: optimizers.SGD({ lr: 0.001 }),
  metrics: ["accuracy"],
});

if (cifar) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = cifar;
  const history = await vggTf.fit(xTrain, yTrainOh, {
    epochs: QUICK ? 1 : 10,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  await showHistory(history);

  const [loss, accuracy] = (await vggTf.evaluate(xTest, yTestOh)) as number[];

  comp.push({ run: "vgg_tf_tuned", Perte: loss, "Précision": accuracy });
  console.table(comp);
}

console.log(`\n(003 ran in ${((Date.now() - started) / 1000).toFixed(1)} s on the ${tf.getBackend()} backend)`);
