import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, initializers } = tf;

/** A custom layer holding layers in its properties, one directly and two in a list (Keras tracks both). */
class Block extends layers.Layer {
  proj = layers.Dense(1, { useBias: false, kernelInitializer: "ones", name: "proj" });
  extra = [layers.Dense(2, { name: "extra_a" }), layers.Dense(2, { name: "extra_b" })];
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.proj(x as tf.Tensor);
  }
}

test("a custom layer tracks the layers it holds in properties and lists: weights, training and freezing (as Keras)", async () => {
  const block = new Block({ name: "block" });
  block(tf.ones([1, 2]));
  block.extra.forEach((d) => d(tf.ones([1, 2])));
  assert.deepEqual(block.weights.map((w) => w.name), ["proj/kernel", "extra_a/kernel", "extra_a/bias", "extra_b/kernel", "extra_b/bias"]);
  assert.equal(block.trainableWeights.length, 5);
  assert.equal(block.countParams(), 2 + 6 + 6);

  // fit trains the inner Dense: mse of x [1, 2] -> kernel [1, 1] -> 3 against 0 has gradient
  // 2 * 3 * [1, 2] = [6, 12]; SGD with learning rate 0.1 leaves [1 - 0.6, 1 - 1.2].
  const model = new models.Sequential([layers.Input({ shape: [2] }), new Block()]);
  model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }) });
  await model.fit(tf.constant([[1, 2]], "float32"), tf.constant([[0]], "float32"), { epochs: 1, verbose: 0 });
  const kernel = model.layers[0].weights[0];
  assert.deepEqual([...kernel.dataSync()].map((v) => Math.round(Number(v) * 1e6) / 1e6), [0.4, -0.2]);

  // Keras: freezing the outer layer freezes the ones inside.
  block.trainable = false;
  assert.equal(block.proj.trainable, false);
  assert.deepEqual(block.trainableWeights, []);
  assert.equal(block.nonTrainableWeights.length, 5);
});

test("a layer's weights come in Keras' order: its own trainable ones, its own non-trainable ones, then its sub-layers'", () => {
  // Keras 3.5: ['w/t', 'w/nt', 'w/dense/kernel', 'w/dense/bias'] for a layer that creates nt before t.
  class W extends layers.Layer {
    dense = layers.Dense(2, { name: "dense" });
    override build(): void {
      this.addWeight("nt", [2], { initializer: initializers.Zeros(), trainable: false });
      this.addWeight("t", [3], { initializer: initializers.Ones() });
    }
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.dense(x as tf.Tensor);
    }
  }
  const w = new W({ name: "w" });
  w(tf.ones([1, 2]));
  assert.deepEqual(w.weights.map((v) => v.name), ["w/t", "w/nt", "dense/kernel", "dense/bias"]);
  assert.deepEqual(w.getWeights().map((v) => v.shape), [[3], [2], [2, 2], [2]]);
  assert.deepEqual(w.trainableWeights.map((v) => v.name), ["w/t", "dense/kernel", "dense/bias"]);
  assert.deepEqual(w.nonTrainableWeights.map((v) => v.name), ["w/nt"]);
});

test("addWeight takes Keras' identifiers (initializer 'ones', regularizer 'l2', constraint 'non_neg') and its default initializers", () => {
  class Scale extends layers.Layer {
    w!: tf.Variable;
    k!: tf.Variable;
    n!: tf.Variable;
    override build(): void {
      this.w = this.addWeight("w", [3], { initializer: "ones", regularizer: "l2", constraint: "non_neg" });
      this.k = this.addWeight("k", [40, 60]);
      this.n = this.addWeight("n", [2], { dtype: "int32", trainable: false });
    }
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.mul(x as tf.Tensor, this.w);
    }
  }
  const s = new Scale({ name: "scale" });
  s(tf.ones([1, 3]));
  assert.deepEqual([...s.w.dataSync()], [1, 1, 1]);
  // Keras' l2 default factor 0.01: 0.01 * (1 + 1 + 1).
  assert.ok(Math.abs(Number(s.weightRegularizers.get(s.w)!.call(s.w).item()) - 0.03) < 1e-7);
  assert.deepEqual([...s.weightConstraints.get(s.w)!.call(tf.constant([-1, 2, 0], "float32")).dataSync()], [0, 2, 0]);
  // Keras' default for a float weight is glorot_uniform: within sqrt(6 / (40 + 60)), not constant.
  const k = [...s.k.dataSync()].map(Number);
  assert.ok(k.every((v) => Math.abs(v) <= Math.sqrt(6 / 100)) && Math.max(...k) - Math.min(...k) > 0.3);
  // ... and zeros for another dtype.
  assert.equal(s.n.dtype, "int32");
  assert.deepEqual([...s.n.dataSync()], [0, 0]);

  class Bad extends layers.Layer {
    override build(): void {
      this.addWeight("w", [3], { initializer: "random_normall" });
    }
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
      return x;
    }
  }
  assert.throws(() => new Bad({ name: "bad" })(tf.ones([1, 3])), /^.*Bad bad\.addWeight\("w"\): initializer: .*random_normall/);
});

