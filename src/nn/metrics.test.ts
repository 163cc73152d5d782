import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  // Keras' Mean holds float32 total and count: its result is float32(0.8), logged as 0.800000011920929.
  assert.equal(loss.result(), Math.fround((0.5 * 32 + 2 * 8) / 40), "loss tracker");
  assert.equal(loss.count, 40);
  // rows of a [n, k] batch are averaged first, then weighted per sample
  const r = metrics.Mean();
  r.updateState(tf.constant([[1, 3], [5, 9]]), [3, 1]);
  assert.equal(r.result(), Math.fround((2 * 3 + 7 * 1) / 4), "per-sample rows");
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
  // Float64 predictions, but the means are Keras' float32 (its Mean variables are floatx).
  const mse = metrics.MeanSquaredError();
  mse.updateState(R.true, tf.constant(R.pred, "float64"));
  close(mse.result(), R.mse, 2e-7 * R.mse, "mse");
  assert.equal(mse.result(), Math.fround(mse.result()), "mse is a float32 value");
  mse.resetState();
  mse.updateState(R.true, tf.constant(R.pred, "float64"), R.sample_weight);
  close(mse.result(), R.mse_weighted, 2e-7 * R.mse_weighted, "mse weighted");
  const mae = metrics.get("mae");
  mae.updateState(R.true, tf.constant(R.pred, "float64"));
  close(mae.result(), R.mae, 2e-7 * R.mae, "mae");
  const rmse = metrics.RootMeanSquaredError();
  rmse.updateState(R.true, tf.constant(R.pred, "float64"));
  close(rmse.result(), R.rmse, 2e-7 * R.rmse, "rmse");
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

// ---------------------------------------------------------------- topK, multiLabel AUC: Keras 3.5's own values

