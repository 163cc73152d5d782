// Notebook 003, "Les réseaux de neurones convolutifs": the convolution and pooling cells, the CNNs
// and VGG16 by hand, in order. The transfer-learning section (model.save("modelA.h5"),
// load_model, VGG16's ImageNet weights, fine tuning) comes with issue 7 (save/load, VGG16,
// transfer learning) and is not here yet.
// Run: npm run example -- 003
//   QUICK=1: one epoch on a handful of CIFAR-10 images (the CI smoke run).
// CIFAR-10 is read from a local copy of its binary version; when it is absent the training cells
// are skipped with the loader's error (which says how to get it), the models are still built.
import * as tf from "../src/index.js";
const { layers, models, optimizers, metrics, datasets, utils } = tf;
// from tensorflow.keras.layers import Dense, Flatten, Input, Activation, Conv2D, MaxPooling2D, ReLU
const { Dense, Flatten, Input, Activation, Conv2D, MaxPooling2D, MaxPool2D, AvgPool2D, ReLU } = layers;

const QUICK = process.env.QUICK === "1";

// Freeze randomness for reproducible experiments: weights, shuffles and the default splits.
const RANDOM_SEED = 42;
tf.random.setSeed(RANDOM_SEED);

/** A shape as Python prints a tuple: (427, 640), (8,). */
const py = (shape: readonly number[]): string => `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;

/** comp = pd.DataFrame(columns=['run', 'Perte', 'Précision']): one row per evaluated model. */
const comp: { run: string; Perte: number; "Précision": number }[] = [];

/**
 * pd.DataFrame(history.history).plot(): history plots come with the plots issue (issue 8); until
 * then the curves' values are printed, one line per metric.
 */
function printHistory(history: tf.callbacks.History): void {
  for (const [key, values] of Object.entries(history.history)) {
    console.log(`${key.padEnd(30)} ${values.map((v) => v.toFixed(4)).join(" ")}`);
  }
}

// ## Introduction : Convolution et Pooling
// flower = load_sample_image('flower.jpg') / 255 (float64, as numpy's division gives)
const flower = tf.div(tf.cast(datasets.loadSampleImage("flower.jpg"), "float64"), 255);

// The image has 3 RGB channels; make it grayscale: np.dot(rgb[..., :3], [0.2989, 0.5870, 0.1140]).
function rgb2gray(rgb: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(rgb, tf.constant([0.2989, 0.5870, 0.1140], "float64")), -1);
}

const grayscale = tf.cast(rgb2gray(flower), "float32");

// plt.imshow(grayscale, cmap="gray"): the image itself is not drawn here (plots: issue 8).
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

/** Convolves a grayscale image with a kernel ("SAME" padding); the notebook shows outputs[0, :, :, 0]. */
function conv(img: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
  const [kerHeight, kerWidth] = kernel.shape;
  const [height, width] = img.shape;

  const tfKer = tf.reshape(kernel, [kerHeight, kerWidth, 1, 1]);

  const tfImg = tf.reshape(img, [-1, height, width, 1]);

  const outputs = tf.nn.conv2d(tfImg, tfKer, { strides: 1, padding: "SAME" });

  // plt.imshow(outputs[0, :, :, 0], cmap='gray') (plots: issue 8): print its shape and range.
  console.log(`conv2d: ${py(tfImg.shape)} * ${py(tfKer.shape)} -> ${py(outputs.shape)}, ` +
    `values in [${tf.min(outputs).item().toFixed(3)}, ${tf.max(outputs).item().toFixed(3)}]`);
  return outputs;
}

conv(grayscale, gaussBlur);

conv(grayscale, contour1);

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
let pool = (img: tf.Tensor, poolSize: number): void => {
  const [height, width] = img.shape;
  const tfImg = tf.reshape(img, [-1, height, width, 1]);

  const out = AvgPool2D(poolSize, { padding: "valid" })(tfImg);
  const pooled = tf.squeeze(tf.slice(out, [0, 0, 0, 0], [1, -1, -1, 1])); // out[0, :, :, 0]

  // plt.imshow(pool) (plots: issue 8)
  console.log(`Les dimensions avant pooling sont ${py(img.shape)} \n` +
    `Les dimensions après pooling sont ${py(pooled.shape)}`);
};

pool(grayscale, 4);

// ...and MaxPool2D (maximum pooling 2D).
pool = (img: tf.Tensor, poolSize: number): void => {
  const [height, width] = img.shape;
  const tfImg = tf.reshape(img, [-1, height, width, 1]);

  const out = MaxPool2D(poolSize, { padding: "valid" })(tfImg);
  const pooled = tf.squeeze(tf.slice(out, [0, 0, 0, 0], [1, -1, -1, 1]));

  console.log(`Les dimensions avant pooling sont ${py(img.shape)} \n` +
    `Les dimensions après pooling sont ${py(pooled.shape)}`);
};

pool(grayscale, 2);

// An example by hand: an "8", taller than wide.
const testImg2 = tf.constant([[0, 0, 0, 0, 0, 0, 0, 0],
                              [0, 0, 1, 1, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 1, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 0, 1, 0, 0, 0],
                              [0, 0, 1, 1, 1, 0, 0, 0]], "float32");

{
  const tfImg = tf.reshape(testImg2, [1, 8, 8, 1]);

  const out = MaxPool2D(2)(tfImg);
  const pooled = tf.squeeze(tf.slice(out, [0, 0, 0, 0], [1, -1, -1, 1]));

  // plt.imshow(pool) (plots: issue 8): the 4x4 values tell the same story.
  console.log(pooled.toString());

  console.log(py(pooled.shape));
}

// ## Construction et entraînement d'un CNN, on CIFAR-10
const cifar = await (async () => {
  try {
    return await datasets.cifar10.loadData();
  } catch (e) {
    console.log(`\nCIFAR-10 is not available on this machine, so the training cells are skipped (the models are still built):\n${(e as Error).message}\n`);
    return null;
  }
})();

let data: { xTrain: tf.Tensor; xValid: tf.Tensor; xTest: tf.Tensor; yTrainOh: tf.Tensor; yValidOh: tf.Tensor; yTestOh: tf.Tensor } | null = null;
if (cifar) {
  let [[xTrain, yTrain], [xTest, yTest]] = cifar;
  // QUICK: a handful of images (the bigger models below take about a second per image and epoch on the JS backend).
  if (QUICK) {
    [xTrain, yTrain] = [tf.slice(xTrain, [0], [Math.min(8, xTrain.shape[0])]), tf.slice(yTrain, [0], [Math.min(8, yTrain.shape[0])])];
    [xTest, yTest] = [tf.slice(xTest, [0], [Math.min(4, xTest.shape[0])]), tf.slice(yTest, [0], [Math.min(4, yTest.shape[0])])];
  }

  console.log(py(xTrain.shape), py(yTrain.shape));

  // The 4 x 10 grid of images with their class names: the names (image grids: issue 8).
  const classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
  const labels = Array.from(yTrain.dataSync(), Number).slice(0, 40);
  for (let r = 0; r < labels.length; r += 10) console.log(labels.slice(r, r + 10).map((l) => classNames[l]).join(", "));

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
  data = { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh };
}

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

if (data) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = data;
  const history = await model.fit(xTrain, yTrainOh, {
    epochs: EPOCHS,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  printHistory(history); // the notebook plots it with ylim (0, 2)

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

if (data) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = data;
  const history = await model2.fit(xTrain, yTrainOh, {
    epochs: EPOCHS,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  printHistory(history);

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

if (data) {
  const { xTrain, xValid, xTest, yTrainOh, yValidOh, yTestOh } = data;
  const history = await vgg.fit(xTrain, yTrainOh, {
    epochs: EPOCHS,
    batchSize: 32,
    validationData: [xValid, yValidOh],
  });

  printHistory(history); // the notebook plots it with ylim (0, 2)

  const [loss, accuracy, top5Accuracy] = (await vgg.evaluate(xTest, yTestOh)) as number[];

  console.log(`Perte : ${loss.toFixed(3)}, Précision : ${accuracy.toFixed(3)}`);
  console.log(`Top-5 : ${top5Accuracy.toFixed(3)}`);

  comp.push({ run: "vgg_scratch", Perte: loss, "Précision": accuracy });
  console.table(comp);
}

// ## Transfer Learning: the "by hand" part (modelA on 8 Fashion-MNIST classes, modelA.save("modelA.h5"),
// keras.models.load_model, Sequential(modelA.layers[:-1]) with frozen layers), "Importation des poids
// de ImageNet" (applications.VGG16(weights='imagenet', include_top=False)) and fine tuning come with
// issue 7 (save and load in Keras' formats, VGG16, transfer learning).
