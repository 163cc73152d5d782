import { test } from "node:test";
import assert from "node:assert/strict";
import { constant } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";
import { Dataset } from "./dataset.js";
import { splitDataset, splitSizes } from "./split_dataset.js";

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
const values = (t: Tensor): number[] => Array.from(t.dataSync() as Float32Array, Number);

test("splitSizes: Keras 3.5's _rescale_dataset_split_sizes (counts, fractions rounded half to even)", () => {
  // [left, right, total] -> Keras' result
  const cases: [number | undefined, number | undefined, [number, number]][] = [
    [0.8, undefined, [8, 2]], [undefined, 0.25, [8, 2]], [0.25, undefined, [2, 8]], [0.35, undefined, [4, 6]],
    [0.45, undefined, [4, 6]], [3, undefined, [3, 7]], [undefined, 4, [6, 4]], [0.5, 0.3, [5, 3]], [2, 3, [2, 3]], [0.3, 0.7, [3, 7]],
  ];
  for (const [l, r, want] of cases) assert.deepEqual(splitSizes(l, r, 10), want, `left ${l} right ${r}`);
  assert.throws(() => splitSizes(0.05, undefined, 10), /leave the left part empty \(0 left, 10 right samples\)/);
  assert.throws(() => splitSizes(0, 0, 10), /both zero/);
  assert.throws(() => splitSizes(10, undefined, 10), /leftSize should be either a positive integer smaller than 10 .* Received: leftSize=10/);
  assert.throws(() => splitSizes(1.5, undefined, 10), /Received: leftSize=1.5/);
  assert.throws(() => splitSizes(undefined, -1, 10), /Received: rightSize=-1/);
  assert.throws(() => splitSizes(0.6, 0.5, 10), /sum of leftSize and rightSize is 1.1, greater than 1/);
  assert.throws(() => splitSizes(7, 5, 10), /leftSize \+ rightSize = 12 samples, more than the 10/);
  assert.throws(() => splitSizes(undefined, undefined, 10), /at least one of leftSize and rightSize/);
});

test("splitDataset: [x, y] with shuffle and seed puts Keras' samples on each side", async () => {
  const x = constant(range(20), [10, 2]);
  const y = constant(range(10), [10], "int32");
  const [left, right] = await splitDataset([x, y], { leftSize: 0.6, shuffle: true, seed: 1337 });
  const l = await left.toArray(), r = await right.toArray();
  // Python: random.seed(1337); random.shuffle(list(zip(x, y))); first 6 and last 4 labels
  assert.deepEqual(l.map(([, yi]) => values(yi)[0]), [0, 3, 7, 2, 1, 6]);
  assert.deepEqual(r.map(([, yi]) => values(yi)[0]), [4, 5, 8, 9]);
  assert.deepEqual(values(l[1][0]), [6, 7]);
  assert.equal(l[0][1].dtype, "int32");
});

test("splitDataset: a tensor's rows, counts on both sides leave the middle out", async () => {
  const x = constant(range(20), [10, 2]);
  const [left, right] = await splitDataset(x, { leftSize: 3, rightSize: 4, shuffle: true, seed: 5 });
  // Python: random.seed(5); random.shuffle(list(x)); [:3] and [-4:]
  assert.deepEqual((await left.toArray()).map(values), [[4, 5], [6, 7], [2, 3]]);
  assert.deepEqual((await right.toArray()).map(values), [[12, 13], [10, 11], [8, 9], [18, 19]]);
  const [a, b] = await splitDataset(x, { rightSize: 0.2 });
  assert.deepEqual((await a.toArray()).map(values), range(8).map((i) => [2 * i, 2 * i + 1]));
  assert.deepEqual((await b.toArray()).map(values), [[16, 17], [18, 19]]);
});

test("splitDataset: a batched Dataset is unbatched, split and rebatched with its batch size", async () => {
  const ds = Dataset.fromTensorSlices(constant(range(12), [12])).batch(5);
  const [left, right] = await splitDataset(ds, { leftSize: 9, shuffle: true, seed: 9 });
  // Python: random.seed(9); random.shuffle(list(range(12))) -> first 9 / last 3
  assert.deepEqual((await left.toArray()).map(values), [[8, 6, 3, 11, 0], [10, 1, 2, 4]]);
  assert.deepEqual((await right.toArray()).map(values), [[5, 9, 7]]);
  // not made directly by batch(): its elements are the samples, as Keras (no _batch_size)
  const mapped = Dataset.fromTensorSlices(constant(range(12), [12])).batch(4).map((t: Tensor) => t);
  const [m] = await splitDataset(mapped, { leftSize: 2 });
  assert.deepEqual((await m.toArray()).map(values), [[0, 1, 2, 3], [4, 5, 6, 7]]);
});

test("splitDataset: errors name the input at fault", async () => {
  const x = constant(range(10), [10]);
  await assert.rejects(splitDataset(x, {}), /at least one of leftSize and rightSize/);
  await assert.rejects(splitDataset([x, constant(range(9), [9])], { leftSize: 2 }), /item 0 has shape \[10\], item 1 has \[9\]/);
  await assert.rejects(splitDataset([], { leftSize: 2 }), /empty list/);
  const ragged = Dataset.fromGenerator(() => [constant([1, 2], [2]), constant([1, 2, 3], [3])]);
  await assert.rejects(splitDataset(ragged, { leftSize: 1 }), /sample 0 has shape \[2\], sample 1 has \[3\]/);
  await assert.rejects(splitDataset(Dataset.fromGenerator(() => [] as Tensor[]), { leftSize: 1 }), /the dataset is empty/);
  await assert.rejects(splitDataset(x, { leftSize: 2, lefSize: 3 } as object), /unknown option\(s\) lefSize/);
});
