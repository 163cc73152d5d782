import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { Tensor } from "../tensor/tensor.js";

type Nested = number | Nested[];
// Reference values from Keras 3.5 (torch backend) and numpy: test/fixtures/keras_ops_ref.py.
const ref = JSON.parse(readFileSync(new URL("../../test/fixtures/keras_ops_ref.json", import.meta.url), "utf8")) as Record<string, Nested>;
const names = (JSON.parse(readFileSync(new URL("../../test/fixtures/keras35_ops_names.json", import.meta.url), "utf8")) as { ops: string[] }).ops;

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The inputs ref.py builds: arange(prod(s)) * 0.37 % 1.7 - 0.6 as float32. */
function A(...shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, (_, i) => Math.fround((Math.fround(i * Math.fround(0.37)) % Math.fround(1.7)) - 0.6));
  return tf.constant(v, shape);
}

function close(actual: Tensor | number, expected: Nested, tol = 1e-5, what = ""): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual.dataSync() as ArrayLike<number | bigint>, Number);
  const e = [expected].flat(Infinity as 1) as number[];
  assert.equal(a.length, e.length, `${what}: ${a.length} values, expected ${e.length}`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
}
const shapeOf = (e: Nested): number[] => (Array.isArray(e) ? [e.length, ...shapeOf(e[0])] : []);
function matches(actual: Tensor, key: string, tol = 1e-5): void {
  assert.deepEqual(actual.shape, shapeOf(ref[key]), `${key} shape`);
  close(actual, ref[key], tol, key);
}

// Names that need a backend lamina lacks or complex/string dtypes (none in keras.ops 3.5 beyond the
// real-input real/imag/conj, which follow numpy on real arrays and are tested below).
const REFUSED: string[] = [];

test("every keras.ops 3.5 name is a member of lamina's ops (camelCased)", () => {
  const missing = names.map(camel).filter((n) => !(n in ops));
  assert.deepEqual(missing, []);
  for (const n of REFUSED) assert.ok(n in ops);
  assert.equal(names.length, 231);
});

test("every keras.ops 3.15.1 name is a member of lamina's ops (camelCased)", () => {
  // test/fixtures/keras315_ops_names.json: the names keras/api/ops/__init__.py imports at v3.15.1.
  const names315 = (JSON.parse(readFileSync(new URL("../../test/fixtures/keras315_ops_names.json", import.meta.url), "utf8")) as { ops: string[] }).ops;
  assert.equal(names315.length, 339);
  assert.deepEqual(names315.map(camel).filter((n) => !(n in ops)), []);
});

test("the inputs match ref.py's", () => {
  close(A(2, 7, 3), ref.x1, 1e-6, "x1");
  close(A(3, 3, 4), ref.k1, 1e-6, "k1");
});

test("conv: 1-D, 2-D dilated, 3-D, channels_first match Keras", () => {
  matches(ops.conv(A(2, 7, 3), A(3, 3, 4), 2, "same"), "conv1d_same_s2", 1e-4);
  matches(ops.conv(A(1, 5, 5, 2), A(3, 3, 2, 3), 1, "valid", null, 2), "conv2d_valid_d2", 1e-4);
  matches(ops.conv(A(1, 4, 4, 4, 2), A(2, 2, 2, 2, 2), 1, "same"), "conv3d_same", 1e-4);
  matches(ops.conv(A(1, 2, 5, 5), A(3, 3, 2, 3), 1, "valid", "channels_first"), "conv2d_cf", 1e-4);
});

test("convTranspose, depthwiseConv, separableConv match Keras", () => {
  matches(ops.convTranspose(A(2, 7, 3), A(3, 4, 3), 2, "same"), "convT1d_s2_same", 1e-4);
  matches(ops.convTranspose(A(2, 7, 3), A(3, 4, 3), 2, "valid", 1), "convT1d_s2_valid_op1", 1e-4);
  matches(ops.convTranspose(A(1, 5, 5, 2), A(3, 3, 3, 2), 2), "convT2d_s2_valid", 1e-4);
  matches(ops.depthwiseConv(A(2, 7, 3), A(3, 3, 2), 1, "same"), "dw1d", 1e-4);
  matches(ops.separableConv(A(1, 5, 5, 2), A(2, 2, 2, 2), A(1, 1, 4, 3), 2), "sep2d", 1e-4);
});

