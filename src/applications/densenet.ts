/**
 * keras.applications.DenseNet121/169/201 (Huang et al., 2017): dense blocks whose layers each
 * concatenate 32 new channels, transition blocks halving channels and size, Keras' layer names
 * (conv1_conv, conv2_block1_0_bn ... conv5_block16_concat, bn, relu, avg_pool, predictions).
 */
import type { SymbolicTensor } from "../layers/symbolic.js";
import { Activation, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, MaxPooling2D, ZeroPadding2D } from "../layers/index.js";
import type { Model } from "../models/model.js";
import type { ApplicationArgs } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { classifierTop, preprocessWithMode } from "./common.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/";

/** Keras' densenet.py hashes: [with the top, without]. */
const WEIGHTS_HASHES: Record<string, [top: string, notop: string]> = {
  densenet121: ["9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"],
  densenet169: ["d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"],
  densenet201: ["1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"],
};

export type DenseNetArgs = ApplicationArgs;

function buildDenseNet(where: string, weightsName: string, blocks: [number, number, number, number], args: DenseNetArgs): Model | Promise<Model> {
  return buildApplication(where, args, {
    defaultSize: 224,
    minSize: 32,
    name: weightsName,
    imagenetWeights: (includeTop) => {
      const fname = `${weightsName}_weights_tf_dim_ordering_tf_kernels${includeTop ? "" : "_notop"}.h5`;
      return { fname, origin: `${BASE}${fname}`, md5: WEIGHTS_HASHES[weightsName][includeTop ? 0 : 1] };
    },
    body: (input, b) => denseNetBody(input, b, blocks),
  });
}

/** DenseNet121 (blocks 6, 12, 24, 16); returns the model directly with weights: null, a promise of it otherwise. */
export function DenseNet121(args: DenseNetArgs & { weights: null }): Model;
export function DenseNet121(args?: DenseNetArgs & { weights?: string }): Promise<Model>;
export function DenseNet121(args?: DenseNetArgs): Model | Promise<Model>;
export function DenseNet121(args: DenseNetArgs = {}): Model | Promise<Model> {
  return buildDenseNet("applications.DenseNet121", "densenet121", [6, 12, 24, 16], args);
}

/** DenseNet169 (blocks 6, 12, 32, 32). */
export function DenseNet169(args: DenseNetArgs & { weights: null }): Model;
export function DenseNet169(args?: DenseNetArgs & { weights?: string }): Promise<Model>;
export function DenseNet169(args?: DenseNetArgs): Model | Promise<Model>;
export function DenseNet169(args: DenseNetArgs = {}): Model | Promise<Model> {
  return buildDenseNet("applications.DenseNet169", "densenet169", [6, 12, 32, 32], args);
}

/** DenseNet201 (blocks 6, 12, 48, 32). */
export function DenseNet201(args: DenseNetArgs & { weights: null }): Model;
export function DenseNet201(args?: DenseNetArgs & { weights?: string }): Promise<Model>;
export function DenseNet201(args?: DenseNetArgs): Model | Promise<Model>;
export function DenseNet201(args: DenseNetArgs = {}): Model | Promise<Model> {
  return buildDenseNet("applications.DenseNet201", "densenet201", [6, 12, 48, 32], args);
}

// Keras' DenseNet batch normalization: epsilon 1.001e-5, default momentum.
const bn = (name: string) => BatchNormalization({ axis: 3, epsilon: 1.001e-5, name });

/** Keras' conv_block: BN-ReLU-1x1 (4 * growth) then BN-ReLU-3x3 (growth), concatenated onto the input. */
function convBlock(x: SymbolicTensor, growthRate: number, name: string): SymbolicTensor {
  let x1 = bn(`${name}_0_bn`)(x);
  x1 = Activation("relu", { name: `${name}_0_relu` })(x1);
  x1 = Conv2D(4 * growthRate, 1, { useBias: false, name: `${name}_1_conv` })(x1);
  x1 = bn(`${name}_1_bn`)(x1);
  x1 = Activation("relu", { name: `${name}_1_relu` })(x1);
  x1 = Conv2D(growthRate, 3, { padding: "same", useBias: false, name: `${name}_2_conv` })(x1);
  return Concatenate({ axis: 3, name: `${name}_concat` })([x, x1]);
}

function denseBlock(x: SymbolicTensor, blocks: number, name: string): SymbolicTensor {
  for (let i = 1; i <= blocks; i++) x = convBlock(x, 32, `${name}_block${i}`);
  return x;
}

/** Keras' transition_block: BN-ReLU-1x1 to `reduction` of the channels, then 2x2 average pooling. */
function transitionBlock(x: SymbolicTensor, reduction: number, name: string): SymbolicTensor {
  x = bn(`${name}_bn`)(x);
  x = Activation("relu", { name: `${name}_relu` })(x);
  x = Conv2D(Math.trunc((x.shape[3] as number) * reduction), 1, { useBias: false, name: `${name}_conv` })(x);
  return AveragePooling2D(2, { strides: 2, name: `${name}_pool` })(x);
}

function denseNetBody(input: SymbolicTensor, b: Built, blocks: [number, number, number, number]): SymbolicTensor {
  // Keras leaves the two paddings to automatic names (zero_padding2d, zero_padding2d_1).
  let x = ZeroPadding2D([[3, 3], [3, 3]])(input);
  x = Conv2D(64, 7, { strides: 2, useBias: false, name: "conv1_conv" })(x);
  x = bn("conv1_bn")(x);
  x = Activation("relu", { name: "conv1_relu" })(x);
  x = ZeroPadding2D([[1, 1], [1, 1]])(x);
  x = MaxPooling2D(3, { strides: 2, name: "pool1" })(x);

  x = denseBlock(x, blocks[0], "conv2");
  x = transitionBlock(x, 0.5, "pool2");
  x = denseBlock(x, blocks[1], "conv3");
  x = transitionBlock(x, 0.5, "pool3");
  x = denseBlock(x, blocks[2], "conv4");
  x = transitionBlock(x, 0.5, "pool4");
  x = denseBlock(x, blocks[3], "conv5");

  x = bn("bn")(x);
  x = Activation("relu", { name: "relu" })(x);
  return classifierTop(x, b, { avg: "avg_pool", max: "max_pool" });
}

/** keras.applications.densenet.preprocess_input: scaled to [0, 1], then normalized by ImageNet's mean and deviation (torch mode). */
export const preprocessInput = preprocessWithMode("torch");
