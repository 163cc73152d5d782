import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";

const { callbacks, layers, models } = tf;
type History = tf.callbacks.History;

/** A small float64 model: conv + BatchNormalization + dense + softmax, in training mode. */
function smallModel(): tf.models.Model {
  const inputs = layers.Input({ shape: [5, 5, 2], dtype: "float64" });
  let x = layers.Conv2D(3, 3, { padding: "same", dtype: "float64", kernelInitializer: "he_normal" })(inputs);
  x = layers.BatchNormalization({ dtype: "float64" })(x);
  x = layers.Activation("relu", { dtype: "float64" })(x);
  x = layers.Flatten({ dtype: "float64" })(x);
  x = layers.Dense(4, { activation: "softmax", dtype: "float64" })(x);
  return new models.Model({ inputs, outputs: x });
}

test("gradient of a whole model (conv + BN + dense + softmax cross-entropy) matches finite differences", () => {
  tf.random.setSeed(1);
  const model = smallModel();
  const x = tf.random.normal([3, 5, 5, 2], 0, 1, { dtype: "float64" });
  const y = tf.constant([0, 3, 1], "int32");
  const lossOf = (): tf.Tensor => tf.mean(tf.sparseCategoricalCrossentropy(y, model.call(x, { training: true }) as tf.Tensor));
  // With respect to the input:
  checkGradients((xx) => tf.mean(tf.sparseCategoricalCrossentropy(y, model.call(xx, { training: true }) as tf.Tensor)), [x], { rtol: 1e-4, atol: 1e-8 });
  // With respect to every weight, by perturbing one entry at a time:
  const weights = model.trainableWeights;
  const tape = new tf.GradientTape();
  const loss = tape.run(lossOf);
  const grads = tape.gradient(loss, weights);
  const eps = 1e-6;
  weights.forEach((w, k) => {
    const base = w.dataSync().slice() as Float64Array;
    for (const i of [0, Math.floor(base.length / 2), base.length - 1]) {
      const at = (delta: number): number => {
        const d = base.slice();
        d[i] += delta;
        w.assign(tf.constant(d, w.shape, "float64"));
        return lossOf().item();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      w.assign(tf.constant(base, w.shape, "float64"));
      const analytic = Number(grads[k]!.dataSync()[i]);
      assert.ok(Math.abs(numeric - analytic) <= 1e-6 + 1e-4 * Math.abs(numeric), `${w.name}[${i}]: analytic ${analytic}, numeric ${numeric}`);
    }
  });
});

/** Two interleaved spirals would be hard; two Gaussian blobs per class are linearly separable. */
function blobs(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const g = new tf.random.RandomGenerator(seed);
  const xs: number[][] = [];
  const ys: number[] = [];
  const centers = [[2, 2], [-2, -2], [2, -2]];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push([centers[c][0] + 0.6 * g.nextNormal(), centers[c][1] + 0.6 * g.nextNormal()]);
    ys.push(c);
  }
  return [tf.constant(xs, "float32"), tf.constant(ys, "int32")];
}

