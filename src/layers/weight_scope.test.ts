import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { withNameScope } from "./weight_scope.js";

test("withNameScope: weights a layer creates inside the scopes are named under them (Keras' name_scope), layer names are not", () => {
  tf.clearSession();
  const input = tf.layers.Input({ shape: [4] });
  const inner = tf.layers.Dense(2, { name: "d" });
  const out = withNameScope("block", () => withNameScope("part_1", () => inner.apply(input)));
  assert.equal(inner.name, "d");
  // Keras 3.5: with keras.name_scope("block"), keras.name_scope("part_1"): Dense(2, name="d")(x) -> "block/part_1/d/kernel".
  assert.deepEqual(inner.weights.map((w) => w.name), ["block/part_1/d/kernel", "block/part_1/d/bias"]);
  // Built outside any scope (the scope stack is empty again, also after a throw): plain paths.
  assert.throws(() => withNameScope("s", () => { throw new Error("boom"); }), /boom/);
  const later = tf.layers.Dense(3, { name: "e" });
  later.apply(out);
  assert.deepEqual(later.weights.map((w) => w.name), ["e/kernel", "e/bias"]);
  assert.throws(() => withNameScope("a/b", () => 0), /withNameScope: the scope name must be a non-empty string without "\/"; got "a\/b"/);
});
