/**
 * The Sequential model: Keras' guide "The Sequential model" (fchollet), every code cell in order.
 *   https://keras.io/guides/sequential_model/
 * Run: npx tsx examples/guides/sequential-model.ts   (QUICK=1: fewer images in the last blueprint)
 */
// ## Setup
// import keras; from keras import layers (tf.ones plays keras.ops.ones).
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../src/index.js";
const { layers, models, applications } = tf;

// QUICK only shortens the transfer-learning blueprint at the end (the guide itself never trains).
const QUICK = process.env.QUICK === "1";
tf.random.setSeed(42);
/** A list of layers as Python prints it: [<Dense name=dense, built=False>, ...] (a layer's String() is Keras' repr). */
const names = (ls: readonly tf.layers.Layer[]): string => `[${ls.map(String).join(", ")}]`;
/** Python's tuple text for a shape: (4, 3), (3,). */
const py = (shape: readonly (number | null)[]): string => `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}${shape.length === 1 ? "," : ""})`;
const shapes = (ws: readonly { shape: readonly number[] }[]): string => ws.map((w) => py(w.shape)).join(", ");

// ## When to use a Sequential model
// Define Sequential model with 3 layers
let model = new models.Sequential([
  layers.Dense(2, { activation: "relu", name: "layer1" }),
  layers.Dense(3, { activation: "relu", name: "layer2" }),
  layers.Dense(4, { name: "layer3" }),
]);
// Call model on a test input
let x = tf.ones([3, 3]);
let y = model.apply(x) as tf.Tensor;
console.log(`model(x).shape: ${py(y.shape)}`);

// is equivalent to this function:
// Create 3 layers
const layer1 = layers.Dense(2, { activation: "relu", name: "layer1" });
const layer2 = layers.Dense(3, { activation: "relu", name: "layer2" });
const layer3 = layers.Dense(4, { name: "layer3" });
// Call layers on a test input
x = tf.ones([3, 3]);
y = layer3.apply(layer2.apply(layer1.apply(x))) as tf.Tensor;
console.log(`layer3(layer2(layer1(x))).shape: ${py(y.shape)}`);

// ## Creating a Sequential model
model = new models.Sequential([
  layers.Dense(2, { activation: "relu" }),
  layers.Dense(3, { activation: "relu" }),
  layers.Dense(4),
]);
// Its layers are accessible via the `layers` attribute:
console.log(`model.layers: ${names(model.layers)}`);

// You can also create a Sequential model incrementally via the `add()` method:
model = new models.Sequential();
model.add(layers.Dense(2, { activation: "relu" }));
model.add(layers.Dense(3, { activation: "relu" }));
model.add(layers.Dense(4));

// ... and remove the last layer with pop():
model.pop();
console.log(`len(model.layers) after pop: ${model.layers.length}`); // 2

// The Sequential constructor accepts a `name`, like any layer or model.
model = new models.Sequential({ name: "my_sequential" });
model.add(layers.Dense(2, { activation: "relu", name: "layer1" }));
model.add(layers.Dense(3, { activation: "relu", name: "layer2" }));
model.add(layers.Dense(4, { name: "layer3" }));
console.log(`model.name: ${model.name}`);

// ## Specifying the input shape in advance
let layer = layers.Dense(3);
console.log(`layer.weights before the first call: [${shapes(layer.weights)}]`); // Empty

// Call layer on a test input
x = tf.ones([1, 4]);
y = layer.apply(x) as tf.Tensor;
console.log(`layer.weights after the first call: [${shapes(layer.weights)}]`); // (4, 3) and (3,)

model = new models.Sequential([
  layers.Dense(2, { activation: "relu" }),
  layers.Dense(3, { activation: "relu" }),
  layers.Dense(4),
]); // No weights at this stage!

// At this point, you can't do this:
// model.weights
// You also can't do this:
// model.summary()
// (The guide's prose is Keras 2's: Keras 3, like lamina, gives an unbuilt model's weights as an
// empty list and prints its summary with "?" shapes and "0 (unbuilt)" parameters.)
console.log(`model.weights before the first call: ${model.weights.length} weights`);
model.summary();

// Call the model on a test input
x = tf.ones([1, 4]);
y = model.apply(x) as tf.Tensor;
console.log(`Number of weights after calling the model: ${model.weights.length}`); // 6

// Once a model is "built", you can call its summary() method:
model.summary();

// Start the model with an Input so that it knows its input shape from the start:
model = new models.Sequential();
model.add(layers.Input({ shape: [4] }));
model.add(layers.Dense(2, { activation: "relu" }));
model.summary();

// The Input object is not displayed as part of model.layers, since it isn't a layer:
console.log(`model.layers: ${names(model.layers)}`);

// A simple alternative is to pass an inputShape to the first layer (Keras' input_shape):
model = new models.Sequential();
model.add(layers.Dense(2, { activation: "relu", inputShape: [4] }));
model.summary();

// ## A common debugging workflow: add() + summary()
model = new models.Sequential();
model.add(layers.Input({ shape: [250, 250, 3] })); // 250x250 RGB images
model.add(layers.Conv2D(32, 5, { strides: 2, activation: "relu" }));
model.add(layers.Conv2D(32, 3, { activation: "relu" }));
model.add(layers.MaxPooling2D(3));

// Can you guess what the current output shape is at this point? Probably not.
// Let's just print it:
model.summary();

