import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../backend/js/index.js";
import { constant, ones } from "../tensor/creation.js";
import { normal } from "../tensor/random.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import * as layers from "./index.js";
import { loadModel, saveModel } from "../io/model_files.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Variable } from "../tensor/variable.js";
import { mul } from "../ops/math.js";
import { sum } from "../ops/reduce.js";

interface Arr { shape: number[]; data: number[] }
interface Case {
  name: string; layer: string; x: Arr; weights: Arr[]; y: Arr;
  args: { axis: number | number[]; center: boolean; scale: boolean; epsilon: number };
}

test("LayerNormalization matches numpy/PyTorch for last, trailing, inner and single axes, with and without center/scale", () => {
  const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/layers_more.json", import.meta.url), "utf8")) as { cases: Case[] };
  const cases = fixture.cases.filter((c) => c.layer === "LayerNormalization");
  assert.equal(cases.length, 6);
  for (const c of cases) {
    const layer = layers.LayerNormalization(c.args);
    const x = constant(c.x.data, c.x.shape, "float32");
    layer(x);
    layer.setWeights(c.weights.map((w) => constant(w.data, w.shape, "float32")));
    assertAllClose(layer(x), c.y, { rtol: 2e-5, atol: 2e-5, what: `LayerNormalization ${c.name}` });
  }
});

test("LayerNormalization by hand: defaults axis -1, epsilon 1e-3, gamma ones, beta zeros", () => {
  const y = layers.LayerNormalization()(constant([1, 2, 3, 10, 10, 10], [2, 3], "float32"));
  // Row 1: mean 2, biased variance 2/3; row 2 is constant, so it normalizes to 0.
  const s = Math.sqrt(2 / 3 + 1e-3);
  const want = [-1 / s, 0, 1 / s, 0, 0, 0];
  const got = y.dataSync();
  want.forEach((w, i) => assert.ok(Math.abs(Number(got[i]) - w) < 1e-6, `index ${i}: got ${got[i]}, want ${w}`));
});

test("LayerNormalization: weights, shapes, config", () => {
  layers.clearSession();
  const ln = layers.LayerNormalization([1, 2]);
  const sym = ln(layers.Input({ shape: [4, 5, 3] }));
  assert.deepEqual(sym.shape, [null, 4, 5, 3]);
  assert.equal(ln.name, "layer_normalization");
  assert.deepEqual(ln.weights.map((w) => [w.name, [...w.shape]]), [["layer_normalization/gamma", [4, 5]], ["layer_normalization/beta", [4, 5]]]);
  assert.equal(ln.countParams(), 40);
  assert.deepEqual(ln(ones([2, 4, 5, 3])).shape, [2, 4, 5, 3]);
  assert.deepEqual(ln.computeOutputShape([7, 4, 5, 3]), [7, 4, 5, 3]);
  // After building, axis is a list of the axes as given, as Keras 3 saves it.
  const cfg = ln.getConfig();
  assert.deepEqual(cfg.axis, [1, 2]);
  assert.equal(cfg.epsilon, 1e-3);
  assert.equal(cfg.center, true);
  assert.equal(cfg.scale, true);
  assert.equal(cfg.rms_scaling, false);
  assert.deepEqual(cfg.gamma_initializer, { module: "keras.initializers", class_name: "Ones", config: {}, registered_name: null });
  for (const k of ["beta_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"]) assert.ok(k in cfg);
  const last = layers.LayerNormalization();
  assert.equal(last.getConfig().axis, -1);
  last(ones([2, 3, 6]));
  assert.deepEqual(last.getConfig().axis, [-1]);
  assert.equal(last.countParams(), 12);
  const bare = layers.LayerNormalization({ center: false, scale: false });
  bare(ones([2, 3]));
  assert.equal(bare.countParams(), 0);
  assert.throws(() => layers.LayerNormalization(3)(ones([2, 3])), /LayerNormalization layer_normalization(_\d+)?: axis 3 is out of range for inputs of shape \(2, 3\) \(rank 2\)/);
  assert.throws(() => layers.LayerNormalization([1, -2])(ones([2, 3, 4])), /duplicate axes are not allowed/);
  assert.throws(() => last(ones([2, 3, 5])), /input shape \(2, 3, 5\) is incompatible with the layer: it was built for inputs of shape \(2, 3, 6\), and its weights need axis 2 to have size 6/);
});

test("LayerNormalization gradients with respect to the input (float64)", () => {
  const ln = layers.LayerNormalization({ dtype: "float64", gammaInitializer: "random_normal", betaInitializer: "ones" });
  checkGradients((x) => ln(x), [normal([2, 5], 0, 1, { dtype: "float64", seed: 21 })]);
  const inner = layers.LayerNormalization({ axis: [1, 2], dtype: "float64", gammaInitializer: "random_uniform" });
  checkGradients((x) => inner(x), [normal([2, 3, 2, 2], 0, 1, { dtype: "float64", seed: 22 })]);
  const noScale = layers.LayerNormalization({ axis: 1, scale: false, dtype: "float64" });
  checkGradients((x) => noScale(x), [normal([2, 4, 2], 0, 1, { dtype: "float64", seed: 23 })]);
});

