import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import type { Tensor } from "../tensor/tensor.js";
import { normal, uniform } from "../tensor/random.js";
import { Layer, type LayerArgs, type CallOptions } from "../layers/layer.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import {
  type KerasObject, compileFromConfig, deserializeLayer, modelFromConfig, registerKerasSerializable, serializeCompileConfig,
  serializeLayer,
} from "./serialization.js";

const { layers, models } = tf;

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

function sameValues(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  assert.deepEqual([...a.dataSync()], [...b.dataSync()], `${what}: values`);
}

/** Gives every weight a new random value (variances stay positive), so copies can be told apart. */
function randomizeWeights(l: Layer, seed: number): void {
  l.setWeights(l.getWeights().map((w, i) => uniform([...w.shape], 0.5, 1.5, { seed: seed + i })));
}

function asTensorList(x: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(x) ? x : [x];
}

interface LayerCase {
  cls: string;
  make: () => Layer;
  /** Input shape(s), batch included; a list of shapes for merge layers. */
  input: number[] | number[][];
  /** The input itself, where normal noise of that shape would not do (Embedding's indices). */
  x?: () => Tensor;
  /**
   * The layer holds layers its build builds (a wrapper, an RNN's cell): from_config alone leaves
   * them unbuilt, without their build_config, until the layer is called.
   */
  nested?: boolean;
  /** The Python class name where Keras serializes the class under its export name (GroupedQueryAttention). */
  className?: string;
}

