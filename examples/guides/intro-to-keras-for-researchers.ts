/**
 * Keras' developer guide "Introduction to Keras for Researchers" (fchollet),
 * https://keras.io/guides/intro_to_keras_for_researchers/ , ported to lamina cell by cell:
 * tensors, variables, gradients (tape.watch, nested tapes for second derivatives), layers that
 * create their weights in the constructor or in build, trainable and non-trainable weights, nested
 * layers, addLoss, metrics in a hand-written loop, training and inference modes, the functional
 * API, fit with a custom trainStep, and the two end-to-end examples: a variational autoencoder
 * (as layers in a hand-written loop, then functional with fit) and a hypernetwork.
 *
 *   npx tsx examples/guides/intro-to-keras-for-researchers.ts
 *   QUICK=1 npx tsx examples/guides/intro-to-keras-for-researchers.ts   (a few batches per loop)
 *
 * Fashion-MNIST stands in for MNIST (datasets.fashionMnist reads it offline; there is no network
 * here to fetch MNIST). lamina has no graph compiler: where the guide wraps a step in
 * `@tf.function`, the port runs the same step eagerly (the guide's comment, "Make it fast", is
 * what lamina's kernels do either way). The guide's paragraph on `add_metric` describes a tf.keras
 * method that Keras 3 removed; a layer keeps a `metrics.Mean` instead (see the training guide).
 */
import assert from "node:assert/strict";
import * as tf from "../../src/index.js";

const { layers, models, losses, metrics, optimizers, datasets } = tf;
type Tensor = tf.Tensor;

const quick = Boolean(process.env.QUICK);
/** The batches a hand-written loop runs: the guide's (all, or its first `guideSteps`), or three with QUICK. */
function capped<T extends tf.data.Element>(ds: tf.data.Dataset<T>, guideSteps?: number): tf.data.Dataset<T> {
  if (quick) return ds.take(3);
  return guideSteps === undefined ? ds : ds.take(guideSteps);
}
tf.random.setSeed(1337);

// ## Tensors
// Here's a constant tensor:
let x: Tensor = tf.constant([[5, 2], [1, 3]], "int32");
console.log(x.toString());
// You can get its value as a nested array by calling `.arraySync()` (the guide's `.numpy()`):
console.log(x.arraySync());
// Much like a NumPy array, it features the attributes `dtype` and `shape`:
console.log("dtype:", x.dtype);
console.log("shape:", x.shape);
// A common way to create constant tensors is via `tf.ones` and `tf.zeros`:
console.log(tf.ones([2, 1]).toString());
console.log(tf.zeros([2, 1]).toString());
// You can also create random constant tensors:
x = tf.random.normal([2, 2], 0.0, 1.0);
x = tf.random.uniform([2, 2], 0, 10, "int32");

// ## Variables
// Variables are special tensors used to store mutable state (such as the weights of a network).
const initialValue = tf.random.normal([2, 2]);
const a = new tf.Variable(initialValue);
console.log(a.toString());

// You update the value of a Variable with `.assign(value)`, `.assignAdd(increment)` or `.assignSub(decrement)`:
const newValue = tf.random.normal([2, 2]);
a.assign(newValue);
const at = (t: Tensor, i: number, j: number): number => (t.arraySync() as number[][])[i][j];
for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.equal(at(a, i, j), at(newValue, i, j));

const addedValue = tf.random.normal([2, 2]);
a.assignAdd(addedValue);
const sum = tf.add(newValue, addedValue);
for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.equal(at(a, i, j), at(sum, i, j));

// ## Doing math in TensorFlow
{
  const a = tf.random.normal([2, 2]);
  const b = tf.random.normal([2, 2]);
  const c = tf.add(a, b);
  const d = tf.square(c);
  const e = tf.exp(d);
  void e;
}