// Computed by Keras 3.5 itself:
//   KERAS_BACKEND=torch /usr/bin/python3 -c "import sys; sys.path.insert(0,'/work/main/scratch'); import kimport, keras, numpy as np; ..."
//   rng = np.random.RandomState(0); 3 batches of y_true = (rng.rand(5, 4) > 0.5), y_pred = rng.rand(5, 4),
//   sample_weight = rng.rand(5) (PR_*), then 3 batches of (6, 3) the same way (AUC_*), all float32;
//   for each case m = keras.metrics.Precision(**kw) / Recall / AUC(**kw): m.update_state(t, p, sample_weight=w)
//   then m.result() after each batch (KERAS_*[case]), and a fresh m updated with no weights, its
//   result after the 3 batches (KERAS_*[case + "_now"]). AUC with from_logits gets (p - 0.5) * 4.
//   torch 1.13 has no torch.vmap, which Keras 3.5's multi_label AUC maps over labels with; the
//   command sets torch.vmap = a loop over the labels that stacks fn(label) (the same map).
const PR_T = [[[1.0, 1.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0]], [[1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]], [[0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]];
const PR_P = [[[0.15896958112716675, 0.11037514358758926, 0.6563295722007751, 0.13818295300006866], [0.1965823620557785, 0.3687251806259155, 0.8209932446479797, 0.09710127860307693], [0.8379449248313904, 0.0960984081029892, 0.9764594435691833, 0.4686512053012848], [0.9767611026763916, 0.6048455238342285, 0.7392635941505432, 0.03918779268860817], [0.28280696272850037, 0.12019655853509903, 0.296140193939209, 0.11872772127389908]], [[0.3179831802845001, 0.414262980222702, 0.06414749473333359, 0.6924721002578735], [0.5666014552116394, 0.26538950204849243, 0.5232480764389038, 0.09394051134586334], [0.5759465098381042, 0.9292961955070496, 0.3185689449310303, 0.6674103736877441], [0.13179786503314972, 0.7163271903991699, 0.28940609097480774, 0.18319135904312134], [0.5865129232406616, 0.02010754682123661, 0.8289400339126587, 0.004695476032793522]], [[0.6778165102005005, 0.2700079679489136, 0.7351940274238586, 0.9621885418891907], [0.2487531453371048, 0.5761573314666748, 0.5920419096946716, 0.5722519159317017], [0.22308163344860077, 0.9527490139007568, 0.4471253752708435, 0.8464086651802063], [0.6994792819023132, 0.2974369525909424, 0.8137978315353394, 0.396505743265152], [0.8811032176017761, 0.5812729001045227, 0.8817353844642639, 0.6925315856933594]]];
const PR_W = [[0.7252542972564697, 0.5013243556022644, 0.9560836553573608, 0.6439902186393738, 0.4238550364971161], [0.6063932180404663, 0.019193198531866074, 0.30157482624053955, 0.6601735353469849, 0.2900775969028473], [0.6180154085159302, 0.42876869440078735, 0.1354740709066391, 0.29828232526779175, 0.5699648857116699]];
const KERAS_PR: Record<string, number[][] | number[]> = {"Precision_k2": [[0.7586269974708557], [0.749478816986084], [0.6687794923782349]], "Precision_k2_now": [0.5666666626930237], "Recall_k2": [[0.5285179018974304], [0.5385429859161377], [0.5731556415557861]], "Recall_k2_now": [0.5151515007019043], "Precision_k1c2": [[0.8076650500297546], [0.8269262909889221], [0.5711714029312134]], "Precision_k1c2_now": [0.5], "Recall_k1c2": [[1.0], [1.0], [0.7607027888298035]], "Recall_k1c2_now": [0.6666666865348816], "Precision_k2th": [[0.7675927877426147, 0.7412728071212769], [0.8148658871650696, 0.780325710773468], [0.6971839070320129, 0.6740486025810242]], "Precision_k2th_now": [0.5769230723381042, 0.5789473652839661], "Recall_k2th": [[0.4053744673728943, 0.3516503572463989], [0.4580327868461609, 0.36009883880615234], [0.5045607686042786, 0.3955259323120117]], "Recall_k2th_now": [0.4545454680919647, 0.3333333432674408], "Precision_k3c0": [[0.7153738737106323], [0.7886243462562561], [0.7375905513763428]], "Precision_k3c0_now": [0.6666666865348816], "Recall_k3c0": [[1.0], [1.0], [0.9110510349273682]], "Recall_k3c0_now": [0.8888888955116272]};
const AUC_T = [[[1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]], [[1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 1.0]], [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]]];
const AUC_P = [[[0.31194499135017395, 0.39822107553482056, 0.20984375476837158], [0.18619300425052643, 0.9443724155426025, 0.739550769329071], [0.49045881628990173, 0.22741462290287018, 0.2543564736843109], [0.058029159903526306, 0.43441662192344666, 0.3117958903312683], [0.6963434815406799, 0.37775182723999023, 0.1796036809682846], [0.024678727611899376, 0.06724963337182999, 0.6793927550315857]], [[0.4536968469619751, 0.5365791916847229, 0.8966712951660156], [0.990338921546936, 0.21689698100090027, 0.6630781888961792], [0.2633223831653595, 0.02065099962055683, 0.7583786249160767], [0.32001715898513794, 0.38346388936042786, 0.5883170962333679], [0.8310484290122986, 0.6289818286895752, 0.872650682926178], [0.27354204654693604, 0.7980468273162842, 0.18563593924045563]], [[0.9527916312217712, 0.6874882578849792, 0.21550767123699188], [0.9473705887794495, 0.7308558225631714, 0.2539416551589966], [0.21331197023391724, 0.518200695514679, 0.02566271834075451], [0.20747007429599762, 0.4246854782104492, 0.3741699755191803], [0.46357542276382446, 0.27762871980667114, 0.5867843627929688], [0.8638556003570557, 0.11753185838460922, 0.517379105091095]]];
const AUC_W = [[0.13206811249256134, 0.7168596982955933, 0.39605969190597534, 0.5654212832450867, 0.1832798421382904, 0.14484776556491852], [0.4880562722682953, 0.35561272501945496, 0.9404319524765015, 0.7653252482414246, 0.748663604259491, 0.9037197232246399], [0.08342243731021881, 0.5521924495697021, 0.5844760537147522, 0.961936354637146, 0.29214751720428467, 0.24082878232002258]];
const KERAS_AUC: Record<string, number[][] | number[]> = {"AUC_ml": [[0.3864363133907318], [0.3193834125995636], [0.3796384036540985]], "AUC_ml_now": [0.37266412377357483], "AUC_mlw": [[0.3468483090400696], [0.255548894405365], [0.28347980976104736]], "AUC_mlw_now": [0.2820075750350952], "AUC_mlpr": [[0.61874920129776], [0.5630843043327332], [0.5807578563690186]], "AUC_mlpr_now": [0.5744242072105408], "AUC_mlprw": [[0.8063415288925171], [0.6107208728790283], [0.6222708821296692]], "AUC_mlprw_now": [0.6094931960105896], "AUC_mlth": [[0.4196670949459076], [0.33386221528053284], [0.4064548909664154]], "AUC_mlth_now": [0.41666969656944275], "AUC_lw": [[0.2673492133617401], [0.23026172816753387], [0.30260753631591797]], "AUC_lw_now": [0.31477031111717224], "AUC_mllog": [[0.3706408441066742], [0.29397982358932495], [0.3725111186504364]], "AUC_mllog_now": [0.37668049335479736]};

