/**
 * Keras' developer guide "Transfer learning & fine-tuning" (fchollet),
 * https://keras.io/guides/transfer_learning/ , ported to lamina cell by cell: the `trainable`
 * attribute (weights, trainable_weights, non_trainable_weights; freezing; recursion into nested
 * models), the transfer-learning and fine-tuning workflow, a custom training loop that updates
 * only `trainableWeights`, and the end-to-end example (Xception base, augmentation, rescaling,
 * a new classifier trained on the frozen base, then fine-tuning of the whole model).
 *
 *   npx tsx examples/guides/transfer-learning.ts
 *   QUICK=1 npx tsx examples/guides/transfer-learning.ts   (71x71 images, a few samples, 1 epoch per round)
 *
 * NO PRETRAINED WEIGHTS, NO REAL DATA. There is no network here: the guide's
 * `keras.applications.Xception(weights="imagenet")` needs Keras' ImageNet file
 * (xception_weights_tf_dim_ordering_tf_kernels_notop.h5, which lamina's `weights: "imagenet"` reads
 * from the Keras cache ~/.keras/models/ and downloads otherwise), and the Kaggle "cats vs dogs"
 * data comes from tensorflow_datasets. So this port builds the same Xception with random weights
 * (`weights: null`) and trains on small generated images of two classes ("cat": a bright horizontal
 * band, "dog": a vertical one, of random sizes with values in [0, 255], as the decoded JPEGs are).
 * The losses and accuracies printed are not the guide's (~97% validation accuracy after
 * fine-tuning, which takes the pretrained features): a randomly initialised Xception whose
 * BatchNormalization layers run in inference mode (as the guide calls the base) shrinks its
 * activations layer after layer, so its features are ~1e-5 and the loss stays near ln 2 = 0.6931.
 * What the run does show is the workflow: Keras' parameter counts, a frozen base whose weights
 * and statistics do not move, the recompile after unfreezing, and the custom loop. Full mode keeps the guide's 150x150 images, batch 32 and 20 + 10 epochs on
 * the generated data; on a CPU that takes a long while.
 */
import * as tf from "../../src/index.js";

const { layers, models, optimizers, losses, metrics, data } = tf;
type Tensor = tf.Tensor;
type Symbolic = tf.layers.SymbolicTensor;

const QUICK = process.env.QUICK === "1";
tf.random.setSeed(1337);

/** The mean absolute difference of two lists of weight values (0 when none moved). */
function weightChange(before: Tensor[], after: Tensor[]): number {
  return Math.max(...before.map((b, i) => Number(tf.max(tf.abs(tf.sub(b, after[i]))).item())));
}

// ## Freezing layers: understanding the `trainable` attribute
// Example: the Dense layer has 2 trainable weights (kernel & bias)
{
  const layer = layers.Dense(3);
  layer.build([null, 4]); // Create the weights
  console.log(`weights: ${layer.weights.length}`);
  console.log(`trainable_weights: ${layer.trainableWeights.length}`);
  console.log(`non_trainable_weights: ${layer.nonTrainableWeights.length}`);
}

// Example: the BatchNormalization layer has 2 trainable weights and 2 non-trainable weights
{
  const layer = layers.BatchNormalization();
  layer.build([null, 4]); // Create the weights
  console.log(`weights: ${layer.weights.length}`);
  console.log(`trainable_weights: ${layer.trainableWeights.length}`);
  console.log(`non_trainable_weights: ${layer.nonTrainableWeights.length}`);
}

// Example: setting `trainable` to false
{
  const layer = layers.Dense(3);
  layer.build([null, 4]); // Create the weights
  layer.trainable = false; // Freeze the layer
  console.log(`weights: ${layer.weights.length}`);
  console.log(`trainable_weights: ${layer.trainableWeights.length}`);
  console.log(`non_trainable_weights: ${layer.nonTrainableWeights.length}`);
}

