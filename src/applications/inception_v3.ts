/**
 * keras.applications.InceptionV3 (Szegedy et al., 2015): the stem and the mixed0..mixed10
 * modules, with Keras' names (the conv/BN/ReLU units keep Keras' automatic names conv2d_N,
 * batch_normalization_N, activation_N, so a Keras-saved file loads by name) and 299x299 inputs.
 */
import type { SymbolicTensor } from "../layers/symbolic.js";
import { Activation, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, MaxPooling2D } from "../layers/index.js";
import type { Model } from "../models/model.js";
import type { ApplicationArgs } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";
import { classifierTop, preprocessWithMode } from "./common.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/";

export type InceptionV3Args = ApplicationArgs;

/** InceptionV3; returns the model directly with weights: null, a promise of it otherwise. */
export function InceptionV3(args: InceptionV3Args & { weights: null }): Model;
export function InceptionV3(args?: InceptionV3Args & { weights?: string }): Promise<Model>;
export function InceptionV3(args?: InceptionV3Args): Model | Promise<Model>;
export function InceptionV3(args: InceptionV3Args = {}): Model | Promise<Model> {
  return buildApplication("applications.InceptionV3", args, {
    defaultSize: 299,
    minSize: 75,
    name: "inception_v3",
    imagenetWeights: (includeTop) => {
      const fname = `inception_v3_weights_tf_dim_ordering_tf_kernels${includeTop ? "" : "_notop"}.h5`;
      return { fname, origin: `${BASE}${fname}`, md5: includeTop ? "9a0d58056eeedaa3f26cb7ebd46da564" : "bcbd6486424b2319ff4ef7d526e38f63" };
    },
    body: inceptionV3Body,
  });
}

/** Keras' conv2d_bn: convolution without bias, BN without scale (ReLU follows), ReLU. */
export function conv2dBn(x: SymbolicTensor, filters: number, rows: number, cols: number, padding: "same" | "valid" = "same", strides = 1): SymbolicTensor {
  x = Conv2D(filters, [rows, cols], { strides, padding, useBias: false })(x);
  x = BatchNormalization({ axis: 3, scale: false })(x);
  return Activation("relu")(x);
}

const avgBranch = (x: SymbolicTensor, filters: number): SymbolicTensor =>
  conv2dBn(AveragePooling2D(3, { strides: 1, padding: "same" })(x), filters, 1, 1);
const concat = (xs: SymbolicTensor[], name?: string): SymbolicTensor => Concatenate({ axis: 3, name })(xs);

/** mixed0..2: 1x1, 5x5, double 3x3 and pooled branches (35x35). */
function block35(x: SymbolicTensor, poolFilters: number, name: string): SymbolicTensor {
  const b1 = conv2dBn(x, 64, 1, 1);
  let b5 = conv2dBn(x, 48, 1, 1);
  b5 = conv2dBn(b5, 64, 5, 5);
  let b3 = conv2dBn(x, 64, 1, 1);
  b3 = conv2dBn(b3, 96, 3, 3);
  b3 = conv2dBn(b3, 96, 3, 3);
  return concat([b1, b5, b3, avgBranch(x, poolFilters)], name);
}

/** mixed4..7: factorized 7x7 branches (17x17) with `mid` inner filters. */
function block17(x: SymbolicTensor, mid: number, name: string): SymbolicTensor {
  const b1 = conv2dBn(x, 192, 1, 1);
  let b7 = conv2dBn(x, mid, 1, 1);
  b7 = conv2dBn(b7, mid, 1, 7);
  b7 = conv2dBn(b7, 192, 7, 1);
  let b7d = conv2dBn(x, mid, 1, 1);
  b7d = conv2dBn(b7d, mid, 7, 1);
  b7d = conv2dBn(b7d, mid, 1, 7);
  b7d = conv2dBn(b7d, mid, 7, 1);
  b7d = conv2dBn(b7d, 192, 1, 7);
  return concat([b1, b7, b7d, avgBranch(x, 192)], name);
}

function inceptionV3Body(input: SymbolicTensor, b: Built): SymbolicTensor {
  let x = conv2dBn(input, 32, 3, 3, "valid", 2);
  x = conv2dBn(x, 32, 3, 3, "valid");
  x = conv2dBn(x, 64, 3, 3);
  x = MaxPooling2D(3, { strides: 2 })(x);
  x = conv2dBn(x, 80, 1, 1, "valid");
  x = conv2dBn(x, 192, 3, 3, "valid");
  x = MaxPooling2D(3, { strides: 2 })(x);

  x = block35(x, 32, "mixed0");
  x = block35(x, 64, "mixed1");
  x = block35(x, 64, "mixed2");

  // mixed3: reduction to 17x17
  const r3 = conv2dBn(x, 384, 3, 3, "valid", 2);
  let r3d = conv2dBn(x, 64, 1, 1);
  r3d = conv2dBn(r3d, 96, 3, 3);
  r3d = conv2dBn(r3d, 96, 3, 3, "valid", 2);
  x = concat([r3, r3d, MaxPooling2D(3, { strides: 2 })(x)], "mixed3");

  x = block17(x, 128, "mixed4");
  x = block17(x, 160, "mixed5");
  x = block17(x, 160, "mixed6");
  x = block17(x, 192, "mixed7");

  // mixed8: reduction to 8x8
  let r8 = conv2dBn(x, 192, 1, 1);
  r8 = conv2dBn(r8, 320, 3, 3, "valid", 2);
  let r8x = conv2dBn(x, 192, 1, 1);
  r8x = conv2dBn(r8x, 192, 1, 7);
  r8x = conv2dBn(r8x, 192, 7, 1);
  r8x = conv2dBn(r8x, 192, 3, 3, "valid", 2);
  x = concat([r8, r8x, MaxPooling2D(3, { strides: 2 })(x)], "mixed8");

  // mixed9, mixed10: expanded filter banks (8x8)
  for (let i = 0; i < 2; i++) {
    const b1 = conv2dBn(x, 320, 1, 1);
    const b3 = conv2dBn(x, 384, 1, 1);
    const b3cat = concat([conv2dBn(b3, 384, 1, 3), conv2dBn(b3, 384, 3, 1)], `mixed9_${i}`);
    let b3d = conv2dBn(x, 448, 1, 1);
    b3d = conv2dBn(b3d, 384, 3, 3);
    const b3dcat = concat([conv2dBn(b3d, 384, 1, 3), conv2dBn(b3d, 384, 3, 1)]);
    x = concat([b1, b3cat, b3dcat, avgBranch(x, 192)], `mixed${9 + i}`);
  }
  return classifierTop(x, b, { topAvg: "avg_pool" });
}

/** keras.applications.inception_v3.preprocess_input: pixels scaled to [-1, 1] (tf mode). */
export const preprocessInput = preprocessWithMode("tf");
