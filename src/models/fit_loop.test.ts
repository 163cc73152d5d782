import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { callbacks, layers, models } = tf;

function tiny(seed = 3): tf.models.Sequential {
  tf.random.setSeed(seed);
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd", metrics: ["accuracy"] });
  return m;
}
const X = tf.constant([[0, 1], [1, 0], [1, 1], [0, 0], [2, 1], [1, 2], [0.5, 0.5], [2, 2], [1, 3], [3, 1]]);
const Y = tf.constant([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);

test("fit resets the metrics before onEpochBegin (as Keras), so a callback reading them there sees the new epoch's zeros", async () => {
  const model = tiny();
  const seen: number[] = [];
  await model.fit(X, Y, {
    epochs: 2, batchSize: 5, verbose: 0,
    callbacks: [callbacks.LambdaCallback({ onEpochBegin: () => { seen.push(model.getMetricsResult().loss); } })],
  });
  assert.deepEqual(seen, [0, 0]);
});

test("onTrainEnd hears the last epoch's logs with what callbacks added to them (ReduceLROnPlateau's learning_rate), as Keras' shared epoch_logs", async () => {
  const model = tiny();
  let endLogs: tf.callbacks.Logs = {};
  await model.fit(X, Y, {
    epochs: 2, batchSize: 5, verbose: 0,
    callbacks: [callbacks.ReduceLROnPlateau({ monitor: "loss" }), callbacks.LambdaCallback({ onTrainEnd: (logs) => { endLogs = logs; } })],
  });
  // SGD's default learning rate 0.01, as its float32 variable holds it.
  assert.equal(endLogs.learning_rate, Math.fround(0.01));
  assert.deepEqual(Object.keys(endLogs).sort(), ["accuracy", "learning_rate", "loss"]);
});

test("model.stopEvaluating set in a test hook ends evaluate (and fit's validation) after that batch, as Keras' stop_evaluating", async () => {
  const model = tiny();
  let batches = 0;
  const stopAfter2 = callbacks.LambdaCallback({
    onTestBatchEnd: (batch) => { batches++; if (batch === 1) model.stopEvaluating = true; },
  });
  const stopped = await model.evaluate(X, Y, { batchSize: 2, verbose: 0, callbacks: [stopAfter2] }) as number[];
  assert.equal(batches, 2);
  // The result is that of the first 2 batches (4 samples); evaluate clears the flag at its start.
  const first4 = await model.evaluate(X.slice(0, 4), Y.slice(0, 4), { batchSize: 2, verbose: 0 }) as number[];
  stopped.forEach((v, i) => assert.ok(Math.abs(v - first4[i]) < 1e-7, `${v} vs ${first4[i]}`));
  assert.equal(model.stopEvaluating, false);
  const ds = tf.data.Dataset.fromTensorSlices([X, Y]).batch(2);
  batches = 0;
  await model.evaluate(ds, { verbose: 0, callbacks: [stopAfter2] });
  assert.equal(batches, 2);
  batches = 0;
  const h = await model.fit(X, Y, { epochs: 2, batchSize: 5, verbose: 0, validationData: [X, Y], validationBatchSize: 2, callbacks: [stopAfter2] });
  assert.equal(batches, 4, "2 validation batches in each of the 2 epochs");
  assert.equal(h.history.val_loss.length, 2);
});

test("classWeight looks a float label's class up rounded half to even, as Keras' np.round (0.7 is class 1, 0.5 class 0)", () => {
  tf.random.setSeed(1);
  const model = new models.Sequential([layers.Input({ shape: [1] }), layers.Dense(1, { activation: "sigmoid", kernelInitializer: "zeros" })]);
  model.compile({ loss: "binary_crossentropy", optimizer: "sgd" });
  // Every prediction is sigmoid(0) = 0.5, so each sample's cross-entropy is ln 2 whatever its label;
  // the classes 1, 1, 0, 0, 0 (0.5 rounds to 0) weigh 10, 10, 1, 1, 1: loss = mean(w) ln 2 = 4.6 ln 2.
  const x = tf.zeros([5, 1]);
  const y = tf.constant([[0.7], [0.9], [0.2], [0.4], [0.5]]);
  const loss = model.trainOnBatch(x, y, { classWeight: { 0: 1, 1: 10 } }) as number;
  assert.ok(Math.abs(loss - 4.6 * Math.LN2) < 1e-5, `${loss} vs ${4.6 * Math.LN2}`);
});

/** A custom step that updates only the first layer on even steps and only the second on odd ones. */
class AlternatingModel extends models.Model {
  private step = 0;
  override trainStep({ x, y }: tf.models.StepData): tf.models.StepLogs {
    const tape = new tf.GradientTape();
    const loss = tape.run(() => this.computeLoss({ y, yPred: this.apply(x, { training: true }) as tf.Tensor }));
    const layer = this.layers.filter((l) => l.trainableWeights.length > 0)[this.step++ % 2];
    const vars = layer.trainableWeights;
    this.optimizer!.apply(tape.gradient(loss, vars), vars);
    return { loss };
  }
}

test("fit builds the compiled optimizer on all trained weights before a custom trainStep's first step (Keras' _symbolic_build), so the step may update a different subset each time", async () => {
  tf.random.setSeed(4);
  const inputs = layers.Input({ shape: [2] });
  const outputs = layers.Dense(1)(layers.Dense(3)(inputs));
  const model = new AlternatingModel({ inputs, outputs });
  model.compile({ loss: "mse", optimizer: "adam" });
  const before = model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
  await model.fit(X, tf.ones([10, 1]), { epochs: 1, batchSize: 5, verbose: 0 });
  // Both layers moved (2 steps: one each), and Adam holds slots for all four weights, as Keras builds it.
  model.getWeights().forEach((w, i) => assert.notDeepEqual(Array.from(w.dataSync() as Float32Array), before[i], `weight ${i} trained`));
  assert.equal(model.optimizer!.variables().length, 1 + 1 + 2 * 4, "iteration, learning rate, m and v for each of the 4 weights");
});

test("stopTraining set in onTrainBegin still runs one batch and ends that epoch (validated, in History), as Keras 3.5's fit", async () => {
  // Keras 3.5 (backend/tensorflow/trainer.py fit): `self.stop_training = False; callbacks.on_train_begin()`,
  // then `for epoch in range(...)`: each batch is followed by `if self.stop_training: break`, and
  // `on_epoch_end` (after validation) by `if self.stop_training: break`; nothing checks it before
  // the first batch. So: epoch 0 with batch 0 only, its validation, on_epoch_end, on_train_end.
  const model = tiny();
  const events: string[] = [];
  const h = await model.fit(X, Y, {
    epochs: 3, batchSize: 5, verbose: 0, validationData: [X, Y],
    callbacks: [callbacks.LambdaCallback({
      onTrainBegin: () => { model.stopTraining = true; events.push("train_begin"); },
      onEpochBegin: (e) => { events.push(`epoch_begin ${e}`); },
      onTrainBatchEnd: (b) => { events.push(`batch_end ${b}`); },
      onTestEnd: () => { events.push("test_end"); },
      onEpochEnd: (e) => { events.push(`epoch_end ${e}`); },
      onTrainEnd: () => { events.push("train_end"); },
    })],
  });
  assert.deepEqual(events, ["train_begin", "epoch_begin 0", "batch_end 0", "test_end", "epoch_end 0", "train_end"]);
  assert.deepEqual(h.epoch, [0]);
  assert.deepEqual(Object.keys(h.history).sort(), ["accuracy", "loss", "val_accuracy", "val_loss"]);
  assert.equal(h.history.loss.length, 1);
  // The one batch trained: SGD moved the weights (the first optimizer step).
  assert.equal(model.optimizer!.iterations, 1);
});
