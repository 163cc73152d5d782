/**
 * The datasets `lamina train` and `lamina evaluate` know by name, loaded through tf.datasets, and
 * the preprocessing that turns their samples into model inputs (pixels divided by 255; California
 * housing's features standardized with the training split's statistics and its prices in units of
 * $100,000, as scikit-learn gives them). The preprocessing is stored in run.json so that evaluate
 * and predict feed a saved model exactly what it was trained on.
 */
import * as tf from "../index.js";
import { UsageError } from "./args.js";

type Tensor = tf.Tensor;

export const DATASET_NAMES = ["fashion_mnist", "mnist", "cifar10", "cifar100", "california_housing"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export type Task = "classification" | "regression";

export interface CliDataset {
  name: DatasetName;
  task: Task;
  /** Samples as the loader gives them: uint8 images, or float features. */
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
  classNames: string[] | null;
  /** Classes of a classification dataset, else null. */
  numClasses: number | null;
  /** [h, w, c] of image datasets, else null. */
  imageShape: [number, number, number] | null;
}

/** How raw samples become model inputs: x * scale, or (x - mean) / scale per feature. */
export type InputPreprocessing = { kind: "rescale"; scale: number } | { kind: "standardize"; mean: number[]; scale: number[] };

/** Dollars per target unit of california_housing (scikit-learn's unit: $100,000). */
export const HOUSING_PRICE_UNIT = 100_000;

/** The data are absent and cannot be fetched: the message says where they were looked for and how to get them. */
export class DataUnavailableError extends UsageError {}

function firstRows(t: Tensor, n: number | null): Tensor {
  if (n === null || n >= t.shape[0]) return t;
  return tf.slice(t, [0, ...t.shape.slice(1).map(() => 0)], [n, ...t.shape.slice(1).map(() => -1)]);
}

async function load(name: DatasetName): Promise<[[Tensor, Tensor], [Tensor, Tensor]]> {
  const { datasets } = tf;
  try {
    switch (name) {
      case "fashion_mnist": return await datasets.fashionMnist.loadData();
      case "mnist": return await datasets.mnist.loadData();
      case "cifar10": return await datasets.cifar10.loadData();
      case "cifar100": return await datasets.cifar100.loadData();
      case "california_housing": return await datasets.californiaHousing.loadData();
    }
  } catch (e) {
    const msg = (e as Error).message;
    if (/were not found/.test(msg)) throw new DataUnavailableError(`dataset ${name} is not available on this machine.\n${msg}`);
    throw e;
  }
}

/** Loads a dataset by its CLI name, keeping the first `trainSamples` / `testSamples` samples when given. */
export async function loadCliDataset(name: DatasetName, opts: { trainSamples?: number | null; testSamples?: number | null } = {}): Promise<CliDataset> {
  const [[xTr, yTr], [xTe, yTe]] = await load(name);
  const xTrain = firstRows(xTr, opts.trainSamples ?? null), xTest = firstRows(xTe, opts.testSamples ?? null);
  let yTrain = firstRows(yTr, opts.trainSamples ?? null), yTest = firstRows(yTe, opts.testSamples ?? null);
  if (name === "california_housing") {
    const unit = (y: Tensor): Tensor => tf.div(tf.cast(y, "float32"), HOUSING_PRICE_UNIT);
    yTrain = unit(yTrain);
    yTest = unit(yTest);
    return { name, task: "regression", xTrain, yTrain, xTest, yTest, classNames: null, numClasses: null, imageShape: null };
  }
  const classNames = name === "fashion_mnist" ? [...tf.datasets.fashionMnist.classNames]
    : name === "cifar10" ? [...tf.datasets.cifar10.classNames]
    : name === "mnist" ? Array.from({ length: 10 }, (_, i) => String(i)) : null;
  const s = xTrain.shape;
  const imageShape: [number, number, number] = s.length === 3 ? [s[1], s[2], 1] : [s[1], s[2], s[3]];
  return { name, task: "classification", xTrain, yTrain, xTest, yTest, classNames, numClasses: name === "cifar100" ? 100 : 10, imageShape };
}

/** Pixels to [0, 1]; tabular features standardized with the training split's mean and deviation. */
export function defaultPreprocessing(ds: CliDataset): InputPreprocessing {
  if (ds.imageShape !== null) return { kind: "rescale", scale: 1 / 255 };
  const scaler = new tf.preprocessing.StandardScaler();
  scaler.fit(tf.reshape(tf.cast(ds.xTrain, "float32"), [ds.xTrain.shape[0], -1]));
  return { kind: "standardize", mean: Array.from(scaler.mean.dataSync(), Number), scale: Array.from(scaler.scale.dataSync(), Number) };
}

function shapeText(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/** Values per sample of a shape without its batch axis. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Thrown when the samples do not fit the model's input; the message names both shapes. */
export class InputShapeMismatch extends UsageError {}

/**
 * Raw samples x [n, ...] as float32 model inputs [n, ...inputShape]: preprocessed, then reshaped
 * (the value count per sample must match, so 28x28 images feed a 784-input MLP).
 */
export function prepareInputs(x: Tensor, p: InputPreprocessing, inputShape: readonly number[], what: string): Tensor {
  const n = x.shape[0];
  const features = sizeOf(x.shape.slice(1));
  if (features !== sizeOf(inputShape)) {
    throw new InputShapeMismatch(`the model takes inputs of shape ${shapeText(inputShape)} (${sizeOf(inputShape)} values) but ${what} has samples of shape ${shapeText(x.shape.slice(1))} (${features} values)`);
  }
  let flat = tf.reshape(tf.cast(x, "float32"), [n, features]);
  if (p.kind === "rescale") {
    flat = tf.mul(flat, tf.constant(p.scale, [], "float32"));
  } else {
    if (p.mean.length !== features || p.scale.length !== features) {
      throw new InputShapeMismatch(`the stored standardization has ${p.mean.length} features but ${what} has ${features}`);
    }
    flat = tf.div(tf.sub(flat, tf.constant(p.mean, [1, features], "float32")), tf.constant(p.scale, [1, features], "float32"));
  }
  return tf.reshape(flat, [n, ...inputShape]);
}
