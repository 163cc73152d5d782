/**
 * The Functional API: Keras' guide "The Functional API" (fchollet), every code cell in order, on
 * lamina. Models as graphs of layers: multiple inputs and outputs, shared layers, nested models,
 * feature extraction, custom layers inside functional models.
 *   https://keras.io/guides/functional_api/
 * Run: npx tsx examples/guides/functional-api.ts
 *   QUICK=1: the same cells on small slices of the data for one short epoch (the test's run).
 * The guide loads MNIST: this port trains on Fashion-MNIST (same shapes, bundled at
 * /usr/share/datasets/fashion-mnist/). CIFAR-10 is read by datasets.cifar10.loadData() when a local
 * copy exists; otherwise the toy ResNet trains on generated images of CIFAR's shape (the message
 * printed says what to install). Plots and the saved model go to runs/examples/guides/functional-api/
 * (LAMINA_OUT overrides).
 */
// ## Setup
// import numpy as np; import keras; from keras import layers, ops: lamina's tf holds the ops
// (tf.ops is keras.ops with camelCased names), layers and models.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "../../src/index.js";
const { layers, models, losses, optimizers, datasets, utils, applications, ops } = tf;

const QUICK = process.env.QUICK === "1";
const OUT = process.env.LAMINA_OUT ?? join("runs", "examples", "guides", "functional-api");
mkdirSync(OUT, { recursive: true });
tf.random.setSeed(42);
/** Python's tuple text for a shape: (None, 784). */
const py = (shape: readonly (number | null)[]): string => `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}${shape.length === 1 ? "," : ""})`;
/** The first n rows of x (QUICK's small slices). */
const head = (x: tf.Tensor, n: number): tf.Tensor => tf.slice(x, [0], [Math.min(n, x.shape[0])]);

// ## Introduction
let inputs = layers.Input({ shape: [784] });

// Just for demonstration purposes.
const imgInputs = layers.Input({ shape: [32, 32, 3] });
console.log(`img_inputs.shape: ${py(imgInputs.shape)}`);

// Here's the shape:
console.log(`inputs.shape: ${py(inputs.shape)}`);
// Here's the dtype:
console.log(`inputs.dtype: ${inputs.dtype}`);

// Calling a layer on `inputs` creates a new node in the graph of layers (layer(x) is layer.apply(x)).
const dense = layers.Dense(64, { activation: "relu" });
let x = dense(inputs);

// Let's add a few more layers to the graph of layers:
x = layers.Dense(64, { activation: "relu" })(x);
let outputs = layers.Dense(10)(x);

let model = new models.Model({ inputs, outputs, name: "mnist_model" });

// Let's check out what the model summary looks like:
model.summary();

// You can also plot the model as a graph (lamina draws PNG or SVG itself: no Graphviz needed):
await utils.plotModel(model, join(OUT, "my_first_model.png"));
// And, optionally, display the input and output shapes of each layer in the plotted graph:
await utils.plotModel(model, join(OUT, "my_first_model_with_shape_info.png"), { showShapes: true });

// ## Training, evaluation, and inference
// keras.datasets.mnist.load_data(): Fashion-MNIST here (see the header), the same 28x28 uint8 images.
let [[xTrainImages, yTrain], [xTestImages, yTest]] = await datasets.fashionMnist.loadData();
if (QUICK) [xTrainImages, yTrain, xTestImages, yTest] = [head(xTrainImages, 2000), head(yTrain, 2000), head(xTestImages, 500), head(yTest, 500)];

// x_train.reshape(60000, 784).astype("float32") / 255
let xTrain = tf.div(tf.reshape(tf.cast(xTrainImages, "float32"), [-1, 784]), 255);
let xTest = tf.div(tf.reshape(tf.cast(xTestImages, "float32"), [-1, 784]), 255);

model.compile({
  loss: losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: optimizers.RMSprop(),
  metrics: ["accuracy"],
});

const history = await model.fit(xTrain, yTrain, { batchSize: 64, epochs: QUICK ? 1 : 2, validationSplit: 0.2 });
console.log(`history loss: ${history.history.loss.map((v) => v.toFixed(4)).join(", ")}`);

const testScores = (await model.evaluate(xTest, yTest, { verbose: 2 })) as number[];
console.log("Test loss:", testScores[0]);
console.log("Test accuracy:", testScores[1]);

