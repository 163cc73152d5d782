/**
 * The keras.activations Keras 3.6-3.15 added: Keras' defaults against the torch / numpy references
 * of test/fixtures/k315_nn.json (make_k315_nn.py), use by name in a Dense layer, and get / serialize
 * / deserialize under Keras' names.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { deserializeLayer, serializeLayer } from "../io/serialization.js";

const { activations, layers } = tf;
const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/k315_nn.json", import.meta.url), "utf8")) as {
  unary: Record<string, number[]>; sparsemax: { x: number[][]; last: number[][] };
};
const u = fx.unary;

/** Keras' name, lamina's function, and the fixture entry its defaults give. */
const BY_NAME: [string, tf.activations.ActivationFn, string][] = [
  ["celu", activations.celu, "celu_1"], ["hard_shrink", activations.hardShrink, "hard_shrink_0.5"], ["hard_tanh", activations.hardTanh, "hard_tanh"],
  ["log_sigmoid", activations.logSigmoid, "log_sigmoid"], ["soft_shrink", activations.softShrink, "soft_shrink_0.5"],
  ["sparse_plus", activations.sparsePlus, "sparse_plus"], ["sparse_sigmoid", activations.sparseSigmoid, "sparse_sigmoid"],
  ["squareplus", activations.squareplus, "squareplus_4"], ["tanh_shrink", activations.tanhShrink, "tanh_shrink"],
];

test("the new activations with Keras' defaults equal torch's and Keras' formulas", () => {
  const x = tf.constant(u.x, undefined, "float64");
  for (const [name, fn, entry] of BY_NAME) assertAllClose(fn(x), u[entry], { rtol: 1e-12, atol: 1e-14, what: name });
  assertAllClose(activations.celu(x, 0.5), u["celu_0.5"], { rtol: 1e-12 });
  assertAllClose(activations.threshold(x, 0.3, -2), u["threshold_0.3_-2"]);
  assertAllClose(activations.sparsemax(tf.constant(fx.sparsemax.x, undefined, "float64")), fx.sparsemax.last, { rtol: 1e-12, atol: 1e-14 });
  assert.deepEqual(activations.glu(tf.ones([2, 6])).shape, [2, 3]);
});

test("Dense layers take the new activations by name, compute them, and save the name Keras writes", () => {
  const x = tf.constant([u.x], undefined, "float32");
  const n = u.x.length;
  for (const [name, fn, entry] of BY_NAME) {
    const d = layers.Dense(n, { activation: name, useBias: false });
    d.build([null, n]);
    d.setWeights([tf.eye(n)]);
    // An identity kernel: the layer's output is the activation of x itself.
    assertAllClose(d.apply(x) as tf.Tensor, u[entry], { rtol: 1e-5, atol: 1e-6, what: `Dense activation ${name}` });
    assert.equal(d.getConfig().activation, name);
    const back = deserializeLayer(serializeLayer(d));
    assert.equal((back as unknown as { activation: { fn: unknown } }).activation.fn, fn, name);
  }
  for (const name of ["glu", "sparsemax"]) {
    const d = layers.Dense(4, { activation: name });
    assert.equal(d.getConfig().activation, name);
    assert.equal(activations.get(name), name === "glu" ? activations.glu : activations.sparsemax);
  }
  const s = layers.Dense(3, { activation: "sparsemax" });
  assertAllClose(tf.sum(s.apply(tf.constant([[0.3, -2, 1.5, 4]], undefined, "float32")) as tf.Tensor, -1), [1], { rtol: 1e-6 });
});

test("get / serialize / deserialize know the new names; threshold by name alone fails as Keras' does, saying why", () => {
  assert.equal(activations.get("log_sigmoid"), activations.logSigmoid);
  assert.equal(activations.serialize(activations.tanhShrink), "tanh_shrink");
  assert.equal(activations.deserialize({ class_name: "function", config: "hard_tanh" }), activations.hardTanh);
  assert.equal(activations.serialize(activations.threshold), "threshold");
  const d = layers.Dense(2, { activation: "threshold" });
  assert.throws(() => d.apply(tf.ones([1, 2])), /activations\.threshold: threshold and defaultValue are required.*\(x\) => activations\.threshold\(x, 0\.5, 0\)/);
  const custom = layers.Dense(2, { activation: (t) => activations.threshold(t, 0.5, 0) });
  assert.deepEqual((custom.apply(tf.ones([1, 2])) as tf.Tensor).shape, [1, 2]);
});
