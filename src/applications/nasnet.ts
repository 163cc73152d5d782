/**
 * keras.applications.NASNetMobile and NASNetLarge (Zoph et al., 2018): cells found by
 * architecture search, NASNet-A normal cells (same size) and reduction cells (half the size),
 * each fed by the two previous cells' outputs. Keras' layer names (stem_conv1,
 * separable_conv_1_normal_left1_0, reduction_concat_stem_1, ...; the ReLUs, the adjust paddings
 * and croppings keep Keras' automatic names) and Keras' name scopes in the weight paths
 * (normal_A_block_0/block_1/separable_conv_block_normal_left1_0/...), 224x224 (Mobile) and
 * 331x331 (Large) inputs.
 */
import type { LayerShape, SymbolicTensor } from "../layers/symbolic.js";
import { layerShapeText } from "../layers/symbolic.js";
import {
  Activation, Add, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, Cropping2D, MaxPooling2D, SeparableConv2D, ZeroPadding2D,
} from "../layers/index.js";
import { withNameScope } from "../layers/weight_scope.js";
import type { Model } from "../models/model.js";
import { type ApplicationArgs, correctPad, obtainInputShape } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { classifierTop, preprocessWithMode } from "./common.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/";

export type NASNetArgs = ApplicationArgs;

/** The NASNet (N @ P) hyperparameters of one variant, as Keras' NASNetMobile/NASNetLarge pass them. */
interface Variant {
  where: string;
  name: string;
  defaultSize: number;
  penultimateFilters: number;
  numBlocks: number;
  stemBlockFilters: number;
  skipReduction: boolean;
  /** [file name, URL file, MD5] with the top, then without. */
  files: [[string, string, string], [string, string, string]];
}

const MOBILE: Variant = {
  where: "applications.NASNetMobile", name: "nasnet_mobile", defaultSize: 224,
  penultimateFilters: 1056, numBlocks: 4, stemBlockFilters: 32, skipReduction: false,
  files: [["nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"], ["nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"]],
};
const LARGE: Variant = {
  where: "applications.NASNetLarge", name: "nasnet_large", defaultSize: 331,
  penultimateFilters: 4032, numBlocks: 6, stemBlockFilters: 96, skipReduction: true,
  files: [["nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"], ["nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5"]],
};
const FILTER_MULTIPLIER = 2;