test("an MLP learns a separable problem to > 0.98 accuracy; History has Keras' keys", async () => {
  tf.random.setSeed(42);
  const [x, y] = blobs(600, 3);
  const [xv, yv] = blobs(150, 4);
  const model = new models.Sequential([
    layers.Input({ shape: [2] }), layers.Dense(16, { activation: "relu" }), layers.Dense(3, { activation: "softmax" }),
  ]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const history = await model.fit(x, y, { epochs: 15, batchSize: 32, validationData: [xv, yv], verbose: 0 });
  assert.deepEqual(Object.keys(history.history).sort(), ["accuracy", "loss", "val_accuracy", "val_loss"]);
  assert.equal(history.history.loss.length, 15);
  assert.ok(history.history.loss[14] < history.history.loss[0], "loss decreases");
  const [loss, acc] = (await model.evaluate(xv, yv, { verbose: 0 })) as number[];
  assert.ok(acc > 0.98, `test accuracy ${acc}, loss ${loss}`);
  assert.ok(Math.abs(acc - history.history.val_accuracy[14]) < 1e-9, "evaluate agrees with the last val_accuracy");
});

test("fit refuses bad data before any step runs", async () => {
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const before = model.getWeights()[0].dataSync().slice();
  await assert.rejects(model.fit(tf.ones([4, 2]), tf.constant([0, 1, 2], "int32"), { verbose: 0 }), /x has 4 samples.*y has 3/);
  await assert.rejects(model.fit(tf.ones([3, 2]), tf.constant([0, 1, 5], "int32"), { verbose: 0 }), /labels in \[0, 3\).*\[0, 5\]/);
  assert.deepEqual(model.getWeights()[0].dataSync(), before, "no step ran");
  const fresh = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  await assert.rejects(fresh.fit(tf.ones([2, 2]), tf.ones([2, 1])), /compile the model first/);
});

test("validationSplit takes the last fraction of the data", async () => {
  const model = new models.Sequential([layers.Input({ shape: [1] }), layers.Dense(1)]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  // The last 25% are far off the line the first 75% follow, so val_loss stays large.
  const x = tf.constant([[0], [1], [2], [3], [4], [5], [100], [200]], "float32");
  const y = tf.constant([[0], [1], [2], [3], [4], [5], [0], [0]], "float32");
  const h = await model.fit(x, y, { epochs: 1, batchSize: 6, validationSplit: 0.25, verbose: 0, shuffle: false });
  assert.ok(h.history.val_loss[0] > 10 * h.history.loss[0]);
});

test("EarlyStopping ends fit when val_loss stops improving, and restores the best weights", async () => {
  tf.random.setSeed(7);
  const [x, y] = blobs(90, 5);
  // Validation labels are rotated, so the better the model fits the training labels, the worse
  // its validation loss: the monitored value gets worse from the first epochs on.
  const yVal = tf.mod(tf.add(y, 1), 3);
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.5 }) });
  const stopper = tf.callbacks.EarlyStopping({ monitor: "val_loss", patience: 2, restoreBestWeights: true });
  const h = await model.fit(x, y, { epochs: 40, batchSize: 30, validationData: [x, yVal], callbacks: [stopper], verbose: 0 });
  const losses = h.history.val_loss;
  assert.ok(losses.length < 40, `stopped after ${losses.length} epochs: ${JSON.stringify(losses)}`);
  // Patience 2: the last two epochs are no better than the best one before them.
  const best = Math.min(...losses.slice(0, -2));
  assert.ok(losses.at(-1)! >= best && losses.at(-2)! >= best, JSON.stringify(losses));
  const restored = (await model.evaluate(x, yVal, { verbose: 0 })) as number;
  assert.ok(Math.abs(restored - Math.min(...losses)) < 1e-5, `restored weights give ${restored}, best was ${Math.min(...losses)}`);
});

test("a subclassed model (class MyModel extends models.Model) trains", async () => {
  class MyModel extends models.Model {
    hidden = layers.Dense(8, { activation: "relu" });
    out = layers.Dense(3, { activation: "softmax" });
    override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return this.out(this.hidden(x as tf.Tensor));
    }
  }
  tf.random.setSeed(3);
  const model = new MyModel();
  const [x, y] = blobs(120, 9);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const h = await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
  assert.equal(model.layers.length, 2);
  assert.equal(model.trainableWeights.length, 4);
  assert.ok(h.history.loss[4] < h.history.loss[0]);
});

test("label shapes that do not fit the loss are refused before training", async () => {
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  await assert.rejects(model.fit(tf.ones([2, 2]), tf.constant([[1, 0, 0], [0, 1, 0]], "float32"), { verbose: 0 }), /takes class indices of shape \(2,\) but y has shape \(2, 3\).*categorical_crossentropy/);
  model.compile({ loss: "categorical_crossentropy", optimizer: "sgd" });
  await assert.rejects(model.fit(tf.ones([2, 2]), tf.constant([0, 1]), { verbose: 0 }), /takes one-hot labels of shape \(2, 3\) but y has shape \(2,\).*toCategorical/);
});

