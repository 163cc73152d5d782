/**
 * Keras guide "Making new layers and models via subclassing" (fchollet, last modified 2023/03/16),
 * every code cell in order, on lamina: https://keras.io/guides/making_new_layers_and_models_via_subclassing/
 *
 *   npx tsx examples/guides/making-new-layers-and-models-via-subclassing.ts
 *   QUICK=1 npx tsx examples/guides/making-new-layers-and-models-via-subclassing.ts   (a few seconds)
 *
 * The guide trains its VAE on MNIST; this port uses the bundled Fashion-MNIST (same shapes, 60,000
 * training images of 28x28 in [0, 255]), which lamina's datasets.fashionMnist reads offline.
 * QUICK=1 trains on 512 images for one epoch each way.
 *
 * TypeScript differs from Python where it must: layers take their options as one object (no
 * kwargs), so a layer meant to be rebuilt from its config takes `{ units, ...layerArgs }`; tensor
 * arithmetic is a function call (`tf.add(tf.matmul(x, w), b)` for `x @ w + b`); fit is async.
 */
import * as tf from "../../src/index.js";

const { layers, models, losses, metrics, optimizers, regularizers, datasets } = tf;

const QUICK = process.env.QUICK === "1";
tf.random.setSeed(42);

/** A number list as Python prints a float32 numpy array: [2. 2.]. */
const npText = (t: tf.Tensor): string => `[${[...t.dataSync()].map((v) => (Number.isInteger(Number(v)) ? `${v}.` : String(v))).join(" ")}]`;

// ## The `Layer` class: the combination of state (weights) and some computation

class Linear extends layers.Layer {
  w: tf.Variable;
  b: tf.Variable;
  constructor(units = 32, inputDim = 32) {
    super();
    this.w = this.addWeight({ shape: [inputDim, units], initializer: "random_normal", trainable: true });
    this.b = this.addWeight({ shape: [units], initializer: "zeros", trainable: true });
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.add(tf.matmul(inputs as tf.Tensor, this.w), this.b);
  }
}

// You would use a layer by calling it on some tensor input(s), much like a function.
{
  const x = tf.ones([2, 2]);
  const linearLayer = new Linear(4, 2);
  const y = linearLayer(x);
  console.log(y.toString());

  // The weights `w` and `b` are automatically tracked by the layer upon being set as layer attributes:
  const same = linearLayer.weights.length === 2 && linearLayer.weights[0] === linearLayer.w && linearLayer.weights[1] === linearLayer.b;
  if (!same) throw new Error("linearLayer.weights is not [linearLayer.w, linearLayer.b]");
}

// ## Layers can have non-trainable weights

class ComputeSum extends layers.Layer {
  total: tf.Variable;
  constructor(inputDim: number) {
    super();
    this.total = this.addWeight({ initializer: "zeros", shape: [inputDim], trainable: false });
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    this.total.assignAdd(tf.sum(inputs as tf.Tensor, 0));
    return this.total;
  }
}

{
  const x = tf.ones([2, 2]);
  const mySum = new ComputeSum(2);
  let y = mySum(x);
  console.log(npText(y));
  y = mySum(x);
  console.log(npText(y));

  // It's part of `layer.weights`, but it gets categorized as a non-trainable weight:
  console.log("weights:", mySum.weights.length);
  console.log("non-trainable weights:", mySum.nonTrainableWeights.length);

  // It's not included in the trainable weights:
  console.log("trainable_weights:", mySum.trainableWeights);
}

// ## Best practice: deferring weight creation until the shape of the inputs is known
// (the guide repeats the eager Linear above here; it is the same class.)

{
  class Linear extends layers.Layer {
    w!: tf.Variable;
    b!: tf.Variable;
    constructor(readonly units = 32) {
      super();
    }

    override build(inputShape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
      const shape = inputShape as tf.layers.LayerShape;
      this.w = this.addWeight({ shape: [shape[shape.length - 1]!, this.units], initializer: "random_normal", trainable: true });
      this.b = this.addWeight({ shape: [this.units], initializer: "random_normal", trainable: true });
    }

    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.add(tf.matmul(inputs as tf.Tensor, this.w), this.b);
    }
  }

  // At instantiation, we don't know on what inputs this is going to get called
  const linearLayer = new Linear(32);
  // The layer's weights are created dynamically the first time the layer is called
  const y = linearLayer(tf.ones([2, 2]));
  console.log("lazy Linear(32) on (2, 2): output shape", y.shape, "w shape", linearLayer.w.shape);
  // The guide's note on tf.init_scope concerns variables created inside a tf.function trace;
  // lamina runs eagerly, so a weight created in a first call needs no such scope.

  // ## Layers are recursively composable

  class MLPBlock extends layers.Layer {
    linear1 = new Linear(32);
    linear2 = new Linear(32);
    linear3 = new Linear(1);

    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      let x = this.linear1(inputs as tf.Tensor);
      x = tf.relu(x);
      x = this.linear2(x);
      x = tf.relu(x);
      return this.linear3(x);
    }
  }

  const mlp = new MLPBlock();
  mlp(tf.ones([3, 64])); // The first call to the `mlp` will create the weights
  console.log("weights:", mlp.weights.length);
  console.log("trainable weights:", mlp.trainableWeights.length);
}

