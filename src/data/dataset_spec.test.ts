/**
 * Dataset.elementSpec and inferElementSpec: the expected specs are written by hand from the inputs'
 * shapes and tf.data's rules (batch prepends None, or the batch size with drop_remainder; unbatch
 * drops the first dimension; zip and enumerate put their items side by side), and printed as
 * tf.data prints element_spec.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dataset, DatasetSpec, TensorSpec, specText } from "./dataset.js";
import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import * as tf from "../index.js";

const x = () => constant([[1, 2], [3, 4], [5, 6]], "float32");
const y = () => constant([7, 8, 9], "int32");
const spec = (shape: (number | null)[], dtype: "float32" | "int32" | "int64" | "bool" = "float32") => new TensorSpec(shape, dtype);

test("TensorSpec prints as tf.TensorSpec, checks its shape, and tells compatible tensors", () => {
  assert.equal(String(spec([null, 2])), "TensorSpec(shape=(None, 2), dtype=tf.float32, name=None)");
  assert.equal(String(spec([3], "int32")), "TensorSpec(shape=(3,), dtype=tf.int32, name=None)");
  assert.equal(String(new TensorSpec([], "int64", "n")), "TensorSpec(shape=(), dtype=tf.int64, name='n')");
  assert.ok(spec([null, 2]).isCompatibleWith(constant([[1, 2]], "float32")));
  assert.ok(!spec([null, 2]).isCompatibleWith(constant([[1, 2, 3]], "float32")));
  assert.ok(!spec([null, 2]).isCompatibleWith(constant([[1, 2]], "int32")));
  assert.throws(() => new TensorSpec([2, -1], "float32"), /^TypeError: TensorSpec: shape must be an array of sizes \(non-negative integers, or null for unknown\), got \[2,-1\]$/);
  assert.equal(tf.data.TensorSpec, TensorSpec);
});

test("sources: fromTensorSlices drops the sliced axis, fromTensors keeps the whole shape, range is a scalar", () => {
  assert.equal(specText(Dataset.fromTensorSlices([x(), y()]).elementSpec),
    "(TensorSpec(shape=(2,), dtype=tf.float32, name=None), TensorSpec(shape=(), dtype=tf.int32, name=None))");
  assert.equal(specText(Dataset.fromTensorSlices({ a: x(), b: y() }).elementSpec),
    "{'a': TensorSpec(shape=(2,), dtype=tf.float32, name=None), 'b': TensorSpec(shape=(), dtype=tf.int32, name=None)}");
  assert.deepEqual(Dataset.fromTensors(x()).elementSpec, spec([3, 2]));
  assert.deepEqual(Dataset.range(4).elementSpec, spec([], "int32"));
  assert.deepEqual(Dataset.range(4, { dtype: "int64" }).elementSpec, spec([], "int64"));
  // One-item tuple: printed with Python's trailing comma.
  assert.equal(specText([spec([])]), "(TensorSpec(shape=(), dtype=tf.float32, name=None),)");
});

test("batch prepends None, or the batch size with dropRemainder (whatever the count), and unbatch drops it", () => {
  const ds = Dataset.fromTensorSlices([x(), y()]);
  assert.deepEqual(ds.batch(2).elementSpec, [spec([null, 2]), spec([null], "int32")]);
  assert.deepEqual(ds.batch(2, { dropRemainder: true }).elementSpec, [spec([2, 2]), spec([2], "int32")]);
  assert.deepEqual(ds.filter(() => true).batch(3, { dropRemainder: true }).elementSpec, [spec([3, 2]), spec([3], "int32")], "unknown count, still 3");
  assert.deepEqual(ds.batch(2).unbatch().elementSpec, [spec([2]), spec([], "int32")]);
  assert.throws(() => Dataset.range(3).unbatch().elementSpec, /^RangeError: Dataset\.unbatch: the elements hold a scalar \(TensorSpec\(shape=\(\), dtype=tf\.int32, name=None\)\); unbatch splits/);
});

test("paddedBatch: given sizes stay known, null or -1 become None, left-out shapes keep the input's dimensions", () => {
  const ds = Dataset.fromTensorSlices([x(), y()]);
  assert.deepEqual(ds.paddedBatch(2).elementSpec, [spec([null, 2]), spec([null], "int32")]);
  assert.deepEqual(ds.paddedBatch(2, { paddedShapes: [[5], []], dropRemainder: true }).elementSpec, [spec([2, 5]), spec([2], "int32")]);
  assert.deepEqual(ds.paddedBatch(2, { paddedShapes: [[-1], []] }).elementSpec, [spec([null, null]), spec([null], "int32")]);
  assert.deepEqual(Dataset.fromTensorSlices({ a: x() }).paddedBatch(2, { paddedShapes: { a: [4] } }).elementSpec, { a: spec([null, 4]) });
});

test("zip and enumerate put items side by side; window gives a DatasetSpec; concatenate relaxes differing dimensions", () => {
  const a = Dataset.fromTensorSlices([x(), y()]), b = Dataset.range(3);
  assert.deepEqual(Dataset.zip(a, b).elementSpec, [spec([2]), spec([], "int32"), spec([], "int32")]);
  assert.deepEqual(b.enumerate().elementSpec, [spec([], "int32"), spec([], "int32")]);
  const w = b.window(2);
  assert.ok(w.elementSpec instanceof DatasetSpec);
  assert.equal(specText(w.elementSpec), "DatasetSpec(TensorSpec(shape=(), dtype=tf.int32, name=None), TensorShape([]))");
  const long = Dataset.fromTensors(constant([[1, 2, 3]], "float32"));
  assert.deepEqual(Dataset.fromTensors(x()).concatenate(long).elementSpec, spec([null, null]));
  assert.deepEqual(Dataset.fromTensors(x()).concatenate(Dataset.fromTensors(x())).elementSpec, spec([3, 2]));
  assert.throws(() => Dataset.fromTensors(x()).concatenate(Dataset.fromTensors(constant([1, 2], "float32"))).elementSpec,
    /^RangeError: Dataset\.concatenate: the datasets' tensors have ranks 2 and 1 \(shapes \(3, 2\) and \(2,\)\); lamina's TensorSpec has no unknown rank/);
  assert.throws(() => b.concatenate(Dataset.range(2, { dtype: "int64" })).elementSpec, /^TypeError: Dataset\.concatenate: the datasets' elements differ: this dataset's are int32 but the other's are int64/);
});

test("steps that keep their input's elements keep its spec", () => {
  const ds = Dataset.fromTensorSlices([x(), y()]);
  const want = [spec([2]), spec([], "int32")];
  for (const d of [ds.take(2), ds.skip(1), ds.shuffle(3, { seed: 1 }), ds.filter(() => true), ds.repeat(2), ds.cache(), ds.prefetch(2), ds.shard(2, 0)]) {
    assert.deepEqual(d.elementSpec, want);
  }
});

test("map is not traced: elementSpec names it and inferElementSpec runs it on one element", async () => {
  const mapped = Dataset.fromTensorSlices([x(), y()]).map((a: Tensor, b: Tensor) => [tf.reshape(a, [2, 1]), b]);
  assert.throws(() => mapped.elementSpec, /^TypeError: Dataset\.elementSpec: the elements made by map are not known without running its function \(tf\.data traces it, lamina does not\); `await ds\.inferElementSpec\(\)` runs the pipeline/);
  assert.throws(() => mapped.batch(2).elementSpec, /elements made by map/, "a later step says which step");
  let calls = 0;
  const counted = Dataset.fromTensorSlices(x()).map((a) => { calls++; return tf.concat([a, a], 0); });
  assert.deepEqual(await counted.inferElementSpec(), spec([4]));
  assert.equal(calls, 1, "the function runs once");
  assert.deepEqual(await counted.batch(2).inferElementSpec(), spec([null, 4]));
  assert.equal(calls, 1, "the spec is kept");
  assert.deepEqual(await mapped.batch(2).inferElementSpec(), [spec([null, 2, 1]), spec([null], "int32")]);
});

test("a map over batches keeps the batch dimension unknown: a first dimension equal to the batch size becomes None", async () => {
  // Batches of 2, then a map doubling the features: the first element is [2, 4], tf.data's spec (None, 4).
  const ds = Dataset.fromTensorSlices(x()).batch(2).map((b) => tf.concat([b, b], 1));
  assert.deepEqual(await ds.inferElementSpec(), spec([null, 4]));
  // With dropRemainder the batch is known, so the 2 stays.
  assert.deepEqual(await Dataset.fromTensorSlices(x()).batch(2, { dropRemainder: true }).map((b) => tf.concat([b, b], 1)).inferElementSpec(), spec([2, 4]));
  await assert.rejects(Dataset.fromTensorSlices(x()).take(0).map((a) => a).inferElementSpec(),
    /^RangeError: Dataset\.inferElementSpec: the dataset made by map yields no element, so running it cannot tell its element spec$/);
});

test("flatMap and fromGenerator: inferred from the first element; fromGenerator's outputSignature gives it and is checked", async () => {
  const flat = Dataset.range(2).flatMap(() => Dataset.fromTensorSlices(x()));
  assert.throws(() => flat.elementSpec, /elements made by flatMap/);
  assert.deepEqual(await flat.inferElementSpec(), spec([2]));
  const gen = Dataset.fromGenerator(function* () { yield [constant([1, 2], "float32"), constant(0, "int32")]; });
  assert.throws(() => gen.elementSpec, /elements made by fromGenerator \(pass \{ outputSignature \} to give it\)/);
  assert.deepEqual(await gen.inferElementSpec(), [spec([2]), spec([], "int32")]);
  const sig = [spec([null]), spec([], "int32")];
  const typed = Dataset.fromGenerator(function* () {
    yield [constant([1, 2], "float32"), constant(0, "int32")];
    yield [constant([1, 2, 3], "float32"), constant(1, "int32")];
    yield [constant([[1]], "float32"), constant(1, "int32")];
  }, { outputSignature: sig });
  assert.deepEqual(typed.elementSpec, sig);
  assert.deepEqual(typed.batch(2).elementSpec, [spec([null, null]), spec([null], "int32")]);
  await assert.rejects(typed.toArray(), /^TypeError: Dataset\.fromGenerator: element 2 does not match outputSignature \(TensorSpec\(shape=\(None,\), dtype=tf\.float32, name=None\), TensorSpec\(shape=\(\), dtype=tf\.int32, name=None\)\): the tensor at \[0\] has shape \(1, 1\) and dtype float32, which does not fit TensorSpec\(shape=\(None,\)/);
  assert.throws(() => Dataset.fromGenerator(function* () { yield constant(1); }, { outputSignature: [1, 2] as never }), /^TypeError: Dataset\.fromGenerator: outputSignature must be a TensorSpec, or arrays and objects of them/);
  assert.throws(() => Dataset.fromGenerator(function* () { yield constant(1); }, { signature: spec([]) } as never), /Dataset\.fromGenerator: unknown option signature/);
});

test("ensureSpec declares a function's elements, checking each one", async () => {
  const mapped = Dataset.fromTensorSlices(x()).map((a) => tf.reshape(a, [2, 1])).ensureSpec(spec([2, 1]));
  assert.deepEqual(mapped.elementSpec, spec([2, 1]));
  assert.deepEqual(mapped.batch(2).elementSpec, spec([null, 2, 1]));
  assert.equal((await mapped.toArray()).length, 3);
  const wrong = Dataset.fromTensorSlices(x()).map((a) => a).ensureSpec([spec([2]), spec([], "int32")]);
  await assert.rejects(wrong.toArray(), /^TypeError: Dataset\.ensureSpec: element 0 does not match \(TensorSpec\(shape=\(2,\), dtype=tf\.float32, name=None\), TensorSpec\(shape=\(\), dtype=tf\.int32, name=None\)\): expected an array of 2, got a tensor$/);
  const dicts = Dataset.fromTensorSlices({ a: x() }).ensureSpec({ a: spec([3]) });
  await assert.rejects(dicts.toArray(), /element 0 does not match .*: the tensor at a has shape \(2,\) and dtype float32, which does not fit TensorSpec\(shape=\(3,\)/);
  assert.throws(() => Dataset.range(2).ensureSpec([] as never), /^TypeError: Dataset\.ensureSpec: spec must be a TensorSpec, or arrays and objects of them/);
});
