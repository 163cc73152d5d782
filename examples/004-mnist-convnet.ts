// Notebook 004: a classic MNIST convnet, cell by cell.
// Run: npm run example -- 004        (QUICK=1 trains on 2,000 images for one epoch)
import * as tf from "../src/index.js";
const { layers, models, datasets, utils } = tf;

const QUICK = process.env.QUICK === "1";
tf.random.setSeed(42);

// import keras; keras.__version__
console.log(tf.version);

const model = new models.Sequential();
model.add(layers.Conv2D(32, [3, 3], { activation: "relu", inputShape: [28, 28, 1] }));
model.add(layers.MaxPooling2D([2, 2]));
model.add(layers.Conv2D(64, [3, 3], { activation: "relu" }));
model.add(layers.MaxPooling2D([2, 2]));
model.summary();

// Flatten the 3-D outputs to 1-D, then add a few Dense layers on top.
model.add(layers.Flatten());
model.add(layers.Dense(64, { activation: "relu" }));
model.add(layers.Dense(10, { activation: "softmax" }));
model.summary();

let data: Awaited<ReturnType<typeof datasets.mnist.loadData>>;
try {
  data = await datasets.mnist.loadData();
} catch (e) {
  console.log(`\nMNIST is not available on this machine, so the training cells are skipped:\n${(e as Error).message}`);
  process.exit(0);
}
let [[trainImages, trainLabels], [testImages, testLabels]] = data;
if (QUICK) {
  const head = (x: tf.Tensor, n: number): tf.Tensor => tf.slice(x, [0], [Math.min(n, x.shape[0])]);
  [trainImages, trainLabels, testImages, testLabels] = [head(trainImages, 2000), head(trainLabels, 2000), head(testImages, 1000), head(testLabels, 1000)];
}
// reshape((60000, 28, 28, 1)) and astype('float32') / 255
const xTrain = tf.div(tf.reshape(tf.cast(trainImages, "float32"), [-1, 28, 28, 1]), 255);
const xTest = tf.div(tf.reshape(tf.cast(testImages, "float32"), [-1, 28, 28, 1]), 255);
const yTrain = utils.toCategorical(trainLabels);
const yTest = utils.toCategorical(testLabels);

model.compile({ optimizer: "rmsprop", loss: "categorical_crossentropy", metrics: ["accuracy"] });
await model.fit(xTrain, yTrain, { epochs: QUICK ? 1 : 5, batchSize: 64 });

const [testLoss, testAcc] = (await model.evaluate(xTest, yTest)) as number[];
console.log(`test_loss ${testLoss.toFixed(4)}, test_acc ${testAcc.toFixed(4)}`);