function checkAgainstKeras(
  make: () => tf.metrics.Metric, ts: number[][][], ps: number[][][], ws: number[][], expected: Record<string, number[][] | number[]>, key: string,
  pred: (p: number[][]) => number[][] = (p) => p,
): void {
  const value = (m: tf.metrics.Metric): number[] => ("resultPerThreshold" in m && (m as tf.metrics.Precision).thresholds.length > 1
    ? (m as tf.metrics.Precision).resultPerThreshold() : [m.result()]);
  const m = make();
  ts.forEach((t, i) => {
    m.updateState(f32(t), f32(pred(ps[i])), f32(ws[i]));
    const want = (expected[key] as number[][])[i];
    value(m).forEach((v, j) => close(v, want[j], 2e-6, `${key} after batch ${i}[${j}]`));
  });
  const now = make();
  ts.forEach((t, i) => now.updateState(f32(t), f32(pred(ps[i]))));
  const want = expected[`${key}_now`] as number[];
  value(now).forEach((v, j) => close(v, want[j], 2e-6, `${key}_now[${j}]`));
  now.resetState();
  ts.forEach((t, i) => now.updateState(f32(t), f32(pred(ps[i]))));
  value(now).forEach((v, j) => close(v, want[j], 2e-6, `${key}_now after resetState[${j}]`));
}

test("Precision / Recall topK (with classId and thresholds): Keras 3.5's values over weighted batches", () => {
  const cases: [string, tf.metrics.PrecisionRecallOptions][] = [
    ["k2", { topK: 2 }], ["k1c2", { topK: 1, classId: 2 }], ["k2th", { topK: 2, thresholds: [0.3, 0.6] }], ["k3c0", { topK: 3, classId: 0 }],
  ];
  for (const [key, opts] of cases) {
    checkAgainstKeras(() => metrics.Precision(opts), PR_T, PR_P, PR_W, KERAS_PR, `Precision_${key}`);
    checkAgainstKeras(() => metrics.Recall(opts), PR_T, PR_P, PR_W, KERAS_PR, `Recall_${key}`);
  }
  // topK's default threshold is Keras' NEG_INF (-1e10): every top-k prediction counts as positive.
  assert.deepEqual(metrics.Precision({ topK: 2 }).thresholds, [-1e10]);
  // Ties go to the lower index (tf.math.top_k): of [0.5, 0.5, 0.1] the top 1 is class 0.
  const r = metrics.Recall({ topK: 1 });
  r.updateState([[0, 1, 0]], [[0.5, 0.5, 0.1]]);
  assert.equal(r.result(), 0);
});

