import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";
import { normal } from "../tensor/random.js";

const { layers, models } = tf;
const f64 = { dtype: "float64" } as const;
const arange = (shape: number[], scale: number, shift: number): tf.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.constant(Array.from({ length: n }, (_, i) => i / scale + shift), shape, "float32");
};

// Keras 3.5.0 (torch backend) on these inputs:
// Dot(axes=(1, 2)) of arange(24).reshape(2,3,4)/10-1 and arange(30).reshape(2,5,3)/7-2, and
// Dot(axes=(2, 1)) of arange(48).reshape(2,2,3,4)/20-1 and the latter transposed to (2, 3, 5).
const KERAS_DOT3 = [[[3.4571428298950195, 2.6857142448425293, 1.9142855405807495, 1.1428571939468384, 0.37142860889434814], [2.9000000953674316, 2.257143020629883, 1.6142857074737549, 0.9714285731315613, 0.3285714089870453], [2.3428571224212646, 1.8285714387893677, 1.3142856359481812, 0.800000011920929, 0.2857142984867096], [1.7857141494750977, 1.3999998569488525, 1.0142855644226074, 0.6285713911056519, 0.2428572028875351]], [[0.6285715103149414, 1.4000000953674316, 2.171428680419922, 2.942857265472412, 3.7142860889434814], [0.7142857909202576, 1.6142857074737549, 2.5142855644226074, 3.414285659790039, 4.3142852783203125], [0.8000001907348633, 1.8285715579986572, 2.857142925262451, 3.885714054107666, 4.914285659790039], [0.8857142925262451, 2.0428569316864014, 3.200000047683716, 4.357142448425293, 5.514285564422607]]];
const KERAS_DOT43 = [[[[4.514286041259766, 3.4857144355773926, 2.4571428298950195, 1.4285714626312256, 0.4000000059604645], [4.235714435577393, 3.2714285850524902, 2.307142734527588, 1.3428572416305542, 0.37857139110565186], [3.9571428298950195, 3.057142734527588, 2.1571428775787354, 1.2571429014205933, 0.3571428954601288], [3.6785717010498047, 2.8428571224212646, 2.0071427822113037, 1.1714285612106323, 0.33571431040763855]], [[1.1714284420013428, 0.9142857193946838, 0.6571428179740906, 0.4000000059604645, 0.14285710453987122], [0.8928571939468384, 0.699999988079071, 0.5071427822113037, 0.3142856955528259, 0.12142860144376755], [0.6142857074737549, 0.48571428656578064, 0.3571428060531616, 0.22857140004634857, 0.10000000149011612], [0.3357143998146057, 0.2714286148548126, 0.2071429044008255, 0.14285719394683838, 0.07857140153646469]]], [[[0.40000009536743164, 0.9142857789993286, 1.4285714626312256, 1.9428571462631226, 2.4571428298950195], [0.44285720586776733, 1.0214285850524902, 1.6000001430511475, 2.1785712242126465, 2.757143020629883], [0.4857144057750702, 1.1285715103149414, 1.7714285850524902, 2.414285659790039, 3.057142734527588], [0.5285714864730835, 1.2357141971588135, 1.9428571462631226, 2.6499998569488525, 3.357142686843872]], [[0.9142857789993286, 2.200000047683716, 3.4857144355773926, 4.771428108215332, 6.057142734527588], [0.9571428894996643, 2.307142734527588, 3.6571428775787354, 5.007142543792725, 6.357142448425293], [1.0, 2.41428542137146, 3.828571081161499, 5.242856979370117, 6.657142639160156], [1.04285728931427, 2.5214285850524902, 4.0, 5.47857141494751, 6.957143306732178]]]];

test("Identity returns its input, one tensor or a list", () => {
  const x = tf.constant([[1, 2]]);
  assert.equal(layers.Identity()(x), x);
  const sym = layers.Identity()(layers.Input({ shape: [3, 2] }));
  assert.deepEqual(sym.shape, [null, 3, 2]);
});

