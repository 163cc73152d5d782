import { test } from "node:test";
import assert from "node:assert/strict";
import { AUTOTUNE, Dataset } from "./dataset.js";
import { makeTensor, type Tensor } from "../tensor/tensor.js";
import { setSeed } from "../tensor/random.js";
import * as tf from "../index.js";

const x = makeTensor(Float32Array.from({ length: 10 }, (_, i) => i), [5, 2], "float32");
const y = makeTensor(Int32Array.from([0, 1, 2, 3, 4]), [5], "int32");

test("fromTensorSlices + batch yields [x, y] batches with a short last batch", async () => {
  const batches = await Dataset.fromTensorSlices([x, y]).batch(2).toArray();
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0][0].arraySync(), [[0, 1], [2, 3]]);
  assert.deepEqual(batches[0][1].arraySync(), [0, 1]);
  assert.deepEqual(batches[2][0].shape, [1, 2]);
  assert.equal((await Dataset.fromTensorSlices([x, y]).batch(2, { dropRemainder: true }).toArray()).length, 2);
  assert.throws(() => Dataset.fromTensorSlices([x, makeTensor(new Int32Array(3), [3], "int32")]), /different first dimensions \[5, 3\]/);
});

test("shuffle emits every element once per epoch and repeats under a seed", async () => {
  const ds = Dataset.fromTensorSlices(y).shuffle(3, { seed: 7 });
  const epoch = async (): Promise<number[]> => (await ds.toArray()).map((t: Tensor) => t.item());
  const a = await epoch(), b = await epoch();
  assert.deepEqual([...a].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual([...b].sort(), [0, 1, 2, 3, 4]);
  const again = Dataset.fromTensorSlices(y).shuffle(3, { seed: 7 });
  assert.deepEqual((await again.toArray()).map((t) => t.item()), a);
  // with a buffer of 1 nothing moves
  assert.deepEqual((await Dataset.fromTensorSlices(y).shuffle(1).toArray()).map((t) => t.item()), [0, 1, 2, 3, 4]);
  setSeed(1);
  const g1 = (await Dataset.fromTensorSlices(y).shuffle(5).toArray()).map((t) => t.item());
  setSeed(1);
  assert.deepEqual((await Dataset.fromTensorSlices(y).shuffle(5).toArray()).map((t) => t.item()), g1);
});

test("map, take, skip and prefetch keep order", async () => {
  const ds = Dataset.fromTensorSlices(y).map((t) => makeTensor(Int32Array.from([t.item() * 10]), [], "int32")).prefetch(2);
  assert.deepEqual((await ds.toArray()).map((t) => t.item()), [0, 10, 20, 30, 40]);
  assert.deepEqual((await ds.skip(1).take(2).toArray()).map((t) => t.item()), [10, 20]);
  const seen: number[] = [];
  for await (const [bx, by] of Dataset.fromTensorSlices([x, y]).batch(4)) seen.push(bx.shape[0], by.shape[0]);
  assert.deepEqual(seen, [4, 4, 1, 1]);
});

test("cache replays the first complete pass; a pass cut short keeps nothing", async () => {
  let reads = 0;
  const counted = Dataset.fromTensorSlices(y).map((t) => { reads++; return t; });
  const cached = counted.cache();
  assert.deepEqual((await cached.take(2).toArray()).map((t) => t.arraySync()), [0, 1]);
  assert.equal(reads, 2);
  assert.deepEqual((await cached.toArray()).map((t) => t.arraySync()), [0, 1, 2, 3, 4]);
  assert.equal(reads, 7, "the cut-short pass was not kept: the source was read again");
  assert.deepEqual((await cached.toArray()).map((t) => t.arraySync()), [0, 1, 2, 3, 4]);
  assert.equal(reads, 7, "the complete pass is replayed from memory");
  // A shuffle before cache() is frozen; after it, each pass shuffles anew.
  setSeed(3);
  const frozen = Dataset.fromTensorSlices(y).shuffle(5).cache();
  const a = (await frozen.toArray()).map((t) => t.arraySync()), b = (await frozen.toArray()).map((t) => t.arraySync());
  assert.deepEqual(a, b);
});

test("repeat, filter, unbatch and prefetch(AUTOTUNE)", async () => {
  const ys = (ds: Dataset<Tensor>): Promise<unknown[]> => ds.toArray().then((a) => a.map((t) => t.arraySync()));
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).repeat(2)), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).repeat().take(7)), [0, 1, 2, 3, 4, 0, 1]);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).repeat(0)), []);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).take(0).repeat()), [], "an empty dataset repeated forever ends");
  assert.throws(() => Dataset.fromTensorSlices(y).repeat(-2), /repeat: count must be a non-negative integer, or -1/);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).filter((t) => (t.arraySync() as number) % 2 === 0)), [0, 2, 4]);
  const pairs = await Dataset.fromTensorSlices([x, y]).batch(2).unbatch().toArray();
  assert.equal(pairs.length, 5);
  assert.deepEqual(pairs[3][0].arraySync(), [6, 7]);
  assert.deepEqual(pairs[3][1].arraySync(), 3);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).prefetch(AUTOTUNE)), [0, 1, 2, 3, 4]);
  assert.throws(() => Dataset.fromTensorSlices(y).prefetch(0), /positive integer or data.AUTOTUNE/);
});

