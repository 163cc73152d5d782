/**
 * keras.applications.MobileNetV3Small / MobileNetV3Large (Howard et al., 2019): inverted residual
 * blocks with squeeze-and-excitation and hard-swish, Keras' layer names (conv, conv_bn,
 * expanded_conv_depthwise ... expanded_conv_14_project_bn, conv_1, conv_2, logits, predictions).
 * The hard sigmoid of the squeeze-and-excitation is Keras' `ReLU(6)(x + 3) * (1 / 6)`: two
 * operation nodes around a ReLU layer, as in Keras' graph. The [0, 255] -> [-1, 1] rescaling is a
 * layer of the model (includePreprocessing), so preprocessInput is the identity.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { LayerShape, SymbolicTensor } from "../layers/symbolic.js";
import { layerShapeText } from "../layers/symbolic.js";
import {
  Activation, Add, BatchNormalization, Conv2D, DepthwiseConv2D, Dropout, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D,
  Multiply, ReLU, Rescaling, ZeroPadding2D,
} from "../layers/index.js";
import { add, mul } from "../ops/math.js";
import type { Model } from "../models/model.js";
import { type ApplicationArgs, correctPad, type PreprocessOptions } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { valueText } from "../tensor/value_text.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/";

/** Keras' mobilenet_v3.py WEIGHTS_HASHES: [with the top, without]. */
const WEIGHTS_HASHES: Record<string, [top: string, notop: string]> = {
  "large_224_0.75_float": ["765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"],
  "large_224_1.0_float": ["59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"],
  "large_minimalistic_224_1.0_float": ["675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"],
  "small_224_0.75_float": ["cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"],
  "small_224_1.0_float": ["8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"],
  "small_minimalistic_224_1.0_float": ["99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"],
};

export interface MobileNetV3Args extends ApplicationArgs {
  /** Width multiplier of every block's filters (default 1; "imagenet" weights: 0.75 or 1, minimalistic only 1). */
  alpha?: number;
  /** ReLU and 3x3 kernels without squeeze-and-excitation instead of hard-swish and 5x5 kernels (default false). */
  minimalistic?: boolean;
  /** Rescale [0, 255] inputs to [-1, 1] inside the model (default true). */
  includePreprocessing?: boolean;
  /** Dropout before the classifier's last 1x1 convolution (default 0.2). */
  dropoutRate?: number;
}

type Act = (x: SymbolicTensor) => SymbolicTensor;
// Keras' activations here are unnamed layers: their names come from the automatic counters.
const relu: Act = (x) => ReLU()(x);
const hardSwish: Act = (x) => Activation("hard_swish")(x);
const hardSigmoid: Act = (x) => mul(ReLU(6.0)(add(x, 3.0)), 1.0 / 6.0);

/** Keras' _depth: channels rounded to a multiple of 8, never below 90% of v. */
function depth(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

/** Python's str(float): 1 -> "1.0", 0.75 -> "0.75". */
const pyFloat = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

const bn = (name: string) => BatchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });

function seBlock(inputs: SymbolicTensor, filters: number, seRatio: number, prefix: string): SymbolicTensor {
  let x = GlobalAveragePooling2D({ keepdims: true, name: `${prefix}squeeze_excite_avg_pool` })(inputs);
  x = Conv2D(depth(filters * seRatio), 1, { padding: "same", name: `${prefix}squeeze_excite_conv` })(x);
  x = ReLU({ name: `${prefix}squeeze_excite_relu` })(x);
  x = Conv2D(filters, 1, { padding: "same", name: `${prefix}squeeze_excite_conv_1` })(x);
  x = hardSigmoid(x);
  return Multiply({ name: `${prefix}squeeze_excite_mul` })([inputs, x]);
}

