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

test("fit builds a subclassed model's layers for the data, not for a guessed shape, before its first step", async () => {
  // A per-feature scale whose call works on any rank: had fit's data checks run the model on a
  // guessed input of shape [1] first, its weight would have one value broadcast over 5 features.
  class Scale extends tf.layers.Layer {
    w!: tf.Variable;
    override build(shape: tf.layers.LayerShape | tf.layers.LayerShape[]): void {
      const s = shape as tf.layers.LayerShape;
      this.w = this.addWeight("w", [s[s.length - 1]!], { initializer: "ones" });
    }
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.mul(x as tf.Tensor, this.w);
    }
  }
  class Net extends models.Model {
    scale = new Scale();
    dense = tf.layers.Dense(1);
    override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.dense(this.scale(x as tf.Tensor));
    }
  }
  for (const viaDataset of [false, true]) {
    const net = new Net();
    net.compile({ loss: "mse", optimizer: "sgd" });
    const [x, y] = [tf.ones([4, 5]), tf.zeros([4, 1])];
    if (viaDataset) await net.fit(tf.data.Dataset.fromTensorSlices([x, y]).batch(2), { epochs: 1, verbose: 0 });
    else await net.fit(x, y, { epochs: 1, verbose: 0 });
    assert.deepEqual(net.scale.w.shape, [5], viaDataset ? "fit(dataset)" : "fit(x, y)");
    assert.deepEqual(net.scale.builtInputShape?.slice(1), [5]);
  }
});
