import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";

const fx = JSON.parse(readFileSync("test/fixtures/batchnorm.json", "utf8")) as Record<string, number[]>;

function close(got: tf.Tensor, want: number[], tol: number, what: string): void {
  const g = got.dataSync();
  assert.equal(g.length, want.length, what);
  want.forEach((w, i) => assert.ok(Math.abs(Number(g[i]) - w) <= tol * (1 + Math.abs(w)), `${what}[${i}]: ${g[i]} vs ${w}`));
}

test("BatchNormalization matches Keras' formulas: training forward, moving statistics, inference", () => {
  const bn = tf.layers.BatchNormalization({ dtype: "float64" });
  const x1 = tf.constant(fx.x1, [4, 3, 3, 2], "float64");
  const x2 = tf.constant(fx.x2, [4, 3, 3, 2], "float64");
  bn.apply(x1); // builds with the default weights
  bn.setWeights([tf.constant(fx.gamma, [2], "float64"), tf.constant(fx.beta, [2], "float64"), tf.zeros([2], "float64"), tf.ones([2], "float64")]);
  close(bn.apply(x1, { training: true }) as tf.Tensor, fx.train_y1, 1e-12, "train 1");
  close(bn.apply(x2, { training: true }) as tf.Tensor, fx.train_y2, 1e-12, "train 2");
  const [, , mm, mv] = bn.getWeights();
  close(mm, fx.moving_mean, 1e-12, "moving_mean");
  close(mv, fx.moving_variance, 1e-12, "moving_variance");
  close(bn.apply(x2) as tf.Tensor, fx.infer_y2, 1e-12, "inference");
});

test("a frozen BatchNormalization runs in inference mode and keeps its statistics", () => {
  const bn = tf.layers.BatchNormalization({ dtype: "float64" });
  const x2 = tf.constant(fx.x2, [4, 3, 3, 2], "float64");
  bn.apply(x2);
  bn.setWeights([tf.constant(fx.gamma, [2], "float64"), tf.constant(fx.beta, [2], "float64"), tf.constant(fx.moving_mean, [2], "float64"), tf.constant(fx.moving_variance, [2], "float64")]);
  bn.trainable = false;
  close(bn.apply(x2, { training: true }) as tf.Tensor, fx.infer_y2, 1e-12, "frozen, training=true");
  close(bn.getWeights()[2], fx.moving_mean, 0, "moving mean unchanged");
  assert.equal(bn.trainableWeights.length, 0);
});
