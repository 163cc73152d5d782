import { test } from "node:test";
import assert from "node:assert/strict";
import { padSequences } from "./pad_sequences.js";
import { constant } from "../tensor/creation.js";

// Expected values printed by Keras 3.5's keras.utils.pad_sequences (KERAS_BACKEND=torch).
const S = [[1, 2, 3, 4, 5], [6, 7], [], [8, 9, 10]];

test("padSequences pads and truncates at the front by default, to the longest sequence", () => {
  const t = padSequences(S);
  assert.equal(t.dtype, "int32");
  assert.deepEqual(t.arraySync(), [[1, 2, 3, 4, 5], [0, 0, 0, 6, 7], [0, 0, 0, 0, 0], [0, 0, 8, 9, 10]]);
  assert.deepEqual(padSequences(S, { maxlen: 3 }).arraySync(), [[3, 4, 5], [0, 6, 7], [0, 0, 0], [8, 9, 10]]);
});

test("padSequences post padding/truncating and a padding value", () => {
  assert.deepEqual(padSequences(S, { maxlen: 3, padding: "post", truncating: "post" }).arraySync(), [[1, 2, 3], [6, 7, 0], [0, 0, 0], [8, 9, 10]]);
  assert.deepEqual(padSequences(S, { maxlen: 4, padding: "post", value: -1 }).arraySync(), [[2, 3, 4, 5], [6, 7, -1, -1], [-1, -1, -1, -1], [8, 9, 10, -1]]);
});

test("padSequences converts to the dtype as numpy does (int32 truncates floats toward zero)", () => {
  const f = padSequences([[1.7, -2.5], [3.2]], { dtype: "float32", value: 0.5 });
  assert.equal(f.dtype, "float32");
  assert.deepEqual(f.arraySync(), [[Math.fround(1.7), -2.5], [0.5, Math.fround(3.2)]]);
  assert.deepEqual(padSequences([[1.7, -2.5], [3.2]], { value: 0.5 }).arraySync(), [[1, -2], [0, 3]]);
});

test("padSequences keeps the step shape of sequences of vectors, and takes tensors and typed arrays", () => {
  assert.deepEqual(padSequences([[[1, 2], [3, 4], [5, 6]], [[7, 8]]], { maxlen: 2 }).arraySync(), [[[3, 4], [5, 6]], [[0, 0], [7, 8]]]);
  assert.deepEqual(padSequences([constant([4, 5], "int32"), Int32Array.from([6])], { padding: "post" }).arraySync(), [[4, 5], [6, 0]]);
});

test("padSequences refuses bad options and ragged steps, naming the fix", () => {
  assert.throws(() => padSequences(S, { padding: "middle" as "pre" }), /padSequences: padding must be "pre" or "post", got "middle"/);
  assert.throws(() => padSequences(S, { truncating: "x" as "pre" }), /truncating must be "pre" or "post"/);
  assert.throws(() => padSequences(S, { maxlen: 2.5 }), /maxlen must be a positive integer/);
  assert.throws(() => padSequences([[1, 2], 3 as unknown as number[]]), /sequence 1 is 3, not a list/);
  assert.throws(() => padSequences([[[1, 2]], [[1, 2, 3]]]), /sequence 1 has steps of shape \[3\] but the first non-empty sequence's are \[2\]/);
});