test("averagePool / maxPool 1-D and 3-D match Keras", () => {
  matches(ops.averagePool(A(2, 7, 3), 3, 2, "same"), "avg1d_same");
  matches(ops.averagePool(A(1, 4, 4, 4, 2), 2), "avg3d");
  matches(ops.maxPool(A(2, 7, 3), 2), "max1d");
});

test("take, flip, var, amax/amin, append, ravel match Keras", () => {
  const t = A(3, 4);
  matches(ops.take(t, tf.constant([0, -1, 5], [3], "int32")), "take_none");
  matches(ops.take(t, tf.constant([[3, 0], [-2, 1]], [2, 2], "int32"), 1), "take_ax1");
  matches(ops.flip(t), "flip_none");
  matches(ops.flip(t, 1), "flip_1");
  close(ops.var(t), ref.var_none, 1e-5, "var_none");
  matches(ops.var(t, 0, true), "var_0k");
  matches(ops.amax(t, 1), "amax_1");
  close(ops.amin(t, [0, 1]), ref.amin_01, 1e-6, "amin_01");
  matches(ops.append(t, tf.ones([2])), "append_none");
  matches(ops.append(t, tf.ones([1, 4]), 0), "append_0");
  assert.deepEqual(ops.ravel(t).shape, [12]);
});

test("segmentSum, scatter, scatterUpdate, select match Keras", () => {
  const t2 = A(3, 4);
  matches(ops.segmentSum(t2, tf.constant([0, 2, 0], [3], "int32")), "segsum");
  matches(ops.scatter(tf.constant([[0, 1], [2, 0], [0, 1]], [3, 2], "int32"), tf.constant([1, 2, 3], [3], "float32"), [3, 2]), "scatter");
  matches(ops.scatterUpdate(t2, tf.constant([[0, 1], [2, 3]], [2, 2], "int32"), tf.constant([9, 8], [2], "float32")), "scatter_update");
  matches(ops.select([tf.less(t2, 0), tf.greater(t2, 0.5)], [tf.mul(t2, 10), tf.mul(t2, 100)], -1), "select", 1e-5);
});

test("vectorize (element-wise and with a signature), dot, average match numpy/Keras", () => {
  const t2 = A(3, 4);
  const v = ops.vectorize((a, b) => tf.sum(tf.mul(a, b)), { signature: "(n),(n)->()" });
  matches(v(t2, tf.constant([1, 2, 3, 4], [4], "float32")), "vectorize_sig");
  matches(ops.vectorize((a) => tf.add(tf.mul(a, a), 1))(t2), "vectorize_el");
  matches(ops.dot(A(2, 3, 4), A(5, 4, 2)), "dot_nd", 1e-5);
  matches(ops.dot(t2, tf.constant([1, 2, 3, 4], [4], "float32")), "dot_1d");
  matches(ops.average(t2, 1, tf.constant([1, 2, 0, 3], [4], "float32")), "average_w");
});

