/**
 * Keras' developer guide "Customizing what happens in `fit()` with TensorFlow" (fchollet),
 * https://keras.io/guides/custom_train_step_in_tensorflow/ , ported to lamina cell by cell: a
 * Model subclass overrides trainStep (with computeLoss and the compiled metrics, then with its own
 * trackers, then with sample weights), testStep, and an end-to-end GAN with its own compile().
 *
 *   npx tsx examples/guides/custom-train-step-in-tensorflow.ts
 *   QUICK=1 npx tsx examples/guides/custom-train-step-in-tensorflow.ts   (the GAN on 2 batches of 32, not 100 of 64)
 *
 * lamina's tf.GradientTape is TensorFlow's: `tape.run(() => ...)` records what the `with` block
 * would. The GAN trains on Fashion-MNIST (datasets.fashionMnist reads it offline) where the guide
 * uses MNIST digits, which there is no network here to fetch.
 */
import * as tf from "../../src/index.js";

const { layers, models, metrics, losses, optimizers, datasets } = tf;
type Tensor = tf.Tensor;
type StepData = tf.models.StepData;
type StepLogs = tf.models.StepLogs;

const quick = Boolean(process.env.QUICK);
tf.random.setSeed(1337);

// ## A first simple example
// We subclass Model and override trainStep(data). `data` is what gets passed to fit: with
// fit(x, y) it holds x and y (and sampleWeight when given). The loss is computed via
// this.computeLoss(), which wraps the loss function(s) passed to compile(); the metrics passed to
// compile() are updated from this.metrics, whose results the step returns.
{
  class CustomModel extends models.Model {
    override trainStep({ x, y }: StepData): StepLogs {
      const tape = new tf.GradientTape();
      const { yPred, loss } = tape.run(() => {
        const yPred = this.apply(x, { training: true }) as Tensor; // Forward pass
        // Compute the loss value (the loss function is configured in `compile()`).
        return { yPred, loss: this.computeLoss({ y, yPred }) };
      });

      // Compute gradients
      const trainableVars = this.trainableVariables;
      const gradients = tape.gradient(loss, trainableVars);

      // Update weights
      this.optimizer!.apply(gradients, trainableVars);

      // Update metrics (includes the metric that tracks the loss)
      for (const metric of this.metrics) {
        if (metric.name === "loss") metric.updateState(loss);
        else metric.updateState(y as Tensor, yPred);
      }
      // Return a dict mapping metric names to current value
      return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
    }
  }

  // Construct and compile an instance of CustomModel
  const inputs = layers.Input({ shape: [32] });
  const outputs = layers.Dense(1)(inputs);
  const model = new CustomModel({ inputs, outputs });
  model.compile({ optimizer: "adam", loss: "mse", metrics: ["mae"] });

  // Just use `fit` as usual
  const x = tf.random.uniform([1000, 32]);
  const y = tf.random.uniform([1000, 1]);
  const history = await model.fit(x, y, { epochs: 3 });
  console.log("first example, loss per epoch:", history.history.loss.map((v) => v.toFixed(4)).join(" "));
}

// ## Going lower-level
// Only compile() configures the optimizer here. The step keeps its own Mean and MAE trackers;
// listed in `metrics`, they are reset at the start of each fit() epoch and of each evaluate().
{
  class CustomModel extends models.Model {
    lossTracker = metrics.Mean({ name: "loss" });
    maeMetric = metrics.MeanAbsoluteError({ name: "mae" });
    lossFn = losses.MeanSquaredError();

    override trainStep({ x, y }: StepData): StepLogs {
      const tape = new tf.GradientTape();
      const { yPred, loss } = tape.run(() => {
        const yPred = this.apply(x, { training: true }) as Tensor; // Forward pass
        // Compute our own loss
        return { yPred, loss: this.lossFn(y as Tensor, yPred) };
      });

      // Compute gradients
      const trainableVars = this.trainableVariables;
      const gradients = tape.gradient(loss, trainableVars);

      // Update weights
      this.optimizer!.apply(gradients, trainableVars);

      // Compute our own metrics
      this.lossTracker.updateState(loss);
      this.maeMetric.updateState(y as Tensor, yPred);
      return { loss: this.lossTracker.result(), mae: this.maeMetric.result() };
    }

    // We list our `Metric` objects here so that `resetState()` can be called automatically at the
    // start of each epoch or at the start of `evaluate()`.
    override get metrics(): tf.models.ModelMetric[] {
      return [this.lossTracker, this.maeMetric];
    }
  }

  // Construct an instance of CustomModel
  const inputs = layers.Input({ shape: [32] });
  const outputs = layers.Dense(1)(inputs);
  const model = new CustomModel({ inputs, outputs });

  // We don't pass a loss or metrics here.
  model.compile({ optimizer: "adam" });

  // Just use `fit` as usual -- you can use callbacks, etc.
  const x = tf.random.uniform([1000, 32]);
  const y = tf.random.uniform([1000, 1]);
  const history = await model.fit(x, y, { epochs: 5 });
  console.log("lower-level example, mae per epoch:", history.history.mae.map((v) => v.toFixed(4)).join(" "));
}

