import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { serializeLayer } from "../io/serialization.js";

const { layers, models, optimizers } = tf;

/** What test/fixtures/make_small_layers.py recorded from Keras 3.5.0 (torch backend). */
interface Fixture {
  model: { json: Record<string, unknown> & { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }; weights: number[][] | number[][][]; x: number[][]; y: number[][]; predict: number[][]; evaluate: number };
  fit: { weights: (number[] | number[][])[]; x: number[][]; y: number[][]; evaluate: number; loss: number; after: (number[] | number[][])[] };
}
const FIX = JSON.parse(readFileSync(new URL("../../test/fixtures/small_layers.json", import.meta.url), "utf8")) as Fixture;

test("a Keras 3.5 functional model with Identity, PReLU, Minimum, Dot, RepeatVector, AlphaDropout, ActivityRegularization loads and predicts as Keras", async () => {
  tf.clearSession();
  const m = models.modelFromJSON(JSON.stringify(FIX.model.json)) as tf.models.Model;
  assert.deepEqual(m.layers.map((l) => l.className), [
    "InputLayer", "Dense", "PReLU", "RepeatVector", "AlphaDropout", "ActivityRegularization", "Identity", "PReLU", "Minimum", "Dot", "Dot", "Flatten", "Flatten", "Concatenate",
  ]);
  m.setWeights((FIX.model.weights as unknown as number[][]).map((w) => tf.constant(w)));
  const x = tf.constant(FIX.model.x);
  assertAllClose(m.predict(x) as tf.Tensor, FIX.model.predict, { rtol: 1e-5, atol: 1e-6, what: "predict" });
  // evaluate adds the activity penalties of d, ar and p2 and p2's alpha_regularizer to the mse, whole.
  const loss = (await m.evaluate(x, tf.constant(FIX.model.y), { verbose: 0 })) as number;
  assertAllClose([loss], [FIX.model.evaluate], { rtol: 1e-5, what: "evaluate loss" });
  // Saving writes each layer's config as Keras did (Keras' build_config aside).
  const written = serializeLayer(m) as unknown as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  FIX.model.json.config.layers.forEach((want, i) => {
    assert.deepEqual(written.config.layers[i].config, want.config, `config of ${want.class_name} ${String(want.config.name)}`);
  });
});

test("fit adds activity regularization to the loss as Keras 3.5 does (not divided by the batch size) and trains through it", async () => {
  tf.clearSession();
  const inp = layers.Input({ shape: [3] });
  let h = layers.Dense(2, { activityRegularizer: tf.regularizers.L1L2({ l1: 0.05, l2: 0.1 }), name: "d" })(inp);
  h = layers.PReLU({ name: "p" })(h);
  const out = layers.ActivityRegularization({ l1: 0.02, l2: 0.03, name: "ar" })(h);
  const m = new models.Model({ inputs: inp, outputs: out });
  m.setWeights(FIX.fit.weights.map((w) => tf.constant(w)));
  m.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.1 }) });
  const x = tf.constant(FIX.fit.x), y = tf.constant(FIX.fit.y);
  assertAllClose([(await m.evaluate(x, y, { batchSize: 4, verbose: 0 })) as number], [FIX.fit.evaluate], { rtol: 1e-5, what: "evaluate" });
  const hist = await m.fit(x, y, { batchSize: 2, epochs: 1, shuffle: false, verbose: 0 });
  assertAllClose(hist.history.loss, [FIX.fit.loss], { rtol: 1e-5, what: "fit loss" });
  m.getWeights().forEach((w, i) => assertAllClose(w, FIX.fit.after[i], { rtol: 1e-5, atol: 1e-6, what: `weight ${i} after fit` }));
});

test("evaluate counts the activity penalty of a Conv2D -> BatchNormalization pair, which inference would otherwise fold into one convolution", async () => {
  tf.clearSession();
  const conv = layers.Conv2D(2, 3, { activityRegularizer: tf.regularizers.L2({ l2: 0.5 }), kernelInitializer: "ones" });
  const m = new models.Sequential([layers.Input({ shape: [4, 4, 1] }), conv, layers.BatchNormalization(), layers.Flatten()]);
  m.compile({ loss: "mse", optimizer: "sgd" });
  const x = tf.random.uniform([2, 4, 4, 1], 0, 1, { seed: 1 });
  const y = tf.zeros([2, 8]);
  const loss = (await m.evaluate(x, y, { verbose: 0 })) as number;
  const pred = m.predict(x) as tf.Tensor;
  const conved = conv.apply(x) as tf.Tensor;
  const want = tf.mean(tf.square(pred)).item() + 0.5 * tf.sum(tf.square(conved)).item();
  assertAllClose([loss], [want], { rtol: 1e-5 });
  // A saved and reloaded model keeps the regularizer.
  const back = models.modelFromJSON(m.toJSON()) as tf.models.Sequential;
  assert.deepEqual(back.layers[0].getConfig().activity_regularizer, { module: "keras.regularizers", class_name: "L2", config: { l2: 0.5 }, registered_name: null });
});
