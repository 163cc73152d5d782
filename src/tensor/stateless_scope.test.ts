import { test } from "node:test";
import assert from "node:assert/strict";
import { inStatelessScope, noteStateChange, runStateless } from "./stateless_scope.js";

test("runStateless undoes the noted changes in reverse order, once per owner, and nested scopes join the outer", () => {
  const log: string[] = [];
  const a = {}, b = {};
  assert.equal(inStatelessScope(), false);
  const result = runStateless(() => {
    assert.equal(inStatelessScope(), true);
    noteStateChange(a, () => log.push("a first"));
    noteStateChange(b, () => log.push("b"));
    // Only the first note per owner counts: it holds the state from before the scope.
    noteStateChange(a, () => log.push("a again"));
    runStateless(() => noteStateChange({}, () => log.push("inner")));
    assert.deepEqual(log, [], "nothing is restored before the outer scope ends");
    return 42;
  });
  assert.equal(result, 42);
  assert.deepEqual(log, ["inner", "b", "a first"]);
  assert.equal(inStatelessScope(), false);
  // Outside a scope a note is ignored.
  noteStateChange(a, () => log.push("outside"));
  assert.equal(log.length, 3);
});

test("runStateless restores even when the function throws", () => {
  let restored = false;
  assert.throws(() => runStateless(() => {
    noteStateChange({}, () => { restored = true; });
    throw new Error("boom");
  }), /boom/);
  assert.equal(restored, true);
  assert.equal(inStatelessScope(), false);
});