test("Keras-argument wrappers match Keras", () => {
  matches(ops.eye(3, 4, 1), "eye_k");
  const parts = ops.split(tf.range(0, 7, 1, "float32"), [2, 5]);
  (ref.split_idx as Nested[]).forEach((e, i) => close(parts[i], e, 0, `split ${i}`));
  matches(ops.tile(tf.constant([1, 2]), [2, 2]), "tile");
  close(ops.argmax(A(3, 4)), ref.argmax_none, 0, "argmax");
  matches(ops.linspace(0, 1, 4, false) as Tensor, "linspace_noend");
  matches(ops.round(tf.constant([1.2345, -2.555, 0.125]), 2), "round2");
  matches(ops.binaryCrossentropy(tf.constant([0, 1, 1], [3], "float32"), tf.constant([0.2, 0.7, 0.99])), "bce");
  matches(ops.hardSigmoid(tf.constant([-4, -1, 0, 2, 5], [5], "float32")), "hard_sigmoid");
  matches(ops.gelu(tf.constant([-1, 0.5, 2])), "gelu_default");
  matches(ops.cumsum(tf.constant([[1, 2], [3, 4]], [2, 2], "int32")), "cumsum_none");
  matches(ops.oneHot(tf.constant([0, 2], [2], "int32"), 3, 0), "onehot_ax0");
  matches(ops.floorDivide(tf.constant([7, -7, 5.5]), tf.constant([2, 2, -2], [3], "float32")), "floor_divide");
  matches(ops.divideNoNan(tf.constant([1, 2, 0], [3], "float32"), tf.constant([0, 4, 0], [3], "float32")), "divide_no_nan");
  matches(ops.imag(tf.constant([1, 2], [2], "float32")), "imag");
  matches(ops.real(tf.constant([1, 2], [2], "float32")), "real");
  matches(ops.conj(tf.constant([1, -2], [2], "float32")), "conj");
  assert.deepEqual([ops.shape(A(2, 3)), ops.ndim(A(2, 3)), ops.size(A(2, 3)), ops.dtype(A(2))], [[2, 3], 2, 6, "float32"]);
  assert.equal(ops.isTensor(A(1)), true);
  assert.equal(ops.isTensor([1]), false);
  assert.deepEqual(ops.convertToNumpy(tf.constant([[1, 2]])), [[1, 2]]);
  close(ops.getItem(A(2, 3, 4), [1, -1]), [Array.from(A(2, 3, 4).dataSync() as Float32Array).slice(20, 24)].flat(), 0, "getItem");
  assert.deepEqual(ops.full([2], 3).arraySync(), [3, 3]);
});

/** Central finite differences of sum(f(x) * w) for a fixed random-ish w, against tf.grad. */
function gradCheck(what: string, f: (x: Tensor) => Tensor, x: Tensor): void {
  const x64 = tf.cast(x, "float64");
  const y0 = f(x64);
  const w = tf.constant(Float64Array.from({ length: y0.size }, (_, i) => Math.sin(i + 1)), y0.shape, "float64");
  const loss = (t: Tensor): Tensor => tf.sum(tf.mul(f(t), w));
  const g = Array.from(tf.grad(loss)(x64).dataSync() as Float64Array);
  const base = Float64Array.from(x64.dataSync() as Float64Array);
  const eps = 1e-6;
  for (let i = 0; i < base.length; i++) {
    const p = Float64Array.from(base); p[i] += eps;
    const q = Float64Array.from(base); q[i] -= eps;
    const fd = (Number(loss(tf.constant(p, x.shape, "float64")).dataSync()[0]) - Number(loss(tf.constant(q, x.shape, "float64")).dataSync()[0])) / (2 * eps);
    assert.ok(Math.abs(fd - g[i]) < 1e-5 * (1 + Math.abs(fd)), `${what} d/dx[${i}]: autograd ${g[i]} vs finite difference ${fd}`);
  }
}

