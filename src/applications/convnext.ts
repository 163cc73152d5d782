/**
 * keras.applications.ConvNeXtTiny/Small/Base/Large/XLarge (Liu et al., 2022): a patchify stem
 * and three downsampling blocks, each a nested Sequential model as in Keras (so the weights sit
 * under `<name>_stem/...` and `<name>_downsampling_block_<i>/...`), and stages of ConvNeXt blocks
 * (7x7 depthwise convolution, LayerNormalization, two Dense "pointwise convolutions" with GELU,
 * LayerScale) added to their input by an operation node, with Keras' layer names. The ImageNet
 * normalization is a layer of the model (includePreprocessing), so preprocessInput is the identity.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { SymbolicTensor } from "../layers/symbolic.js";
import { Activation, Conv2D, Dense, GlobalAveragePooling2D, GlobalMaxPooling2D, LayerNormalization, Normalization } from "../layers/index.js";
import { LayerScale } from "../layers/application_layers.js";
import { add } from "../ops/math.js";
import type { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import type { ApplicationArgs, PreprocessOptions } from "./imagenet_utils.js";
import { buildApplication, type Built } from "./build.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/";

export interface ConvNeXtArgs extends ApplicationArgs {
  /** Normalize [0, 255] RGB inputs with ImageNet's mean and variance inside the model (default true; Keras' published weights expect it). */
  includePreprocessing?: boolean;
}

/** [depths, projection dims, SHA-256 with the top, without] of each size, as Keras' convnext.py. */
const VARIANTS: Record<string, [number[], number[], string, string]> = {
  tiny: [[3, 3, 9, 3], [96, 192, 384, 768],
    "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff", "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"],
  small: [[3, 3, 27, 3], [96, 192, 384, 768],
    "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c", "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"],
  base: [[3, 3, 27, 3], [128, 256, 512, 1024],
    "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6", "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"],
  large: [[3, 3, 27, 3], [192, 384, 768, 1536],
    "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6", "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"],
  xlarge: [[3, 3, 27, 3], [256, 512, 1024, 2048],
    "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee", "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"],
};

const LAYER_SCALE_INIT = 1e-6;
const ln = (name?: string) => LayerNormalization({ epsilon: 1e-6, name });

/**
 * One ConvNeXt block. Keras' published models use no stochastic depth (drop_path_rate 0), so the
 * residual branch ends in Keras' linear "identity" Activation rather than a StochasticDepth layer.
 */
function convNeXtBlock(inputs: SymbolicTensor, dim: number, name: string): SymbolicTensor {
  let x = Conv2D(dim, 7, { padding: "same", groups: dim, name: `${name}_depthwise_conv` })(inputs);
  x = ln(`${name}_layernorm`)(x);
  x = Dense(4 * dim, { name: `${name}_pointwise_conv_1` })(x);
  x = Activation("gelu", { name: `${name}_gelu` })(x);
  x = Dense(dim, { name: `${name}_pointwise_conv_2` })(x);
  x = new LayerScale({ initValues: LAYER_SCALE_INIT, projectionDim: dim, name: `${name}_layer_scale` })(x);
  x = Activation("linear", { name: `${name}_identity` })(x);
  return add(inputs, x);
}

