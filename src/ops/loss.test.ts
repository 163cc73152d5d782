import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { randomF64 } from "../testing/random_inputs.js";

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/activations.json", import.meta.url), "utf8"));

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

/** Random probability rows along the last axis, each entry at least `floor`. */
function randomProbs(shape: number[], seed: number, floor = 0.05): tf.Tensor {
  const g = new tf.random.RandomGenerator(seed);
  const cols = shape[shape.length - 1];
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let r = 0; r < n / cols; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += (d[r * cols + j] = floor + g.nextDouble());
    for (let j = 0; j < cols; j++) d[r * cols + j] /= s;
  }
  return tf.constant(d, shape, "float64");
}

const L = fx.logits_ce;
const K = fx.keras_losses;

test("softmaxCrossEntropyWithLogits by hand and against PyTorch", () => {
  const l = tf.softmaxCrossEntropyWithLogits(tf.constant([[0, 1]], "float64"), tf.constant([[0, 0]], "float64"));
  assert.deepEqual(l.shape, [1]);
  assert.equal(l.dataSync()[0], Math.LN2);
  // huge logits: the true class wins by 1000, the loss is ~0 and finite
  const big = tf.softmaxCrossEntropyWithLogits(tf.constant([[1, 0]], "float32"), tf.constant([[1000, 0]], "float32"));
  assert.equal(big.dataSync()[0], 0);
  const got = tf.softmaxCrossEntropyWithLogits(tf.constant(L.labels, "float64"), tf.constant(L.logits, "float64"));
  assert.deepEqual(got.shape, [4]);
  assertAllClose(got.dataSync(), L.softmax_ce, { rtol: 1e-13, atol: 1e-14, what: "softmax_ce" });
  const got32 = tf.softmaxCrossEntropyWithLogits(tf.constant(L.labels, "float32"), tf.constant(L.logits, "float32"));
  assert.equal(got32.dtype, "float32");
  assertAllClose(got32.dataSync(), L.softmax_ce, { rtol: 1e-6, atol: 1e-6, what: "softmax_ce float32" });
  // class axis 1 of [2, 5, 3]: per-example losses [2, 3]
  const got3 = tf.softmaxCrossEntropyWithLogits(tf.constant(L.labels3, "float64"), tf.constant(L.logits3, "float64"), 1);
  assert.deepEqual(got3.shape, [2, 3]);
  assertAllClose(got3.dataSync(), flat(L.softmax_ce3_axis1), { rtol: 1e-13, atol: 1e-14, what: "softmax_ce axis 1" });
  // plain arrays as labels adopt the logits' dtype
  const arr = tf.softmaxCrossEntropyWithLogits([[0, 1]], tf.constant([[0, 0]], "float64"));
  assert.equal(arr.dtype, "float64");
});

test("sparseSoftmaxCrossEntropyWithLogits against PyTorch, int32 and int64 labels", () => {
  const logits = tf.constant(L.logits, "float64");
  const want = L.sparse_ce as number[];
  assertAllClose(tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant(L.sparse_labels, "int32"), logits).dataSync(), want, { rtol: 1e-13, atol: 1e-14, what: "int32" });
  assertAllClose(tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant(L.sparse_labels, "int64"), logits).dataSync(), want, { rtol: 1e-13, atol: 1e-14, what: "int64" });
  const l3 = tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant([[0, 1], [1, 1]], "int32"), tf.constant([[[0, 0], [0, 0]], [[0, 0], [0, 0]]], "float32"));
  assert.deepEqual(l3.shape, [2, 2]);
  assert.ok([...l3.dataSync()].every((v) => v === Math.fround(Math.LN2)));
});

test("sparse cross-entropy errors name the label and the number of classes", () => {
  const logits = tf.zeros([3, 5], "float32");
  assert.throws(() => tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant([0, 7, 1], "int32"), logits),
    /sparseSoftmaxCrossEntropyWithLogits: label 7 at flat index 1 is out of range for 5 classes \(valid labels are 0\.\.4\)/);
  assert.throws(() => tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant([0, -1, 1], "int32"), logits), /label -1 .*5 classes/);
  assert.throws(() => tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant([0, 1, 1], "float32"), logits), /labels must be int32 or int64.*tf\.cast/);
  assert.throws(() => tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant([0, 1], "int32"), logits), /labels \(2,\) must have the shape of logits \(3, 5\) without its last/);
  assert.throws(() => tf.sparseCategoricalCrossentropy(tf.constant([9, 1, 1], "int32"), tf.fill([3, 5], 0.2, "float32")), /label 9 .*5 classes/);
  assert.throws(() => tf.softmaxCrossEntropyWithLogits(tf.zeros([3, 4]), tf.zeros([3, 5])), /labels \(3, 4\) and logits \(3, 5\) must have the same shape/);
  assert.throws(() => tf.softmaxCrossEntropyWithLogits(tf.zeros([3, 5], "float64"), tf.zeros([3, 5])), /labels is float64 .* but logits is float32/);
});