const cases: LayerCase[] = [
  {
    cls: "Dense",
    make: () => layers.Dense(5, { activation: "tanh", kernelInitializer: "he_normal", kernelRegularizer: "l2", biasConstraint: "non_neg" }),
    input: [2, 4],
  },
  { cls: "Activation", make: () => layers.Activation("sigmoid"), input: [2, 3] },
  { cls: "Flatten", make: () => layers.Flatten(), input: [2, 3, 2] },
  { cls: "Dropout", make: () => layers.Dropout(0.3, { seed: 7, noiseShape: [null, 1] }), input: [2, 4] },
  { cls: "Conv2D", make: () => layers.Conv2D(4, [3, 2], { strides: [1, 2], padding: "same", activation: "relu", biasInitializer: "ones" }), input: [2, 6, 6, 3] },
  { cls: "MaxPooling2D", make: () => layers.MaxPooling2D([2, 2], { strides: 1, padding: "same" }), input: [2, 5, 5, 2] },
  { cls: "AveragePooling2D", make: () => layers.AveragePooling2D(3, { strides: 2 }), input: [2, 7, 7, 2] },
  {
    cls: "BatchNormalization",
    make: () => layers.BatchNormalization({ momentum: 0.9, epsilon: 1e-2, scale: false, betaRegularizer: "l1", movingVarianceInitializer: "ones" }),
    input: [2, 3, 3, 4],
  },
  { cls: "Add", make: () => layers.Add(), input: [[2, 3], [2, 3]] },
  { cls: "Subtract", make: () => layers.Subtract(), input: [[2, 3], [2, 3]] },
  { cls: "Multiply", make: () => layers.Multiply(), input: [[2, 3], [2, 3], [2, 3]] },
  { cls: "Average", make: () => layers.Average(), input: [[2, 3], [2, 3]] },
  { cls: "Maximum", make: () => layers.Maximum(), input: [[2, 3], [2, 3]] },
  { cls: "Concatenate", make: () => layers.Concatenate(1), input: [[2, 3], [2, 2]] },
  { cls: "Identity", make: () => layers.Identity(), input: [2, 3] },
  { cls: "PReLU", make: () => layers.PReLU({ sharedAxes: [1], alphaRegularizer: "l2", activityRegularizer: tf.regularizers.L1L2({ l1: 0.1, l2: 0.2 }) }), input: [2, 3, 4] },
  { cls: "Minimum", make: () => layers.Minimum(), input: [[2, 3], [2, 3]] },
  { cls: "Dot", make: () => layers.Dot([1, 2], { normalize: true }), input: [[2, 3, 4], [2, 5, 3]] },
  { cls: "RepeatVector", make: () => layers.RepeatVector(3), input: [2, 4] },
  { cls: "Masking", make: () => layers.Masking({ maskValue: 0.25 }), input: [2, 3, 4] },
  { cls: "AlphaDropout", make: () => layers.AlphaDropout(0.2, { noiseShape: [null, 1], seed: 3 }), input: [2, 4] },
  { cls: "ActivityRegularization", make: () => layers.ActivityRegularization({ l1: 0.01, l2: 0.02 }), input: [2, 4] },
  { cls: "ReLU", make: () => layers.ReLU({ maxValue: 1.5, negativeSlope: 0.1, threshold: 0.2 }), input: [2, 5] },
  { cls: "LeakyReLU", make: () => layers.LeakyReLU(0.2), input: [2, 5] },
  { cls: "ELU", make: () => layers.ELU(0.7), input: [2, 5] },
  { cls: "Softmax", make: () => layers.Softmax(1), input: [2, 3, 4] },
  { cls: "Reshape", make: () => layers.Reshape([3, -1]), input: [2, 6] },
  { cls: "Permute", make: () => layers.Permute([2, 1]), input: [2, 3, 4] },
  { cls: "ZeroPadding2D", make: () => layers.ZeroPadding2D([[1, 0], [2, 1]]), input: [2, 3, 3, 1] },
  { cls: "Cropping2D", make: () => layers.Cropping2D([[1, 0], [0, 1]]), input: [2, 4, 4, 1] },
  { cls: "UpSampling2D", make: () => layers.UpSampling2D({ size: [2, 3], interpolation: "bilinear" }), input: [2, 2, 2, 1] },
  { cls: "SpatialDropout2D", make: () => layers.SpatialDropout2D(0.2, { seed: 3 }), input: [2, 3, 3, 2] },
  { cls: "GaussianNoise", make: () => layers.GaussianNoise(0.3, { seed: 2 }), input: [2, 4] },
  { cls: "GaussianDropout", make: () => layers.GaussianDropout(0.25), input: [2, 4] },
  { cls: "Rescaling", make: () => layers.Rescaling(1 / 255, { offset: -1 }), input: [2, 3] },
  { cls: "Conv2DTranspose", make: () => layers.Conv2DTranspose(3, 3, { strides: 2, padding: "same", outputPadding: 1 }), input: [2, 3, 3, 2] },
  { cls: "DepthwiseConv2D", make: () => layers.DepthwiseConv2D(3, { depthMultiplier: 2, padding: "same", depthwiseInitializer: "lecun_normal" }), input: [2, 4, 4, 2] },
  { cls: "SeparableConv2D", make: () => layers.SeparableConv2D(4, 3, { depthMultiplier: 2, pointwiseConstraint: "max_norm" }), input: [2, 5, 5, 2] },
  { cls: "GlobalAveragePooling2D", make: () => layers.GlobalAveragePooling2D({ keepdims: true }), input: [2, 3, 3, 2] },
  { cls: "GlobalMaxPooling2D", make: () => layers.GlobalMaxPooling2D(), input: [2, 3, 3, 2] },
  { cls: "LayerNormalization", make: () => layers.LayerNormalization({ axis: [1, 2], epsilon: 1e-5 }), input: [2, 3, 4] },
  {
    cls: "Embedding", make: () => layers.Embedding(6, 3, { embeddingsRegularizer: "l2", embeddingsConstraint: "non_neg" }), input: [2, 3],
    x: () => tf.constant([[0, 5, 2], [2, 1, 4]], [2, 3], "int32"),
  },
  { cls: "Lambda", make: () => layers.Lambda((x: Tensor) => tf.mul(x, 2), { outputShape: [3] }), input: [2, 3] },
  { cls: "Resizing", make: () => layers.Resizing(3, 5, { interpolation: "nearest", cropToAspectRatio: true }), input: [2, 4, 4, 2] },
  { cls: "Resizing", make: () => layers.Resizing(5, 3, { interpolation: "bicubic", cropToAspectRatio: true }), input: [2, 4, 6, 2] },
  { cls: "UpSampling2D", make: () => layers.UpSampling2D({ size: [2, 1], interpolation: "lanczos3" }), input: [2, 3, 2, 1] },
  { cls: "CenterCrop", make: () => layers.CenterCrop(2, 3), input: [2, 4, 4, 2] },
  { cls: "RandomFlip", make: () => layers.RandomFlip("horizontal", { seed: 3 }), input: [2, 4, 4, 2] },
  { cls: "RandomTranslation", make: () => layers.RandomTranslation([-0.1, 0.2], 0.3, { fillMode: "wrap", fillValue: 1, seed: 2 }), input: [2, 4, 4, 2] },
  { cls: "RandomRotation", make: () => layers.RandomRotation(0.2, { interpolation: "nearest", valueRange: [0, 1] }), input: [2, 4, 4, 2] },
  { cls: "RandomZoom", make: () => layers.RandomZoom(0.2, [-0.1, 0.1], { fillMode: "nearest" }), input: [2, 4, 4, 2] },
  { cls: "RandomCrop", make: () => layers.RandomCrop(3, 2, { seed: 5 }), input: [2, 4, 4, 2] },
  { cls: "RandomContrast", make: () => layers.RandomContrast([0.1, 0.4], { seed: 1 }), input: [2, 4, 4, 2] },
  { cls: "RandomBrightness", make: () => layers.RandomBrightness(0.1, { valueRange: [-1, 1] }), input: [2, 4, 4, 2] },
  { cls: "RandomGrayscale", make: () => layers.RandomGrayscale(0.3, { seed: 4, dataFormat: "channels_first" }), input: [2, 3, 4, 4] },
  { cls: "AutoContrast", make: () => layers.AutoContrast([0, 1]), input: [2, 4, 4, 3] },
  { cls: "Solarization", make: () => layers.Solarization([0.1, 0.2], 0.5, { valueRange: [-1, 1], seed: 2 }), input: [2, 4, 4, 3] },
  { cls: "RandomInvert", make: () => layers.RandomInvert([0.2, 0.6], { valueRange: [1, 0] }), input: [2, 4, 4, 2] },
  { cls: "RandomPosterization", make: () => layers.RandomPosterization([2, 6], { seed: 1 }), input: [2, 4, 4, 3] },
  { cls: "RandomColorDegeneration", make: () => layers.RandomColorDegeneration(0.4, { valueRange: [0, 1] }), input: [2, 4, 4, 3] },
  { cls: "RandomSaturation", make: () => layers.RandomSaturation([0.2, 0.7], { dataFormat: "channels_first" }), input: [2, 3, 4, 4] },
  { cls: "RandomHue", make: () => layers.RandomHue(0.3, { valueRange: [0, 1], seed: 8 }), input: [2, 4, 4, 3] },
  { cls: "RandomSharpness", make: () => layers.RandomSharpness([0.1, 0.9]), input: [2, 4, 4, 2] },
  { cls: "Equalization", make: () => layers.Equalization([0, 1], { bins: 64, dataFormat: "channels_first" }), input: [2, 3, 4, 4] },
  {
    cls: "RandomColorJitter", make: () => layers.RandomColorJitter({ valueRange: [0, 1], brightnessFactor: [-0.1, 0.2], contrastFactor: 0.3, hueFactor: 0.1, seed: 5 }),
    input: [2, 4, 4, 3],
  },
  { cls: "MixUp", make: () => layers.MixUp(0.4, { seed: 1 }), input: [2, 4, 4, 2] },
  { cls: "CutMix", make: () => layers.CutMix([0.2, 0.8], { dataFormat: "channels_first" }), input: [2, 2, 4, 4] },
  { cls: "RandomErasing", make: () => layers.RandomErasing(0.5, { scale: [0.1, 0.3], fillValue: 0, valueRange: [-1, 1], seed: 2 }), input: [2, 4, 4, 2] },
  { cls: "RandomGaussianBlur", make: () => layers.RandomGaussianBlur([0.5, 1], { kernelSize: [5, 3], sigma: [0.5, 2] }), input: [2, 4, 4, 2] },
  { cls: "RandomPerspective", make: () => layers.RandomPerspective([0.2, 0.9], { scale: 0.4, interpolation: "nearest", fillValue: 0.5, seed: 3 }), input: [2, 4, 4, 2] },
  { cls: "RandomElasticTransform", make: () => layers.RandomElasticTransform([0.2, 0.9], { scale: [0.1, 0.6], fillMode: "mirror", valueRange: [0, 1], seed: 3 }), input: [2, 4, 4, 2] },
  { cls: "RandomShear", make: () => layers.RandomShear(0.2, [0.1, 0.3], { fillMode: "wrap", interpolation: "nearest", seed: 3 }), input: [2, 4, 4, 2] },
  { cls: "RandAugment", make: () => layers.RandAugment([0, 1], { numOps: 3, factor: [0.1, 0.6], interpolation: "nearest", seed: 2 }), input: [2, 4, 4, 3] },
  { cls: "AugMix", make: () => layers.AugMix([0, 1], { numChains: 2, chainDepth: 1, alpha: 0.5, allOps: false, seed: 2 }), input: [2, 4, 4, 3] },
  {
    cls: "ContrastLimitedAdaptiveHistogramEqualization",
    make: () => layers.ContrastLimitedAdaptiveHistogramEqualization([0, 1], { clipLimit: 2, tileGridSize: [2, 2], dataFormat: "channels_first" }), input: [2, 3, 4, 4],
  },
  // On plain images MaxNumBoundingBoxes returns them as given; its boxes are checked in max_num_bounding_boxes.test.ts.
  { cls: "MaxNumBoundingBoxes", make: () => layers.MaxNumBoundingBoxes(5, 0, { boundingBoxFormat: "xyxy" }), input: [2, 4, 4, 3] },
  { cls: "Normalization", make: () => layers.Normalization([1, -1]), input: [2, 3, 4] },
  { cls: "Normalization", make: () => layers.Normalization(null, { mean: 0.5, variance: 4, invert: true }), input: [2, 3] },
  { cls: "GroupNormalization", make: () => layers.GroupNormalization(2, { axis: 1, epsilon: 1e-2, center: false, gammaRegularizer: "l2" }), input: [2, 4, 3] },
  { cls: "UnitNormalization", make: () => layers.UnitNormalization([1, 2]), input: [2, 3, 4] },
  { cls: "RMSNormalization", make: () => layers.RMSNormalization([2, 1], { epsilon: 1e-4 }), input: [2, 3, 4] },
  { cls: "LayerNormalization", make: () => layers.LayerNormalization({ rmsScaling: true, epsilon: 1e-5 }), input: [2, 3, 4] },
  { cls: "SimpleRNN", make: () => layers.SimpleRNN(3, { activation: "relu", returnSequences: true, recurrentRegularizer: "l2" }), input: [2, 4, 3] },
  { cls: "LSTM", make: () => layers.LSTM(3, { returnState: true, goBackwards: true, unitForgetBias: false, dropout: 0.2 }), input: [2, 4, 3] },
  { cls: "GRU", make: () => layers.GRU(2, { resetAfter: false, recurrentActivation: "hard_sigmoid", unroll: true }), input: [2, 4, 3] },
  { cls: "RNN", nested: true, make: () => layers.RNN(layers.GRUCell(2), { returnSequences: true }), input: [2, 4, 3] },
  { cls: "SimpleRNNCell", make: () => layers.SimpleRNNCell(3, { useBias: false }), input: [[2, 4], [2, 3]] },
  { cls: "LSTMCell", make: () => layers.LSTMCell(2), input: [[2, 4], [2, 2], [2, 2]] },
  { cls: "GRUCell", make: () => layers.GRUCell(2, { recurrentDropout: 0.1 }), input: [[2, 4], [2, 2]] },
  { cls: "StackedRNNCells", nested: true, make: () => layers.StackedRNNCells([layers.LSTMCell(2), layers.SimpleRNNCell(3)]), input: [[2, 4], [2, 2], [2, 2], [2, 3]] },
  { cls: "Bidirectional", nested: true, make: () => layers.Bidirectional(layers.LSTM(2, { returnSequences: true }), { mergeMode: "mul" }), input: [2, 4, 3] },
  { cls: "TimeDistributed", nested: true, make: () => layers.TimeDistributed(layers.Dense(2, { activation: "relu" })), input: [2, 4, 3] },
  { cls: "Conv1D", make: () => layers.Conv1D(4, 3, { padding: "causal", dilationRate: 2, activation: "relu", kernelRegularizer: "l2" }), input: [2, 7, 3] },
  { cls: "Conv1DTranspose", make: () => layers.Conv1DTranspose(3, 4, { strides: 2, padding: "same", biasConstraint: "non_neg" }), input: [2, 5, 2] },
  { cls: "DepthwiseConv1D", make: () => layers.DepthwiseConv1D(3, { depthMultiplier: 2, padding: "same", depthwiseInitializer: "lecun_normal" }), input: [2, 6, 2] },
  { cls: "SeparableConv1D", make: () => layers.SeparableConv1D(4, 2, { depthMultiplier: 2, strides: 2, pointwiseConstraint: "max_norm" }), input: [2, 7, 2] },
  { cls: "MaxPooling1D", make: () => layers.MaxPooling1D(3, { strides: 2, padding: "same" }), input: [2, 7, 2] },
  { cls: "AveragePooling1D", make: () => layers.AveragePooling1D(2, { strides: 1 }), input: [2, 5, 2] },
  { cls: "GlobalAveragePooling1D", make: () => layers.GlobalAveragePooling1D({ keepdims: true }), input: [2, 5, 3] },
  { cls: "GlobalMaxPooling1D", make: () => layers.GlobalMaxPooling1D(), input: [2, 5, 3] },
  { cls: "UpSampling1D", make: () => layers.UpSampling1D(3), input: [2, 3, 2] },
  { cls: "ZeroPadding1D", make: () => layers.ZeroPadding1D([0, 2]), input: [2, 3, 2] },
  { cls: "Cropping1D", make: () => layers.Cropping1D([2, 0]), input: [2, 5, 2] },
  { cls: "SpatialDropout1D", make: () => layers.SpatialDropout1D(0.2, { seed: 3 }), input: [2, 4, 3] },
  // The string layers take JavaScript strings (no tensor holds them); apply accepts them as it accepts tensors.
  { cls: "StringLookup", make: () => layers.StringLookup({ vocabulary: ["a", "b"], maskToken: "", outputMode: "count", maxTokens: 5, padToMaxTokens: true }), input: [2, 2], x: () => [["a", "c"], ["b", ""]] as unknown as Tensor },
  { cls: "IntegerLookup", make: () => layers.IntegerLookup({ vocabulary: [7, 3], numOovIndices: 2, maskToken: 0 }), input: [2, 2], x: () => tf.constant([[3, 0], [8, 7]], "int32") },
  { cls: "CategoryEncoding", make: () => layers.CategoryEncoding(5, { outputMode: "count" }), input: [2, 3], x: () => tf.constant([[0, 4, 4], [2, 1, 0]], "int32") },
  { cls: "Discretization", make: () => layers.Discretization({ binBoundaries: [0, 0.5, 2], outputMode: "count" }), input: [2, 3] },
  { cls: "Hashing", make: () => layers.Hashing({ numBins: 4, salt: [3, 5], maskValue: 0, outputMode: "count" }), input: [2, 3], x: () => tf.constant([[0, 4, 4], [2, 1, 0]], "int32") },
  { cls: "HashedCrossing", make: () => layers.HashedCrossing({ numBins: 6, outputMode: "one_hot" }), input: [2, 1], x: () => [tf.constant([[1], [2]], "int32"), tf.constant([[7], [7]], "int32")] as unknown as Tensor },
  { cls: "TextVectorization", make: () => layers.TextVectorization({ vocabulary: ["b", "a"], ngrams: 2, standardize: "lower", outputSequenceLength: 5 }), input: [2], x: () => ["A b!", "b"] as unknown as Tensor },
  { cls: "EinsumDense", make: () => layers.EinsumDense("abc,cde->abde", [null, 2, 3], { biasAxes: "de", activation: "relu" }), input: [2, 3, 4] },
  { cls: "Attention", make: () => layers.Attention({ useScale: true, scoreMode: "concat" }), input: [[2, 3, 4], [2, 5, 4]] },
  { cls: "AdditiveAttention", make: () => layers.AdditiveAttention({ dropout: 0.1 }), input: [[2, 3, 4], [2, 5, 4], [2, 5, 4]] },
  { cls: "MultiHeadAttention", make: () => layers.MultiHeadAttention(2, 3, { valueDim: 2, outputShape: [5] }), input: [[2, 3, 4], [2, 5, 4]] },
  { cls: "Conv3D", make: () => layers.Conv3D(4, [2, 3, 2], { padding: "same", strides: [1, 2, 1], groups: 2, activation: "relu", kernelRegularizer: "l2" }), input: [2, 3, 4, 3, 2] },
  { cls: "Conv3DTranspose", make: () => layers.Conv3DTranspose(3, 2, { strides: 2, dataFormat: "channels_first", biasConstraint: "non_neg" }), input: [2, 2, 3, 2, 3] },
  { cls: "MaxPooling3D", make: () => layers.MaxPooling3D([1, 2, 2], { padding: "same" }), input: [2, 3, 5, 4, 2] },
  { cls: "AveragePooling3D", make: () => layers.AveragePooling3D(2, { strides: 1, dataFormat: "channels_first" }), input: [2, 2, 3, 4, 3] },
  { cls: "GlobalAveragePooling3D", make: () => layers.GlobalAveragePooling3D({ keepdims: true }), input: [2, 3, 2, 2, 3] },
  { cls: "GlobalMaxPooling3D", make: () => layers.GlobalMaxPooling3D({ dataFormat: "channels_first" }), input: [2, 3, 2, 2, 3] },
  { cls: "UpSampling3D", make: () => layers.UpSampling3D([1, 2, 3]), input: [1, 2, 2, 2, 2] },
  { cls: "ZeroPadding3D", make: () => layers.ZeroPadding3D([[0, 1], 2, [1, 0]]), input: [1, 2, 2, 2, 2] },
  { cls: "Cropping3D", make: () => layers.Cropping3D([[0, 1], 1, [1, 0]]), input: [1, 3, 4, 3, 2] },
  { cls: "SpatialDropout3D", make: () => layers.SpatialDropout3D(0.2, { seed: 3, dataFormat: "channels_first" }), input: [1, 3, 2, 2, 2] },
  { cls: "ConvLSTM1D", make: () => layers.ConvLSTM1D(2, 3, { padding: "same", dataFormat: "channels_first", returnState: true, unitForgetBias: false }), input: [2, 3, 2, 5] },
  { cls: "ConvLSTM2D", make: () => layers.ConvLSTM2D(2, [2, 3], { strides: [2, 1], returnSequences: true, activation: "relu", recurrentRegularizer: "l2" }), input: [2, 3, 5, 4, 1] },
  { cls: "ConvLSTM3D", make: () => layers.ConvLSTM3D(2, 2, { dilationRate: 2, useBias: false, goBackwards: true }), input: [1, 2, 3, 3, 3, 1] },
  { cls: "SpectralNormalization", nested: true, make: () => layers.SpectralNormalization(layers.Conv2D(2, 2, { activation: "relu" }), { powerIterations: 2 }), input: [1, 4, 4, 3] },
  { cls: "GroupQueryAttention", className: "GroupedQueryAttention", make: () => layers.GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2 }), input: [[2, 3, 4], [2, 5, 4]] },
  { cls: "MelSpectrogram", make: () => layers.MelSpectrogram({ fftLength: 16, sequenceStride: 4, numMelBins: 8, samplingRate: 800 }), input: [2, 64] },
  // Keras 3.15's adaptive pooling, ReversibleEmbedding and Pipeline.
  { cls: "AdaptiveAveragePooling1D", make: () => layers.AdaptiveAveragePooling1D(3), input: [2, 7, 2] },
  { cls: "AdaptiveAveragePooling2D", make: () => layers.AdaptiveAveragePooling2D([2, 3], { dataFormat: "channels_first" }), input: [2, 2, 5, 4] },
  { cls: "AdaptiveAveragePooling3D", make: () => layers.AdaptiveAveragePooling3D(2), input: [1, 3, 4, 5, 2] },
  { cls: "AdaptiveMaxPooling1D", make: () => layers.AdaptiveMaxPooling1D(3, { dataFormat: "channels_first" }), input: [2, 2, 7] },
  { cls: "AdaptiveMaxPooling2D", make: () => layers.AdaptiveMaxPooling2D([3, 2]), input: [2, 5, 4, 2] },
  { cls: "AdaptiveMaxPooling3D", make: () => layers.AdaptiveMaxPooling3D([1, 2, 3]), input: [1, 3, 4, 5, 2] },
  {
    cls: "ReversibleEmbedding", make: () => layers.ReversibleEmbedding(6, 3, { tieWeights: false, logitSoftCap: 5, maskZero: true }), input: [2, 3],
    x: () => tf.constant([[0, 5, 2], [2, 1, 4]], [2, 3], "int32"),
  },
  { cls: "STFTSpectrogram", make: () => layers.STFTSpectrogram({ mode: "psd", frameLength: 8, frameStep: 3, window: null, scaling: null, padding: "same" }), input: [2, 32, 2] },
  { cls: "Pipeline", nested: true, make: () => layers.Pipeline([layers.Dense(4, { activation: "relu" }), layers.Dropout(0.5), layers.Dense(2)]), input: [2, 3] },
];