// ## The `add_loss()` method

// A layer that creates an activity regularization loss
class ActivityRegularizationLayer extends layers.Layer {
  constructor(readonly rate = 1e-2) {
    super();
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    this.addLoss(tf.mul(this.rate, tf.mean(inputs as tf.Tensor)));
    return inputs as tf.Tensor;
  }
}

{
  class OuterLayer extends layers.Layer {
    activityReg = new ActivityRegularizationLayer(1e-2);
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.activityReg(inputs as tf.Tensor);
    }
  }

  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new Error(what);
  };
  const layer = new OuterLayer();
  check(layer.losses.length === 0, "no losses yet since the layer has never been called");
  // The guide's tf.zeros(1, 1) is TF's zeros(shape=1, dtype=1), a vector of one zero.
  layer(tf.zeros([1]));
  check(layer.losses.length === 1, "we created one loss value");
  // `layer.losses` gets reset at the start of each call
  layer(tf.zeros([1]));
  check(layer.losses.length === 1, "this is the loss created during the call above");
  console.log("OuterLayer losses after two calls:", layer.losses.length);
}

// In addition, the `losses` property also contains regularization losses created for the
// weights of any inner layer:
{
  class OuterLayerWithKernelRegularizer extends layers.Layer {
    dense = layers.Dense(32, { kernelRegularizer: regularizers.l2(1e-3) });
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.dense(inputs as tf.Tensor);
    }
  }

  const layer = new OuterLayerWithKernelRegularizer();
  layer(tf.zeros([1, 1]));
  // This is `1e-3 * sum(layer.dense.kernel ** 2)`, created by the `kernelRegularizer` above.
  console.log(layer.losses.map((l) => l.toString()));
  const byHand = tf.mul(1e-3, tf.sum(tf.square(layer.dense.weights[0])));
  console.log(`kernel regularization loss ${layer.losses[0].item().toFixed(6)} = 1e-3 * sum(kernel^2) ${byHand.item().toFixed(6)}`);
}

// These losses are meant to be taken into account when writing training loops (the guide shows
// this loop as text; see writing-a-custom-training-loop.ts for one that runs):
//
//   const optimizer = optimizers.SGD({ learningRate: 1e-3 });
//   const lossFn = losses.SparseCategoricalCrossentropy({ fromLogits: true });
//   for await (const [xBatchTrain, yBatchTrain] of trainDataset) {
//     const tape = new tf.GradientTape();
//     const lossValue = tape.run(() => {
//       const logits = layer(xBatchTrain);                  // Logits for this minibatch
//       let loss = lossFn(yBatchTrain, logits);             // Loss value for this minibatch
//       return tf.add(loss, tf.addN(model.losses));         // Add extra losses created during this forward pass
//     });
//     const grads = tape.gradient(lossValue, model.trainableWeights);
//     optimizer.applyGradients(grads.map((g, i) => [g, model.trainableWeights[i]]));
//   }

// These losses also work seamlessly with fit() (they get automatically summed and added to the
// main loss, if any):
{
  const inputs = layers.Input({ shape: [3] });
  const outputs = new ActivityRegularizationLayer()(inputs);
  const model = new models.Model({ inputs, outputs });

  // If there is a loss passed in `compile`, the regularization losses get added to it
  model.compile({ optimizer: "adam", loss: "mse" });
  const h1 = await model.fit(tf.random.uniform([2, 3]), tf.random.uniform([2, 3]));

  // It's also possible not to pass any loss in `compile`, since the model already has a loss to
  // minimize, via the `addLoss` call during the forward pass!
  model.compile({ optimizer: "adam" });
  const h2 = await model.fit(tf.random.uniform([2, 3]), tf.random.uniform([2, 3]));
  console.log(`fit with loss "mse": loss ${h1.history.loss[0].toFixed(4)}; fit with the added loss only: loss ${h2.history.loss[0].toFixed(4)}`);
}

// ## You can optionally enable serialization on your layers
// (The guide writes Linear out in full at each step; so does this port, each in its own block.)

interface LinearOptions {
  units?: number;
}