function invertedResBlock(
  inputs: SymbolicTensor, expansion: number, filters: number, kernel: number, stride: number, seRatio: number | null, activation: Act, blockId: number,
): SymbolicTensor {
  const inFilters = inputs.shape[3] as number;
  let prefix = "expanded_conv_";
  let x = inputs;
  if (blockId) {
    prefix = `expanded_conv_${blockId}_`;
    x = Conv2D(depth(inFilters * expansion), 1, { padding: "same", useBias: false, name: `${prefix}expand` })(x);
    x = bn(`${prefix}expand_bn`)(x);
    x = activation(x);
  }
  if (stride === 2) x = ZeroPadding2D(correctPad(x.shape, kernel), { name: `${prefix}depthwise_pad` })(x);
  x = DepthwiseConv2D(kernel, { strides: stride, padding: stride === 1 ? "same" : "valid", useBias: false, name: `${prefix}depthwise` })(x);
  x = bn(`${prefix}depthwise_bn`)(x);
  x = activation(x);
  if (seRatio) x = seBlock(x, depth(inFilters * expansion), seRatio, prefix);
  x = Conv2D(filters, 1, { padding: "same", useBias: false, name: `${prefix}project` })(x);
  x = bn(`${prefix}project_bn`)(x);
  if (stride === 1 && inFilters === filters) x = Add({ name: `${prefix}add` })([inputs, x]);
  return x;
}

// [expansion, filters, kernel (0: the model's), stride, squeeze-and-excite, hard-swish (else ReLU)] per block, as in Keras.
type BlockRow = [number, number, number, number, boolean, boolean];
const SMALL: BlockRow[] = [
  [1, 16, 3, 2, true, false], [72 / 16, 24, 3, 2, false, false], [88 / 24, 24, 3, 1, false, false],
  [4, 40, 0, 2, true, true], [6, 40, 0, 1, true, true], [6, 40, 0, 1, true, true],
  [3, 48, 0, 1, true, true], [3, 48, 0, 1, true, true],
  [6, 96, 0, 2, true, true], [6, 96, 0, 1, true, true], [6, 96, 0, 1, true, true],
];
const LARGE: BlockRow[] = [
  [1, 16, 3, 1, false, false], [4, 24, 3, 2, false, false], [3, 24, 3, 1, false, false],
  [3, 40, 0, 2, true, false], [3, 40, 0, 1, true, false], [3, 40, 0, 1, true, false],
  [6, 80, 3, 2, false, true], [2.5, 80, 3, 1, false, true], [2.3, 80, 3, 1, false, true], [2.3, 80, 3, 1, false, true],
  [6, 112, 3, 1, true, true], [6, 112, 3, 1, true, true],
  [6, 160, 0, 2, true, true], [6, 160, 0, 1, true, true], [6, 160, 0, 1, true, true],
];

interface Variant { type: "small" | "large"; blocks: BlockRow[]; lastPoint: number }

function mobileNetV3Body(input: SymbolicTensor, b: Built, v: Variant, alpha: number, minimalistic: boolean, includePreprocessing: boolean, dropoutRate: number): SymbolicTensor {
  const kernel = minimalistic ? 3 : 5;
  const activation = minimalistic ? relu : hardSwish;
  const seRatio = minimalistic ? null : 0.25;
  let x = input;
  if (includePreprocessing) x = Rescaling(1.0 / 127.5, { offset: -1.0 })(x);
  x = Conv2D(16, 3, { strides: [2, 2], padding: "same", useBias: false, name: "conv" })(x);
  x = bn("conv_bn")(x);
  x = activation(x);
  v.blocks.forEach(([expansion, filters, k, stride, se, swish], id) => {
    // Keras' minimalistic variant replaces hard-swish by ReLU and drops squeeze-and-excitation everywhere.
    x = invertedResBlock(x, expansion, depth(filters * alpha), k || kernel, stride, se ? seRatio : null, swish ? activation : relu, id);
  });
  const lastConv = depth((x.shape[3] as number) * 6);
  const lastPoint = alpha > 1.0 ? depth(v.lastPoint * alpha) : v.lastPoint;
  x = Conv2D(lastConv, 1, { padding: "same", useBias: false, name: "conv_1" })(x);
  x = bn("conv_1_bn")(x);
  x = activation(x);
  if (b.includeTop) {
    x = GlobalAveragePooling2D({ keepdims: true })(x);
    x = Conv2D(lastPoint, 1, { padding: "same", useBias: true, name: "conv_2" })(x);
    x = activation(x);
    if (dropoutRate > 0) x = Dropout(dropoutRate)(x);
    x = Conv2D(b.classes, 1, { padding: "same", name: "logits" })(x);
    x = Flatten()(x);
    return Activation(b.classifierActivation ?? "linear", { name: "predictions" })(x);
  }
  if (b.pooling === "avg") return GlobalAveragePooling2D({ name: "avg_pool" })(x);
  if (b.pooling === "max") return GlobalMaxPooling2D({ name: "max_pool" })(x);
  return x;
}

