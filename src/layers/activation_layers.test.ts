import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import "../backend/js/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { normal } from "../tensor/random.js";
import * as layers from "./index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { grad } from "../autograd/tape.js";
import { mul } from "../ops/math.js";
import { sum } from "../ops/reduce.js";

const close = (got: Tensor, want: readonly number[], what: string, tol = 1e-6): void => assertAllClose(got, want, { rtol: tol, atol: tol, what });

const v = (data: number[]): Tensor => constant(data, [1, data.length], "float32");

test("ReLU: Keras 3's examples and every branch of its formula", () => {
  close(layers.ReLU()(v([-3, -1, 0, 2])), [0, 0, 0, 2], "default");
  close(layers.ReLU({ maxValue: 1 })(v([-3, -1, 0, 2])), [0, 0, 0, 1], "maxValue 1");
  close(layers.ReLU(1)(v([-3, -1, 0, 2])), [0, 0, 0, 1], "positional maxValue");
  close(layers.ReLU({ negativeSlope: 1 })(v([-3, -1, 0, 2])), [-3, -1, 0, 2], "negativeSlope 1 (leaky path)");
  close(layers.ReLU({ threshold: 1.5 })(v([-3, -1, 1, 2])), [0, 0, 0, 2], "threshold 1.5");
  close(layers.ReLU({ maxValue: 10, negativeSlope: 0.5 })(v([-10, -5, 0, 5, 10])), [-5, -2.5, 0, 5, 10], "Keras docstring example");
  close(layers.ReLU({ maxValue: 6 })(v([-1, 3, 7])), [0, 3, 6], "maxValue 6 (relu6)");
  // x > 1 keeps x (clipped to 6), else 0; then minus 0.1 * relu(1 - x).
  close(layers.ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 1 })(v([-2, 0.5, 1, 3, 8])), [-0.3, -0.05, 0, 3, 6], "all three");
  assert.throws(() => layers.ReLU({ maxValue: -1 }), /ReLU re_lu(_\d+)?: maxValue must be a number >= 0, got -1/);
  assert.throws(() => layers.ReLU({ negativeSlope: -0.1 }), /negativeSlope must be a number >= 0/);
  assert.throws(() => layers.ReLU({ threshold: Number.NaN }), /threshold must be a number >= 0/);
  const cfg = layers.ReLU({ maxValue: 6, name: "r" }).getConfig();
  assert.deepEqual(cfg, { name: "r", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, max_value: 6, negative_slope: 0, threshold: 0 });
  assert.equal(layers.ReLU().getConfig().max_value, null);
});

test("ReLU keeps NaN in every branch (torch 1.13, x = torch.tensor([nan, -0., 0., -1., 2., inf, -inf, 7.]))", () => {
  const N = NaN, I = Infinity;
  const x = v([N, -0, 0, -1, 2, I, -I, 7]);
  const same = (got: Tensor, want: number[], what: string): void => assert.deepEqual([...got.dataSync()], want, what);
  // torch.relu(x)
  same(layers.ReLU()(x), [N, -0, 0, 0, 2, I, 0, 7], "default");
  // torch.clamp(torch.relu(x), max=1)
  same(layers.ReLU({ maxValue: 1 })(x), [N, -0, 0, 0, 1, 1, 0, 1], "maxValue 1");
  // F.relu6(x)
  same(layers.ReLU({ maxValue: 6 })(x), [N, -0, 0, 0, 2, 6, 0, 6], "maxValue 6");
  // F.threshold(x, 1.5, 0.)
  same(layers.ReLU({ threshold: 1.5 })(x), [N, 0, 0, 0, 2, I, 0, 7], "threshold 1.5");
  // F.leaky_relu(x, 0.5)
  same(layers.ReLU({ negativeSlope: 0.5 })(x), [N, -0, 0, -0.5, 2, I, -I, 7], "negativeSlope 0.5 (leaky path)");
  // torch.clamp(torch.relu(x), max=10) - 0.5 * torch.relu(-x)
  same(layers.ReLU({ maxValue: 10, negativeSlope: 0.5 })(x), [N, -0, 0, -0.5, 2, 10, -I, 7], "maxValue 10, negativeSlope 0.5");
  // torch.clamp(F.threshold(x, 1., 0.), max=6) - 0.1 * torch.relu(1 - x)
  same(layers.ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 1 })(x), [N, -0.1, -0.1, -0.2, 2, 6, -I, 6].map(Math.fround), "all three");
});