{
  // lamina rebuilds a layer from its config as `new Class(config)` (Keras: `cls(**config)`), so a
  // serializable layer takes its arguments as one object.
  class Linear extends layers.Layer {
    readonly units: number;
    w!: tf.Variable;
    b!: tf.Variable;
    constructor({ units = 32 }: LinearOptions = {}) {
      super();
      this.units = units;
    }

    override build(inputShape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
      const shape = inputShape as tf.layers.LayerShape;
      this.w = this.addWeight({ shape: [shape[shape.length - 1]!, this.units], initializer: "random_normal", trainable: true });
      this.b = this.addWeight({ shape: [this.units], initializer: "random_normal", trainable: true });
    }

    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.add(tf.matmul(inputs as tf.Tensor, this.w), this.b);
    }

    override getConfig(): Record<string, unknown> {
      return { units: this.units };
    }
  }

  // Now you can recreate the layer from its config:
  const layer = new Linear({ units: 64 });
  const config = layer.getConfig();
  console.log(config);
  const newLayer = Linear.fromConfig(config) as Linear;
  console.log(`recreated: units ${newLayer.units}`);
}

// The base Layer constructor takes some options, in particular a `name` and a `dtype`. It's good
// practice to pass them to the parent class and to include them in the layer config:
{
  class Linear extends layers.Layer {
    readonly units: number;
    w!: tf.Variable;
    b!: tf.Variable;
    constructor({ units = 32, ...kwargs }: LinearOptions & tf.layers.LayerArgs = {}) {
      super(kwargs);
      this.units = units;
    }

    override build(inputShape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
      const shape = inputShape as tf.layers.LayerShape;
      this.w = this.addWeight({ shape: [shape[shape.length - 1]!, this.units], initializer: "random_normal", trainable: true });
      this.b = this.addWeight({ shape: [this.units], initializer: "random_normal", trainable: true });
    }

    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.add(tf.matmul(inputs as tf.Tensor, this.w), this.b);
    }

    override getConfig(): Record<string, unknown> {
      const config = super.getConfig();
      Object.assign(config, { units: this.units });
      return config;
    }
  }

  const layer = new Linear({ units: 64 });
  const config = layer.getConfig();
  console.log(config);
  const newLayer = Linear.fromConfig(config) as Linear;
  console.log(`recreated: ${newLayer.name}, units ${newLayer.units}`);
}

// If you need more flexibility when deserializing the layer from its config, you can also
// override the static `fromConfig()`; the base one amounts to `new this(config)`.

// ## Privileged `training` argument in the `call()` method

class CustomDropout extends layers.Layer {
  constructor(readonly rate: number, kwargs: tf.layers.LayerArgs = {}) {
    super(kwargs);
  }

  call(inputs: tf.Tensor | tf.Tensor[], { training = false }: tf.layers.CallOptions = {}): tf.Tensor {
    if (training) return tf.nn.dropout(inputs as tf.Tensor, this.rate);
    return inputs as tf.Tensor;
  }
}

{
  const drop = new CustomDropout(0.5);
  const ones = tf.ones([1, 1000]);
  const kept = (t: tf.Tensor): number => [...t.dataSync()].filter((v) => v !== 0).length;
  console.log(`CustomDropout(0.5): ${kept(drop(ones, { training: true }))} of 1000 kept in training, ${kept(drop(ones))} in inference`);
}

// ## Privileged `mask` argument in the `call()` method
// lamina passes `mask` in call's options (`call(inputs, { training, mask })`) when a prior layer
// makes one (Embedding with maskZero: true, Masking), as Keras does.

// ## The `Model` class
// The guide shows this ResNet as text (ResNetBlock is not defined in it); in lamina:
//
//   class ResNet extends models.Model {
//     block1 = new ResNetBlock();
//     block2 = new ResNetBlock();
//     globalPool = layers.GlobalAveragePooling2D();
//     classifier = layers.Dense(numClasses);
//     call(inputs) { return this.classifier(this.globalPool(this.block2(this.block1(inputs)))); }
//   }
//   const resnet = new ResNet();
//   await resnet.fit(dataset, { epochs: 10 });
//   await resnet.save("filepath.keras");

// ## Putting it all together: an end-to-end example

/** Uses (zMean, zLogVar) to sample z, the vector encoding a digit. */
class Sampling extends layers.Layer {
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [zMean, zLogVar] = inputs as tf.Tensor[];
    const batch = tf.ops.shape(zMean)[0];
    const dim = tf.ops.shape(zMean)[1];
    const epsilon = tf.random.normal([batch, dim]);
    return tf.add(zMean, tf.mul(tf.exp(tf.mul(0.5, zLogVar)), epsilon));
  }
}

