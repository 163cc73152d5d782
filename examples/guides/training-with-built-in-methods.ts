/**
 * keras.io guide "Training & evaluation with the built-in methods" (François Chollet), every code
 * cell in order, on lamina: https://keras.io/guides/training_with_built_in_methods/
 *
 * Run: npx tsx examples/guides/training-with-built-in-methods.ts
 *   QUICK=1: 1,200 training images (300 for validation and test), one epoch per fit, a few steps.
 *
 * The guide loads MNIST; lamina reads the bundled Fashion-MNIST instead (same shapes: 28x28
 * images, labels 0-9), so losses and accuracies differ from the guide's figures.
 * TypeScript idioms: keyword arguments are one options object (`batchSize`, `validationData`, ...);
 * fit, evaluate and save are async (await them); a layer with two inputs takes them as one list.
 * Files (plots, checkpoints) go to runs/examples/guides/training/ (LAMINA_OUT overrides).
 * Where the guide's tf.keras code and Keras 3 differ, this follows Keras 3, saying so at the cell:
 * add_metric (removed in Keras 3) becomes a metric the layer holds, the functional
 * model.add_loss (refused by Keras 3) a layer in the graph, SavedModel checkpoints `.keras`
 * files; tf.data's dicts of tensors become lamina's flat dataset elements.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import * as tf from "../../src/index.js";

const { layers, models, optimizers, losses, metrics, callbacks, datasets, utils, data } = tf;
const QUICK = process.env.QUICK === "1";
const OUT = process.env.LAMINA_OUT ?? join("runs", "examples", "guides", "training");
mkdirSync(OUT, { recursive: true });
tf.random.setSeed(42);
/** The number of epochs of a fit: the guide's, or 1 with QUICK=1. */
const epochsOf = (n: number): number => (QUICK ? 1 : n);

// ## API overview: a first end-to-end example
let inputs = layers.Input({ shape: [784], name: "digits" });
let x = layers.Dense(64, { activation: "relu", name: "dense_1" })(inputs);
x = layers.Dense(64, { activation: "relu", name: "dense_2" })(x);
let outputs = layers.Dense(10, { activation: "softmax", name: "predictions" })(x);

let model = new models.Model({ inputs, outputs });

// (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data(): Fashion-MNIST here.
const [[xTrainAll, yTrainAll], [xTestAll, yTestAll]] = await datasets.fashionMnist.loadData();
const rows = (t: tf.Tensor, start: number, n: number): tf.Tensor => tf.slice(t, [start], [n]);
// QUICK keeps the first rows of each split (the same reshaping and scaling).
const nTrain = QUICK ? 1500 : 60000;
const nTest = QUICK ? 300 : 10000;
const nVal = QUICK ? 300 : 10000;

// Preprocess the data (reshape to 784 features, float32 in [0, 1])
let xTrain = tf.div(tf.cast(tf.reshape(rows(xTrainAll, 0, nTrain), [nTrain, 784]), "float32"), 255);
const xTest = tf.div(tf.cast(tf.reshape(rows(xTestAll, 0, nTest), [nTest, 784]), "float32"), 255);

let yTrain = tf.cast(rows(yTrainAll, 0, nTrain), "float32");
const yTest = tf.cast(rows(yTestAll, 0, nTest), "float32");

// Reserve 10,000 samples for validation (300 with QUICK=1)
const xVal = rows(xTrain, nTrain - nVal, nVal);
const yVal = rows(yTrain, nTrain - nVal, nVal);
xTrain = rows(xTrain, 0, nTrain - nVal);
yTrain = rows(yTrain, 0, nTrain - nVal);

// We specify the training configuration (optimizer, loss, metrics):
model.compile({
  optimizer: optimizers.RMSprop(), // Optimizer
  // Loss function to minimize
  loss: losses.SparseCategoricalCrossentropy(),
  // List of metrics to monitor
  metrics: [metrics.SparseCategoricalAccuracy()],
});

