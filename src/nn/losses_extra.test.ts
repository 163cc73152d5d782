import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { losses } from "./index.js";

/*
 * Reference values from Keras 3.5.0 (torch backend), e.g.
 *   keras.losses.binary_focal_crossentropy(YT, YP), keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True)(YT, YP, sample_weight=SW),
 *   keras.losses.dice(DT, DP, axis=(1, 2, 3)), keras.losses.Tversky(alpha=0.2, beta=0.8)(DT, DP, sample_weight=SW),
 *   keras.saving.serialize_keras_object(keras.losses.Tversky(0.3, 0.7))
 */
const YT = [[0, 1, 1], [1, 0, 1]], YP = [[0.2, 0.7, 0.95], [0.6, 0.1, 0.4]], LG = [[-1.5, 0.8, 2.2], [0.3, -2, 0.1]];
const CT = [[0, 1, 0], [0, 0, 1]], CP = [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]], CL = [[1, 2, -1], [0.5, 0.2, 3]];
const DT = [[[[1], [1]], [[0], [0]]], [[[1], [1]], [[0], [0]]]], DP = [[[[0], [1]], [[0], [1]]], [[[0.4], [0]], [[0], [0.9]]]];
const SW = [0.5, 2];
const t = (v: unknown): tf.Tensor => tf.constant(v as number[], "float32");
const close = (got: tf.Tensor, want: number | number[], what: string): void => assertAllClose(got, typeof want === "number" ? [want] : want, { rtol: 2e-6, atol: 1e-8, what });

test("binary_focal_crossentropy and BinaryFocalCrossentropy as Keras 3.5: focal factor, class balancing, logits, smoothing, axis, reductions, sample weights", () => {
  close(losses.binaryFocalCrossentropy(t(YT), t(YP)), [0.01371824, 0.137550116], "function");
  close(losses.binaryFocalCrossentropy(t(YT), t(LG), { applyClassBalancing: true, alpha: 0.3, gamma: 1.5, fromLogits: true, labelSmoothing: 0.1 }), [0.015685277, 0.043369729], "all options");
  close(losses.binaryFocalCrossentropy(t(YT), t(YP), { axis: 0 }), [0.045328911, 0.016577177, 0.164996445], "axis 0");
  close(losses.BinaryFocalCrossentropy({ applyClassBalancing: true }).apply(t(YT), t(YP), t(SW)), 0.035792425, "weighted mean");
  close(losses.BinaryFocalCrossentropy({ gamma: 3, reduction: "sum" }).apply(t(YT), t(YP)), 0.080712929, "sum");
  // gamma 0 is the binary cross-entropy.
  assertAllClose(losses.binaryFocalCrossentropy(t(YT), t(YP), { gamma: 0 }), losses.binaryCrossentropy(t(YT), t(YP)), { rtol: 1e-6 });
  assert.throws(() => losses.BinaryFocalCrossentropy({ gama: 2 } as never), /unknown option gama/);
  assert.throws(() => losses.BinaryFocalCrossentropy({ alpha: 2 }), /^RangeError: losses\.BinaryFocalCrossentropy: alpha must be <= 1, got 2$/);
  checkGradients((p) => losses.binaryFocalCrossentropy(tf.constant(YT, "float64"), p, { applyClassBalancing: true, gamma: 1.5 }), [tf.constant(YP, "float64")]);
  checkGradients((p) => losses.binaryFocalCrossentropy(tf.constant(YT, "float64"), p, { fromLogits: true, labelSmoothing: 0.1 }), [tf.constant(LG, "float64")]);
});