test("Keras categoricalCrossentropy: rescale, clip to [1e-7, 1 - 1e-7], matches a NumPy transcription", () => {
  // hand: one-hot [0, 1] against [0.5, 0.5] is ln 2
  assertAllClose(tf.categoricalCrossentropy([[0, 1]], tf.constant([[0.5, 0.5]], "float64")).dataSync(), [Math.LN2], { rtol: 0, atol: 1e-16, what: "hand" });
  // a zero probability on the true class costs -log(1e-7) instead of Infinity
  assertAllClose(tf.categoricalCrossentropy([[1, 0]], tf.constant([[0, 1]], "float64")).dataSync(), [-Math.log(1e-7)], { rtol: 0, atol: 1e-12, what: "clip low" });
  const yt = tf.constant(K.y_true, "float64"), yp = tf.constant(K.y_pred, "float64");
  const got = tf.categoricalCrossentropy(yt, yp);
  assert.deepEqual(got.shape, [4]);
  assertAllClose(got.dataSync(), K.categorical, { rtol: 1e-13, atol: 1e-15, what: "categorical f64" });
  const got32 = tf.categoricalCrossentropy(tf.constant(K.y_true, "float32"), tf.constant(K.y_pred, "float32"));
  assertAllClose(got32.dataSync(), K.categorical_f32, { rtol: 1e-6, atol: 1e-6, what: "categorical f32" });
  // along axis 0 equals along the last axis of the transpose
  const t0 = tf.categoricalCrossentropy(tf.transpose(yt), tf.transpose(yp), { axis: 0 });
  assertAllClose(t0.dataSync(), K.categorical, { rtol: 1e-13, atol: 1e-15, what: "categorical axis 0" });
  // integer one-hot labels are cast to the predictions' dtype, as Keras does
  assertAllClose(tf.categoricalCrossentropy(tf.constant([[0, 1]], "int32"), tf.constant([[0.5, 0.5]], "float32")).dataSync(), [Math.fround(Math.LN2)], { rtol: 0, atol: 1e-7, what: "int labels" });
  const fromLogits = tf.categoricalCrossentropy(tf.constant(L.labels, "float64"), tf.constant(L.logits, "float64"), { fromLogits: true });
  assertAllClose(fromLogits.dataSync(), K.categorical_from_logits, { rtol: 1e-13, atol: 1e-14, what: "fromLogits" });
});

test("Keras sparseCategoricalCrossentropy on probabilities and logits", () => {
  const yp = tf.constant(K.y_pred, "float64");
  assertAllClose(tf.sparseCategoricalCrossentropy(tf.constant(K.sparse_true, "int32"), yp).dataSync(), K.sparse_prob, { rtol: 1e-12, atol: 1e-14, what: "sparse prob" });
  // float labels of shape [n, 1] (as a model's y often is) are squeezed and cast
  const col = tf.constant((K.sparse_true as number[]).map((v) => [v]), "float32");
  assertAllClose(tf.sparseCategoricalCrossentropy(col, yp).dataSync(), K.sparse_prob, { rtol: 1e-12, atol: 1e-14, what: "sparse prob [n,1] float labels" });
  const u8 = tf.constant(new Uint8Array(K.sparse_true as number[]), [4], "uint8");
  assertAllClose(tf.sparseCategoricalCrossentropy(u8, yp).dataSync(), K.sparse_prob, { rtol: 1e-12, atol: 1e-14, what: "sparse prob uint8 labels" });
  const fromLogits = tf.sparseCategoricalCrossentropy(tf.constant(L.sparse_labels, "int32"), tf.constant(L.logits, "float64"), { fromLogits: true });
  assertAllClose(fromLogits.dataSync(), L.sparse_ce, { rtol: 1e-13, atol: 1e-14, what: "sparse fromLogits" });
  assert.throws(() => tf.sparseCategoricalCrossentropy([0], tf.zeros([1, 3]), { axis: 0 }), /only the last axis/);
});