console.log("Fit model on training data");
const history = await model.fit(xTrain, yTrain, {
  batchSize: 64,
  epochs: 2,
  // We pass some validation for monitoring validation loss and metrics at the end of each epoch
  validationData: [xVal, yVal],
});

// The returned history object holds a record of the loss values and metric values during training:
console.log(history.history);

// Evaluate the model on the test data using `evaluate`
console.log("Evaluate on test data");
const results = await model.evaluate(xTest, yTest, { batchSize: 128 });
console.log("test loss, test acc:", results);

// Generate predictions (probabilities -- the output of the last layer) on new data using `predict`
console.log("Generate predictions for 3 samples");
const predictions = model.predict(rows(xTest, 0, 3)) as tf.Tensor;
console.log("predictions shape:", `(${predictions.shape.join(", ")})`);

// ## The `compile()` method: specifying a loss, metrics, and an optimizer
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: losses.SparseCategoricalCrossentropy(),
  metrics: [metrics.SparseCategoricalAccuracy()],
});

// String identifiers as a shortcut:
model.compile({
  optimizer: "rmsprop",
  loss: "sparse_categorical_crossentropy",
  metrics: ["sparse_categorical_accuracy"],
});

// For later reuse, the model definition and compile step in functions:
function getUncompiledModel(): tf.models.Model {
  const inputs = layers.Input({ shape: [784], name: "digits" });
  let x = layers.Dense(64, { activation: "relu", name: "dense_1" })(inputs);
  x = layers.Dense(64, { activation: "relu", name: "dense_2" })(x);
  const outputs = layers.Dense(10, { activation: "softmax", name: "predictions" })(x);
  const model = new models.Model({ inputs, outputs });
  return model;
}

function getCompiledModel(): tf.models.Model {
  const model = getUncompiledModel();
  model.compile({
    optimizer: "rmsprop",
    loss: "sparse_categorical_crossentropy",
    metrics: ["sparse_categorical_accuracy"],
  });
  return model;
}

// ### Many built-in optimizers, losses, and metrics are available
// Optimizers: SGD() (with or without momentum), RMSprop(), Adam(), ...
// Losses: MeanSquaredError(), KLDivergence(), CosineSimilarity(), ...
// Metrics: AUC(), Precision(), Recall(), ...
console.log([optimizers.SGD({ momentum: 0.9 }), optimizers.RMSprop(), optimizers.Adam()].map((o) => o.constructor.name).join(", "));
console.log([losses.MeanSquaredError(), losses.KLDivergence(), losses.CosineSimilarity()].map((l) => l.name).join(", "));
console.log([metrics.AUC(), metrics.Precision(), metrics.Recall()].map((m) => m.name).join(", "));

// ### Custom losses
// First way: a function of (yTrue, yPred).
function customMeanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yTrue, yPred)));
}

model = getUncompiledModel();
model.compile({ optimizer: optimizers.Adam(), loss: customMeanSquaredError });

// We need to one-hot encode the labels to use MSE (Keras 3's guide: ops.one_hot(y_train,
// num_classes=10) on the float32 labels; tf.oneHot, as TensorFlow's, wants integer labels).
let yTrainOneHot = tf.ops.oneHot(yTrain, 10);
await model.fit(xTrain, yTrainOneHot, { batchSize: 64, epochs: 1 });

// Second way: subclass losses.Loss and implement call(yTrue, yPred), for a loss with parameters:
// here mean squared error plus a term pulling predictions towards 0.5.
class CustomMSE extends losses.Loss {
  readonly regularizationFactor: number;
  constructor(regularizationFactor = 0.1, name = "custom_mse") {
    super({ name });
    this.regularizationFactor = regularizationFactor;
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const mse = tf.mean(tf.square(tf.sub(yTrue, yPred)));
    const reg = tf.mean(tf.square(tf.sub(0.5, yPred)));
    return tf.add(mse, tf.mul(reg, this.regularizationFactor));
  }
}

