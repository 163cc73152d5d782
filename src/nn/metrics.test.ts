import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { metrics } from "./index.js";

// Reference values: test/fixtures/make_losses_metrics.py (Keras 3's formulas in NumPy, and
// scikit-learn's precision_score, recall_score and roc_auc_score).
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/losses_metrics.json", import.meta.url), "utf8"));
const A = fx.accuracy, R = fx.regression, C = fx.confusion;

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} (tol ${tol})`);
}

const f32 = (v: unknown): tf.Tensor => tf.constant(v as number[], "float32");
const rows = (v: number[][], start: number, end: number): number[][] => v.slice(start, end);

test("Mean: Keras' docstring values, weights, scalars weighted by batch size (fit's loss), reset", () => {
  const m = metrics.Mean();
  assert.equal(m.name, "mean");
  m.updateState([1, 3, 5, 7]);
  assert.equal(m.result(), 4);
  m.resetState();
  m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
  assert.equal(m.result(), 2);
  const loss = metrics.Mean({ name: "loss" });
  loss.updateState(0.5, 32);
  loss.updateState(2, 8);
  close(loss.result(), (0.5 * 32 + 2 * 8) / 40, 1e-12, "loss tracker");
  assert.equal(loss.count, 40);
  // rows of a [n, k] batch are averaged first, then weighted per sample
  const r = metrics.Mean();
  r.updateState(tf.constant([[1, 3], [5, 9]]), [3, 1]);
  close(r.result(), (2 * 3 + 7 * 1) / 4, 1e-12, "per-sample rows");
  r.resetState();
  assert.equal(r.result(), 0);
});

test("sparse and one-hot categorical accuracy: whole batch, sample weights, accumulated over batches", () => {
  const pred = A.pred as number[][];
  const s = metrics.SparseCategoricalAccuracy();
  assert.equal(s.name, "sparse_categorical_accuracy");
  s.updateState(A.sparse, f32(pred));
  close(s.result(), A.sparse_categorical_accuracy, 1e-7, "sparse");
  s.resetState();
  s.updateState(A.sparse, f32(pred), A.sample_weight);
  close(s.result(), A.sparse_categorical_accuracy_weighted, 1e-7, "sparse weighted");
  s.resetState();
  s.updateState(tf.constant((A.sparse as number[]).slice(0, 5), "int32"), f32(rows(pred, 0, 5)));
  s.updateState(tf.reshape(tf.constant((A.sparse as number[]).slice(5), "int32"), [3, 1]), f32(rows(pred, 5, 8)));
  close(s.result(), A.sparse_categorical_accuracy_two_batches, 1e-7, "two batches, labels [n] then [n, 1]");
  const c = metrics.CategoricalAccuracy();
  c.updateState(A.onehot, f32(pred), A.sample_weight);
  close(c.result(), A.sparse_categorical_accuracy_weighted, 1e-7, "categorical weighted");
  assert.deepEqual(metrics.sparseCategoricalAccuracy([1, 0], f32([[0.1, 0.9], [0.3, 0.7]])).arraySync(), [1, 0]);
});

test("binary accuracy: threshold 0.5 (strictly greater), other thresholds, weights, labels [n] vs predictions [n, 1]", () => {
  const b = metrics.BinaryAccuracy();
  assert.equal(b.name, "binary_accuracy");
  b.updateState(A.bin_true, f32(A.bin_pred));
  close(b.result(), A.binary_accuracy, 1e-7, "binary");
  b.resetState();
  b.updateState(A.bin_true, f32(A.bin_pred), A.sample_weight);
  close(b.result(), A.binary_accuracy_weighted, 1e-7, "binary weighted");
  const b7 = metrics.BinaryAccuracy({ threshold: 0.7 });
  b7.updateState(A.bin_true, f32(A.bin_pred));
  close(b7.result(), A.binary_accuracy_07, 1e-7, "threshold 0.7");
  const col = metrics.BinaryAccuracy();
  // predicted [1, 0, 0, 0] (0.5 is not > 0.5): 3 of 4 right
  col.updateState(tf.constant([1, 0, 1, 0], "int32"), f32([[0.9], [0.2], [0.4], [0.5]]));
  assert.equal(col.result(), 0.75);
});

test("top-k accuracy: ties straddling the k-th place count as in the top k (TensorFlow's in_top_k)", () => {
  const p = f32(A.topk_pred);
  for (const k of [1, 2, 3]) {
    assert.deepEqual(metrics.sparseTopKCategoricalAccuracy(A.topk_sparse, p, k).arraySync(), A[`topk_hits_k${k}`], `sparse k=${k}`);
    assert.deepEqual(metrics.topKCategoricalAccuracy(A.topk_onehot, p, k).arraySync(), A[`topk_hits_k${k}`], `one-hot k=${k}`);
  }
  const t5 = metrics.TopKCategoricalAccuracy();
  assert.equal(t5.k, 5);
  assert.equal(t5.name, "top_k_categorical_accuracy");
  t5.updateState(A.topk_onehot, p);
  close(t5.result(), A.topk_k5, 1e-7, "top-5");
  const s2 = metrics.SparseTopKCategoricalAccuracy({ k: 2 });
  assert.equal(s2.name, "sparse_top_k_categorical_accuracy");
  s2.updateState(tf.reshape(tf.constant(A.topk_sparse, "int32"), [6, 1]), p);
  close(s2.result(), A.topk_k2, 1e-7, "sparse top-2, labels [n, 1]");
  // a row holding NaN never counts as a hit
  assert.deepEqual(metrics.inTopK([0, 0], f32([[0.9, NaN], [0.9, 0.1]]), 1).arraySync(), [false, true]);
});

test("regression metrics: mean squared / absolute error, weighted, and root mean squared error", () => {
  const mse = metrics.MeanSquaredError();
  mse.updateState(R.true, tf.constant(R.pred, "float64"));
  close(mse.result(), R.mse, 1e-12, "mse");
  mse.resetState();
  mse.updateState(R.true, tf.constant(R.pred, "float64"), R.sample_weight);
  close(mse.result(), R.mse_weighted, 1e-12, "mse weighted");
  const mae = metrics.get("mae");
  mae.updateState(R.true, tf.constant(R.pred, "float64"));
  close(mae.result(), R.mae, 1e-12, "mae");
  const rmse = metrics.RootMeanSquaredError();
  rmse.updateState(R.true, tf.constant(R.pred, "float64"));
  close(rmse.result(), R.rmse, 1e-12, "rmse");
});

test("precision and recall match scikit-learn, with and without sample weights, at several thresholds", () => {
  const t = C.true as number[], p = f32(C.pred);
  const prec = metrics.Precision(), rec = metrics.Recall();
  prec.updateState(t, p);
  rec.updateState(t, p);
  close(prec.result(), C.precision, 1e-7, "precision");
  close(rec.result(), C.recall, 1e-7, "recall");
  const pw = metrics.Precision(), rw = metrics.Recall();
  // two batches of 250 and 150 with their weights
  for (const [a, b] of [[0, 250], [250, 400]]) {
    pw.updateState(t.slice(a, b), f32((C.pred as number[]).slice(a, b)), (C.sample_weight as number[]).slice(a, b));
    rw.updateState(t.slice(a, b), f32((C.pred as number[]).slice(a, b)), (C.sample_weight as number[]).slice(a, b));
  }
  close(pw.result(), C.precision_weighted, 1e-9, "precision weighted");
  close(rw.result(), C.recall_weighted, 1e-9, "recall weighted");
  const pt = metrics.Precision({ thresholds: C.thresholds }), rt = metrics.Recall({ thresholds: C.thresholds });
  pt.updateState(t, p);
  rt.updateState(t, p);
  (pt.resultPerThreshold()).forEach((v, i) => close(v, C.precision_thresholds[i], 1e-12, `precision at ${C.thresholds[i]}`));
  (rt.resultPerThreshold()).forEach((v, i) => close(v, C.recall_thresholds[i], 1e-12, `recall at ${C.thresholds[i]}`));
  assert.throws(() => pt.result(), /3 thresholds; call resultPerThreshold/);
  // classId picks one column of [samples, classes]
  const pc = metrics.Precision({ classId: 1 });
  pc.updateState([[0, 1], [1, 0], [0, 1], [1, 0]], f32([[0.2, 0.8], [0.3, 0.7], [0.9, 0.1], [0.6, 0.4]]));
  close(pc.result(), 0.5, 1e-12, "class 1: one true and one false positive");
  pc.resetState();
  assert.equal(pc.result(), 0);
});

test("AUC equals Keras' 200-threshold interpolation exactly and scikit-learn's ROC AUC closely", () => {
  const t = C.true as number[], p = f32(C.pred);
  const auc = metrics.AUC();
  auc.updateState(t, p);
  close(auc.result(), C.auc_keras, 1e-9, "Keras interpolation");
  close(auc.result(), C.auc_sklearn, 3e-3, "scikit-learn ROC AUC");
  // the same data in three batches
  const batched = metrics.AUC();
  for (const [a, b] of [[0, 100], [100, 101], [101, 400]]) batched.updateState(t.slice(a, b), f32((C.pred as number[]).slice(a, b)));
  close(batched.result(), C.auc_keras, 1e-9, "batched");
  const w = metrics.AUC();
  w.updateState(t, p, C.sample_weight);
  close(w.result(), C.auc_keras_weighted, 1e-9, "weighted");
  close(w.result(), C.auc_sklearn_weighted, 3e-3, "weighted vs scikit-learn");
  const variants: [metrics.AUCOptions, number][] = [
    [{ summationMethod: "minoring" }, C.auc_keras_minoring], [{ summationMethod: "majoring" }, C.auc_keras_majoring],
    [{ numThresholds: 50 }, C.auc_keras_50], [{ curve: "PR" }, C.auc_keras_pr], [{ curve: "PR", summationMethod: "majoring" }, C.auc_keras_pr_majoring],
  ];
  for (const [opts, expected] of variants) {
    const m = metrics.AUC(opts);
    m.updateState(t, p);
    close(m.result(), expected, 1e-9, JSON.stringify(opts));
  }
  // logits: a sigmoid first
  const logits = tf.log(tf.div(p, tf.sub(1, p)));
  const fl = metrics.AUC({ fromLogits: true });
  fl.updateState(t, logits);
  close(fl.result(), C.auc_keras, 1e-4, "fromLogits");
});

test("AUC by hand: Keras' docstring example with 3 and 200 thresholds", () => {
  const h = fx.auc_hand;
  const m3 = metrics.AUC({ numThresholds: 3 });
  m3.updateState(h.true, f32(h.pred));
  assert.deepEqual(m3.confusion(), { tp: [2, 1, 0], fp: [2, 0, 0], tn: [0, 2, 2], fn: [0, 1, 2] });
  assert.equal(m3.result(), h.auc);
  const m = metrics.AUC();
  m.updateState(h.true, f32(h.pred));
  close(m.result(), h.auc_200, 1e-12, "200 thresholds");
  m.resetState();
  assert.equal(m.result(), 0);
  // explicit thresholds [0.5] are the same as numThresholds 3
  const mt = metrics.AUC({ thresholds: [0.5] });
  mt.updateState(h.true, f32(h.pred));
  assert.equal(mt.result(), 0.75);
  assert.deepEqual(mt.getConfig().thresholds, [0.5]);
});

test("automatic names follow Keras' counter; configs use Keras' keys and round-trip through get", () => {
  const a = metrics.AUC(), b = metrics.AUC();
  assert.match(a.name, /^auc(_\d+)?$/);
  const n = a.name === "auc" ? 0 : Number(a.name.slice(4));
  assert.equal(b.name, `auc_${n + 1}`);
  assert.match(metrics.Precision().name, /^precision(_\d+)?$/);
  assert.equal(metrics.Recall({ name: "rec" }).name, "rec");
  assert.deepEqual(metrics.AUC({ name: "x" }).getConfig(), {
    name: "x", dtype: "float32", num_thresholds: 200, curve: "ROC", summation_method: "interpolation",
    multi_label: false, num_labels: null, label_weights: null, from_logits: false,
  });
  assert.deepEqual(metrics.Precision({ name: "p" }).getConfig(), { name: "p", dtype: "float32", thresholds: null, top_k: null, class_id: null });
  assert.deepEqual(metrics.TopKCategoricalAccuracy({ k: 3 }).getConfig(), { name: "top_k_categorical_accuracy", dtype: "float32", k: 3 });
  assert.deepEqual(metrics.BinaryAccuracy().getConfig(), { name: "binary_accuracy", dtype: "float32", threshold: 0.5 });
  for (const m of [metrics.AUC({ curve: "PR", numThresholds: 10, name: "pr" }), metrics.Recall({ thresholds: [0.2, 0.4], name: "r" }), metrics.SparseTopKCategoricalAccuracy({ k: 2 })]) {
    const back = metrics.get(m.serialize());
    assert.equal(back.className, m.className);
    assert.deepEqual(back.getConfig(), m.getConfig());
  }
});

test("SparseCategoricalCrossentropy's config is Keras' own: no ignore_class, which Keras' metric refuses", () => {
  // From Keras 3.5 (the same keys through Keras 3.13):
  //   keras.metrics.serialize(keras.metrics.SparseCategoricalCrossentropy(from_logits=True))["config"]
  // Keras' load_model failed on a .keras file whose compile_config added "ignore_class": null to it
  // (SparseCategoricalCrossentropy.__init__() got an unexpected keyword argument 'ignore_class').
  const keras35 = { name: "sparse_categorical_crossentropy", dtype: "float32", from_logits: true, axis: -1 };
  const m = metrics.SparseCategoricalCrossentropy({ fromLogits: true });
  assert.deepEqual(m.serialize(), { className: "SparseCategoricalCrossentropy", config: keras35 });
  assert.deepEqual(metrics.get({ class_name: "SparseCategoricalCrossentropy", config: keras35 }).getConfig(), keras35);
  // lamina's older files wrote ignore_class null; they still load.
  assert.deepEqual(metrics.get({ class_name: "SparseCategoricalCrossentropy", config: { ...keras35, ignore_class: null } }).getConfig(), keras35);
});

test("resolveAccuracy / resolveMetric pick the accuracy from the shapes as Keras 3's compile does", () => {
  const pick = (t: number[], p: number[]): string => metrics.resolveAccuracy("sparse_categorical_crossentropy", t, p).className;
  assert.equal(pick([32], [32, 10]), "SparseCategoricalAccuracy");
  assert.equal(pick([32, 1], [32, 10]), "SparseCategoricalAccuracy");
  assert.equal(pick([32, 10], [32, 10]), "CategoricalAccuracy");
  assert.equal(pick([32, 1], [32, 1]), "BinaryAccuracy");
  assert.equal(pick([32], [32, 1]), "BinaryAccuracy");
  assert.equal(metrics.resolveAccuracy(null, [32], [32, 10]).name, "accuracy");
  const acc = metrics.resolveMetric("acc", [8], [8, 3]);
  assert.equal(acc.name, "acc");
  assert.equal(acc.className, "SparseCategoricalAccuracy");
  const mse = metrics.resolveMetric("mse", [8], [8, 1]);
  assert.equal(mse.name, "mse");
  assert.equal(mse.className, "MeanSquaredError");
  const top5 = metrics.TopKCategoricalAccuracy();
  assert.equal(metrics.resolveMetric(top5, [8, 10], [8, 10]), top5);
  assert.equal(top5.name, "top_k_categorical_accuracy");
});

test("get: class names, snake_case names, aliases, functions", () => {
  const pairs: [string, string][] = [
    ["accuracy", "Accuracy"], ["sparse_categorical_accuracy", "SparseCategoricalAccuracy"], ["categorical_accuracy", "CategoricalAccuracy"],
    ["binary_accuracy", "BinaryAccuracy"], ["top_k_categorical_accuracy", "TopKCategoricalAccuracy"], ["AUC", "AUC"], ["auc", "AUC"],
    ["precision", "Precision"], ["Recall", "Recall"], ["mse", "MeanSquaredError"], ["mae", "MeanAbsoluteError"],
    ["mean_absolute_percentage_error", "MeanAbsolutePercentageError"], ["root_mean_squared_error", "RootMeanSquaredError"],
    ["binary_crossentropy", "BinaryCrossentropy"], ["kl_divergence", "KLDivergence"], ["Mean", "Mean"],
  ];
  for (const [s, c] of pairs) assert.equal(metrics.get(s).className, c, s);
  const f = metrics.get(function halfError(t, p) { return tf.mul(tf.abs(tf.sub(t, p)), 0.5); });
  assert.equal(f.name, "half_error");
  f.updateState([1, 2], f32([2, 2]));
  assert.equal(f.result(), 0.25);
  const ce = metrics.get("categorical_crossentropy");
  ce.updateState([[0, 1]], f32([[0.5, 0.5]]));
  close(ce.result(), Math.LN2, 1e-6, "categorical_crossentropy metric");
  assert.ok(metrics.get("auc") instanceof metrics.AUC);
  assert.ok(new metrics.Mean() instanceof metrics.Metric);
});

test("errors name the metric, the shapes or values at fault and the fix", () => {
  assert.throws(() => metrics.get("acc"), (e: Error) => /unknown metric "acc"/.test(e.message) && /Did you mean/.test(e.message));
  assert.throws(() => metrics.get("top5"), /Valid names: .*"top_k_categorical_accuracy"/);
  assert.throws(() => metrics.SparseCategoricalAccuracy().updateState(tf.ones([4, 3]), f32([[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]])),
    /sparseCategoricalAccuracy: yTrue \(4, 3\) must hold one class index per row of yPred \(4, 3\).*categorical version/);
  assert.throws(() => metrics.CategoricalAccuracy().updateState([0, 1], f32([[1, 0], [0, 1]])), /must be one-hot .* use SparseCategoricalAccuracy/);
  assert.throws(() => metrics.SparseTopKCategoricalAccuracy().updateState([0, 9], f32([[1, 0], [0, 1]])), /class 9 of row 1 is out of range for 2 classes/);
  assert.throws(() => metrics.Mean({ name: "loss" }).updateState([1, 2, 3], [1, 2]), /metrics\.loss: sample weights \(2,\) do not fit the metric values \(3,\)/);
  assert.throws(() => metrics.Precision({ thresholds: [1.5] }), /thresholds must lie in \[0, 1\], got \[1.5\]/);
  assert.throws(() => metrics.AUC({ numThresholds: 1 }), /numThresholds must be an integer > 1/);
  assert.throws(() => metrics.AUC({ curve: "ROCX" as metrics.AUCCurve }), /curve must be "ROC" or "PR"/);
  assert.throws(() => metrics.Recall().updateState([1, 0, 1], f32([0.2, 0.9])), /yTrue \(3,\) and yPred \(2,\) must have the same shape/);
  assert.throws(() => metrics.TopKCategoricalAccuracy({ k: 0 }), /k must be a positive integer/);
});

test("built-in metrics refuse options they do not take, as Keras does; a user's subclass may take its own", () => {
  // A misspelt fromLogits would score logits as probabilities.
  assert.throws(() => new metrics.SparseCategoricalCrossentropy({ fromLogit: true } as never), (e: Error) =>
    e instanceof TypeError && /^metrics\.SparseCategoricalCrossentropy: unknown option fromLogit; valid options are name, fromLogits, axis$/.test(e.message));
  assert.throws(() => new metrics.BinaryAccuracy({ treshold: 0 } as never), /^TypeError: metrics\.BinaryAccuracy: unknown option treshold; valid options are name, threshold$/);
  assert.throws(() => new metrics.AUC({ num_thresholds: 50 } as never), /^TypeError: metrics\.AUC: unknown option num_thresholds; lamina spells Keras' num_thresholds as numThresholds$/);
  assert.throws(() => new metrics.Precision({ class_id: 1 } as never), /^TypeError: metrics\.Precision: unknown option class_id; lamina spells Keras' class_id as classId$/);
  assert.throws(() => new metrics.Mean({ dtype: "float64" } as never), /^TypeError: metrics\.Mean: unknown option dtype; valid options are name$/);
  // Every option stays allowed; undefined values are skipped.
  new metrics.CategoricalCrossentropy({ name: "cce", fromLogits: true, labelSmoothing: 0.1, axis: -1 });
  new metrics.AUC({ name: "a", numThresholds: 10, curve: "PR", summationMethod: "minoring", fromLogits: false });
  new metrics.Recall({ thresholds: [0.3, 0.6], classId: 0, name: undefined });
  class Thresholded extends metrics.BinaryAccuracy {
    readonly margin: number;
    constructor(opts: { margin: number }) {
      super({ threshold: 0.5 + opts.margin });
      this.margin = opts.margin;
    }
  }
  assert.equal(new Thresholded({ margin: 0.1 }).threshold, 0.6);
});
