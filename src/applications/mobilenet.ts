/**
 * keras.applications.MobileNet (Howard et al., 2017): depthwise-separable blocks with ReLU6,
 * Keras' layer names (conv1, conv1_bn, conv_dw_1 ... conv_pw_13_relu, conv_preds, reshape_2,
 * predictions), width multiplier alpha and depth multiplier.
 */
import type { SymbolicTensor } from "../layers/symbolic.js";
import {
  Activation, BatchNormalization, Conv2D, DepthwiseConv2D, Dropout, GlobalAveragePooling2D, GlobalMaxPooling2D, ReLU, Reshape, ZeroPadding2D,
} from "../layers/index.js";
import type { Model } from "../models/model.js";
import type { ApplicationArgs } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { fixed2, preprocessWithMode } from "./common.js";
import { valueText } from "../tensor/value_text.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/";
const IMAGENET_SIZES = [128, 160, 192, 224];
const IMAGENET_ALPHAS = [0.25, 0.5, 0.75, 1.0];

export interface MobileNetArgs extends ApplicationArgs {
  /** Width multiplier: scales the number of filters of every layer (default 1). */
  alpha?: number;
  /** Depth multiplier of the depthwise convolutions (default 1). */
  depthMultiplier?: number;
  /** Dropout rate before the classifier (default 1e-3). */
  dropout?: number;
}

/** MobileNet; returns the model directly with weights: null, a promise of it otherwise. */
export function MobileNet(args: MobileNetArgs & { weights: null }): Model;
export function MobileNet(args?: MobileNetArgs & { weights?: string }): Promise<Model>;
export function MobileNet(args?: MobileNetArgs): Model | Promise<Model>;
export function MobileNet(args: MobileNetArgs = {}): Model | Promise<Model> {
  const where = "applications.MobileNet";
  const alpha = args.alpha ?? 1.0;
  const depthMultiplier = args.depthMultiplier ?? 1;
  const dropout = args.dropout ?? 1e-3;
  if (!(typeof alpha === "number" && alpha > 0)) throw new RangeError(`${where}: alpha must be a positive number, got ${valueText(args.alpha)}`);
  if (!(Number.isInteger(depthMultiplier) && depthMultiplier > 0)) throw new RangeError(`${where}: depthMultiplier must be a positive integer, got ${valueText(args.depthMultiplier)}`);
  if (!(typeof dropout === "number" && dropout >= 0 && dropout < 1)) throw new RangeError(`${where}: dropout must be a rate in [0, 1), got ${valueText(args.dropout)}`);
  const weights = args.weights === undefined ? "imagenet" : args.weights;
  if (weights === "imagenet") {
    if (depthMultiplier !== 1) throw new RangeError(`${where}: with "imagenet" weights depthMultiplier must be 1; got ${valueText(depthMultiplier)}`);
    if (!IMAGENET_ALPHAS.includes(alpha)) throw new RangeError(`${where}: with "imagenet" weights alpha must be one of 0.25, 0.5, 0.75, 1; got ${valueText(alpha)}`);
  }
  // Keras takes the default size from a square input of a published size, else 224.
  const given = args.inputShape ?? (args.inputTensor ? args.inputTensor.shape.slice(1) : null);
  const defaultSize = given && given[0] === given[1] && IMAGENET_SIZES.includes(given[0] ?? -1) ? (given[0] as number) : 224;
  let warned = false;
  // The input size the published weights are picked for, also the size in the default name.
  const rowsOf = (b: Built): number | null => {
    const [rows, cols] = b.inputShape;
    if (weights !== "imagenet") return rows;
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
    name: (b) => `mobilenet_${fixed2(alpha)}_${rowsOf(b) ?? "None"}`,
    imagenetWeights: (includeTop, b) => {
      const alphaText = { 1: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5" }[alpha];
      const fname = `mobilenet_${alphaText}_${rowsOf(b)}_tf${includeTop ? "" : "_no_top"}.h5`;
      // Keras publishes these without a hash, so none is checked (as in Keras).
      return { fname, origin: `${BASE}${fname}` };
    },
    body: (input, b) => mobileNetBody(input, b, alpha, depthMultiplier, dropout),
  });
}

const relu6 = (name: string) => ReLU(6.0, { name });

/** Keras' _depthwise_conv_block: 3x3 depthwise (padded by hand when strided), then 1x1 pointwise, each with BN + ReLU6. */
function depthwiseConvBlock(x: SymbolicTensor, pointwiseFilters: number, alpha: number, depthMultiplier: number, stride: number, id: number): SymbolicTensor {
  if (stride !== 1) x = ZeroPadding2D([[0, 1], [0, 1]], { name: `conv_pad_${id}` })(x);
  x = DepthwiseConv2D(3, { padding: stride === 1 ? "same" : "valid", depthMultiplier, strides: stride, useBias: false, name: `conv_dw_${id}` })(x);
  x = BatchNormalization({ axis: -1, name: `conv_dw_${id}_bn` })(x);
  x = relu6(`conv_dw_${id}_relu`)(x);
  x = Conv2D(Math.trunc(pointwiseFilters * alpha), 1, { padding: "same", useBias: false, strides: 1, name: `conv_pw_${id}` })(x);
  x = BatchNormalization({ axis: -1, name: `conv_pw_${id}_bn` })(x);
  return relu6(`conv_pw_${id}_relu`)(x);
}

function mobileNetBody(input: SymbolicTensor, b: Built, alpha: number, depthMultiplier: number, dropout: number): SymbolicTensor {
  let x = Conv2D(Math.trunc(32 * alpha), 3, { padding: "same", useBias: false, strides: 2, name: "conv1" })(input);
  x = BatchNormalization({ axis: -1, name: "conv1_bn" })(x);
  x = relu6("conv1_relu")(x);
  // [pointwise filters, stride] of blocks 1..13, as in Keras.
  const blocks: [number, number][] = [
    [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
  ];
  blocks.forEach(([filters, stride], i) => { x = depthwiseConvBlock(x, filters, alpha, depthMultiplier, stride, i + 1); });

  if (b.includeTop) {
    // The classifier is a 1x1 convolution on the pooled features, as in the published weights.
    x = GlobalAveragePooling2D({ keepdims: true })(x);
    x = Dropout(dropout, { name: "dropout" })(x);
    x = Conv2D(b.classes, 1, { padding: "same", name: "conv_preds" })(x);
    x = Reshape([b.classes], { name: "reshape_2" })(x);
    return Activation(b.classifierActivation ?? "linear", { name: "predictions" })(x);
  }
  if (b.pooling === "avg") return GlobalAveragePooling2D()(x);
  if (b.pooling === "max") return GlobalMaxPooling2D()(x);
  return x;
}

/** keras.applications.mobilenet.preprocess_input: pixels scaled to [-1, 1] (tf mode). */
export const preprocessInput = preprocessWithMode("tf");