// ## Gradients
// Open a GradientTape, start "watching" a tensor via `tape.watch()`, and compose a differentiable
// expression using this tensor as input:
{
  let a: Tensor = tf.random.normal([2, 2]);
  const b = tf.random.normal([2, 2]);

  let tape = new tf.GradientTape();
  let c = tape.run(() => {
    tape.watch(a); // Start recording the history of operations applied to `a`
    return tf.sqrt(tf.add(tf.square(a), tf.square(b))); // Do some math using `a`
  });
  // What's the gradient of `c` with respect to `a`?
  let dcDa = tape.gradient(c, a)!;
  console.log("dc/da (watched tensor):", dcDa.toString());

  // By default, variables are watched automatically, so you don't need to manually `watch` them:
  a = new tf.Variable(a);
  tape = new tf.GradientTape();
  c = tape.run(() => tf.sqrt(tf.add(tf.square(a), tf.square(b))));
  dcDa = tape.gradient(c, a)!;
  console.log("dc/da (variable):", dcDa.toString());
  // d/da sqrt(a^2 + b^2) = a / sqrt(a^2 + b^2)
  const expected1 = tf.div(a, tf.sqrt(tf.add(tf.square(a), tf.square(b))));
  console.log("largest difference from a / sqrt(a^2 + b^2):", tf.max(tf.abs(tf.sub(dcDa, expected1))).item());

  // Note that you can compute higher-order derivatives by nesting tapes:
  const outerTape = new tf.GradientTape();
  const dcDaInner = outerTape.run(() => {
    const tape = new tf.GradientTape();
    const c = tape.run(() => tf.sqrt(tf.add(tf.square(a), tf.square(b))));
    return tape.gradient(c, a)!;
  });
  const d2cDa2 = outerTape.gradient(dcDaInner, a)!;
  console.log("d2c/da2:", d2cDa2.toString());
  // d2/da2 sqrt(a^2 + b^2) = b^2 / (a^2 + b^2)^(3/2)
  const expected2 = tf.div(tf.square(b), tf.pow(tf.add(tf.square(a), tf.square(b)), 1.5));
  console.log("largest relative difference from b^2 / (a^2 + b^2)^1.5:", tf.max(tf.div(tf.abs(tf.sub(d2cDa2, expected2)), tf.add(tf.abs(expected2), 1e-3))).item());
}

// ## Keras layers
// The `Layer` class is the fundamental abstraction in Keras. A `Layer` encapsulates a state
// (weights) and some computation (defined in the call method). A simple layer looks like this:
{
  /** y = w.x + b */
  class Linear extends layers.Layer {
    readonly w: tf.Variable;
    readonly b: tf.Variable;
    constructor(units = 32, inputDim = 32) {
      super();
      const wInit = tf.initializers.RandomNormal();
      this.w = new tf.Variable(wInit.call([inputDim, units], "float32"), { trainable: true });
      const bInit = tf.initializers.Zeros();
      this.b = new tf.Variable(bInit.call([units], "float32"), { trainable: true });
    }
    override call(inputs: Tensor): Tensor {
      return tf.add(tf.matmul(inputs, this.w), this.b);
    }
  }

  // Instantiate our layer.
  const linearLayer = new Linear(4, 2);
  // The layer can be treated as a function. Here we call it on some data.
  const y = linearLayer.apply(tf.ones([2, 2])) as Tensor;
  assert.deepEqual(y.shape, [2, 4]);
  // The weight variables (created in the constructor) are automatically tracked under `weights`:
  assert.deepEqual(linearLayer.weights, [linearLayer.w, linearLayer.b]);
  console.log("Linear created in the constructor: weights", linearLayer.weights.map((w) => `[${w.shape}]`).join(" "));
}

// ## Layer weight creation
// The `this.addWeight()` method gives you a shortcut for creating weights:

/** y = w.x + b, its weights created lazily in build. */
class Linear extends layers.Layer {
  readonly units: number;
  w!: tf.Variable;
  b!: tf.Variable;
  constructor(units = 32) {
    super();
    this.units = units;
  }
  override build(inputShape: (number | null)[]): void {
    this.w = this.addWeight({ shape: [inputShape[inputShape.length - 1]!, this.units], initializer: "random_normal", trainable: true });
    this.b = this.addWeight({ shape: [this.units], initializer: "random_normal", trainable: true });
  }
  override call(inputs: Tensor): Tensor {
    return tf.add(tf.matmul(inputs, this.w), this.b);
  }
}

{
  // Instantiate our lazy layer.
  const linearLayer = new Linear(4);
  // This will also call `build(inputShape)` and create the weights.
  linearLayer.apply(tf.ones([2, 2]));
  assert.equal(linearLayer.weights.length, 2);
}

// ## Layer gradients
// Retrieve the gradients of a layer's weights by calling it inside a GradientTape, then update
// the weights with an optimizer.

// Prepare a dataset (Fashion-MNIST's 60,000 training images, flattened and scaled to [0, 1]).
const [[xTrainRaw, yTrain]] = await datasets.fashionMnist.loadData();
const xTrain = tf.div(tf.reshape(tf.cast(xTrainRaw, "float32"), [60000, 784]), 255);
let dataset = tf.data.Dataset.fromTensorSlices([xTrain, yTrain]);
dataset = dataset.shuffle(1024).batch(64);

