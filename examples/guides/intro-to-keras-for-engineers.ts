/**
 * Keras' guide "Introduction to Keras for engineers" (fchollet), every code cell ported to
 * lamina: a convnet trained with checkpoints and early stopping, saved and reloaded, then
 * custom layers (a Dense on keras.ops, a Dropout on keras.random with a SeedGenerator) in a
 * subclassed model, trained on tensors, on a batch source (the guide's torch DataLoader) and on
 * a data.Dataset (the guide's tf.data pipeline).
 *
 *   https://keras.io/guides/intro_to_keras_for_engineers/
 *   npx tsx examples/guides/intro-to-keras-for-engineers.ts     (QUICK=1: 128 training images, 32 test images, 1 epoch)
 *
 * The guide trains on MNIST; there is no network here, so it uses Fashion-MNIST, bundled with
 * lamina (/usr/share/datasets/fashion-mnist/, same shapes and 10 classes). The checkpoints and the
 * saved model go to a temporary folder (LAMINA_OUT overrides) rather than the working directory.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../src/index.js";

const { layers, models, losses, metrics, optimizers, callbacks, initializers, activations, random, data, utils } = tf;
const QUICK = process.env.QUICK === "1";
const OUT = process.env.LAMINA_OUT ?? mkdtempSync(join(tmpdir(), "intro-to-keras-"));

// ## Setup
// The guide picks the JAX backend through KERAS_BACKEND; lamina has its own backends (native C++
// or plain TypeScript, LAMINA_BACKEND=js), and the guide runs the same on both.
console.log(`backend: ${tf.getBackend()}`);
tf.random.setSeed(1337);

// ## A first example: A MNIST convnet
// Load the data and split it between train and test sets (Fashion-MNIST standing in for MNIST).
let [[xTrainRaw, yTrain], [xTestRaw, yTest]] = await tf.datasets.fashionMnist.loadData();
if (QUICK) {
  const head = (x: tf.Tensor, n: number): tf.Tensor => tf.slice(x, [0], [n]);
  [xTrainRaw, yTrain, xTestRaw, yTest] = [head(xTrainRaw, 128), head(yTrain, 128), head(xTestRaw, 32), head(yTest, 32)];
}
// Scale images to the [0, 1] range, and make sure they have shape (28, 28, 1).
const xTrain = tf.expandDims(tf.div(tf.cast(xTrainRaw, "float32"), 255), -1);
const xTest = tf.expandDims(tf.div(tf.cast(xTestRaw, "float32"), 255), -1);
console.log("x_train shape:", xTrain.shape);
console.log("y_train shape:", yTrain.shape);
console.log(xTrain.shape[0], "train samples");
console.log(xTest.shape[0], "test samples");

// Model parameters
const numClasses = 10;
const inputShape = [28, 28, 1];

let model: tf.models.Model = new models.Sequential([
  layers.Input({ shape: inputShape }),
  layers.Conv2D(64, { kernelSize: [3, 3], activation: "relu" }),
  layers.Conv2D(64, { kernelSize: [3, 3], activation: "relu" }),
  layers.MaxPooling2D({ poolSize: [2, 2] }),
  layers.Conv2D(128, { kernelSize: [3, 3], activation: "relu" }),
  layers.Conv2D(128, { kernelSize: [3, 3], activation: "relu" }),
  layers.GlobalAveragePooling2D(),
  layers.Dropout(0.5),
  layers.Dense(numClasses, { activation: "softmax" }),
]);

// Here's our model summary:
model.summary();

model.compile({
  loss: losses.SparseCategoricalCrossentropy(),
  optimizer: optimizers.Adam({ learningRate: 1e-3 }),
  metrics: [metrics.SparseCategoricalAccuracy({ name: "acc" })],
});

// Train and evaluate, with 15% of the data set aside for validation.
const batchSize = 128;
const epochs = QUICK ? 1 : 20;

const cbs = [
  callbacks.ModelCheckpoint({ filepath: join(OUT, "model_at_epoch_{epoch}.keras") }),
  callbacks.EarlyStopping({ monitor: "val_loss", patience: 2 }),
];

const history = await model.fit(xTrain, yTrain, { batchSize, epochs, validationSplit: 0.15, callbacks: cbs });
const score = (await model.evaluate(xTest, yTest, { verbose: 0 })) as number[];
console.log(`epochs run: ${history.history.loss.length}, test loss ${score[0].toFixed(4)}, test acc ${score[1].toFixed(4)}`);
console.log("checkpoints:", readdirSync(OUT).filter((f) => f.startsWith("model_at_epoch_")).sort().join(", "));

// Save the model in its latest state...
await model.save(join(OUT, "final_model.keras"));
const before = model.predict(xTest) as tf.Tensor;

// ...and reload it.
model = await tf.saving.loadModel(join(OUT, "final_model.keras"));

// Query predictions of class probabilities with predict().
const predictions = model.predict(xTest) as tf.Tensor;
console.log("predictions shape:", predictions.shape);
console.log(`reloaded model: max difference from the saved model's predictions ${Number(tf.max(tf.abs(tf.sub(predictions, before))).item()).toExponential(2)}`);

// ## Writing cross-framework custom components
/** A custom Dense layer on keras.ops (lamina's tf ops). */
class MyDense extends layers.Layer {
  readonly activation: (x: tf.Tensor) => tf.Tensor;
  w!: tf.Variable;
  b!: tf.Variable;

