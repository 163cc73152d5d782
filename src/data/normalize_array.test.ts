import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";

const close = (t: tf.Tensor, want: number[][], what: string): void => {
  const got = t.arraySync() as number[][];
  want.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(got[i][j] - v) < 1e-6, `${what}: [${i}][${j}] ${got[i][j]} against ${v}`)));
};

test("utils.normalize divides by the order-norm along axis (values by hand)", () => {
  const x = [[3, 4], [0, 0], [-1, 1]];
  close(tf.utils.normalize(tf.constant(x)), [[0.6, 0.8], [0, 0], [-Math.SQRT1_2, Math.SQRT1_2]], "L2, last axis");
  close(tf.utils.normalize(tf.constant(x), -1, 1), [[3 / 7, 4 / 7], [0, 0], [-0.5, 0.5]], "L1");
  close(tf.utils.normalize(tf.constant(x), 0), [[3 / Math.sqrt(10), 4 / Math.sqrt(17)], [0, 0], [-1 / Math.sqrt(10), 1 / Math.sqrt(17)]], "axis 0");
  assert.equal(tf.utils.normalize(tf.constant(x)).dtype, "float32");
});

test("a tensor floors the norm at epsilon (ops.normalize); a JS array takes numpy's rule, as Keras' two paths do", () => {
  close(tf.utils.normalize(tf.constant([[1e-8, 0]])), [[0.1, 0]], "tensor: 1e-8 / max(1e-8, 1e-7)");
  const fromArray = tf.utils.normalize([[1e-8, 0], [0, 0]]);
  assert.equal(fromArray.dtype, "float64");
  close(fromArray, [[1, 0], [0, 0]], "array: 1e-8 / 1e-8, and an all-zero row divided by 1");
});

test("bad order and axis are refused, naming the value", () => {
  assert.throws(() => tf.utils.normalize(tf.constant([[1, 2]]), -1, 0), /^RangeError: utils\.normalize: order must be an integer >= 1, got 0/);
  assert.throws(() => tf.utils.normalize([[1, 2]], "0" as never), /^TypeError: utils\.normalize: axis must be an integer, got "0"/);
  assert.throws(() => tf.utils.normalize([[1, 2]], 2), /axis 2/);
});
