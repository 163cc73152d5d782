import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { callbacks, layers, models } = tf;

// Keras 3.5 (backend/tensorflow/trainer.py): fit, evaluate and predict build
// `CallbackList(callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=..., steps=epoch_iterator.num_batches)`
// with `verbose="auto"` as the default argument, and CallbackList hands **params on unchanged; only
// ProgbarLogger.set_params does `if verbose == "auto": verbose = 1`.

function tiny(): tf.models.Sequential {
  tf.random.setSeed(3);
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd", metrics: ["accuracy"] });
  return m;
}
const X = tf.constant([[0, 1], [1, 0], [1, 1], [0, 0], [2, 1], [1, 2], [0.5, 0.5], [2, 2], [1, 3], [3, 1]]);
const Y = tf.constant([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);

/** Runs f with the progress output captured (not a terminal: one line per epoch). */
async function captured(f: () => Promise<unknown>): Promise<string> {
  let out = "";
  tf.callbacks.setOutputWriter({ write: (s) => { out += s; }, isTTY: false });
  try {
    await f();
  } finally {
    tf.callbacks.setOutputWriter(null);
  }
  return out;
}

test("History.params and the callbacks' params keep verbose as given, \"auto\" by default, as Keras' CallbackList", async () => {
  const model = tiny();
  let h: tf.callbacks.History | null = null;
  await captured(async () => { h = await model.fit(X, Y, { epochs: 2, batchSize: 4 }); });
  assert.deepEqual(h!.params, { verbose: "auto", epochs: 2, steps: 3 });
  await captured(async () => { h = await model.fit(X, Y, { epochs: 1, batchSize: 5, verbose: 2 }); });
  assert.deepEqual(h!.params, { verbose: 2, epochs: 1, steps: 2 });

  const seen: string[] = [];
  const spy = callbacks.LambdaCallback({
    onTestBegin: function (this: tf.callbacks.Callback) { seen.push(JSON.stringify(this.params)); },
    onPredictBegin: function (this: tf.callbacks.Callback) { seen.push(JSON.stringify(this.params)); },
  });
  await captured(() => model.evaluate(X, Y, { batchSize: 5, callbacks: [spy] }));
  await captured(async () => model.predict(X, { batchSize: 5, verbose: "auto", callbacks: [spy] }));
  assert.deepEqual(seen, ['{"verbose":"auto","epochs":1,"steps":2}', '{"verbose":"auto","epochs":1,"steps":2}']);
});

test("ProgbarLogger reads verbose \"auto\" as 1: the same output as verbose 1", async () => {
  const strip = (s: string): string => s.replace(/\d+(\.\d+)?(ms|us|s)\/step/g, "T/step").replace(/ - \d+s/g, " - Ts");
  const auto = strip(await captured(() => tiny().fit(X, Y, { epochs: 2, batchSize: 5, verbose: "auto" })));
  const one = strip(await captured(() => tiny().fit(X, Y, { epochs: 2, batchSize: 5, verbose: 1 })));
  assert.match(auto, /^Epoch 1\/2\n2\/2 - Ts - T\/step - accuracy: /);
  assert.equal(auto, one);
  const logger = new callbacks.ProgbarLogger();
  logger.setParams({ verbose: "auto", epochs: 1, steps: 3 });
  assert.equal(logger.verbose, 1);
});

test("a data.Dataset of known cardinality gives fit, evaluate and predict their steps from the start, as Keras reads tf.data's cardinality", async () => {
  const model = tiny();
  const seen: string[] = [];
  const spy = callbacks.LambdaCallback({
    onTrainBegin: function (this: tf.callbacks.Callback) { seen.push(`fit ${this.params.steps}`); },
    onTestBegin: function (this: tf.callbacks.Callback) { seen.push(`evaluate ${this.params.steps}`); },
    onPredictBegin: function (this: tf.callbacks.Callback) { seen.push(`predict ${this.params.steps}`); },
  });
  // 10 rows in batches of 4: 3 batches; shuffling keeps the count, filtering makes it unknown.
  const batched = tf.data.Dataset.fromTensorSlices([X, Y]).shuffle(10, { seed: 1 }).batch(4);
  await captured(() => model.fit(batched, { epochs: 1, callbacks: [spy] }));
  await captured(() => model.evaluate(batched, { callbacks: [spy] }));
  await captured(() => model.evaluate(batched, { steps: 2, callbacks: [spy] }));
  await captured(() => model.predictAsync(tf.data.Dataset.fromTensorSlices(X).batch(4), { callbacks: [spy] }));
  const unknown = tf.data.Dataset.fromTensorSlices([X, Y]).filter(() => true).batch(4);
  await captured(() => model.fit(unknown, { epochs: 1, callbacks: [spy] }));
  assert.deepEqual(seen, ["fit 3", "evaluate 3", "evaluate 2", "predict 3", "fit null"]);
});
