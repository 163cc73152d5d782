import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { setOutputWriter } from "./callbacks/output.js";

const { layers, models, metrics } = tf;

/*
 * Keras 3.5 numbers a metric name met again (CompileMetrics.result): mae, mae_1, mae_2. Its own
 * results, printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras, numpy as np; ..."
 * for a Sequential of Input((3,)) and Dense(1, activation="sigmoid", kernel_initializer="ones"),
 * compiled with loss="binary_crossentropy", optimizer="sgd" and the metrics below, then
 * h = m.fit(X, Y, epochs=1, verbose=2, shuffle=False, batch_size=4); m.evaluate(X, Y); m.evaluate(X, Y, return_dict=True).
 */
const X = [[0.1, 0.2, 0.3], [1, 0, -1], [0.5, 0.5, 0.5], [2, 1, 0]];
const Y = [[1], [0], [1], [0]];
const MAE0 = 0.49733585119247437, MSE0 = 0.32905900478363037, LOSS0 = 1.0951590538024902;
const MAE1 = 0.49690213799476624, MSE1 = 0.3282957971096039, LOSS1 = 1.090700626373291;

interface Case {
  what: string;
  metrics: () => (string | tf.metrics.Metric)[];
  history: Record<string, number>;
  bar: string;
  list: number[];
  dict: Record<string, number>;
}

const CASES: Case[] = [
  {
    // metrics=["mae", "accuracy", "mae", "mae"]: 1/1 - 0s - 3ms/step - accuracy: 0.7500 - loss: 1.0952 - mae: 0.4973 - mae_1: 0.4973 - mae_2: 0.4973
    what: "the same string thrice",
    metrics: () => ["mae", "accuracy", "mae", "mae"],
    history: { accuracy: 0.75, loss: LOSS0, mae: MAE0, mae_1: MAE0, mae_2: MAE0 },
    bar: "accuracy: 0.7500 - loss: 1.0952 - mae: 0.4973 - mae_1: 0.4973 - mae_2: 0.4973",
    list: [LOSS1, MAE1, 0.75, MAE1, MAE1, MAE1, MAE1],
    dict: { accuracy: 0.75, loss: LOSS1, mae: MAE1, mae_1: MAE1, mae_2: MAE1 },
  },
  {
    // metrics=[MeanAbsoluteError(), MeanSquaredError(name="mean_absolute_error")]
    what: "two metric objects of one name",
    metrics: () => [new metrics.MeanAbsoluteError(), new metrics.MeanSquaredError({ name: "mean_absolute_error" })],
    history: { loss: LOSS0, mean_absolute_error: MAE0, mean_absolute_error_1: MSE0 },
    bar: "loss: 1.0952 - mean_absolute_error: 0.4973 - mean_absolute_error_1: 0.3291",
    list: [LOSS1, MAE1, MAE1, MSE1],
    dict: { loss: LOSS1, mean_absolute_error: MAE1, mean_absolute_error_1: MSE1 },
  },
  {
    // metrics=["mae", MeanSquaredError(name="mae_1"), MeanSquaredError(name="mae")]: Keras counts
    // only given names, so the numbered "mae_1" takes the key of the one named so.
    what: "a numbered name that a metric already has",
    metrics: () => ["mae", new metrics.MeanSquaredError({ name: "mae_1" }), new metrics.MeanSquaredError({ name: "mae" })],
    history: { loss: LOSS0, mae: MAE0, mae_1: MSE0 },
    bar: "loss: 1.0952 - mae: 0.4973 - mae_1: 0.3291",
    list: [LOSS1, MAE1, MSE1, MAE1],
    dict: { loss: LOSS1, mae: MAE1, mae_1: MSE1 },
  },
];

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.abs(expected), `${what}: got ${actual}, expected ${expected}`);
}

