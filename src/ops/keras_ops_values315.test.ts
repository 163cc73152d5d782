/** keras.ops.unique and histogram against numpy (test/fixtures/keras315_arr.json, by make_keras315_arr.py). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { assertAllClose, type ShapedValues } from "../testing/close.js";

const fx = JSON.parse(readFileSync(new URL("../../test/fixtures/keras315_arr.json", import.meta.url), "utf8")) as Record<string, Record<string, ShapedValues>>;

function checkUnique(got: tf.Tensor | tf.Tensor[], want: Record<string, ShapedValues>, what: string): void {
  assert.ok(Array.isArray(got));
  const [values, index, inverse, counts] = got;
  assertAllClose(values, want.values, { what: `${what} values` });
  for (const [t, k] of [[index, "index"], [inverse, "inverse"], [counts, "counts"]] as const) {
    assert.equal(t.dtype, "int32", `${what} ${k} dtype`);
    assertAllClose(t, want[k], { what: `${what} ${k}` });
  }
}

test("unique gives numpy's sorted values, first indices, inverse and counts, flattened or along an axis", () => {
  const u = tf.constant([3, 1, 2, 3, 1, 5, 3], "int32");
  checkUnique(ops.unique(u, true, true, true, true), fx.unique, "flat");
  const rows = tf.constant([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]], "int32");
  checkUnique(ops.unique(rows, true, true, true, true, 0), fx.unique_rows, "axis 0");
  checkUnique(ops.unique(rows, true, true, true, true, 1), fx.unique_cols, "axis 1");
  assert.deepEqual((ops.unique(u) as tf.Tensor).arraySync(), [1, 2, 3, 5]);
  // The inverse of a flattened x keeps x's shape (Keras' declared shape, numpy 2's behaviour).
  const [, inv] = ops.unique(rows, true, false, true) as tf.Tensor[];
  assert.deepEqual(inv.shape, [4, 3]);
});

test("unique with size pads (values with fillValue, counts with 0, indices with 1) or truncates", () => {
  const u = tf.constant([3, 1, 2, 3], "float32");
  const [v, i, c] = ops.unique(u, true, true, false, true, null, 5, -1) as tf.Tensor[];
  assert.deepEqual([v.arraySync(), i.arraySync(), c.arraySync()], [[1, 2, 3, -1, -1], [1, 2, 0, 1, 1], [1, 1, 2, 0, 0]]);
  assert.deepEqual((ops.unique(u, true, false, false, false, null, 2) as tf.Tensor).arraySync(), [1, 2]);
});

test("histogram counts as numpy, with float counts and edges in x's float dtype", () => {
  const h = tf.constant([0.1, 0.5, 0.5, 2, 3.7, 4, -1, 2.2, 1], "float64");
  for (const [got, want] of [[ops.histogram(h, 5), fx.histogram], [ops.histogram(h, 4, [0, 2]), fx.histogram_range], [ops.histogram(tf.constant([2, 2], "float64"), 3), fx.histogram_flat]] as const) {
    assertAllClose(got[0], want.counts);
    assertAllClose(got[1], want.edges, { rtol: 1e-12 });
    assert.equal(got[0].dtype, "float64");
  }
  assert.equal(ops.histogram(tf.constant([1, 2, 3], "int32"))[1].dtype, "float32");
  assert.throws(() => ops.histogram(tf.zeros([2, 2])), /ops\.histogram: x must be 1-dimensional, got float32 \(2, 2\)/);
  assert.throws(() => ops.histogram(h, 3, [2, 1]), /ops\.histogram: range must be \[low, high\] with low <= high/);
});