// ## Save and serialize
// model.save("my_model.keras"): Keras 3's .keras file (architecture, weights, compile settings,
// optimizer state). save and loadModel are async in lamina (they write and read files).
const modelPath = join(OUT, "my_model.keras");
const before = model.predict(head(xTest, 8)) as tf.Tensor;
await model.save(modelPath);
// del model
// Recreate the exact same model purely from the file:
model = (await models.loadModel(modelPath)) as tf.models.Model;
const after = model.predict(head(xTest, 8)) as tf.Tensor;
console.log(`reloaded model: largest prediction difference ${tf.max(tf.abs(tf.sub(before, after))).item()}`);

// ## Use the same graph of layers to define multiple models
let encoderInput = layers.Input({ shape: [28, 28, 1], name: "img" });
x = layers.Conv2D(16, 3, { activation: "relu" })(encoderInput);
x = layers.Conv2D(32, 3, { activation: "relu" })(x);
x = layers.MaxPooling2D(3)(x);
x = layers.Conv2D(32, 3, { activation: "relu" })(x);
x = layers.Conv2D(16, 3, { activation: "relu" })(x);
let encoderOutput = layers.GlobalMaxPooling2D()(x);

let encoder = new models.Model({ inputs: encoderInput, outputs: encoderOutput, name: "encoder" });
encoder.summary();

x = layers.Reshape([4, 4, 1])(encoderOutput);
x = layers.Conv2DTranspose(16, 3, { activation: "relu" })(x);
x = layers.Conv2DTranspose(32, 3, { activation: "relu" })(x);
x = layers.UpSampling2D(3)(x);
x = layers.Conv2DTranspose(16, 3, { activation: "relu" })(x);
let decoderOutput = layers.Conv2DTranspose(1, 3, { activation: "relu" })(x);

let autoencoder = new models.Model({ inputs: encoderInput, outputs: decoderOutput, name: "autoencoder" });
autoencoder.summary();

// ## All models are callable, just like layers
encoderInput = layers.Input({ shape: [28, 28, 1], name: "original_img" });
x = layers.Conv2D(16, 3, { activation: "relu" })(encoderInput);
x = layers.Conv2D(32, 3, { activation: "relu" })(x);
x = layers.MaxPooling2D(3)(x);
x = layers.Conv2D(32, 3, { activation: "relu" })(x);
x = layers.Conv2D(16, 3, { activation: "relu" })(x);
encoderOutput = layers.GlobalMaxPooling2D()(x);

encoder = new models.Model({ inputs: encoderInput, outputs: encoderOutput, name: "encoder" });
encoder.summary();

const decoderInput = layers.Input({ shape: [16], name: "encoded_img" });
x = layers.Reshape([4, 4, 1])(decoderInput);
x = layers.Conv2DTranspose(16, 3, { activation: "relu" })(x);
x = layers.Conv2DTranspose(32, 3, { activation: "relu" })(x);
x = layers.UpSampling2D(3)(x);
x = layers.Conv2DTranspose(16, 3, { activation: "relu" })(x);
decoderOutput = layers.Conv2DTranspose(1, 3, { activation: "relu" })(x);

const decoder = new models.Model({ inputs: decoderInput, outputs: decoderOutput, name: "decoder" });
decoder.summary();

const autoencoderInput = layers.Input({ shape: [28, 28, 1], name: "img" });
const encodedImg = encoder(autoencoderInput);
const decodedImg = decoder(encodedImg);
autoencoder = new models.Model({ inputs: autoencoderInput, outputs: decodedImg, name: "autoencoder" });
autoencoder.summary();

// Ensembling: a model that averages the predictions of three models.
function getModel(): tf.models.Model {
  const inputs = layers.Input({ shape: [128] });
  const outputs = layers.Dense(1)(inputs);
  return new models.Model({ inputs, outputs });
}

const model1 = getModel();
const model2 = getModel();
const model3 = getModel();

inputs = layers.Input({ shape: [128] });
const y1 = model1(inputs);
const y2 = model2(inputs);
const y3 = model3(inputs);
outputs = layers.average([y1, y2, y3]);
const ensembleModel = new models.Model({ inputs, outputs });
{
  const probe = tf.random.normal([2, 128]);
  const [p1, p2, p3] = [model1, model2, model3].map((m) => m.predict(probe, { verbose: 0 }) as tf.Tensor);
  const mean = tf.div(tf.add(tf.add(p1, p2), p3), 3);
  const diff = tf.max(tf.abs(tf.sub(ensembleModel.predict(probe, { verbose: 0 }) as tf.Tensor, mean))).item();
  console.log(`ensemble output vs mean of the three models: largest difference ${diff}`);
}

// ## Manipulate complex graph topologies
// ### Models with multiple inputs and outputs
const numTags = 12; // Number of unique issue tags
const numWords = 10000; // Size of vocabulary obtained when preprocessing text data
const numDepartments = 4; // Number of departments for predictions

