import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../../src/index.js";

import { residualBlock } from "../../src/cli/reference-models.js";

const { layers, models, datasets } = tf;


test("notebook 001's ResNet: 955,018 parameters, and its loss decreases on a Fashion-MNIST sample", async () => {
  tf.random.setSeed(42);
  const inputs = layers.Input({ shape: [28, 28, 1] });
  let x = layers.Conv2D(64, 3, { padding: "same", activation: "relu" })(inputs);
  x = layers.MaxPooling2D(2)(x);
  x = residualBlock(x, 64);
  x = residualBlock(x, 64);
  x = layers.MaxPooling2D(2)(x);
  x = layers.Flatten()(x);
  x = layers.Dense(256, { activation: "relu" })(x);
  const outputs = layers.Dense(10, { activation: "softmax" })(x);
  const model = new models.Model({ inputs, outputs, name: "resnet" });
  assert.equal(model.countParams(), 955018);

  const [[xTrain, yTrain]] = await datasets.fashionMnist.loadData();
  const n = 96;
  const xs = tf.div(tf.reshape(tf.cast(tf.slice(xTrain, [0, 0, 0], [n, -1, -1]), "float32"), [-1, 28, 28, 1]), 255);
  const ys = tf.slice(yTrain, [0], [n]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 1e-2 }), metrics: ["accuracy"] });
  const before = (await model.evaluate(xs, ys, { verbose: 0 }) as number[])[0];
  await model.fit(xs, ys, { epochs: 3, batchSize: 32, verbose: 0 });
  const after = (await model.evaluate(xs, ys, { verbose: 0 }) as number[])[0];
  assert.ok(after < before, `loss before ${before}, after ${after}`);
});
