/**
 * keras.io guide "Writing your own callbacks" (Rick Chao, François Chollet), every code cell in
 * order, on lamina: https://keras.io/guides/writing_your_own_callbacks/
 *
 * Run: npx tsx examples/guides/writing-your-own-callbacks.ts
 *   QUICK=1: 7 epochs instead of 15 in the learning-rate example (the rest is small already).
 *
 * The guide loads MNIST; lamina reads the bundled Fashion-MNIST instead (same shapes, 28x28
 * images with labels 0-9), so the losses differ from the guide's figures.
 * TypeScript idioms: Python's on_train_begin(self, logs) is onTrainBegin(logs); keyword arguments
 * are an options object; fit/evaluate/predict are async (await them).
 */
import * as tf from "../../src/index.js";

const { layers, models, optimizers, callbacks, datasets } = tf;
const QUICK = process.env.QUICK === "1";
tf.random.setSeed(42);

// ## Keras callbacks overview
// All callbacks subclass callbacks.Callback and override hooks called at stages of training,
// testing and predicting; fit(), evaluate() and predict() take a list of them as `callbacks`.

// ## A basic example

// Define the Keras model to add callbacks to
function getModel(): tf.models.Sequential {
  const model = new models.Sequential();
  model.add(layers.Dense(1, { inputDim: 784 }));
  model.compile({
    optimizer: optimizers.RMSprop({ learningRate: 0.1 }),
    loss: "mean_squared_error",
    metrics: ["mean_absolute_error"],
  });
  return model;
}

// Load example MNIST data and pre-process it (Fashion-MNIST here: see the header).
const [[xTrainFull, yTrainFull], [xTestFull, yTestFull]] = await datasets.fashionMnist.loadData();
const flat = (x: tf.Tensor): tf.Tensor => tf.div(tf.cast(tf.reshape(x, [-1, 784]), "float32"), 255.0);
// Limit the data to 1000 samples
const N = 1000;
const head = (x: tf.Tensor): tf.Tensor => tf.slice(x, [0], [N]);
const xTrain = head(flat(xTrainFull));
const yTrain = head(yTrainFull);
const xTest = head(flat(xTestFull));
const yTest = head(yTestFull);

/** Python's list(logs.keys()) as printed: ['loss', 'mean_absolute_error']. */
const keysOf = (logs: object): string => `[${Object.keys(logs).map((k) => `'${k}'`).join(", ")}]`;

// A simple custom callback that logs when fit/evaluate/predict start and end, when each epoch
// starts and ends, and when each training, evaluation and prediction batch starts and ends.
class CustomCallback extends callbacks.Callback {
  override onTrainBegin(logs: tf.callbacks.Logs): void {
    console.log(`Starting training; got log keys: ${keysOf(logs)}`);
  }
  override onTrainEnd(logs: tf.callbacks.Logs): void {
    console.log(`Stop training; got log keys: ${keysOf(logs)}`);
  }
  override onEpochBegin(epoch: number, logs: tf.callbacks.Logs): void {
    console.log(`Start epoch ${epoch} of training; got log keys: ${keysOf(logs)}`);
  }
  override onEpochEnd(epoch: number, logs: tf.callbacks.Logs): void {
    console.log(`End epoch ${epoch} of training; got log keys: ${keysOf(logs)}`);
  }
  override onTestBegin(logs: tf.callbacks.Logs): void {
    console.log(`Start testing; got log keys: ${keysOf(logs)}`);
  }
  override onTestEnd(logs: tf.callbacks.Logs): void {
    console.log(`Stop testing; got log keys: ${keysOf(logs)}`);
  }
  override onPredictBegin(logs: tf.callbacks.Logs): void {
    console.log(`Start predicting; got log keys: ${keysOf(logs)}`);
  }
  override onPredictEnd(logs: tf.callbacks.Logs): void {
    console.log(`Stop predicting; got log keys: ${keysOf(logs)}`);
  }
  override onTrainBatchBegin(batch: number, logs: tf.callbacks.Logs): void {
    console.log(`...Training: start of batch ${batch}; got log keys: ${keysOf(logs)}`);
  }
  override onTrainBatchEnd(batch: number, logs: tf.callbacks.Logs): void {
    console.log(`...Training: end of batch ${batch}; got log keys: ${keysOf(logs)}`);
  }
  override onTestBatchBegin(batch: number, logs: tf.callbacks.Logs): void {
    console.log(`...Evaluating: start of batch ${batch}; got log keys: ${keysOf(logs)}`);
  }
  override onTestBatchEnd(batch: number, logs: tf.callbacks.Logs): void {
    console.log(`...Evaluating: end of batch ${batch}; got log keys: ${keysOf(logs)}`);
  }
  override onPredictBatchBegin(batch: number, logs: tf.callbacks.Logs): void {
    console.log(`...Predicting: start of batch ${batch}; got log keys: ${keysOf(logs)}`);
  }
  // predict's batch-end logs are { outputs }, as Keras' {"outputs": batch_outputs}.
  override onPredictBatchEnd(batch: number, logs: tf.callbacks.PredictBatchLogs): void {
    console.log(`...Predicting: end of batch ${batch}; got log keys: ${keysOf(logs)}`);
  }
}

// Let's try it out:
let model = getModel();
await model.fit(xTrain, yTrain, { batchSize: 128, epochs: 1, verbose: 0, validationSplit: 0.5, callbacks: [new CustomCallback()] });

let res = await model.evaluate(xTest, yTest, { batchSize: 128, verbose: 0, callbacks: [new CustomCallback()] });

const predicted = model.predict(xTest, { batchSize: 128, callbacks: [new CustomCallback()] });