/*
 * test/fixtures/keras_files/by_keras/layer_norm_axes.keras, saved by Keras 3.5 (generator
 * test/fixtures/make_layer_norm_axes.py): LayerNormalization(axis=[2, 1]), (axis=[-1, 1],
 * center=False) and () on (None, 3, 4, 2) inputs. Keras 3 keeps axis as given (negative, unsorted)
 * and sizes gamma and beta by the axes in that order, (4, 3) for [2, 1].
 */
test("LayerNormalization with unsorted and negative axes: Keras 3.5's file loads with its weights, predictions and config", async () => {
  layers.clearSession();
  const dir = "test/fixtures/keras_files/by_keras";
  const want = JSON.parse(readFileSync(`${dir}/layer_norm_axes.json`, "utf8")) as {
    axes: number[][]; weight_shapes: number[][]; x: number[][][][]; predictions: number[][][][];
  };
  const model = await loadModel(`${dir}/layer_norm_axes.keras`);
  assert.deepEqual(model.weights.map((w) => [...w.shape]), want.weight_shapes);
  const x = constant(want.x);
  assertAllClose(model.predict(x) as Tensor, want.predictions.flat(3), { rtol: 1e-5, atol: 1e-5, what: "predictions" });
  assert.deepEqual(model.layers.slice(1).map((l) => l.getConfig().axis), want.axes);
  const tmp = mkdtempSync(join(tmpdir(), "lamina-ln-"));
  try {
    await saveModel(model, join(tmp, "ln.keras"));
    const back = await loadModel(join(tmp, "ln.keras"));
    assert.deepEqual(back.layers.slice(1).map((l) => l.getConfig().axis), want.axes);
    assertAllClose(back.predict(x) as Tensor, want.predictions.flat(3), { rtol: 1e-5, atol: 1e-5, what: "predictions after a lamina round trip" });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

interface RmsCase { name: string; args: { axis?: number | number[]; center?: boolean; scale?: boolean; epsilon?: number }; x: Arr; weights: Arr[]; weight_names: string[]; y: Arr }

/* Keras 3.5's rms_scaling, by test/fixtures/make_normalization_layers.py (torch backend). */
test("LayerNormalization rmsScaling matches Keras 3.5: x * rsqrt(variance + eps) * gamma, gamma only (even with scale false)", () => {
  const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/normalization_layers.json", import.meta.url), "utf8")) as { layer_normalization_rms: RmsCase[] };
  assert.equal(fixture.layer_normalization_rms.length, 3);
  for (const c of fixture.layer_normalization_rms) {
    const layer = layers.LayerNormalization({ ...c.args, rmsScaling: true });
    const x = constant(c.x.data, c.x.shape, "float32");
    layer(x);
    assert.deepEqual(layer.weights.map((w) => w.name.split("/")[1]), c.weight_names, `${c.name}: weights`);
    layer.setWeights(c.weights.map((w) => constant(w.data, w.shape, "float32")));
    assertAllClose(layer(x), c.y, { rtol: 1e-5, atol: 1e-5, what: `LayerNormalization rms ${c.name} vs Keras` });
  }
});

test("LayerNormalization rmsScaling by hand, config, and gradients (float64 finite differences)", () => {
  // Row [1, 2, 3]: Keras 3.5 takes the variance about the mean (2/3) and keeps x uncentred.
  const y = layers.LayerNormalization({ rmsScaling: true })(constant([1, 2, 3], [1, 3], "float32"));
  const s = 1 / Math.sqrt(2 / 3 + 1e-3);
  assertAllClose(y, [s, 2 * s, 3 * s], { rtol: 1e-6, atol: 0 });
  const ln = layers.LayerNormalization({ rmsScaling: true, dtype: "float64", gammaInitializer: "random_normal" });
  const x = normal([2, 4], 0, 1, { dtype: "float64", seed: 24 });
  checkGradients((t) => ln(t), [x]);
  const w = normal([2, 4], 0, 1, { dtype: "float64", seed: 25 });
  checkVariableGradients(() => sum(mul(ln(x), w)), [ln.gamma as Variable]);
  assert.equal(ln.beta, null);
  assert.equal(ln.getConfig().rms_scaling, true);
  assert.equal(layers.LayerNormalization().getConfig().rms_scaling, false);
});

test("LayerNormalization casts integer inputs to its dtype first, as Keras 3.5's call (ops.cast(inputs, self.compute_dtype))", () => {
  // [1, 2, 3]: mean 2, biased variance 2/3, so (x - 2) / sqrt(2/3 + 1e-3).
  const s = Math.sqrt(2 / 3 + 1e-3);
  const y = layers.LayerNormalization()(constant([1, 2, 3], [1, 3], "int32"));
  assert.equal(y.dtype, "float32");
  assertAllClose(y, [[-1 / s, 0, 1 / s]], { rtol: 1e-6, atol: 1e-6 });
  const y64 = layers.LayerNormalization({ dtype: "float64" })(constant([1, 2, 3], [1, 3], "int32"));
  assert.equal(y64.dtype, "float64");
});