model = getUncompiledModel();
model.compile({ optimizer: optimizers.Adam(), loss: new CustomMSE() });

yTrainOneHot = tf.ops.oneHot(yTrain, 10);
await model.fit(xTrain, yTrainOneHot, { batchSize: 64, epochs: 1 });

// ### Custom metrics
// Subclass metrics.Metric: create state variables in the constructor, then updateState(yTrue,
// yPred, sampleWeight), result() and resetState().
class CategoricalTruePositives extends metrics.Metric {
  readonly className = "CategoricalTruePositives";
  readonly truePositives: tf.Variable;
  constructor(name = "categorical_true_positives") {
    super(name);
    this.truePositives = this.addVariable({ shape: [], name: "ctp", initializer: "zeros" });
  }

  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void {
    yPred = tf.reshape(tf.argMax(yPred, 1), [-1, 1]);
    // As in the guide, yTrue [batch] against yPred [batch, 1] broadcasts to [batch, batch]: Keras 3
    // gives the same (large) counts.
    let values = tf.cast(tf.equal(tf.cast(yTrue, "int32"), tf.cast(yPred, "int32")), "float32");
    if (sampleWeight !== undefined && sampleWeight !== null) {
      values = tf.mul(values, tf.cast(sampleWeight, "float32"));
    }
    this.truePositives.assignAdd(tf.sum(values));
  }

  // lamina's result() is a number (Keras returns the variable): read the variable's value.
  result(): number {
    return this.truePositives.item();
  }

  resetState(): void {
    // The state of the metric will be reset at the start of each epoch.
    this.truePositives.assign(0.0);
  }
}

model = getUncompiledModel();
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: losses.SparseCategoricalCrossentropy(),
  metrics: [new CategoricalTruePositives()],
});
await model.fit(xTrain, yTrain, { batchSize: 64, epochs: epochsOf(3) });

// ### Handling losses and metrics that don't fit the standard signature
// this.addLoss(value) in a layer's call adds to the main loss during training.
class ActivityRegularizationLayer extends layers.Layer {
  override call(inputs: tf.Tensor): tf.Tensor {
    this.addLoss(tf.mul(tf.sum(inputs), 0.1));
    return inputs; // Pass-through layer.
  }
}

inputs = layers.Input({ shape: [784], name: "digits" });
x = layers.Dense(64, { activation: "relu", name: "dense_1" })(inputs);

// Insert activity regularization as a layer
x = new ActivityRegularizationLayer()(x);

x = layers.Dense(64, { activation: "relu", name: "dense_2" })(x);
outputs = layers.Dense(10, { name: "predictions" })(x);

model = new models.Model({ inputs, outputs });
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: losses.SparseCategoricalCrossentropy({ fromLogits: true }),
});

// The displayed loss will be much higher than before due to the regularization component.
await model.fit(xTrain, yTrain, { batchSize: 64, epochs: 1 });

// The guide then logs a metric with self.add_metric(std, name="std_of_activation"). Keras 3 removed
// Layer.add_metric (it raises "Add your metric in Model.compile(metrics=[...]), or create metric
// trackers in init() or build()"); as Keras 3 says, the layer keeps a Mean tracker and updates it
// in call(). fit resets and reports the metrics a model's layers hold, as Keras 3 does.
class MetricLoggingLayer extends layers.Layer {
  readonly stdOfActivation = metrics.Mean({ name: "std_of_activation" });
  override call(inputs: tf.Tensor): tf.Tensor {
    // The Mean aggregates the per-batch values over each epoch (the guide's aggregation="mean").
    this.stdOfActivation.updateState(tf.std(inputs));
    return inputs; // Pass-through layer.
  }
}

inputs = layers.Input({ shape: [784], name: "digits" });
x = layers.Dense(64, { activation: "relu", name: "dense_1" })(inputs);

// Insert std logging as a layer.
x = new MetricLoggingLayer()(x);

