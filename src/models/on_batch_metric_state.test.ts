import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

/*
 * Keras 3.5 keeps the loss tracker and the compiled metrics running across train_on_batch and
 * test_on_batch calls (keras/src/backend/torch/trainer.py resets them only in fit, at each epoch,
 * and in evaluate, at its start; model.reset_metrics() on request). Its own results, printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras, numpy as np; ..."
 * for one Sequential of Input((3,)) and Dense(1, activation="sigmoid", kernel_initializer="ones"),
 * compiled with loss="binary_crossentropy", optimizer="sgd", metrics=["mae", "accuracy"], the
 * calls made one after the other on the same model:
 */
const KERAS: [string, Record<string, number>][] = [
  ["train_on_batch(X, Y)", { accuracy: 0.75, loss: 1.0951590538024902, mae: 0.49733585119247437 }],
  ["train_on_batch(X, Y)", { accuracy: 0.75, loss: 1.0929298400878906, mae: 0.4971190094947815 }],
  ["train_on_batch(X, Y)", { accuracy: 0.75, loss: 1.0907071828842163, mae: 0.49690183997154236 }],
  ["test_on_batch(X[:2], Y[:2])", { accuracy: 0.7857142686843872, loss: 1.0148265361785889, mae: 0.4865541458129883 }],
  ["test_on_batch(X, Y)", { accuracy: 0.7777777910232544, loss: 1.029719352722168, mae: 0.4886603355407715 }],
  ["reset_metrics(); train_on_batch(X, Y)", { accuracy: 0.75, loss: 1.0818442106246948, mae: 0.49603205919265747 }],
  ["evaluate(X[:2], Y[:2])", { accuracy: 1.0, loss: 0.557651937007904, mae: 0.4235714077949524 }],
  ["then train_on_batch(X, Y)", { accuracy: 0.8333333134651184, loss: 0.9041817784309387, mae: 0.47158756852149963 }],
  ["fit(X, Y, batch_size=4, shuffle=False)", { accuracy: 0.75, loss: 1.0730692148208618, mae: 0.4951583445072174 }],
  ["then test_on_batch(X, Y)", { accuracy: 0.75, loss: 1.0708906650543213, mae: 0.49493926763534546 }],
];
// ... then reset_metrics(); train_on_batch(X[1:], Y[1:]) -> [1.2771953344345093, 0.540273129940033, 0.6666666865348816]
const AFTER_RESET_LIST = [1.2771953344345093, 0.540273129940033, 0.6666666865348816];

const X = [[0.1, 0.2, 0.3], [1, 0, -1], [0.5, 0.5, 0.5], [2, 1, 0]];
const Y = [[1], [0], [1], [0]];

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 2e-6 * Math.abs(expected), `${what}: got ${actual}, expected ${expected}`);
}

test("trainOnBatch and testOnBatch report running means until fit, evaluate or resetMetrics() resets them, as in Keras 3.5", async () => {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones" })]);
  m.compile({ loss: "binary_crossentropy", optimizer: "sgd", metrics: ["mae", "accuracy"] });
  const x = tf.constant(X), y = tf.constant(Y);
  const x2 = tf.constant(X.slice(0, 2)), y2 = tf.constant(Y.slice(0, 2));
  const got: Record<string, number>[] = [];
  for (let i = 0; i < 3; i++) got.push(m.trainOnBatch(x, y, { returnDict: true }));
  got.push(await m.testOnBatch(x2, y2, { returnDict: true }));
  got.push(await m.testOnBatch(x, y, { returnDict: true }));
  m.resetMetrics();
  got.push(m.trainOnBatch(x, y, { returnDict: true }));
  got.push(await m.evaluate(x2, y2, { returnDict: true, verbose: 0 }));
  got.push(m.trainOnBatch(x, y, { returnDict: true }));
  const h = await m.fit(x, y, { batchSize: 4, shuffle: false, verbose: 0 });
  got.push(Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[0]])));
  got.push(await m.testOnBatch(x, y, { returnDict: true }));
  KERAS.forEach(([call, expected], i) => {
    for (const [k, v] of Object.entries(expected)) near(got[i][k], v, `${i + 1}. ${call}: ${k}`);
  });
  m.resetMetrics();
  const list = m.trainOnBatch(tf.constant(X.slice(1)), tf.constant(Y.slice(1)));
  assert.ok(Array.isArray(list));
  AFTER_RESET_LIST.forEach((v, i) => near(list[i], v, `after resetMetrics [${i}]`));
});

test("resetMetrics() before compile does nothing, as Keras' reset_metrics() on a model without metrics", () => {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1)]);
  m.resetMetrics();
  m.compile({ loss: "mse", optimizer: "sgd", metrics: ["mae"] });
  m.resetMetrics();
});