test("a classifier that keeps spatial axes (Dense without Flatten) is refused with the fix", async () => {
  const model = new models.Sequential([layers.Input({ shape: [4, 4, 1] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const flattenHint = /fit: the model's output has shape \(None, 4, 4, 3\), one prediction per position, but y has one label per sample \(shape \(2,\)\); add layers\.Flatten\(\).*so the output is \(None, 3\)/;
  await assert.rejects(model.fit(tf.ones([2, 4, 4, 1]), tf.constant([0, 2]), { verbose: 0 }), flattenHint);
  model.compile({ loss: "categorical_crossentropy", optimizer: "sgd" });
  await assert.rejects(model.fit(tf.ones([2, 4, 4, 1]), tf.constant([[1, 0, 0], [0, 0, 1]], "float32"), { verbose: 0 }), /one prediction per position.*Flatten/);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  await assert.rejects(model.fit(tf.ones([2, 4, 4, 1]), tf.zeros([2, 4, 5], "int32"), { verbose: 0 }), /takes class indices of shape \(2, 4, 4\) but y has shape \(2, 4, 5\)/);
});

test("one label per position trains a per-position classifier, as in Keras", async () => {
  tf.random.setSeed(3);
  const x = tf.random.normal([8, 4, 4, 1]);
  // Class 1 where the pixel is positive, else 0: learnable by a 1x1 convolution.
  const y = tf.cast(tf.greater(tf.reshape(x, [8, 4, 4]), 0), "int32");
  const model = new models.Sequential([layers.Input({ shape: [4, 4, 1] }), layers.Conv2D(2, 1, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.5 }), metrics: ["accuracy"] });
  const h = await model.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0 });
  assert.ok(h.history.loss[19] < h.history.loss[0] && Number.isFinite(h.history.loss[19]), JSON.stringify(h.history.loss));
  assert.ok(h.history.accuracy[19] > 0.9, JSON.stringify(h.history.accuracy));
  model.compile({ loss: "categorical_crossentropy", optimizer: "sgd" });
  await model.fit(x, tf.oneHot(y, 2), { epochs: 1, verbose: 0 });
  await assert.rejects(model.fit(x, tf.oneHot(y, 3), { epochs: 1, verbose: 0 }), /takes one-hot labels of shape \(8, 4, 4, 2\) but y has shape \(8, 4, 4, 3\)/);
});

test("classWeight and sampleWeight scale each sample's loss as in Keras", async () => {
  tf.random.setSeed(11);
  const x = tf.random.normal([6, 2]);
  const y = tf.constant([0, 1, 0, 1, 1, 0]);
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(2, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: tf.optimizers.SGD({ learningRate: 0.1 }) });
  const base = (await model.evaluate(x, y, { verbose: 0 })) as number;
  const frozen = model.getWeights().map((w) => w.dataSync().slice());
  const zero = await model.fit(x, y, { batchSize: 6, classWeight: { 0: 0, 1: 0 }, verbose: 0, shuffle: false });
  assert.equal(zero.history.loss[0], 0);
  model.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), frozen[i], "zero weights: no update"));
  const tripled = await model.fit(x, y, { batchSize: 6, classWeight: { 0: 3, 1: 3 }, verbose: 0, shuffle: false });
  assert.ok(Math.abs(tripled.history.loss[0] - 3 * base) < 1e-5, `${tripled.history.loss[0]} vs ${3 * base}`);
  model.setWeights(frozen.map((d, i) => tf.constant(d as Float32Array, model.getWeights()[i].shape, "float32")));
  const sw = await model.fit(x, y, { batchSize: 6, sampleWeight: tf.constant([2, 2, 2, 2, 2, 2], "float32"), verbose: 0, shuffle: false });
  assert.ok(Math.abs(sw.history.loss[0] - 2 * base) < 1e-5);
  assert.equal(typeof (await model.testOnBatch(x, y)), "number");
});

test("fit accepts a data.Dataset of [x, y] batches", async () => {
  tf.random.setSeed(5);
  const [x, y] = blobs(300, 12);
  const ds = tf.data.Dataset.fromTensorSlices([x, y]).shuffle(300).batch(32);
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const h = await model.fit(ds, { epochs: 4, verbose: 0, validationData: [x, y] });
  assert.equal(h.history.loss.length, 4);
  assert.ok(h.history.loss[3] < h.history.loss[0]);
  await assert.rejects(model.fit(tf.data.Dataset.fromTensorSlices(x).batch(8), { verbose: 0 }), /each dataset element must be a batch \[x, y\]/);
});

test("evaluate and fit's validationData accept a data.Dataset of [x, y] batches, matching the tensors' results", async () => {
  tf.random.setSeed(6);
  const [x, y] = blobs(50, 13);
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const ds = tf.data.Dataset.fromTensorSlices([x, y]).batch(16);
  const fromTensors = await model.evaluate(x, y, { batchSize: 16, verbose: 0 }) as number[];
  const fromDataset = await model.evaluate(ds, { verbose: 0 }) as number[];
  fromTensors.forEach((v, i) => assert.ok(Math.abs(v - fromDataset[i]) < 1e-6, `${fromDataset[i]} vs ${v}`));
  const h = await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, validationData: ds });
  const after = await model.evaluate(x, y, { batchSize: 16, verbose: 0 }) as number[];
  assert.ok(Math.abs(h.history.val_loss[0] - after[0]) < 1e-6);
  assert.ok(Math.abs(h.history.val_accuracy[0] - after[1]) < 1e-6);
  const hs = await model.fit(ds, { epochs: 1, verbose: 0, validationData: ds });
  assert.equal(hs.history.val_loss.length, 1);
  await assert.rejects(model.evaluate(tf.data.Dataset.fromTensorSlices(x).batch(8), { verbose: 0 }), /evaluate: each dataset element must be a batch \[x, y\]/);
  await assert.rejects(model.evaluate(ds.take(0), { verbose: 0 }), /evaluate: the dataset yielded no batches/);
  await assert.rejects(model.evaluate(tf.data.Dataset.fromTensorSlices([x.slice(0, 4), tf.constant([5, 5, 5, 5], "int32")]).batch(2), { verbose: 0 }), /evaluate \(dataset batch\)/);
});

