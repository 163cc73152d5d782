import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose, assertRecordClose } from "../testing/close.js";

const { layers, models } = tf;

/*
 * Keras 3.5's own results, printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras, numpy as np; ..."
 * for a Sequential of Input((3,)) and Dense(1, activation="sigmoid", kernel_initializer="ones"),
 * compiled with loss="binary_crossentropy", optimizer="sgd", metrics=["mae", "accuracy"], each
 * value taken on a fresh model:
 *   m.train_on_batch(X, Y)                   -> [1.0951590538024902, 0.49733585119247437, 0.75]
 *   m.train_on_batch(X, Y, return_dict=True) -> {'accuracy': 0.75, 'loss': 1.0951590538024902, 'mae': 0.49733585119247437}
 *   m.test_on_batch(X, Y)                    -> [1.0951590538024902, 0.49733585119247437, 0.75]
 *   m.test_on_batch(X, Y, return_dict=True)  -> {'accuracy': 0.75, 'loss': 1.0951590538024902, 'mae': 0.49733585119247437}
 *   m.train_on_batch(X, Y); m.evaluate(X, Y, return_dict=True) -> {'accuracy': 0.75, 'loss': 1.090700626373291, 'mae': 0.49690213799476624}
 * and with metrics=[]: train_on_batch / test_on_batch -> 1.0951590538024902 (a float, not a list),
 * with return_dict=True -> {'loss': 1.0951590538024902}.
 */
const X = [[0.1, 0.2, 0.3], [1, 0, -1], [0.5, 0.5, 0.5], [2, 1, 0]];
const Y = [[1], [0], [1], [0]];
const KERAS_LIST = [1.0951590538024902, 0.49733585119247437, 0.75];
const KERAS_DICT = { accuracy: 0.75, loss: 1.0951590538024902, mae: 0.49733585119247437 };
const KERAS_AFTER_STEP = { accuracy: 0.75, loss: 1.090700626373291, mae: 0.49690213799476624 };
const KERAS_LOSS = 1.0951590538024902;

function model(metrics: string[] = ["mae", "accuracy"]): tf.models.Sequential {
  const m = new models.Sequential([layers.Input({ shape: [3] }), layers.Dense(1, { activation: "sigmoid", kernelInitializer: "ones" })]);
  m.compile({ loss: "binary_crossentropy", optimizer: "sgd", metrics });
  return m;
}

const CLOSE = { rtol: 1e-6, atol: 0 };
const near = (actual: number, expected: number, what: string): void => assertAllClose([actual], [expected], { ...CLOSE, what });

function closeList(actual: number | number[], expected: number[]): void {
  assert.ok(Array.isArray(actual), `a list, got ${actual}`);
  assertAllClose(actual, expected, CLOSE);
}

test("trainOnBatch returnDict: Keras 3.5's train_on_batch(return_dict=True) keys, order and values; the list without it", async () => {
  const x = tf.constant(X), y = tf.constant(Y);
  closeList(model(["mae", "accuracy"]).trainOnBatch(x, y), KERAS_LIST);
  closeList(model(["mae", "accuracy"]).trainOnBatch(x, y, { returnDict: false }), KERAS_LIST);
  const m = model(["mae", "accuracy"]);
  const dict: tf.models.EvaluateResults = m.trainOnBatch(x, y, { returnDict: true });
  assertRecordClose(dict, KERAS_DICT, CLOSE);
  // The step was taken: evaluate sees the updated weights, as in Keras.
  assertRecordClose(await m.evaluate(x, y, { returnDict: true, verbose: 0 }), KERAS_AFTER_STEP, CLOSE);
  // Loss alone: a number, or { loss }.
  const loss: number | number[] = model([]).trainOnBatch(x, y);
  assert.equal(typeof loss, "number");
  near(loss as number, KERAS_LOSS, "loss");
  assertRecordClose(model([]).trainOnBatch(x, y, { returnDict: true }), { loss: KERAS_LOSS }, CLOSE);
});

