/**
 * `lamina predict <model file> <image file>`: the image converted to the model's input (color
 * mode, bilinear resize, the run's preprocessing) and the most probable classes.
 */
import * as tf from "../index.js";
import { type FlagValues, UsageError, booleanFlag, intFlag, listFlag, stringFlag } from "./args.js";
import type { CommandInput } from "./cli.js";
import { prepareInputs, sizeOf, type InputPreprocessing } from "./cli-data.js";
import { loadModelSpec, modelInputShape, requireFile } from "./model-source.js";
import { readRunInfoBeside } from "./run-folder.js";

const NAMED_CLASSES: Record<string, readonly string[]> = {
  fashion_mnist: tf.datasets.fashionMnist.classNames,
  cifar10: tf.datasets.cifar10.classNames,
  mnist: Array.from({ length: 10 }, (_, i) => String(i)),
};

/** [h, w, c] of the image a model takes: run.json's, else read from its input shape. */
function imageShapeOf(inputShape: readonly number[], stored: [number, number, number] | null): [number, number, number] {
  if (stored !== null && sizeOf(stored) === sizeOf(inputShape)) return stored;
  if (inputShape.length === 3 && (inputShape[2] === 1 || inputShape[2] === 3)) return [inputShape[0], inputShape[1], inputShape[2]];
  if (inputShape.length === 2) return [inputShape[0], inputShape[1], 1];
  const side = Math.round(Math.sqrt(inputShape[0]));
  if (inputShape.length === 1 && side * side === inputShape[0]) return [side, side, 1];
  throw new UsageError(`the model takes inputs of shape (${inputShape.join(", ")}), which is not an image (height, width, 1 or 3 channels)`);
}

/** --classes: a dataset's class names, or comma-separated names (none empty); undefined when absent. */
function classesFlagOf(values: FlagValues): readonly string[] | undefined {
  const text = stringFlag(values, "classes");
  if (text === undefined) return undefined;
  return NAMED_CLASSES[text] ?? listFlag(values, "classes", "class name", "cat,dog,bird");
}

export async function predictCommand({ values, operands, io }: CommandInput): Promise<number> {
  const top = intFlag(values, "top", 3);
  const classesFlag = classesFlagOf(values);
  const invert = booleanFlag(values, "invert");
  const { model, trained, source } = await loadModelSpec(operands[0], { builtIn: false, compile: false });
  const imagePath = requireFile(operands[1], "image file");
  if (!trained) io.err(`lamina predict: ${operands[0]} holds no trained weights; the predictions come from freshly initialized ones`);
  const info = await readRunInfoBeside(source);
  const inputShape = modelInputShape(model, "lamina predict");
  const [h, w, c] = imageShapeOf(inputShape, info?.imageShape ?? null);

  const image = tf.utils.loadImage(imagePath, { colorMode: c === 1 ? "grayscale" : "rgb" });
  let x = tf.image.resize(tf.expandDims(tf.cast(image, "float32"), 0), [h, w]);
  if (invert) x = tf.sub(tf.constant(255, [], "float32"), x);
  const prep: InputPreprocessing = info?.preprocessing ?? { kind: "rescale", scale: 1 / 255 };
  const output = model.predict<tf.Tensor | tf.Tensor[]>(prepareInputs(x, prep, inputShape, "the image"));
  const scores = Array.from((Array.isArray(output) ? output[0] : output).dataSync(), Number);

  let names: readonly string[] | null = info?.classNames ?? null;
  if (classesFlag !== undefined) names = classesFlag;
  if (names !== null && names.length !== scores.length) {
    throw new UsageError(`the model gives ${scores.length} scores but ${names.length} class names were given${classesFlag === undefined ? " (run.json)" : ""}`);
  }
  const total = scores.reduce((a, b) => a + b, 0);
  const probabilities = scores.every((s) => s >= 0) && Math.abs(total - 1) < 1e-3;
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, top);
  io.out(`${operands[1]} (${image.shape[1]}x${image.shape[0]}, as ${w}x${h}x${c}${invert ? ", inverted" : ""}): ${probabilities ? "probability" : "score"} by class`);
  // Columns line up: ranks and scores right-aligned (10 and more classes; scores of any sign and size).
  const label = (i: number): string => (names ? names[i] : String(i));
  const value = (s: number): string => (probabilities ? s.toFixed(4) : s.toPrecision(5));
  const width = Math.max(...order.map(([, i]) => label(i).length));
  const valueWidth = Math.max(...order.map(([s]) => value(s).length));
  const rankWidth = `${order.length}.`.length;
  order.forEach(([s, i], rank) => io.out(`  ${`${rank + 1}.`.padStart(rankWidth)} ${label(i).padEnd(width)}  ${value(s).padStart(valueWidth)}${names ? `  (class ${i})` : ""}`));
  return 0;
}