/** Collects the process warnings emitted while `run` runs. */
async function warningsOf(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => { warnings.push(w.message); };
  process.on("warning", onWarning);
  try {
    await run();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  return warnings;
}

/** A callback counting the training batches of each epoch. */
function batchCounter(): { cb: tf.callbacks.Callback; perEpoch: number[] } {
  const perEpoch: number[] = [];
  const cb = callbacks.LambdaCallback({ onEpochBegin: () => { perEpoch.push(0); }, onTrainBatchEnd: () => { perEpoch[perEpoch.length - 1]++; } });
  return { cb, perEpoch };
}

test("stepsPerEpoch reads an endless dataset on across epochs; a pass that runs out ends its epoch with a warning (once per fit) and the next epoch starts a new one (Keras); validationSteps and evaluate's steps take the first batches", async () => {
  tf.random.setSeed(8);
  const [x, y] = blobs(40, 14);
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd", metrics: ["accuracy"] });
  // Batches 0..4 of 8 samples; an endless dataset counts the batches it hands out.
  let served = 0;
  const endless = tf.data.Dataset.fromTensorSlices([x, y]).batch(8).repeat().map((b) => { served++; return b; });
  const h = await model.fit(endless, { epochs: 3, stepsPerEpoch: 7, verbose: 0 });
  assert.equal(h.history.loss.length, 3);
  assert.equal(served, 21, "7 batches per epoch, read on from one iterator");

  // 5 batches, 3 per epoch for 4 epochs: 3, then the 2 left (the pass runs out: warning), then a new pass: 3, 2.
  const finite = tf.data.Dataset.fromTensorSlices([x, y]).batch(8);
  const counted = batchCounter();
  let four: History | null = null;
  const warnings = await warningsOf(async () => { four = await model.fit(finite, { epochs: 4, stepsPerEpoch: 3, verbose: 0, callbacks: [counted.cb] }); });
  assert.deepEqual(counted.perEpoch, [3, 2, 3, 2]);
  assert.equal(four!.history.loss.length, 4);
  // Two epochs run short, but Keras' warning is said once (Python shows a warnings.warn once per place).
  assert.equal(warnings.filter((m) => /^fit: your input ran out of data after 2 of stepsPerEpoch 3 batches; interrupting epoch, as Keras does \(the next epoch starts a new pass; said once per fit\)/.test(m)).length, 1, warnings.join("\n"));
  // A pass that ends exactly with an epoch is followed by a new one at once, without a warning.
  const even = batchCounter();
  const quiet = await warningsOf(() => model.fit(finite, { epochs: 3, stepsPerEpoch: 5, verbose: 0, callbacks: [even.cb] }));
  assert.deepEqual(even.perEpoch, [5, 5, 5]);
  assert.deepEqual(quiet.filter((m) => /ran out of data/.test(m)), []);

  // Validation and evaluation on the first 2 batches of an endless dataset equal evaluate on the first 16 samples.
  const first16 = await model.evaluate(x.slice(0, 16), y.slice(0, 16), { batchSize: 8, verbose: 0 }) as number[];
  const stepped = await model.evaluate(endless, { steps: 2, verbose: 0 }) as number[];
  first16.forEach((v, i) => assert.ok(Math.abs(v - stepped[i]) < 1e-6, `${stepped[i]} vs ${v}`));
  const hv = await model.fit(x, y, { epochs: 1, batchSize: 40, verbose: 0, validationData: endless, validationSteps: 2 });
  const after16 = await model.evaluate(x.slice(0, 16), y.slice(0, 16), { batchSize: 8, verbose: 0 }) as number[];
  assert.ok(Math.abs(hv.history.val_loss[0] - after16[0]) < 1e-6);

  await assert.rejects(model.fit(x, y, { validationSteps: 2, validationData: [x, y], verbose: 0 }), /fit: validationSteps applies to validationData given as a dataset/);
  await assert.rejects(model.fit(endless, { stepsPerEpoch: 0, verbose: 0 }), /fit: stepsPerEpoch must be a positive integer \(batches\), got 0/);
  await assert.rejects(model.fit(x, y, { stepsPerEpoch: 1.5, verbose: 0 }), /fit: stepsPerEpoch must be a positive integer \(batches\), got 1\.5/);
});

test("stepsPerEpoch and steps with tensors, as Keras' array adapter: no batchSize spreads x over the steps; with one, the first batches, read on across epochs", async () => {
  const [x, y] = blobs(40, 16);
  const fresh = (): tf.models.Sequential => {
    tf.random.setSeed(31);
    const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
    m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd", metrics: ["accuracy"] });
    return m;
  };
  // stepsPerEpoch 2 and no batchSize: batches of ceil(40 / 2) = 20, the same training as batchSize 20.
  const a = fresh(), b = fresh();
  const counted = batchCounter();
  const ha = await a.fit(x, y, { epochs: 2, stepsPerEpoch: 2, shuffle: false, verbose: 0, callbacks: [counted.cb] });
  await b.fit(x, y, { epochs: 2, batchSize: 20, shuffle: false, verbose: 0 });
  assert.deepEqual(counted.perEpoch, [2, 2]);
  assert.equal(ha.params.steps, 2);
  a.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), b.getWeights()[i].dataSync()));

  // batchSize 8 (5 batches a pass), stepsPerEpoch 3: epochs of 3 and 2 batches; the same updates as the 5 batches in order.
  const c = fresh(), d = fresh();
  const cut = batchCounter();
  const warned = await warningsOf(() => c.fit(x, y, { epochs: 2, stepsPerEpoch: 3, batchSize: 8, shuffle: false, verbose: 0, callbacks: [cut.cb] }));
  assert.deepEqual(cut.perEpoch, [3, 2]);
  assert.ok(warned.some((m) => /ran out of data after 2 of stepsPerEpoch 3 batches; interrupting epoch/.test(m)), warned.join("\n"));
  await d.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
  c.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), d.getWeights()[i].dataSync()));

  // evaluate: steps 2 and no batchSize reads all 40 samples in 2 batches; with batchSize 8, the first 16 samples.
  const all = await c.evaluate(x, y, { batchSize: 20, verbose: 0 }) as number[];
  assert.deepEqual(await c.evaluate(x, y, { steps: 2, verbose: 0 }), all);
  const first16 = await c.evaluate(x.slice(0, 16), y.slice(0, 16), { batchSize: 8, verbose: 0 }) as number[];
  assert.deepEqual(await c.evaluate(x, y, { steps: 2, batchSize: 8, verbose: 0 }), first16);
  // steps 9: batches of ceil(40 / 9) = 5 make only 8, so evaluate warns (as Keras) and reads all 8.
  let nine: number[] = [];
  const short = await warningsOf(async () => { nine = await c.evaluate(x, y, { steps: 9, verbose: 0 }) as number[]; });
  assert.ok(short.some((m) => /^evaluate: your input ran out of data after 8 of steps 9 batches/.test(m)), short.join("\n"));
  nine.forEach((v, i) => assert.ok(Math.abs(v - all[i]) < 1e-6));

  // predict: steps 2 with batchSize 6 gives the first 12 rows; steps 3 and no batchSize, all 40.
  const want = c.predict(x).arraySync() as number[][];
  assert.deepEqual(c.predict(x, { steps: 2, batchSize: 6 }).arraySync(), want.slice(0, 12));
  assert.deepEqual((await c.predictAsync(x, { steps: 3 })).shape, [40, 3]);
  await assert.rejects(c.fit(x, y, { shuffle: "yes" as unknown as boolean, verbose: 0 }), /fit: shuffle must be true, false or "batch" \(shuffle inside each batch\), got "yes"/);
  await assert.rejects(c.evaluate(x, y, { steps: 0, verbose: 0 }), /evaluate: steps must be a positive integer/);
});

