import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "../index.js";

const { layers } = tf;

test("an axis that is not an integer is refused when the layer is made, naming the layer and the value", () => {
  const refused: [() => unknown, RegExp][] = [
    [() => layers.BatchNormalization({ axis: "x" as never }), /^TypeError: BatchNormalization batch_normalization(_\d+)?: axis must be an integer, got "x"$/],
    [() => layers.BatchNormalization({ axis: [1] as never }), /BatchNormalization .*: axis must be an integer, got \[1\]/],
    [() => layers.BatchNormalization({ axis: 1.5 }), /BatchNormalization .*: axis must be an integer, got 1\.5/],
    [() => layers.Softmax({ axis: "x" as never }), /^TypeError: Softmax softmax(_\d+)?: axis must be an integer or a non-empty list of integers, got "x"$/],
    [() => layers.Softmax({ axis: [] }), /Softmax .*: axis must be an integer or a non-empty list of integers, got \[\]/],
    [() => layers.Softmax({ axis: [1, 0.5] }), /Softmax .*: axis must be an integer or a non-empty list of integers, got \[1,0\.5\]/],
    [() => layers.UnitNormalization({ axis: [] }), /UnitNormalization .*: axis must be an integer or a non-empty list of integers, got \[\]/],
    [() => layers.Concatenate({ axis: [1] as never }), /^TypeError: Concatenate concatenate(_\d+)?: axis must be an integer, got \[1\]$/],
  ];
  for (const [make, message] of refused) assert.throws(() => String(make()), (e: unknown) => message.test(String(e)), message.source);
});

test("integer axes and lists keep their form in the config, as Keras keeps them apart", () => {
  assert.equal(layers.BatchNormalization({ axis: 1 }).getConfig().axis, 1);
  assert.equal(layers.BatchNormalization().getConfig().axis, -1);
  assert.deepEqual(layers.Softmax({ axis: [1, 2] }).getConfig().axis, [1, 2]);
  assert.equal(layers.Softmax({ axis: 1 }).getConfig().axis, 1);
  assert.deepEqual(layers.LayerNormalization({ axis: [-2, -1] }).getConfig().axis, [-2, -1]);
  assert.equal(layers.Concatenate({ axis: 0 }).getConfig().axis, 0);
  // Softmax over the two last axes of a [1, 2, 2] input: each of the 4 entries gets 1/4 of equal logits.
  const y = layers.Softmax({ axis: [1, 2] }).apply(tf.zeros([1, 2, 2])) as tf.Tensor;
  assert.deepEqual(y.arraySync(), [[[0.25, 0.25], [0.25, 0.25]]]);
});
