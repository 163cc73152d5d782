import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

/*
 * The order of the list evaluate, trainOnBatch and testOnBatch return, and of fit's logs, with
 * several outputs: Keras 3.5's own results, printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras, numpy as np; ..."
 * for Input((3,)) -> Dense(1, activation="sigmoid", kernel_initializer="ones", name="zz") and
 * Dense(2, kernel_initializer="ones", name="aa"), compiled with loss=["binary_crossentropy", "mse"],
 * optimizer="sgd" and the metrics below; each call on a fresh model:
 *   metrics=[["accuracy"], ["mae"]] or {"zz": ["accuracy"], "aa": ["mae"]}:
 *     evaluate(X, [Y, Y2]), test_on_batch and train_on_batch ->
 *     [1.6789090633392334, 1.0951590538024902, 0.5837500095367432, 0.4375, 0.75]
 *     (return_dict=True: {'aa_loss': 0.58375..., 'aa_mae': 0.4375, 'loss': 1.67890..., 'zz_accuracy': 0.75, 'zz_loss': 1.09515...})
 *   metrics=[["accuracy", "mae"], ["mse", "mae"]] ->
 *     [1.6789090633392334, 1.0951590538024902, 0.5837500095367432, 0.4375, 0.5837500095367432, 0.75, 0.49733585119247437]
 *   metrics={"aa": ["mae"]} -> [1.6789090633392334, 1.0951590538024902, 0.5837500095367432, 0.4375]
 *   fit(X, [Y, Y2], validation_data=(X, [Y, Y2])).history.keys() ->
 *     ['aa_loss', 'aa_mae', 'loss', 'zz_accuracy', 'zz_loss', 'val_aa_loss', 'val_aa_mae', 'val_loss', 'val_zz_accuracy', 'val_zz_loss']
 * Keras' Trainer._flatten_metrics_in_order lists the loss, the compiled metrics by their own
 * names (which the logs of several outputs do not use: they say zz_accuracy), the outputs' losses,
 * then the other keys sorted: hence aa_mae before zz_accuracy.
 */
const X = [[0.1, 0.2, 0.3], [1, 0, -1], [0.5, 0.5, 0.5], [2, 1, 0]];
const Y = [[1], [0], [1], [0]];
const Y2 = [[0.5, 1], [0, 0], [2, 1], [1, 3]];
const KERAS_ONE_METRIC_EACH = [1.6789090633392334, 1.0951590538024902, 0.5837500095367432, 0.4375, 0.75];
const KERAS_TWO_METRICS_EACH = [1.6789090633392334, 1.0951590538024902, 0.5837500095367432, 0.4375, 0.5837500095367432, 0.75, 0.49733585119247437];
const KERAS_SECOND_OUTPUT_ONLY = [1.6789090633392334, 1.0951590538024902, 0.5837500095367432, 0.4375];
const KERAS_HISTORY_KEYS = ["aa_loss", "aa_mae", "loss", "zz_accuracy", "zz_loss", "val_aa_loss", "val_aa_mae", "val_loss", "val_zz_accuracy", "val_zz_loss"];

type Metrics = NonNullable<tf.models.CompileArgs["metrics"]>;

function twoOutputs(metrics: Metrics): tf.models.Model {
  const inputs = layers.Input({ shape: [3] });
  const zz = layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones", name: "zz" })(inputs);
  const aa = layers.Dense(2, { kernelInitializer: "ones", name: "aa" })(inputs);
  const model = new models.Model({ inputs, outputs: [zz, aa] });
  model.compile({ loss: ["binary_crossentropy", "mse"], optimizer: "sgd", metrics });
  return model;
}

function closeList(actual: number | number[], expected: number[], what: string): void {
  assert.ok(Array.isArray(actual), `${what}: a list, got ${actual}`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i] - v) <= 1e-6 * Math.abs(v), `${what}[${i}]: got ${actual[i]}, expected ${v} (all: ${actual})`));
}

async function allLists(metrics: Metrics, expected: number[], what: string): Promise<void> {
  const x = tf.constant(X), ys = [tf.constant(Y), tf.constant(Y2)];
  closeList(await twoOutputs(metrics).evaluate(x, ys, { verbose: 0 }), expected, `${what} evaluate`);
  closeList(await twoOutputs(metrics).testOnBatch(x, ys), expected, `${what} testOnBatch`);
  closeList(twoOutputs(metrics).trainOnBatch(x, ys), expected, `${what} trainOnBatch`);
}

test("several outputs, metrics per output (list or object): the list in Keras 3.5's order, other keys sorted after the losses", async () => {
  await allLists([["accuracy"], ["mae"]], KERAS_ONE_METRIC_EACH, "list of lists");
  await allLists({ zz: ["accuracy"], aa: ["mae"] }, KERAS_ONE_METRIC_EACH, "object");
  await allLists({ aa: ["mae"], zz: ["accuracy"] }, KERAS_ONE_METRIC_EACH, "object in the other order");
  await allLists([["accuracy", "mae"], ["mse", "mae"]], KERAS_TWO_METRICS_EACH, "two metrics each");
  await allLists({ aa: ["mae"] }, KERAS_SECOND_OUTPUT_ONLY, "metrics for one output only");
});

test("one output keeps compile's metric order in the list, as Keras 3.5: [loss, mae, accuracy]", async () => {
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones" })]);
  model.compile({ loss: "binary_crossentropy", optimizer: "sgd", metrics: ["mae", "accuracy"] });
  const x = tf.constant(X), y = tf.constant(Y);
  // KERAS_BACKEND=torch ... m.evaluate(X, Y) -> [1.0951590538024902, 0.49733585119247437, 0.75]
  closeList(await model.evaluate(x, y, { verbose: 0 }), [1.0951590538024902, 0.49733585119247437, 0.75], "evaluate");
});

test("fit's logs with several outputs and validation: training keys sorted, then the val_ keys sorted, as Keras 3.5's History", async () => {
  const model = twoOutputs([["accuracy"], ["mae"]]);
  const x = tf.constant(X), ys = [tf.constant(Y), tf.constant(Y2)];
  const seen: string[][] = [];
  const history = await model.fit(x, ys, {
    epochs: 1, verbose: 0, validationData: [x, ys],
    callbacks: [tf.callbacks.LambdaCallback({ onEpochEnd: (_epoch, logs) => { seen.push(Object.keys(logs ?? {})); } })],
  });
  assert.deepEqual(Object.keys(history.history), KERAS_HISTORY_KEYS);
  assert.deepEqual(seen, [KERAS_HISTORY_KEYS]);
});