test("shuffle \"batch\" keeps the batches in order and shuffles the samples inside each (Keras' shuffle='batch')", async () => {
  tf.random.setSeed(12);
  const n = 20;
  const x = tf.range(0, n).reshape([n, 1]).cast("float32");
  const y = tf.zeros([n, 1]);
  const model = new models.Sequential([layers.Input({ shape: [1] }), layers.Dense(1)]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  const seen: number[][] = [];
  // A custom trainStep records which samples each batch holds.
  model.trainStep = (data) => {
    seen.push(((data.x as tf.Tensor).arraySync() as number[][]).map((r) => r[0]));
    return {};
  };
  await model.fit(x, y, { epochs: 2, batchSize: 6, shuffle: "batch", verbose: 0 });
  assert.equal(seen.length, 8);
  seen.forEach((rows, i) => {
    const start = (i % 4) * 6;
    const expected = Array.from({ length: Math.min(6, n - start) }, (_, k) => start + k);
    assert.deepEqual([...rows].sort((p, q) => p - q), expected, `batch ${i} holds batch ${i % 4}'s samples`);
  });
  assert.ok(seen.some((rows) => rows.some((v, k) => k > 0 && v < rows[k - 1])), "some batch is shuffled inside");
});

test("predict(dataset) joins the batches' outputs, ignores the y of [x, y] elements, and takes steps", async () => {
  tf.random.setSeed(9);
  const [x, y] = blobs(20, 15);
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  const want = model.predict(x).arraySync() as number[][];
  const close = (got: tf.Tensor, rows: number): void => {
    assert.deepEqual(got.shape, [rows, 3]);
    (got.arraySync() as number[][]).forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) < 1e-6)));
  };
  close(await model.predict(tf.data.Dataset.fromTensorSlices(x).batch(6)), 20);
  close(await model.predict(tf.data.Dataset.fromTensorSlices([x, y]).batch(6)), 20);
  close(await model.predict(tf.data.Dataset.fromTensorSlices(x).batch(6).repeat(), { steps: 2 }), 12);
  await assert.rejects(model.predict(tf.data.Dataset.fromTensorSlices(x).batch(6).take(0)), /predict: the dataset yielded no batches/);
  await assert.rejects(model.predict(tf.data.Dataset.fromTensorSlices([x, y, y, y]).batch(6)), /predict: a dataset element holds 4 tensors; the model takes 1 input \(elements are \[x\], \[x, y\] or \[x, y, sampleWeight\]\)/);
});

