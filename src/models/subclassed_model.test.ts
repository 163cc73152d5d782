import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { models } = tf;

test("fit, evaluate and predict build a subclassed model whose build() creates its weights, as its first call does in Keras", async () => {
  class Linear extends models.Model {
    w!: tf.Variable;
    override build(shape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
      this.w = this.addWeight("w", [(shape as tf.layers.LayerShape)[1]!, 1], { initializer: "ones" });
    }
    override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.matmul(x as tf.Tensor, this.w);
    }
  }
  // One SGD step (lr 0.01) on x = ones [4, 3], y = 0: each output is 3, the mse gradient of each
  // weight is 2 * 3 * 1, so w becomes 1 - 0.06.
  const fitted = new Linear();
  fitted.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.01 }) });
  await fitted.fit(tf.ones([4, 3]), tf.zeros([4, 1]), { epochs: 1, batchSize: 4, verbose: 0 });
  assert.equal(fitted.built, true);
  assert.equal(fitted.countParams(), 3);
  assert.deepEqual([...fitted.w.dataSync()].map((v) => Math.round(Number(v) * 1e6) / 1e6), [0.94, 0.94, 0.94]);

  assert.deepEqual([...new Linear().predict(tf.ones([2, 3])).dataSync()], [3, 3]);
  const evaluated = new Linear();
  evaluated.compile({ loss: "mse", optimizer: "sgd" });
  assert.equal(await evaluated.evaluate(tf.ones([2, 3]), tf.zeros([2, 1]), { verbose: 0 }), 9);
});
