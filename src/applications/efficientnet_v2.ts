/**
 * keras.applications.EfficientNetV2B0..B3, S, M, L (Tan & Le, 2021): fused MBConv blocks
 * (one full convolution instead of expand + depthwise) in the early stages, MBConv blocks with
 * squeeze-and-excitation later; Keras' layer names (stem_conv, block1a_project_conv ... top_conv,
 * predictions). With includePreprocessing (the default) the input scaling is a layer of the model,
 * so preprocessInput is the identity.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import {
  Activation, Add, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, GlobalAveragePooling2D, GlobalMaxPooling2D,
  Multiply, Normalization, Rescaling, Reshape,
} from "../layers/index.js";
import type { Model } from "../models/model.js";
import { Constant, VarianceScaling } from "../nn/initializers.js";
import type { ApplicationArgs, PreprocessOptions } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/";

export interface EfficientNetV2Args extends ApplicationArgs {
  /** Scale the [0, 255] input inside the model (default true; Keras' published weights expect it). */
  includePreprocessing?: boolean;
}

/** [kernel, repeats, filters in, filters out, expansion, SE ratio, stride, fused] of one stage. */
type Stage = [number, number, number, number, number, number, number, boolean];
const B_STAGES: Stage[] = [
  [3, 1, 32, 16, 1, 0, 1, true], [3, 2, 16, 32, 4, 0, 2, true], [3, 2, 32, 48, 4, 0, 2, true],
  [3, 3, 48, 96, 4, 0.25, 2, false], [3, 5, 96, 112, 6, 0.25, 1, false], [3, 8, 112, 192, 6, 0.25, 2, false],
];
const STAGES: Record<string, Stage[]> = {
  b0: B_STAGES, b1: B_STAGES, b2: B_STAGES, b3: B_STAGES,
  s: [
    [3, 2, 24, 24, 1, 0, 1, true], [3, 4, 24, 48, 4, 0, 2, true], [3, 4, 48, 64, 4, 0, 2, true],
    [3, 6, 64, 128, 4, 0.25, 2, false], [3, 9, 128, 160, 6, 0.25, 1, false], [3, 15, 160, 256, 6, 0.25, 2, false],
  ],
  m: [
    [3, 3, 24, 24, 1, 0, 1, true], [3, 5, 24, 48, 4, 0, 2, true], [3, 5, 48, 80, 4, 0, 2, true],
    [3, 7, 80, 160, 4, 0.25, 2, false], [3, 14, 160, 176, 6, 0.25, 1, false], [3, 18, 176, 304, 6, 0.25, 2, false],
    [3, 5, 304, 512, 6, 0.25, 1, false],
  ],
  l: [
    [3, 4, 32, 32, 1, 0, 1, true], [3, 7, 32, 64, 4, 0, 2, true], [3, 7, 64, 96, 4, 0, 2, true],
    [3, 10, 96, 192, 4, 0.25, 2, false], [3, 19, 192, 224, 6, 0.25, 1, false], [3, 25, 224, 384, 6, 0.25, 2, false],
    [3, 7, 384, 640, 6, 0.25, 1, false],
  ],
};

/** [width, depth, default size, MD5 with the top, without] of each variant, as in Keras. */
const VARIANTS: Record<string, [number, number, number, string, string]> = {
  b0: [1.0, 1.0, 224, "21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"],
  b1: [1.0, 1.1, 240, "069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"],
  b2: [1.1, 1.2, 260, "424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"],
  b3: [1.2, 1.4, 300, "1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"],
  s: [1.0, 1.0, 384, "e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"],
  m: [1.0, 1.0, 480, "a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"],
  l: [1.0, 1.0, 480, "27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"],
};

const BN_MOMENTUM = 0.9;
const DROP_CONNECT_RATE = 0.2;
const convInit = () => new VarianceScaling({ scale: 2.0, mode: "fan_out", distribution: "truncated_normal" });
const denseInit = () => new VarianceScaling({ scale: 1.0 / 3.0, mode: "fan_out", distribution: "uniform" });
const bn = (name: string) => BatchNormalization({ axis: 3, momentum: BN_MOMENTUM, name });

/** Keras' EfficientNetV2 round_filters (unlike V1's, no rounding up to keep 90% of the width). */
function roundFilters(filters: number, width: number): number {
  return Math.max(8, Math.floor(Math.trunc(filters * width + 4) / 8) * 8);
}