/** Maps MNIST digits to a triplet (zMean, zLogVar, z). */
class Encoder extends layers.Layer {
  denseProj: tf.layers.Layer;
  denseMean: tf.layers.Layer;
  denseLogVar: tf.layers.Layer;
  sampling = new Sampling();
  constructor({ latentDim = 32, intermediateDim = 64, name = "encoder", ...kwargs }: { latentDim?: number; intermediateDim?: number } & tf.layers.LayerArgs = {}) {
    super({ name, ...kwargs });
    this.denseProj = layers.Dense(intermediateDim, { activation: "relu" });
    this.denseMean = layers.Dense(latentDim);
    this.denseLogVar = layers.Dense(latentDim);
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const x = this.denseProj(inputs as tf.Tensor);
    const zMean = this.denseMean(x);
    const zLogVar = this.denseLogVar(x);
    const z = this.sampling([zMean, zLogVar]);
    return [zMean, zLogVar, z];
  }
}

/** Converts z, the encoded digit vector, back into a readable digit. */
class Decoder extends layers.Layer {
  denseProj: tf.layers.Layer;
  denseOutput: tf.layers.Layer;
  constructor(originalDim: number, { intermediateDim = 64, name = "decoder", ...kwargs }: { intermediateDim?: number } & tf.layers.LayerArgs = {}) {
    super({ name, ...kwargs });
    this.denseProj = layers.Dense(intermediateDim, { activation: "relu" });
    this.denseOutput = layers.Dense(originalDim, { activation: "sigmoid" });
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = this.denseProj(inputs as tf.Tensor);
    return this.denseOutput(x);
  }
}

/** Combines the encoder and decoder into an end-to-end model for training. */
class VariationalAutoEncoder extends models.Model {
  readonly originalDim: number;
  encoder: Encoder;
  decoder: Decoder;
  constructor(originalDim: number, intermediateDim = 64, latentDim = 32, { name = "autoencoder", ...kwargs }: tf.layers.LayerArgs = {}) {
    super({ name, ...kwargs });
    this.originalDim = originalDim;
    this.encoder = new Encoder({ latentDim, intermediateDim });
    this.decoder = new Decoder(originalDim, { intermediateDim });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [zMean, zLogVar, z] = this.encoder(inputs as tf.Tensor) as unknown as tf.Tensor[];
    const reconstructed = this.decoder(z);
    // Add KL divergence regularization loss.
    const klLoss = tf.mul(-0.5, tf.mean(tf.add(tf.sub(tf.sub(zLogVar, tf.square(zMean)), tf.exp(zLogVar)), 1)));
    this.addLoss(klLoss);
    return reconstructed;
  }
}

// Let's write a simple training loop on MNIST (here Fashion-MNIST, see the header):
const originalDim = 784;
let vae = new VariationalAutoEncoder(originalDim, 64, 32);

let optimizer = optimizers.Adam({ learningRate: 1e-3 });
const mseLossFn = losses.MeanSquaredError();

const lossMetric = metrics.Mean();

const [[xTrainRaw]] = await datasets.fashionMnist.loadData();
const nTrain = QUICK ? 512 : 60000;
const xTrain = tf.div(tf.cast(tf.reshape(tf.slice(xTrainRaw, [0, 0, 0], [nTrain, -1, -1]), [nTrain, 784]), "float32"), 255);

let trainDataset = tf.data.Dataset.fromTensorSlices(xTrain);
trainDataset = trainDataset.shuffle(1024).batch(64);

const epochs = QUICK ? 1 : 2;

// Iterate over epochs.
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log(`Start of epoch ${epoch}`);

  // Iterate over the batches of the dataset (a Dataset is iterated with `for await`).
  let step = 0;
  for await (const xBatchTrain of trainDataset) {
    const tape = new tf.GradientTape();
    const loss = tape.run(() => {
      const reconstructed = vae(xBatchTrain);
      // Compute reconstruction loss
      let loss = mseLossFn(xBatchTrain, reconstructed);
      loss = tf.add(loss, tf.addN(vae.losses)); // Add KLD regularization loss
      return loss;
    });

    const grads = tape.gradient(loss, vae.trainableWeights);
    optimizer.applyGradients(grads.map((g, i) => [g, vae.trainableWeights[i]]));

    lossMetric(loss);

    if (step % 100 === 0) {
      console.log(`step ${step}: mean loss = ${lossMetric.result().toFixed(4)}`);
    }
    step++;
  }
}

// Note that since the VAE is subclassing `Model`, it features built-in training loops. So you
// could also have trained it like this:
vae = new VariationalAutoEncoder(784, 64, 32);

optimizer = optimizers.Adam({ learningRate: 1e-3 });

vae.compile({ optimizer, loss: losses.MeanSquaredError() });
const history = await vae.fit(xTrain, xTrain, { epochs: QUICK ? 1 : 2, batchSize: 64 });
console.log(`fit: loss ${history.history.loss.map((v) => v.toFixed(4)).join(", ")}`);