test("LeakyReLU: Keras 3's slope 0.3 by default, alpha accepted as the deprecated old name (winning over negativeSlope, with one warning, as Keras 3.15)", async () => {
  close(layers.LeakyReLU()(v([-2, 0, 3])), [-0.6, 0, 3], "default 0.3");
  close(layers.LeakyReLU(0.1)(v([-2, 0, 3])), [-0.2, 0, 3], "positional");
  close(layers.LeakyReLU({ negativeSlope: 0.2 })(v([-2, 0, 3])), [-0.4, 0, 3], "negativeSlope");
  const warnings: string[] = [];
  const onWarning = (w: Error): void => { warnings.push(w.message); };
  process.on("warning", onWarning);
  try {
    close(layers.LeakyReLU({ alpha: 0.5, name: "old" })(v([-2, 0, 3])), [-1, 0, 3], "alpha alias");
    // Keras pops alpha over negative_slope: LeakyReLU(negative_slope=0.2, alpha=0.1) has slope 0.1.
    close(layers.LeakyReLU({ alpha: 0.1, negativeSlope: 0.2 })(v([-2, 0, 3])), [-0.2, 0, 3], "alpha over negativeSlope");
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  const deprecated = warnings.filter((m) => /alpha is deprecated/.test(m));
  assert.deepEqual(deprecated, ["LeakyReLU old: argument alpha is deprecated, use negativeSlope instead (alpha 0.5 is used, as Keras does)"], "said once, as Python shows a warnings.warn once per place");
  assert.throws(() => layers.LeakyReLU(-1), /negativeSlope must be a number >= 0, got -1/);
  assert.deepEqual(layers.LeakyReLU({ name: "lr" }).getConfig(), { name: "lr", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null }, negative_slope: 0.3 });
  assert.equal(layers.LeakyReLU({ alpha: 0.1 }).getConfig().negative_slope, 0.1);
});

test("ELU: alpha * (exp(x) - 1) below zero, alpha 1 by default", () => {
  close(layers.ELU()(v([-1, 0, 2])), [Math.exp(-1) - 1, 0, 2], "alpha 1");
  close(layers.ELU(0.5)(v([-2, 1])), [0.5 * (Math.exp(-2) - 1), 1], "alpha 0.5");
  assert.equal(layers.ELU({ alpha: 0.5 }).getConfig().alpha, 0.5);
  assert.equal(layers.ELU().getConfig().alpha, 1);
});

test("Softmax: last axis by default, any axis or several axes (numpy fixture)", () => {
  const e = [1, 2, 3].map(Math.exp);
  const s = e.reduce((a, b) => a + b);
  close(layers.Softmax()(constant([1, 2, 3, 1, 2, 3], [2, 3], "float32")), [...e, ...e].map((x) => x / s), "axis -1");
  const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/layers_more.json", import.meta.url), "utf8")) as {
    cases: { name: string; layer: string; args: { axis: number | number[] }; x: { shape: number[]; data: number[] }; y: { shape: number[]; data: number[] } }[];
  };
  const cases = fixture.cases.filter((c) => c.layer === "Softmax");
  assert.equal(cases.length, 2);
  for (const c of cases) {
    const y = layers.Softmax(c.args.axis)(constant(c.x.data, c.x.shape, "float32"));
    assert.deepEqual(y.shape, c.y.shape);
    close(y, c.y.data, `Softmax ${c.name}`, 1e-6);
  }
  assert.throws(() => layers.Softmax(3)(v([1, 2])), /Softmax softmax(_\d+)?: axis 3 is out of range for inputs of shape \(1, 2\) \(rank 2\)/);
  assert.deepEqual(layers.Softmax({ axis: [1, 2] }).getConfig().axis, [1, 2]);
  assert.equal(layers.Softmax().getConfig().axis, -1);
});