test("a two-output model trains with a loss per output and lossWeights; logs and evaluate follow Keras", async () => {
  tf.random.setSeed(21);
  const [x, y] = blobs(120, 13);
  const inputs = layers.Input({ shape: [2] });
  const h = layers.Dense(8, { activation: "relu" })(inputs);
  const cls = layers.Dense(3, { activation: "softmax", name: "cls" })(h);
  const reg = layers.Dense(1, { name: "reg" })(h);
  const model = new models.Model({ inputs, outputs: [cls, reg] });
  const target = tf.reshape(tf.cast(y, "float32"), [-1, 1]);
  model.compile({
    optimizer: "adam",
    loss: { cls: "sparse_categorical_crossentropy", reg: "mse" },
    lossWeights: { cls: 1, reg: 0.5 },
    metrics: { cls: ["accuracy"] },
  });
  const hist = await model.fit(x, { cls: y, reg: target }, { epochs: 3, batchSize: 40, verbose: 0 });
  assert.deepEqual(Object.keys(hist.history).sort(), ["cls_accuracy", "cls_loss", "loss", "reg_loss"]);
  const [loss, clsLoss, regLoss, acc] = (await model.evaluate(x, [y, target], { verbose: 0 })) as number[];
  // Keras 3.5 logs each output's loss after its weight: the parts add up to the loss.
  assert.ok(Math.abs(loss - (clsLoss + regLoss)) < 1e-5, `${loss} vs ${clsLoss} + ${regLoss}`);
  const target2 = tf.reshape(tf.cast(y, "float32"), [-1, 1]);
  const unweightedReg = tf.mean(tf.square(tf.sub(target2, model.predict<tf.Tensor[]>(x)[1]))).item();
  assert.ok(Math.abs(regLoss - 0.5 * unweightedReg) < 1e-5, `reg_loss ${regLoss} vs 0.5 * mse ${unweightedReg}`);
  assert.ok(acc >= 0 && acc <= 1);
  const [p1, p2] = model.predict<tf.Tensor[]>(x);
  assert.deepEqual([p1.shape, p2.shape], [[120, 3], [120, 1]]);
  await assert.rejects(model.fit(x, y, { verbose: 0 }), /2 outputs.*list in output order or an object keyed by cls, reg/);
  assert.throws(() => model.compile({ loss: "mse", metrics: ["accuracy"] }), /give metrics per output/);
});

test("batchSize and epochs are checked by fit, evaluate and predict before any batch is cut", async () => {
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(1)]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  const x = tf.ones([4, 2]), y = tf.ones([4, 1]);
  // batchSize 0 used to loop forever in predict (until the heap ran out).
  assert.throws(() => model.predict(x, { batchSize: 0 }), /^RangeError: predict: batchSize must be a positive integer, got 0$/);
  assert.throws(() => model.predict(x, { batchSize: 2.5 }), /predict: batchSize must be a positive integer, got 2\.5/);
  await assert.rejects(model.evaluate(x, y, { batchSize: -1, verbose: 0 }), /^RangeError: evaluate: batchSize must be a positive integer, got -1$/);
  await assert.rejects(model.fit(x, y, { batchSize: 0, verbose: 0 }), /fit: batchSize must be a positive integer, got 0/);
  await assert.rejects(model.fit(x, y, { epochs: 1.5, verbose: 0 }), /fit: epochs must be a non-negative integer, got 1\.5/);
  const stream = tf.data.Dataset.fromTensorSlices([x, y]).batch(2);
  await assert.rejects(model.fit(stream, { epochs: -1, verbose: 0 }), /fit: epochs must be a non-negative integer, got -1/);
  assert.deepEqual(model.predict(x, { batchSize: 3 }).shape, [4, 1]);
});