test("every built-in layer class has a round-trip case below", () => {
  const covered = new Set(["InputLayer", ...cases.map((c) => c.cls)]);
  const missing = Object.keys(layers.classes).filter((k) => !covered.has(k));
  assert.deepEqual(missing, [], `layer classes without a serialization round trip: ${missing.join(", ")}`);
});

for (const [i, c] of cases.entries()) {
  test(`${c.cls}: serialize -> deserialize gives the same config, and the same outputs on the same weights`, () => {
    const layer = c.make();
    assert.equal(layer.className, c.className ?? c.cls);
    const list = Array.isArray(c.input[0]);
    const shapes = (list ? c.input : [c.input]) as number[][];
    const xs = c.x ? [c.x()] : shapes.map((s, k) => normal(s, 0, 1, { seed: 100 * i + k }));
    const x = list ? xs : xs[0];
    // Inference outputs: the random augmentation layers augment when called without a mode, as Keras' do.
    layer.apply(x, { training: false });
    if (layer.weights.length > 0) randomizeWeights(layer, 1000 * i);
    const want = layer.apply(x, { training: false }) as Tensor | Tensor[];

    const saved = serializeLayer(layer);
    assert.equal(saved.module, "keras.layers");
    assert.equal(saved.class_name, c.cls);
    assert.equal(saved.registered_name, null);
    assert.ok(!("batch_input_shape" in saved.config), "Keras 3 layer configs have no batch_input_shape");
    const json = JSON.parse(JSON.stringify(saved)) as KerasObject;
    const restored = deserializeLayer(json, { safeMode: false });
    assert.equal(restored.className, c.className ?? c.cls);
    assert.notEqual(restored, layer);
    assert.deepEqual(serializeLayer(restored), saved);
    if (layer.weights.length > 0) {
      assert.ok(restored.built, "build_config builds the layer, so its weights exist before loading");
      restored.setWeights(layer.getWeights());
    }
    const got = restored.apply(x, { training: false }) as Tensor | Tensor[];
    asTensorList(want).forEach((w, k) => sameValues(asTensorList(got)[k], w, `${c.cls} output ${k}`));

    // Keras' from_config on the class, with the class's own config dict.
    const cls = (layers.classes as unknown as Record<string, typeof Layer>)[c.cls];
    const again = cls.fromConfig(json.config, { safeMode: false });
    assert.ok(again instanceof cls);
    if (c.nested) again.apply(x, { training: false });
    assert.deepEqual(serializeLayer(again).config, saved.config);
  });
}