test("categorical_focal_crossentropy and CategoricalFocalCrossentropy as Keras 3.5, alpha per class, logits, smoothing, reductions", () => {
  close(losses.categoricalFocalCrossentropy(t(CT), t(CP)), [0.000263401, 0.675912082], "function");
  close(losses.categoricalFocalCrossentropy(t(CT), t(CL), { alpha: [0.2, 0.3, 0.5], gamma: 1, fromLogits: true, labelSmoothing: 0.2 }), [0.147766948, 0.09537822], "all options");
  close(losses.CategoricalFocalCrossentropy({ alpha: 0.5 }).apply(t(CT), t(CP), t(SW)), 1.351955891, "weighted mean");
  close(losses.CategoricalFocalCrossentropy({ reduction: null }).apply(t(CT), t(CP)), [0.000263401, 0.675912082], "no reduction");
  assert.throws(() => losses.categoricalFocalCrossentropy(t(CT), t(CP), { alpha: [0.5, 0.5] }), /alpha lists 2 weights but yPred \(2, 3\) has 3 classes/);
  checkGradients((p) => losses.categoricalFocalCrossentropy(tf.constant(CT, "float64"), p, { alpha: [0.2, 0.3, 0.5], gamma: 1.5 }), [tf.constant(CP, "float64")]);
  checkGradients((p) => losses.categoricalFocalCrossentropy(tf.constant(CT, "float64"), p, { fromLogits: true }), [tf.constant(CL, "float64")]);
});

test("dice and Dice as Keras 3.5: one value for the batch without an axis, one per image with one; sample weights", () => {
  close(losses.dice(t(DT), t(DP)), 0.616438389, "whole batch");
  close(losses.dice(t(DT), t(DP), [1, 2, 3]), [0.5, 0.75757575], "per image");
  close(losses.Dice().apply(t(DT), t(DP)), 0.616438389, "class");
  close(losses.Dice({ axis: [1, 2, 3] }).apply(t(DT), t(DP), t(SW)), 0.88257575, "per image, weighted");
  close(losses.Dice().apply(t(DT), t(DP), t(SW)), 0.770547986, "whole batch, weighted");
  assert.throws(() => losses.Dice({ axis: "1" as never }), /axis must be null, an axis or a list of axes/);
  checkGradients((p) => losses.dice(tf.constant(DT, "float64"), p, [1, 2, 3]), [tf.add(tf.constant(DP, "float64"), 0.05)]);
});

test("tversky and Tversky as Keras 3.5: one value for the whole batch, alpha and beta, sample weights", () => {
  close(losses.tversky(t(DT), t(DP)), 0.616438389, "alpha = beta = 0.5 is Dice");
  close(losses.tversky(t(DT), t(DP), 0.3, 0.7), 0.601139605, "alpha 0.3, beta 0.7");
  close(losses.Tversky({ alpha: 0.2, beta: 0.8 }).apply(t(DT), t(DP), t(SW)), 0.741279125, "weighted");
  close(losses.Tversky({ reduction: "sum" }).apply(t(DT), t(DP)), 0.616438389, "a scalar is not reduced");
  checkGradients((p) => losses.tversky(tf.constant(DT, "float64"), p, 0.3, 0.7), [tf.add(tf.constant(DP, "float64"), 0.05)]);
});

test("tversky's axis (Keras 3.8+): one value per image over axes [1, 2, 3] (numpy sums by hand), weighted, and in the config only when given", () => {
  close(losses.tversky(t(DT), t(DP), 0.3, 0.7, [1, 2, 3]), [0.500000025, 0.735099355], "per image");
  close(losses.Tversky({ alpha: 0.2, beta: 0.8, axis: [1, 2, 3] }).apply(t(DT), t(DP), t(SW)), 0.847222248, "per image, weighted");
  assert.deepEqual(losses.Tversky({ axis: [1, 2, 3] }).getConfig(), { name: "tversky", alpha: 0.5, beta: 0.5, reduction: "sum_over_batch_size", axis: [1, 2, 3] });
  assert.equal("axis" in losses.Tversky().getConfig(), false);
  const back = losses.get({ className: "Tversky", config: { name: "tversky", alpha: 0.3, beta: 0.7, reduction: "sum_over_batch_size", axis: [1, 2, 3] } }) as losses.Tversky;
  assert.deepEqual(back.axis, [1, 2, 3]);
  assert.throws(() => losses.Tversky({ axis: 1.5 }), /losses\.Tversky: axis must be null, an axis or a list of axes, got 1\.5/);
  checkGradients((p) => losses.tversky(tf.constant(DT, "float64"), p, 0.3, 0.7, [1, 2, 3]), [tf.add(tf.constant(DP, "float64"), 0.05)]);
});

