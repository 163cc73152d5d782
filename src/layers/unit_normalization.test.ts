import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { checkGradients } from "../testing/gradcheck.js";

const { layers } = tf;

interface Arr { shape: number[]; data: number[] }
interface UnitCase { name: string; axis: number | number[]; x: Arr; y: Arr }
/** Reference values from Keras 3.5 (torch backend), by test/fixtures/make_normalization_layers.py. */
const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/normalization_layers.json", import.meta.url), "utf8")) as { unit_normalization: UnitCase[] };

test("UnitNormalization matches Keras 3.5 over the last axis (a zero row stays zero), two axes and an inner axis", () => {
  for (const c of fixture.unit_normalization) {
    const y = layers.UnitNormalization(c.axis)(tf.constant(c.x.data, c.x.shape, "float32"));
    assertAllClose(y as tf.Tensor, c.y, { rtol: 1e-6, atol: 1e-7, what: `UnitNormalization ${c.name} vs Keras` });
  }
});

test("UnitNormalization by hand, config, no weights, errors", () => {
  layers.clearSession();
  const un = layers.UnitNormalization();
  assert.deepEqual(un(tf.constant([[3, 4], [0, 0]], "float32")).arraySync(), [[0.6, 0.8].map(Math.fround), [0, 0]]);
  assert.equal(un.weights.length, 0);
  assert.equal(un.getConfig().axis, -1);
  assert.deepEqual(layers.UnitNormalization([1, 2]).getConfig().axis, [1, 2]);
  // Integer inputs are cast to the layer's float dtype, as Keras does.
  assert.deepEqual(layers.UnitNormalization()(tf.constant([[0, 2]], "int32")).arraySync(), [[0, 1]]);
  assert.throws(() => layers.UnitNormalization(2)(tf.ones([2, 3])), /UnitNormalization unit_normalization(_\d+)?: axis 2 is out of range for inputs of shape \(2, 3\)/);
  assert.throws(() => layers.UnitNormalization({ axis: "x" as unknown as number }), /^TypeError: UnitNormalization unit_normalization(_\d+)?: axis must be an integer or a non-empty list of integers, got "x"/);
});

test("UnitNormalization gradients (float64 finite differences)", () => {
  const un = layers.UnitNormalization({ axis: [1, 2], dtype: "float64" });
  checkGradients((x) => un(x) as tf.Tensor, [tf.random.normal([2, 3, 2], 0, 1, { dtype: "float64", seed: 12 })]);
});