// ### Usage of `logs` dict
// The logs hold the loss and every metric at the end of a batch or epoch (running means over the
// epoch so far for batches).
/** Python's "{:7.2f}".format(v). */
const f72 = (v: number): string => v.toFixed(2).padStart(7);

class LossAndErrorPrintingCallback extends callbacks.Callback {
  override onTrainBatchEnd(batch: number, logs: tf.callbacks.Logs): void {
    console.log(`Up to batch ${batch}, the average loss is ${f72(logs.loss)}.`);
  }
  override onTestBatchEnd(batch: number, logs: tf.callbacks.Logs): void {
    console.log(`Up to batch ${batch}, the average loss is ${f72(logs.loss)}.`);
  }
  override onEpochEnd(epoch: number, logs: tf.callbacks.Logs): void {
    console.log(`The average loss for epoch ${epoch} is ${f72(logs.loss)} and mean absolute error is ${f72(logs.mean_absolute_error)}.`);
  }
}

model = getModel();
await model.fit(xTrain, yTrain, { batchSize: 128, epochs: 2, verbose: 0, callbacks: [new LossAndErrorPrintingCallback()] });

res = await model.evaluate(xTest, yTest, { batchSize: 128, verbose: 0, callbacks: [new LossAndErrorPrintingCallback()] });

// ## Usage of `self.model` attribute
// A callback reaches its model as `this.model`: set `this.model.stopTraining = true` to end
// training, change `this.model.optimizer.learningRate`, save the model, predict on samples...

// ## Examples of Keras callback applications

// ### Early stopping at minimum loss
/** Stops training when the loss is at its min, i.e. the loss stops decreasing. */
class EarlyStoppingAtMinLoss extends callbacks.Callback {
  // bestWeights: the weights at which the minimum loss occurs.
  private bestWeights: tf.Tensor[] | null = null;
  private wait = 0;
  stoppedEpoch = 0;
  private best = Infinity;

  /** @param patience Number of epochs to wait after min has been hit; then training stops. */
  constructor(readonly patience = 0) {
    super();
  }

  override onTrainBegin(): void {
    // The number of epochs it has waited when loss is no longer minimum.
    this.wait = 0;
    // The epoch the training stops at.
    this.stoppedEpoch = 0;
    // Initialize the best as infinity.
    this.best = Infinity;
  }

  override onEpochEnd(epoch: number, logs: tf.callbacks.Logs): void {
    const current = logs.loss;
    if (current < this.best) {
      this.best = current;
      this.wait = 0;
      // Record the best weights if current results is better (less).
      this.bestWeights = this.model.getWeights();
    } else {
      this.wait += 1;
      if (this.wait >= this.patience) {
        this.stoppedEpoch = epoch;
        this.model.stopTraining = true;
        console.log("Restoring model weights from the end of the best epoch.");
        this.model.setWeights(this.bestWeights!);
      }
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0) console.log(`Epoch ${String(this.stoppedEpoch + 1).padStart(5, "0")}: early stopping`);
  }
}

model = getModel();
const earlyStopping = new EarlyStoppingAtMinLoss();
const stopHistory = await model.fit(xTrain, yTrain, {
  batchSize: 64, stepsPerEpoch: 5, epochs: 30, verbose: 0,
  callbacks: [new LossAndErrorPrintingCallback(), earlyStopping],
});
console.log(`epochs run: ${stopHistory.epoch.length}`);

// ### Learning rate scheduling
/**
 * Learning rate scheduler which sets the learning rate according to schedule: a function of the
 * epoch index (from 0) and the current learning rate, returning the new learning rate.
 */
class CustomLearningRateScheduler extends callbacks.Callback {
  constructor(readonly schedule: (epoch: number, lr: number) => number) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model.optimizer;
    if (optimizer === null || !("learningRate" in optimizer)) throw new Error('Optimizer must have a "learningRate" attribute.');
    // Get the current learning rate from model's optimizer.
    const lr = optimizer.learningRate;
    // Call schedule function to get the scheduled learning rate.
    const scheduledLr = this.schedule(epoch, lr);
    // Set the value back to the optimizer before this epoch starts (Keras' backend.set_value).
    optimizer.learningRate = scheduledLr;
    console.log(`\nEpoch ${String(epoch).padStart(5, "0")}: Learning rate is ${scheduledLr.toFixed(4).padStart(6)}.`);
  }
}

const LR_SCHEDULE: Array<[number, number]> = [
  // (epoch to start, learning rate) tuples
  [3, 0.05],
  [6, 0.01],
  [9, 0.005],
  [12, 0.001],
];

/** Helper function to retrieve the scheduled learning rate based on epoch. */
function lrSchedule(epoch: number, lr: number): number {
  if (epoch < LR_SCHEDULE[0][0] || epoch > LR_SCHEDULE[LR_SCHEDULE.length - 1][0]) return lr;
  for (const [start, rate] of LR_SCHEDULE) if (epoch === start) return rate;
  return lr;
}

model = getModel();
await model.fit(xTrain, yTrain, {
  batchSize: 64, stepsPerEpoch: 5, epochs: QUICK ? 7 : 15, verbose: 0,
  callbacks: [new LossAndErrorPrintingCallback(), new CustomLearningRateScheduler(lrSchedule)],
});
console.log(`final learning rate: ${model.optimizer!.learningRate}`);

// ### Built-in Keras callbacks
// lamina has Keras' built-in callbacks too: CSVLogger, ModelCheckpoint, TensorBoard, EarlyStopping,
// ReduceLROnPlateau, LearningRateScheduler, BackupAndRestore, ... (see the README's table).
void res, predicted;
