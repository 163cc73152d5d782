import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models } = tf;

/*
 * Keras 3.5's own results for the same models, data and weights, printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras; ..."
 * with x, y, y2 below, Dense layers with kernel_initializer="ones" (biases zeros) and
 * `model.evaluate(x, y, verbose=0, return_dict=True)`. Keras 3 sorts the dict's keys.
 */
const X = [[0.1, 0.2, 0.3], [1, 0, -1], [0.5, 0.5, 0.5], [2, 1, 0]];
const Y = [[1], [0], [1], [0]];
const Y2 = [[0.5, 1], [0, 0], [2, 1], [1, 3]];
const KERAS_ONE_OUTPUT = { accuracy: 0.75, loss: 1.0951590538024902, mae: 0.49733585119247437 };
const KERAS_TWO_OUTPUTS = { aa_loss: 0.5837500095367432, aa_mae: 0.4375, loss: 1.6789090633392334, zz_accuracy: 0.75, zz_loss: 1.0951590538024902 };

function oneOutput(metrics: string[]): tf.models.Sequential {
  const model = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones" })]);
  model.compile({ loss: "binary_crossentropy", optimizer: "sgd", metrics });
  return model;
}

function close(actual: Record<string, number>, expected: Record<string, number>): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), "Keras' keys, in Keras' (sorted) order");
  for (const [k, v] of Object.entries(expected)) assert.ok(Math.abs(actual[k] - v) <= 1e-6 * Math.abs(v), `${k}: got ${actual[k]}, expected ${v}`);
}

test("evaluate returnDict: { loss, metrics } keyed and ordered as Keras 3.5's return_dict=True, the same numbers as the list", async () => {
  const x = tf.constant(X), y = tf.constant(Y);
  const model = oneOutput(["mae", "accuracy"]);
  const dict = await model.evaluate(x, y, { returnDict: true, verbose: 0 });
  close(dict, KERAS_ONE_OUTPUT);
  const list = (await model.evaluate(x, y, { verbose: 0 })) as number[];
  assert.deepEqual(list, [dict.loss, dict.mae, dict.accuracy], "the list keeps compile's order, as Keras' does here");
  assert.deepEqual(await model.evaluate(x, y, { returnDict: false, verbose: 0 }), list);

  // Loss alone: a number without returnDict, { loss } with it.
  const lossOnly = oneOutput([]);
  const loss = await lossOnly.evaluate(x, y, { verbose: 0 });
  assert.equal(typeof loss, "number");
  assert.deepEqual(await lossOnly.evaluate(x, y, { returnDict: true, verbose: 0 }), { loss });

  // With a dataset, the same dict as with tensors.
  const ds = tf.data.Dataset.fromTensorSlices([x, y]).batch(2);
  assert.deepEqual(await model.evaluate(ds, { returnDict: true, verbose: 0 }), await model.evaluate(x, y, { batchSize: 2, returnDict: true, verbose: 0 }));
});

test("evaluate returnDict with two outputs: each output's loss and metrics by name, as Keras 3.5", async () => {
  const inputs = layers.Input({ shape: [3] });
  const zz = layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones", name: "zz" })(inputs);
  const aa = layers.Dense(2, { kernelInitializer: "ones", name: "aa" })(inputs);
  const model = new models.Model({ inputs, outputs: [zz, aa] });
  model.compile({ loss: ["binary_crossentropy", "mse"], optimizer: "sgd", metrics: [["accuracy"], ["mae"]] });
  const x = tf.constant(X), ys = [tf.constant(Y), tf.constant(Y2)];
  const dict = await model.evaluate(x, ys, { returnDict: true, verbose: 0 });
  close(dict, KERAS_TWO_OUTPUTS);
  const list = (await model.evaluate(x, ys, { verbose: 0 })) as number[];
  assert.deepEqual([...list].sort(), Object.values(dict).sort(), "the list holds the same numbers");
  assert.deepEqual(list.slice(0, 3), [dict.loss, dict.zz_loss, dict.aa_loss]);
});

test("evaluate returnDict must be a boolean; return_dict is refused with lamina's spelling", async () => {
  const model = oneOutput(["accuracy"]);
  const x = tf.constant(X), y = tf.constant(Y);
  await assert.rejects(model.evaluate(x, y, { returnDict: "yes" } as never), /^TypeError: evaluate: returnDict must be true or false, got "yes"/);
  await assert.rejects(model.evaluate(x, y, { return_dict: true } as never), /^TypeError: evaluate: unknown option return_dict; lamina spells Keras' return_dict as returnDict/);
  // Typed overloads: a record with returnDict: true, a number or a list otherwise.
  const r: tf.models.EvaluateResults = await model.evaluate(x, y, { returnDict: true, verbose: 0 });
  const v: number | number[] = await model.evaluate(x, y, { verbose: 0 });
  assert.equal(typeof r.loss, "number");
  assert.ok(Array.isArray(v));
});