x = layers.Dense(64, { activation: "relu", name: "dense_2" })(x);
outputs = layers.Dense(10, { name: "predictions" })(x);

model = new models.Model({ inputs, outputs });
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: losses.SparseCategoricalCrossentropy({ fromLogits: true }),
});
const stdHistory = await model.fit(xTrain, yTrain, { batchSize: 64, epochs: 1 });
console.log(`std_of_activation logged: ${stdHistory.history.std_of_activation?.map((v) => v.toFixed(4))}`);

// The guide's functional model.add_loss(tf.reduce_sum(x1) * 0.1) and model.add_metric(std(x1)):
// Keras 3 refuses both (Functional.add_loss raises NotImplementedError; add_metric was removed).
// The same model in Keras 3 (and lamina) puts the two in the graph as layers: the built-in
// ActivityRegularization layer's l1 penalty is 0.1 * sum(|x1|) = 0.1 * sum(x1) after a relu.
inputs = layers.Input({ shape: [784], name: "digits" });
const x1 = layers.Dense(64, { activation: "relu", name: "dense_1" })(inputs);
const x1Logged = new MetricLoggingLayer()(layers.ActivityRegularization({ l1: 0.1 })(x1));
const x2 = layers.Dense(64, { activation: "relu", name: "dense_2" })(x1Logged);
outputs = layers.Dense(10, { name: "predictions" })(x2);
model = new models.Model({ inputs, outputs });

model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: losses.SparseCategoricalCrossentropy({ fromLogits: true }),
});
await model.fit(xTrain, yTrain, { batchSize: 64, epochs: 1 });

// With losses added by addLoss, compile() needs no loss. LogisticEndpoint takes targets and
// logits, adds a cross-entropy loss with addLoss and keeps an accuracy metric (Keras 3's
// replacement for add_metric, as above).
class LogisticEndpoint extends layers.Layer {
  readonly lossFn = losses.BinaryCrossentropy({ fromLogits: true });
  readonly accuracyFn = metrics.BinaryAccuracy({ name: "accuracy" });

  // Keras' call(self, targets, logits): a lamina layer takes its inputs as one list.
  override call([targets, logits]: tf.Tensor[]): tf.Tensor {
    // Compute the training-time loss value and add it to the layer using this.addLoss().
    const loss = this.lossFn(targets, logits);
    this.addLoss(loss);

    // Log accuracy as a metric (the guide's self.add_metric(acc, name="accuracy")).
    this.accuracyFn.updateState(targets, logits);

    // Return the inference-time prediction tensor (for predict()).
    return tf.softmax(logits);
  }

  override computeOutputShape(shapes: tf.layers.LayerShape[]): tf.layers.LayerShape {
    return shapes[1];
  }
}

inputs = layers.Input({ shape: [3], name: "inputs" });
const targets = layers.Input({ shape: [10], name: "targets" });
const logits = layers.Dense(10)(inputs);
// The guide writes LogisticEndpoint(...)(logits, targets), the reverse of its call(targets, logits);
// Keras 3's version of the guide passes (targets, logits), as here.
const endpointOut = new LogisticEndpoint({ name: "predictions" })([targets, logits]);

model = new models.Model({ inputs: [inputs, targets], outputs: endpointOut });
model.compile({ optimizer: "adam" }); // No loss argument!

const endpointData = {
  inputs: tf.random.uniform([3, 3]),
  targets: tf.random.uniform([3, 10]),
};
await model.fit(endpointData);

// ### Automatically setting apart a validation holdout set
// validationSplit takes the last fraction of the arrays, before any shuffling.
model = getCompiledModel();
await model.fit(xTrain, yTrain, { batchSize: 64, validationSplit: 0.2, epochs: 1 });

// ## Training & evaluation from tf.data Datasets
model = getCompiledModel();

// First, let's create a training Dataset instance.
let trainDataset = data.Dataset.fromTensorSlices([xTrain, yTrain]);
// Shuffle and slice the dataset.
trainDataset = trainDataset.shuffle(1024).batch(64);

