import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { kerasNumpyOps } from "../testing/keras_numpy_ops_fixture.js";

const fx = kerasNumpyOps() as Record<string, number[]>;
const f = (v: tf.NestedArray): tf.Tensor => tf.constant(v, "float32");

test("searchSorted and digitize match Keras 3.5", () => {
  const seq = f([1, 2, 2, 3, 5]), vals = f([[0, 2], [2.5, 9]]);
  const left = tf.searchSorted(seq, vals);
  assert.equal(left.dtype, "int32");
  assert.deepEqual(left.arraySync(), fx["searchsorted_left"]);
  assert.deepEqual(tf.searchSorted(seq, vals, "right").arraySync(), fx["searchsorted_right"]);
  assert.equal(tf.searchSorted(seq, 2).arraySync(), 1);
  assert.deepEqual(tf.digitize(f([-1, 0, 0.5, 1, 2.5, 4]), f([0, 1, 2.5])).arraySync(), fx["digitize"]);
});

test("searchSorted takes batched sequences row by row (tf.searchsorted) and many values in chunks", () => {
  const seq = f([[0, 1, 2], [10, 20, 30]]);
  assert.deepEqual(tf.searchSorted(seq, f([[1.5, -1], [25, 30]]), "right").arraySync(), [[2, 0], [2, 3]]);
  // 2^13 values against 2^12 entries: past the chunk size; value v has floor(v) + 1 entries <= it.
  const many = tf.range(0, 8192, 1, "float32");
  const out = tf.searchSorted(tf.range(0, 4096, 1, "float32"), many, "right").dataSync();
  assert.ok(out.every((v, i) => v === Math.min(i + 1, 4096)));
  assert.throws(() => tf.searchSorted(seq, f([1, 2])), /searchSorted: values float32 \(2,\) must have the leading axes of sortedSequence/);
  assert.throws(() => tf.searchSorted(f([1]), f([1]), "middle" as "left"), /side must be "left" or "right"/);
});

test("nonzero and argpartition", () => {
  const nz = tf.nonzero(tf.constant([[0, 3, 0], [1, 0, 2]], "int32"));
  assert.deepEqual(nz.map((t) => t.arraySync()), fx["nonzero"]);
  assert.deepEqual(tf.nonzero(tf.constant([false, true, true], "bool")).map((t) => t.arraySync()), [[1, 2]]);
  const x = f([[5, 1, 4, 2, 3], [0, 9, 8, 7, -1]]);
  const p = tf.argpartition(x, 2);
  // numpy's partition property: the kth element sorted into place, nothing larger before it.
  const rows = tf.takeAlongAxis(x, p, -1).arraySync() as number[][];
  for (const r of rows) {
    const sorted = [...r].sort((a, b) => a - b);
    assert.equal(r[2], sorted[2]);
    assert.ok(r.slice(0, 2).every((v) => v <= r[2]) && r.slice(3).every((v) => v >= r[2]));
  }
  assert.throws(() => tf.argpartition(x, 5), /argpartition: kth = 5 is out of range for axis -1 of length 5/);
});
