/**
 * keras.applications.InceptionResNetV2 (Szegedy et al., 2016): Inception modules whose outputs are
 * added to their inputs, scaled (block35 x10, block17 x20, block8 x10) through Keras 3.5's
 * CustomScaleLayer; Keras' names (mixed_5b, block35_1_mixed, block35_1_conv, block35_1_ac,
 * conv_7b, the automatic conv2d_N, batch_normalization_N, activation_N, custom_scale_layer_N) and
 * 299x299 inputs.
 */
import type { SymbolicTensor } from "../layers/symbolic.js";
import { Activation, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, MaxPooling2D } from "../layers/index.js";
import { CustomScaleLayer } from "../layers/application_layers.js";
import type { Model } from "../models/model.js";
import type { ApplicationArgs } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { classifierTop, preprocessWithMode } from "./common.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/";

export type InceptionResNetV2Args = ApplicationArgs;

/** InceptionResNetV2; returns the model directly with weights: null, a promise of it otherwise. */
export function InceptionResNetV2(args: InceptionResNetV2Args & { weights: null }): Model;
export function InceptionResNetV2(args?: InceptionResNetV2Args & { weights?: string }): Promise<Model>;
export function InceptionResNetV2(args?: InceptionResNetV2Args): Model | Promise<Model>;
export function InceptionResNetV2(args: InceptionResNetV2Args = {}): Model | Promise<Model> {
  return buildApplication("applications.InceptionResNetV2", args, {
    defaultSize: 299,
    minSize: 75,
    name: "inception_resnet_v2",
    imagenetWeights: (includeTop) => {
      const fname = `inception_resnet_v2_weights_tf_dim_ordering_tf_kernels${includeTop ? "" : "_notop"}.h5`;
      return { fname, origin: `${BASE}${fname}`, md5: includeTop ? "e693bd0210a403b3192acc6073ad2e96" : "d19885ff4a710c122648d3b5c3b684e4" };
    },
    body: inceptionResNetV2Body,
  });
}

/**
 * Keras' conv2d_bn here: convolution, then (without a bias) BN without scale, then the
 * activation; named `name`, `name_bn`, `name_ac` when a name is given.
 */
function conv2dBn(
  x: SymbolicTensor, filters: number, kernel: number | [number, number],
  opts: { strides?: number; padding?: "same" | "valid"; activation?: "relu" | null; useBias?: boolean; name?: string } = {},
): SymbolicTensor {
  const { strides = 1, padding = "same", activation = "relu", useBias = false, name } = opts;
  x = Conv2D(filters, kernel, { strides, padding, useBias, name })(x);
  if (!useBias) x = BatchNormalization({ axis: 3, scale: false, name: name === undefined ? undefined : `${name}_bn` })(x);
  if (activation !== null) x = Activation(activation, { name: name === undefined ? undefined : `${name}_ac` })(x);
  return x;
}

const valid = { padding: "valid" as const };
const concat = (xs: SymbolicTensor[], name: string): SymbolicTensor => Concatenate({ axis: 3, name })(xs);

/** One Inception-ResNet block: x + scale * conv(concat(branches)), then ReLU unless `activation` is null. */
function inceptionResNetBlock(x: SymbolicTensor, scale: number, type: "block35" | "block17" | "block8", idx: number, activation: "relu" | null = "relu"): SymbolicTensor {
  let branches: SymbolicTensor[];
  if (type === "block35") {
    const b0 = conv2dBn(x, 32, 1);
    const b1 = conv2dBn(conv2dBn(x, 32, 1), 32, 3);
    const b2 = conv2dBn(conv2dBn(conv2dBn(x, 32, 1), 48, 3), 64, 3);
    branches = [b0, b1, b2];
  } else if (type === "block17") {
    const b0 = conv2dBn(x, 192, 1);
    const b1 = conv2dBn(conv2dBn(conv2dBn(x, 128, 1), 160, [1, 7]), 192, [7, 1]);
    branches = [b0, b1];
  } else {
    const b0 = conv2dBn(x, 192, 1);
    const b1 = conv2dBn(conv2dBn(conv2dBn(x, 192, 1), 224, [1, 3]), 256, [3, 1]);
    branches = [b0, b1];
  }
  const name = `${type}_${idx}`;
  const mixed = concat(branches, `${name}_mixed`);
  const up = conv2dBn(mixed, x.shape[3] as number, 1, { activation: null, useBias: true, name: `${name}_conv` });
  x = new CustomScaleLayer({ scale })([x, up]);
  if (activation !== null) x = Activation(activation, { name: `${name}_ac` })(x);
  return x;
}

function inceptionResNetV2Body(input: SymbolicTensor, b: Built): SymbolicTensor {
  // Stem: 35 x 35 x 192.
  let x = conv2dBn(input, 32, 3, { strides: 2, ...valid });
  x = conv2dBn(x, 32, 3, valid);
  x = conv2dBn(x, 64, 3);
  x = MaxPooling2D(3, { strides: 2 })(x);
  x = conv2dBn(x, 80, 1, valid);
  x = conv2dBn(x, 192, 3, valid);
  x = MaxPooling2D(3, { strides: 2 })(x);

  // mixed_5b (Inception-A): 35 x 35 x 320.
  const b0 = conv2dBn(x, 96, 1);
  const b1 = conv2dBn(conv2dBn(x, 48, 1), 64, 5);
  const b2 = conv2dBn(conv2dBn(conv2dBn(x, 64, 1), 96, 3), 96, 3);
  const bp = conv2dBn(AveragePooling2D(3, { strides: 1, padding: "same" })(x), 64, 1);
  x = concat([b0, b1, b2, bp], "mixed_5b");
  for (let i = 1; i <= 10; i++) x = inceptionResNetBlock(x, 0.17, "block35", i);

  // mixed_6a (Reduction-A): 17 x 17 x 1088.
  {
    const r0 = conv2dBn(x, 384, 3, { strides: 2, ...valid });
    const r1 = conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 256, 3), 384, 3, { strides: 2, ...valid });
    const rp = MaxPooling2D(3, { strides: 2, padding: "valid" })(x);
    x = concat([r0, r1, rp], "mixed_6a");
  }
  for (let i = 1; i <= 20; i++) x = inceptionResNetBlock(x, 0.1, "block17", i);

  // mixed_7a (Reduction-B): 8 x 8 x 2080.
  {
    const r0 = conv2dBn(conv2dBn(x, 256, 1), 384, 3, { strides: 2, ...valid });
    const r1 = conv2dBn(conv2dBn(x, 256, 1), 288, 3, { strides: 2, ...valid });
    const r2 = conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 288, 3), 320, 3, { strides: 2, ...valid });
    const rp = MaxPooling2D(3, { strides: 2, padding: "valid" })(x);
    x = concat([r0, r1, r2, rp], "mixed_7a");
  }
  for (let i = 1; i <= 9; i++) x = inceptionResNetBlock(x, 0.2, "block8", i);
  x = inceptionResNetBlock(x, 1.0, "block8", 10, null);

  x = conv2dBn(x, 1536, 1, { name: "conv_7b" });
  return classifierTop(x, b, { topAvg: "avg_pool" });
}

/** keras.applications.inception_resnet_v2.preprocess_input: pixels scaled to [-1, 1] (tf mode). */
export const preprocessInput = preprocessWithMode("tf");