test("Keras binaryCrossentropy, meanSquaredError, meanAbsoluteError", () => {
  const bt = tf.constant(K.bin_true, "float64");
  assertAllClose(tf.binaryCrossentropy(bt, tf.constant(K.bin_pred, "float64")).dataSync(), K.binary_prob, { rtol: 1e-12, atol: 1e-14, what: "binary prob" });
  assertAllClose(tf.binaryCrossentropy(bt, tf.constant(K.bin_logits, "float64"), { fromLogits: true }).dataSync(), K.binary_logits, { rtol: 1e-12, atol: 1e-14, what: "binary logits" });
  // hand: y = 1, p = 0.5 -> ln 2; Keras' docstring example [[0, 1], [0, 0]] vs [[0.6, 0.4], [0.4, 0.6]]
  assertAllClose(tf.binaryCrossentropy([[1]], tf.constant([[0.5]], "float64")).dataSync(), [Math.LN2], { rtol: 0, atol: 1e-16, what: "hand" });
  assertAllClose(tf.binaryCrossentropy([[0, 1], [0, 0]], tf.constant([[0.6, 0.4], [0.4, 0.6]], "float32")).dataSync(), [0.916, 0.714], { rtol: 0, atol: 1e-3, what: "keras docstring" });
  const rt = tf.constant(K.reg_true, "float64"), rp = tf.constant(K.reg_pred, "float64");
  assertAllClose(tf.meanSquaredError(rt, rp).dataSync(), K.mse, { rtol: 1e-14, atol: 1e-15, what: "mse" });
  assertAllClose(tf.meanAbsoluteError(rt, rp).dataSync(), K.mae, { rtol: 1e-14, atol: 1e-15, what: "mae" });
  const m = tf.meanSquaredError(tf.constant(K.col_true, "float64"), tf.constant(K.col_pred, "float64"));
  assert.deepEqual(m.shape, [4]);
  assertAllClose(m.dataSync(), K.mse_col, { rtol: 1e-14, atol: 1e-15, what: "mse [n] vs [n,1]" });
  assert.deepEqual(tf.meanAbsoluteError([[1, 2]], tf.constant([[1, 4]], "float32")).arraySync(), [1]);
});

test("gradients of softmaxCrossEntropyWithLogits w.r.t. labels and logits", () => {
  const cases: [number[], number][] = [[[4, 5], -1], [[1, 3], -1], [[2, 3, 4], -1], [[2, 5, 3], 1], [[3, 2], 0]];
  cases.forEach(([shape, axis], i) => {
    // labels are distributions along the class axis, as the op requires
    const ax = axis < 0 ? axis + shape.length : axis;
    const labels = tf.softmax(randomF64(shape, 10 + i), ax);
    const logits = randomF64(shape, 20 + i);
    checkGradients((a, b) => tf.softmaxCrossEntropyWithLogits(a, b, axis), [labels, logits]);
  });
  // d loss / d logits = softmax(logits) - labels, by hand for one row
  const g = tf.grad((z: tf.Tensor) => tf.softmaxCrossEntropyWithLogits(tf.constant([[0, 1]], "float64"), z))(tf.constant([[0, 0]], "float64"));
  assert.deepEqual(g.arraySync(), [[0.5, -0.5]]);
});

test("gradients of the sparse and sigmoid cross-entropies", () => {
  const labels = tf.constant([0, 4, 2, 3], "int32");
  checkGradients((z) => tf.sparseSoftmaxCrossEntropyWithLogits(labels, z), [randomF64([4, 5], 30)]);
  const l3 = tf.constant([[0, 2, 1], [1, 1, 0]], "int64");
  checkGradients((z) => tf.sparseSoftmaxCrossEntropyWithLogits(l3, z), [randomF64([2, 3, 3], 31)]);
  checkGradients((a, b) => tf.sigmoidCrossEntropyWithLogits(a, b), [randomF64([3, 4], 32, 0, 1), randomF64([3, 4], 33, -5, 5)]);
  // at logit 0 the slope is sigmoid(0) - z exactly
  const g0 = tf.grad((z: tf.Tensor) => tf.sigmoidCrossEntropyWithLogits(tf.constant([1, 0], "float64"), z))(tf.zeros([2], "float64"));
  assert.deepEqual(g0.arraySync(), [-0.5, 0.5]);
});