test("gradients of the new differentiable ops match finite differences", () => {
  const k1 = tf.cast(A(3, 3, 4), "float64");
  gradCheck("conv 1-D", (x) => ops.conv(x, k1, 2, "same"), A(1, 5, 3));
  gradCheck("conv 1-D kernel", (k) => ops.conv(tf.cast(A(1, 5, 3), "float64"), k, 1, "valid"), A(3, 3, 4));
  gradCheck("convTranspose 1-D", (x) => ops.convTranspose(x, tf.cast(A(3, 4, 3), "float64"), 2, "same"), A(1, 4, 3));
  gradCheck("depthwiseConv 1-D", (x) => ops.depthwiseConv(x, tf.cast(A(3, 3, 2), "float64"), 1, "same"), A(1, 5, 3));
  gradCheck("separableConv 1-D", (x) => ops.separableConv(x, tf.cast(A(2, 3, 1), "float64"), tf.cast(A(1, 3, 2), "float64")), A(1, 4, 3));
  gradCheck("averagePool 1-D", (x) => ops.averagePool(x, 3, 2, "same"), A(1, 6, 2));
  gradCheck("take", (x) => ops.take(x, tf.constant([2, -1, 2], [3], "int32"), 1), A(2, 4));
  gradCheck("flip", (x) => ops.flip(x, 0), A(3, 2));
  gradCheck("var", (x) => ops.var(x, 1), A(2, 4));
  gradCheck("amax", (x) => ops.amax(x, 0), A(3, 2));
  gradCheck("append", (x) => ops.append(x, x, 1), A(2, 2));
  gradCheck("segmentSum", (x) => ops.segmentSum(x, tf.constant([1, 0, 1], [3], "int32")), A(3, 2));
  gradCheck("scatter", (x) => ops.scatter(tf.constant([[0], [2], [0]], [3, 1], "int32"), x, [3, 2]), A(3, 2));
  gradCheck("select", (x) => ops.select([tf.less(x, 0)], [tf.mul(x, x)], x), A(2, 3));
  gradCheck("vectorize", (x) => ops.vectorize((a) => tf.mul(a, tf.sum(a)), { signature: "(n)->(n)" })(x), A(2, 3));
  gradCheck("dot", (x) => ops.dot(x, tf.cast(A(3, 2), "float64")), A(2, 3));
  gradCheck("average", (x) => ops.average(x, 0, tf.constant([1, 3], [2], "float64")), A(2, 3));
});

test("customGradient uses the given gradient function", () => {
  const f = ops.customGradient((x) => [tf.mul(x, 2), (up) => tf.mul(up, 10)]);
  assert.deepEqual(tf.grad((x: Tensor) => tf.sum(f(x)))(tf.constant([1, 2], [2], "float32")).arraySync(), [10, 10]);
});

test("errors name the op, the bad shapes or values and the fix", () => {
  assert.throws(() => ops.conv(A(2, 3), A(1, 3, 4)), /ops\.conv: inputs must have rank 3 or 4 or 5.*got shape \(2, 3\)/);
  assert.throws(() => ops.conv(A(1, 5, 3), A(2, 2, 4)), /ops\.conv: inputs have 3 channels .* kernel \(2, 2, 4\) takes 2/);
  assert.throws(() => ops.depthwiseConv(A(1, 3, 3, 3, 1), A(1, 1, 1, 1, 1)), /ops\.depthwiseConv: inputs must have rank 3 or 4/);
  assert.throws(() => ops.averagePool(A(1, 5, 2), 2, null, "full" as "same"), /ops\.averagePool: padding must be "valid" or "same", got "full"/);
  assert.throws(() => ops.convTranspose(A(1, 5, 2), A(3, 2, 2), 2, "valid", 2), /outputPadding 2 must hold 1 non-negative integers each below its stride/);
  assert.throws(() => ops.take(A(3), tf.constant([0.5])), /ops\.take: indices must be integers, got float32 \(1,\); cast them/);
  assert.throws(() => ops.select([A(2)], [A(2)]), /ops\.select: condlist\[0\] must be bool/);
  assert.throws(() => ops.split(A(5), 2), /ops\.split: 2 sections do not divide axis 0 of length 5/);
  assert.throws(() => ops.dot(A(2, 3), A(2, 3)), /ops\.dot: x1 \(2, 3\) last axis \(3\) must equal x2 \(2, 3\) axis 0 \(2\)/);
  assert.throws(() => ops.pad(A(2), 1, "reflect"), /ops\.pad: mode "reflect" is not supported/);
  assert.throws(() => ops.moments(A(2), 0, false, true), /ops\.moments: synchronized=true needs a distributed backend/);
  assert.throws(() => ops.vectorize((a) => a, { signature: "(n)" })(A(2)), /ops\.vectorize: signature "\(n\)" must look like/);
});