function closeDict(actual: Record<string, number>, expected: Record<string, number>, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: keys`);
  for (const [k, v] of Object.entries(expected)) near(actual[k], v, `${what}: ${k}`);
}

function closeList(actual: number | number[], expected: number[], what: string): void {
  assert.ok(Array.isArray(actual), `${what}: a list, got ${actual}`);
  assert.equal(actual.length, expected.length, `${what}: length of ${JSON.stringify(actual)}`);
  expected.forEach((v, i) => near(actual[i], v, `${what}[${i}]`));
}

for (const c of CASES) {
  test(`repeated metric names (${c.what}): fit's history and progress bar, evaluate's list and dict as in Keras 3.5`, async () => {
    const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones" })]);
    m.compile({ loss: "binary_crossentropy", optimizer: "sgd", metrics: c.metrics() });
    const x = tf.constant(X), y = tf.constant(Y);
    const out: string[] = [];
    setOutputWriter({ write: (s: string) => void out.push(s), isTTY: false });
    let h: tf.callbacks.History;
    try {
      h = await m.fit(x, y, { epochs: 1, verbose: 2, shuffle: false, batchSize: 4 });
    } finally {
      setOutputWriter(null);
    }
    closeDict(Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[0]])), c.history, "history");
    assert.ok(out.join("").includes(`/step - ${c.bar}\n`), `progress bar: ${JSON.stringify(out.join(""))}`);
    closeList(await m.evaluate(x, y, { verbose: 0 }), c.list, "evaluate");
    closeDict(await m.evaluate(x, y, { verbose: 0, returnDict: true }), c.dict, "evaluate returnDict");
  });
}

/*
 * Across outputs, Keras prefixes the output's name first, then numbers repeats:
 *   i = keras.Input((3,)); a = Dense(1, activation="sigmoid", kernel_initializer="ones", name="a")(i)
 *   b = Dense(1, kernel_initializer="zeros", bias_initializer="ones", name="b")(i); m = keras.Model(i, [a, b])
 *   m.compile(loss=["binary_crossentropy", "mse"], optimizer="sgd",
 *             metrics={"a": ["mae", "mae", MeanSquaredError(name="mae")], "b": ["mae", "mse"]})
 *   m.fit(X, [Y, Y], epochs=1, verbose=2, shuffle=False).history
 *     -> {'a_loss': [1.0951590538024902], 'a_mae': [0.49733585119247437], 'a_mae_1': [0.49733585119247437],
 *         'a_mae_2': [0.32905900478363037], 'b_loss': [0.5], 'b_mae': [0.5], 'b_mse': [0.5], 'loss': [1.5951590538024902]}
 *   m.evaluate(X, [Y, Y]) -> [1.5540387630462646, 1.090700626373291, 0.46333807706832886, 0.49690213799476624,
 *                              0.49690213799476624, 0.3282957971096039, 0.4883750081062317, 0.46333807706832886]
 */
test("repeated metric names across outputs: <output>_mae, <output>_mae_1, ... as in Keras 3.5", async () => {
  const input = layers.Input({ shape: [3] });
  const a = layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones", name: "a" }).apply(input) as tf.layers.SymbolicTensor;
  const b = layers.Dense(1, { kernelInitializer: "zeros", biasInitializer: "ones", name: "b" }).apply(input) as tf.layers.SymbolicTensor;
  const m = new models.Model({ inputs: input, outputs: [a, b] });
  m.compile({ loss: ["binary_crossentropy", "mse"], optimizer: "sgd", metrics: { a: ["mae", "mae", new metrics.MeanSquaredError({ name: "mae" })], b: ["mae", "mse"] } });
  const x = tf.constant(X), y = tf.constant(Y);
  const h = await m.fit(x, [y, y], { epochs: 1, verbose: 0, shuffle: false });
  closeDict(Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[0]])), {
    a_loss: LOSS0, a_mae: MAE0, a_mae_1: MAE0, a_mae_2: MSE0, b_loss: 0.5, b_mae: 0.5, b_mse: 0.5, loss: 1.5951590538024902,
  }, "history");
  closeList(await m.evaluate(x, [y, y], { verbose: 0 }), [1.5540387630462646, LOSS1, 0.46333807706832886, MAE1, MAE1, MSE1, 0.4883750081062317, 0.46333807706832886], "evaluate");
});
