import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "../index.js";
import { metrics } from "./index.js";

// Reference values: test/fixtures/make_metrics_more.py runs the same update_state sequences in
// Keras 3.5 (torch backend). Keras accumulates in float32, lamina in float64: hence the tolerances.
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/metrics_more.json", import.meta.url), "utf8"));
const TOL = 2e-6;

function close(actual: number, expected: number, what: string, tol = TOL): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} (tol ${tol})`);
}
function closeAll(actual: number[], expected: number[], what: string, tol = TOL): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => close(a, expected[i], `${what}[${i}]`, tol));
}
const f32 = (v: unknown): tf.Tensor => tf.constant(v as number[], "float32");

test("F1Score / FBetaScore: every average, threshold and argmax, sample weights over two batches (Keras 3.5 values)", () => {
  const F = fx.fscore;
  const i32 = (v: unknown): tf.Tensor => tf.constant(v as number[], "int32");
  for (const avg of [null, "micro", "macro", "weighted"] as const) {
    const key = String(avg === null ? "None" : avg);
    const get = (m: metrics.FBetaScore): number | number[] => (avg === null ? m.resultPerClass() : m.result());
    const check = (m: metrics.FBetaScore, expected: number | number[], what: string): void => {
      const got = get(m);
      if (Array.isArray(expected)) closeAll(got as number[], expected, what);
      else close(got as number, expected, what);
    };
    const a = metrics.F1Score({ average: avg, threshold: 0.5 });
    a.updateState(i32(F.yt), f32(F.yp));
    check(a, F[`f1_${key}_t05`], `F1 ${key} threshold 0.5`);
    a.updateState(F.yt2, f32(F.yp2), F.sw2);
    check(a, F[`f1_${key}_two`], `F1 ${key} two batches`);
    const b = metrics.F1Score({ average: avg });
    b.updateState(F.yt, f32(F.yp));
    check(b, F[`f1_${key}_argmax`], `F1 ${key} argmax`);
    b.updateState(F.yt2, f32(F.yp2), F.sw2);
    check(b, F[`f1_${key}_argmax_two`], `F1 ${key} argmax two batches (an all-zero row predicts nothing)`);
    const c = metrics.FBetaScore({ average: avg, beta: 2, threshold: 0.5 });
    c.updateState(F.yt, f32(F.yp));
    c.updateState(F.yt2, f32(F.yp2), F.sw2);
    check(c, F[`fb2_${key}_two`], `FBeta(2) ${key}`);
    const d = metrics.FBetaScore({ average: avg, beta: 0.5 });
    d.updateState(F.yt2, f32(F.yp2), F.sw2);
    check(d, F[`fb05_${key}_argmax`], `FBeta(0.5) ${key}`);
  }
  const none = metrics.F1Score({ average: "macro", threshold: 0.5 });
  none.updateState([[0, 0], [0, 0]], f32([[0.1, 0.2], [0.3, 0.4]]));
  assert.equal(none.result(), fx.fscore.f1_none_pos, "no positives: 0");
  const r = metrics.F1Score({ threshold: 0.5 });
  r.updateState(F.yt, f32(F.yp));
  r.resetState();
  r.updateState(F.yt2, f32(F.yp2));
  closeAll(r.resultPerClass(), F.f1_after_reset, "after resetState");
  assert.equal(metrics.F1Score().name, "f1_score");
  assert.equal(metrics.FBetaScore().name, "fbeta_score");
});

test("F1Score: refusals (per-class result as one number, bad options, rank, class count, weights)", () => {
  const m = metrics.F1Score();
  m.updateState([[1, 0], [0, 1]], f32([[0.9, 0.1], [0.2, 0.8]]));
  assert.throws(() => m.result(), /average null.*resultPerClass\(\)/);
  assert.throws(() => m.updateState([[1, 0, 0]], f32([[0.9, 0.1, 0]])), /3 classes, but earlier batches had 2/);
  assert.throws(() => m.updateState([1, 0], f32([0.9, 0.1])), /\[samples, classes\]/);
  assert.throws(() => m.updateState([[1, 0]], f32([[0.9, 0.1]]), [[1]]), /one per sample/);
  assert.throws(() => metrics.F1Score({ average: "samples" as "macro" }), /average must be null, "micro", "macro" or "weighted"/);
  assert.throws(() => metrics.FBetaScore({ beta: 0 }), /beta must be a number > 0/);
  assert.throws(() => metrics.F1Score({ threshold: 0 }), /0 < threshold <= 1/);
  assert.throws(() => metrics.F1Score({ beta: 2 } as never), /beta/);
  assert.throws(() => metrics.FBetaScore({ average: "micro" }).resultPerClass(), /micro/);
  // a single class: result() is that class's score
  const one = metrics.F1Score({ threshold: 0.5 });
  one.updateState([[1], [0], [1]], f32([[0.9], [0.7], [0.2]]));
  close(one.result(), 0.5, "one class: precision 1/2, recall 1/2", 1e-6);
});

test("R2Score: Keras' docstring, aggregations, sample weights, adjusted R2 and its fallback (Keras 3.5 values)", () => {
  const R = fx.r2;
  const doc = metrics.R2Score();
  doc.updateState(R.a_t, f32(R.a_p));
  close(doc.result(), R.doc, "docstring");
  for (const agg of [null, "uniform_average", "variance_weighted_average"] as const) {
    const m = metrics.R2Score({ classAggregation: agg });
    m.updateState(R.b_t, f32(R.b_p));
    m.updateState(R.c_t, f32(R.c_p), R.c_w);
    if (agg === null) closeAll(m.resultPerOutput(), R.two_None, "per output");
    else close(m.result(), R[`two_${agg}`], agg);
  }
  const adj = metrics.R2Score({ numRegressors: 2 });
  adj.updateState(R.b_t, f32(R.b_p));
  adj.updateState(R.c_t, f32(R.c_p));
  close(adj.result(), R.adjusted, "adjusted (n counts the 18 label values)");
  const fb = metrics.R2Score({ numRegressors: 20 });
  fb.updateState(R.b_t, f32(R.b_p));
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (msg: string) => { warnings.push(msg); };
  try {
    close(fb.result(), R.adjusted_fallback, "more regressors than values: plain R2");
  } finally {
    console.warn = warn;
  }
  assert.match(warnings[0], /more independent predictors/);
  const flat = metrics.R2Score();
  flat.updateState([[2], [2]], f32([[1], [3]]));
  assert.equal(flat.result(), R.constant_true_err, "labels without variance score 0");
  flat.resetState();
  flat.updateState(R.a_t, f32(R.a_p));
  close(flat.result(), R.doc, "after resetState");
  assert.throws(() => metrics.R2Score().updateState([1, 2, 4], f32([1.5, 2, 3])), /\[samples, outputs\]/);
  assert.throws(() => metrics.R2Score({ classAggregation: "median" as "uniform_average" }), /classAggregation/);
  assert.throws(() => metrics.R2Score({ numRegressors: -1 }), /numRegressors/);
  const per = metrics.R2Score({ classAggregation: null });
  per.updateState(R.b_t, f32(R.b_p));
  assert.throws(() => per.result(), /resultPerOutput\(\)/);
});

test("TruePositives / FalsePositives / TrueNegatives / FalseNegatives: thresholds, weights, two batches (Keras 3.5 values)", () => {
  const C = fx.counts;
  const p = f32(C.p);
  for (const cls of ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"] as const) {
    const E = C[cls];
    const make = metrics[cls];
    const a = make();
    a.updateState(C.t, p);
    assert.equal(a.result(), E.default, `${cls} default`);
    const b = make();
    b.updateState(C.t, p, C.w);
    b.updateState(C.t.slice(0, 3), f32(C.p.slice(0, 3)));
    close(b.result(), E.weighted_two, `${cls} weighted, two batches`);
    const c = make({ thresholds: [0, 0.3, 0.5, 0.8] });
    c.updateState(C.t, p, C.w);
    closeAll(c.resultPerThreshold(), E.thresholds, `${cls} thresholds`);
    assert.throws(() => c.result(), /resultPerThreshold/);
    const d = make({ thresholds: [0, 0.5, 1] });
    d.updateState(C.t, p);
    closeAll(d.resultPerThreshold(), E.even, `${cls} evenly spaced thresholds`);
    d.resetState();
    assert.deepEqual(d.resultPerThreshold(), [0, 0, 0]);
    const cfg = make({ thresholds: [0.3, 0.6] }).getConfig();
    assert.deepEqual(Object.keys(cfg).sort(), Object.keys(E.config).sort());
    assert.deepEqual(cfg.thresholds, E.config.thresholds);
  }
  assert.match(metrics.TruePositives().name, /^true_positives(_\d+)?$/);
  assert.throws(() => metrics.FalseNegatives({ thresholds: [1.5] }), /\[0, 1\]/);
});

test("SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision (Keras 3.5 values)", () => {
  const S = fx.sens;
  const p = f32(S.p);
  for (const cls of ["SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall", "RecallAtPrecision"] as const) {
    const E = S[cls];
    const make = metrics[cls];
    for (const v of [0, 0.5, 0.8, 1]) {
      const key = `v${v.toFixed(1)}`;
      const a = make(v);
      a.updateState(S.t.slice(0, 25), f32(S.p.slice(0, 25)));
      a.updateState(S.t.slice(25), f32(S.p.slice(25)));
      close(a.result(), E[key], `${cls}(${v}) two batches`);
      const b = make(v);
      b.updateState(S.t, p, S.w);
      close(b.result(), E[`${key}_w`], `${cls}(${v}) weighted`, 1e-6 * 2);
      const c = make(v, { numThresholds: 1 });
      c.updateState(S.t, p);
      close(c.result(), E[`${key}_n1`], `${cls}(${v}) one threshold (0.5)`);
      const d = make(v, { numThresholds: 7 });
      d.updateState(S.t, p, S.w);
      close(d.result(), E[`${key}_n7`], `${cls}(${v}) 7 thresholds, weighted`);
      const e = make(v, { classId: 2 });
      e.updateState(S.mt, f32(S.mp));
      close(e.result(), E[`${key}_class2`], `${cls}(${v}) classId 2`);
      e.resetState();
      e.updateState(S.mt, f32(S.mp));
      close(e.result(), E[`${key}_class2`], `${cls}(${v}) after resetState`);
    }
    const np = make(0.5);
    np.updateState([0, 0, 0, 0], f32([0.1, 0.6, 0.4, 0.9]));
    assert.equal(np.result(), E.no_pos, `${cls}: no positive labels`);
    const nn = make(0.5);
    nn.updateState([1, 1, 1, 1], f32([0.1, 0.6, 0.4, 0.9]));
    assert.equal(nn.result(), E.no_neg, `${cls}: no negative labels`);
    assert.deepEqual(make(0.7, { numThresholds: 50, classId: 1, name: "x" }).getConfig(), E.config);
    assert.throws(() => make(1.5), /in \[0, 1\]/);
    assert.throws(() => make(0.5, { numThresholds: 0 }), /numThresholds/);
    assert.throws(() => metrics.get(cls), /needs its/);
  }
});

test("MeanSquaredLogarithmicError, LogCoshError, Poisson, CategoricalHinge metrics: names, weights, two batches (Keras 3.5 values)", () => {
  const W = fx.wrappers;
  for (const cls of ["MeanSquaredLogarithmicError", "LogCoshError", "Poisson", "CategoricalHinge"] as const) {
    const E = W[cls];
    const t = cls === "CategoricalHinge" ? W.ht : W.t;
    const a = metrics[cls]();
    assert.equal(a.name, E.name);
    a.updateState(t, f32(W.p));
    close(a.result(), E.plain, `${cls} plain`);
    const b = metrics[cls]();
    b.updateState(t, f32(W.p), W.w);
    b.updateState(t.slice(0, 2), f32(W.p.slice(0, 2)));
    close(b.result(), E.weighted_two, `${cls} weighted, two batches`);
  }
});

test("metrics.get: the names Keras 3.5's metrics.get accepts, configs written by Keras 3.5 load and round-trip", () => {
  const names: Record<string, string> = {
    msle: "MeanSquaredLogarithmicError", MSLE: "MeanSquaredLogarithmicError", mean_squared_logarithmic_error: "MeanSquaredLogarithmicError",
    log_cosh_error: "LogCoshError", poisson: "Poisson", categorical_hinge: "CategoricalHinge", f1_score: "F1Score",
    f_beta_score: "FBetaScore", r2_score: "R2Score", true_positives: "TruePositives", false_negatives: "FalseNegatives",
  };
  for (const [n, cls] of Object.entries(names)) assert.equal(metrics.get(n).className, cls, n);
  // not Keras metric names (Keras 3.5: "Could not interpret metric identifier")
  for (const n of ["logcosh", "fbeta_score"]) assert.throws(() => metrics.get(n), /unknown metric/);
  const F = fx.fscore;
  const f1 = metrics.deserialize({ class_name: "F1Score", config: F.f1_config });
  assert.equal(f1.name, "f1");
  assert.deepEqual(f1.getConfig(), F.f1_config);
  const fb = metrics.deserialize({ class_name: "FBetaScore", config: F.fb_config });
  assert.deepEqual(fb.getConfig(), F.fb_config);
  const r2 = metrics.deserialize({ class_name: "R2Score", config: fx.r2.config });
  assert.deepEqual(r2.getConfig(), fx.r2.config);
  const r2null = metrics.deserialize({ class_name: "R2Score", config: { class_aggregation: null } }) as metrics.R2Score;
  assert.equal(r2null.classAggregation, null);
  const tp = metrics.deserialize({ class_name: "TruePositives", config: fx.counts.TruePositives.config });
  assert.deepEqual(tp.getConfig(), fx.counts.TruePositives.config);
  const sas = metrics.deserialize({ class_name: "RecallAtPrecision", config: fx.sens.RecallAtPrecision.config });
  assert.deepEqual(sas.getConfig(), fx.sens.RecallAtPrecision.config);
  assert.throws(() => metrics.deserialize({ class_name: "F1Score", config: { beta: 2 } }), /beta/);
});

test("a .keras file written by Keras 3.5 with these metrics in its compile_config loads, and saves the same config again", async () => {
  tf.clearSession();
  const path = new URL("../../test/fixtures/metrics_more_compiled.keras", import.meta.url).pathname;
  const loaded = await tf.models.loadModel(path);
  const cc = JSON.parse(loaded.toJSON()).compile_config;
  const keras = JSON.parse(readFileSync(join(dirname(path), "metrics_more_compiled.metrics.json"), "utf8"));
  assert.deepEqual(cc.metrics, keras);
  // F1Score's default average (null) scores each of the 2 outputs: one number per metric is refused clearly.
  const x = tf.random.normal([6, 3], 0, 1, { seed: 5 });
  const y = tf.constant([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]], "float32");
  await assert.rejects(async () => loaded.evaluate(x, y, { verbose: 0 }), /f1_score: with average null the score is per class \(2 classes\)/);
});

test("compile/fit/evaluate with the new metrics log them under Keras' names", async () => {
  tf.clearSession();
  tf.random.setSeed(3);
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [3] }), tf.layers.Dense(2, { activation: "sigmoid" })]);
  model.compile({
    optimizer: "adam", loss: "binary_crossentropy",
    metrics: [metrics.F1Score({ average: "macro", threshold: 0.5 }), metrics.R2Score(), metrics.TruePositives(), metrics.PrecisionAtRecall(0.5), "msle", "log_cosh_error", "poisson", "categorical_hinge"],
  });
  const x = tf.random.normal([8, 3], 0, 1, { seed: 1 });
  const y = tf.constant([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0]], "float32");
  const h = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, validationData: [x, y] });
  const keys = ["f1_score", "r2_score", "true_positives", "precision_at_recall", "msle", "log_cosh_error", "poisson", "categorical_hinge"];
  assert.deepEqual(Object.keys(h.history).sort(), ["loss", "val_loss", ...keys, ...keys.map((k) => `val_${k}`)].sort());
  const logs = (await model.evaluate(x, y, { verbose: 0, returnDict: true })) as Record<string, number>;
  // the logged values are those of the metric on the whole data
  const p = model.predict(x) as tf.Tensor;
  const tp = metrics.TruePositives();
  tp.updateState(y, p);
  assert.equal(logs.true_positives, tp.result());
  const msle = metrics.MeanSquaredLogarithmicError();
  msle.updateState(y, p);
  close(logs.msle, msle.result(), "msle", 1e-6);
});

test("Sum: Keras' docstring values, weights on higher-rank values, reset, config round trip", () => {
  const m = tf.metrics.Sum();
  m.updateState([1, 3, 5, 7]);
  assert.equal(m.result(), 16);
  const w = tf.metrics.Sum({ name: "weighted" });
  w.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
  assert.equal(w.result(), 4);
  // By hand: rows summed (3 and 7), then weighted 1 and 0.5: 3 + 3.5.
  w.resetState();
  w.updateState(tf.constant([[1, 2], [3, 4]], "float32"), [1, 0.5]);
  assert.equal(w.result(), 6.5);
  w.updateState([0.1]);
  assert.equal(w.total, Math.fround(6.5 + Math.fround(0.1)));
  const back = tf.metrics.deserialize(tf.metrics.serialize(w));
  assert.equal(back.className, "Sum");
  assert.equal(back.name, "weighted");
});

test("keras.metrics' loss functions: metrics.meanSquaredError and the others give one value per sample", () => {
  const mse = tf.metrics.meanSquaredError(tf.constant([[0, 1], [1, 1]], "float32"), tf.constant([[1, 1], [1, 3]], "float32"));
  assert.deepEqual(Array.from(mse.dataSync() as Float32Array), [0.5, 2]);
  assert.equal(tf.metrics.binaryCrossentropy, tf.losses.binaryCrossentropy);
  for (const name of ["binaryFocalCrossentropy", "categoricalFocalCrossentropy", "categoricalHinge", "hinge", "huber", "klDivergence", "logCosh",
    "meanAbsoluteError", "meanAbsolutePercentageError", "meanSquaredLogarithmicError", "poisson", "sparseCategoricalCrossentropy", "squaredHinge", "categoricalCrossentropy"]) {
    assert.equal(typeof (tf.metrics as Record<string, unknown>)[name], "function", name);
  }
});