test("the new losses by Keras 3.5's names, configs and deserialization", () => {
  for (const [name, fnName] of [["binary_focal_crossentropy", "binary_focal_crossentropy"], ["categorical_focal_crossentropy", "categorical_focal_crossentropy"], ["dice", "dice"], ["tversky", "tversky"]]) {
    const l = losses.get(name) as losses.LossFunctionWrapper;
    assert.equal(l.fnName, fnName);
    assert.equal(l.name, name);
  }
  close(losses.get("dice").apply(t(DT), t(DP)), 0.616438389, "get('dice')");
  for (const cls of ["BinaryFocalCrossentropy", "CategoricalFocalCrossentropy", "Dice", "Tversky"]) assert.equal(losses.get(cls).className, cls);
  assert.throws(() => losses.get("focal"), /focal/);
  // Keras 3.5's serialize_keras_object(...)["config"] for each.
  const keras: [losses.Loss, Record<string, unknown>][] = [
    [losses.BinaryFocalCrossentropy(), { name: "binary_focal_crossentropy", reduction: "sum_over_batch_size", from_logits: false, label_smoothing: 0, axis: -1, apply_class_balancing: false, alpha: 0.25, gamma: 2 }],
    [losses.CategoricalFocalCrossentropy({ alpha: [0.1, 0.9] }), { name: "categorical_focal_crossentropy", reduction: "sum_over_batch_size", from_logits: false, label_smoothing: 0, axis: -1, alpha: [0.1, 0.9], gamma: 2 }],
    [losses.Dice({ axis: [1, 2] }), { name: "dice", reduction: "sum_over_batch_size", axis: [1, 2] }],
    [losses.Tversky({ alpha: 0.3, beta: 0.7 }), { name: "tversky", alpha: 0.3, beta: 0.7, reduction: "sum_over_batch_size" }],
  ];
  for (const [l, cfg] of keras) {
    assert.deepEqual(l.getConfig(), cfg, l.className);
    assert.deepEqual(Object.keys(l.getConfig()), Object.keys(cfg), `${l.className}: Keras' key order`);
    const back = losses.deserialize({ className: l.className, config: cfg as never });
    assert.deepEqual(back.getConfig(), cfg);
  }
});

test("a model compiles and fits with the new losses, saving them in its compile_config", async () => {
  tf.clearSession();
  const m = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(3, { activation: "sigmoid" })]);
  m.compile({ loss: losses.BinaryFocalCrossentropy({ gamma: 1 }), optimizer: "sgd" });
  const h = await m.fit(t(YP), t(YT), { epochs: 2, verbose: 0 });
  assert.ok(h.history.loss[1] < h.history.loss[0]);
  const back = tf.models.modelFromJSON(m.toJSON());
  const saved = (JSON.parse(back.toJSON()) as { compile_config: { loss: { class_name: string; config: { gamma: number } } } }).compile_config.loss;
  assert.equal(saved.class_name, "BinaryFocalCrossentropy");
  assert.equal(saved.config.gamma, 1);
  m.compile({ loss: "dice", optimizer: "sgd" });
  const [loss] = [(await m.evaluate(t(YP), t(YT), { verbose: 0 })) as number];
  close(t([loss]), losses.dice(t(YT), m.predict(t(YP)) as tf.Tensor).item(), "evaluate with dice");
});
