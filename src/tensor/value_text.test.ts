import { test } from "node:test";
import assert from "node:assert/strict";
import { valueText } from "./value_text.js";

test("valueText writes values as JSON does, but NaN, ±Infinity and undefined as themselves", () => {
  assert.equal(valueText([3, 3]), "[3,3]");
  assert.equal(valueText("full"), '"full"');
  assert.equal(valueText(null), "null");
  assert.equal(valueText(NaN), "NaN");
  assert.equal(valueText([1, -Infinity, [NaN]]), "[1,-Infinity,[NaN]]");
  assert.equal(valueText(undefined), "undefined");
  assert.equal(valueText({ l2: NaN, name: "a" }), '{"l2":"NaN","name":"a"}');
});

test("valueText names class instances instead of dumping their fields, survives cycles and stays one line", () => {
  class Tensorish { shape = [2, null]; dtype = "float32"; }
  class Dense { name = "dense_1"; }
  assert.equal(valueText(new Tensorish()), "a Tensorish of shape (2, None) float32");
  assert.equal(valueText(new Dense()), 'a Dense named "dense_1"');
  assert.equal(valueText(new Map()), "a Map");
  assert.equal(valueText(new Uint8Array(2)), "a Uint8Array");
  const loop: { self?: unknown } = {};
  loop.self = loop;
  assert.equal(valueText(loop), "an object that JSON cannot write (it refers to itself)");
  assert.equal(valueText(Symbol("s")), "Symbol(s)");
  const long = valueText("x".repeat(500));
  assert.equal(long.length, 200);
  assert.ok(long.endsWith('xxx...'));
  assert.equal(valueText({ a: [1, 2] }), '{"a":[1,2]}');
});