interface BlockArgs { name: string; fIn: number; fOut: number; kernel: number; stride: number; expand: number; se: number; dropRate: number }

function squeezeExcite(x: SymbolicTensor, a: BlockArgs, filters: number): SymbolicTensor {
  if (!(a.se > 0 && a.se <= 1)) return x;
  const filtersSe = Math.max(1, Math.trunc(a.fIn * a.se));
  let se = GlobalAveragePooling2D({ name: `${a.name}se_squeeze` })(x);
  se = Reshape([1, 1, filters], { name: `${a.name}se_reshape` })(se);
  se = Conv2D(filtersSe, 1, { padding: "same", activation: "swish", kernelInitializer: convInit(), name: `${a.name}se_reduce` })(se);
  se = Conv2D(filters, 1, { padding: "same", activation: "sigmoid", kernelInitializer: convInit(), name: `${a.name}se_expand` })(se);
  return Multiply({ name: `${a.name}se_excite` })([x, se]);
}

function residual(x: SymbolicTensor, inputs: SymbolicTensor, a: BlockArgs): SymbolicTensor {
  if (a.stride !== 1 || a.fIn !== a.fOut) return x;
  // Keras passes its "survival probability" as the Dropout rate (so it grows along the network).
  if (a.dropRate) x = Dropout(a.dropRate, { noiseShape: [null, 1, 1, 1], name: `${a.name}drop` })(x);
  return Add({ name: `${a.name}add` })([x, inputs]);
}

/** MBConv: 1x1 expansion, depthwise convolution, squeeze-and-excite, 1x1 projection. */
function mbConv(inputs: SymbolicTensor, a: BlockArgs): SymbolicTensor {
  const filters = a.fIn * a.expand;
  let x = inputs;
  if (a.expand !== 1) {
    x = Conv2D(filters, 1, { padding: "same", useBias: false, kernelInitializer: convInit(), name: `${a.name}expand_conv` })(x);
    x = bn(`${a.name}expand_bn`)(x);
    x = Activation("swish", { name: `${a.name}expand_activation` })(x);
  }
  x = DepthwiseConv2D(a.kernel, { strides: a.stride, padding: "same", useBias: false, depthwiseInitializer: convInit(), name: `${a.name}dwconv2` })(x);
  x = bn(`${a.name}bn`)(x);
  x = Activation("swish", { name: `${a.name}activation` })(x);
  x = squeezeExcite(x, a, filters);
  x = Conv2D(a.fOut, 1, { padding: "same", useBias: false, kernelInitializer: convInit(), name: `${a.name}project_conv` })(x);
  x = bn(`${a.name}project_bn`)(x);
  return residual(x, inputs, a);
}

/** Fused MBConv: one full kxk convolution in place of the expansion and the depthwise convolution. */
function fusedMbConv(inputs: SymbolicTensor, a: BlockArgs): SymbolicTensor {
  const filters = a.fIn * a.expand;
  let x = inputs;
  if (a.expand !== 1) {
    x = Conv2D(filters, a.kernel, { strides: a.stride, padding: "same", useBias: false, kernelInitializer: convInit(), name: `${a.name}expand_conv` })(x);
    x = bn(`${a.name}expand_bn`)(x);
    x = Activation("swish", { name: `${a.name}expand_activation` })(x);
  }
  x = squeezeExcite(x, a, filters);
  const single = a.expand === 1;
  x = Conv2D(a.fOut, single ? a.kernel : 1, { strides: single ? a.stride : 1, padding: "same", useBias: false, kernelInitializer: convInit(), name: `${a.name}project_conv` })(x);
  x = bn(`${a.name}project_bn`)(x);
  if (single) x = Activation("swish", { name: `${a.name}project_activation` })(x);
  return residual(x, inputs, a);
}

