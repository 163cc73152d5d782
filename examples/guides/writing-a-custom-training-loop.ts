/**
 * Keras guide "Writing a training loop from scratch in TensorFlow" (fchollet, last modified
 * 2023/06/25), every code cell in order, on lamina:
 * https://keras.io/guides/writing_a_custom_training_loop_in_tensorflow/
 *
 *   npx tsx examples/guides/writing-a-custom-training-loop.ts
 *   QUICK=1 npx tsx examples/guides/writing-a-custom-training-loop.ts   (a few seconds)
 *
 * lamina's tf.GradientTape is TensorFlow's: `tape.run(() => ...)` records what the `with` block
 * would, then `tape.gradient(loss, model.trainableWeights)`. The guide uses MNIST; this port uses
 * the bundled Fashion-MNIST (same shapes and splits, 28x28 images in [0, 255]), which
 * datasets.fashionMnist reads offline. QUICK=1 trains on 2,000 images (1,000 for validation) for
 * one epoch per loop and runs one GAN step. The generated GAN images go to
 * runs/examples/writing-a-custom-training-loop/ (LAMINA_OUT overrides).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "../../src/index.js";

const { layers, models, losses, metrics, optimizers, datasets, utils } = tf;

const QUICK = process.env.QUICK === "1";
const OUT = process.env.LAMINA_OUT ?? join("runs", "examples", "writing-a-custom-training-loop");
tf.random.setSeed(42);

// ## A first end-to-end example

function getModel(): tf.models.Model {
  const inputs = layers.Input({ shape: [784], name: "digits" });
  const x1 = layers.Dense(64, { activation: "relu" })(inputs);
  const x2 = layers.Dense(64, { activation: "relu" })(x1);
  const outputs = layers.Dense(10, { name: "predictions" })(x2);
  const model = new models.Model({ inputs, outputs });
  return model;
}

let model = getModel();

// First, we're going to need an optimizer, a loss function, and a dataset:

// Instantiate an optimizer.
let optimizer = optimizers.Adam({ learningRate: 1e-3 });
// Instantiate a loss function.
let lossFn: tf.losses.Loss = losses.SparseCategoricalCrossentropy({ fromLogits: true });

// Prepare the training dataset.
let batchSize = 32;
const [[xTrainAll, yTrainAll], [xTestAll, yTestAll]] = await datasets.fashionMnist.loadData();
let xTrain = tf.reshape(xTrainAll, [-1, 784]);
const xTest = tf.reshape(xTestAll, [-1, 784]);
void xTest, yTestAll; // loaded as in the guide, which does not use the test split in this part

// Reserve 10,000 samples for validation.
const nVal = QUICK ? 1000 : 10000;
const nTrain = QUICK ? 2000 : xTrain.shape[0] - nVal;
const rows = (t: tf.Tensor, start: number, n: number): tf.Tensor => tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [n, ...t.shape.slice(1)]);
// The pixels stay uint8 in [0, 255], unscaled as in the guide: the model's float32 Input takes them as floats.
const xVal = rows(xTrain, xTrain.shape[0] - nVal, nVal);
const yVal = rows(yTrainAll, xTrain.shape[0] - nVal, nVal);
const yTrain = rows(yTrainAll, 0, nTrain);
xTrain = rows(xTrain, 0, nTrain);

// Prepare the training dataset.
let trainDataset = tf.data.Dataset.fromTensorSlices([xTrain, yTrain]);
trainDataset = trainDataset.shuffle(1024).batch(batchSize);

// Prepare the validation dataset.
let valDataset = tf.data.Dataset.fromTensorSlices([xVal, yVal]);
valDataset = valDataset.batch(batchSize);

// Here's our training loop, step by step: for each epoch, for each batch, open a GradientTape
// scope, call the model (forward pass) and compute the loss inside it; outside it, take the
// gradients of the weights with regard to the loss and let the optimizer update the weights.

let epochs = QUICK ? 1 : 3;
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log(`\nStart of epoch ${epoch}`);

  // Iterate over the batches of the dataset.
  let step = 0;
  for await (const [xBatchTrain, yBatchTrain] of trainDataset) {
    // Open a GradientTape to record the operations run during the forward pass, which enables
    // auto-differentiation: what runs inside tape.run is recorded.
    const tape = new tf.GradientTape();
    const lossValue = tape.run(() => {
      // Run the forward pass of the layer. The operations that the layer applies to its inputs
      // are going to be recorded on the GradientTape.
      const logits = model(xBatchTrain, { training: true }); // Logits for this minibatch

      // Compute the loss value for this minibatch.
      return lossFn(yBatchTrain, logits);
    });

    // Use the gradient tape to automatically retrieve the gradients of the trainable variables
    // with respect to the loss.
    const grads = tape.gradient(lossValue, model.trainableWeights);

    // Run one step of gradient descent by updating the value of the variables to minimize the loss.
    optimizer.apply(grads, model.trainableWeights);

    // Log every 100 batches.
    if (step % 100 === 0) {
      console.log(`Training loss (for 1 batch) at step ${step}: ${lossValue.item().toFixed(4)}`);
      console.log(`Seen so far: ${(step + 1) * batchSize} samples`);
    }
    step++;
  }
}

// ## Low-level handling of metrics
// Instantiate the metric at the start of the loop, call metric.updateState() after each batch,
// metric.result() to display its value, metric.resetState() to clear it (at the end of an epoch).

// Get a fresh model
model = getModel();

// Instantiate an optimizer to train the model.
optimizer = optimizers.Adam({ learningRate: 1e-3 });
// Instantiate a loss function.
lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });

// Prepare the metrics.
const trainAccMetric = metrics.SparseCategoricalAccuracy();
const valAccMetric = metrics.SparseCategoricalAccuracy();

// Here's our training & evaluation loop:

epochs = QUICK ? 1 : 2;
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log(`\nStart of epoch ${epoch}`);
  const startTime = performance.now();

  // Iterate over the batches of the dataset.
  let step = 0;
  for await (const [xBatchTrain, yBatchTrain] of trainDataset) {
    const tape = new tf.GradientTape();
    const { logits, lossValue } = tape.run(() => {
      const logits = model(xBatchTrain, { training: true });
      return { logits, lossValue: lossFn(yBatchTrain, logits) };
    });
    const grads = tape.gradient(lossValue, model.trainableWeights);
    optimizer.apply(grads, model.trainableWeights);

    // Update training metric.
    trainAccMetric.updateState(yBatchTrain, logits);

    // Log every 100 batches.
    if (step % 100 === 0) {
      console.log(`Training loss (for 1 batch) at step ${step}: ${lossValue.item().toFixed(4)}`);
      console.log(`Seen so far: ${(step + 1) * batchSize} samples`);
    }
    step++;
  }

  // Display metrics at the end of each epoch.
  const trainAcc = trainAccMetric.result();
  console.log(`Training acc over epoch: ${trainAcc.toFixed(4)}`);

  // Reset training metrics at the end of each epoch
  trainAccMetric.resetState();

  // Run a validation loop at the end of each epoch.
  for await (const [xBatchVal, yBatchVal] of valDataset) {
    const valLogits = model(xBatchVal, { training: false });
    // Update val metrics
    valAccMetric.updateState(yBatchVal, valLogits);
  }
  const valAcc = valAccMetric.result();
  valAccMetric.resetState();
  console.log(`Validation acc: ${valAcc.toFixed(4)}`);
  console.log(`Time taken: ${((performance.now() - startTime) / 1000).toFixed(2)}s`);
}

// ## Speeding-up your training step with `tf.function`
// tf.function traces a Python function into a TensorFlow graph. That cannot be ported: lamina has
// no graph compiler and always runs eagerly, each op on its native (or TypeScript) kernel. The
// step functions below are plain functions, so the loop that uses them is the guide's loop but
// not faster than the one above (the guide's "Much faster, isn't it?" does not apply).

function trainStep(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const tape = new tf.GradientTape();
  const { logits, lossValue } = tape.run(() => {
    const logits = model(x, { training: true });
    return { logits, lossValue: lossFn(y, logits) };
  });
  const grads = tape.gradient(lossValue, model.trainableWeights);
  optimizer.apply(grads, model.trainableWeights);
  trainAccMetric.updateState(y, logits);
  return lossValue;
}

// Let's do the same with the evaluation step:

function testStep(x: tf.Tensor, y: tf.Tensor): void {
  const valLogits = model(x, { training: false });
  valAccMetric.updateState(y, valLogits);
}

// Now, let's re-run our training loop with this training step:

for (let epoch = 0; epoch < epochs; epoch++) {
  console.log(`\nStart of epoch ${epoch}`);
  const startTime = performance.now();

  // Iterate over the batches of the dataset.
  let step = 0;
  for await (const [xBatchTrain, yBatchTrain] of trainDataset) {
    const lossValue = trainStep(xBatchTrain, yBatchTrain);

    // Log every 100 batches.
    if (step % 100 === 0) {
      console.log(`Training loss (for 1 batch) at step ${step}: ${lossValue.item().toFixed(4)}`);
      console.log(`Seen so far: ${(step + 1) * batchSize} samples`);
    }
    step++;
  }

  // Display metrics at the end of each epoch.
  const trainAcc = trainAccMetric.result();
  console.log(`Training acc over epoch: ${trainAcc.toFixed(4)}`);

  // Reset training metrics at the end of each epoch
  trainAccMetric.resetState();

  // Run a validation loop at the end of each epoch.
  for await (const [xBatchVal, yBatchVal] of valDataset) {
    testStep(xBatchVal, yBatchVal);
  }

  const valAcc = valAccMetric.result();
  valAccMetric.resetState();
  console.log(`Validation acc: ${valAcc.toFixed(4)}`);
  console.log(`Time taken: ${((performance.now() - startTime) / 1000).toFixed(2)}s`);
}

// ## Low-level handling of losses tracked by the model
// Layers & models recursively track any losses created during the forward pass by layers that
// call this.addLoss(value); `model.losses` lists them after the forward pass.

class ActivityRegularizationLayer extends layers.Layer {
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    this.addLoss(tf.mul(1e-2, tf.sum(inputs as tf.Tensor)));
    return inputs as tf.Tensor;
  }
}

// Let's build a really simple model that uses it:
{
  const inputs = layers.Input({ shape: [784], name: "digits" });
  let x = layers.Dense(64, { activation: "relu" })(inputs);
  // Insert activity regularization as a layer
  x = new ActivityRegularizationLayer()(x);
  x = layers.Dense(64, { activation: "relu" })(x);
  const outputs = layers.Dense(10, { name: "predictions" })(x);

  model = new models.Model({ inputs, outputs });
}

// Here's what our training step should look like now (the guide's @tf.function again: a plain function):

function trainStepWithLosses(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const tape = new tf.GradientTape();
  const { logits, lossValue } = tape.run(() => {
    const logits = model(x, { training: true });
    let lossValue = lossFn(y, logits);
    // Add any extra losses created during the forward pass (Python's sum(model.losses)).
    lossValue = tf.add(lossValue, tf.addN(model.losses));
    return { logits, lossValue };
  });
  const grads = tape.gradient(lossValue, model.trainableWeights);
  optimizer.apply(grads, model.trainableWeights);
  trainAccMetric.updateState(y, logits);
  return lossValue;
}

// The guide only defines this step; one batch shows the added loss in the total. The model is a
// new one, so the step needs a new optimizer: Adam refuses variables it was not built with, as
// Keras 3's optimizer does ("Unknown variable").
optimizer = optimizers.Adam({ learningRate: 1e-3 });
{
  const [xb, yb] = [rows(xTrain, 0, batchSize), rows(yTrain, 0, batchSize)];
  const withExtra = trainStepWithLosses(xb, yb).item();
  console.log(`\nloss with the activity regularization: ${withExtra.toFixed(4)} (model.losses: ${model.losses.length}, ${model.losses[0].item().toFixed(4)})`);
  trainAccMetric.resetState();
}

// ## End-to-end example: a GAN training loop from scratch

// First, create the discriminator meant to classify fake vs real digits:
const discriminator = new models.Sequential([
  layers.Input({ shape: [28, 28, 1] }),
  layers.Conv2D(64, [3, 3], { strides: [2, 2], padding: "same" }),
  layers.LeakyReLU({ negativeSlope: 0.2 }),
  layers.Conv2D(128, [3, 3], { strides: [2, 2], padding: "same" }),
  layers.LeakyReLU({ negativeSlope: 0.2 }),
  layers.GlobalMaxPooling2D(),
  layers.Dense(1),
], { name: "discriminator" });
discriminator.summary();

// Then let's create a generator network, that turns latent vectors into outputs of shape
// (28, 28, 1) (representing MNIST digits):
const latentDim = 128;

const generator = new models.Sequential([
  layers.Input({ shape: [latentDim] }),
  // We want to generate 128 coefficients to reshape into a 7x7x128 map
  layers.Dense(7 * 7 * 128),
  layers.LeakyReLU({ negativeSlope: 0.2 }),
  layers.Reshape([7, 7, 128]),
  layers.Conv2DTranspose(128, [4, 4], { strides: [2, 2], padding: "same" }),
  layers.LeakyReLU({ negativeSlope: 0.2 }),
  layers.Conv2DTranspose(128, [4, 4], { strides: [2, 2], padding: "same" }),
  layers.LeakyReLU({ negativeSlope: 0.2 }),
  layers.Conv2D(1, [7, 7], { padding: "same", activation: "sigmoid" }),
], { name: "generator" });

// Here's the key bit: the training loop.

// Instantiate one optimizer for the discriminator and another for the generator.
const dOptimizer = optimizers.Adam({ learningRate: 0.0003 });
const gOptimizer = optimizers.Adam({ learningRate: 0.0004 });

// Instantiate a loss function.
lossFn = losses.BinaryCrossentropy({ fromLogits: true });

// (@tf.function in the guide: see the note above.)
function ganTrainStep(realImages: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  // Sample random points in the latent space
  let randomLatentVectors = tf.random.normal([batchSize, latentDim]);
  // Decode them to fake images
  const generatedImages = generator(randomLatentVectors);
  // Combine them with real images
  const combinedImages = tf.concat([generatedImages, realImages], 0);

  // Assemble labels discriminating real from fake images
  let labels = tf.concat([tf.ones([batchSize, 1]), tf.zeros([realImages.shape[0], 1])], 0);
  // Add random noise to the labels - important trick!
  labels = tf.add(labels, tf.mul(0.05, tf.random.uniform(labels.shape)));

  // Train the discriminator
  let tape = new tf.GradientTape();
  const dLoss = tape.run(() => {
    const predictions = discriminator(combinedImages);
    return lossFn(labels, predictions);
  });
  let grads = tape.gradient(dLoss, discriminator.trainableWeights);
  dOptimizer.apply(grads, discriminator.trainableWeights);

  // Sample random points in the latent space
  randomLatentVectors = tf.random.normal([batchSize, latentDim]);
  // Assemble labels that say "all real images"
  const misleadingLabels = tf.zeros([batchSize, 1]);

  // Train the generator (note that we should *not* update the weights of the discriminator)!
  tape = new tf.GradientTape();
  const gLoss = tape.run(() => {
    const predictions = discriminator(generator(randomLatentVectors));
    return lossFn(misleadingLabels, predictions);
  });
  grads = tape.gradient(gLoss, generator.trainableWeights);
  gOptimizer.apply(grads, generator.trainableWeights);
  return [dLoss, gLoss, generatedImages];
}

// Let's train our GAN, by repeatedly calling trainStep on batches of images.

// Prepare the dataset. We use both the training & test digits (here Fashion-MNIST's images).
batchSize = 64;
let allDigits = tf.concat([xTrainAll, xTestAll], 0);
if (QUICK) allDigits = rows(allDigits, 0, 1024);
allDigits = tf.div(tf.cast(allDigits, "float32"), 255.0);
allDigits = tf.reshape(allDigits, [-1, 28, 28, 1]);
let dataset = tf.data.Dataset.fromTensorSlices(allDigits);
dataset = dataset.shuffle(1024).batch(batchSize);

epochs = 1; // In practice you need at least 20 epochs to generate nice digits.
const saveDir = OUT;
mkdirSync(saveDir, { recursive: true });

const ganLosses: [number, number][] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log(`\nStart epoch ${epoch}`);

  let step = 0;
  for await (const realImages of dataset) {
    // Train the discriminator & generator on one batch of real images.
    const [dLoss, gLoss, generatedImages] = ganTrainStep(realImages);
    ganLosses.push([dLoss.item(), gLoss.item()]);

    // Logging.
    if (step % 100 === 0) {
      // Print metrics
      console.log(`discriminator loss at step ${step}: ${dLoss.item().toFixed(2)}`);
      console.log(`adversarial loss at step ${step}: ${gLoss.item().toFixed(2)}`);

      // Save one generated image
      const img = utils.arrayToImg(tf.mul(tf.squeeze(rows(generatedImages, 0, 1), [0]), 255.0), { scale: false });
      utils.saveImage(img, join(saveDir, `generated_img_${step}.png`));
    }

    // To limit execution time we stop after 10 steps (QUICK: after the first).
    // Remove the lines below to actually train the model!
    if (step > 10 || QUICK) break;
    step++;
  }
}
console.log(`\nGAN steps run: ${ganLosses.length}; images in ${saveDir}`);
