import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients, checkVariableGradients } from "../testing/gradcheck.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
interface GroupCase {
  name: string; args: { groups: number; axis?: number; center?: boolean; scale?: boolean; epsilon?: number };
  x: Arr; weights: Arr[]; y: Arr; groups_after_build: number;
}
/** Reference values from Keras 3.5 (torch backend), by test/fixtures/make_normalization_layers.py. */
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/normalization_layers.json", import.meta.url), "utf8")) as { group_normalization: GroupCase[] };
const t32 = (a: Arr): tf.Tensor => tf.constant(a.data, a.shape, "float32");

test("GroupNormalization matches Keras 3.5: last, inner and negative channel axes, instance (-1) and one group, with and without center/scale", () => {
  assert.equal(fixture.group_normalization.length, 5);
  for (const c of fixture.group_normalization) {
    const layer = layers.GroupNormalization(c.args);
    const x = t32(c.x);
    layer(x);
    layer.setWeights(c.weights.map(t32));
    assertAllClose(layer(x) as tf.Tensor, c.y, { rtol: 1e-5, atol: 2e-5, what: `GroupNormalization ${c.name} vs Keras` });
    assert.equal(layer.groups, c.groups_after_build, `${c.name}: groups after building`);
  }
});

test("GroupNormalization by hand: two groups of two channels, each sample on its own", () => {
  // Sample 0: group 0 holds 1, 3 (mean 2, variance 1), group 1 holds 10, 10 (variance 0); sample 1's groups have variance 4.
  const y = layers.GroupNormalization(2)(tf.constant([[1, 3, 10, 10], [0, 4, 2, 6]], "float32"));
  const a = 1 / Math.sqrt(1 + 1e-3), b = 2 / Math.sqrt(4 + 1e-3);
  assertAllClose(y as tf.Tensor, [-a, a, 0, 0, -b, b, -b, b], { rtol: 1e-6, atol: 1e-6 });
});

test("GroupNormalization: weights, config (groups -1 saved as the channel count), errors", () => {
  layers.clearSession();
  const gn = layers.GroupNormalization(-1, { center: false });
  const sym = gn(layers.Input({ shape: [5, 6] })) as tf.layers.SymbolicTensor;
  assert.deepEqual(sym.shape, [null, 5, 6]);
  assert.deepEqual(gn.weights.map((w) => [w.name, [...w.shape]]), [["group_normalization/gamma", [6]]]);
  const cfg = gn.getConfig();
  assert.equal(cfg.groups, 6);
  assert.equal(cfg.axis, -1);
  assert.equal(cfg.epsilon, 1e-3);
  assert.equal(cfg.center, false);
  assert.deepEqual(cfg.gamma_initializer, { module: "keras.initializers", class_name: "Ones", config: {}, registered_name: null });
  assert.equal(layers.GroupNormalization().groups, 32);
  assert.throws(() => layers.GroupNormalization(4)(tf.ones([2, 6])), /number of channels \(6\) must be a multiple of the number of groups \(4\)/);
  assert.throws(() => layers.GroupNormalization(8)(tf.ones([2, 6])), /number of groups \(8\) cannot be more than the number of channels \(6\)/);
  assert.throws(() => layers.GroupNormalization({ groups: 2, axis: 0 })(tf.ones([2, 6])), /axis 0 is out of range .* \(axis 0 is the batch\)/);
  assert.throws(() => layers.GroupNormalization(0), /groups must be a positive integer, or -1/);
  assert.throws(() => gn(tf.ones([2, 5, 4])), /its weights need axis -1 to have size 6/);
});

test("GroupNormalization gradients with respect to the input, gamma and beta (float64 finite differences)", () => {
  const gn = layers.GroupNormalization({ groups: 2, dtype: "float64", gammaInitializer: "random_normal", betaInitializer: "random_normal" });
  const x = tf.random.normal([2, 3, 4], 0, 1, { dtype: "float64", seed: 8 });
  checkGradients((t) => gn(t) as tf.Tensor, [x]);
  const w = tf.random.uniform([2, 3, 4], 0.5, 1.5, { dtype: "float64", seed: 9 });
  checkVariableGradients(() => tf.sum(tf.mul(gn(x) as tf.Tensor, w)), [gn.gamma as tf.Variable, gn.beta as tf.Variable]);
  const channelsFirst = layers.GroupNormalization({ groups: 3, axis: 1, dtype: "float64", gammaInitializer: "random_uniform" });
  checkGradients((t) => channelsFirst(t) as tf.Tensor, [tf.random.normal([2, 6, 2], 0, 1, { dtype: "float64", seed: 10 })]);
});

test("GroupNormalization keeps the rank it was built for, as Keras 3.5's build sets InputSpec(ndim=len(input_shape), axes={axis: dim})", () => {
  const gn = tf.layers.GroupNormalization({ groups: 2, name: "gn" });
  gn(tf.ones([1, 4]));
  assert.throws(() => gn(tf.ones([1, 3, 4])), /^RangeError: GroupNormalization gn: was built for inputs of rank 2 but got \(1, 3, 4\)/);
  assert.throws(() => gn(tf.ones([1, 6])), /GroupNormalization gn: input shape \(1, 6\) is incompatible with the layer/);
  assert.deepEqual(gn(tf.ones([3, 4])).shape, [3, 4]);
});