function convNeXtBody(input: SymbolicTensor, b: Built, prefix: string, variant: string, includePreprocessing: boolean): SymbolicTensor {
  const [depths, dims] = VARIANTS[variant];
  let x = input;
  if (includePreprocessing && b.inputShape[2] === 3) {
    x = Normalization({
      mean: [0.485 * 255, 0.456 * 255, 0.406 * 255],
      variance: [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
      name: `${prefix}_prestem_normalization`,
    })(x);
  }
  const downsample: Sequential[] = [
    new Sequential([Conv2D(dims[0], 4, { strides: 4, name: `${prefix}_stem_conv` }), ln(`${prefix}_stem_layernorm`)], { name: `${prefix}_stem` }),
  ];
  for (let i = 0; i < 3; i++) {
    downsample.push(new Sequential([
      ln(`${prefix}_downsampling_layernorm_${i}`),
      Conv2D(dims[i + 1], 2, { strides: 2, name: `${prefix}_downsampling_conv_${i}` }),
    ], { name: `${prefix}_downsampling_block_${i}` }));
  }
  for (let i = 0; i < 4; i++) {
    x = downsample[i].apply(x) as SymbolicTensor;
    for (let j = 0; j < depths[i]; j++) x = convNeXtBlock(x, dims[i], `${prefix}_stage_${i}_block_${j}`);
  }
  if (b.includeTop) {
    x = GlobalAveragePooling2D({ name: `${prefix}_head_gap` })(x);
    x = ln(`${prefix}_head_layernorm`)(x);
    return Dense(b.classes, { activation: b.classifierActivation, name: `${prefix}_head_dense` })(x);
  }
  if (b.pooling === "avg") x = GlobalAveragePooling2D()(x);
  else if (b.pooling === "max") x = GlobalMaxPooling2D()(x);
  return ln()(x);
}

function buildConvNeXt(variant: string, family: string, args: ConvNeXtArgs): Model | Promise<Model> {
  const where = `applications.${family}`;
  const defaultName = `convnext_${variant}`;
  const prefix = args.name ?? defaultName;
  const weights = args.weights === undefined ? "imagenet" : args.weights;
  // Keras names both the layers and the downloaded file after `name`; the published file holds
  // the default names, so another name could not load it.
  if (weights === "imagenet" && prefix !== defaultName) {
    throw new RangeError(`${where}: with "imagenet" weights the name must be "${defaultName}" (the layers are named after it, as in Keras' published file); got name ${JSON.stringify(prefix)}; rename the model after loading, or use weights: null`);
  }
  const [, , shaTop, shaNoTop] = VARIANTS[variant];
  return buildApplication(where, args, {
    defaultSize: 224,
    minSize: 32,
    name: defaultName,
    imagenetWeights: (includeTop) => {
      const fname = `${defaultName}${includeTop ? ".h5" : "_notop.h5"}`;
      return { fname, origin: `${BASE}${fname}`, fileHash: includeTop ? shaTop : shaNoTop };
    },
    body: (input, b) => convNeXtBody(input, b, prefix, variant, args.includePreprocessing ?? true),
  });
}

type ConvNeXtFn = {
  (args: ConvNeXtArgs & { weights: null }): Model;
  (args?: ConvNeXtArgs & { weights?: string }): Promise<Model>;
  (args?: ConvNeXtArgs): Model | Promise<Model>;
};
const variantFn = (v: string, family: string): ConvNeXtFn => ((args: ConvNeXtArgs = {}) => buildConvNeXt(v, family, args)) as ConvNeXtFn;

/** ConvNeXtTiny (28.6M parameters); returns the model directly with weights: null, a promise of it otherwise. */
export const ConvNeXtTiny = variantFn("tiny", "ConvNeXtTiny");
/** ConvNeXtSmall (50.2M parameters). */
export const ConvNeXtSmall = variantFn("small", "ConvNeXtSmall");
/** ConvNeXtBase (88.6M parameters). */
export const ConvNeXtBase = variantFn("base", "ConvNeXtBase");
/** ConvNeXtLarge (197.8M parameters). */
export const ConvNeXtLarge = variantFn("large", "ConvNeXtLarge");
/** ConvNeXtXLarge (350.2M parameters). */
export const ConvNeXtXLarge = variantFn("xlarge", "ConvNeXtXLarge");

/**
 * keras.applications.convnext.preprocess_input: the identity, since the models normalize their
 * [0, 255] inputs themselves (with includePreprocessing).
 */
export function preprocessInput(x: Tensor, opts?: PreprocessOptions): Tensor;
export function preprocessInput(x: SymbolicTensor, opts?: PreprocessOptions): SymbolicTensor;
export function preprocessInput(x: Tensor | SymbolicTensor, _opts: PreprocessOptions = {}): Tensor | SymbolicTensor {
  return x;
}
