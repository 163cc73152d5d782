/**
 * data.Dataset against tf.data's documented semantics (TensorFlow 2.x API docs): the expected
 * element sequences below are the docs' examples, written out by hand, not lamina's output.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dataset, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, type Element } from "./dataset.js";
import { Tensor, makeTensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { setSeed } from "../tensor/random.js";
import * as tf from "../index.js";
import { values } from "../testing/element_values.js";

test("the names are exported as tf.data's: data.Dataset, data.INFINITE_CARDINALITY, data.UNKNOWN_CARDINALITY", () => {
  assert.equal(tf.data.Dataset, Dataset);
  assert.equal(tf.data.INFINITE_CARDINALITY, -1);
  assert.equal(tf.data.UNKNOWN_CARDINALITY, -2);
});

test("shuffle with reshuffleEachIteration: false gives every pass the same order; true (the default) reshuffles", async () => {
  const ten = Dataset.range(10);
  const fixed = ten.shuffle(10, { seed: 4, reshuffleEachIteration: false });
  const p1 = await values(fixed), p2 = await values(fixed), p3 = await values(fixed);
  assert.deepEqual([...(p1 as number[])].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(p2, p1);
  assert.deepEqual(p3, p1);
  assert.deepEqual(await values(fixed.repeat(2)), [...p1, ...p1], "repeat after a fixed shuffle repeats the order");
  // Without a seed: one order drawn on the first pass, kept after.
  setSeed(11);
  const unseeded = ten.shuffle(10, { reshuffleEachIteration: false });
  const u1 = await values(unseeded);
  assert.deepEqual(await values(unseeded), u1);
  // The default reshuffles: ten passes of ten elements are not all one order.
  const moving = ten.shuffle(10, { seed: 4 });
  const passes = new Set<string>();
  for (let i = 0; i < 10; i++) passes.add(JSON.stringify(await values(moving)));
  assert.ok(passes.size > 1);
  assert.equal(JSON.stringify(await values(ten.shuffle(10, { seed: 4, reshuffleEachIteration: true }))), JSON.stringify(p1), "same seed, same first pass");
});

test("shuffle refuses an unknown option, naming the known ones", () => {
  const ds = Dataset.range(3);
  assert.throws(() => ds.shuffle(3, { reshuffle: false } as never), /^TypeError: Dataset\.shuffle: unknown option reshuffle; valid options are seed, reshuffleEachIteration$/);
  assert.throws(() => ds.shuffle(3, { reshuffle_each_iteration: false } as never), /Dataset\.shuffle: unknown option reshuffle_each_iteration; lamina spells Keras' reshuffle_each_iteration as reshuffleEachIteration/);
  assert.throws(() => ds.shuffle(3, { reshuffleEachIteration: "no" } as never), /^TypeError: Dataset\.shuffle: reshuffleEachIteration must be true or false, got "no"$/);
});

test("Dataset.range as tf.data's docs list it; int32 unless a dtype is given", async () => {
  assert.deepEqual(await values(Dataset.range(5)), [0, 1, 2, 3, 4]);
  assert.deepEqual(await values(Dataset.range(2, 5)), [2, 3, 4]);
  assert.deepEqual(await values(Dataset.range(1, 5, 2)), [1, 3]);
  assert.deepEqual(await values(Dataset.range(1, 5, -2)), []);
  assert.deepEqual(await values(Dataset.range(5, 1)), []);
  assert.deepEqual(await values(Dataset.range(5, 1, -2)), [5, 3]);
  assert.deepEqual(await values(Dataset.range(1, 5, 2, { dtype: "float32" })), [1, 3]);
  const [first] = await Dataset.range(3).take(1).toArray();
  assert.equal(first.dtype, "int32");
  assert.deepEqual(first.shape, []);
  const [big] = await Dataset.range(2, 5, { dtype: "int64" }).toArray();
  assert.equal(big.dtype, "int64");
  assert.equal(big.dataSync()[0], 2n);
  assert.throws(() => Dataset.range(0, 5, 0), /^RangeError: Dataset\.range: step must not be 0$/);
  assert.throws(() => Dataset.range(1.5), /Dataset\.range: start, stop and step must be integers/);
  assert.throws(() => Dataset.range(0, 2 ** 32), /do not fit int32; pass \{ dtype: "int64" \}/);
  assert.throws(() => Dataset.range(3, { dtype: "uint8" }), /dtype must be int32, int64, float32 or float64/);
});

test("fromTensorSlices converts numbers and nested number arrays to one component, as tf.data; an array of tensors stays a tuple", async () => {
  assert.deepEqual(await values(Dataset.fromTensorSlices([1, 2, 3])), [1, 2, 3]);
  const rows = await Dataset.fromTensorSlices([[1, 2], [3, 4]]).toArray();
  assert.deepEqual(rows.map((t) => t.arraySync()), [[1, 2], [3, 4]]);
  assert.equal(rows[0].dtype, "int32", "integers: int32, as tf.constant");
  assert.equal((await Dataset.fromTensorSlices([0.5, 1]).toArray())[0].dtype, "float32");
  assert.equal((await Dataset.fromTensorSlices([true, false]).toArray())[0].dtype, "bool");
  assert.equal((await Dataset.fromTensorSlices(new Float64Array([1, 2])).toArray())[0].dtype, "float64");
  assert.deepEqual(await values(Dataset.fromTensorSlices([])), []);
  const a = constant([1, 2]), b = constant([3, 4]);
  assert.deepEqual(await values(Dataset.fromTensorSlices([a, b])), [[1, 3], [2, 4]], "a list of tensors is a tuple");
  assert.deepEqual(await values(Dataset.fromTensorSlices({ a, b })), [{ a: 1, b: 3 }, { a: 2, b: 4 }], "an object is a dict of components");
  assert.throws(() => Dataset.fromTensorSlices([[1, 2], [3]]), /^RangeError: Dataset\.fromTensorSlices: cannot make a tensor from an array of 2 \(constant: ragged nested array/);
  assert.throws(() => Dataset.fromTensorSlices(3), /^RangeError: Dataset\.fromTensorSlices: the tensor is a scalar; it needs a first axis to slice \(fromTensors makes a dataset of one element\)$/);
  // tf.data's docs: enumerate over from_tensor_slices([(7, 8), (9, 10)]) (a list: one component of shape [2, 2]).
  assert.deepEqual(await values(Dataset.fromTensorSlices([[7, 8], [9, 10]]).enumerate()), [[0, [7, 8]], [1, [9, 10]]]);
});

test("fromTensors makes a dataset of one element, whole", async () => {
  assert.deepEqual(await values(Dataset.fromTensors([1, 2, 3])), [[1, 2, 3]]);
  assert.deepEqual(await values(Dataset.fromTensors(constant(7))), [7]);
  assert.deepEqual(await values(Dataset.fromTensors([constant([1, 2]), constant(5)])), [[[1, 2], 5]]);
  assert.equal(Dataset.fromTensors([1]).cardinality(), 1);
});

test("Dataset.zip pairs elements and stops at the shortest (tf.data's docs example); tuples are flattened", async () => {
  const a = Dataset.range(1, 4), b = Dataset.range(4, 7);
  assert.deepEqual(await values(Dataset.zip([a, b])), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(await values(Dataset.zip(a, b)), [[1, 4], [2, 5], [3, 6]]);
  const c = Dataset.range(7, 13).batch(2);
  assert.deepEqual(await values(Dataset.zip([a, b, c])), [[1, 4, [7, 8]], [2, 5, [9, 10]], [3, 6, [11, 12]]]);
  const d = Dataset.range(13, 15);
  assert.deepEqual(await values(Dataset.zip([a, d])), [[1, 13], [2, 14]]);
  assert.deepEqual(await values(Dataset.zip([Dataset.zip([a, b]), d])), [[1, 4, 13], [2, 5, 14]], "tf.data's ((1, 4), 13) is lamina's flat [1, 4, 13]");
  assert.deepEqual(await values(Dataset.zip([a, Dataset.range(100).repeat()])), [[1, 0], [2, 1], [3, 2]]);
  assert.throws(() => Dataset.zip([]), /^TypeError: Dataset\.zip: pass at least one dataset$/);
  assert.throws(() => Dataset.zip([a, constant([1]) as never]), /^TypeError: Dataset\.zip: item 1 is a tensor \[1\] int32, not a Dataset$/);
});

test("concatenate appends (tf.data's docs example) and refuses elements of another structure or dtype", async () => {
  const a = Dataset.range(1, 4), b = Dataset.range(4, 8);
  assert.deepEqual(await values(a.concatenate(b)), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(a.concatenate(b).cardinality(), 7);
  const pairs = Dataset.zip([a, b]) as unknown as Dataset<Tensor>;
  await assert.rejects(a.concatenate(pairs).toArray(), /^TypeError: Dataset\.concatenate: the datasets' elements differ: this dataset's are a int32 tensor but the other's element 0 is an array of 2 tensors \[int32, int32\]; both must have the same structure and dtypes, as tf\.data requires$/);
  await assert.rejects(a.concatenate(Dataset.range(2, { dtype: "float32" })).toArray(), /this dataset's are a int32 tensor but the other's element 0 is a float32 tensor/);
  assert.deepEqual(await values(Dataset.range(0).concatenate(b)), [4, 5, 6, 7]);
});

test("enumerate numbers elements from start (tf.data's docs example); a tuple element is flattened after the index", async () => {
  assert.deepEqual(await values(Dataset.fromTensorSlices([1, 2, 3]).enumerate(5)), [[5, 1], [6, 2], [7, 3]]);
  const [[i]] = await Dataset.range(3).enumerate().toArray();
  assert.equal(i.dtype, "int32");
  assert.deepEqual(await values(Dataset.fromTensorSlices([constant([1, 2]), constant([3, 4])]).enumerate()), [[0, 1, 3], [1, 2, 4]]);
});

test("cardinality: known counts, INFINITE_CARDINALITY after repeat(), UNKNOWN_CARDINALITY after filter (tf.data's docs example and rules)", async () => {
  const ds = Dataset.range(42);
  assert.equal(ds.cardinality(), 42);
  assert.equal(ds.repeat().cardinality(), INFINITE_CARDINALITY);
  assert.equal(ds.repeat().filter(() => true).cardinality(), UNKNOWN_CARDINALITY);
  assert.equal(Dataset.fromGenerator(function* () { yield constant(1); }).cardinality(), UNKNOWN_CARDINALITY);
  const ten = Dataset.range(10);
  const cases: [Dataset<Element> | Dataset<Dataset<Tensor>>, number][] = [
    [ten.batch(3), 4], [ten.batch(3, { dropRemainder: true }), 3], [ten.paddedBatch(4), 3],
    [ten.take(3), 3], [ten.take(20), 10], [ten.take(-2), 10], [ten.repeat().take(3), 3],
    [ten.skip(3), 7], [ten.skip(20), 0], [ten.skip(-1), 0],
    [ten.repeat(2), 20], [ten.repeat(0), 0], [ten.take(0).repeat(), 0],
    [ten.shard(3, 0), 4], [ten.shard(3, 1), 3], [ten.shard(3, 2), 3],
    [Dataset.range(7).window(3), 3], [Dataset.range(7).window(3, { shift: 2, dropRemainder: true }), 3],
    [Dataset.range(7).window(3, { shift: 2 }), 4], [Dataset.range(7).window(3, { shift: 1, stride: 2, dropRemainder: true }), 3],
    [Dataset.range(2).window(3, { dropRemainder: true }), 0],
    [ten.map((t) => t).prefetch(2).cache().shuffle(3).enumerate(), 10],
    [Dataset.zip([ten, Dataset.range(4)]), 4],
  ];
  for (const [d, n] of cases) {
    assert.equal(d.cardinality(), n);
    assert.equal((await d.toArray()).length, n, "the count is what iteration yields");
  }
  assert.equal(ten.repeat().skip(3).cardinality(), INFINITE_CARDINALITY);
  assert.equal(ten.filter(() => true).batch(2).cardinality(), UNKNOWN_CARDINALITY);
  assert.equal(ten.concatenate(ten.repeat()).cardinality(), INFINITE_CARDINALITY);
  assert.equal(ten.concatenate(ten.unbatch()).cardinality(), UNKNOWN_CARDINALITY);
  assert.equal(Dataset.zip([ten.filter(() => true), ten]).cardinality(), UNKNOWN_CARDINALITY);
  assert.equal(Dataset.zip([ten.repeat(), ten.repeat()]).cardinality(), INFINITE_CARDINALITY);
  assert.equal(ten.flatMap((t) => Dataset.fromTensors(t)).cardinality(), UNKNOWN_CARDINALITY);
});

test("reduce folds the elements (tf.data's docs examples), awaiting an async function", async () => {
  assert.equal(await Dataset.range(5).reduce(0, (n) => n + 1), 5);
  assert.equal(await Dataset.range(5).reduce(0, (s, e) => s + (e.item() as number)), 10);
  assert.equal(await Dataset.range(5).reduce(1, async (s, e) => s * ((e.item() as number) + 1)), 120);
  assert.equal(await Dataset.range(0).reduce("empty", (s) => s), "empty");
});

test("flatMap flattens the datasets a function returns (tf.data's docs example)", async () => {
  const ds = Dataset.fromTensorSlices([[1, 2, 3], [4, 5, 6], [7, 8, 9]]).flatMap((row) => Dataset.fromTensorSlices(row));
  assert.deepEqual(await values(ds), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const pairs = Dataset.fromTensorSlices([constant([1, 2]), constant([10, 20])]);
  assert.deepEqual(await values(pairs.flatMap((a: Tensor, b: Tensor) => Dataset.fromTensors([a, b]).repeat(2))), [[1, 10], [1, 10], [2, 20], [2, 20]], "[x, y] unpacked into (x, y) as map does");
  await assert.rejects(Dataset.range(2).flatMap((t) => t as never).toArray(), /^TypeError: Dataset\.flatMap: the function must return a Dataset \(e\.g\. Dataset\.fromTensorSlices\(\.\.\.\), or a window's \.batch\(n\)\), got a tensor \[\] int32$/);
});

test("paddedBatch pads to the batch's longest, to given shapes and with given values (tf.data's docs examples)", async () => {
  // A = range(1, 5).map(x => fill([x], x))
  const A = Dataset.range(1, 5).map((x) => { const n = x.item() as number; return makeTensor(new Int32Array(n).fill(n), [n], "int32"); });
  assert.deepEqual(await values(A.paddedBatch(2)), [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]);
  assert.deepEqual(await values(A.paddedBatch(2, { paddedShapes: 5 })), [[[1, 0, 0, 0, 0], [2, 2, 0, 0, 0]], [[3, 3, 3, 0, 0], [4, 4, 4, 4, 0]]]);
  assert.deepEqual(await values(A.paddedBatch(2, { paddedShapes: [5], paddingValues: -1 })), [[[1, -1, -1, -1, -1], [2, 2, -1, -1, -1]], [[3, 3, 3, -1, -1], [4, 4, 4, 4, -1]]]);
  // Components padded independently: elements ([1, 2, 3], [10]) and ([4, 5], [11, 12]).
  const nested = Dataset.fromGenerator(function* () { yield [constant([1, 2, 3]), constant([10])]; yield [constant([4, 5]), constant([11, 12])]; });
  assert.deepEqual(await values(nested.paddedBatch(2, { paddedShapes: [[4], [null]], paddingValues: [-1, 100] })), [[[[1, 2, 3, -1], [4, 5, -1, -1]], [[10, 100], [11, 12]]]]);
  // One padding value for several components: zip((A, A)).padded_batch(2, padding_values=-1).
  assert.deepEqual(await values(Dataset.zip([A, A]).paddedBatch(2, { paddingValues: -1 })), [
    [[[1, -1], [2, 2]], [[1, -1], [2, 2]]],
    [[[3, 3, 3, -1], [4, 4, 4, 4]], [[3, 3, 3, -1], [4, 4, 4, 4]]],
  ]);
  // Every dimension: shapes [1, 3] and [2, 1] pad to [2, 3]; a short last batch is kept unless dropRemainder.
  const grids = Dataset.fromGenerator(function* () { yield constant([[1, 2, 3]], "float32"); yield constant([[4], [5]], "float32"); yield constant([[6]], "float32"); });
  assert.deepEqual(await values(grids.paddedBatch(2)), [[[[1, 2, 3], [0, 0, 0]], [[4, 0, 0], [5, 0, 0]]], [[[6]]]]);
  assert.equal((await grids.paddedBatch(2, { dropRemainder: true }).toArray()).length, 1);
  assert.deepEqual(await values(grids.paddedBatch(3, { paddedShapes: [-1, 4], paddingValues: 0.5 })), [[[[1, 2, 3, 0.5], [0.5, 0.5, 0.5, 0.5]], [[4, 0.5, 0.5, 0.5], [5, 0.5, 0.5, 0.5]], [[6, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]]]]);
  await assert.rejects(A.paddedBatch(4, { paddedShapes: [3] }).toArray(), /^RangeError: Dataset\.paddedBatch: cannot pad the element of shape \[4\] to \[3\]: dimension 0 is larger than 3$/);
  await assert.rejects(A.paddedBatch(2, { paddedShapes: [2, 2] }).toArray(), /paddedShapes for the element has rank 2 but the tensors have rank 1/);
  await assert.rejects(grids.paddedBatch(2, { paddingValues: [1, 2] }).toArray(), /paddingValues has 2 values but the elements have 1 component/);
  await assert.rejects(A.paddedBatch(2, { paddingValues: 0.5 }).toArray(), /padding value 0\.5 cannot be stored in the element's dtype int32/);
  assert.throws(() => A.paddedBatch(2, { paddedShapes: "x" } as never), /^TypeError: Dataset\.paddedBatch: paddedShapes must be a shape/);
  assert.throws(() => A.paddedBatch(2, { padded_shapes: [3] } as never), /lamina spells Keras' padded_shapes as paddedShapes/);
});

test("window: tf.data's docs examples, each window a dataset; flatMap((w) => w.batch(n)) reads them", async () => {
  const windows = async (ds: Dataset<Dataset<Tensor>>): Promise<unknown[][]> => {
    const out: unknown[][] = [];
    for await (const w of ds) out.push(await values(w));
    return out;
  };
  const seven = Dataset.range(7);
  assert.deepEqual(await windows(seven.window(3)), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(await windows(seven.window(3, { dropRemainder: true })), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(await windows(seven.window(3, { shift: 2, dropRemainder: true })), [[0, 1, 2], [2, 3, 4], [4, 5, 6]]);
  assert.deepEqual(await windows(seven.window(3, { shift: 1, stride: 2, dropRemainder: true })), [[0, 2, 4], [1, 3, 5], [2, 4, 6]]);
  assert.deepEqual(await windows(Dataset.range(5).window(3, { shift: 1, dropRemainder: true })), [[0, 1, 2], [1, 2, 3], [2, 3, 4]]);
  assert.deepEqual(await windows(Dataset.range(5).window(3, { shift: 1 })), [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4], [4]]);
  assert.deepEqual(await windows(seven.window(2, { shift: 4 })), [[0, 1], [4, 5]], "a shift past the window skips elements");
  const batched = Dataset.range(5).window(3, { shift: 1, dropRemainder: true }).flatMap((w) => w.batch(3));
  assert.deepEqual(await values(batched), [[0, 1, 2], [1, 2, 3], [2, 3, 4]]);
  // tf.data's docs: from_tensor_slices(([1..5], [6..10])).window(2) gives windows ([1, 2], [6, 7]), ([3, 4], [8, 9]), ([5], [10]).
  const pairs = Dataset.fromTensorSlices([constant([1, 2, 3, 4, 5]), constant([6, 7, 8, 9, 10])]);
  assert.deepEqual(await values(pairs.window(2).flatMap((w) => w.batch(2))), [[[1, 2], [6, 7]], [[3, 4], [8, 9]], [[5], [10]]]);
  const w0 = (await seven.window(3).take(1).toArray())[0];
  assert.deepEqual(await values(w0), [0, 1, 2]);
  assert.deepEqual(await values(w0), [0, 1, 2], "a window can be read again");
  await assert.rejects(seven.window(3).batch(2).toArray() as Promise<unknown>, /Dataset\.batch: .*got a Dataset \(a window: read it with flatMap, e\.g\. ds\.flatMap\(\(w\) => w\.batch\(n\)\)\)$/);
  assert.throws(() => seven.window(0), /^RangeError: Dataset\.window: size must be a positive integer, got 0$/);
  assert.throws(() => seven.window(2, { shift: 0 }), /shift must be a positive integer, got 0/);
  assert.throws(() => seven.window(2, { drop_remainder: true } as never), /lamina spells Keras' drop_remainder as dropRemainder/);
});

test("shard keeps every numShards-th element from index (tf.data's docs example)", async () => {
  const A = Dataset.range(10);
  assert.deepEqual(await values(A.shard(3, 0)), [0, 3, 6, 9]);
  assert.deepEqual(await values(A.shard(3, 1)), [1, 4, 7]);
  assert.deepEqual(await values(A.shard(3, 2)), [2, 5, 8]);
  assert.throws(() => A.shard(3, 3), /^RangeError: Dataset\.shard: index must be an integer from 0 to numShards - 1 = 2, got 3$/);
  assert.throws(() => A.shard(0, 0), /numShards must be a positive integer, got 0/);
});

test("interleave cycles through cycleLength datasets, blockLength elements at a time (tf.data's docs example)", async () => {
  const ds = Dataset.range(1, 6).interleave((x) => Dataset.fromTensors(x).repeat(6), { cycleLength: 2, blockLength: 4 });
  assert.deepEqual(await values(ds), [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5]);
  // blockLength 1 (the default): round robin.
  const rr = Dataset.range(3).interleave((x) => Dataset.range(3).map((y) => makeTensor(new Int32Array([(x.item() as number) * 10 + (y.item() as number)]), [], "int32")), { cycleLength: 3 });
  assert.deepEqual(await values(rr), [0, 10, 20, 1, 11, 21, 2, 12, 22]);
  assert.throws(() => Dataset.range(3).interleave((x) => Dataset.fromTensors(x)), /^RangeError: Dataset\.interleave: pass cycleLength/);
  assert.throws(() => Dataset.range(3).interleave((x) => Dataset.fromTensors(x), { cycleLength: 2, cycle_length: 2 } as never), /unknown option cycle_length/);
});
