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