{
  // Instantiate our linear layer (defined above) with 10 units.
  const linearLayer = new Linear(10);
  // Instantiate a logistic loss function that expects integer targets.
  const lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });
  // Instantiate an optimizer.
  const optimizer = optimizers.SGD({ learningRate: 1e-3 });

  // Iterate over the batches of the dataset.
  let step = 0;
  for await (const [x, y] of capped(dataset)) {
    // Open a GradientTape.
    const tape = new tf.GradientTape();
    const loss = tape.run(() => {
      // Forward pass.
      const logits = linearLayer.apply(x) as Tensor;
      // Loss value for this batch.
      return lossFn(y, logits);
    });
    // Get gradients of the loss wrt the weights.
    const gradients = tape.gradient(loss, linearLayer.trainableWeights);
    // Update the weights of our linear layer.
    optimizer.applyGradients(gradients.map((g, i) => [g, linearLayer.trainableWeights[i]] as const));
    // Logging.
    if (step % 100 === 0) console.log("Step:", step, "Loss:", loss.item());
    step++;
  }
}

// ## Trainable and non-trainable weights
// Weights created by layers can be either trainable or non-trainable. Here's a layer with a
// non-trainable weight:
{
  /** Returns the sum of the inputs. */
  class ComputeSum extends layers.Layer {
    readonly total: tf.Variable;
    constructor(inputDim: number) {
      super();
      // Create a non-trainable weight.
      this.total = new tf.Variable(tf.zeros([inputDim]), { trainable: false });
    }
    override call(inputs: Tensor): Tensor {
      this.total.assignAdd(tf.sum(inputs, 0));
      return this.total;
    }
  }

  const mySum = new ComputeSum(2);
  const x = tf.ones([2, 2]);
  let y = mySum.apply(x) as Tensor;
  console.log("ComputeSum:", y.arraySync()); // [2, 2]
  y = mySum.apply(x) as Tensor;
  console.log("ComputeSum:", y.arraySync()); // [4, 4]
  assert.deepEqual(y.arraySync(), [4, 4]);
  assert.deepEqual(mySum.weights, [mySum.total]);
  assert.deepEqual(mySum.nonTrainableWeights, [mySum.total]);
  assert.deepEqual(mySum.trainableWeights, []);
  // Called on a symbolic input its output keeps the variable's shape, (2,), as Keras' does.
  assert.deepEqual((new ComputeSum(2).apply(layers.Input({ shape: [2] })) as tf.layers.SymbolicTensor).shape, [2]);
}

// ## Layers that own layers
// Layers can be recursively nested; each layer tracks the weights of its sublayers.
{
  /** Simple stack of Linear layers. */
  class MLP extends layers.Layer {
    readonly linear1 = new Linear(32);
    readonly linear2 = new Linear(32);
    readonly linear3 = new Linear(10);
    override call(inputs: Tensor): Tensor {
      let x = this.linear1.apply(inputs) as Tensor;
      x = tf.nn.relu(x);
      x = this.linear2.apply(x) as Tensor;
      x = tf.nn.relu(x);
      return this.linear3.apply(x) as Tensor;
    }
  }

  let mlp: tf.layers.Layer = new MLP();
  // The first call to the `mlp` object will create the weights.
  mlp.apply(tf.ones([3, 64]));
  // Weights are recursively tracked.
  assert.equal(mlp.weights.length, 6);

  // Our manually-created MLP above is equivalent to the following built-in option:
  mlp = new models.Sequential([
    layers.Dense(32, { activation: tf.nn.relu }),
    layers.Dense(32, { activation: tf.nn.relu }),
    layers.Dense(10),
  ]);
  void mlp;
}

// ## Tracking losses created by layers
// Layers can create losses during the forward pass via the `addLoss()` method, recursively
// tracked by the parent layers. Here's a layer that creates an activity regularization loss:

/** Layer that creates an activity sparsity regularization loss. */
class ActivityRegularization extends layers.Layer {
  constructor(readonly rate = 1e-2) {
    super();
  }
  override call(inputs: Tensor): Tensor {
    // We use `addLoss` to create a regularization loss that depends on the inputs.
    this.addLoss(tf.mul(this.rate, tf.sum(inputs)));
    return inputs;
  }
}