test("activation layers: output shapes (eager and symbolic), Keras' default names, no weights", () => {
  layers.clearSession();
  const made = [layers.ReLU(), layers.LeakyReLU(), layers.ELU(), layers.Softmax()];
  assert.deepEqual(made.map((l) => l.name), ["re_lu", "leaky_re_lu", "elu", "softmax"]);
  assert.deepEqual(made.map((l) => l.className), ["ReLU", "LeakyReLU", "ELU", "Softmax"]);
  for (const shape of [[3], [4, 5], [2, 3, 4]]) {
    const x = normal([2, ...shape], 0, 1, { seed: 3 });
    for (const l of made) {
      const y = l(x);
      assert.deepEqual(y.shape, x.shape);
      const sym = l(layers.Input({ shape }));
      assert.deepEqual(sym.shape, [null, ...shape]);
      assert.deepEqual(l.computeOutputShape([7, ...shape]), [7, ...shape]);
    }
  }
  for (const l of made) assert.equal(l.countParams(), 0);
  assert.ok(made[0] instanceof layers.classes.ReLU && made[3] instanceof layers.classes.Softmax);
});

test("Softmax with a mask, as Keras 3.15's Softmax.call: masked logits become -1e9, masked outputs 0, a fully masked row all zeros", () => {
  const x = constant([1, 2, 3, 4, 5, 6], [2, 3], "float32");
  const mask = constant([true, false, true, false, true, true], [2, 3], "bool");
  // Row 1: softmax([1, 3]) = [1, e^2] / (1 + e^2) at columns 0 and 2; row 2: softmax([5, 6]) at columns 1 and 2.
  const e2 = Math.exp(2), e1 = Math.exp(1);
  const partial = [1 / (1 + e2), 0, e2 / (1 + e2), 0, 1 / (1 + e1), e1 / (1 + e1)];
  close(layers.Softmax()(x, { mask }), partial, "masked rows");
  // A fully masked row gives zeros (Keras 3.5 gave 1/3 each); the other row is softmax([4, 5, 6]).
  const d = Math.exp(-2) + Math.exp(-1) + 1;
  const full = layers.Softmax()(x, { mask: constant([false, false, false, true, true, true], [2, 3], "bool") });
  close(full, [0, 0, 0, Math.exp(-2) / d, Math.exp(-1) / d, 1 / d], "fully masked row");
  assert.deepEqual(Array.from(full.dataSync() as Float32Array).slice(0, 3), [0, 0, 0], "exact zeros");
  // A mask whose shape broadcasts to the inputs' is taken as numpy broadcasts it.
  close(layers.Softmax()(x, { mask: constant([true, false, true], [3], "bool") }), [1 / (1 + e2), 0, e2 / (1 + e2), 1 / (1 + e2), 0, e2 / (1 + e2)], "broadcast mask");
  // A float mask keeps what is above 0.5 (Keras 3.15's mask > 0.5; 3.5 subtracted (1 - mask) * 1e9), an integer mask what is above 0.
  close(layers.Softmax()(x, { mask: constant([0.7, 0.3, 0.51, 0.2, 0.9, 1], [2, 3], "float32") }), partial, "float mask");
  close(layers.Softmax()(x, { mask: constant([1, 0, 2, 0, 1, 1], [2, 3], "int32") }), partial, "int mask");
  // A [batch, steps] mask on [batch, steps, features] scores would change the output's shape or fail in Keras: refused.
  assert.throws(() => layers.Softmax({ name: "sm" })(constant(new Array(8).fill(0), [2, 2, 2], "float32"), { mask: constant([true, false, true, true, false, true], [2, 3], "bool") }),
    /^RangeError: Softmax sm: the mask \(2, 3\) does not fit the inputs \(2, 2, 2\)/);
});