test("configs use Keras 3's objects: DTypePolicy, initializers/regularizers/constraints with module and registered_name", () => {
  const d = layers.Dense(3, { kernelInitializer: "he_uniform", kernelRegularizer: tf.regularizers.L2({ l2: 0.5 }), kernelConstraint: "max_norm" });
  d.apply(normal([1, 2], 0, 1, { seed: 1 }));
  const s = serializeLayer(d);
  assert.deepEqual(s.config.dtype, { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null });
  assert.deepEqual(s.config.kernel_initializer, { module: "keras.initializers", class_name: "HeUniform", config: { seed: null }, registered_name: null });
  assert.deepEqual(s.config.kernel_regularizer, { module: "keras.regularizers", class_name: "L2", config: { l2: 0.5 }, registered_name: null });
  assert.equal((s.config.kernel_constraint as { module: string }).module, "keras.constraints");
  assert.deepEqual(s.build_config, { input_shape: [1, 2] });
  // Keras 3.5 records a build_config for every layer its first call built, weights or not (checked:
  // Flatten, pooling, ReLU, Reshape, the preprocessing layers); Softmax marks itself built at construction.
  const f = layers.Flatten();
  f.apply(normal([1, 2, 2], 0, 1, { seed: 2 }));
  assert.deepEqual(serializeLayer(f).build_config, { input_shape: [1, 2, 2] });
  const sm = layers.Softmax();
  sm.apply(normal([1, 2], 0, 1, { seed: 3 }));
  assert.equal(serializeLayer(sm).build_config, undefined);
  // Layer.fromConfig on the base class takes the whole serialized object.
  const back = Layer.fromConfig(JSON.parse(JSON.stringify(s)) as Record<string, unknown>);
  assert.ok(back instanceof layers.classes.Dense);
  assert.deepEqual(serializeLayer(back), s);
});