function efficientNetV2Body(input: SymbolicTensor, b: Built, variant: string, includePreprocessing: boolean): SymbolicTensor {
  const [width, depth] = VARIANTS[variant];
  const stages = STAGES[variant];
  let x = input;
  if (includePreprocessing) {
    if (variant.startsWith("b") && b.inputShape[2] === 3) {
      x = Rescaling(1.0 / 255)(x);
      x = Normalization({ axis: 3, mean: [0.485, 0.456, 0.406], variance: [0.229 ** 2, 0.224 ** 2, 0.225 ** 2] })(x);
    } else {
      x = Rescaling(1.0 / 128.0, { offset: -1 })(x);
    }
  }
  x = Conv2D(roundFilters(stages[0][2], width), 3, { strides: 2, padding: "same", useBias: false, kernelInitializer: convInit(), name: "stem_conv" })(x);
  x = bn("stem_bn")(x);
  x = Activation("swish", { name: "stem_activation" })(x);

  const total = stages.reduce((n, s) => n + s[1], 0); // Keras counts the unscaled repeats here
  let count = 0;
  stages.forEach(([kernel, repeats, fIn, fOut, expand, se, stride, fused], i) => {
    const filtersIn = roundFilters(fIn, width);
    const filtersOut = roundFilters(fOut, width);
    const n = Math.ceil(depth * repeats);
    for (let j = 0; j < n; j++) {
      const a: BlockArgs = {
        name: `block${i + 1}${String.fromCharCode(97 + j)}_`, fIn: j > 0 ? filtersOut : filtersIn, fOut: filtersOut,
        kernel, stride: j > 0 ? 1 : stride, expand, se, dropRate: (DROP_CONNECT_RATE * count) / total,
      };
      x = fused ? fusedMbConv(x, a) : mbConv(x, a);
      count++;
    }
  });

  x = Conv2D(roundFilters(1280, width), 1, { padding: "same", useBias: false, kernelInitializer: convInit(), name: "top_conv" })(x);
  x = bn("top_bn")(x);
  x = Activation("swish", { name: "top_activation" })(x);
  if (b.includeTop) {
    x = GlobalAveragePooling2D({ name: "avg_pool" })(x);
    x = Dropout(0.2, { name: "top_dropout" })(x);
    return Dense(b.classes, { activation: b.classifierActivation, kernelInitializer: denseInit(), biasInitializer: new Constant(0.0), name: "predictions" })(x);
  }
  if (b.pooling === "avg") return GlobalAveragePooling2D({ name: "avg_pool" })(x);
  if (b.pooling === "max") return GlobalMaxPooling2D({ name: "max_pool" })(x);
  return x;
}

function buildEfficientNetV2(variant: string, args: EfficientNetV2Args): Model | Promise<Model> {
  const name = `efficientnetv2-${variant}`;
  const [, , defaultSize, md5Top, md5NoTop] = VARIANTS[variant];
  const includePreprocessing = args.includePreprocessing ?? true;
  return buildApplication(`applications.EfficientNetV2${variant.toUpperCase()}`, args, {
    defaultSize,
    minSize: 32,
    name,
    imagenetWeights: (includeTop) => {
      const fname = `${name}${includeTop ? ".h5" : "_notop.h5"}`;
      return { fname, origin: `${BASE}${fname}`, md5: includeTop ? md5Top : md5NoTop };
    },
    body: (input, b) => efficientNetV2Body(input, b, variant, includePreprocessing),
  });
}

type EfficientNetV2Fn = {
  (args: EfficientNetV2Args & { weights: null }): Model;
  (args?: EfficientNetV2Args & { weights?: string }): Promise<Model>;
  (args?: EfficientNetV2Args): Model | Promise<Model>;
};
const variantFn = (v: string): EfficientNetV2Fn => ((args: EfficientNetV2Args = {}) => buildEfficientNetV2(v, args)) as EfficientNetV2Fn;

/** EfficientNetV2B0 (224x224 inputs); returns the model directly with weights: null, a promise of it otherwise. */
export const EfficientNetV2B0 = variantFn("b0");
/** EfficientNetV2B1 (240x240). */
export const EfficientNetV2B1 = variantFn("b1");
/** EfficientNetV2B2 (260x260). */
export const EfficientNetV2B2 = variantFn("b2");
/** EfficientNetV2B3 (300x300). */
export const EfficientNetV2B3 = variantFn("b3");
/** EfficientNetV2S (384x384). */
export const EfficientNetV2S = variantFn("s");
/** EfficientNetV2M (480x480). */
export const EfficientNetV2M = variantFn("m");
/** EfficientNetV2L (480x480). */
export const EfficientNetV2L = variantFn("l");

/**
 * keras.applications.efficientnet_v2.preprocess_input: the identity, since the models scale their
 * [0, 255] inputs themselves (with includePreprocessing).
 */
export function preprocessInput(x: Tensor, opts?: PreprocessOptions): Tensor;
export function preprocessInput(x: SymbolicTensor, opts?: PreprocessOptions): SymbolicTensor;
export function preprocessInput(x: Tensor | SymbolicTensor, _opts: PreprocessOptions = {}): Tensor | SymbolicTensor {
  return x;
}
