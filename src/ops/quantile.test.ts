import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { assertAllClose } from "../testing/close.js";
import { fixture, shaped } from "../../test/support/linalg_fixture.js";
import type { QuantileMethod } from "./quantile.js";

test("quantile equals numpy.quantile for every method, axis, list of q, keepdims and a NaN", () => {
  const x = shaped(fixture.quantile_x);
  for (const c of fixture.quantiles) {
    const got = tf.quantile(x, c.q, c.axis, c.method as QuantileMethod, c.keepdims);
    const what = `${c.method} q=${JSON.stringify(c.q)} axis=${JSON.stringify(c.axis)} keepdims=${c.keepdims}`;
    assert.deepEqual(got.shape, c.shape, what);
    const want = c.data.map((v) => v ?? NaN);
    const have = Array.from(got.dataSync() as Float64Array);
    want.forEach((w, i) => {
      if (Number.isNaN(w)) assert.ok(Number.isNaN(have[i]), `${what}: index ${i} should be NaN, got ${have[i]}`);
      else assertAllClose([have[i]], [w], { rtol: 1e-14, atol: 1e-15, what });
    });
  }
});

test("quantile: nearest rounds halves to the even index, integers give float32, float32 stays float32", () => {
  // Virtual indices 0.5, 1.5, 2.5 of 4 values: numpy takes indices 0, 2, 2.
  assert.deepEqual(tf.quantile(tf.constant([10, 20, 30, 40], "float64"), [1 / 6, 0.5, 5 / 6], null, "nearest").arraySync(), [10, 30, 30]);
  const i = tf.quantile(tf.constant([1, 2, 3, 4]), 0.5);
  assert.equal(i.dtype, "float32");
  assert.equal(i.arraySync(), 2.5);
  assert.equal(tf.quantile(tf.constant([1, 2], "float32"), 0.25).dtype, "float32");
});

test("quantile's gradient goes to the values it interpolates (finite differences)", () => {
  const x = tf.constant([[0.3, -1.2, 2.5, 0.7], [1.1, 0.2, -0.4, 3.3]], "float64");
  for (const method of ["linear", "lower", "higher", "midpoint", "nearest"] as const) {
    checkGradients((t) => tf.quantile(t, [0.1, 0.5, 0.9], 1, method), [x]);
  }
});

test("quantile refuses bad q, method, axis and empty input", () => {
  const x = tf.ones([2, 3]);
  assert.throws(() => tf.quantile(x, 1.5), /quantile: every q must be a probability in \[0, 1\], got 1\.5/);
  assert.throws(() => tf.quantile(x, [[0.5]] as never), /quantile: q must be a number or a 1-D list/);
  assert.throws(() => tf.quantile(x, 0.5, null, "median" as never), /quantile: method must be one of "linear", "lower", "higher", "midpoint", "nearest"/);
  assert.throws(() => tf.quantile(x, 0.5, [1, 1]), /quantile: repeated axis/);
  assert.throws(() => tf.quantile(tf.ones([2, 0]), 0.5, 1), /quantile: cannot take quantiles over an empty axis/);
  assert.throws(() => tf.quantile(tf.constant([true]), 0.5), /quantile: x must be a number tensor/);
});
