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

// Chunks with NaN for partialFit; the literals below are scikit-learn 1.2.1's partial_fit results on them.
const c1 = [[1, NaN, 3], [4, 5, NaN], [2, 2, 2]];
const c2 = [[NaN, 1, 7], [8, 3, 1]];
const c3 = [[0.5, NaN, NaN], [3, 9, 4], [10, 2, 6], [NaN, 7.25, 0.1]];
const probe = [[1.5, NaN, 2], [7, -3, 0.25]];
const f64 = (m: M): Tensor => constant(m.flat(), [m.length, m[0].length], "float64");
const vals = (t: Tensor | null): number[] => (t === null ? assert.fail("expected a tensor, got null") : Array.from(t.dataSync() as Float64Array, Number));

test("StandardScaler.partialFit: scikit-learn's incremental mean and variance over three chunks with NaN", () => {
  const s = new StandardScaler();
  const steps = [
    { mean: [2.3333333333333335, 3.5, 2.5], var: [1.5555555555555556, 2.25, 0.25], scale: [1.247219128924647, 1.5, 0.5], n: [3, 2, 2] },
    { mean: [3.75, 2.75, 3.25], var: [7.187499999999999, 2.1875, 5.1875], scale: [2.680951323690902, 1.479019945774904, 2.277608394786075], n: 4 },
    { mean: [4.071428571428571, 4.178571428571429, 3.3000000000000003], var: [11.173469387755102, 7.762755102040815, 5.54], scale: [3.3426739876564544, 2.786172123548869, 2.353720459187964], n: 7 },
  ];
  [c1, c2, c3].forEach((chunk, k) => {
    s.partialFit(f64(chunk));
    assert.deepEqual(vals(s.mean), steps[k].mean, `mean after chunk ${k + 1}`);
    assert.deepEqual(vals(s.var), steps[k].var, `var after chunk ${k + 1}`);
    assert.deepEqual(vals(s.scale), steps[k].scale, `scale after chunk ${k + 1}`);
    assert.deepEqual(s.nSamplesSeen, steps[k].n, `nSamplesSeen after chunk ${k + 1}`);
  });
  assert.deepEqual(vals(s.transform(f64(probe))), [-0.7692729177072387, NaN, -0.5523170752607136, 0.876116378499911, -2.5764996239456193, -1.2958208304193666]);
  assert.deepEqual(vals(s.inverseTransform(f64(probe))), [9.085439552913254, NaN, 8.007440918375929, 27.470146485023754, -4.179944942075178, 3.888430114796991]);
  // fit starts over: one fit on the first chunk equals the first partialFit, whatever came before.
  s.fit(f64(c1));
  assert.deepEqual(vals(s.mean), steps[0].mean);
  assert.deepEqual(vals(s.var), steps[0].var);
  assert.deepEqual(s.nSamplesSeen, [3, 2, 2]);
  // One fit on all rows: scikit-learn's fit gives var [11.173469387755103, 7.762755102040816, 5.54], one ulp from the chunked update.
  const whole = new StandardScaler().fit(f64([...c1, ...c2, ...c3]));
  assert.deepEqual(vals(whole.mean), steps[2].mean);
  assert.deepEqual(vals(whole.var), [11.173469387755103, 7.762755102040816, 5.54]);
});

test("StandardScaler.partialFit: counts that become equal give one number; a chunk whose column is all NaN makes that variance NaN, as scikit-learn", () => {
  const s = new StandardScaler().partialFit(f64([[1, NaN], [2, 3]]));
  assert.deepEqual(s.nSamplesSeen, [2, 1]);
  s.partialFit(f64([[NaN, 5], [4, 6]]));
  assert.equal(s.nSamplesSeen, 3);
  assert.deepEqual(vals(s.mean), [2.3333333333333335, 4.666666666666667]);
  assert.deepEqual(vals(s.var), [1.5555555555555554, 1.5555555555555554]);
  const t = new StandardScaler().partialFit(f64([[1, 2], [3, 5]])).partialFit(f64([[NaN, 4], [NaN, 1]]));
  assert.deepEqual(vals(t.mean), [2, 3]);
  assert.deepEqual(vals(t.var), [NaN, 2.5]);
  assert.deepEqual(vals(t.scale), [NaN, 1.5811388300841898]);
  assert.deepEqual(t.nSamplesSeen, [2, 4]);
});