test("AUC multiLabel (numLabels, labelWeights, PR, explicit thresholds, fromLogits) and labelWeights without multiLabel: Keras 3.5's values", () => {
  const cases: [string, tf.metrics.AUCOptions][] = [
    ["ml", { multiLabel: true }], ["mlw", { multiLabel: true, labelWeights: [1.0, 2.0, 0.5] }],
    ["mlpr", { multiLabel: true, curve: "PR", numThresholds: 50, numLabels: 3 }],
    ["mlprw", { multiLabel: true, curve: "PR", summationMethod: "majoring", labelWeights: [0.2, 0.0, 1.0] }],
    ["mlth", { multiLabel: true, thresholds: [0.1, 0.35, 0.5, 0.8] }],
    ["lw", { labelWeights: [1.0, 2.0, 0.5] }],
  ];
  for (const [key, opts] of cases) checkAgainstKeras(() => metrics.AUC(opts), AUC_T, AUC_P, AUC_W, KERAS_AUC, `AUC_${key}`);
  checkAgainstKeras(() => metrics.AUC({ multiLabel: true, fromLogits: true, numThresholds: 20 }), AUC_T, AUC_P, AUC_W, KERAS_AUC, "AUC_mllog",
    (p) => p.map((row) => row.map((v) => Math.fround((Math.fround(v) - 0.5) * 4))));
  // The average is over the per-label AUCs, which are the single-label AUCs of each column.
  const ml = metrics.AUC({ multiLabel: true });
  const cols = [0, 1, 2].map(() => metrics.AUC());
  AUC_T.forEach((t, i) => {
    ml.updateState(t, AUC_P[i], AUC_W[i]);
    cols.forEach((c, j) => c.updateState(t.map((r) => r[j]), AUC_P[i].map((r) => r[j]), AUC_W[i]));
  });
  ml.resultPerLabel().forEach((v, j) => close(v, cols[j].result(), 1e-12, `label ${j}`));
  assert.equal(ml.confusionPerLabel().length, 3);
  assert.throws(() => ml.confusion(), /^RangeError: metrics\.auc(_\d+)?: a multiLabel AUC has counts per label; call confusionPerLabel\(\)$/);
});

