/** keras.ops.rearrange against the same permutations written with transpose/reshape by hand, its gradient and errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { ops } from "../index.js";
import { checkGradients } from "../testing/gradcheck.js";
import { randomF64 } from "../testing/random_inputs.js";

const img = (): tf.Tensor => tf.reshape(tf.range(0, 2 * 4 * 6 * 3, 1, "float32"), [2, 4, 6, 3]);
const same = (a: tf.Tensor, b: tf.Tensor): void => {
  assert.deepEqual(a.shape, b.shape);
  assert.deepEqual(a.arraySync(), b.arraySync());
};

test("rearrange moves, merges and splits axes as einops", () => {
  const x = img();
  same(ops.rearrange(x, "b h w c -> b c h w"), tf.transpose(x, [0, 3, 1, 2]));
  same(ops.rearrange(x, "b h w c -> (b h) w c"), tf.reshape(x, [8, 6, 3]));
  same(ops.rearrange(x, "b h w c -> h (b w) c"), tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [4, 12, 3]));
  same(ops.rearrange(x, "b h w c -> b (c h w)"), tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [2, 72]));
  // Space to depth: (h h1) splits h into (2, 2) with h1 inner, (w w1) likewise.
  const s2d = tf.reshape(tf.transpose(tf.reshape(x, [2, 2, 2, 3, 2, 3]), [0, 1, 3, 5, 2, 4]), [2, 2, 3, 12]);
  same(ops.rearrange(x, "b (h h1) (w w1) c -> b h w (c h1 w1)", { h1: 2, w1: 2 }), s2d);
  const patches = tf.reshape(tf.transpose(tf.reshape(x, [2, 2, 2, 2, 3, 3]), [0, 1, 3, 2, 4, 5]), [8, 2, 3, 3]);
  same(ops.rearrange(x, "b (h1 h) (w1 w) c -> (b h1 w1) h w c", { h1: 2, w1: 2 }), patches);
});

test("rearrange's gradient is the inverse permutation (finite differences)", () => {
  checkGradients((t) => ops.rearrange(t, "a (b c) d -> (d a) c b", { c: 2 }), [randomF64([2, 4, 3], 1)]);
});

test("rearrange names what is wrong with a pattern", () => {
  const x = img();
  assert.throws(() => ops.rearrange(x, "b h w -> b w h"), /ops\.rearrange: the input side of "b h w -> b w h" names 3 axes but tensor \(2, 4, 6, 3\) has 4/);
  assert.throws(() => ops.rearrange(x, "b h w c -> b h w"), /axis "c" is on one side of .* but not the other/);
  assert.throws(() => ops.rearrange(x, "b (h h1) w c -> b h w c h1"), /leaves h and h1 unknown; give all but one in axesLengths/);
  assert.throws(() => ops.rearrange(x, "b (h h1) w c -> b h w c h1", { h1: 3 }), /axis 1 of tensor \(2, 4, 6, 3\) has length 4, which group \(h h1\)/);
  assert.throws(() => ops.rearrange(x, "b h w c"), /must have one "->"/);
});