test("testOnBatch returnDict: Keras 3.5's test_on_batch(return_dict=True) keys, order and values; the list without it", async () => {
  const x = tf.constant(X), y = tf.constant(Y);
  const m = model(["mae", "accuracy"]);
  closeList(await m.testOnBatch(x, y), KERAS_LIST);
  const dict: tf.models.EvaluateResults = await m.testOnBatch(x, y, { returnDict: true });
  assertRecordClose(dict, KERAS_DICT, CLOSE);
  closeList(await m.testOnBatch(x, y, { returnDict: false }), KERAS_LIST);
  const lossOnly = model([]);
  const loss = await lossOnly.testOnBatch(x, y);
  assert.equal(typeof loss, "number");
  near(loss as number, KERAS_LOSS, "loss");
  assertRecordClose(await lossOnly.testOnBatch(x, y, { returnDict: true }), { loss: KERAS_LOSS }, CLOSE);
});

test("trainOnBatch and testOnBatch refuse unknown options and a returnDict that is not a boolean, as evaluate does", async () => {
  const x = tf.constant(X), y = tf.constant(Y);
  const m = model(["accuracy"]);
  assert.throws(() => m.trainOnBatch(x, y, { return_dict: true } as never), /^TypeError: trainOnBatch: unknown option return_dict; lamina spells Keras' return_dict as returnDict/);
  assert.throws(() => m.trainOnBatch(x, y, { returnDict: 1 } as never), /^TypeError: trainOnBatch: returnDict must be true or false, got 1/);
  assert.throws(() => m.trainOnBatch(x, y, { batchSize: 2 } as never), /^TypeError: trainOnBatch: unknown option batchSize; valid options are returnDict, sampleWeight, classWeight/);
  assert.throws(() => m.trainOnBatch(x, y, true as never), /^TypeError: trainOnBatch: options must be an object/);
  await assert.rejects(m.testOnBatch(x, y, { return_dict: true } as never), /^TypeError: testOnBatch: unknown option return_dict; lamina spells Keras' return_dict as returnDict/);
  await assert.rejects(m.testOnBatch(x, y, { returnDict: "yes" } as never), /^TypeError: testOnBatch: returnDict must be true or false, got "yes"/);
  await assert.rejects(m.testOnBatch(x, y, { verbose: 0 } as never), /^TypeError: testOnBatch: unknown option verbose; valid options are returnDict, sampleWeight/);
});

/*
 * With weights, Keras 3.5's own results, printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras, numpy as np; ..."
 * for a Sequential of Input((3,)) and Dense(1, activation="sigmoid", kernel_initializer="ones"),
 * compiled with loss="binary_crossentropy", optimizer="sgd", metrics=["mae", "accuracy"], each
 * line on a fresh model, SW = np.array([1, 2, 0, 0.5], dtype="float32"):
 *   m.train_on_batch(X, Y, sample_weight=SW)                   -> [0.8370190262794495, 0.49733585119247437, 0.75]
 *   m.train_on_batch(X, Y, sample_weight=SW, return_dict=True) -> {'accuracy': 0.75, 'loss': 0.8370190262794495, 'mae': 0.49733585119247437}
 *     then m.evaluate(X, Y, return_dict=True)                  -> {'accuracy': 0.75, 'loss': 1.091109037399292, 'mae': 0.4968493580818176}
 *   m.train_on_batch(X, Y, class_weight={0: 3, 1: 0.5}, return_dict=True)
 *                                                              -> {'accuracy': 0.75, 'loss': 2.8861637115478516, 'mae': 0.49733585119247437}
 *   metrics=[]: m.train_on_batch(X, Y, class_weight={1: 2})     -> 1.2548843622207642 (class 0 missing: weight 1)
 *   m.test_on_batch(X, Y, sample_weight=SW)                    -> [0.8370190262794495, 0.49733585119247437, 0.75]
 *   m.test_on_batch(X, Y, sample_weight=SW, return_dict=True)  -> {'accuracy': 0.75, 'loss': 0.8370190262794495, 'mae': 0.49733585119247437}
 * The weights weigh the loss only: the compiled metrics stay unweighted.
 */
const SW = [1, 2, 0, 0.5];
const WEIGHTED = { accuracy: 0.75, loss: 0.8370190262794495, mae: 0.49733585119247437 };

test("trainOnBatch takes sampleWeight and classWeight as Keras 3.5's train_on_batch takes sample_weight and class_weight", async () => {
  const x = tf.constant(X), y = tf.constant(Y);
  closeList(model().trainOnBatch(x, y, { sampleWeight: tf.constant(SW) }), [WEIGHTED.loss, WEIGHTED.mae, WEIGHTED.accuracy]);
  const m = model();
  assertRecordClose(m.trainOnBatch(x, y, { sampleWeight: SW, returnDict: true }), WEIGHTED, CLOSE);
  // The weighted step moved the weights as Keras' did.
  assertRecordClose(await m.evaluate(x, y, { returnDict: true, verbose: 0 }), { accuracy: 0.75, loss: 1.091109037399292, mae: 0.4968493580818176 }, CLOSE);
  assertRecordClose(model().trainOnBatch(x, y, { classWeight: { 0: 3, 1: 0.5 }, returnDict: true }), { accuracy: 0.75, loss: 2.8861637115478516, mae: 0.49733585119247437 }, CLOSE);
  near(model([]).trainOnBatch(x, y, { classWeight: { 1: 2 } }) as number, 1.2548843622207642, "class 0 missing from classWeight weighs 1");
});

test("testOnBatch takes sampleWeight as Keras 3.5's test_on_batch takes sample_weight", async () => {
  const x = tf.constant(X), y = tf.constant(Y);
  closeList(await model().testOnBatch(x, y, { sampleWeight: SW }), [WEIGHTED.loss, WEIGHTED.mae, WEIGHTED.accuracy]);
  assertRecordClose(await model().testOnBatch(x, y, { sampleWeight: tf.constant(SW), returnDict: true }), WEIGHTED, CLOSE);
});

test("trainOnBatch and testOnBatch check sampleWeight and classWeight as fit does, naming themselves", async () => {
  const x = tf.constant(X), y = tf.constant(Y);
  const m = model();
  assert.throws(() => m.trainOnBatch(x, y, { sampleWeight: [1, 2] }), /^RangeError: trainOnBatch: sampleWeight needs one weight per sample \(shape \(4,\)\) or per sample and timestep \(shape \(4, steps\)\), got shape \(2,\)$/);
  assert.throws(() => m.trainOnBatch(x, y, { sampleWeight: [1, -2, 1, 1] }), /^RangeError: trainOnBatch: sampleWeight holds negative weights \(the lowest is -2, in sample 1\)/);
  assert.throws(() => m.trainOnBatch(x, y, { sampleWeight: [1, NaN, 1, 1] }), /^RangeError: trainOnBatch: sampleWeight holds 1 non-finite value/);
  assert.throws(() => m.trainOnBatch(x, y, { classWeight: { 0: -1 } }), /^RangeError: trainOnBatch: classWeight gives class 0 the weight -1; class weights must be finite numbers >= 0$/);
  assert.throws(() => m.trainOnBatch(x, y, { classWeight: { 2: 1 } }), /^RangeError: trainOnBatch: classWeight has the key "2", which is not a class index of this model \(0\.\.1\)/);
  assert.throws(() => m.trainOnBatch(x, y, { classWeight: [1, 2] as never }), /^TypeError: trainOnBatch: classWeight must be an object mapping class index to weight/);
  assert.throws(() => m.trainOnBatch(x, y, { sample_weight: SW } as never), /^TypeError: trainOnBatch: unknown option sample_weight; lamina spells Keras' sample_weight as sampleWeight/);
  await assert.rejects(m.testOnBatch(x, y, { sampleWeight: [1, 2, 3] }), /^RangeError: testOnBatch: sampleWeight needs one weight per sample \(shape \(4,\)\) or per sample and timestep \(shape \(4, steps\)\), got shape \(3,\)$/);
  // Keras' test_on_batch has no class_weight.
  await assert.rejects(m.testOnBatch(x, y, { classWeight: { 0: 2 } } as never), /^TypeError: testOnBatch: unknown option classWeight; valid options are returnDict, sampleWeight/);
});
