/**
 * keras.applications.EfficientNetB0..B7 (Tan & Le, 2019): MBConv blocks with squeeze-and-
 * excitation and swish, scaled in width, depth and input size; Keras' layer names (stem_conv,
 * block1a_dwconv ... block7?_project_bn, top_conv, predictions). The input rescaling and
 * normalization are layers of the model, so its preprocessInput is the identity.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import {
  Activation, Add, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, GlobalAveragePooling2D, GlobalMaxPooling2D,
  Multiply, Normalization, Rescaling, Reshape, ZeroPadding2D,
} from "../layers/index.js";
import type { Model } from "../models/model.js";
import { VarianceScaling } from "../nn/initializers.js";
import { type ApplicationArgs, correctPad, type PreprocessOptions } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";

const BASE = "https://storage.googleapis.com/keras-applications/";

/** Keras' efficientnet.py WEIGHTS_HASHES: [with the top, without]. */
const WEIGHTS_HASHES: [top: string, notop: string][] = [
  ["902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"],
  ["1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"],
  ["b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"],
  ["ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"],
  ["18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"],
  ["ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"],
  ["165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"],
  ["8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"],
];

// [width, depth, default size, dropout] of B0..B7, as in Keras.
const SCALING: [number, number, number, number][] = [
  [1.0, 1.0, 224, 0.2], [1.0, 1.1, 240, 0.2], [1.1, 1.2, 260, 0.3], [1.2, 1.4, 300, 0.3],
  [1.4, 1.8, 380, 0.4], [1.6, 2.2, 456, 0.4], [1.8, 2.6, 528, 0.5], [2.0, 3.1, 600, 0.5],
];

// [kernel, repeats, filters in, filters out, expansion, stride] of the seven stages (all with SE ratio 0.25).
const BLOCKS: [number, number, number, number, number, number][] = [
  [3, 1, 32, 16, 1, 1], [3, 2, 16, 24, 6, 2], [5, 2, 24, 40, 6, 2], [3, 3, 40, 80, 6, 2],
  [5, 3, 80, 112, 6, 1], [5, 4, 112, 192, 6, 2], [3, 1, 192, 320, 6, 1],
];

// ImageNet's RGB deviations: Keras divides by their square roots after Normalization when it loads
// the "imagenet" weights (the published weights were trained that way).
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];
const DROP_CONNECT_RATE = 0.2;

const convInit = () => new VarianceScaling({ scale: 2.0, mode: "fan_out", distribution: "truncated_normal" });
const denseInit = () => new VarianceScaling({ scale: 1.0 / 3.0, mode: "fan_out", distribution: "uniform" });

export type EfficientNetArgs = ApplicationArgs;

function buildEfficientNet(index: number, args: EfficientNetArgs): Model | Promise<Model> {
  const name = `efficientnetb${index}`;
  const [, , defaultSize] = SCALING[index];
  return buildApplication(`applications.EfficientNetB${index}`, args, {
    defaultSize,
    minSize: 32,
    name,
    imagenetWeights: (includeTop) => {
      const fname = `${name}${includeTop ? ".h5" : "_notop.h5"}`;
      return { fname, origin: `${BASE}${fname}`, md5: WEIGHTS_HASHES[index][includeTop ? 0 : 1] };
    },
    body: (input, b) => efficientNetBody(input, b, SCALING[index]),
  });
}