function buildMobileNetV3(v: Variant, args: MobileNetV3Args): Model | Promise<Model> {
  const family = v.type === "small" ? "MobileNetV3Small" : "MobileNetV3Large";
  const where = `applications.${family}`;
  const alpha = args.alpha ?? 1.0;
  const minimalistic = args.minimalistic ?? false;
  const dropoutRate = args.dropoutRate ?? 0.2;
  if (!(typeof alpha === "number" && alpha > 0)) throw new RangeError(`${where}: alpha must be a positive number, got ${valueText(args.alpha)}`);
  if (!(typeof dropoutRate === "number" && dropoutRate >= 0 && dropoutRate < 1)) {
    throw new RangeError(`${where}: dropoutRate must be a rate in [0, 1), got ${valueText(args.dropoutRate)}`);
  }
  const weights = args.weights === undefined ? "imagenet" : args.weights;
  if (weights === "imagenet" && (minimalistic ? alpha !== 1.0 : alpha !== 0.75 && alpha !== 1.0)) {
    throw new RangeError(`${where}: with "imagenet" weights alpha must be 0.75 or 1 (1 when minimalistic); got alpha ${alpha}${minimalistic ? " with minimalistic: true" : ""}`);
  }
  // Keras' MobileNetV3 takes any input size: [null, null, 3] unless one is given, at least 32x32.
  const inputShape = (given: LayerShape | null): LayerShape => {
    const shape = given ?? [null, null, 3];
    if (shape.length !== 3) throw new RangeError(`${where}: inputShape must be three numbers [height, width, channels], got ${layerShapeText(shape)}`);
    const [rows, cols] = shape;
    if (rows !== null && cols !== null && (rows < 32 || cols < 32)) {
      throw new RangeError(`${where}: the input size must be at least 32x32; got inputShape ${layerShapeText(shape)}`);
    }
    if (weights === "imagenet" && (rows !== cols || rows !== 224)) {
      process.emitWarning(`${where}: the input shape is not 224x224; the weights for 224x224 inputs are loaded`);
    }
    return shape;
  };
  return buildApplication(where, args, {
    defaultSize: 224,
    minSize: 32,
    name: family,
    inputShape,
    imagenetWeights: (includeTop) => {
      const modelName = `${v.type}${minimalistic ? "_minimalistic" : ""}_224_${pyFloat(alpha)}_float`;
      const fname = `weights_mobilenet_v3_${modelName}${includeTop ? ".h5" : "_no_top_v2.h5"}`;
      return { fname, origin: `${BASE}${fname}`, md5: WEIGHTS_HASHES[modelName][includeTop ? 0 : 1] };
    },
    body: (input, b) => mobileNetV3Body(input, b, v, alpha, minimalistic, args.includePreprocessing ?? true, dropoutRate),
  });
}

type MobileNetV3Fn = {
  (args: MobileNetV3Args & { weights: null }): Model;
  (args?: MobileNetV3Args & { weights?: string }): Promise<Model>;
  (args?: MobileNetV3Args): Model | Promise<Model>;
};

/** MobileNetV3Small; returns the model directly with weights: null, a promise of it otherwise. */
export const MobileNetV3Small = ((args: MobileNetV3Args = {}) => buildMobileNetV3({ type: "small", blocks: SMALL, lastPoint: 1024 }, args)) as MobileNetV3Fn;
/** MobileNetV3Large; returns the model directly with weights: null, a promise of it otherwise. */
export const MobileNetV3Large = ((args: MobileNetV3Args = {}) => buildMobileNetV3({ type: "large", blocks: LARGE, lastPoint: 1280 }, args)) as MobileNetV3Fn;

/** keras.applications.mobilenet_v3.preprocess_input: the identity, since the models rescale their [0, 255] inputs themselves. */
export function preprocessInput(x: Tensor, opts?: PreprocessOptions): Tensor;
export function preprocessInput(x: SymbolicTensor, opts?: PreprocessOptions): SymbolicTensor;
export function preprocessInput(x: Tensor | SymbolicTensor, _opts: PreprocessOptions = {}): Tensor | SymbolicTensor {
  return x;
}
