// The six reference models of ../shared/bench/README.md (lamina train --model, lamina bench, npm run bench), built with lamina's Keras layers.
// Each entry gives the builder, the input shape, the training batch, the optimizer and the
// parameter count (Keras' count: BatchNormalization's moving statistics included) the README requires.
import * as tf from "../index.js";

const { layers, models, optimizers } = tf;

type Model = tf.models.Model;
type SymbolicTensor = tf.layers.SymbolicTensor;
type Optimizer = tf.optimizers.Optimizer;

export const MODEL_NAMES = ["mlp", "cnn", "resnet", "mnist_convnet", "cifar_cnn", "vgg16"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ReferenceModel {
  readonly name: ModelName;
  /** Input shape without the batch axis. */
  readonly inputShape: readonly number[];
  /** Training batch size. */
  readonly batch: number;
  /** The parameter count the README's table gives. */
  readonly params: number;
  /** The optimizer, as the README words it. */
  readonly optimizerName: string;
  build(): Model;
  optimizer(): Optimizer;
}

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/** Keras' Conv2D(filters, 3x3, relu) with the given padding. */
function conv(filters: number, padding: "same" | "valid"): tf.layers.Layer {
  return layers.Conv2D(filters, 3, { padding, activation: "relu" });
}

/** mlp: 784 -> Dense 256 relu -> Dense 256 relu -> Dense 128 relu -> Dense 10 softmax. */
export function buildMlp(): Model {
  return new models.Sequential([
    layers.Input({ shape: [784] }),
    layers.Dense(256, { activation: "relu" }),
    layers.Dense(256, { activation: "relu" }),
    layers.Dense(128, { activation: "relu" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: "mlp" });
}

/** cnn (notebook 000): conv 32 same, conv 32 same, MaxPool 2, Flatten, Dense 64 relu, Dense 10 softmax. */
export function buildCnn(): Model {
  return new models.Sequential([
    layers.Input({ shape: [28, 28, 1] }),
    conv(32, "same"),
    conv(32, "same"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(64, { activation: "relu" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: "cnn" });
}

/**
 * Notebook 001's ResidualBlock: y = relu(BN(conv64_same(x))), y = BN(conv64_same(y)),
 * out = relu(y + x). The block's convolutions have no activation; BN uses Keras' defaults.
 */
export function residualBlock(x: SymbolicTensor, filters: number): SymbolicTensor {
  let y = layers.Conv2D(filters, 3, { padding: "same" })(x);
  y = layers.BatchNormalization()(y);
  y = layers.ReLU()(y);
  y = layers.Conv2D(filters, 3, { padding: "same" })(y);
  y = layers.BatchNormalization()(y);
  y = layers.Add()([x, y]);
  return layers.ReLU()(y);
}

/** resnet (notebook 001): conv 64 same, MaxPool 2, 2 residual blocks, MaxPool 2, Flatten, Dense 256 relu, Dense 10 softmax. */
export function buildResnet(): Model {
  const inputs = layers.Input({ shape: [28, 28, 1] });
  let x = conv(64, "same")(inputs);
  x = layers.MaxPooling2D(2)(x);
  x = residualBlock(x, 64);
  x = residualBlock(x, 64);
  x = layers.MaxPooling2D(2)(x);
  x = layers.Flatten()(x);
  x = layers.Dense(256, { activation: "relu" })(x);
  const outputs = layers.Dense(10, { activation: "softmax" })(x);
  return new models.Model({ inputs, outputs, name: "resnet" });
}

/** mnist_convnet (notebook 004): conv 32 valid, MaxPool 2, conv 64 valid, MaxPool 2, Flatten, Dense 64 relu, Dense 10 softmax. */
export function buildMnistConvnet(): Model {
  return new models.Sequential([
    layers.Input({ shape: [28, 28, 1] }),
    conv(32, "valid"),
    layers.MaxPooling2D(2),
    conv(64, "valid"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(64, { activation: "relu" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: "mnist_convnet" });
}

/** cifar_cnn (notebook 003): conv 32, 64, pool, conv 128, 128, pool, conv 256, 256, pool (all same), Flatten, Dense 256, 128, 10. */
export function buildCifarCnn(): Model {
  return new models.Sequential([
    layers.Input({ shape: [32, 32, 3] }),
    conv(32, "same"),
    conv(64, "same"),
    layers.MaxPooling2D(2),
    conv(128, "same"),
    conv(128, "same"),
    layers.MaxPooling2D(2),
    conv(256, "same"),
    conv(256, "same"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(256, { activation: "relu" }),
    layers.Dense(128, { activation: "relu" }),
    layers.Dense(10, { activation: "softmax" }),
  ], { name: "cifar_cnn" });
}

/**
 * vgg16 (notebook 003's VGG by hand): VGG16's 13 convolutions (3x3 relu, same) in blocks
 * [64,64] [128,128] [256x3] [512x3] [512x3], each block followed by MaxPool 2 stride 2 same;
 * Flatten, Dense 256 relu, Dense 128 relu, Dense 10 softmax.
 */
export function buildVgg16(): Model {
  const stack: (tf.layers.Layer | SymbolicTensor)[] = [layers.Input({ shape: [32, 32, 3] })];
  for (const block of [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]) {
    for (const filters of block) stack.push(conv(filters, "same"));
    stack.push(layers.MaxPooling2D(2, { strides: 2, padding: "same" }));
  }
  stack.push(
    layers.Flatten(),
    layers.Dense(256, { activation: "relu" }),
    layers.Dense(128, { activation: "relu" }),
    layers.Dense(10, { activation: "softmax" }),
  );
  return new models.Sequential(stack, { name: "vgg16" });
}

const sgd = (): Optimizer => optimizers.SGD({ learningRate: 1e-3 });

export const REFERENCE_MODELS: Readonly<Record<ModelName, ReferenceModel>> = {
  mlp: { name: "mlp", inputShape: [784], batch: 64, params: 300_938, optimizerName: "SGD lr 1e-3", build: buildMlp, optimizer: sgd },
  cnn: {
    name: "cnn", inputShape: [28, 28, 1], batch: 64, params: 411_690, optimizerName: "Adam lr 1e-3", build: buildCnn,
    optimizer: () => optimizers.Adam({ learningRate: 1e-3 }),
  },
  resnet: { name: "resnet", inputShape: [28, 28, 1], batch: 256, params: 955_018, optimizerName: "SGD lr 1e-3", build: buildResnet, optimizer: sgd },
  mnist_convnet: {
    name: "mnist_convnet", inputShape: [28, 28, 1], batch: 64, params: 121_930, optimizerName: "RMSprop lr 1e-3", build: buildMnistConvnet,
    optimizer: () => optimizers.RMSprop({ learningRate: 1e-3 }),
  },
  cifar_cnn: { name: "cifar_cnn", inputShape: [32, 32, 3], batch: 32, params: 2_209_098, optimizerName: "SGD lr 1e-3", build: buildCifarCnn, optimizer: sgd },
  vgg16: { name: "vgg16", inputShape: [32, 32, 3], batch: 32, params: 14_880_202, optimizerName: "SGD lr 1e-3", build: buildVgg16, optimizer: sgd },
};