test("fit refuses class and sample weights it cannot apply or that would corrupt the loss", async () => {
  const refuses = async (run: () => Promise<unknown>, type: new (...a: never[]) => Error, message: RegExp): Promise<void> => {
    await assert.rejects(run, (e: unknown) => e instanceof type && message.test(e.message));
  };
  const model = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const x = tf.ones([6, 2]), y = tf.constant([0, 1, 2, 0, 1, 2], [6], "int32");
  const fit = (extra: tf.models.FitArgs): Promise<unknown> => model.fit(x, y, { verbose: 0, ...extra });
  const before = model.getWeights().map((w) => [...w.dataSync()]);
  await refuses(() => fit({ classWeight: { 0: NaN } }), RangeError, /^fit: classWeight gives class 0 the weight NaN; class weights must be finite numbers >= 0$/);
  await refuses(() => fit({ classWeight: { 1: -2 } }), RangeError, /classWeight gives class 1 the weight -2/);
  // 1-based classes: class 3 does not exist, and class 0 would silently keep weight 1.
  await refuses(() => fit({ classWeight: { 1: 1, 2: 1, 3: 5 } }), RangeError, /^fit: classWeight has the key "3", which is not a class index of this model \(0\.\.2\); key the weights by class index/);
  await refuses(() => fit({ classWeight: { cat: 2 } as never }), RangeError, /classWeight has the key "cat"/);
  await refuses(() => fit({ classWeight: [1, 2] as never }), TypeError, /^fit: classWeight must be an object mapping class index to weight/);
  await refuses(() => fit({ sampleWeight: tf.constant([1, 1, -1, 1, 1, 1]) }), RangeError, /^fit: sampleWeight holds negative weights \(the lowest is -1, in sample 2\); weights scale each sample's loss and must be >= 0/);
  assert.deepEqual(model.getWeights().map((w) => [...w.dataSync()]), before);
  await fit({ classWeight: { 0: 0, 2: 3 } });

  // Keras: "class_weight is only supported for Models with a single output".
  const input = layers.Input({ shape: [2] });
  const two = new models.Model({ inputs: input, outputs: [layers.Dense(3, { activation: "softmax", name: "p" })(input), layers.Dense(3, { activation: "softmax", name: "q" })(input)] });
  two.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  await refuses(() => two.fit(x, [y, y], { classWeight: { 0: 2 }, verbose: 0 }), RangeError, /^fit: classWeight is only supported for models with a single output \(as in Keras\); this model has 2; weigh the samples with sampleWeight instead$/);
});

test("predict takes Keras' verbose: 1 draws the bar, 2 prints one line when done, 0 and the default print nothing", async () => {
  // Keras 3.5's predict(x of 10 samples, batch_size=4) printed, on a terminal with verbose=1,
  // "\r1/3 ━━━━━━━━━━━━━━━━━━━━ 0s 439us/step" ... "\r3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 304us/step\n"
  // (bold count, coloured bar) and with verbose=2 "3/3 - 0s - 348us/step\n"; lamina took no
  // verbose option at all (predict(x, { verbose: 0 }) threw).
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1)]);
  const x = tf.ones([10, 3]);
  let out = "";
  // Timings differ from run to run; the format must not.
  const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "").replace(/ \d+s( -)? \d+(us|ms)\/step/g, " Ts$1 Tus/step");
  const withWriter = async (isTTY: boolean, f: () => unknown): Promise<string> => {
    out = "";
    tf.callbacks.setOutputWriter({ write: (s) => { out += s; }, isTTY });
    try {
      await f();
    } finally {
      tf.callbacks.setOutputWriter(null);
    }
    return plain(out);
  };
  assert.equal(await withWriter(false, () => model.predict(x, { batchSize: 4, verbose: 2 })), "3/3 - Ts - Tus/step\n");
  const bar = await withWriter(true, () => model.predict(x, { batchSize: 4, verbose: 1 }));
  // A slow machine may also draw step 2 (the bar redraws at most every 0.05 s), and a redraw shorter
  // than the one before is padded with spaces that erase the rest of it, as Keras' Progbar does.
  assert.match(bar, /^\r1\/3 ━{20} Ts Tus\/step {0,4}(\x08+\r2\/3 ━{20} Ts Tus\/step {0,4})?\x08+\r3\/3 ━{20} Ts Tus\/step {0,4}\n$/);
  assert.equal(await withWriter(true, () => model.predict(x, { batchSize: 4, verbose: 0 })), "");
  assert.equal(await withWriter(true, () => model.predict(x, { batchSize: 4 })), "");
  const batches = tf.data.Dataset.fromTensorSlices(x).batch(4);
  assert.equal(await withWriter(false, () => model.predict(batches, { verbose: 2 })), "3/3 - Ts - Tus/step\n");
});