// Now we get a test dataset.
let testDataset = data.Dataset.fromTensorSlices([xTest, yTest]);
testDataset = testDataset.batch(64);

// Since the dataset already takes care of batching, we don't pass a batchSize.
await model.fit(trainDataset, { epochs: epochsOf(3) });

// You can also evaluate or predict on a dataset.
console.log("Evaluate");
const result = (await model.evaluate(testDataset)) as number[];
console.log(Object.fromEntries(model.metricsNames.map((name, i) => [name, result[i]])));

// stepsPerEpoch: only 100 batches per epoch (that's 64 * 100 samples); the dataset is then not
// reset at each epoch's end, the next epoch keeps drawing batches.
model = getCompiledModel();
trainDataset = data.Dataset.fromTensorSlices([xTrain, yTrain]).shuffle(1024).batch(64);
await model.fit(trainDataset, { epochs: epochsOf(3), stepsPerEpoch: QUICK ? 10 : 100 });

// ### Using a validation dataset
model = getCompiledModel();
trainDataset = data.Dataset.fromTensorSlices([xTrain, yTrain]).shuffle(1024).batch(64);
let valDataset = data.Dataset.fromTensorSlices([xVal, yVal]).batch(64);
await model.fit(trainDataset, { epochs: 1, validationData: valDataset });

// validationSteps: only run validation on the first 10 batches of the dataset.
model = getCompiledModel();
trainDataset = data.Dataset.fromTensorSlices([xTrain, yTrain]).shuffle(1024).batch(64);
valDataset = data.Dataset.fromTensorSlices([xVal, yVal]).batch(64);
await model.fit(trainDataset, { epochs: 1, validationData: valDataset, validationSteps: QUICK ? 4 : 10 });

// ## Other input formats supported
// ## Using a keras.utils.Sequence object as input
// The guide's CIFAR10Sequence reads and resizes image files by name (skimage); it is not run
// there. The same class in lamina, over images already in memory: length (__len__) and
// getItem(idx) (__getitem__), which may be async (a file read).
class MnistSequence extends utils.Sequence {
  constructor(readonly x: tf.Tensor, readonly y: tf.Tensor, readonly batchSize: number, args?: tf.utils.PyDatasetArgs) {
    super(args);
  }
  get length(): number {
    return Math.ceil(this.x.shape[0] / this.batchSize);
  }
  getItem(idx: number): tf.Tensor[] {
    const start = idx * this.batchSize;
    const n = Math.min(this.batchSize, this.x.shape[0] - start);
    return [rows(this.x, start, n), rows(this.y, start, n)];
  }
}
const sequence = new MnistSequence(xTrain, yTrain, 64);
model = getCompiledModel();
await model.fit(sequence, { epochs: 1 });

// Keras 3's version of this guide names the class utils.PyDataset (Sequence is the same class) and
// validates and evaluates on one too. It also passes batch_size=64 to fit, which Keras ignores for
// a PyDataset (its documentation says not to pass it); lamina refuses it, so it is left out.
const trainPyDataset = new MnistSequence(xTrain, yTrain, 32);
const valPyDataset = new MnistSequence(xVal, yVal, 32);
model = getCompiledModel();
await model.fit(trainPyDataset, { validationData: valPyDataset, epochs: 1 });
await model.evaluate(valPyDataset);
// Its `workers: 4` / `use_multiprocessing` read batches in parallel threads or processes. A
// JavaScript PyDataset takes `workers` (constructor options { workers, maxQueueSize }): it requests
// the next batches ahead, which overlaps an async getItem's waiting (file reads), not synchronous
// JavaScript; useMultiprocessing is refused, an object not being copyable into other processes.
const parallelPyDataset = new MnistSequence(xTrain, yTrain, 32, { workers: 4 });
await model.fit(parallelPyDataset, { validationData: valPyDataset, epochs: 1 });
// The guide's PyTorch DataLoader section has no counterpart (no torch here): use a PyDataset or a
// data.Dataset.