test("InputLayer round trip, and Keras 2's batch_input_shape on a first layer", () => {
  const input = new layers.classes.InputLayer({ batchShape: [null, 5, 2], dtype: "float64", name: "x_in" });
  const s = serializeLayer(input);
  assert.deepEqual(s, {
    module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, 5, 2], dtype: "float64", sparse: false, name: "x_in" }, registered_name: null,
  });
  assert.deepEqual(serializeLayer(deserializeLayer(s)), s);
  const dense = deserializeLayer({ class_name: "Dense", config: { name: "first", units: 2, batch_input_shape: [null, 7] } });
  assert.deepEqual(dense.batchInputShape, [null, 7]);
  // A Keras 2 dtype policy object and Keras 3's DTypePolicy both read as the dtype.
  const d64 = deserializeLayer({ class_name: "Dense", config: { units: 1, dtype: { class_name: "Policy", config: { name: "float64" } } } });
  assert.equal(d64.dtype, "float64");
  assert.throws(
    () => deserializeLayer({ class_name: "Dense", config: { units: 1, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "mixed_float16" } } } }),
    /dtype "mixed_float16" is not supported/,
  );
});

test("unsupported settings and unknown keys are clear errors naming the layer and key", () => {
  assert.throws(
    () => deserializeLayer({ module: "keras.layers", class_name: "Conv2D", config: { name: "c", filters: 3, kernel_size: [3, 3], groups: 2 } }),
    /Conv2D "c": Conv2D c: filters \(3\) must be a multiple of groups \(2\)/,
  );
  assert.throws(
    () => deserializeLayer({ module: "keras.layers", class_name: "Conv2D", config: { name: "c", filters: 2, kernel_size: [3, 3], data_format: "channels_middle" } }),
    /Conv2D "c": Conv2D c: dataFormat must be "channels_last" .* or "channels_first" .*, got "channels_middle"/,
  );
  assert.throws(
    () => deserializeLayer({ module: "keras.layers", class_name: "Dense", config: { name: "d", units: 2, kernel_sise: [3] } }),
    /Dense "d": unknown config key "kernel_sise" for Dense; its keys are name, trainable, dtype, units/,
  );
  // activity_regularizer is read (any layer takes it), and a misspelt one named.
  const reg = deserializeLayer({ module: "keras.layers", class_name: "Dense", config: { name: "d", units: 2, activity_regularizer: { class_name: "L1", config: { l1: 0.1 } } } });
  assert.deepEqual(reg.getConfig().activity_regularizer, { module: "keras.regularizers", class_name: "L1", config: { l1: 0.1 }, registered_name: null });
  assert.throws(
    () => deserializeLayer({ module: "keras.layers", class_name: "Dense", config: { name: "d", units: 2, activity_regularizer: { class_name: "L7", config: {} } } }),
    /Dense "d": activity_regularizer: .*L7/,
  );
  assert.throws(() => deserializeLayer({ module: "keras.layers", class_name: "Dense", config: { name: "d", units: -2 } }), /Dense "d": Dense: units must be a positive integer/);
});

test("an unknown class is a clear error listing the known ones and how to register a custom class", () => {
  assert.throws(
    () => deserializeLayer({ module: "keras.layers", class_name: "TorchModuleWrapper", config: { name: "wrapper" }, registered_name: null }),
    (e: Error) => {
      assert.match(e.message, /unknown layer class "TorchModuleWrapper"/);
      assert.match(e.message, /Dense, .*Conv2D/);
      assert.match(e.message, /registerKerasSerializable\(TorchModuleWrapper/);
      assert.match(e.message, /customObjects/);
      return true;
    },
  );
});

// ------------------------------------------------------------------ custom classes

class Scale extends Layer {
  factor: number;
  constructor(args: LayerArgs & { factor?: number } = {}) {
    super(args);
    this.factor = args.factor ?? 1;
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return tf.mul(inputs as Tensor, this.factor);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }
}

test("custom layers load through customObjects or registerKerasSerializable", () => {
  const s = new Scale({ factor: 3, name: "triple" });
  const saved = serializeLayer(s);
  assert.equal(saved.module, null);
  assert.equal(saved.registered_name, "Scale");
  assert.throws(() => deserializeLayer(saved), /unknown layer class "Scale".*registerKerasSerializable\(Scale/);
  const viaCustom = deserializeLayer(saved, { customObjects: { Scale } }) as Scale;
  assert.ok(viaCustom instanceof Scale);
  assert.equal(viaCustom.factor, 3);
  assert.equal(viaCustom.name, "triple");

  class Shift extends Scale {}
  registerKerasSerializable(Shift, { package: "Test" });
  const shifted = serializeLayer(new Shift({ factor: 2 }));
  assert.equal(shifted.module, "Test");
  assert.equal(shifted.registered_name, "Test>Shift");
  const back = deserializeLayer(JSON.parse(JSON.stringify(shifted)) as KerasObject) as Shift;
  assert.ok(back instanceof Shift);
  assert.equal(back.factor, 2);
  assert.throws(() => registerKerasSerializable(Scale, { package: "Test", name: "Shift" }), /"Test>Shift" is already registered/);
});

test("a custom layer whose constructor takes positional arguments fails to load with how custom classes are rebuilt and the fix", () => {
  class Linear extends Layer {
    units: number;
    kernel: tf.Variable | null = null;
    constructor(units = 32, args: LayerArgs = {}) {
      super(args);
      this.units = units;
    }
    override build(shape: (number | null)[]): void {
      this.kernel = this.addWeight("kernel", [shape[shape.length - 1] as number, this.units], { initializer: "random_normal" });
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.matmul(inputs as Tensor, this.kernel as tf.Variable);
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), units: this.units };
    }
  }
  const layer = new Linear(3, { name: "linear" });
  layer.apply(tf.zeros([1, 4]));
  const saved = JSON.parse(JSON.stringify(serializeLayer(layer))) as KerasObject;
  assert.throws(() => deserializeLayer(saved, { customObjects: { Linear } }), (e: Error) => {
    assert.match(e.message, /cannot build the layer for build_config\.input_shape \[1,4\]/);
    assert.match(e.message, /\(The custom class Linear is rebuilt as new Linear\(options\), options being its getConfig\(\) with camelCase keys, as Keras calls cls\(\*\*config\); a constructor taking other arguments, such as \(units, args\), needs its own static fromConfig\(config\), e\.g\. static fromConfig\(c\) \{ return new Linear\(c\.units, c\); \}\)$/);
    return true;
  });
  // With its own fromConfig it loads.
  class Linear2 extends Linear {
    static override fromConfig(c: Readonly<Record<string, unknown>>): Layer {
      return new Linear2(c.units as number, { name: c.name as string });
    }
  }
  const saved2 = JSON.parse(JSON.stringify(serializeLayer(Object.assign(new Linear2(3, { name: "l2" }))))) as KerasObject;
  const back = deserializeLayer(saved2, { customObjects: { Linear2 } }) as Linear2;
  assert.equal(back.units, 3);
});

// ------------------------------------------------------------------ models

/** Notebook 001's ResidualBlock: conv-BN-ReLU-conv-BN, add the input, ReLU. */
function residualBlock(x: SymbolicTensor, filters: number): SymbolicTensor {
  let y = layers.Conv2D(filters, 3, { padding: "same" })(x);
  y = layers.BatchNormalization()(y);
  y = layers.ReLU()(y);
  y = layers.Conv2D(filters, 3, { padding: "same" })(y);
  y = layers.BatchNormalization()(y);
  y = layers.Add()([x, y]);
  return layers.ReLU()(y);
}

