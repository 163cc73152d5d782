import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

// What TensorFlow 2 prints for the same cells of notebook 002 (print(t) gives tf.Tensor(...)).
const expected = `tf.Tensor([1 2 3], shape=(3,), dtype=int64)
tf.Tensor([1 2 3], shape=(3,), dtype=int32)
tf.Tensor([ True  True  True], shape=(3,), dtype=bool)
shape = (2, 3), data type = int64
shape = (2, 3), data type = int64
shape = (2, 3), data type = int64
tf.Tensor(
[[ True  True  True]
 [ True  True  True]], shape=(2, 3), dtype=bool)
tf.Tensor(
[[1 2]
 [3 4]
 [5 6]], shape=(3, 2), dtype=int64)
tf.Tensor(
[[1 3 5]
 [2 4 6]], shape=(2, 3), dtype=int64)
tf.Tensor(
[[35 44]
 [44 56]], shape=(2, 2), dtype=int32)
tf.Tensor([[1 2 3 4 5 6]], shape=(1, 6), dtype=int64)
shape=(2, 25, 2), dtype=float64
`;

test("examples/002-tensors.ts prints what the notebook shows", () => {
  const out = execFileSync(process.execPath, ["--import", "tsx", "examples/002-tensors.ts"], { encoding: "utf8" });
  const lines = out.split("\n");
  assert.match(lines[0], /^\d+\.\d+\.\d+$/);
  assert.equal(lines[1], "[1,2,3], int64");
  assert.equal(lines.slice(2).join("\n"), expected);
});
