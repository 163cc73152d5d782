import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { losses } from "./index.js";

// A [1, 3, 4] batch whose classes lie on axis 1 (3 classes) while the last axis has 4 positions.
const x = tf.constant([0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.4, 0.4, 0.2, 0.3, 0.3, 0.4], [1, 3, 4], "float32");
const y = tf.constant([1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1], [1, 3, 4], "float32");

function near(actual: number[], expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `element ${i}: ${a} vs ${expected[i]}`));
}

// Expected values from numpy, following Keras 3.5's categorical_crossentropy: the smoothed labels
// are y * (1 - s) + s / shape(y_true)[-1] (here / 4, not / 3, the size of axis 1), then
// -sum(t * log(clip(p / sum(p, axis), eps, 1 - eps)), axis) (or t * log_softmax(p, axis) for logits).
test("categorical crossentropy smooths labels by the size of yTrue's last axis whatever axis is (Keras 3.5)", () => {
  const per = losses.categoricalCrossentropy(y, x, { labelSmoothing: 0.1, axis: 1 });
  assert.deepEqual(per.shape, [1, 4]);
  near(Array.from(per.dataSync() as Float32Array), [1.5417367, 1.2540301, 0.90776753, 0.82531416]);
  near([losses.CategoricalCrossentropy({ labelSmoothing: 0.1, axis: 1 }).apply(y, x).item() as number], [1.1322122]);
  const logits = losses.categoricalCrossentropy(y, x, { labelSmoothing: 0.1, axis: 1, fromLogits: true });
  near(Array.from(logits.dataSync() as Float32Array), [1.2091637, 1.1355714, 1.0122421, 0.9905501]);
  // The metric computes the same function.
  const m = tf.metrics.CategoricalCrossentropy({ labelSmoothing: 0.1, axis: 1 });
  m.updateState(y, x);
  near([Number(m.result())], [1.1322122]);
  // The focal variant already followed Keras (same smoothing rule).
  const focal = losses.CategoricalFocalCrossentropy({ axis: 1, labelSmoothing: 0.2 }).apply(y, x).item() as number;
  near([focal], [0.13829972]);
});