/** Copies the weights into the restored model and checks predictions and summary are the same. */
function checkSameModel(orig: tf.models.Model, restored: tf.models.Model, xs: Tensor | Tensor[], seed: number): void {
  orig.layers.forEach((l, i) => {
    if (l.weights.length > 0) randomizeWeights(l, seed + 100 * i);
  });
  restored.setWeights(orig.getWeights());
  assert.equal(restored.countParams(), orig.countParams());
  assert.equal(restored.summary(() => {}), orig.summary(() => {}));
  sameValues(restored.predict(xs), orig.predict(xs), "predictions");
}

test("notebook 001's ResNet (functional, Add with a list, BatchNormalization) survives toJSON -> modelFromJSON", () => {
  tf.clearSession();
  const inputs = layers.Input({ shape: [28, 28, 1] });
  let x = layers.Conv2D(64, 3, { padding: "same", activation: "relu" })(inputs);
  x = layers.MaxPooling2D(2)(x);
  x = residualBlock(x, 64);
  x = residualBlock(x, 64);
  x = layers.MaxPooling2D(2)(x);
  x = layers.Flatten()(x);
  x = layers.Dense(256, { activation: "relu" })(x);
  const outputs = layers.Dense(10, { activation: "softmax" })(x);
  const model = new models.Model({ inputs, outputs, name: "resnet" });
  assert.equal(model.countParams(), 955018);

  const cfg = JSON.parse(model.toJSON()) as KerasObject;
  assert.equal(cfg.module, "keras.src.models.functional");
  assert.equal(cfg.class_name, "Functional");
  assert.equal(cfg.registered_name, "Functional");
  assert.deepEqual(cfg.build_config, { input_shape: null });
  assert.deepEqual(Object.keys(cfg.config), ["name", "trainable", "layers", "input_layers", "output_layers"]);
  // Keras 3.5 wraps a single input or output reference in a list (Functional.get_config).
  assert.deepEqual(cfg.config.input_layers, [["input_layer", 0, 0]]);
  assert.deepEqual(cfg.config.output_layers, [["dense_1", 0, 0]]);
  const entries = cfg.config.layers as unknown as (KerasObject & { name: string; inbound_nodes: { args: unknown[]; kwargs: object }[] })[];
  assert.deepEqual(entries[0].inbound_nodes, []);
  const add = entries.find((e) => e.name === "add")!;
  assert.deepEqual(add.inbound_nodes, [{
    args: [[
      { class_name: "__keras_tensor__", config: { shape: [null, 14, 14, 64], dtype: "float32", keras_history: ["max_pooling2d", 0, 0] } },
      { class_name: "__keras_tensor__", config: { shape: [null, 14, 14, 64], dtype: "float32", keras_history: ["batch_normalization_1", 0, 0] } },
    ]],
    kwargs: {},
  }]);
  assert.deepEqual(add.build_config, { input_shape: [[null, 14, 14, 64], [null, 14, 14, 64]] });

  const restored = models.modelFromJSON(model.toJSON());
  assert.equal(restored.name, "resnet");
  assert.deepEqual(restored.layers.map((l) => `${l.className}:${l.name}`), model.layers.map((l) => `${l.className}:${l.name}`));
  assert.equal(restored.toJSON(), model.toJSON());
  checkSameModel(model, restored, normal([2, 28, 28, 1], 0, 1, { seed: 5 }), 50);
});

test("Sequential: Keras 3 layout (InputLayer first, build_input_shape) and a round trip with weights", () => {
  tf.clearSession();
  const model = new models.Sequential([
    layers.Dense(6, { activation: "relu", inputShape: [4] }),
    layers.Dropout(0.25),
    layers.Dense(3, { activation: "softmax", name: "clf" }),
  ], { name: "mlp" });
  const cfg = serializeLayer(model);
  assert.equal(cfg.module, "keras");
  assert.equal(cfg.class_name, "Sequential");
  assert.equal(cfg.registered_name, null);
  assert.deepEqual(cfg.build_config, { input_shape: [null, 4] });
  assert.deepEqual(Object.keys(cfg.config), ["name", "trainable", "dtype", "layers", "build_input_shape"]);
  assert.deepEqual(cfg.config.build_input_shape, [null, 4]);
  const ls = cfg.config.layers as unknown as KerasObject[];
  assert.deepEqual(ls.map((l) => l.class_name), ["InputLayer", "Dense", "Dropout", "Dense"]);
  assert.deepEqual(ls[0].config, { batch_shape: [null, 4], dtype: "float32", sparse: false, name: "input_layer" });
  assert.equal(cfg.compile_config, undefined);

  const restored = models.modelFromJSON(model.toJSON());
  assert.ok(restored instanceof models.Sequential);
  assert.equal(restored.toJSON(), model.toJSON());
  checkSameModel(model, restored, normal([5, 4], 0, 1, { seed: 9 }), 70);
  // Sequential.fromConfig takes the inner config, as Keras' from_config does.
  const viaClass = models.Sequential.fromConfig(cfg.config);
  assert.deepEqual(serializeLayer(viaClass), cfg);
});

test("multi-input functional model with Concatenate, and two outputs", () => {
  tf.clearSession();
  const a = layers.Input({ shape: [3], name: "a" });
  const b = layers.Input({ shape: [2], name: "b" });
  const h = layers.Concatenate()([layers.Dense(4, { name: "da" })(a), b]);
  const o1 = layers.Dense(2, { name: "o1" })(h);
  const o2 = layers.Dense(1, { activation: "sigmoid", name: "o2" })(h);
  const model = new models.Model({ inputs: [a, b], outputs: [o1, o2], name: "two_in_two_out" });
  const cfg = serializeLayer(model);
  assert.deepEqual(cfg.config.input_layers, [["a", 0, 0], ["b", 0, 0]]);
  assert.deepEqual(cfg.config.output_layers, [["o1", 0, 0], ["o2", 0, 0]]);
  const restored = modelFromConfig(JSON.parse(JSON.stringify(cfg)) as Record<string, unknown>);
  assert.deepEqual(restored.inputs.map((t) => t.sourceLayer.name), ["a", "b"]);
  assert.deepEqual(restored.outputs.map((t) => t.sourceLayer.name), ["o1", "o2"]);
  assert.deepEqual(serializeLayer(restored), cfg);
  model.layers.forEach((l, i) => {
    if (l.weights.length > 0) randomizeWeights(l, 300 + 10 * i);
  });
  restored.setWeights(model.getWeights());
  const xs = [normal([3, 3], 0, 1, { seed: 1 }), normal([3, 2], 0, 1, { seed: 2 })];
  const want = model.apply(xs) as Tensor[];
  const got = restored.apply(xs) as Tensor[];
  sameValues(got[0], want[0], "output o1");
  sameValues(got[1], want[1], "output o2");
});