// When a trainable weight becomes non-trainable, its value is no longer updated during training.
{
  // Make a model with 2 layers
  const layer1 = layers.Dense(3, { activation: "relu" });
  const layer2 = layers.Dense(3, { activation: "sigmoid" });
  const model = new models.Sequential([layers.Input({ shape: [3] }), layer1, layer2]);

  // Freeze the first layer
  layer1.trainable = false;

  // Keep a copy of the weights of layer1 for later reference
  const initialLayer1WeightsValues = layer1.getWeights();

  // Train the model
  model.compile({ optimizer: "adam", loss: "mse" });
  await model.fit(tf.random.uniform([2, 3]), tf.random.uniform([2, 3]), { verbose: 2 });

  // Check that the weights of layer1 have not changed during training
  const finalLayer1WeightsValues = layer1.getWeights();
  const frozenChange = weightChange(initialLayer1WeightsValues, finalLayer1WeightsValues);
  console.log(`frozen layer1 weights changed by ${frozenChange}`);
  if (frozenChange !== 0) throw new Error("a frozen layer was updated");
  // (Not to be confused with the `training` call option, which picks a layer's inference or
  // training behaviour: layer.apply(x, { training: false }).)
}

// ## Recursive setting of the `trainable` attribute
{
  const innerModel = new models.Sequential([
    layers.Input({ shape: [3] }),
    layers.Dense(3, { activation: "relu" }),
    layers.Dense(3, { activation: "relu" }),
  ]);
  const model = new models.Sequential([layers.Input({ shape: [3] }), innerModel, layers.Dense(3, { activation: "sigmoid" })]);

  model.trainable = false; // Freeze the outer model

  // All layers in `model` are now frozen, and `trainable` is propagated recursively
  console.log(`inner_model.trainable: ${innerModel.trainable}, inner_model.layers[0].trainable: ${innerModel.layers[0].trainable}`);
  if (innerModel.trainable !== false || innerModel.layers[0].trainable !== false) throw new Error("trainable did not propagate");
}

// ## The typical transfer-learning workflow
// 1. Instantiate a base model and load pre-trained weights into it.
// 2. Freeze all layers in the base model by setting `trainable = false`.
// 3. Create a new model on top of the output of one (or several) layers from the base model.
// 4. Train your new model on your new dataset.
// In lamina (the guide's code block, run for real in the end-to-end example below):
//   const baseModel = await applications.Xception({ weights: "imagenet", inputShape: [150, 150, 3], includeTop: false });
//   baseModel.trainable = false;
//   const inputs = layers.Input({ shape: [150, 150, 3] });
//   let x = baseModel.apply(inputs, { training: false });   // the base runs in inference mode
//   x = layers.GlobalAveragePooling2D()(x);
//   const outputs = layers.Dense(1)(x);                       // a binary classifier, logits
//   const model = new models.Model({ inputs, outputs });
//   model.compile({ optimizer: optimizers.Adam(), loss: losses.BinaryCrossentropy({ fromLogits: true }), metrics: [metrics.BinaryAccuracy()] });
//   await model.fit(newDataset, { epochs: 20, callbacks: [...], validationData: ... });

// ## Fine-tuning
// Once the new layers have converged: unfreeze the base (or part of it), compile again (the
// trainable flags are read at compile time), and train end-to-end with a very low learning rate:
//   baseModel.trainable = true;
//   model.compile({ optimizer: optimizers.Adam({ learningRate: 1e-5 }), loss: ..., metrics: ... });
//   await model.fit(newDataset, { epochs: 10, ... });
// BatchNormalization: with trainable false a BatchNormalization layer runs in inference mode and
// does not update its mean and variance; calling the base with { training: false } keeps its
// BatchNormalization layers in inference mode after unfreezing too.

// ## An end-to-end example: fine-tuning an image classification model on a cats vs. dogs dataset
// ### Getting the data
// The guide: tfds.load("cats_vs_dogs", split=["train[:40%]", "train[40%:50%]", "train[50%:60%]"],
// as_supervised=True): 9305 / 2326 / 2326 images of various sizes, label 1 "dog", 0 "cat".
// With a folder of JPEGs per class, lamina's utils.imageDatasetFromDirectory(dir, { imageSize:
// [150, 150], batchSize: 32, validationSplit: 0.2, subset: "both", seed: 1337 }) gives the same
// kind of batched [images, labels] dataset. Here: generated images (see the header).
const SIZE: [number, number] = QUICK ? [71, 71] : [150, 150]; // 71 is Xception's smallest input
const COUNTS = QUICK ? { train: 4, validation: 4, test: 4 } : { train: 96, validation: 32, test: 32 };

