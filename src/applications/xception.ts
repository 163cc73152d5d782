/**
 * keras.applications.Xception (Chollet, 2017): entry, middle (8 blocks) and exit flows of
 * separable convolutions with residual connections, Keras' names (block1_conv1 ... block14_sepconv2_act;
 * the residual convolutions and adds keep Keras' automatic names) and 299x299 inputs.
 */
import type { SymbolicTensor } from "../layers/symbolic.js";
import { Activation, Add, BatchNormalization, Conv2D, MaxPooling2D, SeparableConv2D } from "../layers/index.js";
import type { Model } from "../models/model.js";
import type { ApplicationArgs } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { classifierTop, preprocessWithMode } from "./common.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/";

export type XceptionArgs = ApplicationArgs;

/** Xception; returns the model directly with weights: null, a promise of it otherwise. */
export function Xception(args: XceptionArgs & { weights: null }): Model;
export function Xception(args?: XceptionArgs & { weights?: string }): Promise<Model>;
export function Xception(args?: XceptionArgs): Model | Promise<Model>;
export function Xception(args: XceptionArgs = {}): Model | Promise<Model> {
  return buildApplication("applications.Xception", args, {
    defaultSize: 299,
    minSize: 71,
    name: "xception",
    imagenetWeights: (includeTop) => {
      const fname = `xception_weights_tf_dim_ordering_tf_kernels${includeTop ? "" : "_notop"}.h5`;
      return { fname, origin: `${BASE}${fname}`, md5: includeTop ? "0a58e3b7378bc2990ea3b43d5981f1f6" : "b0042744bf5b25fce3cb969f33bebb97" };
    },
    body: xceptionBody,
  });
}

const bn = (name?: string) => BatchNormalization({ axis: -1, name });
const relu = (name: string) => Activation("relu", { name });
const sep = (x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
  bn(`${name}_bn`)(SeparableConv2D(filters, 3, { padding: "same", useBias: false, name })(x));

/** A strided 1x1 projection of the block's input (automatic names, as in Keras). */
const residualOf = (x: SymbolicTensor, filters: number): SymbolicTensor =>
  bn()(Conv2D(filters, 1, { strides: 2, padding: "same", useBias: false })(x));

/** Entry/exit-flow block: (ReLU) sepconv, ReLU, sepconv, 3x3/2 max pool, plus the projected input. */
function downBlock(x: SymbolicTensor, filters: [number, number], block: number, firstRelu: boolean): SymbolicTensor {
  const residual = residualOf(x, filters[1]);
  const p = `block${block}`;
  if (firstRelu) x = relu(`${p}_sepconv1_act`)(x);
  x = sep(x, filters[0], `${p}_sepconv1`);
  x = relu(`${p}_sepconv2_act`)(x);
  x = sep(x, filters[1], `${p}_sepconv2`);
  x = MaxPooling2D(3, { strides: 2, padding: "same", name: `${p}_pool` })(x);
  return Add()([x, residual]);
}

function xceptionBody(input: SymbolicTensor, b: Built): SymbolicTensor {
  let x = Conv2D(32, 3, { strides: 2, useBias: false, name: "block1_conv1" })(input);
  x = bn("block1_conv1_bn")(x);
  x = relu("block1_conv1_act")(x);
  x = Conv2D(64, 3, { useBias: false, name: "block1_conv2" })(x);
  x = bn("block1_conv2_bn")(x);
  x = relu("block1_conv2_act")(x);

  // Keras names block2's first activation "block2_sepconv2_act" and has none before its first sepconv.
  {
    const residual = residualOf(x, 128);
    x = sep(x, 128, "block2_sepconv1");
    x = relu("block2_sepconv2_act")(x);
    x = sep(x, 128, "block2_sepconv2");
    x = MaxPooling2D(3, { strides: 2, padding: "same", name: "block2_pool" })(x);
    x = Add()([x, residual]);
  }
  x = downBlock(x, [256, 256], 3, true);
  x = downBlock(x, [728, 728], 4, true);

  for (let i = 5; i <= 12; i++) {
    const residual = x;
    for (let j = 1; j <= 3; j++) {
      x = relu(`block${i}_sepconv${j}_act`)(x);
      x = sep(x, 728, `block${i}_sepconv${j}`);
    }
    x = Add()([x, residual]);
  }
  x = downBlock(x, [728, 1024], 13, true);

  x = sep(x, 1536, "block14_sepconv1");
  x = relu("block14_sepconv1_act")(x);
  x = sep(x, 2048, "block14_sepconv2");
  x = relu("block14_sepconv2_act")(x);
  return classifierTop(x, b, { topAvg: "avg_pool" });
}

/** keras.applications.xception.preprocess_input: pixels scaled to [-1, 1] (tf mode). */
export const preprocessInput = preprocessWithMode("tf");