// ## Using sample weighting and class weighting
// ### Class weights: class 5 ("sandal" in Fashion-MNIST, the digit 5 in MNIST) counts twice.
const classWeight: Record<number, number> = {
  0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0,
  // Set weight "2" for class "5", making this class 2x more important
  5: 2.0,
  6: 1.0, 7: 1.0, 8: 1.0, 9: 1.0,
};

console.log("Fit with class weight");
model = getCompiledModel();
await model.fit(xTrain, yTrain, { classWeight, batchSize: 64, epochs: 1 });

// ### Sample weights
// sample_weight = np.ones(len(y_train)); sample_weight[y_train == 5] = 2.0
let sampleWeight = tf.where(tf.equal(yTrain, 5), 2.0, 1.0);

console.log("Fit with sample weight");
model = getCompiledModel();
await model.fit(xTrain, yTrain, { sampleWeight, batchSize: 64, epochs: 1 });

// A matching Dataset example: the sample weights are the element's third part.
sampleWeight = tf.where(tf.equal(yTrain, 5), 2.0, 1.0);

// Create a Dataset that includes sample weights (3rd element in the return tuple).
trainDataset = data.Dataset.fromTensorSlices([xTrain, yTrain, sampleWeight]);

// Shuffle and slice the dataset.
trainDataset = trainDataset.shuffle(1024).batch(64);

model = getCompiledModel();
await model.fit(trainDataset, { epochs: 1 });

// ## Passing data to multi-input, multi-output models
const imageInput = layers.Input({ shape: [32, 32, 3], name: "img_input" });
const timeseriesInput = layers.Input({ shape: [null, 10], name: "ts_input" });

let xa = layers.Conv2D(3, 3)(imageInput);
xa = layers.GlobalMaxPooling2D()(xa);

let xb = layers.Conv1D(3, 3)(timeseriesInput);
xb = layers.GlobalMaxPooling1D()(xb);

const xc = layers.concatenate([xa, xb]);

const scoreOutput = layers.Dense(1, { name: "score_output" })(xc);
const classOutput = layers.Dense(5, { name: "class_output" })(xc);

model = new models.Model({ inputs: [imageInput, timeseriesInput], outputs: [scoreOutput, classOutput] });

// Let's plot this model (the shapes shown are batch shapes).
const plotFile = join(OUT, "multi_input_and_output_model.png");
await utils.plotModel(model, { toFile: plotFile, showShapes: true });
console.log(`plot written: ${plotFile}`);

// Different losses for different outputs, as a list:
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: [losses.MeanSquaredError(), losses.CategoricalCrossentropy()],
});

// Likewise for metrics:
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: [losses.MeanSquaredError(), losses.CategoricalCrossentropy()],
  metrics: [
    [metrics.MeanAbsolutePercentageError(), metrics.MeanAbsoluteError()],
    [metrics.CategoricalAccuracy()],
  ],
});

// Per-output losses and metrics via objects keyed by output name:
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: {
    score_output: losses.MeanSquaredError(),
    class_output: losses.CategoricalCrossentropy(),
  },
  metrics: {
    score_output: [metrics.MeanAbsolutePercentageError(), metrics.MeanAbsoluteError()],
    class_output: [metrics.CategoricalAccuracy()],
  },
});

// Weights for the output-specific losses (lossWeights):
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: {
    score_output: losses.MeanSquaredError(),
    class_output: losses.CategoricalCrossentropy(),
  },
  metrics: {
    score_output: [metrics.MeanAbsolutePercentageError(), metrics.MeanAbsoluteError()],
    class_output: [metrics.CategoricalAccuracy()],
  },
  lossWeights: { score_output: 2.0, class_output: 1.0 },
});

// No loss for outputs meant for prediction only:
// List loss version
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: [null, losses.CategoricalCrossentropy()],
});

