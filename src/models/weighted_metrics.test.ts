import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { compileFromConfig, serializeCompileConfig } from "../io/serialization.js";

const { layers, models } = tf;

/*
 * compile's weightedMetrics against Keras 3.5 (torch backend): test/fixtures/make_weighted_metrics.py
 * fits, evaluates and runs the on-batch methods of tiny models with fixed weights, with sample and
 * class weights, and writes their logs, evaluate's list and the compile_config Keras writes.
 */
type Runs = Record<string, Record<string, number | number[]> | number[]> & { compile_config: Record<string, unknown> };
const fx = JSON.parse(readFileSync("test/fixtures/weighted_metrics.json", "utf8")) as {
  x: number[][]; y: number[]; sw: number[]; xv: number[][]; yv: number[]; swv: number[]; y_reg: number[][];
  class_weight: Record<string, number>; kernel: number[][]; bias: number[];
  single: Runs; two_list: Runs; two_dict: Runs;
};
const f32 = (v: number[] | number[][]): tf.Tensor => tf.constant(v, undefined, "float32");
const x = (): tf.Tensor => f32(fx.x);
const y = (): tf.Tensor => tf.constant(fx.y, undefined, "int32");
const sw = (): tf.Tensor => f32(fx.sw);
const classWeight = Object.fromEntries(Object.entries(fx.class_weight).map(([k, v]) => [Number(k), v]));
const rows = (t: tf.Tensor, n: number): tf.Tensor => tf.slice(t, [0, ...t.shape.slice(1).map(() => 0)], [n, ...t.shape.slice(1).map(() => -1)]);

function single(): tf.models.Model {
  const inputs = layers.Input({ shape: [4], name: "x" });
  const m = new models.Model({ inputs, outputs: layers.Dense(3, { activation: "softmax", name: "probs" })(inputs), name: "single" });
  m.setWeights([f32(fx.kernel), f32(fx.bias)]);
  m.compile({
    optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"], weightedMetrics: ["accuracy", "sparse_categorical_crossentropy", "accuracy"],
  });
  return m;
}

function two(form: "list" | "dict"): tf.models.Model {
  const inputs = layers.Input({ shape: [4], name: "x" });
  const amount = layers.Dense(1, { name: "amount" })(inputs);
  const category = layers.Dense(3, { activation: "softmax", name: "category" })(inputs);
  const m = new models.Model({ inputs, outputs: [amount, category], name: "two" });
  m.setWeights([f32(fx.kernel.map((r) => [r[0]])), f32([fx.bias[0]]), f32(fx.kernel), f32(fx.bias)]);
  m.compile({
    optimizer: tf.optimizers.SGD({ learningRate: 0.1 }), loss: ["mse", "sparse_categorical_crossentropy"], metrics: { amount: ["mae"] },
    weightedMetrics: form === "list" ? [["mae"], ["accuracy"]] : { category: ["accuracy", "accuracy"] },
  });
  return m;
}

/** Same keys as Keras' logs (in any order) and the same values. */
function sameLogs(got: Record<string, number | number[]>, want: Record<string, number | number[]>, what: string): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${what}: keys`);
  for (const k of Object.keys(want)) assertAllClose([got[k]].flat(), [want[k]].flat(), { rtol: 2e-5, atol: 1e-6, what: `${what}: ${k}` });
}

const CASES = [
  { name: "single", make: single, ys: (): tf.Tensor | tf.Tensor[] => y(), yv: (): tf.Tensor | tf.Tensor[] => tf.constant(fx.yv, undefined, "int32") },
  { name: "two_list", make: () => two("list"), ys: () => [f32(fx.y_reg), y()], yv: () => [rows(f32(fx.y_reg), 6), tf.constant(fx.yv, undefined, "int32")] },
  { name: "two_dict", make: () => two("dict"), ys: () => [f32(fx.y_reg), y()], yv: () => [rows(f32(fx.y_reg), 6), tf.constant(fx.yv, undefined, "int32")] },
] as const;

for (const c of CASES) {
  const want = fx[c.name];
  const slice4 = (t: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] => (Array.isArray(t) ? t.map((u) => rows(u, 4)) : rows(t, 4));

  test(`weightedMetrics (${c.name}): fit with sampleWeight and weighted validation data logs Keras 3.5's names and values`, async () => {
    const h = await c.make().fit(x(), c.ys(), { sampleWeight: sw(), validationData: [f32(fx.xv), c.yv(), f32(fx.swv)], epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    sameLogs(h.history, want.fit_sample_weight as Record<string, number[]>, "history");
  });

  test(`weightedMetrics (${c.name}): evaluate's list in Keras 3.5's order, its dict, and unweighted data`, async () => {
    const m = c.make();
    assertAllClose(await m.evaluate(x(), c.ys(), { sampleWeight: sw(), batchSize: 3 }) as number[], want.evaluate_list as number[], { rtol: 2e-5, atol: 1e-6, what: "evaluate list" });
    sameLogs(await m.evaluate(x(), c.ys(), { sampleWeight: sw(), batchSize: 3, returnDict: true }), want.evaluate_dict as Record<string, number>, "evaluate dict");
    // Without sample weights the weighted metrics equal the unweighted ones.
    sameLogs(await m.evaluate(x(), c.ys(), { batchSize: 3, returnDict: true }), want.evaluate_unweighted as Record<string, number>, "evaluate unweighted");
  });

  test(`weightedMetrics (${c.name}): trainOnBatch and testOnBatch weigh them with sampleWeight`, async () => {
    const m = c.make();
    sameLogs(m.trainOnBatch(rows(x(), 4), slice4(c.ys()), { sampleWeight: rows(sw(), 4), returnDict: true }), want.train_on_batch as Record<string, number>, "trainOnBatch");
    m.resetMetrics();
    sameLogs(await m.testOnBatch(rows(x(), 4), slice4(c.ys()), { sampleWeight: rows(sw(), 4), returnDict: true }), want.test_on_batch as Record<string, number>, "testOnBatch");
  });

  test(`weightedMetrics (${c.name}): compile_config holds weighted_metrics as Keras writes it, and loads back`, async () => {
    const m = c.make();
    const written = serializeCompileConfig(m) as Record<string, unknown>;
    assert.deepEqual(written.weighted_metrics, want.compile_config.weighted_metrics);
    assert.deepEqual(written.metrics, want.compile_config.metrics);
    // Keras' own compile_config, on a fresh uncompiled model of the same weights.
    const fresh = c.make();
    compileFromConfig(fresh, want.compile_config);
    assert.deepEqual((serializeCompileConfig(fresh) as Record<string, unknown>).weighted_metrics, want.compile_config.weighted_metrics);
    sameLogs(await fresh.evaluate(x(), c.ys(), { sampleWeight: sw(), batchSize: 3, returnDict: true }), want.evaluate_dict as Record<string, number>, "loaded evaluate");
  });
}