test("topK, classId, multiLabel, numLabels, labelWeights: Keras 3.5's config keys, round trip, refusals", () => {
  // keras.saving.serialize_keras_object(...)["config"] in Keras 3.5 for Precision(top_k=2, class_id=1) and
  // AUC(multi_label=True, label_weights=[1., 2., 0.5], num_labels=3). Keras 3.5 writes its label_weights
  // tensor as { class_name: "__tensor__", ... }, which its own load_model fails on (AUC.from_config gets
  // the dict: "ValueError: Invalid dtype: object"); lamina writes the list, which Keras' constructor
  // takes, and reads both.
  const precision35 = { name: "precision", dtype: "float32", thresholds: null, top_k: 2, class_id: 1 };
  const auc35 = {
    name: "auc", dtype: "float32", num_thresholds: 200, curve: "ROC", summation_method: "interpolation", multi_label: true, num_labels: 3,
    label_weights: { class_name: "__tensor__", config: { value: [1.0, 2.0, 0.5], dtype: "float32" } }, from_logits: false,
  };
  const aucWritten = { ...auc35, label_weights: [1.0, 2.0, 0.5] };
  assert.deepEqual(metrics.Precision({ name: "precision", topK: 2, classId: 1 }).getConfig(), precision35);
  assert.deepEqual(metrics.AUC({ name: "auc", multiLabel: true, labelWeights: [1, 2, 0.5], numLabels: 3 }).getConfig(), aucWritten);
  const p = metrics.get({ class_name: "Precision", config: precision35 }) as metrics.Precision;
  assert.equal(p.topK, 2);
  assert.equal(p.classId, 1);
  assert.deepEqual(p.getConfig(), precision35);
  const r = metrics.get({ class_name: "Recall", config: { ...precision35, name: "recall", thresholds: [0.3, 0.6] } }) as metrics.Recall;
  assert.equal(r.topK, 2);
  assert.deepEqual(r.thresholds, [0.3, 0.6]);
  const a = metrics.get({ class_name: "AUC", config: auc35 }) as metrics.AUC;
  assert.equal(a.multiLabel, true);
  assert.equal(a.numLabels, 3);
  assert.deepEqual(a.labelWeights, [1, 2, 0.5]);
  assert.deepEqual(a.getConfig(), aucWritten);
  // label_weights as a plain list (Keras' constructor takes one) loads too; weights are kept as float32.
  const a2 = metrics.get({ class_name: "AUC", config: { ...auc35, label_weights: [0.2, 1, 1] } }) as metrics.AUC;
  assert.deepEqual(a2.labelWeights, [Math.fround(0.2), 1, 1]);
  // Not multi-label, with label weights (Keras weights each label's predictions in the counts).
  const a3 = metrics.AUC({ labelWeights: [1, 0.5] });
  assert.deepEqual(a3.getConfig().label_weights, [1, 0.5]);
  assert.deepEqual(metrics.get(a3.serialize()).getConfig(), a3.getConfig());

  const refuses = (make: () => unknown, message: RegExp): void => {
    assert.throws(make, (e: unknown) => e instanceof Error && message.test(e.message), String(message));
  };
  refuses(() => metrics.Precision({ topK: 0 }), /^metrics\.Precision: topK must be a positive integer \(or null for all predictions\), got 0$/);
  refuses(() => metrics.Recall({ topK: 1.5 }), /^metrics\.Recall: topK must be a positive integer .* got 1\.5$/);
  refuses(() => metrics.get({ class_name: "Precision", config: { ...precision35, top_k: "2" } }), /metrics\.Precision: config key "top_k" must be a number, got "2"/);
  refuses(() => metrics.Precision({ topK: 5 }).updateState([[0, 1, 0]], [[0.1, 0.2, 0.7]]),
    /^metrics\.precision(_\d+)?: topK 5 is larger than the 3 classes of yPred \(1, 3\); use a topK of at most 3$/);
  refuses(() => metrics.AUC({ numLabels: 3 }), /^metrics\.AUC: numLabels 3 is only used with multiLabel: true \(as in Keras\); pass multiLabel: true or drop numLabels$/);
  refuses(() => metrics.AUC({ multiLabel: true, numLabels: 0 }), /numLabels must be a positive integer, got 0$/);
  refuses(() => metrics.AUC({ multiLabel: true, labelWeights: [1, -1] }), /labelWeights must be a non-empty list of finite numbers >= 0, one per label, got \[1,-1\]$/);
  refuses(() => metrics.AUC({ multiLabel: true, numLabels: 3, labelWeights: [1, 1] }), /labelWeights has 2 weights but numLabels is 3; give one weight per label$/);
  refuses(() => metrics.AUC({ multiLabel: true }).updateState([0, 1], [0.2, 0.8]), /with multiLabel, yPred must have rank 2 \(\[samples, labels\]\), got \(2,\)$/);
  refuses(() => metrics.AUC({ multiLabel: true, numLabels: 2 }).updateState([[0, 1, 1]], [[0.2, 0.8, 0.5]]), /yPred \(1, 3\) has 3 labels, but this metric counts 2 \(numLabels\)$/);
  refuses(() => metrics.AUC({ multiLabel: true, labelWeights: [1, 2] }).updateState([[0, 1, 1]], [[0.2, 0.8, 0.5]]), /labelWeights has 2 weights but yPred \(1, 3\) has 3 labels; give one weight per label$/);
  refuses(() => metrics.AUC({ labelWeights: [1, 2] }).updateState([[0, 1, 1]], [[0.2, 0.8, 0.5]]), /labelWeights has 2 weights but yPred \(1, 3\) has 3 labels on its last axis; give one weight per label$/);
  refuses(() => metrics.get({ class_name: "AUC", config: { ...auc35, label_weights: "heavy" } }), /metrics\.AUC: config key "label_weights" must be a list of numbers \(or Keras' serialized tensor of them\), got "heavy"/);
});

test(".keras save/load of a model compiled with ignoreClass, topK/classId and a multiLabel AUC keeps them", async () => {
  tf.clearSession();
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [4] }), tf.layers.Dense(3, { activation: "softmax" })]);
  model.compile({
    optimizer: "adam",
    loss: tf.losses.SparseCategoricalCrossentropy({ ignoreClass: -1 }),
    metrics: [metrics.Precision({ topK: 2, classId: 1 }), metrics.Recall({ topK: 1, thresholds: [0.2, 0.4] }), metrics.AUC({ multiLabel: true, numLabels: 3, labelWeights: [1, 2, 0.5] })],
  });
  const dir = mkdtempSync(join(tmpdir(), "lamina-metric-options-"));
  try {
    const path = join(dir, "options.keras");
    await model.save(path);
    const loaded = await tf.models.loadModel(path);
    assert.equal(loaded.toJSON(), model.toJSON());
    const cc = JSON.parse(loaded.toJSON()).compile_config;
    assert.deepEqual(cc.loss.config, { name: "sparse_categorical_crossentropy", reduction: "sum_over_batch_size", from_logits: false, ignore_class: -1 });
    assert.equal(cc.metrics[0].config.top_k, 2);
    assert.equal(cc.metrics[0].config.class_id, 1);
    assert.deepEqual(cc.metrics[2].config.label_weights, [1, 2, 0.5]);
    // The loaded loss ignores the class: labels -1 leave the mean.
    const x = tf.random.normal([4, 4], 0, 1, { seed: 3 });
    const y = tf.constant([0, -1, 2, -1], "float32");
    const lossOf = (m: tf.models.Model): number => m.compiled!.loss.call(y, m.predict(x)).item();
    close(lossOf(loaded), lossOf(model), 1e-7, "loss after load");
    const p = model.predict(x).arraySync() as number[][];
    close(lossOf(loaded), (-Math.log(p[0][0]) - Math.log(p[2][2])) / 2, 1e-6, "mean over the 2 valid labels");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a custom metric or loss function typed (yTrue: Tensor, yPred: Tensor) is accepted and always called with tensors, also for an array yTrue and int predictions", () => {
  const seen: boolean[] = [];
  function matches(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    seen.push(yTrue instanceof tf.Tensor && yPred instanceof tf.Tensor);
    return tf.cast(tf.equal(yTrue, yPred), "float32");
  }
  const m = metrics.MeanMetricWrapper(matches);
  // Labels [1, 2, 3] against int32 predictions [1, 0, 3]: 2 of 3 equal.
  m.updateState([1, 2, 3], tf.constant([1, 0, 3], "int32"));
  assert.ok(Math.abs(m.result() - 2 / 3) < 1e-7);
  const loss = tf.losses.get(function absDiff(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    seen.push(yTrue instanceof tf.Tensor && yPred instanceof tf.Tensor);
    return tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1);
  });
  assert.ok(Math.abs(Number(loss.apply([[1, 2]], tf.constant([[2, 4]], "float32")).item()) - 1.5) < 1e-7);
  assert.deepEqual(seen, [true, true]);
});

test("metrics.CosineSimilarity keeps its axis through getConfig and metrics.get", () => {
  const m = metrics.CosineSimilarity({ axis: 0 });
  assert.deepEqual(m.getConfig(), { name: "cosine_similarity", dtype: "float32", axis: 0 });
  const back = metrics.get(m.serialize()) as InstanceType<typeof metrics.CosineSimilarity>;
  back.updateState(f32([[1, 0], [1, 0]]), f32([[1, 0], [0, 1]]));
  // Along axis 0: column 0 gives [1,1]·[1,0]/sqrt(2) = 0.7071 and column 1 ([0,0]) gives 0, mean 0.3536;
  // along the default axis -1 the rows would give (1 + 0) / 2 = 0.5.
  assert.ok(Math.abs((back.result() as number) - Math.SQRT1_2 / 2) < 1e-6);
});
