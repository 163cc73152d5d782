/**
 * Keras' guide "Working with RNNs" (Scott Zhu, Francois Chollet), every code cell ported to
 * lamina: the built-in SimpleRNN/GRU/LSTM layers, outputs and states, an encoder-decoder passing
 * states, RNN cells, cross-batch statefulness and state reuse, Bidirectional, an LSTM over the
 * rows of 28x28 images trained twice (LSTM layer, then RNN(LSTMCell) with the same weights), and
 * a custom cell with nested inputs, outputs and states (NestedCell) trained on random data.
 *
 *   https://keras.io/guides/working_with_rnns/
 *   npx tsx examples/guides/working-with-rnns.ts     (QUICK=1: 256 training images, 128 test images)
 *
 * The guide trains on MNIST; there is no network here, so it uses Fashion-MNIST, bundled with
 * lamina (/usr/share/datasets/fashion-mnist/, same shapes and 10 classes). Its `np.random` data
 * comes from lamina's random ops.
 */
import * as tf from "../../src/index.js";

const { layers, models, losses } = tf;
const QUICK = process.env.QUICK === "1";
tf.random.setSeed(42);

// ## Built-in RNN layers: a simple example
const first = new models.Sequential();
// An Embedding layer expecting input vocab of size 1000, and output embedding dimension of size 64.
first.add(layers.Embedding({ inputDim: 1000, outputDim: 64 }));
// A LSTM layer with 128 internal units.
first.add(layers.LSTM(128));
// A Dense layer with 10 units.
first.add(layers.Dense(10));
// Unbuilt (no Input, no data yet): Keras prints "?" and "0 (unbuilt)" too.
first.summary();
let model: tf.models.Model = first;

// ## Outputs and states
{
  const seq = new models.Sequential();
  seq.add(layers.Embedding({ inputDim: 1000, outputDim: 64 }));
  // The output of GRU will be a 3D tensor of shape (batch_size, timesteps, 256).
  seq.add(layers.GRU(256, { returnSequences: true }));
  // The output of SimpleRNN will be a 2D tensor of shape (batch_size, 128).
  seq.add(layers.SimpleRNN(128));
  seq.add(layers.Dense(10));
  seq.summary();
  model = seq;
}

// An encoder-decoder: the encoder's final states are the decoder's initial states.
{
  const encoderVocab = 1000;
  const decoderVocab = 2000;

  const encoderInput = layers.Input({ shape: [null] });
  const encoderEmbedded = layers.Embedding({ inputDim: encoderVocab, outputDim: 64 })(encoderInput);
  // Return states in addition to output (a layer with several outputs gives a list).
  const [, stateH, stateC] = layers.LSTM(64, { returnState: true, name: "encoder" }).apply(encoderEmbedded) as tf.layers.SymbolicTensor[];
  const encoderState = [stateH, stateC];

  const decoderInput = layers.Input({ shape: [null] });
  const decoderEmbedded = layers.Embedding({ inputDim: decoderVocab, outputDim: 64 })(decoderInput);
  // Pass the 2 states to a new LSTM layer, as initial state.
  const decoderOutput = layers.LSTM(64, { name: "decoder" }).apply(decoderEmbedded, { initialState: encoderState }) as tf.layers.SymbolicTensor;
  const output = layers.Dense(10)(decoderOutput);

  model = new models.Model({ inputs: [encoderInput, decoderInput], outputs: output });
  model.summary();
}

// ## RNN layers and RNN cells
// (prose only) RNN(LSTMCell(10)) computes what LSTM(10) does; the cells are SimpleRNNCell,
// GRUCell and LSTMCell, and a custom cell extends layers.RNNCell.

// ## Cross-batch statefulness
{
  const paragraph1 = tf.random.uniform([20, 10, 50]);
  const paragraph2 = tf.random.uniform([20, 10, 50]);
  const paragraph3 = tf.random.uniform([20, 10, 50]);

  const lstmLayer = layers.LSTM(64, { stateful: true });
  let output = lstmLayer(paragraph1);
  output = lstmLayer(paragraph2);
  output = lstmLayer(paragraph3);
  console.log("stateful output after 3 paragraphs:", output.shape);

  // resetStates() resets the cached states to zeros (no initial state was given).
  lstmLayer.resetStates();
  console.log("states zero after resetStates:", tf.max(tf.abs(lstmLayer.states![0])).item() === 0);
}

