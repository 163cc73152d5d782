import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

// Keras 3.5's own History and evaluate() for the same compiled model and data
// (test/fixtures/make_keras_fit_history.py).
const dir = "test/fixtures/keras_files/by_keras";
const fixture = JSON.parse(readFileSync(`${dir}/fit_history.json`, "utf8")) as {
  x: number[][]; y: number[]; sample_weight: number[]; class_weight: Record<string, number>;
  cases: Record<string, { history: Record<string, number[]>; evaluate: number[]; evaluate_weighted: number[] }>;
};

for (const [name, want] of Object.entries(fixture.cases)) {
  test(`fit History and evaluate as in Keras: ${name.replace("_", " ")}, validationSplit 0.25, partial batches`, async () => {
    const model = await tf.models.loadModel(`${dir}/fit_history.keras`);
    const x = tf.constant(fixture.x, undefined, "float32"), y = tf.constant(fixture.y, undefined, "int32");
    const sw = tf.constant(fixture.sample_weight, undefined, "float32");
    const args: tf.models.FitArgs = { epochs: 3, batchSize: 5, shuffle: false, validationSplit: 0.25, verbose: 0 };
    if (name === "class_weight") args.classWeight = Object.fromEntries(Object.entries(fixture.class_weight).map(([k, v]) => [Number(k), v]));
    if (name === "sample_weight") args.sampleWeight = sw;
    const history = await model.fit(x, y, args);
    assert.deepEqual(Object.keys(history.history).sort(), Object.keys(want.history).sort());
    for (const [key, values] of Object.entries(want.history)) assertAllClose(history.history[key], values, { rtol: 1e-5, atol: 1e-6, what: `${name} ${key}` });
    assertAllClose(await model.evaluate(x, y, { batchSize: 7, verbose: 0 }) as number[], want.evaluate, { rtol: 1e-5, atol: 1e-6, what: `${name} evaluate` });
    assertAllClose(await model.evaluate(x, y, { batchSize: 7, verbose: 0, sampleWeight: sw }) as number[], want.evaluate_weighted, { rtol: 1e-5, atol: 1e-6, what: `${name} evaluate with sampleWeight` });
  });
}

test("History holds Keras' float32 numbers bit for bit: its Mean trackers add and divide in float32 (unweighted fit)", async () => {
  const model = await tf.models.loadModel(`${dir}/fit_history.keras`);
  const x = tf.constant(fixture.x, undefined, "float32"), y = tf.constant(fixture.y, undefined, "int32");
  const history = await model.fit(x, y, { epochs: 3, batchSize: 5, shuffle: false, validationSplit: 0.25, verbose: 0 });
  // Keras logs float(float32): 0.29411765933036804 where the float64 mean is 0.29411764705882354.
  // The native backend's per-batch losses equal Keras' to the bit, so its History does too; the JS
  // backend's kernels sum in another order, so a batch loss may end one float32 step away, and what
  // is checked there is that every logged value is a float32 within one float32 step of Keras'.
  const same = (got: readonly number[], want: readonly number[], what: string): void => {
    if (tf.getBackend() === "native") {
      assert.deepEqual(got, want, what);
      return;
    }
    assert.equal(got.length, want.length, what);
    got.forEach((g, i) => {
      assert.equal(Math.fround(g), g, `${what}[${i}] = ${g} is not a float32 value`);
      const step = Math.abs(Math.fround(want[i] * (1 + 2 ** -23)) - want[i]) || 2 ** -149;
      assert.ok(Math.abs(g - want[i]) <= step, `${what}[${i}]: ${g} is more than one float32 step from Keras' ${want[i]}`);
    });
  };
  for (const [key, values] of Object.entries(fixture.cases.plain.history)) same(history.history[key], values, key);
  same(await model.evaluate(x, y, { batchSize: 7, verbose: 0 }) as number[], fixture.cases.plain.evaluate, "evaluate");
});

