import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { losses } from "./index.js";

// Keras 3.5's Loss.__call__ converts y_true and y_pred to the loss dtype (floatx) before call(),
// so a loss object takes whole-number predictions, as written in a plain array or an int tensor.

test("a Loss object scores integer predictions as float32, as Keras' Loss.__call__ converts them", () => {
  // mean((yTrue - yPred)^2) per row: [1, 4.5], mean 2.75
  const mse = new losses.MeanSquaredError();
  assert.equal(mse([[0, 1], [2, 2]], [[1, 0], [2, 5]]).item(), 2.75);
  const fromInt = mse(tf.constant([[0, 1], [2, 2]], "float32"), tf.constant([[1, 0], [2, 5]], "int32"));
  assert.equal(fromInt.dtype, "float32");
  assert.equal(fromInt.item(), 2.75);
  // weighted by [1, 0]: (1 * 1 + 0 * 4.5) / 2
  assert.equal(mse.apply([[0, 1], [2, 2]], [[1, 0], [2, 5]], [1, 0]).item(), 0.5);
});

test("binary cross-entropy of whole-number predictions clips them to [eps, 1 - eps] in float32", () => {
  // -log(1e-7) = 16.118095..., -log(1 - float32(1 - 1e-7)) = -log(1.1920929e-7) = 15.942385...
  const v = new losses.BinaryCrossentropy()([[0, 1]], [[1, 0]]).item();
  assert.ok(Math.abs(v - (16.118095 + 15.942385) / 2) < 1e-4, `got ${v}`);
});

test("sparse categorical cross-entropy takes integer one-hot-like predictions", () => {
  // yPred [[0, 1]] clipped to p = [1e-7, float32(1 - 1e-7)], then Keras takes log(p) as logits:
  // -logSoftmax = log((p0 + p1) / p1) = log(1 + 1e-7 / 0.99999988) = 1.0000001e-7
  const v = new losses.SparseCategoricalCrossentropy()([1], [[0, 1]]).item();
  assert.ok(Math.abs(v - 1.0000001e-7) < 1e-12, `got ${v}`);
});

test("float64 predictions keep their dtype", () => {
  const v = new losses.MeanAbsoluteError()(tf.constant([[0, 1]], "float64"), tf.constant([[0.5, 0.25]], "float64"));
  assert.equal(v.dtype, "float64");
  assert.equal(v.item(), 0.625);
});

test("metrics and loss functions take integer and boolean predictions, computing in float32 as Keras does", () => {
  const { metrics } = tf;
  const ints = (v: number[]): tf.Tensor => tf.constant(v, "int32");
  // |[1,2,3] - [1,2,4]| = [0,0,1]: mean square and mean absolute error 1/3
  assert.equal(losses.meanSquaredError(ints([1, 2, 3]), ints([1, 2, 4])).item(), Math.fround(1 / 3));
  const mse = metrics.MeanSquaredError(), mae = metrics.MeanAbsoluteError();
  mse.updateState(ints([1, 2, 3]), ints([1, 2, 4]));
  mae.updateState(ints([1, 2, 3]), ints([1, 2, 4]));
  assert.equal(mse.result(), Math.fround(1 / 3));
  assert.equal(mae.result(), Math.fround(1 / 3));
  // labels [0,1,1,0] against thresholded predictions [0,1,0,1]: 2 of 4 right; TP 1, FP 1 -> precision 0.5
  const acc = metrics.BinaryAccuracy(), prec = metrics.Precision();
  acc.updateState(ints([0, 1, 1, 0]), ints([0, 1, 0, 1]));
  prec.updateState(ints([0, 1, 1, 0]), tf.constant([false, true, false, true], "bool"));
  assert.equal(acc.result(), 0.5);
  assert.equal(prec.result(), 0.5);
});