test("PReLU: relu(x) - alpha * relu(-x) as Keras 3.5, with sharedAxes, and its gradients", () => {
  const p = layers.PReLU({ sharedAxes: [1] });
  const x = arange([2, 2, 3], 4, -1.3);
  p(x);
  assert.deepEqual(p.alpha!.shape, [1, 3]);
  assert.deepEqual([...p.alpha!.dataSync()], [0, 0, 0], "alpha starts at zeros");
  p.setWeights([tf.constant([[0.1, -0.5, 2.0]])]);
  assertAllClose(p(x), [
    [[-0.13, 0.525, -1.6], [-0.055, 0.15, -0.0999999]], [[0.2, 0.45, 0.7], [0.95, 1.2, 1.45]],
  ], { rtol: 1e-6, atol: 1e-7 });
  assert.throws(() => p(arange([2, 2, 4], 1, 0)), /PReLU p_re_lu(_\d+)?: input shape \(2, 2, 4\) is incompatible/);
  assert.deepEqual(p(arange([2, 5, 3], 1, 0)).shape, [2, 5, 3], "a shared axis may change size, as Keras' InputSpec allows");
  assert.throws(() => layers.PReLU({ sharedAxes: [0] }), /sharedAxes must be null, an axis or a list of axes counted from 1/);
  assert.throws(() => layers.PReLU({ sharedAxes: 3 })(arange([2, 3], 1, 0)), /sharedAxes \[3\] name axes the input \(2, 3\) does not have/);
  const q = layers.PReLU({ ...f64, alphaInitializer: tf.initializers.Constant({ value: 0.3 }) });
  const xs = normal([3, 4], 0, 1, { dtype: "float64", seed: 3 });
  q.build([null, 4]);
  checkGradients((v) => q(v), [xs]);
  checkGradients((a) => tf.sub(tf.relu(xs), tf.mul(a, tf.relu(tf.neg(xs)))), [q.alpha! as tf.Tensor]);
  const cfg = q.getConfig();
  assert.deepEqual(cfg.shared_axes, null);
  assert.deepEqual(cfg.alpha_initializer, { module: "keras.initializers", class_name: "Constant", config: { value: 0.3 }, registered_name: null });
});

test("Minimum: the elementwise minimum, with gradients", () => {
  const a = tf.constant([[-2, -1, 0], [1, 2, 3]], "float32"), b = tf.constant([[1, -2, 0.5], [3, 0.25, -1]]);
  assertAllClose(layers.Minimum()([a, b, tf.fill([2, 3], 0.5)]), [[-2, -2, 0], [0.5, 0.25, -1]]);
  const x = normal([2, 3], 0, 1, { dtype: "float64", seed: 1 }), y = normal([2, 3], 0, 1, { dtype: "float64", seed: 2 });
  checkGradients((p, q) => layers.Minimum(f64)([p, q]), [x, y]);
});

test("Dot: Keras 3.5's batch_dot for ranks 2 to 4, normalize, symbolic shapes and gradients", () => {
  const a = arange([2, 3], 1, -2), b = tf.constant([[1, -2, 0.5], [3, 0.25, -1]]);
  assertAllClose(layers.Dot(1)([a, b]), [[0], [0.5]]);
  assertAllClose(layers.Dot({ axes: -1, normalize: true })([a, b]), [[0], [0.0421263]], { rtol: 1e-5, atol: 1e-7 });
  const x3 = arange([2, 3, 4], 10, -1), y3 = arange([2, 5, 3], 7, -2);
  assertAllClose(layers.Dot([1, 2])([x3, y3]), KERAS_DOT3, { rtol: 1e-5, atol: 1e-6 });
  const x4 = arange([2, 2, 3, 4], 20, -1);
  assertAllClose(layers.Dot({ axes: [2, 1] })([x4, tf.transpose(y3, [0, 2, 1])]), KERAS_DOT43, { rtol: 1e-5, atol: 1e-6 });
  assertAllClose(layers.Dot([2, 1])([x3, arange([2, 4], 1, -3)]), [[5.6, 3.2, 0.8], [4, 8, 12]], { rtol: 1e-5 });
  // Symbolic shapes as Keras' compute_output_shape.
  const s = (p: number[], q: number[], axes: number | [number, number]): readonly (number | null)[] =>
    layers.Dot({ axes })([layers.Input({ shape: p }), layers.Input({ shape: q })]).shape;
  assert.deepEqual(s([3], [3], 1), [null, 1]);
  assert.deepEqual(s([3, 4], [5, 3], [1, 2]), [null, 4, 5]);
  assert.deepEqual(s([2, 3, 4], [3, 5], [2, 1]), [null, 2, 4, 5]);
  assert.throws(() => layers.Dot(1)([a, tf.ones([2, 4])]), /Dot dot(_\d+)?: incompatible input shapes \(2, 3\) and \(2, 4\): axis 1 of the first has size 3 but axis 1 of the second has size 4/);
  assert.throws(() => layers.Dot(0)([a, b]), /cannot take the dot product over the batch axis 0/);
  assert.throws(() => layers.Dot(1)([a, b, b]), /should be called on a list of exactly 2 inputs/);
  assert.throws(() => layers.Dot({ axes: [1, 2, 3] as unknown as [number, number] }), /axes must be an integer or a list of two integers/);
  const p = normal([2, 3, 4], 0, 1, { dtype: "float64", seed: 4 }), q = normal([2, 4, 3], 0, 1, { dtype: "float64", seed: 5 });
  checkGradients((u, v) => layers.Dot({ ...f64, axes: [1, 2] })([u, v]), [p, q]);
  checkGradients((u, v) => layers.Dot({ ...f64, axes: [2, 1], normalize: true })([u, v]), [p, q]);
});