/** Keras' round_filters: channels scaled by the width coefficient, to a multiple of 8, never below 90%. */
function roundFilters(filters: number, width: number, divisor = 8): number {
  const f = filters * width;
  let n = Math.max(divisor, Math.floor(Math.trunc(f + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * f) n += divisor;
  return n;
}

/** Keras' MBConv block: expand, depthwise, squeeze-and-excite, project, and the residual with drop-connect. */
function block(inputs: SymbolicTensor, dropRate: number, name: string, filtersIn: number, filtersOut: number, kernel: number, stride: number, expand: number): SymbolicTensor {
  const filters = filtersIn * expand;
  let x = inputs;
  if (expand !== 1) {
    x = Conv2D(filters, 1, { padding: "same", useBias: false, kernelInitializer: convInit(), name: `${name}expand_conv` })(x);
    x = BatchNormalization({ axis: 3, name: `${name}expand_bn` })(x);
    x = Activation("swish", { name: `${name}expand_activation` })(x);
  }
  if (stride === 2) x = ZeroPadding2D(correctPad(x.shape, kernel), { name: `${name}dwconv_pad` })(x);
  x = DepthwiseConv2D(kernel, { strides: stride, padding: stride === 2 ? "valid" : "same", useBias: false, depthwiseInitializer: convInit(), name: `${name}dwconv` })(x);
  x = BatchNormalization({ axis: 3, name: `${name}bn` })(x);
  x = Activation("swish", { name: `${name}activation` })(x);

  const filtersSe = Math.max(1, Math.trunc(filtersIn * 0.25));
  let se = GlobalAveragePooling2D({ name: `${name}se_squeeze` })(x);
  se = Reshape([1, 1, filters], { name: `${name}se_reshape` })(se);
  se = Conv2D(filtersSe, 1, { padding: "same", activation: "swish", kernelInitializer: convInit(), name: `${name}se_reduce` })(se);
  se = Conv2D(filters, 1, { padding: "same", activation: "sigmoid", kernelInitializer: convInit(), name: `${name}se_expand` })(se);
  x = Multiply({ name: `${name}se_excite` })([x, se]);

  x = Conv2D(filtersOut, 1, { padding: "same", useBias: false, kernelInitializer: convInit(), name: `${name}project_conv` })(x);
  x = BatchNormalization({ axis: 3, name: `${name}project_bn` })(x);
  if (stride === 1 && filtersIn === filtersOut) {
    // Drop-connect: the whole residual branch of a sample is dropped in training.
    if (dropRate > 0) x = Dropout(dropRate, { noiseShape: [null, 1, 1, 1], name: `${name}drop` })(x);
    x = Add({ name: `${name}add` })([x, inputs]);
  }
  return x;
}

function efficientNetBody(input: SymbolicTensor, b: Built, [width, depth, , dropoutRate]: [number, number, number, number]): SymbolicTensor {
  const roundRepeats = (r: number) => Math.ceil(depth * r);
  let x = Rescaling(1.0 / 255.0)(input);
  x = Normalization({ axis: 3 })(x);
  if (b.weights === "imagenet") x = Rescaling(IMAGENET_STDDEV_RGB.map((s) => 1.0 / Math.sqrt(s)))(x);
  x = ZeroPadding2D(correctPad(x.shape, 3), { name: "stem_conv_pad" })(x);
  x = Conv2D(roundFilters(32, width), 3, { strides: 2, padding: "valid", useBias: false, kernelInitializer: convInit(), name: "stem_conv" })(x);
  x = BatchNormalization({ axis: 3, name: "stem_bn" })(x);
  x = Activation("swish", { name: "stem_activation" })(x);

  const total = BLOCKS.reduce((n, blk) => n + roundRepeats(blk[1]), 0);
  let count = 0;
  BLOCKS.forEach(([kernel, repeats, fIn, fOut, expand, stride], i) => {
    const filtersIn = roundFilters(fIn, width);
    const filtersOut = roundFilters(fOut, width);
    for (let j = 0; j < roundRepeats(repeats); j++) {
      const name = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      x = block(x, (DROP_CONNECT_RATE * count) / total, name, j > 0 ? filtersOut : filtersIn, filtersOut, kernel, j > 0 ? 1 : stride, expand);
      count++;
    }
  });

  x = Conv2D(roundFilters(1280, width), 1, { padding: "same", useBias: false, kernelInitializer: convInit(), name: "top_conv" })(x);
  x = BatchNormalization({ axis: 3, name: "top_bn" })(x);
  x = Activation("swish", { name: "top_activation" })(x);
  if (b.includeTop) {
    x = GlobalAveragePooling2D({ name: "avg_pool" })(x);
    if (dropoutRate > 0) x = Dropout(dropoutRate, { name: "top_dropout" })(x);
    return Dense(b.classes, { activation: b.classifierActivation, kernelInitializer: denseInit(), name: "predictions" })(x);
  }
  if (b.pooling === "avg") return GlobalAveragePooling2D({ name: "avg_pool" })(x);
  if (b.pooling === "max") return GlobalMaxPooling2D({ name: "max_pool" })(x);
  return x;
}

type EfficientNetFn = {
  (args: EfficientNetArgs & { weights: null }): Model;
  (args?: EfficientNetArgs & { weights?: string }): Promise<Model>;
  (args?: EfficientNetArgs): Model | Promise<Model>;
};
const variant = (i: number): EfficientNetFn => ((args: EfficientNetArgs = {}) => buildEfficientNet(i, args)) as EfficientNetFn;

/** EfficientNetB0 (224x224 inputs); returns the model directly with weights: null, a promise of it otherwise. */
export const EfficientNetB0 = variant(0);
/** EfficientNetB1 (240x240). */
export const EfficientNetB1 = variant(1);
/** EfficientNetB2 (260x260). */
export const EfficientNetB2 = variant(2);
/** EfficientNetB3 (300x300). */
export const EfficientNetB3 = variant(3);
/** EfficientNetB4 (380x380). */
export const EfficientNetB4 = variant(4);
/** EfficientNetB5 (456x456). */
export const EfficientNetB5 = variant(5);
/** EfficientNetB6 (528x528). */
export const EfficientNetB6 = variant(6);
/** EfficientNetB7 (600x600). */
export const EfficientNetB7 = variant(7);

/**
 * keras.applications.efficientnet.preprocess_input: the identity, since the models rescale and
 * normalize their [0, 255] inputs themselves.
 */
export function preprocessInput(x: Tensor, opts?: PreprocessOptions): Tensor;
export function preprocessInput(x: SymbolicTensor, opts?: PreprocessOptions): SymbolicTensor;
export function preprocessInput(x: Tensor | SymbolicTensor, _opts: PreprocessOptions = {}): Tensor | SymbolicTensor {
  return x;
}