// The answer was: (40, 40, 32), so we can keep downsampling...
model.add(layers.Conv2D(32, 3, { activation: "relu" }));
model.add(layers.Conv2D(32, 3, { activation: "relu" }));
model.add(layers.MaxPooling2D(3));
model.add(layers.Conv2D(32, 3, { activation: "relu" }));
model.add(layers.Conv2D(32, 3, { activation: "relu" }));
model.add(layers.MaxPooling2D(2));

// And now?
model.summary();

// Now that we have 4x4 feature maps, time to apply global max pooling.
model.add(layers.GlobalMaxPooling2D());
// Finally, we add a classification layer.
model.add(layers.Dense(10));
console.log(`output shape after GlobalMaxPooling2D + Dense(10): ${py(model.outputShape as (number | null)[])}`);

// ## What to do once you have a model
// (Training, saving and distribution are other guides; see functional-api.ts for fit and save.)

// ## Feature extraction with a Sequential model
let initialModel = new models.Sequential([
  layers.Input({ shape: [250, 250, 3] }),
  layers.Conv2D(32, 5, { strides: 2, activation: "relu" }),
  layers.Conv2D(32, 3, { activation: "relu" }),
  layers.Conv2D(32, 3, { activation: "relu" }),
]);
let featureExtractor = new models.Model({
  inputs: initialModel.inputs,
  outputs: initialModel.layers.flatMap((layer) => layer.output), // flatMap: layer.output is typed one tensor or a list
});

// Call feature extractor on test input.
x = tf.ones([1, 250, 250, 3]);
let features = featureExtractor.apply(x) as tf.Tensor[];
console.log(`features: ${features.map((f) => py(f.shape)).join(", ")}`);

// Here's a similar example that only extracts features from one layer:
initialModel = new models.Sequential([
  layers.Input({ shape: [250, 250, 3] }),
  layers.Conv2D(32, 5, { strides: 2, activation: "relu" }),
  layers.Conv2D(32, 3, { activation: "relu", name: "my_intermediate_layer" }),
  layers.Conv2D(32, 3, { activation: "relu" }),
]);
featureExtractor = new models.Model({
  inputs: initialModel.inputs,
  outputs: initialModel.getLayer({ name: "my_intermediate_layer" }).output, // get_layer(name=...)
});
// Call feature extractor on test input.
x = tf.ones([1, 250, 250, 3]);
const feature = featureExtractor.apply(x) as tf.Tensor;
console.log(`my_intermediate_layer features: ${py(feature.shape)}`);

// ## Transfer learning with a Sequential model
// The guide shows two blueprints as (unexecuted) code; here they run on small generated data.
//
// First: freeze all layers except the last one.
model = new models.Sequential([
  layers.Input({ shape: [784] }),
  layers.Dense(32, { activation: "relu" }),
  layers.Dense(32, { activation: "relu" }),
  layers.Dense(32, { activation: "relu" }),
  layers.Dense(10),
]);

// Presumably you would want to first load pre-trained weights (model.load_weights(...)): here,
// the weights another model of the same architecture saved.
{
  const pretrained = tf.models.cloneModel(model);
  const weightsPath = join(tmpdir(), `sequential-guide-${process.pid}.weights.h5`);
  await pretrained.saveWeights(weightsPath);
  await model.loadWeights(weightsPath);
  rmSync(weightsPath);
}
const frozenBefore = model.layers.map((l) => l.getWeights().map((w) => w.dataSync().slice()));

// Freeze all layers except the last one.
for (const layer of model.layers.slice(0, -1)) layer.trainable = false;

// Recompile and train (this will only update the weights of the last layer).
model.compile({ optimizer: "adam", loss: tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
await model.fit(tf.random.normal([64, 784]), tf.random.randint([64], 0, 10), { epochs: 1, batchSize: 32, verbose: 0 });
const changed = model.layers.map((l, i) => l.getWeights().some((w, j) => w.dataSync().some((v, k) => v !== frozenBefore[i][j][k])));
console.log(`layers whose weights changed in fit: ${JSON.stringify(changed)}; trainable weights: ${model.trainableWeights.length}`);

// Second: stack a pre-trained convolutional base and a fresh classifier.
// Load a convolutional base with pre-trained weights: keras.applications.Xception(weights="imagenet",
// include_top=False, pooling="avg") downloads ImageNet weights, which this offline machine cannot;
// weights: null builds the same architecture with random weights.
const baseModel = applications.Xception({ weights: null, includeTop: false, pooling: "avg" });

// Freeze the base model
baseModel.trainable = false;

// Use a Sequential model to add a trainable classifier on top
model = new models.Sequential([
  baseModel,
  layers.Dense(1000),
]);

// Compile & train: a few 71x71 images (Xception's smallest input) with random labels.
model.compile({ optimizer: "adam", loss: tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
const nImages = QUICK ? 4 : 16;
const transferHistory = await model.fit(tf.random.uniform([nImages, 71, 71, 3]), tf.random.randint([nImages], 0, 1000), { epochs: 1, batchSize: 4, verbose: 0 });
console.log(`Xception base + Dense(1000): trainable weights ${model.trainableWeights.length} (the Dense's), non-trainable ${model.nonTrainableWeights.length}, loss ${transferHistory.history.loss[0].toFixed(4)}`);
