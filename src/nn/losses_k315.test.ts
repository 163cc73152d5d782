import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { maskOf } from "../tensor/keras_mask.js";
import { losses } from "./index.js";

// Reference values: test/fixtures/make_k315_losses_metrics.py (Keras 3.15.1's formulas in NumPy; its
// circle inputs are Keras' own CircleTest's, whose literals it reproduces).
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/k315_losses_metrics.json", import.meta.url), "utf8"));
const C = fx.circle, G = fx.gce;
const f32 = (v: unknown): tf.Tensor => tf.constant(v as number[], "float32");
const i32 = (v: unknown): tf.Tensor => tf.constant(v as number[], "int32");
const close = (got: tf.Tensor, want: number | number[], what: string, rtol = 2e-5): void =>
  assertAllClose(got, typeof want === "number" ? [want] : want, { rtol, atol: 1e-4, what });

test("circle and Circle as Keras 3.15: per row, reductions over the rows that have a loss, sample weights, references", () => {
  close(losses.circle(i32(C.y), f32(C.e)), C.per_example, "function");
  close(losses.Circle().apply(i32(C.y), f32(C.e)), C.mean, "sum_over_batch_size");
  close(losses.Circle({ reduction: "sum" }).apply(i32(C.y), f32(C.e)), C.sum, "sum");
  close(losses.Circle({ gamma: 256, margin: 0.25 }).apply(i32(C.y), f32(C.e)), C.mean_g256_m025, "gamma 256, margin 0.25");
  close(losses.Circle().apply(i32(C.y), f32(C.e), f32(C.sw)), C.weighted_mean, "weighted");
  close(losses.Circle({ reduction: "mean_with_sample_weight" }).apply(i32(C.y), f32(C.e), f32(C.sw)), C.weighted_mean_with_sample_weight, "mean_with_sample_weight");
  close(losses.circle(i32(C.y), f32(C.e), { refLabels: i32(C.ref_labels), refEmbeddings: f32(C.ref_e), removeDiagonal: false }), C.ref_no_diag, "reference embeddings");
  // Labels 3 and 4 have no other example: those rows score 0, carry a false mask and are left out of the mean.
  const lone = losses.circle(i32(C.ref_labels), f32(C.ref_e));
  close(lone, C.ref_as_batch_none, "rows without positives");
  assert.deepEqual(Array.from(maskOf(lone)!.dataSync() as Uint8Array, Boolean), [true, true, true, true, false, false]);
  close(losses.Circle({ reduction: null }).apply(i32(C.ref_labels), f32(C.ref_e)), C.ref_as_batch_none, "no reduction");
  close(losses.Circle().apply(i32(C.ref_labels), f32(C.ref_e)), C.ref_as_batch_mean, "mean over the 4 rows with a loss");
  // float labels are truncated to integers, as Keras' cast to int32; [batch, 1] labels as [batch].
  close(losses.circle(f32(C.y.map((v: number) => [v + 0.25])), f32(C.e)), C.per_example, "float [batch, 1] labels");
  checkGradients((e) => losses.circle(i32(C.y), e, { gamma: 4 }), [tf.constant(C.e, "float64")]);
  checkGradients((e) => losses.circle(i32(C.ref_labels), e, { gamma: 2, margin: 0.3 }), [tf.constant(C.ref_e, "float64")]);
  assert.throws(() => losses.circle(i32(C.y), f32(C.e[0])), /circle: yPred must be embeddings \[batch, dim\], got \(4,\)/);
  assert.throws(() => losses.circle(i32([1, 2]), f32(C.e)), /circle: 2 labels for 5 embeddings/);
  assert.throws(() => losses.circle(i32(C.y), f32(C.e), { refEmbeddings: f32([[1, 0]]) }), /refEmbeddings float32 \(1, 2\) must be \[refs, 4\]/);
  assert.throws(() => losses.Circle({ gamma: "80" as never }), /^TypeError: losses\.Circle: gamma must be a finite number, got "80"$/);
  assert.throws(() => losses.Circle({ gama: 80 } as never), /unknown option gama/);
});

