import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { warningsDuring } from "../testing/warnings.js";

const { layers, models } = tf;

/** Copies of every weight of a layer, to compare before and after training. */
const snapshot = (l: tf.layers.Layer): number[][] => l.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
const changed = (a: number[][], b: number[][]): boolean => a.some((w, i) => w.some((v, j) => v !== b[i][j]));

function base(): tf.models.Model {
  const inputs = layers.Input({ shape: [6, 6, 2] });
  let x = layers.Conv2D(3, 3, { activation: "relu", name: "base_conv" })(inputs);
  x = layers.BatchNormalization({ name: "base_bn" })(x);
  x = layers.Flatten({ name: "base_flat" })(x);
  return new models.Model({ inputs, outputs: x, name: "base" });
}

test("model.trainable = false on a nested model freezes every layer in it; true unfreezes them all (Keras)", async () => {
  tf.random.setSeed(3);
  const convBase = base();
  const model = new models.Sequential([convBase, layers.Dense(4, { activation: "relu" }), layers.Dense(1)]);
  convBase.trainable = false;
  for (const l of convBase.layers) assert.equal(l.trainable, false, `${l.name} frozen`);
  assert.equal(convBase.trainableWeights.length, 0);
  assert.equal(model.trainableWeights.length, 4); // the two Dense layers
  // Dense(48 -> 4): 48 * 4 + 4 = 196, Dense(4 -> 1): 5; the base (conv 2*3*3*3+3 = 57, BN 4*3 = 12) is not trainable.
  assert.match(model.summary(() => {}), / Trainable params: 201 \(.*\n Non-trainable params: 69 /);
  const before = snapshot(convBase);
  const top = snapshot(model.layers[1]);
  model.compile({ loss: "mse", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }) });
  const x = tf.random.normal([8, 6, 6, 2]), y = tf.random.normal([8, 1]);
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
  assert.equal(changed(before, snapshot(convBase)), false, "the frozen base (moving statistics included) is unchanged");
  assert.ok(changed(top, snapshot(model.layers[1])), "the top is trained");

  // Keras' fine-tuning: unfreeze the base, then freeze all but one of its layers again by name.
  convBase.trainable = true;
  for (const l of convBase.layers) assert.equal(l.trainable, true);
  let setTrainable = false;
  for (const l of convBase.layers) {
    if (l.name === "base_bn") setTrainable = true;
    l.trainable = setTrainable;
  }
  assert.deepEqual(convBase.layers.map((l) => l.trainable), [false, false, true, true]);
  assert.deepEqual(convBase.trainableWeights.map((w) => w.name), ["base_bn/gamma", "base_bn/beta"]);
});

test("layer.trainable: a change before the first fit after compile takes effect (Keras 3.5 fixes the variables when it first trains); one after it waits for the next compile, and fit warns once in between", async () => {
  tf.random.setSeed(4);
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(4, { name: "first" }), layers.Dense(1, { name: "last" })]);
  const first = model.getLayer("first");
  const x = tf.random.normal([8, 3]), y = tf.random.normal([8, 1]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  first.trainable = false; // after compile, before the first fit: in force
  let before = snapshot(first);
  let last = snapshot(model.getLayer("last"));
  assert.deepEqual(await warningsDuring(() => model.fit(x, y, { epochs: 1, verbose: 0 })), []);
  assert.equal(changed(before, snapshot(first)), false, "frozen from the first fit on");
  assert.ok(changed(last, snapshot(model.getLayer("last"))));

  first.trainable = true; // after that fit: not in force until compile
  before = snapshot(first);
  const warnings = await warningsDuring(() => model.fit(x, y, { epochs: 1, verbose: 0 }));
  assert.equal(changed(before, snapshot(first)), false, "still frozen until the next compile");
  assert.equal(warnings.filter((w) => /trainable state has changed since the model first trained after compile.*changed layers: first/.test(w)).length, 1, warnings.join("\n"));
  assert.deepEqual(await warningsDuring(() => model.fit(x, y, { epochs: 1, verbose: 0 })), [], "warned once per change");

  model.compile({ loss: "mse", optimizer: "sgd" });
  before = snapshot(first);
  last = snapshot(model.getLayer("last"));
  assert.deepEqual(await warningsDuring(() => model.fit(x, y, { epochs: 1, verbose: 0 })), []);
  assert.ok(changed(before, snapshot(first)), "trained after compiling again");
  assert.ok(changed(last, snapshot(model.getLayer("last"))));
});

test("notebook 003's recipe: Sequential(modelA.layers.slice(0, -1)) + new head, freeze, compile, fit, unfreeze, compile, fit", async () => {
  tf.random.setSeed(5);
  const modelA = new models.Sequential([layers.Input({ shape: [4] }), layers.Dense(6, { activation: "relu" }), layers.Dense(5, { activation: "relu" }), layers.Dense(3, { activation: "softmax" })]);
  const modelBonA = new models.Sequential(modelA.layers.slice(0, -1));
  modelBonA.add(layers.Dense(1, { activation: "sigmoid" }));
  const x = tf.random.normal([16, 4]);
  const y = tf.cast(tf.greater(tf.slice(x, [0, 0], [-1, 1]), 0), "float32");
  for (const l of modelBonA.layers.slice(0, -1)) l.trainable = false;
  modelBonA.compile({ loss: "binary_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), metrics: ["accuracy"] });
  const shared = snapshot(modelA.layers[0]);
  await modelBonA.fit(x, y, { epochs: 2, verbose: 0 });
  assert.equal(changed(shared, snapshot(modelA.layers[0])), false, "frozen reused layers keep modelA's weights");
  for (const l of modelBonA.layers.slice(0, -1)) l.trainable = true;
  modelBonA.compile({ loss: "binary_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), metrics: ["accuracy"] });
  await modelBonA.fit(x, y, { epochs: 2, verbose: 0 });
  assert.ok(changed(shared, snapshot(modelA.layers[0])), "unfrozen: fine-tuned (and shared with modelA, as in Keras)");
});

test("freezing a layer clears the trainable flag of the weights it created trainable, as Keras' setter does; unfreezing restores it", () => {
  const dense = tf.layers.Dense(3);
  const bn = tf.layers.BatchNormalization();
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [2] }), dense, bn]);
  const flags = (l: tf.layers.Layer): boolean[] => l.weights.map((w) => w.trainable);
  assert.deepEqual(flags(dense), [true, true]);
  assert.deepEqual(flags(bn), [true, true, false, false]);
  model.trainable = false;
  assert.deepEqual(flags(dense), [false, false]);
  assert.deepEqual(flags(bn), [false, false, false, false]);
  assert.deepEqual(bn.weights.map((w) => w.name), ["batch_normalization/gamma", "batch_normalization/beta", "batch_normalization/moving_mean", "batch_normalization/moving_variance"].map((n) => `${model.name}/${n.replace("batch_normalization", bn.name)}`));
  model.trainable = true;
  assert.deepEqual(flags(dense), [true, true]);
  assert.deepEqual(flags(bn), [true, true, false, false]);
  // A tape that watches trainable variables by itself leaves a frozen layer's weights out, as TF's does.
  dense.trainable = false;
  const x = tf.ones([1, 2]);
  const tape = new tf.GradientTape();
  const y = tape.run(() => tf.sum(dense.apply(x) as tf.Tensor));
  assert.equal(tape.gradient(y, [dense.weights[0]])[0], null);
});