test("sampleWeight and validationData's third entry are checked: one finite weight per sample", async () => {
  const model = await tf.models.loadModel(`${dir}/fit_history.keras`);
  const x = tf.constant(fixture.x, undefined, "float32"), y = tf.constant(fixture.y, undefined, "int32");
  await assert.rejects(model.fit(x, y, { sampleWeight: tf.ones([22]), verbose: 0 }), /^RangeError: fit: sampleWeight needs one weight per sample \(shape \(23,\)\) or per sample and timestep \(shape \(23, steps\)\), got shape \(22,\)$/);
  await assert.rejects(model.fit(x, y, { sampleWeight: tf.fill([23], NaN), verbose: 0 }), /fit: sampleWeight holds 23 non-finite value/);
  await assert.rejects(model.evaluate(x, y, { sampleWeight: tf.ones([22, 1]), verbose: 0 }), /evaluate: sampleWeight needs one weight per sample \(shape \(23,\)\) or per sample and timestep \(shape \(23, steps\)\), got shape \(22, 1\)/);
  await assert.rejects(model.fit(x, y, { validationData: [x, y, tf.ones([5])], verbose: 0 }), /fit: validationData's sampleWeight needs one weight per sample \(shape \(23,\)\)/);
  // Data that is not a tensor is named with the call it was given to.
  await assert.rejects(model.evaluate(x, y, { sampleWeight: [[1], [2, 3]], verbose: 0 }), /^TypeError: evaluate: sampleWeight cannot be converted to a tensor/);
  assert.throws(() => model.predict([[1, 2], [3]]), /^TypeError: predict: x cannot be converted to a tensor/);
  // A weighted validation set: its loss is the weighted one evaluate gives.
  const w = tf.constant(fixture.sample_weight, undefined, "float32");
  const h = await model.fit(x, y, { validationData: [x, y, w], epochs: 1, verbose: 0, shuffle: false });
  assertAllClose([h.history.val_loss[0]], [(await model.evaluate(x, y, { sampleWeight: w, verbose: 0 }) as number[])[0]], { rtol: 1e-6, what: "val_loss" });
});

const callbackCases = (JSON.parse(readFileSync(`${dir}/fit_history.json`, "utf8")) as {
  callbacks: Record<string, { history: Record<string, number[]>; predictions: number[][]; learning_rate: number }>;
}).callbacks;

for (const [name, want] of Object.entries(callbackCases)) {
  test(`EarlyStopping / ReduceLROnPlateau as in Keras (${name.replace("_", " ")}): the epoch it stops at, learning_rate in the logs, the weights kept`, async () => {
    const model = await tf.models.loadModel(`${dir}/fit_history.keras`);
    const x = tf.constant(fixture.x, undefined, "float32"), y = tf.constant(fixture.y, undefined, "int32");
    const callbacks: tf.callbacks.Callback[] = [];
    if (name !== "reduce_lr") callbacks.push(tf.callbacks.EarlyStopping({ monitor: "val_loss", patience: 2, minDelta: 0.01, restoreBestWeights: true }));
    if (name !== "early_stopping") callbacks.push(tf.callbacks.ReduceLROnPlateau({ monitor: "val_loss", factor: 0.5, patience: 1, minLr: 0.02 }));
    const history = await model.fit(x, y, { epochs: 12, batchSize: 5, shuffle: false, validationSplit: 0.25, verbose: 0, callbacks });
    assert.deepEqual(Object.keys(history.history).sort(), Object.keys(want.history).sort());
    for (const [key, values] of Object.entries(want.history)) assertAllClose(history.history[key], values, { rtol: 1e-5, atol: 1e-6, what: `${name} ${key}` });
    assertAllClose(model.predict<tf.Tensor>(tf.slice(x, [0, 0], [3, 6])), want.predictions, { rtol: 1e-5, atol: 1e-6, what: `${name} predictions after fit` });
    assertAllClose([model.optimizer!.learningRate], [want.learning_rate], { rtol: 1e-7, what: `${name} learning rate` });
  });
}