test("RepeatVector: (batch, features) -> (batch, n, features), with gradients", () => {
  const r = layers.RepeatVector(3);
  assertAllClose(r(tf.constant([[1, 2], [3, 4]], "float32")), [[[1, 2], [1, 2], [1, 2]], [[3, 4], [3, 4], [3, 4]]]);
  assert.deepEqual(layers.RepeatVector(2)(layers.Input({ shape: [5] })).shape, [null, 2, 5]);
  assert.throws(() => layers.RepeatVector(2)(tf.ones([2, 3, 4])), /RepeatVector repeat_vector(_\d+)?: expects inputs of rank 2/);
  assert.throws(() => layers.RepeatVector(1.5), /n must be a non-negative integer/);
  checkGradients((x) => layers.RepeatVector({ ...f64, n: 2 })(x), [normal([2, 3], 0, 1, { dtype: "float64", seed: 6 })]);
});

test("AlphaDropout: in training every value is a*x+b or SELU's saturation a*alphaP+b, mean and variance kept; seeded; inference returns x", () => {
  // Keras 3.5's constants for rate 0.2: a = ((1 - r)(1 + r alphaP^2))^-1/2, b = -a alphaP r, alphaP = -alpha * scale of SELU.
  const A = 0.8789035834435328, B = 0.30903996214409446, DROPPED = -1.2361598485763778;
  const x = normal([200, 50], 0, 1, { seed: 11 });
  const d = layers.AlphaDropout(0.2, { seed: 7 });
  assert.equal(d(x), x, "inference (no training flag) returns the input");
  const y = d(x, { training: true });
  const xs = x.dataSync() as Float32Array, ys = y.dataSync() as Float32Array;
  let dropped = 0;
  for (let i = 0; i < ys.length; i++) {
    if (Math.abs(ys[i] - DROPPED) < 1e-5 && Math.abs(ys[i] - (A * xs[i] + B)) > 1e-5) dropped++;
    else assert.ok(Math.abs(ys[i] - (A * xs[i] + B)) < 1e-5, `element ${i}: ${ys[i]} is neither a*x+b nor the dropped value`);
  }
  assert.ok(Math.abs(dropped / ys.length - 0.2) < 0.02, `dropped fraction ${dropped / ys.length}`);
  const m = tf.mean(y).item(), v = tf.mean(tf.square(tf.sub(y, m))).item();
  assert.ok(Math.abs(m) < 0.05 && Math.abs(v - 1) < 0.05, `mean ${m}, variance ${v} stay near 0 and 1`);
  // A seeded layer repeats its sequence of masks; each call draws a new one.
  const e = layers.AlphaDropout(0.2, { seed: 7 });
  assert.deepEqual([...e(x, { training: true }).dataSync()], [...ys]);
  assert.notDeepEqual([...e(x, { training: true }).dataSync()], [...ys]);
  // noiseShape [null, 1]: one decision per row.
  const rows = layers.AlphaDropout(0.5, { noiseShape: [null, 1], seed: 1 })(tf.ones([20, 4]), { training: true }).arraySync() as number[][];
  for (const r of rows) assert.ok(r.every((v) => v === r[0]), "one mask value per row");
  assert.throws(() => layers.AlphaDropout(1), /rate must be a number in \[0, 1\)/);
  assert.throws(() => layers.AlphaDropout(0.1, { noiseShape: [2, 3] })(tf.ones([4, 3]), { training: true }), /noiseShape \[2,3\] does not fit the input \(4, 3\)/);
  const g = layers.AlphaDropout({ ...f64, rate: 0.3, seed: 2 });
  const xg = normal([3, 4], 0, 1, { dtype: "float64", seed: 3 });
  // The same seed gives the same mask on each evaluation of the finite differences.
  checkGradients((u) => layers.AlphaDropout({ ...f64, rate: 0.3, seed: 2 })(u, { training: true }), [xg]);
  assert.equal(g.getConfig().noise_shape, null);
});