/** Stack of Linear layers with a sparsity regularization loss. */
class SparseMLP extends layers.Layer {
  readonly linear1 = new Linear(32);
  readonly regularization = new ActivityRegularization(1e-2);
  readonly linear3 = new Linear(10);
  override call(inputs: Tensor): Tensor {
    let x = this.linear1.apply(inputs) as Tensor;
    x = tf.nn.relu(x);
    x = this.regularization.apply(x) as Tensor;
    return this.linear3.apply(x) as Tensor;
  }
}

{
  let mlp = new SparseMLP();
  mlp.apply(tf.ones([10, 10]));
  console.log("mlp.losses:", mlp.losses.map((l) => l.toString())); // List containing one float32 scalar

  // These losses are cleared by the top-level layer at the start of each forward pass: they don't
  // accumulate. `layer.losses` always contains only the losses created during the last forward pass.
  mlp = new SparseMLP();
  mlp.apply(tf.ones([10, 10]));
  assert.equal(mlp.losses.length, 1);
  mlp.apply(tf.ones([10, 10]));
  assert.equal(mlp.losses.length, 1); // No accumulation.

  // Let's demonstrate how to use these losses in a training loop.
  // A new MLP.
  mlp = new SparseMLP();
  // Loss and optimizer.
  const lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });
  const optimizer = optimizers.SGD({ learningRate: 1e-3 });

  let step = 0;
  for await (const [x, y] of capped(dataset)) {
    const tape = new tf.GradientTape();
    const loss = tape.run(() => {
      // Forward pass.
      const logits = mlp.apply(x) as Tensor;
      // External loss value for this batch, plus the losses created during the forward pass.
      return tf.addN([lossFn(y, logits), ...mlp.losses]);
    });
    // Get gradients of the loss wrt the weights.
    const gradients = tape.gradient(loss, mlp.trainableWeights);
    // Update the weights of our MLP.
    optimizer.applyGradients(gradients.map((g, i) => [g, mlp.trainableWeights[i]] as const));
    // Logging.
    if (step % 100 === 0) console.log("Step:", step, "Loss:", loss.item());
    step++;
  }
}

// ## Keeping track of training metrics
// Instantiate the metric, call `metric.updateState(targets, predictions)` for each batch, query
// its result via `metric.result()`, reset it with `metric.resetState()` at the end of an epoch.
{
  // Instantiate a metric object
  const accuracy = metrics.SparseCategoricalAccuracy();

  // Prepare our layer, loss, and optimizer.
  const model = new models.Sequential([
    layers.Dense(32, { activation: "relu" }),
    layers.Dense(32, { activation: "relu" }),
    layers.Dense(10),
  ]);
  const lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });
  const optimizer = optimizers.Adam({ learningRate: 1e-3 });

  for (let epoch = 0; epoch < 2; epoch++) {
    // Iterate over the batches of a dataset.
    let step = 0;
    for await (const [x, y] of capped(dataset)) {
      const tape = new tf.GradientTape();
      const { logits, lossValue } = tape.run(() => {
        const logits = model.apply(x) as Tensor;
        // Compute the loss value for this batch.
        return { logits, lossValue: lossFn(y, logits) };
      });
      // Update the state of the `accuracy` metric.
      accuracy.updateState(y, logits);
      // Update the weights of the model to minimize the loss value.
      const gradients = tape.gradient(lossValue, model.trainableWeights);
      optimizer.applyGradients(gradients.map((g, i) => [g, model.trainableWeights[i]] as const));
      // Logging the current accuracy value so far.
      if (step % 200 === 0) {
        console.log("Epoch:", epoch, "Step:", step);
        console.log(`Total running accuracy so far: ${accuracy.result().toFixed(3)}`);
      }
      step++;
    }
    console.log(`Epoch ${epoch} accuracy: ${accuracy.result().toFixed(3)}`);
    // Reset the metric's state at the end of an epoch
    accuracy.resetState();
  }
}

// ## Compiled functions
// The guide compiles the step with `@tf.function`; lamina runs the same step eagerly.
{
  // Prepare our layer, loss, and optimizer.
  const model = new models.Sequential([
    layers.Dense(32, { activation: "relu" }),
    layers.Dense(32, { activation: "relu" }),
    layers.Dense(10),
  ]);
  const lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });
  const optimizer = optimizers.Adam({ learningRate: 1e-3 });

  // Create a training step function.
  function trainOnBatch(x: Tensor, y: Tensor): Tensor {
    const tape = new tf.GradientTape();
    const loss = tape.run(() => lossFn(y, model.apply(x) as Tensor));
    const gradients = tape.gradient(loss, model.trainableWeights);
    optimizer.applyGradients(gradients.map((g, i) => [g, model.trainableWeights[i]] as const));
    return loss;
  }

  let step = 0;
  for await (const [x, y] of capped(dataset)) {
    const loss = trainOnBatch(x, y);
    if (step % 100 === 0) console.log("Step:", step, "Loss:", loss.item());
    step++;
  }
}

