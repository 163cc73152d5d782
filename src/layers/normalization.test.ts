import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const fx = JSON.parse(readFileSync("test/fixtures/batchnorm.json", "utf8")) as Record<string, number[]>;

test("BatchNormalization matches Keras' formulas: training forward, moving statistics, inference", () => {
  const bn = tf.layers.BatchNormalization({ dtype: "float64" });
  const x1 = tf.constant(fx.x1, [4, 3, 3, 2], "float64");
  const x2 = tf.constant(fx.x2, [4, 3, 3, 2], "float64");
  bn.apply(x1); // builds with the default weights
  bn.setWeights([tf.constant(fx.gamma, [2], "float64"), tf.constant(fx.beta, [2], "float64"), tf.zeros([2], "float64"), tf.ones([2], "float64")]);
  assertAllClose(bn.apply(x1, { training: true }) as tf.Tensor, fx.train_y1, { rtol: 1e-12, atol: 1e-12, what: "train 1" });
  assertAllClose(bn.apply(x2, { training: true }) as tf.Tensor, fx.train_y2, { rtol: 1e-12, atol: 1e-12, what: "train 2" });
  const [, , mm, mv] = bn.getWeights();
  assertAllClose(mm, fx.moving_mean, { rtol: 1e-12, atol: 1e-12, what: "moving_mean" });
  assertAllClose(mv, fx.moving_variance, { rtol: 1e-12, atol: 1e-12, what: "moving_variance" });
  assertAllClose(bn.apply(x2) as tf.Tensor, fx.infer_y2, { rtol: 1e-12, atol: 1e-12, what: "inference" });
});

test("a frozen BatchNormalization runs in inference mode and keeps its statistics", () => {
  const bn = tf.layers.BatchNormalization({ dtype: "float64" });
  const x2 = tf.constant(fx.x2, [4, 3, 3, 2], "float64");
  bn.apply(x2);
  bn.setWeights([tf.constant(fx.gamma, [2], "float64"), tf.constant(fx.beta, [2], "float64"), tf.constant(fx.moving_mean, [2], "float64"), tf.constant(fx.moving_variance, [2], "float64")]);
  bn.trainable = false;
  assertAllClose(bn.apply(x2, { training: true }) as tf.Tensor, fx.infer_y2, { rtol: 1e-12, atol: 1e-12, what: "frozen, training=true" });
  assertAllClose(bn.getWeights()[2], fx.moving_mean, { rtol: 0, atol: 0, what: "moving mean unchanged" });
  assert.equal(bn.trainableWeights.length, 0);
});

test("BatchNormalization refuses a momentum outside [0, 1] or a negative epsilon, naming the layer", () => {
  assert.throws(() => tf.layers.BatchNormalization({ momentum: 2, name: "bn_a" }),
    /^RangeError: BatchNormalization bn_a: momentum must be in \[0, 1\] \(Keras' default 0\.99\), got 2/);
  assert.throws(() => tf.layers.BatchNormalization({ momentum: NaN }), /momentum must be in \[0, 1\].*got NaN/);
  assert.throws(() => tf.layers.BatchNormalization({ epsilon: -1, name: "bn_b" }),
    /^RangeError: BatchNormalization bn_b: epsilon must be a finite non-negative number \(Keras' default 1e-3\), got -1/);
  assert.equal(tf.layers.BatchNormalization({ momentum: 0, epsilon: 0 }).momentum, 0);
  assert.equal(tf.layers.BatchNormalization({ momentum: 1 }).momentum, 1);
});