test("shared layers: one Dense on two inputs, and one applied twice in a row (calls numbered per layer)", () => {
  tf.clearSession();
  const x1 = layers.Input({ shape: [4], name: "x1" });
  const x2 = layers.Input({ shape: [4], name: "x2" });
  const shared = layers.Dense(4, { activation: "tanh", name: "shared" });
  const twice = shared(shared(x1));
  const other = shared(x2);
  const out = layers.Subtract({ name: "diff" })([twice, other]);
  const model = new models.Model({ inputs: [x1, x2], outputs: out, name: "siamese" });
  const cfg = serializeLayer(model);
  const entry = (cfg.config.layers as unknown as { name: string; inbound_nodes: { args: { config: { keras_history: unknown[] } }[] }[] }[])
    .find((e) => e.name === "shared")!;
  assert.deepEqual(entry.inbound_nodes.map((n) => n.args[0].config.keras_history), [["x1", 0, 0], ["shared", 0, 0], ["x2", 0, 0]]);
  const diff = (cfg.config.layers as unknown as { name: string; inbound_nodes: { args: { config: { keras_history: unknown[] } }[][] }[] }[])
    .find((e) => e.name === "diff")!;
  assert.deepEqual(diff.inbound_nodes[0].args[0].map((t) => t.config.keras_history), [["shared", 1, 0], ["shared", 2, 0]]);

  const restored = models.modelFromJSON(model.toJSON());
  assert.equal(restored.layers.filter((l) => l.name === "shared").length, 1);
  assert.equal(restored.getLayer("shared").inboundNodes.length, 3);
  assert.equal(restored.countParams(), 20);
  assert.equal(restored.toJSON(), model.toJSON());
  randomizeWeights(shared, 77);
  restored.setWeights(model.getWeights());
  const xs = [normal([2, 4], 0, 1, { seed: 3 }), normal([2, 4], 0, 1, { seed: 4 })];
  sameValues(restored.apply(xs) as Tensor, model.apply(xs) as Tensor, "siamese output");
});

test("nested models: a Sequential and a functional model inside a functional model", () => {
  tf.clearSession();
  const innerIn = layers.Input({ shape: [3], name: "inner_in" });
  const inner = new models.Model({ inputs: innerIn, outputs: layers.Dense(2, { name: "inner_dense" })(innerIn), name: "inner" });
  const head = new models.Sequential([layers.Dense(3, { name: "pre", inputShape: [5] })], { name: "head" });
  const x = layers.Input({ shape: [5], name: "x" });
  const out = inner(head(x));
  const model = new models.Model({ inputs: x, outputs: out, name: "outer" });
  const cfg = serializeLayer(model);
  // Keras 3 shifts the output_layers entry of a nested Functional model by one (Keras 2's own node).
  assert.deepEqual(cfg.config.output_layers, [["inner", 1, 0]]);
  const innerEntry = (cfg.config.layers as unknown as (KerasObject & { name: string; inbound_nodes: { args: { config: { keras_history: unknown[] } }[] }[] })[])
    .find((e) => e.name === "inner")!;
  assert.equal(innerEntry.class_name, "Functional");
  assert.deepEqual(innerEntry.inbound_nodes[0].args[0].config.keras_history, ["head", 0, 0]);

  const restored = models.modelFromJSON(model.toJSON());
  assert.ok(restored.getLayer("head") instanceof models.Sequential);
  assert.ok((restored.getLayer("inner") as tf.models.Model).isFunctional);
  assert.equal(restored.toJSON(), model.toJSON());
  checkSameModel(model, restored, normal([4, 5], 0, 1, { seed: 8 }), 90);
});

test("compile settings: Keras 3's compile_config, restored by modelFromJSON", () => {
  tf.clearSession();
  const model = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(5, { activation: "softmax" })]);
  model.compile({
    optimizer: tf.optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
    loss: tf.losses.SparseCategoricalCrossentropy({ fromLogits: false }),
    metrics: ["accuracy", tf.metrics.SparseTopKCategoricalAccuracy({ k: 2 })],
  });
  const cc = serializeCompileConfig(model)!;
  assert.deepEqual(Object.keys(cc), ["optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile"]);
  const opt = cc.optimizer as unknown as KerasObject;
  assert.equal(opt.module, "keras.optimizers");
  assert.equal(opt.class_name, "SGD");
  assert.equal(opt.config.momentum, 0.9);
  assert.equal(opt.config.nesterov, true);
  assert.ok(Math.abs((opt.config.learning_rate as number) - 0.05) < 1e-8);
  const loss = cc.loss as unknown as KerasObject;
  assert.equal(loss.module, "keras.losses");
  assert.equal(loss.class_name, "SparseCategoricalCrossentropy");
  const ms = cc.metrics as unknown as [string, KerasObject];
  assert.equal(ms[0], "accuracy");
  assert.equal(ms[1].class_name, "SparseTopKCategoricalAccuracy");
  assert.equal(ms[1].config.k, 2);

  const json = model.toJSON();
  const restored = models.modelFromJSON(json);
  assert.ok(restored.compiled, "a compile_config compiles the loaded model");
  assert.deepEqual(serializeCompileConfig(restored), cc);
  assert.equal(models.modelFromJSON(json, { compile: false }).compiled, null);
  // compileFromConfig also takes a Keras 2 training_config (optimizer_config).
  const m2 = models.modelFromJSON(json, { compile: false });
  compileFromConfig(m2, { loss: "mse", metrics: [["mae"]], optimizer_config: { class_name: "Adam", config: { learning_rate: 0.01 } } });
  const c2 = serializeCompileConfig(m2)!;
  assert.equal((c2.optimizer as unknown as KerasObject).class_name, "Adam");
  assert.deepEqual(c2.metrics, ["mae"]);
});

test("a compile_config without metrics (Keras writes null) loads and saves as null again", () => {
  tf.clearSession();
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const cc = serializeCompileConfig(model)!;
  assert.equal(cc.metrics, null);
  const restored = models.modelFromJSON(model.toJSON());
  assert.deepEqual(serializeCompileConfig(restored), cc);
  assert.equal(restored.toJSON(), model.toJSON());
});

test("a subclassed model loads only through the registry (or customObjects), built from build_config", () => {
  tf.clearSession();
  class TwoDense extends models.Model {
    hidden = layers.Dense(4, { activation: "relu", name: "hidden" });
    out = layers.Dense(2, { name: "out" });
    override call(x: Tensor | Tensor[], _opts: CallOptions): Tensor {
      return this.out(this.hidden(x as Tensor));
    }
  }
  const model = new TwoDense({ name: "two_dense" });
  const x = normal([3, 5], 0, 1, { seed: 11 });
  model.apply(x);
  const json = model.toJSON();
  const cfg = JSON.parse(json) as KerasObject;
  assert.equal(cfg.class_name, "TwoDense");
  assert.throws(() => models.modelFromJSON(json), /unknown layer class "TwoDense".*registerKerasSerializable\(TwoDense/);

  registerKerasSerializable(TwoDense, { package: "Notebook" });
  const registered = JSON.parse(model.toJSON()) as KerasObject;
  assert.equal(registered.registered_name, "Notebook>TwoDense");
  const restored = models.modelFromJSON(model.toJSON());
  assert.ok(restored instanceof TwoDense);
  assert.equal(restored.name, "two_dense");
  assert.equal(restored.countParams(), model.countParams(), "build_config creates the weights");
  randomizeWeights(model, 500);
  restored.setWeights(model.getWeights());
  sameValues(restored.apply(x) as Tensor, model.apply(x) as Tensor, "subclassed model output");
  const viaCustom = models.modelFromJSON(json, { customObjects: { TwoDense } });
  assert.ok(viaCustom instanceof TwoDense);
});

test("a Lambda holding code is refused in safe mode with a clear message, and rebuilt with safeMode: false", () => {
  tf.clearSession();
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Lambda((x: Tensor) => tf.mul(x, 2), { name: "double" })]);
  const json = model.toJSON();
  assert.throws(() => models.modelFromJSON(json), (e: Error) => {
    assert.match(e.message, /Lambda "double"/);
    assert.match(e.message, /refused in safe mode/);
    assert.match(e.message, /safeMode: false/);
    assert.match(e.message, /new Function/);
    assert.match(e.message, /"javascript"/);
    return true;
  });
  const loaded = models.modelFromJSON(json, { safeMode: false });
  const x = normal([2, 3], 0, 1, { seed: 4 });
  sameValues(loaded.predict(x), tf.mul(x, 2), "Lambda output");

  // A Python lambda (Keras 3's marshalled code) cannot run even with safeMode false.
  const py = { module: "keras.layers", class_name: "Lambda", config: { name: "py", function: { class_name: "__lambda__", config: { code: "4wEAAAAAAAAA", defaults: null, closure: null } }, arguments: {} }, registered_name: null };
  assert.throws(() => deserializeLayer(py), /refused in safe mode/);
  assert.throws(() => deserializeLayer(py, { safeMode: false }), /Python code .* cannot run in lamina/);
  // A Lambda wrapping a named function takes it from customObjects.
  const named = { module: "keras.layers", class_name: "Lambda", config: { name: "n", function: { module: "builtins", class_name: "function", config: "halve", registered_name: "halve" }, arguments: {} }, registered_name: null };
  assert.throws(() => deserializeLayer(named), /function "halve".*customObjects: \{ halve/);
  const halve = deserializeLayer(named, { customObjects: { halve: (x: Tensor) => tf.mul(x, 0.5) } });
  sameValues(halve.apply(x) as Tensor, tf.mul(x, 0.5), "named function");
});