/** One generated image of the class `label`, of a random size, with values in [0, 255]. */
function generatedImage(label: number): Tensor {
  const h = 60 + Math.floor(Math.random() * 80);
  const w = 60 + Math.floor(Math.random() * 80);
  const noise = tf.mul(tf.random.uniform([h, w, 3]), 96);
  // "cat": a bright horizontal band in the middle third, "dog": a vertical one.
  const rows = tf.reshape(tf.cast(tf.logicalAnd(tf.greaterEqual(tf.range(0, h), Math.floor(h / 3)), tf.less(tf.range(0, h), Math.floor((2 * h) / 3))), "float32"), [h, 1, 1]);
  const cols = tf.reshape(tf.cast(tf.logicalAnd(tf.greaterEqual(tf.range(0, w), Math.floor(w / 3)), tf.less(tf.range(0, w), Math.floor((2 * w) / 3))), "float32"), [1, w, 1]);
  const band = label === 0 ? tf.mul(rows, tf.ones([1, w, 1])) : tf.mul(cols, tf.ones([h, 1, 1]));
  return tf.add(noise, tf.mul(band, 159));
}

/** A split as tfds' as_supervised gives it: [image, label] pairs, images of various sizes. */
function generatedSplit(n: number): [Tensor, Tensor][] {
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    return [generatedImage(label), tf.constant(label, "int32")];
  });
}
const splits = { train: generatedSplit(COUNTS.train), validation: generatedSplit(COUNTS.validation), test: generatedSplit(COUNTS.test) };
let trainDs = data.Dataset.fromGenerator(() => splits.train);
let validationDs = data.Dataset.fromGenerator(() => splits.validation);
let testDs = data.Dataset.fromGenerator(() => splits.test);

// tf.data.experimental.cardinality: a generated dataset's count is unknown without reading it, so
// the split sizes are printed from the lists.
console.log(`Number of training samples: ${splits.train.length}`);
console.log(`Number of validation samples: ${splits.validation.length}`);
console.log(`Number of test samples: ${splits.test.length}`);

// The guide plots the first 9 training images with matplotlib; their sizes and labels tell the
// same story: they are all different sizes.
for await (const [image, label] of trainDs.take(QUICK ? 4 : 9)) {
  console.log(`image ${JSON.stringify(image.shape)} label ${label.item()}`);
}

// ### Standardizing the data
// Resize to a fixed size in the data pipeline; the [0, 255] -> [-1, 1] scaling is done inside the
// model (a Rescaling layer), so that the saved model takes raw images.
const resize = (x: Tensor, y: Tensor): [Tensor, Tensor] => [tf.image.resize(x, SIZE), y];
trainDs = trainDs.map(resize);
validationDs = validationDs.map(resize);
testDs = testDs.map(resize);

// Batch the data and use caching & prefetching to optimize loading speed.
const batchSize = QUICK ? 4 : 32;
trainDs = trainDs.cache().batch(batchSize).prefetch(10);
validationDs = validationDs.cache().batch(batchSize).prefetch(10);
testDs = testDs.cache().batch(batchSize).prefetch(10);

// ### Using random data augmentation
const dataAugmentation = new models.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)]);

// The guide shows the first image of the first batch after 9 random transformations; here the
// mean of each says they differ (flip and rotation keep the size).
for await (const [images, labels] of trainDs.take(1)) {
  const firstImage = tf.slice(images, [0, 0, 0, 0], [1, -1, -1, -1]);
  const means: string[] = [];
  for (let i = 0; i < (QUICK ? 3 : 9); i++) {
    const augmentedImage = dataAugmentation.apply(firstImage, { training: true }) as Tensor;
    means.push(Number(tf.mean(augmentedImage).item()).toFixed(1));
  }
  console.log(`augmented copies of the first image (label ${tf.slice(labels, [0], [1]).dataSync()[0]}), ${JSON.stringify(firstImage.shape)}, means: ${means.join(", ")}`);
}

// ## Build a model
// A Rescaling layer scales [0, 255] to [-1, 1]; Dropout regularizes before the classifier; the
// base model is called with { training: false } so that its BatchNormalization layers stay in
// inference mode, even after it is unfrozen for fine-tuning.
const baseModel = tf.applications.Xception({
  weights: null, // the guide: "imagenet", weights pre-trained on ImageNet (see the header)
  inputShape: [...SIZE, 3],
  includeTop: false, // Do not include the ImageNet classifier at the top.
});

// Freeze the baseModel
baseModel.trainable = false;

// Create new model on top
const inputs = layers.Input({ shape: [...SIZE, 3] });
let x = dataAugmentation(inputs); // Apply random data augmentation