test("fit drives callbacks as Keras: validation runs the test hooks, onTrainEnd gets the last epoch's logs, History.params and model.history", async () => {
  // Keras 3.5, fit(10 samples, epochs=2, batch_size=4, validation_split=0.2, verbose=0) with a
  // callback recording its hooks: on_test_begin / on_test_batch_end / on_test_end (keys accuracy,
  // loss) before each on_epoch_end; on_train_end(logs) with the last epoch's four keys;
  // history.params == {'verbose': 0, 'epochs': 2, 'steps': 2}; model.history is the History.
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid" })]);
  model.compile({ optimizer: "sgd", loss: "binary_crossentropy", metrics: ["accuracy"] });
  const events: string[] = [];
  let trainEndLogs: tf.callbacks.Logs = {};
  const keys = (logs: tf.callbacks.Logs): string => Object.keys(logs).join(",");
  const recorder = tf.callbacks.LambdaCallback({
    onTestBegin: () => void events.push("test_begin"),
    onTestBatchEnd: (b, logs) => void events.push(`test_batch_end ${b} ${keys(logs)}`),
    onTestEnd: (logs) => void events.push(`test_end ${keys(logs)}`),
    onEpochEnd: (e, logs) => void events.push(`epoch_end ${e} ${keys(logs)}`),
    onTrainEnd: (logs) => { trainEndLogs = logs; },
  });
  const x = tf.ones([10, 3]), y = tf.ones([10]);
  const history = await model.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.2, verbose: 0, callbacks: [recorder] });
  const epoch = (e: number): string[] => ["test_begin", "test_batch_end 0 accuracy,loss", "test_end accuracy,loss", `epoch_end ${e} accuracy,loss,val_accuracy,val_loss`];
  assert.deepEqual(events, [...epoch(0), ...epoch(1)]);
  assert.deepEqual(trainEndLogs, { accuracy: history.history.accuracy[1], loss: history.history.loss[1], val_accuracy: history.history.val_accuracy[1], val_loss: history.history.val_loss[1] });
  assert.equal(JSON.stringify(history.params), '{"verbose":0,"epochs":2,"steps":2}');
  assert.equal(model.history, history);
});

test("an Input declared int32 receives int32 data in fit, evaluate and predict (token indices stay exact), a float Input float32", async () => {
  const seen: string[] = [];
  const record = layers.Lambda((x: tf.Tensor) => {
    seen.push(x.dtype);
    return tf.cast(x, "float32");
  });
  const input = layers.Input({ shape: [2], dtype: "int32" });
  const model = new models.Model({ inputs: input, outputs: layers.Dense(1).apply(record.apply(input) as tf.layers.SymbolicTensor) as tf.layers.SymbolicTensor });
  assert.deepEqual(seen, ["int32"], "the model is built with an int32 probe, as Keras' symbolic call sees int32");
  model.compile({ loss: "mse", optimizer: "sgd" });
  const x = tf.constant([[16777217, 1], [2, 3]], [2, 2], "int32"); // 2^24 + 1 has no float32
  await model.fit(x, tf.ones([2, 1]), { epochs: 1, verbose: 0 });
  await model.evaluate(tf.cast(x, "uint8"), tf.ones([2, 1]), { verbose: 0 });
  model.predict([[5, 6]]);
  assert.ok(seen.length >= 3 && seen.every((d) => d === "int32"), seen.join(", "));
  const exact: number[] = [];
  const keep = layers.Lambda((t: tf.Tensor) => {
    if (t.dtype === "int32") exact.push(...(t.arraySync() as number[][]).map((r) => r[0]));
    return tf.cast(t, "float32");
  });
  const m2 = new models.Model({ inputs: input, outputs: keep.apply(input) as tf.layers.SymbolicTensor });
  exact.length = 0;
  m2.predict(x);
  assert.deepEqual(exact, [16777217, 2]);
  const floatIn = layers.Input({ shape: [2] });
  const seenF: string[] = [];
  const m3 = new models.Model({ inputs: floatIn, outputs: layers.Lambda((t: tf.Tensor) => (seenF.push(t.dtype), t)).apply(floatIn) as tf.layers.SymbolicTensor });
  m3.predict(x);
  assert.deepEqual(seenF, ["float32", "float32"]);
});

test("fit builds the optimizer on every trainable weight before the first step, so a weight without a gradient has its slots too (Keras 3.5)", async () => {
  // Keras 3.5 (torch backend), the same layer in a Sequential compiled with "adam", after one fit step:
  // optimizer.variables = iteration, learning_rate, w_momentum (3, 2), w_velocity (3, 2), spare_momentum (5,), spare_velocity (5,).
  class WithSpare extends layers.Layer {
    w: tf.Variable | null = null;
    override build(): void {
      this.w = this.addWeight("w", [3, 2]);
      this.addWeight("spare", [5]);
      this.built = true;
    }
    override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.matmul(x as tf.Tensor, this.w as tf.Variable);
    }
  }
  const model = new models.Sequential([layers.Input({ shape: [3] }), new WithSpare()]);
  model.compile({ loss: "mse", optimizer: "adam" });
  const warn = console.warn;
  console.warn = () => {};
  try {
    await model.fit(tf.ones([4, 3]), tf.ones([4, 2]), { verbose: 0 });
  } finally {
    console.warn = warn;
  }
  const vars = (model.optimizer as tf.optimizers.Optimizer).variables();
  assert.deepEqual(vars.map((v) => v.shape), [[], [], [3, 2], [3, 2], [5], [5]]);
});
