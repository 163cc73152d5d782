// Keras' Metric.__call__: calling a metric updates its state with the arguments and returns result().
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { metrics, layers, models } = tf;

test("a metric is callable as in Keras: mean(values) and metric(yTrue, yPred) update the state and return the result", () => {
  // keras.metrics.Mean(): m(1.0) -> 1.0, m(3.0) -> 2.0, m([5, 7], sample_weight=[1, 0]) -> 3.0.
  const mean = metrics.Mean({ name: "loss" });
  assert.equal(mean(tf.constant(1)), 1);
  assert.equal(mean(tf.constant(3)), 2);
  assert.equal(mean(tf.constant([5, 7], "float32"), tf.constant([1, 0], "float32")), 3);
  assert.equal(mean.result(), 3);
  assert.equal(mean.name, "loss");
  assert.equal(String(mean), "<Mean name=loss>");
  // Sum: running total.
  const total = metrics.Sum();
  total([1, 2]);
  assert.equal(total([3]), 6);
  // SparseCategoricalAccuracy()([[1], [2]], [[0.1, 0.9, 0], [0.8, 0.1, 0.1]]) -> 0.5; then 2 of 3.
  const acc = metrics.SparseCategoricalAccuracy();
  assert.equal(acc(tf.constant([[1], [2]], "float32"), tf.constant([[0.1, 0.9, 0], [0.8, 0.1, 0.1]], "float32")), 0.5);
  assert.ok(Math.abs(acc(tf.constant([[0]], "float32"), tf.constant([[0.9, 0.1, 0]], "float32")) - 2 / 3) < 1e-7);
  acc.resetState();
  assert.equal(acc.result(), 0);
  // A metric class of one's own is callable too, and its fields and dtype are the instance's.
  class Count extends tf.metrics.Metric {
    readonly className = "Count";
    n = 0;
    updateState(_yTrue: tf.Tensor, yPred: tf.Tensor): void {
      this.n += yPred.shape[0];
    }
    result(): number {
      return this.n;
    }
    resetState(): void {
      this.n = 0;
    }
  }
  const count = new Count("count");
  assert.equal(count(tf.ones([2]), tf.ones([4, 1])), 4);
  assert.equal(count.dtype, "float32");
  assert.deepEqual(count.getConfig(), { name: "count", dtype: "float32" });
});

test("callable metrics still work as compile metrics and as trackers a layer holds", async () => {
  const input = layers.Input({ shape: [2] });
  const model = new models.Model({ inputs: input, outputs: layers.Dense(1, { kernelInitializer: "ones" }).apply(input) as tf.layers.SymbolicTensor });
  const mae = metrics.MeanAbsoluteError({ name: "my_mae" });
  model.compile({ loss: "mse", optimizer: "sgd", metrics: [mae] });
  // Kernel ones, bias zero: prediction 3 for [1, 2] against 1, so mae 2.
  const [, m] = (await model.evaluate(tf.constant([[1, 2]], "float32"), tf.constant([[1]], "float32"), { verbose: 0 })) as number[];
  assert.equal(m, 2);
  assert.equal(typeof metrics.get(mae), "function");
  assert.equal(metrics.get(mae), mae);
  assert.deepEqual(metrics.serialize(mae), { className: "MeanAbsoluteError", config: { name: "my_mae", dtype: "float32" } });
});