test("ravel, flip, var, amax, amin, take, append record Keras operations on symbolic tensors", () => {
  const input = tf.layers.Input({ shape: [3, 4] });
  const outs = [ops.ravel(input), ops.flip(input, 1), ops.var(input, -1), ops.amax(input, 1, true), ops.amin(input, null), ops.take(input, [0, 2], 1), ops.append(input, input, 1)];
  const model = new tf.models.Model({ inputs: input, outputs: outs });
  const x = A(2, 3, 4);
  const got = model.predict(x) as Tensor[];
  const want = [tf.reshape(x, [-1]), tf.reverse(x, 1), tf.variance(x, -1), tf.max(x, 1, true), tf.min(x), tf.gather(x, tf.constant([0, 2], [2], "int32"), 1), tf.concat([x, x], 1)];
  got.forEach((g, i) => close(g, want[i].arraySync() as Nested, 1e-6, `output ${i}`));
  const json = model.toJSON();
  const classes = (JSON.parse(json) as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name);
  for (const c of ["Ravel", "Flip", "Var", "Amax", "Amin", "Take", "Append"]) assert.ok(classes.includes(c), `${c} in ${classes.join(",")}`);
  const loaded = tf.models.modelFromJSON(json);
  (loaded.predict(x) as Tensor[]).forEach((g, i) => close(g, want[i].arraySync() as Nested, 1e-6, `reloaded output ${i}`));
});

test("ops.expandDims takes a list of axes counted in the result's rank, as Keras 3.5's expand_dims does", () => {
  // numpy: np.expand_dims(np.zeros(3), (0, 2)).shape == (1, 3, 1); (-1, 0) gives (1, 3, 1) too
  assert.deepEqual(ops.expandDims(tf.zeros([3]), [0, 2]).shape, [1, 3, 1]);
  assert.deepEqual(ops.expandDims(tf.zeros([3]), [-1, 0]).shape, [1, 3, 1]);
  assert.deepEqual(ops.expandDims(tf.zeros([2, 3]), [1, 3]).shape, [2, 1, 3, 1]);
  assert.deepEqual(ops.expandDims(tf.constant([1, 2, 3]), [0, 2]).arraySync(), [[[1], [2], [3]]]);
  assert.deepEqual(ops.expandDims(tf.zeros([3]), 1).shape, [3, 1]);
  assert.throws(() => ops.expandDims(tf.zeros([3]), [0, 5]),
    /ops\.expandDims: axis 5 of \[0,5\] is out of range: x \(3,\) gains 2 axes, so the result has rank 3 \(valid axes: -3\.\.2\)/);
  assert.throws(() => ops.expandDims(tf.zeros([3]), [0, -3]), /names the same result axis twice/);
  // tf.expandDims (TF's expand_dims) takes one axis; its messages show the axis and the valid range.
  assert.throws(() => tf.expandDims(tf.zeros([3]), 5), /expandDims: axis 5 is out of range for a tensor of shape \(3,\) \(valid: -2\.\.1\)/);
  assert.throws(() => tf.expandDims(tf.zeros([3]), [0, 2] as unknown as number), /expandDims: axis must be one integer.*got \[0,2\]; ops\.expandDims\(x, \[0,2\]\) inserts several/);
  const i = tf.layers.Input({ shape: [3] });
  assert.deepEqual(ops.expandDims(i, [0, 2]).shape, [1, null, 1, 3]);
});

test("ops.oneHot takes float labels, truncated to integers as Keras' backends convert them (torch: one_hot(tensor([1.0, 2.7, 0.2, -0.5]).long(), 3)); tf.oneHot refuses them as TensorFlow does", () => {
  const labels = tf.constant([1.0, 2.7, 0.2, -0.5], "float32");
  assert.deepEqual(ops.oneHot(labels, 3).arraySync(), [[0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0]]);
  assert.equal(ops.oneHot(labels, 3).dtype, "float32");
  assert.throws(() => tf.oneHot(labels, 3), /oneHot: indices must be int32 or int64, got float32/);
});