test("StandardScaler.partialFit on float32 chunks: float64 statistics, float32 transform equal to scikit-learn's", () => {
  const d = [[105.29216003417969, -1.9959983825683594], [102.93621063232422, -1.9775910377502441], [105.60267639160156, -2.009772777557373], [102.85026550292969, -2.0015134811401367], [99.69034576416016, NaN], [100.43212890625, -1.9854573011398315], [102.28311157226562, -1.9987832307815552], [101.33158874511719, -1.996663212776184], [104.48223876953125, -2.002051591873169]];
  const f32 = (m: M): Tensor => constant(m.flat(), [m.length, 2], "float32");
  const s = new StandardScaler().partialFit(f32(d.slice(0, 4))).partialFit(f32(d.slice(4, 6))).partialFit(f32(d.slice(6)));
  close(s.mean!, [102.7667473687066, -1.9959788769483566], 1e-15, "mean");
  close(s.var!, [3.8452311591949475, 8.936633605194366e-05], 1e-13, "var");
  close(s.scale!, [1.960926097331296, 0.009453376965505167], 1e-13, "scale");
  assert.deepEqual(s.nSamplesSeen, [9, 8]);
  const t = s.transform(f32(d));
  assert.equal(t.dtype, "float32");
  assert.deepEqual(vals(t), [1.2878673076629639, -0.0020633493550121784, 0.08642001450061798, 1.9451080560684204, 1.4462192058563232, -1.4591505527496338, 0.042591169476509094, -0.5854631662368774, -1.5688514709472656, NaN, -1.1905694007873535, 1.1129965782165527, -0.24663642048835754, -0.2966510057449341, -0.7318779826164246, -0.07239062339067459, 0.874837338924408, -0.6423857808113098]);
});

test("StandardScaler withStd: false has var and scale null, and both options off also mean null, as scikit-learn's None", () => {
  const noStd = new StandardScaler({ withStd: false }).partialFit(f64(c1)).partialFit(f64(c2));
  assert.deepEqual(vals(noStd.mean), [3.75, 2.75, 3.25]);
  const noVar: null = noStd.var, noScale: null = noStd.scale; // typed null, not only null at run time
  assert.equal(noVar, null);
  assert.equal(noScale, null);
  assert.equal(noStd.nSamplesSeen, 4);
  assert.deepEqual(vals(noStd.transform(f64(probe))), [-2.25, NaN, -1.25, 3.25, -5.75, -3]);
  assert.deepEqual(vals(noStd.inverseTransform(f64(probe))), [5.25, NaN, 5.25, 10.75, -0.25, 3.5]);
  const none = new StandardScaler({ withMean: false, withStd: false }).partialFit(f64(c1)).partialFit(f64(c2));
  const noMean: null = none.mean;
  assert.equal(noMean, null);
  assert.equal(none.var, null);
  assert.equal(none.scale, null);
  assert.equal(none.nSamplesSeen, 4);
  assert.deepEqual(vals(none.transform(f64(probe))), [1.5, NaN, 2, 7, -3, 0.25]);
  const noMeanStd = new StandardScaler({ withMean: false }).partialFit(f64(c1)).partialFit(f64(c2));
  assert.deepEqual(vals(noMeanStd.mean), [3.75, 2.75, 3.25]);
  assert.deepEqual(vals(noMeanStd.var), [7.187499999999999, 2.1875, 5.1875]);
  assert.deepEqual(vals(noMeanStd.transform(f64(probe))), [0.5595028849441883, NaN, 0.8781140799175228, 2.6110134630728785, -2.02837021134844, 0.10976425998969035]);
  // Options known only at run time: the type says "maybe null".
  const flag: boolean = Math.random() < 2;
  const maybe: Tensor | null = new StandardScaler({ withStd: flag }).fit(f64(c1)).scale;
  assert.notEqual(maybe, null);
  assert.throws(() => new StandardScaler({ withStd: false }).var, /StandardScaler\.var: this StandardScaler is not fitted yet; call fit\(x\), fitTransform\(x\) or partialFit\(x\) first/);
});