// ### RNN State Reuse
{
  const paragraph1 = tf.random.uniform([20, 10, 50]);
  const paragraph2 = tf.random.uniform([20, 10, 50]);
  const paragraph3 = tf.random.uniform([20, 10, 50]);

  const lstmLayer = layers.LSTM(64, { stateful: true });
  let output = lstmLayer(paragraph1);
  output = lstmLayer(paragraph2);

  const existingState = lstmLayer.states!;

  const newLstmLayer = layers.LSTM(64);
  const newOutput = newLstmLayer.apply(paragraph3, { initialState: existingState }) as tf.Tensor;
  console.log("reused states:", existingState.map((s) => s.shape), "new output:", newOutput.shape, "(previous:", output.shape, ")");
}

// ## Bidirectional RNNs
{
  const seq = new models.Sequential();
  seq.add(layers.Bidirectional(layers.LSTM(64, { returnSequences: true }), { inputShape: [5, 10] }));
  seq.add(layers.Bidirectional(layers.LSTM(32)));
  seq.add(layers.Dense(10));
  seq.summary();
  model = seq;
}

// ## Performance optimization and CuDNN kernels
// (prose only) lamina has no CuDNN: LSTM(units) and RNN(LSTMCell(units)) run the same CPU loop.

// ### Using CuDNN kernels when available
const batchSize = 64;
// Each image batch is a tensor of shape (batch_size, 28, 28); each input sequence is (28, 28):
// the height is treated like time.
const inputDim = 28;
const units = 64;
const outputSize = 10; // labels are from 0 to 9

// Build the RNN model.
function buildModel(allowCudnnKernel = true): tf.models.Sequential {
  // Keras: LSTM(units) may use CuDNN, RNN(LSTMCell(units)) never does; in lamina both are the same loop.
  const lstmLayer = allowCudnnKernel
    ? layers.LSTM(units, { inputShape: [null, inputDim] })
    : layers.RNN(layers.LSTMCell(units), { inputShape: [null, inputDim] });
  return new models.Sequential([lstmLayer, layers.BatchNormalization(), layers.Dense(outputSize)]);
}

// Let's load the data: Fashion-MNIST standing in for MNIST (no network here).
let [[xTrainRaw, yTrain], [xTestRaw, yTest]] = await tf.datasets.fashionMnist.loadData();
if (QUICK) {
  const head = (x: tf.Tensor, n: number): tf.Tensor => tf.slice(x, [0], [n]);
  [xTrainRaw, yTrain, xTestRaw, yTest] = [head(xTrainRaw, 256), head(yTrain, 256), head(xTestRaw, 128), head(yTest, 128)];
}
const xTrain = tf.div(tf.cast(xTrainRaw, "float32"), 255);
const xTest = tf.div(tf.cast(xTestRaw, "float32"), 255);
const sample = tf.slice(xTrain, [0], [1]);
const sampleLabel = Number(tf.slice(yTrain, [0], [1]).dataSync()[0]);

model = buildModel(true);
model.compile({
  loss: losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: "sgd",
  metrics: ["accuracy"],
});
const h1 = await model.fit(xTrain, yTrain, { validationData: [xTest, yTest], batchSize, epochs: 1 });
console.log(`LSTM layer: loss ${h1.history.loss[0].toFixed(4)}, val_accuracy ${h1.history.val_accuracy[0].toFixed(4)}`);

// Now a model built from RNN(LSTMCell), starting from the trained weights.
const noncudnnModel = buildModel(false);
noncudnnModel.setWeights(model.getWeights());
const same = tf.max(tf.abs(tf.sub(noncudnnModel.predict(xTest) as tf.Tensor, model.predict(xTest) as tf.Tensor))).item();
console.log(`RNN(LSTMCell) with the LSTM's weights: max prediction difference ${Number(same).toExponential(2)}`);
noncudnnModel.compile({
  loss: losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: "sgd",
  metrics: ["accuracy"],
});
const h2 = await noncudnnModel.fit(xTrain, yTrain, { validationData: [xTest, yTest], batchSize, epochs: 1 });
console.log(`RNN(LSTMCell): loss ${h2.history.loss[0].toFixed(4)}, val_accuracy ${h2.history.val_accuracy[0].toFixed(4)}`);

// Keras' `with tf.device("CPU:0")` only forces placement; lamina always computes on the CPU.
{
  const cpuModel = buildModel(true);
  cpuModel.setWeights(model.getWeights());
  const result = tf.ops.argmax(cpuModel.predictOnBatch(sample) as tf.Tensor, 1);
  console.log(`Predicted result is: ${JSON.stringify(result.arraySync())}, target result is: ${sampleLabel}`);
  // plt.imshow(sample): lamina has no plotting of images to the screen here; tf.utils.saveImage could write it to a file.
}

// ## RNNs with list/dict inputs, or nested inputs
// A cell whose step takes a list of inputs of different ranks, keeps states of any shape and
// returns a list of outputs; layers.RNN runs it over a list of sequences.

