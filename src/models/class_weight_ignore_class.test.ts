import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const { layers, models, losses } = tf;

/*
 * classWeight with SparseCategoricalCrossentropy's ignoreClass. Keras 3.5's own results, printed by
 *   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras, numpy as np; ..."
 * for a Sequential of Input((2,)) and Dense(3, activation="softmax", kernel_initializer="ones")
 * (every prediction uniform: each counted sample's loss is ln 3), compiled with
 * loss=SparseCategoricalCrossentropy(ignore_class=-1), optimizer="sgd", on
 * Xs = [[0.1, 0.2], [1, 0], [0.5, 0.5], [2, 1], [0, 1]], Ys = [0, -1, 2, 1, -1]:
 *   m.train_on_batch(Xs, Ys)                                      -> 1.0986123085021973
 *   m.train_on_batch(Xs, Ys, class_weight={0: 2, 1: 1, 2: 3})      -> 2.1972246170043945
 *   m.fit(Xs, Ys, class_weight={0: 2, 1: 1, 2: 3}, batch_size=5, shuffle=False).history
 *                                                                 -> {'loss': [2.1972246170043945]}
 *   the same with class_weight={0: 2, 1: 1, 2: 3, -1: 5}           -> 2.1972246170043945 (the -1 weight changes nothing)
 * The ignored samples are left out whatever their weight; the others' weighted losses are summed
 * and divided by the number of samples counted: (2 + 1 + 3) ln 3 / 3.
 */
const XS = [[0.1, 0.2], [1, 0], [0.5, 0.5], [2, 1], [0, 1]];
const YS = [0, -1, 2, 1, -1];

function model(): tf.models.Sequential {
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax", kernelInitializer: "ones" })]);
  m.compile({ loss: new losses.SparseCategoricalCrossentropy({ ignoreClass: -1 }), optimizer: "sgd" });
  return m;
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.abs(expected), `${what}: got ${actual}, expected ${expected}`);
}

test("classWeight with ignoreClass: ignored labels are left out whatever the weights, as in Keras 3.5", async () => {
  const x = tf.constant(XS), y = tf.constant(YS, [5], "int32");
  near(model().trainOnBatch(x, y) as number, 1.0986123085021973, "no class weights");
  near(model().trainOnBatch(x, y, { classWeight: { 0: 2, 1: 1, 2: 3 } }) as number, 2.1972246170043945, "trainOnBatch");
  const h = await model().fit(x, y, { classWeight: { 0: 2, 1: 1, 2: 3 }, batchSize: 5, shuffle: false, verbose: 0 });
  near(h.history.loss[0], 2.1972246170043945, "fit");
});

test("classWeight refuses a weight for the ignored label, naming it and the fix (Keras 3.5 takes it and it changes nothing)", async () => {
  const x = tf.constant(XS), y = tf.constant(YS, [5], "int32");
  const message = /^RangeError: (fit|trainOnBatch): classWeight has the key "-1", the label the loss ignores \(ignoreClass -1\): samples labelled -1 are left out of the loss whatever their weight, so the weight would change nothing \(Keras 3\.5 takes it silently\); remove the key$/;
  await assert.rejects(model().fit(x, y, { classWeight: { 0: 2, 1: 1, 2: 3, [-1]: 5 }, verbose: 0 }), (e: unknown) => {
    assert.match(String(e), message);
    assert.match(String(e), /^RangeError: fit:/);
    return true;
  });
  assert.throws(() => model().trainOnBatch(x, y, { classWeight: { [-1]: 5 } }), (e: unknown) => {
    assert.match(String(e), message);
    assert.match(String(e), /^RangeError: trainOnBatch:/);
    return true;
  });
  // An ignored label that is also a class index of the model: its weight changes nothing either.
  const m = new models.Sequential([layers.Input({ shape: [2] }), layers.Dense(3, { activation: "softmax" })]);
  m.compile({ loss: new losses.SparseCategoricalCrossentropy({ ignoreClass: 0 }), optimizer: "sgd" });
  await assert.rejects(m.fit(x, tf.constant([0, 1, 2, 1, 0], [5], "int32"), { classWeight: { 0: 4, 1: 2 }, verbose: 0 }), /^RangeError: fit: classWeight has the key "0", the label the loss ignores \(ignoreClass 0\)/);
});