test("MinMaxScaler.partialFit: running data min, max and range over chunks with NaN, as scikit-learn", () => {
  const m = new MinMaxScaler();
  const steps = [
    { min: [1, 2, 2], max: [4, 5, 3], range: [3, 3, 1], scale: [0.3333333333333333, 0.3333333333333333, 1], min_: [-0.3333333333333333, -0.6666666666666666, -2], n: 3 },
    { min: [1, 1, 1], max: [8, 5, 7], range: [7, 4, 6], scale: [0.14285714285714285, 0.25, 0.16666666666666666], min_: [-0.14285714285714285, -0.25, -0.16666666666666666], n: 5 },
    { min: [0.5, 1, 0.1], max: [10, 9, 7], range: [9.5, 8, 6.9], scale: [0.10526315789473684, 0.125, 0.14492753623188406], min_: [-0.05263157894736842, -0.125, -0.014492753623188408], n: 9 },
  ];
  [c1, c2, c3].forEach((chunk, k) => {
    m.partialFit(f64(chunk));
    assert.deepEqual(vals(m.dataMin), steps[k].min, `dataMin after chunk ${k + 1}`);
    assert.deepEqual(vals(m.dataMax), steps[k].max, `dataMax after chunk ${k + 1}`);
    assert.deepEqual(vals(m.dataRange), steps[k].range, `dataRange after chunk ${k + 1}`);
    assert.deepEqual(vals(m.scale), steps[k].scale, `scale after chunk ${k + 1}`);
    assert.deepEqual(vals(m.min), steps[k].min_, `min after chunk ${k + 1}`);
    assert.equal(m.nSamplesSeen, steps[k].n);
  });
  assert.deepEqual(vals(m.transform(f64(probe))), [0.10526315789473684, NaN, 0.2753623188405797, 0.6842105263157894, -0.5, 0.021739130434782608]);
  m.fit(f64(c1));
  assert.deepEqual(vals(m.dataMax), steps[0].max, "fit starts over");
  assert.equal(m.nSamplesSeen, 3);
  const clipped = new MinMaxScaler({ featureRange: [-1, 0.1], clip: true });
  for (const c of [c1, c2, c3]) clipped.partialFit(f64(c));
  assert.deepEqual(vals(clipped.scale), [0.11578947368421054, 0.1375, 0.15942028985507248]);
  assert.deepEqual(vals(clipped.min), [-1.0578947368421052, -1.1375, -1.0159420289855072]);
  assert.deepEqual(vals(clipped.transform(f64(probe))), [-0.8842105263157894, NaN, -0.6971014492753622, -0.24736842105263146, -1, -0.9760869565217392]);
  // A column that is all NaN in a chunk: nanmin is NaN there, and numpy's minimum lets NaN win.
  const gap = new MinMaxScaler().partialFit(f64([[1, 2], [3, 5]])).partialFit(f64([[NaN, 4], [NaN, 9]]));
  assert.deepEqual(vals(gap.dataMin), [NaN, 2]);
  assert.deepEqual(vals(gap.dataMax), [NaN, 9]);
  assert.deepEqual(vals(gap.scale), [NaN, 0.14285714285714285]);
});

test("MinMaxScaler.partialFit on float32 chunks keeps float32 until a float64 chunk comes, as numpy's minimum", () => {
  const d = [[105.29216003417969, -1.9959983825683594], [102.93621063232422, -1.9775910377502441], [105.60267639160156, -2.009772777557373], [102.85026550292969, -2.0015134811401367], [99.69034576416016, NaN], [100.43212890625, -1.9854573011398315], [102.28311157226562, -1.9987832307815552], [101.33158874511719, -1.996663212776184], [104.48223876953125, -2.002051591873169]];
  const f32 = (rows: M): Tensor => constant(rows.flat(), [rows.length, 2], "float32");
  const m = new MinMaxScaler({ featureRange: [-1, 0.1] });
  for (const c of [d.slice(0, 4), d.slice(4, 6), d.slice(6)]) m.partialFit(f32(c));
  assert.equal(m.scale.dtype, "float32");
  assert.deepEqual(vals(m.dataRange), [5.912330627441406, 0.032181739807128906]);
  assert.deepEqual(vals(m.scale), [0.1860518455505371, 34.18087387084961]);
  assert.deepEqual(vals(m.min), [-19.54757308959961, 67.69579315185547]);
  assert.deepEqual(vals(m.transform(f32(d))), [0.04222679138183594, -0.5291748046875, -0.3961009979248047, 0.100006103515625, 0.10000038146972656, -1, -0.4120922088623047, -0.7176895141601562, -1, NaN, -0.8619899749755859, -0.1688690185546875, -0.5176105499267578, -0.6243667602539062, -0.6946449279785156, -0.5519027709960938, -0.10845947265625, -0.7360763549804688]);
  m.partialFit(f64([[120, -1]]));
  assert.equal(m.scale.dtype, "float64");
  assert.deepEqual(vals(m.scale), [0.05416143412519858, 1.0893539858153887]);
  assert.deepEqual(vals(m.min), [-6.39937209502383, 1.189353985815389]);
});

test("partialFit: a chunk with other columns is refused naming both shapes; fit may change them", () => {
  const s = new StandardScaler().partialFit(f64(c1));
  assert.throws(() => s.partialFit(f64([[1, 2], [3, 4]])), /^RangeError: StandardScaler\.partialFit: x has shape \[2, 2\] \(2 features\), but the chunks seen so far have 3 features \(last one \[3, 3\]\); every chunk needs the same columns, or call fit\(x\) to start over$/);
  assert.equal(s.nSamplesSeen.toString(), "3,2,2", "a refused chunk changes nothing");
  assert.deepEqual(s.fit(f64([[1, 2], [3, 4]])).nSamplesSeen, 2);
  const m = new MinMaxScaler().partialFit(f64(c2));
  assert.throws(() => m.partialFit(constant([[1], [2]], "float64")), /^RangeError: MinMaxScaler\.partialFit: x has shape \[2, 1\] \(1 features\), but the chunks seen so far have 3 features \(last one \[2, 3\]\)/);
  assert.throws(() => new MinMaxScaler().partialFit(constant([1, 2], "float64")), /MinMaxScaler\.partialFit: expected a 2D tensor/);
  assert.throws(() => new StandardScaler().partialFit(f64([[1], [Infinity]])), /StandardScaler\.partialFit: x holds Infinity/);
});