// ## Supporting `sampleWeight` & `classWeight`
// Unpack sampleWeight from the data and pass it to computeLoss and the metrics' updateState.
{
  class CustomModel extends models.Model {
    override trainStep({ x, y, sampleWeight }: StepData): StepLogs {
      const tape = new tf.GradientTape();
      const { yPred, loss } = tape.run(() => {
        const yPred = this.apply(x, { training: true }) as Tensor; // Forward pass
        // Compute the loss value. The loss function is configured in `compile()`.
        return { yPred, loss: this.computeLoss({ y, yPred, sampleWeight }) };
      });

      // Compute gradients
      const trainableVars = this.trainableVariables;
      const gradients = tape.gradient(loss, trainableVars);

      // Update weights
      this.optimizer!.apply(gradients, trainableVars);

      // Update the metrics. Metrics are configured in `compile()`.
      for (const metric of this.metrics) {
        if (metric.name === "loss") metric.updateState(loss);
        else metric.updateState(y as Tensor, yPred, sampleWeight ?? undefined);
      }
      // Return a dict mapping metric names to current value.
      // Note that it will include the loss (tracked in this.metrics).
      return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
    }
  }

  // Construct and compile an instance of CustomModel
  const inputs = layers.Input({ shape: [32] });
  const outputs = layers.Dense(1)(inputs);
  const model = new CustomModel({ inputs, outputs });
  model.compile({ optimizer: "adam", loss: "mse", metrics: ["mae"] });

  // You can now use the sampleWeight argument
  const x = tf.random.uniform([1000, 32]);
  const y = tf.random.uniform([1000, 1]);
  const sw = tf.random.uniform([1000, 1]);
  const history = await model.fit(x, y, { sampleWeight: sw, epochs: 3 });
  console.log("sample-weighted example, loss per epoch:", history.history.loss.map((v) => v.toFixed(4)).join(" "));
}

// ## Providing your own evaluation step
// Override testStep the same way for model.evaluate().
{
  class CustomModel extends models.Model {
    override testStep({ x, y }: StepData): StepLogs {
      // Compute predictions
      const yPred = this.apply(x, { training: false }) as Tensor;
      // Updates the metrics tracking the loss
      const loss = this.computeLoss({ y, yPred });
      // Update the metrics.
      for (const metric of this.metrics) {
        if (metric.name === "loss") metric.updateState(loss);
        else metric.updateState(y as Tensor, yPred);
      }
      // Return a dict mapping metric names to current value.
      // Note that it will include the loss (tracked in this.metrics).
      return Object.fromEntries(this.metrics.map((m) => [m.name, m.result()]));
    }
  }

  // Construct an instance of CustomModel
  const inputs = layers.Input({ shape: [32] });
  const outputs = layers.Dense(1)(inputs);
  const model = new CustomModel({ inputs, outputs });
  model.compile({ loss: "mse", metrics: ["mae"] });

  // Evaluate with our custom testStep
  const x = tf.random.uniform([1000, 32]);
  const y = tf.random.uniform([1000, 1]);
  const result = await model.evaluate(x, y, { returnDict: true });
  console.log("custom testStep evaluate:", JSON.stringify(result));
}

// ## Wrapping up: an end-to-end GAN example
// A generator network generates 28x28x1 images; a discriminator classifies 28x28x1 images into
// "fake" and "real"; one optimizer for each; a loss function to train the discriminator.

// Create the discriminator
const discriminator = new models.Sequential(
  [
    layers.Input({ shape: [28, 28, 1] }),
    layers.Conv2D(64, [3, 3], { strides: [2, 2], padding: "same" }),
    layers.LeakyReLU({ negativeSlope: 0.2 }),
    layers.Conv2D(128, [3, 3], { strides: [2, 2], padding: "same" }),
    layers.LeakyReLU({ negativeSlope: 0.2 }),
    layers.GlobalMaxPooling2D(),
    layers.Dense(1),
  ],
  { name: "discriminator" },
);

// Create the generator
const latentDim = 128;
const generator = new models.Sequential(
  [
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
  ],
  { name: "generator" },
);

/** The GAN's compile() takes its own arguments, as the guide's does: two optimizers and a loss. */
interface GanCompileOptions extends tf.models.CompileArgs {
  dOptimizer: tf.optimizers.Optimizer;
  gOptimizer: tf.optimizers.Optimizer;
  lossFn: tf.losses.Loss;
}