const titleInput = layers.Input({ shape: [null], name: "title" }); // Variable-length sequence of ints
const bodyInput = layers.Input({ shape: [null], name: "body" }); // Variable-length sequence of ints
const tagsInput = layers.Input({ shape: [numTags], name: "tags" }); // Binary vectors of size `numTags`

// Embed each word in the title into a 64-dimensional vector
let titleFeatures = layers.Embedding(numWords, 64)(titleInput);
// Embed each word in the text into a 64-dimensional vector
let bodyFeatures = layers.Embedding(numWords, 64)(bodyInput);

// Reduce sequence of embedded words in the title into a single 128-dimensional vector
titleFeatures = layers.LSTM(128)(titleFeatures);
// Reduce sequence of embedded words in the body into a single 32-dimensional vector
bodyFeatures = layers.LSTM(32)(bodyFeatures);

// Merge all available features into a single large vector via concatenation
x = layers.concatenate([titleFeatures, bodyFeatures, tagsInput]);

// Stick a logistic regression for priority prediction on top of the features
const priorityPred = layers.Dense(1, { name: "priority" })(x);
// Stick a department classifier on top of the features
const departmentPred = layers.Dense(numDepartments, { name: "department" })(x);

// Instantiate an end-to-end model predicting both priority and department
model = new models.Model({
  inputs: [titleInput, bodyInput, tagsInput],
  outputs: [priorityPred, departmentPred],
});
model.summary();

// Now plot the model:
await utils.plotModel(model, join(OUT, "multi_input_and_output_model.png"), { showShapes: true });

// A loss for each output, and a weight for each loss:
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: [
    losses.BinaryCrossentropy({ fromLogits: true }),
    losses.CategoricalCrossentropy({ fromLogits: true }),
  ],
  lossWeights: [1.0, 0.2],
});

// The same, by the names of the output layers:
model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: {
    priority: losses.BinaryCrossentropy({ fromLogits: true }),
    department: losses.CategoricalCrossentropy({ fromLogits: true }),
  },
  lossWeights: { priority: 1.0, department: 0.2 },
});

// Dummy input data (np.random.randint / np.random.random: lamina's random ops)
const nTickets = QUICK ? 64 : 1280;
const titleData = tf.random.randint([nTickets, 10], 0, numWords);
const bodyData = tf.random.randint([nTickets, 100], 0, numWords);
const tagsData = tf.cast(tf.random.randint([nTickets, numTags], 0, 2), "float32");

// Dummy target data
const priorityTargets = tf.random.uniform([nTickets, 1]);
const deptTargets = tf.random.randint([nTickets, numDepartments], 0, 2);

const ticketHistory = await model.fit(
  { title: titleData, body: bodyData, tags: tagsData },
  { priority: priorityTargets, department: deptTargets },
  { epochs: 2, batchSize: 32 },
);
// Difference: lamina logs department_loss and priority_loss after their loss weights, as Keras 3.5
// did (the parts add up to loss); Keras 3.7 and later log them unweighted, so Keras shows a
// department_loss 5x this one (1 / 0.2). The total loss, and so the training, is the same.
console.log(`multi-output history keys: ${Object.keys(ticketHistory.history).join(", ")}`);
console.log(`multi-output loss: ${ticketHistory.history.loss.map((v) => v.toFixed(4)).join(", ")}`);

// ### A toy ResNet model
inputs = layers.Input({ shape: [32, 32, 3], name: "img" });
x = layers.Conv2D(32, 3, { activation: "relu" })(inputs);
x = layers.Conv2D(64, 3, { activation: "relu" })(x);
const block1Output = layers.MaxPooling2D(3)(x);

x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(block1Output);
x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(x);
const block2Output = layers.add([x, block1Output]);

x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(block2Output);
x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(x);
const block3Output = layers.add([x, block2Output]);

x = layers.Conv2D(64, 3, { activation: "relu" })(block3Output);
x = layers.GlobalAveragePooling2D()(x);
x = layers.Dense(256, { activation: "relu" })(x);
x = layers.Dropout(0.5)(x);
outputs = layers.Dense(10)(x);

model = new models.Model({ inputs, outputs, name: "toy_resnet" });
model.summary();

// Plot the model:
await utils.plotModel(model, join(OUT, "mini_resnet.png"), { showShapes: true });