// Or dict loss version: the outputs it does not name get no loss (as in Keras 3.5; Keras 3.8+
// asks for every output's name, with None for those left out).
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: { class_output: losses.CategoricalCrossentropy() },
});

// Data for several inputs/outputs: lists of arrays, or objects keyed by input/output name.
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: [losses.MeanSquaredError(), losses.CategoricalCrossentropy()],
});

// Generate dummy data (np.random.random_sample: uniform in [0, 1))
const imgData = tf.random.uniform([100, 32, 32, 3]);
const tsData = tf.random.uniform([100, 20, 10]);
const scoreTargets = tf.random.uniform([100, 1]);
const classTargets = tf.random.uniform([100, 5]);

// Fit on lists
const listHistory = await model.fit([imgData, tsData], [scoreTargets, classTargets], { batchSize: 32, epochs: 1 });
console.log(`multi-output history keys: ${Object.keys(listHistory.history).join(", ")}`);

// Alternatively, fit on dicts
await model.fit(
  { img_input: imgData, ts_input: tsData },
  { score_output: scoreTargets, class_output: classTargets },
  { batchSize: 32, epochs: 1 },
);

// The Dataset use case: as the guide's, the dataset yields a tuple of dicts,
// [{ img_input, ts_input }, { score_output, class_output }], keyed by input and output name.
let multiDataset = data.Dataset.fromTensorSlices([
  { img_input: imgData, ts_input: tsData },
  { score_output: scoreTargets, class_output: classTargets },
]);
multiDataset = multiDataset.shuffle(1024).batch(64);

await model.fit(multiDataset, { epochs: 1 });

// ## Using callbacks
model = getCompiledModel();

let cbs: tf.callbacks.Callback[] = [
  callbacks.EarlyStopping({
    // Stop training when `val_loss` is no longer improving
    monitor: "val_loss",
    // "no longer improving" being defined as "no better than 1e-2 less"
    minDelta: 1e-2,
    // "no longer improving" being further defined as "for at least 2 epochs"
    patience: 2,
    verbose: 1,
  }),
];
const earlyHistory = await model.fit(xTrain, yTrain, { epochs: QUICK ? 3 : 20, batchSize: 64, callbacks: cbs, validationSplit: 0.2 });
console.log(`early stopping ran ${earlyHistory.epoch.length} epochs`);

// ### Many built-in callbacks are available: ModelCheckpoint, EarlyStopping, TensorBoard, CSVLogger...

// ### Writing your own callback: a list of per-batch loss values.
class LossHistory extends callbacks.Callback {
  perBatchLosses: number[] = [];
  override onTrainBegin(): void {
    this.perBatchLosses = [];
  }
  override onBatchEnd(batch: number, logs: tf.callbacks.Logs): void {
    this.perBatchLosses.push(logs.loss);
  }
}
// (The guide only defines it; a short run shows what it records.)
const lossHistory = new LossHistory();
await getCompiledModel().fit(xTrain, yTrain, { epochs: 1, batchSize: 64, verbose: 0, callbacks: [lossHistory] });
console.log(`LossHistory recorded ${lossHistory.perBatchLosses.length} batch losses, first ${lossHistory.perBatchLosses[0].toFixed(4)}, last ${lossHistory.perBatchLosses.at(-1)!.toFixed(4)}`);

// ## Checkpointing models
model = getCompiledModel();