// A feature-complete GAN class, overriding compile() to use its own signature, and implementing
// the entire GAN algorithm in trainStep.
class GAN extends models.Model {
  readonly discriminator: tf.models.Sequential;
  readonly generator: tf.models.Sequential;
  readonly latentDim: number;
  readonly dLossTracker = metrics.Mean({ name: "d_loss" });
  readonly gLossTracker = metrics.Mean({ name: "g_loss" });
  readonly seedGenerator = new tf.random.SeedGenerator(1337);
  dOptimizer!: tf.optimizers.Optimizer;
  gOptimizer!: tf.optimizers.Optimizer;
  lossFn!: tf.losses.Loss;

  constructor(args: { discriminator: tf.models.Sequential; generator: tf.models.Sequential; latentDim: number }) {
    super();
    this.discriminator = args.discriminator;
    this.generator = args.generator;
    this.latentDim = args.latentDim;
  }

  override get metrics(): tf.models.ModelMetric[] {
    return [this.dLossTracker, this.gLossTracker];
  }

  override compile(options: GanCompileOptions): void {
    super.compile();
    this.dOptimizer = options.dOptimizer;
    this.gOptimizer = options.gOptimizer;
    this.lossFn = options.lossFn;
  }

  override trainStep({ x }: StepData): StepLogs {
    const realImages = x as Tensor;
    // Sample random points in the latent space
    const batchSize = realImages.shape[0];
    let randomLatentVectors = tf.random.normal([batchSize, this.latentDim], 0, 1, "float32", this.seedGenerator);

    // Decode them to fake images
    const generatedImages = this.generator.apply(randomLatentVectors) as Tensor;

    // Combine them with real images
    const combinedImages = tf.concat([generatedImages, realImages], 0);

    // Assemble labels discriminating real from fake images
    let labels = tf.concat([tf.ones([batchSize, 1]), tf.zeros([batchSize, 1])], 0);
    // Add random noise to the labels - important trick!
    labels = tf.add(labels, tf.mul(0.05, tf.random.uniform(labels.shape, 0, 1, "float32", this.seedGenerator)));

    // Train the discriminator
    let tape = new tf.GradientTape();
    const dLoss = tape.run(() => {
      const predictions = this.discriminator.apply(combinedImages) as Tensor;
      return this.lossFn(labels, predictions);
    });
    let grads = tape.gradient(dLoss, this.discriminator.trainableWeights);
    this.dOptimizer.apply(grads, this.discriminator.trainableWeights);

    // Sample random points in the latent space
    randomLatentVectors = tf.random.normal([batchSize, this.latentDim], 0, 1, "float32", this.seedGenerator);

    // Assemble labels that say "all real images"
    const misleadingLabels = tf.zeros([batchSize, 1]);

    // Train the generator (note that we should *not* update the weights of the discriminator)!
    tape = new tf.GradientTape();
    const gLoss = tape.run(() => {
      const predictions = this.discriminator.apply(this.generator.apply(randomLatentVectors)) as Tensor;
      return this.lossFn(misleadingLabels, predictions);
    });
    grads = tape.gradient(gLoss, this.generator.trainableWeights);
    this.gOptimizer.apply(grads, this.generator.trainableWeights);

    // Update metrics and return their value.
    this.dLossTracker.updateState(dLoss);
    this.gLossTracker.updateState(gLoss);
    return { d_loss: this.dLossTracker.result(), g_loss: this.gLossTracker.result() };
  }
}

// Let's test-drive it. Prepare the dataset: the training and test images together (QUICK: the
// first 1,024 training images in batches of 32, to keep the smoke run short).
const batchSize = quick ? 32 : 64;
const [[xTrain], [xTest]] = await datasets.fashionMnist.loadData();
let allDigits = quick ? tf.slice(xTrain, [0, 0, 0], [1024, 28, 28]) : tf.concat([xTrain, xTest], 0);
allDigits = tf.div(tf.cast(allDigits, "float32"), 255);
allDigits = tf.reshape(allDigits, [-1, 28, 28, 1]);
let dataset = tf.data.Dataset.fromTensorSlices(allDigits);
dataset = dataset.shuffle(1024).batch(batchSize);

const gan = new GAN({ discriminator, generator, latentDim });
gan.compile({
  dOptimizer: optimizers.Adam({ learningRate: 0.0003 }),
  gOptimizer: optimizers.Adam({ learningRate: 0.0003 }),
  lossFn: losses.BinaryCrossentropy({ fromLogits: true }),
});

// To limit the execution time, we only train on 100 batches (QUICK: 2). You can train on the
// entire dataset. You will need about 20 epochs to get nice results.
const history = await gan.fit(dataset.take(quick ? 2 : 100), { epochs: 1 });
console.log(`GAN after one epoch: d_loss ${history.history.d_loss[0].toFixed(4)}, g_loss ${history.history.g_loss[0].toFixed(4)}`);
console.log(`optimizer steps: discriminator ${gan.dOptimizer.iterations}, generator ${gan.gOptimizer.iterations}`);

// The ideas behind deep learning are simple, so why should their implementation be painful?