// Now train the model:
let cifarX: tf.Tensor, cifarY: tf.Tensor;
try {
  const [[xc, yc]] = await datasets.cifar10.loadData();
  [cifarX, cifarY] = [head(xc, 1000), head(yc, 1000)];
} catch (e) {
  console.log(`\nCIFAR-10 is not available on this machine, so the toy ResNet trains on 1000 generated 32x32x3 images with random labels:\n${(e as Error).message}\n`);
  cifarX = tf.random.randint([1000, 32, 32, 3], 0, 256);
  cifarY = tf.random.randint([1000, 1], 0, 10);
}
// x_train.astype("float32") / 255.0; keras.utils.to_categorical(y_train, 10)
const cifarN = QUICK ? 128 : 1000;
const xCifar = tf.div(tf.cast(head(cifarX, cifarN), "float32"), 255);
const yCifar = utils.toCategorical(head(cifarY, cifarN), 10);

model.compile({
  optimizer: optimizers.RMSprop({ learningRate: 1e-3 }),
  loss: losses.CategoricalCrossentropy({ fromLogits: true }),
  metrics: ["acc"],
});
// The guide restricts the data to the first 1000 samples to limit execution time.
const resnetHistory = await model.fit(xCifar, yCifar, { batchSize: 64, epochs: 1, validationSplit: 0.2 });
console.log(`toy_resnet history keys: ${Object.keys(resnetHistory.history).join(", ")}`);

// ## Shared layers
// Embedding for 1000 unique words mapped to 128-dimensional vectors
const sharedEmbedding = layers.Embedding(1000, 128);

// Variable-length sequence of integers
const textInputA = layers.Input({ shape: [null], dtype: "int32" });
// Variable-length sequence of integers
const textInputB = layers.Input({ shape: [null], dtype: "int32" });

// Reuse the same layer to encode both inputs
const encodedInputA = sharedEmbedding(textInputA);
const encodedInputB = sharedEmbedding(textInputB);
console.log(`shared embedding outputs: ${py(encodedInputA.shape)} and ${py(encodedInputB.shape)}, ${sharedEmbedding.weights.length} weight`);

// ## Extract and reuse nodes in the graph of layers
// keras.applications.VGG19() downloads ImageNet weights; this machine is offline, so the same
// architecture is built with weights: null (random weights: the point here is the graph). QUICK
// takes its convolutional base on 32x32 images (the whole VGG19 is 143M weights to draw and a
// 20-GFLOP call on 224x224).
const vgg19 = QUICK ? applications.VGG19({ weights: null, includeTop: false, inputShape: [32, 32, 3] }) : applications.VGG19({ weights: null });

// The intermediate activations of the model, obtained by querying the graph data structure.
// layer.output is typed "one tensor or a list" (a layer may have several outputs): flatMap makes
// the flat list of tensors that Model's outputs takes.
const featuresList = vgg19.layers.flatMap((layer) => layer.output);

// A feature-extraction model returning the values of the intermediate layer activations:
const featExtractionModel = new models.Model({ inputs: vgg19.input, outputs: featuresList });

const img = tf.random.uniform([1, ...(vgg19.inputShape as number[]).slice(1)]);
// featExtractionModel(img) returns the list too; apply() is typed to say so (a call on one tensor is
// typed as giving one).
const extractedFeatures = featExtractionModel.apply(img) as tf.Tensor[];
console.log(`extracted ${extractedFeatures.length} feature maps, the last ${py(extractedFeatures[extractedFeatures.length - 1].shape)}`);

// ## Extend the API using custom layers
// A basic Dense: build creates the weights, call computes (ops.matmul(inputs, w) + b). The guide
// defines CustomDense twice, the second time with get_config; here the second extends the first
// (kept as FirstCustomDense) under the same class name, in a block, since a TypeScript class name
// cannot be declared twice in one scope. Python's keyword arguments are an options object in
// lamina (CustomDense(units=10) is new CustomDense({ units: 10 })), which is also what lets
// fromConfig rebuild the layer as Keras' cls(**config) does.
class CustomDense extends layers.Layer {
  units: number;
  w!: tf.Variable;
  b!: tf.Variable;
  constructor({ units = 32 }: { units?: number } = {}) {
    super();
    this.units = units;
  }
  override build(inputShape: tf.Shape): void {
    this.w = this.addWeight({ shape: [inputShape[inputShape.length - 1], this.units], initializer: "random_normal", trainable: true });
    this.b = this.addWeight({ shape: [this.units], initializer: "random_normal", trainable: true });
  }
  override call(inputs: tf.Tensor): tf.Tensor {
    return ops.add(ops.matmul(inputs, this.w), this.b); // ops.matmul(inputs, self.w) + self.b
  }
}