const bn = (name: string) => BatchNormalization({ axis: -1, momentum: 0.9997, epsilon: 1e-3, name });
const relu = (x: SymbolicTensor, name?: string): SymbolicTensor => Activation("relu", { name })(x);
const conv1x1 = (x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
  Conv2D(filters, 1, { strides: 1, padding: "same", useBias: false, kernelInitializer: "he_normal", name })(x);
const avgPool3 = (x: SymbolicTensor, name: string): SymbolicTensor => AveragePooling2D(3, { strides: 1, padding: "same", name })(x);
const pool3s2 = (pool: typeof MaxPooling2D | typeof AveragePooling2D, x: SymbolicTensor, name: string): SymbolicTensor => pool(3, { strides: 2, padding: "valid", name })(x);
const add = (xs: SymbolicTensor[], name?: string): SymbolicTensor => Add({ name })(xs);

/** Two [ReLU, separable convolution, BN]; a stride-2 one pads like TF's "same" first (correct_pad). */
function separableConvBlock(x: SymbolicTensor, filters: number, kernel: number, blockId: string, strides = 1): SymbolicTensor {
  return withNameScope(`separable_conv_block_${blockId}`, () => {
    x = relu(x);
    let padding: "same" | "valid" = "same";
    if (strides === 2) {
      x = ZeroPadding2D(correctPad(x.shape, kernel), { name: `separable_conv_1_pad_${blockId}` })(x);
      padding = "valid";
    }
    x = SeparableConv2D(filters, kernel, { strides, padding, useBias: false, name: `separable_conv_1_${blockId}` })(x);
    x = bn(`separable_conv_1_bn_${blockId}`)(x);
    x = relu(x);
    x = SeparableConv2D(filters, kernel, { padding: "same", useBias: false, name: `separable_conv_2_${blockId}` })(x);
    return bn(`separable_conv_2_bn_${blockId}`)(x);
  });
}

/**
 * Keras' _adjust_block: matches the previous cell's output `p` to `ip`: halves its size (two
 * 1x1 stride-2 paths, the second shifted by one pixel) when the widths differ, else projects its
 * channels to `filters` when those differ.
 */
function adjustBlock(p: SymbolicTensor | null, ip: SymbolicTensor, filters: number, blockId: string): SymbolicTensor {
  return withNameScope("adjust_block", () => {
    if (p === null) return ip;
    if (p.shape[2] !== ip.shape[2]) {
      return withNameScope(`adjust_reduction_block_${blockId}`, () => {
        const r = relu(p, `adjust_relu_1_${blockId}`);
        let p1 = AveragePooling2D(1, { strides: 2, padding: "valid", name: `adjust_avg_pool_1_${blockId}` })(r);
        p1 = conv1x1(p1, Math.floor(filters / 2), `adjust_conv_1_${blockId}`);
        let p2 = ZeroPadding2D([[0, 1], [0, 1]])(r);
        p2 = Cropping2D([[1, 0], [1, 0]])(p2);
        p2 = AveragePooling2D(1, { strides: 2, padding: "valid", name: `adjust_avg_pool_2_${blockId}` })(p2);
        p2 = conv1x1(p2, Math.floor(filters / 2), `adjust_conv_2_${blockId}`);
        const both = Concatenate({ axis: -1 })([p1, p2]);
        return bn(`adjust_bn_${blockId}`)(both);
      });
    }
    if (p.shape[3] !== filters) {
      return withNameScope(`adjust_projection_block_${blockId}`, () => {
        const projected = conv1x1(relu(p), filters, `adjust_conv_projection_${blockId}`);
        return bn(`adjust_bn_${blockId}`)(projected);
      });
    }
    return p;
  });
}

/** The ReLU, 1x1 convolution and BN each cell applies to its input. */
function squeeze(ip: SymbolicTensor, filters: number, kind: "normal" | "reduction", blockId: string): SymbolicTensor {
  const h = conv1x1(relu(ip), filters, `${kind}_conv_1_${blockId}`);
  return bn(`${kind}_bn_1_${blockId}`)(h);
}

/** NASNet-A normal cell: [output, the input for the next cell's `p`]. */
function normalCell(ip: SymbolicTensor, p: SymbolicTensor | null, filters: number, blockId: string): [SymbolicTensor, SymbolicTensor] {
  return withNameScope(`normal_A_block_${blockId}`, () => {
    const q = adjustBlock(p, ip, filters, blockId);
    const h = squeeze(ip, filters, "normal", blockId);
    const x1 = withNameScope("block_1", () =>
      add([separableConvBlock(h, filters, 5, `normal_left1_${blockId}`), separableConvBlock(q, filters, 3, `normal_right1_${blockId}`)], `normal_add_1_${blockId}`));
    const x2 = withNameScope("block_2", () =>
      add([separableConvBlock(q, filters, 5, `normal_left2_${blockId}`), separableConvBlock(q, filters, 3, `normal_right2_${blockId}`)], `normal_add_2_${blockId}`));
    const x3 = withNameScope("block_3", () => add([avgPool3(h, `normal_left3_${blockId}`), q], `normal_add_3_${blockId}`));
    const x4 = withNameScope("block_4", () =>
      add([avgPool3(q, `normal_left4_${blockId}`), avgPool3(q, `normal_right4_${blockId}`)], `normal_add_4_${blockId}`));
    const x5 = withNameScope("block_5", () => add([separableConvBlock(h, filters, 3, `normal_left5_${blockId}`), h], `normal_add_5_${blockId}`));
    const x = Concatenate({ axis: -1, name: `normal_concat_${blockId}` })([q, x1, x2, x3, x4, x5]);
    return [x, ip];
  });
}

/** NASNet-A reduction cell (stride 2): [output, the input for the next cell's `p`]. */
function reductionCell(ip: SymbolicTensor, p: SymbolicTensor | null, filters: number, blockId: string): [SymbolicTensor, SymbolicTensor] {
  return withNameScope(`reduction_A_block_${blockId}`, () => {
    const q = adjustBlock(p, ip, filters, blockId);
    const h = squeeze(ip, filters, "reduction", blockId);
    const h3 = ZeroPadding2D(correctPad(h.shape, 3), { name: `reduction_pad_1_${blockId}` })(h);
    const x1 = withNameScope("block_1", () =>
      add([
        separableConvBlock(h, filters, 5, `reduction_left1_${blockId}`, 2),
        separableConvBlock(q, filters, 7, `reduction_right1_${blockId}`, 2),
      ], `reduction_add_1_${blockId}`));
    const x2 = withNameScope("block_2", () =>
      add([pool3s2(MaxPooling2D, h3, `reduction_left2_${blockId}`), separableConvBlock(q, filters, 7, `reduction_right2_${blockId}`, 2)], `reduction_add_2_${blockId}`));
    const x3 = withNameScope("block_3", () =>
      add([pool3s2(AveragePooling2D, h3, `reduction_left3_${blockId}`), separableConvBlock(q, filters, 5, `reduction_right3_${blockId}`, 2)], `reduction_add3_${blockId}`));
    const x4 = withNameScope("block_4", () => add([x2, avgPool3(x1, `reduction_left4_${blockId}`)]));
    // Keras names this separable block "reduction_left4" too (its pooling above has that name).
    const x5 = withNameScope("block_5", () =>
      add([separableConvBlock(x1, filters, 3, `reduction_left4_${blockId}`), pool3s2(MaxPooling2D, h3, `reduction_right5_${blockId}`)], `reduction_add4_${blockId}`));
    const x = Concatenate({ axis: -1, name: `reduction_concat_${blockId}` })([x2, x3, x4, x5]);
    return [x, ip];
  });
}

function nasnetBody(input: SymbolicTensor, b: Built, v: Variant): SymbolicTensor {
  const n = v.numBlocks;
  const m = FILTER_MULTIPLIER;
  const filters = Math.floor(v.penultimateFilters / 24);
  let x = Conv2D(v.stemBlockFilters, 3, { strides: 2, padding: "valid", useBias: false, kernelInitializer: "he_normal", name: "stem_conv1" })(input);
  x = bn("stem_bn1")(x);

  let p: SymbolicTensor | null = null;
  let p0: SymbolicTensor;
  [x, p] = reductionCell(x, p, Math.floor(filters / m ** 2), "stem_1");
  [x, p] = reductionCell(x, p, Math.floor(filters / m), "stem_2");
  for (let i = 0; i < n; i++) [x, p] = normalCell(x, p, filters, `${i}`);
  [x, p0] = reductionCell(x, p, filters * m, `reduce_${n}`);
  // NASNetLarge (skip_reduction) feeds the next cells the reduction cell's input, not its input's input.
  if (!v.skipReduction) p = p0;
  for (let i = 0; i < n; i++) [x, p] = normalCell(x, p, filters * m, `${n + i + 1}`);
  [x, p0] = reductionCell(x, p, filters * m ** 2, `reduce_${2 * n}`);
  if (!v.skipReduction) p = p0;
  for (let i = 0; i < n; i++) [x, p] = normalCell(x, p, filters * m ** 2, `${2 * n + i + 1}`);
  x = relu(x);
  return classifierTop(x, b);
}

/**
 * Keras' input-shape rules (NASNetMobile without its top defaults to 224x224x3), plus a known
 * height and width: Keras builds a model that fails when called otherwise, since each cell
 * compares the widths of its two inputs to decide whether to halve one.
 */
function nasnetInputShape(v: Variant, given: LayerShape | null, weights: string | null, includeTop: boolean): LayerShape {
  if (given === null && !includeTop && v === MOBILE) given = [224, 224, 3];
  const shape = obtainInputShape(given, { where: v.where, defaultSize: v.defaultSize, minSize: 32, requireFlatten: includeTop, weights });
  if (shape[0] === null || shape[1] === null) {
    throw new RangeError(
      `${v.where}: NASNet needs a known input height and width (each cell compares the sizes of its two inputs to decide how to match them); ` +
        `got input shape ${layerShapeText(shape)}. Pass inputShape, e.g. [${v.defaultSize}, ${v.defaultSize}, 3] (without the top, any size from 32x32 works).`,
    );
  }
  return shape;
}

function buildNASNet(v: Variant, args: NASNetArgs): Model | Promise<Model> {
  return buildApplication(v.where, args, {
    defaultSize: v.defaultSize,
    minSize: 32,
    name: v.name,
    inputShape: (given, weights, includeTop) => nasnetInputShape(v, given, weights, includeTop),
    imagenetWeights: (includeTop) => {
      const [fname, file, md5] = v.files[includeTop ? 0 : 1];
      return { fname, origin: `${BASE}${file}`, md5 };
    },
    body: (input, b) => nasnetBody(input, b, v),
  });
}

/** NASNetMobile (NASNet-A 4 @ 1056, 224x224 inputs); returns the model directly with weights: null, a promise of it otherwise. */
export function NASNetMobile(args: NASNetArgs & { weights: null }): Model;
export function NASNetMobile(args?: NASNetArgs & { weights?: string }): Promise<Model>;
export function NASNetMobile(args?: NASNetArgs): Model | Promise<Model>;
export function NASNetMobile(args: NASNetArgs = {}): Model | Promise<Model> {
  return buildNASNet(MOBILE, args);
}

/** NASNetLarge (NASNet-A 6 @ 4032, 331x331 inputs); returns the model directly with weights: null, a promise of it otherwise. */
export function NASNetLarge(args: NASNetArgs & { weights: null }): Model;
export function NASNetLarge(args?: NASNetArgs & { weights?: string }): Promise<Model>;
export function NASNetLarge(args?: NASNetArgs): Model | Promise<Model>;
export function NASNetLarge(args: NASNetArgs = {}): Model | Promise<Model> {
  return buildNASNet(LARGE, args);
}

/** keras.applications.nasnet.preprocess_input: pixels scaled to [-1, 1] (tf mode). */
export const preprocessInput = preprocessWithMode("tf");
