/**
 * Keras' guide "Understanding masking & padding" (Scott Zhu, Francois Chollet), every code cell
 * ported to lamina: padding with padSequences, mask-generating layers (Embedding with maskZero,
 * Masking), mask propagation in Sequential and functional models, passing masks by hand, and
 * custom layers that modify, generate, propagate or consume masks.
 *
 *   https://keras.io/guides/understanding_masking_and_padding/
 *   npx tsx examples/guides/understanding-masking-and-padding.ts     (QUICK=1: the same, it is already fast)
 *
 * Keras' `tensor._keras_mask` is lamina's `tensor.kerasMask`. The guide's `np.random` data comes from
 * lamina's random ops.
 */
import * as tf from "../../src/index.js";

const { layers, models } = tf;
tf.random.setSeed(1);

// ## Padding sequence data
const rawInputs = [
  [711, 632, 71],
  [73, 8, 3215, 55, 927],
  [83, 91, 1, 645, 1253, 927],
];
// By default this pads with 0s ("value" changes it); "pre" pads at the start, "post" at the end.
const paddedInputs = tf.preprocessing.sequence.padSequences(rawInputs, { padding: "post" });
console.log(paddedInputs.toString());

// ## Mask-generating layers: Embedding and Masking
const embedding = layers.Embedding({ inputDim: 5000, outputDim: 16, maskZero: true });
const maskedOutput = embedding(paddedInputs) as tf.Tensor;
console.log(maskedOutput.kerasMask!.toString());

const maskingLayer = layers.Masking();
// Simulate the embedding lookup by expanding the 2D input to 3D, with embedding dimension of 10.
const unmaskedEmbedding = tf.cast(tf.tile(tf.expandDims(paddedInputs, -1), [1, 1, 10]), "float32");
const maskedEmbedding = maskingLayer(unmaskedEmbedding) as tf.Tensor;
console.log(maskedEmbedding.kerasMask!.toString());

// ## Mask propagation in the Functional API and Sequential API
// The LSTM receives the Embedding's mask and ignores the padded steps.
let model: tf.models.Model = new models.Sequential([layers.Embedding({ inputDim: 5000, outputDim: 16, maskZero: true }), layers.LSTM(32)]);

{
  const inputs = layers.Input({ shape: [null], dtype: "int32" });
  const x = layers.Embedding({ inputDim: 5000, outputDim: 16, maskZero: true })(inputs);
  const outputs = layers.LSTM(32)(x);
  model = new models.Model({ inputs, outputs });
}

// ## Passing mask tensors directly to layers
class MyLayer extends layers.Layer {
  embedding = layers.Embedding({ inputDim: 5000, outputDim: 16, maskZero: true });
  lstm = layers.LSTM(32);

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = this.embedding(inputs) as tf.Tensor;
    // A mask may also be prepared by hand: a bool tensor [batch, timesteps].
    const mask = this.embedding.computeMask(inputs);
    return this.lstm.apply(x, { mask }) as tf.Tensor; // the LSTM ignores the masked steps
  }
}

{
  const layer = new MyLayer();
  const x = tf.cast(tf.mul(tf.random.uniform([32, 10]), 100), "int32");
  const out = layer(x) as tf.Tensor;
  console.log("MyLayer output shape:", out.shape);
}

// ## Supporting masking in your custom layers
/** Splits the input tensor into 2 tensors along the time dimension (axis 1), and its mask too. */
class TemporalSplit extends layers.Layer {
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.split(inputs as tf.Tensor, 2, 1);
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask: tf.layers.Mask): tf.layers.Mask {
    if (mask === null) return null;
    return tf.split(mask as tf.Tensor, 2, 1);
  }
}

// A layer with several outputs: apply() returns them as a list.
const [firstHalf, secondHalf] = new TemporalSplit().apply(maskedEmbedding) as tf.Tensor[];
console.log(firstHalf.kerasMask!.toString());
console.log(secondHalf.kerasMask!.toString());

/** An embedding that generates a mask from its input values. */
class CustomEmbedding extends layers.Layer {
  embeddings!: tf.Variable;

  constructor(
    readonly inputDim: number,
    readonly outputDim: number,
    readonly maskZero = false,
    args: tf.layers.LayerArgs = {},
  ) {
    super(args);
  }

  override build(): void {
    this.embeddings = this.addWeight("embeddings", [this.inputDim, this.outputDim], { initializer: "random_normal", dtype: "float32" });
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.gather(this.embeddings, inputs as tf.Tensor);
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.layers.Mask {
    if (!this.maskZero) return null;
    return tf.notEqual(inputs as tf.Tensor, 0);
  }
}

{
  const layer = new CustomEmbedding(10, 32, true);
  const x = tf.cast(tf.mul(tf.random.uniform([3, 10]), 9), "int32");
  const y = layer(x) as tf.Tensor;
  const mask = layer.computeMask(x) as tf.Tensor;
  console.log(mask.toString());
  console.log("CustomEmbedding output shape:", y.shape);
}

// ## Opting-in to mask propagation on compatible layers
class MyActivation extends layers.Layer {
  constructor(args: tf.layers.LayerArgs = {}) {
    super(args);
    // Signal that the layer is safe for mask propagation.
    this.supportsMasking = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.relu(inputs as tf.Tensor);
  }
}

{
  const inputs = layers.Input({ shape: [null], dtype: "int32" });
  let x = layers.Embedding({ inputDim: 5000, outputDim: 16, maskZero: true })(inputs);
  x = new MyActivation()(x); // passes the mask along
  // Keras prints the KerasTensor of the mask; lamina's symbolic tensors carry one too.
  console.log("Mask found:", x.kerasMask?.toString() ?? null);
  const outputs = layers.LSTM(32)(x); // receives the mask
  model = new models.Model({ inputs, outputs });
}

// ## Writing layers that need mask information
/** A softmax over the time axis (axis 1) that discards the masked timesteps. */
class TemporalSoftmax extends layers.Layer {
  call(inputs: tf.Tensor | tf.Tensor[], { mask }: tf.layers.CallOptions): tf.Tensor {
    const broadcastFloatMask = tf.expandDims(tf.cast(mask as tf.Tensor, "float32"), -1);
    const inputsExp = tf.mul(tf.exp(inputs as tf.Tensor), broadcastFloatMask);
    const inputsSum = tf.sum(tf.mul(inputs as tf.Tensor, broadcastFloatMask), 1, true);
    return tf.div(inputsExp, inputsSum);
  }
}

{
  const inputs = layers.Input({ shape: [null], dtype: "int32" });
  let x = layers.Embedding({ inputDim: 10, outputDim: 32, maskZero: true })(inputs);
  x = layers.Dense(1)(x);
  const outputs = new TemporalSoftmax()(x);
  model = new models.Model({ inputs, outputs });
  // Keras' guide passes a second positional argument (random floats) that its call ignores as
  // `training`; lamina's call takes options instead, so it is left out.
  const y = model(tf.random.randint([32, 100], 0, 10)) as tf.Tensor;
  console.log("TemporalSoftmax model output shape:", y.shape);
}
