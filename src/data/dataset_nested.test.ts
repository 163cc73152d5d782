/**
 * data.Dataset elements nested as tf.data's structures: dicts (plain objects) and tuples (arrays)
 * of tensors, through every transformation. Expected elements are written out by hand from the
 * inputs (rows sliced, stacked or padded as tf.data's docs describe), not taken from lamina.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dataset } from "./dataset.js";
import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { values } from "../testing/element_values.js";

const title = () => constant([[1, 2], [3, 4], [5, 6]], "float32");
const body = () => constant([7, 8, 9], "int32");

test("fromTensorSlices slices a dict, and a tuple of dicts, row by row, keeping the structure", async () => {
  const ds = Dataset.fromTensorSlices({ title: title(), body: body() });
  assert.equal(ds.cardinality(), 3);
  assert.deepEqual(await values(ds), [{ title: [1, 2], body: 7 }, { title: [3, 4], body: 8 }, { title: [5, 6], body: 9 }]);
  const pairs = Dataset.fromTensorSlices([{ title: title(), body: body() }, { priority: constant([0, 1, 0], "int32") }]);
  assert.deepEqual(await values(pairs), [
    [{ title: [1, 2], body: 7 }, { priority: 0 }],
    [{ title: [3, 4], body: 8 }, { priority: 1 }],
    [{ title: [5, 6], body: 9 }, { priority: 0 }],
  ]);
  // As tf.data converts a dict's values: numbers become tensors (int32 for integers), a list of tensors a tuple.
  const [first] = await Dataset.fromTensorSlices({ n: [1, 2], pair: [constant([3, 4]), constant([5, 6])] }).toArray();
  assert.deepEqual(Object.keys(first), ["n", "pair"]);
  assert.equal((first as { n: Tensor }).n.dtype, "int32");
  assert.deepEqual(await values(Dataset.fromTensorSlices({ n: [1, 2], pair: [constant([3, 4]), constant([5, 6])] })), [{ n: 1, pair: [3, 5] }, { n: 2, pair: [4, 6] }]);
});

test("fromTensorSlices names the keys and sizes of parts that disagree in their first dimension", () => {
  assert.throws(() => Dataset.fromTensorSlices({ title: title(), body: constant([1, 2]) }),
    /^RangeError: Dataset\.fromTensorSlices: the tensors have different first dimensions \(body: 2, title: 3\); they must match$/);
  assert.throws(() => Dataset.fromTensorSlices([{ a: title() }, constant([1, 2])]),
    /different first dimensions \(\[0\]\.a: 3, \[1\]: 2\)/);
  assert.throws(() => Dataset.fromTensorSlices({ a: title(), s: constant(1) }), /^RangeError: Dataset\.fromTensorSlices: tensor s is a scalar; it needs a first axis to slice/);
  assert.throws(() => Dataset.fromTensorSlices({}), /^TypeError: Dataset\.fromTensorSlices: got an empty object; a dict element needs at least one component/);
  assert.throws(() => Dataset.fromTensorSlices({ a: [title(), 3] } as never), /^TypeError: Dataset\.fromTensorSlices: item 0 is a tensor \[3, 2\] float32 but item 1 is 3 \(at key "a"\)/);
});

test("fromTensors keeps a dict whole as one element", async () => {
  const ds = Dataset.fromTensors({ a: constant([1, 2]), b: [constant(3), constant(4)] });
  assert.equal(ds.cardinality(), 1);
  assert.deepEqual(await values(ds), [{ a: [1, 2], b: [3, 4] }]);
});

test("map gets a dict whole and a 2-array unpacked; batch stacks every part of the structure", async () => {
  const ds = Dataset.fromTensorSlices([title(), body()]).map((x: Tensor, y: Tensor) => [{ title: x }, y]);
  assert.deepEqual(await values(ds.batch(2)), [[{ title: [[1, 2], [3, 4]] }, [7, 8]], [{ title: [[5, 6]] }, [9]]]);
  // Two different dicts in one array literal, from the one-parameter form (dataset_types.test.ts has the two-parameter one).
  const two = Dataset.fromTensorSlices([title(), body()]).map(([x, y]) => [{ title: x }, { body: y, twice: y }]);
  assert.deepEqual(await values(two.batch(2)), [
    [{ title: [[1, 2], [3, 4]] }, { body: [7, 8], twice: [7, 8] }],
    [{ title: [[5, 6]] }, { body: [9], twice: [9] }],
  ]);
  const dicts = Dataset.fromTensorSlices({ title: title(), body: body() });
  const seen: string[][] = [];
  const mapped = dicts.map((d) => { seen.push(Object.keys(d)); return d.body; });
  assert.deepEqual(await values(mapped), [7, 8, 9]);
  assert.deepEqual(seen[0], ["title", "body"]);
  assert.deepEqual(await values(dicts.filter((d) => d.body.item() !== 8)), [{ title: [1, 2], body: 7 }, { title: [5, 6], body: 9 }]);
});

test("batch refuses elements whose structures differ, naming both", async () => {
  const ds = Dataset.fromTensorSlices(body()).map((t): { a: Tensor; b?: Tensor } => (t.item() === 7 ? { a: t, b: t } : { a: t }));
  await assert.rejects(ds.batch(2).toArray(), /^TypeError: Dataset\.batch: element 1 of the batch is \{ a: tensor \} but element 0 is \{ a: tensor, b: tensor \}; every element must have the same structure \(check what map returns\)$/);
  await assert.rejects(ds.map((d) => ({ a: d.a, b: 3 as unknown as Tensor })).toArray(), /^TypeError: Dataset\.map: an element must be .*, got one whose key "b" is 3$/);
  await assert.rejects(ds.map(() => [{}] as never).toArray(), /got one whose item 0 is an empty object \(an empty one holds no tensor\)$/);
  const ragged = Dataset.fromGenerator(function* () { yield { ids: constant([1]), n: constant(1) }; yield { ids: constant([2, 3]), n: constant(2) }; });
  await assert.rejects(ragged.batch(2).toArray(), /^Error: Dataset\.batch: cannot batch elements whose component ids has shapes \[1\] int32 and \[2\] int32; every element must have the same shape and dtype \(paddedBatch pads them to one shape\)$/);
});

test("shuffle, repeat, take, skip, cache and prefetch pass dicts through", async () => {
  const dicts = Dataset.fromTensorSlices({ title: title(), body: body() });
  const shuffled = await values(dicts.shuffle(3, { seed: 1 }));
  assert.deepEqual([...shuffled].sort((p, q) => (p as { body: number }).body - (q as { body: number }).body), await values(dicts));
  assert.deepEqual(await values(dicts.repeat(2).skip(2).take(2)), [{ title: [5, 6], body: 9 }, { title: [1, 2], body: 7 }]);
  assert.deepEqual(await values(dicts.cache().prefetch(2)), await values(dicts));
});

test("unbatch splits every part of a dict batch; paddedBatch pads each part, with shapes and values given per key", async () => {
  const batched = Dataset.fromTensorSlices({ title: title(), body: body() }).batch(2);
  assert.deepEqual(await values(batched.unbatch()), await values(Dataset.fromTensorSlices({ title: title(), body: body() })));
  const ragged = Dataset.fromGenerator(function* () {
    yield { ids: constant([1], "int32"), label: constant(0, "int32") };
    yield { ids: constant([2, 3], "int32"), label: constant(1, "int32") };
  });
  assert.deepEqual(await values(ragged.paddedBatch(2)), [{ ids: [[1, 0], [2, 3]], label: [0, 1] }]);
  assert.deepEqual(await values(ragged.paddedBatch(2, { paddedShapes: { ids: [4], label: [] }, paddingValues: { ids: -1, label: 0 } })), [{ ids: [[1, -1, -1, -1], [2, 3, -1, -1]], label: [0, 1] }]);
  await assert.rejects(ragged.paddedBatch(2, { paddedShapes: { ids: [4] } }).toArray(), /^TypeError: Dataset\.paddedBatch: paddedShapes \{.*\} does not match the elements: the elements are \{ ids: tensor, label: tensor \}; give a shape for each tensor, nested alike$/);
  await assert.rejects(ragged.paddedBatch(2, { paddedShapes: { ids: [1], label: [] } }).toArray(), /cannot pad component ids of shape \[2\] to \[1\]: dimension 0 is larger than 1/);
  await assert.rejects(Dataset.fromTensors({ a: constant([[1, 2]]), b: constant([1, 2, 3]) }).unbatch().toArray(), /^RangeError: Dataset\.unbatch: the tensors have different first dimensions \(a: 1, b: 3\); they must match$/);
});

test("zip puts a dict dataset beside a label dataset as [dict, y]; enumerate gives [i, dict]; concatenate compares the structures", async () => {
  const x = Dataset.fromTensorSlices({ title: title(), body: body() });
  const y = Dataset.fromTensorSlices(constant([0, 1, 0], "int32"));
  assert.deepEqual(await values(Dataset.zip(x, y).take(2)), [[{ title: [1, 2], body: 7 }, 0], [{ title: [3, 4], body: 8 }, 1]]);
  assert.deepEqual(await values(x.take(2).enumerate(5)), [[5, { title: [1, 2], body: 7 }], [6, { title: [3, 4], body: 8 }]]);
  assert.deepEqual(await values(x.take(1).concatenate(x.skip(2))), [{ title: [1, 2], body: 7 }, { title: [5, 6], body: 9 }]);
  const other = Dataset.fromTensorSlices({ title: title(), body: constant([1, 2, 3], "float32") });
  await assert.rejects(x.concatenate(other).toArray(), /^TypeError: Dataset\.concatenate: the datasets' elements differ: this dataset's are \{ body: int32, title: float32 \} but the other's element 0 is \{ body: float32, title: float32 \}/);
});