test("ActivityRegularization and activityRegularizer: the penalty of each call in layer.losses, whole, and through the gradient", () => {
  const x = tf.constant([[1, -2], [3, 0.5]], "float32");
  const ar = layers.ActivityRegularization({ l1: 0.1, l2: 0.01 });
  assert.equal(ar(x), x);
  // 0.1 * (1 + 2 + 3 + 0.5) + 0.01 * (1 + 4 + 9 + 0.25)
  assertAllClose(ar.losses.map((l) => l.item()), [0.65 + 0.1425], { rtol: 1e-6 });
  ar(tf.constant([[1]], "float32"));
  assertAllClose(ar.losses.map((l) => l.item()), [0.11], { rtol: 1e-6, what: "a new call replaces the losses of the last" });
  assert.deepEqual(ar.getConfig().l1, 0.1);
  assert.ok(!("activity_regularizer" in ar.getConfig()), "Keras leaves the regularizer out of ActivityRegularization's config");
  // Keras 3.5: Dense(2, activity_regularizer="l2") with ones kernel on [[1,2,3],[0.5,-1,2],[-2,0.3,1],[0.1,0.2,-0.4]] has losses [0.775].
  const d = layers.Dense(2, { activityRegularizer: "l2", kernelInitializer: "ones" });
  d(tf.constant([[1, 2, 3], [0.5, -1, 2], [-2, 0.3, 1], [0.1, 0.2, -0.4]]));
  assertAllClose(d.losses.map((l) => l.item()), [0.775], { rtol: 1e-6 });
  assert.deepEqual(d.getConfig().activity_regularizer, { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 }, registered_name: null });
  assert.throws(() => layers.Dense(2, { activityRegularizer: "l3" }), /Dense: activityRegularizer: .*l3/);
  // A model's losses gather its layers' penalties; symbolic calls add none.
  const inp = layers.Input({ shape: [2] });
  const m = new models.Model({ inputs: inp, outputs: layers.ActivityRegularization({ l2: 1 })(layers.Dense(2, { kernelInitializer: "identity", activityRegularizer: tf.regularizers.L1({ l1: 1 }) })(inp)) });
  assert.equal(m.losses.length, 0);
  m.apply(x);
  assertAllClose(m.losses.map((l) => l.item()), [6.5, 14.25], { rtol: 1e-6 });
  // The penalty's gradient: d/dx of l2 * sum(x^2) through an Identity-like layer.
  const w = normal([2, 3], 0, 1, { dtype: "float64", seed: 9 });
  checkGradients((u) => {
    const l = layers.ActivityRegularization({ ...f64, l1: 0.3, l2: 0.7 });
    l(u);
    return l.losses[0];
  }, [w]);
});

test("the merge helpers build and call the layer, symbolic or eager", () => {
  tf.clearSession();
  const a = layers.Input({ shape: [3] }), b = layers.Input({ shape: [3] });
  const outs = [
    layers.add([a, b]), layers.subtract([a, b]), layers.multiply([a, b]), layers.average([a, b]), layers.maximum([a, b]),
    layers.minimum([a, b]), layers.concatenate([a, b]), layers.concatenate([a, b], 1), layers.dot([a, b], { axes: 1, name: "cos", normalize: true }), layers.dot([a, b]),
  ];
  const m = new models.Model({ inputs: [a, b], outputs: outs });
  assert.deepEqual(m.layers.slice(2).map((l) => `${l.className}:${l.name}`), [
    "Add:add", "Subtract:subtract", "Multiply:multiply", "Average:average", "Maximum:maximum", "Minimum:minimum",
    "Concatenate:concatenate", "Concatenate:concatenate_1", "Dot:cos", "Dot:dot",
  ]);
  const x = tf.constant([[1, 2, 3]], "float32"), y = tf.constant([[3, -1, 0.5]]);
  const got = (m.predict([x, y]) as tf.Tensor[]).map((t) => t.arraySync());
  assert.deepEqual(got.slice(0, 8), [
    [[4, 1, 3.5]], [[-2, 3, 2.5]], [[3, -2, 1.5]], [[2, 0.5, 1.75]], [[3, 2, 3]], [[1, -1, 0.5]], [[1, 2, 3, 3, -1, 0.5]], [[1, 2, 3, 3, -1, 0.5]],
  ]);
  assertAllClose(got[8] as number[][], [[2.5 / Math.sqrt(14 * 10.25)]], { rtol: 1e-6 });
  assert.deepEqual(got[9], [[2.5]]);
  assertAllClose(layers.add([x, y, x]), [[5, 3, 6.5]]);
  assert.throws(() => layers.add(x as unknown as tf.Tensor[]), /layers.add: expects a list of inputs/);
});