test("Softmax over several axes with a mask: normalized over the kept positions of each slice, a fully masked slice all zeros", () => {
  // Sample 1 keeps columns 0 and 2 of both rows: logits 0, 2, 3, 5; sample 2 keeps nothing.
  const x = constant([0, 1, 2, 3, 4, 5, 1, 0, -1, 2, 2, 2], [2, 2, 3], "float32");
  const mask = constant([true, false, true, false, false, false], [2, 1, 3], "bool");
  const d = 1 + Math.exp(2) + Math.exp(3) + Math.exp(5);
  const want = [1 / d, 0, Math.exp(2) / d, Math.exp(3) / d, 0, Math.exp(5) / d, 0, 0, 0, 0, 0, 0];
  close(layers.Softmax({ axis: [1, 2] })(x, { mask }), want, "axes [1, 2], mask [2, 1, 3]");
  close(layers.Softmax({ axis: [-2, -1] })(x, { mask: constant([true, false, true, true, false, true, false, false, false, false, false, false], [2, 2, 3], "bool") }), want, "axes [-2, -1], full mask");
  // One axis given as a list is that axis.
  close(layers.Softmax({ axis: [2] })(x, { mask }), [1 / (1 + Math.exp(2)), 0, Math.exp(2) / (1 + Math.exp(2)), Math.exp(3) / (Math.exp(3) + Math.exp(5)), 0, Math.exp(5) / (Math.exp(3) + Math.exp(5)), 0, 0, 0, 0, 0, 0], "axis [2]");
});

test("masked Softmax's gradient: zero at masked positions and over a fully masked slice (never NaN), equal to finite differences", () => {
  const x = constant([0.3, -1.2, 0.8, 0.5, 0.1, -0.4], [2, 3], "float64");
  const mask = constant([true, false, true, false, false, false], [2, 3], "bool");
  const w = constant([1, 2, 3, 4, 5, 6], [2, 3], "float64");
  const sm = layers.Softmax({ dtype: "float64" });
  const g = Array.from(grad((xx) => sum(mul(sm(xx, { mask }), w)))(x).dataSync() as Float64Array);
  // Row 1: p = softmax([0.3, 0.8]) at columns 0 and 2, d/dx_i sum(p w) = p_i (w_i - sum_j p_j w_j); row 2: nothing depends on x.
  const p0 = 1 / (1 + Math.exp(0.5)), p2 = 1 - p0, mean = p0 * 1 + p2 * 3;
  assertAllClose(g, [p0 * (1 - mean), 0, p2 * (3 - mean), 0, 0, 0], { rtol: 1e-12, atol: 1e-15, what: "gradient" });
  checkGradients((xx) => sm(xx, { mask }), [x], { rtol: 1e-6, atol: 1e-9 });
  const x3 = constant([0.2, -0.7, 1.1, 0.4, -0.3, 0.9, 0.6, -1, 0.05, 0.3, 0.8, -0.2], [2, 2, 3], "float64");
  const mask3 = constant([true, false, true, false, false, false], [2, 1, 3], "bool");
  const sm3 = layers.Softmax({ axis: [1, 2], dtype: "float64" });
  checkGradients((xx) => sm3(xx, { mask: mask3 }), [x3], { rtol: 1e-6, atol: 1e-9 });
  const g3 = Array.from(grad((xx) => sum(mul(sm3(xx, { mask: mask3 }), x3)))(x3).dataSync() as Float64Array);
  assert.ok(g3.every(Number.isFinite), "finite");
  assert.deepEqual(g3.filter((_, i) => i >= 6 || i % 3 === 1), new Array(8).fill(0), "zero where masked and over the fully masked sample");
});
