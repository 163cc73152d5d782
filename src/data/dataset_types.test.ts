/**
 * The typing of Dataset's element functions (map, filter, flatMap, takeWhile...): the Keras-style
 * forms must infer without parameter annotations, and misuse must fail to compile. This file is
 * checked by `npm run typecheck` (the `@ts-expect-error` lines fail the typecheck if they
 * compile); its test also runs the pipelines, checking that the values match the types.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dataset } from "./dataset.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { values } from "../testing/element_values.js";
import * as tf from "../index.js";

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const same = <A, B>(_check: Equal<A, B>): void => {};

const xs = () => constant([[1, 2], [3, 4]], "float32");
const ys = () => constant([0, 1], "int32");

test("map/filter/flatMap/takeWhile infer (x, y) => ..., ([x, y]) => ..., dicts and single tensors without annotations", async () => {
  const pairs = Dataset.fromTensorSlices([xs(), ys()]);
  // Two parameters: the items, each a tensor.
  const scaled = pairs.map((x, y) => [tf.div(x, constant(2, "float32")), y]);
  same<typeof scaled, Dataset<[Tensor, Tensor]>>(true);
  assert.deepEqual(await values(scaled), [[[0.5, 1], 0], [[1.5, 2], 1]]);
  // One parameter destructured: the same items.
  const swapped = pairs.map(([x, y]) => [y, x]);
  same<typeof swapped, Dataset<[Tensor, Tensor]>>(true);
  assert.deepEqual(await values(swapped), [[0, [1, 2]], [1, [3, 4]]]);
  // Two different dicts in one returned array literal, from the two-parameter form.
  // x returned as it is keeps the first parameter's type, the element and its first item at once
  // (TypeScript cannot tell the forms apart by arity); it is usable wherever a tensor is.
  const dicts = pairs.map((x, y) => [{ image: x }, { label: y, weight: y }]);
  same<typeof dicts, Dataset<[{ image: Tensor[] & Tensor }, { label: Tensor; weight: Tensor }]>>(true);
  const asTensors: Dataset<[{ image: Tensor }, { label: Tensor; weight: Tensor }]> = dicts;
  assert.deepEqual(await values(dicts), [[{ image: [1, 2] }, { label: 0, weight: 0 }], [{ image: [3, 4] }, { label: 1, weight: 1 }]]);
  // A tuple element made by map is unpacked as well, its items keeping their own types.
  const back = dicts.map((features, targets) => [features.image, targets.label]);
  const backAsTensors: Dataset<[Tensor, Tensor]> = back;
  assert.deepEqual(await values(backAsTensors), await values(asTensors.map(([f, t]) => [f.image, t.label])));
  // A dict element comes whole; a single tensor too.
  const named = Dataset.fromTensorSlices({ a: xs(), b: ys() }).map((d) => d.b);
  same<typeof named, Dataset<Tensor>>(true);
  assert.deepEqual(await values(named), [0, 1]);
  const doubled = Dataset.fromTensorSlices(ys()).map((t) => tf.mul(t, constant(2, "int32")));
  assert.deepEqual(await values(doubled), [0, 2]);
  // Async functions, and batches.
  const asyncMapped = pairs.batch(2).map(async (x, y) => [x, tf.oneHot(y, 2)]);
  assert.deepEqual(await values(asyncMapped), [[[[1, 2], [3, 4]], [[1, 0], [0, 1]]]]);
  // filter, takeWhile and flatMap take the same forms.
  assert.deepEqual(await values(pairs.filter((_x, y) => y.item() === 1)), [[[3, 4], 1]]);
  assert.deepEqual(await values(pairs.takeWhile(([, y]) => y.item() === 0)), [[[1, 2], 0]]);
  assert.deepEqual(await values(pairs.flatMap((x, y) => Dataset.fromTensors([y, x]))), [[0, [1, 2]], [1, [3, 4]]]);
});

test("misuse fails to compile", () => {
  const pairs = Dataset.fromTensorSlices([xs(), ys()]).map((x, y) => [x, y]);
  // @ts-expect-error a two-item element has no third item
  pairs.map((x, y, z) => [x, y, z]);
  // @ts-expect-error a number is not an element
  pairs.map(() => 3);
  // @ts-expect-error a dict element is passed whole: no second parameter
  Dataset.fromTensorSlices({ a: xs() }).map((a, b) => [a, b]);
  // @ts-expect-error a predicate returns a boolean or a tensor
  pairs.filter(() => "yes");
  // @ts-expect-error flatMap's function returns a dataset
  pairs.flatMap((x) => x);
  assert.ok(true);
});