test("modelFromJSON: invalid JSON and a single layer are clear errors", () => {
  assert.throws(() => models.modelFromJSON("{not json"), /modelFromJSON: the text is not valid JSON/);
  assert.throws(() => models.modelFromJSON(JSON.stringify(serializeLayer(layers.Flatten()))), /describes a Flatten layer, not a model/);
});

// ------------------------------------------------------------------ fixtures written outside lamina

/*
 * test/fixtures/keras3_sequential_config.json is the config.json that Keras 3 (3.4-3.5 era) writes in
 * a .keras archive for
 *
 *   model = keras.Sequential([keras.Input(shape=(28, 28, 1)),
 *       layers.Conv2D(32, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
 *       layers.Conv2D(64, (3, 3), activation="relu", padding="same"), layers.Flatten(),
 *       layers.Dropout(0.5), layers.Dense(10, activation="softmax")], name="mnist_cnn")
 *   model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
 *
 * written by hand from Keras 3's serialization_lib.serialize_keras_object (module / class_name /
 * config / registered_name, build_config from get_build_config, compile_config from compile()),
 * Sequential.get_config (InputLayer first, build_input_shape), Layer.get_config (dtype as a
 * DTypePolicy object) and each layer's get_config; the Adam config is Keras 3's with every key.
 * Keras 3.5 itself (checked) writes build_config for every built layer, MaxPooling2D and Flatten
 * included, and so does lamina.
 */
test("a Keras 3 Sequential config.json loads with the right layer types, shapes and parameter counts", () => {
  tf.clearSession();
  const model = modelFromConfig(fixture("keras3_sequential_config.json"));
  assert.ok(model instanceof models.Sequential);
  assert.equal(model.name, "mnist_cnn");
  assert.deepEqual(model.layers.map((l) => `${l.className}:${l.name}`), [
    "Conv2D:conv2d", "MaxPooling2D:max_pooling2d", "Conv2D:conv2d_1", "Flatten:flatten", "Dropout:dropout", "Dense:dense",
  ]);
  const shapes = model.layerOutputShapes();
  assert.deepEqual(model.layers.map((l) => shapes.get(l)![0]), [
    [null, 26, 26, 32], [null, 13, 13, 32], [null, 13, 13, 64], [null, 10816], [null, 10816], [null, 10],
  ]);
  assert.deepEqual(model.layers.map((l) => l.countParams()), [320, 0, 18496, 0, 0, 108170]);
  assert.equal(model.countParams(), 126986);
  assert.equal((model.getLayer("dropout") as tf.layers.Layer & { rate: number }).rate, 0.5);
  assert.ok(model.compiled, "compile_config compiles the model");
  const opt = model.optimizer as tf.optimizers.Optimizer;
  assert.equal(opt.className, "Adam");
  assert.ok(Math.abs(opt.learningRate - 0.001) < 1e-9);
  assert.equal(model.predict(normal([2, 28, 28, 1], 0, 1, { seed: 1 })).shape.join(","), "2,10");
  // lamina writes the same layout back (compile_config aside, which holds lamina's Adam defaults).
  const back = serializeLayer(model);
  const src = fixture("keras3_sequential_config.json") as unknown as KerasObject;
  assert.deepEqual(back.config, src.config);
  assert.deepEqual(back.build_config, src.build_config);
});

/*
 * test/fixtures/keras2_functional_config.json is what tf.keras 2.9's model.to_json() writes (the
 * same text a legacy .h5 file keeps in its model_config attribute) for
 *
 *   image = Input((8, 8, 3), name="image"); meta = Input((4,), name="meta")
 *   x = Conv2D(16, 3, padding="same", activation="relu", name="conv")(image)
 *   x = BatchNormalization(name="bn")(x); x = GlobalAveragePooling2D(name="gap")(x)
 *   m = Dense(8, activation="relu", name="meta_dense")(meta)
 *   h = Dropout(0.2, name="drop")(Concatenate(name="concat")([x, m]))
 *   model = Model([image, meta], Dense(3, activation="softmax", name="out")(h), name="two_inputs")
 *
 * written by hand from Keras 2's Functional.get_config: class_name "Functional", no module keys,
 * InputLayer configs with batch_input_shape, inbound_nodes as [[[layer, node, tensor, kwargs]]],
 * input_layers/output_layers as lists of [layer, node, tensor], and the built BatchNormalization's
 * axis stored as a list ([3]).
 */
test("a Keras 2 (tf.keras) functional config loads: nested-list inbound nodes, batch_input_shape, list axis", () => {
  tf.clearSession();
  const model = modelFromConfig(fixture("keras2_functional_config.json"));
  assert.equal(model.name, "two_inputs");
  // Keras' order for this graph (Keras 3.5 prints the same for the code above): deepest first.
  assert.deepEqual(model.layers.map((l) => `${l.className}:${l.name}`), [
    "InputLayer:image", "Conv2D:conv", "BatchNormalization:bn", "InputLayer:meta", "GlobalAveragePooling2D:gap", "Dense:meta_dense",
    "Concatenate:concat", "Dropout:drop", "Dense:out",
  ]);
  assert.deepEqual(model.inputs.map((t) => [...t.shape]), [[null, 8, 8, 3], [null, 4]]);
  assert.deepEqual([...model.outputs[0].shape], [null, 3]);
  assert.deepEqual(model.layers.map((l) => (l.built ? l.countParams() : 0)), [0, 448, 64, 0, 0, 40, 0, 0, 75]);
  assert.equal(model.countParams(), 627);
  assert.equal(model.nonTrainableWeights.reduce((n, w) => n + w.size, 0), 32);
  assert.equal((model.getLayer("bn") as tf.layers.Layer & { axis: number }).axis, 3);
  const y = model.predict([normal([2, 8, 8, 3], 0, 1, { seed: 1 }), normal([2, 4], 0, 1, { seed: 2 })]);
  assert.deepEqual([...y.shape], [2, 3]);
  // Written back in Keras 3's layout, it loads again to the same model.
  const again = models.modelFromJSON(model.toJSON());
  assert.equal(again.toJSON(), model.toJSON());
  assert.equal(again.countParams(), 627);
});