// ## Training mode & inference mode
// Layers such as BatchNormalization and Dropout behave differently in training and inference;
// they take a `training` argument in `call`.

class Dropout extends layers.Layer {
  constructor(readonly rate: number) {
    super();
  }
  override call(inputs: Tensor, kwargs: { training?: boolean } = {}): Tensor {
    if (kwargs.training) return tf.nn.dropout(inputs, this.rate);
    return inputs;
  }
}

{
  class MLPWithDropout extends layers.Layer {
    readonly linear1 = new Linear(32);
    readonly dropout = new Dropout(0.5);
    readonly linear3 = new Linear(10);
    override call(inputs: Tensor, kwargs: { training?: boolean } = {}): Tensor {
      let x = this.linear1.apply(inputs) as Tensor;
      x = tf.nn.relu(x);
      x = this.dropout.apply(x, { training: kwargs.training }) as Tensor;
      return this.linear3.apply(x) as Tensor;
    }
  }

  const mlp = new MLPWithDropout();
  const yTrainMode = mlp.apply(tf.ones([2, 2]), { training: true }) as Tensor;
  const yTestMode = mlp.apply(tf.ones([2, 2]), { training: false }) as Tensor;
  assert.deepEqual(yTrainMode.shape, [2, 10]);
  assert.deepEqual(yTestMode.shape, [2, 10]);
}

// ## The Functional API for model-building
{
  // We use an `Input` object to describe the shape and dtype of the inputs (per sample).
  const inputs = layers.Input({ shape: [16], dtype: "float32" });
  // We call layers on these "type" objects and they return updated types (new shapes/dtypes).
  let x = new Linear(32)(inputs); // We are reusing the Linear layer we defined earlier.
  x = new Dropout(0.5)(x); // We are reusing the Dropout layer we defined earlier.
  const outputs = new Linear(10)(x);

  // A functional `Model` can be defined by specifying inputs and outputs.
  // A model is itself a layer like any other.
  const model = new models.Model({ inputs, outputs });

  // A functional model already has weights, before being called on any data.
  assert.equal(model.weights.length, 4);

  // Let's call our model on some data, for fun.
  let y = model.apply(tf.ones([2, 16])) as Tensor;
  assert.deepEqual(y.shape, [2, 10]);
  // You can pass a `training` argument (it will get passed down to the Dropout layer).
  y = model.apply(tf.ones([2, 16]), { training: true }) as Tensor;
}

// The Model class's built-in training & evaluation loops: the MNIST example above, much shorter.
{
  const inputs = layers.Input({ shape: [784], dtype: "float32" });
  let x = layers.Dense(32, { activation: "relu" })(inputs);
  x = layers.Dense(32, { activation: "relu" })(x);
  const outputs = layers.Dense(10)(x);
  const model = new models.Model({ inputs, outputs });

  // Specifying the loss, optimizer, and metrics with `compile()`.
  model.compile({
    loss: losses.SparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer: optimizers.Adam({ learningRate: 1e-3 }),
    metrics: [metrics.SparseCategoricalAccuracy()],
  });

  // Train the model with the dataset for 2 epochs.
  const data = quick ? dataset.take(5) : dataset;
  await model.fit(data, { epochs: 2, verbose: 2 });
  model.predict(data);
  const evaluated = await model.evaluate(data, { returnDict: true });
  console.log("built-in loops evaluate:", JSON.stringify(evaluated));
}