cbs = [
  callbacks.ModelCheckpoint({
    // Path where to save the model. Keras 3 saves `.keras` files (TF-Keras' SavedModel folder
    // "mymodel_{epoch}" does not exist there), so the name ends in .keras.
    // The two parameters below mean that we will overwrite the current checkpoint if and only
    // if the `val_loss` score has improved. The saved model name will include the current epoch.
    filepath: join(OUT, "mymodel_{epoch}.keras"),
    saveBestOnly: true, // Only save a model if `val_loss` has improved.
    monitor: "val_loss",
    verbose: 1,
  }),
];
const checkpointHistory = await model.fit(xTrain, yTrain, { epochs: epochsOf(2), batchSize: 64, callbacks: cbs, validationSplit: 0.2 });
// (Not in the guide.) The checkpoint of the last epoch, when val_loss improved then, holds the
// model as fit left it: reloaded, it predicts what the model predicts.
const lastEpoch = checkpointHistory.epoch.length;
const lastFile = join(OUT, `mymodel_${lastEpoch}.keras`);
if (existsSync(lastFile)) {
  const reloaded = (await models.loadModel(lastFile)) as tf.models.Model;
  const diff = tf.max(tf.abs(tf.sub(reloaded.predict(rows(xTest, 0, 16)) as tf.Tensor, model.predict(rows(xTest, 0, 16)) as tf.Tensor))).item();
  console.log(`mymodel_${lastEpoch}.keras reloaded: max |prediction difference| ${diff}`);
}

// Fault tolerance: restart training from the latest checkpoint.
// Prepare a directory to store all the checkpoints (emptied first, so each run starts afresh).
const checkpointDir = join(OUT, "ckpt");
rmSync(checkpointDir, { recursive: true, force: true });
if (!existsSync(checkpointDir)) mkdirSync(checkpointDir, { recursive: true });

async function makeOrRestoreModel(): Promise<tf.models.Model> {
  // Either restore the latest model, or create a fresh one if there is no checkpoint available.
  const checkpoints = readdirSync(checkpointDir).map((name) => join(checkpointDir, name));
  if (checkpoints.length > 0) {
    const latestCheckpoint = checkpoints.reduce((a, b) => (statSync(b).ctimeMs > statSync(a).ctimeMs ? b : a));
    console.log("Restoring from", latestCheckpoint);
    return (await models.loadModel(latestCheckpoint)) as tf.models.Model;
  }
  console.log("Creating a new model");
  return getCompiledModel();
}

model = await makeOrRestoreModel();
cbs = [
  // This callback saves the model every 100 batches (10 with QUICK=1). We include the training
  // loss in the saved model name.
  callbacks.ModelCheckpoint({ filepath: join(checkpointDir, "ckpt-loss={loss:.2f}.keras"), saveFreq: QUICK ? 10 : 100 }),
];
await model.fit(xTrain, yTrain, { epochs: 1, callbacks: cbs });
console.log(`checkpoints: ${readdirSync(checkpointDir).length}`);
// A second run restores the latest checkpoint, as a restarted program would.
const restored = await makeOrRestoreModel();
const probe = rows(xTest, 0, 8);
const restoredEval = (await restored.evaluate(probe, rows(yTest, 0, 8), { verbose: 0 })) as number[];
console.log(`restored model evaluates: loss ${restoredEval[0].toFixed(4)}, optimizer ${restored.optimizer?.constructor.name}`);

// ## Using learning rate schedules
// ### Passing a schedule to an optimizer
const initialLearningRate = 0.1;
const lrSchedule = optimizers.schedules.ExponentialDecay({ initialLearningRate, decaySteps: 100000, decayRate: 0.96, staircase: true });

const optimizer = optimizers.RMSprop({ learningRate: lrSchedule });
console.log(`ExponentialDecay: lr at step 0 ${lrSchedule.call(0)}, at step 100000 ${lrSchedule.call(100000)}; optimizer ${optimizer.constructor.name}`);
// Built-in schedules: ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay.
// ### Using callbacks to implement a dynamic learning rate schedule: callbacks.ReduceLROnPlateau.

// ## Visualizing loss and metrics during training
// ### Using the TensorBoard callback (event files that `tensorboard --logdir=...` reads)
callbacks.TensorBoard({
  logDir: join(OUT, "full_path_to_your_logs"),
  histogramFreq: 0, // How often to log histogram visualizations
  embeddingsFreq: 0, // How often to log embedding visualizations
  updateFreq: "epoch", // How often to write logs (default: once per epoch)
});
console.log("done");
