import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { losses, metrics } from "./index.js";

// Labels that cannot meet the predictions are refused by the loss or metric, naming it and both
// shapes (the op inside, squaredDifference or mul, would name only itself). Shapes Keras 3.5
// accepts still work: broadcasting ([n, 1] against [n, k]) and squeeze_or_expand_to_same_rank.

const yTrue = tf.constant([[0, 1, 1], [1, 0, 1]], "float32");
const yPred = tf.constant([[0.2, 0.8], [0.5, 0.5]], "float32");

test("element-wise losses name themselves and both shapes", () => {
  const cases: [string, () => unknown][] = [
    ["meanSquaredError", () => new losses.MeanSquaredError()(yTrue, yPred)],
    ["meanAbsoluteError", () => new losses.MeanAbsoluteError()(yTrue, yPred)],
    ["meanAbsolutePercentageError", () => new losses.MeanAbsolutePercentageError()(yTrue, yPred)],
    ["meanSquaredLogarithmicError", () => new losses.MeanSquaredLogarithmicError()(yTrue, yPred)],
    ["huber", () => new losses.Huber()(yTrue, yPred)],
    ["logCosh", () => new losses.LogCosh()(yTrue, yPred)],
    ["klDivergence", () => new losses.KLDivergence()(yTrue, yPred)],
    ["poisson", () => new losses.Poisson()(yTrue, yPred)],
    ["hinge", () => new losses.Hinge()(yTrue, yPred)],
    ["squaredHinge", () => new losses.SquaredHinge()(yTrue, yPred)],
    ["categoricalHinge", () => new losses.CategoricalHinge()(yTrue, yPred)],
    ["cosineSimilarity", () => new losses.CosineSimilarity()(yTrue, yPred)],
    ["dice", () => new losses.Dice()(yTrue, yPred)],
  ];
  for (const [name, f] of cases) {
    assert.throws(f, (e: Error) => e instanceof RangeError && e.message.startsWith(`${name}: yTrue (2, 3) and yPred (2, 2)`), name);
  }
  assert.throws(() => new losses.Tversky()(yTrue, yPred), /^RangeError: tversky: yTrue \(2, 3\) and yPred \(2, 2\) must hold as many values \(6 vs 4\)/);
});

test("element-wise metrics name themselves and both shapes", () => {
  const cases: [RegExp, () => void][] = [
    [/^accuracy: yTrue \(2, 3\) and yPred \(2, 2\)/, () => new metrics.Accuracy().updateState(yTrue, yPred)],
    [/^binaryAccuracy: yTrue \(2, 3\) and yPred \(2, 2\)/, () => new metrics.BinaryAccuracy().updateState(yTrue, yPred)],
    [/^meanSquaredError: yTrue \(2, 3\) and yPred \(2, 2\)/, () => new metrics.MeanSquaredError().updateState(yTrue, yPred)],
    [/^metrics\.rmse: yTrue \(2, 3\) and yPred \(2, 2\)/, () => new metrics.RootMeanSquaredError({ name: "rmse" }).updateState(yTrue, yPred)],
    [/^hinge: yTrue \(2, 3\) and yPred \(2, 2\)/, () => new metrics.Hinge().updateState(yTrue, yPred)],
  ];
  for (const [re, f] of cases) assert.throws(f, (e: Error) => e instanceof RangeError && re.test(e.message), String(re));
});

test("shapes Keras accepts still meet: broadcasting, a trailing axis of 1, Tversky's flattening", () => {
  // [[1], [0]] against [[0.5, 0.5, 1], [0, 0, 1]]: rows (0.25 + 0.25 + 0) / 3 and (0 + 0 + 1) / 3, mean 0.25
  const mse = new losses.MeanSquaredError()(tf.constant([[1], [0]], "float32"), tf.constant([[0.5, 0.5, 1], [0, 0, 1]], "float32"));
  assert.ok(Math.abs(mse.item() - 0.25) < 1e-7);
  // yTrue [2, 3, 1] is squeezed to [2, 3]: errors 0.5, 0.5, 0 and 0, 0, 0 -> Huber 0.125 each -> (0.25 / 3 + 0) / 2
  const h = new losses.Huber()(tf.constant([[[1], [0], [1]], [[0], [0], [1]]], "float32"), tf.constant([[0.5, 0.5, 1], [0, 0, 1]], "float32"));
  assert.ok(Math.abs(h.item() - 0.25 / 6) < 1e-7);
  // Tversky flattens both: TP = 0.5 + 1 + 1 = 2.5, Keras' fp = sum((1 - p) * t) = 0.5, fn = sum(p * (1 - t)) = 0.5
  // -> 1 - 2.5 / (2.5 + 0.25 + 0.25 + 1e-7)
  const tv = new losses.Tversky()(tf.constant([1, 0, 1, 0, 0, 1], "float32"), tf.constant([[0.5, 0.5, 1], [0, 0, 1]], "float32"));
  assert.ok(Math.abs(tv.item() - (1 - 2.5 / 3)) < 1e-6);
});