// You can also subclass Model and override trainStep to customize what happens in fit.
{
  class CustomModel extends models.Model {
    readonly lossTracker = metrics.Mean({ name: "loss" });
    readonly accuracy = metrics.SparseCategoricalAccuracy();
    readonly lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });

    override trainStep({ x, y }: tf.models.StepData): tf.models.StepLogs {
      const tape = new tf.GradientTape();
      const { yPred, loss } = tape.run(() => {
        const yPred = this.apply(x, { training: true }) as Tensor; // Forward pass
        return { yPred, loss: this.lossFn(y as Tensor, yPred) };
      });
      const gradients = tape.gradient(loss, this.trainableWeights);
      this.optimizer!.applyGradients(gradients.map((g, i) => [g, this.trainableWeights[i]] as const));
      // Update metrics (includes the metric that tracks the loss)
      this.lossTracker.updateState(loss);
      this.accuracy.updateState(y as Tensor, yPred);
      // Return a dict mapping metric names to current value
      return { loss: this.lossTracker.result(), accuracy: this.accuracy.result() };
    }

    // We list our `Metric` objects here so that `resetState()` can be called automatically at the
    // start of each epoch.
    override get metrics(): tf.models.ModelMetric[] {
      return [this.lossTracker, this.accuracy];
    }
  }

  const inputs = layers.Input({ shape: [784], dtype: "float32" });
  let x = layers.Dense(32, { activation: "relu" })(inputs);
  x = layers.Dense(32, { activation: "relu" })(x);
  const outputs = layers.Dense(10)(x);
  const model = new CustomModel({ inputs, outputs });
  // The guide sets `self.optimizer` in __init__ and calls compile() alone; lamina's optimizer
  // belongs to compile, so the same Adam goes there.
  model.compile({ optimizer: optimizers.Adam({ learningRate: 1e-3 }) });
  const history = await model.fit(quick ? dataset.take(5) : dataset, { epochs: 2, verbose: 2 });
  console.log("custom trainStep accuracy per epoch:", history.history.accuracy.map((v) => v.toFixed(4)).join(" "));
}

// ## End-to-end experiment example 1: variational autoencoders.
// Our VAE is a subclass of Layer, built as a nested composition of layers, with a KL divergence
// regularization loss.

/** Uses (zMean, zLogVar) to sample z, the vector encoding a digit. */
class Sampling extends layers.Layer {
  override call(inputs: Tensor[]): Tensor {
    const [zMean, zLogVar] = inputs;
    const [batch, dim] = zMean.shape;
    const epsilon = tf.random.normal([batch, dim]);
    return tf.add(zMean, tf.mul(tf.exp(tf.mul(0.5, zLogVar)), epsilon));
  }
}

/** Maps digits to a triplet (zMean, zLogVar, z). */
class Encoder extends layers.Layer {
  readonly denseProj: tf.layers.Layer;
  readonly denseMean: tf.layers.Layer;
  readonly denseLogVar: tf.layers.Layer;
  readonly sampling = new Sampling();
  constructor({ latentDim = 32, intermediateDim = 64, ...args }: { latentDim?: number; intermediateDim?: number } & tf.layers.LayerArgs = {}) {
    super(args);
    this.denseProj = layers.Dense(intermediateDim, { activation: tf.nn.relu });
    this.denseMean = layers.Dense(latentDim);
    this.denseLogVar = layers.Dense(latentDim);
  }
  override call(inputs: Tensor): Tensor[] {
    const x = this.denseProj.apply(inputs) as Tensor;
    const zMean = this.denseMean.apply(x) as Tensor;
    const zLogVar = this.denseLogVar.apply(x) as Tensor;
    const z = this.sampling.apply([zMean, zLogVar]) as Tensor;
    return [zMean, zLogVar, z];
  }
}

/** Converts z, the encoded digit vector, back into a readable digit. */
class Decoder extends layers.Layer {
  readonly denseProj: tf.layers.Layer;
  readonly denseOutput: tf.layers.Layer;
  constructor({ originalDim, intermediateDim = 64, ...args }: { originalDim: number; intermediateDim?: number } & tf.layers.LayerArgs) {
    super(args);
    this.denseProj = layers.Dense(intermediateDim, { activation: tf.nn.relu });
    this.denseOutput = layers.Dense(originalDim, { activation: tf.nn.sigmoid });
  }
  override call(inputs: Tensor): Tensor {
    return this.denseOutput.apply(this.denseProj.apply(inputs)) as Tensor;
  }
}

/** Combines the encoder and decoder into an end-to-end model for training. */
class VariationalAutoEncoder extends layers.Layer {
  readonly originalDim: number;
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  constructor({ originalDim, intermediateDim = 64, latentDim = 32, ...args }: { originalDim: number; intermediateDim?: number; latentDim?: number } & tf.layers.LayerArgs) {
    super(args);
    this.originalDim = originalDim;
    this.encoder = new Encoder({ latentDim, intermediateDim });
    this.decoder = new Decoder({ originalDim, intermediateDim });
  }
  override call(inputs: Tensor): Tensor {
    const [zMean, zLogVar, z] = this.encoder.apply(inputs) as Tensor[];
    const reconstructed = this.decoder.apply(z) as Tensor;
    // Add KL divergence regularization loss.
    const klLoss = tf.mul(-0.5, tf.mean(tf.add(tf.sub(tf.sub(zLogVar, tf.square(zMean)), tf.exp(zLogVar)), 1)));
    this.addLoss(klLoss);
    return reconstructed;
  }
}