{
  const inputs = layers.Input({ shape: [4] });
  const outputs = new CustomDense({ units: 10 })(inputs);
  const model = new models.Model({ inputs, outputs });
  model.summary();
}
const FirstCustomDense = CustomDense;

// For serialization support, getConfig returns the constructor arguments of the layer instance:
{
  // The guide's CustomDense again, with get_config.
  class CustomDense extends FirstCustomDense {
    override getConfig(): Record<string, unknown> {
      return { units: this.units };
    }
  }

  const inputs = layers.Input({ shape: [4] });
  const outputs = new CustomDense({ units: 10 })(inputs);
  const model = new models.Model({ inputs, outputs });
  const config = model.getConfig();

  const newModel = models.Model.fromConfig(config, { customObjects: { CustomDense } }) as tf.models.Model;
  const probe = tf.random.normal([2, 4]);
  newModel.summary();
  // from_config builds new weights (random_normal again): the same architecture, not the same values.
  console.log(`from_config: ${newModel.layers.map((l) => l.constructor.name).join(", ")}; output shape ${py((newModel.predict(probe, { verbose: 0 }) as tf.Tensor).shape)}`);
}

// Optionally, a class defines its own `static fromConfig(config)`; the default is Keras'
// cls(**config), which lamina runs as new Class(config) (the config's keys camelCased).

// ## When to use the functional API
// (Prose only: a functional model is a data structure that can be inspected, plotted, saved and
// cloned; a subclassed model is code.)

// ## Mix-and-match API styles
let units = 32;
let timesteps = 10;
let inputDim = 5;

// Define a Functional model
inputs = layers.Input({ shape: [null, units] });
x = layers.GlobalAveragePooling1D()(inputs);
outputs = layers.Dense(1)(x);
model = new models.Model({ inputs, outputs });

{
  class CustomRNN extends layers.Layer {
    units = units;
    projection1 = layers.Dense(units, { activation: "tanh" });
    projection2 = layers.Dense(units, { activation: "tanh" });
    // Our previously-defined Functional model
    classifier = model;

    override call(inputs: tf.Tensor): tf.Tensor {
      const outputs: tf.Tensor[] = [];
      let state = ops.zeros([inputs.shape[0], this.units]);
      for (let t = 0; t < inputs.shape[1]; t++) {
        const x = ops.getItem(inputs, [{}, t, {}]); // inputs[:, t, :]
        const h = this.projection1(x);
        const y = ops.add(h, this.projection2(state));
        state = y;
        outputs.push(y);
      }
      const features = ops.stack(outputs, 1);
      console.log(`features.shape: ${py(features.shape)}`);
      return this.classifier(features);
    }
  }

  const rnnModel = new CustomRNN();
  rnnModel(ops.zeros([1, timesteps, inputDim]));
  // The functional model held in a property is tracked: its Dense's kernel and bias are among the layer's weights.
  console.log(`CustomRNN weights: ${rnnModel.weights.length}`);
}

// A custom RNN written from scratch, used in a functional model (the guide's second CustomRNN; in
// its own block, as the CustomDense pair above):
units = 32;
timesteps = 10;
inputDim = 5;
const batchSize = 16;

{
  class CustomRNN extends layers.Layer {
    units = units;
    projection1 = layers.Dense(units, { activation: "tanh" });
    projection2 = layers.Dense(units, { activation: "tanh" });
    classifier = layers.Dense(1);

    override call(inputs: tf.Tensor): tf.Tensor {
      const outputs: tf.Tensor[] = [];
      let state = ops.zeros([inputs.shape[0], this.units]);
      for (let t = 0; t < inputs.shape[1]; t++) {
        const x = ops.getItem(inputs, [{}, t, {}]);
        const h = this.projection1(x);
        const y = ops.add(h, this.projection2(state));
        state = y;
        outputs.push(y);
      }
      const features = ops.stack(outputs, 1);
      return this.classifier(features);
    }
  }

  // A static batch size for the inputs (batchShape), because the inner computation of CustomRNN
  // needs one (when it creates the `state` zeros tensor).
  inputs = layers.Input({ batchShape: [batchSize, timesteps, inputDim] });
  x = layers.Conv1D(32, 3)(inputs);
  outputs = new CustomRNN()(x);

  model = new models.Model({ inputs, outputs });
  model.summary();

  const rnnModel = new CustomRNN();
  const rnnOut = rnnModel(ops.zeros([1, 10, 5]));
  console.log(`CustomRNN()(zeros((1, 10, 5))).shape: ${py(rnnOut.shape)}`);
}
