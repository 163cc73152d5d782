import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { metrics } from "./index.js";

// Reference values: test/fixtures/make_k315_losses_metrics.py (Keras 3.15.1's correlation_metrics.py in NumPy).
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/k315_losses_metrics.json", import.meta.url), "utf8")).correlation;
const f32 = (v: unknown): tf.Tensor => tf.constant(v as number[], "float32");
const near = (got: number, want: number, what: string, tol = 2e-6): void => assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want}`);

const KINDS = [
  { name: "pearson_correlation", fn: metrics.pearsonCorrelation, Cls: metrics.PearsonCorrelation, ref: fx.pearson },
  { name: "concordance_correlation", fn: metrics.concordanceCorrelation, Cls: metrics.ConcordanceCorrelation, ref: fx.concordance },
] as const;

test("pearson_correlation and concordance_correlation as Keras 3.15: per example along axis, a list of axes", () => {
  for (const { name, fn, ref } of KINDS) {
    assertAllClose(fn(f32(fx.t), f32(fx.p)), ref.axis_last, { rtol: 1e-5, atol: 1e-6, what: `${name} axis -1` });
    assertAllClose(fn(f32(fx.t), f32(fx.p), 0), ref.axis_0, { rtol: 1e-5, atol: 1e-6, what: `${name} axis 0` });
    // Both axes: a single value, that of the flattened data.
    const flat = fn(f32(fx.t).reshape([1, -1]), f32(fx.p).reshape([1, -1]));
    assertAllClose(fn(f32(fx.t), f32(fx.p), [0, 1]), [flat.item()], { rtol: 1e-5, what: `${name} axes [0, 1]` });
    assert.throws(() => fn(f32(fx.t), f32(fx.p), 2), /axis 2 is out of range|axis/);
    assert.throws(() => fn(f32(fx.t), f32(fx.p), [1, -1]), /names the same axis twice/);
    assert.throws(() => fn(f32(fx.t), f32(fx.p), 0.5), /axis must be an integer or a non-empty list of integers, got 0.5/);
  }
  // The docstring examples of Keras 3.15.1.
  near(metrics.pearsonCorrelation([[0, 1, 0.5], [1, 1, 0.2]], f32([[0.1, 0.9, 0.5], [1, 0.9, 0.2]])).mean().item(), fx.doc_pearson, "pearson doc");
  near(metrics.concordanceCorrelation([[0, 1, 0.5], [1, 1, 0.2]], f32([[0.1, 0.9, 0.5], [1, 0.9, 0.2]])).mean().item(), fx.doc_concordance, "concordance doc");
});

test("PearsonCorrelation and ConcordanceCorrelation: stateful update / result / reset, sample weights, axis, configs", () => {
  for (const { name, Cls, ref } of KINDS) {
    const m = Cls();
    assert.equal(m.name, name);
    assert.equal(m.direction, "up");
    m.updateState(f32(fx.t), f32(fx.p));
    m.updateState(f32(fx.t2), f32(fx.p2));
    near(m.result(), ref.two_batches, `${name} over two batches`);
    m.resetState();
    m.updateState(f32(fx.t), f32(fx.p), f32(fx.sw));
    near(m.result(), ref.weighted, `${name} weighted`);
    const a0 = Cls({ axis: 0, name: "by_column" });
    a0.updateState(f32(fx.t), f32(fx.p));
    near(a0.result(), ref.axis_0_result, `${name} axis 0`);
    // Keras 3.15.1's get_config(): name, dtype, axis.
    for (const [metric, cfg] of [[m, { name, dtype: "float32", axis: -1 }], [Cls({ axis: [0, 1] }), { name, dtype: "float32", axis: [0, 1] }]] as const) {
      assert.deepEqual(metric.getConfig(), cfg);
      assert.deepEqual(metrics.deserialize({ className: metric.className, config: cfg }).getConfig(), cfg);
    }
    assert.equal(metrics.get(name).className, m.className);
    assert.throws(() => Cls({ axis: "x" as never }), /axis must be an integer or a non-empty list of integers, got "x"/);
    assert.throws(() => Cls({ axes: 1 } as never), /unknown option axes/);
  }
});

test("the correlation metrics in compile and fit, by name and as objects, with EarlyStopping's auto mode maximizing them", async () => {
  tf.clearSession();
  const model = new tf.models.Sequential([tf.layers.Input({ shape: [4] }), tf.layers.Dense(4)]);
  model.compile({ optimizer: "sgd", loss: "mse", metrics: ["pearson_correlation", metrics.ConcordanceCorrelation({ name: "ccc" })] });
  const h = await model.fit(f32(fx.t), f32(fx.p), { epochs: 2, batchSize: 3, verbose: 0, validationData: [f32(fx.t), f32(fx.p)] });
  assert.deepEqual(Object.keys(h.history).sort(), ["ccc", "loss", "pearson_correlation", "val_ccc", "val_loss", "val_pearson_correlation"]);
  // evaluate's values are those of the functions on the predictions (one batch).
  const logs = (await model.evaluate(f32(fx.t), f32(fx.p), { verbose: 0, returnDict: true })) as Record<string, number>;
  const pred = model.predict(f32(fx.t)) as tf.Tensor;
  near(logs.pearson_correlation, metrics.pearsonCorrelation(f32(fx.p), pred).mean().item(), "evaluate pearson", 1e-5);
  near(logs.ccc, metrics.concordanceCorrelation(f32(fx.p), pred).mean().item(), "evaluate ccc", 1e-5);
  const es = tf.callbacks.EarlyStopping({ monitor: "val_ccc", patience: 5 });
  await model.fit(f32(fx.t), f32(fx.p), { epochs: 1, verbose: 0, validationData: [f32(fx.t), f32(fx.p)], callbacks: [es] });
  assert.equal(es.mode === "auto" ? (es as unknown as { monitorOp: string }).monitorOp : es.mode, "max");
  const cc = JSON.parse(tf.models.modelFromJSON(model.toJSON()).toJSON()).compile_config;
  assert.deepEqual(cc.metrics[1], { module: "keras.metrics", class_name: "ConcordanceCorrelation", config: { name: "ccc", dtype: "float32", axis: -1 }, registered_name: null });
});