  constructor(readonly units: number, activation: string | null = null, name?: string) {
    super({ name });
    this.activation = activations.get(activation);
  }

  override build(inputShape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
    const inputDim = (inputShape as tf.layers.LayerShape).at(-1)!;
    this.w = this.addWeight("kernel", [inputDim, this.units], { initializer: initializers.GlorotNormal(), trainable: true });
    this.b = this.addWeight("bias", [this.units], { initializer: initializers.Zeros(), trainable: true });
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // Keras' `ops.matmul(inputs, self.w) + self.b`: no operator overloading in TypeScript, so tf.add.
    const x = tf.add(tf.matmul(inputs as tf.Tensor, this.w), this.b);
    return this.activation(x);
  }
}

/** A custom Dropout layer on keras.random, its randomness drawn from its own SeedGenerator. */
class MyDropout extends layers.Layer {
  seedGenerator: tf.random.SeedGenerator;

  constructor(readonly rate: number, name?: string) {
    super({ name });
    // The seed generator keeps the RNG state: each draw advances it. Keras also lists its state
    // variable in `layer.variables`; lamina's SeedGenerator keeps the state outside the layer's
    // variables (getState()/setState() read and restore it), so here `variables` is empty.
    this.seedGenerator = new random.SeedGenerator(1337);
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return random.dropout(inputs as tf.Tensor, this.rate, { seed: this.seedGenerator });
  }
}

/** A subclassed model using the two custom layers. */
class MyModel extends models.Model {
  convBase = new models.Sequential([
    layers.Conv2D(64, { kernelSize: [3, 3], activation: "relu" }),
    layers.Conv2D(64, { kernelSize: [3, 3], activation: "relu" }),
    layers.MaxPooling2D({ poolSize: [2, 2] }),
    layers.Conv2D(128, { kernelSize: [3, 3], activation: "relu" }),
    layers.Conv2D(128, { kernelSize: [3, 3], activation: "relu" }),
    layers.GlobalAveragePooling2D(),
  ]);
  dp = new MyDropout(0.5);
  dense: MyDense;

  constructor(numClasses: number) {
    super();
    this.dense = new MyDense(numClasses, "softmax");
  }

  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    let h = this.convBase(x as tf.Tensor);
    h = this.dp(h);
    return this.dense(h);
  }
}

const compileMyModel = (m: tf.models.Model): void =>
  m.compile({
    loss: losses.SparseCategoricalCrossentropy(),
    optimizer: optimizers.Adam({ learningRate: 1e-3 }),
    metrics: [metrics.SparseCategoricalAccuracy({ name: "acc" })],
  });

// Compile it and fit it.
model = new MyModel(10);
compileMyModel(model);
const h1 = await model.fit(xTrain, yTrain, { batchSize, epochs: 1, validationSplit: 0.15 });
console.log(`MyModel on tensors: loss ${h1.history.loss[0].toFixed(4)}, params ${model.countParams()}`);

// ## Training models on arbitrary data sources
// The guide feeds torch DataLoaders (a TensorDataset, batches of 128, shuffled for training).
// lamina's batch source is Keras' own PyDataset: length and getItem(index); fit shuffles the
// batch order per epoch (the DataLoader shuffles samples).
class TensorBatches extends utils.PyDataset {
  constructor(readonly x: tf.Tensor, readonly y: tf.Tensor, readonly batchSize: number) {
    super();
  }
  get length(): number {
    return Math.ceil(this.x.shape[0] / this.batchSize);
  }
  getItem(index: number): [tf.Tensor, tf.Tensor] {
    const start = index * this.batchSize, size = Math.min(this.batchSize, this.x.shape[0] - start);
    return [tf.slice(this.x, [start], [size]), tf.slice(this.y, [start], [size])];
  }
}
const trainBatches = new TensorBatches(xTrain, yTrain, batchSize);
const valBatches = new TensorBatches(xTest, yTest, batchSize);

model = new MyModel(10);
compileMyModel(model);
const h2 = await model.fit(trainBatches, null, { epochs: 1, validationData: valBatches });
console.log(`MyModel on a PyDataset: loss ${h2.history.loss[0].toFixed(4)}, val_acc ${h2.history.val_acc[0].toFixed(4)}`);

// Now with tf.data: lamina's data.Dataset.
const trainDataset = data.Dataset.fromTensorSlices([xTrain, yTrain]).batch(batchSize).prefetch(data.AUTOTUNE);
const testDataset = data.Dataset.fromTensorSlices([xTest, yTest]).batch(batchSize).prefetch(data.AUTOTUNE);

model = new MyModel(10);
compileMyModel(model);
const h3 = await model.fit(trainDataset, null, { epochs: 1, validationData: testDataset });
console.log(`MyModel on a data.Dataset: loss ${h3.history.loss[0].toFixed(4)}, val_acc ${h3.history.val_acc[0].toFixed(4)}`);

// ## Further reading
// (prose only) customizing fit() (examples/custom-train-step.ts), custom training loops
// (tf.GradientTape), distributed training (not in lamina: one process on the CPU).