// Pre-trained Xception weights require that input be scaled from (0, 255) to a range of
// (-1., +1.); the rescaling layer outputs `(inputs * scale) + offset`.
const scaleLayer = layers.Rescaling({ scale: 1 / 127.5, offset: -1 });
x = scaleLayer(x);

// The base model contains batchnorm layers. We want to keep them in inference mode when we
// unfreeze the base model for fine-tuning, so we make sure that the base model is running in
// inference mode here.
x = baseModel.apply(x, { training: false }) as Symbolic;
x = layers.GlobalAveragePooling2D()(x);
x = layers.Dropout(0.2)(x); // Regularize with dropout
const outputs = layers.Dense(1)(x);
const model = new models.Model({ inputs, outputs });

model.summary({ showTrainable: true });

// ## Train the top layer
model.compile({
  optimizer: optimizers.Adam(),
  loss: losses.BinaryCrossentropy({ fromLogits: true }),
  metrics: [metrics.BinaryAccuracy()],
});

const baseBefore = baseModel.getWeights();
let epochs = QUICK ? 1 : 20;
const top = await model.fit(trainDs, { epochs, validationData: validationDs, verbose: 2 });
console.log(`frozen base: its weights changed by ${weightChange(baseBefore, baseModel.getWeights())} (the BatchNormalization statistics included)`);
console.log(`top-layer training: loss ${top.history.loss[0].toFixed(4)} -> ${top.history.loss[top.history.loss.length - 1].toFixed(4)}`);

// ## Do a round of fine-tuning of the entire model
// Unfreeze the base model. It keeps running in inference mode since we passed { training: false }
// when calling it, so its batchnorm layers do not update their batch statistics, which would
// undo the training done so far.
baseModel.trainable = true;
model.summary({ showTrainable: true });

model.compile({
  optimizer: optimizers.Adam({ learningRate: 1e-5 }), // Low learning rate
  loss: losses.BinaryCrossentropy({ fromLogits: true }),
  metrics: [metrics.BinaryAccuracy()],
});

const bnBefore = baseModel.nonTrainableWeights.map((w) => tf.clone(w));
epochs = QUICK ? 1 : 10;
const fine = await model.fit(trainDs, { epochs, validationData: validationDs, verbose: 2 });
console.log(`fine-tuning: loss ${fine.history.loss[0].toFixed(4)} -> ${fine.history.loss[fine.history.loss.length - 1].toFixed(4)}`);
console.log(`base BatchNormalization statistics changed by ${weightChange(bnBefore, baseModel.nonTrainableWeights)} (inference mode: none)`);

// The guide's test split is for a final evaluation.
const [testLoss, testAccuracy] = (await model.evaluate(testDs, { verbose: 0 })) as number[];
console.log(`test loss ${testLoss.toFixed(4)}, test binary_accuracy ${testAccuracy.toFixed(4)}`);

// ## Transfer learning & fine-tuning with a custom training loop
// With your own loop, apply the gradients to `model.trainableWeights` only. The guide's loop
// builds another Xception-based model; to keep the run short this one reuses the model above,
// its base frozen again, for one pass over the training data. (Likewise for fine-tuning: unfreeze
// the base and the same loop updates all its weights.)
{
  baseModel.trainable = false; // Freeze base model
  const lossFn = losses.BinaryCrossentropy({ fromLogits: true });
  const optimizer = optimizers.Adam();
  const frozenBefore = baseModel.getWeights();
  // Iterate over the batches of a dataset.
  for await (const [batchInputs, targets] of trainDs) {
    // Open a GradientTape; forward pass and loss inside it.
    const tape = new tf.GradientTape();
    const lossValue = tape.run(() => {
      const predictions = model.apply(batchInputs, { training: true }) as Tensor;
      // Compute the loss value for this batch.
      return lossFn.apply(tf.cast(targets, "float32"), predictions);
    });
    // Get gradients of loss wrt the *trainable* weights, and update them.
    const gradients = tape.gradient(lossValue, model.trainableWeights);
    optimizer.applyGradients(gradients.map((g, i) => [g, model.trainableWeights[i]]));
    console.log(`custom loop: loss ${Number(lossValue.item()).toFixed(4)}, ${model.trainableWeights.length} trainable weights updated`);
  }
  console.log(`custom loop: the frozen base's weights changed by ${weightChange(frozenBefore, baseModel.getWeights())}`);
}
