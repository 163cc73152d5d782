/**
 * keras.applications.MobileNetV2 (Sandler et al., 2018): inverted residual blocks of depthwise
 * convolutions with ReLU6, Keras' layer names (Conv1, bn_Conv1, expanded_conv_depthwise,
 * block_1_expand ... block_16_project_BN, Conv_1, out_relu, predictions) and width multiplier alpha.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import {
  Add, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, ReLU, ZeroPadding2D,
} from "../layers/index.js";
import type { Model } from "../models/model.js";
import { type ApplicationArgs, correctPad, preprocessInput as imagenetPreprocess, type PreprocessOptions } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { valueText } from "../tensor/value_text.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/";
const IMAGENET_SIZES = [96, 128, 160, 192, 224];
const IMAGENET_ALPHAS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4];

export interface MobileNetV2Args extends ApplicationArgs {
  /** Width multiplier: scales the number of filters of every layer (default 1). */
  alpha?: number;
}

/** Keras' _make_divisible: the channel count rounded to a multiple of `divisor`, never below 90% of v. */
function makeDivisible(v: number, divisor: number): number {
  let n = Math.max(divisor, Math.floor(Math.floor(v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

/** Python's f"{float(alpha)}": 1 -> "1.0", 0.35 -> "0.35". */
function pyFloat(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** MobileNetV2; returns the model directly with weights: null, a promise of it otherwise. */
export function MobileNetV2(args: MobileNetV2Args & { weights: null }): Model;
export function MobileNetV2(args?: MobileNetV2Args & { weights?: string }): Promise<Model>;
export function MobileNetV2(args?: MobileNetV2Args): Model | Promise<Model>;
export function MobileNetV2(args: MobileNetV2Args = {}): Model | Promise<Model> {
  const where = "applications.MobileNetV2";
  const alpha = args.alpha ?? 1.0;
  if (!(typeof alpha === "number" && alpha > 0)) throw new RangeError(`${where}: alpha must be a positive number, got ${valueText(args.alpha)}`);
  const weights = args.weights === undefined ? "imagenet" : args.weights;
  if (weights === "imagenet" && !IMAGENET_ALPHAS.includes(alpha)) {
    throw new RangeError(`${where}: with "imagenet" weights alpha must be one of ${IMAGENET_ALPHAS.join(", ")}; got ${valueText(alpha)}`);
  }
  // Keras takes the default size from a square input of a published size, else 224.
  const given = args.inputShape ?? (args.inputTensor ? args.inputTensor.shape.slice(1) : null);
  const defaultSize = given && given[0] === given[1] && IMAGENET_SIZES.includes(given[0] ?? -1) ? (given[0] as number) : 224;
  // The size the published weights are picked for (and the default name): 224 when the input is not a published size.
  let warned = false;
  const weightsRows = (b: Built): number => {
    const [rows, cols] = b.inputShape;
    if (weights !== "imagenet") return rows ?? 224;
    if (rows === cols && rows !== null && IMAGENET_SIZES.includes(rows)) return rows;
    if (!warned) {
      warned = true;
      process.emitWarning(`${where}: the input shape is not square or not one of ${IMAGENET_SIZES.join(", ")}; the weights for 224x224 inputs are loaded`);
    }
    return 224;
  };
  return buildApplication(where, args, {
    defaultSize,
    minSize: 32,
    name: (b) => `mobilenetv2_${alpha.toFixed(2)}_${weights === "imagenet" ? weightsRows(b) : b.inputShape[0] === null ? "None" : b.inputShape[0]}`,
    imagenetWeights: (includeTop, b) => {
      const rows = weightsRows(b);
      const fname = `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${pyFloat(alpha)}_${rows}${includeTop ? "" : "_no_top"}.h5`;
      // Keras publishes these without a hash, so none is checked (as in Keras).
      return { fname, origin: `${BASE}${fname}` };
    },
    body: (input, b) => mobileNetV2Body(input, b, alpha),
  });
}

// Keras' MobileNetV2 batch normalization: epsilon 1e-3, momentum 0.999.
const bn = (name: string) => BatchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });
const relu6 = (name: string) => ReLU(6.0, { name });

/** Keras' _inverted_res_block: 1x1 expansion, 3x3 depthwise, 1x1 linear projection, residual when shapes allow. */
function invertedResBlock(inputs: SymbolicTensor, expansion: number, stride: number, alpha: number, filters: number, blockId: number): SymbolicTensor {
  const inChannels = inputs.shape[3] as number;
  const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = Conv2D(expansion * inChannels, 1, { padding: "same", useBias: false, activation: null, name: `${prefix}expand` })(x);
    x = bn(`${prefix}expand_BN`)(x);
    x = relu6(`${prefix}expand_relu`)(x);
  } else {
    prefix = "expanded_conv_";
  }
  if (stride === 2) x = ZeroPadding2D(correctPad(x.shape, 3), { name: `${prefix}pad` })(x);
  x = DepthwiseConv2D(3, { strides: stride, activation: null, useBias: false, padding: stride === 1 ? "same" : "valid", name: `${prefix}depthwise` })(x);
  x = bn(`${prefix}depthwise_BN`)(x);
  x = relu6(`${prefix}depthwise_relu`)(x);

  x = Conv2D(pointwiseFilters, 1, { padding: "same", useBias: false, activation: null, name: `${prefix}project` })(x);
  x = bn(`${prefix}project_BN`)(x);
  if (inChannels === pointwiseFilters && stride === 1) return Add({ name: `${prefix}add` })([inputs, x]);
  return x;
}

function mobileNetV2Body(input: SymbolicTensor, b: Built, alpha: number): SymbolicTensor {
  const firstBlockFilters = makeDivisible(32 * alpha, 8);
  let x = Conv2D(firstBlockFilters, 3, { strides: [2, 2], padding: "same", useBias: false, name: "Conv1" })(input);
  x = bn("bn_Conv1")(x);
  x = relu6("Conv1_relu")(x);

  // [filters, stride, expansion] of blocks 0..16, as in Keras.
  const blocks: [number, number, number][] = [
    [16, 1, 1],
    [24, 2, 6], [24, 1, 6],
    [32, 2, 6], [32, 1, 6], [32, 1, 6],
    [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
    [96, 1, 6], [96, 1, 6], [96, 1, 6],
    [160, 2, 6], [160, 1, 6], [160, 1, 6],
    [320, 1, 6],
  ];
  blocks.forEach(([filters, stride, expansion], id) => { x = invertedResBlock(x, expansion, stride, alpha, filters, id); });

  const lastBlockFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = Conv2D(lastBlockFilters, 1, { useBias: false, name: "Conv_1" })(x);
  x = bn("Conv_1_bn")(x);
  x = relu6("out_relu")(x);

  if (b.includeTop) {
    x = GlobalAveragePooling2D()(x);
    x = Dense(b.classes, { activation: b.classifierActivation, name: "predictions" })(x);
  } else if (b.pooling === "avg") {
    x = GlobalAveragePooling2D()(x);
  } else if (b.pooling === "max") {
    x = GlobalMaxPooling2D()(x);
  }
  return x;
}

/** keras.applications.mobilenet_v2.preprocess_input: pixels scaled to [-1, 1] (tf mode). */
export function preprocessInput(x: Tensor, opts?: PreprocessOptions): Tensor;
/** On a symbolic tensor: the preprocessing as a layer of the model being built. */
export function preprocessInput(x: SymbolicTensor, opts?: PreprocessOptions): SymbolicTensor;
export function preprocessInput(x: Tensor | SymbolicTensor, opts: PreprocessOptions = {}): Tensor | SymbolicTensor {
  return imagenetPreprocess(x, "tf", opts);
}