// Now, let's write a training loop (the guide's is a @tf.function; here it runs eagerly).
{
  // Our model.
  const vae = new VariationalAutoEncoder({ originalDim: 784, intermediateDim: 64, latentDim: 32 });
  // Loss and optimizer.
  const lossFn = losses.MeanSquaredError();
  const optimizer = optimizers.Adam({ learningRate: 1e-3 });
  // Prepare a dataset.
  const vaeDataset = tf.data.Dataset.fromTensorSlices(xTrain).shuffle(1024).batch(32);

  function trainingStep(x: Tensor): Tensor {
    const tape = new tf.GradientTape();
    const loss = tape.run(() => {
      const reconstructed = vae.apply(x) as Tensor; // Compute input reconstruction.
      // Compute loss, and add the KLD term.
      return tf.addN([lossFn(x, reconstructed), ...vae.losses]);
    });
    // Update the weights of the VAE.
    const grads = tape.gradient(loss, vae.trainableWeights);
    optimizer.applyGradients(grads.map((g, i) => [g, vae.trainableWeights[i]] as const));
    return loss;
  }

  const lossesOverTime: number[] = []; // Keep track of the losses over time.
  let step = 0;
  // Stop after 1000 steps. Training the model to convergence is left as an exercise to the reader.
  for await (const x of capped(vaeDataset, 1001)) {
    const loss = trainingStep(x);
    // Logging.
    lossesOverTime.push(loss.item());
    if (step % 100 === 0) console.log("Step:", step, "Loss:", lossesOverTime.reduce((s, v) => s + v, 0) / lossesOverTime.length);
    step++;
  }
  console.log(`VAE hand-written loop: first loss ${lossesOverTime[0].toFixed(4)}, last loss ${lossesOverTime[lossesOverTime.length - 1].toFixed(4)}`);
}

/** Sampling that also adds the KL divergence regularization loss, where the functional VAE needs it. */
class SamplingWithKL extends Sampling {
  override call(inputs: Tensor[]): Tensor {
    const [zMean, zLogVar] = inputs;
    this.addLoss(tf.mul(-0.5, tf.mean(tf.add(tf.sub(tf.sub(zLogVar, tf.square(zMean)), tf.exp(zLogVar)), 1))));
    return super.call(inputs);
  }
}

// The Functional API version of our VAE:
{
  const originalDim = 784;
  const intermediateDim = 64;
  const latentDim = 32;

  // Define encoder model.
  const originalInputs = layers.Input({ shape: [originalDim], name: "encoder_input" });
  let x = layers.Dense(intermediateDim, { activation: "relu" })(originalInputs);
  const zMean = layers.Dense(latentDim, { name: "z_mean" })(x);
  const zLogVar = layers.Dense(latentDim, { name: "z_log_var" })(x);
  // The guide adds the KL divergence to the finished model with vae.add_loss(symbolic tensor), a
  // tf.keras 2 feature that Keras 3 removed (add_loss takes tensors computed in call; lamina
  // refuses a symbolic one with the same advice). The Keras 3 way: a layer adds it in call.
  const z = new SamplingWithKL()([zMean, zLogVar]);
  const encoder = new models.Model({ inputs: originalInputs, outputs: z, name: "encoder" });
  void encoder;

  // Define decoder model.
  const latentInputs = layers.Input({ shape: [latentDim], name: "z_sampling" });
  x = layers.Dense(intermediateDim, { activation: "relu" })(latentInputs);
  let outputs = layers.Dense(originalDim, { activation: "sigmoid" })(x);
  const decoder = new models.Model({ inputs: latentInputs, outputs, name: "decoder" });

  // Define VAE model.
  outputs = decoder(z);
  const vae = new models.Model({ inputs: originalInputs, outputs, name: "vae" });

  // Loss and optimizer.
  const lossFn = losses.MeanSquaredError();
  const optimizer = optimizers.Adam({ learningRate: 1e-3 });

  // Prepare a dataset: x_train as both inputs and targets.
  const images = tf.data.Dataset.fromTensorSlices(xTrain);
  let vaeDataset = images.map((x) => [x, x]); // Use x_train as both inputs & targets
  vaeDataset = vaeDataset.shuffle(1024).batch(32);

  // Configure the model for training.
  vae.compile({ optimizer, loss: lossFn });

  // Actually training the model.
  const history = await vae.fit(quick ? vaeDataset.take(5) : vaeDataset, { epochs: 1, verbose: 2 });
  console.log(`functional VAE with fit: loss ${history.history.loss[0].toFixed(4)}`);
}