// ### Define a custom cell that supports nested input/output
class NestedCell extends layers.RNNCell {
  readonly unit1: number;
  readonly unit2: number;
  readonly unit3: number;
  kernel1!: tf.Variable;
  kernel23!: tf.Variable;

  constructor(args: tf.layers.LayerArgs & { unit1: number; unit2: number; unit3: number }) {
    super(args);
    this.unit1 = args.unit1;
    this.unit2 = args.unit2;
    this.unit3 = args.unit3;
  }

  // Keras: state_size = [TensorShape([unit_1]), TensorShape([unit_2, unit_3])], and output_size the same.
  get stateSize(): tf.layers.CellSize[] {
    return [[this.unit1], [this.unit2, this.unit3]];
  }
  override get outputSize(): tf.layers.CellSize[] {
    return [[this.unit1], [this.unit2, this.unit3]];
  }

  override build(inputShapes: (number | null)[][]): void {
    // expect input_shape to contain 2 items, [(batch, i1), (batch, i2, i3)]
    const i1 = inputShapes[0][1]!;
    const i2 = inputShapes[1][1]!;
    const i3 = inputShapes[1][2]!;
    this.kernel1 = this.addWeight({ shape: [i1, this.unit1], initializer: "uniform", name: "kernel_1" });
    this.kernel23 = this.addWeight({ shape: [i2, i3, this.unit2, this.unit3], initializer: "uniform", name: "kernel_2_3" });
  }

  step(inputs: tf.Tensor[], states: tf.Tensor[]): [tf.Tensor[], tf.Tensor[]] {
    // inputs should be in [(batch, input_1), (batch, input_2, input_3)]
    // state should be in shape [(batch, unit_1), (batch, unit_2, unit_3)]
    const [input1, input2] = inputs;
    const [s1, s2] = states;

    const output1 = tf.matmul(input1, this.kernel1);
    const output23 = tf.einsum("bij,ijkl->bkl", input2, this.kernel23);
    const state1 = tf.add(s1, output1);
    const state23 = tf.add(s2, output23);

    const output = [output1, output23];
    const newStates = [state1, state23];

    return [output, newStates];
  }

  override getConfig(): Record<string, unknown> {
    return { unit_1: this.unit1, unit_2: this.unit2, unit_3: this.unit3 };
  }
}
tf.serialization.registerKerasSerializable(NestedCell);

// ### Build a RNN model with nested input/output
{
  const unit1 = 10;
  const unit2 = 20;
  const unit3 = 30;

  const i1 = 32;
  const i2 = 64;
  const i3 = 32;
  const batchSize = 64;
  // QUICK: one batch of 5 timesteps (the guide: 10 batches of 50).
  const numBatches = QUICK ? 1 : 10;
  const timestep = QUICK ? 5 : 50;

  const cell = new NestedCell({ unit1, unit2, unit3 });
  const rnn = layers.RNN(cell);

  const input1 = layers.Input({ shape: [null, i1] });
  const input2 = layers.Input({ shape: [null, i2, i3] });

  // Keras' rnn((input_1, input_2)): a list of sequences (with no initialState, a list's last
  // entries are read as initial states only when they have the states' shapes).
  const outputs = rnn.apply([input1, input2]) as tf.layers.SymbolicTensor[];

  const model = new models.Model({ inputs: [input1, input2], outputs });

  // The guide's metrics=["accuracy"] predates Keras 3, which (as lamina) wants one entry per output of a two-output model.
  model.compile({ optimizer: "adam", loss: "mse", metrics: [["accuracy"], ["accuracy"]] });
  console.log("nested outputs:", outputs.map((t) => t.shape), "params:", model.countParams());

  // ### Train the model with randomly generated data
  // Since there isn't a good candidate dataset for this model, we use random data for demonstration.
  const input1Data = tf.random.uniform([batchSize * numBatches, timestep, i1]);
  const input2Data = tf.random.uniform([batchSize * numBatches, timestep, i2, i3]);
  const target1Data = tf.random.uniform([batchSize * numBatches, unit1]);
  const target2Data = tf.random.uniform([batchSize * numBatches, unit2, unit3]);
  const inputData = [input1Data, input2Data];
  const targetData = [target1Data, target2Data];

  const nested = await model.fit(inputData, targetData, { batchSize });
  console.log(`nested RNN: loss ${nested.history.loss[0].toFixed(4)} (${Object.keys(nested.history).join(", ")})`);
}
// With layers.RNN you only define the math of one step of the sequence; the layer handles the
// iteration over time (masks, goBackwards, returnSequences, returnState, statefulness included).
