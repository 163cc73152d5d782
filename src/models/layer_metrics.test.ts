// Metrics a layer holds (Keras' layer.metrics): listed by the model, reset by fit and evaluate, logged.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers, models, metrics } = tf;

/** Passes its input through and counts, in a Sum, the samples it saw in training mode. */
class SampleCounter extends layers.Layer {
  seen = metrics.Sum({ name: "seen" });
  override call(x: tf.Tensor, opts: tf.layers.CallOptions = {}): tf.Tensor {
    if (opts.training) this.seen.updateState(tf.constant([x.shape[0]], "float32"));
    return x;
  }
  override computeOutputShape(shape: tf.layers.LayerShape): tf.layers.LayerShape {
    return shape;
  }
}

test("layer.metrics lists the metrics a layer holds, then its sub-layers'; a nested model's are left out", () => {
  const counter = new SampleCounter();
  assert.deepEqual(counter.metrics.map((m) => m.name), ["seen"]);
  assert.deepEqual(layers.Dense(2).metrics, []);
  class Holder extends layers.Layer {
    inner = new SampleCounter();
    trackers = [metrics.Mean({ name: "a" }), metrics.Mean({ name: "b" })];
    override call(x: tf.Tensor): tf.Tensor {
      return this.inner.apply(x) as tf.Tensor;
    }
  }
  assert.deepEqual(new Holder().metrics.map((m) => m.name), ["a", "b", "seen"]);
  const nested = new models.Sequential([layers.Input({ shape: [2] }), new SampleCounter()]);
  nested.compile({ optimizer: "sgd", loss: "mse" });
  const outer = new models.Sequential([layers.Input({ shape: [2] }), nested, new SampleCounter({ name: "own" })]);
  // The nested model's loss tracker and its layer's counter stay its own.
  assert.deepEqual(outer.metrics.map((m) => m.name), ["seen"]);
  assert.equal(outer.metrics[0], (outer.layers[1] as SampleCounter).seen);
});

test("fit logs, and resets each epoch, a metric held by one of the model's layers, after the loss and before the compiled metrics (Keras 3.5's order)", async () => {
  const input = layers.Input({ shape: [2] });
  const counter = new SampleCounter();
  const output = layers.Dense(2, { activation: "softmax" }).apply(counter.apply(input)) as tf.layers.SymbolicTensor;
  const model = new models.Model({ inputs: input, outputs: output });
  model.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const x = tf.random.normal([10, 2], 0, 1, "float32", 1);
  const y = tf.constant([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "int32");
  // 10 samples in batches of 4: 4, 8, then 10 by the epoch's end, from 0 again each epoch.
  const batches: number[] = [];
  const spy = new (class extends tf.callbacks.Callback {
    override onTrainBatchEnd(_b: number, logs?: tf.callbacks.Logs): void {
      batches.push(logs?.seen as number);
    }
  })();
  const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [spy] });
  assertAllClose(history.history.seen, [10, 10], { what: "seen per epoch" });
  assertAllClose(batches, [4, 8, 10, 4, 8, 10], { what: "seen after each batch" });
  assert.deepEqual(model.metricsNames, ["loss", "seen", "accuracy"]);
  // evaluate resets it too, and runs in inference mode: the layer counts nothing.
  const result = await model.evaluate(x, y, { verbose: 0, returnDict: true }) as Record<string, number>;
  assert.equal(result.seen, 0);
});