// ## End-to-end experiment example 2: hypernetworks.
// A small network (the hypernetwork) generates the weights of a larger one (the main network).
{
  const inputDim = 784;
  const classes = 10;

  // This is the main network we'll actually use to predict labels.
  const mainNetwork = new models.Sequential([layers.Dense(64, { activation: tf.nn.relu }), layers.Dense(classes)]);

  // It doesn't need to create its own weights, so let's mark its layers as already built. That
  // way, calling `mainNetwork` won't create new variables.
  for (const layer of mainNetwork.layers) layer.built = true;

  // This is the number of weight coefficients to generate. Each layer in the main network
  // requires outputDim * inputDim + outputDim coefficients.
  const numWeightsToGenerate = classes * 64 + classes + (64 * inputDim + 64);

  // This is the hypernetwork that generates the weights of the `mainNetwork` above.
  const hypernetwork = new models.Sequential([
    layers.Dense(16, { activation: tf.nn.relu }),
    layers.Dense(numWeightsToGenerate, { activation: tf.nn.sigmoid }),
  ]);

  // Loss and optimizer.
  const lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });
  const optimizer = optimizers.Adam({ learningRate: 1e-4 });

  // We'll use a batch size of 1 for this experiment.
  const hyperDataset = tf.data.Dataset.fromTensorSlices([xTrain, yTrain]).shuffle(1024).batch(1);

  /**
   * The main network's Dense layers read `kernel` and `bias` in call; here they are tensors the
   * hypernetwork computes, not variables, so the gradient flows back into the hypernetwork (the
   * guide assigns them the same way; TypeScript needs the cast, as the fields are typed Variable).
   */
  const setWeights = (layer: tf.layers.Layer, kernel: Tensor, bias: Tensor): void => {
    Object.assign(layer, { kernel, bias });
  };

  function trainStep(x: Tensor, y: Tensor): Tensor {
    const tape = new tf.GradientTape();
    const loss = tape.run(() => {
      // Predict weights for the outer model.
      const weightsPred = hypernetwork.apply(x) as Tensor;
      // Reshape them to the expected shapes for w and b for the outer model.
      let startIndex = 0;
      const take = (shape: number[]): Tensor => {
        const size = shape.reduce((p, d) => p * d, 1);
        const coeffs = tf.slice(weightsPred, [0, startIndex], [1, size]);
        startIndex += size;
        return tf.reshape(coeffs, shape);
      };
      const w0 = take([inputDim, 64]); // Layer 0 kernel.
      const b0 = take([64]); // Layer 0 bias.
      const w1 = take([64, classes]); // Layer 1 kernel.
      const b1 = take([classes]); // Layer 1 bias.

      // Set the weight predictions as the weight variables on the outer model.
      setWeights(mainNetwork.layers[0], w0, b0);
      setWeights(mainNetwork.layers[1], w1, b1);

      // Inference on the outer model.
      const preds = mainNetwork.apply(x) as Tensor;
      return lossFn(y, preds);
    });
    // Train only inner model.
    const grads = tape.gradient(loss, hypernetwork.trainableWeights);
    optimizer.applyGradients(grads.map((g, i) => [g, hypernetwork.trainableWeights[i]] as const));
    return loss;
  }

  // (Built now, so that the port can check below that training moved every one of its weights.)
  hypernetwork.build([null, inputDim]);
  const initialWeights = hypernetwork.getWeights();

  const lossesOverTime: number[] = []; // Keep track of the losses over time.
  let step = 0;
  // Stop after 1000 steps. Training the model to convergence is left as an exercise to the reader.
  for await (const [x, y] of capped(hyperDataset, 1001)) {
    const loss = trainStep(x, y);
    // Logging.
    lossesOverTime.push(loss.item());
    if (step % 100 === 0) console.log("Step:", step, "Loss:", lossesOverTime.reduce((s, v) => s + v, 0) / lossesOverTime.length);
    step++;
  }
  const moved = hypernetwork.getWeights().filter((w, i) => tf.max(tf.abs(tf.sub(w, initialWeights[i]))).item() > 0).length;
  console.log(`hypernetwork: ${step} steps, ${moved} trainable weights updated, mean loss ${(lossesOverTime.reduce((s, v) => s + v, 0) / lossesOverTime.length).toFixed(4)}`);
}

// Implementing arbitrary research ideas with Keras is straightforward and highly productive.