test("categorical_generalized_cross_entropy and CategoricalGeneralizedCrossEntropy as Keras 3.15: q, labels [batch] or [batch, 1], reductions", () => {
  close(losses.categoricalGeneralizedCrossEntropy(i32(G.y), f32(G.p), 0.5), G.q05, "q 0.5", 2e-6);
  close(losses.categoricalGeneralizedCrossEntropy(f32(G.y.map((v: number) => [v])), f32(G.p), 0.2), G.q02, "q 0.2, labels [batch, 1]", 2e-6);
  close(losses.CategoricalGeneralizedCrossEntropy().apply(i32(G.y), f32(G.p)), G.mean_q05, "default q 0.5, mean", 2e-6);
  close(losses.CategoricalGeneralizedCrossEntropy({ q: 0.8, reduction: "sum" }).apply(i32(G.y), f32(G.p), f32(G.sw)), G.weighted_sum_q08, "q 0.8, weighted sum", 2e-6);
  checkGradients((p) => losses.categoricalGeneralizedCrossEntropy(i32(G.y), p, 0.3), [tf.constant(G.p, "float64")]);
  assert.throws(() => losses.CategoricalGeneralizedCrossEntropy({ q: 1 }), /q must be in the interval \(0, 1\), got 1/);
  assert.throws(() => losses.CategoricalGeneralizedCrossEntropy({ q: 0 }), /q must be in the interval \(0, 1\), got 0/);
  assert.throws(() => losses.categoricalGeneralizedCrossEntropy(i32([0, 1]), f32(G.p), 0.5), /yTrue \(2,\) must be integer class indices of shape \(4,\) for yPred \(4, 3\)/);
});

test("Circle and CategoricalGeneralizedCrossEntropy by name, with Keras 3.15's configs", () => {
  for (const name of ["circle", "categorical_generalized_cross_entropy"]) {
    const l = losses.get(name) as losses.LossFunctionWrapper;
    assert.equal(l.fnName, name);
    assert.equal(l.name, name);
  }
  close(losses.get("circle").apply(i32(C.ref_labels), f32(C.ref_e)), C.ref_as_batch_mean, "get('circle') keeps the mask");
  close(losses.get("categorical_generalized_cross_entropy").apply(i32(G.y), f32(G.p)), G.mean_q05, "by name: q 0.5");
  // Keras 3.15.1's get_config() of each.
  const keras: [losses.Loss, Record<string, unknown>][] = [
    [losses.Circle({ name: "mycircle" }), { name: "mycircle", reduction: "sum_over_batch_size", gamma: 80, margin: 0.4, remove_diagonal: true }],
    [losses.Circle({ gamma: 64, margin: 0.25, removeDiagonal: false, reduction: "sum" }), { name: "circle", reduction: "sum", gamma: 64, margin: 0.25, remove_diagonal: false }],
    [losses.CategoricalGeneralizedCrossEntropy({ q: 0.1, name: "gce" }), { name: "gce", reduction: "sum_over_batch_size", q: 0.1 }],
  ];
  for (const [l, cfg] of keras) {
    assert.deepEqual(l.getConfig(), cfg, l.className);
    assert.deepEqual(Object.keys(l.getConfig()), Object.keys(cfg), `${l.className}: Keras' key order`);
    assert.deepEqual(losses.deserialize({ className: l.className, config: cfg as never }).getConfig(), cfg);
  }
  assert.throws(() => losses.deserialize({ className: "Circle", config: { gamma: 80, scale: 2 } }), /scale/);
});

test("a model compiles and fits with Circle and the generalized cross-entropy, by class and by name", async () => {
  tf.clearSession();
  const x = f32(C.e), y = i32(C.y);
  const emb = new tf.models.Sequential([tf.layers.Input({ shape: [4] }), tf.layers.Dense(3), tf.layers.UnitNormalization()]);
  for (const loss of [losses.Circle({ gamma: 16 }), "circle"] as const) {
    emb.compile({ loss, optimizer: "adam" });
    const h = await emb.fit(x, y, { epochs: 3, batchSize: 5, verbose: 0 });
    assert.ok(h.history.loss[2] < h.history.loss[0], `${String(loss)}: ${h.history.loss}`);
  }
  const saved = (JSON.parse(tf.models.modelFromJSON(emb.toJSON()).toJSON()) as { compile_config: { loss: unknown } }).compile_config.loss;
  assert.equal(saved, "circle");
  const clf = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(3, { activation: "softmax" })]);
  clf.compile({ loss: losses.CategoricalGeneralizedCrossEntropy({ q: 0.7 }), optimizer: "sgd" });
  const h = await clf.fit(f32(G.p), i32(G.y), { epochs: 3, verbose: 0 });
  assert.ok(h.history.loss[2] < h.history.loss[0]);
  const back = (JSON.parse(tf.models.modelFromJSON(clf.toJSON()).toJSON()) as { compile_config: { loss: { class_name: string; config: { q: number } } } }).compile_config.loss;
  assert.deepEqual([back.class_name, back.config.q], ["CategoricalGeneralizedCrossEntropy", 0.7]);
  clf.compile({ loss: "categorical_generalized_cross_entropy", optimizer: "sgd" });
  const loss = (await clf.evaluate(f32(G.p), i32(G.y), { verbose: 0 })) as number;
  close(f32([loss]), losses.categoricalGeneralizedCrossEntropy(i32(G.y), clf.predict(f32(G.p)) as tf.Tensor, 0.5).mean().item(), "evaluate by name", 1e-5);
});