test("gradients of the Keras losses", () => {
  // probabilities kept away from the clip bounds so the finite differences see the smooth part
  const yt = randomProbs([3, 4], 40), yp = randomProbs([3, 4], 41);
  checkGradients((a, b) => tf.categoricalCrossentropy(a, b), [yt, yp]);
  checkGradients((a, b) => tf.categoricalCrossentropy(a, b, { axis: 0 }), [randomProbs([4, 3], 42), randomF64([4, 3], 43, 0.1, 1)]);
  checkGradients((a, b) => tf.categoricalCrossentropy(a, b, { fromLogits: true }), [yt, randomF64([3, 4], 44)]);
  const labels = tf.constant([1, 0, 3], "int32");
  checkGradients((p) => tf.sparseCategoricalCrossentropy(labels, p), [yp]);
  checkGradients((z) => tf.sparseCategoricalCrossentropy(labels, z, { fromLogits: true }), [randomF64([3, 4], 45)]);
  const bt = randomF64([2, 5], 46, 0, 1);
  checkGradients((a, b) => tf.binaryCrossentropy(a, b), [bt, randomF64([2, 5], 47, 0.05, 0.95)]);
  checkGradients((a, b) => tf.binaryCrossentropy(a, b, { fromLogits: true }), [bt, randomF64([2, 5], 48)]);
  checkGradients((a, b) => tf.meanSquaredError(a, b), [randomF64([3, 4], 49), randomF64([3, 4], 50)]);
  checkGradients((a, b) => tf.meanSquaredError(a, b), [randomF64([5], 51), randomF64([5, 1], 52)]);
  // |a - b| has a kink at 0: keep the two apart
  checkGradients((a, b) => tf.meanAbsoluteError(a, b), [randomF64([3, 4], 53, 1, 2), randomF64([3, 4], 54, -2, 0.9)]);
});

test("empty batches give empty losses", () => {
  assert.deepEqual(tf.softmaxCrossEntropyWithLogits(tf.zeros([0, 3]), tf.zeros([0, 3])).shape, [0]);
  assert.deepEqual(tf.softmaxCrossEntropyWithLogits(tf.zeros([2, 0]), tf.zeros([2, 0])).arraySync(), [0, 0]);
  assert.deepEqual(tf.sparseSoftmaxCrossEntropyWithLogits(tf.zeros([0], "int32"), tf.zeros([0, 3])).shape, [0]);
});

test("cross-entropies of softmax/sigmoid outputs use their logits, as Keras' TensorFlow backend does", () => {
  // Class 0 has probability e^-30 / (1 + e^-30): clipping would cap the loss at -log(1e-7) = 16.118.
  const logits = tf.constant([[0, 30]], "float64");
  const exact = 30 + Math.log1p(Math.exp(-30));
  const probs = tf.softmax(logits);
  assert.ok(Math.abs(tf.categoricalCrossentropy(tf.constant([[1, 0]], "float64"), probs).item() - exact) < 1e-9);
  assert.ok(Math.abs(tf.sparseCategoricalCrossentropy(tf.constant([0]), probs).item() - exact) < 1e-9);
  const p = tf.sigmoid(tf.constant([[-30]], "float64"));
  assert.ok(Math.abs(tf.binaryCrossentropy(tf.constant([[1]], "float64"), p).item() - exact) < 1e-9);
  // A tensor holding the same probabilities but not produced by softmax is clipped.
  const copy = tf.constant(probs.dataSync().slice(), [1, 2], "float64");
  assert.ok(Math.abs(tf.categoricalCrossentropy(tf.constant([[1, 0]], "float64"), copy).item() - -Math.log(1e-7)) < 1e-6);
});

test("sparseCategoricalCrossentropy's errors name it and its yTrue/yPred, not the internal sparseSoftmaxCrossEntropyWithLogits", () => {
  const probs = tf.constant([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]]);
  for (const fromLogits of [false, true]) {
    assert.throws(() => tf.ops.sparseCategoricalCrossentropy(tf.constant([1, 3]), probs, fromLogits),
      (e: Error) => /^sparseCategoricalCrossentropy: label 3 at flat index 1 is out of range for 3 classes \(valid labels are 0\.\.2\)/.test(e.message) && !/sparseSoftmax/.test(e.message));
  }
  assert.throws(() => tf.sparseCategoricalCrossentropy(tf.constant([1, 2, 0]), probs),
    /^RangeError: sparseCategoricalCrossentropy: yTrue \(3,\) must have the shape of yPred \(2, 3\) without its last \(class\) axis.*use categoricalCrossentropy/);
  // The tf.nn op keeps its own name.
  assert.throws(() => tf.sparseSoftmaxCrossEntropyWithLogits(tf.constant([1, 3]), probs), /^RangeError: sparseSoftmaxCrossEntropyWithLogits: label 3/);
});