test("weightedMetrics: classWeight's weights reach them in fit and trainOnBatch, as in Keras 3.5", async () => {
  const h = await single().fit(x(), y(), { classWeight, epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  sameLogs(h.history, fx.single.fit_class_weight as Record<string, number[]>, "fit classWeight");
  sameLogs(single().trainOnBatch(rows(x(), 4), rows(y(), 4), { classWeight, returnDict: true }), fx.single.train_on_batch_class_weight as Record<string, number>, "trainOnBatch classWeight");
});

test("metrics stay unweighted beside weightedMetrics: the accuracy of sample-weighted data is the plain fraction correct", async () => {
  const m = single();
  const logs = await m.evaluate(x(), y(), { sampleWeight: sw(), batchSize: 10, returnDict: true });
  // By hand: the fraction of samples whose argmax is the label, and the same weighted by sw.
  const pred = (m.predict(x()) as tf.Tensor).arraySync() as number[][];
  const hit = pred.map((p, i) => (p.indexOf(Math.max(...p)) === fx.y[i] ? 1 : 0));
  const plain = hit.reduce((a: number, b) => a + b, 0) / hit.length;
  const weighted = hit.reduce((a: number, b, i) => a + b * fx.sw[i], 0) / fx.sw.reduce((a, b) => a + b, 0);
  assert.notEqual(Math.round(plain * 1e4), Math.round(weighted * 1e4), "the data must tell the two apart");
  assertAllClose([logs.accuracy], [plain], { rtol: 1e-6, what: "accuracy (metrics)" });
  assertAllClose([logs.weighted_accuracy], [weighted], { rtol: 1e-5, what: "weighted_accuracy (weightedMetrics)" });
});

test("weightedMetrics keyed by a single output's name (Keras takes the dict too): weighted by sampleWeight", async () => {
  const m = single();
  m.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy", weightedMetrics: { probs: ["accuracy"] } });
  const logs = await m.evaluate(x(), y(), { sampleWeight: sw(), batchSize: 3, returnDict: true });
  assert.deepEqual(Object.keys(logs).sort(), ["accuracy", "loss"]);
  assertAllClose([logs.accuracy], [(fx.single.evaluate_dict as Record<string, number>).weighted_accuracy], { rtol: 2e-5, what: "accuracy" });
  assert.throws(() => m.compile({ loss: "mse", weightedMetrics: { other: ["mae"] } }), /weightedMetrics names unknown output\(s\) other; the output is probs/);
});

test("weightedMetrics: misspelt or misshapen forms are refused as metrics are", () => {
  const inputs = layers.Input({ shape: [4], name: "x" });
  const m = new models.Model({ inputs, outputs: [layers.Dense(1, { name: "a" })(inputs), layers.Dense(1, { name: "b" })(inputs)] });
  assert.throws(() => m.compile({ loss: "mse", weightedMetrics: ["mae"] }), /with 2 outputs give weightedMetrics per output, e.g. \{ a: \["accuracy"\], b: \["accuracy"\] \} or a list of lists/);
  assert.throws(() => m.compile({ loss: "mse", weightedMetrics: { c: ["mae"] } }), /weightedMetrics names unknown output\(s\) c; the outputs are a, b/);
  assert.throws(() => m.compile({ loss: "mse", weightedMetrics: [["nosuchmetric"], []] }), /nosuchmetric/);
});
