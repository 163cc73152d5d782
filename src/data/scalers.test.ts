import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { StandardScaler, MinMaxScaler } from "./scalers.js";
import { toCategorical } from "./categorical.js";
import { constant } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";

type M = number[][];
interface Std { X: M; X_new: M; mean: number[]; var: number[]; scale: number[]; transform: M; transform_new: M; inverse: M; transform_dtype: string }
interface MinMax { X: M; X_new: M; data_min: number[]; data_max: number[]; scale: number[]; min: number[]; transform: M; transform_new: M; transform_range_m1_1: M; inverse: M }
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/data/sklearn.json", import.meta.url), "utf8")) as { scalers: Record<string, Std & MinMax> };

function close(actual: Tensor, expected: number[] | M, rtol: number, what: string): void {
  const a = Array.from(actual.dataSync() as Float64Array);
  const e = (expected as number[]).flat();
  assert.equal(a.length, e.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - e[i]) <= rtol * Math.max(1, Math.abs(e[i])), `${what}[${i}]: ${a[i]} vs scikit-learn ${e[i]}`);
  }
}

test("StandardScaler matches scikit-learn on float64 data with a constant feature", () => {
  const f = fx.scalers.standard_f64;
  const s = new StandardScaler();
  const t = s.fitTransform(constant(f.X, "float64"));
  assert.equal(t.dtype, "float64");
  close(s.mean, f.mean, 1e-13, "mean");
  close(s.var, f.var, 1e-12, "var");
  close(s.scale, f.scale, 1e-12, "scale");
  assert.equal((s.scale.dataSync() as Float64Array)[3], 1, "zero-variance feature keeps scale 1");
  close(t, f.transform, 1e-12, "transform");
  close(s.transform(constant(f.X_new, "float64")), f.transform_new, 1e-12, "transform new");
  close(s.inverseTransform(t), f.inverse, 1e-12, "inverse");
  assert.equal(s.nSamplesSeen, 12);
});

test("StandardScaler on float32 data: float64 statistics, float32 results equal to scikit-learn's", () => {
  const f = fx.scalers.standard_f32;
  assert.equal(f.transform_dtype, "float32");
  const s = new StandardScaler();
  const t = s.fitTransform(constant(f.X, "float32"));
  assert.equal(t.dtype, "float32");
  close(s.mean, f.mean, 1e-14, "mean");
  close(s.scale, f.scale, 1e-13, "scale");
  close(t, f.transform, 0, "transform (bit-exact)");
  close(s.transform(constant(f.X_new, "float32")), f.transform_new, 0, "transform new (bit-exact)");
  close(s.inverseTransform(t), f.inverse, 0, "inverse (bit-exact)");
});

test("StandardScaler by hand: population std, errors name the fix", () => {
  const s = new StandardScaler();
  // column 0: mean 2, population std sqrt(2/3); column 1: constant 5
  const t = s.fitTransform([[1, 5], [2, 5], [3, 5]]);
  close(t, [[-Math.sqrt(1.5), 0], [0, 0], [Math.sqrt(1.5), 0]], 1e-15, "hand");
  assert.throws(() => new StandardScaler().transform([[1]]), /StandardScaler.transform: this StandardScaler is not fitted yet; call fit/);
  assert.throws(() => s.transform([[1, 2, 3]]), /x has 3 features, but this StandardScaler was fitted on 2/);
  assert.throws(() => s.fit(constant([1, 2, 3], "float32")), /expected a 2D tensor \[samples, features\], got shape \[3\]; reshape/);
});

test("MinMaxScaler matches scikit-learn (float64 and float32, default and (-1, 1) ranges)", () => {
  for (const [tag, dtype, tol] of [["minmax_f64", "float64", 1e-13], ["minmax_f32", "float32", 0]] as const) {
    const f = fx.scalers[tag];
    const m = new MinMaxScaler();
    const t = m.fitTransform(constant(f.X, dtype));
    assert.equal(t.dtype, dtype);
    close(m.dataMin, f.data_min, 0, `${tag} dataMin`);
    close(m.dataMax, f.data_max, 0, `${tag} dataMax`);
    close(m.scale, f.scale, tol, `${tag} scale`);
    close(m.min, f.min, tol, `${tag} min`);
    close(t, f.transform, tol, `${tag} transform`);
    close(m.transform(constant(f.X_new, dtype)), f.transform_new, tol, `${tag} transform new`);
    close(m.inverseTransform(t), f.inverse, tol, `${tag} inverse`);
    close(new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform(constant(f.X, dtype)), f.transform_range_m1_1, tol, `${tag} range (-1, 1)`);
  }
});

test("toCategorical one-hot encodes like Keras' to_categorical", () => {
  const oh = toCategorical(constant([0, 2, 1], "int32"));
  assert.equal(oh.dtype, "float32");
  assert.deepEqual(oh.arraySync(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  const y = constant([[3], [0]], "int32"); // CIFAR-style labels [n, 1]
  assert.deepEqual(toCategorical(y, 5).shape, [2, 5]);
  assert.deepEqual(toCategorical(y, 5).arraySync(), [[0, 0, 0, 1, 0], [1, 0, 0, 0, 0]]);
  assert.deepEqual(toCategorical(constant([[1, 0], [0, 1]], "int32"), 2).shape, [2, 2, 2]);
  assert.throws(() => toCategorical([0, 10], 10), /label 10 is out of range for numClasses=10/);
  assert.throws(() => toCategorical([-1, 1]), /label -1 at position 0 is not a non-negative integer/);
});

test("StandardScaler leaves NaN out of the statistics and keeps it in place, refuses infinities, and keeps mean with withMean: false, as scikit-learn 1.2", () => {
  // scikit-learn: StandardScaler().fit(x) on x = [[1, nan], [2, 4], [3, 8], [nan, 6]].
  const x = constant([[1, NaN], [2, 4], [3, 8], [NaN, 6]], [4, 2], "float64");
  const s = new StandardScaler().fit(x);
  assert.deepEqual(Array.from(s.mean.dataSync() as Float64Array), [2, 6]);
  assert.deepEqual(Array.from(s.var.dataSync() as Float64Array), [0.6666666666666666, 2.6666666666666665]);
  assert.deepEqual(Array.from(s.scale.dataSync() as Float64Array), [0.816496580927726, 1.632993161855452]);
  assert.equal(s.nSamplesSeen, 3);
  assert.deepEqual(Array.from(s.transform(x).dataSync() as Float64Array), [-1.224744871391589, NaN, 0, -1.224744871391589, 1.224744871391589, 1.224744871391589, NaN, 0]);
  assert.deepEqual(new StandardScaler().fit(constant([[1, 1], [NaN, 2], [3, 3]], [3, 2], "float64")).nSamplesSeen, [2, 3]);
  assert.deepEqual(Array.from(new StandardScaler({ withMean: false }).fit(x).mean.dataSync() as Float64Array), [2, 6]);
  assert.throws(() => new StandardScaler().fit(constant([[1], [Infinity]], [2, 1], "float64")), /^RangeError: StandardScaler\.fit: x holds Infinity \(sample 1, feature 0\); scikit-learn refuses infinite values/);
  assert.throws(() => s.transform(constant([[-Infinity, 1]], [1, 2], "float64")), /StandardScaler\.transform: x holds -Infinity/);
  assert.throws(() => new MinMaxScaler().fit(constant([[1], [Infinity]], [2, 1], "float64")), /MinMaxScaler\.fit: x holds Infinity/);
});