test("the training mode reaches layers a custom layer or subclassed model calls without passing it (Keras' call context)", async () => {
  // Keras 3.5 gives moving_mean 1.5, moving_variance 2.5 after one fit step on [[1], [5]] with
  // momentum 0.5: batch mean 3 and biased variance 4 averaged with the initial 0 and 1.
  class Norm extends layers.Layer {
    bn = layers.BatchNormalization({ momentum: 0.5 });
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.bn(x as tf.Tensor);
    }
  }
  const norm = new Norm();
  const model = new models.Sequential([layers.Input({ shape: [1] }), norm, layers.Dense(1, { kernelInitializer: "zeros" })]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  await model.fit(tf.constant([[1], [5]], "float32"), tf.constant([[0], [0]], "float32"), { epochs: 1, verbose: 0, shuffle: false });
  assert.deepEqual(norm.bn.getWeights().map((w) => [...w.dataSync()]), [[1], [0], [1.5], [2.5]]);

  // A subclassed model whose call leaves `training` out: its Dropout drops when called in training
  // mode (fit does), keeps everything in inference.
  class Net extends models.Model {
    drop = layers.Dropout(0.5);
    override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.drop(x as tf.Tensor);
    }
  }
  const net = new Net();
  const trained = [...(net(tf.ones([1, 64]), { training: true }) as tf.Tensor).dataSync()];
  assert.ok(trained.every((v) => v === 0 || v === 2) && trained.includes(0) && trained.includes(2));
  assert.deepEqual([...(net(tf.ones([1, 4])) as tf.Tensor).dataSync()], [1, 1, 1, 1]);
  // An explicit training: false inside a training call still wins.
  class Pinned extends layers.Layer {
    drop = layers.Dropout(0.5);
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.drop(x as tf.Tensor, { training: false });
    }
  }
  assert.deepEqual([...(new Pinned()(tf.ones([1, 4]), { training: true }) as tf.Tensor).dataSync()], [1, 1, 1, 1]);
});

test("Variables a custom layer holds in properties are its weights and train, and a Variable set non-trainable is frozen (as Keras 3.5)", async () => {
  class V extends layers.Layer {
    a = tf.variable(tf.constant([3, 3], "float32"), { name: "a" });
    d = layers.Dense(1, { kernelInitializer: "ones", useBias: false, name: "d" });
    b = tf.variable(tf.zeros([3]), { name: "b", trainable: false });
    c = tf.variable(tf.ones([1]), { name: "c" });
    call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.add(tf.mul(this.d(x as tf.Tensor), tf.slice(this.a, [0], [1])), this.c);
    }
  }
  const v = new V();
  const model = new models.Sequential([layers.Input({ shape: [2] }), v]);
  // Keras 3.5: ['a', 'c', 'b', 'v/dense/kernel'], trainable ['a', 'c', 'v/dense/kernel'].
  assert.deepEqual(v.weights.map((w) => w.name), ["a", "c", "b", "d/kernel"]);
  assert.deepEqual(v.trainableWeights.map((w) => w.name), ["a", "c", "d/kernel"]);
  assert.deepEqual(v.nonTrainableWeights.map((w) => w.name), ["b"]);
  // One SGD step (lr 0.01) on x [1, 2], y 0: output 3 * 3 + 1 = 10, d loss / d output = 20, so
  // a[0] 3 - 0.01 * 20 * 3, c 1 - 0.01 * 20, kernel 1 - 0.01 * 20 * 3 * [1, 2]: Keras gives the same.
  model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.01 }) });
  await model.fit(tf.constant([[1, 2]], "float32"), tf.constant([[0]], "float32"), { epochs: 1, verbose: 0 });
  const round = (t: tf.Tensor): number[] => [...t.dataSync()].map((x) => Math.round(Number(x) * 1e5) / 1e5);
  assert.deepEqual(v.weights.map(round), [[2.4, 3], [0.8], [0, 0, 0], [0.4, -0.2]]);

  v.d.weights[0].trainable = false;
  assert.deepEqual(model.trainableWeights.map((w) => w.name), ["a", "c"]);
  assert.deepEqual(v.nonTrainableWeights.map((w) => w.name), ["b", "d/kernel"]);
});