test("a negative take keeps every element and a negative skip drops them all, as tf.data; counts that are not whole numbers are errors", async () => {
  const ys = (ds: Dataset<Tensor>): Promise<unknown[]> => ds.toArray().then((a) => a.map((t) => t.arraySync()));
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).take(-1)), [0, 1, 2, 3, 4]);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).take(-2)), [0, 1, 2, 3, 4]);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).skip(-1)), []);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).skip(-3)), []);
  assert.deepEqual(await ys(Dataset.fromTensorSlices(y).skip(0).take(0)), []);
  assert.throws(() => Dataset.fromTensorSlices(y).take(1.5), /^RangeError: Dataset\.take: count must be an integer \(a negative one, e\.g\. -1, keeps all of them\), got 1\.5$/);
  assert.throws(() => Dataset.fromTensorSlices(y).skip(NaN), /^RangeError: Dataset\.skip: count must be an integer \(a negative one, e\.g\. -1, skips all of them\), got NaN$/);
  assert.throws(() => Dataset.fromTensorSlices(y).skip("2" as unknown as number), /Dataset\.skip: .*got "2"$/);
  assert.throws(() => Dataset.fromTensorSlices(y).shuffle(2, { seed: NaN }), /^RangeError: Dataset\.shuffle: seed must be a finite number, got NaN/);
});

test("elements that are not tensors, or whose structure changes, are errors naming the step and the element", async () => {
  const five = Dataset.fromTensorSlices(y);
  const mixed = five.map((t): Tensor | Tensor[] => (t.item() === 0 ? t : [t, t]));
  await assert.rejects(mixed.batch(2).toArray(), /^TypeError: Dataset\.batch: element 1 of the batch is an array of 2 tensors but element 0 is a single tensor; every element must have the same structure/);
  const ragged = five.map((t) => (t.item() === 0 ? [t, t] : [t, t, t]));
  await assert.rejects(ragged.batch(2).toArray(), /element 1 of the batch is an array of 3 tensors but element 0 is an array of 2 tensors/);
  await assert.rejects(five.map(() => 3 as unknown as Tensor).toArray(), /^TypeError: Dataset\.map: an element must be a tensor, or arrays and objects of tensors such as \[x, y\] or \{ a: x, b: y \}, got 3$/);
  await assert.rejects(five.map((t) => [t, undefined as unknown as Tensor]).toArray(), /Dataset\.map: .*got one whose item 1 is undefined$/);
  await assert.rejects(Dataset.fromGenerator(function* () { yield [x, null as unknown as Tensor]; }).batch(2).toArray(), /^TypeError: Dataset\.batch: .*item 1 is null$/);
  assert.throws(() => Dataset.fromTensorSlices([x, [1, 2, 3, 4, 5]] as unknown as Tensor[]), /^TypeError: Dataset\.fromTensorSlices: item 0 is a tensor \[5, 2\] float32 but item 1 is an array of 5; pass an array of tensors such as \[x, y\] \(make each component with tf\.constant\), or numbers \(nested arrays\) for a single component$/);
  await assert.rejects(Dataset.fromTensorSlices(x).filter((t) => t).toArray(), /^TypeError: Dataset\.filter: the predicate must return a boolean or a scalar tensor, got a tensor of shape \[2\]/);
  await assert.rejects(Dataset.fromTensorSlices(y).filter((t) => tf.sum(t)).toArray(), /^TypeError: Dataset\.filter: the predicate must return a boolean or a bool scalar tensor, got a tensor of dtype int32; compare it/);
  const forgetful = (() => undefined) as unknown as () => boolean;
  await assert.rejects(Dataset.fromTensorSlices(y).filter(forgetful).toArray(), /got undefined \(does the predicate return its result\?\)/);
  assert.deepEqual((await Dataset.fromTensorSlices(y).filter((t) => tf.greater(t, 2)).toArray()).map((t) => t.item()), [3, 4]);
});

test("map and filter unpack an element [x, y] into a function of two parameters, as tf.data unpacks tuples; one parameter gets the element whole", async () => {
  const x = makeTensor(new Float32Array([1, 2, 3, 4]), [4, 1], "float32");
  const y = makeTensor(new Int32Array([0, 1, 0, 1]), [4], "int32");
  const ds = Dataset.fromTensorSlices([x, y]);
  const doubled = ds.map((a: Tensor, b: Tensor) => [makeTensor(new Float32Array([(a.dataSync()[0] as number) * 2]), [1], "float32"), b]);
  const seen: number[][] = [];
  for await (const [a, b] of doubled) seen.push([a.dataSync()[0] as number, b.dataSync()[0] as number]);
  assert.deepEqual(seen, [[2, 0], [4, 1], [6, 0], [8, 1]]);
  const ones = ds.filter((_a: Tensor, b: Tensor) => b.dataSync()[0] === 1);
  const kept: number[] = [];
  for await (const [a] of ones) kept.push(a.dataSync()[0] as number);
  assert.deepEqual(kept, [2, 4]);
  // One parameter: the element itself, as before.
  const whole = ds.map((e) => [e[1], e[0]]);
  for await (const e of whole.take(1)) assert.deepEqual(e.map((t) => t.shape), [[], [1]]);
  const firstTwo = ds.filter((e) => (e[0].dataSync()[0] as number) <= 2);
  let n = 0;
  for await (const _ of firstTwo) n++;
  assert.equal(n, 2);
});
